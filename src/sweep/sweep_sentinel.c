/* sweep_sentinel.c: one short fixed measurement through a sweep, so that
 * the run knows when the machine moved under it.
 *
 * The sentinel is the cas round trip between two threads at the plan's
 * first ping-pong placement (its representative pair), in a child like a
 * cell's.  Two are taken back to back before the first cell (the A/A
 * pair: they set the band, drift.h), then one before each cell that runs
 * and one after the last, as long as the sentinels stay within
 * SWEEP_SENTINEL_SHARE of the time so far (with the coming cell's): on a
 * slow machine they thin out rather than eat the budget, and where not
 * even SWEEP_SENTINEL_MIN_N fit in that share of a budget there are none
 * after the first (meta.json says why).  Each goes to sentinel.csv
 * (rewritten whole, atomically) with its epoch (drift_epochs); a new
 * epoch is said on stderr; meta.json gets the summary and the timeline.
 *
 * Inside a long cell: a cell predicted to take a sentinel interval or more
 * (the interval: one sentinel's time over SWEEP_SENTINEL_SHARE, at least
 * SWEEP_SENTINEL_EVERY_MIN s) is started with CACHEPONG_SENTINEL_INSIDE
 * = "INTERVAL;FILE;PLACEMENT".  A command that runs a sweep of its own
 * (the matrix: its pairs) takes a sentinel before its cells each INTERVAL
 * and appends "when cost p50 ci_lo ci_hi cpus" lines (CLOCK_MONOTONIC
 * seconds) to FILE; after the cell the sweep above takes them into its
 * own, as taken inside that cell. */
#include "sweep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "csvread.h"
#include "drift.h"
#include "schema.h"
#include "sweep_int.h"

#define SWEEP_SENTINEL_SAMPLES "40"
#define SWEEP_SENTINEL_WARMUP "5"
#define SWEEP_SENTINEL_SHARE 0.05
/* with a budget, at least this many must fit in its share, or none is taken */
#define SWEEP_SENTINEL_MIN_N 4
/* a sentinel that takes longer than this is stopped (and the sentinels end) */
#define SWEEP_SENTINEL_LIMIT_S 10.0
/* inside a long cell, one at most this often */
#define SWEEP_SENTINEL_EVERY_MIN 1.0
#define SWEEP_SENTINEL_ENV "CACHEPONG_SENTINEL_INSIDE"
#define SWEEP_SENTINEL_SIDE ".sentinel-inside"

/* The plan's first ping-pong placement (NULL: none; pingpong's default pair). */
static const char *sentinel_place(const struct sweep_plan *p)
{
	for (int i = 0; i < p->n; i++)
		if (!strcmp(p->cell[i].argv[0], "pingpong") && sweep_cell_opt(&p->cell[i], "placement"))
			return sweep_cell_opt(&p->cell[i], "placement");
	return NULL;
}

static void sentinel_add(struct sweep_sentinel *s, const struct drift_pt *pt, double at, int before, int inside)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 32;
		s->pt = cp_xrealloc(s->pt, (size_t)s->cap * sizeof(*s->pt));
		s->when = cp_xrealloc(s->when, (size_t)s->cap * sizeof(*s->when));
		s->epoch = cp_xrealloc(s->epoch, (size_t)s->cap * sizeof(*s->epoch));
		s->ref = cp_xrealloc(s->ref, (size_t)s->cap * sizeof(*s->ref));
		s->band = cp_xrealloc(s->band, (size_t)s->cap * sizeof(*s->band));
	}
	s->pt[s->n] = *pt;
	s->when[s->n] = (struct sweep_sen_when){ at, before, inside };
	s->n++;
}

/* One sentinel as a child at placement `place` (NULL: pingpong's default
 * pair): 0 and *pt, or -1 (why in sweep.log). */
static int sentinel_measure(struct sweep_run_state *r, const char *place, struct drift_pt *pt)
{
	char out[4200], err[4200], why[1100] = "";
	char *argv[24] = { "cachepong", "pingpong", "--op", "cas", "--mode", "thread", "--samples",
			   SWEEP_SENTINEL_SAMPLES, "--warmup", SWEEP_SENTINEL_WARMUP, "--format", "csv", "--out", out };
	int n = 14, status, timed_out, abandoned, rc = -1;
	struct csv c = { 0 };
	struct cp_err e = { 0 };

	if (place) {
		argv[n++] = "--placement";
		argv[n++] = (char *)place;
		argv[n++] = "--pairs";
		argv[n++] = "1";
	}
	sweep_path(r, out, sizeof(out), ".sentinel.csv");
	sweep_path(r, err, sizeof(err), ".sentinel.err");
	if (!sweep_child_wait(r, -1, argv, err, SWEEP_SENTINEL_LIMIT_S, &status, &timed_out, &abandoned) &&
	    !timed_out && !abandoned && WIFEXITED(status) && !WEXITSTATUS(status) && !csv_read(out, &c, &e) &&
	    c.nrow == 1) {
		pt->v = csv_val(&c, 0, COL_p50);
		pt->lo = csv_val(&c, 0, COL_ci_lo);
		pt->hi = csv_val(&c, 0, COL_ci_hi);
		rc = pt->v > 0 && isfinite(pt->v) ? 0 : -1;
		if (!r->sen.cpus[0]) {
			snprintf(r->sen.cpus, sizeof(r->sen.cpus), "%s", csv_str(&c, 0, COL_cpus));
			for (char *q = r->sen.cpus; (q = strchr(q, ';'));)
				*q = ',';
		}
	}
	if (rc)
		sweep_last_message(err, why, sizeof(why), r->slog, -1);
	if (rc && r->slog)
		fprintf(r->slog, "[sentinel] failed, no more sentinels in this run: %s\n", why[0] ? why : e.msg);
	csv_free(&c);
	unlink(out);
	unlink(err);
	return rc;
}

/* sentinel.csv: one line per sentinel with its epoch. */
static int put_sentinels(FILE *f, void *arg)
{
	const struct sweep_sentinel *s = arg;

	fputs("n,at_s,before_cell,inside,cpus,p50,ci_lo,ci_hi,epoch,epoch_ref,band_pct\n", f);
	for (int i = 0; i < s->n; i++)
		fprintf(f, "%d,%.3f,%d,%d,\"%s\",%.6g,%.6g,%.6g,%d,%.6g,%.3g\n", i + 1, s->when[i].at, s->when[i].before,
			s->when[i].inside, s->cpus, s->pt[i].v, s->pt[i].lo, s->pt[i].hi, s->epoch[i] + 1,
			s->ref[s->epoch[i]], s->band[s->epoch[i]]);
	return 0;
}

/* The summary and the timeline, in meta.json when the sweep next writes it. */
static void sentinel_meta(struct sweep_run_state *r)
{
	const struct sweep_sentinel *s = &r->sen;
	char *tl = cp_xcalloc((size_t)s->n * 40 + 1, 1);
	double lo = INFINITY, hi = 0;
	size_t k = 0;

	for (int i = 0; i < s->n; i++) {
		k += (size_t)snprintf(tl + k, 40, "%s%.1f:%.4g", i ? ";" : "", s->when[i].at, s->pt[i].v);
		lo = fmin(lo, s->pt[i].v);
		hi = fmax(hi, s->pt[i].v);
	}
	meta_set(&r->meta, "sentinel", s->n ? "cas round trip, threads, " SWEEP_SENTINEL_SAMPLES " samples" : NULL);
	meta_set(&r->meta, "sentinel_cpus", s->n ? s->cpus : NULL);
	meta_set_num(&r->meta, "sentinel_n", s->n);
	meta_set_num(&r->meta, "sentinel_band_pct", s->band_pct > 0 ? s->band_pct : NAN);
	meta_set_num(&r->meta, "sentinel_epochs", s->epochs ? s->epochs : NAN);
	meta_set_num(&r->meta, "sentinel_spread_pct", s->n && lo > 0 ? 100 * (hi / lo - 1) : NAN);
	meta_set_num(&r->meta, "sentinel_s", s->n ? s->spent : NAN);
	/* seconds since the sweep's start : round trip, ns */
	meta_set(&r->meta, "sentinel_timeline", s->n ? tl : NULL);
	free(tl);
}

/* After a new point: the band (from the A/A pair), the epochs, a new one
 * said on stderr, meta.json and sentinel.csv. */
static void settle(struct sweep_run_state *r)
{
	struct sweep_sentinel *s = &r->sen;
	double was;
	char path[4200];
	int ne;

	if (s->n >= 2 && !(s->band_pct > 0))
		s->band_pct = drift_band_pct(&s->pt[s->n - 2], &s->pt[s->n - 1]);
	if (!(s->band_pct > 0))
		return;
	was = s->epochs ? s->ref[s->epochs - 1] : 0;
	ne = drift_epochs(s->pt, s->n, s->band_pct, s->epoch, s->ref, s->band);
	if (ne > s->epochs && s->epochs) {
		const struct sweep_sen_when *w;
		int k = 0;

		/* the epoch began at its first sentinel (the one before this, when
		 * this one confirmed it) */
		while (k < s->n - 1 && s->epoch[k] != ne - 1)
			k++;
		w = &s->when[k];
		fprintf(stderr, "sweep: the machine moved: the sentinel (cas round trip, CPUs %s) went from %.1f to "
			"%.1f ns (%+.0f%%, band +-%.1f%%): epoch %d from %s %d\n", s->cpus, was, s->ref[ne - 1],
			100 * (s->ref[ne - 1] / was - 1), s->band[ne - 2], ne,
			w->inside ? "inside cell" : w->before > r->p->n ? "after cell" : "cell",
			w->before > r->p->n ? r->p->n : w->before);
	}
	s->epochs = ne;
	sentinel_meta(r);
	sweep_path(r, path, sizeof(path), "sentinel.csv");
	if (sweep_write_atomic(path, put_sentinels, s, &(struct cp_err){ 0 }) && r->slog)
		fprintf(r->slog, "[sentinel] %s: not written\n", path);
}

/* Take one (before cell `before`, 1-based; 0: the A/A pair; cells + 1:
 * after the last). */
static void take(struct sweep_run_state *r, int before)
{
	struct sweep_sentinel *s = &r->sen;
	struct drift_pt pt;
	double t = cp_now_s();

	if (s->off || sentinel_measure(r, sentinel_place(r->p), &pt)) {
		s->off = 1;
		return;
	}
	s->cost = cp_now_s() - t;
	s->spent += s->cost;
	sentinel_add(s, &pt, s->at0 + t - r->t0, before, 0);
	settle(r);
}

/* Within its share of the time so far and of the coming `next` seconds. */
static int in_share(const struct sweep_run_state *r, double next)
{
	const struct sweep_sentinel *s = &r->sen;

	return s->spent + s->cost <= SWEEP_SENTINEL_SHARE * (cp_now_s() - r->t0 + next);
}

void sweep_sentinel_begin(struct sweep_run_state *r)
{
	struct sweep_sentinel *s = &r->sen;
	struct csv c = { 0 };
	struct cp_err e = { 0 };
	char path[4200];
	int first = 0;

	sweep_path(r, path, sizeof(path), "sentinel.csv");
	/* a resume goes on after the sentinels of the run it continues */
	if (r->cfg->resume && !csv_read(path, &c, &e) && csv_col(&c, "p50") >= 0) {
		for (size_t i = 0; i < c.nrow; i++) {
			struct drift_pt pt = { csv_num(&c, i, csv_col(&c, "p50")), csv_num(&c, i, csv_col(&c, "ci_lo")),
					       csv_num(&c, i, csv_col(&c, "ci_hi")) };

			/* "inside" is absent from the files of older runs: 0 */
			sentinel_add(s, &pt, csv_num(&c, i, csv_col(&c, "at_s")),
				     atoi(csv_get(&c, i, csv_col(&c, "before_cell"))),
				     csv_col(&c, "inside") >= 0 && atoi(csv_get(&c, i, csv_col(&c, "inside"))));
			s->at0 = s->when[s->n - 1].at;
		}
		if (c.nrow) {
			snprintf(s->cpus, sizeof(s->cpus), "%s", csv_get(&c, 0, csv_col(&c, "cpus")));
			s->band_pct = csv_num(&c, 0, csv_col(&c, "band_pct"));
		}
	}
	csv_free(&c);
	/* a resume's first comes before the first cell still to run */
	for (int i = 0; s->n && i < r->p->n && !first; i++)
		if (r->st[i] == ST_TODO || !sweep_statuses[r->st[i]].final)
			first = i + 1;
	take(r, first);
	/* a machine where a few of them would spend the share of a budget
	 * (an emulator) measures without them, and says so */
	if (!s->off && r->cfg->budget > 0 && s->cost * SWEEP_SENTINEL_MIN_N > SWEEP_SENTINEL_SHARE * r->cfg->budget) {
		char why[200];

		s->off = 1;
		snprintf(why, sizeof(why), "off: one took %.2f s, and %d would pass %.0f%% of the budget", s->cost,
			 SWEEP_SENTINEL_MIN_N, 100 * SWEEP_SENTINEL_SHARE);
		meta_set(&r->meta, "sentinel", why);
		if (r->slog)
			fprintf(r->slog, "[sentinel] %s\n", why);
		return;
	}
	if (!(s->band_pct > 0))
		take(r, first);
}

void sweep_sentinel_before(struct sweep_run_state *r, int i)
{
	if (!r->sen.off && r->sen.n && in_share(r, r->pred[i]))
		take(r, i + 1);
}

void sweep_sentinel_end(struct sweep_run_state *r)
{
	if (!r->sen.off && r->sen.n && in_share(r, 0))
		take(r, r->p->n + 1);
}

/* The interval inside a long cell: the share's worth of one sentinel. */
static double inside_every(const struct sweep_sentinel *s)
{
	return fmax(SWEEP_SENTINEL_EVERY_MIN, s->cost / SWEEP_SENTINEL_SHARE);
}

void sweep_sentinel_inside_arm(struct sweep_run_state *r, int i)
{
	const struct sweep_sentinel *s = &r->sen;
	const char *place = sentinel_place(r->p);
	char side[4200], env[4400];

	if (s->off || !s->n || !(s->band_pct > 0) || r->pred[i] < inside_every(s))
		return;
	sweep_path(r, side, sizeof(side), SWEEP_SENTINEL_SIDE);
	unlink(side);
	snprintf(env, sizeof(env), "%.3f;%s;%s", inside_every(s), side, place ? place : "");
	setenv(SWEEP_SENTINEL_ENV, env, 1);
}

/* One line of the side file into the run's sentinels (0), or -1. */
static int inside_line(struct sweep_run_state *r, int i, const char *line)
{
	struct sweep_sentinel *s = &r->sen;
	struct drift_pt pt;
	double when, cost;
	char cpus[32];

	if (sscanf(line, "%lf %lf %lf %lf %lf %31s", &when, &cost, &pt.v, &pt.lo, &pt.hi, cpus) != 6 || !(pt.v > 0))
		return -1;
	s->spent += cost;
	sentinel_add(s, &pt, s->at0 + when - r->t0, i + 1, 1);
	settle(r);
	return 0;
}

void sweep_sentinel_inside_collect(struct sweep_run_state *r, int i)
{
	char side[4200], *line = NULL;
	size_t cap = 0;
	FILE *f;

	if (!getenv(SWEEP_SENTINEL_ENV))
		return;
	unsetenv(SWEEP_SENTINEL_ENV);
	sweep_path(r, side, sizeof(side), SWEEP_SENTINEL_SIDE);
	if (!(f = fopen(side, "r")))
		return;
	while (getline(&line, &cap, f) > 0)
		if (inside_line(r, i, line) && r->slog)
			fprintf(r->slog, "[sentinel] inside cell %d: a line not understood: %s", i + 1, line);
	free(line);
	fclose(f);
	unlink(side);
}

void sweep_sentinel_here_begin(struct sweep_run_state *r)
{
	struct sweep_sentinel *s = &r->sen;
	const char *env = getenv(SWEEP_SENTINEL_ENV), *file, *place;

	s->off = 1;
	/* INTERVAL;FILE;PLACEMENT */
	if (!env || !(file = strchr(env, ';')) || !(place = strchr(file + 1, ';')))
		return;
	s->every = atof(env);
	snprintf(s->side, sizeof(s->side), "%.*s", (int)(place - file - 1), file + 1);
	snprintf(s->place, sizeof(s->place), "%s", place + 1);
	s->off = !(s->every > 0) || !s->side[0];
	s->last = cp_now_s();
}

void sweep_sentinel_here(struct sweep_run_state *r)
{
	struct sweep_sentinel *s = &r->sen;
	struct drift_pt pt;
	double t = cp_now_s();
	FILE *f;

	if (s->off || t - s->last < s->every)
		return;
	if (sentinel_measure(r, s->place[0] ? s->place : NULL, &pt) || !(f = fopen(s->side, "a"))) {
		s->off = 1;
		return;
	}
	s->last = cp_now_s();
	fprintf(f, "%.6f %.6f %.6g %.6g %.6g %s\n", t, s->last - t, pt.v, pt.lo, pt.hi, s->cpus[0] ? s->cpus : "-");
	fclose(f);
}

void sweep_sentinel_free(struct sweep_sentinel *s)
{
	free(s->pt);
	free(s->when);
	free(s->epoch);
	free(s->ref);
	free(s->band);
	memset(s, 0, sizeof(*s));
}
