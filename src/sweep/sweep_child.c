/* sweep_child.c: a child cachepong process of a sweep (a cell, the
 * topology snapshot): started in its own process group with its stderr in
 * a file, and the message it ended with read back from that file. */
#include "sweep.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "sweep_int.h"

pid_t sweep_start_child(struct sweep_run_state *r, char **argv, const char *errpath)
{
	pid_t pid = fork();

	if (pid)
		return pid;
	/* own process group: the terminal's Ctrl-C is the sweep's to handle */
	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	{
		int in = open("/dev/null", O_RDONLY);
		int err = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (in < 0 || err < 0)
			_exit(127);
		dup2(in, 0);
		dup2(err, 1);
		dup2(err, 2);
		close(in);
		close(err);
	}
	(void)r;
	execv("/proc/self/exe", argv);
	dprintf(2, "cachepong: cannot run /proc/self/exe: %s\n", strerror(errno));
	_exit(127);
}

/* The last "cachepong: ..." line of the cell's stderr: why it failed. */
void sweep_last_message(const char *errpath, char *why, size_t len, FILE *slog, int i)
{
	FILE *f = fopen(errpath, "r");
	char line[2048];

	why[0] = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (slog)
			fprintf(slog, "[cell %d] %s\n", i + 1, line);
		if (!strncmp(line, "cachepong: ", 11) && strncmp(line, "cachepong: warning: ", 20))
			snprintf(why, len, "%.1000s", line + 11);
	}
	fclose(f);
}
