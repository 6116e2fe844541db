/* matrix_run.c: the matrix run as a sweep whose cells are its
 * measurements, measured in this process (struct sweep_here, sweep.h):
 * typed cells (struct mx_cell), each named in the plan and the log by a
 * line that is never parsed back.
 *
 * With --out FILE (CSV) the matrix keeps its state in FILE.part/: the
 * sweep in FILE.part/sweep (its plan, one cell per pair x op x mode; its
 * log; its rows in matrix.csv, cut back to the last logged cell when a
 * killed run is resumed) and, when the run adds to an existing FILE, that
 * file's rows as they were (base.csv, raw-base.csv).  At the end FILE is
 * written, atomically, from the base and the sweep's rows (a row measured
 * again replaces the base's) and FILE.part removed, unless the run was
 * interrupted: then FILE.part stays for --resume FILE.  Without a CSV FILE
 * the rows go out as measured and the sweep lives in a temporary
 * directory. */
#include "matrix_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csvmerge.h"
#include "matrix.h"
#include "schema.h"
#include "verdict.h"

static void state_path(const struct mx_cmd *x, char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", x->state, name);
}

/* A group of pairs measured at the same time: each pair's row, with a note
 * of how many ran at once and how much their cells overlapped. */
static int mx_group_cell(struct mx_cmd *x, const struct mx_cell *s, struct cp_sink *cs, double *sample_s,
			 uint64_t *taken, struct cp_err *e)
{
	struct cp_row *rows = cp_xcalloc((size_t)s->np, sizeof(*rows));
	double **raw = cp_xcalloc((size_t)s->np, sizeof(*raw)), (*win)[2] = cp_xcalloc((size_t)s->np, sizeof(*win));
	char (*cls)[64] = cp_xcalloc((size_t)s->np, sizeof(*cls));
	const char **place = cp_xcalloc((size_t)s->np, sizeof(*place));
	static char note[160];
	int rc;

	for (int i = 0; i < s->np; i++) {
		topo_class_of_pair(x->t, s->pair[i][0], s->pair[i][1], cls[i], sizeof(cls[i]));
		place[i] = cls[i];
	}
	rc = pp_measure_together(&x->run, s->k, x->m.modes[s->md], s->np, (const int (*)[2])s->pair, place, rows, raw,
				 win, e);
	snprintf(note, sizeof(note), "%d pairs at once (--parallel); each pair's cell overlapped every other's for "
		 ">= %.0f%% of its time", s->np, 100 * pp_overlap((const double (*)[2])win, s->np));
	*sample_s = 0;
	*taken = 0;
	for (int i = 0; i < s->np && !rc; i++) {
		rows[i].experiment = "matrix";
		rows[i].note = note;
		rc = result_add(cs, &rows[i], e);
		if (!rc && x->sink)
			rc = result_add(x->sink, &rows[i], e);
		/* the group takes as long as its longest pair */
		if (rows[i].samples > *taken) {
			*taken = rows[i].samples;
			*sample_s = rows[i].st.mean * (double)rows[i].iters_per_sample * 1e-9;
		}
	}
	if (rc)
		result_abort(cs);
	else
		rc = result_close(cs, e);
	for (int i = 0; i < s->np; i++)
		free(raw[i]);
	free(raw);
	free(rows);
	free(win);
	free(cls);
	free(place);
	return rc;
}

/* One cell (sweep_here): measured, its rows to out (and raw), and to the
 * command's own sink when the rows go out as measured. */
static int mx_cell(void *arg, int i, uint64_t samples, const char *out, const char *raw, double *sample_s,
		   uint64_t *taken, struct cp_err *e)
{
	struct mx_cmd *x = arg;
	struct cp_sink_req req = { .format = FMT_CSV, .out = out, .raw = raw, .argc = x->o->c.argc,
				   .argv = x->o->c.argv };
	struct cp_row rows[3];
	double *rw[3] = { NULL, NULL, NULL };
	struct cp_sink *cs = NULL;
	const struct mx_cell *s = &x->cell[i];
	char cls[64];
	int n = 1, rc;

	if ((rc = result_open(&req, &cs, e)))
		return rc;
	x->run.max_samples = samples;
	x->run.samples = x->target > 0 && samples > MATRIX_MIN_SAMPLES ? MATRIX_MIN_SAMPLES : samples;
	x->run.target_ci = x->target;
	if (s->np)
		return mx_group_cell(x, s, cs, sample_s, taken, e);
	topo_class_of_pair(x->t, s->a, s->b, cls, sizeof(cls));
	if (s->md < 0) {
		n = 3;
		rc = pp_measure_arms(&x->run, s->k, x->m.modes, s->a, s->b, NULL, cls, VERDICT_MARGIN_PCT, rows, rw,
				     x->sink ? x->sink : cs, e);
	} else {
		rc = pp_measure(&x->run, s->k, x->m.modes[s->md], s->a, s->b, NULL, cls, &rows[0], &rw[0],
				x->sink ? x->sink : cs, e);
	}
	for (int k = 0; k < n && !rc; k++) {
		rows[k].experiment = "matrix";
		rc = result_add(cs, &rows[k], e);
		if (!rc && x->sink)
			rc = result_add(x->sink, &rows[k], e);
	}
	if (rc)
		result_abort(cs);
	else
		rc = result_close(cs, e);
	if (!rc) {
		*sample_s = rows[0].st.mean * (double)rows[0].iters_per_sample * 1e-9;
		*taken = rows[0].samples * (n == 3 ? 2 : 1);
	}
	for (int k = 0; k < 3; k++)
		free(rw[k]);
	return rc;
}

/* Cell x->plan.n: its line names the pair, op, mode(s) and the options
 * every cell shares, as `cachepong matrix` would take them. */
static void add_cell(struct mx_cmd *x, const struct kernel *k, int a, int b, int md)
{
	const struct matrix_req *o = x->o;
	const char *pass[][2] = { { "impl", o->impl }, { "spin", o->spin }, { "poll", o->poll },
				  { "shm", o->c.mem.shm }, { "pages", o->c.mem.pages }, { "layout", o->layout } };
	char line[1024];
	size_t off;

	off = (size_t)snprintf(line, sizeof(line), "matrix --cpus %d,%d --op %s --mode %s", a, b, k->name,
			       md < 0 ? "both" : agent_mode_name(x->m.modes[md]));
	for (size_t j = 0; j < CP_ARRAY_SIZE(pass) && off < sizeof(line); j++)
		if (pass[j][1])
			off += (size_t)snprintf(line + off, sizeof(line) - off, " --%s %s", pass[j][0], pass[j][1]);
	x->cell = cp_xrealloc(x->cell, ((size_t)x->plan.n + 1) * sizeof(*x->cell));
	x->cell[x->plan.n] = (struct mx_cell){ k, a, b, md, 0, NULL, cp_xstrdup(line) };
	sweep_plan_add_line(&x->plan, line);
}

/* A cell of n pairs at once (pairs p[0..n) of m->pair): its line names the
 * group by its number and first pair (a line is a name, never parsed). */
static void add_group(struct mx_cmd *x, const struct kernel *k, int md, const uint64_t *p, int n, uint64_t g,
		      uint64_t ng)
{
	char line[256];
	int (*pair)[2] = cp_xcalloc((size_t)n, sizeof(*pair));

	for (int i = 0; i < n; i++) {
		pair[i][0] = x->m.pair[p[i]][0];
		pair[i][1] = x->m.pair[p[i]][1];
	}
	snprintf(line, sizeof(line), "matrix --op %s --mode %s --parallel %d: group %llu of %llu, %d pairs from %d,%d",
		 k->name, agent_mode_name(x->m.modes[md]), x->par, (unsigned long long)g + 1, (unsigned long long)ng,
		 n, pair[0][0], pair[0][1]);
	x->cell = cp_xrealloc(x->cell, ((size_t)x->plan.n + 1) * sizeof(*x->cell));
	x->cell[x->plan.n] = (struct mx_cell){ k, pair[0][0], pair[0][1], md, n, pair, cp_xstrdup(line) };
	sweep_plan_add_line(&x->plan, line);
}

uint64_t mx_pending(const struct mx *m, int k, int md, uint64_t **pend)
{
	uint64_t n = 0;

	*pend = cp_xcalloc(m->npairs ? m->npairs : 1, sizeof(uint64_t));
	for (uint64_t p = 0; p < m->npairs; p++)
		if (!m->done[meas_index(m, k, md, p)])
			(*pend)[n++] = p;
	return n;
}

/* The groups of op k, mode md, at x->par pairs at once. */
static void plan_groups(struct mx_cmd *x, int k, int md)
{
	uint64_t *pend, *order, *start, np = mx_pending(&x->m, k, md, &pend), ng;

	order = cp_xcalloc(np ? np : 1, sizeof(uint64_t));
	ng = mx_groups(&x->m, pend, np, x->par, order, &start);
	for (uint64_t g = 0; g < ng; g++)
		add_group(x, x->m.k[k], md, order + start[g], (int)(start[g + 1] - start[g]), g, ng);
	x->ngroups += ng;
	free(start);
	free(order);
	free(pend);
}

void mx_plan(struct mx_cmd *x)
{
	const struct mx *m = &x->m;

	snprintf(x->plan.origin, sizeof(x->plan.origin), "matrix%s%s", x->file ? " --out " : "",
		 x->file ? x->file : "");
	x->ngroups = 0;
	for (int k = 0; k < m->nk; k++)
		for (int md = 0; md < (m->nmodes == 2 ? 1 : m->nmodes); md++) {
			if (x->par > 1) {
				plan_groups(x, k, md);
				continue;
			}
			for (uint64_t p = 0; p < m->npairs; p++) {
				if (m->done[meas_index(m, k, md, p)] && (m->nmodes == 1 || m->done[meas_index(m, k, 1, p)]))
					continue;
				/* both: the two modes as interleaved arms of one cell */
				add_cell(x, m->k[k], m->pair[p][0], m->pair[p][1], m->nmodes == 2 ? -1 : md);
			}
		}
}

/* FILE.part for a new run: its base (FILE's rows, when adding to it) put
 * there before the sweep starts in FILE.part/sweep. */
static int mx_state_new(struct mx_cmd *x, struct cp_err *e)
{
	char path[4300];
	size_t n;
	int rc = 0;

	if (mkdir(x->state, 0755) && errno != EEXIST)
		return cp_errf(e, CP_ERUN, "--out %s: cannot create %s: %s", x->file, x->state, strerror(errno));
	state_path(x, path, sizeof(path), SWEEP_STATE_BASE);
	unlink(path);
	if (x->o->resume && !access(x->file, F_OK))
		rc = csv_merge("resume", path, x->file, &n, e);
	state_path(x, path, sizeof(path), SWEEP_STATE_RAW_BASE);
	unlink(path);
	if (!rc && x->o->resume && x->o->c.out.raw && !access(x->o->c.out.raw, F_OK))
		rc = csv_merge("raw", path, x->o->c.out.raw, &n, e);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Drop the rows of base that the run measured again (newer wins). */
static void drop_remeasured(struct csv *base, const struct csv *rows)
{
	char **keys = cp_xcalloc(rows->nrow + 1, sizeof(char *)), k[2048];
	size_t n = 0;

	for (size_t i = 0; i < rows->nrow; i++) {
		csv_key(rows, i, -1, k, sizeof(k));
		keys[i] = cp_xstrdup(k);
	}
	qsort(keys, rows->nrow, sizeof(char *), cmp_str);
	for (size_t i = 0; i < base->nrow; i++) {
		char *p = k;

		csv_key(base, i, -1, k, sizeof(k));
		if (bsearch(&p, keys, rows->nrow, sizeof(char *), cmp_str))
			continue;
		base->row[n] = base->row[i];
		base->line[n++] = base->line[i];
	}
	base->nrow = n;
	for (size_t i = 0; i < rows->nrow; i++)
		free(keys[i]);
	free(keys);
}

/* dst := the base's rows not measured again, then the run's rows, under
 * the union of their columns (atomically); nothing when neither exists. */
static int mx_write(const char *opt, const char *dst, const char *base, const char *rows, struct cp_err *e)
{
	struct csv b = { 0 }, r = { 0 };
	int hb = !access(base, F_OK), hr = !access(rows, F_OK), rc;

	if (!hb && !hr)
		return 0;
	if ((hb && csv_read(base, &b, e)) || (hr && csv_read(rows, &r, e))) {
		if (hb)
			csv_free(&b);
		return e->code;
	}
	if (hb && hr)
		drop_remeasured(&b, &r);
	rc = csv_write_union(opt, dst, &b, &r, -1, NULL, e);
	if (hb)
		csv_free(&b);
	if (hr)
		csv_free(&r);
	return rc;
}

/* FILE (and --raw) from the state; a finished run's state removed. */
static int mx_finish(struct mx_cmd *x, int done, struct cp_err *e)
{
	char base[4300], rows[4400];
	int rc;

	state_path(x, base, sizeof(base), SWEEP_STATE_BASE);
	snprintf(rows, sizeof(rows), "%s/matrix.csv", x->sweep);
	rc = mx_write(x->o->resume ? "resume" : "out", x->file, base, rows, e);
	if (!rc && x->o->c.out.raw) {
		state_path(x, base, sizeof(base), SWEEP_STATE_RAW_BASE);
		snprintf(rows, sizeof(rows), "%s/raw/matrix.csv", x->sweep);
		rc = mx_write("raw", x->o->c.out.raw, base, rows, e);
	}
	if (!rc && done)
		sweep_state_remove(x->state);
	return rc;
}

/* --parallel auto, before the plan: checked by a new run (its rows to the
 * sink, or into FILE.part's base, so that FILE keeps them), taken from
 * FILE.part/parallel by a resumed one (the N its plan was dealt at). */
static int mx_settle_par(struct mx_cmd *x, struct cp_err *e)
{
	char path[4300], tmp[4300], base[4300];
	uint64_t *pend, np;
	int rc, v = 0;
	FILE *f;

	if (!x->par_auto || x->par < 2)
		return 0;
	state_path(x, path, sizeof(path), "parallel");
	if (x->keep && x->resuming) {
		if ((f = fopen(path, "r"))) {
			if (fscanf(f, "%d", &v) != 1)
				v = 0;
			fclose(f);
		}
		if (v < 1 || v > x->par)
			return cp_errf(e, CP_EUSAGE, "--resume %s: %s does not say how many pairs the interrupted run "
				       "measured at once; allowed: the options of that run", x->file, path);
		x->par = v;
		return 0;
	}
	np = mx_pending(&x->m, 0, 0, &pend);
	if (!x->keep) {
		rc = mx_validate(x, pend, np, x->sink, e);
	} else {
		struct cp_sink_req req = { .format = FMT_CSV, .out = tmp, .argc = x->o->c.argc, .argv = x->o->c.argv };
		struct cp_sink *vs = NULL;
		size_t n;

		state_path(x, tmp, sizeof(tmp), "parallel.csv");
		state_path(x, base, sizeof(base), SWEEP_STATE_BASE);
		if (!(rc = result_open(&req, &vs, e))) {
			if ((rc = mx_validate(x, pend, np, vs, e)))
				result_abort(vs);
			else
				rc = result_close(vs, e);
		}
		if (!rc)
			rc = csv_merge("out", base, tmp, &n, e);
		unlink(tmp);
		if (!rc && (!(f = fopen(path, "w")) || fprintf(f, "%d\n", x->par) < 0 || fclose(f)))
			rc = cp_errf(e, CP_ERUN, "--out %s: cannot write %s: %s", x->file, path, strerror(errno));
	}
	free(pend);
	return rc;
}

/* The sweep of the cells, then FILE; the rows out as measured without one. */
int mx_run(struct mx_cmd *x, struct cp_err *e)
{
	const struct matrix_req *o = x->o;
	struct sweep_here h = { .run = mx_cell, .arg = x, .what = "matrix", .unit = "measurements",
				.samples = x->cap, .min_samples = MATRIX_MIN_SAMPLES, .extra_samples = 23,
				.raw = x->keep && o->c.out.raw };
	struct sweep_cfg cfg = { .dir = x->sweep, .resume = x->resuming, .argc = o->c.argc, .argv = o->c.argv,
				 .here = &h, .resume_cmd = "cachepong matrix --resume" };
	struct cp_err fe = { 0 };
	int rc, frc = 0;

	if (req_given(&o->c, OPT_budget))
		cfg.budget = cfg.budget_total = o->budget;
	if (x->keep && !x->resuming && (rc = mx_state_new(x, e)))
		return rc;
	if ((rc = mx_settle_par(x, e)))
		return rc;
	mx_plan(x);
	if (x->resuming)
		fprintf(stderr, "matrix: continuing the interrupted run in %s\n", x->state);
	rc = sweep_run(&cfg, &x->plan, e);
	if (x->keep) {
		/* FILE holds every row now: only an interrupted run keeps its state,
		 * to go on where its log ends; after a budget that ran out or cells
		 * that failed, --resume FILE measures what FILE lacks */
		frc = mx_finish(x, rc != SWEEP_INTERRUPTED, &fe);
		if (rc || h.exhausted)
			fprintf(stderr, "matrix: %d of %d measurements kept in %s%s; continue with the same options "
				"and --resume %s\n", h.done, h.n, x->file, h.exhausted ? " (the budget ran out)" : "",
				x->file);
	} else {
		sweep_dir_remove(x->sweep);
		if (h.exhausted)
			result_meta_note(x->sink, "matrix: the budget ran out after %d of %d measurements", h.done, h.n);
	}
	if (frc && (!rc || rc == SWEEP_INTERRUPTED)) {
		*e = fe;
		rc = frc;
	}
	return rc;
}
