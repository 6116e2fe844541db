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
static size_t ci_k(size_t n, double tail)
{
	double nd = (double)n, sd = sqrt(nd) / 2;
	size_t i0 = 0, i;
	double lp, cdf = 0;

	if (nd / 2 - 12 * sd > 0)
		i0 = (size_t)(nd / 2 - 12 * sd);
	lp = lgamma(nd + 1) - lgamma((double)i0 + 1) - lgamma(nd - (double)i0 + 1) - nd * M_LN2;
	/* k = the largest k with P(B <= k-1) <= tail; 0 when even P(B = 0) is too big */
	for (i = i0; i <= n / 2; i++) {
		cdf += exp(lp);
		if (cdf > tail)
			return i;   /* P(B <= i) > 0.025 so k - 1 = i - 1 */
		lp += log((nd - (double)i) / ((double)i + 1));
	}
	return n / 2;
}

int stats_median_ci_ranks(size_t n, size_t *lo, size_t *hi)
{
	return n < 6 ? -1 : stats_median_ci_ranks_at(n, 0.95, lo, hi);
}

int stats_median_ci_ranks_at(size_t n, double conf, size_t *lo, size_t *hi)
{
	size_t k;

	if (!n || !(conf > 0 && conf < 1))
		return -1;
	k = ci_k(n, (1 - conf) / 2);
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

/* ---- modes (see stats.h) ---- */

/* The spread of a sorted segment: its interquartile range / 1.349 (the
 * standard deviation of a normal), at least STATS_MODE_SPREAD_MIN. */
static double spread(const double *x, size_t n)
{
	double s = (stats_quantile_sorted(x, n, 0.75) - stats_quantile_sorted(x, n, 0.25)) / 1.349;

	return s > STATS_MODE_SPREAD_MIN ? s : STATS_MODE_SPREAD_MIN;
}

/* Where the sorted logs x[lo, hi) are least dense: the widest span of 2h
 * samples straddling a cut (h = wmin / 3: a few samples strayed between
 * two populations do not fill the valley), with wmin samples on each
 * side, then the widest gap between two neighbours in that span.  The
 * index of the cut's right side, or 0 when too few samples. */
static size_t valley(const double *x, size_t lo, size_t hi, size_t wmin)
{
	size_t at = 0, cut, h = wmin / 3 ? wmin / 3 : 1;
	double span = -1, gap = -1;

	if (hi - lo < 2 * wmin)
		return 0;
	for (size_t k = lo + wmin; k + wmin <= hi; k++)
		if (x[k + h - 1] - x[k - h] > span) {
			span = x[k + h - 1] - x[k - h];
			at = k;
		}
	cut = at;
	for (size_t k = at + 1 > h ? at + 1 - h : 1; k < at + h; k++)
		if (k >= lo + wmin && k + wmin <= hi && x[k] - x[k - 1] > gap) {
			gap = x[k] - x[k - 1];
			cut = k;
		}
	return cut;
}

/* Whether [a, k) and [k, b) are two populations: their medians
 * STATS_MODE_SEP apart and their separation D (see stats.h) at the
 * threshold for b - a samples. */
static int separated(const double *x, size_t a, size_t k, size_t b)
{
	double m1 = stats_quantile_sorted(x + a, k - a, 0.5), m2 = stats_quantile_sorted(x + k, b - k, 0.5);

	return m2 - m1 >= log(STATS_MODE_SEP) &&
	       (m2 - m1) / (spread(x + a, k - a) + spread(x + k, b - k)) >=
		       STATS_MODE_D + STATS_MODE_D_SMALL / sqrt((double)(b - a));
}

/* The cuts of [lo, hi) into modes, ascending, into cut; how many.  Bottom
 * up: both sides of the valley cut first, then the cut itself, tested
 * between the two modes next to it (where D is largest is no place to cut:
 * trimming a population's tail makes D larger still; and three populations
 * are not one because the side holding two of them is spread wide). */
static int mode_cuts(const double *x, size_t lo, size_t hi, size_t wmin, size_t *cut)
{
	size_t k = valley(x, lo, hi, wmin), L[STATS_MODES_CUTS], R[STATS_MODES_CUTS];
	int nl, nr, n;

	if (!k)
		return 0;
	nl = mode_cuts(x, lo, k, wmin, L);
	nr = mode_cuts(x, k, hi, wmin, R);
	memcpy(cut, L, (size_t)nl * sizeof(size_t));
	n = nl;
	if (separated(x, nl ? L[nl - 1] : lo, k, nr ? R[0] : hi))
		cut[n++] = k;
	memcpy(cut + n, R, (size_t)nr * sizeof(size_t));
	return n + nr;
}

void stats_modes(const double *samples, size_t n, struct cp_modes *m)
{
	size_t cut[STATS_MODES_CUTS + 2], nf = 0, wmin;
	double *v, *x;
	int ncut = 0;

	memset(m, 0, sizeof(*m));
	v = cp_xcalloc(n ? 2 * n : 1, sizeof(double));
	x = v + n;
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(samples[i]))
			continue;
		if (!(samples[i] > 0)) {
			free(v);
			return; /* not a scale: not tested */
		}
		v[nf++] = samples[i];
	}
	if (nf < STATS_MODES_MIN_N) {
		free(v);
		return;
	}
	/* sorted samples and their logs, in the same order */
	qsort(v, nf, sizeof(double), cmp_double);
	for (size_t i = 0; i < nf; i++)
		x[i] = log(v[i]);
	wmin = (size_t)ceil(STATS_MODE_WEIGHT * (double)nf);
	wmin = wmin < 3 ? 3 : wmin;
	ncut = mode_cuts(x, 0, nf, wmin, cut + 1);
	/* more than STATS_MODES_MAX (never seen): the last ones merged */
	ncut = ncut < STATS_MODES_MAX - 1 ? ncut : STATS_MODES_MAX - 1;
	cut[0] = 0;
	cut[ncut + 1] = nf;
	m->n = ncut + 1;
	for (int j = 0; j < m->n; j++) {
		m->p50[j] = stats_quantile_sorted(v + cut[j], cut[j + 1] - cut[j], 0.5);
		m->weight[j] = (double)(cut[j + 1] - cut[j]) / (double)nf;
	}
	free(v);
}
