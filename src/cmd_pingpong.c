/* cmd_pingpong.c: `cachepong pingpong` — for each pair (--cpus A,B or
 * --placement CLASS [--pairs N]) x op x mode, one ping-pong cell.
 * --mode both runs thread then process back to back with the same CPUs
 * and the same settings (also the same memory kind: anon unless --shm). */
#include <stdlib.h>
#include <string.h>

#include "experiment.h"
#include "cp.h"
#include "opts.h"
#include "pingpong.h"
#include "result.h"
#include "topo.h"

struct pp_plan {
	const struct kernel *k[16];
	int nk;
	enum agent_mode modes[2];
	int nmodes;
};

static int plan_ops(const struct opts *o, struct pp_plan *p, struct cp_err *e)
{
	const char *names = kernel_names("pingpong");
	int idx[CP_ARRAY_SIZE(p->k)], n, rc, all = !o->op || !strcmp(o->op, "all");
	char name[64];

	if ((rc = opt_pick_names(o->op ? o->op : "all", "op", names, idx, (int)CP_ARRAY_SIZE(p->k), &n, e)))
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

static int plan_modes(const struct opts *o, struct pp_plan *p, struct cp_err *e)
{
	const char *m = o->mode ? o->mode : "thread";

	return agent_modes_parse(m, p->modes, &p->nmodes, e);
}

int cmd_pingpong(struct opts *o)
{
	struct cp_err e = { 0 };
	struct pp_plan plan = { 0 };
	struct pp_run run;
	struct cp_placement pl = { 0 };
	struct cp_sink *sink = NULL;
	struct opts oo;
	unsigned modes = 0;
	int rc;

	if (o->argc)
		cp_die(CP_EUSAGE, "pingpong: unexpected argument '%s': it takes options only", o->argv[0]);
	if (opts_format(o, &e) < 0 || plan_ops(o, &plan, &e) || plan_modes(o, &plan, &e))
		cp_exit_err(&e);
	for (int i = 0; i < plan.nmodes; i++)
		modes |= 1u << plan.modes[i];
	/* both: one memory kind for the two rows, so only the address space differs */
	oo = *o;
	if (plan.nmodes == 2 && !oo.shm)
		oo.shm = "anon";
	if ((rc = pp_run_init(&run, &oo, modes, &e)))
		goto fail;
	if ((rc = topo_resolve_pairs(run.topo, o, &pl, &e)))
		goto fail;
	if ((rc = result_open(o, &sink, &e)))
		goto fail;
	result_set_timer(sink, &run.timer);
	if (run.timer.warning[0])
		result_meta_note(sink, "timer: %s", run.timer.warning);

	for (int p = 0; p < pl.npairs; p++)
		for (int k = 0; k < plan.nk; k++)
			for (int m = 0; m < plan.nmodes; m++) {
				struct cp_row row;
				double *raw = NULL;

				rc = pp_measure(&run, plan.k[k], plan.modes[m], pl.pairs[p][0], pl.pairs[p][1],
						o->mem_node, pl.class_name, &row, &raw, sink, &e);
				if (!rc)
					rc = result_add(sink, &row, &e);
				free(raw);
				if (rc)
					goto fail;
			}
	rc = result_close(sink, &e);
	sink = NULL;
	if (rc)
		goto fail;
	cp_placement_free(&pl);
	pp_run_free(&run);
	return CP_OK;
fail:
	if (sink)
		result_abort(sink);
	cp_exit_err(&e);
}

/* ---- the experiment ---- */

void rep_pingpong(struct rep *r);   /* its report section (report_sections.c) */

static const struct exp_preset pingpong_presets[] = {
	/* the question of the report */
	{ EXP_QUICK, "pingpong --placement {near} --op cas --mode thread --shm heap --samples 30 --warmup 5" },
	{ EXP_QUICK, "pingpong --placement {near} --op cas --mode process --shm {anon,sysv} --samples 30 --warmup 5" },
	{ EXP_STANDARD, "pingpong --placement {class} --op all --mode thread --shm heap" },
	/* processes and threads back to back on each kind of memory: like for
	 * like, and the repeated thread cells show the machine's drift */
	{ EXP_STANDARD, "pingpong --placement {class} --op all --mode both --shm {pshm}" },
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
	.cmd = { "pingpong", cmd_pingpong, "",
		 CP_OPTS_MEASURE | CP_OPTS_MEMORY | O(op) | O(layout) | O(spin) | O(poll) | O(impl),
		 "round trip of one cache line between two CPUs, threads vs processes",
		 "--iters: the default makes a sample of ~50 us" },
	.family = "pingpong",
	.prior = { 0.12, 0.004, 55e-6, 0, 200, 30, 1000, "", "" },
	.presets = EXP_ITEMS(pingpong_presets),
	.figures = EXP_ITEMS(pingpong_figures),
	.report = rep_pingpong,
};
