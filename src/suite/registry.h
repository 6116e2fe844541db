/* registry.h: every experiment (experiments.def).  The registry is the
 * sweep's: it links every experiment, and one of them, the matrix, runs as
 * a sweep; the layers above (report, cli) read the experiments from it. */
#ifndef REGISTRY_H
#define REGISTRY_H

#include <stddef.h>

#include "experiment.h"

#define EXP(name) extern const struct experiment exp_##name;
#include "experiments.def"
#undef EXP

size_t experiment_count(void);
const struct experiment *experiment_at(size_t i);
/* The experiment of that name, or NULL. */
const struct experiment *experiment_find(const char *name);
/* "pingpong, setup, ..., matrix": for messages. */
const char *experiment_names(void);

#endif
