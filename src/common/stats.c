/* stats.c: order statistics and the distribution-free CI of the median
 * (see stats.h for the exact rank rule). */
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cp.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double stats_quantile_sorted(const double *sorted, size_t n, double q)
{
	double h, f;
	size_t i;

	if (!n || !(q >= 0 && q <= 1))
		return NAN;   /* also q NaN: there is no such quantile */
	if (q == 1)
		return sorted[n - 1];
	h = (double)(n - 1) * q;
	f = floor(h);
	i = (size_t)f;
	if (i + 1 >= n)
		return sorted[n - 1];
	return sorted[i] + (h - f) * (sorted[i + 1] - sorted[i]);
}

/* P(Binomial(n, 1/2) <= k) summed in log space: 2^-n underflows for
 * n > ~1074, so each pmf term is exp(log C(n,i) - n log 2), the log being
 * carried by the recurrence C(n,i+1) = C(n,i) (n-i)/(i+1).  Terms more than
 * ~12 sigma below the mean are < 1e-30 and skipped. */
static size_t ci_k(size_t n)
{
	double nd = (double)n, sd = sqrt(nd) / 2;
	size_t i0 = 0, i;
	double lp, cdf = 0;

	if (nd / 2 - 12 * sd > 0)
		i0 = (size_t)(nd / 2 - 12 * sd);
	lp = lgamma(nd + 1) - lgamma((double)i0 + 1) - lgamma(nd - (double)i0 + 1) - nd * M_LN2;
	/* k = the largest k with P(B <= k-1) <= 0.025; 0 when even P(B = 0) is too big */
	for (i = i0; i <= n / 2; i++) {
		cdf += exp(lp);
		if (cdf > 0.025)
			return i;   /* P(B <= i) > 0.025 so k - 1 = i - 1 */
		lp += log((nd - (double)i) / ((double)i + 1));
	}
	return n / 2;
}

int stats_median_ci_ranks(size_t n, size_t *lo, size_t *hi)
{
	size_t k;

	if (n < 6)
		return -1;
	k = ci_k(n);
	if (k < 1)
		return -1;
	*lo = k - 1;     /* 0-based rank of X_(k) */
	*hi = n - k;     /* 0-based rank of X_(n-k+1) */
	return 0;
}

void stats_compute(const double *samples, size_t n, struct cp_stats *s)
{
	double *v, sum = 0, ss = 0;
	size_t lo, hi;

	memset(s, 0, sizeof(*s));
	s->n = n;
	s->min = s->p10 = s->p50 = s->p90 = s->p99 = s->max = NAN;
	s->mean = s->stddev = s->ci_lo = s->ci_hi = NAN;
	if (!n)
		return;
	v = cp_xcalloc(n, sizeof(double));
	memcpy(v, samples, n * sizeof(double));
	qsort(v, n, sizeof(double), cmp_double);
	s->min = v[0];
	s->max = v[n - 1];
	s->p10 = stats_quantile_sorted(v, n, 0.10);
	s->p50 = stats_quantile_sorted(v, n, 0.50);
	s->p90 = stats_quantile_sorted(v, n, 0.90);
	s->p99 = stats_quantile_sorted(v, n, 0.99);
	for (size_t i = 0; i < n; i++)
		sum += v[i];
	s->mean = sum / (double)n;
	/* two-pass: no cancellation when the spread is tiny against the mean */
	for (size_t i = 0; i < n; i++)
		ss += (v[i] - s->mean) * (v[i] - s->mean);
	if (n > 1)
		s->stddev = sqrt(ss / (double)(n - 1));
	if (!stats_median_ci_ranks(n, &lo, &hi)) {
		s->ci_lo = v[lo];
		s->ci_hi = v[hi];
	}
	free(v);
}

double stats_ci_rel_pct(const struct cp_stats *s)
{
	if (isnan(s->ci_lo) || isnan(s->ci_hi) || isnan(s->p50) || s->p50 == 0)
		return INFINITY;
	return (s->ci_hi - s->ci_lo) / 2 / fabs(s->p50) * 100;
}
