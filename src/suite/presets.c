/* presets.c: the presets quick, standard and full: every experiment's own
 * preset lines (experiment.h), in registry order, expanded for a machine
 * (sweep_expand.c).  Order is priority: when the budget runs short the
 * sweep skips from the end, so the comparisons the report is about come
 * first. */
#include "suite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "registry.h"

static const struct preset { const char *name; unsigned bit; const char *what; } presets[] = {
	{ "quick", EXP_QUICK, "a few cells, seconds: a smoke test of every experiment" },
	{ "standard", EXP_STANDARD, "every placement class x threads/processes x memory kind x op, setup, "
				    "sync, copy, contention, the matrix if it fits" },
	{ "full", EXP_FULL, "standard with more sizes, page kinds, layouts, several pairs per class, "
			    "every op in the matrix" },
};

const char *preset_names(void)
{
	static char buf[128];

	return names_of(NAME_TABLE(presets, CP_ARRAY_SIZE(presets)), buf, sizeof(buf));
}

int plan_preset(const char *name, const char *xml, struct sweep_plan *p, struct cp_err *e)
{
	const struct preset *ps = NULL;
	struct sweep_template *t;
	size_t n = 0, all = 0;
	int rc, idx = 0;

	memset(p, 0, sizeof(*p));
	for (size_t i = 0; i < CP_ARRAY_SIZE(presets); i++)
		if (!strcmp(presets[i].name, name))
			ps = &presets[i];
	if (!ps)
		return cp_errf(e, CP_EUSAGE, "--preset: invalid value '%s': allowed: %s", name, preset_names());
	for (size_t x = 0; x < experiment_count(); x++)
		all += experiment_at(x)->npresets;
	t = cp_xcalloc(all + 1, sizeof(*t));
	/* idx: the line's place among all the experiments' lines */
	for (size_t x = 0; x < experiment_count(); x++) {
		const struct experiment *xp = experiment_at(x);

		for (size_t i = 0; i < xp->npresets; i++, idx++)
			if (xp->presets[i].in & ps->bit)
				t[n++] = (struct sweep_template){ xp, xp->presets[i].line, idx + 1 };
	}
	rc = sweep_plan_expand(t, n, xml, p, e);
	if (!rc)
		snprintf(p->origin, sizeof(p->origin), "preset %s", name);
	free(t);
	return rc;
}
