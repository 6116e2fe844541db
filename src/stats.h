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

/* Fill s from n samples (not modified; sorted copy made internally). */
void stats_compute(const double *samples, size_t n, struct cp_stats *s);

/* Ranks (0-based, into the sorted samples) of the 95% CI of the median:
 * the largest symmetric [lo, hi] with P(Binomial(n, 1/2) in [lo+1, hi]) >= 0.95
 * in the usual order-statistic construction.  Returns -1 when n < 6. */
int stats_median_ci_ranks(size_t n, size_t *lo, size_t *hi);

/* Half-width of the CI relative to the median, in percent (for --target-ci);
 * INFINITY when the CI is not defined. */
double stats_ci_rel_pct(const struct cp_stats *s);

#endif
