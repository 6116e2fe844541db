/* compare.h: the one comparison of a cell measured by processes with the
 * same cell measured by threads, back to back, behind both the terminal
 * table (result_table.c) and the report: which rows are twins, and the
 * ratio of their medians with its interval.  It is not a verdict (the
 * machine drifts between two cells): interleaved arms give those
 * (verdict.h), and where a run has them they replace this. */
#ifndef COMPARE_H
#define COMPARE_H

#include <stddef.h>

#include "cp.h"
#include "schema.h"

/* Twins: proc's mode is process, thr's thread, and every other key column
 * of the schema agrees (the same memory kind included).  The arguments
 * are the rows' values by column id, as the CSV writes them. */
int cmp_twins(const char *const *proc, const char *const *thr);

/* Whether pair ("thread:thread", or "shm=anon:anon:anon") is an A/A
 * control: identical arms. */
int cmp_is_aa(const char *pair);
/* A comparison row of an A/A design: two identical modes (mode
 * thread:thread) or k identical values of a key (arms shm=anon:anon:...). */
int cmp_row_aa(const char *mode, const char *arms);
/* Whether a row with these arms and arm columns measured an arm of an A/A
 * control.  Such a row is there for its comparison row's verdict (the
 * method's false-positive rate); it is not another measurement of its
 * cell, so summaries and figures of the cells leave it out. */
int cmp_control_arm(const char *arms, const char *arm);
/* Drop those rows from a results file read into c, keeping the order of
 * the others. */
struct csv;
void cmp_drop_control_arms(struct csv *c);

/* One side: its raw samples (NULL/0 when not kept) and its median with
 * its 95% interval. */
struct cmp_side {
	const double *v;
	size_t n;
	double p50, lo, hi;
};
/* p / t of the medians and a 95% interval: a bootstrap of both sides'
 * samples when each has at least 6 (2000 resamples, fixed seed: the same
 * data give the same interval), else the conservative [p.lo/t.hi,
 * p.hi/t.lo] of the two intervals. */
struct cmp_ratio {
	double r, lo, hi;
	int boot;   /* the interval is a bootstrap's */
};
void cmp_ratio(const struct cmp_side *p, const struct cmp_side *t, struct cmp_ratio *out);
/* The bootstrap alone; -1 when either side has fewer than 6 samples. */
int cmp_ratio_boot(const double *a, size_t na, const double *b, size_t nb, struct cmp_ratio *out);

#endif
