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
	const char *op, *layout, *spin, *poll, *impl, *baseline, *arms;
};

#define T struct pingpong_req
static const struct req_opt pingpong_opts[] = {
	REQ_OPTS_PLACE(T), REQ_OPTS_TIMING(T, "200", "20"), REQ_OPT_ITERS(T), REQ_OPT_TARGET_CI(T),
	REQ_OPTS_COUNTERS(T), REQ_OPTS_OUTPUT(T), REQ_OPTS_MEMORY(T), REQ_OPT_MODE(T, "thread"), REQ_OPT_MARGIN(T),
	REQ_OPT(T, op, op, "all"), REQ_OPT(T, layout, layout, NULL), REQ_OPT(T, spin, spin, NULL),
	REQ_OPT(T, poll, poll, NULL), REQ_OPT(T, impl, impl, NULL), REQ_OPT(T, baseline, baseline, NULL),
	REQ_OPT(T, arms, arms, NULL),
};
#undef T

struct pp_plan {
	const struct kernel *k[16];
	int nk;
	enum agent_mode modes[2];
	int nmodes;
	int interleave;         /* the two modes are arms measured interleaved */
	double margin_pct;
	/* k arms over one key (NULL: none): the key, its values, the baseline */
	const char *key;
	char *vals;             /* the list, cut at its commas */
	const char *val[ARMS_MAX];
	unsigned narms, ref;
};

static int has_polls(const struct pp_plan *p, const char *op, const char *poll)
{
	if (!p->key || strcmp(p->key, "poll"))
		return kernel_has_poll("pingpong", op, poll);
	for (unsigned x = 0; x < p->narms; x++)
		if (!kernel_has_poll("pingpong", op, p->val[x]))
			return 0;
	return 1;
}

/* --arms KEY: op (its values come from the ops, plan_op_arms), or the
 * key that holds the list. */
static int arms_named(const struct pingpong_req *o, struct pp_plan *p, const char *list, struct cp_err *e)
{
	if (!strcmp(o->arms, "op")) {
		if (p->key)
			return cp_errf(e, CP_EUSAGE, "--arms op and --%s %s: arms over one key at a time", p->key, list);
		p->key = "op";
		return 0;
	}
#define PP_KEY_IS(f, member) !strcmp(o->arms, #f) ||
	if (!(PP_ARM_KEYS(PP_KEY_IS) 0))
		return cp_errf(e, CP_EUSAGE, "--arms %s: allowed: %s", o->arms, PP_ARMS_NAMES);
#undef PP_KEY_IS
	if (!p->key || strcmp(p->key, o->arms))
		return cp_errf(e, CP_EUSAGE, "--arms %s: --%s holds no list of 2 to %d values", o->arms, o->arms, ARMS_MAX);
	return 0;
}

/* The ops as arms (--arms op): the ops the plan found, one design. */
static int plan_op_arms(const struct pingpong_req *o, struct pp_plan *p, struct cp_err *e)
{
	if (!p->key || strcmp(p->key, "op"))
		return 0;
	if (p->nk < 2 || p->nk > ARMS_MAX)
		return cp_errf(e, CP_EUSAGE, "--arms op with --op %s: %d ops, allowed: 2 to %d", o->op ? o->op : "all", p->nk,
			       ARMS_MAX);
	for (int x = 0; x < p->nk; x++)
		p->val[x] = p->k[x]->name;
	p->narms = (unsigned)p->nk;
	for (p->ref = 0; o->baseline && p->ref < p->narms && strcmp(p->val[p->ref], o->baseline); p->ref++)
		;
	if (p->ref == p->narms)
		return cp_errf(e, CP_EUSAGE, "--baseline %s: not one of the arms, allowed: the ops of --op %s", o->baseline,
			       o->op ? o->op : "all");
	p->nk = 1; /* one design per pair: its arms are the ops */
	return 0;
}

/* The one key whose option holds a list: its values are the arms. */
static int plan_keys(const struct pingpong_req *o, struct pp_plan *p, struct cp_err *e)
{
	const char *list = NULL, *v;
	char *save = NULL;
	int rc;

#define PP_KEY_LIST(f, member)                                                                            \
	if ((v = o->member) && strchr(v, ',')) {                                                          \
		if (p->key)                                                                               \
			return cp_errf(e, CP_EUSAGE, "--%s %s and --%s %s: arms over one key at a time, allowed: " \
				       "a list on one of --shm, --pages, --layout, --poll, --impl, --placement", p->key, list ? list : "", \
				       #f, v);                                                                    \
		p->key = #f;                                                                              \
		list = v;                                                                                 \
	}
	PP_ARM_KEYS(PP_KEY_LIST)
#undef PP_KEY_LIST
	if (o->arms && (rc = arms_named(o, p, list, e)))
		return rc;
	if (p->key && !strcmp(p->key, "op"))
		return 0; /* the values: plan_op_arms */
	if (!p->key)
		return o->baseline ? cp_errf(e, CP_EUSAGE, "--baseline %s: needs arms: a list on one of --shm, --pages, "
					     "--layout, --poll, --impl, --placement", o->baseline) : 0;
	p->vals = cp_xstrdup(list);
	for (char *t = strtok_r(p->vals, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (p->narms == ARMS_MAX)
			return cp_errf(e, CP_EUSAGE, "--%s %s: more than %d arms, allowed: 2 to %d", p->key, list, ARMS_MAX,
				       ARMS_MAX);
		p->val[p->narms++] = t;
	}
	if (p->narms < 2)
		return cp_errf(e, CP_EUSAGE, "--%s %s: %u arm, allowed: 2 to %d values", p->key, list, p->narms, ARMS_MAX);
	for (p->ref = 0; o->baseline && p->ref < p->narms && strcmp(p->val[p->ref], o->baseline); p->ref++)
		;
	if (p->ref == p->narms)
		return cp_errf(e, CP_EUSAGE, "--baseline %s: not one of the arms, allowed: the values of --%s %s",
			       o->baseline, p->key, list);
	return 0;
}

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
		/* --op all --poll rmw: the ops that have an atomic to poll with
		 * (every arm's, with arms over --poll) */
		if (all && o->poll && !has_polls(p, name, o->poll))
			continue;
		if (!(p->k[p->nk++] = kernel_find("pingpong", name, p->key ? NULL : o->impl, o->spin,
						  p->key ? NULL : o->poll, e)))
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
	if (!rc && p->key && am.n != 1)
		return cp_errf(e, CP_EUSAGE, "--mode %s with arms over --%s: one mode per design, allowed: --mode thread "
			       "or process with a list, or --mode both without one", o->c.mode, p->key);
	return rc ? rc : req_check_margin(&o->c, p->interleave || p->key, "--mode both or A:B, or a list on a key",
					  e);
}

/* The memory of arm x: the cell's, with the key's value. */
static struct pp_mem arm_mem(const struct pp_plan *p, const struct pp_mem *m, unsigned x)
{
	struct pp_mem a = *m;

	if (!strcmp(p->key, "shm"))
		a.shm = p->val[x];
	else if (!strcmp(p->key, "pages"))
		a.pages = p->val[x];
	else if (!strcmp(p->key, "layout"))
		a.layout = p->val[x];
	else if (!strcmp(p->key, "poll"))
		a.poll = p->val[x];
	return a;
}

/* Each arm's run, checked like a cell of its own. */
static int karms_init(const struct pingpong_req *o, const struct pp_plan *p, const struct pp_mem *m,
		      unsigned modes, struct pp_karms *d, struct cp_err *e)
{
	size_t off = 0;
	int rc = 0;

	/* the arms column names the rows' column: --op's is kernel */
	d->key = strcmp(p->key, "op") ? p->key : "kernel";
	d->k = p->narms;
	d->ref = p->ref;
	d->mode = p->modes[0];
	d->margin_pct = p->margin_pct;
	off = (size_t)snprintf(d->name, sizeof(d->name), "%s=", d->key);
	for (unsigned x = 0; x < p->narms && !rc; x++) {
		struct pp_mem a = arm_mem(p, m, x);

		d->arm[x].value = p->val[x];
		off += (size_t)snprintf(d->name + off, off < sizeof(d->name) ? sizeof(d->name) - off : 0, "%s%s",
					x ? ":" : "", p->val[x]);
		rc = pp_run_init(&d->arm[x].run, &o->c, &a, modes, e);
	}
	return rc;
}

static void karms_free(struct pp_karms *d)
{
	for (unsigned x = 0; x < d->k; x++)
		pp_run_free(&d->arm[x].run);
}

/* The kernels of op k's arms (poll or impl as the key says). */
static int karms_kernels(const struct pingpong_req *o, const struct pp_plan *p, const struct kernel *k,
			 struct pp_karms *d, struct cp_err *e)
{
	for (unsigned x = 0; x < d->k; x++) {
		const char *impl = !strcmp(p->key, "impl") ? p->val[x] : o->impl;
		const char *poll = !strcmp(p->key, "poll") ? p->val[x] : o->poll;
		const char *op = !strcmp(p->key, "op") ? p->val[x] : k->name;

		if (!(d->arm[x].k = kernel_find("pingpong", op, impl, o->spin, poll, e)))
			return e->code;
	}
	return 0;
}

/* The pairs the cells run on: the cell's placement (pl[0]), or, with
 * placements as arms, each arm's (pl[x]); *np: how many designs (the
 * fewest pairs any arm has). */
static int resolve_pairs(const struct pingpong_req *o, const struct pp_plan *plan, const struct pp_run *run,
			 struct cp_placement *pl, int *np, struct cp_err *e)
{
	int rc;

	if (!plan->key || strcmp(plan->key, "placement")) {
		rc = req_resolve_pairs(run->topo, &o->c, &pl[0], e);
		*np = pl[0].npairs;
		return rc;
	}
	*np = INT32_MAX;
	for (unsigned x = 0; x < plan->narms; x++) {
		struct exp_req q = o->c;

		q.place.placement = plan->val[x];
		if ((rc = req_resolve_pairs(run->topo, &q, &pl[x], e)))
			return rc;
		*np = pl[x].npairs < *np ? pl[x].npairs : *np;
	}
	return 0;
}

/* One pair x op: the cell, the two arms of --mode both and their
 * comparison, or the k arms over a key (pl[x]: arm x's placement when
 * placements are the arms, else pl[0] for every arm). */
static int measure(const struct pp_run *run, const struct pp_plan *plan, const struct kernel *k,
		   const struct cp_placement *pl, int p, const struct pingpong_req *o, struct pp_karms *kd,
		   struct cp_sink *sink, struct cp_err *e)
{
	const int *pair = pl[0].pairs[p];
	const char *cls = pl[0].class_name;
	struct cp_row rows[3];
	double *raw[3] = { NULL, NULL, NULL };
	int rc = 0, n = plan->interleave ? 3 : 1;

	for (unsigned x = 0; plan->key && x < kd->k; x++) {
		const struct cp_placement *q = &pl[strcmp(plan->key, "placement") ? 0 : x];

		kd->arm[x].cpus[0] = q->pairs[p][0];
		kd->arm[x].cpus[1] = q->pairs[p][1];
		kd->arm[x].placement = q->class_name;
	}
	if (plan->key)
		return karms_kernels(o, plan, k, kd, e) ? e->code : pp_measure_karms(kd, o->c.mem.mem_node, sink, e);
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
	struct pp_karms *kd = cp_xcalloc(1, sizeof(*kd));
	struct cp_placement pl[ARMS_MAX];
	struct cp_sink *sink = NULL;
	struct pp_mem mem;
	unsigned modes = 0;
	int rc, np = 0;

	memset(pl, 0, sizeof(pl));
	if (req_format(&o->c, e) < 0 || plan_keys(o, &plan, e) || plan_ops(o, &plan, e) || plan_op_arms(o, &plan, e) ||
	    plan_modes(o, &plan, e)) {
		rc = e->code;
		goto out;
	}
	for (int i = 0; i < plan.nmodes; i++)
		modes |= 1u << plan.modes[i];
	/* both: one memory kind for the two rows, so only the address space differs */
	mem = (struct pp_mem){ o->c.mem.shm ? o->c.mem.shm : plan.nmodes == 2 ? "anon" : NULL, o->c.mem.pages, o->layout,
			       o->poll };
	if (plan.key)
		mem = arm_mem(&plan, &mem, plan.ref);
	if ((rc = pp_run_init(&run, &o->c, &mem, modes, e)) || (plan.key && (rc = karms_init(o, &plan, &mem, modes, kd, e))) ||
	    (rc = resolve_pairs(o, &plan, &run, pl, &np, e)) || o->c.checking || (rc = req_sink_open(&o->c, &sink, e)))
		goto out;
	result_set_timer(sink, &run.timer);
	if (run.timer.warning[0])
		result_meta_note(sink, "timer: %s", run.timer.warning);
	for (int p = 0; p < np && !rc && !runctl_time_up(); p++)
		for (int k = 0; k < plan.nk && !rc && !runctl_time_up(); k++)
			rc = measure(&run, &plan, plan.k[k], pl, p, o, kd, sink, e);
	if (rc)
		result_abort(sink);
	else
		rc = result_close(sink, e);
out:
	for (int x = 0; x < ARMS_MAX; x++)
		cp_placement_free(&pl[x]);
	karms_free(kd);
	free(kd);
	free(plan.vals);
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
	{ EXP_QUICK, "pingpong --placement {near} --op cas --mode thread --shm {pshm-arms} --warmup 5" },
	{ EXP_STANDARD, "pingpong --placement {class} --op all --mode thread --shm heap" },
	/* which memory kind, which page size: k arms measured interleaved in
	 * one cell, each against the first, with an A/A design of as many
	 * identical arms beside them */
	{ EXP_STANDARD, "pingpong --placement {class} --op cas --mode thread --shm heap,{pshm-arms}" },
	{ EXP_STANDARD, "pingpong --placement {class} --op cas --mode process --shm {pshm-arms}" },
	{ EXP_STANDARD, "pingpong --placement {class} --op cas --mode thread --shm heap --pages {pages-arms}" },
	{ EXP_STANDARD, "pingpong --placement {near} --op cas --mode thread --shm {pshm-aa}" },
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
	EXP_FOREST("pingpong"),
	/* the summary's: the comparisons that answer the report's question */
	{ "pingpong-verdicts", "forest.gp", "pingpong.csv", "ratio",
	  "experiment kernel mode arms placement metric p50 ci_lo ci_hi verdict margin ci_level", "",
	  "noaa='1'; onekernel='1'",
	  "The comparisons that answer the question, at one op: threads vs processes, and the memory kinds and "
	  "page kinds as k arms of one cell (A/A controls counted in the text)" },
};

/* What its own options allow (the command line's completion). */
const char *pingpong_values(enum opt_id id, char *buf, size_t len)
{
	switch (id) {
	case OPT_op: snprintf(buf, len, "%s|all", kernel_names("pingpong")); return buf;
	case OPT_layout: return PP_LAYOUT_NAMES;
	case OPT_poll: return kernel_field_names("pingpong", NULL, KF_POLL);
	case OPT_spin: return kernel_field_names("pingpong", NULL, KF_SPIN);
	case OPT_impl: return kernel_field_names("pingpong", NULL, KF_IMPL);
	case OPT_arms: return PP_ARMS_NAMES;
	default: return NULL;
	}
}

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
#define PP_KEY_NAME(f, member) " " #f
	.arm_keys = PP_ARM_KEYS(PP_KEY_NAME),
#undef PP_KEY_NAME
	.presets = EXP_ITEMS(pingpong_presets),
	.probe = "pingpong --placement {near} --op cas --mode thread --samples 20 --warmup 3",
	.figures = EXP_ITEMS(pingpong_figures),
	.overlay = EXP_OVERLAY_BARS,
	.values = pingpong_values,
};
