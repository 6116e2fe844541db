/* csvread.h: a small reader for the CSV files cachepong writes (results,
 * raw samples, the sweep's logs): a header line, then rows; RFC 4180
 * quoting ("a,b" and "" inside quotes) as result.c writes it.  The whole
 * file is read into memory; fields are NUL-terminated strings in it.  Used
 * by the sweep (to append a cell's rows), the matrix (--resume), plot (to
 * check columns before gnuplot runs) and report (the numbers). */
#ifndef CSVREAD_H
#define CSVREAD_H

#include <stddef.h>

#include "cp.h"
#include "schema.h"

struct csv {
	char *path;        /* as given, for messages */
	size_t ncol;
	char **col;        /* header names */
	size_t nrow;
	char ***row;       /* row[i][j]: field j of data row i ("" when the row is short) */
	char **line;       /* line[i]: row i's text as in the file, without the newline */
	char *header_line; /* the header's text, without the newline */
	size_t bad_rows;   /* lines with more fields than the header (skipped) */
	size_t partial;    /* 1 when the file ended in a line without '\n' (skipped) */
	int at[COL_COUNT]; /* the index of each schema column (schema.h), -1 when absent */
	/* private */
	char *buf, *text;
};

/* Read path.  A missing file is CP_ERUN naming it; an empty file (no
 * header) gives ncol = 0, nrow = 0.  A last line without its newline is an
 * interrupted write: it is not a row (csv->partial = 1). */
int csv_read(const char *path, struct csv *c, struct cp_err *e);
/* Same, from a string (for tests). */
int csv_parse(const char *text, const char *name, struct csv *c, struct cp_err *e);
void csv_free(struct csv *c);
/* The data row of the file that row i is (0 the first after the header),
 * when rows were dropped from c since it was read. */
size_t csv_file_row(const struct csv *c, size_t i);

/* Index of the column named name, or -1. */
int csv_col(const struct csv *c, const char *name);
/* Field of row i in column j (j < 0 gives ""). */
const char *csv_get(const struct csv *c, size_t i, int j);
/* Field as a number; NAN when empty or not a number. */
double csv_num(const struct csv *c, size_t i, int j);

/* A results file: CP_ERUN naming the file and the first schema column it
 * lacks (a file of another schema version, or not a results file). */
int csv_need_schema(const struct csv *c, struct cp_err *e);
/* Field / number of row i in schema column id ("" / NAN when absent). */
const char *csv_str(const struct csv *c, size_t i, enum cp_col id);
double csv_val(const struct csv *c, size_t i, enum cp_col id);
/* Row i's cell: the values of every key column of the schema (schema.h)
 * but `skip` (a column id, or -1), as one string for comparing rows. */
void csv_key(const struct csv *c, size_t i, int skip, char *buf, size_t len);
/* Index of schema column id in c, or -1. */
static inline int csv_at(const struct csv *c, enum cp_col id)
{
	return c->at[id];
}

/* The first name in the NULL-terminated list names that is not a column
 * of c, or NULL when all are. */
const char *csv_missing(const struct csv *c, const char *const *names);

#endif
