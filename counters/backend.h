/* backend.h: what counters.c shares with its backends (papi, likwid,
 * perf).  Private to counters/. */
#ifndef COUNTERS_BACKEND_H
#define COUNTERS_BACKEND_H

#include <limits.h>
#include <stdint.h>

#include "counters.h"

#define CTR_WHY_LEN 200

struct cp_counters_cfg {
	const struct cp_backend *be;
	int n;
	char name[CP_MAX_COUNTERS][64];   /* column name */
	char spec[CP_MAX_COUNTERS][128];  /* the backend's own name of the event */
	char desc[CP_MAX_COUNTERS][96];
	char group[64];                   /* likwid group */
	char setfile[PATH_MAX + 128];           /* event set file, "" for --events */
	int kernel_ok;                    /* counters_kernel_allowed() here */
	int paranoid;
};

struct cp_cset {
	const struct cp_counters_cfg *cfg;
	void *priv;                       /* the backend's */
	uint64_t total[CP_MAX_COUNTERS];
	uint8_t valid[CP_MAX_COUNTERS];
	char why[CP_MAX_COUNTERS][CTR_WHY_LEN];
};

/* One backend.  Built-out backends keep their name so that asking for them
 * says "was not built in" (exit 3). */
struct cp_backend {
	const char *name;
	int built;
	/* the column of event set files this backend reads, or NULL (likwid: groups) */
	const char *set_column;
	/* CP_EUSAGE when the name cannot be one of this backend's events */
	int (*check_name)(const char *ev, struct cp_err *e);
	/* once, in the coordinator: library init; CP_EUNAVAIL when it cannot work here.
	 * May fill cfg->n/name/spec (likwid: the group's events). */
	int (*init)(struct cp_counters_cfg *cfg, struct cp_err *e);
	/* in the agent: fill cs->valid/why for each event, cs->priv */
	int (*open)(struct cp_cset *cs, int cpu, struct cp_err *e);
	void (*start)(struct cp_cset *cs);
	void (*stop)(struct cp_cset *cs);
	void (*read)(struct cp_cset *cs);   /* refresh cs->total (and valid) */
	void (*close)(struct cp_cset *cs);
};

extern const struct cp_backend ctr_backend_papi;
extern const struct cp_backend ctr_backend_likwid;
extern const struct cp_backend ctr_backend_perf;

/* Event set files (evset.c). */
/* The file of this CPU's family ("intel.txt" ...) or NULL. */
const char *evset_family_file(void);
/* Directory holding the event set files; CP_EUNAVAIL when none is found. */
int evset_dir(char *buf, size_t len, struct cp_err *e);
/* Append the events of `file` (in the dir) for `column` ("papi"/"perf") to cfg. */
int evset_load(struct cp_counters_cfg *cfg, const char *dir, const char *file,
	       const char *column, struct cp_err *e);

/* Helpers */
/* Copy s into d[n], cut to fit. */
void ctr_strlcpy(char *d, const char *s, size_t n);
/* Event i has no name for this backend in the set file ('-'): invalid, says so. */
int ctr_unnamed(struct cp_cset *cs, int i);
void ctr_why(struct cp_cset *cs, int i, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int ctr_hw_pmu_present(void);   /* a CPU PMU is registered with perf_event */

#endif
