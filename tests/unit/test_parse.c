/* test_parse.c: the value syntaxes of src/common/parse.c, good and bad.  Every
 * refusal must be CP_EUSAGE and name the bad value and what is allowed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

/* The message names the value (quoted) and says what is allowed. */
static void refused(int rc, const struct cp_err *e, const char *val, const char *allowed_word)
{
	char q[256];

	assert_int_equal(rc, CP_EUSAGE);
	assert_int_equal(e->code, CP_EUSAGE);
	snprintf(q, sizeof(q), "'%s'", val);
	if (!strstr(e->msg, q))
		fail_msg("message does not name %s: %s", q, e->msg);
	if (!strstr(e->msg, allowed_word))
		fail_msg("message does not say '%s': %s", allowed_word, e->msg);
}

static void cpulist_good(void **state)
{
	struct cpulist l;
	struct cp_err e = { 0 };
	char buf[64];

	assert_int_equal(parse_cpulist("0-3,8,10-11", "cpus", &l, &e), 0);
	assert_int_equal(l.n, 7);
	assert_int_equal(l.cpu[0], 0);
	assert_int_equal(l.cpu[3], 3);
	assert_int_equal(l.cpu[4], 8);
	assert_int_equal(l.cpu[6], 11);
	/* runs of two stay a list: 10,11 (numactl reads both forms) */
	assert_string_equal(cpulist_format(&l, buf, sizeof(buf)), "0-3,8,10,11");
	cpulist_free(&l);
	/* order is kept: agent A is the first CPU */
	assert_int_equal(parse_cpulist("3,1", "cpus", &l, &e), 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.cpu[0], 3);
	assert_int_equal(l.cpu[1], 1);
	assert_string_equal(cpulist_format(&l, buf, sizeof(buf)), "3,1");
	cpulist_free(&l);
	assert_int_equal(parse_cpulist("8191", "cpus", &l, &e), 0);
	assert_int_equal(l.cpu[0], 8191);
	cpulist_free(&l);
	assert_int_equal(parse_cpulist("5-5", "cpus", &l, &e), 0);
	assert_int_equal(l.n, 1);
	cpulist_free(&l);
}

static void cpulist_bad(void **state)
{
	static const char *const bad[] = {
		"3-1", "a", "", "0,,1", ",0", "0,", "1-", "-1", "0-a", "8192",
		"99999999999999999999999", "0 1", "0;1", "+1",
	};
	struct cpulist l = { 0 };
	struct cp_err e = { 0 };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&e, 0, sizeof(e));
		refused(parse_cpulist(bad[i], "cpus", &l, &e), &e, bad[i], "expected a CPU list");
		assert_int_equal(l.n, 0);
		assert_null(l.cpu);
		assert_non_null(strstr(e.msg, "--cpus"));
	}
	/* duplicates are named */
	assert_int_equal(parse_cpulist("0,1,0", "cpus", &l, &e), CP_EUSAGE);
	assert_non_null(strstr(e.msg, "CPU 0 is listed twice"));
	assert_int_equal(parse_cpulist("0-3,2", "cpus", &l, &e), CP_EUSAGE);
	assert_non_null(strstr(e.msg, "CPU 2 is listed twice"));
}

static void cpulist_allowed_check(void **state)
{
	struct cpulist al, l;
	struct cp_err e = { 0 };
	char buf[256];

	assert_int_equal(cpulist_allowed(&al, &e), 0);
	assert_true(al.n >= 1);
	assert_int_equal(cpulist_check_allowed(&al, "cpus", &e), 0);
	cpulist_format(&al, buf, sizeof(buf));
	/* a CPU far beyond this machine */
	assert_int_equal(parse_cpulist("8000", "cpus", &l, &e), 0);
	assert_int_equal(cpulist_check_allowed(&l, "cpus", &e), CP_EUSAGE);
	assert_non_null(strstr(e.msg, "CPU 8000"));
	assert_non_null(strstr(e.msg, buf));
	cpulist_free(&l);
	cpulist_free(&al);
}

static void sizes(void **state)
{
	static const struct { const char *s; uint64_t v; } good[] = {
		{ "4096", 4096 }, { "4K", 4096 }, { "4k", 4096 }, { "64KiB", 65536 },
		{ "1M", 1 << 20 }, { "1G", 1ull << 30 }, { "2T", 2ull << 40 }, { "1", 1 },
	};
	static const char *const bad[] = { "0", "", "4X", "K", "-4K", "4KB2", "1.5M", "99999999999T" };
	struct cp_err e = { 0 };
	uint64_t v, *l;
	size_t n;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(parse_size(good[i].s, "sizes", &v, &e), 0);
		assert_true(v == good[i].v);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		refused(parse_size(bad[i], "sizes", &v, &e), &e, bad[i], "expected a size");

	assert_int_equal(parse_sizes("4K..1M", "sizes", &l, &n, &e), 0);
	assert_int_equal(n, 9); /* 4K 8K 16K 32K 64K 128K 256K 512K 1M */
	assert_true(l[0] == 4096 && l[8] == 1 << 20);
	free(l);
	assert_int_equal(parse_sizes("4K,64K,1M", "sizes", &l, &n, &e), 0);
	assert_int_equal(n, 3);
	assert_true(l[1] == 65536);
	free(l);
	refused(parse_sizes("3K..1M", "sizes", &l, &n, &e), &e, "3K..1M", "powers of two");
	refused(parse_sizes("1M..4K", "sizes", &l, &n, &e), &e, "1M..4K", "powers of two");
	assert_int_equal(parse_sizes("4K,,x", "sizes", &l, &n, &e), CP_EUSAGE);
	assert_null(l);

	{
		char buf[32];

		assert_string_equal(size_format(4096, buf, sizeof(buf)), "4K");
		assert_string_equal(size_format(1 << 20, buf, sizeof(buf)), "1M");
		assert_string_equal(size_format(1000, buf, sizeof(buf)), "1000");
	}
}

static void ranges(void **state)
{
	struct cp_err e = { 0 };
	uint64_t *l;
	size_t n;

	assert_int_equal(parse_u64_range("1..8", "agents", 1, 64, &l, &n, &e), 0);
	assert_int_equal(n, 8);
	assert_true(l[0] == 1 && l[7] == 8);
	free(l);
	assert_int_equal(parse_u64_range("1,2,4", "agents", 1, 64, &l, &n, &e), 0);
	assert_int_equal(n, 3);
	assert_true(l[2] == 4);
	free(l);
	assert_int_equal(parse_u64_range("4", "agents", 1, 64, &l, &n, &e), 0);
	assert_int_equal(n, 1);
	free(l);
	refused(parse_u64_range("8..1", "agents", 1, 64, &l, &n, &e), &e, "8..1", "from 1 to 64");
	refused(parse_u64_range("0..4", "agents", 1, 64, &l, &n, &e), &e, "0..4", "from 1 to 64");
	refused(parse_u64_range("1..65", "agents", 1, 64, &l, &n, &e), &e, "1..65", "from 1 to 64");
	refused(parse_u64_range("", "agents", 1, 64, &l, &n, &e), &e, "", "from 1 to 64");
	refused(parse_u64_range("a", "agents", 1, 64, &l, &n, &e), &e, "a", "from 1 to 64");
	refused(parse_u64_range("1..", "agents", 1, 64, &l, &n, &e), &e, "1..", "from 1 to 64");
}

static void durations(void **state)
{
	static const struct { const char *s; double v; } good[] = {
		{ "90", 90 }, { "30s", 30 }, { "10m", 600 }, { "2h", 7200 }, { "1.5m", 90 },
	};
	static const char *const bad[] = { "", "x", "10d", "-5", "5 m", "1e9h", "nan", "inf" };
	struct cp_err e = { 0 };
	double v;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(parse_duration(good[i].s, "budget", 1, 86400, &v, &e), 0);
		assert_true(v == good[i].v);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		refused(parse_duration(bad[i], "budget", 1, 86400, &v, &e), &e, bad[i], "expected a duration");
	refused(parse_duration("0.5", "budget", 1, 86400, &v, &e), &e, "0.5", "from 1s");
}

static void u64(void **state)
{
	static const char *const bad[] = {
		"-5", "0", "", " 5", "5 ", "5x", "+5", "0x10", "1e3", "18446744073709551616", "101",
	};
	struct cp_err e = { 0 };
	uint64_t v;
	double d;

	assert_int_equal(parse_u64("1", "samples", 1, 100, &v, &e), 0);
	assert_true(v == 1);
	assert_int_equal(parse_u64("100", "samples", 1, 100, &v, &e), 0);
	assert_true(v == 100);
	assert_int_equal(parse_u64("0", "warmup", 0, 100, &v, &e), 0);
	assert_true(v == 0);
	assert_int_equal(parse_u64("18446744073709551615", "iters", 0, UINT64_MAX, &v, &e), 0);
	assert_true(v == UINT64_MAX);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		refused(parse_u64(bad[i], "samples", 1, 100, &v, &e), &e, bad[i], "from 1 to 100");

	assert_int_equal(parse_double("2.5", "target-ci", 0.001, 100, &d, &e), 0);
	assert_true(d == 2.5);
	refused(parse_double("0", "target-ci", 0.001, 100, &d, &e), &e, "0", "expected a number");
	refused(parse_double("nan", "target-ci", 0.001, 100, &d, &e), &e, "nan", "expected a number");
	refused(parse_double("1%", "target-ci", 0.001, 100, &d, &e), &e, "1%", "expected a number");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cpulist_good),
		cmocka_unit_test(cpulist_bad),
		cmocka_unit_test(cpulist_allowed_check),
		cmocka_unit_test(sizes),
		cmocka_unit_test(ranges),
		cmocka_unit_test(durations),
		cmocka_unit_test(u64),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
