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

unsigned arms_square_rows(unsigned k)
{
	return k % 2 ? 2 * k : k;
}

/* Row r of the Williams square: the first row is 0, 1, k-1, 2, k-2, ...
 * (each step alternately forward and back), row r adds r mod k; for odd k
 * rows k .. 2k-1 are rows 0 .. k-1 reversed. */
unsigned arms_order(unsigned k, uint64_t round, unsigned j)
{
	unsigned rows = arms_square_rows(k), r = (unsigned)(round % rows), first;

	if (r >= k) {
		r -= k;
		j = k - 1 - j;
	}
	first = j % 2 ? (j + 1) / 2 : (k - j / 2) % k;
	return (first + r) % k;
}

uint64_t arms_rounds(unsigned k, uint64_t samples)
{
	uint64_t p = (samples + ARMS_BLOCK - 1) / ARMS_BLOCK, rows = arms_square_rows(k);

	p = p < ARMS_MIN_PAIRS ? ARMS_MIN_PAIRS : p;
	return (p + rows - 1) / rows * rows; /* whole squares */
}

uint64_t arms_pairs(uint64_t samples)
{
	return arms_rounds(2, samples);
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

void arms_verdicts(const double *const *v, unsigned k, unsigned ref, uint64_t rounds, double margin_pct,
		   struct cp_verdict *vd)
{
	double conf = verdict_family_conf(k - 1);

	for (unsigned x = 0; x < k; x++)
		if (x != ref)
			verdict_from_blocks_at(v[ref], v[x], rounds, ARMS_BLOCK, margin_pct, conf, &vd[x]);
}

int arms_go_on(const double *const *v, unsigned k, unsigned ref, uint64_t pairs, uint64_t base, uint64_t cap,
	       int grow, double margin_pct, struct cp_verdict *vd)
{
	int open = 0;

	if (pairs < base)
		return 1;
	if (!grow || pairs >= cap)
		return 0;
	arms_verdicts(v, k, ref, pairs, margin_pct, vd);
	for (unsigned x = 0; x < k; x++)
		open |= x != ref && vd[x].v == VERDICT_inconclusive;
	return open;
}

/* A after a block of arm x: what its counters took since the last
 * block goes to arm x. */
static void a_counts(struct agent_ctx *c, struct arms *a, unsigned x, uint64_t *last)
{
	uint64_t now[CP_MAX_COUNTERS] = { 0 };

	agent_counters_totals(c, now, a->a_ctr_valid);
	for (int i = 0; i < CP_MAX_COUNTERS; i++) {
		a->a_ctr[x][i] += now[i] - last[i];
		last[i] = now[i];
	}
}

/* A: pair p's block of arm x is announced as (p + 1) << 1 | x, so each
 * block has its own word (a partner never runs a block twice, and 0 is
 * no block yet). */
static int agent_a(struct agent_ctx *c, struct arms *a, const struct sampler_ops *ops, void *st)
{
	const double *v[2] = { a->smp[0].v, a->smp[1].v };
	struct cp_verdict vd[2];
	uint64_t p = 0, last[CP_MAX_COUNTERS] = { 0 };
	int rc = 0, stopped = 0;

	if ((rc = sampler_calibrate(c, &a->smp[0], ops, st)))
		goto out;
	a->smp[1].iters_used = a->smp[0].iters_used;
	if ((rc = agent_check_cpu(c, 0)))
		goto out;
	for (; !stopped && (p % 2 || arms_go_on(v, 2, 0, p, a->pairs, a->max_pairs, a->grow, a->margin_pct, vd));
	     p++)
		for (unsigned j = 0; j < 2 && !stopped; j++) {
			unsigned x = arms_order(2, p, j);

			publish(a, (uint32_t)((p + 1) << 1 | x));
			if ((rc = sampler_block(c, &a->smp[x], ops, st, ARMS_WARM, p * ARMS_BLOCK, ARMS_BLOCK,
						&stopped)))
				goto out;
			a_counts(c, a, x, last);
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
	for (unsigned x = 0; target_ci > 0 && x < a->k; x++)
		if (x != a->ref && a->verdict[x].v == VERDICT_inconclusive)
			return "max-samples";
	if (target_ci > 0)
		return "target-ci";
	return "samples";
}

int arms_runs_measure(const struct sampler_req *req, double margin_pct, arms_block_fn fn, void *arg,
		      struct arms_runs *a, struct cp_err *e)
{
	const struct arms_design d = { .k = 2, .ref = 0, .margin_pct = margin_pct };

	return arms_runs_measure_k(req, &d, fn, arg, a, e);
}

/* Round p: one block of each arm in the square's order.  Past the deadline
 * no block starts: rounds 0 .. p-1 are whole and a part of round p is not
 * counted. */
static int one_round(const struct sampler_req *req, arms_block_fn fn, void *arg, struct arms_runs *a, uint64_t p,
		     struct cp_err *e)
{
	struct sampler_req b = *req;
	int rc = 0;

	b.samples = ARMS_BLOCK;
	b.max_samples = 0;
	b.target_ci = 0;
	b.warmup = req->warmup > ARMS_WARM ? req->warmup : ARMS_WARM;
	b.deadline = 0; /* a block is taken whole: the deadline is checked between blocks */
	for (unsigned j = 0; j < a->k && !rc && !stopped_by(req); j++) {
		unsigned x = arms_order(a->k, p, j);
		struct arms_block_out out = { 0 };

		if ((a->capped = past_deadline(req)))
			break;
		/* --iters, else what the first block calibrated (0 before it) */
		b.iters = req->iters ? req->iters : a->iters;
		rc = fn(arg, (int)x, &b, a->v[x] + p * ARMS_BLOCK, &out, e);
		a->iters = out.iters;
		/* the mean over the arm's blocks so far */
		a->sample_ns[x] += (out.sample_ns - a->sample_ns[x]) / (double)(p + 1);
	}
	return rc;
}

int arms_runs_measure_k(const struct sampler_req *req, const struct arms_design *d, arms_block_fn fn, void *arg,
			struct arms_runs *a, struct cp_err *e)
{
	uint64_t base = arms_rounds(d->k, req->samples), cap = base * (req->target_ci > 0 ? ARMS_GROWTH : 1), p;
	unsigned rows = arms_square_rows(d->k);
	int rc = 0;

	memset(a, 0, sizeof(*a));
	if (d->k < 2 || d->k > ARMS_MAX || d->ref >= d->k)
		return cp_errf(e, CP_EUSAGE, "arms: %u arms, baseline %u: 2 to %d arms allowed", d->k, d->ref,
			       ARMS_MAX);
	a->k = d->k;
	a->ref = d->ref;
	for (unsigned x = 0; x < a->k; x++)
		a->v[x] = cp_xcalloc(cap * ARMS_BLOCK, sizeof(double));
	for (p = 0; !rc && !stopped_by(req) && !a->capped &&
		    (p % rows || arms_go_on((const double *const *)a->v, a->k, a->ref, p, base, cap,
					     req->target_ci > 0, d->margin_pct, a->verdict));
	     p++)
		rc = one_round(req, fn, arg, a, p, e);
	/* a round cut by the deadline is not counted */
	a->pairs = rc || stopped_by(req) ? 0 : a->capped ? p - 1 : p;
	if (a->pairs)
		arms_verdicts((const double *const *)a->v, a->k, a->ref, a->pairs, d->margin_pct, a->verdict);
	return rc;
}

void arms_runs_free(struct arms_runs *a)
{
	for (unsigned x = 0; x < ARMS_MAX; x++) {
		free(a->v[x]);
		a->v[x] = NULL;
	}
}
