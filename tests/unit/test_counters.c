/* test_counters.c: counting for real through the counters_* API, the same
 * path agents use: each agent (a pinned thread, a forked process) opens its
 * own set after pinning and must see exactly N page faults for N fresh
 * 4 KiB pages of a MAP_SHARED mapping, 0 for pages touched again and 0 for
 * a MAP_POPULATE mapping.  Also the exit rule, the reasons given for what
 * cannot be counted, and likwid's "not available". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend.h"
#include "counters.h"

#define NPAGES 64
#define PG 4096

/* No ASan shadow accesses: they would fault on shadow pages and add counts. */
__attribute__((no_sanitize("address"), noinline))
static void touch(volatile char *p, int n)
{
	for (int i = 0; i < n; i++)
		p[(size_t)i * PG] = 1;
}

static char *map(int populate)
{
	char *p = mmap(NULL, (size_t)NPAGES * PG, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS | (populate ? MAP_POPULATE : 0), -1, 0);

	assert_true(p != MAP_FAILED);
	madvise(p, (size_t)NPAGES * PG, MADV_NOHUGEPAGE);   /* one fault per 4 KiB page */
	return p;
}

static int last_cpu(void)
{
	cpu_set_t s;
	int c = 0;

	sched_getaffinity(0, sizeof(s), &s);
	for (int i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &s))
			c = i;
	return c;
}

static int pin(int cpu)
{
	cpu_set_t s;

	CPU_ZERO(&s);
	CPU_SET(cpu, &s);
	return sched_setaffinity(0, sizeof(s), &s);
}

/* What one agent measured: faults of fresh, re-touched and populated pages. */
struct agent_out {
	int rc, valid;
	uint64_t fresh, again, populated, inherited;
	char why[256];
};

struct agent_in {
	const struct cp_counters_cfg *cfg;
	char *fresh, *inherited;   /* mapped by the coordinator; inherited: MAP_POPULATE'd there */
	struct agent_out *out;
};

static uint64_t region(struct cp_cset *cs, volatile char *p, int n)
{
	uint64_t v0[CP_MAX_COUNTERS], v1[CP_MAX_COUNTERS];
	uint8_t ok[CP_MAX_COUNTERS];

	counters_read(cs, v0, ok);
	counters_start(cs);
	touch(p, n);
	counters_stop(cs);
	counters_read(cs, v1, ok);
	return v1[0] - v0[0];
}

/* The agent body, the same for a thread and a child process. */
static void *agent(void *arg)
{
	struct agent_in *in = arg;
	struct agent_out *o = in->out;
	struct cp_err e = { 0 };
	struct cp_cset *cs;
	uint8_t valid[CP_MAX_COUNTERS];
	int cpu = last_cpu();

	if (pin(cpu) || counters_open(in->cfg, cpu, &cs, valid, o->why, sizeof(o->why), &e)) {
		o->rc = 1;
		return NULL;
	}
	o->valid = valid[0];
	/* warm the code pages of start/stop/touch: a fresh child faults on them */
	counters_start(cs);
	touch(in->fresh, 0);
	counters_stop(cs);
	o->fresh = region(cs, in->fresh, NPAGES);
	o->again = region(cs, in->fresh, NPAGES);
	/* populated by the agent itself: no fault */
	char *pop = map(1);

	o->populated = region(cs, pop, NPAGES);
	munmap(pop, (size_t)NPAGES * PG);
	/* populated by the coordinator: a forked child does not inherit the page
	 * table entries of a shared mapping (fork copies them lazily), so it
	 * faults once per page where a thread does not */
	o->inherited = region(cs, in->inherited, NPAGES);
	counters_close(cs);
	return NULL;
}

static struct cp_counters_cfg *cfg_for(const char *backend, const char *events)
{
	struct cp_counters_req o = { 0 };
	struct cp_counters_cfg *cfg = NULL;
	struct cp_err e = { 0 };

	o.backend = backend;
	o.events = events;
	assert_int_equal(counters_config_backend(&o, NULL, &cfg, &e), 0);
	assert_non_null(cfg);
	return cfg;
}

static void run_agent(const struct cp_counters_cfg *cfg, int as_process, struct agent_out *o)
{
	struct agent_in in = { cfg, map(0), map(1), o };

	if (as_process) {
		pid_t pid = fork();
		int st;

		assert_true(pid >= 0);
		if (!pid) {
			agent(&in);
			_exit(0);
		}
		assert_int_equal(waitpid(pid, &st, 0), pid);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	} else {
		pthread_t t;

		assert_int_equal(pthread_create(&t, NULL, agent, &in), 0);
		pthread_join(t, NULL);
	}
	munmap(in.fresh, (size_t)NPAGES * PG);
	munmap(in.inherited, (size_t)NPAGES * PG);
}

static void check_faults(const char *backend, const char *event, int as_process)
{
	struct cp_counters_cfg *cfg = cfg_for(backend, event);
	struct agent_out *o = mmap(NULL, sizeof(*o), PROT_READ | PROT_WRITE,
				   MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	assert_true(o != MAP_FAILED);
	run_agent(cfg, as_process, o);
	assert_int_equal(o->rc, 0);
	if (!o->valid && !strcmp(backend, "papi")) {
		/* honest only if the reason is the one this machine has */
		print_message("papi %s: unavailable: %s\n", event, o->why);
		assert_non_null(strstr(o->why, "perf_event component is disabled"));
	} else {
		assert_true(o->valid);
		assert_int_equal(o->fresh, NPAGES);
		assert_int_equal(o->again, 0);
		assert_int_equal(o->populated, 0);
		assert_int_equal(o->inherited, as_process ? NPAGES : 0);
	}
	munmap(o, sizeof(*o));
	counters_config_free(cfg);
}

static void perf_thread(void **s) { (void)s; check_faults("perf", "page-faults", 0); }
static void perf_process(void **s) { (void)s; check_faults("perf", "page-faults", 1); }
static void papi_thread(void **s) { (void)s; check_faults("papi", "perf::PAGE-FAULTS", 0); }
static void papi_process(void **s) { (void)s; check_faults("papi", "perf::PAGE-FAULTS", 1); }

/* Exit rule: a hardware event is unavailable with its reason when another
 * counts (config OK); when none counts, CP_EUNAVAIL. */
static void exit_rule(void **s)
{
	struct cp_counters_req o = { 0 };
	struct cp_counters_cfg *cfg = NULL;
	struct cp_err e = { 0 };
	struct cp_cset *cs;
	uint8_t valid[CP_MAX_COUNTERS];
	char why[512];

	(void)s;
	o.backend = "perf";
	o.events = "cycles,page-faults";
	assert_int_equal(counters_config(&o, &cfg, &e), 0);
	assert_int_equal(counters_nevents(cfg), 2);
	assert_string_equal(counters_event_name(cfg, 0), "cycles");
	assert_string_equal(counters_backend_name(cfg), "perf");
	assert_int_equal(counters_open(cfg, -1, &cs, valid, why, sizeof(why), &e), 0);
	assert_int_equal(valid[1], 1);
	if (!ctr_hw_pmu_present()) {
		assert_int_equal(valid[0], 0);
		assert_non_null(strstr(why, "cycles: no hardware PMU"));
		assert_non_null(strstr(counters_why(cs, 0), "no hardware PMU"));
	}
	counters_close(cs);
	counters_config_free(cfg);

	o.events = "cycles,instructions";
	if (!ctr_hw_pmu_present()) {
		assert_int_equal(counters_config(&o, &cfg, &e), CP_EUNAVAIL);
		assert_null(cfg);
		assert_non_null(strstr(e.msg, "not available on this machine: perf: none of the 2 events"));
	}
}

static void usage_errors(void **s)
{
	struct cp_counters_req o = { 0 };
	struct cp_counters_cfg *cfg = NULL;
	struct cp_err e = { 0 };

	(void)s;
	assert_int_equal(counters_config(&o, &cfg, &e), 0);   /* nothing asked: no counting */
	assert_null(cfg);
	o.backend = "none";
	o.events = "page-faults";
	assert_int_equal(counters_config(&o, &cfg, &e), 0);
	assert_null(cfg);
	o.backend = "perfmon";
	assert_int_equal(counters_config(&o, &cfg, &e), CP_EUSAGE);
	assert_non_null(strstr(e.msg, "perfmon"));
	o.backend = "perf";
	o.events = "page-faults,no-such-event";
	assert_int_equal(counters_config(&o, &cfg, &e), CP_EUSAGE);
	assert_non_null(strstr(e.msg, "'no-such-event' is not a perf event"));
	o.events = "page-faults,,cycles";
	assert_int_equal(counters_config(&o, &cfg, &e), CP_EUSAGE);
	o.events = "r04d2x";
	assert_int_equal(counters_config(&o, &cfg, &e), CP_EUSAGE);
	o.events = NULL;
	o.group = "L3";
	assert_int_equal(counters_config(&o, &cfg, &e), CP_EUSAGE);   /* a group is likwid's */
	assert_null(cfg);
}

/* --events without --counters: the first backend that counts one of them. */
static void auto_backend(void **s)
{
	struct cp_counters_req o = { 0 };
	struct cp_counters_cfg *cfg = NULL;
	struct cp_err e = { 0 };

	(void)s;
	o.events = "page-faults";
	assert_int_equal(counters_config(&o, &cfg, &e), 0);
	assert_non_null(cfg);
	assert_string_equal(counters_backend_name(cfg), "perf");   /* "page-faults" is no PAPI name */
	counters_config_free(cfg);
}

/* The default set: default.txt + the family file, found beside the build. */
static void event_set(void **s)
{
	struct cp_counters_req o = { 0 };
	struct cp_counters_cfg *cfg = NULL;
	struct cp_err e = { 0 };
	int pf = -1;

	(void)s;
	assert_int_equal(counters_config_backend(&o, "perf", &cfg, &e), 0);
	assert_true(counters_nevents(cfg) >= 6 && counters_nevents(cfg) <= CP_MAX_COUNTERS);
	for (int i = 0; i < counters_nevents(cfg); i++)
		if (!strcmp(counters_event_name(cfg, i), "page-faults"))
			pf = i;
	assert_true(pf >= 0);
	assert_string_equal(counters_event_spec(cfg, pf), "page-faults");
	assert_non_null(strstr(counters_event_desc(cfg, pf), "page faults"));
	assert_non_null(strstr(counters_set_file(cfg), "default.txt"));
	if (evset_family_file())
		assert_non_null(strstr(counters_set_file(cfg), evset_family_file()));
	counters_config_free(cfg);
}

static void kernel_allowed(void **s)
{
	(void)s;
	assert_true(counters_kernel_allowed(1, 0));
	assert_false(counters_kernel_allowed(2, 0));
	assert_false(counters_kernel_allowed(3, 0));
	assert_true(counters_kernel_allowed(2, 1));   /* root / CAP_PERFMON bypass paranoid */
}

/* likwid here cannot initialise: a clear "not available" with the reason.
 * In a child, so that a crash inside likwid fails this test only. */
static void likwid_unavailable(void **s)
{
	struct cp_err *e = mmap(NULL, sizeof(*e), PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t pid;
	int st;

	(void)s;
	pid = fork();
	if (!pid) {
		struct cp_counters_req o = { 0 };
		struct cp_counters_cfg *cfg = NULL;

		o.backend = "likwid";
		o.group = "L3";
		counters_config(&o, &cfg, e);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));   /* not killed by a signal inside likwid */
	if (!ctr_backend_likwid.built) {
		assert_non_null(strstr(e->msg, "backend likwid was not built in"));
	} else if (e->code || access("/dev/cpu/0/msr", F_OK)) {
		/* without MSR device files likwid cannot count: it must say so */
		assert_int_equal(e->code, CP_EUNAVAIL);
		assert_non_null(strstr(e->msg, "not available on this machine: likwid"));
		assert_true(strstr(e->msg, "not supported") || strstr(e->msg, "MSR"));
	}
	print_message("likwid: %s\n", e->msg);
	munmap(e, sizeof(*e));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(perf_thread),
		cmocka_unit_test(perf_process),
		cmocka_unit_test(papi_thread),
		cmocka_unit_test(papi_process),
		cmocka_unit_test(exit_rule),
		cmocka_unit_test(usage_errors),
		cmocka_unit_test(auto_backend),
		cmocka_unit_test(event_set),
		cmocka_unit_test(kernel_allowed),
		cmocka_unit_test(likwid_unavailable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
