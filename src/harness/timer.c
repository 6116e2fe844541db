/* timer.c: choose, check and calibrate the timer (see timer.h).
 *
 * The counter is only trusted after three checks: the CPU says it is
 * invariant (x86: constant_tsc + nonstop_tsc), its rate agrees with
 * CLOCK_MONOTONIC_RAW (calibration, median of several windows), and a stamp
 * handed from one CPU to another is never later than the receiver's own
 * stamp (otherwise a cross-CPU round trip could come out negative). */
#include "timer.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

#define CAL_WINDOWS   7          /* median of these ... */
#define CAL_WINDOW_NS 5000000ull /* ... 5 ms windows: ~35 ms in all */
#define XCPU_MAX      32         /* CPUs sampled by the cross-CPU check */
#define XCPU_HANDOFFS 300        /* stamps each way per CPU pair */
#define XCPU_LIMIT_NS 2000000000ull /* a partner silent this long: give up */
#define OVH_PAIRS     2001

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int cp_timer_flags_invariant(const char *flags)
{
	static const char *const need[] = { "constant_tsc", "nonstop_tsc" };

	for (size_t i = 0; i < CP_ARRAY_SIZE(need); i++) {
		size_t l = strlen(need[i]);
		const char *p = flags;
		int found = 0;

		/* whole words only: "constant_tsc" must not match "xconstant_tsc2" */
		while (!found && (p = strstr(p, need[i]))) {
			int start = p == flags || p[-1] == ' ' || p[-1] == '\t' || p[-1] == ':';
			int end = p[l] == 0 || p[l] == ' ' || p[l] == '\n' || p[l] == '\t';

			found = start && end;
			p += l;
		}
		if (!found)
			return 0;
	}
	return 1;
}

#if defined(__x86_64__)
/* The first "flags" line of /proc/cpuinfo says whether the TSC is invariant. */
static int tsc_invariant(char *why, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[8192];
	int ok = 0, seen = 0;

	if (!f) {
		snprintf(why, len, "cannot read /proc/cpuinfo: %s", strerror(errno));
		return 0;
	}
	while (!seen && fgets(line, sizeof(line), f))
		if (!strncmp(line, "flags", 5)) {
			seen = 1;
			ok = cp_timer_flags_invariant(line);
		}
	fclose(f);
	if (!ok)
		snprintf(why, len, "the TSC is not invariant (/proc/cpuinfo flags lack "
			 "constant_tsc and/or nonstop_tsc)");
	return ok;
}

/* Ticks per ns against CLOCK_MONOTONIC_RAW: busy-wait windows (a sleep
 * would let the CPU idle and migrate), median of the windows' rates. */
static double tsc_calibrate(void)
{
	double rate[CAL_WINDOWS];

	for (int w = 0; w < CAL_WINDOWS; w++) {
		uint64_t c0 = cp_clock_ns(), t0 = cp_tsc_begin(), c1, t1;

		do
			c1 = cp_clock_ns();
		while (c1 - c0 < CAL_WINDOW_NS);
		t1 = cp_tsc_end();
		c1 = cp_clock_ns();
		rate[w] = (double)(t1 - t0) / (double)(c1 - c0);
	}
	return median(rate, CAL_WINDOWS);
}
#endif

/* ---- cross-CPU check: a stamp must never be later than the receiver's ---- */

struct xcpu {
	_Atomic uint64_t turn CP_PADDED;  /* odd: A sent, even: B answered */
	_Atomic uint64_t sent CP_PADDED;  /* the sender's stamp */
	uint64_t (*stamp)(void);
	int cpu[2];
	int64_t worst[2];                 /* per side: most negative receiver - sender */
	_Atomic int failed;               /* could not pin, or partner silent */
};

static int pin_self(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

/* Wait until turn == want; 0 on time, -1 when the partner went silent. */
static int xcpu_wait(struct xcpu *x, uint64_t want)
{
	uint64_t t0 = cp_clock_ns();
	unsigned spins = 0;

	while (atomic_load_explicit(&x->turn, memory_order_acquire) != want)
		if (++spins % 4096 == 0 && cp_clock_ns() - t0 > XCPU_LIMIT_NS)
			return -1;
	return 0;
}

static void *xcpu_side(void *arg, int side)
{
	struct xcpu *x = arg;

	if (pin_self(x->cpu[side])) {
		x->failed = 1;
		atomic_store(&x->turn, UINT64_MAX); /* release the partner */
		return NULL;
	}
	for (uint64_t i = 0; i < XCPU_HANDOFFS; i++) {
		uint64_t my_turn = 2 * i + (uint64_t)side; /* A receives on even, B on odd */

		if (my_turn && xcpu_wait(x, my_turn)) {
			x->failed = 1;
			return NULL;
		}
		if (my_turn) {
			uint64_t now = x->stamp();
			int64_t d = (int64_t)(now - atomic_load_explicit(&x->sent, memory_order_relaxed));

			if (d < x->worst[side])
				x->worst[side] = d;
		}
		atomic_store_explicit(&x->sent, x->stamp(), memory_order_relaxed);
		atomic_store_explicit(&x->turn, my_turn + 1, memory_order_release);
	}
	return NULL;
}

static void *xcpu_a(void *arg) { return xcpu_side(arg, 0); }
static void *xcpu_b(void *arg) { return xcpu_side(arg, 1); }

int cp_timer_check_monotonic(uint64_t (*stamp)(void), char *why, size_t len)
{
	struct cpulist al;
	struct cp_err e = { 0 };
	int step, rc = 0;
	struct xcpu *x;

	if (cpulist_allowed(&al, &e)) {
		snprintf(why, len, "cannot check the counter across CPUs: %.200s", e.msg);
		return -1;
	}
	if (posix_memalign((void **)&x, CP_GRANULE_MAX, sizeof(*x)))
		cp_die(CP_ERUN, "out of memory");
	step = al.n > XCPU_MAX ? (al.n + XCPU_MAX - 1) / XCPU_MAX : 1;
	for (int j = 1; j < al.n && !rc; j += step) {
		pthread_t ta, tb;

		memset(x, 0, sizeof(*x));
		x->stamp = stamp;
		x->cpu[0] = al.cpu[0];
		x->cpu[1] = al.cpu[j];
		if (pthread_create(&ta, NULL, xcpu_a, x))
			cp_die(CP_ERUN, "pthread_create failed");
		if (pthread_create(&tb, NULL, xcpu_b, x))
			cp_die(CP_ERUN, "pthread_create failed");
		pthread_join(ta, NULL);
		pthread_join(tb, NULL);
		if (x->failed) {
			snprintf(why, len, "cannot check the counter between CPU %d and CPU %d "
				 "(pinning failed or a CPU did not answer)", x->cpu[0], x->cpu[1]);
			rc = -1;
		} else if (x->worst[0] < 0 || x->worst[1] < 0) {
			int64_t w = x->worst[0] < x->worst[1] ? x->worst[0] : x->worst[1];

			snprintf(why, len, "the counter goes backwards between CPU %d and CPU %d "
				 "(by up to %lld ticks)", x->cpu[0], x->cpu[1],
				 (long long)-w);
			rc = -1;
		}
	}
	free(x);
	cpulist_free(&al);
	return rc;
}

/* ---- setup ---- */

static void use_clock(struct cp_timer *t)
{
	struct timespec res;

	t->kind = TIMER_CLOCK;
	t->name = "clock_monotonic_raw";
	t->ticks_per_ns = 1;
	t->freq_hz = 1e9;
	t->has_cycles = 0;
	t->resolution_ns = clock_getres(CLOCK_MONOTONIC_RAW, &res) ? NAN :
		(double)res.tv_sec * 1e9 + (double)res.tv_nsec;
}

/* Try the CPU's counter; 0 with t filled, -1 with why filled. */
static int use_counter(struct cp_timer *t, const char *asked, char *why, size_t len)
{
#if defined(__x86_64__)
	if (strcmp(asked, "tsc") && strcmp(asked, "auto")) {
		snprintf(why, len, "this is an x86-64 CPU: it has tsc or clock");
		return -1;
	}
	if (!tsc_invariant(why, len))
		return -1;
	t->kind = TIMER_TSC;
	t->name = "tsc";
	t->ticks_per_ns = tsc_calibrate();
#elif defined(__aarch64__)
	uint64_t frq;

	if (strcmp(asked, "cntvct") && strcmp(asked, "auto")) {
		snprintf(why, len, "this is an aarch64 CPU: it has cntvct or clock");
		return -1;
	}
	__asm__ __volatile__("mrs %0, cntfrq_el0" : "=r"(frq));
	if (!frq) {
		snprintf(why, len, "cntfrq_el0 reads 0: the firmware did not set the counter frequency");
		return -1;
	}
	t->kind = TIMER_CNTVCT;
	t->name = "cntvct";
	t->ticks_per_ns = (double)frq / 1e9;
#else
	snprintf(why, len, "this CPU has no counter cachepong can read: use clock");
	return -1;
#endif
	if (!(t->ticks_per_ns > 0) || !isfinite(t->ticks_per_ns)) {
		snprintf(why, len, "the %s rate could not be calibrated", t->name);
		return -1;
	}
	if (cp_timer_check_monotonic(cp_tsc_begin, why, len))
		return -1;
	t->freq_hz = t->ticks_per_ns * 1e9;
	t->resolution_ns = 1 / t->ticks_per_ns;
	t->has_cycles = 1;
	return 0;
}

/* Median cost of an empty begin..end pair (what every sample includes). */
static double measure_overhead(const struct cp_timer *t)
{
	double *d = cp_xcalloc(OVH_PAIRS, sizeof(double));
	double m;

	for (int i = 0; i < OVH_PAIRS / 4; i++) /* warm up: caches, branch history */
		(void)(timer_end(t) - timer_begin(t));
	for (int i = 0; i < OVH_PAIRS; i++) {
		uint64_t a = timer_begin(t), b = timer_end(t);

		d[i] = timer_ns(t, b - a);
	}
	m = median(d, OVH_PAIRS);
	free(d);
	return m;
}

int cp_timer_init(struct cp_timer *t, const char *choice, struct cp_err *e)
{
	const char *asked = choice ? choice : "auto";
#define TIMER_FALLBACK "timer: using clock_gettime: "
	/* sized so that the fallback warning below always holds all of it */
	char why[sizeof(t->warning) - sizeof(TIMER_FALLBACK) + 1] = "";

	memset(t, 0, sizeof(*t));
	if (parse_choice(asked, TIMER_NAMES, "timer", e) < 0)
		return e->code;
	if (!strcmp(asked, "clock"))
		use_clock(t);
	else if (use_counter(t, asked, why, sizeof(why))) {
		if (strcmp(asked, "auto"))
			return cp_errf(e, CP_EUNAVAIL, "--timer %s: %s", asked, why);
		use_clock(t);
		snprintf(t->warning, sizeof(t->warning), TIMER_FALLBACK "%s", why);
	}
	t->overhead_ns = measure_overhead(t);
	return 0;
}
