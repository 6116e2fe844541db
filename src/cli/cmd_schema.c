/* cmd_schema.c: `cachepong schema NAME [--out FILE]`: the JSON Schema of a
 * file cachepong writes (schema_json.c), for scripts that check them. */
#include <stdio.h>
#include <string.h>

#include "cp.h"
#include "json_out.h"
#include "opts.h"
#include "parse.h"
#include "schema_json.h"
#include "tmpname.h"

static int put_doc(FILE *f, void *arg)
{
	return json_dumpf(arg, f, CP_JSON_FLAGS) || fputc('\n', f) == EOF ? -1 : 0;
}

int cmd_schema(struct opts *o)
{
	struct cp_err e = { 0 };
	json_t *doc;
	int rc;

	if (o->argc != 1)
		cp_die(CP_EUSAGE, "schema: give one document (cachepong schema list%s), got %d arguments",
		       SCHEMA_DOC_NAMES, o->argc);
	if (parse_choice(o->argv[0], "list" SCHEMA_DOC_NAMES, "schema", &e) < 0)
		cp_die(CP_EUSAGE, "schema: unknown document '%s': allowed: list%s", o->argv[0], SCHEMA_DOC_NAMES);
	if (!strcmp(o->argv[0], "list")) {
		const char *names = &SCHEMA_DOC_NAMES[1];

		for (; *names; names++)
			putchar(*names == '|' ? '\n' : *names);
		putchar('\n');
		return CP_OK;
	}
	doc = schema_json(o->argv[0], NULL, 0);
	rc = o->out ? tmp_write_atomic("out", o->out, put_doc, doc, &e) : put_doc(stdout, doc);
	json_decref(doc);
	if (rc && o->out)
		cp_exit_err(&e);
	if (rc || fflush(stdout))
		cp_die(CP_ERUN, "schema: cannot write to standard output");
	return CP_OK;
}
