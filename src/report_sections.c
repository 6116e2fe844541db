/* report_sections.c: the report's answer to its first question (is
 * memory shared between processes as fast as between threads?) from the
 * ping-pong rows, and the all-pairs matrix.  Every number printed here is
 * read from the run's CSVs or computed from them. */
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

/* Run-to-run drift of a thread figure: the medians of every thread cell
 * with the same twin columns (measured at other moments, e.g. once per
 * memory kind by --mode both) spread over max/min - 1.  A process/thread
 * difference no larger cannot be told apart from the machine drifting
 * between two cells: the bootstrap interval only knows the spread within
 * one cell. */
static double thread_drift(const struct csv *c, size_t t)
{
	int cm = csv_col(c, "mode"), c50 = csv_col(c, "p50");
	double lo = INFINITY, hi = -INFINITY;
	int n = 0;

	for (size_t i = 0; i < c->nrow; i++) {
		double v;

		if (strcmp(csv_get(c, i, cm), "thread") || !twins(c, i, t))
			continue;
		v = csv_num(c, i, c50);
		if (!(v > 0))
			continue;
		lo = v < lo ? v : lo;
		hi = v > hi ? v : hi;
		n++;
	}
	return n >= 2 ? hi / lo - 1 : NAN;
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
		x->drift = thread_drift(c, (size_t)best);
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

int within_drift(const struct ratio *q, double drift)
{
	if (isfinite(q->lo) && q->lo <= 1 && q->hi >= 1)
		return 1;
	return isfinite(drift) && q->r <= 1 + drift && q->r >= 1 / (1 + drift);
}

const char *verdict(const struct ratio *q, double drift, char *buf, size_t len)
{
	double pct = (q->r - 1) * 100;

	if (!isfinite(q->lo) || !isfinite(q->hi))
		snprintf(buf, len, "processes %.0f%% %s (no interval)", fabs(pct),
			 pct >= 0 ? "slower" : "faster");
	else if (q->lo <= 1 && q->hi >= 1)
		snprintf(buf, len, "no measurable difference");
	else if (within_drift(q, drift))
		snprintf(buf, len, "%.0f%% %s, within run-to-run drift (%.0f%%)", fabs(pct),
			 pct > 0 ? "slower" : "faster", drift * 100);
	else
		snprintf(buf, len, "processes %.*f%% %s%s", fabs(pct) < 1 ? 1 : 0, fabs(pct),
			 pct > 0 ? "slower" : "faster", fabs(pct) < 5 ? " (under 5%)" : "");
	return buf;
}

void rep_pingpong(struct rep *r)
{
	struct csv c;
	struct rawset rs = { 0 };
	struct pair_cmp *x = NULL;
	char path[4300], a[160], b[160], v[160];
	int n, same = 0, slower = 0, faster = 0, nboot = 0, within5 = 0, slow5 = 0, worst = -1;
	int drifted = 0;
	double maxdrift = NAN;
	static const char *const head[] = { "placement", "op", "CPUs", "memory: threads / processes",
					    "threads: median ns [95% CI]", "processes: median ns [95% CI]",
					    "process / thread [95% CI]", "verdict" };
	int cpl, cke, ccp, cs, c50, clo, chi;

	r->rt_ns = NAN;
	if (rep_load(r, "pingpong.csv", &c))
		return;
	snprintf(path, sizeof(path), "%s/raw/pingpong.csv", r->dir);
	rawset_load(path, &rs);
	cpl = csv_col(&c, "placement");
	cke = csv_col(&c, "kernel");
	ccp = csv_col(&c, "cpus");
	cs = csv_col(&c, "shm");
	c50 = csv_col(&c, "p50");
	clo = csv_col(&c, "ci_lo");
	chi = csv_col(&c, "ci_hi");
	n = compare_modes(&c, &rs, "round_trip", &x);

	doc_h(r->d, 2, "Threads vs processes: the round trip of one cache line");
	doc_p(r->d, "Two agents pass a token through one cache line, pinned to two CPUs of a "
		    "placement class. Each process row is compared with the thread row measured "
		    "on the same CPUs with the same kernel and settings, on the same kind of "
		    "memory where it was measured (back to back, --mode both), else on heap "
		    "memory: only the address space differs. The ratio is process median / thread "
		    "median; its 95%% interval comes from resampling both rows' raw samples "
		    "(bootstrap, 2000 resamples) where they were kept, else from the two "
		    "medians' intervals taken at their far ends. That interval knows only the "
		    "spread within a cell; the machine also drifts between cells, which shows in "
		    "the thread figures measured several times (once per memory kind): a "
		    "difference no larger than that drift is not counted as one.");
	if (!n) {
		doc_p(r->d, "No process row has a thread twin in pingpong.csv: nothing to compare.");
		rep_sum(r, "**Threads vs processes**: not answered: the run has no ping-pong rows of "
			   "both modes (see the skipped cells below).");
	} else {
		doc_table(r->d, 8, head);
		for (int i = 0; i < n; i++) {
			char cell[8][160];
			double lo = x[i].q.lo, hi = x[i].q.hi;

			snprintf(cell[0], 160, "%s", csv_get(&c, x[i].p, cpl));
			snprintf(cell[1], 160, "%s", csv_get(&c, x[i].p, cke));
			snprintf(cell[2], 160, "%s", csv_get(&c, x[i].p, ccp));
			snprintf(cell[3], 160, "%s / %s", csv_get(&c, x[i].t, cs), csv_get(&c, x[i].p, cs));
			fmt_ci(csv_num(&c, x[i].t, c50), csv_num(&c, x[i].t, clo), csv_num(&c, x[i].t, chi),
			       cell[4], 160);
			fmt_ci(csv_num(&c, x[i].p, c50), csv_num(&c, x[i].p, clo), csv_num(&c, x[i].p, chi),
			       cell[5], 160);
			snprintf(cell[6], 160, "%.3f [%.3f, %.3f]%s", x[i].q.r, lo, hi,
				 x[i].boot ? "" : " (from the CIs)");
			verdict(&x[i].q, x[i].drift, cell[7], 160);
			doc_row(r->d, 8, cell);
			nboot += x[i].boot;
			if (isfinite(x[i].drift) && !(x[i].drift <= maxdrift))
				maxdrift = x[i].drift;
			if (isfinite(lo) && lo <= 1 && hi >= 1)
				same++;
			else if (within_drift(&x[i].q, x[i].drift))
				drifted++;
			else if (x[i].q.r > 1)
				slower++;
			else
				faster++;
			within5 += isfinite(lo) && lo >= 0.95 && hi <= 1.05;
			slow5 += !within_drift(&x[i].q, x[i].drift) &&
				 (isfinite(lo) ? lo > 1.05 : x[i].q.r > 1.05);
			if (worst < 0 || fabs(x[i].q.r - 1) > fabs(x[worst].q.r - 1))
				worst = i;
		}
		doc_table_end(r->d);
		verdict(&x[worst].q, x[worst].drift, v, sizeof(v));
		{
			char dr[96] = "";

			if (isfinite(maxdrift))
				snprintf(dr, sizeof(dr), " (up to %.0f%% here)", maxdrift * 100);
			rep_sum(r, "**Is memory shared between processes as fast as between threads?** %s. "
				   "Of %d comparisons (placement x op x memory kind), %d show no measurable "
				   "difference, %d differ by no more than the machine drifts between two "
				   "measurements of the same thread cell%s, in %d processes are slower, in %d "
				   "faster; %d of %d lie within 5%% with 95%% confidence. The largest "
				   "difference: %s at %s (%s, %s memory): %s ns for processes against %s ns "
				   "for threads, ratio %.3f [%.3f, %.3f].",
				within5 == n ? "Yes, within 5% everywhere it was measured"
				: !slow5 && !drifted ? "Yes, at least as fast: processes are nowhere "
						       "measurably 5% or more slower"
				: !slow5 ? "No difference this machine can resolve: processes are nowhere "
					   "slower by 5% or more beyond its run-to-run drift; a quieter "
					   "machine (bare metal, fixed frequency) can answer more finely"
					 : "No, not everywhere",
				n, same, drifted, dr, slower, faster, within5, n, v, csv_get(&c, x[worst].p, cpl),
			csv_get(&c, x[worst].p, cke), csv_get(&c, x[worst].p, cs),
			fmt3(csv_num(&c, x[worst].p, c50), a, sizeof(a)),
			fmt3(csv_num(&c, x[worst].t, c50), b, sizeof(b)), x[worst].q.r, x[worst].q.lo,
			x[worst].q.hi);
		}
		doc_p(r->d, "%d of the %d intervals are bootstrap intervals of the raw samples.", nboot, n);
	}
	/* the nearest class's thread round trip (cas if measured): the
	 * yardstick of later sections */
	for (int pass = 0; pass < 2 && !isfinite(r->rt_ns); pass++)
		for (size_t i = 0; i < c.nrow && !isfinite(r->rt_ns); i++) {
			if (strcmp(csv_get(&c, i, csv_col(&c, "mode")), "thread") ||
			    strcmp(csv_get(&c, i, csv_col(&c, "metric")), "round_trip") ||
			    (!pass && strcmp(csv_get(&c, i, cke), "cas")))
				continue;
			r->rt_ns = csv_num(&c, i, c50);
			snprintf(r->rt_what, sizeof(r->rt_what), "%s round trip at %s", csv_get(&c, i, cke),
				 csv_get(&c, i, cpl));
		}
	rep_figures(r, "pingpong");
	rep_figures(r, "pingpong-cdf");
	free(x);
	rawset_free(&rs);
	csv_free(&c);
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
	int cke, cmo, cpl, c50, ccp, ng = 0, nkm = 0;
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
	v = cp_xcalloc(c.nrow, sizeof(double));
	/* one group per op x mode x class: fastest, slowest, median of the pairs */
	for (size_t i = 0; i < c.nrow && ng < 64; i++) {
		struct mgroup *x = &g[ng];
		char key[160];
		int dup = 0, k;

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

			if (strcmp(csv_get(&c, j, cke), csv_get(&c, i, cke)) ||
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
