/* pp_tmpl.h: the ping-pong loop, written once.  An op file defines
 *
 *   PP_PREFIX  symbol prefix (pp_cas)       PP_NAME  "cas"     PP_WHAT  one line
 *   static inline uint64_t pp_pass_c11(uint64_t *w, uint64_t old, uint64_t nw);
 *   x86-64:  static inline uint64_t pp_pass_asm(uint64_t *w, uint64_t old, uint64_t nw);
 *   aarch64: pp_pass_lse(...) and pp_pass_llsc(...)
 *   PP_WHAT_RMW  one line for --poll rmw; PP_TRY_IS_PASS when the pass
 *   itself can poll (CAS: it changes the word only on its turn); no
 *   PP_WHAT_RMW (load-store): no rmw variants
 *
 * and includes this file, which makes one function per impl x spin and the
 * registry array.  A pass returns the value it replaced (the checksum), or
 * for a plain store the value it overwrote by construction (old).
 *
 * Per round the loop does exactly: load *peer until it equals `in` (a
 * plain mov / ldar; with spin=pause a pause / yield between polls), one
 * pass on *mine, the checksum add, two token adds and the loop count.  No
 * call, no option branch: spin and impl are separate functions.  gcc 12
 * -O2, x86-64, cas asm plain (objdump of pp_cas_asm_plain):
 *
 *   88: mov    (%rcx),%rax          poll *peer
 *       cmp    %rdx,%rax            == in ?
 *       jne    88                   spin
 *       lea    -0x1(%r8),%rax       expected = out - 1
 *       lock cmpxchg %r8,(%r10)     pass: *mine out-1 -> out
 *       add    %rax,%r11            checksum += value found
 *       add    %rsi,%rdx            in += step
 *       add    %rsi,%r8             out += step
 *       sub    $0x1,%r9             rounds left
 *       jne    88
 *
 * --poll rmw (one line, mine == peer): each attempt is an atomic RMW on
 * the line, so the line comes over once per hand-off, already exclusive.
 * Per round exactly: attempts until one finds `in`, the checksum add, the
 * token adds (gcc keeps out - in in a register) and the loop count.  cas (the CAS is the attempt), objdump
 * of pp_cas_asm_plain_rmw:
 *
 *   f8: lea    (%r11,%rcx,1),%r8    out = in + (out - in)
 *  100: mov    %rcx,%rax            expected = in
 *       lock cmpxchg %r8,(%rdx)     attempt: *w in -> out
 *       cmp    %rcx,%rax            found == in ?
 *       jne    100                  not our turn: again
 *       add    %rcx,%r10            checksum += in
 *       add    %rsi,%rcx            in += step
 *       sub    $0x1,%r9             rounds left
 *       jne    f8
 *
 * faa and xchg attempt with lock xadd $0 (reads the word with the line
 * exclusive) and pass on their turn with their own op (lock xadd $1 /
 * xchg), on a line already in this core's cache. */
#include <stdint.h>

#include "kernel.h"

#if defined(__aarch64__)
#include <sys/auxv.h>
#ifndef HWCAP_ATOMICS
#define HWCAP_ATOMICS (1 << 8)
#endif
#endif

#ifndef PP_TMPL_ONCE
#define PP_TMPL_ONCE
#define PP_CAT_(a, b) a##b
#define PP_CAT(a, b) PP_CAT_(a, b)

static inline void pp_relax_plain(void)
{
	/* nothing: the acquire load below is the whole poll */
}

static inline void pp_relax_pause(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__asm__ __volatile__("pause" ::: "memory");
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#else
	__asm__ __volatile__("" ::: "memory");
#endif
}

#define PP_LOOP(fname, PASS, RELAX)                                                \
	static void fname(const struct kargs *a, struct kres *r)                   \
	{                                                                          \
		uint64_t *mine = a->mine;                                          \
		uint64_t *peer = a->peer;                                          \
		uint64_t in = a->in, out = a->out, step = a->step, sum = 0;        \
		for (uint64_t i = a->iters; i; i--) {                              \
			while (__atomic_load_n(peer, __ATOMIC_ACQUIRE) != in)      \
				RELAX();                                           \
			sum += PASS(mine, out - 1, out);                           \
			in += step;                                                \
			out += step;                                               \
		}                                                                  \
		r->sum = sum;                                                      \
		r->ops = a->iters;                                                 \
	}

/* --poll rmw: the token is polled by an atomic RMW that leaves the word
 * unchanged (fetch-and-add 0): the read takes the line exclusive. */
static inline uint64_t pp_rmw_read_c11(uint64_t *w)
{
	return __atomic_fetch_add(w, 0, __ATOMIC_ACQ_REL);
}

#if defined(__x86_64__)
static inline uint64_t pp_rmw_read_asm(uint64_t *w)
{
	uint64_t v = 0;

	__asm__ __volatile__("lock xaddq %0, %1" : "+r"(v), "+m"(*w) : : "memory", "cc");
	return v;
}
#elif defined(__aarch64__)
static inline uint64_t pp_rmw_read_lse(uint64_t *w)
{
	uint64_t v;

	__asm__ __volatile__(".arch_extension lse\n\tldaddal xzr, %0, [%1]" : "=r"(v) : "r"(w) : "memory");
	return v;
}

static inline uint64_t pp_rmw_read_llsc(uint64_t *w)
{
	uint64_t v;
	uint32_t fail;

	/* write back what was read: a read with the line held exclusive */
	__asm__ __volatile__("1:\tldaxr %0, [%2]\n\t"
			     "stlxr %w1, %0, [%2]\n\t"
			     "cbnz %w1, 1b"
			     : "=&r"(v), "=&r"(fail) : "r"(w) : "memory");
	return v;
}
#endif

/* one-line only (peer == mine): see kernel.h */
#define PP_LOOP_RMW(fname, TRY, RELAX)                                            \
	static void fname(const struct kargs *a, struct kres *r)                   \
	{                                                                          \
		uint64_t *w = a->mine;                                             \
		uint64_t in = a->in, out = a->out, step = a->step, sum = 0;        \
		for (uint64_t i = a->iters; i; i--) {                              \
			while (TRY(w, in, out) != in)                              \
				RELAX();                                           \
			sum += in;                                                 \
			in += step;                                                \
			out += step;                                               \
		}                                                                  \
		r->sum = sum;                                                      \
		r->ops = a->iters;                                                 \
	}

/* One attempt: the value found; the token passed iff it is `in`. */
#define PP_TRY_FN(name, PASS, READ)                                               \
	static inline uint64_t name(uint64_t *w, uint64_t in, uint64_t out)        \
	{                                                                          \
		uint64_t v = READ(w);                                              \
		if (v == in)                                                       \
			PASS(w, in, out);                                          \
		return v;                                                          \
	}

#if defined(__aarch64__)
static inline int pp_have_lse(char *why, size_t len)
{
	if (getauxval(AT_HWCAP) & HWCAP_ATOMICS)
		return 1;
	snprintf(why, len, "this CPU has no LSE atomics (HWCAP_ATOMICS not set); use --impl asm-llsc or c11");
	return 0;
}
#elif !defined(__x86_64__)
static inline int pp_no_asm(char *why, size_t len)
{
	snprintf(why, len, "no assembly kernels for this architecture in this build; use --impl c11");
	return 0;
}
#endif
#endif /* PP_TMPL_ONCE */

#define PP_F(sfx) PP_CAT(PP_PREFIX, sfx)

/* One attempt per implementation for --poll rmw (the pass itself where
 * it can poll, else fetch-add 0 then the pass) */
#ifdef PP_WHAT_RMW
#ifdef PP_TRY_IS_PASS
#define PP_TRY_C11 pp_pass_c11
#define PP_TRY_ASM pp_pass_asm
#define PP_TRY_LSE pp_pass_lse
#define PP_TRY_LLSC pp_pass_llsc
#else
PP_TRY_FN(PP_F(_try_c11), pp_pass_c11, pp_rmw_read_c11)
#define PP_TRY_C11 PP_F(_try_c11)
#if defined(__x86_64__)
PP_TRY_FN(PP_F(_try_asm), pp_pass_asm, pp_rmw_read_asm)
#define PP_TRY_ASM PP_F(_try_asm)
#elif defined(__aarch64__)
PP_TRY_FN(PP_F(_try_lse), pp_pass_lse, pp_rmw_read_lse)
PP_TRY_FN(PP_F(_try_llsc), pp_pass_llsc, pp_rmw_read_llsc)
#define PP_TRY_LSE PP_F(_try_lse)
#define PP_TRY_LLSC PP_F(_try_llsc)
#endif
#endif
#define PP_RMW_LOOPS(sfx, TRY)                                                    \
	PP_LOOP_RMW(PP_F(sfx##_plain_rmw), TRY, pp_relax_plain)                    \
	PP_LOOP_RMW(PP_F(sfx##_pause_rmw), TRY, pp_relax_pause)
#else
#define PP_RMW_LOOPS(sfx, TRY)
#endif

/* every loop of one implementation: spin plain and pause, poll load and rmw */
#define PP_LOOPS(sfx, PASS, TRY)                                                  \
	PP_LOOP(PP_F(sfx##_plain), PASS, pp_relax_plain)                           \
	PP_LOOP(PP_F(sfx##_pause), PASS, pp_relax_pause)                           \
	PP_RMW_LOOPS(sfx, TRY)

PP_LOOPS(_c11, pp_pass_c11, PP_TRY_C11)
#if defined(__x86_64__)
PP_LOOPS(_asm, pp_pass_asm, PP_TRY_ASM)
#elif defined(__aarch64__)
PP_LOOPS(_lse, pp_pass_lse, PP_TRY_LSE)
PP_LOOPS(_llsc, pp_pass_llsc, PP_TRY_LLSC)
#endif

/* KV(impl, spin, fn suffix, available): the variants, both polls */
#ifdef PP_WHAT_RMW
#define PP_KV(impl, spin, fn, avail)                                                             \
	{ "pingpong", PP_NAME, impl, spin, PP_F(fn), avail, PP_WHAT, "load" },                    \
	{ "pingpong", PP_NAME, impl, spin, PP_CAT(PP_F(fn), _rmw), avail, PP_WHAT_RMW, "rmw" },
#else
#define PP_KV(impl, spin, fn, avail) { "pingpong", PP_NAME, impl, spin, PP_F(fn), avail, PP_WHAT, "load" },
#endif

const struct kernel PP_F(_kernels)[] = {
#if defined(__x86_64__)
	PP_KV("asm", "plain", _asm_plain, NULL)
	PP_KV("asm", "pause", _asm_pause, NULL)
#elif defined(__aarch64__)
	PP_KV("asm-lse", "plain", _lse_plain, pp_have_lse)
	PP_KV("asm-lse", "pause", _lse_pause, pp_have_lse)
	PP_KV("asm-llsc", "plain", _llsc_plain, NULL)
	PP_KV("asm-llsc", "pause", _llsc_pause, NULL)
#else
	PP_KV("asm", "plain", _c11_plain, pp_no_asm)
	PP_KV("asm", "pause", _c11_pause, pp_no_asm)
#endif
	PP_KV("c11", "plain", _c11_plain, NULL)
	PP_KV("c11", "pause", _c11_pause, NULL)
};
#undef PP_KV
#undef PP_LOOPS
#undef PP_RMW_LOOPS
#undef PP_TRY_C11
#undef PP_TRY_ASM
#undef PP_TRY_LSE
#undef PP_TRY_LLSC
const size_t PP_F(_nkernels) = sizeof(PP_F(_kernels)) / sizeof(PP_F(_kernels)[0]);
