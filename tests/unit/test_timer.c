/* test_timer.c: the timer's choice, calibration and overhead, and that a
 * busy-wait it measures agrees with CLOCK_MONOTONIC_RAW. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <sched.h>
#include <string.h>

#include "timer.h"

/* 20 ms busy-wait on the clock, measured by t in ns. */
static double busy_20ms(const struct cp_timer *t, double *clock_ns)
{
	uint64_t c0 = cp_clock_ns(), a = timer_begin(t), b, c1;

	do
		c1 = cp_clock_ns();
	while (c1 - c0 < 20000000);
	b = timer_end(t);
	c1 = cp_clock_ns();
	*clock_ns = (double)(c1 - c0);
	return timer_ns(t, b - a);
}

static void check_timer(const struct cp_timer *t)
{
	double clk, ns;

	assert_true(t->ticks_per_ns > 0 && isfinite(t->ticks_per_ns));
	assert_true(fabs(t->freq_hz - t->ticks_per_ns * 1e9) < 1e-3 * t->freq_hz);
	assert_true(t->resolution_ns > 0 && t->resolution_ns < 1e6);
	assert_true(t->overhead_ns >= 0 && t->overhead_ns < 1e5);
	/* a preemption between the adjacent clock and timer reads skews one
	 * try; a calibration off by 2% fails all five */
	for (int i = 0; i < 5; i++) {
		ns = busy_20ms(t, &clk);
		if (fabs(ns - clk) <= 0.02 * clk)
			break;
	}
	assert_true(fabs(ns - clk) <= 0.02 * clk);
}

static void auto_timer(void **state)
{
	struct cp_timer t;
	struct cp_err e = { 0 };

	assert_int_equal(cp_timer_init(&t, NULL, &e), 0);
	assert_non_null(t.name);
	if (t.kind == TIMER_TSC) {
		/* 100 MHz .. 10 GHz covers every invariant TSC there is */
		assert_true(t.ticks_per_ns >= 0.1 && t.ticks_per_ns <= 10);
		assert_true(t.has_cycles);
		assert_true(t.overhead_ns > 0);
		assert_string_equal(t.warning, "");
	} else if (t.kind == TIMER_CLOCK) {
		assert_true(t.ticks_per_ns == 1 && !t.has_cycles);
	}
	check_timer(&t);
}

static void clock_timer(void **state)
{
	struct cp_timer t;
	struct cp_err e = { 0 };

	assert_int_equal(cp_timer_init(&t, "clock", &e), 0);
	assert_int_equal(t.kind, TIMER_CLOCK);
	assert_string_equal(t.name, "clock_monotonic_raw");
	check_timer(&t);
}

static void bad_choice(void **state)
{
	struct cp_timer t;
	struct cp_err e = { 0 };

	assert_int_equal(cp_timer_init(&t, "rdtsc", &e), CP_EUSAGE);
	assert_non_null(strstr(e.msg, "'rdtsc'"));
	assert_non_null(strstr(e.msg, "auto|tsc|cntvct|clock"));
}

/* The counter of the other architecture is not available: exit 3. */
static void other_arch(void **state)
{
	struct cp_timer t;
	struct cp_err e = { 0 };
#if defined(__x86_64__)
	const char *other = "cntvct";
#else
	const char *other = "tsc";
#endif

	assert_int_equal(cp_timer_init(&t, other, &e), CP_EUNAVAIL);
	assert_non_null(strstr(e.msg, "not available on this machine"));
	assert_non_null(strstr(e.msg, other));
}

/* Explicit tsc: either it works (invariant, monotonic) or exit 3, never a
 * silent fallback to the clock. */
static void explicit_tsc(void **state)
{
#if defined(__x86_64__)
	struct cp_timer t;
	struct cp_err e = { 0 };
	int rc = cp_timer_init(&t, "tsc", &e);

	if (rc == 0)
		assert_int_equal(t.kind, TIMER_TSC);
	else
		assert_int_equal(rc, CP_EUNAVAIL);
#endif
}

static void flags(void **state)
{
	assert_true(cp_timer_flags_invariant("flags\t\t: fpu tsc constant_tsc rep_good nonstop_tsc cpuid\n"));
	assert_true(cp_timer_flags_invariant("flags : nonstop_tsc constant_tsc"));
	assert_false(cp_timer_flags_invariant("flags : fpu tsc constant_tsc rep_good\n"));
	assert_false(cp_timer_flags_invariant("flags : nonstop_tsc\n"));
	assert_false(cp_timer_flags_invariant("flags : xconstant_tsc nonstop_tsc\n"));
	assert_false(cp_timer_flags_invariant("flags : constant_tsc2 nonstop_tsc\n"));
	assert_false(cp_timer_flags_invariant(""));
}

/* A clock that runs 1 ms ahead on the first allowed CPU: every stamp that
 * CPU hands to another is later than the receiver's own. */
static int ahead_cpu = -1;

static uint64_t skewed(void)
{
	return cp_clock_ns() + (sched_getcpu() == ahead_cpu ? 1000000 : 0);
}

static int first_two_allowed(int *a, int *b)
{
	cpu_set_t set;
	int n = 0;

	if (sched_getaffinity(0, sizeof(set), &set))
		return 0;
	for (int c = 0; c < CPU_SETSIZE && n < 2; c++)
		if (CPU_ISSET(c, &set))
			*(n++ ? b : a) = c;
	return n == 2;
}

static void monotonic_check(void **state)
{
	char why[256] = "";
	int a, b;

	if (!first_two_allowed(&a, &b))
		skip(); /* one CPU: nothing to hand over */
	/* the real clock passes ... */
	assert_int_equal(cp_timer_check_monotonic(cp_clock_ns, why, sizeof(why)), 0);
	/* ... a skewed one is caught, naming both CPUs */
	ahead_cpu = a;
	assert_int_equal(cp_timer_check_monotonic(skewed, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "goes backwards"));
	{
		char cpus[64];

		snprintf(cpus, sizeof(cpus), "CPU %d and CPU %d", a, b);
		assert_non_null(strstr(why, cpus));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(auto_timer),
		cmocka_unit_test(clock_timer),
		cmocka_unit_test(bad_choice),
		cmocka_unit_test(other_arch),
		cmocka_unit_test(explicit_tsc),
		cmocka_unit_test(flags),
		cmocka_unit_test(monotonic_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
