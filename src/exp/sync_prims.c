/* sync_prims.c: the table of blocking primitives (see sync_prims.h).
 *
 * Each primitive is a pair of inline steps, post and wait; SY_PRIM makes
 * its round-trip loop, so the timed loop holds the primitive's own calls
 * and the hold-off that makes sure the waiter sleeps (sync_prims.h), and
 * nothing else (no table lookup, no option branch).  Per round trip A
 * does hold-off + post + announce + wait and B announce + wait + hold-off
 * + post: two wake-ups of a sleeping waiter, four system calls for the fd
 * primitives, at least two futex calls for the others (a waiter sleeps,
 * so glibc's mutex/condvar and sem_post always wake it), plus one
 * getrusage per announcement, which runs while the partner wakes up (its
 * hold-off covers it), and the /proc reads of the hold-off, subtracted. */
#include "sync_prims.h"
#include "names.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

static int fail(struct sy_side *s, uint64_t want, uint64_t got, int err, const char *call)
{
	s->want = want;
	s->got = got;
	s->err = err;
	s->call = call;
	return -1;
}

/* ---- the waiter asleep: announcement and hold-off ---- */

void sy_io_publish(struct sy_pair *p, unsigned side)
{
	__atomic_store_n(&p->sleep[side].tid, (int)syscall(SYS_gettid), __ATOMIC_RELEASE);
}

int sy_io_open(struct sy_io *io, const struct sy_pair *p, unsigned side, double timeout_s,
	       const volatile uint64_t *abort, struct cp_err *e)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/status", __atomic_load_n(&p->sleep[!side].tid, __ATOMIC_ACQUIRE));
	io->timeout_s = timeout_s;
	io->abort = abort;
	io->hold = 0;
	if ((io->status_fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return cp_errf(e, CP_EUNAVAIL, "the waiter's state: %s: %s (sync posts only to a waiter that "
			       "/proc shows asleep)", path, strerror(errno));
	return 0;
}

void sy_io_close(struct sy_io *io)
{
	if (io->status_fd >= 0)
		close(io->status_fd);
	io->status_fd = -1;
}

/* The partner's voluntary context switches (its status file), or -1. */
static int64_t partner_nvcsw(int fd)
{
	static const char key[] = "\nvoluntary_ctxt_switches:";
	char buf[4096], *k;
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return -1;
	buf[n] = 0;
	if (!(k = strstr(buf, key)))
		return -1;
	return strtoll(k + sizeof(key) - 1, NULL, 10);
}

/* Before waiting for n: the number and this side's voluntary switches so
 * far, the count stored first (the partner reads it after the number). */
static inline void announce(struct sy_pair *p, unsigned side, uint64_t n)
{
	struct rusage ru;

	getrusage(RUSAGE_THREAD, &ru);
	p->sleep[side].nvcsw = (uint64_t)ru.ru_nvcsw;
	__atomic_store_n(&p->sleep[side].waiting_for, n, __ATOMIC_RELEASE);
}

/* Before posting n: until the partner announced that it waits for n and
 * has since left its CPU; the time it took is added to io->hold.  0, or
 * -1 with s saying why (another agent failed, /proc unreadable, or the
 * partner never slept within io->timeout_s). */
static int hold_off(struct sy_pair *p, unsigned side, uint64_t n, struct sy_io *io, const struct cp_timer *t,
		    struct sy_side *s)
{
	const struct sy_sleep *w = &p->sleep[!side];
	uint64_t t0 = timer_begin(t), base;
	double give_up = 0;
	int64_t now;

	for (unsigned k = 1; __atomic_load_n(&w->waiting_for, __ATOMIC_ACQUIRE) != n; k++) {
		cp_cpu_relax();
		if (!(k & 0xfffff) && (*io->abort || (give_up ? cp_now_s() > give_up
							     : (give_up = cp_now_s() + io->timeout_s, 0))))
			return fail(s, n, w->waiting_for, 0, "hold-off: the partner's announcement");
	}
	base = w->nvcsw;
	while ((now = partner_nvcsw(io->status_fd)) >= 0 && (uint64_t)now <= base) {
		if (*io->abort || (give_up ? cp_now_s() > give_up : (give_up = cp_now_s() + io->timeout_s, 0)))
			return fail(s, base + 1, (uint64_t)now, 0, "hold-off: the partner's voluntary context switches");
	}
	if (now < 0)
		return fail(s, base + 1, 0, errno, "hold-off: reading the partner's /proc status");
	io->hold += timer_end(t) - t0;
	return 0;
}

/* ---- futex: the number's low 32 bits in the word, FUTEX_WAKE 1 ---- */

static inline long sys_futex(uint32_t *w, int op, uint32_t v)
{
	return syscall(SYS_futex, w, op, v, NULL, NULL, 0);
}

static inline int futex_post(struct sy_pair *p, struct sy_chan *c, uint64_t n, struct sy_side *s)
{
	__atomic_store_n(&c->word, (uint32_t)n, __ATOMIC_RELEASE);
	if (sys_futex(&c->word, p->wake_op, 1) < 0)
		return fail(s, n, n, errno, "FUTEX_WAKE");
	return 0;
}

static inline int futex_wait(struct sy_pair *p, struct sy_chan *c, uint64_t n, struct sy_side *s)
{
	for (;;) {
		uint32_t v = __atomic_load_n(&c->word, __ATOMIC_ACQUIRE);

		if (v == (uint32_t)n)
			return 0;
		if (v != (uint32_t)(n - 1))
			return fail(s, n, v, 0, "futex word");
		/* sleeps only while the word still holds n-1 (EAGAIN otherwise) */
		if (sys_futex(&c->word, p->wait_op, v) < 0 && errno != EAGAIN && errno != EINTR)
			return fail(s, n, v, errno, "FUTEX_WAIT");
	}
}

static int futex_setup(struct sy_pair *p, int pshared, int futex_shared, struct cp_err *e)
{
	(void)e;
	(void)pshared;
	p->wait_op = FUTEX_WAIT | (futex_shared ? 0 : FUTEX_PRIVATE_FLAG);
	p->wake_op = FUTEX_WAKE | (futex_shared ? 0 : FUTEX_PRIVATE_FLAG);
	return 0;
}

/* ---- mutex + condition variable around the number ---- */

static inline int mutex_post(struct sy_pair *p, struct sy_chan *c, uint64_t n, struct sy_side *s)
{
	int err;

	(void)p;
	if ((err = pthread_mutex_lock(&c->mu)))
		return fail(s, n, n, err, "pthread_mutex_lock");
	c->msg = n;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
	return 0;
}

static inline int mutex_wait(struct sy_pair *p, struct sy_chan *c, uint64_t n, struct sy_side *s)
{
	int err;

	(void)p;
	if ((err = pthread_mutex_lock(&c->mu)))
		return fail(s, n, 0, err, "pthread_mutex_lock");
	while (c->msg != n) {
		if (c->msg != n - 1 || (err = pthread_cond_wait(&c->cv, &c->mu))) {
			uint64_t got = c->msg;

			pthread_mutex_unlock(&c->mu);
			return fail(s, n, got, err, err ? "pthread_cond_wait" : "number under the mutex");
		}
	}
	pthread_mutex_unlock(&c->mu);
	return 0;
}

static int mutex_setup(struct sy_pair *p, int pshared, int futex_shared, struct cp_err *e)
{
	pthread_mutexattr_t ma;
	pthread_condattr_t ca;
	int share = pshared ? PTHREAD_PROCESS_SHARED : PTHREAD_PROCESS_PRIVATE, err = 0, i = 0;

	(void)futex_shared;
	p->pshared = pshared;
	pthread_mutexattr_init(&ma);
	pthread_condattr_init(&ca);
	if ((err = pthread_mutexattr_setpshared(&ma, share)) || (err = pthread_condattr_setpshared(&ca, share)))
		goto out;
	for (i = 0; i < 2; i++) {
		if ((err = pthread_mutex_init(&p->ch[i].mu, &ma)))
			break;
		if ((err = pthread_cond_init(&p->ch[i].cv, &ca))) {
			pthread_mutex_destroy(&p->ch[i].mu);
			break;
		}
	}
	for (int j = 0; err && j < i; j++) {
		pthread_cond_destroy(&p->ch[j].cv);
		pthread_mutex_destroy(&p->ch[j].mu);
	}
out:
	pthread_mutexattr_destroy(&ma);
	pthread_condattr_destroy(&ca);
	return err ? cp_errf(e, CP_ERUN, "pthread mutex/condvar init: %s", strerror(err)) : 0;
}

static void mutex_teardown(struct sy_pair *p)
{
	/* A process-shared condvar whose waiter was killed (a failed run) is
	 * never released: glibc's destroy would wait for it forever.  Shared
	 * ones own nothing but their memory, which is unmapped next. */
	if (p->pshared)
		return;
	for (int i = 0; i < 2; i++) {
		pthread_cond_destroy(&p->ch[i].cv);
		pthread_mutex_destroy(&p->ch[i].mu);
	}
}

/* ---- POSIX semaphore; the number rides next to it ---- */

static inline int sem_post_n(struct sy_pair *p, struct sy_chan *c, uint64_t n, struct sy_side *s)
{
	(void)p;
	c->msg = n;
	if (sem_post(&c->sem))
		return fail(s, n, n, errno, "sem_post");
	return 0;
}

static inline int sem_wait_n(struct sy_pair *p, struct sy_chan *c, uint64_t n, struct sy_side *s)
{
	(void)p;
	while (sem_wait(&c->sem))
		if (errno != EINTR)
			return fail(s, n, 0, errno, "sem_wait");
	if (c->msg != n)
		return fail(s, n, c->msg, 0, "number posted with the semaphore");
	return 0;
}

static int sem_setup(struct sy_pair *p, int pshared, int futex_shared, struct cp_err *e)
{
	(void)futex_shared;
	for (int i = 0; i < 2; i++)
		if (sem_init(&p->ch[i].sem, pshared, 0)) {
			int err = errno;

			if (i)
				sem_destroy(&p->ch[0].sem);
			return cp_errf(e, CP_ERUN, "sem_init: %s", strerror(err));
		}
	return 0;
}

static void sem_teardown(struct sy_pair *p)
{
	for (int i = 0; i < 2; i++)
		sem_destroy(&p->ch[i].sem);
}

/* ---- eventfd: a count of 1 per post; the number rides next to it ---- */

static inline int efd_post(struct sy_pair *p, struct sy_chan *c, uint64_t n, struct sy_side *s)
{
	uint64_t one = 1;

	(void)p;
	c->msg = n;
	if (write(c->wfd, &one, sizeof(one)) != (ssize_t)sizeof(one))
		return fail(s, n, n, errno, "write to the eventfd");
	return 0;
}

static inline int efd_wait(struct sy_pair *p, struct sy_chan *c, uint64_t n, struct sy_side *s)
{
	uint64_t v = 0;

	(void)p;
	if (read(c->rfd, &v, sizeof(v)) != (ssize_t)sizeof(v))
		return fail(s, n, 0, errno, "read of the eventfd");
	/* strict alternation: exactly one post is pending */
	if (v != 1)
		return fail(s, 1, v, 0, "eventfd count");
	if (c->msg != n)
		return fail(s, n, c->msg, 0, "number posted with the eventfd");
	return 0;
}

static int efd_setup(struct sy_pair *p, int pshared, int futex_shared, struct cp_err *e)
{
	(void)pshared;
	(void)futex_shared;
	for (int i = 0; i < 2; i++) {
		p->ch[i].rfd = p->ch[i].wfd = eventfd(0, EFD_CLOEXEC);
		if (p->ch[i].rfd < 0) {
			int err = errno;

			if (i)
				close(p->ch[0].rfd);
			return cp_errf(e, CP_ERUN, "eventfd: %s", strerror(err));
		}
	}
	return 0;
}

static void efd_teardown(struct sy_pair *p)
{
	for (int i = 0; i < 2; i++)
		close(p->ch[i].rfd);
}

/* ---- pipe: the number itself is the 8-byte message ---- */

static inline int pipe_post(struct sy_pair *p, struct sy_chan *c, uint64_t n, struct sy_side *s)
{
	(void)p;
	if (write(c->wfd, &n, sizeof(n)) != (ssize_t)sizeof(n))
		return fail(s, n, n, errno, "write to the pipe");
	return 0;
}

static inline int pipe_wait(struct sy_pair *p, struct sy_chan *c, uint64_t n, struct sy_side *s)
{
	uint64_t v = 0;

	(void)p;
	/* 8 bytes < PIPE_BUF: written and read whole */
	if (read(c->rfd, &v, sizeof(v)) != (ssize_t)sizeof(v))
		return fail(s, n, 0, errno, "read of the pipe");
	if (v != n)
		return fail(s, n, v, 0, "number read from the pipe");
	return 0;
}

static int pipe_setup(struct sy_pair *p, int pshared, int futex_shared, struct cp_err *e)
{
	(void)pshared;
	(void)futex_shared;
	for (int i = 0; i < 2; i++) {
		int fd[2];

		if (pipe2(fd, O_CLOEXEC)) {
			int err = errno;

			if (i) {
				close(p->ch[0].rfd);
				close(p->ch[0].wfd);
			}
			return cp_errf(e, CP_ERUN, "pipe: %s", strerror(err));
		}
		p->ch[i].rfd = fd[0];
		p->ch[i].wfd = fd[1];
	}
	return 0;
}

static void pipe_teardown(struct sy_pair *p)
{
	for (int i = 0; i < 2; i++) {
		close(p->ch[i].rfd);
		close(p->ch[i].wfd);
	}
}

static void nothing(struct sy_pair *p)
{
	(void)p;
}

/* The round-trip loop and the single steps of primitive X.  Per round
 * trip, A: hold-off, post n, announce, wait for n; B: announce, wait for
 * n, hold-off, post n (B's hold-offs so far published before each post, so
 * A reads all of them once its last wait returns).  A's ticks are the
 * whole pass less both sides' hold-offs. */
#define SY_PRIM(X)                                                                        \
	static int X##_run(struct sy_pair *p, unsigned side, uint64_t iters, uint64_t *seq,   \
			   struct sy_io *io, const struct cp_timer *t, uint64_t *ticks)       \
	{                                                                                 \
		struct sy_chan *out = &p->ch[side], *in = &p->ch[!side];                  \
		struct sy_side *s = &p->side[side];                                       \
		uint64_t n = *seq, t0, all;                                               \
		int rc = 0;                                                               \
		io->hold = 0;                                                             \
		if (side == 0) {                                                          \
			t0 = timer_begin(t);                                              \
			for (uint64_t i = 0; i < iters && !rc; i++) {                     \
				n++;                                                      \
				rc = hold_off(p, side, n, io, t, s) || X##_post(p, out, n, s); \
				if (!rc) {                                                \
					announce(p, side, n);                             \
					rc = X##_wait(p, in, n, s);                       \
				}                                                         \
			}                                                                 \
			all = timer_end(t) - t0;                                          \
			all -= io->hold + __atomic_load_n(&p->sleep[1].hold, __ATOMIC_ACQUIRE); \
			*ticks = (int64_t)all > 0 ? all : 0;                              \
		} else {                                                                  \
			for (uint64_t i = 0; i < iters && !rc; i++) {                     \
				n++;                                                      \
				announce(p, side, n);                                     \
				rc = X##_wait(p, in, n, s) || hold_off(p, side, n, io, t, s); \
				if (!rc) {                                                \
					__atomic_store_n(&p->sleep[1].hold, io->hold, __ATOMIC_RELEASE); \
					rc = X##_post(p, out, n, s);                      \
				}                                                         \
			}                                                                 \
		}                                                                         \
		*seq = n;                                                                 \
		return rc ? -1 : 0;                                                       \
	}                                                                                 \
	static int X##_post1(struct sy_pair *p, unsigned ch, uint64_t n)                  \
	{                                                                                 \
		return X##_post(p, &p->ch[ch], n, &p->side[ch]);                          \
	}                                                                                 \
	static int X##_wait1(struct sy_pair *p, unsigned ch, uint64_t n, struct sy_side *s) \
	{                                                                                 \
		return X##_wait(p, &p->ch[ch], n, s);                                     \
	}

SY_PRIM(futex)
SY_PRIM(mutex)
#define semp_post sem_post_n
#define semp_wait sem_wait_n
SY_PRIM(semp)
SY_PRIM(efd)
SY_PRIM(pipe)

#define SY_ROW(name, X, form, setup, teardown, what) \
	{ name, what, NULL, form, setup, teardown, X##_run, X##_post1, X##_wait1 }

const struct sy_prim sy_prims[] = {
	SY_ROW("futex", futex, 1, futex_setup, nothing,
	       "FUTEX_WAIT/FUTEX_WAKE on a 32-bit word (private for threads unless --futex shared)"),
	SY_ROW("mutex", mutex, 0, mutex_setup, mutex_teardown,
	       "pthread mutex + condition variable (PTHREAD_PROCESS_SHARED for processes)"),
	SY_ROW("sem", semp, 0, sem_setup, sem_teardown, "POSIX unnamed semaphores (pshared for processes)"),
	SY_ROW("eventfd", efd, 0, efd_setup, efd_teardown, "one eventfd per direction, blocking read"),
	SY_ROW("pipe", pipe, 0, pipe_setup, pipe_teardown, "one pipe per direction, 8-byte messages"),
	{ "spin", "the atomic spin baseline: the ping-pong load-store kernel, no system call",
	  "load-store", 0, NULL, NULL, NULL, NULL, NULL },
};
const size_t sy_nprims = CP_ARRAY_SIZE(sy_prims);

const char *sy_prim_names(void)
{
	static char buf[128];

	return names_of(NAME_TABLE(sy_prims, sy_nprims), buf, sizeof(buf));
}
