/* pp_tmpl.h: the ping-pong loop, written once.  An op file defines
 *
 *   PP_PREFIX  symbol prefix (pp_cas)       PP_NAME  "cas"     PP_WHAT  one line
 *   static inline uint64_t pp_pass_c11(uint64_t *w, uint64_t old, uint64_t nw);
 *   x86-64:  static inline uint64_t pp_pass_asm(uint64_t *w, uint64_t old, uint64_t nw);
 *   aarch64: pp_pass_lse(...) and pp_pass_llsc(...)
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
 *       jne    88 */
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

PP_LOOP(PP_F(_c11_plain), pp_pass_c11, pp_relax_plain)
PP_LOOP(PP_F(_c11_pause), pp_pass_c11, pp_relax_pause)
#if defined(__x86_64__)
PP_LOOP(PP_F(_asm_plain), pp_pass_asm, pp_relax_plain)
PP_LOOP(PP_F(_asm_pause), pp_pass_asm, pp_relax_pause)
#elif defined(__aarch64__)
PP_LOOP(PP_F(_lse_plain), pp_pass_lse, pp_relax_plain)
PP_LOOP(PP_F(_lse_pause), pp_pass_lse, pp_relax_pause)
PP_LOOP(PP_F(_llsc_plain), pp_pass_llsc, pp_relax_plain)
PP_LOOP(PP_F(_llsc_pause), pp_pass_llsc, pp_relax_pause)
#endif

const struct kernel PP_F(_kernels)[] = {
#if defined(__x86_64__)
	{ "pingpong", PP_NAME, "asm", "plain", PP_F(_asm_plain), NULL, PP_WHAT },
	{ "pingpong", PP_NAME, "asm", "pause", PP_F(_asm_pause), NULL, PP_WHAT },
#elif defined(__aarch64__)
	{ "pingpong", PP_NAME, "asm-lse", "plain", PP_F(_lse_plain), pp_have_lse, PP_WHAT },
	{ "pingpong", PP_NAME, "asm-lse", "pause", PP_F(_lse_pause), pp_have_lse, PP_WHAT },
	{ "pingpong", PP_NAME, "asm-llsc", "plain", PP_F(_llsc_plain), NULL, PP_WHAT },
	{ "pingpong", PP_NAME, "asm-llsc", "pause", PP_F(_llsc_pause), NULL, PP_WHAT },
#else
	{ "pingpong", PP_NAME, "asm", "plain", PP_F(_c11_plain), pp_no_asm, PP_WHAT },
	{ "pingpong", PP_NAME, "asm", "pause", PP_F(_c11_pause), pp_no_asm, PP_WHAT },
#endif
	{ "pingpong", PP_NAME, "c11", "plain", PP_F(_c11_plain), NULL, PP_WHAT },
	{ "pingpong", PP_NAME, "c11", "pause", PP_F(_c11_pause), NULL, PP_WHAT },
};
const size_t PP_F(_nkernels) = sizeof(PP_F(_kernels)) / sizeof(PP_F(_kernels)[0]);
