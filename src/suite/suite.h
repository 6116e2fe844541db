/* suite.h: the suite of experiments as a sweep runs them: the presets
 * quick, standard and full made from the experiments' own lines
 * (presets.c), and plan files (plan_file.c).  The registry is registry.h;
 * the matrix, an experiment that runs as a sweep of its own cells, lives
 * here too (matrix_cmd.c), above the sweep engine it uses. */
#ifndef SUITE_H
#define SUITE_H

#include "cp.h"
#include "sweep.h"

/* Parse a plan: one command line per line ('#' comments, quotes '...'
 * "..." for values with spaces), or key = value blocks with a "command"
 * key, blocks separated by blank lines.  Every cell is checked against its
 * experiment's options (CP_EUSAGE naming the file, line and problem).
 * lenient (for a resumed directory's plan.txt): a cell its experiment
 * rejects, or whose experiment is not in this build, is kept with
 * ->invalid/->unavail set instead of failing the whole plan. */
int plan_parse(const char *text, const char *name, int lenient, struct sweep_plan *p, struct cp_err *e);
int plan_read(const char *path, int lenient, struct sweep_plan *p, struct cp_err *e);
/* The presets quick, standard, full for the machine described by
 * topology_xml (NULL: this one), from its placement classes: every
 * experiment's lines of that preset, in registry order (the priority when
 * the budget runs short: the sweep skips from the end). */
/* "quick|standard|full": what --preset allows */
const char *preset_names(void);
int plan_preset(const char *name, const char *topology_xml, struct sweep_plan *p, struct cp_err *e);

#endif
