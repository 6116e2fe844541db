/* test_karms.c: designs of k arms (arms_runs_measure_k) on synthetic
 * blocks from a seeded generator, and the Williams order of their rounds.
 *
 * The simulated machine: per sample lognormal noise (sd 5%) and a 2%
 * chance of a 3x outlier; per block a drift (sd 3%); and a slow linear
 * drift over the run (+20% from the first block to the last), which the
 * order of the rounds must not charge to one arm.  Four arms, the first
 * the baseline: a true 10% difference in arm 3 must be found `slower` in
 * at least 95 of 100 runs, and an arm identical to the baseline claimed
 * different (slower or faster) in at most 5 of 200 runs per comparison.
 * Several comparisons at once: each interval is at 1 - 0.05 / (k - 1)
 * (Bonferroni), so that the three hold together at >= 95%: a run in which
 * any identical arm claims a difference is counted too (at most 10 of 200:
 * twice the family's 5%, room for the generator's luck). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arms.h"
#include "seeded.h"
#include "verdict.h"

#define KARMS 4

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static double uniform(void)
{
	return seeded_uniform(&rng);
}

static double normal(void)
{
	return seeded_normal(&rng);
}

struct sim {
	double effect[ARMS_MAX];
	uint64_t blocks, total;     /* blocks so far; of the whole run (for the linear drift) */
	int order[512];             /* the arms in the order they ran */
};

static int sim_block(void *arg, int arm, const struct sampler_req *req, double *v, struct arms_block_out *out,
		     struct cp_err *e)
{
	struct sim *s = arg;
	double trend = 1 + 0.2 * (double)s->blocks / (double)s->total, drift = exp(0.03 * normal());

	(void)e;
	if (s->blocks < CP_ARRAY_SIZE(s->order))
		s->order[s->blocks] = arm;
	s->blocks++;
	for (uint64_t i = 0; i < req->samples; i++)
		v[i] = 100 * s->effect[arm] * trend * drift * exp(0.05 * normal()) * (uniform() < 0.02 ? 3 : 1);
	out->iters = 1000;
	out->sample_ns = 1000;
	return 0;
}

/* One run of the default design (20 rounds of 4 arms). */
static void run(struct sim *s, struct arms_runs *a)
{
	const struct sampler_req req = { .samples = 200, .warmup = 3 };
	const struct arms_design d = { .k = KARMS, .ref = 0, .margin_pct = VERDICT_MARGIN_PCT };
	struct cp_err e = { 0 };

	s->blocks = 0;
	s->total = arms_rounds(KARMS, req.samples) * KARMS;
	assert_int_equal(arms_runs_measure_k(&req, &d, sim_block, s, a, &e), 0);
	assert_int_equal(a->pairs, arms_rounds(KARMS, req.samples));
	assert_int_equal(a->pairs % arms_square_rows(KARMS), 0);
}

static int claims(enum verdict v)
{
	return v == VERDICT_slower || v == VERDICT_faster;
}

static void power_one_of_four(void **state)
{
	struct sim s = { .effect = { 1, 1, 1.10, 1 } };
	int found = 0;

	(void)state;
	for (int i = 0; i < 100; i++) {
		struct arms_runs a;

		run(&s, &a);
		found += a.verdict[2].v == VERDICT_slower;
		assert_true(fabs(a.verdict[2].conf - (1 - 0.05 / 3)) < 1e-12);
		arms_runs_free(&a);
	}
	print_message("arm 3 of 4, 10%% slower: found slower in %d of 100\n", found);
	assert_true(found >= 95);
}

static void identical_four(void **state)
{
	struct sim s = { .effect = { 1, 1, 1, 1 } };
	int per[KARMS] = { 0 }, any = 0;

	(void)state;
	for (int i = 0; i < 200; i++) {
		struct arms_runs a;
		int some = 0;

		run(&s, &a);
		for (int x = 1; x < KARMS; x++) {
			per[x] += claims(a.verdict[x].v);
			some |= claims(a.verdict[x].v);
		}
		any += some;
		arms_runs_free(&a);
	}
	print_message("identical arms: claims per comparison %d, %d, %d of 200; runs with any claim %d\n", per[1],
		      per[2], per[3], any);
	for (int x = 1; x < KARMS; x++)
		assert_true(per[x] <= 5);
	assert_true(any <= 10);
}

/* Every k: each round runs every arm once; over a square every arm takes
 * every place equally often and follows every other arm equally often. */
static void williams(void **state)
{
	(void)state;
	for (unsigned k = 2; k <= ARMS_MAX; k++) {
		unsigned rows = arms_square_rows(k), place[ARMS_MAX][ARMS_MAX] = { { 0 } };
		unsigned follows[ARMS_MAX][ARMS_MAX] = { { 0 } };

		assert_int_equal(rows, k % 2 ? 2 * k : k);
		for (unsigned r = 0; r < rows; r++) {
			unsigned seen = 0;

			for (unsigned j = 0; j < k; j++) {
				unsigned x = arms_order(k, r, j);

				assert_true(x < k);
				seen |= 1u << x;
				place[x][j]++;
				if (j)
					follows[arms_order(k, r, j - 1)][x]++;
			}
			assert_int_equal(seen, (1u << k) - 1);
			/* the square repeats */
			for (unsigned j = 0; j < k; j++)
				assert_int_equal(arms_order(k, r + rows, j), arms_order(k, r, j));
		}
		for (unsigned x = 0; x < k; x++)
			for (unsigned y = 0; y < k; y++) {
				assert_int_equal(place[x][y], rows / k);
				if (x != y)
					assert_int_equal(follows[x][y], rows / k);
			}
	}
}

/* The blocks run in the square's order, round after round; two arms are
 * ABBA. */
static void runs_in_order(void **state)
{
	struct sim s = { .effect = { 1, 1, 1, 1 } };
	struct arms_runs a;

	(void)state;
	run(&s, &a);
	for (uint64_t b = 0; b < a.pairs * KARMS; b++)
		assert_int_equal(s.order[b], arms_order(KARMS, b / KARMS, (unsigned)(b % KARMS)));
	arms_runs_free(&a);
	assert_int_equal(arms_order(2, 0, 0), 0);
	assert_int_equal(arms_order(2, 1, 0), 1);
	assert_int_equal(arms_rounds(2, 200), ARMS_MIN_PAIRS);
	assert_int_equal(arms_rounds(3, 200) % 6, 0);
}

/* A design outside 2 .. ARMS_MAX arms, or a baseline outside it, is refused. */
static void bad_design(void **state)
{
	const struct sampler_req req = { .samples = 20 };
	struct arms_design d = { .k = ARMS_MAX + 1, .ref = 0, .margin_pct = 5 };
	struct sim s = { .effect = { 1, 1 } };
	struct arms_runs a;
	struct cp_err e = { 0 };

	(void)state;
	assert_int_equal(arms_runs_measure_k(&req, &d, sim_block, &s, &a, &e), CP_EUSAGE);
	d.k = 2;
	d.ref = 2;
	assert_int_equal(arms_runs_measure_k(&req, &d, sim_block, &s, &a, &e), CP_EUSAGE);
	arms_runs_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(williams),       cmocka_unit_test(runs_in_order), cmocka_unit_test(bad_design),
		cmocka_unit_test(power_one_of_four), cmocka_unit_test(identical_four),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
