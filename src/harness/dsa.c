/* dsa.c: a copy by the Data Streaming Accelerator's user work queue (see
 * dsa.h): discovery in sysfs, descriptors, submission, completion. */
#include "dsa.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/idxd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#if defined(__x86_64__)
#include <cpuid.h>
#include <x86intrin.h>
#endif

#define DSA_PORTAL_BYTES 4096
#define DSA_ENQCMD_TRIES 1000000  /* a shared queue full that long is an error */

_Static_assert(sizeof(struct dsa_hw_desc) == DSA_DESC_BYTES, "descriptor: 64 bytes");
_Static_assert(sizeof(struct dsa_completion_record) == DSA_COMP_BYTES, "completion record: 32 bytes");

#define SETUP_HINT                                                                                  \
	"; configure a user work queue as root, e.g.: accel-config config-wq dsa0/wq0.0 --group-id=0 "   \
	"--mode=dedicated --type=user --name=cachepong --priority=10 --wq-size=16 --max-batch-size=32; " \
	"accel-config config-engine dsa0/engine0.0 --group-id=0; accel-config enable-device dsa0; "        \
	"accel-config enable-wq dsa0/wq0.0 (man cachepong: DSA)"

/* One line of DIR/NAME without its newline into buf; 0, or -1. */
static int attr(const char *dir, const char *name, char *buf, size_t len)
{
	char path[4300];
	FILE *f;
	int rc = -1;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "r"))) {
		if (fgets(buf, (int)len, f)) {
			buf[strcspn(buf, "\n")] = 0;
			rc = 0;
		}
		fclose(f);
	}
	return rc;
}

/* The CPU's instructions the queue of mode `dedicated` needs. */
static const char *cpu_lacks(int dedicated)
{
#if defined(__x86_64__)
	unsigned a, b, c, d;

	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return "CPUID leaf 7";
	if (dedicated && !(c & (1u << 28)))
		return "MOVDIR64B";
	if (!dedicated && !(c & (1u << 29)))
		return "ENQCMD";
	return NULL;
#else
	(void)dedicated;
	return "an x86-64 CPU (DSA is an engine of Intel Xeon processors)";
#endif
}

/* Work queue `name` of dir if it is usable: enabled, type user. */
static int wq_usable(const char *dir, const char *name, struct dsa_wq *w)
{
	char v[64];

	if (attr(dir, "state", v, sizeof(v)) || strcmp(v, "enabled") || attr(dir, "type", v, sizeof(v)) ||
	    strcmp(v, "user"))
		return 0;
	snprintf(w->name, sizeof(w->name), "%.31s", name);
	w->dedicated = !attr(dir, "mode", v, sizeof(v)) && !strcmp(v, "dedicated");
	w->max_xfer = !attr(dir, "max_transfer_size", v, sizeof(v)) ? strtoull(v, NULL, 10) : 0;
	w->max_batch = !attr(dir, "max_batch_size", v, sizeof(v)) ? (unsigned)strtoul(v, NULL, 10) : 0;
	if (!w->max_xfer)
		w->max_xfer = 1u << 21; /* the spec's smallest maximum: 2 MiB */
	if (w->max_batch > DSA_MAX_BATCH)
		w->max_batch = DSA_MAX_BATCH;
	return 1;
}

int dsa_find(const char *root, struct dsa_wq *w, struct cp_err *e)
{
	char dir[4200], sub[4400];
	struct dirent *de;
	DIR *d;
	int ndev = 0, found = 0;
	const char *lack;

	memset(w, 0, sizeof(*w));
	snprintf(dir, sizeof(dir), "%s/sys/bus/dsa/devices", root);
	if (!(d = opendir(dir)))
		return cp_errf(e, CP_EUNAVAIL, "not available on this machine: --via dsa: no DSA device (%s: %s): the "
			       "idxd driver is not loaded (modprobe idxd) or this machine has no Data Streaming "
			       "Accelerator (Intel Xeon from the 4th generation, Sapphire Rapids)", dir, strerror(errno));
	while ((de = readdir(d)) && !found) {
		ndev += !strncmp(de->d_name, "dsa", 3);
		if (strncmp(de->d_name, "wq", 2))
			continue;
		snprintf(sub, sizeof(sub), "%.4100s/%.250s", dir, de->d_name);
		found = wq_usable(sub, de->d_name, w);
	}
	closedir(d);
	if (!found)
		return cp_errf(e, CP_EUNAVAIL, "not available on this machine: --via dsa: %s%s",
			       ndev ? "a DSA device but no enabled work queue of type user" : "no DSA device under " "/sys/bus/dsa/devices",
			       SETUP_HINT);
	snprintf(w->dev, sizeof(w->dev), "%s/dev/dsa/%s", root, w->name);
	if (access(w->dev, R_OK | W_OK))
		return cp_errf(e, CP_EUNAVAIL, "not available on this machine: --via dsa: work queue %s: %s%s", w->dev,
			       strerror(errno), errno == EACCES ? ": run as root, or give this user the device "
			       "(a udev rule: SUBSYSTEM==\"dsa\", MODE=\"0660\", GROUP=\"...\")" : "");
	if ((lack = cpu_lacks(w->dedicated)))
		return cp_errf(e, CP_EUNAVAIL, "not available on this machine: --via dsa: the %s queue %s needs %s, "
			       "which this CPU lacks", w->dedicated ? "dedicated" : "shared", w->name, lack);
	return 0;
}

void dsa_status(const char *root, char *buf, size_t len)
{
	struct cp_err e = { 0 };
	struct dsa_wq w;

	if (!dsa_find(root, &w, &e))
		snprintf(buf, len, "usable: work queue %s (%s, up to %llu bytes per descriptor, batches of %u)",
			 w.dev, w.dedicated ? "dedicated" : "shared", (unsigned long long)w.max_xfer, w.max_batch);
	else
		snprintf(buf, len, "%s", e.msg);
}

/* ---- descriptors ---- */

void dsa_prep_memmove(struct dsa_hw_desc *d, void *dst, const void *src, uint32_t n,
		      struct dsa_completion_record *comp)
{
	memset(d, 0, sizeof(*d));
	d->opcode = DSA_OPCODE_MEMMOVE;
	/* a completion record, always; cache control: the copy lands in the
	 * cache (the receiver reads it next) */
	d->flags = IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR | IDXD_OP_FLAG_CC;
	d->src_addr = (uint64_t)(uintptr_t)src;
	d->dst_addr = (uint64_t)(uintptr_t)dst;
	d->xfer_size = n;
	d->completion_addr = (uint64_t)(uintptr_t)comp;
}

size_t dsa_ndesc(size_t n, uint64_t max_xfer)
{
	return max_xfer ? (n + max_xfer - 1) / max_xfer : 0;
}

int dsa_resume(struct dsa_hw_desc *d, const struct dsa_completion_record *c)
{
	uint32_t done = c->bytes_completed;

	if ((c->status & DSA_COMP_STATUS_MASK) != DSA_COMP_PAGE_FAULT_NOBOF || done > d->xfer_size)
		return -1;
	d->src_addr += done;
	d->dst_addr += done;
	d->xfer_size -= done;
	return 0;
}

/* ---- the engine, opened by the copying process ---- */

struct dsa_engine {
	int fd;
	void *portal;
	int dedicated, waitpkg;
	uint64_t max_xfer;
	unsigned max_batch;
	size_t ndesc;                            /* descriptors a message takes at most */
	struct dsa_hw_desc *desc;                /* [ndesc], then the batch's */
	struct dsa_completion_record *comp;      /* [ndesc], then the batch's */
};

#if defined(__x86_64__)
/* One descriptor into the queue's portal: MOVDIR64B (dedicated: a 64-byte
 * atomic store, never refused), or ENQCMD (shared: retried while the queue
 * says it is full).  The sfence puts the descriptor and its cleared
 * completion record before the store that hands them over. */
__attribute__((target("movdir64b,enqcmd"))) static int submit(struct dsa_engine *g, const struct dsa_hw_desc *d)
{
	_mm_sfence();
	if (g->dedicated) {
		_movdir64b(g->portal, d);
		return 0;
	}
	for (long i = 0; i < DSA_ENQCMD_TRIES; i++)
		if (!_enqcmd(g->portal, d))
			return 0;
	return -1;
}

/* Until the engine writes the record: UMWAIT on its line (C0.2, up to
 * 100k TSC ticks a time) where the CPU has WAITPKG, else PAUSE.  -1 after
 * a second without a completion. */
__attribute__((target("waitpkg"))) static int wait_comp(const struct dsa_engine *g,
							 const struct dsa_completion_record *c)
{
	double t0 = 0;

	for (unsigned long i = 1; !__atomic_load_n(&c->status, __ATOMIC_ACQUIRE); i++) {
		if (g->waitpkg) {
			_umonitor((void *)c);
			if (!__atomic_load_n(&c->status, __ATOMIC_ACQUIRE))
				_umwait(0, __rdtsc() + 100000);
		} else {
			_mm_pause();
		}
		if (i % 4096 == 0) {
			if (!t0)
				t0 = cp_now_s();
			else if (cp_now_s() - t0 > 1)
				return -1;
		}
	}
	return 0;
}
#else
static int submit(struct dsa_engine *g, const struct dsa_hw_desc *d)
{
	(void)g;
	(void)d;
	return -1;
}

static int wait_comp(const struct dsa_engine *g, const struct dsa_completion_record *c)
{
	(void)g;
	(void)c;
	return -1;
}
#endif

int dsa_open(const struct dsa_wq *w, size_t size, struct dsa_engine **eng, struct cp_err *e)
{
	struct dsa_engine *g = cp_xcalloc(1, sizeof(*g));
	size_t n;

	g->dedicated = w->dedicated;
	g->max_xfer = w->max_xfer;
	g->max_batch = w->max_batch;
	g->ndesc = dsa_ndesc(size ? size : 1, w->max_xfer);
#if defined(__x86_64__)
	{
		unsigned a, b, c, d;

		g->waitpkg = __get_cpuid_count(7, 0, &a, &b, &c, &d) && (c & (1u << 5));
	}
#endif
	{
		struct stat st;

		/* a portal is a character device's page; a store to anything else
		 * (a file in a test's tree) is no submission */
		if (stat(w->dev, &st) || !S_ISCHR(st.st_mode)) {
			cp_errf(e, CP_EUNAVAIL, "not available on this machine: --via dsa: %s is not a character device",
				w->dev);
			free(g);
			return e->code;
		}
	}
	if ((g->fd = open(w->dev, O_RDWR | O_CLOEXEC)) < 0) {
		cp_errf(e, errno == EACCES || errno == ENOENT || errno == ENODEV ? CP_EUNAVAIL : CP_ERUN,
			"not available on this machine: --via dsa: open %s: %s", w->dev, strerror(errno));
		free(g);
		return e->code;
	}
	g->portal = mmap(NULL, DSA_PORTAL_BYTES, PROT_WRITE, MAP_SHARED | MAP_POPULATE, g->fd, 0);
	if (g->portal == MAP_FAILED) {
		cp_errf(e, CP_EUNAVAIL, "not available on this machine: --via dsa: mapping the portal of %s: %s "
			"(a shared queue needs the kernel's shared virtual memory: intel_iommu=on,sm_on)", w->dev,
			strerror(errno));
		close(g->fd);
		free(g);
		return e->code;
	}
	/* the descriptors and records, then the batch's: touched, so the
	 * engine never faults on them */
	n = g->ndesc + 1;
	g->desc = aligned_alloc(DSA_DESC_BYTES, n * DSA_DESC_BYTES);
	g->comp = aligned_alloc(DSA_DESC_BYTES, (n * DSA_COMP_BYTES + DSA_DESC_BYTES - 1) / DSA_DESC_BYTES * DSA_DESC_BYTES);
	if (!g->desc || !g->comp) {
		dsa_close(g);
		return cp_errf(e, CP_ERUN, "--via dsa: no memory for %zu descriptors", n);
	}
	memset(g->desc, 0, n * DSA_DESC_BYTES);
	memset(g->comp, 0, n * DSA_COMP_BYTES);
	*eng = g;
	return 0;
}

void dsa_close(struct dsa_engine *g)
{
	if (!g)
		return;
	if (g->portal && g->portal != MAP_FAILED)
		munmap(g->portal, DSA_PORTAL_BYTES);
	if (g->fd >= 0)
		close(g->fd);
	free(g->desc);
	free(g->comp);
	free(g);
}

/* Descriptor i, submitted alone until done: a page fault the engine could
 * not take is touched here (written, when it was a write) and the rest
 * submitted again. */
static int run_one(struct dsa_engine *g, size_t i, const char **why)
{
	struct dsa_hw_desc *d = &g->desc[i];
	struct dsa_completion_record *c = &g->comp[i];

	for (;;) {
		uint8_t st;

		memset(c, 0, sizeof(*c));
		if (submit(g, d))
			return *why = "the shared work queue stayed full (ENQCMD)", -1;
		if (wait_comp(g, c))
			return *why = "no completion record within a second", -1;
		st = c->status & DSA_COMP_STATUS_MASK;
		if (st == DSA_COMP_SUCCESS)
			return 0;
		if (st != DSA_COMP_PAGE_FAULT_NOBOF || !c->fault_addr)
			return *why = "the engine's completion status was not success", -1;
		if (c->status & DSA_COMP_STATUS_WRITE)
			*(volatile char *)(uintptr_t)c->fault_addr = *(volatile char *)(uintptr_t)c->fault_addr;
		else
			(void)*(volatile const char *)(uintptr_t)c->fault_addr;
		if (dsa_resume(d, c))
			return *why = "a page-fault record past its descriptor", -1;
	}
}

/* Descriptors first .. first + k - 1 as one batch (k >= 2), then any that
 * did not complete one by one. */
static int run_batch(struct dsa_engine *g, size_t first, size_t k, const char **why)
{
	struct dsa_hw_desc *b = &g->desc[g->ndesc];
	struct dsa_completion_record *bc = &g->comp[g->ndesc];

	memset(b, 0, sizeof(*b));
	memset(bc, 0, sizeof(*bc));
	for (size_t i = first; i < first + k; i++)
		memset(&g->comp[i], 0, sizeof(g->comp[i]));
	b->opcode = DSA_OPCODE_BATCH;
	b->flags = IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR;
	b->desc_list_addr = (uint64_t)(uintptr_t)&g->desc[first];
	b->desc_count = (uint32_t)k;
	b->completion_addr = (uint64_t)(uintptr_t)bc;
	if (submit(g, b))
		return *why = "the shared work queue stayed full (ENQCMD)", -1;
	if (wait_comp(g, bc))
		return *why = "no batch completion record within a second", -1;
	if ((bc->status & DSA_COMP_STATUS_MASK) == DSA_COMP_SUCCESS)
		return 0;
	/* a batch that failed in part: the descriptors not done, alone */
	for (size_t i = first; i < first + k; i++)
		if ((g->comp[i].status & DSA_COMP_STATUS_MASK) != DSA_COMP_SUCCESS) {
			if ((g->comp[i].status & DSA_COMP_STATUS_MASK) == DSA_COMP_PAGE_FAULT_NOBOF &&
			    dsa_resume(&g->desc[i], &g->comp[i]))
				return *why = "a page-fault record past its descriptor", -1;
			if (run_one(g, i, why))
				return -1;
		}
	return 0;
}

int dsa_copy(struct dsa_engine *g, void *dst, const void *src, size_t n, const char **why)
{
	size_t k = dsa_ndesc(n, g->max_xfer), chunk = g->max_batch >= 2 ? g->max_batch : 1;

	if (k > g->ndesc)
		return *why = "a message larger than the engine was opened for", -1;
	for (size_t i = 0; i < k; i++) {
		size_t off = i * g->max_xfer, len = n - off < g->max_xfer ? n - off : g->max_xfer;

		dsa_prep_memmove(&g->desc[i], (char *)dst + off, (const char *)src + off, (uint32_t)len, &g->comp[i]);
	}
	for (size_t first = 0; first < k; first += chunk) {
		size_t m = k - first < chunk ? k - first : chunk;

		if (m == 1 ? run_one(g, first, why) : run_batch(g, first, m, why))
			return -1;
	}
	return 0;
}
