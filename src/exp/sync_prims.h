/* sync_prims.h: the blocking primitives `cachepong sync` compares, as a
 * table.  Two agents ping-pong a sequence number through two channels
 * (A->B, B->A): A posts n and waits for n back, B waits for n and posts it
 * back.  Every receipt is checked against the number expected, so a lost,
 * doubled or stale wake-up is an error, not a fast sample.
 *
 * What is measured is the wake-up of a waiter that is asleep in the
 * kernel: before each wait a side announces the number it waits for and
 * its voluntary context switches so far (getrusage), and the other side
 * posts only once that count has moved on (/proc/<tid>/status), i.e. once
 * the waiter has left its CPU inside the wait.  That hold-off is timed on
 * each side and taken out of the round trip, which is then exactly two
 * wake-ups: from the post's system call to the sleeper's return to user
 * space, twice.  Without it a fast partner sometimes posts before the
 * waiter sleeps (a few hundred ns, no wake-up at all) and sometimes after
 * (microseconds): two populations under one median.
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

/* What a side tells the other about its sleep, written by that side. */
struct sy_sleep {
	uint64_t waiting_for;     /* the number it announced it waits for */
	uint64_t nvcsw;           /* its voluntary context switches at that moment */
	uint64_t hold;            /* its hold-offs in the current pass, timer ticks */
	int tid;                  /* its thread id (/proc/<tid>/status) */
} CP_PADDED;

struct sy_pair {
	struct sy_chan ch[2];     /* ch[0]: A -> B, ch[1]: B -> A */
	struct sy_side side[2];
	struct sy_sleep sleep[2];
	int wait_op, wake_op;     /* futex ops: FUTEX_WAIT/WAKE, | FUTEX_PRIVATE_FLAG or not */
	int pshared;              /* processes: PTHREAD_PROCESS_SHARED, pshared semaphores */
};

/* One side's own handle on the other's state: its status file, opened
 * in this side's process (sy_io_open), and how long to wait for it to
 * sleep. */
struct sy_io {
	int status_fd;            /* /proc/<partner tid>/status; -1 before sy_io_open */
	double timeout_s;         /* the partner never sleeping this long is an error */
	const volatile uint64_t *abort;  /* nonzero: another agent failed, stop holding off */
	uint64_t hold;            /* this side's hold-offs in the pass, ticks */
};

/* Publish this side's thread id (before the first barrier of the pair). */
void sy_io_publish(struct sy_pair *p, unsigned side);
/* Open the partner's status file (its id published and seen): 0, or
 * CP_EUNAVAIL naming the file and strerror. */
int sy_io_open(struct sy_io *io, const struct sy_pair *p, unsigned side, double timeout_s,
	       const volatile uint64_t *abort, struct cp_err *e);
void sy_io_close(struct sy_io *io);

struct sy_prim {
	const char *name;
	const char *what;         /* one line for help and docs */
	const char *pp_kernel;    /* non-NULL: not blocking, measured as this ping-pong kernel */
	int has_form;             /* uses the futex form (--futex private|shared) */
	/* coordinator, before the agents start / after they ended */
	int (*setup)(struct sy_pair *p, int pshared, int futex_shared, struct cp_err *e);
	void (*teardown)(struct sy_pair *p);
	/* One agent's part of `iters` round trips from sequence number *seq on,
	 * each post made only to a partner asleep in its wait.  Side 0 (A)
	 * posts first and stores in *ticks the time from before its first
	 * hold-off to after its last receipt, less both sides' hold-offs; side
	 * 1 (B) answers.  Returns 0, or -1 with p->side[side] saying what was
	 * received (a hold-off that failed: call "hold-off"). */
	int (*run)(struct sy_pair *p, unsigned side, uint64_t iters, uint64_t *seq, struct sy_io *io,
		   const struct cp_timer *t, uint64_t *ticks);
	/* single steps, for tests: post number n on ch / wait for number n */
	int (*post)(struct sy_pair *p, unsigned ch, uint64_t n);
	int (*wait)(struct sy_pair *p, unsigned ch, uint64_t n, struct sy_side *s);
};

extern const struct sy_prim sy_prims[];
extern const size_t sy_nprims;

/* "futex|mutex|...": the names in table order. */
/* --futex: the word of a process-private futex, of a shared one, or both as arms */
#define SY_FUTEX_NAMES "private|shared|private:shared"
const char *sy_prim_names(void);

#endif
