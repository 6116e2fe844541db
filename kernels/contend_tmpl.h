/* contend_tmpl.h: the one template of the contend kernels.  A kernel file
 * defines
 *   CT_PREFIX        file prefix of the registry (KFILE name), e.g. contend_faa
 *   CT_NAME          the op's name ("faa")
 *   CT_WHAT          one line: what one operation does
 *   CT_INIT(a)       expression: the loop-carried value v before the loop
 *   CT_OP(p, v, sum) one operation on *p (v and sum are loop-carried locals,
 *                    step the local copy of a->step)
 *   CT_RESULT(v, sum) expression stored in kres.sum
 * then includes this header, which defines the kernels and their registry
 * entries (CT_PREFIX_kernels / CT_PREFIX_nkernels): "c11" everywhere (on
 * x86-64 the atomics compile to the one instruction: lock xadd, lock
 * cmpxchg, mov); on aarch64 also "asm-lse" and "asm-llsc", the same C
 * compiled for LSE (ldadd, cas) or exclusives (ldxr/stxr), inline.
 *
 * Loop: until *stop is set or the bound a->iters (ops, rounded up to whole
 * blocks) is reached, run blocks of CT_BLOCK unrolled operations.  The stop
 * flag is read once per block, not per op: a load and a branch per op would
 * share the pipeline with the op being measured (a plain store retires far
 * faster than a cross-core round trip, so one extra load per store is a
 * visible fraction of it), while one check per 64 ops costs < 2% and delays
 * the stop by at most 64 ops (well under a microsecond, against samples of
 * a millisecond).  The stop line is written once per sample, so the check
 * is an L1 hit. */
#include <stdint.h>

#include "kernel.h"

#define CT_BLOCK 64

#define CT_REP4(x) x x x x
#define CT_REP16(x) CT_REP4(x) CT_REP4(x) CT_REP4(x) CT_REP4(x)
#define CT_REP64(x) CT_REP16(x) CT_REP16(x) CT_REP16(x) CT_REP16(x)

#define CT_CAT_(a, b) a##b
#define CT_CAT(a, b) CT_CAT_(a, b)
#define CT_F(sfx) CT_CAT(CT_PREFIX, sfx)

#if defined(__aarch64__) && !defined(CT_TMPL_ONCE)
#define CT_TMPL_ONCE
#include <stdio.h>
#include <sys/auxv.h>
#ifndef HWCAP_ATOMICS
#define HWCAP_ATOMICS (1 << 8)
#endif
static inline int ct_have_lse(char *why, size_t len)
{
	if (getauxval(AT_HWCAP) & HWCAP_ATOMICS)
		return 1;
	snprintf(why, len, "this CPU has no LSE atomics (HWCAP_ATOMICS not set); use --impl asm-llsc or c11");
	return 0;
}
#endif

/* The loop, once; ATTR picks the instructions the atomics compile to.
 * aarch64: without it GCC calls libgcc's outline atomics (a call per op),
 * so asm-lse / asm-llsc force ldadd/cas or ldxr/stxr inline. */
#define CT_DEFINE(fname, ATTR)                                                          \
	ATTR static void fname(const struct kargs *a, struct kres *r)                     \
	{                                                                               \
		uint64_t *p = a->mine;                                                  \
		const volatile uint64_t *stop = a->stop;                                \
		uint64_t blocks = 0, limit = a->iters / CT_BLOCK + (a->iters % CT_BLOCK != 0); \
		/* step: a local, not a->step, which a store through p may alias */     \
		const uint64_t step = a->step;                                          \
		uint64_t sum = 0, v = CT_INIT(a);                                       \
		(void)v;                                                                \
		(void)sum;                                                              \
		(void)step;                                                             \
		/* a relaxed atomic load: a plain load, and no data race for TSan */    \
		while (blocks < limit && !__atomic_load_n(stop, __ATOMIC_RELAXED)) {    \
			CT_REP64(CT_OP(p, v, sum))                                      \
			blocks++;                                                       \
		}                                                                       \
		r->ops = blocks * CT_BLOCK;                                             \
		r->sum = CT_RESULT(v, sum);                                             \
	}

CT_DEFINE(CT_F(_c11), )
#if defined(__aarch64__)
CT_DEFINE(CT_F(_lse), __attribute__((target("+lse"), target("no-outline-atomics"))))
CT_DEFINE(CT_F(_llsc), __attribute__((target("+nolse"), target("no-outline-atomics"))))
#endif

const struct kernel CT_F(_kernels)[] = {
#if defined(__aarch64__)
	{ "contend", CT_NAME, "asm-lse", "", CT_F(_lse), ct_have_lse, CT_WHAT, NULL },
	{ "contend", CT_NAME, "asm-llsc", "", CT_F(_llsc), NULL, CT_WHAT, NULL },
#endif
	{ "contend", CT_NAME, "c11", "", CT_F(_c11), NULL, CT_WHAT, NULL },
};
const size_t CT_F(_nkernels) = CP_ARRAY_SIZE(CT_F(_kernels));
