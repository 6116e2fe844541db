/* opts.h: the one struct opts, parsed once from the command line
 * (getopt_long) and passed down.  No option globals anywhere. */
#ifndef OPTS_H
#define OPTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cp.h"
#include "counters.h"
#include "result.h"
#include "topo.h"

#define OPT_TYPE_FLAG int
#define OPT_TYPE_STR  const char *
#define OPT_TYPE_U64  uint64_t
#define OPT_TYPE_DBL  double
#define OPT_TYPE_DUR  double

enum opt_id {
#define OPT(name, field, type, min, max, meta, help) OPT_##field,
#include "options.def"
#undef OPT
	OPT_COUNT
};

struct opts {
	const char *command;     /* the command word, e.g. "pingpong" */
#define OPT(name, field, type, min, max, meta, help) OPT_TYPE_##type field;
#include "options.def"
#undef OPT
	unsigned char set[OPT_COUNT]; /* 1 where the option was given */
	int argc;                /* positional arguments after the options */
	char **argv;
	int full_argc;           /* the whole command line, for the metadata */
	char **full_argv;
	int out_is_tty;          /* stdout is a terminal (default --format table) */
};

/* A set of options, checked at compile time: O(cpus) | O(placement) ...
 * (a misspelt field is a build error, not a silently missing option). */
typedef uint64_t opt_set;
#define O(field) (1ULL << OPT_##field)
_Static_assert(OPT_COUNT <= 64, "opt_set holds 64 options: widen it");

static inline int opt_isset(const struct opts *o, enum opt_id id)
{
	return o->set[id];
}

/* Long name of an option ("cpus") for messages. */
const char *opt_name(enum opt_id id);

/* Parse argv[first..] for command `cmd` which takes the options in
 * `allowed`.  On bad usage fills e (CP_EUSAGE) and returns 2.
 * Sets *want_help when --help/-h was given. */
int opts_parse(struct opts *o, const char *cmd, opt_set allowed,
	       int argc, char **argv, int first, int *want_help, struct cp_err *e);

/* Print the options of a command (for COMMAND --help). */
void opts_print_help(FILE *f, opt_set allowed);
/* The option of that long name ("topology-xml"), or -1. */
int opt_by_name(const char *name);

/* A registry table of structs with a `const char *name` field: the copy
 * vias, sync primitives, setup steps.  The table is the one list of the
 * names; these two read it for messages and for --via/--prim/--what. */
struct opt_table {
	const void *base;
	size_t n, stride, name_off;
};
#define OPT_TABLE(arr, count) \
	(&(struct opt_table){ (arr), (count), sizeof((arr)[0]), offsetof(__typeof__((arr)[0]), name) })

/* The names, '|'-separated, into buf (returned). */
const char *opt_table_names(const struct opt_table *t, char *buf, size_t len);

/* value: "all" or names separated by ',' -> their indexes (at most max);
 * CP_EUSAGE naming the bad name and the table's names. */
int opt_pick(const char *value, const char *optname, const struct opt_table *t, int *idx, int max,
	     int *n, struct cp_err *e);

/* The same over a '|'-separated list of names (a registry's, e.g. the
 * kernels'): "all" or ','-separated names -> their positions in NAMES.  An
 * empty name, a name twice or more than max names is CP_EUSAGE. */
int opt_pick_names(const char *value, const char *optname, const char *names, int *idx, int max,
		   int *n, struct cp_err *e);

/* --format: "table", "csv" or "json" (FMT_*, result.h); default table on a
 * terminal, else csv. */
int opts_format(const struct opts *o, struct cp_err *e);

/* The typed requests a command hands to the layers below, from its
 * options: what to count, which CPUs, where the results go. */
struct cp_counters_req opts_counters_req(const struct opts *o);
struct cp_place_req opts_place_req(const struct opts *o);
/* CP_EUSAGE for a bad --format. */
int opts_sink_req(const struct opts *o, struct cp_sink_req *r, struct cp_err *e);
/* The three calls with those requests. */
int opts_result_open(const struct opts *o, struct cp_sink **s, struct cp_err *e);
int opts_counters_config(const struct opts *o, struct cp_counters_cfg **cfg, struct cp_err *e);
int opts_resolve_pairs(const struct cp_topo *t, const struct opts *o, struct cp_placement *p, struct cp_err *e);

#endif
