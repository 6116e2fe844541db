/* test_stats.c: quantiles, moments and the median CI against values worked
 * out by hand (and, for the binomial ranks, against the classic tables and
 * the normal approximation). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "stats.h"

#define EPS 1e-9

/* 1..100: R-7 puts quantile q at h = 99q (0-based), x[i] = i + 1, so
 * Q(q) = 1 + 99q:  p10 = 10.9, p50 = 50.5, p90 = 90.1, p99 = 99.01.
 * mean 50.5; sample variance n(n+1)/12 = 841.666..., stddev 29.0114919759.
 * Median CI n = 100 (tables, e.g. Conover): x(40), x(61) -> 40 and 61. */
static void one_to_hundred(void **state)
{
	double v[100];
	struct cp_stats s;

	for (int i = 0; i < 100; i++)
		v[i] = 100 - i; /* unsorted on purpose */
	stats_compute(v, 100, &s);
	assert_int_equal(s.n, 100);
	assert_true(fabs(s.min - 1) < EPS);
	assert_true(fabs(s.max - 100) < EPS);
	assert_true(fabs(s.p10 - 10.9) < EPS);
	assert_true(fabs(s.p50 - 50.5) < EPS);
	assert_true(fabs(s.p90 - 90.1) < EPS);
	assert_true(fabs(s.p99 - 99.01) < EPS);
	assert_true(fabs(s.mean - 50.5) < EPS);
	assert_true(fabs(s.stddev - sqrt(100.0 * 101 / 12)) < EPS);
	assert_true(fabs(s.stddev - 29.0114919759) < 1e-8);
	assert_true(fabs(s.ci_lo - 40) < EPS);
	assert_true(fabs(s.ci_hi - 61) < EPS);
	/* half-width 10.5 of 50.5 */
	assert_true(fabs(stats_ci_rel_pct(&s) - 10.5 / 50.5 * 100) < 1e-9);
	assert_true(v[0] == 100); /* input untouched */
}

/* Every q of 1..n: R-7 on x[i] = i + 1 is exactly 1 + (n-1)q. */
static void quantile_linear(void **state)
{
	double v[100];

	for (int i = 0; i < 100; i++)
		v[i] = i + 1;
	for (size_t n = 1; n <= 100; n++)
		for (int k = 0; k <= 100; k++) {
			double q = k / 100.0;

			assert_true(fabs(stats_quantile_sorted(v, n, q) - (1 + (double)(n - 1) * q)) < 1e-9);
		}
	assert_true(isnan(stats_quantile_sorted(v, 0, 0.5)));
	assert_true(stats_quantile_sorted(v, 10, 1.0) == 10);
}

/* Small cases by hand: {3, 1, 2, 10}: sorted 1 2 3 10; p50 h=1.5 -> 2.5;
 * p90 h=2.7 -> 3 + 0.7*7 = 7.9; mean 4; var ((9+4+1+36)/3) = 50/3. */
static void small(void **state)
{
	double v[] = { 3, 1, 2, 10 };
	struct cp_stats s;

	stats_compute(v, 4, &s);
	assert_true(fabs(s.p50 - 2.5) < EPS);
	assert_true(fabs(s.p90 - 7.9) < EPS);
	assert_true(fabs(s.mean - 4) < EPS);
	assert_true(fabs(s.stddev - sqrt(50.0 / 3)) < EPS);
	assert_true(isnan(s.ci_lo) && isnan(s.ci_hi)); /* n < 6 */
	assert_true(isinf(stats_ci_rel_pct(&s)));

	stats_compute(v, 1, &s);
	assert_true(s.p50 == 3 && s.min == 3 && s.max == 3 && isnan(s.stddev));
	stats_compute(v, 0, &s);
	assert_true(s.n == 0 && isnan(s.p50) && isnan(s.mean));
}

/* Ranks from P(B <= k-1) <= 0.025, B ~ Binomial(n, 1/2), worked by hand:
 * n=5:  P(B<=0) = 1/32 = 0.031 > 0.025: no interval.
 * n=6:  P(B<=0) = 1/64 = 0.0156; P(B<=1) = 7/64 -> k=1: [x(1), x(6)] = (0, 5).
 * n=10: P(B<=1) = 11/1024 = 0.0107; P(B<=2) = 56/1024 = 0.0547 -> x(2), x(9).
 * n=20: P(B<=5) = 21700/2^20 = 0.0207; P(B<=6) = 0.0577 -> x(6), x(15).
 * n=30: P(B<=9) = 0.0214; P(B<=10) = 0.0494 -> x(10), x(21).
 * n=100: x(40), x(61) (the classic table). */
static void ci_ranks(void **state)
{
	static const struct { size_t n, lo, hi; } t[] = {
		{ 6, 0, 5 }, { 10, 1, 8 }, { 20, 5, 14 }, { 30, 9, 20 }, { 100, 39, 60 },
	};
	size_t lo, hi;

	assert_int_equal(stats_median_ci_ranks(5, &lo, &hi), -1);
	assert_int_equal(stats_median_ci_ranks(0, &lo, &hi), -1);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(stats_median_ci_ranks(t[i].n, &lo, &hi), 0);
		assert_int_equal(lo, t[i].lo);
		assert_int_equal(hi, t[i].hi);
	}
}

/* Large n: the normal approximation puts the lower rank at
 * n/2 - 1.96 sqrt(n)/2 = 499020 (1-based) for n = 10^6, +-1 for the
 * continuity correction; the interval is symmetric (lo + hi = n - 1). */
static void ci_ranks_large(void **state)
{
	size_t lo, hi, n = 1000000;

	assert_int_equal(stats_median_ci_ranks(n, &lo, &hi), 0);
	assert_true(lo >= 499017 && lo <= 499021);
	assert_int_equal(lo + hi, n - 1);
	/* every n in 6..3000 gives a symmetric interval that shrinks relative to n */
	for (size_t m = 6; m <= 3000; m++) {
		assert_int_equal(stats_median_ci_ranks(m, &lo, &hi), 0);
		assert_int_equal(lo + hi, m - 1);
		assert_true(lo <= (m - 1) / 2);
	}
}

/* ---- modes, on seeded synthetic samples ---- */

static uint64_t rng_state;

static double uniform01(void)
{
	/* xorshift64*: fixed seeds, the same samples on every machine */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return ((double)((rng_state * 2685821657736338717ULL) >> 11) + 0.5) / 9007199254740992.0;
}

static double normal01(void)
{
	return sqrt(-2 * log(uniform01())) * cos(2 * M_PI * uniform01());
}

/* n samples: a share w2 of them log-normal around m2, the rest around m1,
 * both with log-sd s, shuffled by the draw itself. */
static size_t mixture(double *v, size_t n, double m1, double m2, double w2, double s)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		int hi = uniform01() < w2;

		k += hi;
		v[i] = (hi ? m2 : m1) * exp(s * normal01());
	}
	return k; /* drawn around m2 */
}

/* Two modes 10x apart at 10/90 weights: found, with their medians and
 * weights, in every one of 100 seeds per shape whose draw put at least 5%
 * (and 3) of the samples in the far mode; one mode in the others. */
static void modes_two(void **state)
{
	static const size_t ns[] = { 100, 200, 1000, 10000 };
	static const double ss[] = { 0.02, 0.1 };
	double *v = malloc(10000 * sizeof(double));
	struct cp_modes m;

	for (size_t a = 0; a < sizeof(ns) / sizeof(ns[0]); a++)
		for (size_t b = 0; b < sizeof(ss) / sizeof(ss[0]); b++)
			for (uint64_t seed = 1; seed <= 100; seed++) {
				rng_state = seed * 0x9e3779b97f4a7c15ULL;
				size_t k = mixture(v, ns[a], 100, 1000, 0.10, ss[b]);

				stats_modes(v, ns[a], &m);
				/* a draw with too few far samples holds no mode of 5% (or
				 * one, with a sample of the near one's tail) */
				if (k < 3 || (double)k < STATS_MODE_WEIGHT * (double)ns[a]) {
					assert_true(m.n == 1 || m.n == 2);
					continue;
				}
				if (m.n != 2)
					fail_msg("n=%zu s=%g seed %llu: %d modes", ns[a], ss[b], (unsigned long long)seed, m.n);
				assert_true(fabs(m.p50[0] / 100 - 1) < 0.2 && fabs(m.p50[1] / 1000 - 1) < 0.3);
				/* every sample in the mode it was drawn from */
				assert_true(fabs(m.weight[1] - (double)k / (double)ns[a]) < 1e-12);
				assert_true(fabs(m.weight[0] + m.weight[1] - 1) < 1e-12);
			}
	free(v);
}

/* One population is one mode: at most 1 false split in 200 seeds per
 * shape, log-normal from 20 to 10^4 samples, narrow and very wide (in 1000
 * seeds of each: 3 at n = 20 and a log-sd of 1, the worst, none from 60
 * on), exponential (a heavy left tail in log space) and uniform over a
 * decade likewise. */
static void modes_one(void **state)
{
	static const size_t ns[] = { 20, 60, 100, 1000, 10000 };
	static const double ss[] = { 0.05, 0.3, 1.0 };
	double *v = malloc(10000 * sizeof(double));
	struct cp_modes m;

	for (size_t a = 0; a < sizeof(ns) / sizeof(ns[0]); a++)
		for (size_t b = 0; b < sizeof(ss) / sizeof(ss[0]); b++) {
			int wrong = 0;

			for (uint64_t seed = 1; seed <= 200; seed++) {
				rng_state = seed * 0xbf58476d1ce4e5b9ULL;
				mixture(v, ns[a], 100, 100, 0, ss[b]);
				stats_modes(v, ns[a], &m);
				assert_true(m.n >= 1);
				wrong += m.n != 1;
			}
			if (wrong > 1)
				fail_msg("n=%zu s=%g: %d of 200 log-normals split", ns[a], ss[b], wrong);
		}
	for (uint64_t seed = 1; seed <= 200; seed++) {
		rng_state = seed * 0x94d049bb133111ebULL;
		for (size_t i = 0; i < 1000; i++)
			v[i] = 10 * pow(10, uniform01());
		stats_modes(v, 1000, &m);
		assert_int_equal(m.n, 1);
	}
	for (size_t a = 0; a < sizeof(ns) / sizeof(ns[0]); a++) {
		int wrong = 0;

		for (uint64_t seed = 1; seed <= 200; seed++) {
			rng_state = seed * 0x2545f4914f6cdd1dULL;
			for (size_t i = 0; i < ns[a]; i++)
				v[i] = -100 * log(uniform01());
			stats_modes(v, ns[a], &m);
			wrong += m.n != 1;
		}
		if (wrong > 1)
			fail_msg("n=%zu: %d of 200 exponentials split", ns[a], wrong);
	}
	free(v);
}

/* The edges: too few samples or a value <= 0 is not tested (n = 0);
 * three modes of a third each; a heavy tail under 5% of the samples is not
 * a mode; two tight clusters (one value each, as a coarse timer gives) are
 * two; two populations with a few samples strayed between them (a wake-up
 * delayed by half) are still two. */
static void modes_edges(void **state)
{
	double v[3000];
	struct cp_modes m;

	for (int i = 0; i < 19; i++)
		v[i] = i % 2 ? 1 : 100;
	stats_modes(v, 19, &m);
	assert_int_equal(m.n, 0);
	v[19] = -1;
	stats_modes(v, 20, &m);
	assert_int_equal(m.n, 0);

	rng_state = 42;
	for (int i = 0; i < 3000; i++)
		v[i] = (i % 3 == 0 ? 10 : i % 3 == 1 ? 100 : 1000) * exp(0.05 * normal01());
	stats_modes(v, 3000, &m);
	assert_int_equal(m.n, 3);
	assert_true(fabs(m.p50[0] / 10 - 1) < 0.05 && fabs(m.p50[1] / 100 - 1) < 0.05 &&
		    fabs(m.p50[2] / 1000 - 1) < 0.05);

	for (int i = 0; i < 1000; i++)
		v[i] = i < 970 ? 100 * exp(0.05 * normal01()) : 5000 * exp(0.05 * normal01());
	stats_modes(v, 1000, &m);
	assert_int_equal(m.n, 1);

	for (int i = 0; i < 200; i++)
		v[i] = i < 100 ? 20 * exp(0.2 * normal01()) : i < 197 ? 520 * exp(0.02 * normal01()) : 100 + 100 * i % 400;
	stats_modes(v, 200, &m);
	assert_int_equal(m.n, 2);
	assert_true(fabs(m.p50[1] / 520 - 1) < 0.05);

	for (int i = 0; i < 100; i++)
		v[i] = i < 70 ? 50 : 100;
	stats_modes(v, 100, &m);
	assert_int_equal(m.n, 2);
	assert_true(fabs(m.p50[0] - 50) < 1e-9 && fabs(m.p50[1] - 100) < 1e-9 && fabs(m.weight[0] - 0.7) < 1e-12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_to_hundred),
		cmocka_unit_test(quantile_linear),
		cmocka_unit_test(small),
		cmocka_unit_test(ci_ranks),
		cmocka_unit_test(ci_ranks_large),
		cmocka_unit_test(modes_two),
		cmocka_unit_test(modes_one),
		cmocka_unit_test(modes_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
