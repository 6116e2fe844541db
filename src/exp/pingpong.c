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
#include "runctl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rows.h"
#include "counters.h"
#include "parse.h"
#include "arms.h"
#include "sampler.h"
#include "shm.h"
#include "stats.h"
#include "topo.h"

/* A sample should last ~50 us so the two fenced stamps (~100 ns) cost
 * under 1% of it. */
static const struct sampler_tune pp_tune = { .sample_ns = 50000.0, .cal_iters = 64,
					     .iters_lo = 16, .iters_hi = 10000000 };

struct pp_shared {
	struct cp_shm shm;
	const struct kernel *k;
	struct sampler smp;
	struct arms *arms;  /* interleaved arms (in this mapping), or NULL */
	int two_lines, mem_node, stride;
	/* written by A */
	uint64_t rounds;
	int node_seen;
	char node_why[200];
	double v[];        /* one per sample: ns per round trip */
};

struct pp_agent_state {
	const struct pp_shared *P;
	const struct kernel *k;
	struct kargs ka;
	uint64_t in0, out0;     /* the role's first tokens (A or partner) */
	uint64_t sum, expect_sum, rounds, last_sum;
};

/* Expected checksum of n rounds starting at out: sum of (out + i*step - 1). */
static uint64_t expect_sum(uint64_t out, uint64_t step, uint64_t n)
{
	return n * (out - 1) + step * (n * (n - 1) / 2);
}

/* The timed pass: one kernel call of `iters` round trips (its loop is the
 * kernel's; see kernels/). */
static int pp_pass(struct agent_ctx *c, void *st, uint64_t iters, uint64_t *ticks)
{
	struct pp_agent_state *s = st;
	struct kres kr;

	(void)c;
	(void)ticks;
	s->ka.iters = iters;
	s->k->fn(&s->ka, &kr);
	s->last_sum = kr.sum;
	return 0;
}

/* A, before each gate: the round trips so far. */
static uint64_t pp_publish(void *st)
{
	return ((struct pp_agent_state *)st)->rounds;
}

/* Before a pass, untimed: the tokens start where the R round trips so far
 * left the line (A hands R over with the gate), so that the partner of
 * either arm continues the same sequence. */
static int pp_prepare(struct agent_ctx *c, void *st, uint64_t R)
{
	struct pp_agent_state *s = st;

	(void)c;
	s->ka.in = s->in0 + R * s->ka.step;
	s->ka.out = s->out0 + R * s->ka.step;
	return 0;
}

/* After a pass: the checksum's bookkeeping. */
static int pp_after(struct agent_ctx *c, void *st, int64_t idx, uint64_t iters, double ns, double *value)
{
	struct pp_agent_state *s = st;

	(void)idx;
	(void)ns;
	(void)value;
	s->expect_sum += expect_sum(s->ka.out, s->ka.step, iters);
	s->sum += s->last_sum;
	s->rounds += iters;
	(void)c;
	return 0;
}

static const struct sampler_ops pp_ops = { .publish = pp_publish, .prepare = pp_prepare, .pass = pp_pass,
					   .after = pp_after };

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
	struct pp_agent_state s = { .P = P, .k = P->k };
	unsigned role = c->id ? 1 : 0;
	struct cp_err e = { 0 };
	char *base = P->shm.addr;
	int rc = 0;

	if (c->mode == AGENT_PROCESS && shm_attach(&P->shm, (void **)&base, &e))
		return agent_fail(c, e.code, "agent %u: %s", c->id, e.msg);
	if (c->id == 0 && (rc = first_touch(c, P, base)))
		goto out;
	if (agents_barrier(c))
		goto out;

	/* one-line: both write line 0, A waits for even, B for odd tokens.
	 * two-lines: each writes its own line and polls the other's.  In
	 * arms, agents 1 and 2 are both partners. */
	{
		uint64_t *l0 = (uint64_t *)base, *l1 = (uint64_t *)(base + P->stride);

		if (!P->two_lines)
			s.ka = (struct kargs){ .mine = l0, .peer = l0, .step = 2 }, s.in0 = role, s.out0 = role + 1;
		else
			s.ka = (struct kargs){ .mine = role ? l1 : l0, .peer = role ? l0 : l1, .step = 1 },
			s.in0 = role, s.out0 = 1;
	}
	rc = P->arms ? arms_run(c, P->arms, &pp_ops, &s) : sampler_run(c, &P->smp, &pp_ops, &s);
	if (rc)
		goto out;
	if (s.sum != s.expect_sum)
		rc = agent_fail(c, CP_ERUN,
				"agent %u: token checksum %llu, expected %llu: a token was lost or passed twice",
				c->id, (unsigned long long)s.sum, (unsigned long long)s.expect_sum);
	if (c->id == 0)
		P->rounds = s.rounds;
out:
	if (base != P->shm.addr)
		shm_detach(&P->shm, base);
	return rc > 0 ? rc : c->sh->slot[c->id].rc;
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

static struct sampler_req pp_req(const struct pp_run *r)
{
	return (struct sampler_req){ .timer = r->timer, .iters = r->iters, .warmup = r->warmup,
				     .samples = r->samples, .max_samples = r->max_samples,
				     .target_ci = r->target_ci, .deadline = runctl_deadline() };
}

/* The cell's shared state with `values` doubles after it and a fresh
 * mapping for the line (it has never been in any cache); NULL on error. */
static struct pp_shared *cell_new(const struct pp_run *r, const struct kernel *k, const char *shm, int node,
				  size_t extra, size_t *psize, struct cp_err *e)
{
	struct pp_shared *P;

	*psize = sizeof(struct pp_shared) + extra;
	P = agents_shared_alloc(*psize);
	if (shm_create(&P->shm, shm, r->pages, (size_t)r->granule * 4, e)) {
		agents_shared_free(P, *psize);
		return NULL;
	}
	P->k = k;
	P->two_lines = r->two_lines;
	P->mem_node = node;
	P->stride = 2 * r->granule; /* two granules: off the adjacent-line prefetcher's pair */
	P->node_seen = -1;
	return P;
}

static void cell_free(struct pp_shared *P, size_t psize, struct agents_shared *sh)
{
	if (sh && sh->hung)
		return; /* threads still spin on P: the caller exits */
	agents_free(sh);
	shm_destroy(&P->shm);
	agents_shared_free(P, psize);
}

static int cell_run(const struct pp_run *r, struct pp_shared *P, struct agents_cfg *cfg, struct agents_shared **sh,
		    struct cp_err *e)
{
	int rc;

	cfg->timeout_s = r->timeout_s;
	cfg->fn = pp_agent;
	cfg->arg = P;
	cfg->activity[0] = P->shm.addr;
	cfg->activity[1] = (const volatile uint64_t *)((char *)P->shm.addr + P->stride);
	counters_marker_start(P->k->name);
	rc = agents_run(cfg, sh, e);
	counters_marker_stop(P->k->name);
	return rc ? rc : check_final_line(P, e);
}

/* A row of kernel k on memory shm (the line seen on node `node`) from n
 * values v (copied into *raw, which the row points to), sampled by smp
 * (NULL: the caller sets what the sampler knows). */
static void fill_row(const struct pp_run *r, const struct kernel *k, const struct cp_shm *shm, int node,
		     const struct sampler *smp, const char *mode, int cpu_a, int cpu_b, const char *placement,
		     const double *v, uint64_t n, struct cp_row *row, double **raw)
{
	memset(row, 0, sizeof(*row));
	row->experiment = "pingpong";
	row->kernel = k->name;
	row->impl = k->impl;
	row->mode = mode;
	row->shm = shm_kind_name(shm);
	row->pages = shm_page_name(shm);
	row->layout = r->two_lines ? "two-lines" : "one-line";
	row->poll = k->poll;
	row->placement = placement;
	snprintf(row->cpus, sizeof(row->cpus), "%d;%d", cpu_a, cpu_b);
	row->mem_node = node;
	row->size_bytes = (uint64_t)r->granule;
	row->agents = 2;
	row->samples = n;
	if (smp) {
		row->iters_per_sample = smp->iters_used;
		row->sample_ns = sampler_sample_ns(smp);
		row->stop = sampler_stop(smp);
	}
	row->metric = "round_trip";
	row->unit = "ns";
	row->ticks_per_ns = r->timer.has_cycles ? r->timer.ticks_per_ns : 0;
	row->note = !strcmp(k->spin, "pause") ? "spin=pause" : NULL;
	stats_compute(v, n, &row->st);
	*raw = cp_xcalloc(n ? n : 1, sizeof(double));
	memcpy(*raw, v, n * sizeof(double));
	row->raw = *raw;
	row->nraw = n;
}

static int cell_check(const struct pp_run *r, int cpu_a, int cpu_b, const char *mem_spec, int *node,
		      struct cp_err *e)
{
	*node = -1;
	if (cpu_a == cpu_b)
		return cp_errf(e, CP_EUSAGE, "--cpus: the two agents need two different CPUs, got %d twice", cpu_a);
	return mem_spec ? topo_mem_node(r->topo, mem_spec, cpu_a, cpu_b, node, e) : 0;
}

int pp_measure(const struct pp_run *r, const struct kernel *k, enum agent_mode mode,
	       int cpu_a, int cpu_b, const char *mem_spec, const char *placement,
	       struct cp_row *row, double **raw, struct cp_sink *sink, struct cp_err *e)
{
	struct sampler_req req = pp_req(r);
	struct pp_shared *P;
	struct agents_shared *sh = NULL;
	int cpus[2] = { cpu_a, cpu_b };
	struct agents_cfg cfg = { .mode = mode, .n = 2, .cpus = cpus, .counters = r->counters };
	const char *shm = r->shm ? r->shm : mode == AGENT_PROCESS ? "anon" : "heap";
	size_t psize;
	int node, rc;

	if ((rc = cell_check(r, cpu_a, cpu_b, mem_spec, &node, e)))
		return rc;
	if (!(P = cell_new(r, k, shm, node, sampler_max_samples(&req) * sizeof(double), &psize, e)))
		return e->code;
	sampler_init(&P->smp, &req, &pp_tune, P->v);
	rc = cell_run(r, P, &cfg, &sh, e);
	if (!rc) {
		fill_row(r, P->k, &P->shm, P->node_seen, &P->smp, agent_mode_name(mode), cpu_a, cpu_b, placement, P->v,
			 P->smp.nsamples, row, raw);
		if (r->counters)
			exp_counters_row(sh, r->counters, (double)(P->smp.nsamples * P->smp.iters_used), row, sink);
		if (P->node_seen < 0 && sink)
			result_meta_note(sink, "node of the line unknown: %s", P->node_why);
	}
	cell_free(P, psize, sh);
	return rc;
}

/* Arm x's counts: A's in the arm's blocks, and its partner's (agent
 * 1 + x), per round trip of the arm's timed samples. */
static void arm_counters(const struct pp_run *r, const struct arms *a, const struct agents_shared *sh, unsigned x,
			 struct cp_row *row, struct cp_sink *sink)
{
	struct agents_shared *acc = exp_ctr_acc_new(2);

	exp_ctr_acc_add(acc, 0, sh, 0);
	for (int i = 0; i < CP_MAX_COUNTERS; i++) {
		acc->slot[0].ctr[i] = a->a_ctr[x][i];
		acc->slot[0].ctr_valid[i] &= a->a_ctr_valid[i];
	}
	exp_ctr_acc_add(acc, 1, sh, 1 + x);
	exp_counters_row(acc, r->counters, (double)(a->smp[x].nsamples * a->smp[x].iters_used), row, sink);
	exp_ctr_acc_free(acc);
}

/* The comparison row: the block ratios (arm 1 / arm 0) and the verdict. */
static void fill_ratio(const struct pp_run *r, const struct pp_shared *P, const char *mode, int cpu_a, int cpu_b,
		       const char *placement, struct cp_row *row, double **raw)
{
	const struct arms *a = P->arms;
	double *ratio = cp_xcalloc(a->pairs_done ? a->pairs_done : 1, sizeof(double));
	static char note[1024];
	size_t len;

	verdict_ratios(a->smp[0].v, a->smp[1].v, a->pairs_done, ARMS_BLOCK, ratio);
	fill_row(r, P->k, &P->shm, P->node_seen, &a->smp[a->smp[1].capped], mode, cpu_a, cpu_b, placement, ratio,
		 a->pairs_done, row, raw);
	row->sample_ns = 0;
	free(ratio);
	result_set_verdict(row, &a->verdict);
	snprintf(note, sizeof(note), "parked partners: CPU %.2f%% and %.2f%% of their parked time",
		 100.0 * (double)a->parked_cpu_ns[0] / (double)(a->parked_ns[0] ? a->parked_ns[0] : 1),
		 100.0 * (double)a->parked_cpu_ns[1] / (double)(a->parked_ns[1] ? a->parked_ns[1] : 1));
	len = strlen(note);
	if (a->verdict.v == VERDICT_inconclusive && a->verdict.more)
		snprintf(note + len, sizeof(note) - len, "; about %llu more block pairs would likely settle it",
			 (unsigned long long)a->verdict.more);
	{
		const double *v[2] = { a->smp[0].v, a->smp[1].v };
		const uint64_t n[2] = { a->smp[0].nsamples, a->smp[1].nsamples };

		exp_arms_modes_note(v, n, note, sizeof(note));
	}
	row->note = note;
}

int pp_measure_arms(const struct pp_run *r, const struct kernel *k, const enum agent_mode arm[2], int cpu_a,
		    int cpu_b, const char *mem_spec, const char *placement, double margin_pct, struct cp_row rows[3],
		    double *raw[3], struct cp_sink *sink, struct cp_err *e)
{
	struct sampler_req req = pp_req(r);
	uint64_t nv = arms_max_values(r->samples, r->target_ci > 0);
	enum agent_mode modes[3] = { AGENT_THREAD, arm[0], arm[1] };
	int cpus[3] = { cpu_a, cpu_b, cpu_b };
	struct agents_cfg cfg = { .modes = modes, .n = 3, .cpus = cpus, .counters = r->counters };
	struct agents_shared *sh = NULL;
	struct pp_shared *P;
	static char cmp[32];
	size_t psize;
	int node, rc;

	if ((rc = cell_check(r, cpu_a, cpu_b, mem_spec, &node, e)))
		return rc;
	if (!(P = cell_new(r, k, r->shm ? r->shm : "anon", node,
			   sizeof(struct arms) + 2 * nv * sizeof(double) + CP_GRANULE_MAX, &psize, e)))
		return e->code;
	/* the arms after the values, aligned for their padded words */
	P->arms = (struct arms *)(((uintptr_t)(P->v + 2 * nv) + CP_GRANULE_MAX - 1) & ~(uintptr_t)(CP_GRANULE_MAX - 1));
	arms_init(P->arms, &req, &pp_tune, P->v, P->v + nv, margin_pct);
	P->smp.iters_used = 0;
	rc = cell_run(r, P, &cfg, &sh, e);
	if (!rc) {
		const struct arms *a = P->arms;

		P->smp.iters_used = a->smp[0].iters_used;
		snprintf(cmp, sizeof(cmp), "%s:%s", agent_mode_name(arm[0]), agent_mode_name(arm[1]));
		for (int x = 0; x < 2; x++) {
			fill_row(r, P->k, &P->shm, P->node_seen, &a->smp[x], agent_mode_name(arm[x]), cpu_a, cpu_b,
				 placement, a->smp[x].v, a->smp[x].nsamples, &rows[x], &raw[x]);
			if (r->counters)
				arm_counters(r, a, sh, x, &rows[x], sink);
			/* the gate that stopped one arm stopped the comparison */
			rows[x].stop = sampler_stop(&a->smp[a->smp[0].capped ? 0 : a->smp[1].capped ? 1 : x]);
			rows[x].arms = cmp;
			rows[x].arm = x ? "2" : "1";
		}
		fill_ratio(r, P, cmp, cpu_a, cpu_b, placement, &rows[2], &raw[2]);
		rows[2].arms = cmp;
		exp_counters_ratio(&rows[0], &rows[1], &rows[2]);
		if (P->node_seen < 0 && sink)
			result_meta_note(sink, "node of the line unknown: %s", P->node_why);
	}
	cell_free(P, psize, sh);
	return rc;
}

/* ---- k arms over one key ---- */

struct karm_cell {
	const struct pp_karms *d;
	int node[ARMS_MAX], node_seen[ARMS_MAX];
	struct cp_shm shm[ARMS_MAX];    /* each arm's last mapping (its kind and pages, for the rows) */
	struct exp_arm_ctr ctr;
};

/* One block of arm x: a cell of its own on a fresh mapping, so that the
 * blocks of an arm sample several physical lines and no arm keeps one
 * lucky (or unlucky) line. */
static int karm_block(void *arg, int x, const struct sampler_req *req, double *v, struct arms_block_out *out,
		      struct cp_err *e)
{
	struct karm_cell *kc = arg;
	const struct pp_karm *a = &kc->d->arm[x];
	const char *shm = a->run.shm ? a->run.shm : kc->d->mode == AGENT_PROCESS ? "anon" : "heap";
	struct agents_cfg cfg = { .mode = kc->d->mode, .n = 2, .cpus = (int *)a->cpus, .counters = a->run.counters };
	struct agents_shared *sh = NULL;
	struct pp_shared *P;
	size_t psize;
	int rc;

	if (!(P = cell_new(&a->run, a->k, shm, kc->node[x], sampler_max_samples(req) * sizeof(double), &psize, e)))
		return e->code;
	sampler_init(&P->smp, req, &pp_tune, P->v);
	rc = cell_run(&a->run, P, &cfg, &sh, e);
	if (!rc) {
		memcpy(v, P->v, req->samples * sizeof(double));
		out->iters = P->smp.iters_used;
		out->sample_ns = sampler_sample_ns(&P->smp);
		kc->shm[x] = P->shm;
		kc->node_seen[x] = P->node_seen;
		exp_arm_ctr_add(a->run.counters, &kc->ctr, x, sh);
	}
	cell_free(P, psize, sh);
	return rc;
}

static void set_key(struct cp_row *row, const char *key, const char *value)
{
	if (!strcmp(key, "kernel"))
		row->kernel = value; /* ops as arms */
#define PP_KEY_SET(f, member)      \
	if (!strcmp(key, #f))      \
		row->f = value;
	PP_ARM_KEYS(PP_KEY_SET)
#undef PP_KEY_SET
}

/* Arm x's row, with its counts per round trip. */
static void karm_row(const struct karm_cell *kc, const struct arms_runs *a, unsigned x, struct cp_row *row,
		     double **raw, struct cp_sink *sink)
{
	static char arm[ARMS_MAX][12];
	const struct pp_karm *ka = &kc->d->arm[x];

	fill_row(&ka->run, ka->k, &kc->shm[x], kc->node_seen[x], NULL, agent_mode_name(kc->d->mode), ka->cpus[0],
		 ka->cpus[1], ka->placement, a->v[x], a->pairs * ARMS_BLOCK, row, raw);
	row->iters_per_sample = a->iters;
	row->sample_ns = a->sample_ns[x];
	snprintf(arm[x], sizeof(arm[x]), "%u", x + 1);
	row->arms = kc->d->name;
	row->arm = arm[x];
	if (ka->run.counters)
		exp_counters_row(kc->ctr.acc[x], ka->run.counters, (double)(a->pairs * ARMS_BLOCK * a->iters), row,
				 sink);
}

/* The comparison row of arm x against the baseline (rows[ref]). */
static int karm_cmp(const struct karm_cell *kc, const struct arms_runs *a, unsigned x, const struct cp_row *rows,
		    struct cp_sink *sink, struct cp_err *e)
{
	static char label[ARMS_MAX][160], which[ARMS_MAX][24], note[ARMS_MAX][600];
	const struct pp_karms *d = kc->d;
	const double *v[2] = { a->v[a->ref], a->v[x] };
	const uint64_t n[2] = { a->pairs * ARMS_BLOCK, a->pairs * ARMS_BLOCK };
	struct cp_row row = rows[a->ref];
	double *ratio;
	int rc;

	exp_arms_row(a, x, &row, agent_mode_name(d->mode), &ratio);
	exp_counters_ratio(&rows[a->ref], &rows[x], &row);
	row.arms = d->name;
	snprintf(which[x], sizeof(which[x]), "%u:%u", a->ref + 1, x + 1);
	row.arm = which[x];
	snprintf(label[x], sizeof(label[x]), "%s:%s", d->arm[a->ref].value, d->arm[x].value);
	set_key(&row, d->key, label[x]);
	snprintf(note[x], sizeof(note[x]), "arm %u / arm %u; interval at %.4g%% (%u comparisons with the baseline, "
		 "Bonferroni)", x + 1, a->ref + 1, 100 * a->verdict[x].conf, a->k - 1);
	exp_arms_modes_note(v, n, note[x], sizeof(note[x]));
	row.note = note[x];
	rc = result_add(sink, &row, e);
	free(ratio);
	return rc;
}

int pp_measure_karms(const struct pp_karms *d, const char *mem_spec, struct cp_sink *sink, struct cp_err *e)
{
	const struct pp_run *r = &d->arm[0].run;
	struct sampler_req req = pp_req(r);
	struct arms_design des = { .k = d->k, .ref = d->ref, .margin_pct = d->margin_pct };
	struct karm_cell kc = { .d = d };
	struct cp_row rows[ARMS_MAX];
	double *raw[ARMS_MAX] = { NULL };
	struct arms_runs a = { 0 };
	int rc;

	for (unsigned x = 0; x < d->k; x++)
		if ((rc = cell_check(&d->arm[x].run, d->arm[x].cpus[0], d->arm[x].cpus[1], mem_spec, &kc.node[x], e)))
			return rc;
	rc = arms_runs_measure_k(&req, &des, karm_block, &kc, &a, e);
	for (unsigned x = 0; x < a.k && !rc && a.pairs; x++) {
		karm_row(&kc, &a, x, &rows[x], &raw[x], sink);
		rows[x].stop = arms_runs_stop(&a, r->target_ci);
		rc = result_add(sink, &rows[x], e);
	}
	for (unsigned x = 0; x < a.k && !rc && a.pairs; x++)
		if (x != a.ref)
			rc = karm_cmp(&kc, &a, x, rows, sink, e);
	for (unsigned x = 0; x < ARMS_MAX; x++)
		free(raw[x]);
	if (!rc && kc.node_seen[0] < 0 && a.pairs && sink)
		result_meta_note(sink, "node of the line unknown");
	exp_arm_ctr_free(&kc.ctr);
	arms_runs_free(&a);
	return rc;
}

int pp_run_init(struct pp_run *r, const struct exp_req *q, const struct pp_mem *m, unsigned modes,
		struct cp_err *e)
{
	int rc;

	memset(r, 0, sizeof(*r));
	r->shm = m->shm;
	r->pages = m->pages;
	if (m->layout) {
		int l = parse_choice(m->layout, PP_LAYOUT_NAMES, "layout", e);

		if (l < 0)
			return e->code;
		r->two_lines = l == 1;
	}
	if (m->poll) {
		int p = parse_choice(m->poll, kernel_field_names("pingpong", NULL, KF_POLL), "poll", e);

		if (p < 0)
			return e->code;
		if (p == 1 && r->two_lines)
			return cp_errf(e, CP_EUSAGE, "--poll rmw: needs --layout one-line (the poll and the pass are "
				       "atomics on the one line both agents write); two-lines polls the partner's line");
	}
	if ((modes & 1) && (rc = shm_check(m->shm, m->pages, 0, e)))
		return rc;
	if ((modes & 2) && (rc = shm_check(m->shm, m->pages, 1, e)))
		return rc;
	r->samples = q->smp.samples;
	r->warmup = q->smp.warmup;
	r->iters = q->smp.iters;
	r->target_ci = q->smp.target_ci;
	/* --target-ci keeps sampling up to 50x the asked samples, within the
	 * largest --samples allowed; the buffer always holds what was asked */
	r->max_samples = sampler_max_samples(&(struct sampler_req){ .samples = r->samples,
								    .target_ci = r->target_ci });
	r->timeout_s = q->smp.timeout;
	if ((rc = topo_load(q->place.topology_xml, &r->topo, e)))
		return rc;
	/* a plan for another machine is checked against its topology */
	if (!topo_is_thissystem(r->topo) && !q->checking)
		return cp_errf(e, CP_EUSAGE,
			       "--topology-xml %s: measurements run on this machine; a saved topology is for "
			       "'cachepong topo' and 'matrix --dry-run'", q->place.topology_xml);
	r->granule = topo_granule(r->topo);
	if ((rc = req_counters_config(q, &r->counters, e)))
		return rc;
	return cp_timer_init(&r->timer, q->smp.timer, e);
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
