/* command.h: what a command of cachepong is.  The command table is the
 * experiments (suite/experiments.def, each described in its own file,
 * experiment.h) followed by the tools (commands.def); nothing else lists
 * them.  An experiment's command turns its options into its typed request
 * (bind.c) and runs it; a tool's function takes the options. */
#ifndef COMMAND_H
#define COMMAND_H

#include <stddef.h>

#include "opts.h"

struct experiment;

struct command {
	const char *name;
	int (*fn)(struct opts *o);   /* a tool: positional words in o->argc/argv; returns enum cp_exit */
	const struct experiment *exp; /* an experiment (fn NULL) */
	const char *words;           /* positional words of its synopsis ("list", "DIR"), or "" */
	opt_set options;
	const char *summary;         /* one line, for `cachepong --help` */
	const char *notes;           /* what --help adds below the options, or "" */
	int measures;                /* it measures (experiments all do; sweep, report) */
};

/* --format of topo (not a table of rows) and of export */
#define TOPO_FORMAT_NAMES "table|json"
#define EXPORT_FORMAT_NAMES "openmetrics"

/* Option groups that several tools take. */
#define CP_OPTS_COUNTERS (O(counters) | O(events) | O(group))

/* The whole table: experiments first, in registry order, then the tools. */
size_t command_count(void);
const struct command *command_at(size_t i);
/* The command of that name, or NULL. */
const struct command *command_find(const char *name);
/* Whether it measures: then it takes the machine's lock (runlock.h). */
int command_measures(const struct command *c);

/* `cachepong completion bash|zsh` over the command table (at(i), i < n):
 * the script on stdout (complete.c). */
int complete_main(struct opts *o, const struct command *(*at)(size_t), size_t n);

/* ---- experiments' commands (bind.c) ---- */

/* The request of experiment x (x->req_size bytes, freed by the caller)
 * from the options given and, for the others, the experiment's defaults. */
void *bind_request(const struct experiment *x, const struct opts *o, int checking);
/* Run experiment x with the options of o; an exit code (its error said
 * on stderr). */
int bind_run(const struct experiment *x, struct opts *o);
/* A plan's cells, checked by their own experiments (plan_check.c): each
 * cell's words parsed and bound as its command line would be, and its
 * request checked up to where it would measure, on this machine or
 * topology_xml.  CP_EUSAGE naming NAME:LINE and the experiment's message
 * for the first cell refused; a cell that cannot run on this machine
 * passes (the sweep records it as unavailable). */
struct sweep_plan;
int plan_check(const struct sweep_plan *p, const char *name, const char *topology_xml, struct cp_err *e);

/* Where a sweep's plan comes from: exactly one of preset, plan (a file)
 * and resume (a directory); command names the asking command in messages. */
struct plan_req {
	const char *command, *preset, *plan, *resume, *topology_xml;
	int dry_run;
};
/* The request of a command's options, with `preset` when it names none
 * of the three (report: "standard"; NULL: none). */
struct plan_req plan_req_of(const struct opts *o, const char *preset);
/* The plan of --preset, --plan (checked: plan_check) or --resume DIR. */
int plan_load(const struct plan_req *o, struct sweep_plan *p, struct cp_err *e);

#endif
