/* report_num.c: the report's arithmetic: number formatting (cp_fmt_num,
 * as the terminal table) and the raw samples of each result row (the
 * ratio of two medians and its interval are compare.c's). */
#include "report_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *fmt3(double v, char *buf, size_t len)
{
	return cp_fmt_num(v, buf, len);
}

int rep_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int rep_modes(const struct csv *c, size_t i)
{
	return atoi(csv_str(c, i, COL_modes));
}

char *rep_median(const struct csv *c, size_t i, char *buf, size_t len)
{
	char p50[200], w[200], *sp = NULL, *sw = NULL, a[32];
	const char *v, *u;
	size_t o;

	if (rep_modes(c, i) < 2)
		return fmt_ci(csv_num(c, i, csv_at(c, COL_p50)), csv_num(c, i, csv_at(c, COL_ci_lo)),
			      csv_num(c, i, csv_at(c, COL_ci_hi)), buf, len);
	/* several populations: their medians and shares, never one median */
	snprintf(p50, sizeof(p50), "%s", csv_str(c, i, COL_mode_p50));
	snprintf(w, sizeof(w), "%s", csv_str(c, i, COL_mode_weight));
	o = (size_t)snprintf(buf, len, "%d modes:", rep_modes(c, i));
	for (v = strtok_r(p50, ";", &sp), u = strtok_r(w, ";", &sw); v && u && o < len;
	     v = strtok_r(NULL, ";", &sp), u = strtok_r(NULL, ";", &sw))
		o += (size_t)snprintf(buf + o, len - o, " %s (%.0f%%)", fmt3(atof(v), a, sizeof(a)), 100 * atof(u));
	return buf;
}

char *fmt_ci(double v, double lo, double hi, char *buf, size_t len)
{
	char a[32], b[32], c[32];

	if (isfinite(lo) && isfinite(hi))
		snprintf(buf, len, "%s [%s, %s]", fmt3(v, a, sizeof(a)), fmt3(lo, b, sizeof(b)),
			 fmt3(hi, c, sizeof(c)));
	else
		snprintf(buf, len, "%s [no CI: < 6 samples]", fmt3(v, a, sizeof(a)));
	return buf;
}


int rawset_load(const char *path, struct rawset *rs)
{
	struct csv c;
	struct cp_err e = { 0 };
	int cv;
	size_t cap = 0;

	memset(rs, 0, sizeof(*rs));
	if (csv_read(path, &c, &e))
		return -1;
	cv = csv_col(&c, "value");
	if (cv < 0) {
		csv_free(&c);
		return -1;
	}
	for (size_t i = 0; i < c.nrow; i++) {
		char key[1024];
		double v = csv_num(&c, i, cv);
		struct rawgroup *g = NULL;

		if (!isfinite(v))
			continue;
		csv_key(&c, i, -1, key, sizeof(key));
		/* rows of one group are contiguous in the file: look at the last first */
		if (rs->n && !strcmp(rs->g[rs->n - 1].key, key))
			g = &rs->g[rs->n - 1];
		for (size_t k = 0; !g && k < rs->n; k++)
			if (!strcmp(rs->g[k].key, key))
				g = &rs->g[k];
		if (!g) {
			if (rs->n == cap) {
				cap = cap ? 2 * cap : 64;
				rs->g = cp_xrealloc(rs->g, cap * sizeof(*rs->g));
			}
			g = &rs->g[rs->n++];
			memset(g, 0, sizeof(*g));
			g->key = cp_xstrdup(key);
		}
		if (g->nv == g->cap) {
			g->cap = g->cap ? 2 * g->cap : 256;
			g->v = cp_xrealloc(g->v, g->cap * sizeof(double));
		}
		g->v[g->nv++] = v;
	}
	csv_free(&c);
	return 0;
}

void rawset_free(struct rawset *rs)
{
	for (size_t k = 0; k < rs->n; k++) {
		free(rs->g[k].key);
		free(rs->g[k].v);
	}
	free(rs->g);
	memset(rs, 0, sizeof(*rs));
}

const struct rawgroup *rawset_find(const struct rawset *rs, const struct csv *c, size_t i)
{
	char key[1024];

	csv_key(c, i, -1, key, sizeof(key));
	for (size_t k = 0; k < rs->n; k++)
		if (!strcmp(rs->g[k].key, key))
			return &rs->g[k];
	return NULL;
}
