/* csvmerge.h: two CSV files of results as one: the union of their columns
 * (other counter columns, an added column), the rows of the first, then
 * those of the second, written atomically (tmpname.h).  For the sweep's
 * per-experiment files and the matrix's pairs. */
#ifndef CSVMERGE_H
#define CSVMERGE_H

#include <stddef.h>
#include <stdio.h>

#include "cp.h"
#include "csvread.h"

/* One CSV field, quoted as RFC 4180 wants when it holds a comma, a quote
 * or a line break (csvread.c reads it back); NULL writes nothing. */
void csv_write_field(FILE *f, const char *s);

/* path := the rows of old, then the rows of add whose column ecol is exp
 * (all of add's rows when exp is NULL), under the union of the columns.
 * opt names the option that chose the file, for messages (tmpname.h). */
int csv_write_union(const char *opt, const char *path, const struct csv *old, const struct csv *add, int ecol,
		    const char *exp, struct cp_err *e);

/* dst := the rows of dst, then those of src, with the union of their
 * columns (dst may not exist).  *nrows: the rows src added. */
int csv_merge(const char *opt, const char *dst, const char *src, size_t *nrows, struct cp_err *e);

#endif
