/* test_stats.c: quantiles, moments and the median CI against values worked
 * out by hand (and, for the binomial ranks, against the classic tables and
 * the normal approximation). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_to_hundred),
		cmocka_unit_test(quantile_linear),
		cmocka_unit_test(small),
		cmocka_unit_test(ci_ranks),
		cmocka_unit_test(ci_ranks_large),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
