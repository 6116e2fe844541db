/* rawclock.c: a fault to put in, for tests only (LD_PRELOAD): the machine
 * made to look as if it moved, by CLOCK_MONOTONIC_RAW running F times as
 * fast in the processes it reaches.  cachepong measures with the TSC
 * calibrated against that clock, or with the clock itself (--timer clock):
 * either way every duration it measures is F times what it was, as when
 * the host moves a guest's vCPUs to cores farther apart.  The sweep's own
 * timing (CLOCK_MONOTONIC: budgets, caps) is left alone.  Environment:
 *
 *   CP_RAWCLOCK_SCALE=F   the factor (unset or 1: none)
 *   CP_RAWCLOCK_FILE=P    only in processes started once P exists: a test
 *                         creates it to move the machine at a moment it
 *                         chooses (unset: every process)
 *
 * A busy loop on one of the measured CPUs does not do this here: a
 * sentinel of a few milliseconds runs within one time slice of its
 * partner, and a median is robust to the samples a slice boundary hits.
 * Built by the Makefile as build/tests/librawclock.so (plain flags). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double scale = 1;
static int64_t t0;            /* the real clock at the process's start, ns */

static int (*real_gettime)(clockid_t, struct timespec *);

static int64_t ns_of(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
}

__attribute__((constructor)) static void rawclock_start(void)
{
	const char *f = getenv("CP_RAWCLOCK_FILE"), *s = getenv("CP_RAWCLOCK_SCALE");
	struct timespec ts;

	real_gettime = (int (*)(clockid_t, struct timespec *))dlsym(RTLD_NEXT, "clock_gettime");
	if (!s || !*s || (f && *f && access(f, F_OK)))
		return;
	scale = atof(s) > 0 ? atof(s) : 1;
	real_gettime(CLOCK_MONOTONIC_RAW, &ts);
	t0 = ns_of(&ts);
}

int clock_gettime(clockid_t id, struct timespec *ts)
{
	int rc = real_gettime(id, ts);

	if (!rc && id == CLOCK_MONOTONIC_RAW && scale != 1) {
		int64_t t = t0 + (int64_t)((double)(ns_of(ts) - t0) * scale);

		ts->tv_sec = t / 1000000000;
		ts->tv_nsec = t % 1000000000;
	}
	return rc;
}
