/* verdict.c: median-of-ratios interval and the verdict (see verdict.h). */
#include "verdict.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cp.h"
#include "stats.h"

static const char *const names[] = {
#define VERDICT_NAME(n, what) #n,
	VERDICTS(VERDICT_NAME)
#undef VERDICT_NAME
};

const char *verdict_name(enum verdict v)
{
	return (size_t)v < CP_ARRAY_SIZE(names) ? names[v] : "?";
}

static int cmp_d(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

/* Median of k values (copied, sorted). */
static double median_of(const double *v, size_t k, double *tmp)
{
	memcpy(tmp, v, k * sizeof(double));
	qsort(tmp, k, sizeof(double), cmp_d);
	return stats_quantile_sorted(tmp, k, 0.5);
}

enum verdict verdict_decide(double est, double lo, double hi, double margin_pct)
{
	double up = 1 + margin_pct / 100, down = 1 / up;

	if (!(lo > 0) || !(hi > 0) || !isfinite(lo) || !isfinite(hi))
		return VERDICT_inconclusive;
	if (lo >= down && hi <= up)
		return VERDICT_equivalent;
	if (lo > 1 && est > up)
		return VERDICT_slower;
	if (hi < 1 && est < down)
		return VERDICT_faster;
	return VERDICT_inconclusive;
}

/* Block pairs likely to settle an inconclusive verdict: the interval's
 * half-width (in log ratio) shrinks as 1/sqrt(pairs); it must fit inside
 * the margin around the estimate (equivalence) or clear 1 (a difference). */
static uint64_t more_pairs(const struct cp_verdict *v)
{
	double half = (log(v->hi) - log(v->lo)) / 2, m = log(1 + v->margin_pct / 100), d = fabs(log(v->est));
	double need = d < m ? m - d : d, n;

	if (v->pairs < 6 || !(half > 0) || !isfinite(half))
		return v->pairs < 6 ? 6 - v->pairs : 0;
	if (!(need > 1e-6))
		return UINT64_MAX;
	n = (double)v->pairs * (half / need) * (half / need);
	return n > (double)v->pairs ? (uint64_t)ceil(n - (double)v->pairs) : 1;
}

void verdict_ratios(const double *a, const double *b, size_t npairs, size_t k, double *ratio)
{
	double *tmp = cp_xcalloc(k ? k : 1, sizeof(double));

	for (size_t p = 0; p < npairs; p++)
		ratio[p] = median_of(b + p * k, k, tmp) / median_of(a + p * k, k, tmp);
	free(tmp);
}

int verdict_from_blocks(const double *a, const double *b, size_t npairs, size_t k, double margin_pct,
			struct cp_verdict *out)
{
	return verdict_from_blocks_at(a, b, npairs, k, margin_pct, VERDICT_CONF, out);
}

int verdict_from_blocks_at(const double *a, const double *b, size_t npairs, size_t k, double margin_pct,
			   double conf, struct cp_verdict *out)
{
	double *r;
	size_t lo, hi;

	memset(out, 0, sizeof(*out));
	if (!npairs || !k)
		return -1;
	r = cp_xcalloc(npairs, sizeof(double));
	verdict_ratios(a, b, npairs, k, r);
	qsort(r, npairs, sizeof(double), cmp_d);
	out->est = stats_quantile_sorted(r, npairs, 0.5);
	out->lo = out->hi = NAN;
	if (npairs >= 6 && !stats_median_ci_ranks_at(npairs, conf, &lo, &hi)) {
		out->lo = r[lo];
		out->hi = r[hi];
	}
	out->margin_pct = margin_pct;
	out->conf = conf;
	out->pairs = npairs;
	out->v = verdict_decide(out->est, out->lo, out->hi, margin_pct);
	out->more = out->v == VERDICT_inconclusive ? more_pairs(out) : 0;
	free(r);
	return 0;
}

double verdict_family_conf(unsigned comparisons)
{
	return 1 - (1 - VERDICT_CONF) / (comparisons ? comparisons : 1);
}
