/* sampler.c: the one sample loop (see sampler.h). */
#include "sampler.h"

#include <string.h>

#include "stats.h"

uint64_t sampler_max_samples(const struct sampler_req *r)
{
	uint64_t m = r->target_ci > 0 ? r->samples * SAMPLER_TARGET_CI_GROWTH : r->samples;

	if (r->max_samples)
		return r->max_samples > r->samples ? r->max_samples : r->samples;

	/* within the largest --samples allowed; the buffer always holds what was asked */
	if (m > SAMPLER_SAMPLES_MAX)
		m = r->samples > SAMPLER_SAMPLES_MAX ? r->samples : SAMPLER_SAMPLES_MAX;
	return m ? m : 1;
}

void sampler_init(struct sampler *s, const struct sampler_req *r, const struct sampler_tune *t, double *v)
{
	memset(s, 0, sizeof(*s));
	s->timer = r->timer;
	s->intr = r->intr;
	s->iters = r->iters;
	s->cal_iters = t->cal_iters;
	s->iters_lo = t->iters_lo;
	s->iters_hi = t->iters_hi;
	s->sample_ns = t->sample_ns;
	s->warmup = r->warmup;
	s->samples = r->samples;
	s->max_samples = sampler_max_samples(r);
	s->target_ci = r->target_ci;
	s->deadline = r->deadline;
	s->v = v;
}

const char *sampler_stop(const struct sampler *s)
{
	if (s->capped)
		return "time-limit";
	if (s->target_ci > 0)
		return s->ci_met ? "target-ci" : "max-samples";
	return "samples";
}

double sampler_sample_ns(const struct sampler *s)
{
	return s->nsamples ? s->wall_ns / (double)s->nsamples : 0;
}

static int barrier(struct agent_ctx *c, struct sampler *s)
{
	return s->bar ? agents_bar_wait(c, s->bar) : agents_barrier(c);
}

/* Agent 0, before a gate: the next sample's go, iterations and the
 * published value. */
static void gate_set(struct sampler *s, const struct sampler_ops *ops, void *st, uint64_t go, uint64_t iters)
{
	struct sampler_gate *g = &s->gate[s->ngates & 1];

	g->pub = ops->publish ? ops->publish(st) : 0;
	if (go == SAMPLER_GO && s->intr && __atomic_load_n(s->intr, __ATOMIC_RELAXED)) {
		go = SAMPLER_QUIT;
		s->interrupted = 1;
	}
	if (go == SAMPLER_GO && s->deadline > 0 && cp_now_s() > s->deadline) {
		go = SAMPLER_QUIT;
		s->capped = 1;
	}
	g->go = go;
	g->iters = iters;
}

/* Every agent: the gate's barrier, then its word.  -1: another agent failed. */
static int gate_pass(struct agent_ctx *c, struct sampler *s, uint64_t *ngates, struct sampler_gate *out)
{
	if (barrier(c, s))
		return -1;
	*out = s->gate[*ngates & 1];
	++*ngates;
	if (c->id == 0)
		s->ngates = *ngates;
	return 0;
}

/* Iterations for a sample of ~sample_ns at `per` ns of wall time per
 * iteration. */
static uint64_t calibrate(const struct sampler *s, double per)
{
	double n;

	per = per > 0.01 ? per : 0.01;
	n = s->sample_ns / per;
	return n < (double)s->iters_lo ? s->iters_lo : n > (double)s->iters_hi ? s->iters_hi : (uint64_t)n;
}

/* One sample after its gate: prepare, the timed pass, after.  *wall: the
 * pass's wall time, ns (what sizes the samples and bounds them); *value:
 * agent 0's value.  Between the two stamps (x86-64, gcc 12 -O2, checked
 * with objdump): mfence; lfence; rdtsc; lfence, one indirect call of the
 * pass (which calls the kernel, whose loop is the measured one), mfence;
 * rdtscp; lfence.  The two calls cost a few ns per sample, divided by the
 * sample's iterations (a sample lasts >= 50 us).  A self-timed pass stamps
 * its own region inside (sync: the round trips less the hold-offs); the
 * engine's stamps then give only the wall time. */
static int sample(struct agent_ctx *c, struct sampler *s, const struct sampler_ops *ops, void *st,
		  const struct sampler_gate *g, int64_t idx, double *wall, double *value)
{
	uint64_t t0, t1, ticks = 0, it = g->iters;
	int rc;

	if (ops->prepare && (rc = ops->prepare(c, st, g->pub)))
		return rc;
	if (idx >= 0 && !ops->self_counted)
		agent_counters_start(c);
	t0 = timer_begin(&s->timer);
	rc = ops->pass(c, st, it, ops->self_timed ? &ticks : NULL);
	t1 = timer_end(&s->timer);
	if (!ops->self_timed)
		ticks = t1 - t0;
	if (idx >= 0 && !ops->self_counted)
		agent_counters_stop(c);
	if (rc)
		return rc;
	*wall = timer_ns(&s->timer, t1 - t0);
	*value = timer_ns(&s->timer, ticks) / (double)it;
	return ops->after ? ops->after(c, st, idx, it, timer_ns(&s->timer, ticks), value) : 0;
}

/* Agent 0 at the end of a batch: the next target, or n when done. */
static uint64_t next_target(struct sampler *s, uint64_t n)
{
	struct cp_stats st;

	s->nsamples = n;
	if (!(s->target_ci > 0) || n >= s->max_samples)
		return n;
	stats_compute(s->v, n, &st);
	if (stats_ci_rel_pct(&st) <= s->target_ci) {
		s->ci_met = 1;
		return n;
	}
	return n + s->samples < s->max_samples ? n + s->samples : s->max_samples;
}

/* The per-iteration wall time to size samples from (see
 * SAMPLER_CAL_PASSES): the slowest of per[0..n) that another confirms;
 * *alone: the slowest of all stands alone (a pass to confirm it is due). */
static double cal_estimate(const double *per, int n, int *alone)
{
	double v[SAMPLER_CAL_PASSES + SAMPLER_CAL_EXTRA];

	memcpy(v, per, (size_t)n * sizeof(double));
	for (int i = 1; i < n; i++)   /* descending: at most a handful */
		for (int j = i; j > 0 && v[j] > v[j - 1]; j--) {
			double t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	*alone = 1;
	for (int i = 0; i + 1 < n; i++)
		if (v[i + 1] * SAMPLER_CAL_CONFIRM >= v[i]) {
			*alone = i > 0;
			return v[i];
		}
	return v[n - 1];
}

/* The warm-up: s->warmup passes, and with auto iterations the calibration
 * passes first (at least SAMPLER_CAL_PASSES, see there). */
static int warm_up(struct agent_ctx *c, struct sampler *s, const struct sampler_ops *ops, void *st,
		   uint64_t *ngates)
{
	uint64_t it = s->iters ? s->iters : s->cal_iters;
	double per[SAMPLER_CAL_PASSES + SAMPLER_CAL_EXTRA];
	int ncal = 0, cal = !s->iters, alone = 0;
	struct sampler_gate g;
	double wall, value;
	int rc;

	for (uint64_t w = 0;; w++) {
		if (c->id == 0)
			gate_set(s, ops, st, w < s->warmup || cal ? SAMPLER_GO : SAMPLER_WARMED, it);
		if (gate_pass(c, s, ngates, &g))
			return -1;
		if (g.go == SAMPLER_WARMED)
			break;
		if (g.go != SAMPLER_GO)
			return 0;
		if ((rc = sample(c, s, ops, st, &g, -1, &wall, &value)))
			return rc;
		if (!cal || c->id)
			continue;
		if (w == 0) {
			it = calibrate(s, wall / (double)g.iters);
			continue;
		}
		per[ncal++] = wall / (double)g.iters;
		it = calibrate(s, cal_estimate(per, ncal, &alone));
		cal = ncal < SAMPLER_CAL_PASSES - 1 || (alone && ncal < SAMPLER_CAL_PASSES - 1 + SAMPLER_CAL_EXTRA);
		/* a slowest that stands alone gets a pass sized for it, to confirm
		 * it (or not) without running the slow mode a hundred times over */
		if (cal && alone) {
			double slowest = 0;

			for (int k = 0; k < ncal; k++)
				slowest = per[k] > slowest ? per[k] : slowest;
			it = calibrate(s, slowest);
		}
	}
	if (c->id == 0)
		s->iters_used = it;
	return 0;
}

/* Agent 0 after timed sample n: its wall time counted; with auto
 * iterations, two overshooting samples close together cut the iterations
 * to the target at the milder one's rate (see SAMPLER_OVERSHOOT). */
static void after_timed(struct sampler *s, uint64_t n, double wall)
{
	double per = wall / (double)s->iters_used;

	s->wall_ns += wall;
	if (s->iters || !(wall > SAMPLER_OVERSHOOT * s->sample_ns) || s->iters_used <= s->iters_lo)
		return;
	if (s->over_at && n + 1 - s->over_at <= SAMPLER_OVER_WINDOW) {
		s->iters_used = calibrate(s, per < s->over_per ? per : s->over_per);
		s->resized++;
		s->over_at = 0;
		return;
	}
	s->over_at = n + 1;
	s->over_per = per;
}

int sampler_calibrate(struct agent_ctx *c, struct sampler *s, const struct sampler_ops *ops, void *st)
{
	uint64_t ngates = s->ngates;

	return warm_up(c, s, ops, st, &ngates);
}

int sampler_run(struct agent_ctx *c, struct sampler *s, const struct sampler_ops *ops, void *st)
{
	uint64_t n = 0, target = s->samples, ngates = 0;
	struct sampler_gate g = { .go = SAMPLER_GO };
	double wall, value;
	int rc;

	if ((rc = warm_up(c, s, ops, st, &ngates)))
		return rc;
	for (;;) {
		if (c->id == 0) {
			if (n == target)
				target = next_target(s, n);
			gate_set(s, ops, st, n < target ? SAMPLER_GO : SAMPLER_DONE, s->iters_used);
		}
		if (gate_pass(c, s, &ngates, &g))
			return -1;
		if (g.go != SAMPLER_GO)
			break;
		if (n == 0 && (rc = agent_check_cpu(c, 0)))
			return rc;
		if ((rc = sample(c, s, ops, st, &g, (int64_t)n, &wall, &value)))
			return rc;
		if (c->id == 0) {
			s->v[n] = value;
			after_timed(s, n, wall);
		}
		n++;
	}
	if (c->id == 0)
		s->nsamples = n;
	return g.go == SAMPLER_QUIT ? 0 : agent_check_cpu(c, 1);
}

int sampler_block(struct agent_ctx *c, struct sampler *s, const struct sampler_ops *ops, void *st,
		  uint64_t warm, uint64_t first, uint64_t count, int *stopped)
{
	uint64_t ngates = s->ngates, end = first + count;
	struct sampler_gate g;
	double wall, value;
	int rc;

	*stopped = 0;
	for (uint64_t i = 0; i < warm + count; i++) {
		int timed = i >= warm;

		if (c->id == 0)
			gate_set(s, ops, st, SAMPLER_GO, s->iters_used);
		if (gate_pass(c, s, &ngates, &g))
			return -1;
		if (g.go != SAMPLER_GO) {
			*stopped = 1;
			return 0;
		}
		if ((rc = sample(c, s, ops, st, &g, timed ? (int64_t)(first + i - warm) : -1, &wall, &value)))
			return rc;
		/* the arms keep the iterations they share: no cut in a block */
		if (c->id == 0 && timed && first + i - warm < end) {
			s->v[first + i - warm] = value;
			s->wall_ns += wall;
		}
	}
	if (c->id == 0)
		s->nsamples = end;
	return 0;
}
