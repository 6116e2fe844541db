/* contend_store.c: plain stores to *mine, hammered until *stop.  Per op
 * (x86-64, gcc 12 -O2): mov v,(p); add step,v (aarch64: str; add) - a
 * relaxed atomic store, so the compiler may not merge or drop them.
 * The values are a->out, a->out + a->step, ...: the harness gives every
 * agent its own out (tag) and a common step, so the word's final value
 * tells which agent stored last and how many stores it did; kres.sum is the
 * last value this agent stored. */
#define CT_PREFIX contend_store
#define CT_NAME "store"
#define CT_WHAT "relaxed atomic store of out + k*step (k = 0, 1, ...); sum = the last value stored"
#define CT_INIT(a) (a)->out
#define CT_OP(p, v, sum)                               \
	{                                              \
		__atomic_store_n(p, v, __ATOMIC_RELAXED); \
		v += step;                             \
	}
#define CT_RESULT(v, sum) (v - step)
#include "contend_tmpl.h"
