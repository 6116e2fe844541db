/* agents.c: N pinned agents as threads or processes (see agents.h). */
#include "agents.h"
#include "runctl.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "counters.h"
#include "pin.h"
#include "timer.h"

/* How often the coordinator looks at the heartbeat while it waits.  It is
 * woken at once when an agent ends (pidfd / join); this only bounds how
 * late a hang is noticed. */
#define WATCH_PERIOD_MS 100

static const char *const mode_names[] = { [AGENT_THREAD] = "thread", [AGENT_PROCESS] = "process" };

/* "thread" or "process" -> *m; -1 for anything else. */
static int mode_of(const char *s, size_t len, enum agent_mode *m)
{
	for (size_t i = 0; i < CP_ARRAY_SIZE(mode_names); i++)
		if (strlen(mode_names[i]) == len && !strncmp(s, mode_names[i], len)) {
			*m = (enum agent_mode)i;
			return 0;
		}
	return -1;
}

int agent_modes_parse(const char *s, int pairs, struct agent_modes *out, struct cp_err *e)
{
	const char *colon = strchr(s, ':');
	int bad;

	memset(out, 0, sizeof(*out));
	out->n = 2;
	if (!strcmp(s, "both")) {
		out->m[0] = AGENT_THREAD;
		out->m[1] = AGENT_PROCESS;
		bad = 0;
	} else if (colon && pairs) {
		bad = mode_of(s, (size_t)(colon - s), &out->m[0]) || mode_of(colon + 1, strlen(colon + 1), &out->m[1]);
	} else {
		out->n = 1;
		bad = colon || mode_of(s, strlen(s), &out->m[0]);
		out->m[1] = out->m[0];
	}
	if (bad)
		return cp_errf(e, CP_EUSAGE, "--mode: invalid value '%s': allowed: %s%s", s, AGENT_MODE_NAMES,
			       pairs ? "|" AGENT_MODE_PAIR_NAMES : "");
	snprintf(out->pair, sizeof(out->pair), "%s:%s", mode_names[out->m[0]], mode_names[out->m[out->n - 1]]);
	return 0;
}

const char *agent_mode_name(enum agent_mode m)
{
	return mode_names[m];
}

void *agents_shared_alloc(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		cp_die(CP_ERUN, "mmap of %zu bytes of shared control memory: %s", size, strerror(errno));
	return p;
}

void agents_shared_free(void *p, size_t size)
{
	if (p)
		munmap(p, size);
}

static size_t shared_size(unsigned n)
{
	return sizeof(struct agents_shared) + n * sizeof(struct agent_slot);
}

void agents_free(struct agents_shared *sh)
{
	/* threads that the watchdog gave up on still read this memory */
	if (sh && !sh->hung)
		agents_shared_free(sh, shared_size(sh->n));
}

/* Sense by generation: the last to arrive resets the count and moves the
 * generation on; the others spin until it moves (or an agent failed). */
static int bar_wait(struct agent_ctx *c, struct cp_padded_u64 *count, struct cp_padded_u64 *gen_w, unsigned n)
{
	struct agents_shared *sh = c->sh;
	uint64_t gen = __atomic_load_n(&gen_w->v, __ATOMIC_ACQUIRE);

	if (__atomic_add_fetch(&count->v, 1, __ATOMIC_ACQ_REL) == n) {
		__atomic_store_n(&count->v, 0, __ATOMIC_RELAXED);
		__atomic_add_fetch(&sh->progress.v, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&gen_w->v, 1, __ATOMIC_RELEASE);
		return __atomic_load_n(&sh->abort.v, __ATOMIC_ACQUIRE) ? -1 : 0;
	}
	while (__atomic_load_n(&gen_w->v, __ATOMIC_ACQUIRE) == gen)
		if (__atomic_load_n(&sh->abort.v, __ATOMIC_ACQUIRE))
			return -1;
	return __atomic_load_n(&sh->abort.v, __ATOMIC_ACQUIRE) ? -1 : 0;
}

int agents_barrier(struct agent_ctx *c)
{
	return bar_wait(c, &c->sh->barrier_count, &c->sh->barrier_gen, c->n);
}

int agents_bar_wait(struct agent_ctx *c, struct agents_bar *b)
{
	return bar_wait(c, &b->count, &b->gen, b->n);
}

int agent_fail(struct agent_ctx *c, int code, const char *fmt, ...)
{
	struct agent_slot *s = &c->sh->slot[c->id];
	va_list ap;

	if (!s->rc) {
		va_start(ap, fmt);
		vsnprintf(s->err, sizeof(s->err), fmt, ap);
		va_end(ap);
		s->rc = code;
	}
	__atomic_store_n(&c->sh->abort.v, 1, __ATOMIC_RELEASE);
	return code;
}

int agent_check_cpu(struct agent_ctx *c, int after)
{
	struct agent_slot *s = &c->sh->slot[c->id];
	int cpu = sched_getcpu();

	if (after)
		s->cpu_seen_after = cpu;
	else
		s->cpu_seen_before = cpu;
	if (cpu != c->cpu)
		return agent_fail(c, CP_ERUN, "agent %u pinned to CPU %d ran on CPU %d %s the timed region",
				  c->id, c->cpu, cpu, after ? "after" : "before");
	return 0;
}

void agent_counters_start(struct agent_ctx *c)
{
	if (c->cs)
		counters_start(c->cs);
}

void agent_counters_stop(struct agent_ctx *c)
{
	if (c->cs)
		counters_stop(c->cs);
}

void agent_counters_totals(struct agent_ctx *c, uint64_t *vals, uint8_t *valid)
{
	if (c->cs)
		counters_read(c->cs, vals, valid);
}

struct agent_start {
	struct agent_ctx ctx;
	const struct agents_cfg *cfg;
};

/* Pin, open counters, run the command's function, collect counts. */
static int agent_main(struct agent_start *st)
{
	struct agent_ctx *c = &st->ctx;
	struct agent_slot *s = &c->sh->slot[c->id];
	struct cp_err e = { 0 };
	int rc;

	s->cpu = c->cpu;
	if (pin_self(c->cpu, &e))
		return agent_fail(c, e.code, "agent %u: %s", c->id, e.msg);
	if (st->cfg->counters &&
	    counters_open(st->cfg->counters, c->cpu, &c->cs, s->ctr_valid, s->ctr_why, sizeof(s->ctr_why), &e))
		return agent_fail(c, e.code, "agent %u: %s", c->id, e.msg);
	rc = st->cfg->fn(c);
	if (c->cs) {
		counters_read(c->cs, s->ctr, s->ctr_valid);
		counters_close(c->cs);
		c->cs = NULL;
	}
	if (rc && !s->rc)
		agent_fail(c, rc, "agent %u failed (code %d)", c->id, rc);
	return s->rc;
}

static void *thread_main(void *arg)
{
	agent_main(arg);
	return NULL;
}

static int first_failure(const struct agents_shared *sh, struct cp_err *e)
{
	for (unsigned i = 0; i < sh->n; i++)
		if (sh->slot[i].rc)
			return cp_errf(e, sh->slot[i].rc, "%s", sh->slot[i].err);
	return 0;
}

/* The watchdog's view: the heartbeat (bumped at every barrier) and, for a
 * sample longer than --timeout, the activity words.  Those are read only
 * once the heartbeat has stalled for half the timeout (a snapshot) and at
 * the timeout (the comparison), so a normal run's lines never see a third
 * CPU, and a hung partner is named --timeout after its last heartbeat. */
struct watch {
	uint64_t last;        /* heartbeat last seen */
	double last_t;        /* when it last moved (or the lines last did) */
	uint64_t seen[2];     /* the activity words at the snapshot */
	int armed;            /* seen[] holds a snapshot */
};

static void watch_start(struct watch *w)
{
	memset(w, 0, sizeof(*w));
	w->last_t = cp_now_s();
}

/* 1 when the agents are hung: no heartbeat for --timeout, and the activity
 * words (if any) did not move since the snapshot. */
static int watch_hung(const struct agents_cfg *cfg, struct watch *w, uint64_t beat)
{
	double now = cp_now_s();
	int moved = 0;

	if (beat != w->last) {
		w->last = beat;
		w->last_t = now;
		w->armed = 0;
		return 0;
	}
	if (now - w->last_t <= cfg->timeout_s / 2)
		return 0;
	for (int i = 0; i < 2; i++)
		if (cfg->activity[i]) {
			uint64_t v = __atomic_load_n(cfg->activity[i], __ATOMIC_RELAXED);

			moved |= w->armed && v != w->seen[i];
			w->seen[i] = v;
		}
	if (!w->armed) {
		w->armed = 1;
		return 0;
	}
	if (moved) { /* a long sample: the lines still move */
		w->last_t = now;
		w->armed = 0;
		return 0;
	}
	return now - w->last_t > cfg->timeout_s;
}

static int hang_error(const struct agents_cfg *cfg, struct cp_err *e)
{
	return cp_errf(e, CP_ERUN,
		       "the agents stopped answering: no progress for %.3g s (--timeout); "
		       "a partner was stopped, killed or starved", cfg->timeout_s);
}

static int run_threads(const struct agents_cfg *cfg, struct agents_shared *sh,
		       struct agent_start *st, struct cp_err *e)
{
	pthread_t *tid = cp_xcalloc(cfg->n, sizeof(*tid));
	unsigned started = 0, joined = 0;
	struct watch w;
	int rc = 0;

	watch_start(&w);

	for (; started < cfg->n; started++) {
		int err = pthread_create(&tid[started], NULL, thread_main, &st[started]);

		if (err) {
			rc = cp_errf(e, CP_ERUN, "pthread_create for agent %u: %s", started, strerror(err));
			__atomic_store_n(&sh->abort.v, 1, __ATOMIC_RELEASE);
			break;
		}
	}
	while (joined < started) {
		struct timespec ts;
		int err;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += WATCH_PERIOD_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		err = pthread_timedjoin_np(tid[joined], NULL, &ts);
		if (!err) {
			joined++;
			continue;
		}
		if (watch_hung(cfg, &w, __atomic_load_n(&sh->progress.v, __ATOMIC_RELAXED))) {
			/* threads cannot be killed one by one: leave them; the
			 * caller exits, which ends them */
			sh->hung = 1;
			__atomic_store_n(&sh->abort.v, 1, __ATOMIC_RELEASE);
			free(tid);
			return hang_error(cfg, e);
		}
	}
	free(tid);
	return rc ? rc : first_failure(sh, e);
}

/* The agent processes alive now, for the signal hook: a coordinator killed
 * by SIGINT must not leave them to init unreaped (PDEATHSIG ends them, but
 * only their parent can wait for them).  Fixed slots: a hook cannot follow
 * malloc'd memory. */
#define LIVE_SLOTS 1024
static volatile pid_t live[LIVE_SLOTS];
static pid_t live_owner;

static void live_reap(void)
{
	if (getpid() != live_owner)
		return;
	for (int i = 0; i < LIVE_SLOTS; i++)
		if (live[i] > 0)
			kill(live[i], SIGKILL);
	for (int i = 0; i < LIVE_SLOTS; i++)
		if (live[i] > 0) {
			while (waitpid(live[i], NULL, 0) < 0 && errno == EINTR)
				;
			live[i] = 0;
		}
}

static void live_set(unsigned i, pid_t p)
{
	if (i < LIVE_SLOTS)
		live[i] = p;
}

static void kill_all(pid_t *pid, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (pid[i] > 0)
			kill(pid[i], SIGKILL);
}

static void reap_all(pid_t *pid, int *pfd, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (pid[i] > 0)
			while (waitpid(pid[i], NULL, 0) < 0 && errno == EINTR)
				;
		pid[i] = 0;
		live_set(i, 0);
		if (pfd[i] >= 0)
			close(pfd[i]);
		pfd[i] = -1;
	}
}

static int is_process(const struct agents_cfg *cfg, unsigned i)
{
	return (cfg->modes ? cfg->modes[i] : cfg->mode) == AGENT_PROCESS;
}

/* Fork agent i (a process agent) and open its pidfd. */
static int spawn(struct agent_start *st, unsigned i, pid_t parent,
		 pid_t *pid, int *pfd, struct cp_err *e)
{
	pfd[i] = -1;
	pid[i] = fork();
	if (pid[i] < 0) {
		pid[i] = 0;
		return cp_errf(e, CP_ERUN, "fork of agent %u: %s", i, strerror(errno));
	}
	if (pid[i] == 0) {
		/* a child never outlives the coordinator */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(CP_ERUN);
		_exit(agent_main(&st[i]));
	}
	live_set(i, pid[i]);
	pfd[i] = (int)syscall(SYS_pidfd_open, pid[i], 0);
	if (pfd[i] < 0)
		return cp_errf(e, CP_EUNAVAIL, "pidfd_open: %s (needs Linux 5.3)", strerror(errno));
	return 0;
}

/* Reap agent i whose pidfd is readable; its failure, if any, into e. */
static int reap_one(const struct agents_cfg *cfg, const struct agents_shared *sh, unsigned i, pid_t *pid,
		    int *pfd, struct cp_err *e)
{
	int status;

	if (waitpid(pid[i], &status, 0) < 0)
		return -1;
	pid[i] = 0;
	live_set(i, 0);
	close(pfd[i]);
	pfd[i] = -1;
	if (WIFSIGNALED(status))
		return cp_errf(e, CP_ERUN, "agent %u (CPU %d) was killed by signal %d (%s)", i, cfg->cpus[i],
			       WTERMSIG(status), strsignal(WTERMSIG(status)));
	if (WIFEXITED(status) && WEXITSTATUS(status))
		return sh->slot[i].rc ? cp_errf(e, sh->slot[i].rc, "%s", sh->slot[i].err)
				      : cp_errf(e, CP_ERUN, "agent %u exited with status %d", i, WEXITSTATUS(status));
	return 0;
}

/* One watch period: wait up to WATCH_PERIOD_MS for a child to end, reap
 * those that did.  *alive counts the children left. */
static int poll_children(const struct agents_cfg *cfg, const struct agents_shared *sh, pid_t *pid, int *pfd,
			 struct pollfd *pf, unsigned *alive, struct cp_err *e)
{
	int n, rc = 0;

	for (unsigned i = 0; i < cfg->n; i++) {
		pf[i].fd = pid[i] > 0 ? pfd[i] : -1;
		pf[i].events = POLLIN;
		pf[i].revents = 0;
	}
	n = poll(pf, cfg->n, WATCH_PERIOD_MS);
	if (n < 0 && errno != EINTR)
		return cp_errf(e, CP_ERUN, "poll on agent pidfds: %s", strerror(errno));
	for (unsigned i = 0; n > 0 && i < cfg->n && !rc; i++) {
		if (!(pf[i].revents & (POLLIN | POLLHUP)) || pid[i] <= 0)
			continue;
		rc = reap_one(cfg, sh, i, pid, pfd, e);
		if (rc >= 0)
			--*alive;
		rc = rc < 0 ? 0 : rc;
	}
	return rc;
}

/* Processes, or processes and threads together (the interleaved arms: a
 * thread agent and its partners, some of them threads of this process,
 * others processes sharing the mapping).  Children are forked before any
 * thread starts. */
static int run_processes(const struct agents_cfg *cfg, struct agents_shared *sh,
			 struct agent_start *st, struct cp_err *e)
{
	pid_t *pid = cp_xcalloc(cfg->n, sizeof(*pid));
	int *pfd = cp_xcalloc(cfg->n, sizeof(*pfd));
	struct pollfd *pf = cp_xcalloc(cfg->n, sizeof(*pf));
	pthread_t *tid = cp_xcalloc(cfg->n, sizeof(*tid));
	unsigned char *running = cp_xcalloc(cfg->n, 1);
	pid_t parent = getpid();
	unsigned alive = 0, threads = 0;
	struct watch w;
	int rc = 0;

	fflush(NULL); /* no stdio buffer is written twice */
	live_owner = parent;
	runctl_at_signal(live_reap);
	for (unsigned i = 0; i < cfg->n; i++)
		pfd[i] = -1;
	for (unsigned i = 0; i < cfg->n && !rc; i++)
		if (is_process(cfg, i) && !(rc = spawn(st, i, parent, pid, pfd, e)))
			alive++;
	for (unsigned i = 0; i < cfg->n && !rc; i++) {
		int err;

		if (is_process(cfg, i))
			continue;
		if ((err = pthread_create(&tid[i], NULL, thread_main, &st[i])))
			rc = cp_errf(e, CP_ERUN, "pthread_create for agent %u: %s", i, strerror(err));
		else
			running[i] = 1, threads++;
	}
	watch_start(&w);
	while (!rc && (alive || threads)) {
		rc = poll_children(cfg, sh, pid, pfd, pf, &alive, e);
		for (unsigned i = 0; i < cfg->n && !rc; i++)
			if (running[i] && !pthread_tryjoin_np(tid[i], NULL)) {
				running[i] = 0;
				threads--;
				rc = sh->slot[i].rc ? cp_errf(e, sh->slot[i].rc, "%s", sh->slot[i].err) : 0;
			}
		if (!rc && watch_hung(cfg, &w, __atomic_load_n(&sh->progress.v, __ATOMIC_RELAXED)))
			rc = hang_error(cfg, e);
	}
	/* on any failure the partners are spinning on a line nobody answers */
	if (rc) {
		__atomic_store_n(&sh->abort.v, 1, __ATOMIC_RELEASE);
		kill_all(pid, cfg->n);
	}
	reap_all(pid, pfd, cfg->n);
	for (unsigned i = 0; i < cfg->n; i++)
		if (running[i])
			pthread_join(tid[i], NULL); /* they see the abort flag */
	free(pid);
	free(pfd);
	free(pf);
	free(tid);
	free(running);
	return rc;
}

int agents_run(const struct agents_cfg *cfg, struct agents_shared **shp, struct cp_err *e)
{
	struct agents_shared *sh;
	struct agent_start *st;
	int rc;

	if (!cfg->n)
		return cp_errf(e, CP_EUSAGE, "no agents to run");
	sh = agents_shared_alloc(shared_size(cfg->n));
	sh->n = cfg->n;
	st = cp_xcalloc(cfg->n, sizeof(*st));
	for (unsigned i = 0; i < cfg->n; i++) {
		st[i].cfg = cfg;
		st[i].ctx = (struct agent_ctx){ .id = i, .n = cfg->n, .cpu = cfg->cpus[i],
						.mode = is_process(cfg, i) ? AGENT_PROCESS : AGENT_THREAD,
						.sh = sh, .arg = cfg->arg };
		sh->slot[i].cpu = cfg->cpus[i];
		sh->slot[i].cpu_seen_before = sh->slot[i].cpu_seen_after = -1;
	}
	if (cfg->mode == AGENT_THREAD && !cfg->modes)
		rc = run_threads(cfg, sh, st, e);
	else
		rc = run_processes(cfg, sh, st, e);
	if (!sh->hung)
		free(st);
	*shp = sh;
	return rc;
}
