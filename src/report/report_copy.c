/* report_copy.c: copying vs sharing a message (copy.csv): per way and size. */
#include "report_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	ng = rep_groups(&c, "throughput", cols, 3, g, 64);
	for (int i = 0; i < ng; i++) {
		long big = rep_extreme(&c, g[i], "throughput", cols, 3, COL_size_bytes, 1);
		long small = rep_extreme(&c, g[i], "latency", cols, 3, COL_size_bytes, 0);
		char cell[6][160];
		double v = csv_num(&c, (size_t)big, c50);

		for (int k = 0; k < 3; k++)
			snprintf(cell[k], 160, "%s", csv_get(&c, g[i], csv_at(&c, cols[k])));
		rep_hsize(csv_num(&c, (size_t)big, csv_at(&c, COL_size_bytes)), cell[3], 160);
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
			   "GB/s): %.1fx apart.", rep_hsize(csv_num(&c, (size_t)best, csv_at(&c, COL_size_bytes)),
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

