/* be_perf.c: perf_event_open directly - for events PAPI cannot reach and
 * for counting where PAPI's perf_event component is disabled (no core PMU,
 * as in a VM without vPMU: software events still work).
 *
 * Each event is its own fd on the calling thread (pid 0, cpu -1), opened
 * disabled, no inherit: a forked child or a thread opens its own.  Events
 * are not grouped so that one that cannot be opened or scheduled does not
 * take the others with it.  Start/stop is one prctl each, which enables or
 * disables every event this thread opened; the kernel keeps the totals. */
#include <errno.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "backend.h"

#define HWC(c, op, res) \
	(PERF_COUNT_HW_CACHE_##c | PERF_COUNT_HW_CACHE_OP_##op << 8 | PERF_COUNT_HW_CACHE_RESULT_##res << 16)

enum { K_USER = 0, K_KERNEL = 1 };  /* K_KERNEL: happens in the kernel domain only */

/* perf's names (perf list), the one list of them. */
static const struct {
	const char *name;
	uint32_t type;
	uint64_t config;
	int domain;
} events[] = {
	{ "cycles",                  PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, K_USER },
	{ "cpu-cycles",              PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, K_USER },
	{ "instructions",            PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS, K_USER },
	{ "cache-references",        PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_REFERENCES, K_USER },
	{ "cache-misses",            PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES, K_USER },
	{ "branches",                PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS, K_USER },
	{ "branch-misses",           PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES, K_USER },
	{ "bus-cycles",              PERF_TYPE_HARDWARE, PERF_COUNT_HW_BUS_CYCLES, K_USER },
	{ "ref-cycles",              PERF_TYPE_HARDWARE, PERF_COUNT_HW_REF_CPU_CYCLES, K_USER },
	{ "stalled-cycles-frontend", PERF_TYPE_HARDWARE, PERF_COUNT_HW_STALLED_CYCLES_FRONTEND, K_USER },
	{ "stalled-cycles-backend",  PERF_TYPE_HARDWARE, PERF_COUNT_HW_STALLED_CYCLES_BACKEND, K_USER },
	{ "L1-dcache-loads",         PERF_TYPE_HW_CACHE, HWC(L1D, READ, ACCESS), K_USER },
	{ "L1-dcache-load-misses",   PERF_TYPE_HW_CACHE, HWC(L1D, READ, MISS), K_USER },
	{ "L1-dcache-stores",        PERF_TYPE_HW_CACHE, HWC(L1D, WRITE, ACCESS), K_USER },
	{ "LLC-loads",               PERF_TYPE_HW_CACHE, HWC(LL, READ, ACCESS), K_USER },
	{ "LLC-load-misses",         PERF_TYPE_HW_CACHE, HWC(LL, READ, MISS), K_USER },
	{ "LLC-stores",              PERF_TYPE_HW_CACHE, HWC(LL, WRITE, ACCESS), K_USER },
	{ "LLC-store-misses",        PERF_TYPE_HW_CACHE, HWC(LL, WRITE, MISS), K_USER },
	{ "dTLB-load-misses",        PERF_TYPE_HW_CACHE, HWC(DTLB, READ, MISS), K_USER },
	{ "node-load-misses",        PERF_TYPE_HW_CACHE, HWC(NODE, READ, MISS), K_USER },
	{ "cpu-clock",               PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK, K_USER },
	{ "task-clock",              PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK, K_USER },
	/* faults are recorded with the user registers of the faulting access:
	 * they count with exclude_kernel */
	{ "page-faults",             PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS, K_USER },
	{ "faults",                  PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS, K_USER },
	{ "minor-faults",            PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MIN, K_USER },
	{ "major-faults",            PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MAJ, K_USER },
	{ "alignment-faults",        PERF_TYPE_SOFTWARE, PERF_COUNT_SW_ALIGNMENT_FAULTS, K_USER },
	{ "emulation-faults",        PERF_TYPE_SOFTWARE, PERF_COUNT_SW_EMULATION_FAULTS, K_USER },
	/* the scheduler records these with kernel registers: with exclude_kernel
	 * they would read 0, so they need kernel counting */
	{ "context-switches",        PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES, K_KERNEL },
	{ "cs",                      PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES, K_KERNEL },
	{ "cpu-migrations",          PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS, K_KERNEL },
	{ "migrations",              PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS, K_KERNEL },
};

struct perf_priv {
	int fd[CP_MAX_COUNTERS];
};

/* rNNNN: a raw PMU code in hex, as perf takes it. */
static int parse_raw(const char *ev, uint64_t *config)
{
	char *end;

	if (ev[0] != 'r' || !ev[1] || strspn(ev + 1, "0123456789abcdefABCDEF") != strlen(ev + 1) ||
	    strlen(ev + 1) > 16)
		return -1;
	*config = strtoull(ev + 1, &end, 16);
	return 0;
}

static int lookup(const char *ev, uint32_t *type, uint64_t *config, int *domain)
{
	for (size_t i = 0; i < CP_ARRAY_SIZE(events); i++)
		if (!strcmp(events[i].name, ev)) {
			*type = events[i].type;
			*config = events[i].config;
			*domain = events[i].domain;
			return 0;
		}
	*type = PERF_TYPE_RAW;
	*domain = K_USER;
	return parse_raw(ev, config);
}

static int perf_check_name(const char *ev, struct cp_err *e)
{
	uint32_t t;
	uint64_t c;
	int d;

	if (!lookup(ev, &t, &c, &d))
		return 0;
	return cp_errf(e, CP_EUSAGE, "--events: '%s' is not a perf event: allowed are perf's "
		       "generic names (cycles, instructions, cache-misses, L1-dcache-load-misses, "
		       "LLC-load-misses, page-faults, context-switches, cpu-migrations ...) "
		       "and raw codes rNNNN (hex)", ev);
}

static int perf_init(struct cp_counters_cfg *c, struct cp_err *e)
{
	if (access("/proc/sys/kernel/perf_event_paranoid", F_OK))
		return cp_errf(e, CP_EUNAVAIL, "perf: the kernel has no perf_event support "
			       "(/proc/sys/kernel/perf_event_paranoid missing)");
	(void)c;
	return 0;
}

static void explain(struct cp_cset *cs, int i, uint32_t type, int err)
{
	int hw = type == PERF_TYPE_HARDWARE || type == PERF_TYPE_HW_CACHE || type == PERF_TYPE_RAW;

	if (hw && (err == ENOENT || err == EOPNOTSUPP || err == ENODEV) && !ctr_hw_pmu_present())
		ctr_why(cs, i, "no hardware PMU (a VM without vPMU?): "
			"/sys/bus/event_source/devices/cpu missing, perf_event_open: %s", strerror(err));
	else if (err == ENOENT || err == EOPNOTSUPP || err == ENODEV)
		ctr_why(cs, i, "not supported by this CPU/kernel (perf_event_open: %s)", strerror(err));
	else if (err == EACCES || err == EPERM)
		ctr_why(cs, i, "perf_event_paranoid=%d forbids it (needs root or CAP_PERFMON)",
			cs->cfg->paranoid);
	else
		ctr_why(cs, i, "perf_event_open: %s", strerror(err));
}

static int perf_open(struct cp_cset *cs, int cpu, struct cp_err *e)
{
	const struct cp_counters_cfg *c = cs->cfg;
	struct perf_priv *p = cp_xcalloc(1, sizeof(*p));

	(void)cpu; (void)e;   /* the calling thread, wherever it is pinned */
	for (int i = 0; i < c->n; i++) {
		struct perf_event_attr a;
		uint32_t type;
		uint64_t config;
		int domain;

		p->fd[i] = -1;
		if (ctr_unnamed(cs, i))
			continue;
		if (lookup(c->spec[i], &type, &config, &domain)) {
			ctr_why(cs, i, "'%s' is not a perf event name", c->spec[i]);
			continue;
		}
		if (domain == K_KERNEL && !c->kernel_ok) {
			ctr_why(cs, i, "counts in the kernel domain, which perf_event_paranoid=%d "
				"forbids without root or CAP_PERFMON", c->paranoid);
			continue;
		}
		memset(&a, 0, sizeof(a));
		a.size = sizeof(a);
		a.type = type;
		a.config = config;
		a.disabled = 1;
		a.exclude_kernel = !c->kernel_ok;
		a.exclude_hv = 1;
		a.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
		p->fd[i] = (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
		if (p->fd[i] < 0) {
			explain(cs, i, type, errno);
			continue;
		}
		cs->valid[i] = 1;
	}
	cs->priv = p;
	return 0;
}

static void perf_start(struct cp_cset *cs)
{
	(void)cs;
	prctl(PR_TASK_PERF_EVENTS_ENABLE, 0, 0, 0, 0);
}

static void perf_stop(struct cp_cset *cs)
{
	(void)cs;
	prctl(PR_TASK_PERF_EVENTS_DISABLE, 0, 0, 0, 0);
}

/* Multiplexed events are scaled like perf stat does; one never scheduled
 * (PMU counters all taken) is invalid, not 0. */
static void perf_read(struct cp_cset *cs)
{
	struct perf_priv *p = cs->priv;

	for (int i = 0; i < cs->cfg->n; i++) {
		uint64_t v[3];

		if (!cs->valid[i])
			continue;
		if (read(p->fd[i], v, sizeof(v)) != (ssize_t)sizeof(v)) {
			ctr_why(cs, i, "read: %s", strerror(errno));
			continue;
		}
		if (v[1] && !v[2]) {
			ctr_why(cs, i, "never scheduled on the PMU (all its counters were taken)");
			continue;
		}
		cs->total[i] = v[2] < v[1] ? (uint64_t)((double)v[0] * v[1] / v[2]) : v[0];
	}
}

static void perf_close(struct cp_cset *cs)
{
	struct perf_priv *p = cs->priv;

	for (int i = 0; p && i < cs->cfg->n; i++)
		if (p->fd[i] >= 0)
			close(p->fd[i]);
	free(p);
}

const struct cp_backend ctr_backend_perf = {
	.name = "perf", .built = 1, .set_column = "perf",
	.check_name = perf_check_name, .init = perf_init, .open = perf_open,
	.start = perf_start, .stop = perf_stop, .read = perf_read, .close = perf_close,
};
