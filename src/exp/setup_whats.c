/* setup_whats.c: the samples of `cachepong setup` (see setup_whats.h).
 *
 * Timed regions hold one system call sequence or one page loop:
 *   create    shm_make_object + shm_map (shmget+shmat, shm_open+ftruncate+
 *             mmap, memfd_create+ftruncate+mmap, mmap; thp: + madvise)
 *   attach    shm_map of the sample's object (shmat / mmap of the fd)
 *   touch     agent A writes one byte per page: a fault per page
 *   retouch   then agent B does the same in its mapping: processes map
 *             A's pages (minor faults), threads find them mapped
 *   populate  madvise(MADV_POPULATE_WRITE): the pages without faults
 *   detach    shmdt / munmap by A while --others agents that read every
 *             page keep running on their CPUs (threads: TLB shootdown IPIs)
 *   fork      fork + the child's _exit + waitpid with the memory resident
 * Pages are freed after each sample, untimed (MADV_REMOVE for shared
 * memory, whose object outlives the mapping; MADV_DONTNEED for private). */
#include "setup_whats.h"
#include "names.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

/* The page loops are not instrumented: a sanitizer's shadow accesses
 * would fault on shadow pages and add to the page-fault counts. */
#define SU_NO_SAN __attribute__((no_sanitize_address, no_sanitize_thread))

/* Per page: one byte store (movb $1), add, compare, branch. */
SU_NO_SAN void su_touch(char *a, size_t len, size_t page)
{
	for (size_t off = 0; off < len; off += page)
		*(volatile char *)(a + off) = 1;
}

/* Per page: one byte load, add, compare, branch. */
SU_NO_SAN void su_read(const char *a, size_t len, size_t page)
{
	for (size_t off = 0; off < len; off += page)
		(void)*(const volatile char *)(a + off);
}

static inline uint64_t su_begin(struct agent_ctx *c, const struct su_shared *P, int timed)
{
	if (timed)
		agent_counters_start(c);
	return timer_begin(&P->smp.timer);
}

static inline void su_end(struct agent_ctx *c, struct su_shared *P, int timed, unsigned role,
			  uint64_t k, uint64_t t0)
{
	uint64_t t1 = timer_end(&P->smp.timer);

	if (!timed)
		return;
	agent_counters_stop(c);
	P->ns[role][k - P->smp.warmup] = timer_ns(&P->smp.timer, t1 - t0);
}

/* The agent's view of object k: threads share the coordinator's mapping;
 * a process attaches its own (anon/private: the inherited one). */
static int su_map(struct agent_ctx *c, struct cp_shm *o, void **a)
{
	struct cp_err e = { 0 };

	*a = o->addr;
	if (c->mode == AGENT_PROCESS && shm_attach(o, a, &e))
		return agent_fail(c, e.code, "agent %u: %s", c->id, e.msg);
	return 0;
}

/* Free the pages (untimed) and drop the agent's own mapping: shared pages
 * once (A), private ones by each process that made its own (threads: A). */
static void su_free(struct agent_ctx *c, struct cp_shm *o, void *a)
{
	int mine = o->shared || c->mode == AGENT_THREAD ? c->id == 0 : 1;

	if (mine)
		madvise(a, o->size, o->shared ? MADV_REMOVE : MADV_DONTNEED);
	if (c->mode == AGENT_PROCESS)
		shm_detach(o, a);
}

/* After A's first touch: every page is there (mincore), huge pages are
 * what was asked (smaps), and where the first page sits. */
static int su_verify(struct agent_ctx *c, struct su_shared *P, struct cp_shm *o, void *a, const char *op)
{
	size_t n = o->size / (size_t)sysconf(_SC_PAGESIZE);
	unsigned char *v = malloc(n ? n : 1);
	struct cp_err e = { 0 };
	size_t missing = 0;

	if (!v)
		return agent_fail(c, CP_ERUN, "out of memory");
	if (mincore(a, o->size, v)) {
		free(v);
		return agent_fail(c, CP_ERUN, "mincore: %s", strerror(errno));
	}
	for (size_t i = 0; i < n; i++)
		missing += !(v[i] & 1);
	free(v);
	if (missing)
		return agent_fail(c, CP_ERUN, "setup %s %s %zu bytes: %zu of %zu pages not resident after the %s",
				  P->what->name, P->kind, o->size, missing, n, op);
	if (shm_verify_pages(o, a, &e))
		return agent_fail(c, e.code, "%s", e.msg);
	P->node_seen = shm_node_of(a, &e);
	return 0;
}

static int su_bind(struct agent_ctx *c, struct su_shared *P, struct cp_shm *o, void *a)
{
	struct cp_err e = { 0 };

	if (P->mem_node >= 0 && shm_bind_node(a, o->size, P->mem_node, &e))
		return agent_fail(c, e.code, "%s", e.msg);
	return 0;
}

/* ---- the samples ---- */

static int s_create(struct agent_ctx *c, struct su_shared *P, uint64_t k, int timed)
{
	struct cp_shm s;
	struct cp_err e = { 0 };
	void *a = NULL;
	uint64_t t0;
	/* untimed: the kind/page lookups and the page-size check, which for
	 * thp/huge open and read sysfs and /proc/meminfo: not the create */
	int rc = shm_prepare_object(&s, P->kind, P->pages, P->size, &e);

	if (rc)
		return agent_fail(c, e.code, "%s", e.msg);
	t0 = su_begin(c, P, timed);
	rc = shm_make_object(&s, &e);
	if (!rc)
		rc = shm_map(&s, &a, 0, &e);
	su_end(c, P, timed, 0, k, t0);
	/* remove at once: a SysV segment goes with its last detach */
	shm_destroy_object(&s);
	if (rc)
		return agent_fail(c, e.code, "%s", e.msg);
	shm_unmap(&s, a);
	return 0;
}

static int s_attach(struct agent_ctx *c, struct su_shared *P, uint64_t k, int timed)
{
	struct cp_shm *o = &P->obj[k];
	struct cp_err e = { 0 };
	void *a = NULL;
	uint64_t t0 = su_begin(c, P, timed);
	int rc = shm_map(o, &a, 0, &e);

	su_end(c, P, timed, 0, k, t0);
	if (rc)
		return agent_fail(c, e.code, "%s", e.msg);
	shm_unmap(o, a);
	return 0;
}

static int s_touch(struct agent_ctx *c, struct su_shared *P, uint64_t k, int timed)
{
	struct cp_shm *o = &P->obj[k];
	void *a;
	uint64_t t0;
	int rc;

	/* a process's mapping is its own (its private pages come from its own
	 * policy): each binds; threads share one mapping, bound once */
	if ((rc = su_map(c, o, &a)) ||
	    ((c->id == 0 || c->mode == AGENT_PROCESS) && (rc = su_bind(c, P, o, a))))
		return rc;
	for (unsigned turn = 0; turn < 2; turn++) {
		if (agents_barrier(c))
			return c->sh->slot[c->id].rc;
		if (c->id != turn)
			continue;
		t0 = su_begin(c, P, timed);
		su_touch(a, o->size, o->page_size);
		su_end(c, P, timed, turn, k, t0);
		if ((rc = su_verify(c, P, o, a, turn ? "second agent's touch" : "first touch")))
			return rc;
	}
	if (agents_barrier(c))
		return c->sh->slot[c->id].rc;
	su_free(c, o, a);
	return 0;
}

static int s_populate(struct agent_ctx *c, struct su_shared *P, uint64_t k, int timed)
{
	struct cp_shm *o = &P->obj[k];
	void *a;
	uint64_t t0;
	int rc, err = 0;

	if ((rc = su_map(c, o, &a)) || (rc = su_bind(c, P, o, a)))
		return rc;
	t0 = su_begin(c, P, timed);
	if (madvise(a, o->size, MADV_POPULATE_WRITE))
		err = errno;
	su_end(c, P, timed, 0, k, t0);
	if (err)
		return agent_fail(c, err == EINVAL ? CP_EUNAVAIL : CP_ERUN,
				  "madvise(MADV_POPULATE_WRITE): %s%s", strerror(err),
				  err == EINVAL ? " (needs Linux 5.14)" : "");
	if ((rc = su_verify(c, P, o, a, "populate")))
		return rc;
	su_free(c, o, a);
	return 0;
}

static int s_detach(struct agent_ctx *c, struct su_shared *P, uint64_t k, int timed)
{
	struct cp_shm *o = &P->obj[k];
	void *a, *keep = MAP_FAILED;
	uint64_t t0;
	int rc, err = 0;

	if (c->id == 0)
		__atomic_store_n(&P->release.v, 0, __ATOMIC_RELAXED);
	if ((rc = su_map(c, o, &a)))
		return rc;
	if (c->id == 0 && !(rc = su_bind(c, P, o, a))) {
		su_touch(a, o->size, o->page_size);
		rc = su_verify(c, P, o, a, "touch before the detach");
	}
	if (rc || agents_barrier(c))
		return rc ? rc : c->sh->slot[c->id].rc;
	if (c->id != 0)
		su_read(a, o->size, o->page_size);   /* TLB entries on the others' CPUs */
	if (agents_barrier(c))
		return c->sh->slot[c->id].rc;
	if (c->id != 0) {
		/* keep running on this CPU, off the memory, until A is done */
		while (!__atomic_load_n(&P->release.v, __ATOMIC_ACQUIRE))
			if (__atomic_load_n(&c->sh->abort.v, __ATOMIC_RELAXED))
				return c->sh->slot[c->id].rc;
		if (c->mode == AGENT_PROCESS)
			shm_detach(o, a);
		return 0;
	}
	/* a second mapping without page tables keeps shared pages reachable
	 * for freeing after the timed unmap (mremap of size 0 duplicates a
	 * shared mapping); private pages go with the unmap */
	if (o->shared)
		keep = mremap(a, 0, o->size, MREMAP_MAYMOVE);
	t0 = su_begin(c, P, timed);
	if (shm_unmap(o, a))
		err = errno;
	su_end(c, P, timed, 0, k, t0);
	if (!err && a == o->addr && c->mode == AGENT_THREAD)
		o->addr = NULL;  /* the coordinator's mapping is gone: shm_destroy skips it */
	__atomic_store_n(&P->release.v, 1, __ATOMIC_RELEASE);
	if (keep != MAP_FAILED) {
		madvise(keep, o->size, MADV_REMOVE);
		munmap(keep, o->size);
	}
	if (err)
		return agent_fail(c, CP_ERUN, "unmapping %zu bytes of %s: %s", o->size, P->kind, strerror(err));
	return 0;
}

static int s_fork(struct agent_ctx *c, struct su_shared *P, uint64_t k, int timed)
{
	struct cp_shm *o = &P->obj[k];
	void *a;
	uint64_t t0;
	pid_t pid;
	int rc, st = 0, err = 0;

	if ((rc = su_map(c, o, &a)) || (rc = su_bind(c, P, o, a)))
		return rc;
	su_touch(a, o->size, o->page_size);
	if ((rc = su_verify(c, P, o, a, "touch before the fork")))
		return rc;
	t0 = su_begin(c, P, timed);
	pid = fork();
	if (pid == 0)
		_exit(0);
	if (pid < 0)
		err = errno;
	else
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
	su_end(c, P, timed, 0, k, t0);
	if (err || !WIFEXITED(st) || WEXITSTATUS(st))
		return agent_fail(c, CP_ERUN, "fork with %zu bytes of %s: %s", o->size, P->kind,
				  err ? strerror(err) : "the child did not exit 0");
	su_free(c, o, a);
	return 0;
}

#define R(name, agent, f) { name, agent, f }

const struct su_what su_whats[] = {
	{ .name = "create", .sample = s_create, .agents = 1, .nroles = 1, .role = { R("create", 0, -1) },
	  .what = "make the object and map it (shmget+shmat, shm_open+ftruncate+mmap, memfd_create+ftruncate+mmap, mmap)" },
	{ .name = "attach", .sample = s_attach, .needs_obj = 1, .needs_attachable = 1, .agents = 1, .nroles = 1,
	  .role = { R("attach", 0, -1) },
	  .what = "map an existing object again (shmat, mmap of the fd; private: a fresh private mapping)" },
	{ .name = "touch", .sample = s_touch, .needs_obj = 1, .verifies = 1, .agents = 2, .nroles = 2,
	  .role = { R("touch", 0, 1), R("retouch", 1, -1) },
	  .what = "first write to every page (A), then B's first write in its own view (retouch)" },
	{ .name = "populate", .sample = s_populate, .needs_obj = 1, .verifies = 1, .agents = 1, .nroles = 1,
	  .role = { R("populate", 0, 0) }, .what = "madvise(MADV_POPULATE_WRITE) instead of faults" },
	{ .name = "detach", .sample = s_detach, .needs_obj = 1, .verifies = 1, .uses_others = 1, .nroles = 1,
	  .role = { R("detach", 0, -1) },
	  .what = "shmdt/munmap of resident memory while --others agents that mapped it run on other CPUs" },
	{ .name = "fork", .sample = s_fork, .needs_obj = 1, .verifies = 1, .agents = 1, .nroles = 1,
	  .role = { R("fork", 0, -1) }, .what = "fork + child _exit + waitpid with the memory resident" },
};
const size_t su_nwhats = CP_ARRAY_SIZE(su_whats);

const char *su_what_names(void)
{
	static char buf[128];

	return names_of(NAME_TABLE(su_whats, su_nwhats), buf, sizeof(buf));
}

/* An agent's place in the run: the next sample's object. */
struct su_agent_state {
	struct su_shared *P;
	uint64_t k;
};

/* One sample: the what's step on object k, which times itself (su_begin,
 * su_end: the step alone, and its counters) into P->ns. */
static int su_pass(struct agent_ctx *c, void *st, uint64_t iters, uint64_t *ticks)
{
	struct su_agent_state *a = st;
	uint64_t k = a->k++;

	(void)iters;
	*ticks = 0;
	return a->P->what->sample(c, a->P, k, k >= a->P->smp.warmup);
}

/* Agent 0's value of a timed sample: the first role's time (agent 0's). */
static int su_after(struct agent_ctx *c, void *st, int64_t idx, uint64_t iters, double ns, double *value)
{
	const struct su_agent_state *a = st;

	(void)iters;
	(void)ns;
	if (c->id == 0 && idx >= 0)
		*value = a->P->ns[0][idx];
	return 0;
}

static const struct sampler_ops su_ops = { .pass = su_pass, .after = su_after, .self_timed = 1,
					   .self_counted = 1 };

int su_agent(struct agent_ctx *c)
{
	struct su_agent_state a = { .P = c->arg };
	int rc = sampler_run(c, &a.P->smp, &su_ops, &a);

	return rc < 0 ? c->sh->slot[c->id].rc : rc;
}

int su_kind_attachable(const char *kind, struct cp_err *e)
{
	struct cp_shm s;
	int rc = shm_create_object(&s, kind, "4k", 4096, e), ok;

	if (rc)
		return -1;
	ok = s.fd >= 0 || s.shmid >= 0 || !s.shared;
	shm_destroy_object(&s);
	return ok;
}
