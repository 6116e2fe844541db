/* compare.c: a process row against its thread twin (compare.h). */
#include "compare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csvread.h"

#define BOOT_B 2000

int cmp_twins(const char *const *proc, const char *const *thr)
{
	if (strcmp(proc[COL_mode], "process") || strcmp(thr[COL_mode], "thread"))
		return 0;
	for (int k = 0; k < COL_COUNT; k++)
		if (k != COL_mode && schema_col_key((enum cp_col)k) && strcmp(proc[k], thr[k]))
			return 0;
	return 1;
}

int cmp_is_aa(const char *pair)
{
	const char *eq = strchr(pair, '='), *v = eq ? eq + 1 : pair, *colon = strchr(v, ':');
	size_t n = colon ? (size_t)(colon - v) : 0;

	if (!colon)
		return 0;
	for (const char *p = v;;) {
		const char *c = strchr(p, ':');
		size_t len = c ? (size_t)(c - p) : strlen(p);

		if (len != n || strncmp(p, v, n))
			return 0;
		if (!c)
			return 1;
		p = c + 1;
	}
}

int cmp_row_aa(const char *mode, const char *arms)
{
	return strchr(mode, ':') ? cmp_is_aa(mode) : strchr(arms, '=') && cmp_is_aa(arms);
}

int cmp_control_arm(const char *arms, const char *arm)
{
	/* a k-arm design's comparison rows say "REF:X" in arm: they stay */
	return arm && arm[0] && !strchr(arm, ':') && cmp_is_aa(arms);
}

void cmp_drop_control_arms(struct csv *c)
{
	size_t n = 0;

	for (size_t i = 0; i < c->nrow; i++)
		if (!cmp_control_arm(csv_str(c, i, COL_arms), csv_str(c, i, COL_arm))) {
			c->row[n] = c->row[i];
			c->line[n++] = c->line[i];
		} else {
			free(c->row[i]); /* csv_free frees the first nrow only */
		}
	c->nrow = n;
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

int cmp_ratio_boot(const double *a, size_t na, const double *b, size_t nb, struct cmp_ratio *out)
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

void cmp_ratio(const struct cmp_side *p, const struct cmp_side *t, struct cmp_ratio *out)
{
	if (!cmp_ratio_boot(p->v, p->n, t->v, t->n, out)) {
		out->boot = 1;
		return;
	}
	/* both 95% intervals at their far ends: at least 90% coverage */
	out->boot = 0;
	out->r = p->p50 / t->p50;
	out->lo = p->lo / t->hi;
	out->hi = p->hi / t->lo;
}
