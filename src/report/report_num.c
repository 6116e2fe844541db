/* report_num.c: the report's arithmetic: number formatting, the raw
 * samples of each result row, and the confidence interval of a ratio of
 * two medians by bootstrap (resampling both sides' raw samples): the
 * intervals of the two medians alone do not give one for their ratio. */
#include "report_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BOOT_B 2000

char *fmt3(double v, char *buf, size_t len)
{
	double a = fabs(v);

	if (!isfinite(v))
		snprintf(buf, len, "n/a");
	else if (a >= 1000)
		snprintf(buf, len, "%.0f", v);
	else if (a >= 100)
		snprintf(buf, len, "%.0f", v);
	else if (a >= 10)
		snprintf(buf, len, "%.1f", v);
	else if (a >= 1)
		snprintf(buf, len, "%.2f", v);
	else
		snprintf(buf, len, "%.3g", v);
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

/* xorshift64*: a fixed seed, so one data set always gives one report. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

static void swap(double *a, double *b)
{
	double t = *a;

	*a = *b;
	*b = t;
}

/* k-th smallest of v[0..n-1] (reorders v): Hoare's selection. */
static double select_k(double *v, size_t n, size_t k)
{
	long lo = 0, hi = (long)n - 1, kk = (long)k;

	while (lo < hi) {
		double p = v[lo + (hi - lo) / 2];
		long i = lo - 1, j = hi + 1;

		for (;;) {
			do
				i++;
			while (v[i] < p);
			do
				j--;
			while (v[j] > p);
			if (i >= j)
				break;
			swap(&v[i], &v[j]);
		}
		/* v[lo..j] <= p <= v[j+1..hi] */
		if (kk <= j)
			hi = j;
		else
			lo = j + 1;
	}
	return v[kk];
}

/* Median as stats.c defines it (R-7: mean of the middle two for even n). */
static double median(double *v, size_t n)
{
	double a = select_k(v, n, (n - 1) / 2), b;

	if (n % 2)
		return a;
	b = select_k(v, n, n / 2);
	return (a + b) / 2;
}

static double resampled_median(const double *src, size_t n, double *tmp, uint64_t *s)
{
	for (size_t i = 0; i < n; i++)
		tmp[i] = src[rnd(s) % n];
	return median(tmp, n);
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int ratio_boot(const double *a, size_t na, const double *b, size_t nb, struct ratio *out)
{
	double *tmp, *r;
	uint64_t s = 0x9E3779B97F4A7C15ull;

	out->r = out->lo = out->hi = NAN;
	if (na < 6 || nb < 6)
		return -1;
	tmp = cp_xcalloc(na > nb ? na : nb, sizeof(double));
	r = cp_xcalloc(BOOT_B, sizeof(double));
	memcpy(tmp, a, na * sizeof(double));
	out->r = median(tmp, na);
	memcpy(tmp, b, nb * sizeof(double));
	out->r /= median(tmp, nb);
	for (int k = 0; k < BOOT_B; k++) {
		double ma = resampled_median(a, na, tmp, &s);
		double mb = resampled_median(b, nb, tmp, &s);

		r[k] = ma / mb;
	}
	qsort(r, BOOT_B, sizeof(double), cmp_d);
	out->lo = r[(size_t)(0.025 * (BOOT_B - 1))];
	out->hi = r[(size_t)ceil(0.975 * (BOOT_B - 1))];
	free(tmp);
	free(r);
	return 0;
}

/* The raw file's columns that identify a result row. */
static const char *const rawkey[] = { "experiment", "kernel", "impl", "mode", "shm", "pages",
				      "layout", "poll", "state", "holder", "placement", "cpus", "size_bytes",
				      "agents", "metric" };

static void key_of(const struct csv *c, size_t i, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = 0;
	for (size_t k = 0; k < CP_ARRAY_SIZE(rawkey) && o < len; k++)
		o += (size_t)snprintf(buf + o, len - o, "%s\x1f", csv_get(c, i, csv_col(c, rawkey[k])));
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
		key_of(&c, i, key, sizeof(key));
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

	key_of(c, i, key, sizeof(key));
	for (size_t k = 0; k < rs->n; k++)
		if (!strcmp(rs->g[k].key, key))
			return &rs->g[k];
	return NULL;
}
