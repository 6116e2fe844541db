/* cmd_copy.c: `cachepong copy` — copy or share?  For each message size,
 * placement and mode: the latency of one message from A to B (A writes it,
 * B has read all of it and acknowledged) and the throughput that makes,
 * through each via of copy_vias.c.
 *
 * Per sample, after a gate, A times `iters` messages, one in flight; B
 * checks every message's checksum and, for the vias that transfer, that
 * the calls delivered exactly size x messages bytes.  The warm-up samples
 * also size a ~2 ms sample, at least one message (sampler.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "request.h"
#include "rows.h"
#include "names.h"
#include "experiment.h"
#include "copy_vias.h"
#include "counters.h"
#include "parse.h"
#include "setup_common.h"
#include "shm.h"
#include "stats.h"
#include "timer.h"
#include "topo.h"

/* a sample: ~2 ms of messages, at least one */
/* What copy is asked: the shared options and its own. */
struct copy_req {
	struct exp_req c;
	const char *via, *sizes;
};

#define T struct copy_req
static const struct req_opt copy_opts[] = {
	REQ_OPTS_PLACE(T), REQ_OPTS_TIMING(T, "20", "2"), REQ_OPT_ITERS(T), REQ_OPT_TARGET_CI(T), REQ_OPTS_COUNTERS(T),
	REQ_OPTS_OUTPUT(T), REQ_OPTS_MEMORY(T), REQ_OPT_MODE(T, "both"), REQ_OPT_MARGIN(T), REQ_OPT(T, via, via, "all"),
	REQ_OPT(T, sizes, sizes, "64,1K,4K,16K,64K,256K,1M,4M,16M"),
};
#undef T

static const struct sampler_tune cv_tune = { .sample_ns = 2e6, .cal_iters = 2, .iters_lo = 1,
					     .iters_hi = 10000000 };

struct cv_shared {
	struct cv_pair pair;
	struct cp_shm shm;                /* the shared buffer, for vias that need it */
	int has_shm, mem_node, node_seen;
	const struct cv_via *via;
	struct sampler smp;
	size_t size;
	uint64_t expect, bytes, seq[2];
	/* CPU time of each side (0: A, the sender; 1: B, the receiver) */
	uint64_t nv;                      /* room per array of v */
	/* user, system time from the start of the first timed sample to the
	 * end of the last (getrusage: the kernel splits a thread's time at its
	 * ticks, so only a span of many samples has a split worth reading) */
	uint64_t ru_start[2][2], ru_ns[2][2];
	int cpu_ok[2];                    /* its clocks could be read */
	/* per timed sample: ns per message (A's), then each side's CPU ns
	 * per message (its thread CPU clock): v[0 .. nv), v[nv (1 + side) ..) */
	double v[];
};

/* A's and B's buffers: the shared one (own mapping in a process) and a
 * private one, touched here so no page fault falls in a timed region. */
static int buffers(struct agent_ctx *c, struct cv_shared *P, struct cv_side *s)
{
	struct cp_err e = { 0 };

	if (P->has_shm) {
		void *a = P->shm.addr;

		if (c->mode == AGENT_PROCESS && shm_attach(&P->shm, &a, &e))
			return agent_fail(c, e.code, "agent %u: %s", c->id, e.msg);
		s->shared = a;
		if (c->id == 0) {
			if (P->mem_node >= 0 && shm_bind_node(a, P->shm.size, P->mem_node, &e))
				return agent_fail(c, e.code, "%s", e.msg);
			memset(a, 0, P->size);
			if (shm_verify_pages(&P->shm, a, &e))
				return agent_fail(c, e.code, "%s", e.msg);
			P->node_seen = shm_node_of(a, &e);
		}
	}
	s->priv = mmap(NULL, P->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (s->priv == MAP_FAILED) {
		s->priv = NULL;
		return agent_fail(c, CP_ERUN, "agent %u: mmap of a %zu-byte buffer failed", c->id, P->size);
	}
	memset(s->priv, 0, P->size);
	return 0;
}

static int via_failed(struct agent_ctx *c, struct cv_shared *P, const struct cv_side *s)
{
	char hint[400];

	if (s->unavail) {
		cv_unavail_hint(s, hint, sizeof(hint));
		return agent_fail(c, CP_EUNAVAIL, "%s", hint);
	}
	return agent_fail(c, CP_ERUN, "copy %s %zu bytes: agent %c: %s: expected %llu, got %llu%s%s",
			  P->via->name, P->size, c->id ? 'B' : 'A', s->call, (unsigned long long)s->want,
			  (unsigned long long)s->got, s->err ? ": " : "", s->err ? strerror(s->err) : "");
}

struct cv_agent_state {
	struct cv_shared *P;
	struct cv_side s;
	uint64_t seq, expect;
	uint64_t cpu0, user0, sys0;       /* this thread's CPU clocks before the sample */
};

static uint64_t tv_ns(const struct timeval *t)
{
	return (uint64_t)t->tv_sec * 1000000000ull + (uint64_t)t->tv_usec * 1000ull;
}

/* This thread's CPU time (its clock) and its user and system parts
 * (getrusage); 0 when a clock cannot be read. */
static int cpu_now(uint64_t *cpu, uint64_t *user, uint64_t *sys)
{
	struct timespec ts;
	struct rusage ru;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) || getrusage(RUSAGE_THREAD, &ru))
		return 0;
	*cpu = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	*user = tv_ns(&ru.ru_utime);
	*sys = tv_ns(&ru.ru_stime);
	return 1;
}

/* Before each sample, untimed: the thread's CPU clocks (clock_gettime and
 * getrusage: 0.45-0.48 us the pair on the Intel guest, outside the via's
 * stamps; about one pair falls inside the sample's CPU time, i.e. under
 * 0.5 us per sample, spread over its messages). */
static int cv_prepare(struct agent_ctx *c, void *st, uint64_t pub)
{
	struct cv_agent_state *a = st;

	(void)pub;
	a->P->cpu_ok[c->id] = cpu_now(&a->cpu0, &a->user0, &a->sys0);
	return 0;
}

/* After each sample: a timed one's CPU time per message, and the user
 * and system time since the first timed one began. */
static int cv_after(struct agent_ctx *c, void *st, int64_t idx, uint64_t iters, double ns, double *value)
{
	struct cv_agent_state *a = st;
	struct cv_shared *P = a->P;
	uint64_t cpu, user, sys;

	(void)ns;
	(void)value;
	if (idx < 0 || (uint64_t)idx >= P->nv || !P->cpu_ok[c->id])
		return 0;
	if (!(P->cpu_ok[c->id] = cpu_now(&cpu, &user, &sys)))
		return 0;
	P->v[P->nv * (1 + c->id) + (uint64_t)idx] = (double)(cpu - a->cpu0) / (double)(iters ? iters : 1);
	if (idx == 0) {
		P->ru_start[c->id][0] = a->user0;
		P->ru_start[c->id][1] = a->sys0;
	}
	P->ru_ns[c->id][0] = user - P->ru_start[c->id][0];
	P->ru_ns[c->id][1] = sys - P->ru_start[c->id][1];
	return 0;
}

/* The timed pass: `iters` messages through the via, which stamps around
 * them itself (A sends and waits for the acknowledgement; B checks). */
static int cv_pass(struct agent_ctx *c, void *st, uint64_t iters, uint64_t *ticks)
{
	struct cv_agent_state *a = st;
	struct cv_shared *P = a->P;
	int rc = P->via->run(&a->s, c->id, iters, &a->seq, &P->smp.timer, ticks);

	a->expect += iters;
	if (!rc)
		return 0;
	return __atomic_load_n(&c->sh->abort.v, __ATOMIC_ACQUIRE) ? costs_agent_left(c) : via_failed(c, P, &a->s);
}

static const struct sampler_ops cv_ops = { .prepare = cv_prepare, .pass = cv_pass, .after = cv_after,
					  .self_timed = 1 };

static int cv_agent(struct agent_ctx *c)
{
	struct cv_shared *P = c->arg;
	struct cp_err e = { 0 };
	struct cv_agent_state a = { .P = P, .s = { .p = &P->pair, .words = P->size / sizeof(uint64_t),
						   .abort = &c->sh->abort.v } };
	unsigned side = c->id;
	int rc;

	if ((rc = buffers(c, P, &a.s)))
		goto out;
	P->pair.pid[side] = getpid();
	if (agents_barrier(c)) {
		rc = -1;
		goto out;
	}
	if ((rc = P->via->prepare(&a.s, side, &e))) {
		rc = agent_fail(c, e.code, "%s", e.msg);
		goto out;
	}
	if ((rc = sampler_run(c, &P->smp, &cv_ops, &a)))
		goto out;
	P->seq[side] = a.seq;
	if (side == 0)
		P->expect = a.expect;
	else
		P->bytes = a.s.bytes;
out:
	if (P->via->finish)
		P->via->finish(&a.s, side);
	if (a.s.priv)
		munmap(a.s.priv, P->size);
	if (a.s.shared && (void *)a.s.shared != P->shm.addr)
		shm_detach(&P->shm, a.s.shared);
	return rc > 0 ? rc : rc < 0 ? c->sh->slot[c->id].rc : 0;
}

/* Each side's CPU time per message, per timed sample, and its user and
 * system time over the span of its runs' samples (n samples). */
struct cv_cpu {
	double *v[2];
	uint64_t n, msgs, ru_ns[2][2];
	int ok;
};

struct cv_cell {
	const struct cv_via *via;
	enum agent_mode mode;
	int cpus[2];
	const char *placement;
	uint64_t size;
	const char *kind;
	/* what the last run saw, for the rows */
	const char *shm, *pages;
	int node_seen, bufsize;
	struct exp_arm_ctr ctr;   /* interleaved arms: each arm's counts */
	struct cv_cpu cpu[2];     /* interleaved arms: each arm's CPU time */
};

/* Append the n samples of run P (its CPU time) to cpu. */
static void cpu_add(struct cv_cpu *cpu, const struct cv_shared *P, uint64_t n, uint64_t iters)
{
	if (!cpu->n)
		cpu->ok = 1;
	cpu->ok &= P->cpu_ok[0] && P->cpu_ok[1];
	for (int side = 0; side < 2; side++) {
		cpu->v[side] = cp_xrealloc(cpu->v[side], (size_t)(cpu->n + n) * sizeof(double));
		memcpy(cpu->v[side] + cpu->n, P->v + P->nv * (1 + (uint64_t)side), (size_t)n * sizeof(double));
		for (int k = 0; k < 2; k++)
			cpu->ru_ns[side][k] += P->ru_ns[side][k];
	}
	cpu->n += n;
	cpu->msgs += n * iters;
}

static void cpu_free(struct cv_cpu *cpu)
{
	free(cpu->v[0]);
	free(cpu->v[1]);
	memset(cpu, 0, sizeof(*cpu));
}


static int check_counts(const struct cv_cell *cell, const struct cv_shared *P, struct cp_err *e)
{
	if (P->seq[0] != P->expect || P->seq[1] != P->expect)
		return cp_errf(e, CP_ERUN, "copy %s: A sent %llu messages, B received %llu, expected %llu",
			       cell->via->name, (unsigned long long)P->seq[0], (unsigned long long)P->seq[1],
			       (unsigned long long)P->expect);
	if (!cell->via->shared_buf && P->bytes != P->expect * cell->size)
		return cp_errf(e, CP_ERUN, "copy %s: B received %llu bytes in %llu messages of %llu bytes",
			       cell->via->name, (unsigned long long)P->bytes, (unsigned long long)P->expect,
			       (unsigned long long)cell->size);
	return 0;
}

/* The fields of a row every copy row sets the same way. */
static void cv_row(const struct costs *c, const struct cv_cell *cell, struct cp_row *row)
{
	costs_row(c, row, "copy", cell->mode, cell->cpus, 2, cell->placement);
	row->kernel = cell->via->name;
	row->shm = cell->shm;
	row->pages = cell->pages;
	row->mem_node = cell->node_seen;
	row->size_bytes = cell->size;
}

/* How the values of a row were sampled. */
struct cv_sampled {
	uint64_t n, iters;
	double sample_ns;
	const char *stop;
};

/* The latency and throughput rows of s->n values v (ns per message). */
static int emit(struct costs *c, const struct cv_cell *cell, const double *v, const struct cv_sampled *s,
		const struct agents_shared *sh, struct cp_err *e)
{
	uint64_t n = s->n, iters = s->iters;
	double *gbs = cp_xcalloc(n ? n : 1, sizeof(double));
	char note[64] = "";
	int rc = 0;

	for (uint64_t i = 0; i < n; i++)
		gbs[i] = (double)cell->size / v[i]; /* bytes per ns = GB/s */
	if (cell->bufsize > 0)
		snprintf(note, sizeof(note), "%s buffer %d bytes", cell->via->name, cell->bufsize);
	for (int m = 0; m < 2 && !rc; m++) {
		struct cp_row row;

		cv_row(c, cell, &row);
		row.samples = n;
		row.iters_per_sample = iters;
		row.sample_ns = s->sample_ns;
		row.stop = s->stop;
		row.metric = m ? "throughput" : "latency";
		row.unit = m ? "GB/s" : "ns";
		if (m)
			row.ticks_per_ns = 0;
		row.note = note[0] ? note : NULL;
		stats_compute(m ? gbs : v, n, &row.st);
		row.raw = m ? gbs : v;
		row.nraw = n;
		if (c->run.counters && sh)
			exp_counters_row(sh, c->run.counters, (double)(n * iters), &row, c->sink);
		rc = result_add(c->sink, &row, e);
	}
	free(gbs);
	return rc;
}

/* The CPU-time rows: each side's CPU time per message (its thread's clock,
 * per timed sample), with its user and system parts over the samples. */
static int emit_cpu(struct costs *c, const struct cv_cell *cell, const struct cv_sampled *s,
		    const struct cv_cpu *cpu, const struct agents_shared *sh, struct cp_err *e)
{
	static const char *const metric[2] = { "cpu_sender", "cpu_receiver" };
	int rc = 0;

	if (!cpu->ok) {
		result_meta_note(c->sink, "copy %s: no CPU time: a thread CPU clock could not be read", cell->via->name);
		return 0;
	}
	for (int side = 0; side < 2 && !rc; side++) {
		char note[160];
		struct cp_row row;

		cv_row(c, cell, &row);
		row.samples = cpu->n;
		row.iters_per_sample = s->iters;
		row.sample_ns = s->sample_ns;
		row.stop = s->stop;
		row.metric = metric[side];
		row.unit = "ns/message";
		row.ticks_per_ns = 0;
		{
			double all = (double)(cpu->ru_ns[side][0] + cpu->ru_ns[side][1]);

			if (all > 0)
				snprintf(note, sizeof(note), "system %.0f%% of its CPU time (getrusage from its first to "
					 "its last timed sample; the kernel splits user and system at its ticks)",
					 100 * (double)cpu->ru_ns[side][1] / all);
			else
				snprintf(note, sizeof(note), "user and system not split: the span was under one tick");
		}
		row.note = note;
		stats_compute(cpu->v[side], cpu->n, &row.st);
		row.raw = cpu->v[side];
		row.nraw = cpu->n;
		/* the counts of the same runs, per message, as on its latency row */
		if (c->run.counters && sh)
			exp_counters_row(sh, c->run.counters, (double)(s->n * s->iters), &row, c->sink);
		else
			exp_counters_none(c->run.counters, &row);
		rc = result_add(c->sink, &row, e);
	}
	return rc;
}

/* One run of the pair with req: P with its values and the agents' slots,
 * checked; cv_run_free ends it. */
struct cv_run {
	struct cv_shared *P;
	size_t psize;
	struct agents_shared *sh;
	int set_up;
};

static int cv_run(struct costs *c, struct cv_cell *cell, const struct sampler_req *req, struct cv_run *r,
		  struct cp_err *e)
{
	struct agents_cfg cfg = { .mode = cell->mode, .n = 2, .cpus = cell->cpus, .timeout_s = c->run.timeout_s,
				  .fn = cv_agent, .counters = c->run.counters };
	struct cv_shared *P;
	int rc = 0;

	memset(r, 0, sizeof(*r));
	r->psize = sizeof(struct cv_shared) + 3 * sampler_max_samples(req) * sizeof(double);
	P = r->P = cfg.arg = agents_shared_alloc(r->psize);
	P->nv = sampler_max_samples(req);
	P->via = cell->via;
	sampler_init(&P->smp, req, &cv_tune, P->v);
	P->size = cell->size;
	P->mem_node = P->node_seen = -1;
	P->pair.rfd = P->pair.wfd = -1;
	if (c->q->mem.mem_node)
		rc = topo_mem_node(c->run.topo, c->q->mem.mem_node, cell->cpus[0], cell->cpus[1], &P->mem_node, e);
	if (!rc && cell->via->shared_buf && !(rc = shm_create(&P->shm, cell->kind, c->q->mem.pages, cell->size, e)))
		P->has_shm = 1;
	if (rc || (rc = cell->via->setup(&P->pair, cell->size, e)))
		return rc;
	r->set_up = 1;
	rc = agents_run(&cfg, &r->sh, e);
	if (rc || costs_interrupted(c) || (rc = check_counts(cell, P, e)))
		return rc;
	cell->shm = P->has_shm ? shm_kind_name(&P->shm) : NULL;
	cell->pages = P->has_shm ? shm_page_name(&P->shm) : NULL;
	cell->node_seen = P->has_shm ? P->node_seen : -1;
	cell->bufsize = P->pair.bufsize;
	return 0;
}

static void cv_run_free(const struct cv_cell *cell, struct cv_run *r)
{
	if (r->sh && r->sh->hung)
		return; /* a thread still blocks on the pair: the caller exits */
	if (r->set_up)
		cell->via->teardown(&r->P->pair);
	agents_free(r->sh);
	if (r->P->has_shm)
		shm_destroy(&r->P->shm);
	agents_shared_free(r->P, r->psize);
}

static int measure(struct costs *c, struct cv_cell *cell, struct cp_err *e)
{
	struct sampler_req req = costs_sampler_req(c);
	struct cv_run r;
	int rc = cv_run(c, cell, &req, &r, e);

	if (!rc && !costs_interrupted(c)) {
		struct cv_sampled s = { r.P->smp.nsamples, r.P->smp.iters_used, sampler_sample_ns(&r.P->smp),
					sampler_stop(&r.P->smp) };
		struct cv_cpu cpu = { 0 };

		rc = emit(c, cell, r.P->v, &s, r.sh, e);
		cpu_add(&cpu, r.P, s.n, s.iters);
		if (!rc)
			rc = emit_cpu(c, cell, &s, &cpu, r.sh, e);
		cpu_free(&cpu);
	}
	cv_run_free(cell, &r);
	return rc;
}

/* One block of an interleaved arm (costs_arms_run). */
static int cv_block(struct costs *c, void *cv, int arm, const struct sampler_req *req, double *v,
		    struct arms_block_out *out,
		    struct cp_err *e)
{
	struct cv_cell *cell = cv;
	struct cv_run r;
	int rc;

	cell->mode = c->modes[arm];
	rc = cv_run(c, cell, req, &r, e);
	if (!rc && !costs_interrupted(c)) {
		memcpy(v, r.P->v, ARMS_BLOCK * sizeof(double));
		out->iters = r.P->smp.iters_used;
		out->sample_ns = sampler_sample_ns(&r.P->smp);
		exp_arm_ctr_add(c->run.counters, &cell->ctr, arm, r.sh);
		cpu_add(&cell->cpu[arm], r.P, ARMS_BLOCK, r.P->smp.iters_used);
	}
	cv_run_free(cell, &r);
	return rc;
}

/* Threads and processes as interleaved arms, a run per block: each arm's
 * latency and throughput rows, and the comparison of their latencies. */
static int measure_arms(struct costs *c, struct cv_cell *cell, struct cp_err *e)
{
	struct arms_runs a;
	struct cp_row row;
	int rc = costs_arms_run(c, cv_block, cell, c->margin_pct, &a, e);

	for (int x = 0; x < 2 && !rc && a.pairs; x++) {
		cell->mode = c->modes[x];
		result_arm(c->sink, c->mode_pair, x);
		struct cv_sampled s = { a.pairs * ARMS_BLOCK, a.iters, a.sample_ns[x],
					arms_runs_stop(&a, c->run.target_ci) };

		rc = emit(c, cell, a.v[x], &s, cell->ctr.acc[x], e);
		if (!rc)
			rc = emit_cpu(c, cell, &s, &cell->cpu[x], cell->ctr.acc[x], e);
	}
	if (!rc && a.pairs) {
		cv_row(c, cell, &row);
		row.iters_per_sample = a.iters;
		exp_counters_none(c->run.counters, &row);
		rc = exp_arms_add(c->sink, &a, &row, c->mode_pair, "latency: arm 2 / arm 1", c->run.counters, &cell->ctr, e);
	}
	exp_arm_ctr_free(&cell->ctr);
	cpu_free(&cell->cpu[0]);
	cpu_free(&cell->cpu[1]);
	arms_runs_free(&a);
	return rc;
}

/* `copy --via list`: every via, and whether the DMA engine is usable here. */
static int copy_list(void)
{
	for (size_t i = 0; i < cv_nvias; i++) {
		char dsa[1200] = "";

		if (!strcmp(cv_vias[i].name, "dsa"))
			dsa_status(cv_dsa_root(), dsa, sizeof(dsa));
		printf("%-17s %s%s%s\n", cv_vias[i].name, cv_vias[i].what, dsa[0] ? "\n                  " : "", dsa);
	}
	return CP_OK;
}

/* --via all: the DMA engine only where it is usable (said); named on its
 * own, it is a via the user asked for and fails where it is not. */
static void drop_unusable(const char *via, int *idx, int *n, struct costs *c)
{
	struct cp_err e = { 0 };
	struct dsa_wq w;
	int k = 0;

	if (strcmp(via, "all"))
		return;
	for (int i = 0; i < *n; i++) {
		if (!strcmp(cv_vias[idx[i]].name, "dsa") && dsa_find(cv_dsa_root(), &w, &e)) {
			fprintf(stderr, "copy: --via all: dsa left out: %s\n", e.msg);
			result_meta_note(c->sink, "copy --via all: dsa left out: %s", e.msg);
			continue;
		}
		idx[k++] = idx[i];
	}
	*n = k;
}

static int copy_run(const void *req, struct cp_err *ep)
{
	const struct copy_req *o = req;
	struct costs c;
	struct cp_err e = { 0 };
	struct cp_placement pl = { 0 };
	uint64_t *sizes = NULL;
	size_t ns = 0;
	int idx[16], n = 0, rc;
	const char *kind;

	if (!strcmp(o->via, "list"))
		return copy_list();
	if ((rc = costs_init(&c, &o->c, &e)) || (rc = costs_check_margin(&c, c.nmodes == 2, "--mode both", &e)) ||
	    (rc = name_pick(o->via, "via", NAME_TABLE(cv_vias, cv_nvias), idx, 16, &n, &e)) ||
	    (rc = costs_sizes(o->sizes, &sizes, &ns, &e)))
		goto out;
	for (size_t i = 0; i < ns; i++)
		if (sizes[i] % sizeof(uint64_t)) {
			rc = cp_errf(&e, CP_EUSAGE, "--sizes: invalid value '%llu': a message is whole 64-bit "
				     "words: allowed: multiples of 8 bytes", (unsigned long long)sizes[i]);
			goto out;
		}
	/* both modes: one memory kind for the two rows, so only the address space differs */
	kind = o->c.mem.shm ? o->c.mem.shm : c.nmodes == 2 ? "anon" : c.modes[0] == AGENT_PROCESS ? "anon" : "heap";
	for (int m = 0; m < c.nmodes; m++)
		if ((rc = shm_check(kind, o->c.mem.pages, c.modes[m] == AGENT_PROCESS, &e)))
			goto out;
	if ((rc = costs_pairs(&c, &pl, &e)) || o->c.checking || (rc = costs_open_sink(&c, &e)))
		goto out;
	drop_unusable(o->via, idx, &n, &c);
	/* both modes: the two as interleaved arms of one comparison per cell */
	for (int p = 0; p < pl.npairs && !rc; p++)
		for (size_t s = 0; s < ns && !rc; s++)
			for (int i = 0; i < n && !rc; i++)
				for (int m = 0; m < (c.nmodes == 2 ? 1 : c.nmodes) && !rc && !costs_interrupted(&c) && !runctl_time_up();
			     m++) {
					struct cv_cell cell = { &cv_vias[idx[i]], c.modes[m],
								{ pl.pairs[p][0], pl.pairs[p][1] }, pl.class_name,
								sizes[s], kind, NULL, NULL, -1, 0 };

					rc = c.nmodes == 2 ? measure_arms(&c, &cell, &e) : measure(&c, &cell, &e);
				}
out:
	free(sizes);
	cp_placement_free(&pl);
	rc = costs_finish(&c, rc, &e);
	*ep = e;
	return rc;
}

/* ---- the experiment ---- */

/* copying vs sharing */
static const struct exp_preset copy_presets[] = {
	{ EXP_QUICK, "copy --via shared,pipe --sizes 64K --placement {near} --samples 5" },
	/* copy or share: every via over the sizes; threads vs processes as
	 * interleaved arms (a run per block) at two sizes */
	{ EXP_STANDARD, "copy --via all --sizes 4K..16M --placement {near} --mode thread" },
	{ EXP_STANDARD, "copy --via shared,memcpy,pipe --sizes 4K,1M --placement {near} --mode both" },
	{ EXP_STANDARD, "copy --via shared,pipe --sizes 4K --placement {near} --mode process:process" },
	{ EXP_FULL, "copy --via all --sizes 4K..256M --placement {class}" },
};

static const struct exp_figure copy_figures[] = {
	{ "copy", "size.gp", "copy.csv", "throughput",
	  "experiment kernel metric unit size_bytes p50 ci_lo ci_hi mode", "",
	  "series='kernel mode shm'", "Copying vs sharing: throughput against message size" },
	{ "copy-latency", "size.gp", "copy.csv", "latency",
	  "experiment kernel metric unit size_bytes p50 ci_lo ci_hi mode", "",
	  "series='kernel mode shm'", "Copying vs sharing: time per message against its size" },
	{ "copy-cpu", "size.gp", "copy.csv", "cpu_receiver",
	  "experiment kernel metric unit size_bytes p50 ci_lo ci_hi mode", "",
	  "series='kernel mode shm'", "What a message costs the receiving CPU: its CPU time per message against the size" },
	EXP_FOREST("copy"),
};

/* What its own options allow (the command line's completion). */
static const char *copy_values(enum opt_id id, char *buf, size_t len)
{
	return id == OPT_via ? names_or_all(NAME_TABLE(cv_vias, cv_nvias), buf, len) : NULL;
}

const struct experiment exp_copy = {
	.name = "copy",
	.summary = "copy or share: a message from A to B through shared memory, memcpy, pipe, socket, vmsplice, "
		   "process_vm_readv, a DMA engine (DSA); its time and what it costs each CPU",
	.notes = "--iters: the default makes a sample of ~2 ms; --via list: the vias, and whether a DMA engine "
		 "(DSA) is usable here and why not",
	EXP_REQUEST(struct copy_req, copy_opts),
	.run = copy_run,
	.prior = { .cell_fixed = 0.12, .meas_fixed = 0.005, .t_sample = 2.2e-3, .per_byte = 1e-9,
		   .min_samples = 5, .max_samples = 100, .all = "via=7" },
	.arms = EXP_ARMS_RUNS,
	.presets = EXP_ITEMS(copy_presets),
	.probe = "copy --via shared,pipe --sizes 4K --placement {near} --mode thread --samples 5 --warmup 1",
	.figures = EXP_ITEMS(copy_figures),
	.values = copy_values,
};
