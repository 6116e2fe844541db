/* arms.h: the arms of one comparison measured interleaved (duet
 * benchmarking), on the sampling engine: k arms (2 .. ARMS_MAX) in rounds
 * of one block each, the order of a round a row of a Williams square
 * (arms_order), each arm compared with a baseline arm.
 *
 * In one run of the agents (two arms: --mode both):
 * Agent 0 ("A") is the same thread in both arms; agent 1 is arm 0's
 * partner and agent 2 arm 1's (a thread of A's process or a process
 * sharing the mapping: only the partner's address space differs).  Blocks
 * of ARMS_BLOCK samples alternate in ABBA order (pair p: arm 0 then 1 for
 * even p, 1 then 0 for odd p), each block after ARMS_WARM untimed passes
 * so that waking the parked partner is not charged to its arm.  The
 * partner that is not running waits in the kernel on a futex word in the
 * shared memory: it neither spins nor touches the measured line.  Both
 * arms take the iterations per sample that arm 0's warm-up calibrated. */
#ifndef ARMS_H
#define ARMS_H

#include <stdint.h>

#include "agents.h"
#include "sampler.h"
#include "verdict.h"

#define ARMS_MAX 8             /* arms of one design at most */
#define ARMS_BLOCK 10          /* samples per block */
#define ARMS_WARM 3            /* untimed passes at the start of a block */
#define ARMS_MIN_PAIRS 20      /* rounds (block pairs with two arms) at least */
#define ARMS_GROWTH 10         /* --target-ci: up to this many times the pairs */

/* In the cell's shared memory; arms_init before the agents start. */
struct arms {
	struct sampler smp[2];      /* one per arm: its values, its gates */
	struct agents_bar bar[2];   /* A and the arm's partner */
	struct cp_padded_u64 turn;  /* futex word (low 32 bits): block << 1 | arm, or ARMS_DONE */
	uint64_t pairs, max_pairs;  /* block pairs to take, and the bound with --target-ci */
	int grow;                   /* add pairs while the verdict is inconclusive */
	double margin_pct;
	/* written by A */
	uint64_t pairs_done;
	struct cp_verdict verdict;  /* arm 1 / arm 0 */
	/* A's counts in each arm's blocks (its totals read between blocks;
	 * the partners count only in their own arm's) */
	uint64_t a_ctr[2][CP_MAX_COUNTERS];
	uint8_t a_ctr_valid[CP_MAX_COUNTERS];
	/* written by each partner: CPU and wall time while parked, ns */
	uint64_t parked_cpu_ns[2], parked_ns[2];
};

/* Block pairs for --samples N: enough for N samples per arm, at least
 * ARMS_MIN_PAIRS; the values each arm needs room for. */
uint64_t arms_pairs(uint64_t samples);
uint64_t arms_max_values(uint64_t samples, int grow);

/* v0, v1: shared arrays of arms_max_values() doubles. */
void arms_init(struct arms *a, const struct sampler_req *r, const struct sampler_tune *t, double *v0, double *v1,
	       double margin_pct);

/* After `pairs` rounds (whole Williams squares): go on while fewer than
 * `base` are taken, or, growing, while a verdict of the values so far
 * (v[x] against v[ref], into vd[x]) is inconclusive and fewer than `cap`
 * are taken.  The one rule of both kinds of arms (in one run here, a run
 * per block below). */
int arms_go_on(const double *const *v, unsigned k, unsigned ref, uint64_t pairs, uint64_t base, uint64_t cap,
	       int grow, double margin_pct, struct cp_verdict *vd);

/* The verdicts of k arms against arm ref after `rounds` rounds, each at
 * the coverage that holds the k - 1 together (verdict_family_conf). */
void arms_verdicts(const double *const *v, unsigned k, unsigned ref, uint64_t rounds, double margin_pct,
		   struct cp_verdict *vd);

/* Rows of the Williams square of k arms: k for even k, 2k for odd k (the
 * square and its mirror).  Over them every arm takes every position in a
 * round equally often and follows every other arm equally often, so that
 * a drift linear in time and the carry-over from the block before weigh
 * on all arms alike.  Two arms: AB, BA (ABBA). */
unsigned arms_square_rows(unsigned k);
/* The arm in position j of round r. */
unsigned arms_order(unsigned k, uint64_t round, unsigned j);
/* Rounds for --samples N: enough for N samples per arm, at least
 * ARMS_MIN_PAIRS, whole squares. */
uint64_t arms_rounds(unsigned k, uint64_t samples);

/* Run in all three agents.  Returns like sampler_run. */
int arms_run(struct agent_ctx *c, struct arms *a, const struct sampler_ops *ops, void *st);

/* ---- arms of one run per block ----
 * For the experiments whose two arms cannot share one run of agents
 * (setup, sync, copy, contend, coherence): block j of pair p is one run of
 * ARMS_BLOCK samples of arm arms_order(p, j), after at least ARMS_WARM
 * warm-up samples, through fn; both arms take the iterations the first
 * block calibrated (or req->iters).  --target-ci adds block pairs while the
 * verdict is inconclusive (arms_go_on).  Past req->deadline no pair starts:
 * the pairs done are kept and `capped` says so (a block, once started, is
 * taken whole).  The values of arm x's block k are v[x][k * ARMS_BLOCK ...]. */
struct arms_runs {
	unsigned k, ref;            /* arms, and the baseline's index */
	double *v[ARMS_MAX];        /* [pairs * ARMS_BLOCK] per arm */
	uint64_t pairs, iters;      /* rounds taken (block pairs with two arms) */
	double sample_ns[ARMS_MAX]; /* mean wall time of a timed sample, per arm (0: not known) */
	int capped;                 /* stopped at req->deadline */
	struct cp_verdict verdict[ARMS_MAX]; /* arm x / arm ref ([ref] unset) */
};
/* The design of arms of one run per block. */
struct arms_design {
	unsigned k, ref;            /* 2 .. ARMS_MAX arms; the baseline */
	double margin_pct;
};
/* What one block reports besides its values. */
struct arms_block_out {
	uint64_t iters;             /* iterations per sample it used */
	double sample_ns;           /* mean wall time of its timed samples, ns (0: not known) */
};
/* One block: req->samples (ARMS_BLOCK) values into v. */
typedef int (*arms_block_fn)(void *arg, int arm, const struct sampler_req *req, double *v,
			     struct arms_block_out *out, struct cp_err *e);
/* req: the experiment's sampling request (its samples set the pairs, its
 * intr stops between blocks: then a->pairs is 0). */
int arms_runs_measure(const struct sampler_req *req, double margin_pct, arms_block_fn fn, void *arg,
		      struct arms_runs *a, struct cp_err *e);
/* k arms: round r runs one block of each arm in the order of row r of the
 * Williams square; arm x's block of round r is v[x][r * ARMS_BLOCK ...]. */
int arms_runs_measure_k(const struct sampler_req *req, const struct arms_design *d, arms_block_fn fn, void *arg,
			struct arms_runs *a, struct cp_err *e);
/* The stop column of its rows (as sampler_stop). */
const char *arms_runs_stop(const struct arms_runs *a, double target_ci);
void arms_runs_free(struct arms_runs *a);

#endif
