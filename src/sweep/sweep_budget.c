/* sweep_budget.c: which cells run within a budget, how many samples each
 * gets and how long each may take.  A benchmark's main job must not be lost
 * to one cell that runs far longer here than anywhere else, so:
 *
 *  - each experiment's probe (its descriptor's short run) is measured
 *    first, a few percent of the budget; one that takes longer than its
 *    estimate lengthens that experiment's estimates on this machine before
 *    any cell is sized (sweep_learn).  A faster one shortens nothing: a
 *    short run is mostly start-up, and says little of how the samples of
 *    a long one scale (the cells teach that as they end);
 *  - each experiment's first cell is protected: the other cells run only
 *    in what is left after the least those still need (each at most an
 *    equal share of what is left, when they cannot all have their least),
 *    so every experiment is in the report, as a smaller version of the
 *    whole when the budget is small; the other cells are chosen in plan
 *    order (the order is priority) while they fit at their fewest samples;
 *  - the cells chosen share the time left by one scale of their samples
 *    (sweep_fit), re-fitted before each cell from what the cells so far
 *    measured;
 *  - a cell may take SWEEP_CAP_FACTOR times its estimate (at least the
 *    floor), never more than what is left after the protected cells still
 *    to run: it gets that as --time-limit, stops itself, keeps what it
 *    measured and is listed as capped.  Without a budget the cap only
 *    catches a cell that is stuck. */
#include "sweep.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sweep_int.h"

/* a cell may run this many times its estimate ... */
#define SWEEP_CAP_FACTOR 4.0
/* ... or at least this long: 5% of the budget, within these bounds */
#define SWEEP_CAP_FLOOR_MIN 0.5
#define SWEEP_CAP_FLOOR_MAX 3.0
/* without a budget: a stuck cell is stopped after this many times its
 * estimate, at least this long */
#define SWEEP_CAP_FREE_FACTOR 20.0
#define SWEEP_CAP_FREE_MIN 120.0
/* the part of what is left the model may plan with (sweep_fit keeps the
 * same 8% for what it does not see: process exits, appends) */
#define SWEEP_PLAN_SHARE 0.92
/* a probe may take 2% of the budget, within these bounds (it takes a
 * tenth of a second where the experiment is as fast as its prior says) */
#define SWEEP_PROBE_MIN_S 0.1
#define SWEEP_PROBE_MAX_S 1.0

static int pending(const struct sweep_run_state *r, int j)
{
	const struct sweep_cell *c = &r->p->cell[j];

	return (r->st[j] == ST_TODO || !sweep_statuses[r->st[j]].final) && !c->unavail && !c->invalid;
}

/* Each command's first runnable cell in plan order. */
static void mark_first(struct sweep_run_state *r)
{
	for (int j = 0; j < r->p->n; j++) {
		const struct sweep_cell *c = &r->p->cell[j];
		int seen = 0;

		if (c->unavail || c->invalid)
			continue;
		for (int k = 0; k < j && !seen; k++)
			seen = r->first[k] && !strcmp(r->p->cell[k].argv[0], c->argv[0]);
		r->first[j] = !seen;
	}
}

/* What cell j costs at its fewest samples, as learned so far. */
static double least(const struct sweep_run_state *r, int j)
{
	struct sweep_cost k;

	sweep_cell_cost(&r->p->cell[j], &k);
	return sweep_learn_ratio(&r->L, r->p->cell[j].argv[0]) *
	       sweep_cost_at(&k, (double)(k.scalable ? k.min_samples : k.def_samples));
}

/* One probe as a child: its time, learned against its own estimate. */
static void probe_one(struct sweep_run_state *r, const struct sweep_cell *c, double limit)
{
	char out[4200], err[4200], lim[32], **argv = cp_xcalloc((size_t)c->argc + 10, sizeof(char *));
	int n = 0, status, timed_out, abandoned;
	double t0 = cp_now_s();
	struct sweep_cost k;

	sweep_path(r, out, sizeof(out), ".probe.csv");
	sweep_path(r, err, sizeof(err), ".probe.err");
	snprintf(lim, sizeof(lim), "%.3f", limit);
	argv[n++] = "cachepong";
	for (int a = 0; a < c->argc; a++)
		argv[n++] = c->argv[a];
	argv[n++] = "--time-limit";
	argv[n++] = lim;
	argv[n++] = "--format";
	argv[n++] = "csv";
	argv[n++] = "--out";
	argv[n++] = out;
	if (!sweep_child_wait(r, -1, argv, err, limit + 2, &status, &timed_out, &abandoned)) {
		double secs = cp_now_s() - t0;
		char why[1100];

		sweep_last_message(err, why, sizeof(why), r->slog, -1);
		sweep_cell_cost(c, &k);
		/* a probe that failed teaches nothing; one that was stopped, that
		 * this experiment is at least that slow here */
		if (!timed_out && !abandoned && WIFEXITED(status) &&
		    (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == CP_ECAPPED) &&
		    secs > sweep_cost_at(&k, (double)k.def_samples))
			sweep_learn_add(&r->L, c->argv[0], sweep_cost_at(&k, (double)k.def_samples), secs);
		if (r->slog)
			fprintf(r->slog, "[probe] %s: %.2f s, estimate %.2f s%s%s\n", c->line, secs,
				sweep_cost_at(&k, (double)k.def_samples), why[0] ? ": " : "", why);
	}
	unlink(out);
	unlink(err);
	free(argv);
}

void sweep_budget_begin(struct sweep_run_state *r)
{
	struct sweep_plan probes = { 0 };
	struct cp_err e = { 0 };
	double t0 = cp_now_s();

	r->first = cp_xcalloc((size_t)r->p->n + 1, sizeof(int));
	r->chosen = cp_xcalloc((size_t)r->p->n + 1, sizeof(int));
	mark_first(r);
	if (!(r->cfg->budget > 0) || sweep_plan_probes(r->p, NULL, &probes, &e))
		return;
	for (int i = 0; i < probes.n && !runctl_stop_count(); i++)
		if (!probes.cell[i].unavail && !probes.cell[i].invalid)
			probe_one(r, &probes.cell[i],
				  fmin(SWEEP_PROBE_MAX_S, fmax(SWEEP_PROBE_MIN_S, 0.02 * r->cfg->budget)));
	sweep_plan_free(&probes);
	r->probe_s = cp_now_s() - t0;
	if (!r->tty && probes.n)
		fprintf(stderr, "sweep: %d probes in %.1f s\n", probes.n, r->probe_s);
}

/* What protected cell j may be kept from the others: the least it needs,
 * at most an equal share of what is left among the protected cells from
 * i on (when they cannot all have their least, each is capped to it). */
static double reserve(const struct sweep_run_state *r, int i, int j, double left)
{
	int n = 0;

	for (int k = i; k < r->p->n; k++)
		n += pending(r, k) && r->first[k];
	return fmin(least(r, j), left / (n ? n : 1));
}

/* The cells to run from i on within `room` seconds: the protected ones,
 * then the others in plan order while they fit at their fewest samples. */
static void choose(struct sweep_run_state *r, int i, double room)
{
	double total = 0;

	for (int j = 0; j < r->p->n; j++) {
		r->chosen[j] = j >= i && pending(r, j) && r->first[j];
		total += r->chosen[j] ? reserve(r, i, j, room) : 0;
	}
	for (int j = i; j < r->p->n; j++)
		if (pending(r, j) && !r->first[j] && total + least(r, j) <= room * SWEEP_PLAN_SHARE) {
			r->chosen[j] = 1;
			total += least(r, j);
		}
}

/* What the protected cells after i still to run keep from cell i. */
static double reserved_after(const struct sweep_run_state *r, int i, double left)
{
	double t = 0;

	for (int j = i + 1; j < r->p->n; j++)
		t += pending(r, j) && r->first[j] ? reserve(r, i, j, left) : 0;
	return t;
}

/* Cell i's samples cut so that it fits `room` (it does at its fewest):
 * r->samples[i] and r->pred[i]. */
static void squeeze(struct sweep_run_state *r, int i, double room)
{
	struct sweep_cost k;
	double q = sweep_learn_ratio(&r->L, r->p->cell[i].argv[0]), s;

	sweep_cell_cost(&r->p->cell[i], &k);
	if (!k.scalable || !(k.per_sample > 0) || !r->samples[i])
		return;
	s = (room * SWEEP_PLAN_SHARE / q - k.fixed) / k.per_sample;
	s = fmax((double)k.min_samples, fmin(s, (double)r->samples[i]));
	r->samples[i] = (uint64_t)s;
	r->pred[i] = q * sweep_cost_at(&k, s);
}

int sweep_budget_cell(struct sweep_run_state *r, int i, double left, char *why, size_t wlen)
{
	const struct sweep_cfg *cfg = r->cfg;
	int *skip = cp_xcalloc((size_t)r->p->n, sizeof(int));
	double room, floor;
	char a[32], b[32];

	if (!(cfg->budget > 0)) {
		sweep_fit(r->p, NULL, i, 0, 0, &r->L, r->samples, r->pred);
		r->cap = fmax(SWEEP_CAP_FREE_FACTOR * r->pred[i], SWEEP_CAP_FREE_MIN);
		free(skip);
		return 1;
	}
	choose(r, i, left);
	for (int j = 0; j < r->p->n; j++)
		skip[j] = !r->chosen[j];
	sweep_fit(r->p, skip, i, left, cfg->budget, &r->L, r->samples, r->pred);
	free(skip);
	room = left - reserved_after(r, i, left);
	floor = fmin(SWEEP_CAP_FLOOR_MAX, fmax(SWEEP_CAP_FLOOR_MIN, 0.05 * cfg->budget));
	if (r->pred[i] > room)
		squeeze(r, i, room);
	/* an experiment's first cell runs in the room it has, capped if it
	 * must (part of a cell is rows and a figure); another only if it fits */
	if (!r->chosen[i] || room < fmin(SWEEP_CAP_FLOOR_MIN, 0.5 * least(r, i)) || (!r->first[i] && r->pred[i] > room)) {
		snprintf(why, wlen, "needs ~%s, %s of the budget left%s", cp_fmt_dur(least(r, i), a, sizeof(a)),
			 cp_fmt_dur(fmax(0, room), b, sizeof(b)),
			 r->first[i] ? "" : " after the first cell of every experiment still to run");
		return 0;
	}
	r->cap = fmin(fmax(SWEEP_CAP_FACTOR * r->pred[i], floor), room);
	return 1;
}
