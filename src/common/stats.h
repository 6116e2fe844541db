/* stats.h: statistics from raw samples.  The 95% confidence interval of
 * the median is distribution-free, by order statistics (binomial ranks), not
 * mean +/- 2 sigma: timing samples are skewed and heavy-tailed. */
#ifndef STATS_H
#define STATS_H

#include <stddef.h>

struct cp_stats {
	size_t n;
	double min, p10, p50, p90, p99, max;
	double mean, stddev;   /* stddev: sample (n-1) standard deviation */
	double ci_lo, ci_hi;   /* 95% CI of the median; NAN when n is too small (n < 6) */
};

/* Quantile q in [0,1] of a SORTED array, linear interpolation between
 * closest ranks (R-7, numpy's default): h = (n-1)q. */
double stats_quantile_sorted(const double *sorted, size_t n, double q);

/* Fill s from n finite samples (not modified; sorted copy made inside).
 * n = 0: everything NAN; n = 1: stddev NAN; n < 6: ci_lo/ci_hi NAN. */
void stats_compute(const double *samples, size_t n, struct cp_stats *s);

/* Ranks (0-based, into the sorted samples) of the 95% CI of the median.
 * Rule: with B ~ Binomial(n, 1/2) (exact, summed in log space, any n) take
 * the largest 1-based rank k with P(B <= k-1) <= 0.025; the interval is
 * [x(k), x(n+1-k)] (1-based order statistics), i.e. lo = k-1, hi = n-k.
 * Its coverage P(k <= B <= n-k) = 1 - 2 P(B <= k-1) is >= 95% (conservative,
 * the classic table: n=10 -> x(2),x(9); n=100 -> x(40),x(61)).  It needs
 * n >= 6 (for n = 5 even [x(1), x(5)] covers only 93.75%); returns -1 below. */
int stats_median_ci_ranks(size_t n, size_t *lo, size_t *hi);

/* Half-width of the CI relative to the median, in percent (for --target-ci);
 * INFINITY when the CI is not defined. */
double stats_ci_rel_pct(const struct cp_stats *s);

#endif
