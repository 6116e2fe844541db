/* schema.c: the columns' names and keys, from schema.h's one list. */
#include "schema.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cp.h"
#include "tmpname.h"

static const struct {
	const char *name;
	int key;
} columns[COL_COUNT] = {
#define CP_COL_ENTRY(n, k, f, key) { #n, key },
	CP_COLUMNS(CP_COL_ENTRY)
#undef CP_COL_ENTRY
};

const char *schema_col_name(enum cp_col id)
{
	return (unsigned)id < COL_COUNT ? columns[id].name : "";
}

int schema_col_by_name(const char *name, size_t len)
{
	for (int k = 0; k < COL_COUNT; k++)
		if (strlen(schema_col_name((enum cp_col)k)) == len && !strncmp(schema_col_name((enum cp_col)k), name, len))
			return k;
	return -1;
}

int schema_cmp_col(const char *mode, const char *arms)
{
	const char *eq = arms ? strchr(arms, '=') : NULL;

	if (mode && strchr(mode, ':'))
		return COL_mode;
	return eq ? schema_col_by_name(arms, (size_t)(eq - arms)) : -1;
}

int schema_col_key(enum cp_col id)
{
	return (unsigned)id < COL_COUNT && columns[id].key;
}

int schema_dir_version(const char *dir)
{
	char path[4200], line[128];
	int v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, CP_RESULTS_MARKER);
	if (!(f = fopen(path, "r")))
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "schema %d", &v) == 1)
			break;
	fclose(f);
	return v;
}

int schema_dir_check(const char *opt, const char *dir, int required, struct cp_err *e)
{
	int v = schema_dir_version(dir);
	char name[64];

	snprintf(name, sizeof(name), "%s%s%s", opt[0] ? "--" : "", opt, opt[0] ? " " : "");
	if (v < 0 && required)
		return cp_errf(e, CP_EUSAGE, "%s%s: no %s there: not a results directory of cachepong", name, dir,
			       CP_RESULTS_MARKER);
	if (v >= 0 && v != CP_SCHEMA_VERSION)
		return cp_errf(e, CP_EUSAGE, "%s%s: results of schema version %d, this cachepong reads and writes "
			       "version %d (results/README.md): run it again with this version", name, dir, v,
			       CP_SCHEMA_VERSION);
	return 0;
}

static int marker_text(FILE *f, void *arg)
{
	(void)arg;
	return fprintf(f, "cachepong results directory\nschema %d\n", CP_SCHEMA_VERSION) < 0;
}

int schema_dir_mark(const char *dir, struct cp_err *e)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/%s", dir, CP_RESULTS_MARKER);
	return tmp_write_atomic("dir", path, marker_text, NULL, e);
}
