/* cmd_pingpong.c: `cachepong pingpong` — for each pair (--cpus A,B or
 * --placement CLASS [--pairs N]) x op x mode, one ping-pong cell.
 * --mode both (thread:process) measures the two as interleaved arms
 * (arms.h) with the same CPUs, memory kind (anon unless --shm) and line,
 * and adds a comparison row with the verdict; thread:thread and
 * process:process are the A/A controls of that design. */
#include <stdlib.h>
#include <string.h>

#include "experiment.h"
#include "names.h"
#include "cp.h"
#include "pingpong.h"
#include "request.h"
#include "result.h"
#include "runctl.h"
#include "topo.h"
#include "verdict.h"

/* What pingpong is asked: the shared options and its own. */
struct pingpong_req {
	struct exp_req c;
	const char *op, *layout, *spin, *poll, *impl;
};

#define T struct pingpong_req
static const struct req_opt pingpong_opts[] = {
	REQ_OPTS_PLACE(T), REQ_OPTS_TIMING(T, "200", "20"), REQ_OPT_ITERS(T), REQ_OPT_TARGET_CI(T),
	REQ_OPTS_COUNTERS(T), REQ_OPTS_OUTPUT(T), REQ_OPTS_MEMORY(T), REQ_OPT_MODE(T, "thread"), REQ_OPT_MARGIN(T),
	REQ_OPT(T, op, op, "all"), REQ_OPT(T, layout, layout, NULL), REQ_OPT(T, spin, spin, NULL),
	REQ_OPT(T, poll, poll, NULL), REQ_OPT(T, impl, impl, NULL),
};
#undef T

struct pp_plan {
	const struct kernel *k[16];
	int nk;
	enum agent_mode modes[2];
	int nmodes;
	int interleave;         /* the two modes are arms measured interleaved */
	double margin_pct;
};

static int plan_ops(const struct pingpong_req *o, struct pp_plan *p, struct cp_err *e)
{
	const char *names = kernel_names("pingpong");
	int idx[CP_ARRAY_SIZE(p->k)], n, rc, all = !o->op || !strcmp(o->op, "all");
	char name[64];

	if ((rc = name_pick_list(o->op ? o->op : "all", "op", names, idx, (int)CP_ARRAY_SIZE(p->k), &n, e)))
		return rc;
	p->nk = 0;
	for (int j = 0; j < n; j++) {
		/* the idx-th name of "load-store|cas|..." */
		const char *s = names;

		for (int i = 0; i < idx[j]; i++)
			s = strchr(s, '|') + 1;
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(s, "|"), s);
		/* --op all --poll rmw: the ops that have an atomic to poll with */
		if (all && o->poll && !kernel_has_poll("pingpong", name, o->poll))
			continue;
		if (!(p->k[p->nk++] = kernel_find("pingpong", name, o->impl, o->spin, o->poll, e)))
			return e->code;
	}
	return 0;
}

static int plan_modes(const struct pingpong_req *o, struct pp_plan *p, struct cp_err *e)
{
	struct agent_modes am;
	int rc = agent_modes_parse(o->c.mode, 1, &am, e);

	p->modes[0] = am.m[0];
	p->modes[1] = am.m[1];
	p->nmodes = am.n;
	p->interleave = am.n == 2;
	p->margin_pct = o->c.margin;
	return rc ? rc : req_check_margin(&o->c, p->interleave, "--mode both or A:B", e);
}

/* One pair x op: the cell, or the two arms and their comparison. */
static int measure(const struct pp_run *run, const struct pp_plan *plan, const struct kernel *k, const int *pair,
		   const struct pingpong_req *o, const char *cls, struct cp_sink *sink, struct cp_err *e)
{
	struct cp_row rows[3];
	double *raw[3] = { NULL, NULL, NULL };
	int rc = 0, n = plan->interleave ? 3 : 1;

	if (plan->interleave)
		rc = pp_measure_arms(run, k, plan->modes, pair[0], pair[1], o->c.mem.mem_node, cls, plan->margin_pct,
				     rows, raw, sink, e);
	for (int m = 0; !plan->interleave && m < plan->nmodes && !rc; m++) {
		rc = pp_measure(run, k, plan->modes[m], pair[0], pair[1], o->c.mem.mem_node, cls, &rows[0], &raw[0], sink, e);
		if (!rc)
			rc = result_add(sink, &rows[0], e);
		free(raw[0]);
		raw[0] = NULL;
	}
	for (int i = 0; plan->interleave && i < n && !rc; i++)
		rc = result_add(sink, &rows[i], e);
	for (int i = 0; i < n; i++)
		free(raw[i]);
	return rc;
}

static int pingpong_run(const void *req, struct cp_err *e)
{
	const struct pingpong_req *o = req;
	struct pp_plan plan = { 0 };
	struct pp_run run = { 0 };
	struct cp_placement pl = { 0 };
	struct cp_sink *sink = NULL;
	struct pp_mem mem;
	unsigned modes = 0;
	int rc;

	if (req_format(&o->c, e) < 0 || plan_ops(o, &plan, e) || plan_modes(o, &plan, e))
		return e->code;
	for (int i = 0; i < plan.nmodes; i++)
		modes |= 1u << plan.modes[i];
	/* both: one memory kind for the two rows, so only the address space differs */
	mem = (struct pp_mem){ o->c.mem.shm ? o->c.mem.shm : plan.nmodes == 2 ? "anon" : NULL, o->c.mem.pages, o->layout,
			       o->poll };
	if ((rc = pp_run_init(&run, &o->c, &mem, modes, e)) || (rc = req_resolve_pairs(run.topo, &o->c, &pl, e)) ||
	    o->c.checking || (rc = req_sink_open(&o->c, &sink, e)))
		goto out;
	result_set_timer(sink, &run.timer);
	if (run.timer.warning[0])
		result_meta_note(sink, "timer: %s", run.timer.warning);
	for (int p = 0; p < pl.npairs && !rc && !runctl_time_up(); p++)
		for (int k = 0; k < plan.nk && !rc && !runctl_time_up(); k++)
			rc = measure(&run, &plan, plan.k[k], pl.pairs[p], o, pl.class_name, sink, e);
	if (rc)
		result_abort(sink);
	else
		rc = result_close(sink, e);
out:
	cp_placement_free(&pl);
	pp_run_free(&run);
	return rc ? rc : runctl_exit_code(CP_OK);
}

/* ---- the experiment ---- */

static const struct exp_preset pingpong_presets[] = {
	/* the question of the report */
	{ EXP_QUICK, "pingpong --placement {near} --op cas --mode thread --shm heap --samples 30 --warmup 5" },
	/* processes and threads as interleaved arms on each kind of memory,
	 * and an A/A control beside each comparison: the method's false
	 * positives on this machine */
	{ EXP_QUICK, "pingpong --placement {near} --op cas --mode both --shm {anon,sysv} --warmup 5" },
	{ EXP_QUICK, "pingpong --placement {near} --op cas --mode process:process --shm anon --warmup 5" },
	{ EXP_STANDARD, "pingpong --placement {class} --op all --mode thread --shm heap" },
	{ EXP_STANDARD, "pingpong --placement {class} --op all --mode both --shm {pshm}" },
	{ EXP_STANDARD, "pingpong --placement {class} --op all --mode {thread:thread,process:process} --shm {pshm}" },
	{ EXP_FULL, "pingpong --placement {class} --pairs 4 --op all --mode thread --shm heap --layout {one-line,two-lines}" },
	{ EXP_FULL, "pingpong --placement {class} --pairs 4 --op all --mode process --shm {pshm} --layout {one-line,two-lines}" },
	{ EXP_FULL, "pingpong --placement {class} --op cas --mode process --shm {pshm} --pages thp" },
};

static const struct exp_figure pingpong_figures[] = {
	{ "pingpong", "bars.gp", "pingpong.csv", "round_trip",
	  "experiment kernel metric unit p50 ci_lo ci_hi placement mode shm pages layout impl", "kernel",
	  "series='mode shm pages layout impl'",
	  "Median round trip of one cache line per placement class, threads vs processes and "
	  "memory kinds; whiskers: 95% CI of the median" },
	{ "pingpong-cdf", "cdf.gp", "raw/pingpong.csv", "round_trip",
	  "experiment kernel metric unit value placement mode shm pages layout impl", "kernel placement",
	  "series='mode shm pages layout impl'",
	  "Distribution of the ping-pong samples: tails and modes the median hides" },
};

const struct experiment exp_pingpong = {
	.name = "pingpong",
	.summary = "round trip of one cache line between two CPUs, threads vs processes",
	.notes = "--iters: the default makes a sample of ~50 us",
	EXP_REQUEST(struct pingpong_req, pingpong_opts),
	.run = pingpong_run,
	.family = "pingpong",
	.prior = { .cell_fixed = 0.12, .meas_fixed = 0.004, .t_sample = 55e-6, .per_byte = 0,
		   .min_samples = 30, .max_samples = 1000, .all = "" },
	.arms = EXP_ARMS_IN_RUN,
	.presets = EXP_ITEMS(pingpong_presets),
	.probe = "pingpong --placement {near} --op cas --mode thread --samples 20 --warmup 3",
	.figures = EXP_ITEMS(pingpong_figures),
	.overlay = EXP_OVERLAY_BARS,
};
