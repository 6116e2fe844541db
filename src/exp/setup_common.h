/* setup_common.h: what the four sharing-cost commands (setup,
 * sync, copy, contend) share: the validated run (timer, counters, topology,
 * sample counts: pingpong.h's struct pp_run), --mode thread|process|both,
 * the results sink, rows, and interruption.
 *
 * Interruption: SIGINT/SIGTERM/SIGHUP only record the signal, in a word of shared
 * memory that agents (threads or forked processes) can read.  Agents stop
 * at the next sample boundary, all at once (the sampler's gate), the command frees
 * what it made (segments, mappings, fds) and then dies of the same signal
 * (costs_finish), so the shell sees an interrupted run and nothing leaks. */
#ifndef SETUP_COMMON_H
#define SETUP_COMMON_H

#include <stdint.h>

#include "agents.h"
#include "cp.h"
#include "request.h"
#include "pingpong.h"
#include "result.h"
#include "runctl.h"
#include "arms.h"
#include "sampler.h"
#include "verdict.h"

struct costs {
	struct pp_run run;              /* timer, counters, topo, samples, warmup, iters, timeout */
	const struct exp_req *q;        /* the request's shared options */
	enum agent_mode modes[2];
	int nmodes;                     /* 2: interleaved arms (both, A:B) */
	char mode_pair[32];             /* "thread:process": the comparison row's mode */
	struct cp_sink *sink;
	volatile uint64_t *intr;        /* shared: the signal number once interrupted, else 0 */
	double margin_pct;              /* --margin of the interleaved arms' verdicts */
};

/* Validate the request's shared options: --mode, --samples/--warmup (their
 * defaults are the command's, in its option table), --timer, --counters,
 * --topology-xml (must be this machine unless only checking).  The
 * memory kinds are the command's to check.  Installs the signal handlers;
 * costs_finish puts them back. */
int costs_init(struct costs *c, const struct exp_req *q, struct cp_err *e);

/* Whether one of the modes is processes. */
int costs_any_process(const struct costs *c);

/* --margin is for interleaved arms: CP_EUSAGE naming `how` one asks for
 * them ("--mode both") unless the command measures two arms. */
int costs_check_margin(const struct costs *c, int arms, const char *how, struct cp_err *e);

/* The sampling request of a cell: the run's timer, samples, warm-up,
 * iterations and --target-ci, stopped by the interruption flag. */
struct sampler_req costs_sampler_req(const struct costs *c);

/* Interleaved arms of one run per block (arms_runs_measure) with the
 * run's sampling request; fn gets the command's state. */
typedef int (*costs_block_fn)(struct costs *c, void *cell, int arm, const struct sampler_req *req,
			      double *v, struct arms_block_out *out, struct cp_err *e);
int costs_arms_run(struct costs *c, costs_block_fn fn, void *cell, double margin_pct, struct arms_runs *a,
		   struct cp_err *e);

/* --mem-node for a cell on cpus[0..n): the node into *node, -1 without the
 * option (a and b are the cell's first two CPUs). */
int costs_mem_node(const struct costs *c, const int *cpus, unsigned n, int *node, struct cp_err *e);

/* Open the sink (checks --out) and record the timer in the metadata. */
int costs_open_sink(struct costs *c, struct cp_err *e);

/* 1 once SIGINT/SIGTERM came. */
static inline int costs_interrupted(const struct costs *c)
{
	return __atomic_load_n(c->intr, __ATOMIC_RELAXED) != 0;
}

/* End the command: interrupted -> drop the output and die of the signal;
 * rc != 0 -> drop the output and return rc (e says why); else close the
 * sink (written atomically) and return CP_OK, or CP_ECAPPED when the time
 * limit cut it.  Frees c. */
int costs_finish(struct costs *c, int rc, struct cp_err *e);

/* Pairs of CPUs: --cpus A,B, --placement CLASS [--pairs N] or the first
 * allowed pair (topo_resolve_pairs). */
struct cp_placement;
int costs_pairs(struct costs *c, struct cp_placement *pl, struct cp_err *e);

/* A list of CPUs for N agents: --cpus LIST (any length >= min), a
 * --placement pair, or by default all allowed CPUs (def_all) or the first
 * allowed pair.  *cpus malloc'd; placement gets the class of a pair, "cpus"
 * for a longer --cpus list, "all" for all CPUs. */
int costs_cpulist(struct costs *c, int min, int def_all, int **cpus, int *n, char *placement,
		  size_t plen, struct cp_err *e);

/* Fill the fields of a row every command sets the same way. */
void costs_row(const struct costs *c, struct cp_row *r, const char *experiment,
	       enum agent_mode m, const int *cpus, unsigned n, const char *placement);

/* An agent that stops because another one failed (it saw the abort
 * flag): take over the first failure's code and message, so the run
 * reports that one whichever agent the runner looks at first. */
int costs_agent_left(struct agent_ctx *ac);


/* Index of the page-fault counter of the configured set, or -1. */
int costs_fault_counter(const struct costs *c);

/* Default --sizes when not given; parse_sizes otherwise. */
int costs_sizes(const char *value, uint64_t **sizes, size_t *n, struct cp_err *e);

#endif
