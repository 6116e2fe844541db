/* report_pingpong.c: the report's answer to its first question, "is
 * memory shared between processes as fast as between threads?", built
 * from the verdicts of the interleaved comparisons in pingpong.csv (the
 * comparison rows of `pingpong --mode both`, metric ratio) with the A/A
 * controls' false claims beside it.  A run without comparison rows (cells
 * measured back to back) is shown but not answered: back-to-back cells
 * cannot tell a difference from the machine's drift. */
#include "report_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Comparison rows, and the arms' rows that go with each. */
struct cmp {
	size_t row;
	long arm[2];         /* the two arms' round-trip rows, -1 when absent */
};

struct cmps {
	struct cmp *ab, *aa; /* thread:process (or process:thread); A/A controls */
	int nab, naa;
	int count[4];        /* A/B verdicts: equivalent, slower, faster, inconclusive */
	int aa_claims;
};

static const char *const verdicts[] = { "equivalent", "slower", "faster", "inconclusive" };

/* The columns an arm's row shares with its comparison row. */
static const enum cp_col cell_cols[] = { COL_experiment, COL_kernel, COL_impl, COL_shm, COL_pages, COL_layout, COL_poll, COL_placement, COL_cpus, COL_size_bytes };

/* Arm idx ("1" or "2") of comparison row cmp: the round-trip row of that
 * cell whose arms column names cmp's mode. */
static long arm_row(const struct csv *c, size_t cmp, const char *idx)
{
	const char *pair = csv_str(c, cmp, COL_mode);

	for (size_t i = 0; i < c->nrow; i++) {
		size_t k;

		if (strcmp(csv_str(c, i, COL_arms), pair) || strcmp(csv_str(c, i, COL_arm), idx) ||
		    strcmp(csv_str(c, i, COL_metric), "round_trip"))
			continue;
		for (k = 0; k < CP_ARRAY_SIZE(cell_cols); k++)
			if (strcmp(csv_get(c, i, csv_at(c, cell_cols[k])), csv_get(c, cmp, csv_at(c, cell_cols[k]))))
				break;
		if (k == CP_ARRAY_SIZE(cell_cols))
			return (long)i;
	}
	return -1;
}

static int verdict_index(const char *v)
{
	for (int i = 0; i < 4; i++)
		if (!strcmp(v, verdicts[i]))
			return i;
	return -1;
}

static void collect(const struct csv *c, struct cmps *x)
{
	int cm = csv_at(c, COL_mode), cme = csv_at(c, COL_metric), cv = csv_at(c, COL_verdict);

	memset(x, 0, sizeof(*x));
	x->ab = cp_xcalloc(c->nrow + 1, sizeof(*x->ab));
	x->aa = cp_xcalloc(c->nrow + 1, sizeof(*x->aa));
	for (size_t i = 0; cv >= 0 && i < c->nrow; i++) {
		const char *mode = csv_get(c, i, cm), *colon = strchr(mode, ':');
		int v = verdict_index(csv_get(c, i, cv));
		struct cmp *y;

		if (strcmp(csv_get(c, i, cme), "ratio") || !colon || v < 0)
			continue;
		if (!strncmp(mode, colon + 1, strlen(colon + 1)) && (size_t)(colon - mode) == strlen(colon + 1)) {
			y = &x->aa[x->naa++];
			x->aa_claims += v == 1 || v == 2;
		} else {
			y = &x->ab[x->nab++];
			x->count[v]++;
		}
		y->row = i;
		y->arm[0] = arm_row(c, i, "1");
		y->arm[1] = arm_row(c, i, "2");
	}
}

static void arm_cell(const struct csv *c, long row, char *cell)
{
	if (row < 0)
		snprintf(cell, 160, "n/a");
	else
		rep_median(c, (size_t)row, cell, 160);
}

static void cmp_table(struct rep *r, const struct csv *c, const struct cmp *v, int n, int aa)
{
	static const char *const head[] = { "placement", "op", "CPUs", "memory", "arms",
					    "arm 1: median ns [95% CI]", "arm 2: median ns [95% CI]",
					    "arm 2 / arm 1 [95% CI]", "verdict (margin, block pairs)" };

	doc_table(r->d, 9, head);
	for (int i = 0; i < n; i++) {
		size_t k = v[i].row;
		char cell[9][160];

		snprintf(cell[0], 160, "%s", csv_get(c, k, csv_at(c, COL_placement)));
		snprintf(cell[1], 160, "%s", csv_get(c, k, csv_at(c, COL_kernel)));
		snprintf(cell[2], 160, "%s", csv_get(c, k, csv_at(c, COL_cpus)));
		snprintf(cell[3], 160, "%s", csv_get(c, k, csv_at(c, COL_shm)));
		snprintf(cell[4], 160, "%s%s", csv_get(c, k, csv_at(c, COL_mode)), aa ? " (A/A)" : "");
		arm_cell(c, v[i].arm[0], cell[5]);
		arm_cell(c, v[i].arm[1], cell[6]);
		snprintf(cell[7], 160, "%.3f [%.3f, %.3f]", csv_num(c, k, csv_at(c, COL_p50)),
			 csv_num(c, k, csv_at(c, COL_ci_lo)), csv_num(c, k, csv_at(c, COL_ci_hi)));
		snprintf(cell[8], 160, "%s (%s%%, %s)", csv_get(c, k, csv_at(c, COL_verdict)),
			 csv_get(c, k, csv_at(c, COL_margin)), csv_get(c, k, csv_at(c, COL_blocks)));
		doc_row(r->d, 9, cell);
	}
	doc_table_end(r->d);
}

/* The A/B comparison farthest from 1 among those of verdict v (-1: any). */
static int farthest(const struct csv *c, const struct cmps *x, int v)
{
	int best = -1, cv = csv_at(c, COL_verdict);
	double d = -1;

	for (int i = 0; i < x->nab; i++) {
		double q = fabs(log(csv_num(c, x->ab[i].row, csv_at(c, COL_p50))));

		if ((v < 0 || verdict_index(csv_get(c, x->ab[i].row, cv)) == v) && q > d) {
			d = q;
			best = i;
		}
	}
	return best;
}

static void headline(struct rep *r, const struct csv *c, const struct cmps *x)
{
	int w = farthest(c, x, x->count[1] ? 1 : x->count[2] ? 2 : -1);
	size_t k = x->ab[w].row;
	const char *margin = csv_get(c, k, csv_at(c, COL_margin));
	char aa[300], answer[200];

	if (x->count[0] == x->nab)
		snprintf(answer, sizeof(answer), "Yes: equivalent within %s%% in every comparison", margin);
	else if (x->count[1])
		snprintf(answer, sizeof(answer), "No, not everywhere: processes slower by more than the margin in %d "
			 "of %d comparisons", x->count[1], x->nab);
	else if (x->count[2])
		snprintf(answer, sizeof(answer), "Yes, at least as fast: processes are nowhere slower, faster in %d",
			 x->count[2]);
	else
		snprintf(answer, sizeof(answer), "Inconclusive on this machine for %d of %d comparisons, the others "
			 "equivalent within %s%%", x->count[3], x->nab, margin);
	if (x->naa) {
		snprintf(aa, sizeof(aa), "A/A controls (two identical arms): %d of %d claimed a difference, the "
			 "method's false positives on this machine (%d of %d over every experiment's controls)",
			 x->aa_claims, x->naa, r->aa_claims, r->aa_n);
	} else {
		snprintf(aa, sizeof(aa), "no A/A control was run, so the method's false-positive rate here is unknown");
	}
	rep_sum(r, "**Is memory shared between processes as fast as between threads?** %s. Of %d comparisons "
		   "(placement x op x memory kind, thread and process arms measured interleaved): %d equivalent, "
		   "%d slower, %d faster, %d inconclusive; %s. Farthest from 1: %s at %s (%s, %s memory): "
		   "process / thread %.3f [%.3f, %.3f], %s.",
		   answer, x->nab, x->count[0], x->count[1], x->count[2], x->count[3], aa,
		   csv_get(c, k, csv_at(c, COL_kernel)), csv_get(c, k, csv_at(c, COL_placement)),
		   csv_get(c, k, csv_at(c, COL_cpus)), csv_get(c, k, csv_at(c, COL_shm)),
		   csv_num(c, k, csv_at(c, COL_p50)), csv_num(c, k, csv_at(c, COL_ci_lo)),
		   csv_num(c, k, csv_at(c, COL_ci_hi)), csv_get(c, k, csv_at(c, COL_verdict)));
}

/* Cells measured back to back (thread, then process): their ratios are
 * shown, not judged. */
static void back_to_back(struct rep *r, const struct csv *c)
{
	struct rawset rs = { 0 };
	struct pair_cmp *x = NULL;
	static const char *const head[] = { "placement", "op", "CPUs", "memory: threads / processes",
					    "threads: median ns [95% CI]", "processes: median ns [95% CI]",
					    "process / thread [95% CI]" };
	char path[4300];
	int n;

	snprintf(path, sizeof(path), "%s/raw/pingpong.csv", r->dir);
	rawset_load(path, &rs);
	n = compare_modes(c, &rs, "round_trip", &x);
	if (n) {
		doc_p(r->d, "Cells measured back to back (thread, then process): the ratio of their medians, with a "
			    "bootstrap interval of the raw samples where they were kept. The machine drifts between "
			    "two cells, so these ratios are not verdicts.");
		doc_table(r->d, 7, head);
		for (int i = 0; i < n; i++) {
			char cell[7][160];

			snprintf(cell[0], 160, "%s", csv_get(c, x[i].p, csv_at(c, COL_placement)));
			snprintf(cell[1], 160, "%s", csv_get(c, x[i].p, csv_at(c, COL_kernel)));
			snprintf(cell[2], 160, "%s", csv_get(c, x[i].p, csv_at(c, COL_cpus)));
			snprintf(cell[3], 160, "%s / %s", csv_get(c, x[i].t, csv_at(c, COL_shm)),
				 csv_get(c, x[i].p, csv_at(c, COL_shm)));
			arm_cell(c, (long)x[i].t, cell[4]);
			arm_cell(c, (long)x[i].p, cell[5]);
			snprintf(cell[6], 160, "%.3f [%.3f, %.3f]", x[i].q.r, x[i].q.lo, x[i].q.hi);
			doc_row(r->d, 7, cell);
		}
		doc_table_end(r->d);
	}
	free(x);
	rawset_free(&rs);
}

/* The nearest class's thread round trip (cas if measured): the yardstick
 * of later sections. */
static void yardstick(struct rep *r, const struct csv *c)
{
	int cm = csv_at(c, COL_mode), cme = csv_at(c, COL_metric), cke = csv_at(c, COL_kernel);

	r->rt_ns = NAN;
	for (int pass = 0; pass < 2 && !isfinite(r->rt_ns); pass++)
		for (size_t i = 0; i < c->nrow && !isfinite(r->rt_ns); i++) {
			if (strcmp(csv_get(c, i, cm), "thread") || strcmp(csv_get(c, i, cme), "round_trip") ||
			    (!pass && strcmp(csv_get(c, i, cke), "cas")) ||
			    cmp_control_arm(csv_str(c, i, COL_arms), csv_str(c, i, COL_arm)))
				continue;
			r->rt_ns = csv_num(c, i, csv_at(c, COL_p50));
			r->rt_epoch = rep_epoch_of_row(&r->drift, "pingpong.csv", csv_file_row(c, i));
			snprintf(r->rt_what, sizeof(r->rt_what), "%s round trip at %s", csv_get(c, i, cke),
				 csv_get(c, i, csv_at(c, COL_placement)));
		}
}

void rep_pingpong(struct rep *r)
{
	struct csv c;
	struct cmps x;

	r->rt_ns = NAN;
	if (rep_load_controls(r, "pingpong.csv", &c))
		return;
	collect(&c, &x);
	doc_h(r->d, 2, "Threads vs processes: the round trip of one cache line");
	doc_p(r->d, "Two agents pass a token through one cache line, pinned to two CPUs of a placement class. "
		    "In a comparison (pingpong --mode both) agent A is one thread throughout and its partner, on "
		    "the same CPU and the same line, is either a thread of A's process (arm 1) or a process "
		    "sharing the mapping (arm 2): only the partner's address space differs. The arms run in "
		    "alternating blocks of samples in ABBA order while the other arm's partner sleeps. Per block "
		    "pair the ratio of the two blocks' medians; the estimate is the median of those ratios and "
		    "its 95%% interval comes from their order statistics, so it carries the machine's drift "
		    "between blocks. The verdict: equivalent when the interval lies within the margin, slower or "
		    "faster when it excludes 1 and the estimate lies outside the margin, else inconclusive. A/A "
		    "controls run the same design with two identical arms: every difference they claim is a "
		    "false positive of the method on this machine.");
	if (x.nab) {
		cmp_table(r, &c, x.ab, x.nab, 0);
		headline(r, &c, &x);
	} else {
		rep_sum(r, "**Is memory shared between processes as fast as between threads?** Not answered: this "
			   "run has no interleaved comparison (pingpong --mode both), and cells measured back to back "
			   "cannot tell a difference from the machine's drift between them.");
	}
	if (x.naa) {
		doc_p(r->d, "A/A controls: %d of %d claimed a difference.", x.aa_claims, x.naa);
		cmp_table(r, &c, x.aa, x.naa, 1);
	}
	if (!x.nab)
		back_to_back(r, &c);
	yardstick(r, &c);
	rep_figures(r, "pingpong");
	rep_figures(r, "pingpong-cdf");
	rep_karms(r, "pingpong.csv");
	rep_figures(r, "pingpong-forest");
	free(x.ab);
	free(x.aa);
	csv_free(&c);
}
