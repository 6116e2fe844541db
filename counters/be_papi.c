/* be_papi.c: PAPI presets (PAPI_L1_DCM ...) and native events
 * (perf::PAGE-FAULTS, libpfm4 names).  One event set per agent thread,
 * created after it is pinned; PAPI_start/PAPI_stop bracket a region and
 * the stop values are added to the totals (PAPI_start resets). */
#include <stdlib.h>
#include <string.h>

#include "backend.h"

#include "have_papi.h"   /* HAVE_PAPI, from tools/configure.sh */
#ifdef HAVE_PAPI
#include <papi.h>
#include <pthread.h>

struct papi_priv {
	int es;
	int n;                       /* events in the PAPI set */
	int idx[CP_MAX_COUNTERS];    /* PAPI position -> our index */
};

static unsigned long self_id(void)
{
	return (unsigned long)pthread_self();
}

static int papi_check_name(const char *ev, struct cp_err *e)
{
	if (strpbrk(ev, " \t"))
		return cp_errf(e, CP_EUSAGE, "--events: '%s' is not a PAPI event name: allowed are "
			       "presets (PAPI_L1_DCM, see papi_avail) and native names "
			       "(perf::PAGE-FAULTS, see papi_native_avail)", ev);
	return 0;
}

static int papi_init(struct cp_counters_cfg *c, struct cp_err *e)
{
	int rc;

	(void)c;
	if (PAPI_is_initialized() != PAPI_NOT_INITED)
		return 0;
	rc = PAPI_library_init(PAPI_VER_CURRENT);
	if (rc != PAPI_VER_CURRENT)
		return cp_errf(e, CP_EUNAVAIL, "papi: PAPI_library_init: %s",
			       rc > 0 ? "version mismatch with the library" : PAPI_strerror(rc));
	/* each agent thread counts itself */
	rc = PAPI_thread_init(self_id);
	if (rc != PAPI_OK)
		return cp_errf(e, CP_EUNAVAIL, "papi: PAPI_thread_init: %s", PAPI_strerror(rc));
	return 0;
}

/* The component named `name` is disabled: its reason, else NULL. */
static const char *disabled_component(const char *name)
{
	for (int i = 0; i < PAPI_num_components(); i++) {
		const PAPI_component_info_t *ci = PAPI_get_component_info(i);

		if (ci && !strcmp(ci->name, name) && ci->disabled)
			return ci->disabled_reason[0] ? ci->disabled_reason : "disabled";
	}
	return NULL;
}

static void explain(struct cp_cset *cs, int i, const char *ev, int rc)
{
	const char *pe = disabled_component("perf_event");
	int code;

	/* no CPU event can be counted without it: that is the reason, whatever the code */
	if (pe) {
		ctr_why(cs, i, "PAPI's perf_event component is disabled here: %s%s", pe,
			ctr_hw_pmu_present() ? "" : " (no hardware PMU: a VM without vPMU?)");
	} else if (rc == PAPI_ECMP_DISABLED) {
		ctr_why(cs, i, "its PAPI component is disabled (%s)", PAPI_strerror(rc));
	} else if (rc == PAPI_ENOEVNT && PAPI_event_name_to_code(ev, &code) == PAPI_OK) {
		ctr_why(cs, i, "not supported by this CPU (PAPI: %s)", PAPI_strerror(rc));
	} else if (rc == PAPI_ENOEVNT) {
		ctr_why(cs, i, "no such PAPI event (see papi_avail, papi_native_avail)");
	} else if (rc == PAPI_EPERM) {
		ctr_why(cs, i, "perf_event_paranoid=%d forbids it (needs root or CAP_PERFMON)",
			cs->cfg->paranoid);
	} else if (rc == PAPI_ECNFLCT) {
		ctr_why(cs, i, "cannot be counted together with the events before it (PAPI_ECNFLCT)");
	} else {
		ctr_why(cs, i, "PAPI_add_named_event: %s", PAPI_strerror(rc));
	}
}

static int papi_open(struct cp_cset *cs, int cpu, struct cp_err *e)
{
	const struct cp_counters_cfg *c = cs->cfg;
	struct papi_priv *p = cp_xcalloc(1, sizeof(*p));
	int rc;

	(void)cpu;
	p->es = PAPI_NULL;
	PAPI_register_thread();
	rc = PAPI_create_eventset(&p->es);
	if (rc != PAPI_OK) {
		free(p);
		return cp_errf(e, CP_ERUN, "papi: PAPI_create_eventset: %s", PAPI_strerror(rc));
	}
	for (int i = 0; i < c->n; i++) {
		if (ctr_unnamed(cs, i))
			continue;
		rc = PAPI_add_named_event(p->es, c->spec[i]);
		if (rc != PAPI_OK) {
			explain(cs, i, c->spec[i], rc);
			continue;
		}
		cs->valid[i] = 1;
		p->idx[p->n++] = i;
	}
	cs->priv = p;
	return 0;
}

static void papi_start(struct cp_cset *cs)
{
	struct papi_priv *p = cs->priv;

	if (p->n)
		PAPI_start(p->es);
}

static void papi_stop(struct cp_cset *cs)
{
	struct papi_priv *p = cs->priv;
	long long v[CP_MAX_COUNTERS];

	if (!p->n || PAPI_stop(p->es, v) != PAPI_OK)
		return;
	for (int k = 0; k < p->n; k++)
		cs->total[p->idx[k]] += (uint64_t)v[k];
}

static void papi_read(struct cp_cset *cs)
{
	(void)cs;   /* totals are kept at each stop */
}

static void papi_close(struct cp_cset *cs)
{
	struct papi_priv *p = cs->priv;

	if (!p)
		return;
	PAPI_cleanup_eventset(p->es);
	PAPI_destroy_eventset(&p->es);
	PAPI_unregister_thread();
	free(p);
}

const struct cp_backend ctr_backend_papi = {
	.name = "papi", .built = 1, .set_column = "papi",
	.check_name = papi_check_name, .init = papi_init, .open = papi_open,
	.start = papi_start, .stop = papi_stop, .read = papi_read, .close = papi_close,
};

#else
const struct cp_backend ctr_backend_papi = { .name = "papi", .built = 0 };
#endif
