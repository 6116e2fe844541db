/* cmd_setup.c: `cachepong setup` — what sharing memory costs around the
 * accesses: create, attach, first touch, populate, detach (with --others
 * agents that have it mapped), fork; per kind of shared memory and size,
 * threads vs processes, next to private memory (the "private" kind, always
 * measured, so that the cost of sharing is a ratio).  Two rows per
 * measurement: the total (ns) and per page (ns/page, pages of the kind's
 * page size).  The operations are in setup_whats.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rows.h"
#include "names.h"
#include "experiment.h"
#include "counters.h"
#include "parse.h"
#include "request.h"
#include "setup_common.h"
#include "runctl.h"
#include "setup_whats.h"
#include "shm.h"
#include "stats.h"
#include "topo.h"

#define SU_MAX_OBJECTS 512   /* one object (fd, segment) per sample is open during a cell */

/* What setup is asked: the shared options and its own. */
struct setup_req {
	struct exp_req c;
	const char *what, *sizes, *others;
};

#define T struct setup_req
static const struct req_opt setup_opts[] = {
	REQ_OPT(T, c.place.cpus, cpus, NULL), REQ_OPT(T, c.place.placement, placement, NULL),
	REQ_OPT(T, c.place.topology_xml, topology_xml, NULL), REQ_OPTS_TIMING(T, "10", "1"), REQ_OPT_TARGET_CI(T),
	REQ_OPTS_COUNTERS(T), REQ_OPTS_OUTPUT(T), REQ_OPT(T, c.mem.shm, shm, "private,anon,sysv,posix,memfd"),
	REQ_OPT(T, c.mem.pages, pages, NULL), REQ_OPT(T, c.mem.mem_node, mem_node, NULL), REQ_OPT_MODE(T, "both"),
	REQ_OPT_MARGIN(T), REQ_OPT(T, what, what, "all"), REQ_OPT(T, sizes, sizes, "4K,64K,1M,16M"),
	REQ_OPT(T, others, others, NULL),
};
#undef T
/* a sample is one step on one object: no calibration (sampler.h) */
static const struct sampler_tune su_tune = { .sample_ns = 1, .cal_iters = 1, .iters_lo = 1, .iters_hi = 1 };

struct su_plan {
	int what[16], nwhat;
	char *kinds[16];
	int nkinds;
	uint64_t *sizes, *others;
	size_t nsizes, nothers;
	int *cpus, ncpus, mem_node;
	char placement[64];
};

struct su_cell {
	const struct su_what *w;
	const char *kind;
	uint64_t size;
	enum agent_mode mode;
	unsigned n;
};

/* A measurement's values, over one or more runs of the agents (rounds of
 * --target-ci, or the blocks of one arm): per role, the samples in ns, and
 * the counters per role summed over the runs (NULL without counters): the
 * warm-up samples are not counted, so the page faults per page of every
 * run add up to the same exact count. */
struct su_meas {
	double *ns[SU_ROLES];
	uint64_t n, cap;
	struct agents_shared *acc[SU_ROLES];
	struct cp_shm probe;         /* the object's real size and page size */
	int node_seen;
	int capped;                  /* a run stopped at the time limit */
	double wall_ns;              /* the timed samples' wall time, summed */
};

static void meas_free(struct su_meas *m)
{
	for (int r = 0; r < SU_ROLES; r++) {
		free(m->ns[r]);
		if (m->acc[r])
			exp_ctr_acc_free(m->acc[r]);
	}
}

/* The page-fault count of a role against what its step must cause. */
static int check_faults(const struct costs *c, const struct su_cell *cell, const struct su_meas *m,
			const struct su_role *role, struct cp_err *e)
{
	int fi = costs_fault_counter(c);
	uint64_t npages = m->probe.size / m->probe.page_size, got;
	const struct agents_shared *acc = m->acc[role - cell->w->role];

	if (!acc || fi < 0 || role->faults_per_page < 0 || !acc->slot[0].ctr_valid[fi])
		return 0;
	got = acc->slot[0].ctr[fi];
	if (got == (uint64_t)role->faults_per_page * npages * m->n)
		return 0;
	return cp_errf(e, CP_ERUN,
		       "setup %s %s %zu bytes (%s): %llu page faults for %llu pages x %llu samples, "
		       "expected exactly %d per page (a page touched twice or not at all, or the "
		       "kernel mapped larger folios than the page size)",
		       role->kernel, cell->kind, m->probe.size, agent_mode_name(cell->mode), (unsigned long long)got,
		       (unsigned long long)npages, (unsigned long long)m->n, role->faults_per_page);
}

/* The fields of a row of this cell and role. */
static void role_row(struct costs *c, const struct su_plan *pl, const struct su_cell *cell,
		     const struct su_meas *m, unsigned r, struct cp_row *row)
{
	costs_row(c, row, "setup", cell->mode, pl->cpus, cell->n, pl->placement);
	row->kernel = cell->w->role[r].kernel;
	row->shm = shm_kind_name(&m->probe);
	row->pages = shm_page_name(&m->probe);
	row->mem_node = m->node_seen;
	row->size_bytes = m->probe.size;
	row->samples = m->n;
	row->iters_per_sample = 1;
	row->sample_ns = m->n ? m->wall_ns / (double)m->n : 0;
	row->stop = m->capped ? "time-limit" : c->run.target_ci > 0 ? "target-ci" : "samples";
	if (strcmp(row->pages, "4k"))
		row->note = cell->w->verifies ? "huge pages verified in smaps"
					      : "memory not touched so its page size is not verified";
}

/* Two rows per role, the total (ns) and per page (ns/page); checks the
 * page-fault count. */
static int emit(struct costs *c, const struct su_plan *pl, const struct su_cell *cell, const struct su_meas *m,
		struct cp_err *e)
{
	double npages = (double)(m->probe.size / m->probe.page_size);
	double *v = cp_xcalloc(m->n ? m->n : 1, sizeof(double));
	int rc = 0;

	for (unsigned r = 0; r < cell->w->nroles && !rc; r++) {
		rc = check_faults(c, cell, m, &cell->w->role[r], e);
		for (int k = 0; k < 2 && !rc; k++) {
			struct cp_row row;

			for (uint64_t i = 0; i < m->n; i++)
				v[i] = k ? m->ns[r][i] / npages : m->ns[r][i];
			role_row(c, pl, cell, m, r, &row);
			row.metric = k ? "per_page" : "total";
			row.unit = k ? "ns/page" : "ns";
			stats_compute(v, m->n, &row.st);
			row.raw = v;
			row.nraw = m->n;
			if (m->acc[r])
				exp_counters_row(m->acc[r], c->run.counters, npages * (double)m->n, &row, c->sink);
			rc = result_add(c->sink, &row, e);
		}
	}
	free(v);
	return rc;
}

/* The values of a finished run appended to m (and its counters added). */
static void meas_add(struct su_meas *m, const struct su_what *w, const struct su_shared *P,
		     const struct agents_shared *sh)
{
	if (m->n + P->smp.nsamples > m->cap) {
		m->cap = 2 * (m->n + P->smp.nsamples);
		for (int r = 0; r < SU_ROLES; r++)
			m->ns[r] = cp_xrealloc(m->ns[r], m->cap * sizeof(double));
	}
	for (unsigned r = 0; r < w->nroles; r++) {
		memcpy(m->ns[r] + m->n, P->ns[r], P->smp.nsamples * sizeof(double));
		if (m->acc[r])
			exp_ctr_acc_add(m->acc[r], 0, sh, w->role[r].agent);
	}
	m->n += P->smp.nsamples;
	m->capped |= P->smp.capped != 0;
	m->wall_ns += P->smp.wall_ns;
	if (m->node_seen < 0)
		m->node_seen = P->node_seen;
}

/* One run of the agents: warmup + samples objects of the cell, made before
 * the agents start; the timed values appended to m. */
static int su_run(struct costs *c, const struct su_plan *pl, const struct su_cell *cell, uint64_t warmup,
		  uint64_t samples, struct su_meas *m, struct cp_err *e)
{
	uint64_t nobj = warmup + samples, made = 0;
	size_t psize = sizeof(struct su_shared) + nobj * sizeof(struct cp_shm) + SU_ROLES * samples * sizeof(double);
	struct su_shared *P = agents_shared_alloc(psize);
	struct agents_shared *sh = NULL;
	struct agents_cfg cfg = { .mode = cell->mode, .n = cell->n, .cpus = pl->cpus, .timeout_s = c->run.timeout_s,
				  .fn = su_agent, .arg = P, .counters = c->run.counters };
	/* a sample is one object's step, timed by the step itself; --target-ci
	 * is rounds of runs (measure()): every sample needs its own object,
	 * made before the agents start */
	const struct sampler_req req = { .timer = c->run.timer, .intr = c->intr, .iters = 1, .warmup = warmup,
					 .samples = samples, .max_samples = samples, .deadline = runctl_deadline() };
	int rc = 0;

	*P = (struct su_shared){ .what = cell->w, .kind = cell->kind, .pages = c->q->mem.pages, .size = cell->size,
				 .page_size = m->probe.page_size, .npages = m->probe.size / m->probe.page_size,
				 .mem_node = pl->mem_node, .node_seen = -1 };
	P->obj = (struct cp_shm *)(P + 1);
	for (int r = 0; r < SU_ROLES; r++)
		P->ns[r] = (double *)(P->obj + nobj) + r * samples;
	sampler_init(&P->smp, &req, &su_tune, P->ns[0]);
	for (; cell->w->needs_obj && made < nobj && !rc; made++)
		rc = shm_create(&P->obj[made], cell->kind, c->q->mem.pages, cell->size, e);
	if (rc)
		made--;   /* the failed one cleaned up after itself */
	if (!rc) {
		rc = agents_run(&cfg, &sh, e);
		if (!rc && !costs_interrupted(c))
			meas_add(m, cell->w, P, sh);
		if (sh && sh->hung)
			return rc;
	}
	agents_free(sh);
	for (uint64_t k = 0; k < made; k++)
		shm_destroy(&P->obj[k]);
	agents_shared_free(P, psize);
	return rc;
}

static int meas_init(struct costs *c, const struct su_cell *cell, struct su_meas *m, struct cp_err *e)
{
	int rc;

	memset(m, 0, sizeof(*m));
	m->node_seen = -1;
	if ((rc = shm_create_object(&m->probe, cell->kind, c->q->mem.pages, cell->size, e)))
		return rc;
	shm_destroy_object(&m->probe);
	for (unsigned r = 0; c->run.counters && r < cell->w->nroles; r++)
		m->acc[r] = exp_ctr_acc_new(1);
	return 0;
}

/* One mode: rounds of --samples until the first role's median is as
 * precise as --target-ci asks (or SAMPLER_TARGET_CI_GROWTH rounds). */
static int measure(struct costs *c, const struct su_plan *pl, const struct su_cell *cell, struct cp_err *e)
{
	struct su_meas m;
	struct cp_stats st;
	uint64_t max = c->run.samples * (c->run.target_ci > 0 ? SAMPLER_TARGET_CI_GROWTH : 1);
	int rc = meas_init(c, cell, &m, e);

	while (!rc && !costs_interrupted(c)) {
		rc = su_run(c, pl, cell, c->run.warmup, c->run.samples, &m, e);
		if (rc || costs_interrupted(c) || m.n >= max || m.capped || runctl_time_up())
			break;
		stats_compute(m.ns[0], m.n, &st);
		if (stats_ci_rel_pct(&st) <= c->run.target_ci)
			break;
	}
	if (!rc && !costs_interrupted(c))
		rc = emit(c, pl, cell, &m, e);
	meas_free(&m);
	return rc;
}

/* Threads and processes as interleaved arms (costs_arms_run): a block is
 * one run of the agents in that arm's mode. */
struct su_arms {
	const struct su_plan *pl;
	struct su_cell cell;
	struct su_meas m[2];
};

static int su_block(struct costs *c, void *arg, int arm, const struct sampler_req *req, double *v,
		    struct arms_block_out *out,
		    struct cp_err *e)
{
	struct su_arms *x = arg;
	uint64_t at = x->m[arm].n;
	int rc;

	x->cell.mode = c->modes[arm];
	rc = su_run(c, x->pl, &x->cell, req->warmup, req->samples, &x->m[arm], e);
	if (!rc && !costs_interrupted(c))
		memcpy(v, x->m[arm].ns[0] + at, req->samples * sizeof(double));
	out->iters = 1;
	return rc;
}

/* Each arm's rows, then one comparison row per role: its ratio and
 * verdict from that role's blocks (the first role's decided how many). */
static int measure_arms(struct costs *c, const struct su_plan *pl, const struct su_cell *cell, struct cp_err *e)
{
	struct su_arms x = { .pl = pl, .cell = *cell };
	struct arms_runs a = { 0 };
	int rc = meas_init(c, cell, &x.m[0], e);

	if (!rc)
		rc = meas_init(c, cell, &x.m[1], e);
	if (!rc)
		rc = costs_arms_run(c, su_block, &x, c->margin_pct, &a, e);
	for (int k = 0; k < 2 && !rc && a.pairs; k++) {
		x.cell.mode = c->modes[k];
		result_arm(c->sink, c->mode_pair, k);
		rc = emit(c, pl, &x.cell, &x.m[k], e);
	}
	for (unsigned r = 0; r < cell->w->nroles && !rc && a.pairs; r++) {
		struct arms_runs ar = { .k = 2, .v = { x.m[0].ns[r], x.m[1].ns[r] }, .pairs = a.pairs, .iters = 1,
					.capped = a.capped, .verdict = { a.verdict[0], a.verdict[1] } };
		struct cp_row row;

		if (r)
			verdict_from_blocks(ar.v[0], ar.v[1], ar.pairs, ARMS_BLOCK, c->margin_pct, &ar.verdict[1]);
		x.cell.mode = c->modes[0];
		role_row(c, pl, &x.cell, &x.m[0], r, &row);
		exp_counters_none(c->run.counters, &row);
		rc = exp_arms_add(c->sink, &ar, &row, c->mode_pair, "time of the step: arm 2 / arm 1", NULL, NULL, e);
	}
	arms_runs_free(&a);
	meas_free(&x.m[0]);
	meas_free(&x.m[1]);
	return rc;
}

static int plan_whats(const struct setup_req *o, struct su_plan *pl, struct cp_err *e)
{
	return name_pick(o->what, "what", NAME_TABLE(su_whats, su_nwhats), pl->what,
			(int)CP_ARRAY_SIZE(pl->what), &pl->nwhat, e);
}

/* --shm: a list of kinds; "private" (the baseline) is always measured. */
static int plan_kinds(const struct exp_req *q, const struct costs *c, struct su_plan *pl, struct cp_err *e)
{
	int processes = costs_any_process(c);

	const struct req_memory *o = &q->mem;

	if (has_empty_item(o->shm))
		return cp_errf(e, CP_EUSAGE, "--shm: invalid value '%s': an empty name: allowed: a list of "
			       "private, heap, anon, sysv, posix, memfd", o->shm);

	char *copy = cp_xstrdup(o->shm), *tok, *save = NULL;
	int rc = 0, have_private = 0;

	for (tok = strtok_r(copy, ",", &save); tok && !rc; tok = strtok_r(NULL, ",", &save)) {
		/* setup's private kind is each process's own memory, which is its
		 * point; any other kind must be shareable when processes share it */
		if ((rc = shm_check(tok, o->pages, processes && strcmp(tok, "private"), e)))
			break;
		if (pl->nkinds >= (int)CP_ARRAY_SIZE(pl->kinds) - 1) {
			rc = cp_errf(e, CP_EUSAGE, "--shm: invalid value '%s': more kinds than there are", o->shm);
			break;
		}
		have_private |= !strcmp(tok, "private");
		pl->kinds[pl->nkinds++] = cp_xstrdup(tok);
	}
	if (!rc && !have_private) {
		if ((rc = shm_check("private", o->pages, 0, e)))
			cp_errf(e, e->code, "%s (the private baseline is always measured)", e->msg);
		else
			pl->kinds[pl->nkinds++] = cp_xstrdup("private");
	}
	free(copy);
	return rc;
}

/* hugetlb pages are reserved when an object is made, and a cell makes one
 * per sample before it starts: say so up front rather than fail in mmap. */
static int huge_capacity(const struct costs *c, const struct su_plan *pl, struct cp_err *e)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	unsigned long long free_pages = 0, kb = 0, need = 0, biggest = 0, objs;

	if (!c->q->mem.pages || strcmp(c->q->mem.pages, "huge") || !f) {
		if (f)
			fclose(f);
		return 0;
	}
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "HugePages_Free: %llu", &free_pages);
		sscanf(line, "Hugepagesize: %llu kB", &kb);
	}
	fclose(f);
	for (size_t i = 0; i < pl->nsizes; i++)
		biggest = pl->sizes[i] > biggest ? pl->sizes[i] : biggest;
	/* one object per sample of a run (a block of an arm with --mode both),
	 * plus a private copy of a second process */
	objs = c->nmodes == 2 ? ARMS_BLOCK + (c->run.warmup > ARMS_WARM ? c->run.warmup : ARMS_WARM)
			      : c->run.warmup + c->run.samples;
	if (kb)
		need = (biggest + kb * 1024 - 1) / (kb * 1024) * (objs + 1);
	if (need > free_pages)
		return cp_errf(e, CP_EUNAVAIL,
			       "--pages huge: setup makes one object per sample before a cell starts: %llu bytes "
			       "x %llu samples needs %llu huge pages of %llu kB, HugePages_Free is %llu: echo %llu > "
			       "/proc/sys/vm/nr_hugepages (or fewer --samples / smaller --sizes)",
			       biggest, objs + 1, need, kb,
			       free_pages, need);
	return 0;
}

static int setup_run(const void *req, struct cp_err *ep)
{
	const struct setup_req *o = req;
	struct costs c;
	struct cp_err e = { 0 };
	struct su_plan pl = { .mem_node = -1 };
	char range[32];
	int rc, noted = 0;

	if ((rc = costs_init(&c, &o->c, &e)) || (rc = costs_check_margin(&c, c.nmodes == 2, "--mode both", &e)) ||
	    (rc = plan_whats(o, &pl, &e)) || (rc = costs_sizes(o->sizes, &pl.sizes, &pl.nsizes, &e)) ||
	    (rc = plan_kinds(&o->c, &c, &pl, &e)))
		goto out;
	for (size_t i = 0; i < pl.nsizes; i++)
		if ((rc = shm_check_size(o->c.mem.pages, pl.sizes[i], "sizes", &e)))
			goto out;
	/* the first sample of an agent faults in its code: always a warm-up */
	if (c.run.warmup < 1)
		c.run.warmup = 1;
	if (c.run.warmup + c.run.samples > SU_MAX_OBJECTS) {
		rc = cp_errf(&e, CP_EUSAGE, "--samples %llu: setup keeps one object per sample open during a "
			     "cell: allowed: samples + warmup <= %d", (unsigned long long)c.run.samples,
			     SU_MAX_OBJECTS);
		goto out;
	}
	if ((rc = huge_capacity(&c, &pl, &e)))
		goto out;
	if ((rc = costs_cpulist(&c, 2, 0, &pl.cpus, &pl.ncpus, pl.placement, sizeof(pl.placement), &e)))
		goto out;
	snprintf(range, sizeof(range), "0..%d", pl.ncpus - 1);
	if ((rc = parse_u64_range(o->others ? o->others : range, "others", 0, (uint64_t)pl.ncpus - 1,
				  &pl.others, &pl.nothers, &e)))
		goto out;
	if (o->c.mem.mem_node &&
	    (rc = topo_mem_node(c.run.topo, o->c.mem.mem_node, pl.cpus[0], pl.cpus[1], &pl.mem_node, &e)))
		goto out;
	if (o->c.checking || (rc = costs_open_sink(&c, &e)))
		goto out;
	for (int w = 0; w < pl.nwhat && !rc; w++)
		for (int k = 0; k < pl.nkinds && !rc; k++) {
			const struct su_what *wh = &su_whats[pl.what[w]];

			int att = wh->needs_attachable ? su_kind_attachable(pl.kinds[k], &e) : 1;

			if (att < 0) {
				rc = e.code;
				break;
			}
			if (!att) {
				if (!noted++)
					result_meta_note(c.sink, "setup attach: %s has no object to attach (it is "
							 "inherited by fork), not measured", pl.kinds[k]);
				continue;
			}
			for (size_t s = 0; s < pl.nsizes && !rc; s++)
				for (size_t n = 0; n < (wh->uses_others ? pl.nothers : 1) && !rc; n++)
					for (int m = 0; m < (c.nmodes == 2 ? 1 : c.nmodes) && !rc && !costs_interrupted(&c) && !runctl_time_up();
			     m++) {
						struct su_cell cell = { wh, pl.kinds[k], pl.sizes[s], c.modes[m],
									wh->uses_others ? 1 + (unsigned)pl.others[n]
											: wh->agents };

						rc = c.nmodes == 2 ? measure_arms(&c, &pl, &cell, &e)
								   : measure(&c, &pl, &cell, &e);
					}
		}
out:
	for (int k = 0; k < pl.nkinds; k++)
		free(pl.kinds[k]);
	free(pl.sizes);
	free(pl.others);
	free(pl.cpus);
	rc = costs_finish(&c, rc, &e);
	*ep = e;
	return rc;
}

/* ---- the experiment ---- */

/* what sharing costs to set up, per page and per MiB (setup measures every
 * memory kind and the private baseline by default): the grid for the
 * sharing case (processes), and each step of threads against processes as
 * interleaved arms at one size (a run of the agents per block) */
static const struct exp_preset setup_presets[] = {
	{ EXP_QUICK, "setup --what all --shm anon --sizes 4K,1M --samples 5 --mode process" },
	{ EXP_STANDARD, "setup --what all --sizes 4K..16M --mode process" },
	{ EXP_STANDARD, "setup --what all --shm anon,posix --sizes 1M --mode both" },
	{ EXP_STANDARD, "setup --what touch,fork --shm anon --sizes 1M --mode process:process" },
	{ EXP_FULL, "setup --what all --pages {4k,thp} --sizes 4K..1G" },
};

static const struct exp_figure setup_figures[] = {
	{ "setup", "size.gp", "setup.csv", "total",
	  "experiment kernel metric unit size_bytes p50 ci_lo ci_hi shm pages mode", "kernel",
	  "series='shm pages mode'; mlabel='time for the whole size'",
	  "What setting up shared memory costs against its size (log-log)" },
	{ "setup-per-page", "size.gp", "setup.csv", "per_page",
	  "experiment kernel metric unit size_bytes p50 ci_lo ci_hi shm pages mode", "kernel",
	  "series='shm pages mode'; mlabel='time per page'", "The same per page" },
	EXP_FOREST("setup"),
};

/* What its own options allow (the command line's completion). */
static const char *setup_values(enum opt_id id, char *buf, size_t len)
{
	return id == OPT_what ? names_or_all(NAME_TABLE(su_whats, su_nwhats), buf, len) : NULL;
}

const struct experiment exp_setup = {
	.name = "setup",
	.summary = "what sharing costs around the accesses: create, attach, touch, populate, detach, fork",
	.notes = "--sizes: whole pages of --pages (multiples of 4096 with 4k); one object per sample",
	EXP_REQUEST(struct setup_req, setup_opts),
	.run = setup_run,
	.prior = { .cell_fixed = 0.12, .meas_fixed = 0.002, .t_sample = 50e-6, .per_byte = 0.5e-9,
		   .min_samples = 5, .max_samples = 50, .all = "what=7 shm=5" },
	.arms = EXP_ARMS_RUNS,
	.presets = EXP_ITEMS(setup_presets),
	.probe = "setup --what create,touch --shm anon --sizes 64K --mode thread --samples 5 --warmup 1",
	.figures = EXP_ITEMS(setup_figures),
	.values = setup_values,
};
