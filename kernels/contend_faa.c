/* contend_faa.c: fetch-and-add 1 on *mine, hammered until *stop.
 * Per op (x86-64, gcc 12 -O2, checked in the .s): mov $1,reg; lock xadd
 * reg,(p); add reg,sum - the result is kept, so it is not a `lock add`.
 * aarch64: asm-lse one `ldadd`, asm-llsc an ldxr/add/stxr/cbnz loop.
 * Per block of 64: one load of *stop, a test, the block count.
 * kres.sum = the sum of the values the agent's adds returned: over all
 * agents of one word those are exactly 0..total-1 when the adds were atomic,
 * so the harness checks sum == total*(total-1)/2 and *word == total. */
#define CT_PREFIX contend_faa
#define CT_NAME "faa"
#define CT_WHAT "atomic fetch-add 1 (relaxed), adds the returned value to the checksum"
#define CT_INIT(a) 0
#define CT_OP(p, v, sum) sum += __atomic_fetch_add(p, 1, __ATOMIC_RELAXED);
#define CT_RESULT(v, sum) (sum)
#include "contend_tmpl.h"
