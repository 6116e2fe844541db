/* registry.c: the experiment registry (experiments.def). */
#include "registry.h"

#include <stdio.h>
#include <string.h>

#include "cp.h"

static const struct experiment *const experiments[] = {
#define EXP(name) &exp_##name,
#include "experiments.def"
#undef EXP
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
		if (!strcmp(experiments[i]->name, name))
			return experiments[i];
	return NULL;
}

const char *experiment_names(void)
{
	static char buf[512];
	size_t off = 0;

	for (size_t i = 0; i < CP_ARRAY_SIZE(experiments) && off < sizeof(buf); i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s", i ? ", " : "",
					experiments[i]->name);
	return buf;
}
