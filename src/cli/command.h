/* command.h: what a command of cachepong is: its name, its function, the
 * options it takes (a set checked at compile time) and its help.  The
 * command table is the experiments (experiments.def, each described in its
 * own file) followed by the tools (commands.def); nothing else lists them. */
#ifndef COMMAND_H
#define COMMAND_H

#include <stddef.h>

#include "opts.h"

struct command {
	const char *name;
	int (*fn)(struct opts *o);   /* positional words in o->argc/argv; returns enum cp_exit */
	const char *words;           /* positional words of its synopsis ("list", "DIR"), or "" */
	opt_set options;
	const char *summary;         /* one line, for `cachepong --help` */
	const char *notes;           /* what --help adds below the options, or "" */
	int measures;                /* a tool that measures (sweep, report); experiments all do */
};

/* Option groups that several commands take. */
#define CP_OPTS_OUTPUT   (O(format) | O(out) | O(raw))
#define CP_OPTS_PLACE    (O(cpus) | O(placement) | O(topology_xml) | O(pairs))
#define CP_OPTS_TIMING   (O(samples) | O(iters) | O(warmup) | O(timer) | O(timeout) | O(time_limit))
#define CP_OPTS_SAMPLE   (CP_OPTS_TIMING | O(target_ci))
#define CP_OPTS_COUNTERS (O(counters) | O(events) | O(group))
#define CP_OPTS_MEMORY   (O(shm) | O(pages) | O(mem_node))
#define CP_OPTS_MEASURE  (CP_OPTS_PLACE | CP_OPTS_SAMPLE | CP_OPTS_COUNTERS | CP_OPTS_OUTPUT | O(mode))

/* The whole table: experiments first, in registry order, then the tools. */
size_t command_count(void);
const struct command *command_at(size_t i);
/* The command of that name, or NULL. */
const struct command *command_find(const char *name);
/* Whether it measures: an experiment, or a tool marked so (it then takes
 * the machine's lock, runlock.h). */
int command_measures(const struct command *c);

#endif
