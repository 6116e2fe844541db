/* copy_vias.c: the table of ways to move a message (see copy_vias.h).
 *
 * Each via is three inline steps: src (where A writes the message), send
 * (A hands it over) and recv (B gets it; returns where it now is).  CV_VIA
 * makes its message loop from them, so the timed loop holds the via's own
 * calls, the fill, the sum and the acknowledgement spin, nothing else.
 * pipe and socketpair share the fd steps; they differ in setup only. */
#include "copy_vias.h"
#include "names.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

static int fail(struct cv_side *s, uint64_t want, uint64_t got, int err, const char *call)
{
	s->want = want;
	s->got = got;
	s->err = err;
	s->call = call;
	return -1;
}

/* Spin until *w == n (acquire); leave when another agent failed. */
static inline int spin_for(struct cv_side *s, const uint64_t *w, uint64_t n, const char *what)
{
	while (__atomic_load_n(w, __ATOMIC_ACQUIRE) != n)
		if (*s->abort)
			return fail(s, n, __atomic_load_n(w, __ATOMIC_RELAXED), 0, what);
	return 0;
}

static size_t msg_bytes(const struct cv_side *s)
{
	return s->words * sizeof(uint64_t);
}

/* ---- shared: A writes in place, B reads in place ---- */

static inline uint64_t *shared_src(struct cv_side *s) { return s->shared; }

static inline int shared_send(struct cv_side *s, uint64_t n)
{
	__atomic_store_n(&s->p->flag.v, n, __ATOMIC_RELEASE);
	return 0;
}

static inline const uint64_t *shared_recv(struct cv_side *s, uint64_t n)
{
	return spin_for(s, &s->p->flag.v, n, "flag line (A stopped)") ? NULL : s->shared;
}

/* ---- memcpy: A copies its private message into the shared buffer ---- */

static inline uint64_t *memcpy_src(struct cv_side *s) { return s->priv; }

static inline int memcpy_send(struct cv_side *s, uint64_t n)
{
	memcpy(s->shared, s->priv, msg_bytes(s));
	return shared_send(s, n);
}

#define memcpy_recv shared_recv

/* ---- pipe, socketpair: write/read the whole message ---- */

static inline uint64_t *fd_src(struct cv_side *s) { return s->priv; }

static inline int fd_send(struct cv_side *s, uint64_t n)
{
	const char *b = (const char *)s->priv;
	size_t left = msg_bytes(s);

	while (left) {
		ssize_t k = write(s->p->wfd, b, left);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return fail(s, n, 0, errno, "write");
		b += k;
		left -= (size_t)k;
	}
	return 0;
}

static inline const uint64_t *fd_recv(struct cv_side *s, uint64_t n)
{
	char *b = (char *)s->priv;
	size_t left = msg_bytes(s);

	while (left) {
		ssize_t k = read(s->p->rfd, b, left);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return fail(s, n, s->bytes, k ? errno : 0, k ? "read" : "read (end of file)"), NULL;
		b += k;
		left -= (size_t)k;
		s->bytes += (uint64_t)k;
	}
	return s->priv;
}

/* ---- vmsplice: A gives the pipe references to its pages (no copy, so it
 * must not rewrite them before B's acknowledgement, which the protocol
 * guarantees); B vmsplices them out of the pipe into its buffer ---- */

static inline uint64_t *vms_src(struct cv_side *s) { return s->priv; }

static inline int vms_send(struct cv_side *s, uint64_t n)
{
	struct iovec v = { s->priv, msg_bytes(s) };

	while (v.iov_len) {
		ssize_t k = vmsplice(s->p->wfd, &v, 1, 0);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return fail(s, n, 0, errno, "vmsplice into the pipe");
		v.iov_base = (char *)v.iov_base + k;
		v.iov_len -= (size_t)k;
	}
	return 0;
}

static inline const uint64_t *vms_recv(struct cv_side *s, uint64_t n)
{
	struct iovec v = { s->priv, msg_bytes(s) };

	while (v.iov_len) {
		ssize_t k = vmsplice(s->p->rfd, &v, 1, 0);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return fail(s, n, s->bytes, errno, "vmsplice out of the pipe"), NULL;
		v.iov_base = (char *)v.iov_base + k;
		v.iov_len -= (size_t)k;
		s->bytes += (uint64_t)k;
	}
	return s->priv;
}

/* ---- dsa: the Data Streaming Accelerator copies A's private message
 * into the shared buffer (dsa.h), A waiting for its completion record;
 * then A flags and B reads in place, as for memcpy ---- */

static inline uint64_t *dsa_src(struct cv_side *s) { return s->priv; }

static inline int dsa_send(struct cv_side *s, uint64_t n)
{
	const char *why = NULL;

	if (dsa_copy(s->eng, s->shared, s->priv, msg_bytes(s), &why))
		return fail(s, n, 0, 0, why);
	return shared_send(s, n);
}

#define dsa_recv shared_recv

const char *cv_dsa_root(void)
{
	const char *r = getenv(CV_DSA_ROOT_ENV);

	return r ? r : "";
}

static int dsa_setup(struct cv_pair *p, size_t size, struct cp_err *e)
{
	(void)size;
	p->rfd = p->wfd = -1;
	return dsa_find(cv_dsa_root(), &p->dsa, e);
}

/* A opens the queue in its own process: the engine works in the address
 * space of the process that opened it (its PASID). */
static int dsa_prepare(struct cv_side *s, unsigned side, struct cp_err *e)
{
	return side == 0 ? dsa_open(&s->p->dsa, msg_bytes(s), &s->eng, e) : 0;
}

static void dsa_finish(struct cv_side *s, unsigned side)
{
	if (side == 0)
		dsa_close(s->eng);
	s->eng = NULL;
}

/* ---- process_vm_readv: A flags, B reads A's private buffer ---- */

#define pvr_src fd_src
#define pvr_send shared_send

static inline const uint64_t *pvr_recv(struct cv_side *s, uint64_t n)
{
	struct iovec lv = { s->priv, msg_bytes(s) };
	struct iovec rv = { (void *)s->p->src_a, msg_bytes(s) };

	if (spin_for(s, &s->p->flag.v, n, "flag line (A stopped)"))
		return NULL;
	while (lv.iov_len) {
		ssize_t k = process_vm_readv(s->p->pid[0], &lv, 1, &rv, 1, 0);

		if (k <= 0) {
			s->unavail = k < 0 && (errno == EPERM || errno == ENOSYS);
			return fail(s, n, s->bytes, k ? errno : 0, "process_vm_readv"), NULL;
		}
		lv.iov_base = (char *)lv.iov_base + k;
		lv.iov_len -= (size_t)k;
		rv.iov_base = (char *)rv.iov_base + k;
		rv.iov_len -= (size_t)k;
		s->bytes += (uint64_t)k;
	}
	return s->priv;
}

void cv_unavail_hint(const struct cv_side *s, char *buf, size_t len)
{
	char scope[16] = "";
	FILE *f = fopen("/proc/sys/kernel/yama/ptrace_scope", "r");

	if (f) {
		if (!fgets(scope, sizeof(scope), f))
			scope[0] = 0;
		scope[strcspn(scope, "\n")] = 0;
		fclose(f);
	}
	if (s->err == ENOSYS)
		snprintf(buf, len, "process_vm_readv: %s: this kernel lacks it (CONFIG_CROSS_MEMORY_ATTACH)",
			 strerror(s->err));
	else if (scope[0])
		snprintf(buf, len, "process_vm_readv: %s: Yama ptrace_scope is %s: "
			 "echo 0 > /proc/sys/kernel/yama/ptrace_scope (or run with CAP_SYS_PTRACE; "
			 "in a container also allow process_vm_readv in seccomp)", strerror(s->err), scope);
	else
		snprintf(buf, len, "process_vm_readv: %s: ptrace access refused (no Yama here: a seccomp "
			 "filter or LSM; allow process_vm_readv / give CAP_SYS_PTRACE)", strerror(s->err));
}

static int pvr_prepare(struct cv_side *s, unsigned side, struct cp_err *e)
{
	(void)e;
	if (side != 0)
		return 0;
	s->p->src_a = s->priv;
	/* under Yama ptrace_scope 1 only an ancestor may read a process: A
	 * names B as allowed, as cooperating programs (MPI's CMA) do; EINVAL
	 * means there is no Yama.  Scope 2 and 3 stay refused (exit 3). */
	if (s->p->pid[0] != s->p->pid[1])
		prctl(PR_SET_PTRACER, (unsigned long)s->p->pid[1], 0, 0, 0);
	return 0;
}

/* ---- setup / teardown ---- */

static int no_setup(struct cv_pair *p, size_t size, struct cp_err *e)
{
	(void)size;
	(void)e;
	p->rfd = p->wfd = -1;
	return 0;
}

static void close_fds(struct cv_pair *p)
{
	if (p->rfd >= 0)
		close(p->rfd);
	if (p->wfd >= 0)
		close(p->wfd);
	p->rfd = p->wfd = -1;
}

/* The largest pipe an unprivileged user may ask for (pipe-max-size), so
 * big messages take few wake-ups; the size goes in the row's note. */
static int pipe_setup(struct cv_pair *p, size_t size, struct cp_err *e)
{
	int fd[2];
	FILE *f = fopen("/proc/sys/fs/pipe-max-size", "r");
	int max = 0;

	(void)size;
	if (f) {
		if (fscanf(f, "%d", &max) != 1)
			max = 0;
		fclose(f);
	}
	if (pipe2(fd, O_CLOEXEC))
		return cp_errf(e, CP_ERUN, "pipe: %s", strerror(errno));
	p->rfd = fd[0];
	p->wfd = fd[1];
	if (max > 0)
		fcntl(p->wfd, F_SETPIPE_SZ, max);
	p->bufsize = fcntl(p->wfd, F_GETPIPE_SZ);
	return 0;
}

static int socket_setup(struct cv_pair *p, size_t size, struct cp_err *e)
{
	int fd[2], v = 0;
	socklen_t l = sizeof(v);

	(void)size;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fd))
		return cp_errf(e, CP_ERUN, "socketpair: %s", strerror(errno));
	p->rfd = fd[0];
	p->wfd = fd[1];
	if (!getsockopt(p->wfd, SOL_SOCKET, SO_SNDBUF, &v, &l))
		p->bufsize = v;
	return 0;
}

static int no_prepare(struct cv_side *s, unsigned side, struct cp_err *e)
{
	(void)s;
	(void)side;
	(void)e;
	return 0;
}

/* The message loop of via X. */
#define CV_VIA(X)                                                                             \
	static int X##_run(struct cv_side *s, unsigned side, uint64_t iters, uint64_t *seq,      \
			   const struct cp_timer *t, uint64_t *ticks)                            \
	{                                                                                    \
		uint64_t n = *seq, t0;                                                       \
		int rc = 0;                                                                  \
		if (side == 0) {                                                             \
			t0 = timer_begin(t);                                                 \
			for (uint64_t i = 0; i < iters && !rc; i++) {                        \
				n++;                                                         \
				cv_fill(X##_src(s), s->words, n);                            \
				rc = X##_send(s, n) ||                                       \
				     spin_for(s, &s->p->ack.v, n, "acknowledgement (B stopped)"); \
			}                                                                    \
			*ticks = timer_end(t) - t0;                                          \
		} else {                                                                     \
			for (uint64_t i = 0; i < iters && !rc; i++) {                        \
				const uint64_t *d;                                           \
				uint64_t sum;                                                \
				n++;                                                         \
				if (!(d = X##_recv(s, n)))                                   \
					rc = -1;                                             \
				else if ((sum = cv_sum(d, s->words)) != cv_expect(s->words, n)) \
					rc = fail(s, cv_expect(s->words, n), sum, 0, "message checksum"); \
				else                                                         \
					__atomic_store_n(&s->p->ack.v, n, __ATOMIC_RELEASE); \
			}                                                                    \
		}                                                                            \
		*seq = n;                                                                    \
		return rc ? -1 : 0;                                                          \
	}

CV_VIA(shared)
CV_VIA(memcpy)
CV_VIA(fd)
CV_VIA(vms)
CV_VIA(pvr)
CV_VIA(dsa)

const struct cv_via cv_vias[] = {
	{ "shared", "A writes the message into shared memory, B reads it in place", 1,
	  no_setup, close_fds, no_prepare, shared_run, NULL },
	{ "memcpy", "A copies its private message into shared memory, B reads it there", 1,
	  no_setup, close_fds, no_prepare, memcpy_run, NULL },
	{ "pipe", "write(2) into a pipe, read(2) out of it", 0, pipe_setup, close_fds, no_prepare, fd_run, NULL },
	{ "socketpair", "write(2)/read(2) through an AF_UNIX stream socketpair", 0, socket_setup, close_fds,
	  no_prepare, fd_run, NULL },
	{ "vmsplice", "vmsplice(2) A's pages into a pipe, vmsplice(2) them out into B's buffer", 0,
	  pipe_setup, close_fds, no_prepare, vms_run, NULL },
	{ "process_vm_readv", "B reads A's private buffer with process_vm_readv(2)", 0, no_setup, close_fds,
	  pvr_prepare, pvr_run, NULL },
	{ "dsa", "Intel's Data Streaming Accelerator copies A's private message into shared memory (a user "
	  "work queue), B reads it there", 1, dsa_setup, close_fds, dsa_prepare, dsa_run, dsa_finish },
};
const size_t cv_nvias = CP_ARRAY_SIZE(cv_vias);

const char *cv_via_names(void)
{
	static char buf[128];

	return names_of(NAME_TABLE(cv_vias, cv_nvias), buf, sizeof(buf));
}
