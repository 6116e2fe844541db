/* arms.c: interleaved arms (see arms.h). */
#include "arms.h"

#include <errno.h>
#include <linux/futex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "timer.h"

#define ARMS_DONE 0xffffffffu
/* a parked partner looks at the abort flag this often */
#define ARMS_PARK_CHECK_NS 100000000L

uint64_t arms_pairs(uint64_t samples)
{
	uint64_t p = (samples + ARMS_BLOCK - 1) / ARMS_BLOCK;

	p = p < ARMS_MIN_PAIRS ? ARMS_MIN_PAIRS : p;
	return p + p % 2; /* whole ABBA quadruples */
}

uint64_t arms_max_values(uint64_t samples, int grow)
{
	return arms_pairs(samples) * (grow ? ARMS_GROWTH : 1) * ARMS_BLOCK;
}

void arms_init(struct arms *a, const struct sampler_req *r, const struct sampler_tune *t, double *v0, double *v1,
	       double margin_pct)
{
	memset(a, 0, sizeof(*a));
	a->grow = r->target_ci > 0;
	a->pairs = arms_pairs(r->samples);
	a->max_pairs = a->pairs * (a->grow ? ARMS_GROWTH : 1);
	a->margin_pct = margin_pct;
	for (int x = 0; x < 2; x++) {
		sampler_init(&a->smp[x], r, t, x ? v1 : v0);
		a->smp[x].bar = &a->bar[x];
		a->bar[x].n = 2;
	}
}

static uint32_t *turn_word(struct arms *a)
{
	return (uint32_t *)&a->turn.v;
}

/* A: hand the next block to arm x and wake its partner.  Not private:
 * the partner may be another process. */
static void publish(struct arms *a, uint32_t w)
{
	__atomic_store_n(turn_word(a), w, __ATOMIC_RELEASE);
	syscall(SYS_futex, turn_word(a), FUTEX_WAKE, 2, NULL, NULL, 0);
}

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* A partner between its blocks: sleep on the turn word until it names a
 * new block of this arm (*w) or the end.  -1 when another agent failed. */
static int park(struct agent_ctx *c, struct arms *a, unsigned x, uint32_t last, uint32_t *w)
{
	uint64_t cpu0 = thread_cpu_ns(), t0 = cp_clock_ns();
	struct timespec to = { 0, ARMS_PARK_CHECK_NS };
	int rc = 0;

	for (;;) {
		*w = __atomic_load_n(turn_word(a), __ATOMIC_ACQUIRE);
		if (*w == ARMS_DONE || ((*w & 1) == x && *w != last))
			break;
		if (__atomic_load_n(&c->sh->abort.v, __ATOMIC_ACQUIRE)) {
			rc = -1;
			break;
		}
		syscall(SYS_futex, turn_word(a), FUTEX_WAIT, *w, &to, NULL, 0);
	}
	a->parked_cpu_ns[x] += thread_cpu_ns() - cpu0;
	a->parked_ns[x] += cp_clock_ns() - t0;
	return rc;
}

/* Agent 1 + x: arm x's partner. */
static int partner(struct agent_ctx *c, struct arms *a, const struct sampler_ops *ops, void *st)
{
	unsigned x = c->id - 1;
	uint32_t w = 0, last = 0;
	int rc, stopped = 0;

	if (x == 0 && (rc = sampler_calibrate(c, &a->smp[0], ops, st)))
		return rc;
	for (;;) {
		if (park(c, a, x, last, &w))
			return -1;
		if (w == ARMS_DONE)
			return stopped ? 0 : agent_check_cpu(c, 1);
		last = w;
		if ((rc = sampler_block(c, &a->smp[x], ops, st, ARMS_WARM, (uint64_t)((w >> 1) - 1) * ARMS_BLOCK,
					ARMS_BLOCK, &stopped)))
			return rc;
	}
}

int arms_go_on(const double *v0, const double *v1, uint64_t pairs, uint64_t base, uint64_t cap, int grow,
	       double margin_pct, struct cp_verdict *v)
{
	if (pairs < base)
		return 1;
	if (!grow || pairs >= cap)
		return 0;
	verdict_from_blocks(v0, v1, pairs, ARMS_BLOCK, margin_pct, v);
	return v->v == VERDICT_inconclusive;
}

/* A: pair p's block of arm x is announced as (p + 1) << 1 | x, so each
 * block has its own word (a partner never runs a block twice, and 0 is
 * no block yet). */
static int agent_a(struct agent_ctx *c, struct arms *a, const struct sampler_ops *ops, void *st)
{
	uint64_t p = 0;
	int rc = 0, stopped = 0;

	if ((rc = sampler_calibrate(c, &a->smp[0], ops, st)))
		goto out;
	a->smp[1].iters_used = a->smp[0].iters_used;
	if ((rc = agent_check_cpu(c, 0)))
		goto out;
	for (; !stopped && (p % 2 || arms_go_on(a->smp[0].v, a->smp[1].v, p, a->pairs, a->max_pairs, a->grow,
						     a->margin_pct, &a->verdict)); p++)
		for (unsigned j = 0; j < 2 && !stopped; j++) {
			unsigned x = arms_order(p, j);

			publish(a, (uint32_t)((p + 1) << 1 | x));
			if ((rc = sampler_block(c, &a->smp[x], ops, st, ARMS_WARM, p * ARMS_BLOCK, ARMS_BLOCK,
						&stopped)))
				goto out;
		}
	a->pairs_done = stopped ? p - 1 : p;
	verdict_from_blocks(a->smp[0].v, a->smp[1].v, a->pairs_done, ARMS_BLOCK, a->margin_pct, &a->verdict);
	for (int x = 0; x < 2; x++)
		a->smp[x].nsamples = a->pairs_done * ARMS_BLOCK;
	rc = stopped ? 0 : agent_check_cpu(c, 1);
out:
	publish(a, ARMS_DONE);
	return rc;
}

unsigned arms_order(uint64_t pair, unsigned j)
{
	return pair % 2 ? 1 - j : j;
}

int arms_run(struct agent_ctx *c, struct arms *a, const struct sampler_ops *ops, void *st)
{
	return c->id == 0 ? agent_a(c, a, ops, st) : partner(c, a, ops, st);
}

/* ---- arms of one run per block ---- */

static int stopped_by(const struct sampler_req *r)
{
	return r->intr && __atomic_load_n(r->intr, __ATOMIC_RELAXED);
}

static int past_deadline(const struct sampler_req *r)
{
	return r->deadline > 0 && cp_now_s() > r->deadline;
}

const char *arms_runs_stop(const struct arms_runs *a, double target_ci)
{
	if (a->capped)
		return "time-limit";
	if (target_ci > 0)
		return a->verdict.v == VERDICT_inconclusive ? "max-samples" : "target-ci";
	return "samples";
}

int arms_runs_measure(const struct sampler_req *req, double margin_pct, arms_block_fn fn, void *arg,
		      struct arms_runs *a, struct cp_err *e)
{
	uint64_t base = arms_pairs(req->samples), cap = base * (req->target_ci > 0 ? ARMS_GROWTH : 1), p;
	struct sampler_req b = *req;
	int rc = 0;

	memset(a, 0, sizeof(*a));
	for (int x = 0; x < 2; x++)
		a->v[x] = cp_xcalloc(cap * ARMS_BLOCK, sizeof(double));
	b.samples = ARMS_BLOCK;
	b.max_samples = 0;
	b.target_ci = 0;
	b.warmup = req->warmup > ARMS_WARM ? req->warmup : ARMS_WARM;
	b.deadline = 0; /* a block is taken whole: the deadline is checked between blocks */
	for (p = 0; !rc && !stopped_by(req) && !a->capped &&
		    (p % 2 || arms_go_on(a->v[0], a->v[1], p, base, cap, req->target_ci > 0, margin_pct, &a->verdict));
	     p++)
		for (unsigned j = 0; j < 2 && !rc && !stopped_by(req); j++) {
			unsigned x = arms_order(p, j);
			struct arms_block_out out = { 0 };

			/* past it, pairs 0 .. p-1 are whole; a half of pair p is not counted */
			if ((a->capped = past_deadline(req)))
				goto done;
			/* --iters, else what the first block calibrated (0 before it) */
			b.iters = req->iters ? req->iters : a->iters;
			rc = fn(arg, (int)x, &b, a->v[x] + p * ARMS_BLOCK, &out, e);
			a->iters = out.iters;
			/* the mean over the arm's blocks so far */
			a->sample_ns[x] += (out.sample_ns - a->sample_ns[x]) / (double)(p + 1);
		}
done:
	a->pairs = rc || stopped_by(req) ? 0 : p;
	if (a->pairs)
		verdict_from_blocks(a->v[0], a->v[1], a->pairs, ARMS_BLOCK, margin_pct, &a->verdict);
	return rc;
}

void arms_runs_free(struct arms_runs *a)
{
	free(a->v[0]);
	free(a->v[1]);
	a->v[0] = a->v[1] = NULL;
}
