/* drift.h: a run split into epochs by its sentinel.
 *
 * A sentinel is one short fixed measurement repeated through a run (the
 * sweep's: a cas round trip on one pair, before the cells).  Its band is
 * set from its own A/A spread: two sentinels taken back to back, whose
 * relative difference plus their intervals' relative half-widths, times
 * DRIFT_AA_FACTOR, and never under DRIFT_BAND_MIN_PCT; once
 * DRIFT_JITTER_MIN_N sentinels have been taken in, never under
 * DRIFT_AA_FACTOR robust sigmas of their jitter around their epochs'
 * references either (a machine whose sentinel wanders by 20% between two
 * cells gets a band that holds it).  An epoch's reference is the median
 * of its sentinels so far.  A sentinel outside the band is pending; the
 * next one decides: outside too, on the same side of the reference, with
 * the first or between it and the reference, and the new epoch began at
 * the first (the two need not agree with each other: a moved machine
 * wanders in its new state too); further out and not with the first, and
 * the first was jitter and this one is pending; inside, and the first was
 * jitter.  A lone sentinel outside at the end starts nothing.  The
 * figures of cells in different epochs are not compared as if measured
 * together. */
#ifndef DRIFT_H
#define DRIFT_H

#define DRIFT_AA_FACTOR 3.0
#define DRIFT_BAND_MIN_PCT 3.0
#define DRIFT_JITTER_MIN_N 4

struct drift_pt {
	double v, lo, hi;     /* median and its 95% interval */
};

/* The band's half-width, percent, from the A/A pair a, b. */
double drift_band_pct(const struct drift_pt *a, const struct drift_pt *b);

/* Epoch of each of the n points into epoch[] (0, 1, ...); returns the
 * number of epochs (0 when n is 0).  ref[k] and band[k], when not NULL
 * (room for n), get epoch k's reference (the median of its points) and
 * the band in effect at its end, percent. */
int drift_epochs(const struct drift_pt *p, int n, double band_pct, int *epoch, double *ref, double *band);

#endif
