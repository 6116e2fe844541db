/* sweep_here.c: the cells of a sweep that the command runs in its own
 * process (struct sweep_here, sweep.h): the matrix's CPU pairs.  A cell's
 * rows go to .cell.csv like a child's, are appended to the directory's CSVs
 * and logged as the sweep logs every cell; what differs is the pacing: the
 * cells are alike, so each one's samples come from what the cells measured
 * so far cost (a fixed part and a time per sample, running means), so that
 * the cells left fit what is left of the budget. */
#include "sweep.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sweep_int.h"

/* Learn from a finished cell: secs in all, `taken` samples of sample_s
 * each, plus the cell's untimed samples. */
static void pace_add(struct sweep_run_state *r, double secs, uint64_t taken, double sample_s)
{
	double fixed = secs - ((double)taken + r->cfg->here->extra_samples) * sample_s;

	if (!(sample_s > 0))
		return;
	r->pace_n++;
	r->pace_sample += (sample_s - r->pace_sample) / (double)r->pace_n;
	r->pace_fixed += (fmax(0, fixed) - r->pace_fixed) / (double)r->pace_n;
}

/* A cell's samples so that the `left` cells fit `secs`: the most the
 * command allows until a cell was measured, the least when they do not. */
static uint64_t pace_samples(const struct sweep_run_state *r, int left, double secs)
{
	const struct sweep_here *h = r->cfg->here;
	double s;

	if (!r->pace_n || left <= 0)
		return h->samples;
	s = (secs / left - r->pace_fixed) / r->pace_sample - h->extra_samples;
	if (s < (double)h->min_samples)
		return h->min_samples;
	return s < (double)h->samples ? (uint64_t)s : h->samples;
}

/* "matrix: 12/66 pairs, 3.2 s elapsed, ~14 s left": on a terminal at most
 * twice a second, else every 30 s, and after the last cell. */
static void progress(struct sweep_run_state *r, int last)
{
	const struct sweep_here *h = r->cfg->here;
	double now = cp_now_s(), cell = r->pace_fixed + ((double)h->samples + h->extra_samples) * r->pace_sample;
	char a[32], b[32];

	if (!last && now - r->last_print < (r->tty ? 0.5 : 30))
		return;
	r->last_print = now;
	cp_fmt_dur(now - r->t0, a, sizeof(a));
	cp_fmt_dur(r->pace_n ? r->here_left * cell : 0, b, sizeof(b));
	fprintf(stderr, r->tty ? "\r\033[K%s: %d/%d %s, %s elapsed, ~%s left%s" : "%s: %d/%d %s, %s elapsed, ~%s left%s",
		h->what, r->p->n - r->here_left, r->p->n, h->unit, a, b, r->tty && !last ? "" : "\n");
	fflush(stderr);
}

/* How the cell ended: its rows appended (done), or why not. */
static int outcome(struct sweep_run_state *r, int code, const struct cp_err *ce, const char *out,
		   const char *raw, char *why, size_t wlen, int *st, struct cp_err *e)
{
	size_t rows = 0, rawrows = 0;
	int rc = 0;

	if (code == 0) {
		rc = sweep_append_rows(r->cfg->dir, "", out, &rows, e);
		if (!rc && r->cfg->here->raw && !access(raw, F_OK))
			rc = sweep_append_rows(r->cfg->dir, "raw/", raw, &rawrows, e);
		*st = ST_DONE;
		snprintf(why, wlen, "%zu rows", rows);
	} else {
		*st = code == CP_EUNAVAIL ? ST_UNAVAIL : ST_FAILED;
		snprintf(why, wlen, "%s", ce->msg[0] ? ce->msg : "failed");
	}
	return rc;
}

int sweep_here_cell(struct sweep_run_state *r, int i, int *stop, struct cp_err *e)
{
	const struct sweep_here *h = r->cfg->here;
	char out[4200], raw[4200], why[1100];
	double t0 = cp_now_s(), sample_s = 0, secs;
	uint64_t taken = 0;
	struct cp_err ce = { 0 };
	int code, st, rc;

	r->samples[i] = h->samples;
	if (runctl_time_up()) {
		*stop = 1;   /* --time-limit: as a budget that ran out */
		return 0;
	}
	if (r->cfg->budget > 0) {
		double left = r->cfg->budget - (t0 - r->t0);

		if (left <= 0 || (r->pace_n && left < r->pace_fixed + ((double)h->min_samples + h->extra_samples) *
								  r->pace_sample)) {
			*stop = 1;   /* the rest stays to do: a resume measures it */
			return 0;
		}
		r->samples[i] = pace_samples(r, r->here_left, left);
	}
	sweep_path(r, out, sizeof(out), ".cell.csv");
	sweep_path(r, raw, sizeof(raw), ".cell.raw.csv");
	unlink(out);
	unlink(raw);
	code = h->run(h->arg, i, r->samples[i], out, h->raw ? raw : NULL, &sample_s, &taken, &ce);
	secs = cp_now_s() - t0;
	rc = outcome(r, code, &ce, out, raw, why, sizeof(why), &st, e);
	unlink(out);
	unlink(raw);
	if (rc)
		return rc; /* the directory cannot be written: stop */
	if (st == ST_DONE)
		pace_add(r, secs, taken, sample_s);
	if ((rc = sweep_log_cell(r, i, st, secs, why, e)))
		return rc;
	r->here_left--;
	if (st != ST_DONE)
		fprintf(stderr, "%s%s: [%d/%d] %s in %.1f s: %s: %s\n", r->tty ? "\r\033[K" : "", h->what, i + 1,
			r->p->n, sweep_statuses[st].name, secs, r->p->cell[i].line, why);
	progress(r, r->here_left == 0);
	return 0;
}

void sweep_dir_remove(const char *dir)
{
	static const char *const own[] = { SWEEP_MARKER, "plan.txt", "cells-done.log", "meta.json", "sweep.log",
					   "skipped.csv", "topo.json", "topology.xml", ".cell.csv", ".cell.raw.csv",
					   ".cell.err", "conditions.csv" };
	char path[4300];

	sweep_remove_data(dir);
	for (size_t k = 0; k < CP_ARRAY_SIZE(own); k++) {
		snprintf(path, sizeof(path), "%s/%s", dir, own[k]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/raw", dir);
	rmdir(path);
	rmdir(dir);
}

void sweep_state_remove(const char *state)
{
	static const char *const own[] = { SWEEP_STATE_BASE, SWEEP_STATE_RAW_BASE };
	char path[4300];

	snprintf(path, sizeof(path), "%s/%s", state, SWEEP_STATE_SWEEP);
	sweep_dir_remove(path);
	for (size_t k = 0; k < CP_ARRAY_SIZE(own); k++) {
		snprintf(path, sizeof(path), "%s/%s", state, own[k]);
		unlink(path);
	}
	rmdir(state);
}
