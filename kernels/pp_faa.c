/* pp_faa.c: the token is passed by fetch-and-add of 1: out = out-1 + 1,
 * returning the value before the add. */
#include <stdint.h>
#include <stdio.h>

#define PP_PREFIX pp_faa
#define PP_NAME "faa"
#define PP_WHAT "load-spin until *peer == in, then fetch-add 1 to *mine (x86 lock xadd, Arm ldaddal / ldaxr-add-stlxr)"
#define PP_WHAT_RMW "fetch-add 0 on the line until it returns in, then fetch-add 1: the poll is an atomic RMW"

static inline uint64_t pp_pass_c11(uint64_t *w, uint64_t old, uint64_t nw)
{
	(void)old;
	(void)nw;
	return __atomic_fetch_add(w, 1, __ATOMIC_ACQ_REL);
}

#if defined(__x86_64__)
static inline uint64_t pp_pass_asm(uint64_t *w, uint64_t old, uint64_t nw)
{
	uint64_t v = 1;

	(void)old;
	(void)nw;
	__asm__ __volatile__("lock xaddq %0, %1" : "+r"(v), "+m"(*w) :: "memory", "cc");
	return v;
}
#elif defined(__aarch64__)
static inline uint64_t pp_pass_lse(uint64_t *w, uint64_t old, uint64_t nw)
{
	uint64_t v;

	(void)old;
	(void)nw;
	__asm__ __volatile__(".arch_extension lse\n\tldaddal %2, %0, [%1]"
			     : "=r"(v) : "r"(w), "r"((uint64_t)1) : "memory");
	return v;
}

static inline uint64_t pp_pass_llsc(uint64_t *w, uint64_t old, uint64_t nw)
{
	uint64_t v, t;
	uint32_t fail;

	(void)old;
	(void)nw;
	__asm__ __volatile__("1:\tldaxr %0, [%3]\n\t"
			     "add %1, %0, #1\n\t"
			     "stlxr %w2, %1, [%3]\n\t"
			     "cbnz %w2, 1b"
			     : "=&r"(v), "=&r"(t), "=&r"(fail) : "r"(w) : "memory");
	return v;
}
#endif

#include "pp_tmpl.h"
