/* plot_proc.c: gnuplot processes, several at once: each started by fork +
 * execvp (no shell) with its output on a pipe, and waited for with poll()
 * on all of them, so that the figures of a report are drawn on every CPU
 * the sweep has left free.  The end of each one's output is kept: its
 * error is the last line. */
#include "report_int.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int plot_proc_start(struct plot_proc *p, const char *script, const char *vars, struct cp_err *e)
{
	int pfd[2];

	memset(p, 0, sizeof(*p));
	p->fd = -1;
	if (pipe2(pfd, O_CLOEXEC))
		return cp_errf(e, CP_ERUN, "pipe: %s", strerror(errno));
	p->pid = fork();
	if (p->pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return cp_errf(e, CP_ERUN, "fork: %s", strerror(errno));
	}
	if (!p->pid) {
		int in = open("/dev/null", O_RDONLY);

		dup2(in, 0);
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		execlp("gnuplot", "gnuplot", "-e", vars, script, (char *)NULL);
		_exit(errno == ENOENT ? 126 : 127);
	}
	close(pfd[1]);
	p->fd = pfd[0];
	snprintf(p->script, sizeof(p->script), "%s", script);
	return 0;
}

/* Read what p has to say; at its end, reap it. */
static void drain(struct plot_proc *p)
{
	ssize_t r = read(p->fd, p->out + p->got, sizeof(p->out) - 1 - p->got);

	if (r < 0 && errno == EINTR)
		return;
	if (r > 0) {
		p->got += (size_t)r;
		/* keep the end: the error is the last line */
		if (p->got > sizeof(p->out) - 512) {
			memmove(p->out, p->out + p->got - 1024, 1024);
			p->got = 1024;
		}
		return;
	}
	close(p->fd);
	p->fd = -1;
	while (waitpid(p->pid, &p->status, 0) < 0 && errno == EINTR)
		;
	p->out[p->got] = 0;
	p->done = 1;
}

void plot_proc_wait_any(struct plot_proc **procs, int n, double until)
{
	struct pollfd pf[64];
	int k = 0, any = 0;

	for (int i = 0; i < n && k < (int)CP_ARRAY_SIZE(pf); i++)
		if (!procs[i]->done)
			pf[k++] = (struct pollfd){ .fd = procs[i]->fd, .events = POLLIN };
	while (k && !any) {
		double left = until > 0 ? until - cp_now_s() : -1;
		int ms = until > 0 ? (int)fmax(0, ceil(left * 1e3)) : -1;

		if (until > 0 && left <= 0)
			return;
		if (poll(pf, (nfds_t)k, ms) < 0 && errno != EINTR)
			return;
		for (int i = 0, j = 0; i < n; i++) {
			if (procs[i]->done)
				continue;
			if (pf[j].revents)
				drain(procs[i]);
			any |= procs[i]->done;
			j++;
		}
	}
}

void plot_proc_stop(struct plot_proc *p)
{
	if (p->pid > 0 && !p->done) {
		kill(p->pid, SIGKILL);
		while (!p->done)
			drain(p);
	}
}

int plot_proc_result(const struct plot_proc *p, struct cp_err *e)
{
	char out[sizeof(p->out)], *q;

	if (WIFEXITED(p->status) && WEXITSTATUS(p->status) == 126)
		return cp_errf(e, CP_EUNAVAIL, "gnuplot is not installed: apt-get install gnuplot-nox");
	if (WIFEXITED(p->status) && !WEXITSTATUS(p->status))
		return 0;
	snprintf(out, sizeof(out), "%s", p->out);
	q = out + strlen(out);
	while (q > out && (q[-1] == '\n' || q[-1] == ' '))
		*--q = 0;
	for (q = out; *q; q++)
		if (*q == '\n')
			*q = ' ';
	return cp_errf(e, CP_ERUN, "gnuplot %s failed (exit %d): %.700s", p->script,
		       WIFEXITED(p->status) ? WEXITSTATUS(p->status) : 128 + WTERMSIG(p->status),
		       strlen(out) > 700 ? out + strlen(out) - 700 : out);
}

int plot_gnuplot(const char *script, const char *vars, struct cp_err *e)
{
	struct plot_proc p, *pp = &p;

	if (plot_proc_start(&p, script, vars, e))
		return e->code;
	while (!p.done)
		plot_proc_wait_any(&pp, 1, 0);
	return plot_proc_result(&p, e);
}
