/* runctl.c: cleanup hooks run by a fatal SIGINT/SIGTERM/SIGHUP (see runctl.h). */
#include "runctl.h"

#include <errno.h>
#include <signal.h>
#include <stddef.h>

#include "cp.h"

#define RUNCTL_HOOKS 8

static void (*volatile hooks[RUNCTL_HOOKS])(void);

static void on_signal(int sig)
{
	int saved = errno;

	for (int i = 0; i < RUNCTL_HOOKS; i++)
		if (hooks[i])
			hooks[i]();
	signal(sig, SIG_DFL);
	errno = saved;
	raise(sig); /* pending until we return, then fatal as before */
}

void runctl_at_signal(void (*fn)(void))
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	static int installed;

	for (int i = 0; i < RUNCTL_HOOKS; i++) {
		if (hooks[i] == fn)
			break;
		if (!hooks[i]) {
			hooks[i] = fn;
			break;
		}
	}
	if (installed)
		return;
	installed = 1;
	for (size_t i = 0; i < CP_ARRAY_SIZE(sigs); i++) {
		struct sigaction old, sa = { .sa_handler = on_signal };

		sigemptyset(&sa.sa_mask);
		if (!sigaction(sigs[i], NULL, &old) && old.sa_handler == SIG_DFL && !(old.sa_flags & SA_SIGINFO))
			sigaction(sigs[i], &sa, NULL);
	}
}
