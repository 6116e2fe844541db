/* rows.h: what every experiment puts into its result rows the same way:
 * the agents' counts as counter columns, and the comparison row of two
 * interleaved arms.  (The bridge between harness/ and out/, which know
 * nothing of each other.) */
#ifndef EXP_ROWS_H
#define EXP_ROWS_H

#include "agents.h"
#include "arms.h"
#include "counters.h"
#include "result.h"

/* Fill row->counters from the slots: sum over agents / ops.  Unavailable
 * events stay invalid; reasons go to the sink's metadata. */
void exp_counters_row(const struct agents_shared *sh, const struct cp_counters_cfg *cfg, double ops,
		      struct cp_row *row, struct cp_sink *sink);

/* The counter columns of a comparison row: arm's count per op / base's,
 * each where both have it and base's is not 0 (else without a value). */
void exp_counters_ratio(const struct cp_row *base, const struct cp_row *arm, struct cp_row *cmp);

/* The counter columns of cfg on row, every one without a value (a row
 * that counts nothing in a file whose columns the counted rows fixed). */
void exp_counters_none(const struct cp_counters_cfg *cfg, struct cp_row *row);

/* Per-agent counter totals summed over several agents_run calls (setup
 * runs one per sample): a control block of `n` slots, same layout as
 * agents_run's, for exp_counters_row. */
struct agents_shared *exp_ctr_acc_new(unsigned n);
/* Add slot `from` of sh into slot `to` of acc (counts add, validity ANDs). */
void exp_ctr_acc_add(struct agents_shared *acc, unsigned to, const struct agents_shared *sh, unsigned from);
void exp_ctr_acc_free(struct agents_shared *acc);
/* The counts of two interleaved arms that run the agents once per block:
 * each arm's agents' counts summed over its blocks' runs (timed samples
 * only, as the sampler brackets them), for the arm's rows. */
struct exp_arm_ctr {
	struct agents_shared *acc[ARMS_MAX];   /* NULL until the arm's first run, or without counters */
	double ops[ARMS_MAX];  /* the operations the counts are of, when the arms' differ (0: alike) */
};
void exp_arm_ctr_add(const struct cp_counters_cfg *cfg, struct exp_arm_ctr *a, int arm,
		     const struct agents_shared *sh);
void exp_arm_ctr_free(struct exp_arm_ctr *a);

/* Turn a filled row of the baseline into the comparison row of arm x
 * against it (arms of one run per block): mode (e.g. "thread:process"),
 * metric ratio, the rounds' ratios as its samples in *ratio (the caller
 * frees), their median, its interval and the verdict. */
void exp_arms_row(const struct arms_runs *a, unsigned x, struct cp_row *row, const char *mode, double **ratio);
/* exp_arms_row with its note (NULL keeps row's), added to the sink, which
 * the arms' rows were added to after result_arm(sink, mode, 0 and 1). */
/* Append to note (len bytes) what an arm's samples have when they have
 * several modes ("arm 2 has 2 modes (...)"): the ratio of medians then
 * compares mixtures. */
void exp_arms_modes_note(const double *const v[2], const uint64_t n[2], char *note, size_t len);
/* ctr (NULL: none): the arms' counts, for the comparison row's counter
 * columns (exp_arm_ctr_ratio). */
int exp_arms_add(struct cp_sink *sink, const struct arms_runs *a, struct cp_row *row, const char *mode,
		 const char *note, const struct cp_counters_cfg *cfg, const struct exp_arm_ctr *ctr, struct cp_err *e);
/* The counter columns of the comparison row of two arms of one run per
 * block: arm 2's count per operation / arm 1's, summed over their agents
 * (the operations: a->ops when set, else alike: the same iterations and
 * block pairs), each where both have it and arm 1's is not 0. */
void exp_arm_ctr_ratio(const struct cp_counters_cfg *cfg, const struct exp_arm_ctr *a, struct cp_row *row);

#endif
