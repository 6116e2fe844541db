/* runctl.c: SIGINT, SIGTERM and SIGHUP, fatal or graceful (see runctl.h). */
#include "runctl.h"

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>

#include "cp.h"

#define RUNCTL_HOOKS 8

static const int runctl_sigs[] = { SIGINT, SIGTERM, SIGHUP };

static void (*volatile hooks[RUNCTL_HOOKS])(void);

static void on_fatal(int sig)
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
	for (size_t i = 0; i < CP_ARRAY_SIZE(runctl_sigs); i++) {
		struct sigaction old, sa = { .sa_handler = on_fatal };

		sigemptyset(&sa.sa_mask);
		if (!sigaction(runctl_sigs[i], NULL, &old) && old.sa_handler == SIG_DFL && !(old.sa_flags & SA_SIGINFO))
			sigaction(runctl_sigs[i], &sa, NULL);
	}
}

/* ---- graceful stop ---- */

static volatile sig_atomic_t stop_count, stop_sig;
static volatile uint64_t *stop_shared;
static struct sigaction stop_old[CP_ARRAY_SIZE(runctl_sigs)];
static int stop_active;

static void on_stop(int sig)
{
	stop_count++;
	stop_sig = sig;
	if (stop_shared)
		__atomic_store_n(stop_shared, (uint64_t)sig, __ATOMIC_RELAXED);
}

void runctl_stop_begin(volatile uint64_t *shared, int restart)
{
	struct sigaction sa = { .sa_handler = on_stop, .sa_flags = restart ? SA_RESTART : 0 };

	sigemptyset(&sa.sa_mask);
	stop_shared = shared;
	stop_count = 0;
	stop_sig = 0;
	for (size_t i = 0; i < CP_ARRAY_SIZE(runctl_sigs); i++)
		sigaction(runctl_sigs[i], &sa, stop_active ? NULL : &stop_old[i]);
	stop_active = 1;
}

void runctl_stop_end(void)
{
	if (!stop_active)
		return;
	for (size_t i = 0; i < CP_ARRAY_SIZE(runctl_sigs); i++)
		sigaction(runctl_sigs[i], &stop_old[i], NULL);
	stop_active = 0;
	stop_shared = NULL;
}

int runctl_stop_count(void)
{
	return stop_count;
}

int runctl_stop_signal(void)
{
	return stop_sig;
}

/* ---- the time limit ---- */

static double deadline_at, deadline_len;
static int capped;

void runctl_deadline_set(double limit_s)
{
	deadline_len = limit_s;
	deadline_at = limit_s > 0 ? cp_now_s() + limit_s : 0;
	capped = 0;
}

double runctl_deadline(void)
{
	return deadline_at;
}

int runctl_time_up(void)
{
	if (deadline_at > 0 && cp_now_s() > deadline_at)
		capped = 1;
	return capped;
}

void runctl_mark_capped(void)
{
	capped = 1;
}

int runctl_capped(void)
{
	return capped;
}

int runctl_exit_code(int rc)
{
	char d[32];

	if (rc != CP_OK || !capped)
		return rc;
	fprintf(stderr, "cachepong: time limit %s reached: what was measured is written (a measurement cut "
		"short says stop=time-limit); the ones after it were not taken\n",
		cp_fmt_dur(deadline_len, d, sizeof(d)));
	return CP_ECAPPED;
}
