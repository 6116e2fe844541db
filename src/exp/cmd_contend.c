/* cmd_contend.c: `cachepong contend` — N agents hammer one line
 * (same-line), their own words of shared lines (false-sharing) or a line
 * each (padded) with faa, cas or plain stores; throughput per agent and in
 * total, and fairness, for every N of --agents (1..N: the scaling curve).
 *
 * Per sample: a gate (all agents start together), each agent times its own
 * kernel call; agent 0 runs a fixed number of ops (its quota, calibrated to
 * a ~2 ms sample unless --iters) and then sets the stop line, the others run
 * until they see it.  Agent 0 then checks the words against the agents'
 * counts and checksums (see the op table) before the next sample. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "request.h"
#include "rows.h"
#include "names.h"
#include "experiment.h"
#include "counters.h"
#include "kernel.h"
#include "parse.h"
#include "setup_common.h"
#include "shm.h"
#include "stats.h"
#include "timer.h"

/* a sample: ~2 ms of agent 0's quota, far above the stop latency */
/* What contend is asked: the shared options and its own. */
struct contend_req {
	struct exp_req c;
	const char *agents, *layout, *op, *impl;
};

#define T struct contend_req
static const struct req_opt contend_opts[] = {
	REQ_OPT(T, c.place.cpus, cpus, NULL), REQ_OPT(T, c.place.placement, placement, NULL),
	REQ_OPT(T, c.place.topology_xml, topology_xml, NULL), REQ_OPTS_TIMING(T, "10", "1"), REQ_OPT_ITERS(T),
	REQ_OPT_TARGET_CI(T), REQ_OPTS_COUNTERS(T), REQ_OPTS_OUTPUT(T), REQ_OPTS_MEMORY(T), REQ_OPT_MODE(T, "both"),
	REQ_OPT_MARGIN(T), REQ_OPT(T, agents, agents, NULL), REQ_OPT(T, layout, layout, "same-line"),
	REQ_OPT(T, op, op, "faa"), REQ_OPT(T, impl, impl, NULL),
};
#undef T

static const struct sampler_tune ct_tune = { .sample_ns = 2e6, .cal_iters = 16384, .iters_lo = 64,
					     .iters_hi = 10000000000ull };
#define CT_STORE_STEP 65536   /* store values: tag + k*step, tag = id+1 < step */

struct ct_res {
	uint64_t ops, sum;
	double ns;
};

struct ct_layout;
struct ct_op;

struct ct_shared {
	struct cp_shm shm;
	const struct kernel *k;
	const struct ct_layout *lay;
	const struct ct_op *op;
	struct sampler smp;           /* agent 0's values: total Mops/s per sample */
	unsigned n;
	size_t line;                  /* cache line size, bytes */
	struct cp_padded_u64 stop;
	int has_shm;
	int mem_node;                 /* --mem-node, -1 none */
	int node_seen;
	struct ct_res res[];          /* [(max_samples + 1) * n]: the timed samples, then the warm-up's */
};

/* ---- layouts: where agent i's word is ---- */

struct ct_layout {
	const char *name;
	int one_word;   /* all agents on the same word */
	size_t (*offset)(unsigned id, size_t line);
	const char *what;
};

static size_t off_same(unsigned id, size_t line) { (void)id; (void)line; return 0; }
static size_t off_words(unsigned id, size_t line) { (void)line; return id * sizeof(uint64_t); }
static size_t off_padded(unsigned id, size_t line) { (void)line; return id * (size_t)CP_GRANULE_MAX; }

static const struct ct_layout layouts[] = {
	{ "same-line", 1, off_same, "one word of one line for all agents" },
	{ "false-sharing", 0, off_words, "agent i on word i: line/8 agents per line" },
	{ "padded", 0, off_padded, "a CP_GRANULE_MAX (256 B) granule per agent" },
};

/* ---- ops: how to check a sample (the kernels are in the registry) ---- */

struct ct_op {
	const char *name;
	int counts_success;   /* kres.sum counts successful ops (cas) */
	/* check n agents' results r[] against the final word(s) w[] (one
	 * word when one_word); message into why */
	int (*check)(const struct ct_res *r, unsigned n, const uint64_t *w, int one_word,
		     char *why, size_t len);
};

static uint64_t tri(uint64_t t) { return t % 2 ? (t - 1) / 2 * t : t / 2 * (t - 1); }

/* faa: the adds returned exactly 0..T-1 (their sum is T(T-1)/2) and the
 * word holds T, per word. */
static int check_faa(const struct ct_res *r, unsigned n, const uint64_t *w, int one_word,
		     char *why, size_t len)
{
	uint64_t t = 0, s = 0;

	for (unsigned i = 0; i < n; i++) {
		if (!one_word && (w[i] != r[i].ops || r[i].sum != tri(r[i].ops)))
			return snprintf(why, len, "agent %u: word %llu after %llu adds, returned values sum %llu",
					i, (unsigned long long)w[i], (unsigned long long)r[i].ops,
					(unsigned long long)r[i].sum), -1;
		t += r[i].ops;
		s += r[i].sum;
	}
	if (one_word && (w[0] != t || s != tri(t)))
		return snprintf(why, len, "the line holds %llu after %llu adds in all, returned values sum %llu, expected %llu",
				(unsigned long long)w[0], (unsigned long long)t, (unsigned long long)s,
				(unsigned long long)tri(t)), -1;
	return 0;
}

/* cas: every success added 1; alone on its word a CAS cannot fail. */
static int check_cas(const struct ct_res *r, unsigned n, const uint64_t *w, int one_word,
		     char *why, size_t len)
{
	uint64_t s = 0;

	for (unsigned i = 0; i < n; i++) {
		if (!one_word && (w[i] != r[i].sum || r[i].sum != r[i].ops))
			return snprintf(why, len, "agent %u: word %llu, %llu successes of %llu attempts on its own word",
					i, (unsigned long long)w[i], (unsigned long long)r[i].sum,
					(unsigned long long)r[i].ops), -1;
		s += r[i].sum;
	}
	if (one_word && w[0] != s)
		return snprintf(why, len, "the line holds %llu after %llu successful CAS in all",
				(unsigned long long)w[0], (unsigned long long)s), -1;
	return 0;
}

/* store: an agent's last value is tag + (ops-1)*step; the word holds the
 * last value of its agent (own words) or of one of them (same-line). */
static int check_store(const struct ct_res *r, unsigned n, const uint64_t *w, int one_word,
		       char *why, size_t len)
{
	int found = 0;

	for (unsigned i = 0; i < n; i++) {
		uint64_t last = i + 1 + (r[i].ops - 1) * CT_STORE_STEP;

		if (!r[i].ops)
			continue;
		if (r[i].sum != last || (!one_word && w[i] != last))
			return snprintf(why, len, "agent %u: last store %llu after %llu stores (expected %llu), word %llu",
					i, (unsigned long long)r[i].sum, (unsigned long long)r[i].ops,
					(unsigned long long)last, (unsigned long long)w[one_word ? 0 : i]), -1;
		found |= one_word && w[0] == last;
	}
	if (one_word && !found)
		return snprintf(why, len, "the line holds %llu, the last store of no agent",
				(unsigned long long)w[0]), -1;
	return 0;
}

static const struct ct_op ops[] = {
	{ "faa", 0, check_faa },
	{ "cas", 1, check_cas },
	{ "store", 0, check_store },
};

/* ---- the agent ---- */

static uint64_t *word_of(const struct ct_shared *P, char *base, unsigned id)
{
	return (uint64_t *)(base + P->lay->offset(id, P->line));
}

/* Agent 0, between samples: check a sample's results r, then zero the
 * words.  idx: the timed sample, -1 in the warm-up. */
static int check_and_reset(struct agent_ctx *c, struct ct_shared *P, char *base, const struct ct_res *r,
			   int64_t idx)
{
	uint64_t w[CP_MAX_CPUS];
	char why[300];

	for (unsigned i = 0; i < P->n; i++)
		w[i] = __atomic_load_n(word_of(P, base, i), __ATOMIC_RELAXED);
	if (P->op->check(r, P->n, w, P->lay->one_word, why, sizeof(why)))
		return agent_fail(c, CP_ERUN, "contend %s %s: %s sample %lld: %s", P->op->name, P->lay->name,
				  idx < 0 ? "warm-up" : "timed", (long long)idx, why);
	for (unsigned i = 0; i < P->n; i++)
		__atomic_store_n(word_of(P, base, i), 0, __ATOMIC_RELAXED);
	__atomic_store_n(&P->stop.v, 0, __ATOMIC_RELEASE);
	return 0;
}

/* Per-sample figures over agents: total rate, per-agent mean, min/max. */
static void sample_figures(const struct ct_res *r, unsigned n, double *tot, double *fair, double *succ)
{
	double lo = INFINITY, hi = 0, ok = 0, att = 0;

	*tot = 0;
	for (unsigned i = 0; i < n; i++) {
		double rate = r[i].ns > 0 ? (double)r[i].ops / r[i].ns * 1e3 : 0; /* Mops/s */

		*tot += rate;
		lo = rate < lo ? rate : lo;
		hi = rate > hi ? rate : hi;
		ok += (double)r[i].sum;
		att += (double)r[i].ops;
	}
	*fair = hi > 0 ? lo / hi : 0;
	*succ = att > 0 ? ok / att : 0;
}

struct ct_agent_state {
	struct ct_shared *P;
	char *base;
	struct kres kr;
};

/* The timed pass: agent 0 runs its quota of ops and then sets the stop
 * line; the others run until they see it (iters: agent 0's quota). */
static int ct_pass(struct agent_ctx *c, void *st, uint64_t iters, uint64_t *ticks)
{
	struct ct_agent_state *a = st;
	struct ct_shared *P = a->P;
	struct kargs ka = { .mine = word_of(P, a->base, c->id), .stop = &P->stop.v, .out = c->id + 1,
			    .step = CT_STORE_STEP, .iters = c->id ? UINT64_MAX : iters };

	(void)ticks;
	P->k->fn(&ka, &a->kr);
	/* stop the others before the stamp and the counters (a system call),
	 * during which they would go on timing ops against no agent 0 */
	if (c->id == 0)
		__atomic_store_n(&P->stop.v, 1, __ATOMIC_RELEASE);
	return 0;
}

/* After a sample: every agent's result, then agent 0 checks the words and
 * makes the sample's value the total rate. */
static int ct_after(struct agent_ctx *c, void *st, int64_t idx, uint64_t iters, double ns, double *value)
{
	struct ct_agent_state *a = st;
	struct ct_shared *P = a->P;
	struct ct_res *r = &P->res[(idx >= 0 ? (uint64_t)idx : P->smp.max_samples) * P->n];
	double fair, succ;
	int rc;

	(void)iters;
	r[c->id] = (struct ct_res){ a->kr.ops, a->kr.sum, ns };
	if (agents_barrier(c))
		return -1;
	if (c->id != 0)
		return 0;
	if ((rc = check_and_reset(c, P, a->base, r, idx)))
		return rc;
	sample_figures(r, P->n, value, &fair, &succ);
	return 0;
}

static const struct sampler_ops ct_ops = { .pass = ct_pass, .after = ct_after };

static int ct_agent(struct agent_ctx *c)
{
	struct ct_shared *P = c->arg;
	struct ct_agent_state a = { .P = P, .base = P->shm.addr };
	struct cp_err e = { 0 };
	int rc = 0;

	if (c->mode == AGENT_PROCESS && shm_attach(&P->shm, (void **)&a.base, &e))
		return agent_fail(c, e.code, "agent %u: %s", c->id, e.msg);
	if (c->id == 0) {
		/* first touch of every line by agent 0 on its CPU, zeroed words */
		if (P->mem_node >= 0 && shm_bind_node(a.base, P->shm.size, P->mem_node, &e)) {
			rc = agent_fail(c, e.code, "%s", e.msg);
			goto out;
		}
		memset(a.base, 0, P->shm.size);
		if (shm_verify_pages(&P->shm, a.base, &e) ||
		    shm_node_check(a.base, P->mem_node, &P->node_seen, &e)) {
			rc = agent_fail(c, e.code, "%s", e.msg);
			goto out;
		}
	}
	rc = sampler_run(c, &P->smp, &ct_ops, &a);
out:
	if (a.base != P->shm.addr)
		shm_detach(&P->shm, a.base);
	return rc > 0 ? rc : rc < 0 ? c->sh->slot[c->id].rc : 0;
}

/* ---- the command ---- */

struct ct_cell {
	const struct kernel *k;
	const struct ct_op *op;
	const struct ct_layout *lay;
	enum agent_mode mode;
	const int *cpus;
	unsigned n;
	const char *placement;
	/* what the last run saw, for the rows */
	const char *shm, *pages;
	int node_seen;
	/* interleaved arms: each arm's per-agent results, block after block */
	struct ct_res *res[2];
	uint64_t nblk[2], cap;
	struct exp_arm_ctr ctr;   /* each arm's counts */
};

/* The samples of one arm or one run: per-agent results, [s * n + agent]. */
struct ct_values {
	const struct ct_res *res;
	uint64_t ns, iters;
	double sample_ns;
	const char *stop;
};

/* The fields of a row every contend row sets the same way. */
static void ct_row(const struct costs *c, const struct ct_cell *cell, struct cp_row *row)
{
	costs_row(c, row, "contend", cell->mode, cell->cpus, cell->n, cell->placement);
	row->kernel = cell->k->name;
	row->impl = cell->k->impl;
	row->shm = cell->shm;
	row->pages = cell->pages;
	row->layout = cell->lay->name;
	row->mem_node = cell->node_seen;
	row->size_bytes = sizeof(uint64_t);
	row->ticks_per_ns = 0; /* rates, not times */
}

static int emit(struct costs *c, const struct ct_cell *cell, const struct ct_values *x,
		const struct agents_shared *sh, struct cp_err *e)
{
	static const char *const metric[] = { "throughput", "throughput_per_agent", "fairness", "success_rate" };
	static const char *const unit[] = { "Mops/s", "Mops/s/agent", "min/max", "successes/attempts" };
	uint64_t ns = x->ns, allops = 0;
	double *v[4];
	int rc = 0;

	for (int m = 0; m < 4; m++)
		v[m] = cp_xcalloc(ns ? ns : 1, sizeof(double));
	for (uint64_t s = 0; s < ns; s++) {
		const struct ct_res *r = &x->res[s * cell->n];

		sample_figures(r, cell->n, &v[0][s], &v[2][s], &v[3][s]);
		v[1][s] = v[0][s] / cell->n;
		for (unsigned i = 0; i < cell->n; i++)
			allops += r[i].ops;
	}
	for (int m = 0; m < (cell->op->counts_success ? 4 : 3) && !rc; m++) {
		struct cp_row row;

		ct_row(c, cell, &row);
		row.samples = ns;
		row.iters_per_sample = x->iters;
		row.sample_ns = x->sample_ns;
		row.stop = x->stop;
		row.metric = metric[m];
		row.unit = unit[m];
		stats_compute(v[m], ns, &row.st);
		row.raw = v[m];
		row.nraw = ns;
		if (c->run.counters && sh)
			exp_counters_row(sh, c->run.counters, (double)allops, &row, c->sink);
		rc = result_add(c->sink, &row, e);
	}
	for (int m = 0; m < 4; m++)
		free(v[m]);
	return rc;
}

/* One run of the agents with req: P with the results and the agents'
 * slots; ct_run_free ends it. */
struct ct_run {
	struct ct_shared *P;
	size_t psize;
	struct agents_shared *sh;
};

static int ct_run(struct costs *c, struct ct_cell *cell, const struct sampler_req *req, struct ct_run *r,
		  struct cp_err *e)
{
	uint64_t max = sampler_max_samples(req);
	struct agents_cfg cfg = { .mode = cell->mode, .n = cell->n, .cpus = cell->cpus,
				  .timeout_s = c->run.timeout_s, .fn = ct_agent, .counters = c->run.counters };
	/* both modes: one memory kind for the two, so only the address space differs */
	const char *kind = c->q->mem.shm ? c->q->mem.shm : cell->mode == AGENT_PROCESS || c->nmodes == 2 ? "anon" : "heap";
	struct ct_shared *P;
	int rc;

	memset(r, 0, sizeof(*r));
	r->psize = sizeof(struct ct_shared) + (max + 1) * cell->n * sizeof(struct ct_res) + max * sizeof(double);
	P = r->P = cfg.arg = agents_shared_alloc(r->psize);
	P->k = cell->k;
	P->op = cell->op;
	P->lay = cell->lay;
	sampler_init(&P->smp, req, &ct_tune, (double *)&P->res[(max + 1) * cell->n]);
	P->n = cell->n;
	P->line = (size_t)c->run.granule;
	P->node_seen = -1;
	rc = costs_mem_node(c, cell->cpus, cell->n, &P->mem_node, e);
	if (!rc)
		rc = shm_create(&P->shm, kind, c->q->mem.pages, (size_t)cell->n * CP_GRANULE_MAX, e);
	if (rc)
		return rc;
	P->has_shm = 1;
	rc = agents_run(&cfg, &r->sh, e);
	cell->shm = shm_kind_name(&P->shm);
	cell->pages = shm_page_name(&P->shm);
	cell->node_seen = P->node_seen;
	return rc;
}

static void ct_run_free(struct ct_run *r)
{
	if (r->sh && r->sh->hung)
		return;
	agents_free(r->sh);
	if (r->P->has_shm)
		shm_destroy(&r->P->shm);
	agents_shared_free(r->P, r->psize);
}

static int measure(struct costs *c, struct ct_cell *cell, struct cp_err *e)
{
	struct sampler_req req = costs_sampler_req(c);
	struct ct_run r;
	int rc = ct_run(c, cell, &req, &r, e);

	if (!rc && !costs_interrupted(c)) {
		struct ct_values x = { r.P->res, r.P->smp.nsamples, r.P->smp.iters_used, sampler_sample_ns(&r.P->smp),
				       sampler_stop(&r.P->smp) };

		rc = emit(c, cell, &x, r.sh, e);
	}
	ct_run_free(&r);
	return rc;
}

/* One block of an interleaved arm: its total rates into v, its per-agent
 * results after the arm's earlier blocks. */
static int ct_block(struct costs *c, void *cv, int arm, const struct sampler_req *req, double *v,
		    struct arms_block_out *out,
		    struct cp_err *e)
{
	struct ct_cell *cell = cv;
	struct ct_run r;
	int rc;

	cell->mode = c->modes[arm];
	rc = ct_run(c, cell, req, &r, e);
	if (!rc && !costs_interrupted(c)) {
		uint64_t at = cell->nblk[arm]++ * ARMS_BLOCK * cell->n;

		if (at + ARMS_BLOCK * cell->n > cell->cap) {
			cell->cap = 2 * (at + ARMS_BLOCK * cell->n);
			for (int x = 0; x < 2; x++)
				cell->res[x] = cp_xrealloc(cell->res[x], cell->cap * sizeof(struct ct_res));
		}
		memcpy(cell->res[arm] + at, r.P->res, ARMS_BLOCK * cell->n * sizeof(struct ct_res));
		memcpy(v, r.P->smp.v, ARMS_BLOCK * sizeof(double));
		out->iters = r.P->smp.iters_used;
		out->sample_ns = sampler_sample_ns(&r.P->smp);
		exp_arm_ctr_add(c->run.counters, &cell->ctr, arm, r.sh);
	}
	ct_run_free(&r);
	return rc;
}

/* Threads and processes as interleaved arms, a run per block: each arm's
 * rows, and the comparison of the total rates. */
static int measure_arms(struct costs *c, struct ct_cell *cell, struct cp_err *e)
{
	struct arms_runs a;
	struct cp_row row;
	int rc = costs_arms_run(c, ct_block, cell, c->margin_pct, &a, e);

	for (int x = 0; x < 2 && !rc && a.pairs; x++) {
		struct ct_values v = { cell->res[x], a.pairs * ARMS_BLOCK, a.iters, a.sample_ns[x],
				       arms_runs_stop(&a, c->run.target_ci) };

		cell->mode = c->modes[x];
		result_arm(c->sink, c->mode_pair, x);
		rc = emit(c, cell, &v, cell->ctr.acc[x], e);
		/* the arms' counts are of the operations each did in its time */
		for (uint64_t s = 0; s < v.ns * cell->n; s++)
			cell->ctr.ops[x] += (double)v.res[s].ops;
	}
	if (!rc && a.pairs) {
		ct_row(c, cell, &row);
		row.iters_per_sample = a.iters;
		exp_counters_none(c->run.counters, &row);
		rc = exp_arms_add(c->sink, &a, &row, c->mode_pair, "throughput: arm 2 / arm 1", c->run.counters, &cell->ctr,
				  e);
	}
	exp_arm_ctr_free(&cell->ctr);
	free(cell->res[0]);
	free(cell->res[1]);
	arms_runs_free(&a);
	return rc;
}

static int contend_run(const void *req, struct cp_err *ep)
{
	const struct contend_req *o = req;
	struct costs c;
	struct cp_err e = { 0 };
	int *cpus = NULL, ncpus = 0, li[8], nl = 0, oi[8], no = 0, rc;
	uint64_t *nag = NULL;
	size_t nn = 0;
	char placement[64], range[32];
	const struct kernel *k[8];

	if ((rc = costs_init(&c, &o->c, &e)) || (rc = costs_check_margin(&c, c.nmodes == 2, "--mode both", &e)))
		goto out;
	if ((rc = name_pick(o->layout, "layout", NAME_TABLE(layouts, CP_ARRAY_SIZE(layouts)), li, 8, &nl, &e)) ||
	    (rc = name_pick(o->op, "op", NAME_TABLE(ops, CP_ARRAY_SIZE(ops)), oi, 8, &no, &e)))
		goto out;
	for (int i = 0; i < no; i++)
		if (!(k[i] = kernel_find("contend", ops[oi[i]].name, o->impl, "", NULL, &e))) {
			rc = e.code;
			goto out;
		}
	for (int m = 0; m < c.nmodes; m++)
		if ((rc = shm_check(o->c.mem.shm, o->c.mem.pages, c.modes[m] == AGENT_PROCESS, &e)))
			goto out;
	if ((rc = costs_cpulist(&c, 1, 1, &cpus, &ncpus, placement, sizeof(placement), &e)))
		goto out;
	/* default: the scaling curve over every CPU given */
	snprintf(range, sizeof(range), "1..%d", ncpus);
	if ((rc = parse_u64_range(o->agents ? o->agents : range, "agents", 1, (uint64_t)ncpus, &nag,
				  &nn, &e)) ||
	    o->c.checking || (rc = costs_open_sink(&c, &e)))
		goto out;
	for (int l = 0; l < nl && !rc; l++)
		for (int j = 0; j < no && !rc; j++)
			for (size_t i = 0; i < nn && !rc; i++)
				for (int m = 0; m < (c.nmodes == 2 ? 1 : c.nmodes) && !rc && !costs_interrupted(&c) && !runctl_time_up();
			     m++) {
					struct ct_cell cell = { k[j], &ops[oi[j]], &layouts[li[l]], c.modes[m],
								cpus, (unsigned)nag[i], placement, NULL, NULL, -1,
								{ NULL, NULL }, { 0, 0 }, 0 };

					/* both modes: interleaved arms, one comparison per cell */
					rc = c.nmodes == 2 ? measure_arms(&c, &cell, &e) : measure(&c, &cell, &e);
				}
out:
	free(cpus);
	free(nag);
	rc = costs_finish(&c, rc, &e);
	*ep = e;
	return rc;
}

/* ---- the experiment ---- */

/* contention: throughput against agents */
static const struct exp_preset contend_presets[] = {
	{ EXP_QUICK, "contend --agents 1..{ncpu} --op faa --layout same-line --mode thread --samples 5" },
	/* the scaling of every op and layout; threads vs processes as
	 * interleaved arms (a run per block) on the hardest case */
	{ EXP_STANDARD, "contend --agents {agents} --op all --layout all --mode thread" },
	{ EXP_STANDARD, "contend --agents {agents} --op faa --layout same-line --mode both" },
	{ EXP_STANDARD, "contend --agents 2 --op faa --layout same-line --mode process:process" },
	{ EXP_FULL, "contend --agents 1..{ncpu} --op all --layout all --mode both --shm {pshm}" },
};

static const struct exp_figure contend_figures[] = {
	{ "contend", "contend.gp", "contend.csv", "throughput",
	  "experiment kernel metric unit agents p50 ci_lo ci_hi layout mode", "kernel",
	  "series='layout mode shm'", "Contention: total throughput against the number of agents" },
	{ "contend-fairness", "contend.gp", "contend.csv", "fairness",
	  "experiment kernel metric unit agents p50 ci_lo ci_hi layout mode", "kernel",
	  "series='layout mode shm'", "Contention: fairness (slowest agent / fastest)" },
	EXP_FOREST("contend"),
};

/* What its own options allow (the command line's completion). */
static const char *contend_values(enum opt_id id, char *buf, size_t len)
{
	const struct name_table *t = id == OPT_op ? NAME_TABLE(ops, CP_ARRAY_SIZE(ops))
				   : id == OPT_layout ? NAME_TABLE(layouts, CP_ARRAY_SIZE(layouts)) : NULL;

	return t ? names_or_all(t, buf, len) : NULL;
}

const struct experiment exp_contend = {
	.name = "contend",
	.summary = "N agents hammering one line, its words, or a line each: throughput, fairness, scaling",
	.notes = "--iters: the default makes a sample of ~2 ms",
	EXP_REQUEST(struct contend_req, contend_opts),
	.run = contend_run,
	.family = "contend",
	.prior = { .cell_fixed = 0.12, .meas_fixed = 0.01, .t_sample = 2.2e-3, .per_byte = 0,
		   .min_samples = 5, .max_samples = 50, .all = "layout=3" },
	.arms = EXP_ARMS_RUNS,
	.presets = EXP_ITEMS(contend_presets),
	.probe = "contend --agents 2 --op faa --layout same-line --mode thread --samples 5 --warmup 1",
	.figures = EXP_ITEMS(contend_figures),
	.values = contend_values,
};
