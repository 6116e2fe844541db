/* be_likwid.c: likwid performance groups (--group L3, FALSE_SHARE ...)
 * through likwid's perfmon C API.
 *
 * likwid counts a CPU, not a thread, and keeps one perfmon state per
 * process: an agent measures the CPU it is pinned to, and only one agent
 * per process can have a set open (use --mode process for several).  Its
 * Marker API (counters_marker_*, in counters.c) is the way to count under
 * likwid-perfctr -m instead. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"

#include "have_likwid.h"   /* HAVE_LIKWID, from tools/configure.sh */
#ifdef HAVE_LIKWID
#include <errno.h>
#include <fcntl.h>
#include <likwid.h>
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

static pthread_mutex_t lk_lock = PTHREAD_MUTEX_INITIALIZER;
static int lk_busy;   /* a set is open in this process */

struct lk_priv {
	int gid;
	int owner;    /* took this process's one slot */
	int inited;   /* perfmon_init succeeded */
};

/* likwid prints its errors on stderr; we report them in one line instead. */
static int quiet_begin(void)
{
	int saved = dup(2), null = open("/dev/null", O_WRONLY);

	fflush(stderr);
	if (null >= 0) {
		dup2(null, 2);
		close(null);
	}
	return saved;
}

static void quiet_end(int saved)
{
	fflush(stderr);
	if (saved >= 0) {
		dup2(saved, 2);
		close(saved);
	}
}

/* perfmon_init on cpu with the access mode this machine allows; 0 or -errno. */
static int lk_perfmon_init(int cpu, char *why, size_t len)
{
	CpuInfo_t ci;
	char msr[64];
	int rc, q = quiet_begin(), off = 0;

	why[0] = 0;
	rc = topology_init();
	if (rc) {
		quiet_end(q);
		snprintf(why, len, "topology_init failed (%d)", rc);
		return rc < 0 ? rc : -EIO;
	}
	ci = get_cpuInfo();
	if (!ci->short_name || !strcmp(ci->short_name, "unknown"))
		off += snprintf(why + off, len - off, "CPU family %u model %u (%s) is not supported "
				"by this likwid build; ", ci->family, ci->model,
				ci->name ? ci->name : "?");
	snprintf(msr, sizeof(msr), "/dev/cpu/%d/msr", cpu);
	if (access(msr, R_OK | W_OK) && (size_t)off < len)
		off += snprintf(why + off, len - off, "no MSR access (%s: %s; modprobe msr, run as "
				"root or use likwid-accessD); ", msr, strerror(errno));
	HPMmode(ACCESSMODE_DIRECT);
	rc = perfmon_init(1, &cpu);
	quiet_end(q);
	if (rc < 0 && (size_t)off < len)
		snprintf(why + off, len - off, "perfmon_init: %s", strerror(-rc));
	if (rc < 0)
		topology_finalize();
	return rc < 0 ? rc : 0;
}

/* Add the group; fill the event names; -1 when likwid does not know it. */
static int lk_group(struct cp_counters_cfg *c)
{
	int q = quiet_begin(), gid = perfmon_addEventSet(c->group);

	quiet_end(q);
	if (gid < 0)
		return -1;
	c->n = 0;
	for (int i = 0; i < perfmon_getNumberOfEvents(gid) && c->n < CP_MAX_COUNTERS; i++, c->n++) {
		snprintf(c->name[c->n], sizeof(c->name[0]), "%s", perfmon_getEventName(gid, i));
		snprintf(c->spec[c->n], sizeof(c->spec[0]), "%s:%s", perfmon_getEventName(gid, i),
			 perfmon_getCounterName(gid, i));
	}
	return gid;
}

static int lk_init(struct cp_counters_cfg *c, struct cp_err *e)
{
	char why[512];
	int cpu = sched_getcpu(), gid;

	if (lk_perfmon_init(cpu < 0 ? 0 : cpu, why, sizeof(why)))
		return cp_errf(e, CP_EUNAVAIL, "likwid cannot count here: %s", why);
	gid = lk_group(c);
	perfmon_finalize();
	topology_finalize();
	if (gid < 0)
		return cp_errf(e, CP_EUSAGE, "--group %s: not a likwid group of this CPU "
			       "(see likwid-perfctr -a)", c->group);
	return 0;
}

static int lk_open(struct cp_cset *cs, int cpu, struct cp_err *e)
{
	struct cp_counters_cfg tmp = *cs->cfg;
	struct lk_priv *p = cp_xcalloc(1, sizeof(*p));
	char why[512];
	int busy;

	(void)e;
	cs->priv = p;
	p->gid = -1;
	pthread_mutex_lock(&lk_lock);
	busy = lk_busy;
	lk_busy = 1;
	pthread_mutex_unlock(&lk_lock);
	p->owner = !busy;
	if (busy) {
		for (int i = 0; i < cs->cfg->n; i++)
			ctr_why(cs, i, "likwid keeps one set per process: count threads with "
				"--mode process, or use likwid-perfctr -m");
		return 0;
	}
	if (cpu < 0)
		cpu = sched_getcpu();
	p->inited = !lk_perfmon_init(cpu, why, sizeof(why));
	if (!p->inited || (p->gid = lk_group(&tmp)) < 0 || perfmon_setupCounters(p->gid) < 0) {
		p->gid = -1;
		for (int i = 0; i < cs->cfg->n; i++)
			ctr_why(cs, i, "likwid: %s", why[0] ? why : "cannot set up the group");
		return 0;
	}
	for (int i = 0; i < cs->cfg->n; i++)
		cs->valid[i] = 1;
	return 0;
}

static void lk_start(struct cp_cset *cs)
{
	struct lk_priv *p = cs->priv;

	if (p->gid >= 0)
		perfmon_startCounters();
}

static void lk_stop(struct cp_cset *cs)
{
	struct lk_priv *p = cs->priv;

	if (p->gid < 0)
		return;
	perfmon_stopCounters();
	for (int i = 0; i < cs->cfg->n; i++)
		cs->total[i] += (uint64_t)perfmon_getLastResult(p->gid, i, 0);
}

static void lk_read(struct cp_cset *cs)
{
	(void)cs;   /* totals are kept at each stop */
}

static void lk_close(struct cp_cset *cs)
{
	struct lk_priv *p = cs->priv;

	if (!p)
		return;
	if (p->inited) {
		perfmon_finalize();
		topology_finalize();
	}
	if (p->owner) {
		pthread_mutex_lock(&lk_lock);
		lk_busy = 0;
		pthread_mutex_unlock(&lk_lock);
	}
	free(p);
}

const struct cp_backend ctr_backend_likwid = {
	.name = "likwid", .built = 1, .set_column = NULL,
	.check_name = NULL, .init = lk_init, .open = lk_open,
	.start = lk_start, .stop = lk_stop, .read = lk_read, .close = lk_close,
};

#else
const struct cp_backend ctr_backend_likwid = { .name = "likwid", .built = 0 };
#endif
