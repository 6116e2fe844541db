/* report_groups.c: what the sections of the costs around sharing (setup,
 * sync, copy, contend) share: rows grouped by the columns that name a
 * cell, a group's extreme row, times and sizes as people read them. */
#include "report_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int rep_same_in(const struct csv *c, size_t a, size_t b, const enum cp_col *cols, int n)
{
	for (int k = 0; k < n; k++) {
		int j = csv_at(c, cols[k]);

		if (strcmp(csv_get(c, a, j), csv_get(c, b, j)))
			return 0;
	}
	return 1;
}

/* First rows of the distinct combinations of cols among rows of metric. */
int rep_groups(const struct csv *c, const char *metric, const enum cp_col *cols, int n,
		  size_t *first, int max)
{
	int cm = csv_at(c, COL_metric), ng = 0;

	for (size_t i = 0; i < c->nrow && ng < max; i++) {
		int dup = 0;

		if (strcmp(csv_get(c, i, cm), metric))
			continue;
		for (int g = 0; g < ng && !dup; g++)
			dup = rep_same_in(c, first[g], i, cols, n);
		if (!dup)
			first[ng++] = i;
	}
	return ng;
}

/* The row of the group of g with metric and the largest (or smallest)
 * value of column col; -1 if none. */
long rep_extreme(const struct csv *c, size_t g, const char *metric, const enum cp_col *cols,
		    int n, enum cp_col col, int largest)
{
	int cm = csv_at(c, COL_metric), cx = csv_at(c, col);
	long best = -1;

	for (size_t i = 0; i < c->nrow; i++) {
		double x;

		if (strcmp(csv_get(c, i, cm), metric) || !rep_same_in(c, g, i, cols, n))
			continue;
		x = csv_num(c, i, cx);
		if (best < 0 || (largest ? x > csv_num(c, (size_t)best, cx) : x < csv_num(c, (size_t)best, cx)))
			best = (long)i;
	}
	return best;
}

/* 65.5 ms, 134 µs, 250 ns */
const char *rep_htime(double ns, char *buf, size_t len)
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

const char *rep_hsize(double b, char *buf, size_t len)
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
