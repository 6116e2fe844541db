/* contend_cas.c: compare-and-swap *mine from the last value seen to that
 * value + 1, hammered until *stop.  Per op (x86-64, gcc 12 -O2): lea
 * 1(v),new; lock cmpxchg new,(p); sete; movzbl; two adds (aarch64: asm-lse
 * one `cas`, asm-llsc ldxr/cmp/stxr); a failed CAS returns the current value,
 * which becomes the next expected value (v = seen + ok), so there is no
 * reload and no branch: an op is an attempt, kres.sum counts the successes.
 * The harness checks that the word's final value is the sum of all agents'
 * successes (each success added exactly 1). */
#define CT_PREFIX contend_cas
#define CT_NAME "cas"
#define CT_WHAT "atomic compare-and-swap v -> v+1 (relaxed); on failure v = the value seen; counts successes"
#define CT_INIT(a) __atomic_load_n((a)->mine, __ATOMIC_RELAXED)
#define CT_OP(p, v, sum)                                                      \
	{                                                                     \
		uint64_t seen_ = v;                                           \
		uint64_t ok_ = __atomic_compare_exchange_n(p, &seen_, seen_ + 1, 0, \
							 __ATOMIC_RELAXED,    \
							 __ATOMIC_RELAXED);   \
		sum += ok_;                                                   \
		v = seen_ + ok_;                                              \
	}
#define CT_RESULT(v, sum) (sum)
#include "contend_tmpl.h"
