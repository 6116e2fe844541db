/* fleet.h: one cachepong report per machine, many machines, one
 * comparison.  A fleet's shared directory (on a filesystem every machine
 * mounts) holds:
 *
 *   .cachepong-fleet   "cachepong fleet", "tasks N", "preset P", "budget S"
 *   tasks/<i>          task i's record, a line each: state (started, done,
 *                      failed), run directory, host, exit status; no file:
 *                      the task never started
 *   <host>-<time>/     each task's results directory (cachepong report)
 *   compare/           the comparison of the finished runs (cachepong compare)
 *
 * A task (`cachepong fleet --task I`, what each Slurm array task or ssh
 * session runs) writes its record before and after its report; run again,
 * it resumes its report or, done, does nothing.  The records are written
 * atomically, so a reader sees a state or the one before it. */
#ifndef FLEET_H
#define FLEET_H

#include "cp.h"

#define FLEET_MARKER ".cachepong-fleet"
#define FLEET_MAX_TASKS 256

struct fleet_cfg {
	int ntasks;
	char preset[32];
	double budget_s;       /* 0: the report's default */
};

/* Make DIR a fleet directory (new or empty; an existing fleet of the same
 * shape is kept: a rerun resumes it). */
int fleet_init(const char *dir, const struct fleet_cfg *cfg, struct cp_err *e);
/* Read DIR's marker; CP_EUSAGE when DIR is not a fleet directory. */
int fleet_read(const char *dir, struct fleet_cfg *cfg, struct cp_err *e);

enum fleet_state { FLEET_NONE, FLEET_STARTED, FLEET_DONE, FLEET_FAILED };
struct fleet_task {
	enum fleet_state state;
	char run[4200];        /* its results directory */
	char host[256];
	int exit;              /* failed: the report's exit status */
};
/* Task i's record (FLEET_NONE when it never started). */
void fleet_task_read(const char *dir, int i, struct fleet_task *t);
int fleet_task_write(const char *dir, int i, const struct fleet_task *t, struct cp_err *e);

/* The finished tasks' run directories (malloc'd, *nruns of them) and a line
 * for every other task (malloc'd, *nmissing): for `compare --fleet`. */
int fleet_runs(const char *dir, char **runs, int *nruns, char **missing, int *nmissing, struct cp_err *e);

#endif
