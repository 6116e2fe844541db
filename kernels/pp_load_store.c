/* pp_load_store.c: the token is passed by a plain store (x86 mov: a
 * release by TSO; Arm stlr).  A store returns nothing, so the checksum
 * counts old, the value the agent's own word held by construction; the
 * harness checks the line's final value instead. */
#include <stdint.h>
#include <stdio.h>

#define PP_PREFIX pp_load_store
#define PP_NAME "load-store"
#define PP_WHAT "load-spin until *peer == in, then store out to *mine (x86 mov, Arm stlr)"

static inline uint64_t pp_pass_c11(uint64_t *w, uint64_t old, uint64_t nw)
{
	__atomic_store_n(w, nw, __ATOMIC_RELEASE);
	return old;
}

#if defined(__x86_64__)
static inline uint64_t pp_pass_asm(uint64_t *w, uint64_t old, uint64_t nw)
{
	__asm__ __volatile__("movq %1, %0" : "=m"(*w) : "r"(nw) : "memory");
	return old;
}
#elif defined(__aarch64__)
static inline uint64_t pp_pass_lse(uint64_t *w, uint64_t old, uint64_t nw)
{
	__asm__ __volatile__("stlr %1, [%0]" :: "r"(w), "r"(nw) : "memory");
	return old;
}
#define pp_pass_llsc pp_pass_lse
#endif

#include "pp_tmpl.h"
