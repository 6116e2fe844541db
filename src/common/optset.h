/* optset.h: the options of cachepong's command line as data (options.def):
 * their ids, sets of them, each one's type, range and help, and how a
 * value is read.  The command line (cli/opts.c) parses argv with these;
 * an experiment declares which options it takes and their defaults
 * (exp/request.h) without seeing the command line. */
#ifndef OPTSET_H
#define OPTSET_H

#include <stddef.h>
#include <stdint.h>

#include "cp.h"

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

/* The C type of each option's value: opt_t_<field>. */
#define OPT(name, field, type, min, max, meta, help) typedef OPT_TYPE_##type opt_t_##field;
#include "options.def"
#undef OPT

/* A set of options, checked at compile time: O(cpus) | O(placement) ...
 * (a misspelt field is a build error, not a silently missing option). */
typedef uint64_t opt_set;
#define O(field) (1ULL << OPT_##field)
_Static_assert(OPT_COUNT <= 64, "opt_set holds 64 options: widen it");

enum opt_type { OPT_T_FLAG, OPT_T_STR, OPT_T_U64, OPT_T_DBL, OPT_T_DUR };

struct opt_desc {
	const char *name;       /* "topology-xml" */
	enum opt_type type;
	double min, max;        /* U64, DBL, DUR: the range (DUR in seconds) */
	const char *meta;       /* "FILE" */
	const char *help;
	size_t size;            /* sizeof its value */
};

const struct opt_desc *opt_desc(enum opt_id id);
/* Long name of an option ("cpus") for messages. */
const char *opt_name(enum opt_id id);
/* The option of that long name ("topology-xml"), or -1. */
int opt_by_name(const char *name);
/* `text` as the value of option id into *dst (its type), checked against
 * its range: what the command line gives and the defaults both.  A FLAG
 * is set by any text.  CP_EUSAGE naming the option, the value and what
 * is allowed. */
int opt_read(enum opt_id id, const char *text, void *dst, struct cp_err *e);

#endif
