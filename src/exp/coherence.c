/* coherence.c: one coherence-state cell (coherence.h).
 *
 * Agents: 0 measures (the timed one), 1 prepares, 2 is the second reader
 * of state S.  Per sample, between barriers: the preparer (or, for the
 * local baselines, the measuring agent) puts every line into the state,
 * the third agent reads them for S, then agent 0 alone runs the kernel over
 * all lines between two fenced stamps.  Nothing is timed but the kernel;
 * every sample has a fresh preparation, and the previous sample's lines
 * (Modified in the measuring cache after a store or an atomic) are taken
 * away by it: a write or a flush invalidates every other copy.
 *
 * The lines: COH_LINES of them over COH_PAGES pages, one per pair of
 * granules (the adjacent-line prefetcher's buddy is never measured), spread
 * evenly over the cache sets, visited in a random order fixed per cell.
 * 256 lines = 16 KiB fit any L1d (the local baselines stay in L1) and 32
 * pages the L1 DTLB, so neither capacity nor TLB misses enter the figure.
 * Each agent turns the shared offsets into addresses of its own mapping
 * (processes may map the memory at different addresses). */
#include "coherence.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coherence_ops.h"
#include "rows.h"
#include "counters.h"
#include "shm.h"
#include "stats.h"
#include "topo.h"

#define COH_LINES 256
#define COH_PAGES 32
#define COH_PAGE_BYTES 4096
/* The code of the addresses the kernel reads (kernels/coherence.c): bit 63
 * set, so that no encoded address looks like a user-space pointer to a
 * prefetcher that follows pointers; the other bits are arbitrary. */
#define COH_ADDR_KEY 0xd1b54a32d192ed03ull
/* a sample is one operation on each line: no calibration */
static const struct sampler_tune coh_tune = { .cal_iters = COH_LINES, .iters_lo = COH_LINES,
					      .iters_hi = COH_LINES, .sample_ns = 1 };

static const char *const state_names[] = {
#define COH_NAME(n, what) #n,
	COH_STATES(COH_NAME)
#undef COH_NAME
};

const char *coh_state_name(enum coh_state s)
{
	return s < COH_NSTATES ? state_names[s] : "?";
}

const char *coh_state_names(void)
{
	return "M|E|S|I";
}

struct coh_shared {
	struct cp_shm shm;
	struct sampler smp;
	const struct kernel *k;
	enum coh_state state;
	int self, mem_node, node_seen;
	uint64_t sum_bad;                  /* load chase did not come back to its start */
	char node_why[200];
	uint64_t off[COH_LINES];           /* the lines' offsets, in visiting order */
	double v[];                        /* per sample: ns per operation */
};

/* Offsets: line j of page p in set (p * per_page + j) mod pairs, so each
 * set holds the same number of lines; then a seeded shuffle (xorshift). */
static void lay_out(uint64_t *off, int granule)
{
	unsigned pairs = COH_PAGE_BYTES / (2u * (unsigned)granule), per_page = COH_LINES / COH_PAGES;
	uint64_t x = 0x9e3779b97f4a7c15ull;

	for (unsigned i = 0; i < COH_LINES; i++) {
		unsigned p = i / per_page, j = i % per_page;

		off[i] = (uint64_t)p * COH_PAGE_BYTES + (uint64_t)((p * per_page + j) % pairs) * 2u * (unsigned)granule;
	}
	for (unsigned i = COH_LINES - 1; i > 0; i--) {
		unsigned r;
		uint64_t t;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		r = (unsigned)(x % (i + 1));
		t = off[i];
		off[i] = off[r];
		off[r] = t;
	}
}

/* Agent 0, once: bind, first-touch, chain word 0 of each line to the next
 * line (in its own addresses, encoded: only it chases), check page kind
 * and node. */
static int first_touch(struct agent_ctx *c, struct coh_shared *P, char *base, const uint64_t *addr)
{
	struct cp_err e = { 0 };

	if (P->mem_node >= 0 && shm_bind_node(base, P->shm.size, P->mem_node, &e))
		return agent_fail(c, e.code, "%s", e.msg);
	for (unsigned i = 0; i < COH_LINES; i++)
		*(uint64_t *)addr[i] = addr[(i + 1) % COH_LINES] ^ COH_ADDR_KEY;
	if (shm_verify_pages(&P->shm, base, &e))
		return agent_fail(c, e.code, "%s", e.msg);
	P->node_seen = shm_node_of(base, &e);
	if (P->node_seen < 0)
		snprintf(P->node_why, sizeof(P->node_why), "%.190s", e.msg);
	if (P->mem_node >= 0 && P->node_seen != P->mem_node)
		return agent_fail(c, CP_EUNAVAIL,
				  "not available on this machine: the lines were asked on node %d but sit on node %d",
				  P->mem_node, P->node_seen);
	return 0;
}

/* Each agent's view: the lines at its own addresses. */
struct coh_agent_state {
	const struct coh_shared *P;
	uint64_t addr[COH_LINES];          /* for preparing the states */
	uint64_t enc[COH_LINES];           /* the same, XOR COH_ADDR_KEY: the kernel's */
	uint64_t sum, nprep;
};

/* Before each sample, every agent: its part of preparing the state, ending
 * with a barrier so that the measuring agent starts on prepared lines. */
static int coh_prepare(struct agent_ctx *c, void *st, uint64_t pub)
{
	struct coh_agent_state *a = st;
	const struct coh_shared *P = a->P;
	unsigned preparer = P->self ? 0 : 1;

	if (c->id == preparer) {
		if (P->state == COH_M)
			coh_write(a->addr, COH_LINES, pub);
		else
			coh_flush(a->addr, COH_LINES);
		if (P->state == COH_E || P->state == COH_S)
			coh_read(a->addr, COH_LINES);
	}
	if (agents_barrier(c))
		return -1;
	if (P->state == COH_S) {
		if (c->id == 2)
			coh_read(a->addr, COH_LINES);
		if (agents_barrier(c))
			return -1;
	}
	return 0;
}

/* The timed pass: agent 0 does the operation once on every line (the
 * kernel's loop); the others wait at the next gate. */
static int coh_pass(struct agent_ctx *c, void *st, uint64_t iters, uint64_t *ticks)
{
	struct coh_agent_state *a = st;
	struct kres kr;

	(void)ticks;
	if (c->id)
		return 0;
	a->P->k->fn(&(struct kargs){ .mine = a->enc, .iters = iters, .in = 0, .key = COH_ADDR_KEY }, &kr);
	a->sum = kr.sum;
	return 0;
}

/* The load chase went once round the cycle: every load happened. */
static int coh_after(struct agent_ctx *c, void *st, int64_t idx, uint64_t iters, double ns, double *value)
{
	struct coh_agent_state *a = st;
	struct coh_shared *P = c->arg;

	(void)idx;
	(void)iters;
	(void)ns;
	(void)value;
	if (c->id == 0 && !strcmp(P->k->name, "load") && a->sum != a->addr[0])
		P->sum_bad = 1;
	return 0;
}

/* The measuring agent's samples so far: a new value for each M preparation. */
static uint64_t coh_publish(void *st)
{
	return ++((struct coh_agent_state *)st)->nprep;
}

static const struct sampler_ops coh_ops = { .publish = coh_publish, .prepare = coh_prepare, .pass = coh_pass,
					    .after = coh_after };

static int coh_agent(struct agent_ctx *c)
{
	struct coh_shared *P = c->arg;
	struct coh_agent_state a = { .P = P };
	struct cp_err e = { 0 };
	char *base = P->shm.addr;
	int rc = 0;

	if (c->mode == AGENT_PROCESS && shm_attach(&P->shm, (void **)&base, &e))
		return agent_fail(c, e.code, "agent %u: %s", c->id, e.msg);
	for (unsigned i = 0; i < COH_LINES; i++) {
		a.addr[i] = (uint64_t)(base + P->off[i]);
		a.enc[i] = a.addr[i] ^ COH_ADDR_KEY;
	}
	if (c->id == 0 && (rc = first_touch(c, P, base, a.addr)))
		goto out;
	if (agents_barrier(c))
		goto out;
	rc = sampler_run(c, &P->smp, &coh_ops, &a);
out:
	if (base != P->shm.addr)
		shm_detach(&P->shm, base);
	return rc > 0 ? rc : c->sh->slot[c->id].rc;
}

static void fill_row(const struct coh_run *r, const struct coh_cell *c, const struct coh_shared *P,
		     struct cp_row *row)
{
	memset(row, 0, sizeof(*row));
	row->experiment = "coherence";
	row->kernel = c->k->name;
	row->impl = c->k->impl;
	row->mode = agent_mode_name(c->mode);
	row->shm = shm_kind_name(&P->shm);
	row->pages = shm_page_name(&P->shm);
	row_ext_set(row, COL_state, coh_state_name(c->state));
	row_ext_set(row, COL_holder, c->holder);
	row->placement = c->placement;
	if (c->third >= 0)
		snprintf(row->cpus, sizeof(row->cpus), "%d;%d;%d", c->prep, c->meas, c->third);
	else
		snprintf(row->cpus, sizeof(row->cpus), "%d;%d", c->prep, c->meas);
	row->mem_node = P->node_seen;
	row->size_bytes = (uint64_t)r->granule;
	row->agents = c->third >= 0 ? 3 : 2;
	row->samples = P->smp.nsamples;
	row->iters_per_sample = COH_LINES;
	row->sample_ns = sampler_sample_ns(&P->smp);
	row->stop = sampler_stop(&P->smp);
	row->metric = "op_latency";
	row->unit = "ns";
	row->ticks_per_ns = r->smp.timer.has_cycles ? r->smp.timer.ticks_per_ns : 0;
}

static struct coh_shared *shared_new(const struct coh_run *r, const struct coh_cell *c, int node,
				     size_t *psize, struct cp_err *e)
{
	struct coh_shared *P;
	const char *shm = r->shm ? r->shm : c->mode == AGENT_PROCESS ? "anon" : "heap";

	*psize = sizeof(*P) + sampler_max_samples(&r->smp) * sizeof(double);
	P = agents_shared_alloc(*psize);
	/* a fresh mapping per cell: no line has been in any cache */
	if (shm_create(&P->shm, shm, r->pages, (size_t)COH_PAGES * COH_PAGE_BYTES, e)) {
		agents_shared_free(P, *psize);
		return NULL;
	}
	sampler_init(&P->smp, &r->smp, &coh_tune, P->v);
	P->smp.iters = COH_LINES;
	P->k = c->k;
	P->state = c->state;
	P->self = c->self;
	P->mem_node = node;
	P->node_seen = -1;
	lay_out(P->off, r->granule);
	return P;
}

int coh_measure(const struct coh_run *r, const struct coh_cell *c, struct cp_row *row, double **raw,
		struct cp_sink *sink, struct cp_err *e)
{
	int cpus[3] = { c->meas, c->prep, c->third };
	struct agents_cfg cfg = { .mode = c->mode, .n = c->third >= 0 ? 3 : 2, .cpus = cpus,
				  .timeout_s = r->timeout_s, .fn = coh_agent, .counters = r->counters };
	struct agents_shared *sh = NULL;
	struct coh_shared *P;
	size_t psize;
	int node = -1, rc;

	if (c->mem_spec && (rc = topo_mem_node(r->topo, c->mem_spec, c->prep, c->meas, &node, e)))
		return rc;
	if (!(P = shared_new(r, c, node, &psize, e)))
		return e->code;
	cfg.arg = P;
	counters_marker_start(c->k->name);
	rc = agents_run(&cfg, &sh, e);
	counters_marker_stop(c->k->name);
	if (!rc && r->arm_ctr)
		exp_arm_ctr_add(r->counters, r->arm_ctr, r->arm, sh);
	if (!rc && P->sum_bad)
		rc = cp_errf(e, CP_ERUN, "coherence: the load chase did not come back to its first line: "
			     "a line's chain word was overwritten");
	if (!rc) {
		fill_row(r, c, P, row);
		stats_compute(P->v, P->smp.nsamples, &row->st);
		*raw = cp_xcalloc(P->smp.nsamples, sizeof(double));
		memcpy(*raw, P->v, P->smp.nsamples * sizeof(double));
		row->raw = *raw;
		row->nraw = P->smp.nsamples;
		/* an arm's block: its counts go to the arm's sum (arm_ctr) */
		if (r->counters && !r->arm_ctr)
			exp_counters_row(sh, r->counters, (double)(P->smp.nsamples * COH_LINES), row, sink);
		if (P->node_seen < 0 && sink)
			result_meta_note(sink, "node of the lines unknown: %s", P->node_why);
	}
	if (sh && sh->hung)
		return rc; /* threads still spin on P: the caller exits */
	agents_free(sh);
	shm_destroy(&P->shm);
	agents_shared_free(P, psize);
	return rc;
}
