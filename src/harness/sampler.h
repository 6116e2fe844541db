/* sampler.h: the one sample loop.  Every measuring experiment takes its
 * samples here: iteration calibration to a target sample duration, warm-up,
 * the per-sample gate (a barrier that also carries the stop decision), the
 * counters bracket, the two fenced stamps, --target-ci, interruption, and
 * the CPU check before and after the timed samples.  An experiment supplies
 * what one pass is (and, if it needs them, a preparation before each sample
 * and a hook after it) and runs sampler_run in every one of its agents.
 *
 * A sample is:   gate -> prepare -> [counters start, stamp, pass, stamp,
 * counters stop] -> after.  Only agent 0 records; its value of a sample is
 * ns per iteration unless `after` replaces it (contend: Mops/s).
 *
 * Arms: sampler_block takes the samples [first, first + count) of one arm
 * with that arm's barrier, so a caller can alternate two arms block by
 * block over one buffer each (see arms.h). */
#ifndef SAMPLER_H
#define SAMPLER_H

#include <stdint.h>

#include "agents.h"
#include "timer.h"

/* --target-ci samples up to this many times --samples */
#define SAMPLER_TARGET_CI_GROWTH 50
/* the most samples one run keeps: the upper bound of --samples (options.def) */
#define SAMPLER_SAMPLES_MAX 100000000ULL
/* Auto iterations: the first warm-up pass (cal_iters, a cold start) only
 * sizes the second; the samples are sized from the slowest per-iteration
 * wall time of the calibration passes after it that another one confirms
 * (within SAMPLER_CAL_CONFIRM): a cost with two modes (a wake-up that
 * sometimes finds the waiter awake) is sized for the slow one, not for
 * whichever the last pass caught, while a pass that a preemption slowed
 * once does not shrink every sample.  SAMPLER_CAL_PASSES passes at least,
 * up to SAMPLER_CAL_EXTRA more while the slowest stands alone. */
#define SAMPLER_CAL_PASSES 3
#define SAMPLER_CAL_EXTRA 2
#define SAMPLER_CAL_CONFIRM 2.0
/* A timed sample that ran longer than this many times its target (a mode
 * no warm-up pass saw), followed by another within SAMPLER_OVER_WINDOW
 * samples, cuts the iterations of the samples after them to the target:
 * no cell is held by samples a hundred times too long, and one preempted
 * sample cuts nothing. */
#define SAMPLER_OVERSHOOT 4.0
#define SAMPLER_OVER_WINDOW 8

/* What the gate tells every agent, written by agent 0 before the gate's
 * barrier and read by all after it.  Two of them, by the gate's parity:
 * agent 0 may write the next one while a slow agent still reads this one. */
struct sampler_gate {
	uint64_t go;       /* SAMPLER_GO, _DONE or _QUIT */
	uint64_t iters;    /* the sample's iterations */
	uint64_t pub;      /* agent 0's ops->publish, for every agent's prepare */
};
/* SAMPLER_WARMED ends the warm-up (agent 0 decides how many calibration
 * passes it takes: the other agents follow the gates) */
enum { SAMPLER_GO = 1, SAMPLER_DONE, SAMPLER_QUIT, SAMPLER_WARMED };

/* In the cell's shared memory (agents_shared_alloc), filled by the
 * coordinator with sampler_init before the agents start. */
struct sampler {
	struct cp_timer timer;
	const volatile uint64_t *intr; /* nonzero once interrupted; NULL: not watched */
	uint64_t iters;                /* per sample; 0: calibrate */
	uint64_t cal_iters;            /* the first calibration pass */
	uint64_t iters_lo, iters_hi;   /* calibration bounds */
	double sample_ns;              /* calibration target */
	uint64_t warmup, samples, max_samples;
	double target_ci;              /* 0: exactly `samples` */
	double *v;                     /* [max_samples], shared: agent 0's values */
	struct agents_bar *bar;        /* the agents taking part (an arm's); NULL: all */
	/* written by agent 0 */
	struct sampler_gate gate[2];
	uint64_t ngates;
	uint64_t iters_used;           /* iterations of the timed samples (the last one's) */
	uint64_t nsamples;             /* timed samples taken */
	uint64_t interrupted;          /* the gate saw *intr set */
	double deadline;               /* cp_now_s() seconds: the gate stops past it; 0: none */
	uint64_t capped;               /* the gate stopped at the deadline */
	uint64_t ci_met;               /* --target-ci: the interval reached the target */
	uint64_t resized;              /* times overshooting samples cut the iterations */
	uint64_t over_at;              /* 1 + index of the last overshooting sample; 0: none */
	double over_per;               /* its wall time per iteration, ns */
	double wall_ns;                /* wall time of the timed samples, summed */
};

/* The fixed part of a request: what the command validated. */
struct sampler_req {
	struct cp_timer timer;
	const volatile uint64_t *intr;
	uint64_t iters, warmup, samples;
	uint64_t max_samples;          /* 0: sampler_max_samples' bound */
	double target_ci;
	double deadline;               /* cp_now_s() seconds (--time-limit); 0: none */
};

/* An experiment's sampling constants (its descriptor's defaults). */
struct sampler_tune {
	double sample_ns;
	uint64_t cal_iters, iters_lo, iters_hi;
};

struct sampler_ops {
	/* agent 0, before each gate: a value every agent's prepare gets with
	 * that gate (pingpong: the round trips so far, where the tokens
	 * start).  Handing it over at the gate means no agent can read it
	 * too late: agent 0 may finish a pass before its partner started
	 * it.  NULL: 0. */
	uint64_t (*publish)(void *st);
	/* before a sample, after its gate, every agent, untimed; it may use
	 * barriers (and must end with one when agent 0's pass depends on it).
	 * NULL: none.  Returns 0, an exit code, or -1 (another agent failed). */
	int (*prepare)(struct agent_ctx *c, void *st, uint64_t pub);
	/* the timed pass of `iters` iterations.  With self_timed the pass
	 * stamps inside its own post/wait protocol and sets *ticks; else the
	 * engine stamps around it.  Returns 0 or an exit code. */
	int (*pass)(struct agent_ctx *c, void *st, uint64_t iters, uint64_t *ticks);
	/* after a sample, every agent, untimed (checks, bookkeeping).  idx:
	 * the timed sample's index, or -1 in the warm-up.  *value (agent 0's
	 * ns per iteration) may be replaced.  NULL: none. */
	int (*after)(struct agent_ctx *c, void *st, int64_t idx, uint64_t iters, double ns, double *value);
	int self_timed;
	/* the pass starts and stops the counters itself, around its own timed
	 * region (setup: one system call in a sample that also maps and checks
	 * memory, whose faults are not the step's); else the engine brackets
	 * the whole pass of every timed sample */
	int self_counted;
};

/* The most samples a request can take: --samples, or with --target-ci up
 * to SAMPLER_TARGET_CI_GROWTH times that (r->max_samples when set). */
uint64_t sampler_max_samples(const struct sampler_req *r);

/* Fill s (in shared memory) from the request and tune; v: a shared array
 * of sampler_max_samples(r) doubles. */
void sampler_init(struct sampler *s, const struct sampler_req *r, const struct sampler_tune *t, double *v);

/* Run in every agent.  Returns 0 when the samples are taken or the run was
 * interrupted (s->interrupted), -1 when another agent failed (return the
 * slot's code), else this agent's exit code. */
int sampler_run(struct agent_ctx *c, struct sampler *s, const struct sampler_ops *ops, void *st);

/* What ended the sampling, for the row's stop column: "time-limit",
 * "target-ci" (the interval reached), "max-samples" (--target-ci's bound
 * reached first) or "samples" (the count asked). */
const char *sampler_stop(const struct sampler *s);
/* The mean wall time of a timed sample, ns (0 before any). */
double sampler_sample_ns(const struct sampler *s);

/* The warm-up alone, which also sizes the samples (s->iters_used): the
 * first thing an arm's agents do.  Same return as sampler_run. */
int sampler_calibrate(struct agent_ctx *c, struct sampler *s, const struct sampler_ops *ops, void *st);

/* One block of an arm: `warm` untimed passes of s->iters_used, then the
 * samples [first, first + count) into s->v.  Same return as sampler_run;
 * *stopped set when the gate said stop. */
int sampler_block(struct agent_ctx *c, struct sampler *s, const struct sampler_ops *ops, void *st,
		  uint64_t warm, uint64_t first, uint64_t count, int *stopped);

#endif
