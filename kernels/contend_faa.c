/* contend_faa.c: fetch-and-add 1 on *mine, hammered until *stop.
 * x86-64: one `lock xadd` per op (result kept, so not `lock add`);
 * aarch64 with LSE: `ldadd`, else an ldxr/stxr loop.
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
