/* copy_vias.h: the ways `cachepong copy` moves a message from agent A to
 * agent B, as a table: B reading it in place from shared memory, A copying
 * it into shared memory, a pipe, a socketpair, vmsplice, process_vm_readv.
 *
 * One message: A writes it (words seq, seq+1, ... into its source buffer:
 * the shared buffer for `shared`, its private buffer otherwise), hands it
 * over, and waits for B's acknowledgement; B gets it, reads every word
 * (sums them) and checks the sum against the one expected for seq before
 * it acknowledges.  So a stale, torn or short message is an error, and the
 * acknowledgement (one line, spun on) makes the latency per message. */
#ifndef COPY_VIAS_H
#define COPY_VIAS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cp.h"
#include "dsa.h"
#include "timer.h"

/* Shared between the agents (mapped before they start). */
struct cv_pair {
	struct cp_padded_u64 flag;   /* A: number of the message ready (in-place vias) */
	struct cp_padded_u64 ack;    /* B: number of the message read and checked */
	int rfd, wfd;                /* B's and A's ends (pipe, vmsplice, socketpair), else -1 */
	int bufsize;                 /* the pipe's or socket's buffer, bytes; 0 n.a. */
	pid_t pid[2];                /* each agent's process */
	const uint64_t *src_a;       /* A's private buffer in A's address space */
	struct dsa_wq dsa;           /* dsa: the work queue found (A opens it) */
};

/* One agent's view, on its own stack. */
struct cv_side {
	struct cv_pair *p;
	uint64_t *shared;            /* its mapping of the shared buffer, or NULL */
	uint64_t *priv;              /* its private buffer: A's source, B's destination */
	size_t words;                /* message size / 8 */
	const volatile uint64_t *abort; /* set when another agent failed: leave spins */
	uint64_t bytes;              /* B: bytes the transfer calls delivered */
	/* the failure: what was expected and seen, errno, the call */
	uint64_t want, got;
	int err;
	const char *call;
	int unavail;                 /* the failure means "not possible on this machine" */
	struct dsa_engine *eng;      /* dsa: A's open work queue */
};

struct cv_via {
	const char *name;
	const char *what;
	int shared_buf;              /* needs the shared buffer */
	/* coordinator, before the agents start / after they ended */
	int (*setup)(struct cv_pair *p, size_t size, struct cp_err *e);
	void (*teardown)(struct cv_pair *p);
	/* in each agent after both published their pid, before the first
	 * message (process_vm_readv: A lets B read it) */
	int (*prepare)(struct cv_side *s, unsigned side, struct cp_err *e);
	/* `iters` messages from number *seq on; side 0 (A) stores the ticks
	 * from before the first message is written to after the last
	 * acknowledgement.  Returns 0 or -1 with s->want/got/err/call. */
	int (*run)(struct cv_side *s, unsigned side, uint64_t iters, uint64_t *seq,
		   const struct cp_timer *t, uint64_t *ticks);
	/* in each agent at its end (NULL: nothing) */
	void (*finish)(struct cv_side *s, unsigned side);
};

/* Where `--via dsa` looks for sysfs and /dev: "" or a test's fake root. */
#define CV_DSA_ROOT_ENV "CACHEPONG_DSA_ROOT"
const char *cv_dsa_root(void);

/* For a failure with s->unavail: why and what to set (one line). */
void cv_unavail_hint(const struct cv_side *s, char *buf, size_t len);

extern const struct cv_via cv_vias[];
extern const size_t cv_nvias;
const char *cv_via_names(void);

/* The message: word i of message seq is seq + i.  Fill and sum go 8 words
 * (4 x 16-byte vectors: SSE2 / NEON, the baseline ISAs) per iteration with
 * independent accumulators, so they run at memory speed and the scalar
 * dependency chain of `s += w[i]` (one add per cycle) does not hide what
 * the transfer costs.  Buffers are page aligned, the tail is scalar. */
typedef uint64_t cv_vec __attribute__((vector_size(16), may_alias));

static inline void cv_fill(uint64_t *w, size_t n, uint64_t seq)
{
	cv_vec *v = (cv_vec *)w;
	cv_vec x = { seq, seq + 1 }, two = { 2, 2 }, eight = { 8, 8 };
	size_t nv = n / 8, i;

	for (i = 0; i < nv; i++) {
		v[4 * i] = x;
		v[4 * i + 1] = x + two;
		v[4 * i + 2] = x + two + two;
		v[4 * i + 3] = x + two + two + two;
		x += eight;
	}
	for (i = nv * 8; i < n; i++)
		w[i] = seq + i;
}

static inline uint64_t cv_sum(const uint64_t *w, size_t n)
{
	const cv_vec *v = (const cv_vec *)w;
	cv_vec a = { 0, 0 }, b = { 0, 0 }, c = { 0, 0 }, d = { 0, 0 };
	size_t nv = n / 8, i;
	uint64_t s;

	for (i = 0; i < nv; i++) {
		a += v[4 * i];
		b += v[4 * i + 1];
		c += v[4 * i + 2];
		d += v[4 * i + 3];
	}
	a += b + c + d;
	s = a[0] + a[1];
	for (i = nv * 8; i < n; i++)
		s += w[i];
	return s;
}

/* sum of seq + i for i < n, modulo 2^64 */
static inline uint64_t cv_expect(size_t n, uint64_t seq)
{
	uint64_t t = n % 2 ? (uint64_t)(n - 1) / 2 * n : (uint64_t)n / 2 * (n - 1);

	return (uint64_t)n * seq + t;
}

#endif
