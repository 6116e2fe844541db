/* report_coherence.c: the report's section on coherence states: a table op
 * x state x holder (median and CI in ns and cycles, the counters per
 * operation), each figure against the same op on the measuring CPU's own
 * Modified line, and the summary's sentence for the farthest holder. */
#include "report_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "result.h"

/* A latency row (not the comparison row of interleaved arms). */
static int latency_row(const struct csv *c, size_t i)
{
	return !strcmp(csv_get(c, i, csv_at(c, COL_metric)), "op_latency");
}

/* The row of the same op, mode and pair on the measuring CPU's own M line. */
static long self_row(const struct csv *c, size_t i)
{
	static const enum cp_col same[] = { COL_kernel, COL_impl, COL_mode, COL_shm, COL_pages, COL_cpus, COL_metric };
	int st = csv_at(c, COL_state), ho = csv_at(c, COL_holder);

	for (size_t j = 0; j < c->nrow; j++) {
		int ok = !strcmp(csv_get(c, j, st), "M") && !strcmp(csv_get(c, j, ho), "self");

		for (size_t k = 0; ok && k < CP_ARRAY_SIZE(same); k++)
			ok = !strcmp(csv_get(c, i, csv_at(c, same[k])), csv_get(c, j, csv_at(c, same[k])));
		if (ok)
			return (long)j;
	}
	return -1;
}

/* The counter columns (after the schema's) with a value: "name=v, ...". */
static void counters_cell(const struct csv *c, size_t i, char *buf, size_t len)
{
	size_t off = 0;
	int first = csv_at(c, COL_note) + 1;

	buf[0] = 0;
	for (size_t j = (size_t)(first > 0 ? first : (int)c->ncol); j < c->ncol && off < len; j++) {
		const char *v = csv_get(c, i, (int)j);

		if (v[0])
			off += (size_t)snprintf(buf + off, len - off, "%s%s=%.3g", off ? ", " : "", c->col[j],
						atof(v));
	}
	if (!buf[0])
		snprintf(buf, len, first > 0 && (size_t)first < c->ncol ? "n/a" : "none counted");
}

/* The summary: a CAS (else any op) on a line Modified elsewhere, the
 * largest multiple of the same op on the own line. */
static void headline(struct rep *r, const struct csv *c, int c50)
{
	long best = -1, base = -1;
	double most = 0;
	int cas = 0;

	for (size_t i = 0; i < c->nrow; i++)
		cas |= !strcmp(csv_get(c, i, csv_at(c, COL_kernel)), "cas");
	for (size_t i = 0; i < c->nrow; i++) {
		long s = self_row(c, i);
		const char *ho = csv_get(c, i, csv_at(c, COL_holder));
		double q;

		if (s < 0 || !latency_row(c, i) || strcmp(csv_get(c, i, csv_at(c, COL_state)), "M") || !strcmp(ho, "self") ||
		    (cas && strcmp(csv_get(c, i, csv_at(c, COL_kernel)), "cas")))
			continue;
		q = csv_num(c, i, c50) / csv_num(c, (size_t)s, c50);
		if (isfinite(q) && q > most) {
			most = q;
			best = (long)i;
			base = s;
		}
	}
	if (best >= 0) {
		char a[32], b[32];

		rep_sum(r, "**Coherence**: a %s on a line Modified in a CPU at %s costs %s ns, %.1f times "
			   "the same %s on a line Modified in the measuring CPU's own cache (%s ns; mode %s).",
			csv_get(c, (size_t)best, csv_at(c, COL_kernel)), csv_get(c, (size_t)best, csv_at(c, COL_holder)),
			fmt3(csv_num(c, (size_t)best, c50), a, sizeof(a)), most,
			csv_get(c, (size_t)best, csv_at(c, COL_kernel)), fmt3(csv_num(c, (size_t)base, c50), b, sizeof(b)),
			csv_get(c, (size_t)best, csv_at(c, COL_mode)));
	}
}

void rep_coherence(struct rep *r)
{
	static const char *const head[] = { "op", "state", "held by", "mode", "median ns [95% CI]", "cycles",
					    "x own M line", "counters per op" };
	static const enum cp_col cols[] = { COL_kernel, COL_state, COL_holder, COL_mode };
	struct csv c;
	int c50, ccy;

	if (rep_load(r, "coherence.csv", &c))
		return;
	c50 = csv_at(&c, COL_p50);
	ccy = csv_at(&c, COL_p50_cycles);
	doc_h(r->d, 2, "Coherence states");
	doc_p(r->d, "One operation on each of 256 lines that another CPU has just left Modified (it wrote "
		    "them), Exclusive (it read them alone after a flush), Shared (it and a third CPU read "
		    "them) or Invalid (flushed to memory); \"self\" is the measuring CPU's own line, in its "
		    "L1. Loads chase a pointer through the lines (one latency each); every other op's "
		    "address depends on the previous op's result and, on x86, an lfence follows it (a "
		    "store also an mfence), so each is one latency too. The lines are visited in a random "
		    "order, prepared afresh before every sample, the preparation untimed (ccbench's method, "
		    "David et al., SOSP'13).");
	doc_table(r->d, 8, head);
	for (size_t i = 0; i < c.nrow; i++) {
		char cell[8][160];
		long s = self_row(&c, i);

		if (!latency_row(&c, i))
			continue;
		for (int k = 0; k < 4; k++)
			snprintf(cell[k], 160, "%s", csv_get(&c, i, csv_at(&c, cols[k])));
		rep_median(&c, i, cell[4], 160);
		if (ccy >= 0 && csv_get(&c, i, ccy)[0])
			fmt3(csv_num(&c, i, ccy), cell[5], 160);
		else
			snprintf(cell[5], 160, "n/a");
		if (s >= 0)
			snprintf(cell[6], 160, "%.2f", csv_num(&c, i, c50) / csv_num(&c, (size_t)s, c50));
		else
			snprintf(cell[6], 160, "n/a");
		counters_cell(&c, i, cell[7], 160);
		doc_row(r->d, 8, cell);
	}
	doc_table_end(r->d);
	rep_verdicts(r, &c, "Threads vs processes, per op, state and holder, measured as interleaved arms");
	headline(r, &c, c50);
	rep_figures(r, "coherence");
	csv_free(&c);
}
