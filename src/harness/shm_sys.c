/* shm_sys.c: kernel facts for shm.c and NUMA placement (libnuma). */
#include "shm_sys.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "have_numa.h"   /* HAVE_NUMA, from tools/configure.sh */
#ifdef HAVE_NUMA
#include <numa.h>
#include <numaif.h>
#endif

#include "shm.h"

#define THP_DIR "/sys/kernel/mm/transparent_hugepage"

static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (!fgets(buf, (int)len, f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

/* "always [madvise] never" -> "madvise" */
static const char *bracketed(char *buf)
{
	char *a = strchr(buf, '['), *b = a ? strchr(a, ']') : NULL;

	if (!a || !b)
		return buf;
	*b = 0;
	return a + 1;
}

size_t shm_sys_base_page(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

size_t shm_sys_thp_page(void)
{
	char buf[64];

	if (!read_line(THP_DIR "/hpage_pmd_size", buf, sizeof(buf)))
		return (size_t)strtoull(buf, NULL, 10);
	return 2u << 20;
}

size_t shm_sys_huge_page(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	size_t kb = 2048;

	if (!f)
		return kb << 10;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Hugepagesize: %zu kB", &kb) == 1)
			break;
	fclose(f);
	return kb << 10;
}

int shm_sys_check_thp(int shmem, struct cp_err *e)
{
	char buf[256];
	const char *mode;

	if (shmem) {
		if (read_line(THP_DIR "/shmem_enabled", buf, sizeof(buf)))
			return cp_errf(e, CP_EUNAVAIL, "THP for shared memory: %s/shmem_enabled is missing (kernel without THP)", THP_DIR);
		mode = bracketed(buf);
		if (!strcmp(mode, "never") || !strcmp(mode, "deny"))
			return cp_errf(e, CP_EUNAVAIL,
				       "--pages thp on shared memory: %s/shmem_enabled is '%s': "
				       "echo advise > %s/shmem_enabled",
				       THP_DIR, mode, THP_DIR);
		return 0;
	}
	if (read_line(THP_DIR "/enabled", buf, sizeof(buf)))
		return cp_errf(e, CP_EUNAVAIL, "THP: %s/enabled is missing (kernel without THP)", THP_DIR);
	mode = bracketed(buf);
	if (!strcmp(mode, "never"))
		return cp_errf(e, CP_EUNAVAIL, "--pages thp: %s/enabled is 'never': echo madvise > %s/enabled",
			       THP_DIR, THP_DIR);
	return 0;
}

/* The huge= option of the tmpfs mounted at `dir` ("never" when absent), or
 * NULL when nothing is mounted there: /proc/self/mountinfo's super options. */
static const char *tmpfs_huge_option(const char *dir, char *buf, size_t len)
{
	FILE *f = fopen("/proc/self/mountinfo", "r");
	char line[1024], mnt[512], *opt, *sep;
	const char *found = NULL;

	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		/* "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS ... - FSTYPE SOURCE SUPEROPTS" */
		if (sscanf(line, "%*s %*s %*s %*s %511s", mnt) != 1 || strcmp(mnt, dir) ||
		    !(sep = strstr(line, " - tmpfs ")))
			continue;
		snprintf(buf, len, "never");
		if ((opt = strstr(sep, "huge=")) != NULL)
			snprintf(buf, len, "%.*s", (int)strcspn(opt + 5, ", \n"), opt + 5);
		found = buf;   /* the last mount on `dir` is the one that shows */
	}
	fclose(f);
	return found;
}

/* A tmpfs mount (/dev/shm for POSIX objects) takes THP from its own huge=
 * option, not from shmem_enabled, unless shmem_enabled says force or deny. */
int shm_sys_check_tmpfs_thp(const char *dir, struct cp_err *e)
{
	char buf[256], opt[32];
	const char *mode, *huge;

	if (read_line(THP_DIR "/shmem_enabled", buf, sizeof(buf)))
		return cp_errf(e, CP_EUNAVAIL, "THP for shared memory: %s/shmem_enabled is missing (kernel without THP)", THP_DIR);
	mode = bracketed(buf);
	if (!strcmp(mode, "force"))
		return 0;
	if (!strcmp(mode, "deny"))
		return cp_errf(e, CP_EUNAVAIL, "--pages thp on shared memory: %s/shmem_enabled is 'deny': "
			       "echo advise > %s/shmem_enabled", THP_DIR, THP_DIR);
	huge = tmpfs_huge_option(dir, opt, sizeof(opt));
	if (huge && strcmp(huge, "never"))
		return 0;
	return cp_errf(e, CP_EUNAVAIL,
		       "--pages thp with --shm posix: %s is %s (a tmpfs mount takes THP from its own huge= "
		       "option, not from shmem_enabled): mount -o remount,huge=advise %s, or use --shm memfd, sysv or anon",
		       dir, huge ? "mounted with huge=never" : "not a tmpfs mount", dir);
}

int shm_sys_check_huge(struct cp_err *e)
{
	char path[128], buf[64];
	size_t kb = shm_sys_huge_page() >> 10;
	long nr, nfree;

	snprintf(path, sizeof(path), "/sys/kernel/mm/hugepages/hugepages-%zukB/nr_hugepages", kb);
	if (read_line(path, buf, sizeof(buf)))
		return cp_errf(e, CP_EUNAVAIL, "--pages huge: %s is missing (kernel without hugetlbfs)", path);
	nr = strtol(buf, NULL, 10);
	snprintf(path, sizeof(path), "/sys/kernel/mm/hugepages/hugepages-%zukB/free_hugepages", kb);
	nfree = read_line(path, buf, sizeof(buf)) ? 0 : strtol(buf, NULL, 10);
	if (nr == 0)
		return cp_errf(e, CP_EUNAVAIL,
			       "--pages huge: nr_hugepages is 0 (%zu kB pages): reserve some, e.g. "
			       "echo 64 > /proc/sys/vm/nr_hugepages", kb);
	if (nfree == 0)
		return cp_errf(e, CP_EUNAVAIL,
			       "--pages huge: all %ld huge pages of %zu kB are in use (free_hugepages is 0)", nr, kb);
	return 0;
}

int shm_sys_verify(const void *addr, size_t len, int thp, int shmem, size_t page, struct cp_err *e)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	int inside = 0;
	unsigned long long kb = 0, kps = 0;
	const char *key = shmem ? "ShmemPmdMapped:" : "AnonHugePages:";
	uintptr_t a = (uintptr_t)addr;

	if (!f)
		return cp_errf(e, CP_ERUN, "/proc/self/smaps: %s", strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;

		/* a VMA header "lo-hi perms ..."; key lines ("Size:") do not parse */
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2) {
			inside = a >= lo && a < hi;
			continue;
		}
		if (!inside)
			continue;
		if (!strncmp(line, key, strlen(key)))
			kb = strtoull(line + strlen(key), NULL, 10);
		if (!strncmp(line, "KernelPageSize:", 15))
			kps = strtoull(line + 15, NULL, 10);
	}
	fclose(f);
	if (thp && kb * 1024 < page)
		return cp_errf(e, CP_EUNAVAIL,
			       "--pages thp: the kernel did not back the memory with huge pages (%s %llu kB of %zu kB; "
			       "see %s/enabled, defrag, shmem_enabled and free memory)",
			       key, kb, len >> 10, THP_DIR);
	if (!thp && kps * 1024 != page)
		return cp_errf(e, CP_EUNAVAIL, "--pages huge: smaps says KernelPageSize %llu kB, expected %zu kB",
			       kps, page >> 10);
	return 0;
}

/* ---- NUMA ---- */

int shm_bind_node(void *addr, size_t len, int node, struct cp_err *e)
{
#ifdef HAVE_NUMA
	struct bitmask *bm;
	int max;

	if (numa_available() < 0)
		return cp_errf(e, CP_EUNAVAIL, "--mem-node %d: NUMA is not available (libnuma: numa_available() < 0)", node);
	max = numa_max_node();
	if (node < 0 || node > max || !numa_bitmask_isbitset(numa_get_mems_allowed(), (unsigned)node))
		return cp_errf(e, CP_EUNAVAIL, "needs NUMA node %d, this machine has %d node%s (0-%d) usable here",
			       node, max + 1, max ? "s" : "", max);
	bm = numa_allocate_nodemask();
	numa_bitmask_setbit(bm, (unsigned)node);
	/* MPOL_BIND: the page comes from this node or the touch fails; libnuma's
	 * numa_tonode_memory would silently fall back */
	if (mbind(addr, len, MPOL_BIND, bm->maskp, bm->size + 1, MPOL_MF_STRICT)) {
		int err = errno;

		numa_free_nodemask(bm);
		return cp_errf(e, CP_ERUN, "mbind to node %d: %s", node, strerror(err));
	}
	numa_free_nodemask(bm);
	return 0;
#else
	(void)addr;
	(void)len;
	return cp_errf(e, CP_EUNAVAIL, "--mem-node %d: built without libnuma (install libnuma-dev, rebuild)", node);
#endif
}

int shm_node_check(const void *addr, int want, int *seen, struct cp_err *e)
{
	*seen = shm_node_of(addr, e);
	if (want < 0 || *seen == want)
		return 0;
	if (*seen < 0)
		return cp_errf(e, CP_EUNAVAIL, "not available on this machine: memory asked on node %d, and where "
			       "it sits cannot be told: %s", want, e->msg);
	return cp_errf(e, CP_EUNAVAIL, "not available on this machine: memory asked on node %d sits on node %d",
		       want, *seen);
}

int shm_node_of(const void *addr, struct cp_err *e)
{
#ifdef HAVE_NUMA
	void *pages[1] = { (void *)((uintptr_t)addr & ~(uintptr_t)(shm_sys_base_page() - 1)) };
	int status[1] = { -1 };

	if (move_pages(0, 1, pages, NULL, status, 0))
		return cp_errf(e, CP_ERUN, "move_pages (query): %s", strerror(errno)), -1;
	if (status[0] < 0)
		return cp_errf(e, CP_ERUN, "move_pages: page at %p: %s", pages[0], strerror(-status[0])), -1;
	return status[0];
#else
	(void)addr;
	cp_errf(e, CP_EUNAVAIL, "built without libnuma: the node of a page cannot be told");
	return -1;
#endif
}
