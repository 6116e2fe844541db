/* pp_cas.c: the token is passed by compare-and-swap: after seeing its turn
 * (load spin) the agent swaps its word from out-1 to out with one locked
 * CAS, and returns the value found (out-1 when nobody else wrote). */
#include <stdint.h>
#include <stdio.h>

#define PP_PREFIX pp_cas
#define PP_NAME "cas"
#define PP_WHAT "load-spin until *peer == in, then CAS *mine from out-1 to out (x86 lock cmpxchg, Arm casal / ldaxr-stlxr)"
#define PP_WHAT_RMW "CAS the line from in to out until it succeeds: the CAS is the poll (c2clat -w)"
#define PP_TRY_IS_PASS

static inline uint64_t pp_pass_c11(uint64_t *w, uint64_t old, uint64_t nw)
{
	__atomic_compare_exchange_n(w, &old, nw, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
	return old; /* on failure, the value found */
}

#if defined(__x86_64__)
static inline uint64_t pp_pass_asm(uint64_t *w, uint64_t old, uint64_t nw)
{
	/* rax holds the expected value in and the found value out */
	__asm__ __volatile__("lock cmpxchgq %2, %1"
			     : "+a"(old), "+m"(*w)
			     : "r"(nw)
			     : "memory", "cc");
	return old;
}
#elif defined(__aarch64__)
static inline uint64_t pp_pass_lse(uint64_t *w, uint64_t old, uint64_t nw)
{
	/* casal: old in, found value out, acquire+release */
	__asm__ __volatile__(".arch_extension lse\n\tcasal %0, %2, [%1]"
			     : "+r"(old) : "r"(w), "r"(nw) : "memory");
	return old;
}

static inline uint64_t pp_pass_llsc(uint64_t *w, uint64_t old, uint64_t nw)
{
	uint64_t found;
	uint32_t fail;

	/* exclusive pair; retry only when the reservation was lost */
	__asm__ __volatile__("1:\tldaxr %0, [%2]\n\t"
			     "cmp %0, %3\n\t"
			     "b.ne 2f\n\t"
			     "stlxr %w1, %4, [%2]\n\t"
			     "cbnz %w1, 1b\n"
			     "2:"
			     : "=&r"(found), "=&r"(fail)
			     : "r"(w), "r"(old), "r"(nw)
			     : "memory", "cc");
	return found;
}
#endif

#include "pp_tmpl.h"
