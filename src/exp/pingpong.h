/* pingpong.h: measure the round trip of one cache line between two CPUs:
 * one cell = one pair x kernel x mode x memory kind.  Used by the pingpong
 * and matrix commands (and sync's spin baseline). */
#ifndef PINGPONG_H
#define PINGPONG_H

#include <stdint.h>

#include "agents.h"
#include "arms.h"
#include "cp.h"
#include "kernel.h"
#include "request.h"
#include "result.h"
#include "timer.h"

struct cp_topo;
struct cp_counters_cfg;

/* Everything that is fixed for a run, validated once from opts. */
struct pp_run {
	struct cp_topo *topo;
	struct cp_timer timer;
	struct cp_counters_cfg *counters;   /* NULL: no counting */
	const char *shm;                    /* NULL: default per mode */
	const char *pages;
	int two_lines;
	uint64_t samples, warmup, iters;    /* iters 0: auto (~50 us per sample) */
	uint64_t max_samples;               /* bound for --target-ci */
	double target_ci;                   /* 0: fixed sample count */
	double timeout_s;
	int granule;                        /* coherence granule, bytes */
};

/* The memory of the cells, as the command decided it from its options:
 * kind, pages, ping-pong layout and poll (NULL: the defaults; the cost
 * commands, which check their own kinds and layouts, give none). */
struct pp_mem {
	const char *shm, *pages, *layout, *poll;
};
/* Validate what a ping-pong cell needs (the memory m, poll, samples,
 * timer, counters, topology) from the request's shared options.  `modes`
 * says which modes will run (bit 0 thread, bit 1 process) for the shm
 * checks. */
/* ---- k arms over one key ----
 * The options whose lists are arms of one cell: X(option and the row's
 * column of that name, the member of pingpong's request that holds it). */
/* --layout: both agents write one line, or each its own */
#define PP_LAYOUT_NAMES "one-line|two-lines"

#define PP_ARM_KEYS(X)                                                                            \
	X(shm, c.mem.shm) X(pages, c.mem.pages) X(layout, layout) X(poll, poll) X(impl, impl)      \
	X(placement, c.place.placement)

/* --arms: op, or one of the keys above ("op|shm|pages|...") */
#define PP_KEY_BAR_(f, member) "|" #f
#define PP_ARMS_NAMES "op" PP_ARM_KEYS(PP_KEY_BAR_)

/* The values pingpong's own options allow (--op, --layout, --poll, --spin,
 * --impl, --arms), '|'-separated; NULL for the others (struct experiment's
 * values; matrix shares it). */
const char *pingpong_values(enum opt_id id, char *buf, size_t len);

struct pp_karm {
	struct pp_run run;          /* the cell's run with the key's value (shares topo and counters) */
	const struct kernel *k;     /* the arm's kernel (poll, impl) */
	const char *value;          /* the key's value */
	int cpus[2];                /* the arm's pair (placement arms: each its class's) */
	const char *placement;      /* its class, for the rows */
};
struct pp_karms {
	const char *key;            /* one of PP_ARM_KEYS */
	char name[256];             /* the arms column: KEY=V1:V2:... */
	unsigned k, ref;            /* arms; the baseline */
	struct pp_karm arm[ARMS_MAX];
	enum agent_mode mode;
	double margin_pct;
};
/* The k arms, a run of the agents per block (arms_runs_measure_k), every
 * block on a fresh mapping of its arm's kind: the arms' rows, then one
 * comparison row per arm against the baseline, added to sink. */
int pp_measure_karms(const struct pp_karms *d, const char *mem_spec, struct cp_sink *sink, struct cp_err *e);

/* n disjoint pairs measured at the same time (pp_together.c): a process
 * per pair, each a cell of its own as pp_measure's (rows[i], raw[i]: the
 * caller frees raw[i]), all released together; win[i]: the start and end
 * of pair i's cell, seconds (cp_now_s).  Counters are not taken. */
int pp_measure_together(const struct pp_run *r, const struct kernel *k, enum agent_mode mode, int n,
			const int (*pair)[2], const char *const *placement, struct cp_row *rows, double **raw,
			double (*win)[2], struct cp_err *e);
/* The least share of one window that another overlaps (1: all at once). */
double pp_overlap(const double (*win)[2], int n);
int pp_run_init(struct pp_run *r, const struct exp_req *q, const struct pp_mem *m, unsigned modes,
		struct cp_err *e);
void pp_run_free(struct pp_run *r);

/* Measure one cell.  mem_spec: --mem-node value or NULL (first touch by
 * agent A).  placement: the class name for the row.  row->raw points to
 * *raw (caller frees).  Returns an exit code. */
int pp_measure(const struct pp_run *r, const struct kernel *k, enum agent_mode mode,
	       int cpu_a, int cpu_b, const char *mem_spec, const char *placement,
	       struct cp_row *row, double **raw, struct cp_sink *sink, struct cp_err *e);

/* Two arms interleaved in ABBA blocks (arms.h): A is a thread, arm x's
 * partner runs as arm[x], both on cpu_b, over one mapping (anon unless
 * --shm).  rows[0..1]: the arms; rows[2]: the comparison (metric ratio,
 * arm 1 / arm 0, its interval and verdict at margin_pct).  raw[i]: what
 * rows[i].raw points to (caller frees). */
int pp_measure_arms(const struct pp_run *r, const struct kernel *k, const enum agent_mode arm[2], int cpu_a,
		    int cpu_b, const char *mem_spec, const char *placement, double margin_pct, struct cp_row rows[3],
		    double *raw[3], struct cp_sink *sink, struct cp_err *e);

#endif
