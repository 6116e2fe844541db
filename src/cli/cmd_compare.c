/* cmd_compare.c: `cachepong compare DIR DIR... [--label A,B] [--baseline N]
 * --dir OUT`, or `--fleet SHARED`: the runs' directories checked (a results
 * directory of this schema version each), their labels, then one report
 * over them (report_compare.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cp.h"
#include "fleet.h"
#include "opts.h"
#include "parse.h"
#include "report.h"
#include "schema.h"
#include "tmpname.h"

#define COMPARE_MARKER ".cachepong-compare"
#define COMPARE_MAX 16

struct compare_cmd {
	const char *dirs[COMPARE_MAX];
	char *labels[COMPARE_MAX];
	int n;
	char *missing[FLEET_MAX_TASKS];
	int nmissing;
	char *fleet_dirs[FLEET_MAX_TASKS];
};

/* A run's directory: made by cachepong, of this schema version. */
static int check_run(const char *dir, struct cp_err *e)
{
	char path[4300];

	if (schema_dir_check("", dir, 1, e))
		return e->code;
	snprintf(path, sizeof(path), "%s/meta.json", dir);
	if (access(path, R_OK))
		return cp_errf(e, CP_EUSAGE, "%s: no meta.json: not a results directory of cachepong", dir);
	return 0;
}

/* --label a,b,c: one per run; default: the directory's last name. */
static int labels(const struct opts *o, struct compare_cmd *x, struct cp_err *e)
{
	char *copy = o->label ? cp_xstrdup(o->label) : NULL, *tok, *save = NULL;
	int n = 0;

	if (copy && has_empty_item(copy)) {
		free(copy);
		return cp_errf(e, CP_EUSAGE, "--label: invalid value '%s': an empty name", o->label);
	}
	for (tok = copy ? strtok_r(copy, ",", &save) : NULL; tok; tok = strtok_r(NULL, ",", &save))
		if (n < x->n)
			x->labels[n++] = cp_xstrdup(tok);
		else
			n++;
	free(copy);
	if (o->label && n != x->n)
		return cp_errf(e, CP_EUSAGE, "--label: invalid value '%s': %d names for %d directories: allowed: "
			       "one name per directory, in their order", o->label, n, x->n);
	for (int k = 0; k < x->n && !o->label; k++) {
		const char *d = x->dirs[k], *end = d + strlen(d), *b;

		while (end > d + 1 && end[-1] == '/')
			end--;
		for (b = end; b > d && b[-1] != '/'; b--)
			;
		x->labels[k] = cp_xcalloc((size_t)(end - b) + 1, 1);
		memcpy(x->labels[k], b, (size_t)(end - b));
	}
	return 0;
}

/* OUT: made when missing; an existing one must be empty or an earlier
 * comparison's (its marker): nothing of the user's is overwritten. */
static int marker_text(FILE *f, void *arg)
{
	(void)arg;
	return fputs("cachepong comparison\n", f) < 0;
}

static int out_dir(const char *out, struct cp_err *e)
{
	char path[4300];

	if (mkdir(out, 0755) && errno != EEXIST)
		return cp_errf(e, CP_ERUN, "--dir %s: cannot create it: %s", out, strerror(errno));
	snprintf(path, sizeof(path), "%s/%s", out, COMPARE_MARKER);
	if (access(path, F_OK)) {
		char *other = cp_dir_first_entry(out);

		if (other) {
			cp_errf(e, CP_EUSAGE, "--dir %s: not empty (it holds '%s') and not an earlier comparison: give a "
				"new or empty directory", out, other);
			free(other);
			return e->code;
		}
	}
	return tmp_write_atomic("dir", path, marker_text, NULL, e);
}

static int gather(struct opts *o, struct compare_cmd *x, struct cp_err *e)
{
	int rc;

	for (int k = 0; k < o->argc; k++) {
		if (x->n == COMPARE_MAX)
			return cp_errf(e, CP_EUSAGE, "compare: more than %d directories", COMPARE_MAX);
		x->dirs[x->n++] = o->argv[k];
	}
	if (o->fleet) {
		int nf = 0;

		if ((rc = fleet_runs(o->fleet, x->fleet_dirs, &nf, x->missing, &x->nmissing, e)))
			return rc;
		for (int k = 0; k < nf; k++) {
			if (x->n == COMPARE_MAX)
				return cp_errf(e, CP_EUSAGE, "compare: more than %d directories", COMPARE_MAX);
			x->dirs[x->n++] = x->fleet_dirs[k];
		}
	}
	if (x->n < 2 && !o->fleet)
		return cp_errf(e, CP_EUSAGE, "compare: give two or more results directories (cachepong compare DIR DIR... "
			       "--dir OUT), got %d", x->n);
	if (x->n < 2)
		return cp_errf(e, CP_ERUN, "--fleet %s: %d run%s finished, a comparison needs two", o->fleet, x->n,
			       x->n == 1 ? "" : "s");
	for (int k = 0; k < x->n; k++)
		if ((rc = check_run(x->dirs[k], e)))
			return rc;
	return 0;
}

int cmd_compare(struct opts *o)
{
	struct compare_cmd x = { 0 };
	struct cp_err e = { 0 };
	struct compare_req q;
	uint64_t base = 1;
	int rc;

	if (!o->dir)
		cp_die(CP_EUSAGE, "compare: --dir OUT is needed: where report.md and report.html go");
	/* a run's number: checked before the directories are read */
	if (opt_isset(o, OPT_baseline) && parse_u64(o->baseline, "baseline", 1, COMPARE_MAX, &base, &e))
		cp_die(CP_EUSAGE, "--baseline: invalid value '%s': allowed: 1 to %d (a run's number)", o->baseline,
		       COMPARE_MAX);
	if ((rc = gather(o, &x, &e)) || (rc = labels(o, &x, &e)))
		cp_exit_err(&e);
	if ((int)base > x.n)
		cp_die(CP_EUSAGE, "--baseline: invalid value '%s': allowed: 1 to %d (the directories' count)",
		       o->baseline, x.n);
	if ((rc = out_dir(o->dir, &e)))
		cp_exit_err(&e);
	q = (struct compare_req){ x.dirs, (const char *const *)x.labels, x.n,
				  opt_isset(o, OPT_baseline) ? (int)base - 1 : 0, o->dir,
				  (const char *const *)x.missing, x.nmissing };
	rc = compare_write(&q, &e);
	for (int k = 0; k < COMPARE_MAX; k++)
		free(x.labels[k]);
	for (int k = 0; k < FLEET_MAX_TASKS; k++) {
		free(x.missing[k]);
		free(x.fleet_dirs[k]);
	}
	if (rc)
		cp_exit_err(&e);
	printf("%s/report.md\n%s/report.html\n", o->dir, o->dir);
	return CP_OK;
}
