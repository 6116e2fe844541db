/* counters.h: hardware/software event counting per agent, with three
 * backends (papi, likwid, perf) behind one interface.
 *
 * The coordinator builds a read-only configuration once from the options
 * (counters_config); each agent, after it is pinned, opens its own set on
 * the calling thread (pid 0, cpu -1: no inherit, no attach), brackets timed
 * regions with counters_start/counters_stop (counts add up over several
 * regions) and reads the totals at the end.  An event that cannot be
 * counted is invalid with its reason, never 0.
 *
 * Event sets are data: counters/default.txt plus the file of this CPU's
 * family (counters/intel.txt, amd-zen.txt, arm.txt), see the top of each
 * file for the format; --events names events of the chosen backend and
 * --group a likwid performance group. */
#ifndef COUNTERS_H
#define COUNTERS_H

#include <stddef.h>
#include <stdint.h>

#include "cp.h"

struct cp_counters_cfg;
struct cp_cset;

/* What a command asks to count: a backend (papi, likwid, perf, none),
 * event names, a likwid group; NULL when not given. */
struct cp_counters_req {
	const char *backend, *events, *group;
};

/* *cfg = NULL when no counting was asked (none of --counters/--events/
 * --group, or --counters none).  CP_EUSAGE for a bad backend or event name;
 * CP_EUNAVAIL when the backend is not built in, cannot work here, or none
 * of the events can be counted by this process (the exit rule: some
 * counted -> 0 with the rest reported unavailable, none -> 3). */
int counters_config(const struct cp_counters_req *r, struct cp_counters_cfg **cfg, struct cp_err *e);
void counters_config_free(struct cp_counters_cfg *cfg);

/* Like counters_config but without the "none can be counted" check, and
 * with `backend` (NULL: the request's) - for `cachepong counters list`. */
/* --counters: the backends, and none */
#define CTR_BACKEND_NAMES "papi|likwid|perf|none"

int counters_config_backend(const struct cp_counters_req *r, const char *backend,
			    struct cp_counters_cfg **cfg, struct cp_err *e);

int counters_nevents(const struct cp_counters_cfg *cfg);   /* <= CP_MAX_COUNTERS */
const char *counters_event_name(const struct cp_counters_cfg *cfg, int i);  /* column name */
const char *counters_event_spec(const struct cp_counters_cfg *cfg, int i);  /* backend's name */
const char *counters_event_desc(const struct cp_counters_cfg *cfg, int i);  /* "" if none */
const char *counters_backend_name(const struct cp_counters_cfg *cfg);
const char *counters_set_file(const struct cp_counters_cfg *cfg);          /* "" for --events */

/* In the agent, after it is pinned to cpu (-1: not pinned): open what can
 * be opened; valid[i] = 0 and why[] ("event: reason; ...") for the rest.
 * Fails (CP_ERUN) only when nothing at all can be set up. */
int counters_open(const struct cp_counters_cfg *cfg, int cpu, struct cp_cset **cs,
		  uint8_t *valid, char *why, size_t whylen, struct cp_err *e);
void counters_start(struct cp_cset *cs);   /* one syscall / library call */
void counters_stop(struct cp_cset *cs);    /* accumulates into the totals */
/* Totals since open; an event may turn invalid here (never scheduled). */
void counters_read(struct cp_cset *cs, uint64_t *vals, uint8_t *valid);
const char *counters_why(const struct cp_cset *cs, int i);  /* "" when valid */
void counters_close(struct cp_cset *cs);

/* likwid Marker API regions named after kernels, so that running under
 * `likwid-perfctr -m -g GROUP` attributes counts to them.  No-ops when not
 * built with likwid or not run under likwid-perfctr -m. */
void counters_marker_init(void);
void counters_marker_thread_init(void);
void counters_marker_start(const char *name);
void counters_marker_stop(const char *name);
void counters_marker_close(void);

/* Whether this process may count kernel-domain events: perf_event_paranoid
 * < 2, or CAP_PERFMON / CAP_SYS_ADMIN (root).  Pure, for tests. */
int counters_kernel_allowed(int paranoid, int has_cap);

#endif
