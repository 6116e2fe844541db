/* report_copy.c: copying vs sharing a message (copy.csv): per way and size. */
#include "report_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The row of via `kernel` in row g's mode, at g's size, of metric; -1.
 * Where g names its memory kind (memcpy, shared), the row's is the same:
 * a via is compared with sharing in the same memory, not another cell's. */
static long copy_row(const struct csv *c, size_t g, const char *kernel, const char *metric)
{
	const char *shm = csv_str(c, g, COL_shm);

	for (size_t i = 0; i < c->nrow; i++)
		if (!strcmp(csv_str(c, i, COL_kernel), kernel) && !strcmp(csv_str(c, i, COL_metric), metric) &&
		    !strcmp(csv_str(c, i, COL_mode), csv_str(c, g, COL_mode)) && !csv_str(c, i, COL_arms)[0] &&
		    csv_val(c, i, COL_size_bytes) == csv_val(c, g, COL_size_bytes) &&
		    (!shm[0] || !strcmp(csv_str(c, i, COL_shm), shm)))
			return (long)i;
	return -1;
}

/* The system share a CPU-time row's note gives, or "-". */
static void sys_share(const struct csv *c, long i, char *buf, size_t len)
{
	double v;

	if (i >= 0 && sscanf(csv_str(c, (size_t)i, COL_note), "system %lf%%", &v) == 1)
		snprintf(buf, len, "%.0f%%", v);
	else
		snprintf(buf, len, "-");
}

/* Two questions apart: as fast as sharing (time per message), and what a
 * message costs the CPUs (each side's CPU time), at the largest size that
 * has CPU time, against the shared via of the same mode. */
static void rep_copy_cpu(struct rep *r, const struct csv *c)
{
	static const enum cp_col cols[] = { COL_kernel, COL_mode, COL_shm };
	static const char *const head[] = { "via", "mode", "memory", "size", "time per message", "vs shared",
					    "sender CPU / message", "receiver CPU / message", "receiver CPU vs shared",
					    "system share (sender, receiver)" };
	size_t g[64];
	int ng = rep_groups(c, "cpu_receiver", cols, 3, g, 64), c50 = csv_at(c, COL_p50);
	char fast[1200] = "", cpu[1200] = "";

	if (!ng)
		return;
	doc_p(r->d, "Copy or share is two questions. *As fast as sharing?* is the time per message; *what does it "
		    "cost the CPUs?* is each side's CPU time per message (its thread's CPU clock over each timed "
		    "sample). The sender waits for each acknowledgement spinning, so its CPU time is at least its "
		    "wait; the receiver's is what taking the message costs. Vias are cells measured apart: their "
		    "ratios carry the run's drift (Conditions).");
	doc_table(r->d, 10, head);
	for (int i = 0; i < ng; i++) {
		long big = rep_extreme(c, g[i], "cpu_receiver", cols, 3, COL_size_bytes, 1);
		long lat = copy_row(c, (size_t)big, csv_str(c, g[i], COL_kernel), "latency");
		long snd = copy_row(c, (size_t)big, csv_str(c, g[i], COL_kernel), "cpu_sender");
		long sl = copy_row(c, (size_t)big, "shared", "latency"), sr = copy_row(c, (size_t)big, "shared", "cpu_receiver");
		char cell[10][160], a[32], b[32], who[512];

		snprintf(cell[0], 160, "%s", csv_str(c, g[i], COL_kernel));
		snprintf(cell[1], 160, "%s", csv_str(c, g[i], COL_mode));
		snprintf(cell[2], 160, "%s", csv_str(c, g[i], COL_shm)[0] ? csv_str(c, g[i], COL_shm) : "-");
		rep_hsize(csv_val(c, (size_t)big, COL_size_bytes), cell[3], 160);
		snprintf(cell[4], 160, "%s", lat >= 0 ? rep_htime(csv_num(c, (size_t)lat, c50), a, sizeof(a)) : "-");
		snprintf(cell[5], 160, lat >= 0 && sl >= 0 ? "%.2fx" : "-", lat >= 0 && sl >= 0 ?
			 csv_num(c, (size_t)lat, c50) / csv_num(c, (size_t)sl, c50) : 0);
		snprintf(cell[6], 160, "%s", snd >= 0 ? rep_htime(csv_num(c, (size_t)snd, c50), a, sizeof(a)) : "-");
		rep_htime(csv_num(c, (size_t)big, c50), cell[7], 160);
		snprintf(cell[8], 160, sr >= 0 ? "%.2fx" : "-", sr >= 0 ? csv_num(c, (size_t)big, c50) /
			 csv_num(c, (size_t)sr, c50) : 0);
		sys_share(c, snd, a, sizeof(a));
		sys_share(c, big, b, sizeof(b));
		snprintf(cell[9], 160, "%s, %s", a, b);
		doc_row(r->d, 10, cell);
		/* "memcpy (thread, heap)": two cells of one via apart */
		snprintf(who, sizeof(who), "%s (%s%s%s)", cell[0], cell[1], cell[2][0] != '-' ? ", " : "",
			 cell[2][0] != '-' ? cell[2] : "");
		if (lat >= 0 && sl >= 0 && strcmp(cell[0], "shared"))
			snprintf(fast + strlen(fast), sizeof(fast) - strlen(fast), "%s%s %.2fx", fast[0] ? ", " : "",
				 who, csv_num(c, (size_t)lat, c50) / csv_num(c, (size_t)sl, c50));
		if (sr >= 0 && strcmp(cell[0], "shared"))
			snprintf(cpu + strlen(cpu), sizeof(cpu) - strlen(cpu), "%s%s %.2fx", cpu[0] ? ", " : "",
				 who, csv_num(c, (size_t)big, c50) / csv_num(c, (size_t)sr, c50));
	}
	doc_table_end(r->d);
	if (fast[0])
		rep_sum(r, "**As fast as sharing?** Time per message against shared memory at the largest size with "
			   "CPU time: %s (cells measured apart: the run's drift applies).", fast);
	if (cpu[0])
		rep_sum(r, "**What a copy costs the CPUs**: the receiver's CPU time per message against shared "
			   "memory's: %s; the sender spins on each acknowledgement, so no via here frees its CPU "
			   "(a DMA engine would: `copy --via dsa` where one is configured).", cpu);
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
	rep_copy_cpu(r, &c);
	rep_verdicts(r, &c, "Threads vs processes, latency of a message, measured as interleaved arms");
	rep_figures(r, "copy");
	rep_figures(r, "copy-latency");
	rep_figures(r, "copy-cpu");
	csv_free(&c);
}

