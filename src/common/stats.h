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
/* The same rule at confidence conf (0 < conf < 1): tail (1 - conf) / 2.
 * Returns -1 when n is too small for an interval of that coverage
 * (n >= log2(2 / (1 - conf)): 6 at 95%, 8 at 98.3%). */
int stats_median_ci_ranks_at(size_t n, double conf, size_t *lo, size_t *hi);

/* Half-width of the CI relative to the median, in percent (for --target-ci);
 * INFINITY when the CI is not defined. */
double stats_ci_rel_pct(const struct cp_stats *s);

/* ---- modes: is one median a fair summary of the samples? ----
 * In log space (timings are positive and skewed), the sorted samples are
 * cut where they are least dense (the widest span of a few samples, each
 * side holding at least STATS_MODE_WEIGHT of them, and 3), each side cut
 * again the same way, and a cut is kept when the two modes next to it are
 * two populations: their medians STATS_MODE_SEP apart, and their
 * separation D = (median(right) - median(left)) / (spread(left) +
 * spread(right)), each spread the interquartile range / 1.349 (at least
 * STATS_MODE_SPREAD_MIN), reaching STATS_MODE_D + STATS_MODE_D_SMALL /
 * sqrt(n) of their n samples (Ashman's D with robust moments; a few
 * samples split by chance look farther apart).  Unlike a gap test, a few
 * samples strayed between two populations (a wake-up delayed by half) do
 * not hide them.  Simulated (tests/unit/test_stats.c): in 1000 draws of
 * one normal, exponential-tailed or Gumbel population (in log space) per
 * size, D at the cut stays under the threshold in all but at most 1 draw
 * at n = 20 to 100 and in every draw from 200 on; two populations 10x apart
 * at 10/90 are found in every draw from n = 60 at a log-sd of 0.1, and
 * from n = 1000 at 0.3.  A wake-up sometimes caught before the waiter
 * sleeps, or a vCPU the host moved mid-cell, gives two. */
#define STATS_MODES_MAX 8
/* cuts one segment can hold: a mode holds STATS_MODE_WEIGHT at least */
#define STATS_MODES_CUTS 24
#define STATS_MODES_MIN_N 20     /* fewer samples are not tested */
#define STATS_MODE_WEIGHT 0.05   /* the smallest share of the samples a mode holds */
#define STATS_MODE_SEP 1.5       /* the modes' medians differ by this factor at least */
#define STATS_MODE_D 2.5         /* the separation a split needs ... */
#define STATS_MODE_D_SMALL 14.0  /* ... plus this / sqrt(n) */
#define STATS_MODE_SPREAD_MIN 1e-3 /* a mode of one repeated value (a coarse clock) */

struct cp_modes {
	int n;                           /* modes found; 0: not tested (too few samples, or one <= 0) */
	double p50[STATS_MODES_MAX];     /* each mode's median, ascending */
	double weight[STATS_MODES_MAX];  /* its share of the samples */
};

void stats_modes(const double *samples, size_t n, struct cp_modes *m);

#endif
