/* coherence.c: the coherence-state kernels: one operation on each of n lines
 * that another CPU (or this one) has just put into a state M, E, S or I.
 *
 * Arguments (kernel.h): a->mine is the lines' addresses in visiting order
 * (a random permutation), a->iters = n, a->in = 0 (the dependency mask,
 * below), a->key the code of the addresses.  A line's word 0 holds the
 * address of the next line in that order (the harness writes it once;
 * nothing else ever stores to word 0): the load kernel chases it, so each
 * load waits for the previous one and the time is n latencies, not n
 * overlapped misses.  The other ops act on word 1 and are serialised: each
 * op's address depends on the previous op's result, and on x86 an lfence
 * after each op keeps the next from starting before it completed (a locked
 * RMW alone was seen to overlap with the next line's request); on Arm the
 * acq+rel atomics and the dependency do it.  The plain store is followed by
 * a full fence (mfence / dmb ish), so the time includes taking the line for
 * writing, as ccbench times a store.
 *
 * Every address, in mine[] and in the chain, is stored XOR a->key (bit 63
 * set: no encoded value is a user-space pointer).  A data-dependent
 * prefetcher, which reads an array of pointers or a pointer in a loaded
 * line and fetches its target ahead of the program, would otherwise bring
 * the next lines for ownership while the current op waits: on the
 * development VM (Xeon, family 6 model 207) faa and swap on lines Modified
 * in another core measured 28-33 ns and on lines in memory 37-47 ns,
 * against 99 ns for the chased load; with the encoding every op on such a
 * line takes 105-120 ns and in memory 140-180 ns.  The decoding is one xor
 * per op, in the local baselines too.
 *
 * Per iteration, gcc 12 -O2 x86-64 (objdump of coh_*_c11), e.g. faa:
 *   mov    (%r10,%rdx,8),%rcx     order[i], encoded
 *   and    %r11,%rax              dep & 0: the previous op's result ...
 *   xor    %rbx,%rcx              ... + the decoded address
 *   lea    0x8(%rcx,%rax,1),%rcx  word 1
 *   mov    $0x1,%eax
 *   lock xadd %rax,(%rcx)         the operation
 *   lfence                        nothing later starts before it completed
 *   add $1,%rdx; add %rax,%r8; cmp; jne      index, checksum, loop
 * store: mov; mfence; lfence; cas: lock cmpxchg; tas: xchg of a byte;
 * swap: xchg; load: mov (%rax),%rax; xor %rcx,%rax (the chase only).
 * No call, no branch but the loop's.
 * On aarch64 the same C is compiled three ways: c11 (what the toolchain
 * picks), asm-lse (ldaddal, casal, swpal, swpalb inline) and asm-llsc
 * (ldaxr/stlxr loops inline), as the contend kernels are. */
#include <stdint.h>
#include <stdio.h>

#include "coherence_ops.h"
#include "kernel.h"

#if defined(__aarch64__)
#include <sys/auxv.h>
#ifndef HWCAP_ATOMICS
#define HWCAP_ATOMICS (1 << 8)
#endif
static int coh_have_lse(char *why, size_t len)
{
	if (getauxval(AT_HWCAP) & HWCAP_ATOMICS)
		return 1;
	snprintf(why, len, "this CPU has no LSE atomics (HWCAP_ATOMICS not set); use --impl asm-llsc or c11");
	return 0;
}
#endif

/* One operation on line w (word 1; word 0 is the chain): its result goes
 * to the checksum.  X(name, what, expression) */
#define COH_OPS(X)                                                                              \
	X(store, "store to the line, then a full fence (mov + mfence, str + dmb ish)",             \
	  (__atomic_store_n(w + 1, i, __ATOMIC_RELAXED), coh_fence(), i))                         \
	X(cas, "compare-and-swap 0 -> 0 (lock cmpxchg, casal / ldaxr-stlxr): exclusive either way", \
	  coh_cas(w + 1))                                                                         \
	X(faa, "fetch-and-add 1 (lock xadd, ldaddal / ldaxr-add-stlxr)",                           \
	  __atomic_fetch_add(w + 1, 1, __ATOMIC_ACQ_REL))                                         \
	X(tas, "test-and-set of a byte flag: exchange 1 (xchgb, swpalb / ldaxrb-stlxrb)",           \
	  __atomic_exchange_n((uint8_t *)(w + 1), 1, __ATOMIC_ACQ_REL))                           \
	X(swap, "exchange of the word (xchg, swpal / ldaxr-stlxr)",                               \
	  __atomic_exchange_n(w + 1, i, __ATOMIC_ACQ_REL))

/* A full fence: mfence on x86 (gcc's seq_cst fence is a locked or on the
 * stack, which drains the store buffer too but is not what ccbench and the
 * manuals time; and TSan builds refuse atomic_thread_fence), dmb ish on Arm. */
static inline __attribute__((always_inline)) void coh_fence(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__asm__ __volatile__("mfence" ::: "memory");
#elif defined(__aarch64__)
	__asm__ __volatile__("dmb ish" ::: "memory");
#else
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}

static inline __attribute__((always_inline)) void coh_serialize(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__asm__ __volatile__("lfence" ::: "memory");
#endif
}

static inline __attribute__((always_inline)) uint64_t coh_cas(uint64_t *w)
{
	uint64_t old = 0;

	__atomic_compare_exchange_n(w, &old, 0, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
	return old;
}

/* The loads: a pointer chase through word 0 (encoded, like mine[]). */
#define COH_LOAD(fname, ATTR)                                                    \
	ATTR static void fname(const struct kargs *a, struct kres *r)            \
	{                                                                        \
		const uint64_t key = a->key;                                     \
		uint64_t *p = (uint64_t *)(a->mine[0] ^ key);                    \
		for (uint64_t i = a->iters; i; i--)                              \
			p = (uint64_t *)(__atomic_load_n(p, __ATOMIC_RELAXED) ^ key); \
		r->sum = (uint64_t)p;                                            \
		r->ops = a->iters;                                               \
	}

/* The other ops: the address from the visiting order, one op each.  The
 * address also depends on the previous op's result (and-ed with a->in,
 * which is 0 but unknown to the compiler): without that the core took the
 * next line for writing while the current atomic waited (CAS on a line
 * Modified in another core: 13 ns instead of 105 on the development VM),
 * a throughput, not one operation's latency.  The and, the add and the
 * lfence are in the local baselines too. */
#define COH_LOOP(fname, ATTR, EXPR)                                              \
	ATTR static void fname(const struct kargs *a, struct kres *r)            \
	{                                                                        \
		const uint64_t *order = a->mine;                                 \
		const uint64_t n = a->iters, zero = a->in, key = a->key;         \
		uint64_t sum = 0, dep = 0;                                       \
		for (uint64_t i = 0; i < n; i++) {                               \
			uint64_t *w = (uint64_t *)((order[i] ^ key) + (dep & zero)); \
			dep = (uint64_t)(EXPR);                                  \
			coh_serialize();                                         \
			sum += dep;                                              \
		}                                                                \
		r->sum = sum;                                                    \
		r->ops = a->iters;                                               \
	}

#define COH_WHAT_LOAD "load of word 0, which holds the next line's address, encoded (a dependent chase)"

#if defined(__aarch64__)
#define COH_LSE __attribute__((target("+lse"), target("no-outline-atomics")))
#define COH_LLSC __attribute__((target("+nolse"), target("no-outline-atomics")))
#define COH_DEFINE(name, what, EXPR)                                      \
	COH_LOOP(coh_##name##_c11, , EXPR)                                 \
	COH_LOOP(coh_##name##_lse, COH_LSE, EXPR)                          \
	COH_LOOP(coh_##name##_llsc, COH_LLSC, EXPR)
#define COH_ENTRY(name, what, EXPR)                                                           \
	{ "coherence", #name, "asm-lse", "", coh_##name##_lse, coh_have_lse, what, NULL },      \
	{ "coherence", #name, "asm-llsc", "", coh_##name##_llsc, NULL, what, NULL },            \
	{ "coherence", #name, "c11", "", coh_##name##_c11, NULL, what, NULL },
COH_LOAD(coh_load_c11, )
COH_OPS(COH_DEFINE)
const struct kernel coherence_kernels[] = {
	{ "coherence", "load", "asm-lse", "", coh_load_c11, NULL, COH_WHAT_LOAD, NULL },
	{ "coherence", "load", "asm-llsc", "", coh_load_c11, NULL, COH_WHAT_LOAD, NULL },
	{ "coherence", "load", "c11", "", coh_load_c11, NULL, COH_WHAT_LOAD, NULL },
	COH_OPS(COH_ENTRY)
};
#else
#define COH_DEFINE(name, what, EXPR) COH_LOOP(coh_##name##_c11, , EXPR)
#define COH_ENTRY(name, what, EXPR) { "coherence", #name, "c11", "", coh_##name##_c11, NULL, what, NULL },
COH_LOAD(coh_load_c11, )
COH_OPS(COH_DEFINE)
const struct kernel coherence_kernels[] = {
	{ "coherence", "load", "c11", "", coh_load_c11, NULL, COH_WHAT_LOAD, NULL },
	COH_OPS(COH_ENTRY)
};
#endif
const size_t coherence_nkernels = sizeof(coherence_kernels) / sizeof(coherence_kernels[0]);

/* ---- preparing a state (untimed) ---- */

void coh_flush(const uint64_t *order, size_t n)
{
	for (size_t i = 0; i < n; i++) {
#if defined(__x86_64__) || defined(__i386__)
		__asm__ __volatile__("clflush (%0)" : : "r"(order[i]) : "memory");
#elif defined(__aarch64__)
		__asm__ __volatile__("dc civac, %0" : : "r"(order[i]) : "memory");
#else
#error "coh_flush: no cache-line flush for this architecture"
#endif
	}
#if defined(__x86_64__) || defined(__i386__)
	__asm__ __volatile__("mfence" ::: "memory");
#elif defined(__aarch64__)
	__asm__ __volatile__("dsb ish" ::: "memory");
#endif
}

uint64_t coh_read(const uint64_t *order, size_t n)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += __atomic_load_n((const uint64_t *)order[i], __ATOMIC_RELAXED);
	coh_fence();
	return sum;
}

void coh_write(const uint64_t *order, size_t n, uint64_t v)
{
	for (size_t i = 0; i < n; i++)
		__atomic_store_n((uint64_t *)order[i] + 1, v, __ATOMIC_RELAXED);
	coh_fence();
}
