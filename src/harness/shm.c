/* shm.c: shared memory kinds x page sizes (see shm.h).  Each kind is a row
 * of hooks; each page size a row of flags and a check.  No name-based
 * special cases: what differs is in the rows. */
#include "shm.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <unistd.h>

#include "shm_sys.h"

struct shm_kind {
	const char *name;
	int shared;      /* can be shared with forked processes */
	int shmem;       /* backed by shmem/tmpfs: THP follows shmem_enabled */
	int (*create)(struct cp_shm *s, struct cp_err *e);
	int (*map)(const struct cp_shm *s, void *at, int populate, void **addr, struct cp_err *e);
	int (*unmap)(const struct cp_shm *s, void *addr);
	void (*destroy)(struct cp_shm *s);
};

struct page_kind {
	const char *name;
	int (*check)(const struct shm_kind *k, struct cp_err *e);
	size_t (*page_size)(void);
	int mmap_flags;  /* MAP_HUGETLB */
	int shm_flags;   /* SHM_HUGETLB */
	int mfd_flags;   /* MFD_HUGETLB */
	int thp;         /* madvise(MADV_HUGEPAGE) and align to the THP size */
};

/* ---- kinds ---- */

static int create_nothing(struct cp_shm *s, struct cp_err *e)
{
	(void)s;
	(void)e;
	return 0;
}

static void destroy_nothing(struct cp_shm *s)
{
	(void)s;
}

/* One rule for every path that makes or maps the experiment's memory: the
 * machine has not that much (ENOMEM, ENOSPC, EFBIG) is "not available on
 * this machine" (exit 3) with the reason; anything else is a failed run. */
static int mem_err(struct cp_err *e, int err, const char *what)
{
	int none = err == ENOMEM || err == ENOSPC || err == EFBIG;

	return cp_errf(e, none ? CP_EUNAVAIL : CP_ERUN, "%s%s: %s", none ? "not available on this machine: " : "",
		       what, strerror(err));
}

static int do_mmap(const struct cp_shm *s, void *at, int prot_flags, int fd, int populate,
		   void **addr, struct cp_err *e)
{
	int flags = prot_flags | s->pages->mmap_flags | (at ? MAP_FIXED : 0) |
		    (populate ? MAP_POPULATE : 0);
	void *p = mmap(at, s->size, PROT_READ | PROT_WRITE, flags, fd, 0);

	if (p == MAP_FAILED) {
		char what[160];
		int err = errno;

		snprintf(what, sizeof(what), "mmap of %zu bytes (%s, %s pages)", s->size, s->kind->name,
			 s->pages->name);
		return mem_err(e, err, what);
	}
	*addr = p;
	return 0;
}

static int map_private(const struct cp_shm *s, void *at, int populate, void **addr, struct cp_err *e)
{
	return do_mmap(s, at, MAP_PRIVATE | MAP_ANONYMOUS, -1, populate, addr, e);
}

static int map_anon_shared(const struct cp_shm *s, void *at, int populate, void **addr, struct cp_err *e)
{
	return do_mmap(s, at, MAP_SHARED | MAP_ANONYMOUS, -1, populate, addr, e);
}

static int map_fd(const struct cp_shm *s, void *at, int populate, void **addr, struct cp_err *e)
{
	return do_mmap(s, at, MAP_SHARED, s->fd, populate, addr, e);
}

static int unmap_mmap(const struct cp_shm *s, void *addr)
{
	return munmap(addr, s->size);
}

/* SysV segments outlive their creator: a kill -9 between shmget and
 * IPC_RMID leaves one behind, and no signal handler can close that window.
 * So cachepong's segments carry keys of their own ("cp" and 16 bits), and
 * the next run removes those whose creator is gone and that nobody has
 * attached; a segment of anyone else is never touched. */
#define SYSV_KEY_BASE 0x63700000u
#define SYSV_KEY_MASK 0xffff0000u

static void sysv_reap_stale(void)
{
	struct shminfo info;
	int max = shmctl(0, IPC_INFO, (struct shmid_ds *)(void *)&info);

	for (int i = 0; i <= max; i++) {
		struct shmid_ds ds;
		int id = shmctl(i, SHM_STAT, &ds);

		if (id < 0 || ((unsigned)ds.shm_perm.__key & SYSV_KEY_MASK) != SYSV_KEY_BASE ||
		    ds.shm_perm.uid != geteuid() || ds.shm_nattch || !ds.shm_cpid ||
		    !kill(ds.shm_cpid, 0) || errno != ESRCH)
			continue;
		shmctl(id, IPC_RMID, NULL);
	}
}

static int create_sysv(struct cp_shm *s, struct cp_err *e)
{
	static unsigned seq;
	unsigned tries = 0;

	/* a key of our range not in use: EEXIST moves on (IPC_EXCL) */
	do {
		key_t key = (key_t)(SYSV_KEY_BASE | (((unsigned)getpid() * 131u + seq++) & 0xffffu));

		s->shmid = shmget(key, s->size, IPC_CREAT | IPC_EXCL | 0600 | s->pages->shm_flags);
	} while (s->shmid < 0 && errno == EEXIST && ++tries < 0x10000u);
	if (s->shmid < 0) {
		char what[200];
		int err = errno;

		snprintf(what, sizeof(what), "shmget of %zu bytes (%s pages; see /proc/sys/kernel/shmmax, "
			 "shmall, shmmni)", s->size, s->pages->name);
		return mem_err(e, err, what);
	}
	return 0;
}

static int map_sysv(const struct cp_shm *s, void *at, int populate, void **addr, struct cp_err *e)
{
	void *p = shmat(s->shmid, at, at ? SHM_REMAP : 0);

	if (p == (void *)-1) {
		char what[80];
		int err = errno;

		snprintf(what, sizeof(what), "shmat of segment %d", s->shmid);
		return mem_err(e, err, what);
	}
	if (populate && madvise(p, s->size, MADV_POPULATE_WRITE)) {
		int err = errno;

		shmdt(p);
		return cp_errf(e, err == EINVAL ? CP_EUNAVAIL : CP_ERUN,
			       "madvise(MADV_POPULATE_WRITE) on a SysV segment: %s (needs Linux 5.14)",
			       strerror(err));
	}
	*addr = p;
	return 0;
}

static int unmap_sysv(const struct cp_shm *s, void *addr)
{
	(void)s;
	return shmdt(addr);
}

static void destroy_sysv(struct cp_shm *s)
{
	if (s->shmid >= 0)
		shmctl(s->shmid, IPC_RMID, NULL);
	s->shmid = -1;
}

static int size_fd(struct cp_shm *s, const char *what, struct cp_err *e)
{
	if (ftruncate(s->fd, (off_t)s->size)) {
		char msg[160];
		int err = errno;

		close(s->fd);
		s->fd = -1;
		snprintf(msg, sizeof(msg), "ftruncate of the %s object to %zu bytes", what, s->size);
		return mem_err(e, err, msg);
	}
	return 0;
}

static int create_posix(struct cp_shm *s, struct cp_err *e)
{
	char name[64];

	/* a unique name, unlinked at once: the fd keeps the object alive and
	 * nothing is left in /dev/shm whatever happens next */
	snprintf(name, sizeof(name), "/cachepong-%d-%p", (int)getpid(), (void *)s);
	s->fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (s->fd < 0)
		return cp_errf(e, CP_ERUN, "shm_open(%s): %s", name, strerror(errno));
	shm_unlink(name);
	return size_fd(s, "POSIX shm", e);
}

static int create_memfd(struct cp_shm *s, struct cp_err *e)
{
	s->fd = memfd_create("cachepong", MFD_CLOEXEC | (unsigned)s->pages->mfd_flags);
	if (s->fd < 0)
		return cp_errf(e, CP_ERUN, "memfd_create: %s", strerror(errno));
	return size_fd(s, "memfd", e);
}

static void destroy_fd(struct cp_shm *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

static const struct shm_kind kinds[] = {
	{ "heap",    0, 0, create_nothing, map_private,     unmap_mmap, destroy_nothing },
	{ "anon",    1, 1, create_nothing, map_anon_shared, unmap_mmap, destroy_nothing },
	{ "sysv",    1, 1, create_sysv,    map_sysv,        unmap_sysv, destroy_sysv },
	{ "posix",   1, 1, create_posix,   map_fd,          unmap_mmap, destroy_fd },
	{ "memfd",   1, 1, create_memfd,   map_fd,          unmap_mmap, destroy_fd },
	{ "private", 0, 0, create_nothing, map_private,     unmap_mmap, destroy_nothing },
};

/* ---- page sizes ---- */

static int check_4k(const struct shm_kind *k, struct cp_err *e)
{
	(void)k;
	(void)e;
	return 0;
}

static int check_thp(const struct shm_kind *k, struct cp_err *e)
{
	if (k->create == create_posix)   /* shm_open's objects live in the /dev/shm tmpfs */
		return shm_sys_check_tmpfs_thp("/dev/shm", e);
	return shm_sys_check_thp(k->shmem, e);
}

static int check_huge(const struct shm_kind *k, struct cp_err *e)
{
	/* tmpfs (/dev/shm) has no hugetlb pages; memfd and SysV do */
	if (k->create == create_posix)
		return cp_errf(e, CP_EUSAGE,
			       "--pages huge: not possible with --shm posix (its /dev/shm tmpfs has no hugetlb pages): "
			       "use --shm memfd, sysv, anon or heap");
	return shm_sys_check_huge(e);
}

static const struct page_kind page_kinds[] = {
	{ "4k",   check_4k,   shm_sys_base_page, 0, 0, 0, 0 },
	{ "thp",  check_thp,  shm_sys_thp_page, 0, 0, 0, 1 },
	{ "huge", check_huge, shm_sys_huge_page, MAP_HUGETLB, SHM_HUGETLB, MFD_HUGETLB, 0 },
};

static char *names_of(char *buf, size_t len, size_t n, const char *(*name)(size_t))
{
	size_t off = 0;

	buf[0] = 0;
	for (size_t i = 0; i < n && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? "|" : "", name(i));
	return buf;
}

static const char *kind_name_at(size_t i) { return kinds[i].name; }
static const char *page_name_at(size_t i) { return page_kinds[i].name; }

const char *shm_kind_names(void)
{
	static char buf[128];

	return names_of(buf, sizeof(buf), CP_ARRAY_SIZE(kinds), kind_name_at);
}

const char *shm_page_names(void)
{
	static char buf[64];

	return names_of(buf, sizeof(buf), CP_ARRAY_SIZE(page_kinds), page_name_at);
}

const char *shm_kind_name(const struct cp_shm *s) { return s->kind->name; }
const char *shm_page_name(const struct cp_shm *s) { return s->pages->name; }

static const struct shm_kind *find_kind(const char *name, struct cp_err *e)
{
	for (size_t i = 0; i < CP_ARRAY_SIZE(kinds); i++)
		if (!strcmp(kinds[i].name, name))
			return &kinds[i];
	cp_errf(e, CP_EUSAGE, "--shm: invalid value '%s': allowed: %s", name, shm_kind_names());
	return NULL;
}

static const struct page_kind *find_pages(const char *name, struct cp_err *e)
{
	for (size_t i = 0; i < CP_ARRAY_SIZE(page_kinds); i++)
		if (!strcmp(page_kinds[i].name, name))
			return &page_kinds[i];
	cp_errf(e, CP_EUSAGE, "--pages: invalid value '%s': allowed: %s", name, shm_page_names());
	return NULL;
}

int shm_check(const char *kind, const char *pages, int processes, struct cp_err *e)
{
	const struct shm_kind *k = find_kind(kind ? kind : (processes ? "anon" : "heap"), e);
	const struct page_kind *p = k ? find_pages(pages ? pages : "4k", e) : NULL;

	if (!k || !p)
		return e->code;
	if (processes && !k->shared)
		return cp_errf(e, CP_EUSAGE,
			       "--shm %s is private to one process: with --mode process (or both) use anon, sysv, posix or memfd",
			       k->name);
	return p->check(k, e);
}

int shm_check_size(const char *pages, uint64_t size, const char *optname, struct cp_err *e)
{
	const struct page_kind *p = find_pages(pages ? pages : "4k", e);
	uint64_t ps;

	if (!p)
		return e->code;
	ps = p->page_size();
	if (ps && size % ps == 0)
		return 0;
	return cp_errf(e, CP_EUSAGE,
		       "--%s: invalid value '%llu': memory is made in whole pages of %llu bytes (--pages %s): "
		       "allowed: multiples of %llu, e.g. %llu or %llu", optname, (unsigned long long)size,
		       (unsigned long long)ps, p->name, (unsigned long long)ps,
		       (unsigned long long)(size >= ps ? size / ps * ps : ps),
		       (unsigned long long)((size / ps + 1) * ps));
}

/* ---- create / map ---- */

/* A PROT_NONE reservation aligned to `align`, for THP: a huge page can
 * only back a range aligned to its size. */
static void *reserve_aligned(size_t size, size_t align)
{
	char *p = mmap(NULL, size + align, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	char *a;

	if (p == MAP_FAILED)
		return NULL;
	a = (char *)(((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1));
	if (a > p)
		munmap(p, (size_t)(a - p));
	if (a + size < p + size + align)
		munmap(a + size, (size_t)(p + size + align - (a + size)));
	return a;
}

int shm_prepare_object(struct cp_shm *s, const char *kind, const char *pages, size_t size,
		       struct cp_err *e)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->shmid = -1;
	s->kind = find_kind(kind ? kind : "anon", e);
	s->pages = s->kind ? find_pages(pages ? pages : "4k", e) : NULL;
	if (!s->kind || !s->pages)
		return e->code;
	if (s->pages->check(s->kind, e))
		return e->code;
	s->page_size = s->pages->page_size();
	s->size = (size + s->page_size - 1) / s->page_size * s->page_size;
	if (s->kind->create == create_sysv) {
		static int reaped; /* once a process, untimed: before any create */

		if (!reaped++)
			sysv_reap_stale();
	}
	s->shared = s->kind->shared;
	return 0;
}

int shm_make_object(struct cp_shm *s, struct cp_err *e)
{
	return s->kind->create(s, e);
}

int shm_create_object(struct cp_shm *s, const char *kind, const char *pages, size_t size,
		      struct cp_err *e)
{
	int rc = shm_prepare_object(s, kind, pages, size, e);

	return rc ? rc : shm_make_object(s, e);
}

int shm_map(struct cp_shm *s, void **addr, int populate, struct cp_err *e)
{
	void *at = NULL;
	int rc;

	if (s->pages->thp && !(at = reserve_aligned(s->size, s->page_size))) {
		char what[120];
		int err = errno;

		snprintf(what, sizeof(what), "reserving %zu bytes aligned to %zu", s->size, s->page_size);
		return mem_err(e, err, what);
	}
	rc = s->kind->map(s, at, 0, addr, e);
	if (rc) {
		if (at)
			munmap(at, s->size);
		return rc;
	}
	/* THP must be asked for before the first touch, populate after */
	if (s->pages->thp && madvise(*addr, s->size, MADV_HUGEPAGE)) {
		int err = errno;

		s->kind->unmap(s, *addr);
		return cp_errf(e, CP_EUNAVAIL, "madvise(MADV_HUGEPAGE): %s", strerror(err));
	}
	if (populate) {
		if (madvise(*addr, s->size, MADV_POPULATE_WRITE)) {
			int err = errno;

			s->kind->unmap(s, *addr);
			if (err != EINVAL)
				return mem_err(e, err, "madvise(MADV_POPULATE_WRITE), populating the pages");
			return cp_errf(e, CP_EUNAVAIL,
				       "madvise(MADV_POPULATE_WRITE): %s (needs Linux 5.14)", strerror(err));
		}
	}
	return 0;
}

int shm_unmap(const struct cp_shm *s, void *addr)
{
	return s->kind->unmap(s, addr);
}

void shm_destroy_object(struct cp_shm *s)
{
	if (s->kind)
		s->kind->destroy(s);
}

int shm_create(struct cp_shm *s, const char *kind, const char *pages, size_t size, struct cp_err *e)
{
	int rc = shm_create_object(s, kind, pages, size, e);

	if (rc)
		return rc;
	rc = shm_map(s, &s->addr, 0, e);
	/* the mapping keeps a SysV segment alive: mark it for removal now so
	 * that no exit path can leak it (Linux still allows later shmat) */
	if (s->kind->destroy == destroy_sysv)
		shmctl(s->shmid, IPC_RMID, NULL);
	if (rc) {
		shm_destroy_object(s);
		return rc;
	}
	return 0;
}

int shm_attach(const struct cp_shm *s, void **addr, struct cp_err *e)
{
	/* kinds without an object (anon, heap, private) are the inherited mapping */
	if (s->kind->create == create_nothing) {
		*addr = s->addr;
		return 0;
	}
	return shm_map((struct cp_shm *)s, addr, 0, e);
}

int shm_detach(const struct cp_shm *s, void *addr)
{
	if (s->kind->create == create_nothing || addr == s->addr)
		return 0;
	return s->kind->unmap(s, addr);
}

void shm_destroy(struct cp_shm *s)
{
	if (s->addr)
		s->kind->unmap(s, s->addr);
	s->addr = NULL;
	shm_destroy_object(s);
}

int shm_verify_pages(const struct cp_shm *s, const void *addr, struct cp_err *e)
{
	if (!s->pages->thp && !s->pages->mmap_flags)
		return 0;
	return shm_sys_verify(addr, s->size, s->pages->thp, s->kind->shmem, s->page_size, e);
}
