/* report_sync.c: the cost of waking the other side (sync.csv): per primitive,
 * threads vs processes. */
#include "report_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One bullet: the fastest primitive of each mode and the spin beside it.
 * Each primitive is a cell of its own: a ranking of separate cells, said
 * so; the verdicts are the interleaved arms'. */
static void sync_summary(struct rep *r, const struct csv *c, const int best[2], const int spin[2])
{
	char text[600] = "", a[32], b[32];
	size_t o = 0;
	int c50 = csv_at(c, COL_p50);

	for (int m = 0; m < 2; m++) {
		if (best[m] < 0)
			continue;
		o += (size_t)snprintf(text + o, sizeof(text) > o ? sizeof(text) - o : 0, "%sbetween %ss %s, %s ns",
				      o ? "; " : "", m ? "processe" : "thread",
				      csv_get(c, (size_t)best[m], csv_at(c, COL_kernel)),
				      fmt3(csv_num(c, (size_t)best[m], c50), a, sizeof(a)));
		if (spin[m] >= 0)
			o += (size_t)snprintf(text + o, sizeof(text) > o ? sizeof(text) - o : 0,
					      " (spinning instead: %s ns, a busy CPU)",
					      fmt3(csv_num(c, (size_t)spin[m], c50), b, sizeof(b)));
	}
	if (o)
		rep_sum(r, "**Fastest wake-up** (round trip): %s. Each primitive is a cell of its own: a ranking of cells "
			   "measured apart, not a verdict (the interleaved ones are in the section).", text);
}

void rep_sync(struct rep *r)
{
	static const char *const head[] = { "primitive", "mode", "memory", "placement",
					     "round trip: median ns [95% CI]" };
	struct csv c;
	struct rawset rs = { 0 };
	struct pair_cmp *x = NULL;
	char path[4300];
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
	sync_summary(r, &c, best, spin);
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

