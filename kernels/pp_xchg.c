/* pp_xchg.c: the token is passed by an atomic exchange that writes out and
 * returns the previous value (x86 xchg is locked implicitly). */
#include <stdint.h>
#include <stdio.h>

#define PP_PREFIX pp_xchg
#define PP_NAME "xchg"
#define PP_WHAT "load-spin until *peer == in, then exchange *mine with out (x86 xchg, Arm swpal / ldaxr-stlxr)"
#define PP_WHAT_RMW "fetch-add 0 on the line until it returns in, then exchange it with out: the poll is an atomic RMW"

static inline uint64_t pp_pass_c11(uint64_t *w, uint64_t old, uint64_t nw)
{
	(void)old;
	return __atomic_exchange_n(w, nw, __ATOMIC_ACQ_REL);
}

#if defined(__x86_64__)
static inline uint64_t pp_pass_asm(uint64_t *w, uint64_t old, uint64_t nw)
{
	(void)old;
	__asm__ __volatile__("xchgq %0, %1" : "+r"(nw), "+m"(*w) :: "memory");
	return nw;
}
#elif defined(__aarch64__)
static inline uint64_t pp_pass_lse(uint64_t *w, uint64_t old, uint64_t nw)
{
	uint64_t v;

	(void)old;
	__asm__ __volatile__(".arch_extension lse\n\tswpal %2, %0, [%1]"
			     : "=r"(v) : "r"(w), "r"(nw) : "memory");
	return v;
}

static inline uint64_t pp_pass_llsc(uint64_t *w, uint64_t old, uint64_t nw)
{
	uint64_t v;
	uint32_t fail;

	(void)old;
	__asm__ __volatile__("1:\tldaxr %0, [%2]\n\t"
			     "stlxr %w1, %3, [%2]\n\t"
			     "cbnz %w1, 1b"
			     : "=&r"(v), "=&r"(fail) : "r"(w), "r"(nw) : "memory");
	return v;
}
#endif

#include "pp_tmpl.h"
