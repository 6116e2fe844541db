/* sweep_preset.c: the presets quick, standard and full, generated for a
 * machine from its topology: one table of command-line templates whose
 * {placeholders} expand over what this machine has (placement classes,
 * memory kinds for processes, CPUs).  The templates are the experiments'
 * own (experiment.h).  Order is priority: when the budget runs short the
 * sweep skips from the end, so the comparisons the report is about come
 * first. */
#include "sweep.h"
#include "sweep_int.h"

#include <stdlib.h>
#include <string.h>

#include "experiment.h"
#include "shm.h"
#include "topo.h"

static const struct preset { const char *name; unsigned bit; const char *what; } presets[] = {
	{ "quick", EXP_QUICK, "a few cells, seconds: a smoke test of every experiment" },
	{ "standard", EXP_STANDARD, "every placement class x threads/processes x memory kind x op, setup, "
				    "sync, copy, contention, the matrix if it fits" },
	{ "full", EXP_FULL, "standard with more sizes, page kinds, layouts, several pairs per class, "
			    "every op in the matrix" },
};

/* The lines are the experiments' (their descriptors' presets), in registry
 * order.  {class}: every placement class present, nearest first; {near}:
 * the nearest; {pshm}: every memory kind processes can share; {ncpu}: the
 * allowed CPUs; {agents}: 1, 2, 4 ... and ncpu (a scaling curve that stays
 * short on 384 CPUs).  A value list in braces {a,b} expands too. */

struct values {
	char *cls[64];
	int ncls;
	char *pshm[16];
	int npshm;
	int ncpu;
};

static int add_line(struct sweep_plan *p, const char *line, int idx, int ncpu)
{
	char *copy = cp_xstrdup(line), *w[128], *save = NULL, *t;
	int n = 0;

	for (t = strtok_r(copy, " ", &save); t && n < 128; t = strtok_r(NULL, " ", &save))
		w[n++] = t;
	/* a command of a later issue not in this build is recorded as
	 * unavailable; a line its command rejects as failed: the rest runs */
	sweep_plan_add_lenient(p, n, w, idx, "preset");
	p->cell[p->n - 1].ncpu_hint = ncpu;
	free(copy);
	return 0;
}

/* Expand the first {placeholder} of line over its values, recursively. */
static int expand(struct sweep_plan *p, const char *line, const struct values *v, int idx,
		  struct cp_err *e)
{
	const char *o = strchr(line, '{'), *c = o ? strchr(o, '}') : NULL;
	char key[64], buf[1024];
	const char *vals[64];
	char num[16], agents[200], *list = NULL;
	int n = 0, rc = 0;

	if (!o || !c)
		return add_line(p, line, idx, v->ncpu);
	snprintf(key, sizeof(key), "%.*s", (int)(c - o - 1), o + 1);
	if (!strcmp(key, "class")) {
		for (int i = 0; i < v->ncls; i++)
			vals[n++] = v->cls[i];
	} else if (!strcmp(key, "near")) {
		if (v->ncls)
			vals[n++] = v->cls[0];
	} else if (!strcmp(key, "pshm")) {
		for (int i = 0; i < v->npshm; i++)
			vals[n++] = v->pshm[i];
	} else if (!strcmp(key, "ncpu")) {
		snprintf(num, sizeof(num), "%d", v->ncpu);
		vals[n++] = num;
	} else if (!strcmp(key, "agents")) {
		/* one value: a list for --agents, not one cell per value */
		size_t off = 0;

		for (int a = 1; a < v->ncpu && off < sizeof(agents) - 12; a *= 2)
			off += (size_t)snprintf(agents + off, sizeof(agents) - off, "%d,", a);
		snprintf(agents + off, sizeof(agents) - off, "%d", v->ncpu);
		vals[n++] = agents;
	} else {
		char *save = NULL;

		list = cp_xstrdup(key);
		for (char *t = strtok_r(list, ",", &save); t && n < 64; t = strtok_r(NULL, ",", &save))
			vals[n++] = t;
	}
	for (int i = 0; i < n && !rc; i++) {
		snprintf(buf, sizeof(buf), "%.*s%s%s", (int)(o - line), line, vals[i], c + 1);
		rc = expand(p, buf, v, idx, e);
	}
	free(list);
	return rc;
}

static int gather(const char *xml, struct values *v, struct cp_err *e)
{
	struct cp_topo *t = NULL;
	struct topo_class *cls = NULL;
	int n = 0, rc;
	char *names, *save = NULL;

	memset(v, 0, sizeof(*v));
	if ((rc = topo_load(xml, &t, e)))
		return rc;
	if ((rc = topo_classes(t, &cls, &n))) {
		topo_free(t);
		return cp_errf(e, rc, "the placement classes of this machine could not be listed");
	}
	for (int i = 0; i < n && v->ncls < (int)CP_ARRAY_SIZE(v->cls); i++) {
		int dup = 0;

		/* hybrid machines list a class once per kind pair: one cell per class */
		for (int j = 0; j < v->ncls; j++)
			dup |= !strcmp(v->cls[j], cls[i].name);
		if (!dup)
			v->cls[v->ncls++] = cp_xstrdup(cls[i].name);
	}
	v->ncpu = topo_ncpus(t);
	free(cls);
	topo_free(t);
	/* the memory kinds processes can share: the shm table's own answer */
	names = cp_xstrdup(shm_kind_names());
	for (char *k = strtok_r(names, "|", &save); k && v->npshm < (int)CP_ARRAY_SIZE(v->pshm);
	     k = strtok_r(NULL, "|", &save)) {
		struct cp_err ignore = { 0 };

		if (strcmp(k, "private") && !shm_check(k, NULL, 1, &ignore))
			v->pshm[v->npshm++] = cp_xstrdup(k);
	}
	free(names);
	if (!v->ncls)
		return cp_errf(e, CP_EUNAVAIL, "a sweep needs two CPUs: this process may use %d",
			       v->ncpu);
	return 0;
}

static void values_free(struct values *v)
{
	for (int i = 0; i < v->ncls; i++)
		free(v->cls[i]);
	for (int i = 0; i < v->npshm; i++)
		free(v->pshm[i]);
}

int sweep_plan_preset(const char *name, const char *xml, struct sweep_plan *p, struct cp_err *e)
{
	const struct preset *ps = NULL;
	struct values v;
	int rc = 0;

	memset(p, 0, sizeof(*p));
	for (size_t i = 0; i < CP_ARRAY_SIZE(presets); i++)
		if (!strcmp(presets[i].name, name))
			ps = &presets[i];
	if (!ps)
		return cp_errf(e, CP_EUSAGE, "--preset: invalid value '%s': allowed: quick, standard, full",
			       name);
	if ((rc = gather(xml, &v, e))) {
		values_free(&v);
		return rc;
	}
	snprintf(p->origin, sizeof(p->origin), "preset %s", name);
	for (size_t x = 0, idx = 0; x < sweep_exps()->count() && !rc; x++) {
		const struct experiment *xp = sweep_exps()->at(x);

		for (size_t i = 0; i < xp->npresets && !rc; i++, idx++)
			if (xp->presets[i].in & ps->bit)
				rc = expand(p, xp->presets[i].line, &v, (int)idx + 1, e);
	}
	values_free(&v);
	if (rc)
		sweep_plan_free(p);
	return rc;
}

int sweep_plan_probes(const struct sweep_plan *of, const char *xml, struct sweep_plan *p, struct cp_err *e)
{
	struct values v;
	int rc = 0;

	memset(p, 0, sizeof(*p));
	snprintf(p->origin, sizeof(p->origin), "probes");
	if ((rc = gather(xml, &v, e))) {
		values_free(&v);
		return rc;
	}
	for (size_t x = 0; x < sweep_exps()->count() && !rc; x++) {
		const struct experiment *xp = sweep_exps()->at(x);
		int used = 0;

		for (int i = 0; i < of->n && !used; i++)
			used = !strcmp(of->cell[i].argv[0], xp->cmd.name);
		if (used && xp->probe)
			rc = expand(p, xp->probe, &v, (int)x + 1, e);
	}
	values_free(&v);
	if (rc)
		sweep_plan_free(p);
	return rc;
}
