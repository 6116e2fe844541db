/* report_sections.c: what the sections share (loading a CSV, the summary,
 * figures, the back-to-back process/thread twins of the cost commands) and
 * the all-pairs matrix.  Every number printed here is read from the run's
 * CSVs or computed from them. */
#include "report_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int rep_load(const struct rep *r, const char *name, struct csv *c)
{
	char path[4300];
	struct cp_err e = { 0 };

	snprintf(path, sizeof(path), "%s/%s", r->dir, name);
	if (csv_read(path, c, &e))
		return -1;
	if (!c->nrow || csv_col(c, "metric") < 0 || csv_col(c, "p50") < 0) {
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

/* Columns that must agree for a thread row to be a process row's twin. */
static const char *const twin_cols[] = { "experiment", "kernel", "impl", "pages", "layout", "poll",
					 "state", "holder", "placement", "cpus", "size_bytes", "agents",
					 "metric", "unit" };

static int twins(const struct csv *c, size_t a, size_t b)
{
	for (size_t k = 0; k < CP_ARRAY_SIZE(twin_cols); k++) {
		int j = csv_col(c, twin_cols[k]);

		if (strcmp(csv_get(c, a, j), csv_get(c, b, j)))
			return 0;
	}
	return 1;
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
	static const char *const ids[] = { "size_bytes", "layout", "agents" };
	static const char *const what[] = { "%s bytes", "%s", "%s agents" };
	int cv = csv_col(c, "verdict"), cm = csv_col(c, "mode"), n = 0, vary[3];

	for (int k = 0; k < 3; k++)
		vary[k] = cv >= 0 && csv_col(c, ids[k]) >= 0 && col_varies(c, cv, csv_col(c, ids[k]));
	for (size_t i = 0; cv >= 0 && i < c->nrow; i++) {
		const char *mode = csv_get(c, i, cm), *colon = strchr(mode, ':'), *v = csv_get(c, i, cv);
		char size[160] = "";

		if (!v[0] || !colon || strcmp(csv_get(c, i, csv_col(c, "metric")), "ratio"))
			continue;
		if (!n++)
			doc_p(r->d, "%s (median of the block pairs' ratios, 95%% interval from their order statistics):",
			      title);
		for (int k = 0; k < 3; k++)
			if (vary[k]) {
				size_t len = strlen(size);

				snprintf(size + len, sizeof(size) - len, ", ");
				snprintf(size + len + 2, sizeof(size) - len - 2, what[k], csv_get(c, i, csv_col(c, ids[k])));
			}
		doc_li(r->d, "%s (%s, %s%s): %s / %.*s %.3f [%.3f, %.3f]: **%s** at a %s%% margin (%s block pairs)",
		       csv_get(c, i, csv_col(c, "kernel")), csv_get(c, i, csv_col(c, "placement")),
		       csv_get(c, i, csv_col(c, "shm")), size, colon + 1, (int)(colon - mode), mode,
		       csv_num(c, i, csv_col(c, "p50")), csv_num(c, i, csv_col(c, "ci_lo")),
		       csv_num(c, i, csv_col(c, "ci_hi")), v, csv_get(c, i, csv_col(c, "margin")),
		       csv_get(c, i, csv_col(c, "blocks")));
	}
	return n;
}

int compare_modes(const struct csv *c, const struct rawset *rs, const char *metric,
		  struct pair_cmp **out)
{
	int cm = csv_col(c, "mode"), cs = csv_col(c, "shm"), cme = csv_col(c, "metric");
	int c50 = csv_col(c, "p50"), clo = csv_col(c, "ci_lo"), chi = csv_col(c, "ci_hi");
	int n = 0;

	*out = cp_xcalloc(c->nrow + 1, sizeof(**out));
	for (size_t p = 0; p < c->nrow; p++) {
		long best = -1;
		struct pair_cmp *x;
		const struct rawgroup *gp, *gt;

		if (strcmp(csv_get(c, p, cme), metric) || strcmp(csv_get(c, p, cm), "process"))
			continue;
		/* the thread twin: the same memory kind first (measured back to
		 * back by --mode both, so only the address space differs), else
		 * heap, the threads' own memory */
		for (size_t t = 0; t < c->nrow; t++) {
			int same, heap, bsame, bheap;

			if (strcmp(csv_get(c, t, cm), "thread") || !twins(c, p, t))
				continue;
			same = !strcmp(csv_get(c, t, cs), csv_get(c, p, cs));
			heap = !strcmp(csv_get(c, t, cs), "heap");
			if (best < 0) {
				best = (long)t;
				continue;
			}
			bsame = !strcmp(csv_get(c, (size_t)best, cs), csv_get(c, p, cs));
			bheap = !strcmp(csv_get(c, (size_t)best, cs), "heap");
			if ((same && !bsame) || (heap && !bsame && !bheap))
				best = (long)t;
		}
		if (best < 0)
			continue;
		x = &(*out)[n++];
		x->t = (size_t)best;
		x->p = p;
		gp = rs ? rawset_find(rs, c, p) : NULL;
		gt = rs ? rawset_find(rs, c, (size_t)best) : NULL;
		if (gp && gt && !ratio_boot(gp->v, gp->nv, gt->v, gt->nv, &x->q)) {
			x->boot = 1;
		} else {
			/* both 95% intervals at their far ends: at least 90% coverage */
			x->q.r = csv_num(c, p, c50) / csv_num(c, x->t, c50);
			x->q.lo = csv_num(c, p, clo) / csv_num(c, x->t, chi);
			x->q.hi = csv_num(c, p, chi) / csv_num(c, x->t, clo);
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

void rep_matrix(struct rep *r)
{
	struct csv c;
	static const char *const head[] = { "op", "mode", "placement class", "pairs",
					    "fastest pair [ns]", "median of the pairs [ns]",
					    "slowest pair [ns]" };
	int cke, cmo, cpl, c50, ccp, cme, ng = 0, nkm = 0;
	struct mgroup g[64];
	char km[16][160];
	double *v;

	if (rep_load(r, "matrix.csv", &c))
		return;
	cke = csv_col(&c, "kernel");
	cmo = csv_col(&c, "mode");
	cpl = csv_col(&c, "placement");
	c50 = csv_col(&c, "p50");
	ccp = csv_col(&c, "cpus");
	cme = csv_col(&c, "metric");
	v = cp_xcalloc(c.nrow, sizeof(double));
	/* one group per op x mode x class: fastest, slowest, median of the pairs */
	for (size_t i = 0; i < c.nrow && ng < 64; i++) {
		struct mgroup *x = &g[ng];
		char key[160];
		int dup = 0, k;

		/* the round trips; interleaved arms' comparison rows are not pairs' latencies */
		if (strcmp(csv_get(&c, i, cme), "round_trip"))
			continue;
		for (int j = 0; j < ng && !dup; j++)
			dup = !strcmp(csv_get(&c, g[j].first, cke), csv_get(&c, i, cke)) &&
			      !strcmp(csv_get(&c, g[j].first, cmo), csv_get(&c, i, cmo)) &&
			      !strcmp(csv_get(&c, g[j].first, cpl), csv_get(&c, i, cpl));
		if (dup)
			continue;
		snprintf(key, sizeof(key), "%s, %s", csv_get(&c, i, cke), csv_get(&c, i, cmo));
		for (k = 0; k < nkm && strcmp(km[k], key); k++)
			;
		if (k == nkm && nkm < 16)
			snprintf(km[nkm++], sizeof(km[0]), "%s", key);
		memset(x, 0, sizeof(*x));
		x->first = i;
		x->km = k;
		x->lo = INFINITY;
		x->hi = -INFINITY;
		for (size_t j = i; j < c.nrow; j++) {
			double m = csv_num(&c, j, c50);

			if (strcmp(csv_get(&c, j, cme), "round_trip") || strcmp(csv_get(&c, j, cke), csv_get(&c, i, cke)) ||
			    strcmp(csv_get(&c, j, cmo), csv_get(&c, i, cmo)) ||
			    strcmp(csv_get(&c, j, cpl), csv_get(&c, i, cpl)) || !isfinite(m))
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
			continue;
		qsort(v, x->nv, sizeof(double), cmp_d);
		x->med = x->nv % 2 ? v[x->nv / 2] : (v[x->nv / 2 - 1] + v[x->nv / 2]) / 2;
		ng++;
	}
	free(v);
	qsort(g, (size_t)ng, sizeof(g[0]), cmp_group);
	doc_h(r->d, 2, "Every pair of CPUs");
	doc_p(r->d, "The median round trip of every pair of CPUs (cachepong matrix), grouped by the "
		    "placement class of the pair, nearest first.");
	doc_table(r->d, 7, head);
	for (int i = 0; i < ng; i++) {
		char cell[7][160];

		snprintf(cell[0], 160, "%s", csv_get(&c, g[i].first, cke));
		snprintf(cell[1], 160, "%s", csv_get(&c, g[i].first, cmo));
		snprintf(cell[2], 160, "%s", csv_get(&c, g[i].first, cpl));
		snprintf(cell[3], 160, "%zu", g[i].nv);
		snprintf(cell[4], 160, "%.4g (CPUs %s)", g[i].lo, csv_get(&c, g[i].ilo, ccp));
		snprintf(cell[5], 160, "%.4g", g[i].med);
		snprintf(cell[6], 160, "%.4g (CPUs %s)", g[i].hi, csv_get(&c, g[i].ihi, ccp));
		doc_row(r->d, 7, cell);
	}
	doc_table_end(r->d);
	for (int k = 0; k < nkm; k++) {
		char line[1200] = "";

		for (int i = 0; i < ng; i++)
			if (g[i].km == k)
				snprintf(line + strlen(line), sizeof(line) - strlen(line),
					 "%s%s %.4g ns (%zu pair%s, %.4g to %.4g)", line[0] ? ", " : "",
					 csv_get(&c, g[i].first, cpl), g[i].med, g[i].nv, g[i].nv > 1 ? "s" : "",
					 g[i].lo, g[i].hi);
		rep_sum(r, "**Every pair of CPUs** (%s): the median round trip of the pairs of each "
			   "placement class: %s.", km[k], line);
	}
	rep_figures(r, "matrix");
	csv_free(&c);
}
