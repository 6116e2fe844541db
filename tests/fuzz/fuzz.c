/* fuzz.c: libFuzzer targets for the parsers of user input (targets.def).
 * Built once per target with -DFUZZ_NAME=<name>; each target checks a
 * property beyond "no crash" where one exists (a CPU list formats and
 * parses back to itself, a range ascends, picked names are distinct), and
 * abort()s when it does not hold. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csvread.h"
#include "names.h"
#include "parse.h"
#include "suite.h"

static __attribute__((unused)) void fuzz_cpulist(const char *s)
{
	struct cpulist l = { 0 }, back = { 0 };
	struct cp_err e = { 0 };
	char buf[65536];

	if (parse_cpulist(s, "cpus", &l, &e))
		return;
	cpulist_format(&l, buf, sizeof(buf));
	/* the formatted list keeps the order given only when it ascends */
	if (strlen(buf) < sizeof(buf) - 1 && !parse_cpulist(buf, "cpus", &back, &e)) {
		if (back.n != l.n)
			abort();
	}
	cpulist_free(&back);
	cpulist_free(&l);
}

static __attribute__((unused)) void fuzz_sizes(const char *s)
{
	struct cp_err e = { 0 };
	uint64_t *v = NULL;
	size_t n = 0;

	if (parse_sizes(s, "sizes", &v, &n, &e))
		return;
	if (!n)
		abort();
	for (size_t i = 0; i < n; i++)
		if (!v[i])
			abort();
	free(v);
}

static __attribute__((unused)) void fuzz_duration(const char *s)
{
	struct cp_err e = { 0 };
	double d = -1;

	if (parse_duration(s, "budget", 1, 604800, &d, &e))
		return;
	if (!isfinite(d) || d < 1 || d > 604800)
		abort();
}

static __attribute__((unused)) void fuzz_range(const char *s)
{
	struct cp_err e = { 0 };
	uint64_t *v = NULL;
	size_t n = 0;

	if (parse_u64_range(s, "agents", 1, 4096, &v, &n, &e))
		return;
	if (!n)
		abort();
	for (size_t i = 0; i < n; i++)
		if (v[i] < 1 || v[i] > 4096)
			abort();
	free(v);
}

static __attribute__((unused)) void fuzz_names(const char *s)
{
	struct cp_err e = { 0 };
	int idx[8], n = 0;

	if (name_pick_list(s, "op", "load-store|cas|faa|xchg", idx, 8, &n, &e))
		return;
	for (int i = 0; i < n; i++) {
		if (idx[i] < 0 || idx[i] > 3)
			abort();
		for (int j = 0; j < i; j++)
			if (idx[i] == idx[j])
				abort();
	}
}

static __attribute__((unused)) void fuzz_plan(const char *s)
{
	struct sweep_plan p;
	struct cp_err e = { 0 };

	/* strict (as --plan reads) and lenient (as --resume reads plan.txt) */
	for (int lenient = 0; lenient < 2; lenient++)
		if (!plan_parse(s, "fuzz.plan", lenient, &p, &e)) {
			for (int i = 0; i < p.n; i++)
				if (!p.cell[i].line || p.cell[i].argc < 1)
					abort();
			sweep_plan_free(&p);
		}
}

static __attribute__((unused)) void fuzz_csv(const char *s)
{
	struct csv c;
	struct cp_err e = { 0 };
	size_t total = 0;

	if (csv_parse(s, "fuzz.csv", &c, &e))
		return;
	for (size_t i = 0; i < c.nrow; i++)
		for (size_t j = 0; j < c.ncol; j++)
			total += strlen(csv_get(&c, i, (int)j));
	if (total > strlen(s))
		abort();
	csv_free(&c);
}

#define FUZZ_FN2(name) fuzz_##name
#define FUZZ_FN(name) FUZZ_FN2(name)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0; /* the parsers take C strings: a NUL ends the input */
	FUZZ_FN(FUZZ_NAME)(s);
	free(s);
	return 0;
}
