/* commands.c: the command table: the experiments (registry.c), then the
 * tools of commands.def. */
#include "command.h"

#include <string.h>

#include "cp.h"
#include "registry.h"
#include "schema_json.h"

#define CMD(name, fn, words, options, measures, summary, notes) int fn(struct opts *o);
#include "commands.def"
#undef CMD

static const struct command tools[] = {
#define CMD(name, fn, words, options, measures, summary, notes) \
	{ #name, fn, NULL, words, options, summary, notes, measures },
#include "commands.def"
#undef CMD
};

/* An experiment's command, from its descriptor. */
static const struct command *experiment_command(size_t i)
{
	static struct command *exps;

	if (!exps) {
		exps = cp_xcalloc(experiment_count(), sizeof(*exps));
		for (size_t k = 0; k < experiment_count(); k++) {
			const struct experiment *x = experiment_at(k);

			exps[k] = (struct command){ x->name, NULL, x, "", experiment_options(x), x->summary,
						    x->notes, 1 };
		}
	}
	return &exps[i];
}

size_t command_count(void)
{
	return experiment_count() + CP_ARRAY_SIZE(tools);
}

const struct command *command_at(size_t i)
{
	if (i < experiment_count())
		return experiment_command(i);
	i -= experiment_count();
	return i < CP_ARRAY_SIZE(tools) ? &tools[i] : NULL;
}

int command_measures(const struct command *c)
{
	return c->measures;
}

const struct command *command_find(const char *name)
{
	for (size_t i = 0; i < command_count(); i++)
		if (!strcmp(command_at(i)->name, name))
			return command_at(i);
	return NULL;
}

/* The completion is written from this table, which lists it. */
int cmd_completion(struct opts *o)
{
	return complete_main(o, command_at, command_count());
}
