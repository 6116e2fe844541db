/* test_matrix_par.c: the matrix's disjoint pairs at once (matrix_par.c):
 * over random CPU sets, random pending subsets and random N, every pending
 * pair is dealt exactly once, no group holds a CPU twice or more than N
 * pairs; the whole matrix of 384 CPUs at 192 at once takes about n - 1
 * groups; --parallel's values and their errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "matrix_int.h"

static uint64_t lcg(uint64_t *x)
{
	*x = *x * 6364136223846793005ull + 1442695040888963407ull;
	return *x >> 33;
}

/* m over ncpu CPUs (OS numbers cpu[]), every pair a < b, shuffled. */
static void all_pairs(struct mx *m, const int *cpu, int ncpu, uint64_t *seed)
{
	uint64_t n = 0;

	memset(m, 0, sizeof(*m));
	m->cpu = cpu;
	m->ncpu = ncpu;
	m->npairs = (uint64_t)ncpu * (uint64_t)(ncpu - 1) / 2;
	m->pair = calloc(m->npairs, sizeof(*m->pair));
	for (int a = 0; a < ncpu; a++)
		for (int b = a + 1; b < ncpu; b++) {
			m->pair[n][0] = cpu[a];
			m->pair[n++][1] = cpu[b];
		}
	for (uint64_t i = n; i > 1; i--) {
		uint64_t j = lcg(seed) % i;
		int t0 = m->pair[i - 1][0], t1 = m->pair[i - 1][1];

		m->pair[i - 1][0] = m->pair[j][0];
		m->pair[i - 1][1] = m->pair[j][1];
		m->pair[j][0] = t0;
		m->pair[j][1] = t1;
	}
}

/* The deal of pend[0..np) at par: each pending pair once, groups of 1..par
 * pairs, no CPU twice in one.  Returns the number of groups. */
static uint64_t check_deal(const struct mx *m, const uint64_t *pend, uint64_t np, int par)
{
	uint64_t *order = calloc(np + 1, sizeof(uint64_t)), *start = NULL, ng;
	char *seen = calloc(m->npairs + 1, 1), *used = calloc(4096, 1);

	ng = mx_groups(m, pend, np, par, order, &start);
	assert_int_equal(start[0], 0);
	assert_int_equal(start[ng], np);
	for (uint64_t g = 0; g < ng; g++) {
		assert_true(start[g + 1] > start[g]);
		assert_true(start[g + 1] - start[g] <= (uint64_t)par);
		memset(used, 0, 4096);
		for (uint64_t i = start[g]; i < start[g + 1]; i++) {
			const int *p = m->pair[order[i]];

			assert_false(seen[order[i]]);
			seen[order[i]] = 1;
			assert_false(used[p[0]] || used[p[1]]);
			used[p[0]] = used[p[1]] = 1;
		}
	}
	for (uint64_t j = 0; j < np; j++)
		assert_true(seen[pend[j]]);
	free(order);
	free(start);
	free(seen);
	free(used);
	return ng;
}

static void random_sets(void **state)
{
	uint64_t seed = 0x9E3779B97F4A7C15ull;

	(void)state;
	for (int trial = 0; trial < 300; trial++) {
		int ncpu = 2 + (int)(lcg(&seed) % 39), cpu[64], par;
		char taken[4096] = { 0 };
		struct mx m;
		uint64_t *pend, np = 0;

		for (int i = 0; i < ncpu; i++) {
			int c;

			do
				c = (int)(lcg(&seed) % 4000);
			while (taken[c]);
			taken[c] = 1;
			cpu[i] = c;
		}
		all_pairs(&m, cpu, ncpu, &seed);
		/* a resumed run: about a third of the pairs done already */
		pend = calloc(m.npairs, sizeof(uint64_t));
		for (uint64_t p = 0; p < m.npairs; p++)
			if (lcg(&seed) % 3)
				pend[np++] = p;
		par = 1 + (int)(lcg(&seed) % (uint64_t)(ncpu / 2));
		check_deal(&m, pend, np, par);
		free(pend);
		free(m.pair);
	}
}

static void whole_matrix(void **state)
{
	static int cpu[384];
	uint64_t seed = 1, *pend, ng;
	struct mx m;

	(void)state;
	for (int i = 0; i < 384; i++)
		cpu[i] = i;
	all_pairs(&m, cpu, 384, &seed);
	pend = calloc(m.npairs, sizeof(uint64_t));
	for (uint64_t p = 0; p < m.npairs; p++)
		pend[p] = p;
	ng = check_deal(&m, pend, m.npairs, 192);
	/* a perfect deal is 383 rounds of 192; the greedy one stays near it */
	assert_true(ng >= 383 && ng <= 383 * 3 / 2);
	free(pend);
	free(m.pair);
}

static void parse(void **state)
{
	struct cp_err e = { 0 };
	int par, autom;

	(void)state;
	assert_int_equal(mx_parallel_parse(NULL, 8, &par, &autom, &e), 0);
	assert_int_equal(par, 1);
	assert_int_equal(mx_parallel_parse("auto", 384, &par, &autom, &e), 0);
	assert_int_equal(par, 192);
	assert_int_equal(autom, 1);
	assert_int_equal(mx_parallel_parse("4", 8, &par, &autom, &e), 0);
	assert_int_equal(par, 4);
	assert_int_equal(autom, 0);
	assert_int_equal(mx_parallel_parse("5", 8, &par, &autom, &e), CP_EUSAGE);
	assert_non_null(strstr(e.msg, "--parallel 5: allowed: auto, or a number of pairs from 1 to 4"));
	assert_int_equal(mx_parallel_parse("0", 8, &par, &autom, &e), CP_EUSAGE);
	assert_int_equal(mx_parallel_parse("2x", 8, &par, &autom, &e), CP_EUSAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(random_sets),
		cmocka_unit_test(whole_matrix),
		cmocka_unit_test(parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
