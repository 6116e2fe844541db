/* report_matrix.c: the all-pairs matrix's section: per op, mode and
 * placement class, the spread of the pairs' medians (fastest, median,
 * slowest pair) from matrix.csv, and its heat map. */
#include "report_int.h"
#include "stats.h"
#include "tmpname.h"

#include <unistd.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct mgroup {
	size_t first, ilo, ihi, nv;
	int km;              /* which op x mode (first seen first) */
	double lo, hi, med;
	double ci_lo, ci_hi; /* the median's 95% interval over the pairs (NaN: too few) */
};

/* A row the matrix measured as a pair's cell: not a --parallel check. */
static int pair_row(const struct csv *c, size_t j)
{
	return !strcmp(csv_str(c, j, COL_metric), "round_trip") && strncmp(csv_str(c, j, COL_arms), "parallel=", 9);
}

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
	return pair_row(c, j) &&
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
	{
		size_t lo, hi;

		x->ci_lo = x->ci_hi = NAN;
		if (!stats_median_ci_ranks(x->nv, &lo, &hi)) {
			x->ci_lo = v[lo];
			x->ci_hi = v[hi];
		}
	}
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
		if (!pair_row(c, i))
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

/* The pairs far from their class: over 3 robust sigmas (MAD) and 10% off
 * the class's median; the topology did not predict them. */
static void rep_matrix_far(struct rep *r, const struct csv *c, const struct mgroup *g, int ng)
{
	double *d = cp_xcalloc(c->nrow ? c->nrow : 1, sizeof(double));
	int said = 0;

	for (int i = 0; i < ng; i++) {
		size_t n = 0;
		double mad;

		for (size_t j = 0; j < c->nrow; j++)
			if (same_group(c, g[i].first, j) && isfinite(csv_val(c, j, COL_p50)))
				d[n++] = fabs(csv_val(c, j, COL_p50) - g[i].med);
		if (n < 4)
			continue;
		qsort(d, n, sizeof(double), cmp_d);
		mad = 1.4826 * (n % 2 ? d[n / 2] : (d[n / 2 - 1] + d[n / 2]) / 2);
		for (size_t j = 0; j < c->nrow && said < 20; j++) {
			double v = csv_val(c, j, COL_p50);

			if (!same_group(c, g[i].first, j) || !(fabs(v - g[i].med) > fmax(3 * mad, 0.1 * g[i].med)))
				continue;
			if (!said++)
				doc_p(r->d, "Pairs far from their class (over 3 robust sigmas and 10%% from its median): "
					    "the topology did not predict them.");
			doc_p(r->d, "- CPUs %s (%s, %s): %.4g ns, the class's median %.4g ns",
			      csv_str(c, j, COL_cpus), csv_str(c, j, COL_placement), csv_str(c, j, COL_kernel), v,
			      g[i].med);
		}
	}
	free(d);
}

/* How the pairs were measured: at once (the rows' notes say how many). */
static void rep_matrix_how(struct rep *r, const struct csv *c)
{
	int most = 0;

	for (size_t i = 0; i < c->nrow; i++) {
		const char *note = csv_str(c, i, COL_note);
		int n;

		if (pair_row(c, i) && sscanf(note, "%d pairs at once", &n) == 1 && n > most)
			most = n;
	}
	if (most > 1)
		doc_p(r->d, "Disjoint pairs were measured at once (--parallel), up to %d at a time; each row's note "
			    "says how many ran with it and how much their cells overlapped.", most);
}

/* --parallel auto's checks: each pair alone and with others at once. */
static void rep_matrix_checks(struct rep *r, const struct csv *c)
{
	static const char *const head[] = { "pair (CPUs)", "class", "pairs at once", "parallel / alone, interval",
					    "verdict" };
	int n = 0;

	for (size_t i = 0; i < c->nrow; i++) {
		char cell[5][160];

		if (strcmp(csv_str(c, i, COL_arm), "1:2") || strncmp(csv_str(c, i, COL_arms), "parallel=", 9))
			continue;
		if (!n++) {
			doc_p(r->d, "The matrix ran disjoint pairs at once (--parallel auto) after these checks: each "
				    "pair alone and with the others at once, as interleaved arms; the number at once "
				    "stays only when every parallel figure is equivalent to its alone figure within the "
				    "margin, else it is halved and checked again.");
			doc_table(r->d, 5, head);
		}
		snprintf(cell[0], 160, "%s", csv_str(c, i, COL_cpus));
		snprintf(cell[1], 160, "%s", csv_str(c, i, COL_placement));
		snprintf(cell[2], 160, "%s", csv_str(c, i, COL_arms) + strlen("parallel=1:"));
		snprintf(cell[3], 160, "%.4f [%.4f, %.4f]", csv_val(c, i, COL_p50), csv_val(c, i, COL_ci_lo),
			 csv_val(c, i, COL_ci_hi));
		snprintf(cell[4], 160, "%s (margin %s%%)", csv_str(c, i, COL_verdict), csv_str(c, i, COL_margin));
		doc_row(r->d, 5, cell);
	}
	if (n)
		doc_table_end(r->d);
}

struct classes_out {
	const struct csv *c;
	const struct mgroup *g;
	int ng;
};

static int write_classes(FILE *f, void *arg)
{
	const struct classes_out *o = arg;

	fputs("experiment,kernel,mode,metric,unit,placement,pairs,p50,ci_lo,ci_hi,min,max\n", f);
	for (int i = 0; i < o->ng; i++) {
		const struct mgroup *g = &o->g[i];

		/* too few pairs for an interval: the fastest to the slowest */
		fprintf(f, "matrix,%s,%s,round_trip,ns,%s,%zu,%.6g,%.6g,%.6g,%.6g,%.6g\n", csv_str(o->c, g->first, COL_kernel),
			csv_str(o->c, g->first, COL_mode), csv_str(o->c, g->first, COL_placement), g->nv, g->med,
			isfinite(g->ci_lo) ? g->ci_lo : g->lo, isfinite(g->ci_hi) ? g->ci_hi : g->hi, g->lo, g->hi);
	}
	return ferror(f) ? -1 : 0;
}

void rep_matrix_classes_csv(const char *dir)
{
	char path[4200], out[4300];
	struct cp_err e = { 0 };
	struct mgroup g[64];
	char km[16][160];
	int nkm = 0;
	struct csv c;

	snprintf(path, sizeof(path), "%s/matrix.csv", dir);
	snprintf(out, sizeof(out), "%s/" REP_MATRIX_CLASSES, dir);
	if (access(path, F_OK) || csv_read(path, &c, &e)) {
		unlink(out);
		return;
	}
	{
		struct classes_out o = { &c, g, matrix_groups(&c, g, 64, km, &nkm) };

		if (!o.ng || tmp_write_atomic("plot", out, write_classes, &o, &e))
			unlink(out);
	}
	csv_free(&c);
}

void rep_matrix(struct rep *r)
{
	static const char *const head[] = { "op", "mode", "placement class", "pairs",
					    "fastest pair [ns]", "median of the pairs [ns], 95% interval",
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
		    "placement class of the pair, nearest first; the interval is the 95%% interval of the median "
		    "over the class's pairs.");
	rep_matrix_how(r, &c);
	doc_table(r->d, 7, head);
	for (int i = 0; i < ng; i++) {
		char cell[7][160];

		snprintf(cell[0], 160, "%s", csv_str(&c, g[i].first, COL_kernel));
		snprintf(cell[1], 160, "%s", csv_str(&c, g[i].first, COL_mode));
		snprintf(cell[2], 160, "%s", csv_str(&c, g[i].first, COL_placement));
		snprintf(cell[3], 160, "%zu", g[i].nv);
		snprintf(cell[4], 160, "%.4g (CPUs %s)", g[i].lo, csv_str(&c, g[i].ilo, COL_cpus));
		if (isfinite(g[i].ci_lo))
			snprintf(cell[5], 160, "%.4g [%.4g, %.4g]", g[i].med, g[i].ci_lo, g[i].ci_hi);
		else
			snprintf(cell[5], 160, "%.4g (too few pairs for an interval)", g[i].med);
		snprintf(cell[6], 160, "%.4g (CPUs %s)", g[i].hi, csv_str(&c, g[i].ihi, COL_cpus));
		doc_row(r->d, 7, cell);
	}
	doc_table_end(r->d);
	rep_matrix_far(r, &c, g, ng);
	rep_matrix_checks(r, &c);
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
