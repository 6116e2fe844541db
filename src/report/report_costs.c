/* report_costs.c: the report's second question (what attaching, touching
 * and detaching shared memory cost, per page and per MiB, and which costs
 * dominate) from setup.csv, then waking (sync), copying vs sharing (copy)
 * and contention (contend).  Only numbers of the run's CSVs. */
#include "report_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MIB 1048576.0

static int same_in(const struct csv *c, size_t a, size_t b, const enum cp_col *cols, int n)
{
	for (int k = 0; k < n; k++) {
		int j = csv_at(c, cols[k]);

		if (strcmp(csv_get(c, a, j), csv_get(c, b, j)))
			return 0;
	}
	return 1;
}

/* First rows of the distinct combinations of cols among rows of metric. */
static int groups(const struct csv *c, const char *metric, const enum cp_col *cols, int n,
		  size_t *first, int max)
{
	int cm = csv_at(c, COL_metric), ng = 0;

	for (size_t i = 0; i < c->nrow && ng < max; i++) {
		int dup = 0;

		if (strcmp(csv_get(c, i, cm), metric))
			continue;
		for (int g = 0; g < ng && !dup; g++)
			dup = same_in(c, first[g], i, cols, n);
		if (!dup)
			first[ng++] = i;
	}
	return ng;
}

/* The row of the group of g with metric and the largest (or smallest)
 * value of column col; -1 if none. */
static long extreme(const struct csv *c, size_t g, const char *metric, const enum cp_col *cols,
		    int n, enum cp_col col, int largest)
{
	int cm = csv_at(c, COL_metric), cx = csv_at(c, col);
	long best = -1;

	for (size_t i = 0; i < c->nrow; i++) {
		double x;

		if (strcmp(csv_get(c, i, cm), metric) || !same_in(c, g, i, cols, n))
			continue;
		x = csv_num(c, i, cx);
		if (best < 0 || (largest ? x > csv_num(c, (size_t)best, cx) : x < csv_num(c, (size_t)best, cx)))
			best = (long)i;
	}
	return best;
}

/* 65.5 ms, 134 µs, 250 ns */
static const char *htime(double ns, char *buf, size_t len)
{
	char n[32];

	if (ns >= 1e9)
		snprintf(buf, len, "%s s", fmt3(ns / 1e9, n, sizeof(n)));
	else if (ns >= 1e6)
		snprintf(buf, len, "%s ms", fmt3(ns / 1e6, n, sizeof(n)));
	else if (ns >= 1e3)
		snprintf(buf, len, "%s µs", fmt3(ns / 1e3, n, sizeof(n)));
	else
		snprintf(buf, len, "%s ns", fmt3(ns, n, sizeof(n)));
	return buf;
}

static const char *hsize(double b, char *buf, size_t len)
{
	if (b >= 1 << 30)
		snprintf(buf, len, "%g GiB", b / (1 << 30));
	else if (b >= 1 << 20)
		snprintf(buf, len, "%g MiB", b / (1 << 20));
	else if (b >= 1 << 10)
		snprintf(buf, len, "%g KiB", b / (1 << 10));
	else
		snprintf(buf, len, "%g B", b);
	return buf;
}

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

/* One memory kind's summary line: every step at the largest size. */
static void setup_line(struct rep *r, const struct csv *c, size_t g, const char *mode)
{
	static const enum cp_col scols[] = { COL_kernel, COL_shm, COL_pages, COL_mode, COL_agents };
	static const enum cp_col kcols[] = { COL_shm, COL_pages };
	int cke = csv_at(c, COL_kernel), cmo = csv_at(c, COL_mode), cme = csv_at(c, COL_metric);
	int c50 = csv_at(c, COL_p50), csz = csv_at(c, COL_size_bytes);
	char list[1600] = "", a[32], t1[32], t2[32], sz[32], pg[400] = "", dom[600] = "";
	double sum = 0, top = -1, size = 0, top_pp = NAN;
	const char *topname = "";

	for (size_t i = 0; i < c->nrow; i++) {
		long big, pp;
		int first = 1;

		if (strcmp(csv_get(c, i, cme), "total") || strcmp(csv_get(c, i, cmo), mode) ||
		    !same_in(c, g, i, kcols, 2))
			continue;
		/* each step once: its first row (the fewest agents come first) */
		for (size_t j = 0; j < i && first; j++)
			first = !(same_in(c, g, j, kcols, 2) && !strcmp(csv_get(c, j, cmo), mode) &&
				  !strcmp(csv_get(c, j, cke), csv_get(c, i, cke)) &&
				  !strcmp(csv_get(c, j, cme), "total"));
		if (!first)
			continue;
		big = extreme(c, i, "total", scols, 5, COL_size_bytes, 1);
		pp = extreme(c, i, "per_page", scols, 5, COL_size_bytes, 1);
		size = csv_num(c, (size_t)big, csz);
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s %s (%s/page, %s µs/MiB)",
			 list[0] ? ", " : "", csv_get(c, i, cke),
			 htime(csv_num(c, (size_t)big, c50), t1, sizeof(t1)),
			 pp >= 0 ? htime(csv_num(c, (size_t)pp, c50), t2, sizeof(t2)) : "?",
			 fmt3(csv_num(c, (size_t)big, c50) / 1e3 / (size / MIB), a, sizeof(a)));
		if (!in_lifecycle(csv_get(c, i, cke)))
			continue;
		sum += csv_num(c, (size_t)big, c50);
		if (csv_num(c, (size_t)big, c50) > top) {
			top = csv_num(c, (size_t)big, c50);
			topname = csv_get(c, i, cke);
			top_pp = pp >= 0 ? csv_num(c, (size_t)pp, c50) : NAN;
		}
	}
	if (!list[0])
		return;
	if (isfinite(r->rt_ns) && isfinite(top_pp))
		snprintf(pg, sizeof(pg), " A page of %s costs as much as %s cache-line round trips "
			 "(%.150s, %s ns).", topname, fmt3(top_pp / r->rt_ns, a, sizeof(a)), r->rt_what,
			 fmt3(r->rt_ns, t1, sizeof(t1)));
	if (sum > 0)
		snprintf(dom, sizeof(dom), " **%s dominates**: %.0f%% of create + attach + touch + "
			 "detach.%s", topname, 100 * top / sum, pg);
	rep_sum(r, "**Setting up %s memory** (%s pages, %s) for %s: %s.%s",
		csv_get(c, g, csv_at(c, COL_shm)), csv_get(c, g, csv_at(c, COL_pages)),
		!strcmp(mode, "process") ? "processes" : "threads",
		hsize(size, sz, sizeof(sz)), list, dom);
}

void rep_setup(struct rep *r)
{
	static const enum cp_col scols[] = { COL_kernel, COL_shm, COL_pages, COL_mode, COL_agents };
	static const enum cp_col gcols[] = { COL_shm, COL_pages };
	static const char *const head[] = { "step", "memory", "pages", "mode", "agents", "size",
					    "per page: median ns [95% CI]", "per MiB: µs",
					    "smallest size: total µs" };
	size_t g[64], s[256];
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
	ns = groups(&c, "total", scols, 5, s, 256);
	for (int i = 0; i < ns; i++) {
		long big = extreme(&c, s[i], "total", scols, 5, COL_size_bytes, 1);
		long small = extreme(&c, s[i], "total", scols, 5, COL_size_bytes, 0);
		long pp = extreme(&c, s[i], "per_page", scols, 5, COL_size_bytes, 1);
		char cell[9][160];
		double size = csv_num(&c, (size_t)big, csz);

		for (int k = 0; k < 5; k++)
			snprintf(cell[k], 160, "%s", csv_get(&c, s[i], csv_at(&c, scols[k])));
		hsize(size, cell[5], 160);
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
	/* the summary: processes (the sharing case), each memory kind */
	ng = groups(&c, "total", gcols, 2, g, 64);
	for (int i = 0; i < ng; i++)
		setup_line(r, &c, g[i], has_proc ? "process" : "thread");
	rep_verdicts(r, &c, "Threads vs processes, step by step, measured as interleaved arms");
	rep_figures(r, "setup");
	rep_figures(r, "setup-per-page");
	csv_free(&c);
}

void rep_sync(struct rep *r)
{
	static const char *const head[] = { "primitive", "mode", "memory", "placement",
					     "round trip: median ns [95% CI]" };
	struct csv c;
	struct rawset rs = { 0 };
	struct pair_cmp *x = NULL;
	char path[4300], a[160];
	int n, c50, cm, best[2] = { -1, -1 }, spin[2] = { -1, -1 };
	const char *metric = "round_trip";

	if (rep_load(r, "sync.csv", &c))
		return;
	c50 = csv_at(&c, COL_p50);
	cm = csv_at(&c, COL_metric);
	doc_h(r->d, 2, "Waking the other side");
	doc_p(r->d, "Round trip through each wake-up primitive (the waiter sleeps in the kernel), "
		    "and spinning on a shared line as the baseline.");
	doc_table(r->d, 5, head);
	for (size_t i = 0; i < c.nrow; i++) {
		char cell[5][160];
		int proc = !strcmp(csv_get(&c, i, csv_at(&c, COL_mode)), "process");

		if (strcmp(csv_get(&c, i, cm), metric))
			continue;
		snprintf(cell[0], 160, "%s", csv_get(&c, i, csv_at(&c, COL_kernel)));
		snprintf(cell[1], 160, "%s", csv_get(&c, i, csv_at(&c, COL_mode)));
		if (!strncmp(csv_get(&c, i, csv_at(&c, COL_note)), "futex ", 6))
			snprintf(cell[1], 160, "%s (%s)", csv_get(&c, i, csv_at(&c, COL_mode)),
				 csv_get(&c, i, csv_at(&c, COL_note)));
		snprintf(cell[2], 160, "%s", csv_get(&c, i, csv_at(&c, COL_shm)));
		snprintf(cell[3], 160, "%s", csv_get(&c, i, csv_at(&c, COL_placement)));
		rep_median(&c, i, cell[4], 160);
		doc_row(r->d, 5, cell);
		/* a multimodal row has no one median to rank by */
		if (strcmp(cell[0], "spin") && rep_modes(&c, i) < 2 &&
		    (best[proc] < 0 || csv_num(&c, i, c50) < csv_num(&c, (size_t)best[proc], c50)))
			best[proc] = (int)i;
		if (!strcmp(cell[0], "spin"))
			spin[proc] = (int)i;
	}
	doc_table_end(r->d);
	for (int m = 0; m < 2; m++) {
		char sp[200] = "", b[32];

		if (best[m] < 0)
			continue;
		if (spin[m] >= 0)
			snprintf(sp, sizeof(sp), " (spinning on a shared line instead: %s ns, %.0fx faster, "
				 "at the price of a busy CPU)", fmt3(csv_num(&c, (size_t)spin[m], c50), b, sizeof(b)),
				 csv_num(&c, (size_t)best[m], c50) / csv_num(&c, (size_t)spin[m], c50));
		rep_sum(r, "**Fastest wake-up** between %ss: %s, %s ns round trip%s.",
			m ? "processe" : "thread", csv_get(&c, (size_t)best[m], csv_at(&c, COL_kernel)),
			fmt3(csv_num(&c, (size_t)best[m], c50), a, sizeof(a)), sp);
	}
	/* the interleaved arms' verdicts; cells measured back to back are
	 * shown as ratios, not judged */
	if (!rep_verdicts(r, &c, "Interleaved arms: threads vs processes (on a shared futex), and a "
			      "private vs a shared futex between threads")) {
		snprintf(path, sizeof(path), "%s/raw/sync.csv", r->dir);
		rawset_load(path, &rs);
		n = compare_modes(&c, &rs, metric, &x);
		for (int i = 0; i < n; i++)
			doc_li(r->d, "%s: processes / threads = %.3f [%.3f, %.3f], measured back to back (not a verdict: "
			       "the machine drifts between two cells)", csv_get(&c, x[i].p, csv_at(&c, COL_kernel)),
			       x[i].q.r, x[i].q.lo, x[i].q.hi);
	}
	rep_figures(r, "sync");
	free(x);
	rawset_free(&rs);
	csv_free(&c);
}

void rep_copy(struct rep *r)
{
	static const enum cp_col cols[] = { COL_kernel, COL_mode, COL_shm };
	static const char *const head[] = { "via", "mode", "memory", "largest size",
					    "throughput: median GB/s [95% CI]",
					    "smallest size: time per message ns" };
	size_t g[64];
	struct csv c;
	int ng, c50, best = -1, worst = -1;
	double bestv = 0, worstv = 0;
	char a[64], b[64], sz[64];

	if (rep_load(r, "copy.csv", &c))
		return;
	c50 = csv_at(&c, COL_p50);
	doc_h(r->d, 2, "Copying vs sharing");
	doc_p(r->d, "A message from A to B through shared memory (B reads it where A wrote it) or "
		    "copied through memcpy, a pipe, a socket, vmsplice or process_vm_readv.");
	doc_table(r->d, 6, head);
	ng = groups(&c, "throughput", cols, 3, g, 64);
	for (int i = 0; i < ng; i++) {
		long big = extreme(&c, g[i], "throughput", cols, 3, COL_size_bytes, 1);
		long small = extreme(&c, g[i], "latency", cols, 3, COL_size_bytes, 0);
		char cell[6][160];
		double v = csv_num(&c, (size_t)big, c50);

		for (int k = 0; k < 3; k++)
			snprintf(cell[k], 160, "%s", csv_get(&c, g[i], csv_at(&c, cols[k])));
		hsize(csv_num(&c, (size_t)big, csv_at(&c, COL_size_bytes)), cell[3], 160);
		rep_median(&c, (size_t)big, cell[4], 160);
		if (small >= 0)
			fmt3(csv_num(&c, (size_t)small, c50), cell[5], 160);
		else
			snprintf(cell[5], 160, "-");
		doc_row(r->d, 6, cell);
		if (best < 0 || v > bestv) {
			best = (int)big;
			bestv = v;
		}
		if (worst < 0 || v < worstv) {
			worst = (int)big;
			worstv = v;
		}
	}
	doc_table_end(r->d);
	if (best >= 0 && worst >= 0 && worstv > 0)
		rep_sum(r, "**Copying vs sharing** at %s: fastest %s (%s, %s GB/s), slowest %s (%s, %s "
			   "GB/s): %.1fx apart.", hsize(csv_num(&c, (size_t)best, csv_at(&c, COL_size_bytes)),
							sz, sizeof(sz)),
			csv_get(&c, (size_t)best, csv_at(&c, COL_kernel)),
			csv_get(&c, (size_t)best, csv_at(&c, COL_mode)), fmt3(bestv, a, sizeof(a)),
			csv_get(&c, (size_t)worst, csv_at(&c, COL_kernel)),
			csv_get(&c, (size_t)worst, csv_at(&c, COL_mode)), fmt3(worstv, b, sizeof(b)),
			bestv / worstv);
	rep_verdicts(r, &c, "Threads vs processes, latency of a message, measured as interleaved arms");
	rep_figures(r, "copy");
	rep_figures(r, "copy-latency");
	csv_free(&c);
}

void rep_contend(struct rep *r)
{
	static const enum cp_col cols[] = { COL_kernel, COL_layout, COL_mode, COL_shm };
	static const char *const head[] = { "op", "layout", "mode", "1 agent: Mops/s",
					    "most agents: Mops/s [95% CI]", "agents", "scaling" };
	size_t g[64];
	struct csv c;
	int ng, c50, cag;
	const char *metric = "throughput";
	char a[64];

	if (rep_load(r, "contend.csv", &c))
		return;
	c50 = csv_at(&c, COL_p50);
	cag = csv_at(&c, COL_agents);
	doc_h(r->d, 2, "Contention");
	doc_p(r->d, "N agents hammer one word of one line (same-line), their own words of shared "
		    "lines (false-sharing) or a line each (padded); total throughput of all agents.");
	doc_table(r->d, 7, head);
	ng = groups(&c, metric, cols, 4, g, 64);
	for (int i = 0; i < ng; i++) {
		long one = extreme(&c, g[i], metric, cols, 4, COL_agents, 0);
		long most = extreme(&c, g[i], metric, cols, 4, COL_agents, 1);
		char cell[7][160];
		double v1 = csv_num(&c, (size_t)one, c50), vn = csv_num(&c, (size_t)most, c50);

		for (int k = 0; k < 3; k++)
			snprintf(cell[k], 160, "%s", csv_get(&c, g[i], csv_at(&c, cols[k])));
		fmt3(v1, cell[3], 160);
		rep_median(&c, (size_t)most, cell[4], 160);
		snprintf(cell[5], 160, "%s..%s", csv_get(&c, (size_t)one, cag), csv_get(&c, (size_t)most, cag));
		snprintf(cell[6], 160, "%.2fx", vn / v1);
		doc_row(r->d, 7, cell);
	}
	/* one summary line per op: every layout and mode, most agents vs one */
	for (int i = 0; i < ng; i++) {
		char line[600] = "", most[16] = "";
		int first = 1, cke = csv_at(&c, COL_kernel);

		for (int k = 0; k < i && first; k++)
			first = strcmp(csv_get(&c, g[k], cke), csv_get(&c, g[i], cke)) != 0;
		if (!first)
			continue;
		for (int k = i; k < ng; k++) {
			long one, mo;

			if (strcmp(csv_get(&c, g[k], cke), csv_get(&c, g[i], cke)))
				continue;
			one = extreme(&c, g[k], metric, cols, 4, COL_agents, 0);
			mo = extreme(&c, g[k], metric, cols, 4, COL_agents, 1);
			snprintf(most, sizeof(most), "%s", csv_get(&c, (size_t)mo, cag));
			snprintf(line + strlen(line), sizeof(line) - strlen(line), "%s%s %s %s Mops/s (%.2fx)",
				 line[0] ? ", " : "", csv_get(&c, g[k], csv_at(&c, COL_layout)),
				 csv_get(&c, g[k], csv_at(&c, COL_mode)),
				 fmt3(csv_num(&c, (size_t)mo, c50), a, sizeof(a)),
				 csv_num(&c, (size_t)mo, c50) / csv_num(&c, (size_t)one, c50));
		}
		rep_sum(r, "**Contention** (%s): total throughput of %s agents, and how many times what "
			   "one agent does: %s.", csv_get(&c, g[i], cke), most, line);
	}
	doc_table_end(r->d);
	rep_verdicts(r, &c, "Threads vs processes, total throughput, measured as interleaved arms");
	rep_figures(r, "contend");
	rep_figures(r, "contend-fairness");
	csv_free(&c);
}
