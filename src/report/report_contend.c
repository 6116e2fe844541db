/* report_contend.c: contention (contend.csv): one line hit by many agents, per
 * op and layout. */
#include "report_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	ng = rep_groups(&c, metric, cols, 4, g, 64);
	for (int i = 0; i < ng; i++) {
		long one = rep_extreme(&c, g[i], metric, cols, 4, COL_agents, 0);
		long most = rep_extreme(&c, g[i], metric, cols, 4, COL_agents, 1);
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
			one = rep_extreme(&c, g[k], metric, cols, 4, COL_agents, 0);
			mo = rep_extreme(&c, g[k], metric, cols, 4, COL_agents, 1);
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
