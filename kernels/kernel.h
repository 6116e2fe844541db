/* kernel.h: the one signature of every kernel, and the registry.
 *
 * A kernel is the timed loop and nothing else: it knows no timer, no
 * options, no output.  The harness passes a struct kargs, calls the kernel
 * between two time stamps, and checks struct kres afterwards.
 *
 * Families:
 *  pingpong  a token passes between two agents; each round an agent waits
 *            until *peer == in, then passes by changing *mine from out-1 to
 *            out (store, CAS, fetch-add or exchange).  in/out advance by
 *            step each round.  one-line: peer == mine, step 2 (A waits for
 *            even, B for odd); two-lines: each writes its own line, step 1.
 *            poll "rmw" (one-line only): the wait is an atomic RMW on the
 *            line (the CAS itself, or lock xadd 0 before the pass).
 *  contend   an agent hammers *mine (one line shared by all, a word of a
 *            shared line, or its own line) until *stop is set, checking
 *            it once per block of operations.
 *  coherence one operation on each of iters lines, whose addresses mine[]
 *            holds in visiting order, encoded (XOR key) so that no
 *            prefetcher that reads pointers can fetch the lines ahead.
 */
#ifndef KERNEL_H
#define KERNEL_H

#include <stddef.h>
#include <stdint.h>

#include "cp.h"

struct kargs {
	uint64_t *mine;           /* the word this agent writes */
	uint64_t *peer;           /* the word it waits on (== mine for one-line) */
	uint64_t in;              /* pingpong: first value to wait for on *peer */
	uint64_t out;             /* pingpong: first value to write to *mine */
	uint64_t step;            /* pingpong: increment of in/out per round */
	uint64_t iters;           /* pingpong: rounds; contend: ops per stop check block count bound */
	volatile uint64_t *stop;  /* contend: ends the loop when non-zero */
	uint64_t key;             /* coherence: mine[] and each line's word 0 hold addresses XOR key */
};

struct kres {
	uint64_t sum;   /* checksum: the sum of the values the agent saw/replaced */
	uint64_t ops;   /* operations done (contend) or rounds (pingpong) */
};

typedef void (*kernel_fn)(const struct kargs *a, struct kres *r);

struct kernel {
	const char *family;   /* "pingpong" | "contend" */
	const char *name;     /* "load-store", "cas", "faa", "xchg", "store" */
	const char *impl;     /* "asm", "asm-lse", "asm-llsc", "c11" */
	const char *spin;     /* "plain" | "pause" (pingpong), "" (contend) */
	kernel_fn fn;
	/* NULL when it always runs; else fills why and returns 0 when this
	 * build or CPU cannot run it (still registered, still listed). */
	int (*available)(char *why, size_t len);
	const char *what;     /* one line: what one iteration does, for --help and docs */
	/* pingpong: how the turn is polled: "load" (a plain load, then the
	 * pass: a read and an upgrade per hand-off) or "rmw" (an atomic
	 * read-modify-write on the line: one ownership transfer per hand-off,
	 * as c2clat -w and multichase); NULL for contend */
	const char *poll;
};

/* Find a kernel; impl NULL = the best available ("asm" where it runs,
 * else "c11"), spin NULL = "plain", poll NULL = "load".  CP_EUSAGE naming
 * the value and the registered names; CP_EUNAVAIL with the reason when
 * registered but not runnable here. */
const struct kernel *kernel_find(const char *family, const char *name, const char *impl,
				 const char *spin, const char *poll, struct cp_err *e);
/* Whether a kernel of that name has a variant polled that way. */
int kernel_has_poll(const char *family, const char *name, const char *poll);
/* '|'-separated names of a family, in registry order ("load-store|cas|faa|xchg"). */
const char *kernel_names(const char *family);
/* The '|'-separated values of one field (impl, poll, spin) of the kernels
 * named `name` in a family, or of the whole family (name NULL): what
 * --impl, --poll and --spin allow. */
enum kernel_field { KF_SPIN, KF_IMPL, KF_POLL };
const char *kernel_field_names(const char *family, const char *name, enum kernel_field f);
/* Iterate: all registered kernels. */
size_t kernel_count(void);
const struct kernel *kernel_at(size_t i);

#endif
