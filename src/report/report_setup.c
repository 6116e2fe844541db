/* report_setup.c: the report's second question: what making, attaching, touching and
 * detaching shared memory cost, per page and per MiB, and which costs
 * dominate, from setup.csv. */
#include "report_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIB 1048576.0

/* The steps of sharing memory whose sum "dominates" is judged against:
 * making it, mapping it, the first write of every page, unmapping it.
 * (populate replaces touch, retouch and fork are other questions: they
 * are in the table, not in the sum.) */
static const char *const lifecycle[] = { "create", "attach", "touch", "detach" };

static int in_lifecycle(const char *step)
{
	for (size_t i = 0; i < CP_ARRAY_SIZE(lifecycle); i++)
		if (!strcmp(lifecycle[i], step))
			return 1;
	return 0;
}

/* What the memory kinds' lines add up to, for the summary's one bullet. */
struct setup_sum {
	int n, same;              /* kinds; whether one step dominates in all */
	char dom[32], size[32], pages[32], cav[300];
	double share_lo, share_hi, pp_lo, pp_hi, rt_lo, rt_hi;
	char kind_lo[32], kind_hi[32];
};

static void sum_add(struct setup_sum *u, const char *kind, const char *dom, double share, double pp, double rt)
{
	if (!u->n++) {
		snprintf(u->dom, sizeof(u->dom), "%s", dom);
		u->same = 1;
		u->share_lo = u->share_hi = share;
		u->pp_lo = u->pp_hi = pp;
		u->rt_lo = u->rt_hi = rt;
		snprintf(u->kind_lo, sizeof(u->kind_lo), "%s", kind);
		snprintf(u->kind_hi, sizeof(u->kind_hi), "%s", kind);
		return;
	}
	u->same &= !strcmp(u->dom, dom);
	u->share_lo = fmin(u->share_lo, share);
	u->share_hi = fmax(u->share_hi, share);
	u->rt_lo = fmin(u->rt_lo, rt);
	u->rt_hi = fmax(u->rt_hi, rt);
	if (pp < u->pp_lo)
		u->pp_lo = pp, snprintf(u->kind_lo, sizeof(u->kind_lo), "%s", kind);
	if (pp > u->pp_hi)
		u->pp_hi = pp, snprintf(u->kind_hi, sizeof(u->kind_hi), "%s", kind);
}

/* The summary's bullet: the kinds' lines in one (the section has them). */
static void sum_write(struct rep *r, const struct setup_sum *u, const char *mode)
{
	char a[32], b[32], x[32], y[32], rt[600] = "";

	if (!u->n)
		return;
	if (isfinite(u->rt_lo) && u->n > 1)
		snprintf(rt, sizeof(rt), ", as much as %s to %s cache-line round trips (%.150s)%s", fmt3(u->rt_lo, x, sizeof(x)),
			 fmt3(u->rt_hi, y, sizeof(y)), r->rt_what, u->cav);
	else if (isfinite(u->rt_lo))
		snprintf(rt, sizeof(rt), ", as much as %s cache-line round trips (%.150s)%s", fmt3(u->rt_lo, x, sizeof(x)),
			 r->rt_what, u->cav);
	if (u->same) {
		char share[64];

		if (round(u->share_lo) == round(u->share_hi))
			snprintf(share, sizeof(share), "%.0f%%", u->share_lo);
		else
			snprintf(share, sizeof(share), "%.0f%% to %.0f%%", u->share_lo, u->share_hi);
		if (u->n == 1)
			rep_sum(r, "**Setting up %s memory** (%s, %s pages, %s): **%s dominates**, %s of create + attach + "
				   "touch + detach; a page of %s costs %s%s.", u->kind_lo, u->size, u->pages, mode, u->dom,
				share, u->dom, rep_htime(u->pp_lo, a, sizeof(a)), rt);
		else
			rep_sum(r, "**Setting up shared memory** (%d kinds, %s, %s pages, %s): **%s dominates** in every "
				   "kind, %s of create + attach + touch + detach; a page of %s costs %s (%s) to %s (%s)%s.",
				u->n, u->size, u->pages, mode, u->dom, share, u->dom, rep_htime(u->pp_lo, a, sizeof(a)),
				u->kind_lo, rep_htime(u->pp_hi, b, sizeof(b)), u->kind_hi, rt);
	}
	else
		rep_sum(r, "**Setting up shared memory** (%d kinds, %s, %s pages, %s): the step that dominates differs "
			   "between the kinds: see the section.", u->n, u->size, u->pages, mode);
}

/* One memory kind's line in the section: every step at the largest size. */
static void setup_line(struct rep *r, const struct csv *c, size_t g, const char *mode, struct setup_sum *u)
{
	static const enum cp_col scols[] = { COL_kernel, COL_shm, COL_pages, COL_mode, COL_agents };
	static const enum cp_col kcols[] = { COL_shm, COL_pages };
	int cke = csv_at(c, COL_kernel), cmo = csv_at(c, COL_mode), cme = csv_at(c, COL_metric);
	int c50 = csv_at(c, COL_p50), csz = csv_at(c, COL_size_bytes);
	char list[1600] = "", a[32], t1[32], t2[32], sz[32], pg[800] = "", dom[1100] = "";
	double sum = 0, top = -1, size = 0, top_pp = NAN;
	const char *topname = "";
	size_t top_row = 0;

	for (size_t i = 0; i < c->nrow; i++) {
		long big, pp;
		int first = 1;

		if (strcmp(csv_get(c, i, cme), "total") || strcmp(csv_get(c, i, cmo), mode) ||
		    !rep_same_in(c, g, i, kcols, 2))
			continue;
		/* each step once: its first row (the fewest agents come first) */
		for (size_t j = 0; j < i && first; j++)
			first = !(rep_same_in(c, g, j, kcols, 2) && !strcmp(csv_get(c, j, cmo), mode) &&
				  !strcmp(csv_get(c, j, cke), csv_get(c, i, cke)) &&
				  !strcmp(csv_get(c, j, cme), "total"));
		if (!first)
			continue;
		big = rep_extreme(c, i, "total", scols, 5, COL_size_bytes, 1);
		pp = rep_extreme(c, i, "per_page", scols, 5, COL_size_bytes, 1);
		size = csv_num(c, (size_t)big, csz);
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s %s (%s/page, %s µs/MiB)",
			 list[0] ? ", " : "", csv_get(c, i, cke),
			 rep_htime(csv_num(c, (size_t)big, c50), t1, sizeof(t1)),
			 pp >= 0 ? rep_htime(csv_num(c, (size_t)pp, c50), t2, sizeof(t2)) : "?",
			 fmt3(csv_num(c, (size_t)big, c50) / 1e3 / (size / MIB), a, sizeof(a)));
		if (!in_lifecycle(csv_get(c, i, cke)))
			continue;
		sum += csv_num(c, (size_t)big, c50);
		if (csv_num(c, (size_t)big, c50) > top) {
			top = csv_num(c, (size_t)big, c50);
			topname = csv_get(c, i, cke);
			top_pp = pp >= 0 ? csv_num(c, (size_t)pp, c50) : NAN;
			top_row = pp >= 0 ? (size_t)pp : i;
		}
	}
	if (!list[0])
		return;
	if (isfinite(r->rt_ns) && isfinite(top_pp)) {
		char cav[300];

		rep_drift_caveat(&r->drift, r->rt_epoch, rep_epoch_of_row(&r->drift, "setup.csv", csv_file_row(c, top_row)),
				 cav, sizeof(cav));
		if (cav[0])
			snprintf(u->cav, sizeof(u->cav), "%s", cav);
		snprintf(pg, sizeof(pg), " A page of %s costs as much as %s cache-line round trips "
			 "(%.150s, %s ns)%s.", topname, fmt3(top_pp / r->rt_ns, a, sizeof(a)), r->rt_what,
			 fmt3(r->rt_ns, t1, sizeof(t1)), cav);
	}
	if (sum > 0)
		snprintf(dom, sizeof(dom), " **%s dominates**: %.0f%% of create + attach + touch + "
			 "detach.%s", topname, 100 * top / sum, pg);
	doc_li(r->d, "**%s memory** (%s pages, %s) for %s: %s.%s", csv_get(c, g, csv_at(c, COL_shm)),
	       csv_get(c, g, csv_at(c, COL_pages)), !strcmp(mode, "process") ? "processes" : "threads",
	       rep_hsize(size, sz, sizeof(sz)), list, dom);
	if (sum > 0 && isfinite(top_pp)) {
		snprintf(u->size, sizeof(u->size), "%s", sz);
		snprintf(u->pages, sizeof(u->pages), "%s", csv_get(c, g, csv_at(c, COL_pages)));
		sum_add(u, csv_get(c, g, csv_at(c, COL_shm)), topname, 100 * top / sum, top_pp,
			isfinite(r->rt_ns) ? top_pp / r->rt_ns : NAN);
	}
}

void rep_setup(struct rep *r)
{
	static const enum cp_col scols[] = { COL_kernel, COL_shm, COL_pages, COL_mode, COL_agents };
	static const enum cp_col gcols[] = { COL_shm, COL_pages };
	static const char *const head[] = { "step", "memory", "pages", "mode", "agents", "size",
					    "per page: median ns [95% CI]", "per MiB: µs",
					    "smallest size: total µs" };
	size_t g[64], s[256];
	struct setup_sum u = { 0 };
	struct csv c;
	int ng, ns, c50, csz, has_proc = 0;

	if (rep_load(r, "setup.csv", &c))
		return;
	c50 = csv_at(&c, COL_p50);
	csz = csv_at(&c, COL_size_bytes);
	doc_h(r->d, 2, "What sharing memory costs to set up");
	doc_p(r->d, "Each step timed alone (create the object, attach = map it, touch = first write "
		    "of every page, retouch = a second write, populate = map with the pages in, "
		    "detach = unmap, fork = a child inherits it), for each memory kind and size; "
		    "private memory (not shared) is the baseline. Per MiB is the median total at "
		    "the largest size divided by that size; the smallest size shows the fixed part.");
	doc_table(r->d, 9, head);
	ns = rep_groups(&c, "total", scols, 5, s, 256);
	for (int i = 0; i < ns; i++) {
		long big = rep_extreme(&c, s[i], "total", scols, 5, COL_size_bytes, 1);
		long small = rep_extreme(&c, s[i], "total", scols, 5, COL_size_bytes, 0);
		long pp = rep_extreme(&c, s[i], "per_page", scols, 5, COL_size_bytes, 1);
		char cell[9][160];
		double size = csv_num(&c, (size_t)big, csz);

		for (int k = 0; k < 5; k++)
			snprintf(cell[k], 160, "%s", csv_get(&c, s[i], csv_at(&c, scols[k])));
		rep_hsize(size, cell[5], 160);
		if (pp >= 0)
			rep_median(&c, (size_t)pp, cell[6], 160);
		else
			snprintf(cell[6], 160, "-");
		fmt3(csv_num(&c, (size_t)big, c50) / 1e3 / (size / MIB), cell[7], 160);
		fmt3(csv_num(&c, (size_t)small, c50) / 1e3, cell[8], 160);
		doc_row(r->d, 9, cell);
		has_proc |= !strcmp(cell[3], "process");
	}
	doc_table_end(r->d);
	/* each memory kind in a line, processes (the sharing case); the summary gets them in one */
	ng = rep_groups(&c, "total", gcols, 2, g, 64);
	doc_p(r->d, "Every step at the largest size, per memory kind:");
	for (int i = 0; i < ng; i++)
		setup_line(r, &c, g[i], has_proc ? "process" : "thread", &u);
	sum_write(r, &u, has_proc ? "processes" : "threads");
	rep_verdicts(r, &c, "Threads vs processes, step by step, measured as interleaved arms");
	rep_figures(r, "setup");
	rep_figures(r, "setup-per-page");
	csv_free(&c);
}

