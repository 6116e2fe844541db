/* cmd_coherence.c: `cachepong coherence`: what one load, store, CAS,
 * fetch-and-add, test-and-set or swap costs on a line that another CPU left
 * Modified, Exclusive, Shared (with a third CPU) or Invalid, at a placement
 * class (--placement, or --cpus PREP,MEAS), against the measuring CPU's own
 * lines (the "self" baselines of M and E).  The method of David, Guerraoui
 * and Trigonakis (SOSP'13, ccbench), run by threads and by processes. */
#include "experiment.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coherence.h"
#include "counters.h"
#include "rows.h"
#include "runctl.h"
#include "shm.h"
#include "stats.h"
#include "topo.h"

/* Cells of one pair: self baselines first, so a table reads "own line,
 * then the same line held elsewhere". */
struct coh_plan {
	const struct kernel *k[8];
	int nk;
	struct { enum coh_state s; int self; } st[2 * COH_NSTATES];
	int nst;
	enum agent_mode modes[2];
	int nmodes;                  /* 2: interleaved arms (--mode both, A:B) */
	char mode_pair[32];          /* "thread:process": the comparison row's mode */
	double margin_pct;
	int want_s;          /* S asked for: 1 alone or in a list, 2 through "all" */
};

static int plan_ops(const struct opts *o, struct coh_plan *p, struct cp_err *e)
{
	const char *names = kernel_names("coherence");
	int idx[CP_ARRAY_SIZE(p->k)], n, rc;
	char name[32];

	if ((rc = opt_pick_names(o->op ? o->op : "all", "op", names, idx, (int)CP_ARRAY_SIZE(p->k), &n, e)))
		return rc;
	for (int j = 0; j < n; j++) {
		const char *s = names;

		for (int i = 0; i < idx[j]; i++)
			s = strchr(s, '|') + 1;
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(s, "|"), s);
		if (!(p->k[p->nk++] = kernel_find("coherence", name, o->impl, "", NULL, e)))
			return e->code;
	}
	return 0;
}

static int plan_states(const struct opts *o, struct coh_plan *p, struct cp_err *e)
{
	int idx[COH_NSTATES], n, rc, all = !o->state || !strcmp(o->state, "all");

	if ((rc = opt_pick_names(o->state ? o->state : "all", "state", coh_state_names(), idx, COH_NSTATES,
				 &n, e)))
		return rc;
	for (int j = 0; j < n; j++) {
		enum coh_state s = (enum coh_state)idx[j];

		/* the local baselines: the measuring CPU's own M and E lines */
		if (s == COH_M || s == COH_E) {
			p->st[p->nst].s = s;
			p->st[p->nst++].self = 1;
		}
		p->st[p->nst].s = s;
		p->st[p->nst++].self = 0;
		if (s == COH_S)
			p->want_s = all ? 2 : 1;
	}
	return 0;
}

static int plan_modes(const struct opts *o, struct coh_plan *p, struct cp_err *e)
{
	const char *m = o->mode ? o->mode : "thread";
	int rc;

	if ((rc = agent_arms_modes(m, p->modes, &p->nmodes, p->mode_pair, sizeof(p->mode_pair), e)))
		return rc;
	p->margin_pct = opt_isset(o, OPT_margin) ? o->margin : VERDICT_MARGIN_PCT;
	if (opt_isset(o, OPT_margin) && p->nmodes != 2)
		return cp_errf(e, CP_EUSAGE, "--margin: needs two arms (--mode both or A:B), got --mode %s", m);
	return 0;
}

static int run_init(struct coh_run *r, const struct opts *o, const struct coh_plan *p, struct cp_err *e)
{
	int rc;

	memset(r, 0, sizeof(*r));
	/* both: one memory kind for the two rows, so only the address space differs */
	r->shm = o->shm ? o->shm : p->nmodes == 2 ? "anon" : NULL;
	r->pages = o->pages;
	for (int m = 0; m < p->nmodes; m++)
		if ((rc = shm_check(r->shm, r->pages, p->modes[m] == AGENT_PROCESS, e)))
			return rc;
	r->smp.samples = opt_isset(o, OPT_samples) ? o->samples : 100;
	r->smp.warmup = opt_isset(o, OPT_warmup) ? o->warmup : 10;
	r->smp.target_ci = opt_isset(o, OPT_target_ci) ? o->target_ci : 0;
	r->smp.deadline = runctl_deadline();
	r->timeout_s = opt_isset(o, OPT_timeout) ? o->timeout : 10;
	if ((rc = topo_load(o->topology_xml, &r->topo, e)))
		return rc;
	if (!topo_is_thissystem(r->topo) && !getenv(CP_VALIDATE_ENV))
		return cp_errf(e, CP_EUSAGE, "--topology-xml %s: measurements run on this machine; a saved "
			       "topology is for 'cachepong topo' and 'matrix --dry-run'", o->topology_xml);
	r->granule = topo_granule(r->topo);
	if ((rc = opts_counters_config(o, &r->counters, e)))
		return rc;
	return cp_timer_init(&r->smp.timer, o->timer, e);
}

/* The second reader of S: an allowed CPU other than the two, of the same
 * class from the preparer as the measuring CPU where there is one. */
static int third_cpu(const struct cp_topo *t, int prep, int meas)
{
	const int *cpus = topo_cpus(t);
	char want[40], cls[40];
	int any = -1;

	topo_class_of_pair(t, prep, meas, want, sizeof(want));
	for (int i = 0; i < topo_ncpus(t); i++) {
		if (cpus[i] == prep || cpus[i] == meas)
			continue;
		if (any < 0)
			any = cpus[i];
		if (!topo_class_of_pair(t, prep, cpus[i], cls, sizeof(cls)) && !strcmp(cls, want))
			return cpus[i];
	}
	return any;
}

static int measure(const struct coh_run *r, const struct coh_cell *c, struct cp_sink *sink, struct cp_err *e)
{
	struct cp_row row;
	double *raw = NULL;
	int rc = coh_measure(r, c, &row, &raw, sink, e);

	if (!rc)
		rc = result_add(sink, &row, e);
	free(raw);
	return rc;
}

/* The two modes as interleaved arms of one run per block: each block is a
 * fresh cell (its own mapping, its own agents) of ARMS_BLOCK samples. */
struct coh_arms {
	const struct coh_run *r;
	const struct coh_plan *p;
	struct coh_cell cell;
	struct cp_row row[2];        /* each arm's last block, for its row's fields */
	struct cp_sink *sink;
	struct exp_arm_ctr ctr;      /* each arm's counts over its blocks */
};

static int coh_block(void *arg, int arm, const struct sampler_req *req, double *v, struct arms_block_out *out,
		     struct cp_err *e)
{
	struct coh_arms *x = arg;
	struct coh_run r = *x->r;
	double *raw = NULL;
	int rc;

	r.smp = *req;
	r.arm_ctr = &x->ctr;
	r.arm = arm;
	x->cell.mode = x->p->modes[arm];
	rc = coh_measure(&r, &x->cell, &x->row[arm], &raw, x->sink, e);
	if (!rc && x->row[arm].nraw != req->samples)
		rc = cp_errf(e, CP_ERUN, "coherence: a block took %llu samples, not %llu",
			     (unsigned long long)x->row[arm].nraw, (unsigned long long)req->samples);
	if (!rc)
		memcpy(v, raw, req->samples * sizeof(double));
	out->iters = x->row[arm].iters_per_sample;
	out->sample_ns = x->row[arm].sample_ns;
	free(raw);
	return rc;
}

static int measure_arms(const struct coh_run *r, const struct coh_plan *p, const struct coh_cell *c,
			struct cp_sink *sink, struct cp_err *e)
{
	struct coh_arms x = { .r = r, .p = p, .cell = *c, .sink = sink };
	struct arms_runs a = { 0 };
	int rc = arms_runs_measure(&r->smp, p->margin_pct, coh_block, &x, &a, e);

	for (int k = 0; k < 2 && !rc && a.pairs; k++) {
		struct cp_row row = x.row[k];

		row.samples = row.nraw = a.pairs * ARMS_BLOCK;
		row.raw = a.v[k];
		row.sample_ns = a.sample_ns[k];
		row.stop = arms_runs_stop(&a, r->smp.target_ci);
		memset(&row.modes, 0, sizeof(row.modes));
		stats_compute(a.v[k], row.nraw, &row.st);
		if (x.ctr.acc[k])
			exp_counters_row(x.ctr.acc[k], r->counters, (double)(row.nraw * row.iters_per_sample), &row,
					 sink);
		result_arm(sink, p->mode_pair, k);
		rc = result_add(sink, &row, e);
	}
	if (!rc && a.pairs) {
		struct cp_row row = x.row[0];

		exp_counters_none(r->counters, &row);
		rc = exp_arms_add(sink, &a, &row, p->mode_pair, NULL, e);
	}
	exp_arm_ctr_free(&x.ctr);
	arms_runs_free(&a);
	return rc;
}

static int run_pair(const struct coh_run *r, const struct coh_plan *p, const struct opts *o,
		    const struct cp_placement *pl, int pair, struct cp_sink *sink, struct cp_err *e)
{
	int prep = pl->pairs[pair][0], meas = pl->pairs[pair][1], third = third_cpu(r->topo, prep, meas);
	char cls[40];
	int rc;

	topo_class_of_pair(r->topo, meas, prep, cls, sizeof(cls));
	if (p->want_s && third < 0) {
		if (p->want_s == 1)
			return cp_errf(e, CP_EUNAVAIL, "--state S: needs a third CPU to share the lines with, "
				       "this process may use %d", topo_ncpus(r->topo));
		fprintf(stderr, "coherence: state S skipped: needs a third CPU, this process may use %d\n",
			topo_ncpus(r->topo));
		result_meta_note(sink, "state S skipped: needs a third CPU, this process may use %d",
				 topo_ncpus(r->topo));
	}
	for (int k = 0; k < p->nk && !runctl_time_up(); k++)
		for (int s = 0; s < p->nst && !runctl_time_up(); s++)
			for (int m = 0; m < (p->nmodes == 2 ? 1 : p->nmodes) && !runctl_time_up(); m++) {
				int is_s = p->st[s].s == COH_S;
				struct coh_cell c = { p->k[k], p->st[s].s, p->st[s].self, p->modes[m], prep, meas,
						      is_s ? third : -1, o->mem_node, pl->class_name,
						      p->st[s].self ? "self" : p->st[s].s == COH_I ? "memory" : cls };

				if (is_s && third < 0)
					continue;
				rc = p->nmodes == 2 ? measure_arms(r, p, &c, sink, e) : measure(r, &c, sink, e);
				if (rc)
					return rc;
			}
	return 0;
}

int cmd_coherence(struct opts *o)
{
	struct cp_err e = { 0 };
	struct coh_plan plan = { 0 };
	struct coh_run run = { 0 };
	struct cp_placement pl = { 0 };
	struct cp_sink *sink = NULL;
	int rc;

	if (o->argc)
		cp_die(CP_EUSAGE, "coherence: unexpected argument '%s': it takes options only", o->argv[0]);
	if (opts_format(o, &e) < 0 || plan_ops(o, &plan, &e) || plan_states(o, &plan, &e) ||
	    plan_modes(o, &plan, &e))
		cp_exit_err(&e);
	if ((rc = run_init(&run, o, &plan, &e)) || (rc = opts_resolve_pairs(run.topo, o, &pl, &e)) ||
	    (rc = opts_result_open(o, &sink, &e)))
		goto fail;
	result_set_timer(sink, &run.smp.timer);
	if (run.smp.timer.warning[0])
		result_meta_note(sink, "timer: %s", run.smp.timer.warning);
	for (int p = 0; p < pl.npairs && !rc && !runctl_time_up(); p++)
		rc = run_pair(&run, &plan, o, &pl, p, sink, &e);
	if (rc)
		goto fail;
	rc = result_close(sink, &e);
	sink = NULL;
	if (rc)
		goto fail;
	cp_placement_free(&pl);
	if (run.counters)
		counters_config_free(run.counters);
	topo_free(run.topo);
	return runctl_exit_code(CP_OK);
fail:
	if (sink)
		result_abort(sink);
	cp_exit_err(&e);
}

/* ---- the experiment ---- */

void rep_coherence(struct rep *r);   /* its report section (report_coherence.c) */

static const struct exp_preset coherence_presets[] = {
	{ EXP_QUICK, "coherence --placement {near} --op load,cas --state M,I --mode thread --samples 20 --warmup 3" },
	{ EXP_STANDARD, "coherence --placement {class} --op all --state all --mode both --samples 30 --warmup 3" },
	{ EXP_STANDARD, "coherence --placement {near} --op load,cas --state M,I --mode process:process --samples 30 --warmup 3" },
	{ EXP_FULL, "coherence --placement {class} --pairs 4 --op all --state all --mode both --shm {pshm}" },
};

static const struct exp_figure coherence_figures[] = {
	{ "coherence", "bars.gp", "coherence.csv", "op_latency",
	  "experiment kernel metric unit p50 ci_lo ci_hi state holder mode", "kernel",
	  "xcol='holder'; xname='where the line was'; series='state mode'",
	  "One operation on a line left in state M, E, S or I by another CPU (its class) or by "
	  "the measuring CPU itself (self); whiskers: 95% CI of the median" },
};

const struct experiment exp_coherence = {
	.cmd = { "coherence", cmd_coherence, "",
		 CP_OPTS_PLACE | O(samples) | O(warmup) | O(target_ci) | O(timer) | O(timeout) | O(time_limit) |
		 CP_OPTS_COUNTERS | CP_OPTS_OUTPUT | CP_OPTS_MEMORY | O(mode) | O(margin) | O(op) | O(state) | O(impl),
		 "one load, store, CAS, faa, test-and-set or swap on a line in M, E, S or I at another CPU",
		 "--cpus PREP,MEAS: the preparing CPU, then the measuring one (S adds a third, chosen "
		 "like the measuring one); a sample is 256 lines, one operation each" },
	.family = "coherence",
	/* a sample: 256 lines prepared (a flush or a write each) and 256 ops */
	.prior = { 0.12, 0.01, 150e-6, 0, 100, 20, 1000, "op=6 state=6", "op=6 state=6" },
	.arms = EXP_ARMS_RUNS,
	.presets = EXP_ITEMS(coherence_presets),
	.probe = "coherence --placement {near} --op load --state M --mode thread --samples 5 --warmup 1",
	.figures = EXP_ITEMS(coherence_figures),
	.report = rep_coherence,
};
