/* report_karms.c: the designs of k arms over one key (a list on --shm,
 * --pages, ...: arms "shm=heap:anon:sysv"), each arm measured interleaved
 * with the others in one cell and compared with the baseline.  Their
 * verdicts answer "which memory kind, which page size"; numbers of
 * separate cells are not used for it.  A design of identical arms
 * ("shm=anon:anon:anon:anon") is the A/A control of the method. */
#include "report_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"

/* One design: its comparison rows (arm x against the baseline). */
struct design {
	size_t row[16];      /* comparison rows, in file order */
	int n;
	int aa;              /* identical arms */
};

/* Whether comparison rows i and j belong to one design (one cell). */
static int same_design(const struct csv *c, size_t i, size_t j)
{
	static const enum cp_col cols[] = { COL_experiment, COL_kernel, COL_mode, COL_arms, COL_placement,
					    COL_cpus, COL_size_bytes };

	for (size_t k = 0; k < CP_ARRAY_SIZE(cols); k++)
		if (strcmp(csv_str(c, i, cols[k]), csv_str(c, j, cols[k])))
			return 0;
	return 1;
}

static int is_karm_cmp(const struct csv *c, size_t i)
{
	return !strcmp(csv_str(c, i, COL_metric), "ratio") && csv_str(c, i, COL_verdict)[0] &&
	       strchr(csv_str(c, i, COL_arms), '=');
}

static int collect(const struct csv *c, struct design *d, int max)
{
	int n = 0;

	for (size_t i = 0; i < c->nrow; i++) {
		int k;

		if (!is_karm_cmp(c, i))
			continue;
		for (k = 0; k < n && !same_design(c, d[k].row[0], i); k++)
			;
		if (k == n) {
			if (n == max)
				continue;
			memset(&d[n], 0, sizeof(d[n]));
			d[n].aa = cmp_is_aa(csv_str(c, i, COL_arms));
			n++;
		}
		if (d[k].n < (int)CP_ARRAY_SIZE(d[k].row))
			d[k].row[d[k].n++] = i;
	}
	return n;
}

/* The key of row i's design ("shm") and its "A:B" ("heap:anon"). */
static void key_pair(const struct csv *c, size_t i, char *key, size_t klen, const char **pair)
{
	const char *arms = csv_str(c, i, COL_arms), *eq = strchr(arms, '=');
	int col = schema_cmp_col(csv_str(c, i, COL_mode), arms);

	snprintf(key, klen, "%.*s", eq ? (int)(eq - arms) : 0, arms);
	*pair = col >= 0 ? csv_str(c, i, (enum cp_col)col) : "?:?";
}

/* The row of arm idx of comparison row i's design (-1: not found). */
static long arm_row(const struct csv *c, size_t i, const char *idx)
{
	static const enum cp_col cols[] = { COL_experiment, COL_kernel, COL_mode, COL_arms, COL_placement, COL_cpus };

	for (size_t j = 0; j < c->nrow; j++) {
		size_t k;

		if (strcmp(csv_str(c, j, COL_arm), idx) || !strcmp(csv_str(c, j, COL_metric), "ratio"))
			continue;
		for (k = 0; k < CP_ARRAY_SIZE(cols); k++)
			if (strcmp(csv_str(c, j, cols[k]), csv_str(c, i, cols[k])))
				break;
		if (k == CP_ARRAY_SIZE(cols))
			return (long)j;
	}
	return -1;
}

static void design_table(struct rep *r, const struct csv *c, const struct design *d, int nd)
{
	static const char *const head[] = { "placement, op, mode", "arms", "B / A", "B: median [95% CI]",
					    "ratio [interval]", "interval at", "verdict (margin, rounds)" };

	doc_table(r->d, 7, head);
	for (int k = 0; k < nd; k++)
		for (int j = 0; j < d[k].n; j++) {
			size_t i = d[k].row[j];
			char cell[7][160], key[32];
			const char *pair, *colon, *x = strchr(csv_str(c, i, COL_arm), ':');
			long b = x ? arm_row(c, i, x + 1) : -1;

			key_pair(c, i, key, sizeof(key), &pair);
			colon = strchr(pair, ':');
			snprintf(cell[0], 160, "%s, %s, %s", csv_str(c, i, COL_placement), csv_str(c, i, COL_kernel),
				 csv_str(c, i, COL_mode));
			snprintf(cell[1], 160, "%s%s", csv_str(c, i, COL_arms), d[k].aa ? " (A/A)" : "");
			snprintf(cell[2], 160, "%s / %.*s", colon ? colon + 1 : pair, colon ? (int)(colon - pair) : 0,
				 pair);
			if (b >= 0)
				snprintf(cell[3] + strlen(rep_median(c, (size_t)b, cell[3], 140)), 20, " %s",
					 csv_str(c, (size_t)b, COL_unit));
			else
				snprintf(cell[3], 160, "n/a");
			fmt_ci(csv_num(c, i, csv_at(c, COL_p50)), csv_num(c, i, csv_at(c, COL_ci_lo)),
			       csv_num(c, i, csv_at(c, COL_ci_hi)), cell[4], 160);
			snprintf(cell[5], 160, "%s%%", csv_str(c, i, COL_ci_level));
			snprintf(cell[6], 160, "%s (%s%%, %s)", csv_str(c, i, COL_verdict), csv_str(c, i, COL_margin),
				 csv_str(c, i, COL_blocks));
			doc_row(r->d, 7, cell);
		}
	doc_table_end(r->d);
}

/* "anon, sysv equivalent to heap within 5%; memfd slower 1.08 [1.05,
 * 1.11]; posix inconclusive": design k's verdicts in one clause. */
static void design_clause(const struct csv *c, const struct design *d, char *buf, size_t len)
{
	static const char *const order[] = { "equivalent", "slower", "faster", "inconclusive" };
	size_t o = 0;
	char key[32], base[64] = "";
	const char *pair;

	key_pair(c, d->row[0], key, sizeof(key), &pair);
	snprintf(base, sizeof(base), "%.*s", (int)strcspn(pair, ":"), pair);
	buf[0] = 0;
	for (size_t v = 0; v < CP_ARRAY_SIZE(order); v++) {
		int first = 1;

		for (int j = 0; j < d->n; j++) {
			size_t i = d->row[j];
			const char *b;

			if (strcmp(csv_str(c, i, COL_verdict), order[v]))
				continue;
			key_pair(c, i, key, sizeof(key), &pair);
			b = strchr(pair, ':');
			b = b ? b + 1 : pair;
			if (v == 0)
				o += (size_t)snprintf(buf + o, len > o ? len - o : 0, "%s%s", first ? (o ? "; " : "") : ", ",
						      b);
			else
				o += (size_t)snprintf(buf + o, len > o ? len - o : 0, "%s%s %s %.3f [%.3f, %.3f]",
						      first ? (o ? "; " : "") : ", ", b, order[v],
						      csv_num(c, i, csv_at(c, COL_p50)), csv_num(c, i, csv_at(c, COL_ci_lo)),
						      csv_num(c, i, csv_at(c, COL_ci_hi)));
			first = 0;
		}
		if (!first && v == 0)
			o += (size_t)snprintf(buf + o, len > o ? len - o : 0, " equivalent to %s within %s%%", base,
					      csv_str(c, d->row[0], COL_margin));
	}
}

/* The summary's answer for one key ("shm": which memory kind). */
static void answer(struct rep *r, const struct csv *c, const struct design *d, int nd, const char *want,
		   const char *question, const char *absent)
{
	char text[600] = "", clause[400];
	const char *modes[8];
	size_t o = 0;
	int shown = 0, more = 0, seen;

	for (int k = 0; k < nd; k++) {
		char key[32];
		const char *pair;

		key_pair(c, d[k].row[0], key, sizeof(key), &pair);
		if (d[k].aa || strcmp(key, want))
			continue;
		/* one design per mode in the summary (the first, nearest class); the section has all */
		for (seen = 0; seen < shown && strcmp(modes[seen], csv_str(c, d[k].row[0], COL_mode)); seen++)
			;
		if (seen < shown || shown == (int)CP_ARRAY_SIZE(modes)) {
			more++;
			continue;
		}
		modes[shown] = csv_str(c, d[k].row[0], COL_mode);
		design_clause(c, &d[k], clause, sizeof(clause));
		o += (size_t)snprintf(text + o, sizeof(text) > o ? sizeof(text) - o : 0, "%s%s %s at %s: %s",
				      shown ? ". " : "", csv_str(c, d[k].row[0], COL_mode), csv_str(c, d[k].row[0], COL_kernel),
				      csv_str(c, d[k].row[0], COL_placement), clause);
		shown++;
	}
	if (!shown)
		rep_sum(r, "**%s** Not answered in this run: %s", question, absent);
	else
		rep_sum(r, "**%s** %s (arms measured interleaved in one cell, each against the first; intervals "
			   "held together at 95%%)%s.", question, text,
			more ? "; the other placement classes in the section" : "");
}

void rep_karms(struct rep *r, const char *csvname)
{
	struct design d[32];
	struct csv c;
	int nd, naa = 0, claims = 0, ncmp = 0;

	if (rep_load_controls(r, csvname, &c))
		return;
	nd = collect(&c, d, (int)CP_ARRAY_SIZE(d));
	if (!nd) {
		csv_free(&c);
		return;
	}
	for (int k = 0; k < nd; k++)
		for (int j = 0; d[k].aa && j < d[k].n; j++) {
			const char *v = csv_str(&c, d[k].row[j], COL_verdict);

			ncmp++;
			claims += !strcmp(v, "slower") || !strcmp(v, "faster");
			naa += j == 0;
		}
	doc_h(r->d, 3, "Which memory kind, which page size: k arms in one cell");
	doc_p(r->d, "Each design measures the values of one key (memory kinds, page kinds) as arms of one cell: a "
		    "round is one block of %s samples of every arm, in the order of a row of a Williams square, so that "
		    "every arm takes every place in a round and follows every other arm equally often; each block "
		    "runs on a fresh mapping of its kind. Every arm is compared with the first (the baseline) by the "
		    "median of the rounds' block ratios; with k arms each of the k-1 intervals is at 100 - 5/(k-1)%% "
		    "(Bonferroni), so that all of them hold together at 95%%. A design of identical arms is the "
		    "method's A/A control.", "10");
	design_table(r, &c, d, nd);
	answer(r, &c, d, nd, "shm", "Which memory kind?",
	       "no design over memory kinds (pingpong --shm heap,anon,sysv,...) was measured");
	answer(r, &c, d, nd, "pages", "Which page size?",
	       "no design over page kinds was measured (this machine gives a thread's heap one page kind only, "
	       "or the budget left it out)");
	if (naa)
		doc_p(r->d, "A/A designs (identical arms): %d of %d comparisons claimed a difference.", claims, ncmp);
	csv_free(&c);
}
