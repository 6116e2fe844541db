/* result_int.h: the sink, shared by result.c (files, CSV, JSON) and
 * result_table.c (the table written at close).  Not for other modules. */
#ifndef RESULT_INT_H
#define RESULT_INT_H

#include <stdio.h>

#include "meta.h"
#include "result.h"

struct sink {
	FILE *f;            /* stdout or the temporary file */
	char *path, *tmp;   /* NULL for stdout */
	int slot;           /* 1 + index in tmp_slot, 0 for stdout */
};

struct cp_sink {
	int fmt;
	struct sink out, raw;
	struct cp_meta meta;
	int header_done;
	int ncounters;      /* fixed by the first row; -1 before it */
	char ctr_names[CP_MAX_COUNTERS][64];
	struct cp_row *rows; /* kept for JSON and the table */
	size_t nrows, cap;
	uint64_t nadded;
};

/* The aligned table of all rows, the process/thread ratios, timer and notes. */
void result_table_write(struct cp_sink *s);

#endif
