/* main.c: the top-level CLI (cachepong COMMAND ...) over the command table
 * (command.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "cp.h"
#include "experiment.h"
#include "opts.h"
#include "runctl.h"
#include "runlock.h"
#include "schema.h"
#include "version.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: cachepong COMMAND [options]\n"
		"       cachepong COMMAND --help\n"
		"       cachepong --version\n\n"
		"Measures what cache coherence and NUMA cost, threads vs processes.\n\n"
		"commands:\n");
	for (size_t i = 0; i < command_count(); i++)
		fprintf(f, "  %-10s %s\n", command_at(i)->name, command_at(i)->summary);
	fprintf(f, "\nexit codes: 0 ok, 1 a measurement failed, 2 bad usage, "
		   "3 not available on this machine, 4 stopped at --time-limit\n"
		   "see cachepong(1) and README.md\n");
}

static void command_names(char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = 0;
	for (size_t i = 0; i < command_count() && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? ", " : "", command_at(i)->name);
}

/* An experiment's default of option id, for its --help. */
static const char *help_default(const void *x, enum opt_id id)
{
	return experiment_default(x, id);
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct cp_err e = { 0 };
	const struct command *c = NULL;
	int help;

	if (argc < 2) {
		usage(stderr);
		return CP_EUSAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return CP_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("cachepong %s (git %s), results schema %d\n", CP_VERSION, CP_GIT_REV, CP_SCHEMA_VERSION);
		return CP_OK;
	}
	if (!(c = command_find(argv[1]))) {
		char names[512];

		command_names(names, sizeof(names));
		cp_die(CP_EUSAGE, "unknown command '%s': commands are %s", argv[1], names);
	}
	o.full_argc = argc;
	o.full_argv = argv;
	if (opts_parse(&o, c->name, c->options, argc, argv, 2, &help, &e))
		cp_exit_err(&e);
	if (help) {
		printf("usage: cachepong %s%s%s [options]\n%s\n\noptions:\n", c->name, c->words[0] ? " " : "",
		       c->words, c->summary);
		opts_print_help(stdout, c->options, c->exp ? help_default : NULL, c->exp);
		if (c->notes[0])
			printf("\n%s\n", c->notes);
		return CP_OK;
	}
	/* two runs must not measure each other: one at a time (an estimate
	 * measures nothing) */
	if (command_measures(c) && !o.dry_run && runlock_take(c->name, &e))
		cp_exit_err(&e);
	/* the time limit counts from the command's start */
	if (opt_isset(&o, OPT_time_limit))
		runctl_deadline_set(o.time_limit);
	return c->exp ? bind_run(c->exp, &o) : c->fn(&o);
}
