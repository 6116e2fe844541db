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

#include "experiment.h"
#include "counters.h"
#include "parse.h"
#include "setup_common.h"
#include "setup_whats.h"
#include "shm.h"
#include "stats.h"
#include "topo.h"

#define SU_MAX_OBJECTS 512   /* one object (fd, segment) per sample is open during a cell */
#define SU_DEFAULT_KINDS "private,anon,sysv,posix,memfd"

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

/* One row per role and metric; checks the page-fault count. */
static int emit(struct costs *c, const struct su_plan *pl, const struct su_cell *cell,
		const struct cp_shm *probe, struct su_shared *P, const struct agents_shared *sh,
		struct cp_err *e)
{
	int fi = costs_fault_counter(c), rc = 0;
	double *v = cp_xcalloc(P->done ? P->done : 1, sizeof(double));

	for (unsigned r = 0; r < cell->w->nroles && !rc; r++) {
		const struct su_role *role = &cell->w->role[r];
		struct agents_shared *acc = costs_ctr_acc_new(1);
		double ops = (double)P->npages * (double)P->done;

		costs_ctr_acc_add(acc, 0, sh, role->agent);
		if (c->run.counters && fi >= 0 && role->faults_per_page >= 0 && acc->slot[0].ctr_valid[fi] &&
		    acc->slot[0].ctr[fi] != (uint64_t)role->faults_per_page * P->npages * P->done)
			rc = cp_errf(e, CP_ERUN,
				     "setup %s %s %zu bytes (%s): %llu page faults for %zu pages x %llu samples, "
				     "expected exactly %d per page (a page touched twice or not at all, or the "
				     "kernel mapped larger folios than the page size)",
				     role->kernel, cell->kind, probe->size, agent_mode_name(cell->mode),
				     (unsigned long long)acc->slot[0].ctr[fi], P->npages,
				     (unsigned long long)P->done, role->faults_per_page);
		for (int m = 0; m < 2 && !rc; m++) {
			struct cp_row row;

			for (uint64_t i = 0; i < P->done; i++)
				v[i] = m ? P->ns[r][i] / (double)P->npages : P->ns[r][i];
			costs_row(c, &row, "setup", cell->mode, pl->cpus, cell->n, pl->placement);
			row.kernel = role->kernel;
			row.shm = shm_kind_name(probe);
			row.pages = shm_page_name(probe);
			row.mem_node = P->node_seen;
			row.size_bytes = probe->size;
			row.samples = P->done;
			row.iters_per_sample = 1;
			row.metric = m ? "per_page" : "total";
			row.unit = m ? "ns/page" : "ns";
			if (strcmp(row.pages, "4k"))
				row.note = cell->w->verifies ? "huge pages verified in smaps"
							     : "memory not touched so its page size is not verified";
			stats_compute(v, P->done, &row.st);
			row.raw = v;
			row.nraw = P->done;
			if (c->run.counters)
				agents_counters_row(acc, c->run.counters, ops, &row, c->sink);
			rc = result_add(c->sink, &row, e);
		}
		costs_ctr_acc_free(acc);
	}
	free(v);
	return rc;
}

static int measure(struct costs *c, const struct su_plan *pl, const struct su_cell *cell, struct cp_err *e)
{
	uint64_t nobj = c->run.warmup + c->run.samples;
	size_t psize = sizeof(struct su_shared) + nobj * sizeof(struct cp_shm) +
		       SU_ROLES * c->run.samples * sizeof(double);
	struct su_shared *P = agents_shared_alloc(psize);
	struct agents_shared *sh = NULL;
	struct agents_cfg cfg = { .mode = cell->mode, .n = cell->n, .cpus = pl->cpus,
				  .timeout_s = c->run.timeout_s, .fn = su_agent, .arg = P,
				  .counters = c->run.counters };
	struct cp_shm probe;
	uint64_t made = 0;
	int rc;

	/* the object's real size and page size, from shm.c */
	if ((rc = shm_create_object(&probe, cell->kind, c->o->pages, cell->size, e))) {
		agents_shared_free(P, psize);
		return rc;
	}
	shm_destroy_object(&probe);
	P->what = cell->w;
	P->timer = c->run.timer;
	P->intr = c->intr;
	P->kind = cell->kind;
	P->pages = c->o->pages;
	P->size = cell->size;
	P->page_size = probe.page_size;
	P->npages = probe.size / probe.page_size;
	P->mem_node = pl->mem_node;
	P->node_seen = -1;
	P->warmup = c->run.warmup;
	P->samples = c->run.samples;
	P->obj = (struct cp_shm *)(P + 1);
	for (int r = 0; r < SU_ROLES; r++)
		P->ns[r] = (double *)(P->obj + nobj) + r * c->run.samples;
	for (; cell->w->needs_obj && made < nobj && !rc; made++)
		rc = shm_create(&P->obj[made], cell->kind, c->o->pages, cell->size, e);
	if (rc)
		made--;   /* the failed one cleaned up after itself */
	if (!rc) {
		rc = agents_run(&cfg, &sh, e);
		if (!rc && !costs_interrupted(c))
			rc = emit(c, pl, cell, &probe, P, sh, e);
		if (sh && sh->hung)
			return rc;
	}
	agents_free(sh);
	for (uint64_t k = 0; k < made; k++)
		shm_destroy(&P->obj[k]);
	agents_shared_free(P, psize);
	return rc;
}

static int plan_whats(const struct opts *o, struct su_plan *pl, struct cp_err *e)
{
	return opt_pick(o->what ? o->what : "all", "what", OPT_TABLE(su_whats, su_nwhats), pl->what,
			(int)CP_ARRAY_SIZE(pl->what), &pl->nwhat, e);
}

/* --shm: a list of kinds; "private" (the baseline) is always measured. */
static int plan_kinds(const struct opts *o, const struct costs *c, struct su_plan *pl, struct cp_err *e)
{
	int processes = c->modes[c->nmodes - 1] == AGENT_PROCESS;

	if (o->shm && has_empty_item(o->shm))
		return cp_errf(e, CP_EUSAGE, "--shm: invalid value '%s': an empty name: allowed: a list of "
			       "private, heap, anon, sysv, posix, memfd", o->shm);

	char *copy = cp_xstrdup(o->shm ? o->shm : SU_DEFAULT_KINDS), *tok, *save = NULL;
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
	unsigned long long free_pages = 0, kb = 0, need = 0, biggest = 0;

	if (!c->o->pages || strcmp(c->o->pages, "huge") || !f) {
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
	/* one object per sample, plus a private copy of a second process */
	if (kb)
		need = (biggest + kb * 1024 - 1) / (kb * 1024) * (c->run.warmup + c->run.samples + 1);
	if (need > free_pages)
		return cp_errf(e, CP_EUNAVAIL,
			       "--pages huge: setup makes one object per sample before a cell starts: %llu bytes "
			       "x %llu samples needs %llu huge pages of %llu kB, HugePages_Free is %llu: echo %llu > "
			       "/proc/sys/vm/nr_hugepages (or fewer --samples / smaller --sizes)",
			       biggest, (unsigned long long)(c->run.warmup + c->run.samples + 1), need, kb,
			       free_pages, need);
	return 0;
}

int cmd_setup(struct opts *o)
{
	struct costs c;
	struct cp_err e = { 0 };
	struct su_plan pl = { .mem_node = -1 };
	char range[32];
	int rc, noted = 0;

	if (o->argc)
		cp_die(CP_EUSAGE, "setup: unexpected argument '%s': it takes options only", o->argv[0]);
	if ((rc = costs_init(&c, o, 10, 1, &e)) || (rc = plan_whats(o, &pl, &e)) ||
	    (rc = costs_sizes(o, "4K,64K,1M,16M", &pl.sizes, &pl.nsizes, &e)) || (rc = plan_kinds(o, &c, &pl, &e)))
		goto out;
	for (size_t i = 0; i < pl.nsizes; i++)
		if ((rc = shm_check_size(o->pages, pl.sizes[i], "sizes", &e)))
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
	if (o->mem_node &&
	    (rc = topo_mem_node(c.run.topo, o->mem_node, pl.cpus[0], pl.cpus[1], &pl.mem_node, &e)))
		goto out;
	if ((rc = costs_open_sink(&c, &e)))
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
					for (int m = 0; m < c.nmodes && !rc && !costs_interrupted(&c); m++) {
						struct su_cell cell = { wh, pl.kinds[k], pl.sizes[s], c.modes[m],
									wh->uses_others ? 1 + (unsigned)pl.others[n]
											: wh->agents };

						rc = measure(&c, &pl, &cell, &e);
					}
		}
out:
	for (int k = 0; k < pl.nkinds; k++)
		free(pl.kinds[k]);
	free(pl.sizes);
	free(pl.others);
	free(pl.cpus);
	return costs_finish(&c, rc, &e);
}

/* ---- the experiment ---- */

void rep_setup(struct rep *r);   /* its report section (report_costs.c) */

/* what sharing costs to set up, per page and per MiB (setup measures every
 * memory kind and the private baseline by default) */
static const struct exp_preset setup_presets[] = {
	{ EXP_QUICK, "setup --what all --shm anon --sizes 4K,1M --samples 5" },
	{ EXP_STANDARD, "setup --what all --sizes 4K..16M" },
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
};

const struct experiment exp_setup = {
	.cmd = { "setup", cmd_setup, "",
		 O(cpus) | O(placement) | O(topology_xml) | O(samples) | O(warmup) | O(timer) | O(timeout) | CP_OPTS_COUNTERS |
		 CP_OPTS_OUTPUT | CP_OPTS_MEMORY | O(mode) | O(what) | O(sizes) | O(others),
		 "what sharing costs around the accesses: create, attach, touch, populate, detach, fork",
		 "--sizes: whole pages of --pages (multiples of 4096 with 4k); one object per sample" },
	.prior = { 0.12, 0.002, 50e-6, 0.5e-9, 10, 5, 50, "shm=5 mode=2 what=7", "what=7 shm=5" },
	.presets = EXP_ITEMS(setup_presets),
	.figures = EXP_ITEMS(setup_figures),
	.report = rep_setup,
};
