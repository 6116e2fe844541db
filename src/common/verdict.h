/* verdict.h: the comparison of two arms measured in interleaved blocks.
 *
 * Per block pair, the ratio of the two blocks' medians (B / A); the
 * estimate is the median of those ratios and its 95% interval comes from
 * their order statistics (stats_median_ci_ranks), so it carries the drift
 * between blocks and not only the spread within one.  With a margin m:
 *   equivalent    the interval lies within [1/(1+m), 1+m]
 *   slower        the interval lies above 1 and the estimate above 1+m
 *   faster        the interval lies below 1 and the estimate below 1/(1+m)
 *   inconclusive  anything else (then `more` estimates how many more block
 *                 pairs would likely settle it: the interval narrows as
 *                 1/sqrt(pairs)). */
#ifndef VERDICT_H
#define VERDICT_H

#include <stddef.h>
#include <stdint.h>

#define VERDICTS(X)                                                        \
	X(equivalent, "B is within the margin of A")                       \
	X(slower, "B is slower than A by more than the margin")            \
	X(faster, "B is faster than A by more than the margin")            \
	X(inconclusive, "the interval does not decide at this margin")

enum verdict {
#define VERDICT_ENUM(n, what) VERDICT_##n,
	VERDICTS(VERDICT_ENUM)
#undef VERDICT_ENUM
};

struct cp_verdict {
	enum verdict v;
	double est, lo, hi;    /* B / A: median of the block ratios, 95% interval */
	double margin_pct;
	double conf;           /* the interval's coverage (0.95, or less per comparison of several) */
	size_t pairs;
	uint64_t more;         /* inconclusive: more block pairs likely to settle it; else 0 */
};

const char *verdict_name(enum verdict v);

/* Default --margin, percent. */
#define VERDICT_MARGIN_PCT 5
/* The coverage of one comparison's interval, and of all the comparisons
 * of one design together. */
#define VERDICT_CONF 0.95

/* a[p * k .. p * k + k) and b[...]: block p of each arm (k samples).
 * Fewer than 6 pairs give no interval: inconclusive.  Returns 0, or -1
 * when npairs or k is 0. */
int verdict_from_blocks(const double *a, const double *b, size_t npairs, size_t k, double margin_pct,
			struct cp_verdict *out);

/* The same at coverage conf: a design of several comparisons (k arms,
 * each against the baseline) gives each the coverage
 * verdict_family_conf(k - 1), so that all k - 1 intervals hold together
 * with probability >= VERDICT_CONF (Bonferroni: the arms' ratios share
 * the baseline's blocks, and Bonferroni needs no independence). */
int verdict_from_blocks_at(const double *a, const double *b, size_t npairs, size_t k, double margin_pct,
			   double conf, struct cp_verdict *out);
double verdict_family_conf(unsigned comparisons);

/* The block ratios alone: ratio[p] = median(b block p) / median(a block p). */
void verdict_ratios(const double *a, const double *b, size_t npairs, size_t k, double *ratio);

/* The verdict of an estimate and its interval at a margin (exposed for
 * the tests). */
enum verdict verdict_decide(double est, double lo, double hi, double margin_pct);

#endif
