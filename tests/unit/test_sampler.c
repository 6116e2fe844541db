/* test_sampler.c: the sampling engine's calibration and its bounds on
 * synthetic passes.  One agent (a pinned thread) runs the real sampler
 * over a pass whose iterations busy-wait FAST_US or SLOW_US (50 times
 * more), the mode of each pass scripted: a bimodal cost must not size the
 * samples from a fast last warm-up pass; one slow pass (a preemption) must
 * not shrink every sample; a slow mode that appears only in the timed
 * samples must be cut to the target after two overshoots; the deadline
 * must stop the sampling with what was taken. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "agents.h"
#include "sampler.h"
#include "timer.h"

#define FAST_US 2.0
#define SLOW_US 100.0
#define TARGET_NS 1e6   /* a sample: 1 ms */

struct script {
	int (*slow)(unsigned pass);  /* whether pass number `pass` (from 0) is slow */
	unsigned pass;
	double max_wall_ns;          /* the longest timed sample */
	double t0;
};

struct run {
	struct sampler smp;
	struct script sc;
	double v[4096];
};

static int pass(struct agent_ctx *c, void *st, uint64_t iters, uint64_t *ticks)
{
	struct script *sc = st;
	double us = sc->slow(sc->pass++) ? SLOW_US : FAST_US, end = cp_now_s() + (double)iters * us * 1e-6;

	(void)c;
	(void)ticks;
	while (cp_now_s() < end)
		;
	return 0;
}

static int after(struct agent_ctx *c, void *st, int64_t idx, uint64_t iters, double ns, double *value)
{
	struct script *sc = st;

	(void)c;
	(void)iters;
	(void)value;
	if (idx >= 0 && ns > sc->max_wall_ns)
		sc->max_wall_ns = ns;
	return 0;
}

static const struct sampler_ops ops = { .pass = pass, .after = after };

static int agent(struct agent_ctx *c)
{
	struct run *R = c->arg;

	return sampler_run(c, &R->smp, &ops, &R->sc);
}

/* Sample `samples` times with the script; the run (shared) for checks. */
static struct run *sample(int (*slow)(unsigned), uint64_t samples, double deadline_s)
{
	static const struct sampler_tune tune = { .sample_ns = TARGET_NS, .cal_iters = 16, .iters_lo = 1,
						  .iters_hi = 10000000 };
	struct run *R = agents_shared_alloc(sizeof(*R));
	struct sampler_req req = { .samples = samples, .warmup = 0 };
	struct agents_shared *sh = NULL;
	struct cp_err e = { 0 };
	int cpu = 0;
	struct agents_cfg cfg = { .mode = AGENT_THREAD, .n = 1, .cpus = &cpu, .timeout_s = 30, .fn = agent, .arg = R };

	assert_int_equal(cp_timer_init(&req.timer, "clock", &e), 0);
	R->sc.slow = slow;
	R->sc.t0 = cp_now_s();
	req.deadline = deadline_s > 0 ? cp_now_s() + deadline_s : 0;
	sampler_init(&R->smp, &req, &tune, R->v);
	assert_int_equal(agents_run(&cfg, &sh, &e), 0);
	agents_free(sh);
	return R;
}

/* Passes: 0 cold (fast), 1 slow, 2 fast (the slow one stands alone: a
 * pass sized for it follows), 3 slow again (confirmed); the timed samples
 * alternate.  Sized from the last pass of three, as before, the samples
 * would be 500 iterations: 50 ms each in the slow mode. */
static int bimodal(unsigned p)
{
	return p == 1 || p == 3 || (p > 3 && p % 2 == 0);
}

static void slow_mode_sizes_samples(void **state)
{
	struct run *R = sample(bimodal, 20, 0);

	(void)state;
	assert_int_equal(R->smp.nsamples, 20);
	/* sized for the slow mode: ~10 iterations of 100 us; a sample of the
	 * fast size in the slow mode would take 50 ms (a loaded machine may
	 * stretch one sample a few times, not 50) */
	assert_true(R->smp.iters_used <= 20);
	assert_true(R->sc.max_wall_ns < 10 * TARGET_NS);
	agents_shared_free(R, sizeof(*R));
}

/* One slow calibration pass, never again: a preemption, not a mode. */
static int once(unsigned p)
{
	return p == 1;
}

static void one_slow_pass_cuts_nothing(void **state)
{
	struct run *R = sample(once, 20, 0);

	(void)state;
	/* sized for the fast mode: ~500 iterations of 2 us (a loaded machine's
	 * preemptions may confirm a slower pass or two: fewer, but far from the
	 * ~10 of the slow mode) */
	if (R->smp.iters_used < 60)
		fail_msg("%llu iterations: sized for the one slow pass", (unsigned long long)R->smp.iters_used);
	agents_shared_free(R, sizeof(*R));
}

/* Fast through the warm-up, slow from the 5th timed sample on. */
static unsigned first_timed;

static int late(unsigned p)
{
	return p >= first_timed + 4;
}

static void overshoot_cuts_the_iterations(void **state)
{
	struct run *R;
	double t0 = cp_now_s();

	(void)state;
	/* the warm-up takes SAMPLER_CAL_PASSES passes, plus the gate that ends it */
	first_timed = SAMPLER_CAL_PASSES;
	R = sample(late, 30, 0);
	assert_int_equal(R->smp.nsamples, 30);
	assert_true(R->smp.resized >= 1);
	assert_true(R->smp.iters_used <= 20);
	/* two samples of ~50 ms before the cut, then 1 ms ones: not 26 x 50 ms */
	assert_true(cp_now_s() - t0 < 0.6);
	agents_shared_free(R, sizeof(*R));
}

static int never(unsigned p)
{
	(void)p;
	return 0;
}

static void deadline_stops_with_what_was_taken(void **state)
{
	struct run *R;
	double t0 = cp_now_s();

	(void)state;
	R = sample(never, 4000, 0.05);
	assert_int_equal(R->smp.capped, 1);
	assert_true(R->smp.nsamples > 0 && R->smp.nsamples < 4000);
	assert_string_equal(sampler_stop(&R->smp), "time-limit");
	/* past the deadline by a sample or two, not by the 4000 asked */
	assert_true(cp_now_s() - t0 < 0.05 + 0.25);
	assert_true(sampler_sample_ns(&R->smp) > 0.2 * TARGET_NS && sampler_sample_ns(&R->smp) < 5 * TARGET_NS);
	agents_shared_free(R, sizeof(*R));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(slow_mode_sizes_samples),
		cmocka_unit_test(one_slow_pass_cuts_nothing),
		cmocka_unit_test(overshoot_cuts_the_iterations),
		cmocka_unit_test(deadline_stops_with_what_was_taken),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
