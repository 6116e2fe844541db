/* cmd_export.c: `cachepong export DIR [--format openmetrics] [--out FILE]`:
 * a results directory as metrics a scraper reads (export_om.c); --out is
 * written atomically, so a textfile collector never reads half a file. */
#include <stdio.h>

#include "command.h"
#include "cp.h"
#include "opts.h"
#include "parse.h"
#include "report.h"
#include "schema.h"
#include "tmpname.h"

struct export_out {
	const char *dir;
	int rows;
	struct cp_err e;
};

static int put_export(FILE *f, void *arg)
{
	struct export_out *x = arg;

	return export_openmetrics(x->dir, f, &x->rows, &x->e) ? -1 : 0;
}

int cmd_export(struct opts *o)
{
	struct export_out x = { 0 };
	struct cp_err e = { 0 };
	int rc;

	if (o->argc != 1)
		cp_die(CP_EUSAGE, "export: give one results directory (cachepong export DIR), got %d arguments",
		       o->argc);
	if (o->format && parse_choice(o->format, EXPORT_FORMAT_NAMES, "format", &e) < 0)
		cp_exit_err(&e);
	if (schema_dir_check("", o->argv[0], 1, &e))
		cp_exit_err(&e);
	x.dir = o->argv[0];
	rc = o->out ? tmp_write_atomic("out", o->out, put_export, &x, &e) : put_export(stdout, &x);
	if (rc && x.e.code)
		cp_exit_err(&x.e);
	if (rc)
		cp_exit_err(&e);
	if (fflush(stdout))
		cp_die(CP_ERUN, "export: cannot write to standard output");
	if (!x.rows)
		fprintf(stderr, "export: %s has no result rows (only the run's own metrics were written)\n", x.dir);
	return CP_OK;
}
