/* result_int.h: the sink, shared by result.c (files, CSV, JSON) and
 * result_table.c (the table written at close).  Not for other modules. */
#ifndef RESULT_INT_H
#define RESULT_INT_H

#include <stdio.h>

#include "meta.h"
#include "result.h"
#include "tmpname.h"
#include "schema.h"

struct sink {
	FILE *f;            /* stdout or t.f */
	struct tmp_file t;  /* a file (--out, --raw): written atomically; zero for stdout */
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
	char arm_pair[32];  /* result_arm: the comparison of the rows added now; "" none */
	const char *arm;    /* "1" | "2" */
};

/* How a column's value is taken from a row (schema.h's second field). */
enum ckind { C_STR, C_U64, C_UNS, C_STAT, C_CPUS, C_CPU_A, C_CPU_B, C_NODE, C_CYCLES, C_POS, C_CNT,
	     C_MODES, C_MODE_P50, C_MODE_W, C_EXT };

struct col {
	const char *name;
	enum ckind kind;
	size_t off;      /* of its field in struct cp_row */
	int raw;         /* a key column: also in the raw samples file */
};
extern const struct col result_cols[COL_COUNT];

/* One value of a cell: absent, text or a number. */
struct cval {
	enum { V_NULL, V_STR, V_NUM } kind;
	const char *s;
	double d;
	char buf[128];
};
void result_col_value(const struct col *c, const struct cp_row *r, struct cval *v);

/* Column id of row r as the CSV writes it ("" when empty), in buf. */
const char *result_cell(const struct cp_row *r, enum cp_col id, char *buf, size_t len);

/* The aligned table of all rows, the process/thread ratios, timer and notes. */
void result_table_write(struct cp_sink *s);

#endif
