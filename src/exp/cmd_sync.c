/* cmd_sync.c: `cachepong sync` — the round trip of a wake-up through a
 * blocking primitive (futex, mutex+condvar, semaphore, eventfd, pipe)
 * between two pinned agents, threads vs processes, next to the atomic spin
 * baseline (the ping-pong load-store kernel, measured by pingpong.c).
 *
 * Per sample, after a gate: A posts n and waits for n back, `iters` times,
 * timed; B answers, untimed.  Each post waits until the other side sleeps
 * in its wait (sync_prims.h: the rows' state is "asleep"), and that
 * hold-off is not timed.  Every receipt is checked against the number
 * expected (sync_prims.c), and at the end both sides must have counted the
 * same total.  The warm-up samples also size a ~1 ms sample of wall time
 * (hold-offs included), unless --iters (sampler.c). */
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
#include "pingpong.h"
#include "sampler.h"
#include "shm.h"
#include "setup_common.h"
#include "stats.h"
#include "sync_prims.h"
#include "timer.h"
#include "topo.h"

/* What sync is asked: the shared options and its own. */
struct sync_req {
	struct exp_req c;
	const char *prim, *futex;
};

#define T struct sync_req
static const struct req_opt sync_opts[] = {
	REQ_OPTS_PLACE(T), REQ_OPTS_TIMING(T, "30", "3"), REQ_OPT_ITERS(T), REQ_OPT_TARGET_CI(T), REQ_OPTS_COUNTERS(T),
	REQ_OPTS_OUTPUT(T), REQ_OPT(T, c.mem.mem_node, mem_node, NULL), REQ_OPT_MODE(T, "both"), REQ_OPT_MARGIN(T),
	REQ_OPT(T, prim, prim, "all"), REQ_OPT(T, futex, futex, NULL),
};
#undef T

/* a sample: ~1 ms of round trips (a wake-up takes microseconds) */
static const struct sampler_tune sy_tune = { .sample_ns = 1e6, .cal_iters = 16, .iters_lo = 1,
					     .iters_hi = 10000000 };
#define SY_POISON UINT64_MAX  /* never a sequence number */

struct sy_shared {
	struct sy_pair pair;
	const struct sy_prim *prim;
	struct sampler smp;
	uint64_t seq[2];                   /* numbers each side posted and received */
	uint64_t expect;                   /* round trips asked for */
	double timeout_s;                  /* a partner that never sleeps this long: an error */
	double v[];                        /* per timed sample: ns per round trip */
};

struct sy_agent_state {
	struct sy_shared *P;
	uint64_t seq, expect;
	struct sy_io io;           /* the partner's status file, opened at the first pass */
	double timeout_s;
};

/* The timed pass: `iters` round trips through the primitive, which stamps
 * around them itself (A posts and waits; B answers untimed). */
static int sy_pass(struct agent_ctx *c, void *st, uint64_t iters, uint64_t *ticks)
{
	struct sy_agent_state *a = st;
	struct sy_shared *P = a->P;
	unsigned side = c->id;
	const struct sy_side *sd = &P->pair.side[side];
	struct cp_err e = { 0 };
	int rc;

	/* after the first gate: the partner's id is published */
	if (a->io.status_fd < 0 &&
	    sy_io_open(&a->io, &P->pair, side, a->timeout_s, &c->sh->abort.v, &e))
		return agent_fail(c, e.code, "sync %s: %s", P->prim->name, e.msg);
	rc = P->prim->run(&P->pair, side, iters, &a->seq, &a->io, &P->smp.timer, ticks);
	a->expect += iters;
	if (!rc)
		return 0;
	if (__atomic_load_n(&c->sh->abort.v, __ATOMIC_ACQUIRE))
		return costs_agent_left(c);
	rc = agent_fail(c, CP_ERUN, "sync %s: agent %c expected number %llu, %s gave %llu%s%s",
			P->prim->name, side ? 'B' : 'A', (unsigned long long)sd->want,
			sd->call, (unsigned long long)sd->got, sd->err ? ": " : "",
			sd->err ? strerror(sd->err) : "");
	/* a partner blocked in a wait gets a number it cannot expect */
	P->prim->post(&P->pair, side, SY_POISON);
	return rc;
}

static const struct sampler_ops sy_ops = { .pass = sy_pass, .self_timed = 1 };

static int sy_agent(struct agent_ctx *c)
{
	struct sy_shared *P = c->arg;
	struct sy_agent_state a = { .P = P, .io = { .status_fd = -1 }, .timeout_s = P->timeout_s };
	int rc;

	sy_io_publish(&P->pair, c->id);
	rc = sampler_run(c, &P->smp, &sy_ops, &a);
	sy_io_close(&a.io);

	if (rc)
		return rc > 0 ? rc : c->sh->slot[c->id].rc;
	P->seq[c->id] = a.seq;
	if (c->id == 0)
		P->expect = a.expect;
	return 0;
}

/* What two interleaved arms compare: threads against processes (both on
 * a shared futex: like for like), or a private futex against a shared one
 * (both between threads). */
struct sy_arms {
	enum agent_mode mode[2];
	int futex_shared[2];
	const char *name;  /* the comparison row's mode: "thread:process" */
};

struct sy_cell {
	const struct sy_prim *prim;
	enum agent_mode mode;
	int cpus[2];
	const char *placement;
	int futex_shared;
	int seen;          /* the node the pair's words were on, -1 unknown */
	int set_up;        /* prim->setup done: teardown owed */
	const struct sy_arms *arms;
	struct exp_arm_ctr ctr;   /* interleaved arms: each arm's counts */
};

static void sy_row_common(const struct costs *c, const struct sy_cell *cell, struct cp_row *row)
{
	costs_row(c, row, "sync", cell->mode, cell->cpus, 2, cell->placement);
	row->kernel = cell->prim->name;
	row->shm = "anon";
	row->pages = "4k";
	row->size_bytes = sizeof(uint64_t);
	row->metric = "round_trip";
	row->unit = "ns";
	/* the waiter's state when it is posted to: asleep in the kernel
	 * (sync_prims.h), or spinning for the spin baseline */
	row_ext_set(row, COL_state, cell->prim->run ? "asleep" : "spinning");
	if (cell->prim->has_form)
		row->note = cell->futex_shared ? "futex shared" : "futex private";
}

/* One run of the pair: P with its values and the agents' slots, for the
 * caller to read; sy_run_free ends it. */
struct sy_run {
	struct sy_shared *P;
	size_t psize;
	struct agents_shared *sh;
};

static int sy_run(struct costs *c, struct sy_cell *cell, const struct sampler_req *req, struct sy_run *r,
		  struct cp_err *e)
{
	struct agents_cfg cfg = { .mode = cell->mode, .n = 2, .cpus = cell->cpus, .timeout_s = c->run.timeout_s,
				  .fn = sy_agent, .counters = c->run.counters };
	int rc, node;

	r->sh = NULL;
	r->psize = sizeof(struct sy_shared) + sampler_max_samples(req) * sizeof(double);
	r->P = cfg.arg = agents_shared_alloc(r->psize);
	/* --mem-node: the pair's words (futex, flags) come from that node */
	if ((rc = costs_mem_node(c, cell->cpus, 2, &node, e)) ||
	    (node >= 0 && (rc = shm_bind_node(r->P, r->psize, node, e))))
		return rc;
	r->P->prim = cell->prim;
	r->P->timeout_s = c->run.timeout_s;
	sampler_init(&r->P->smp, req, &sy_tune, r->P->v);
	if ((rc = cell->prim->setup(&r->P->pair, cell->mode == AGENT_PROCESS, cell->futex_shared, e)))
		return rc;
	cell->set_up = 1;
	rc = agents_run(&cfg, &r->sh, e);
	if (rc || costs_interrupted(c))
		return rc;
	if (r->P->seq[0] != r->P->expect || r->P->seq[1] != r->P->expect)
		return cp_errf(e, CP_ERUN, "sync %s: A counted %llu round trips and B %llu, expected %llu",
			       cell->prim->name, (unsigned long long)r->P->seq[0], (unsigned long long)r->P->seq[1],
			       (unsigned long long)r->P->expect);
	return shm_node_check(r->P, node, &cell->seen, e);
}

static void sy_run_free(struct sy_cell *cell, struct sy_run *r)
{
	if (r->sh && r->sh->hung)
		return; /* a thread still blocks in the pair: the caller exits */
	agents_free(r->sh);
	if (cell->set_up)
		cell->prim->teardown(&r->P->pair);
	cell->set_up = 0;
	agents_shared_free(r->P, r->psize);
}

static int measure_blocking(struct costs *c, struct sy_cell *cell, struct cp_err *e)
{
	struct sampler_req req = costs_sampler_req(c);
	struct sy_run r;
	int rc = sy_run(c, cell, &req, &r, e);

	if (!rc && !costs_interrupted(c)) {
		struct sy_shared *P = r.P;
		struct cp_row row;

		sy_row_common(c, cell, &row);
		row.mem_node = cell->seen;
		row.samples = P->smp.nsamples;
		row.iters_per_sample = P->smp.iters_used;
		row.sample_ns = sampler_sample_ns(&P->smp);
		row.stop = sampler_stop(&P->smp);
		stats_compute(P->v, P->smp.nsamples, &row.st);
		row.raw = P->v;
		row.nraw = P->smp.nsamples;
		if (c->run.counters)
			exp_counters_row(r.sh, c->run.counters, (double)(P->smp.nsamples * row.iters_per_sample),
					    &row, c->sink);
		rc = result_add(c->sink, &row, e);
	}
	sy_run_free(cell, &r);
	return rc;
}

/* One block of an interleaved arm (costs_arms_run). */
static int sy_block(struct costs *c, void *cv, int arm, const struct sampler_req *req, double *v,
		    struct arms_block_out *out, struct cp_err *e)
{
	struct sy_cell *cell = cv;
	struct sy_run r;
	int rc;

	cell->mode = cell->arms->mode[arm];
	cell->futex_shared = cell->arms->futex_shared[arm];
	rc = sy_run(c, cell, req, &r, e);
	if (!rc && !costs_interrupted(c)) {
		memcpy(v, r.P->v, ARMS_BLOCK * sizeof(double));
		out->iters = r.P->smp.iters_used;
		out->sample_ns = sampler_sample_ns(&r.P->smp);
		exp_arm_ctr_add(c->run.counters, &cell->ctr, arm, r.sh);
	}
	sy_run_free(cell, &r);
	return rc;
}

/* Two arms (cell->arms) interleaved, block by block (a run of the pair
 * each): each arm's row, then their comparison. */
static int measure_blocking_arms(struct costs *c, struct sy_cell *cell, struct cp_err *e)
{
	struct arms_runs a;
	struct cp_row row;
	int rc;

	rc = costs_arms_run(c, sy_block, cell, c->margin_pct, &a, e);
	for (int x = 0; x < 2 && !rc && a.pairs; x++) {
		cell->mode = cell->arms->mode[x];
		cell->futex_shared = cell->arms->futex_shared[x];
		sy_row_common(c, cell, &row);
		row.mem_node = cell->seen;
		row.samples = a.pairs * ARMS_BLOCK;
		row.iters_per_sample = a.iters;
		row.sample_ns = a.sample_ns[x];
		row.stop = arms_runs_stop(&a, c->run.target_ci);
		stats_compute(a.v[x], row.samples, &row.st);
		row.raw = a.v[x];
		row.nraw = row.samples;
		if (cell->ctr.acc[x])
			exp_counters_row(cell->ctr.acc[x], c->run.counters, (double)(row.samples * a.iters), &row,
					 c->sink);
		result_arm(c->sink, cell->arms->name, x);
		rc = result_add(c->sink, &row, e);
	}
	exp_counters_none(c->run.counters, &row);
	if (!rc && a.pairs)
		rc = exp_arms_add(c->sink, &a, &row, cell->arms->name,
				  cell->arms->futex_shared[0] != cell->arms->futex_shared[1]
					  ? "futex shared / private, between threads" : NULL, c->run.counters, &cell->ctr, e);
	exp_arm_ctr_free(&cell->ctr);
	arms_runs_free(&a);
	return rc;
}

/* The spin baseline is a ping-pong cell (pingpong.c), on anon memory like
 * the pairs of the blocking primitives. */
/* A ping-pong row as this command's spin row. */
static void spin_row(const struct costs *c, const struct sy_cell *cell, const struct kernel *k,
		     const struct cp_row *row, struct cp_row *base)
{
	sy_row_common(c, cell, base);
	/* keep what was measured, say it is this command's row */
	base->impl = k->impl;
	base->mode = row->mode;
	base->arms = row->arms;
	base->arm = row->arm;
	base->mem_node = row->mem_node;
	base->samples = row->samples;
	base->iters_per_sample = row->iters_per_sample;
	base->sample_ns = row->sample_ns;
	base->stop = row->stop;
	base->modes = row->modes;
	base->metric = row->metric;
	base->unit = row->unit;
	base->ticks_per_ns = row->ticks_per_ns;
	base->st = row->st;
	base->raw = row->raw;
	base->nraw = row->nraw;
	base->verdict = row->verdict;
	base->margin_pct = row->margin_pct;
	base->blocks = row->blocks;
	base->ncounters = row->ncounters;
	memcpy(base->counters, row->counters, sizeof(row->counters));
	base->note = row->verdict ? row->note : "ping-pong load-store kernel on one line";
}

/* The spin baseline is a ping-pong cell (pingpong.c), on anon memory like
 * the pairs of the blocking primitives; with both modes, its interleaved
 * arms and their comparison. */
static int measure_spin(struct costs *c, const struct sy_cell *cell, struct cp_err *e)
{
	struct pp_run run = c->run;
	const struct kernel *k = kernel_find("pingpong", cell->prim->pp_kernel, NULL, NULL, NULL, e);
	struct cp_row rows[3], base;
	double *raw[3] = { NULL, NULL, NULL };
	int rc, n = c->nmodes == 2 ? 3 : 1;

	if (!k)
		return e->code;
	run.shm = "anon";
	run.pages = "4k";
	run.two_lines = 0;
	if (n == 3)
		rc = pp_measure_arms(&run, k, c->modes, cell->cpus[0], cell->cpus[1], c->q->mem.mem_node, cell->placement,
				     c->margin_pct, rows, raw, c->sink, e);
	else
		rc = pp_measure(&run, k, cell->mode, cell->cpus[0], cell->cpus[1], c->q->mem.mem_node, cell->placement,
				&rows[0], &raw[0], c->sink, e);
	for (int i = 0; i < n && !rc && !costs_interrupted(c); i++) {
		spin_row(c, cell, k, &rows[i], &base);
		rc = result_add(c->sink, &base, e);
	}
	for (int i = 0; i < 3; i++)
		free(raw[i]);
	return rc;
}

/* --futex: private, shared, or private:shared (the two forms as
 * interleaved arms between threads).  *form: 0 private, 1 shared, 2 both
 * as arms; -1 without the option (the form follows the mode). */
static int futex_form(const struct costs *c, const struct sync_req *o, const int *idx, int n, int *form,
		      struct cp_err *e)
{
	*form = -1;
	if (!o->futex)
		return 0;
	if ((*form = parse_choice(o->futex, SY_FUTEX_NAMES, "futex", e)) < 0)
		return e->code;
	for (int m = 0; m < c->nmodes && *form != 1; m++)
		if (c->modes[m] == AGENT_PROCESS)
			return cp_errf(e, CP_EUSAGE,
				       "--futex %s: a private futex cannot wake another process "
				       "(FUTEX_PRIVATE_FLAG keys the word by address space): use --mode thread, "
				       "or --futex shared", o->futex);
	for (int i = 0; i < n && *form == 2; i++)
		if (!sy_prims[idx[i]].has_form)
			return cp_errf(e, CP_EUSAGE, "--futex private:shared: compares the futex forms; --prim %s "
				       "has none: use --prim futex", sy_prims[idx[i]].name);
	return 0;
}

static int sync_run(const void *req, struct cp_err *ep)
{
	const struct sync_req *o = req;
	struct costs c;
	struct cp_err e = { 0 };
	struct cp_placement pl = { 0 };
	int idx[16], n = 0, form = -1, rc;
	struct sy_arms modes_arms, forms_arms = { { AGENT_THREAD, AGENT_THREAD }, { 0, 1 }, "private:shared" };

	if ((rc = costs_init(&c, &o->c, &e)) ||
	    (rc = name_pick(o->prim, "prim", NAME_TABLE(sy_prims, sy_nprims), idx, 16, &n, &e)) ||
	    (rc = futex_form(&c, o, idx, n, &form, &e)) ||
	    (rc = costs_check_margin(&c, c.nmodes == 2 || form == 2, "--mode both or --futex private:shared", &e)))
		goto out;
	modes_arms = (struct sy_arms){ { c.modes[0], c.modes[1] }, { 1, 1 }, c.mode_pair };
	if ((rc = costs_pairs(&c, &pl, &e)) || o->c.checking || (rc = costs_open_sink(&c, &e)))
		goto out;
	/* both modes, or both futex forms: interleaved arms of one comparison per cell */
	for (int p = 0; p < pl.npairs && !rc; p++)
		for (int i = 0; i < n && !rc; i++)
			for (int m = 0; m < (c.nmodes == 2 ? 1 : c.nmodes) && !rc && !costs_interrupted(&c) && !runctl_time_up();
			     m++) {
				const struct sy_prim *prim = &sy_prims[idx[i]];
				struct sy_cell cell = { prim, c.modes[m], { pl.pairs[p][0], pl.pairs[p][1] },
							pl.class_name, form == 1 || c.modes[m] == AGENT_PROCESS, -1, 0,
							form == 2 ? &forms_arms : c.nmodes == 2 ? &modes_arms : NULL };

				if (cell.cpus[0] == cell.cpus[1])
					rc = cp_errf(&e, CP_EUSAGE, "--cpus: the two agents need two different CPUs, got %d twice",
						     cell.cpus[0]);
				else if (!prim->run)
					rc = measure_spin(&c, &cell, &e);
				else
					rc = cell.arms ? measure_blocking_arms(&c, &cell, &e) : measure_blocking(&c, &cell, &e);
			}
out:
	cp_placement_free(&pl);
	rc = costs_finish(&c, rc, &e);
	*ep = e;
	return rc;
}

/* ---- the experiment ---- */

/* waking the other side */
static const struct exp_preset sync_presets[] = {
	{ EXP_QUICK, "sync --prim futex --mode both --placement {near} --samples 20" },
	{ EXP_STANDARD, "sync --prim all --mode both --placement {near}" },
	{ EXP_STANDARD, "sync --prim futex --futex private:shared --mode thread --placement {near}" },
	/* the A/A control of the comparisons above: its false claims go in the report */
	{ EXP_STANDARD, "sync --prim futex,pipe --mode process:process --placement {near}" },
	{ EXP_FULL, "sync --prim all --mode both --placement {class}" },
};

static const struct exp_figure sync_figures[] = {
	{ "sync", "bars.gp", "sync.csv", "round_trip|wakeup_round_trip",
	  "experiment kernel metric unit p50 ci_lo ci_hi mode placement", "placement",
	  "xcol='kernel'; xname='primitive'; series='mode shm'",
	  "Waking the other side: round trip through each primitive, threads vs processes" },
	EXP_FOREST("sync"),
};

/* What its own options allow (the command line's completion). */
static const char *sync_values(enum opt_id id, char *buf, size_t len)
{
	if (id == OPT_futex)
		return SY_FUTEX_NAMES;
	return id == OPT_prim ? names_or_all(NAME_TABLE(sy_prims, sy_nprims), buf, len) : NULL;
}

const struct experiment exp_sync = {
	.name = "sync",
	.summary = "wake-up round trip of a waiter asleep in the kernel through futex, mutex, semaphore, "
		   "eventfd, pipe vs spinning",
	.notes = "--iters: the default makes a sample of ~1 ms",
	EXP_REQUEST(struct sync_req, sync_opts),
	.run = sync_run,
	.prior = { .cell_fixed = 0.12, .meas_fixed = 0.005, .t_sample = 1.2e-3, .per_byte = 0,
		   .min_samples = 10, .max_samples = 1000, .all = "prim=6" },
	.arms = EXP_ARMS_RUNS,
	.presets = EXP_ITEMS(sync_presets),
	.probe = "sync --prim futex --mode thread --placement {near} --samples 5 --warmup 1",
	.figures = EXP_ITEMS(sync_figures),
	.values = sync_values,
};
