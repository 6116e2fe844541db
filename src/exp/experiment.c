/* experiment.c: what an experiment's descriptor says of its options. */
#include "experiment.h"

opt_set experiment_options(const struct experiment *x)
{
	opt_set s = 0;

	for (size_t i = 0; i < x->nopts; i++)
		s |= 1ULL << x->opts[i].id;
	return s;
}

const char *experiment_default(const struct experiment *x, enum opt_id id)
{
	for (size_t i = 0; i < x->nopts; i++)
		if (x->opts[i].id == id)
			return x->opts[i].def;
	return NULL;
}
