/* pp_together.c: pairs measured at the same time (pingpong.h,
 * pp_measure_together), for a matrix that runs disjoint pairs in
 * parallel.  One process per pair, forked after the shared results are
 * mapped; each is a ping-pong cell of its own (pp_measure: its own line,
 * its own agents pinned and checked on their CPUs), and all are released
 * together once every one is forked, so that their cells overlap.  Each
 * reports its row, its values and the wall-clock window of its cell into
 * its slot; the parent checks the windows overlap. */
#include "pingpong.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* One pair's report.  The row's strings point into the program's static
 * tables (kernel, mode, kind names) or into the caller's memory (the
 * placement), which are at the same addresses in parent and child after
 * fork; its values are copied after the slots. */
struct tg_slot {
	int rc;
	char err[256];
	struct cp_row row;
	double t0, t1;
} CP_PADDED;

struct tg_shared {
	struct cp_padded_u64 go;     /* 1: every pair's process is forked */
	struct tg_slot slot[];
};

static void tg_child(const struct pp_run *r, const struct kernel *k, enum agent_mode mode, const int *pair,
		     const char *placement, struct tg_shared *S, int i, double *v, uint64_t maxv)
{
	struct tg_slot *s = &S->slot[i];
	struct cp_err e = { 0 };
	double *raw = NULL;

	/* the rendezvous: a handful of forks, so a yield loop, not a sleep */
	while (!__atomic_load_n(&S->go.v, __ATOMIC_ACQUIRE))
		sched_yield();
	s->t0 = cp_now_s();
	s->rc = pp_measure(r, k, mode, pair[0], pair[1], NULL, placement, &s->row, &raw, NULL, &e);
	s->t1 = cp_now_s();
	if (s->rc)
		snprintf(s->err, sizeof(s->err), "%.250s", e.msg);
	else {
		s->row.nraw = s->row.nraw < maxv ? s->row.nraw : maxv;
		memcpy(v, raw, s->row.nraw * sizeof(double));
		s->row.raw = NULL;
	}
	free(raw);
	_exit(s->rc ? 1 : 0);
}

/* Wait for every child; the first failure (its message) into e. */
static int tg_wait(const pid_t *pid, int n, struct tg_shared *S, const int (*pair)[2], struct cp_err *e)
{
	int rc = 0;

	for (int i = 0; i < n; i++) {
		int st = 0;

		if (pid[i] <= 0)
			continue;
		while (waitpid(pid[i], &st, 0) < 0 && errno == EINTR)
			;
		if (rc)
			continue;
		if (S->slot[i].rc)
			rc = cp_errf(e, S->slot[i].rc, "%s", S->slot[i].err);
		else if (!WIFEXITED(st) || WEXITSTATUS(st))
			rc = cp_errf(e, CP_ERUN, "matrix: the process of pair %d,%d ended %s %d", pair[i][0],
				     pair[i][1], WIFSIGNALED(st) ? "by signal" : "with status",
				     WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
	}
	return rc;
}

int pp_measure_together(const struct pp_run *r, const struct kernel *k, enum agent_mode mode, int n,
			const int (*pair)[2], const char *const *placement, struct cp_row *rows, double **raw,
			double (*win)[2], struct cp_err *e)
{
	struct sampler_req req = { .samples = r->samples, .max_samples = r->max_samples, .target_ci = r->target_ci };
	uint64_t maxv = sampler_max_samples(&req);
	size_t size = sizeof(struct tg_shared) + (size_t)n * sizeof(struct tg_slot) + (size_t)n * maxv * sizeof(double);
	struct tg_shared *S = agents_shared_alloc(size);
	double *v = (double *)&S->slot[n];
	pid_t *pid = cp_xcalloc((size_t)n, sizeof(pid_t));
	int rc = 0;

	fflush(NULL); /* nothing buffered is written twice */
	for (int i = 0; i < n && !rc; i++) {
		S->slot[i].rc = CP_ERUN;
		snprintf(S->slot[i].err, sizeof(S->slot[i].err), "matrix: the process of pair %d,%d died",
			 pair[i][0], pair[i][1]);
		pid[i] = fork();
		if (pid[i] == 0)
			tg_child(r, k, mode, pair[i], placement[i], S, i, v + (size_t)i * maxv, maxv);
		if (pid[i] < 0)
			rc = cp_errf(e, CP_ERUN, "matrix: cannot fork the process of pair %d,%d: %s", pair[i][0],
				     pair[i][1], strerror(errno));
	}
	if (rc) /* release the ones forked, then reap them */
		for (int i = 0; i < n; i++)
			if (pid[i] > 0)
				kill(pid[i], SIGKILL);
	__atomic_store_n(&S->go.v, 1, __ATOMIC_RELEASE);
	if (!rc)
		rc = tg_wait(pid, n, S, pair, e);
	else
		tg_wait(pid, n, S, pair, &(struct cp_err){ 0 });
	for (int i = 0; i < n && !rc; i++) {
		rows[i] = S->slot[i].row;
		raw[i] = cp_xcalloc(rows[i].nraw ? rows[i].nraw : 1, sizeof(double));
		memcpy(raw[i], v + (size_t)i * maxv, rows[i].nraw * sizeof(double));
		rows[i].raw = raw[i];
		win[i][0] = S->slot[i].t0;
		win[i][1] = S->slot[i].t1;
	}
	free(pid);
	agents_shared_free(S, size);
	return rc;
}

double pp_overlap(const double (*win)[2], int n)
{
	double least = 1;

	for (int i = 0; i < n; i++) {
		double len = win[i][1] - win[i][0];

		for (int j = 0; j < n && len > 0; j++) {
			double lo = win[i][0] > win[j][0] ? win[i][0] : win[j][0];
			double hi = win[i][1] < win[j][1] ? win[i][1] : win[j][1];
			double f = hi > lo ? (hi - lo) / len : 0;

			if (j != i && f < least)
				least = f;
		}
	}
	return least;
}
