/* sweep_plan.c: a sweep's plan: its cells, each checked against its
 * experiment's options when it is added, so a typo on line 40 is found at
 * once and not after half an hour of measuring. */
#include "sweep.h"
#include "sweep_int.h"
#include "experiment.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Options that are the sweep's to set, never a cell's. */
static const enum opt_id reserved[] = { OPT_format, OPT_out, OPT_raw, OPT_dry_run, OPT_resume };

static int opt_is_flag(const char *name)
{
	int id = opt_by_name(name);

	return id >= 0 && opt_desc(id)->type == OPT_T_FLAG;
}

const char *sweep_cell_opt(const struct sweep_cell *c, const char *opt)
{
	size_t n = strlen(opt);

	for (int i = 1; i < c->argc; i++) {
		const char *a = c->argv[i];

		if (a[0] != '-' || a[1] != '-' || strncmp(a + 2, opt, n))
			continue;
		if (a[2 + n] == '=')
			return a + 3 + n;
		if (!a[2 + n])
			return i + 1 < c->argc && !opt_is_flag(opt) ? c->argv[i + 1] : "";
	}
	return NULL;
}

void sweep_plan_free(struct sweep_plan *p)
{
	for (int i = 0; i < p->n; i++) {
		for (int j = 0; j < p->cell[i].argc; j++)
			free(p->cell[i].argv[j]);
		free(p->cell[i].argv);
		free(p->cell[i].line);
		free(p->cell[i].unavail);
		free(p->cell[i].invalid);
	}
	free(p->cell);
	memset(p, 0, sizeof(*p));
}

/* Check the words of a cell against the options of its experiment: each
 * one is --NAME or --NAME=VALUE or --NAME VALUE of an option it takes, and
 * each value is of the option's type and within its range.  What the
 * values mean (names, CPU lists) the experiment checks itself (a plan is
 * checked in full when it loads: cli/plan_check.c). */
static int check_words(int argc, char **argv, opt_set taken, const char *where, struct cp_err *e)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *eq, *val = NULL;
		char name[64];
		union { int f; const char *s; uint64_t u; double d; } v;
		int id;

		if (strncmp(a, "--", 2) || !a[2])
			return cp_errf(e, CP_EUSAGE, "%s: '%s' is not an option of %s: a cell is a command "
				       "and its --options", where, a, argv[0]);
		eq = strchr(a, '=');
		snprintf(name, sizeof(name), "%.*s", (int)(eq ? eq - a - 2 : (long)strlen(a + 2)), a + 2);
		id = opt_by_name(name);
		if (id < 0 || !(taken >> id & 1))
			return cp_errf(e, CP_EUSAGE, "%s: %s: unknown option '--%s': see 'cachepong %s --help' for the "
				       "options it takes", where, argv[0], name, argv[0]);
		for (size_t k = 0; k < CP_ARRAY_SIZE(reserved); k++)
			if (id == (int)reserved[k])
				return cp_errf(e, CP_EUSAGE, "%s: --%s is set by the sweep for every cell: "
					       "remove it", where, name);
		if (opt_desc(id)->type == OPT_T_FLAG) {
			if (eq)
				return cp_errf(e, CP_EUSAGE, "%s: --%s takes no value (got '%s')", where, name,
					       eq + 1);
			continue;
		}
		if (eq)
			val = eq + 1;
		else if (i + 1 < argc)
			val = argv[++i];
		else
			return cp_errf(e, CP_EUSAGE, "%s: --%s needs a value (%s)", where, name,
				       opt_desc(id)->meta);
		if (opt_read(id, val, &v, e)) {
			char msg[sizeof(e->msg)];

			snprintf(msg, sizeof(msg), "%.400s: %.600s", where, e->msg);
			return cp_errf(e, CP_EUSAGE, "%s", msg);
		}
	}
	return 0;
}

int sweep_plan_add(struct sweep_plan *p, const struct experiment *x, int argc, char **argv, int src_line,
		   const char *name, struct cp_err *e)
{
	struct sweep_cell *c;
	char where[512];
	size_t len = 0;
	int rc;

	snprintf(where, sizeof(where), "%s:%d", name, src_line);
	if (argc < 1)
		return cp_errf(e, CP_EUSAGE, "%s: empty cell", where);
	if (!x || strcmp(x->name, argv[0]))
		return cp_errf(e, CP_ERUN, "internal: %s: the cell's experiment is not '%s'", where, argv[0]);
	if ((rc = check_words(argc, argv, experiment_options(x), where, e)))
		return rc;
	p->cell = cp_xrealloc(p->cell, ((size_t)p->n + 1) * sizeof(*p->cell));
	c = &p->cell[p->n++];
	memset(c, 0, sizeof(*c));
	c->argc = argc;
	c->argv = cp_xcalloc((size_t)argc + 1, sizeof(char *));
	for (int i = 0; i < argc; i++) {
		c->argv[i] = cp_xstrdup(argv[i]);
		len += strlen(argv[i]) + 3;
	}
	c->line = cp_xcalloc(len + 1, 1);
	for (int i = 0; i < argc; i++) {
		/* quote words with spaces so plan.txt reads back the same */
		int q = strchr(argv[i], ' ') != NULL;

		sprintf(c->line + strlen(c->line), "%s%s%s%s", i ? " " : "", q ? "'" : "", argv[i],
			q ? "'" : "");
	}
	c->exp = x;
	c->options = experiment_options(x);
	c->src_line = src_line;
	/* the line's own --samples or --budget is kept: the sweep adds neither */
	c->fixed_samples = sweep_cell_opt(c, "samples") != NULL || sweep_cell_opt(c, "budget") != NULL ||
			   !(c->options & (O(samples) | O(budget)));
	return 0;
}

void sweep_plan_add_line(struct sweep_plan *p, const char *line)
{
	struct sweep_cell *c;

	p->cell = cp_xrealloc(p->cell, ((size_t)p->n + 1) * sizeof(*p->cell));
	c = &p->cell[p->n++];
	memset(c, 0, sizeof(*c));
	c->line = cp_xstrdup(line);
	c->fixed_samples = 1;
	c->src_line = p->n;
}

void sweep_plan_add_lenient(struct sweep_plan *p, const struct experiment *x, int argc, char **argv,
			    int src_line, const char *name)
{
	struct cp_err e = { 0 };
	struct sweep_cell *c;
	size_t len = 1;

	if (argc < 1 || (x && !sweep_plan_add(p, x, argc, argv, src_line, name, &e)))
		return;
	p->cell = cp_xrealloc(p->cell, ((size_t)p->n + 1) * sizeof(*p->cell));
	c = &p->cell[p->n++];
	memset(c, 0, sizeof(*c));
	c->argc = 1;
	c->argv = cp_xcalloc(2, sizeof(char *));
	c->argv[0] = cp_xstrdup(argv[0]);
	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	c->line = cp_xcalloc(len, 1);
	for (int i = 0; i < argc; i++)
		sprintf(c->line + strlen(c->line), "%s%s", i ? " " : "", argv[i]);
	c->options = 0;
	c->fixed_samples = 1;
	c->src_line = src_line;
	if (!x) {
		c->unavail = cp_xcalloc(200, 1);
		snprintf(c->unavail, 200, "experiment '%s' is not part of this build", argv[0]);
	} else {
		c->invalid = cp_xstrdup(e.msg);
	}
}

