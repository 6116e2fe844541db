/* report_contend.c: contention (contend.csv): one line hit by many agents, per
 * op and layout. */
#include "report_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rep_contend(struct rep *r)
{
	/* a cell's arms apart: an interleaved cell's thread arm is not the
	 * thread cell of another memory kind */
	static const enum cp_col cols[] = { COL_kernel, COL_layout, COL_mode, COL_shm, COL_arms };
	static const char *const head[] = { "op", "layout", "mode", "memory", "arms", "1 agent: Mops/s",
					    "most agents: Mops/s [95% CI]", "agents", "scaling" };
	enum { NCOLS = CP_ARRAY_SIZE(cols), NCELLS = CP_ARRAY_SIZE(head) };
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
	doc_table(r->d, NCELLS, head);
	ng = rep_groups(&c, metric, cols, NCOLS, g, 64);
	for (int i = 0; i < ng; i++) {
		long one = rep_extreme(&c, g[i], metric, cols, NCOLS, COL_agents, 0);
		long most = rep_extreme(&c, g[i], metric, cols, NCOLS, COL_agents, 1);
		char cell[NCELLS][160];
		double v1 = csv_num(&c, (size_t)one, c50), vn = csv_num(&c, (size_t)most, c50);

		for (int k = 0; k < NCOLS; k++)
			snprintf(cell[k], 160, "%s", csv_str(&c, g[i], cols[k])[0] ? csv_str(&c, g[i], cols[k]) : "-");
		fmt3(v1, cell[NCOLS], 160);
		rep_median(&c, (size_t)most, cell[NCOLS + 1], 160);
		snprintf(cell[NCOLS + 2], 160, "%s..%s", csv_get(&c, (size_t)one, cag), csv_get(&c, (size_t)most, cag));
		snprintf(cell[NCOLS + 3], 160, "%.2fx", vn / v1);
		doc_row(r->d, NCELLS, cell);
	}
	/* one summary line per op: every layout and mode, most agents vs one */
	for (int i = 0; i < ng; i++) {
		char line[1200] = "", most[16] = "";
		int first = 1, cke = csv_at(&c, COL_kernel);

		for (int k = 0; k < i && first; k++)
			first = strcmp(csv_get(&c, g[k], cke), csv_get(&c, g[i], cke)) != 0;
		if (!first)
			continue;
		for (int k = i; k < ng; k++) {
			long one, mo;

			if (strcmp(csv_get(&c, g[k], cke), csv_get(&c, g[i], cke)))
				continue;
			one = rep_extreme(&c, g[k], metric, cols, NCOLS, COL_agents, 0);
			mo = rep_extreme(&c, g[k], metric, cols, NCOLS, COL_agents, 1);
			snprintf(most, sizeof(most), "%s", csv_get(&c, (size_t)mo, cag));
			/* "same-line (thread, anon, arm of thread:process)": each cell named */
			snprintf(line + strlen(line), sizeof(line) - strlen(line), "%s%s (%s%s%s%s%s) %s Mops/s (%.2fx)",
				 line[0] ? ", " : "", csv_str(&c, g[k], COL_layout), csv_str(&c, g[k], COL_mode),
				 csv_str(&c, g[k], COL_shm)[0] ? ", " : "", csv_str(&c, g[k], COL_shm),
				 csv_str(&c, g[k], COL_arms)[0] ? ", arm of " : "", csv_str(&c, g[k], COL_arms),
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
