/* slowwake.c: a fault to put in, for tests only (LD_PRELOAD): the wake-up
 * of a futex made slow, or slow only sometimes, by a busy wait before the
 * FUTEX_WAKE system call that glibc's syscall() makes.  It reaches what
 * calls syscall(SYS_futex, ...) itself: cachepong's sync futex primitive
 * and the interleaved arms' hand-over (glibc's own mutexes and semaphores
 * enter the kernel without syscall()).  Environment:
 *
 *   CP_SLOWWAKE_US=N        the delay, microseconds (0 or unset: none)
 *   CP_SLOWWAKE_P=F         the share of wake-ups delayed (default 1): a
 *                           bimodal cost
 *   CP_SLOWWAKE_PHASE_MS=N  delayed only in every other phase of N ms from
 *                           the first call: whole samples slow, others not
 *   CP_SLOWWAKE_AFTER_S=F   delayed only from F seconds after the first call
 *
 * Only cachepong's own processes are slowed (the preload reaches gnuplot
 * too, whose libraries' mutexes call syscall(SYS_futex)).  Built by the
 * Makefile as build/tests/libslowwake.so (plain flags: a sanitizer's
 * runtime must come first, so the sanitizer builds are not tested with
 * it). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <linux/futex.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double env(const char *name, double def)
{
	const char *v = getenv(name);

	return v && *v ? atof(v) : def;
}

/* Whether this wake-up is delayed (a per-thread generator: no locks). */
static int delayed(void)
{
	static double t0;
	static __thread uint64_t x;
	double p = env("CP_SLOWWAKE_P", 1), phase = env("CP_SLOWWAKE_PHASE_MS", 0) / 1e3;
	double after = env("CP_SLOWWAKE_AFTER_S", 0), t = now_s();

	if (!t0)
		t0 = t;
	if (t - t0 < after)
		return 0;
	if (phase > 0 && (long)((t - t0) / phase) % 2 == 0)
		return 0;
	if (!x)
		x = (uint64_t)(uintptr_t)&x ^ (uint64_t)(t * 1e9);
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return (double)(x >> 11) / 9007199254740992.0 < p;
}

static long (*real)(long, ...);

/* Resolved once at load, before any thread: a lazy dlsym from the
 * threads of another program the preload reaches (gnuplot's) is a lock
 * taken where it may not be. */
__attribute__((constructor)) static void resolve(void)
{
	real = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
}

long syscall(long number, ...)
{
	long a[6];
	va_list ap;

	va_start(ap, number);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (!real)
		real = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
	if (number == SYS_futex && (a[1] & FUTEX_CMD_MASK) == FUTEX_WAKE &&
	    !strcmp(program_invocation_short_name, "cachepong")) {
		double us = env("CP_SLOWWAKE_US", 0);

		if (us > 0 && delayed())
			for (double end = now_s() + us / 1e6; now_s() < end;)
				;
	}
	return real(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}
