/* pingpong.c: one ping-pong cell (see pingpong.h).
 *
 * Agent A (id 0) and B (id 1) run the same agent function, as threads or as
 * processes.  A first-touches the line after both are pinned (so no third
 * CPU ever held it), on the NUMA node asked for; each sample starts at a
 * barrier and A times `iters` round trips between two fenced time stamps;
 * B runs the same kernel untimed.  Tokens continue across samples, so the
 * line's final value and the kernels' checksums prove every round trip
 * happened exactly once. */
#include "pingpong.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "counters.h"
#include "shm.h"
#include "stats.h"
#include "topo.h"

/* A sample should last ~50 us so the two fenced stamps (~100 ns) cost
 * under 1% of it. */
#define PP_SAMPLE_NS 50000.0
#define PP_CAL_ITERS 64
/* the most samples one run keeps: the upper bound of --samples (options.def) */
#define PP_SAMPLES_MAX 100000000ULL
/* --target-ci samples up to this many times --samples */
#define PP_TARGET_CI_GROWTH 50

struct pp_shared {
	struct cp_shm shm;
	const struct kernel *k;
	struct cp_timer timer;
	int two_lines, mem_node, stride;
	uint64_t iters, warmup, samples, max_samples;
	double target_ci;
	/* written by A, read by B after a barrier */
	uint64_t cont;
	uint64_t nsamples;
	uint64_t iters_used;
	uint64_t rounds;
	int node_seen;
	char node_why[200];
	double ns[];       /* one per sample: ns per round trip */
};

struct pp_agent_state {
	struct kargs ka;
	uint64_t sum, expect_sum, rounds;
};

/* Expected checksum of n rounds starting at out: sum of (out + i*step - 1). */
static uint64_t expect_sum(uint64_t out, uint64_t step, uint64_t n)
{
	return n * (out - 1) + step * (n * (n - 1) / 2);
}

/* One kernel call of `iters` rounds, then advance the tokens.  The calls
 * around it (timer, counters) are outside the kernel's loop. */
static inline void run_once(const struct kernel *k, struct pp_agent_state *s, uint64_t iters)
{
	struct kres kr;

	s->ka.iters = iters;
	s->expect_sum += expect_sum(s->ka.out, s->ka.step, iters);
	k->fn(&s->ka, &kr);
	s->sum += kr.sum;
	s->rounds += iters;
	s->ka.in += iters * s->ka.step;
	s->ka.out += iters * s->ka.step;
}

static int first_touch(struct agent_ctx *c, struct pp_shared *P, char *base)
{
	struct cp_err e = { 0 };

	if (P->mem_node >= 0 && shm_bind_node(base, P->shm.size, P->mem_node, &e))
		return agent_fail(c, e.code, "%s", e.msg);
	memset(base, 0, (size_t)P->stride * 2);
	if (shm_verify_pages(&P->shm, base, &e))
		return agent_fail(c, e.code, "%s", e.msg);
	P->node_seen = shm_node_of(base, &e);
	if (P->node_seen < 0)
		snprintf(P->node_why, sizeof(P->node_why), "%.190s", e.msg);
	if (P->mem_node >= 0 && P->node_seen != P->mem_node)
		return agent_fail(c, CP_EUNAVAIL,
				  "not available on this machine: the line was asked on node %d but sits on node %d",
				  P->mem_node, P->node_seen);
	return 0;
}

static int pp_agent(struct agent_ctx *c)
{
	struct pp_shared *P = c->arg;
	const struct kernel *k = P->k;
	struct pp_agent_state s = { 0 };
	struct cp_err e = { 0 };
	uint64_t target = P->samples, n = 0, iters;
	char *base = P->shm.addr;
	int timed = c->id == 0;
	int rc = 0;

	if (c->mode == AGENT_PROCESS && shm_attach(&P->shm, (void **)&base, &e))
		return agent_fail(c, e.code, "agent %u: %s", c->id, e.msg);
	if (timed && (rc = first_touch(c, P, base)))
		goto out;
	if (agents_barrier(c))
		goto out;

	/* one-line: both write line 0, A waits for even, B for odd tokens.
	 * two-lines: each writes its own line and polls the other's. */
	{
		uint64_t *l0 = (uint64_t *)base, *l1 = (uint64_t *)(base + P->stride);

		if (!P->two_lines)
			s.ka = (struct kargs){ .mine = l0, .peer = l0, .in = c->id, .out = c->id + 1, .step = 2 };
		else
			s.ka = (struct kargs){ .mine = c->id ? l1 : l0, .peer = c->id ? l0 : l1,
					       .in = c->id, .out = 1, .step = 1 };
	}

	/* warm-up: caches, TLB, branch predictors, frequency; A also learns
	 * how many rounds make a sample of ~50 us */
	for (uint64_t w = 0; w < P->warmup || (!P->iters && w < 3); w++) {
		uint64_t t0, t1;

		if (agents_barrier(c))
			goto out;
		t0 = timer_begin(&P->timer);
		run_once(k, &s, P->iters ? P->iters : PP_CAL_ITERS);
		t1 = timer_end(&P->timer);
		if (timed && !P->iters) {
			double rt = timer_ns(&P->timer, t1 - t0) / PP_CAL_ITERS;
			double it = PP_SAMPLE_NS / (rt > 1 ? rt : 1);

			P->cont = (uint64_t)(it < 16 ? 16 : it > 1e7 ? 1e7 : it);
		}
	}
	/* A's choice of iters (in P->cont) is read by both after this barrier */
	if (agents_barrier(c))
		goto out;
	iters = P->iters ? P->iters : P->cont;
	if (timed)
		P->iters_used = iters;
	if ((rc = agent_check_cpu(c, 0)))
		goto out;

	for (;;) {
		for (; n < target; n++) {
			uint64_t t0, t1;

			if (agents_barrier(c))
				goto out;
			agent_counters_start(c);
			t0 = timer_begin(&P->timer);
			run_once(k, &s, iters);
			t1 = timer_end(&P->timer);
			agent_counters_stop(c);
			if (timed)
				P->ns[n] = timer_ns(&P->timer, t1 - t0) / (double)iters;
		}
		if (timed) {
			struct cp_stats st;

			stats_compute(P->ns, n, &st);
			P->cont = P->target_ci > 0 && n < P->max_samples &&
				  !(stats_ci_rel_pct(&st) <= P->target_ci);
			P->nsamples = n;
		}
		if (agents_barrier(c))
			goto out;
		if (!P->cont)
			break;
		target = n + P->samples < P->max_samples ? n + P->samples : P->max_samples;
		if (agents_barrier(c))
			goto out;
	}
	if ((rc = agent_check_cpu(c, 1)))
		goto out;
	if (s.sum != s.expect_sum)
		rc = agent_fail(c, CP_ERUN,
				"agent %u: token checksum %llu, expected %llu: a token was lost or passed twice",
				c->id, (unsigned long long)s.sum, (unsigned long long)s.expect_sum);
	if (timed)
		P->rounds = s.rounds;
out:
	if (base != P->shm.addr)
		shm_detach(&P->shm, base);
	return rc ? rc : c->sh->slot[c->id].rc;
}

static int check_final_line(const struct pp_shared *P, struct cp_err *e)
{
	const volatile uint64_t *l0 = P->shm.addr, *l1 = (const uint64_t *)((char *)P->shm.addr + P->stride);
	uint64_t R = P->rounds;

	if (!P->two_lines ? *l0 != 2 * R : (*l0 != R || *l1 != R))
		return cp_errf(e, CP_ERUN,
			       "the line holds %llu/%llu after %llu round trips, expected %llu: tokens were lost",
			       (unsigned long long)*l0, (unsigned long long)*l1, (unsigned long long)R,
			       (unsigned long long)(P->two_lines ? R : 2 * R));
	return 0;
}

int pp_measure(const struct pp_run *r, const struct kernel *k, enum agent_mode mode,
	       int cpu_a, int cpu_b, const char *mem_spec, const char *placement,
	       struct cp_row *row, double **raw, struct cp_sink *sink, struct cp_err *e)
{
	size_t psize = sizeof(struct pp_shared) + r->max_samples * sizeof(double);
	struct pp_shared *P;
	struct agents_shared *sh = NULL;
	int cpus[2] = { cpu_a, cpu_b };
	struct agents_cfg cfg = { .mode = mode, .n = 2, .cpus = cpus, .timeout_s = r->timeout_s,
				  .fn = pp_agent, .counters = r->counters };
	const char *shm = r->shm ? r->shm : mode == AGENT_PROCESS ? "anon" : "heap";
	int node = -1, rc;

	if (cpu_a == cpu_b)
		return cp_errf(e, CP_EUSAGE, "--cpus: the two agents need two different CPUs, got %d twice", cpu_a);
	if (mem_spec && (rc = topo_mem_node(r->topo, mem_spec, cpu_a, cpu_b, &node, e)))
		return rc;
	P = agents_shared_alloc(psize);
	/* a fresh mapping per cell: the line has never been in any cache */
	if ((rc = shm_create(&P->shm, shm, r->pages, (size_t)r->granule * 4, e))) {
		agents_shared_free(P, psize);
		return rc;
	}
	P->k = k;
	P->timer = r->timer;
	P->two_lines = r->two_lines;
	P->mem_node = node;
	P->stride = 2 * r->granule; /* two granules: off the adjacent-line prefetcher's pair */
	P->iters = r->iters;
	P->warmup = r->warmup;
	P->samples = r->samples;
	P->max_samples = r->max_samples;
	P->target_ci = r->target_ci;
	P->node_seen = -1;
	cfg.arg = P;
	cfg.activity[0] = P->shm.addr;
	cfg.activity[1] = (const volatile uint64_t *)((char *)P->shm.addr + P->stride);

	counters_marker_start(k->name);
	rc = agents_run(&cfg, &sh, e);
	counters_marker_stop(k->name);
	if (!rc)
		rc = check_final_line(P, e);
	if (!rc) {
		memset(row, 0, sizeof(*row));
		row->experiment = "pingpong";
		row->kernel = k->name;
		row->impl = k->impl;
		row->mode = agent_mode_name(mode);
		row->shm = shm_kind_name(&P->shm);
		row->pages = shm_page_name(&P->shm);
		row->layout = r->two_lines ? "two-lines" : "one-line";
		row->poll = k->poll;
		row->placement = placement;
		snprintf(row->cpus, sizeof(row->cpus), "%d;%d", cpu_a, cpu_b);
		row->mem_node = P->node_seen;
		row->size_bytes = (uint64_t)r->granule;
		row->agents = 2;
		row->samples = P->nsamples;
		row->iters_per_sample = P->iters_used;
		row->metric = "round_trip";
		row->unit = "ns";
		row->ticks_per_ns = r->timer.has_cycles ? r->timer.ticks_per_ns : 0;
		row->note = !strcmp(k->spin, "pause") ? "spin=pause" : NULL;
		stats_compute(P->ns, P->nsamples, &row->st);
		*raw = cp_xcalloc(P->nsamples, sizeof(double));
		memcpy(*raw, P->ns, P->nsamples * sizeof(double));
		row->raw = *raw;
		row->nraw = P->nsamples;
		if (r->counters)
			agents_counters_row(sh, r->counters, (double)(P->nsamples * P->iters_used), row, sink);
		if (P->node_seen < 0 && sink)
			result_meta_note(sink, "node of the line unknown: %s", P->node_why);
	}
	if (sh && sh->hung)
		return rc; /* threads still spin on P: the caller exits */
	agents_free(sh);
	shm_destroy(&P->shm);
	agents_shared_free(P, psize);
	return rc;
}

int pp_run_init(struct pp_run *r, const struct opts *o, unsigned modes, struct cp_err *e)
{
	int rc;

	memset(r, 0, sizeof(*r));
	r->o = o;
	r->shm = o->shm;
	r->pages = o->pages;
	if (o->layout) {
		int l = opt_choice(o->layout, "one-line|two-lines", "layout", e);

		if (l < 0)
			return e->code;
		r->two_lines = l == 1;
	}
	if (o->poll) {
		int p = opt_choice(o->poll, "load|rmw", "poll", e);

		if (p < 0)
			return e->code;
		if (p == 1 && r->two_lines)
			return cp_errf(e, CP_EUSAGE, "--poll rmw: needs --layout one-line (the poll and the pass are "
				       "atomics on the one line both agents write); two-lines polls the partner's line");
	}
	if ((modes & 1) && (rc = shm_check(o->shm, o->pages, 0, e)))
		return rc;
	if ((modes & 2) && (rc = shm_check(o->shm, o->pages, 1, e)))
		return rc;
	r->samples = opt_isset(o, OPT_samples) ? o->samples : 200;
	r->warmup = opt_isset(o, OPT_warmup) ? o->warmup : 20;
	r->iters = opt_isset(o, OPT_iters) ? o->iters : 0;
	r->target_ci = opt_isset(o, OPT_target_ci) ? o->target_ci : 0;
	/* --target-ci keeps sampling up to 50x the asked samples, within the
	 * largest --samples allowed; the buffer always holds what was asked */
	r->max_samples = r->target_ci > 0 ? r->samples * PP_TARGET_CI_GROWTH : r->samples;
	if (r->max_samples > PP_SAMPLES_MAX)
		r->max_samples = r->samples > PP_SAMPLES_MAX ? r->samples : PP_SAMPLES_MAX;
	r->timeout_s = opt_isset(o, OPT_timeout) ? o->timeout : 10;
	if ((rc = topo_load(o->topology_xml, &r->topo, e)))
		return rc;
	/* a plan for another machine is checked against its topology */
	if (!topo_is_thissystem(r->topo) && !getenv(CP_VALIDATE_ENV))
		return cp_errf(e, CP_EUSAGE,
			       "--topology-xml %s: measurements run on this machine; a saved topology is for "
			       "'cachepong topo' and 'matrix --dry-run'", o->topology_xml);
	r->granule = topo_granule(r->topo);
	if ((rc = counters_config(o, &r->counters, e)))
		return rc;
	return cp_timer_init(&r->timer, o->timer, e);
}

void pp_run_free(struct pp_run *r)
{
	if (r->counters)
		counters_config_free(r->counters);
	if (r->topo)
		topo_free(r->topo);
	r->counters = NULL;
	r->topo = NULL;
}
