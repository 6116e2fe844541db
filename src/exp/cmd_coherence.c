/* cmd_coherence.c: `cachepong coherence`: what one load, store, CAS,
 * fetch-and-add, test-and-set or swap costs on a line that another CPU left
 * Modified, Exclusive, Shared (with a third CPU) or Invalid, at a placement
 * class (--placement, or --cpus PREP,MEAS), against the measuring CPU's own
 * lines (the "self" baselines of M and E).  The method of David, Guerraoui
 * and Trigonakis (SOSP'13, ccbench), run by threads and by processes. */
#include "experiment.h"
#include "names.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coherence.h"
#include "counters.h"
#include "request.h"
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

/* What coherence is asked: the shared options and its own. */
struct coherence_req {
	struct exp_req c;
	const char *op, *state, *impl;
};

#define T struct coherence_req
static const struct req_opt coherence_opts[] = {
	REQ_OPTS_PLACE(T), REQ_OPTS_TIMING(T, "100", "10"), REQ_OPT_TARGET_CI(T), REQ_OPTS_COUNTERS(T),
	REQ_OPTS_OUTPUT(T), REQ_OPTS_MEMORY(T), REQ_OPT_MODE(T, "thread"), REQ_OPT_MARGIN(T),
	REQ_OPT(T, op, op, "all"), REQ_OPT(T, state, state, "all"), REQ_OPT(T, impl, impl, NULL),
};
#undef T

static int plan_ops(const struct coherence_req *o, struct coh_plan *p, struct cp_err *e)
{
	const char *names = kernel_names("coherence");
	int idx[CP_ARRAY_SIZE(p->k)], n, rc;
	char name[32];

	if ((rc = name_pick_list(o->op ? o->op : "all", "op", names, idx, (int)CP_ARRAY_SIZE(p->k), &n, e)))
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

static int plan_states(const struct coherence_req *o, struct coh_plan *p, struct cp_err *e)
{
	int idx[COH_NSTATES], n, rc, all = !o->state || !strcmp(o->state, "all");

	if ((rc = name_pick_list(o->state ? o->state : "all", "state", coh_state_names(), idx, COH_NSTATES,
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

static int plan_modes(const struct coherence_req *o, struct coh_plan *p, struct cp_err *e)
{
	struct agent_modes am;
	int rc;

	if ((rc = agent_modes_parse(o->c.mode, 1, &am, e)))
		return rc;
	p->modes[0] = am.m[0];
	p->modes[1] = am.m[1];
	p->nmodes = am.n;
	snprintf(p->mode_pair, sizeof(p->mode_pair), "%s", am.pair);
	p->margin_pct = o->c.margin;
	return req_check_margin(&o->c, p->nmodes == 2, "--mode both or A:B", e);
}

static int run_init(struct coh_run *r, const struct exp_req *o, const struct coh_plan *p, struct cp_err *e)
{
	int rc;

	memset(r, 0, sizeof(*r));
	/* both: one memory kind for the two rows, so only the address space differs */
	r->shm = o->mem.shm ? o->mem.shm : p->nmodes == 2 ? "anon" : NULL;
	r->pages = o->mem.pages;
	for (int m = 0; m < p->nmodes; m++)
		if ((rc = shm_check(r->shm, r->pages, p->modes[m] == AGENT_PROCESS, e)))
			return rc;
	r->smp.samples = o->smp.samples;
	r->smp.warmup = o->smp.warmup;
	r->smp.target_ci = o->smp.target_ci;
	r->smp.deadline = runctl_deadline();
	r->timeout_s = o->smp.timeout;
	if ((rc = topo_load(o->place.topology_xml, &r->topo, e)))
		return rc;
	if (!topo_is_thissystem(r->topo) && !o->checking)
		return cp_errf(e, CP_EUSAGE, "--topology-xml %s: measurements run on this machine; a saved "
			       "topology is for 'cachepong topo' and 'matrix --dry-run'", o->place.topology_xml);
	r->granule = topo_granule(r->topo);
	if ((rc = req_counters_config(o, &r->counters, e)))
		return rc;
	return cp_timer_init(&r->smp.timer, o->smp.timer, e);
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
		rc = exp_arms_add(sink, &a, &row, p->mode_pair, NULL, r->counters, &x.ctr, e);
	}
	exp_arm_ctr_free(&x.ctr);
	arms_runs_free(&a);
	return rc;
}

static int run_pair(const struct coh_run *r, const struct coh_plan *p, const struct coherence_req *o,
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
						      is_s ? third : -1, o->c.mem.mem_node, pl->class_name,
						      p->st[s].self ? "self" : p->st[s].s == COH_I ? "memory" : cls };

				if (is_s && third < 0)
					continue;
				rc = p->nmodes == 2 ? measure_arms(r, p, &c, sink, e) : measure(r, &c, sink, e);
				if (rc)
					return rc;
			}
	return 0;
}

static int coherence_run(const void *req, struct cp_err *e)
{
	const struct coherence_req *o = req;
	struct coh_plan plan = { 0 };
	struct coh_run run = { 0 };
	struct cp_placement pl = { 0 };
	struct cp_sink *sink = NULL;
	int rc;

	if (req_format(&o->c, e) < 0 || plan_ops(o, &plan, e) || plan_states(o, &plan, e) || plan_modes(o, &plan, e))
		return e->code;
	if ((rc = run_init(&run, &o->c, &plan, e)) || (rc = req_resolve_pairs(run.topo, &o->c, &pl, e)) ||
	    o->c.checking || (rc = req_sink_open(&o->c, &sink, e)))
		goto out;
	result_set_timer(sink, &run.smp.timer);
	if (run.smp.timer.warning[0])
		result_meta_note(sink, "timer: %s", run.smp.timer.warning);
	for (int p = 0; p < pl.npairs && !rc && !runctl_time_up(); p++)
		rc = run_pair(&run, &plan, o, &pl, p, sink, e);
	if (rc)
		result_abort(sink);
	else
		rc = result_close(sink, e);
out:
	cp_placement_free(&pl);
	if (run.counters)
		counters_config_free(run.counters);
	if (run.topo)
		topo_free(run.topo);
	return rc ? rc : runctl_exit_code(CP_OK);
}

/* ---- the experiment ---- */

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
	EXP_FOREST("coherence"),
};

/* What its own options allow (the command line's completion). */
static const char *coherence_values(enum opt_id id, char *buf, size_t len)
{
	if (id != OPT_op && id != OPT_state)
		return NULL;
	snprintf(buf, len, "%s|all", id == OPT_op ? kernel_names("coherence") : coh_state_names());
	return buf;
}

const struct experiment exp_coherence = {
	.name = "coherence",
	.summary = "one load, store, CAS, faa, test-and-set or swap on a line in M, E, S or I at another CPU",
	.notes = "--cpus PREP,MEAS: the preparing CPU, then the measuring one (S adds a third, chosen "
		 "like the measuring one); a sample is 256 lines, one operation each",
	EXP_REQUEST(struct coherence_req, coherence_opts),
	.run = coherence_run,
	.family = "coherence",
	/* a sample: 256 lines prepared (a flush or a write each) and 256 ops */
	.prior = { .cell_fixed = 0.12, .meas_fixed = 0.01, .t_sample = 150e-6, .per_byte = 0,
		   .min_samples = 20, .max_samples = 1000, .all = "op=6 state=6" },
	.arms = EXP_ARMS_RUNS,
	.presets = EXP_ITEMS(coherence_presets),
	.probe = "coherence --placement {near} --op load --state M --mode thread --samples 5 --warmup 1",
	.figures = EXP_ITEMS(coherence_figures),
	.values = coherence_values,
};
