/* report_sections.c: what the sections share (loading a CSV, the summary,
 * figures, the back-to-back process/thread twins of the cost commands) and
 * the all-pairs matrix.  Every number printed here is read from the run's
 * CSVs or computed from them. */
#include "report_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int rep_load(const struct rep *r, const char *name, struct csv *c)
{
	if (rep_load_controls(r, name, c))
		return -1;
	cmp_drop_control_arms(c);
	if (!c->nrow) {
		csv_free(c);
		return -1;
	}
	return 0;
}

int rep_load_controls(const struct rep *r, const char *name, struct csv *c)
{
	char path[4300];
	struct cp_err e = { 0 };

	snprintf(path, sizeof(path), "%s/%s", r->dir, name);
	if (access(path, F_OK) || csv_read(path, c, &e))
		return -1;   /* not measured in this run: the section is left out */
	if (!c->nrow) {
		csv_free(c);
		return -1;
	}
	if (csv_need_schema(c, &e)) {
		/* columns are read by id from here on: a file that lacks one is not read */
		fprintf(stderr, "cachepong: warning: report: %s\n", e.msg);
		doc_p(r->d, "*%s was not read: %s.*", name, e.msg);
		csv_free(c);
		return -1;
	}
	return 0;
}

void rep_sum(struct rep *r, const char *fmt, ...)
{
	va_list ap;

	if (r->nsum == (int)CP_ARRAY_SIZE(r->sum))
		return;
	va_start(ap, fmt);
	vsnprintf(r->sum[r->nsum++], sizeof(r->sum[0]), fmt, ap);
	va_end(ap);
}

void rep_figures(struct rep *r, const char *kind)
{
	for (int i = 0; i < r->ps->n; i++)
		if (!strcmp(r->ps->f[i].kind, kind))
			doc_figure(r->d, r->ps->f[i].name, r->ps->f[i].caption);
}

/* Row i's values by column id, for compare.h. */
static void row_cells(const struct csv *c, size_t i, const char **v)
{
	for (int k = 0; k < COL_COUNT; k++)
		v[k] = csv_str(c, i, (enum cp_col)k);
}

/* Whether the comparison rows of c differ in column cs (copy's sizes,
 * contend's layouts and agent counts). */
static int col_varies(const struct csv *c, int cv, int cs)
{
	const char *first = NULL;

	for (size_t i = 0; i < c->nrow; i++)
		if (csv_get(c, i, cv)[0]) {
			if (!first)
				first = csv_get(c, i, cs);
			else if (strcmp(first, csv_get(c, i, cs)))
				return 1;
		}
	return 0;
}

int rep_verdicts(struct rep *r, const struct csv *c, const char *title)
{
	static const enum cp_col ids[] = { COL_size_bytes, COL_layout, COL_agents, COL_state, COL_holder };
	static const char *const what[] = { "%s bytes", "%s", "%s agents", "state %s", "held by %s" };
	enum { NIDS = CP_ARRAY_SIZE(ids) };
	int cv = csv_at(c, COL_verdict), cm = csv_at(c, COL_mode), n = 0, vary[NIDS];

	for (int k = 0; k < NIDS; k++)
		vary[k] = cv >= 0 && csv_at(c, ids[k]) >= 0 && col_varies(c, cv, csv_at(c, ids[k]));
	for (size_t i = 0; cv >= 0 && i < c->nrow; i++) {
		const char *mode = csv_get(c, i, cm), *colon = strchr(mode, ':'), *v = csv_get(c, i, cv);
		char size[160] = "";

		if (!v[0] || !colon || strcmp(csv_get(c, i, csv_at(c, COL_metric)), "ratio"))
			continue;
		if (!n++)
			doc_p(r->d, "%s (median of the block pairs' ratios, 95%% interval from their order statistics):",
			      title);
		for (int k = 0; k < NIDS; k++)
			if (vary[k]) {
				size_t len = strlen(size);

				snprintf(size + len, sizeof(size) - len, ", ");
				snprintf(size + len + 2, sizeof(size) - len - 2, what[k], csv_get(c, i, csv_at(c, ids[k])));
			}
		/* an arm with several modes: its median is a mixture's (rows.c) */
		const char *mm = strstr(csv_str(c, i, COL_note), "modes (") ? csv_str(c, i, COL_note) : "";

		doc_li(r->d, "%s (%s%s%s%s): %s / %.*s %.3f [%.3f, %.3f]: **%s** at a %s%% margin (%s block pairs)%s%s%s",
		       csv_get(c, i, csv_at(c, COL_kernel)), csv_get(c, i, csv_at(c, COL_placement)),
		       csv_str(c, i, COL_shm)[0] ? ", " : "", csv_str(c, i, COL_shm), size, colon + 1,
		       (int)(colon - mode), mode,
		       csv_num(c, i, csv_at(c, COL_p50)), csv_num(c, i, csv_at(c, COL_ci_lo)),
		       csv_num(c, i, csv_at(c, COL_ci_hi)), v, csv_get(c, i, csv_at(c, COL_margin)),
		       csv_get(c, i, csv_at(c, COL_blocks)), cmp_is_aa(mode) ? ", an A/A control" : "",
		       mm[0] ? "; " : "", mm);
	}
	return n;
}

/* A side of compare.h's ratio: row i's raw samples (when rs has them)
 * and its median with its interval. */
static void side_of(const struct csv *c, const struct rawset *rs, size_t i, struct cmp_side *s)
{
	const struct rawgroup *g = rs ? rawset_find(rs, c, i) : NULL;

	*s = (struct cmp_side){ g ? g->v : NULL, g ? g->nv : 0, csv_val(c, i, COL_p50), csv_val(c, i, COL_ci_lo),
				csv_val(c, i, COL_ci_hi) };
}

int compare_modes(const struct csv *c, const struct rawset *rs, const char *metric,
		  struct pair_cmp **out)
{
	const char *vp[COL_COUNT], *vt[COL_COUNT];
	int n = 0;

	*out = cp_xcalloc(c->nrow + 1, sizeof(**out));
	for (size_t p = 0; p < c->nrow; p++) {
		if (strcmp(csv_str(c, p, COL_metric), metric))
			continue;
		row_cells(c, p, vp);
		for (size_t t = 0; t < c->nrow; t++) {
			struct cmp_side sp, st;
			struct pair_cmp *x;

			row_cells(c, t, vt);
			if (!cmp_twins(vp, vt))
				continue;
			x = &(*out)[n++];
			x->t = t;
			x->p = p;
			side_of(c, rs, p, &sp);
			side_of(c, rs, t, &st);
			cmp_ratio(&sp, &st, &x->q);
			break;
		}
	}
	return n;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct mgroup {
	size_t first, ilo, ihi, nv;
	int km;              /* which op x mode (first seen first) */
	double lo, hi, med;
};

static int cmp_group(const void *a, const void *b)
{
	const struct mgroup *x = a, *y = b;

	if (x->km != y->km)
		return x->km - y->km;
	return x->med < y->med ? -1 : x->med > y->med;
}

/* The same op, mode and placement class as row i (a round trip). */
static int same_group(const struct csv *c, size_t i, size_t j)
{
	return !strcmp(csv_str(c, j, COL_metric), "round_trip") &&
	       !strcmp(csv_str(c, j, COL_kernel), csv_str(c, i, COL_kernel)) &&
	       !strcmp(csv_str(c, j, COL_mode), csv_str(c, i, COL_mode)) &&
	       !strcmp(csv_str(c, j, COL_placement), csv_str(c, i, COL_placement));
}

/* Group x of the rows like row i: its pairs' medians, fastest, slowest
 * and the median of them (v: scratch of c->nrow). */
static void fill_group(const struct csv *c, size_t i, struct mgroup *x, double *v)
{
	x->first = i;
	x->lo = INFINITY;
	x->hi = -INFINITY;
	for (size_t j = i; j < c->nrow; j++) {
		double m = csv_val(c, j, COL_p50);

		if (!same_group(c, i, j) || !isfinite(m))
			continue;
		v[x->nv++] = m;
		if (m < x->lo) {
			x->lo = m;
			x->ilo = j;
		}
		if (m > x->hi) {
			x->hi = m;
			x->ihi = j;
		}
	}
	if (!x->nv)
		return;
	qsort(v, x->nv, sizeof(double), cmp_d);
	x->med = x->nv % 2 ? v[x->nv / 2] : (v[x->nv / 2 - 1] + v[x->nv / 2]) / 2;
}

/* One group per op x mode x class, sorted by op x mode, then nearest
 * first; km[] the op x mode names.  Returns the number of groups. */
static int matrix_groups(const struct csv *c, struct mgroup *g, int max, char (*km)[160], int *nkm)
{
	double *v = cp_xcalloc(c->nrow ? c->nrow : 1, sizeof(double));
	int ng = 0;

	for (size_t i = 0; i < c->nrow && ng < max; i++) {
		char key[160];
		int dup = 0, k;

		/* the round trips; interleaved arms' comparison rows are not pairs' latencies */
		if (strcmp(csv_str(c, i, COL_metric), "round_trip"))
			continue;
		for (int j = 0; j < ng && !dup; j++)
			dup = same_group(c, g[j].first, i);
		if (dup)
			continue;
		snprintf(key, sizeof(key), "%s, %s", csv_str(c, i, COL_kernel), csv_str(c, i, COL_mode));
		for (k = 0; k < *nkm && strcmp(km[k], key); k++)
			;
		if (k == *nkm && *nkm < 16)
			snprintf(km[(*nkm)++], sizeof(km[0]), "%s", key);
		memset(&g[ng], 0, sizeof(g[ng]));
		g[ng].km = k;
		fill_group(c, i, &g[ng], v);
		ng += g[ng].nv > 0;
	}
	free(v);
	qsort(g, (size_t)ng, sizeof(g[0]), cmp_group);
	return ng;
}

void rep_matrix(struct rep *r)
{
	static const char *const head[] = { "op", "mode", "placement class", "pairs",
					    "fastest pair [ns]", "median of the pairs [ns]",
					    "slowest pair [ns]" };
	struct csv c;
	struct mgroup g[64];
	char km[16][160];
	int ng, nkm = 0;

	if (rep_load(r, "matrix.csv", &c))
		return;
	ng = matrix_groups(&c, g, 64, km, &nkm);
	doc_h(r->d, 2, "Every pair of CPUs");
	doc_p(r->d, "The median round trip of every pair of CPUs (cachepong matrix), grouped by the "
		    "placement class of the pair, nearest first.");
	doc_table(r->d, 7, head);
	for (int i = 0; i < ng; i++) {
		char cell[7][160];

		snprintf(cell[0], 160, "%s", csv_str(&c, g[i].first, COL_kernel));
		snprintf(cell[1], 160, "%s", csv_str(&c, g[i].first, COL_mode));
		snprintf(cell[2], 160, "%s", csv_str(&c, g[i].first, COL_placement));
		snprintf(cell[3], 160, "%zu", g[i].nv);
		snprintf(cell[4], 160, "%.4g (CPUs %s)", g[i].lo, csv_str(&c, g[i].ilo, COL_cpus));
		snprintf(cell[5], 160, "%.4g", g[i].med);
		snprintf(cell[6], 160, "%.4g (CPUs %s)", g[i].hi, csv_str(&c, g[i].ihi, COL_cpus));
		doc_row(r->d, 7, cell);
	}
	doc_table_end(r->d);
	for (int k = 0; k < nkm; k++) {
		char line[1200] = "";

		for (int i = 0; i < ng; i++)
			if (g[i].km == k)
				snprintf(line + strlen(line), sizeof(line) - strlen(line),
					 "%s%s %.4g ns (%zu pair%s, %.4g to %.4g)", line[0] ? ", " : "",
					 csv_str(&c, g[i].first, COL_placement), g[i].med, g[i].nv, g[i].nv > 1 ? "s" : "",
					 g[i].lo, g[i].hi);
		rep_sum(r, "**Every pair of CPUs** (%s): the median round trip of the pairs of each "
			   "placement class: %s.", km[k], line);
	}
	rep_figures(r, "matrix");
	csv_free(&c);
}
