/* sync_prims.h: the blocking primitives `cachepong sync` compares, as a
 * table.  Two agents ping-pong a sequence number through two channels
 * (A->B, B->A): A posts n and waits for n back, B waits for n and posts it
 * back.  Every receipt is checked against the number expected, so a lost,
 * doubled or stale wake-up is an error, not a fast sample.
 *
 * The pair lives in memory shared by both agents (threads or forked
 * processes), set up by the coordinator before the agents start. */
#ifndef SYNC_PRIMS_H
#define SYNC_PRIMS_H

#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>

#include "cp.h"
#include "timer.h"

/* One direction.  Each primitive uses its own fields. */
struct sy_chan {
	uint32_t word;            /* futex: the low 32 bits of the last number posted */
	uint64_t msg;             /* sem, eventfd, mutex: the last number posted */
	pthread_mutex_t mu;       /* mutex */
	pthread_cond_t cv;
	sem_t sem;                /* sem */
	int rfd, wfd;             /* eventfd (same fd), pipe (read, write end) */
} CP_PADDED;

/* What the last failed receipt saw, per side. */
struct sy_side {
	uint64_t want, got;
	int err;                  /* errno of a failed call, 0 for a wrong number */
	const char *call;         /* the call that failed or received the number */
} CP_PADDED;

struct sy_pair {
	struct sy_chan ch[2];     /* ch[0]: A -> B, ch[1]: B -> A */
	struct sy_side side[2];
	int wait_op, wake_op;     /* futex ops: FUTEX_WAIT/WAKE, | FUTEX_PRIVATE_FLAG or not */
	int pshared;              /* processes: PTHREAD_PROCESS_SHARED, pshared semaphores */
};

struct sy_prim {
	const char *name;
	const char *what;         /* one line for help and docs */
	const char *pp_kernel;    /* non-NULL: not blocking, measured as this ping-pong kernel */
	int has_form;             /* uses the futex form (--futex private|shared) */
	/* coordinator, before the agents start / after they ended */
	int (*setup)(struct sy_pair *p, int pshared, int futex_shared, struct cp_err *e);
	void (*teardown)(struct sy_pair *p);
	/* One agent's part of `iters` round trips from sequence number *seq on.
	 * Side 0 (A) posts first and stores the ticks from before its first
	 * post to after its last receipt in *ticks; side 1 (B) answers.
	 * Returns 0, or -1 with p->side[side] saying what was received. */
	int (*run)(struct sy_pair *p, unsigned side, uint64_t iters, uint64_t *seq,
		   const struct cp_timer *t, uint64_t *ticks);
	/* single steps, for tests: post number n on ch / wait for number n */
	int (*post)(struct sy_pair *p, unsigned ch, uint64_t n);
	int (*wait)(struct sy_pair *p, unsigned ch, uint64_t n, struct sy_side *s);
};

extern const struct sy_prim sy_prims[];
extern const size_t sy_nprims;

/* "futex|mutex|...": the names in table order. */
const char *sy_prim_names(void);

#endif
