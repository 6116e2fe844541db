/* experiment.c: the experiment registry (experiments.def) and the command
 * table built from it and commands.def. */
#include "experiment.h"

#include <stdio.h>
#include <string.h>

#include "cp.h"

static const struct experiment *const experiments[] = {
#define EXP(name) &exp_##name,
#include "experiments.def"
#undef EXP
};

#define CMD(name, fn, words, options, summary, notes) int fn(struct opts *o);
#include "commands.def"
#undef CMD

static const struct command tools[] = {
#define CMD(name, fn, words, options, summary, notes) { #name, fn, words, options, summary, notes },
#include "commands.def"
#undef CMD
};

size_t experiment_count(void)
{
	return CP_ARRAY_SIZE(experiments);
}

const struct experiment *experiment_at(size_t i)
{
	return i < CP_ARRAY_SIZE(experiments) ? experiments[i] : NULL;
}

const struct experiment *experiment_find(const char *name)
{
	for (size_t i = 0; i < CP_ARRAY_SIZE(experiments); i++)
		if (!strcmp(experiments[i]->cmd.name, name))
			return experiments[i];
	return NULL;
}

const char *experiment_names(void)
{
	static char buf[512];
	size_t off = 0;

	for (size_t i = 0; i < CP_ARRAY_SIZE(experiments) && off < sizeof(buf); i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s", i ? ", " : "",
					experiments[i]->cmd.name);
	return buf;
}

size_t command_count(void)
{
	return CP_ARRAY_SIZE(experiments) + CP_ARRAY_SIZE(tools);
}

const struct command *command_at(size_t i)
{
	if (i < CP_ARRAY_SIZE(experiments))
		return &experiments[i]->cmd;
	i -= CP_ARRAY_SIZE(experiments);
	return i < CP_ARRAY_SIZE(tools) ? &tools[i] : NULL;
}

const struct command *command_find(const char *name)
{
	for (size_t i = 0; i < command_count(); i++)
		if (!strcmp(command_at(i)->name, name))
			return command_at(i);
	return NULL;
}
