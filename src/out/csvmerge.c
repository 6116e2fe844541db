/* csvmerge.c: the union of two CSV files of results (see csvmerge.h). */
#include "csvmerge.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tmpname.h"

void csv_write_field(FILE *f, const char *s)
{
	if (!s)
		return;
	if (!s[strcspn(s, ",\"\r\n")]) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

struct union_job {
	const struct csv *old, *add;
	int ecol;
	const char *exp;
	const char **cols;
	size_t n;
};

static int write_union(FILE *f, void *arg)
{
	const struct union_job *u = arg;

	for (size_t j = 0; j < u->n; j++) {
		fputs(j ? "," : "", f);
		csv_write_field(f, u->cols[j]);
	}
	fputc('\n', f);
	for (int pass = 0; pass < 2; pass++) {
		const struct csv *c = pass ? u->add : u->old;

		for (size_t i = 0; i < c->nrow; i++) {
			if (pass && u->exp && strcmp(csv_get(c, i, u->ecol), u->exp))
				continue;
			for (size_t j = 0; j < u->n; j++) {
				fputs(j ? "," : "", f);
				csv_write_field(f, csv_get(c, i, csv_col(c, u->cols[j])));
			}
			fputc('\n', f);
		}
	}
	return 0;
}

int csv_write_union(const char *opt, const char *path, const struct csv *old, const struct csv *add, int ecol,
		    const char *exp, struct cp_err *e)
{
	struct union_job u = { old, add, ecol, exp, cp_xcalloc(old->ncol + add->ncol + 1, sizeof(char *)), 0 };
	int rc;

	for (size_t j = 0; j < old->ncol; j++)
		u.cols[u.n++] = old->col[j];
	for (size_t j = 0; j < add->ncol; j++)
		if (csv_col(old, add->col[j]) < 0)
			u.cols[u.n++] = add->col[j];
	rc = tmp_write_atomic(opt, path, write_union, &u, e);
	free(u.cols);
	return rc;
}

int csv_merge(const char *opt, const char *dst, const char *src, size_t *nrows, struct cp_err *e)
{
	struct csv old = { 0 }, add;
	struct stat st;
	int rc, have = !stat(dst, &st) && st.st_size > 0;

	if ((rc = csv_read(src, &add, e)))
		return rc;
	*nrows = add.nrow;
	if (have && (rc = csv_read(dst, &old, e))) {
		csv_free(&add);
		return rc;
	}
	rc = csv_write_union(opt, dst, &old, &add, -1, NULL, e);
	if (have)
		csv_free(&old);
	csv_free(&add);
	return rc;
}
