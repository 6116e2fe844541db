/* names.h: tables of named things (the copy vias, sync primitives, setup
 * steps, the kernels of a family) and the choice of some of them by name,
 * as an option gives it: "all", or names separated by ','.  The table is
 * the one list of the names; messages list them from it. */
#ifndef NAMES_H
#define NAMES_H

#include <stddef.h>

#include "cp.h"

/* A registry table of structs with a `const char *name` field. */
struct name_table {
	const void *base;
	size_t n, stride, name_off;
};
#define NAME_TABLE(arr, count) \
	(&(struct name_table){ (arr), (count), sizeof((arr)[0]), offsetof(__typeof__((arr)[0]), name) })

/* The names, '|'-separated, into buf (returned). */
const char *names_of(const struct name_table *t, char *buf, size_t len);
/* The names and "all", '|'-separated, into buf (returned): what an option
 * that name_pick reads allows. */
const char *names_or_all(const struct name_table *t, char *buf, size_t len);

/* value: "all" or names separated by ',' -> their indexes (at most max);
 * CP_EUSAGE naming the option, the bad name and the table's names. */
int name_pick(const char *value, const char *optname, const struct name_table *t, int *idx, int max, int *n,
	      struct cp_err *e);

/* The same over a '|'-separated list of names (a registry's, e.g. the
 * kernels'): "all" or ','-separated names -> their positions in NAMES.  An
 * empty name, a name twice or more than max names is CP_EUSAGE. */
int name_pick_list(const char *value, const char *optname, const char *names, int *idx, int max, int *n,
		   struct cp_err *e);

#endif
