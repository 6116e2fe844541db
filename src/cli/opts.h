/* opts.h: the one struct opts, parsed once from the command line
 * (getopt_long) and passed down.  No option globals anywhere. */
#ifndef OPTS_H
#define OPTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cp.h"
#include "counters.h"
#include "optset.h"
#include "result.h"
#include "topo.h"

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

static inline int opt_isset(const struct opts *o, enum opt_id id)
{
	return o->set[id];
}

/* Parse argv[first..] for command `cmd` which takes the options in
 * `allowed`.  On bad usage fills e (CP_EUSAGE) and returns 2.
 * Sets *want_help when --help/-h was given. */
int opts_parse(struct opts *o, const char *cmd, opt_set allowed,
	       int argc, char **argv, int first, int *want_help, struct cp_err *e);

/* Where option id's value is in o (its type: opt_t_<field>). */
const void *opts_value(const struct opts *o, enum opt_id id);

/* Print the options of a command (for COMMAND --help), each with its
 * default where def (with arg) gives one. */
void opts_print_help(FILE *f, opt_set allowed, const char *(*def)(const void *arg, enum opt_id id),
		     const void *arg);

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
