/* fleet_run.h: running a fleet (see fleet.h for its directory). */
#ifndef FLEET_RUN_H
#define FLEET_RUN_H

#include "fleet.h"

/* The batch script, tools/slurm/ of the source tree or the installed share. */
#define FLEET_SCRIPT "cachepong-task.sbatch"

/* A fleet as the command asked for it. */
struct fleet_req {
	const char *dir;                 /* the shared directory (absolute) */
	struct fleet_cfg cfg;
	const char *const *nodes;        /* --nodes: one task on each */
	int nnodes;
	const char *constraint;          /* --constraint: the nodes' feature */
	const char *const *hosts;        /* --hosts: ssh, one after another */
	int nhosts;
	int wait;                        /* --wait: return when the comparison ended */
};

/* Task i on this machine: its report (a new run, or the resumed one of an
 * earlier attempt), recorded before and after.  Done already: nothing. */
int fleet_task_run(const char *dir, int i, struct cp_err *e);

/* The tasks not done yet as a Slurm job array (with --nodes, a job per
 * node), exclusive nodes, and the comparison as a job after all of them
 * (afterany: failed and cancelled tasks are listed, not waited for). */
int fleet_submit_slurm(const struct fleet_req *q, struct cp_err *e);

/* Without Slurm: `ssh HOST <this binary> fleet --task I` for each host not
 * done, one after another, then the comparison here. */
int fleet_run_ssh(const struct fleet_req *q, struct cp_err *e);

#endif
