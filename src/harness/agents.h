/* agents.h: run N agents, each pinned to its own CPU, as threads of one
 * process or as forked processes, with the same agent code either way: the
 * only difference between the modes is how memory is shared.
 *
 * The coordinator (the caller) maps all shared state before it starts the
 * agents (perf bench numa), waits for them and is the watchdog: an agent
 * that stops making progress for --timeout seconds, or a child that dies,
 * ends the run with CP_ERUN and a message naming it; children are always
 * killed and reaped, never left as zombies. */
#ifndef AGENTS_H
#define AGENTS_H

#include <stdint.h>

#include "cp.h"

enum agent_mode { AGENT_THREAD, AGENT_PROCESS };
/* What --mode allows: one mode or both; where a cell's two arms can be
 * chosen, also a pair of modes (A/A controls among them). */
#define AGENT_MODE_NAMES "thread|process|both"
#define AGENT_MODE_PAIR_NAMES "thread:process|process:thread|thread:thread|process:process"

/* What --mode asks for, parsed once (agent_modes_parse): one mode, or two
 * measured as interleaved arms of one comparison. */
struct agent_modes {
	enum agent_mode m[2];      /* m[0]; m[1] the second arm (n == 2) */
	int n;                     /* 1, or 2: two arms, interleaved */
	char pair[24];             /* "thread:process": the comparison row's mode */
};
/* --mode: "thread", "process", "both" (= thread:process, as two arms) and,
 * with pairs, any "A:B" (the A/A controls thread:thread and
 * process:process too).  CP_EUSAGE naming the value and what is allowed. */
int agent_modes_parse(const char *s, int pairs, struct agent_modes *out, struct cp_err *e);
const char *agent_mode_name(enum agent_mode m);

struct cp_cset;            /* counters of one agent (counters/counters.h) */
struct cp_counters_cfg;

/* One per agent, in shared memory, alone in its granule(s). */
struct agent_slot {
	int cpu;                /* CPU it was pinned to (OS number) */
	int cpu_seen_before;    /* sched_getcpu() before the timed region */
	int cpu_seen_after;     /* ... and after */
	int rc;                 /* enum cp_exit of the agent */
	char err[256];          /* its message when rc != 0 */
	uint64_t u[8];          /* for the command: checksums, op counts ... */
	uint64_t ctr[CP_MAX_COUNTERS];      /* counts of the timed regions */
	uint8_t ctr_valid[CP_MAX_COUNTERS];
	char ctr_why[256];      /* why counters are not valid */
} CP_PADDED;

/* The control block, mapped shared before the agents start. */
struct agents_shared {
	struct cp_padded_u64 barrier_count;
	struct cp_padded_u64 barrier_gen;
	struct cp_padded_u64 progress;   /* bumped at every barrier: the watchdog's heartbeat */
	struct cp_padded_u64 stop;       /* set by an agent to end the sampling loop (see --target-ci) */
	struct cp_padded_u64 abort;      /* an agent failed: the others leave their barriers */
	unsigned n;
	int hung;                        /* thread mode: the watchdog fired; threads still spin */
	struct agent_slot slot[];
};

struct agent_ctx {
	unsigned id;                 /* 0 .. n-1; agent 0 is "A" */
	unsigned n;
	int cpu;
	enum agent_mode mode;
	struct agents_shared *sh;
	void *arg;                   /* the command's shared state (cfg.arg) */
	struct cp_cset *cs;          /* this agent's counters, or NULL */
};

typedef int (*agent_fn)(struct agent_ctx *c);

struct agents_cfg {
	enum agent_mode mode;
	const enum agent_mode *modes; /* per agent (threads and processes together), or NULL: mode */
	unsigned n;
	const int *cpus;             /* n OS CPU numbers */
	double timeout_s;            /* no progress for this long ends the run (default 10) */
	agent_fn fn;                 /* runs in each agent after it is pinned */
	void *arg;                   /* must live in memory shared across fork (agents_shared_alloc) */
	const struct cp_counters_cfg *counters; /* NULL: no counting */
	/* Words the agents change all through a sample (the ping-pong lines),
	 * or NULL.  A sample may last longer than --timeout (--iters 10^8):
	 * when the heartbeat stalls, the watchdog reads these, and only when
	 * they stopped changing too is a partner hung.  Read only then, so a
	 * normal run's lines never see a third CPU. */
	const volatile uint64_t *activity[2];
};

/* Memory shared by the coordinator and every agent, threads or processes
 * (MAP_SHARED|MAP_ANONYMOUS, zeroed).  Map before agents_run. */
void *agents_shared_alloc(size_t size);
void agents_shared_free(void *p, size_t size);

/* Start the agents, pin each (verified), open its counters, call fn, wait.
 * Returns the first failing agent's code with its message, or the
 * watchdog's.  *shp is the control block (slots) for the caller to read;
 * free it with agents_free. */
int agents_run(const struct agents_cfg *cfg, struct agents_shared **shp, struct cp_err *e);
void agents_free(struct agents_shared *sh);

/* Spin barrier over all n agents (also the watchdog's heartbeat).
 * Returns 0, or -1 when another agent failed: return from the agent then. */
int agents_barrier(struct agent_ctx *c);

/* A spin barrier over a subset of the agents (the agents of one arm),
 * in shared memory, zeroed, with n set.  Bumps the heartbeat like
 * agents_barrier; -1 when another agent failed. */
struct agents_bar {
	struct cp_padded_u64 count;
	struct cp_padded_u64 gen;
	unsigned n;
};
int agents_bar_wait(struct agent_ctx *c, struct agents_bar *b);

/* Record an error from inside an agent and return its code. */
int agent_fail(struct agent_ctx *c, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Check the agent still runs on its CPU (sched_getcpu); record where. */
int agent_check_cpu(struct agent_ctx *c, int after);

/* Bracket a timed region with counting (no-ops without counters).  Counts
 * of several regions add up in the slot. */
void agent_counters_start(struct agent_ctx *c);
void agent_counters_stop(struct agent_ctx *c);
/* The agent's totals so far (between regions: a read, no reset); nothing
 * without counters. */
void agent_counters_totals(struct agent_ctx *c, uint64_t *vals, uint8_t *valid);

#endif
