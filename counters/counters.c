/* counters.c: the configuration (backend + events, from the options and the
 * event set files), dispatch to the backend, and the likwid Marker API. */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "have_likwid.h"   /* HAVE_LIKWID, from tools/configure.sh */
#ifdef HAVE_LIKWID
#include <likwid-marker.h>
#endif

#include "backend.h"
#include "parse.h"

/* The backends in the order "the first that works here" tries them; likwid
 * is chosen by --group only (its unit is a group, not an event name). */
static const struct cp_backend *const backends[] = {
	&ctr_backend_papi, &ctr_backend_perf, &ctr_backend_likwid,
};

static const struct cp_backend *backend_by_name(const char *name)
{
	for (size_t i = 0; i < CP_ARRAY_SIZE(backends); i++)
		if (!strcmp(backends[i]->name, name))
			return backends[i];
	return NULL;
}

int counters_kernel_allowed(int paranoid, int has_cap)
{
	return has_cap || paranoid < 2;
}

/* CAP_SYS_ADMIN (21) or CAP_PERFMON (38) in the effective set: root bypasses paranoid. */
static int has_perf_cap(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	unsigned long long cap = 0;

	if (!f)
		return geteuid() == 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &cap) == 1)
			break;
	fclose(f);
	return !!(cap & (1ULL << 21 | 1ULL << 38));
}

static int read_paranoid(void)
{
	FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
	int v = 2;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = 2;
		fclose(f);
	}
	return v;
}

/* --events: comma separated, each checked by the backend. */
static int parse_events(struct cp_counters_cfg *c, const char *list, struct cp_err *e)
{
	const char *p = list;

	for (;;) {
		const char *q = strchr(p, ',');
		size_t len = q ? (size_t)(q - p) : strlen(p);
		char ev[128];

		if (!len || len >= sizeof(ev))
			return cp_errf(e, CP_EUSAGE, "--events: bad event name '%.*s' in '%s': "
				       "allowed a comma separated list of names up to %zu characters",
				       (int)len, p, list, sizeof(ev) - 1);
		if (c->n == CP_MAX_COUNTERS)
			return cp_errf(e, CP_EUSAGE, "--events: '%s' has more than %d events", list,
				       CP_MAX_COUNTERS);
		memcpy(ev, p, len);
		ev[len] = 0;
		if (c->be->check_name && c->be->check_name(ev, e))
			return e->code;
		ctr_strlcpy(c->name[c->n], ev, sizeof(c->name[0]));
		ctr_strlcpy(c->spec[c->n], ev, sizeof(c->spec[0]));
		c->n++;
		if (!q)
			return 0;
		p = q + 1;
	}
}

static int build(const struct cp_counters_req *o, const struct cp_backend *be,
		 struct cp_counters_cfg **out, struct cp_err *e)
{
	struct cp_counters_cfg *c;
	int rc = 0;

	if (o->group && be != &ctr_backend_likwid)
		return cp_errf(e, CP_EUSAGE, "--group %s: groups are likwid's; use --counters likwid, "
			       "or --events with --counters %s", o->group, be->name);
	if (!be->built)
		return cp_errf(e, CP_EUNAVAIL, "backend %s was not built in (install its "
			       "development package, see tools/deps.sh, and rebuild)", be->name);
	c = cp_xcalloc(1, sizeof(*c));
	c->be = be;
	c->paranoid = read_paranoid();
	c->kernel_ok = counters_kernel_allowed(c->paranoid, has_perf_cap());
	if (be == &ctr_backend_likwid) {
		if (!o->group)
			rc = cp_errf(e, CP_EUSAGE, "--counters likwid needs --group GROUP "
				     "(a likwid performance group, see likwid-perfctr -a)");
		else
			snprintf(c->group, sizeof(c->group), "%s", o->group);
	} else if (o->events) {
		rc = parse_events(c, o->events, e);
	} else {
		char dir[PATH_MAX];
		const char *fam = evset_family_file();

		rc = evset_dir(dir, sizeof(dir), e);
		if (!rc)
			rc = evset_load(c, dir, "default.txt", be->set_column, e);
		if (!rc && fam)
			rc = evset_load(c, dir, fam, be->set_column, e);
		if (!rc)
			snprintf(c->setfile, sizeof(c->setfile), "%s/default.txt%s%s", dir,
				 fam ? " + " : "", fam ? fam : "");
	}
	if (!rc)
		rc = be->init(c, e);
	if (rc) {
		free(c);
		return rc;
	}
	*out = c;
	return 0;
}

/* How many of cfg's events this process can count; why filled for the rest. */
static int probe(const struct cp_counters_cfg *c, char *why, size_t whylen, struct cp_err *e)
{
	struct cp_cset *cs;
	uint8_t valid[CP_MAX_COUNTERS];
	int n = 0;

	if (counters_open(c, -1, &cs, valid, why, whylen, e))
		return -1;
	for (int i = 0; i < c->n; i++)
		n += valid[i];
	counters_close(cs);
	return n;
}

int counters_config_backend(const struct cp_counters_req *o, const char *backend,
			    struct cp_counters_cfg **cfg, struct cp_err *e)
{
	const char *b = backend ? backend : o->backend;

	*cfg = NULL;
	if (!b && !o->events && !o->group)
		return 0;
	if (b) {
		if (parse_choice(b, CTR_BACKEND_NAMES, "counters", e) < 0)
			return e->code;
		if (!strcmp(b, "none"))
			return 0;
		return build(o, backend_by_name(b), cfg, e);
	}
	if (o->group)
		return build(o, &ctr_backend_likwid, cfg, e);
	/* --events alone: the first backend that takes these names and counts at
	 * least one of them here; else the first that takes them, to say why. */
	struct cp_counters_cfg *first = NULL;
	struct cp_err first_e = { 0 };

	for (size_t i = 0; i < CP_ARRAY_SIZE(backends); i++) {
		struct cp_counters_cfg *c;
		struct cp_err be = { 0 };
		char why[512];

		if (backends[i] == &ctr_backend_likwid || !backends[i]->built)
			continue;
		if (build(o, backends[i], &c, &be)) {
			if (!first && !first_e.code)
				first_e = be;
			continue;
		}
		if (probe(c, why, sizeof(why), &be) > 0) {
			counters_config_free(first);
			*cfg = c;
			return 0;
		}
		if (!first)
			first = c;
		else
			counters_config_free(c);
	}
	if (first) {
		*cfg = first;
		return 0;
	}
	if (first_e.code) {
		*e = first_e;
		return e->code;
	}
	return cp_errf(e, CP_EUNAVAIL, "no counter backend was built in (papi, perf)");
}

int counters_config(const struct cp_counters_req *o, struct cp_counters_cfg **cfg, struct cp_err *e)
{
	char why[1024];
	int rc = counters_config_backend(o, NULL, cfg, e);

	if (rc || !*cfg)
		return rc;
	rc = probe(*cfg, why, sizeof(why), e);
	if (rc > 0)
		return 0;
	if (rc == 0)
		cp_errf(e, CP_EUNAVAIL, "%s: none of the %d events can be counted here: %s",
			(*cfg)->be->name, (*cfg)->n, why);
	counters_config_free(*cfg);
	*cfg = NULL;
	return e->code;
}

void counters_config_free(struct cp_counters_cfg *cfg)
{
	free(cfg);
}

int counters_nevents(const struct cp_counters_cfg *cfg) { return cfg->n; }
const char *counters_event_name(const struct cp_counters_cfg *cfg, int i) { return cfg->name[i]; }
const char *counters_event_spec(const struct cp_counters_cfg *cfg, int i) { return cfg->spec[i]; }
const char *counters_event_desc(const struct cp_counters_cfg *cfg, int i) { return cfg->desc[i]; }
const char *counters_backend_name(const struct cp_counters_cfg *cfg) { return cfg->be->name; }
const char *counters_set_file(const struct cp_counters_cfg *cfg) { return cfg->setfile; }

int counters_open(const struct cp_counters_cfg *cfg, int cpu, struct cp_cset **out,
		  uint8_t *valid, char *why, size_t whylen, struct cp_err *e)
{
	struct cp_cset *cs = cp_xcalloc(1, sizeof(*cs));
	size_t off = 0;

	cs->cfg = cfg;
	if (cfg->be->open(cs, cpu, e)) {
		free(cs);
		*out = NULL;
		return e->code;
	}
	if (whylen)
		why[0] = 0;
	for (int i = 0; i < cfg->n; i++) {
		valid[i] = cs->valid[i];
		if (!cs->valid[i] && off < whylen)
			off += snprintf(why + off, whylen - off, "%s%s: %s", off ? "; " : "",
					cfg->name[i], cs->why[i]);
	}
	*out = cs;
	return 0;
}

void counters_start(struct cp_cset *cs) { cs->cfg->be->start(cs); }
void counters_stop(struct cp_cset *cs) { cs->cfg->be->stop(cs); }

void counters_read(struct cp_cset *cs, uint64_t *vals, uint8_t *valid)
{
	cs->cfg->be->read(cs);
	for (int i = 0; i < cs->cfg->n; i++) {
		vals[i] = cs->valid[i] ? cs->total[i] : 0;
		valid[i] = cs->valid[i];
	}
}

const char *counters_why(const struct cp_cset *cs, int i)
{
	return cs->valid[i] ? "" : cs->why[i];
}

void counters_close(struct cp_cset *cs)
{
	if (!cs)
		return;
	cs->cfg->be->close(cs);
	free(cs);
}

/* ---- likwid Marker API ----
 * Active only under `likwid-perfctr -m`, which sets LIKWID_MODE; elsewhere
 * likwid_markerInit would only print a hint. */
#ifdef HAVE_LIKWID
static int marker_on;

void counters_marker_init(void)
{
	if (getenv("LIKWID_MODE") && getenv("LIKWID_EVENTS")) {
		LIKWID_MARKER_INIT;
		marker_on = 1;
	}
}
void counters_marker_thread_init(void) { if (marker_on) LIKWID_MARKER_THREADINIT; }
void counters_marker_start(const char *name) { if (marker_on) LIKWID_MARKER_START(name); }
void counters_marker_stop(const char *name) { if (marker_on) LIKWID_MARKER_STOP(name); }
void counters_marker_close(void)
{
	if (marker_on)
		LIKWID_MARKER_CLOSE;
	marker_on = 0;
}
#else
void counters_marker_init(void) {}
void counters_marker_thread_init(void) {}
void counters_marker_start(const char *name) { (void)name; }
void counters_marker_stop(const char *name) { (void)name; }
void counters_marker_close(void) {}
#endif
