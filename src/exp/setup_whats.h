/* setup_whats.h: the operations `cachepong setup` times, as a table: what
 * it costs to create, attach, first-touch, populate, detach and fork with
 * shared memory of one kind and size, next to private memory.
 *
 * One agents_run per cell; each sample uses its own object, created by the
 * coordinator before the agents start (so forked processes inherit fds and
 * anonymous shared mappings, as shm.h wants), never touched before the
 * sample that uses it.  Warm-up samples run the same code first, so every
 * page fault a timed sample counts is one of the memory measured. */
#ifndef SETUP_WHATS_H
#define SETUP_WHATS_H

#include <stddef.h>
#include <stdint.h>

#include "agents.h"
#include "sampler.h"
#include "setup_common.h"
#include "shm.h"
#include "timer.h"

#define SU_ROLES 2

struct su_shared;

/* A row of a measurement: its kernel name, the agent that timed it and
 * the page faults per page it must count when a page-fault counter works
 * (-1: not checked). */
struct su_role {
	const char *kernel;
	unsigned agent;
	int faults_per_page;
};

struct su_what {
	const char *name;
	const char *what;            /* one line, for help and docs */
	int needs_obj;               /* the coordinator creates one object per sample */
	int needs_attachable;        /* only kinds with an object to map again (or private) */
	int uses_others;             /* 1 + --others agents; else `agents` */
	int verifies;                /* touches the memory and checks it (mincore, smaps) */
	unsigned agents;
	unsigned nroles;
	struct su_role role[SU_ROLES];
	/* one sample, run by every agent; k: the sample's object */
	int (*sample)(struct agent_ctx *c, struct su_shared *P, uint64_t k, int timed);
};

/* Shared by the coordinator and the agents (agents_shared_alloc). */
struct su_shared {
	const struct su_what *what;
	struct sampler smp;          /* iters 1: a sample is one object's step; v = ns[0] */
	const char *kind, *pages;    /* shm.c names */
	size_t size;                 /* asked size */
	size_t page_size, npages;    /* of the objects (rounded size / page) */
	int mem_node;                /* --mem-node, or -1 */
	int node_seen;               /* node of the first page after the first touch, -1 unknown */
	struct cp_padded_u64 release; /* detach: the others stop spinning */
	struct cp_shm *obj;          /* [warmup + samples], in this shared block */
	double *ns[SU_ROLES];        /* [samples] per role: total ns of the operation */
};

extern const struct su_what su_whats[];
extern const size_t su_nwhats;
const char *su_what_names(void);

/* Every agent: the sampler's loop (sampler.h) over the what's sample,
 * smp.warmup + smp.samples times, one object each. */
int su_agent(struct agent_ctx *c);

/* Whether a kind has something a second mapping can attach to (SysV,
 * POSIX, memfd) or is the private baseline (where "attach" is a fresh
 * private mapping); anonymous shared memory is only inherited. */
int su_kind_attachable(const char *kind, struct cp_err *e);

/* One write per page (the first touch) / one read per page. */
void su_touch(char *a, size_t len, size_t page);
void su_read(const char *a, size_t len, size_t page);

#endif
