/* contend_tmpl.h: the one template of the contend kernels.  A kernel file
 * defines
 *   CT_PREFIX        file prefix of the registry (KFILE name), e.g. contend_faa
 *   CT_NAME          the op's name ("faa")
 *   CT_WHAT          one line: what one operation does
 *   CT_INIT(a)       expression: the loop-carried value v before the loop
 *   CT_OP(p, v, sum) one operation on *p (v and sum are loop-carried locals,
 *                    step the local copy of a->step)
 *   CT_RESULT(v, sum) expression stored in kres.sum
 * then includes this header, which defines the kernel and its registry
 * entry (CT_PREFIX_kernels / CT_PREFIX_nkernels).
 *
 * Loop: until *stop is set or the bound a->iters (ops, rounded up to whole
 * blocks) is reached, run blocks of CT_BLOCK unrolled operations.  The stop
 * flag is read once per block, not per op: a load and a branch per op would
 * share the pipeline with the op being measured (a plain store retires far
 * faster than a cross-core round trip, so one extra load per store is a
 * visible fraction of it), while one check per 64 ops costs < 2% and delays
 * the stop by at most 64 ops (well under a microsecond, against samples of
 * a millisecond).  The stop line is written once per sample, so the check
 * is an L1 hit. */
#include <stdint.h>

#include "kernel.h"

#define CT_BLOCK 64

#define CT_REP4(x) x x x x
#define CT_REP16(x) CT_REP4(x) CT_REP4(x) CT_REP4(x) CT_REP4(x)
#define CT_REP64(x) CT_REP16(x) CT_REP16(x) CT_REP16(x) CT_REP16(x)

#define CT_CAT_(a, b) a##b
#define CT_CAT(a, b) CT_CAT_(a, b)
#define CT_FN CT_CAT(CT_PREFIX, _c11)

static void CT_FN(const struct kargs *a, struct kres *r)
{
	uint64_t *p = a->mine;
	const volatile uint64_t *stop = a->stop;
	uint64_t blocks = 0, limit = a->iters / CT_BLOCK + (a->iters % CT_BLOCK != 0);
	/* step: a local, not a->step, which a store through p may alias */
	const uint64_t step = a->step;
	uint64_t sum = 0, v = CT_INIT(a);

	(void)v;
	(void)sum;
	(void)step;
	while (blocks < limit && !*stop) {
		CT_REP64(CT_OP(p, v, sum))
		blocks++;
	}
	r->ops = blocks * CT_BLOCK;
	r->sum = CT_RESULT(v, sum);
}

const struct kernel CT_CAT(CT_PREFIX, _kernels)[] = {
	{ "contend", CT_NAME, "c11", "", CT_FN, NULL, CT_WHAT },
};
const size_t CT_CAT(CT_PREFIX, _nkernels) = CP_ARRAY_SIZE(CT_CAT(CT_PREFIX, _kernels));
