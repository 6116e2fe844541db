/* timer.h: time stamps for timed regions.
 *
 * x86-64: the TSC, only where it is invariant (constant_tsc + nonstop_tsc)
 * and monotonic across CPUs, calibrated against CLOCK_MONOTONIC_RAW.
 * aarch64: the virtual counter cntvct_el0 at cntfrq_el0.  Elsewhere, or with
 * --timer clock: clock_gettime(CLOCK_MONOTONIC_RAW).
 *
 * The stamps are fenced so that they are ordered against the locked
 * operations and stores they bracket: an unfenced rdtsc may execute before
 * an earlier lock cmpxchg completes (AMD), which makes a cross-core CAS look
 * a few cycles long.  Begin: mfence (earlier stores and locked ops are
 * globally visible) + lfence (earlier instructions done) + rdtsc + lfence
 * (later instructions wait for the stamp).  End: mfence + rdtscp + lfence. */
#ifndef TIMER_H
#define TIMER_H

/* --timer: what the clock of a sample may be */
#define TIMER_NAMES "auto|tsc|cntvct|clock"

#include <stdint.h>
#include <time.h>

#include "cp.h"

enum timer_kind { TIMER_TSC, TIMER_CNTVCT, TIMER_CLOCK };

struct cp_timer {
	enum timer_kind kind;
	const char *name;        /* "tsc", "cntvct", "clock_monotonic_raw" */
	double ticks_per_ns;     /* ticks of cp_ts_* per ns (1 for the clock: its ticks are ns) */
	double freq_hz;          /* ticks per second */
	double resolution_ns;    /* one tick, or clock_getres */
	double overhead_ns;      /* median cost of an empty begin..end pair */
	int has_cycles;          /* ticks are counter cycles (TSC/cntvct), not ns */
	char warning[256];       /* why the counter was not used (fell back to the clock), or "" */
};

/* Choose, check and calibrate the timer.  choice: NULL/"auto", "tsc",
 * "cntvct" or "clock".  Asking for a counter this machine cannot use
 * (not invariant, goes backwards between CPUs) is CP_EUNAVAIL; auto falls
 * back to the clock with t->warning set.  Takes ~50 ms. */
int cp_timer_init(struct cp_timer *t, const char *choice, struct cp_err *e);

/* 1 when a /proc/cpuinfo "flags" line has both constant_tsc and nonstop_tsc
 * (whole words), else 0.  Exposed for the unit tests. */
int cp_timer_flags_invariant(const char *flags);

/* The cross-CPU check: threads pinned to the first allowed CPU and to up to
 * 32 others spread over the list hand stamp() values back and forth; 0 when
 * no receiver ever read a stamp earlier than the one it was handed, else -1
 * with why filled (CPUs and ticks).  Exposed so tests can feed a skewed
 * stamp and see it refused. */
int cp_timer_check_monotonic(uint64_t (*stamp)(void), char *why, size_t len);

static inline uint64_t cp_clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#if defined(__x86_64__)
static inline uint64_t cp_tsc_begin(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("mfence\n\tlfence\n\trdtsc\n\tlfence"
			     : "=a"(lo), "=d"(hi) :: "memory");
	return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t cp_tsc_end(void)
{
	uint32_t lo, hi, aux;

	__asm__ __volatile__("mfence\n\trdtscp\n\tlfence"
			     : "=a"(lo), "=d"(hi), "=c"(aux) :: "memory");
	return ((uint64_t)hi << 32) | lo;
}
#elif defined(__aarch64__)
/* isb: the counter read is not speculated ahead of earlier instructions;
 * dsb ish: earlier stores/atomics are complete before the stamp. */
static inline uint64_t cp_tsc_begin(void)
{
	uint64_t v;

	__asm__ __volatile__("dsb ish\n\tisb\n\tmrs %0, cntvct_el0\n\tisb" : "=r"(v) :: "memory");
	return v;
}

static inline uint64_t cp_tsc_end(void)
{
	uint64_t v;

	__asm__ __volatile__("dsb ish\n\tisb\n\tmrs %0, cntvct_el0\n\tisb" : "=r"(v) :: "memory");
	return v;
}
#else
static inline uint64_t cp_tsc_begin(void) { return cp_clock_ns(); }
static inline uint64_t cp_tsc_end(void) { return cp_clock_ns(); }
#endif

/* Stamps in ticks of t: the branch is taken before the begin stamp is read
 * and after the end stamp's counter read is issued, never inside a region. */
static inline uint64_t timer_begin(const struct cp_timer *t)
{
	if (t->kind == TIMER_CLOCK)
		return cp_clock_ns();
	return cp_tsc_begin();
}

static inline uint64_t timer_end(const struct cp_timer *t)
{
	if (t->kind == TIMER_CLOCK)
		return cp_clock_ns();
	return cp_tsc_end();
}

static inline double timer_ns(const struct cp_timer *t, uint64_t ticks)
{
	return (double)ticks / t->ticks_per_ns;
}

#endif
