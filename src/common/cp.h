/* cp.h: what every module of cachepong shares: exit codes, the error
 * record, padding constants and small helpers.  Modules return an exit code
 * and fill a struct cp_err; only the command layer (src/cmd_*.c) exits. */
#ifndef CP_H
#define CP_H

#include <stddef.h>
#include <stdint.h>

/* Exit codes, part of the CLI contract (README, man page, tests). */
enum cp_exit {
	CP_OK = 0,       /* measured, results written */
	CP_ERUN = 1,     /* a measurement failed at run time (or an output file cannot be written) */
	CP_EUSAGE = 2,   /* bad usage: the message names the value and what is allowed */
	CP_EUNAVAIL = 3, /* not available on this machine: the message says what is missing */
	CP_ECAPPED = 4,  /* stopped at --time-limit: what was measured is written (a row cut
			  * short says stop=time-limit); the measurements after it were not taken */
	CP_EINTR = 130,  /* stopped gracefully by SIGINT/SIGTERM/SIGHUP (128 + SIGINT, as shells
			  * report ^C); what was complete is kept */
};

/* Largest coherence granule we pad shared control data to.  64 B lines are
 * common, but Arm (Apple, Neoverse V2 prefetch pairs), POWER (128 B) and
 * Intel's adjacent-line prefetcher (pairs of 64 B lines) make 128 the real
 * unit of false sharing; 256 leaves room for both without knowing the CPU. */
#define CP_GRANULE_MAX 256
/* counters per row and per event set */
#define CP_MAX_COUNTERS 16
#define CP_PADDED __attribute__((aligned(CP_GRANULE_MAX)))

/* A padded slot: one value alone in its granule (multichase's big_atomic_t). */
struct cp_padded_u64 {
	uint64_t v;
	char pad[CP_GRANULE_MAX - sizeof(uint64_t)];
} CP_PADDED;

struct cp_err {
	int code;        /* enum cp_exit; 0 = no error */
	char msg[1024];  /* one line, no trailing newline, no "cachepong:" prefix */
};

/* Record an error and return its code, e.g.
 *   return cp_errf(e, CP_EUSAGE, "--cpus: CPU 99 does not exist: allowed 0-1");
 * For CP_EUNAVAIL the message is prefixed with "not available on this machine: ". */
int cp_errf(struct cp_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Print "cachepong: <msg>" on stderr and exit with e->code (1 if 0). */
_Noreturn void cp_exit_err(const struct cp_err *e);

/* cp_errf + cp_exit_err in one. */
_Noreturn void cp_die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Print "cachepong: warning: <msg>" on stderr. */
void cp_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Allocation that cannot fail (aborts with exit 1 on ENOMEM). */
void *cp_xcalloc(size_t n, size_t sz);
/* realloc, or die saying so */
void *cp_xrealloc(void *p, size_t size);
char *cp_xstrdup(const char *s);

/* Seconds of CLOCK_MONOTONIC: for budgets, pacing and progress (not for
 * measurements: those use timer.h). */
/* One spin-wait step outside a timed kernel: pause (x86) / yield (Arm). */
static inline void cp_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__asm__ __volatile__("pause" ::: "memory");
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#else
	__asm__ __volatile__("" ::: "memory");
#endif
}

double cp_now_s(void);
/* The name of some entry of DIR other than . and .. (malloc'd), or NULL
 * when it is empty or cannot be read. */
char *cp_dir_first_entry(const char *dir);

/* A measured number as every output prints it (the table, the report):
 * "n/a" when not finite, 133.6 from 100 up (and 0.0), 12.34 from 1, else
 * three significant digits (0.0123). */
char *cp_fmt_num(double v, char *buf, size_t len);
/* A duration as people read it: "4.2 s", "45 s", "3 min 20 s", "2 h 05 min". */
char *cp_fmt_dur(double s, char *buf, size_t len);

/* The folder SUB of cachepong's data files (e.g. "counters", "plots"), the
 * first that holds PROBE: $CACHEPONG_DATA/SUB, beside the real binary (the
 * source tree), BINDIR/../share/cachepong/SUB, PREFIX/share/cachepong/SUB.
 * CP_EUNAVAIL with every place tried when none has it. */
int cp_data_dir(const char *sub, const char *probe, char *buf, size_t len, struct cp_err *e);

#define CP_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
