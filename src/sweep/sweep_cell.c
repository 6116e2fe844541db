/* sweep_cell.c: one cell of a sweep: a child process of /proc/self/exe
 * in its own process group (the terminal's Ctrl-C reaches only the sweep),
 * its stderr kept for the log, waited for on a pidfd so the progress line
 * ticks; its rows appended to the directory's CSVs before it is logged. */
#include "sweep.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sweep_int.h"

/* Wait for the child; the progress line ticks (i >= 0), a deadline stops
 * it.  Returns its wait status; *abandoned when a second Ctrl-C killed it. */
static int wait_child(struct sweep_run_state *r, int i, pid_t pid, double deadline, int *timed_out,
		      int *abandoned)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0), status = 0, killed = 0;
	double t0 = cp_now_s();

	*timed_out = *abandoned = 0;
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			break;
		if (!killed && (runctl_stop_count() >= 2 || cp_now_s() - t0 > deadline)) {
			*abandoned = runctl_stop_count() >= 2;
			*timed_out = !*abandoned;
			kill(-pid, SIGTERM);
			kill(pid, SIGTERM);
			killed = 1;
		}
		if (r->tty && i >= 0)
			sweep_progress(r, i, t0, "running");
		/* a timed wait for the child to end, not a sleep: poll on its
		 * pidfd (Linux 5.3+), else a plain timeout */
		if (fd >= 0) {
			struct pollfd pf = { fd, POLLIN, 0 };

			poll(&pf, 1, 250);
		} else {
			poll(NULL, 0, 100);
		}
	}
	if (fd >= 0)
		close(fd);
	return status;
}

/* The cell's command line: its own words, the samples (or the matrix's
 * budget) the plan gave it, --target-ci, its cap as --time-limit (unless
 * it sets one), and where it writes.  num, tci and lim hold the numbers
 * argv points to. */
static int cell_argv(const struct sweep_run_state *r, int i, char **argv, const char *out, const char *raw,
		     char *num, size_t nlen, char *tci, size_t tlen, char *lim, size_t llen)
{
	const struct sweep_cell *c = &r->p->cell[i];
	int n = 0;

	argv[n++] = "cachepong";
	for (int k = 0; k < c->argc; k++)
		argv[n++] = c->argv[k];
	if (r->samples[i]) {
		struct sweep_cost k;

		sweep_cell_cost(c, &k);
		if (k.by_budget) {
			/* the matrix sizes its samples per pair to the time it gets,
			 * from the time per pair it measures */
			snprintf(num, nlen, "%.0fs", fmax(1, ceil(r->pred[i])));
			argv[n++] = "--budget";
		} else {
			snprintf(num, nlen, "%llu", (unsigned long long)r->samples[i]);
			argv[n++] = "--samples";
		}
		argv[n++] = num;
	}
	if (r->cfg->target_ci > 0 && (c->options & O(target_ci)) && !sweep_cell_opt(c, "target-ci")) {
		snprintf(tci, tlen, "%g", r->cfg->target_ci);
		argv[n++] = "--target-ci";
		argv[n++] = tci;
	}
	if (r->cap > 0 && (c->options & O(time_limit)) && !sweep_cell_opt(c, "time-limit")) {
		/* the cell stops at a sample's end and then exits: some room for that */
		snprintf(lim, llen, "%.3f", fmax(0.1, SWEEP_CAP_STOP * r->cap));
		argv[n++] = "--time-limit";
		argv[n++] = lim;
	}
	argv[n++] = "--format";
	argv[n++] = "csv";
	argv[n++] = "--out";
	argv[n++] = (char *)out;
	/* every sample of an all-pairs matrix would be gigabytes: not in a sweep */
	if (strcmp(c->argv[0], "matrix")) {
		argv[n++] = "--raw";
		argv[n++] = (char *)raw;
	}
	return n;
}

/* How the cell's command ended: its status, and its rows appended to the
 * directory's CSVs when it succeeded (a failure to write them is rc). */
static int cell_outcome(struct sweep_run_state *r, int status, int timed_out, double secs, int i,
			const char *out, const char *raw, char *why, size_t wlen, int *st, struct cp_err *e)
{
	size_t rows = 0, rawrows = 0;
	int rc;

	if (timed_out) {
		snprintf(why, wlen, "killed after %.1f s: it did not stop at its cap of %.1f s (estimate %.1f s)", secs,
			 r->cap, r->pred[i]);
		*st = ST_FAILED;
	} else if (WIFSIGNALED(status)) {
		snprintf(why, wlen, "killed by signal %d", WTERMSIG(status));
		*st = ST_FAILED;
	} else if (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == CP_ECAPPED) {
		*st = WEXITSTATUS(status) ? ST_CAPPED : ST_DONE;
		/* a cell stopped at its cap before its first measurement may
		 * have written no file: it kept nothing */
		rc = *st == ST_CAPPED && access(out, F_OK) ? 0 : sweep_append_rows(r->cfg->dir, "", out, &rows, e);
		if (!rc && !access(raw, F_OK))
			rc = sweep_append_rows(r->cfg->dir, "raw/", raw, &rawrows, e);
		if (rc)
			return rc; /* the directory cannot be written: stop */
		if (*st == ST_CAPPED)
			snprintf(why, wlen, "stopped at its cap of %.1f s (estimate %.1f s): %zu rows kept, the "
				 "measurements after them not taken", r->cap, r->pred[i], rows);
		else
			snprintf(why, wlen, "%zu rows (estimate %.1f s)", rows, r->pred[i]);
	} else if (WEXITSTATUS(status) == CP_EUNAVAIL) {
		*st = ST_UNAVAIL;
	} else {
		*st = ST_FAILED;
		if (!why[0])
			snprintf(why, wlen, "exit %d", WEXITSTATUS(status));
	}
	return 0;
}

/* Learn its time, log it, say it. */
static int cell_record(struct sweep_run_state *r, int i, int st, double secs, const char *why, struct cp_err *e)
{
	const struct sweep_cell *c = &r->p->cell[i];
	int rc;

	if (st == ST_DONE || st == ST_CAPPED) {
		/* a capped cell teaches at least that it takes its cap */
		struct sweep_cost k;

		sweep_cell_cost(c, &k);
		sweep_learn_add(&r->L, c->argv[0],
				sweep_cost_at(&k, (double)(r->samples[i] ? r->samples[i] : k.def_samples)), secs);
	}
	if ((rc = sweep_log_cell(r, i, st, secs, why, e)))
		return rc;
	r->ndone_now++;
	if (!r->tty || st != ST_DONE) {
		/* capped, failed and unavailable cells are said on a terminal too */
		if (r->tty)
			fprintf(stderr, "\r\033[K");
		fprintf(stderr, "sweep: [%d/%d] %s in %.1f s: %s%s%s\n", i + 1, r->p->n, sweep_statuses[st].name, secs,
			c->line, why[0] ? ": " : "", why);
	}
	return 0;
}

/* The backstop after a cell's cap: the cell stops itself at its
 * --time-limit (a sample in flight, then its rows written); this kill is
 * for one that does not. */
static double backstop(double cap)
{
	return cap + fmax(2, 0.25 * cap);
}

int sweep_child_wait(struct sweep_run_state *r, int i, char **argv, const char *err, double deadline,
		     int *status, int *timed_out, int *abandoned)
{
	pid_t pid = sweep_start_child(r, argv, err);

	if (pid < 0)
		return -1;
	*status = wait_child(r, i, pid, deadline, timed_out, abandoned);
	return 0;
}

int sweep_run_cell(struct sweep_run_state *r, int i, struct cp_err *e)
{
	const struct sweep_cell *c = &r->p->cell[i];
	char out[4200], raw[4200], err[4200], why[1100], num[64], tci[64], lim[64];
	char **argv = cp_xcalloc((size_t)c->argc + 18, sizeof(char *));
	int status, timed_out, abandoned, rc, st = ST_FAILED;
	double t0 = cp_now_s(), secs;
	struct sweep_ticks before;

	sweep_path(r, out, sizeof(out), ".cell.csv");
	sweep_path(r, raw, sizeof(raw), ".cell.raw.csv");
	sweep_path(r, err, sizeof(err), ".cell.err");
	cell_argv(r, i, argv, out, raw, num, sizeof(num), tci, sizeof(tci), lim, sizeof(lim));
	unlink(out);
	unlink(raw);
	if (!r->tty)
		sweep_progress(r, i, t0, "start");
	sweep_ticks_now(&before);
	rc = sweep_child_wait(r, i, argv, err, backstop(r->cap), &status, &timed_out, &abandoned);
	if (!rc && !abandoned)
		sweep_quiet_cell(r, i, &before);
	free(argv);
	if (rc)
		return cp_errf(e, CP_ERUN, "fork: %s", strerror(errno));
	secs = cp_now_s() - t0;
	sweep_last_message(err, why, sizeof(why), r->slog, i);
	if (r->slog)
		fflush(r->slog);
	/* abandoned: not logged, the resume runs it again */
	rc = abandoned ? 0 : cell_outcome(r, status, timed_out, secs, i, out, raw, why, sizeof(why), &st, e);
	unlink(out);
	unlink(raw);
	unlink(err);
	return rc || abandoned ? rc : cell_record(r, i, st, secs, why, e);
}
