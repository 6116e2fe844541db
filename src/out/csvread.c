/* csvread.c: see csvread.h.  Two copies of the text: one keeps every
 * record verbatim (the sweep appends records as they were written), the
 * other is unquoted in place into fields. */
#include "csvread.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct grow {
	void **p;
	size_t n, cap;
};

static void push(struct grow *g, void *v)
{
	if (g->n == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 64;
		g->p = cp_xrealloc(g->p, g->cap * sizeof(*g->p));
	}
	g->p[g->n++] = v;
}

/* Split the record at src (len bytes, no newline) into fields written
 * unquoted at dst; pointers to them go to g. */
static void split(const char *src, size_t len, char *dst, struct grow *g)
{
	size_t i = 0;

	for (;;) {
		char *f = dst;

		if (i < len && src[i] == '"') {
			for (i++; i < len; i++) {
				if (src[i] == '"' && i + 1 < len && src[i + 1] == '"')
					*dst++ = src[i++];
				else if (src[i] == '"') {
					i++;
					break;
				} else
					*dst++ = src[i];
			}
		}
		while (i < len && src[i] != ',')
			*dst++ = src[i++];
		*dst++ = 0;
		push(g, f);
		if (i >= len)
			return;
		i++; /* the comma */
	}
}

int csv_parse(const char *text, const char *name, struct csv *c, struct cp_err *e)
{
	size_t len = strlen(text), start = 0;
	struct grow rows = { 0 }, lines = { 0 };
	int header = 1;
	char *dst;

	(void)e;
	memset(c, 0, sizeof(*c));
	c->path = cp_xstrdup(name);
	c->text = cp_xstrdup(text);
	c->buf = dst = cp_xcalloc(len + 2, 2);
	while (start < len) {
		size_t i = start, end;
		int q = 0;
		struct grow f = { 0 };

		for (; i < len && (q || c->text[i] != '\n'); i++)
			if (c->text[i] == '"')
				q = !q;
		if (i >= len) { /* no newline: an interrupted write */
			c->partial = 1;
			break;
		}
		end = i;
		c->text[i] = 0;
		if (end > start && c->text[end - 1] == '\r')
			c->text[--end] = 0;
		split(c->text + start, end - start, dst, &f);
		dst += end - start + 1 + f.n;
		if (header) {
			c->header_line = c->text + start;
			c->col = (char **)f.p;
			c->ncol = f.n;
			header = 0;
		} else if (end == start) {
			free(f.p); /* blank line */
		} else if (f.n > c->ncol) {
			c->bad_rows++;
			free(f.p);
		} else {
			char **r = cp_xcalloc(c->ncol, sizeof(char *));

			for (size_t j = 0; j < c->ncol; j++)
				r[j] = j < f.n ? f.p[j] : "";
			free(f.p);
			push(&rows, r);
			push(&lines, c->text + start);
		}
		start = i + 1;
	}
	c->row = (char ***)rows.p;
	c->line = (char **)lines.p;
	c->nrow = rows.n;
	if (header)
		c->header_line = "";
	for (int k = 0; k < COL_COUNT; k++)
		c->at[k] = csv_col(c, schema_col_name((enum cp_col)k));
	return 0;
}

int csv_read(const char *path, struct csv *c, struct cp_err *e)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t len = 0, cap = 0, got;
	int rc;

	memset(c, 0, sizeof(*c));
	if (!f)
		return cp_errf(e, CP_ERUN, "%s: %s", path, strerror(errno));
	do {
		if (cap - len < 65536) {
			cap = cap ? 2 * cap : 1 << 20;
			text = cp_xrealloc(text, cap + 1);
		}
		got = fread(text + len, 1, cap - len, f);
		len += got;
	} while (got);
	if (ferror(f)) {
		int err = errno;

		fclose(f);
		free(text);
		return cp_errf(e, CP_ERUN, "%s: %s", path, strerror(err));
	}
	fclose(f);
	text[len] = 0;
	if (strlen(text) != len) {
		free(text);
		return cp_errf(e, CP_ERUN, "%s: not a text file (contains NUL bytes)", path);
	}
	rc = csv_parse(text, path, c, e);
	free(text);
	return rc;
}

size_t csv_file_row(const struct csv *c, size_t i)
{
	size_t n = 0;

	for (const char *s = c->text; s < c->line[i]; s++)
		n += *s == '\n';
	return n ? n - 1 : 0;
}

void csv_free(struct csv *c)
{
	for (size_t i = 0; i < c->nrow; i++)
		free(c->row[i]);
	free(c->row);
	free(c->line);
	free(c->col);
	free(c->buf);
	free(c->text);
	free(c->path);
	memset(c, 0, sizeof(*c));
}

int csv_col(const struct csv *c, const char *name)
{
	for (size_t j = 0; j < c->ncol; j++)
		if (!strcmp(c->col[j], name))
			return (int)j;
	return -1;
}

const char *csv_get(const struct csv *c, size_t i, int j)
{
	if (j < 0 || (size_t)j >= c->ncol || i >= c->nrow)
		return "";
	return c->row[i][j];
}

double csv_num(const struct csv *c, size_t i, int j)
{
	const char *s = csv_get(c, i, j);
	char *end;
	double v;

	if (!*s)
		return NAN;
	v = strtod(s, &end);
	return *end ? NAN : v;
}

const char *csv_missing(const struct csv *c, const char *const *names)
{
	for (; *names; names++)
		if (csv_col(c, *names) < 0)
			return *names;
	return NULL;
}

int csv_need_schema(const struct csv *c, struct cp_err *e)
{
	for (int k = 0; k < COL_COUNT; k++)
		if (c->at[k] < 0)
			return cp_errf(e, CP_ERUN, "%s: no column '%s': not a results file of schema version %d "
				       "(results/README.md)", c->path, schema_col_name((enum cp_col)k), CP_SCHEMA_VERSION);
	return 0;
}

const char *csv_str(const struct csv *c, size_t i, enum cp_col id)
{
	return csv_get(c, i, c->at[id]);
}

double csv_val(const struct csv *c, size_t i, enum cp_col id)
{
	return csv_num(c, i, c->at[id]);
}

void csv_key(const struct csv *c, size_t i, int skip, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = 0;
	for (int k = 0; k < COL_COUNT && off < len; k++)
		if (k != skip && schema_col_key((enum cp_col)k))
			off += (size_t)snprintf(buf + off, len - off, "%s\x1f", csv_str(c, i, (enum cp_col)k));
}
