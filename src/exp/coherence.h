/* coherence.h: one coherence-state cell: a preparing CPU leaves COH_LINES
 * lines in a state (M, E, S with a third CPU, I), then the measuring CPU
 * does one operation on each (kernels/coherence.c); a sample is the time of
 * those operations divided by their number.  The local baselines ("self")
 * are the same with the measuring CPU as its own preparer. */
#ifndef COHERENCE_H
#define COHERENCE_H

#include <stdint.h>

#include "agents.h"
#include "cp.h"
#include "kernel.h"
#include "result.h"
#include "sampler.h"

/* The states, in the order of --state all: X(name, what the preparer does) */
#define COH_STATES(X)                                                             \
	X(M, "writes every line (Modified in its cache)")                         \
	X(E, "flushes every line, then reads it alone (Exclusive in its cache)")  \
	X(S, "flushes, then reads with a third CPU (Shared by both caches)")      \
	X(I, "flushes every line to memory (Invalid in every cache)")

enum coh_state {
#define COH_ENUM(n, what) COH_##n,
	COH_STATES(COH_ENUM)
#undef COH_ENUM
	COH_NSTATES
};

const char *coh_state_name(enum coh_state s);
/* "M|E|S|I" */
const char *coh_state_names(void);

struct cp_topo;
struct cp_counters_cfg;

/* Fixed for a run (validated once by the command). */
struct coh_run {
	struct cp_topo *topo;
	struct sampler_req smp;             /* timer, samples, warm-up, --target-ci */
	struct cp_counters_cfg *counters;   /* NULL: no counting */
	const char *shm, *pages;            /* NULL: per mode / 4k */
	double timeout_s;
	int granule;
	struct exp_arm_ctr *arm_ctr;        /* interleaved arms: the run's counts go to arm `arm` */
	int arm;
};

/* One cell: prep leaves the lines in `state` (self: meas prepares them
 * itself, M and E only), third is the second reader of S (-1 otherwise).
 * holder: the row's holder column.  row->raw points to *raw (caller frees). */
struct coh_cell {
	const struct kernel *k;
	enum coh_state state;
	int self;
	enum agent_mode mode;
	int prep, meas, third;
	const char *mem_spec;               /* --mem-node, or NULL: first touch by meas */
	const char *placement, *holder;
};

int coh_measure(const struct coh_run *r, const struct coh_cell *c, struct cp_row *row, double **raw,
		struct cp_sink *sink, struct cp_err *e);

#endif
