/* drift.c: epochs of a run from its sentinel (drift.h). */
#include "drift.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cp.h"

static double rel_half(const struct drift_pt *p)
{
	return p->v > 0 && p->hi >= p->lo ? (p->hi - p->lo) / (2 * p->v) : 0;
}

double drift_band_pct(const struct drift_pt *a, const struct drift_pt *b)
{
	double d = a->v > 0 && b->v > 0 ? fabs(b->v / a->v - 1) : 0;

	return fmax(DRIFT_BAND_MIN_PCT, 100 * DRIFT_AA_FACTOR * (d + (rel_half(a) + rel_half(b)) / 2));
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of v[0..n), n > 0, from a copy. */
static double median(const double *v, int n)
{
	double *t = cp_xcalloc((size_t)n, sizeof(double)), m;

	memcpy(t, v, (size_t)n * sizeof(double));
	qsort(t, (size_t)n, sizeof(*t), cmp_double);
	m = n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
	free(t);
	return m;
}

/* The band in effect, as a log ratio: the A/A band, or DRIFT_AA_FACTOR
 * robust sigmas of the jitter seen so far (dev: |log v - log ref| of the
 * points taken in), whichever is wider. */
static double band_log(double band_pct, const double *dev, int ndev)
{
	double b = log1p(band_pct / 100);

	if (ndev >= DRIFT_JITTER_MIN_N)
		b = fmax(b, DRIFT_AA_FACTOR * 1.4826 * median(dev, ndev));
	return b;
}

/* The epoch's points so far (in), their median (*ref). */
struct cur {
	double *in, ref;
	int n;
};

static void take_in(struct cur *c, double lv, double *dev, int *ndev)
{
	if (c->n)
		dev[(*ndev)++] = fabs(lv - c->ref);
	c->in[c->n++] = lv;
	c->ref = median(c->in, c->n);
}

int drift_epochs(const struct drift_pt *p, int n, double band_pct, int *epoch, double *ref, double *band)
{
	double *dev = cp_xcalloc((size_t)n + 1, sizeof(double)), b;
	struct cur c = { cp_xcalloc((size_t)n + 1, sizeof(double)), 0, 0 };
	int ne = 0, ndev = 0, cand = -1;

	for (int i = 0; i < n; i++) {
		double lv = log(fmax(p[i].v, 1e-300));

		b = band_log(band_pct, dev, ndev);
		if (!ne) {
			ne = 1;
			take_in(&c, lv, dev, &ndev);
			epoch[i] = 0;
		} else if (fabs(lv - c.ref) <= b) {
			/* within: a pending outlier was jitter */
			if (cand >= 0)
				dev[ndev++] = fabs(log(p[cand].v) - c.ref);
			cand = -1;
			take_in(&c, lv, dev, &ndev);
			epoch[i] = ne - 1;
		} else if (cand >= 0 && (lv - c.ref) * (log(p[cand].v) - c.ref) > 0 &&
			   fabs(lv - log(p[cand].v)) > b && fabs(lv - c.ref) > fabs(log(p[cand].v) - c.ref)) {
			/* a second one out on the same side, further out than the
			 * first and not with it: the first was jitter, this one is
			 * pending (a small outlier just before a big move) */
			dev[ndev++] = fabs(log(p[cand].v) - c.ref);
			cand = i;
			epoch[i] = ne - 1;
		} else if (cand >= 0 && (lv - c.ref) * (log(p[cand].v) - c.ref) > 0) {
			/* a second one out on the same side, with the first or
			 * between it and the reference: the epoch began at the
			 * first.  The two need not agree: a host that moves vCPUs
			 * moves the sentinel by +-20% inside its new state too, and
			 * jitter does not fall twice out of the band the same way */
			ne++;
			c.n = 0;
			take_in(&c, log(p[cand].v), dev, &ndev);
			take_in(&c, lv, dev, &ndev);
			epoch[cand] = epoch[i] = ne - 1;
			cand = -1;
		} else {
			/* one out: pending until the next says whether it holds */
			cand = i;
			epoch[i] = ne - 1;
		}
		if (ref)
			ref[ne - 1] = exp(c.ref);
		if (band)
			band[ne - 1] = 100 * expm1(band_log(band_pct, dev, ndev));
	}
	free(dev);
	free(c.in);
	return ne;
}
