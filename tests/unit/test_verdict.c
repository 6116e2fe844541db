/* test_verdict.c: the comparison of interleaved arms on synthetic samples
 * from a seeded generator: block drift shared by the two blocks of a pair
 * plus noise within blocks.  At the default settings (20 block pairs of 10
 * samples, 5% margin) a true 10% difference must be found `slower` in at
 * least 95 of 100 simulations, and identical arms called `slower` or
 * `faster` in at most 5 of 200.  Also the decision rule at its edges and
 * the ABBA order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "arms.h"
#include "seeded.h"
#include "verdict.h"

#define PAIRS ARMS_MIN_PAIRS
#define K ARMS_BLOCK

static uint64_t rng = 88172645463325252ull;

static double uniform(void)
{
	return seeded_uniform(&rng);
}

static double normal(void)
{
	return seeded_normal(&rng);
}

/* One simulated run: arm b is `effect` times arm a; per block a drift
 * (sd 3%), per sample lognormal noise (sd 5%) and a 2% chance of a 3x
 * outlier (an interrupt).  *covers: the interval holds the true ratio. */
static enum verdict simulate_cov(double effect, int *covers)
{
	double a[PAIRS * K], b[PAIRS * K];
	struct cp_verdict v;

	for (int p = 0; p < PAIRS; p++) {
		double drift_a = exp(0.03 * normal()), drift_b = exp(0.03 * normal());

		for (int i = 0; i < K; i++) {
			a[p * K + i] = 100 * drift_a * exp(0.05 * normal()) * (uniform() < 0.02 ? 3 : 1);
			b[p * K + i] = 100 * effect * drift_b * exp(0.05 * normal()) * (uniform() < 0.02 ? 3 : 1);
		}
	}
	assert_int_equal(verdict_from_blocks(a, b, PAIRS, K, VERDICT_MARGIN_PCT, &v), 0);
	assert_int_equal(v.pairs, PAIRS);
	assert_true(v.lo <= v.est && v.est <= v.hi);
	*covers = v.lo <= effect && effect <= v.hi;
	return v.v;
}

static enum verdict simulate(double effect)
{
	int covers;

	return simulate_cov(effect, &covers);
}

/* The interval carries the drift between blocks: it holds the true ratio
 * in about 95% of runs (at least 90 of 100 here), for a difference and
 * without one. */
static void coverage(void **state)
{
	const double effect[] = { 1.0, 1.10 };

	(void)state;
	for (int k = 0; k < 2; k++) {
		int n = 0, c;

		for (int i = 0; i < 100; i++) {
			simulate_cov(effect[k], &c);
			n += c;
		}
		print_message("true ratio %.2f inside the interval in %d of 100\n", effect[k], n);
		assert_true(n >= 90);
	}
}

static void power_10pct(void **state)
{
	int slower = 0;

	(void)state;
	for (int i = 0; i < 100; i++)
		slower += simulate(1.10) == VERDICT_slower;
	print_message("10%% slower found slower in %d of 100\n", slower);
	assert_true(slower >= 95);
}

static void faster_10pct(void **state)
{
	int faster = 0;

	(void)state;
	for (int i = 0; i < 100; i++)
		faster += simulate(1 / 1.10) == VERDICT_faster;
	assert_true(faster >= 95);
}

static void identical_arms(void **state)
{
	int claims = 0, equiv = 0;

	(void)state;
	for (int i = 0; i < 200; i++) {
		enum verdict v = simulate(1.0);

		claims += v == VERDICT_slower || v == VERDICT_faster;
		equiv += v == VERDICT_equivalent;
	}
	print_message("identical arms: %d of 200 claimed a difference, %d equivalent\n", claims, equiv);
	assert_true(claims <= 5);
	assert_true(equiv >= 150);
}

static void decide_edges(void **state)
{
	(void)state;
	assert_int_equal(verdict_decide(1.0, 0.96, 1.04, 5), VERDICT_equivalent);
	assert_int_equal(verdict_decide(1.0, 1 / 1.05, 1.05, 5), VERDICT_equivalent);
	assert_int_equal(verdict_decide(1.0, 0.94, 1.04, 5), VERDICT_inconclusive);
	assert_int_equal(verdict_decide(1.10, 1.06, 1.14, 5), VERDICT_slower);
	/* excludes 1 but the estimate lies inside the margin */
	assert_int_equal(verdict_decide(1.04, 1.01, 1.07, 5), VERDICT_inconclusive);
	assert_int_equal(verdict_decide(0.90, 0.86, 0.95, 5), VERDICT_faster);
	assert_int_equal(verdict_decide(1.10, 0.98, 1.2, 5), VERDICT_inconclusive);
	assert_int_equal(verdict_decide(1.0, NAN, NAN, 5), VERDICT_inconclusive);
	assert_string_equal(verdict_name(VERDICT_equivalent), "equivalent");
	assert_string_equal(verdict_name(VERDICT_inconclusive), "inconclusive");
}

/* Too few pairs for an interval: inconclusive, and it says how many more. */
static void few_pairs(void **state)
{
	double a[4 * K], b[4 * K];
	struct cp_verdict v;

	(void)state;
	for (int i = 0; i < 4 * K; i++)
		a[i] = b[i] = 100 + i % 7;
	assert_int_equal(verdict_from_blocks(a, b, 4, K, 5, &v), 0);
	assert_int_equal(v.v, VERDICT_inconclusive);
	assert_int_equal(v.more, 2);
	assert_int_equal(verdict_from_blocks(a, b, 0, K, 5, &v), -1);
}

/* The ratio of each pair is median(b block) / median(a block). */
static void block_ratios(void **state)
{
	double a[2 * 3] = { 1, 2, 3, 10, 20, 30 }, b[2 * 3] = { 4, 4, 4, 5, 50, 5 }, r[2];

	(void)state;
	verdict_ratios(a, b, 2, 3, r);
	assert_true(fabs(r[0] - 2.0) < 1e-12);
	assert_true(fabs(r[1] - 0.25) < 1e-12);
}

/* ABBA: A B | B A | A B | B A ... */
static void abba(void **state)
{
	const unsigned want[8] = { 0, 1, 1, 0, 0, 1, 1, 0 };

	(void)state;
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(arms_order(2, i / 2, i % 2), want[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(power_10pct),  cmocka_unit_test(faster_10pct), cmocka_unit_test(identical_arms),
		cmocka_unit_test(decide_edges), cmocka_unit_test(few_pairs),    cmocka_unit_test(block_ratios),
		cmocka_unit_test(abba),         cmocka_unit_test(coverage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
