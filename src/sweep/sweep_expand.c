/* sweep_expand.c: cells from templates, expanded for a machine from its
 * topology: a command-line template's {placeholders} expand over what the
 * machine has (placement classes, memory kinds for processes, CPUs).  The
 * templates are the experiments' own (experiment.h): the suite's presets
 * (suite/presets.c) and each experiment's probe. */
#include "sweep.h"
#include "sweep_int.h"

#include <stdlib.h>
#include <string.h>

#include "experiment.h"
#include "shm.h"
#include "topo.h"

/* {class}: every placement class present, nearest first; {near}:
 * the nearest; {pshm}: every memory kind processes can share; {ncpu}: the
 * allowed CPUs; {agents}: 1, 2, 4 ... and ncpu (a scaling curve that stays
 * short on 384 CPUs).  A value list in braces {a,b} expands too.  Lists
 * that stay one value, the arms of one cell: {pshm-arms} the kinds of
 * {pshm} as "anon,sysv,..."; {pshm-aa} as many arms, all anon (the A/A
 * control of that design); {pages-arms} the page kinds this machine gives
 * a thread's heap ("4k,thp,huge", those it has). */

struct values {
	char *cls[64];
	int ncls;
	char *pshm[16];
	int npshm;
	int ncpu;
	char pshm_arms[200], pshm_aa[200], pages_arms[200];
};

/* Append name to a comma list. */
static void list_add(char *list, size_t len, const char *name)
{
	size_t o = strlen(list);

	snprintf(list + o, len > o ? len - o : 0, "%s%s", o ? "," : "", name);
}

static int add_line(struct sweep_plan *p, const struct experiment *x, const char *line, int idx, int ncpu)
{
	char *copy = cp_xstrdup(line), *w[128], *save = NULL, *t;
	int n = 0;

	for (t = strtok_r(copy, " ", &save); t && n < 128; t = strtok_r(NULL, " ", &save))
		w[n++] = t;
	/* a line its experiment rejects is recorded as failed: the rest runs */
	sweep_plan_add_lenient(p, x, n, w, idx, "preset");
	p->cell[p->n - 1].ncpu_hint = ncpu;
	free(copy);
	return 0;
}

/* Expand the first {placeholder} of line over its values, recursively. */
static int expand(struct sweep_plan *p, const struct experiment *x, const char *line, const struct values *v,
		  int idx, struct cp_err *e)
{
	const char *o = strchr(line, '{'), *c = o ? strchr(o, '}') : NULL;
	char key[64], buf[1024];
	const char *vals[64];
	char num[16], agents[200], *list = NULL;
	int n = 0, rc = 0;

	if (!o || !c)
		return add_line(p, x, line, idx, v->ncpu);
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
	} else if (!strcmp(key, "pshm-arms")) {
		vals[n++] = v->pshm_arms;
	} else if (!strcmp(key, "pshm-aa")) {
		vals[n++] = v->pshm_aa;
	} else if (!strcmp(key, "pages-arms")) {
		vals[n++] = v->pages_arms;
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
		rc = expand(p, x, buf, v, idx, e);
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

		if (strcmp(k, "private") && !shm_check(k, NULL, 1, &ignore)) {
			v->pshm[v->npshm++] = cp_xstrdup(k);
			list_add(v->pshm_arms, sizeof(v->pshm_arms), k);
			list_add(v->pshm_aa, sizeof(v->pshm_aa), "anon");
		}
	}
	free(names);
	names = cp_xstrdup(shm_page_names());
	for (char *k = strtok_r(names, "|", &save); k; k = strtok_r(NULL, "|", &save)) {
		struct cp_err ignore = { 0 };

		if (!shm_check("heap", k, 0, &ignore))
			list_add(v->pages_arms, sizeof(v->pages_arms), k);
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

int sweep_plan_expand(const struct sweep_template *t, size_t n, const char *xml, struct sweep_plan *p,
		      struct cp_err *e)
{
	struct values v;
	int rc = 0;

	memset(p, 0, sizeof(*p));
	if ((rc = gather(xml, &v, e))) {
		values_free(&v);
		return rc;
	}
	for (size_t i = 0; i < n && !rc; i++)
		rc = expand(p, t[i].x, t[i].line, &v, t[i].idx, e);
	values_free(&v);
	if (rc)
		sweep_plan_free(p);
	return rc;
}

int sweep_plan_probes(const struct sweep_plan *of, const char *xml, struct sweep_plan *p, struct cp_err *e)
{
	struct sweep_template *t = cp_xcalloc((size_t)of->n + 1, sizeof(*t));
	size_t n = 0;
	int rc;

	/* one probe per experiment of the plan, in the plan's order */
	for (int i = 0; i < of->n; i++) {
		const struct experiment *x = of->cell[i].exp;
		int seen = 0;

		for (size_t k = 0; k < n && !seen; k++)
			seen = t[k].x == x;
		if (x && x->probe && !seen) {
			t[n] = (struct sweep_template){ x, x->probe, (int)n + 1 };
			n++;
		}
	}
	rc = sweep_plan_expand(t, n, xml, p, e);
	if (!rc)
		snprintf(p->origin, sizeof(p->origin), "probes");
	free(t);
	return rc;
}
