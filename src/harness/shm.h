/* shm.h: the memory two agents share, of every kind cachepong compares:
 *   heap   private anonymous memory of one process (threads only)
 *   anon   mmap(MAP_SHARED|MAP_ANONYMOUS) before fork
 *   sysv   shmget + shmat; each process attaches on its own, so the address
 *          spaces map it at different virtual addresses
 *   posix  shm_open + ftruncate + mmap
 *   memfd  memfd_create + ftruncate + mmap
 *   private  mmap(MAP_PRIVATE|MAP_ANONYMOUS): the unshared baseline for setup costs
 * and page sizes 4k, thp (madvise(MADV_HUGEPAGE), verified in smaps),
 * huge (MAP_HUGETLB / SHM_HUGETLB).
 *
 * Leak-proof by construction: a SysV segment is marked IPC_RMID right after
 * the creator attaches (Linux lets later shmat()s of a marked segment
 * succeed while it is attached), POSIX objects are unlinked right after the
 * fd is opened, objects are created mode 0600.  A crash leaks nothing. */
#ifndef SHM_H
#define SHM_H

#include <stddef.h>
#include <stdint.h>

#include "cp.h"

struct shm_kind;  /* a row of the kind table (shm.c) */
struct page_kind; /* a row of the page-size table (shm.c) */

struct cp_shm {
	const struct shm_kind *kind;
	const struct page_kind *pages;
	size_t size;        /* asked size rounded up to the page size */
	size_t page_size;   /* 4096, or the huge/THP page size */
	int fd;             /* posix, memfd: the object; -1 otherwise */
	int shmid;          /* sysv: the segment; -1 otherwise */
	void *addr;         /* the creator's mapping (NULL until mapped) */
	int shared;         /* 1 when processes can share it (not heap/private) */
};

/* Look up names (NULL = default: "heap" for threads, "anon" for processes;
 * "4k").  CP_EUSAGE naming the value and the table's names; "heap" with
 * processes is CP_EUSAGE; a page kind the machine cannot give is
 * CP_EUNAVAIL with the reason and the setting to change (nr_hugepages is 0:
 * echo N > /proc/sys/vm/nr_hugepages; shmem_enabled is never; ...). */
int shm_check(const char *kind, const char *pages, int processes, struct cp_err *e);

/* A size that maps whole pages of that kind (objects are made in pages, so
 * 4097 bytes would silently be 8192): CP_EUSAGE naming the size, the page
 * size and the nearest allowed sizes. */
int shm_check_size(const char *pages, uint64_t size, const char *optname, struct cp_err *e);

/* Names of the kinds / page sizes, '|'-separated, for help and messages. */
const char *shm_kind_names(void);
const char *shm_page_names(void);
const char *shm_kind_name(const struct cp_shm *s);
const char *shm_page_name(const struct cp_shm *s);

/* Create the object (shmget / shm_open+ftruncate / memfd_create+ftruncate)
 * and, for every kind, map it once in the caller (s->addr), untouched.  Call
 * before fork/pthread_create.  No page is touched here. */
int shm_create(struct cp_shm *s, const char *kind, const char *pages, size_t size,
	       struct cp_err *e);

/* In an agent after fork: its own mapping (sysv: shmat; posix/memfd: mmap
 * of the inherited fd; anon/heap/private: the inherited s->addr).  Threads
 * use s->addr directly.  *addr is what the agent must pass to shm_detach. */
int shm_attach(const struct cp_shm *s, void **addr, struct cp_err *e);
int shm_detach(const struct cp_shm *s, void *addr);

/* Unmap the creator's mapping and close/remove the object. */
void shm_destroy(struct cp_shm *s);

/* For setup costs, the steps one at a time (each a single system call
 * sequence, no touching): create only / map only / unmap only. */
int shm_create_object(struct cp_shm *s, const char *kind, const char *pages, size_t size,
		      struct cp_err *e);
/* shm_create_object in two steps, so that a timed create holds the system
 * calls only: prepare = the name lookups, the page-size check and page size
 * (which read sysfs / /proc/meminfo for thp and huge), no object made;
 * make = the kind's create (shmget, shm_open+ftruncate, memfd_create+...). */
int shm_prepare_object(struct cp_shm *s, const char *kind, const char *pages, size_t size,
		       struct cp_err *e);
int shm_make_object(struct cp_shm *s, struct cp_err *e);
int shm_map(struct cp_shm *s, void **addr, int populate, struct cp_err *e);
int shm_unmap(const struct cp_shm *s, void *addr);
void shm_destroy_object(struct cp_shm *s);

/* Bind [addr, addr+len) to NUMA node `node` (mbind MPOL_BIND) before the
 * first touch; CP_EUNAVAIL when the node does not exist or has no memory. */
int shm_bind_node(void *addr, size_t len, int node, struct cp_err *e);
/* The node the page at addr really sits on (move_pages query); the page
 * must have been touched.  -1 with e filled when it cannot be told. */
int shm_node_of(const void *addr, struct cp_err *e);
/* The node of the page at addr into *seen (-1 unknown); with want >= 0, an
 * error (exit 3) unless it is there. */
int shm_node_check(const void *addr, int want, int *seen, struct cp_err *e);
/* After touching: check the range is backed by huge pages (smaps
 * AnonHugePages / ShmemPmdMapped / hugetlb); CP_EUNAVAIL with the reason. */
int shm_verify_pages(const struct cp_shm *s, const void *addr, struct cp_err *e);

#endif
