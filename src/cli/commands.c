/* commands.c: the command table: the experiments (registry.c), then the
 * tools of commands.def. */
#include "command.h"

#include <string.h>

#include "cp.h"
#include "experiment.h"

#define CMD(name, fn, words, options, measures, summary, notes) int fn(struct opts *o);
#include "commands.def"
#undef CMD

static const struct command tools[] = {
#define CMD(name, fn, words, options, measures, summary, notes) { #name, fn, words, options, summary, notes, measures },
#include "commands.def"
#undef CMD
};

size_t command_count(void)
{
	return experiment_count() + CP_ARRAY_SIZE(tools);
}

const struct command *command_at(size_t i)
{
	if (i < experiment_count())
		return &experiment_at(i)->cmd;
	i -= experiment_count();
	return i < CP_ARRAY_SIZE(tools) ? &tools[i] : NULL;
}

int command_measures(const struct command *c)
{
	for (size_t i = 0; i < experiment_count(); i++)
		if (c == &experiment_at(i)->cmd)
			return 1;
	return c->measures;
}

const struct command *command_find(const char *name)
{
	for (size_t i = 0; i < command_count(); i++)
		if (!strcmp(command_at(i)->name, name))
			return command_at(i);
	return NULL;
}
