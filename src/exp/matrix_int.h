/* matrix_int.h: what the matrix command (cmd_matrix.c) and its run as a
 * sweep (matrix_sweep.c) share. */
#ifndef MATRIX_INT_H
#define MATRIX_INT_H

#include <stdint.h>

#include "csvread.h"
#include "kernel.h"
#include "opts.h"
#include "parse.h"
#include "pingpong.h"
#include "result.h"
#include "sweep.h"
#include "topo.h"

struct mx {
	int ncpu;
	const int *cpu;               /* OS numbers */
	const struct kernel *k[16];
	int nk;
	enum agent_mode modes[2];
	int nmodes;
	uint64_t npairs;              /* per op x mode */
	int (*pair)[2];
	char *done;                   /* [measurement]: in the resume file already */
	uint64_t ndone;
};

static inline uint64_t meas_index(const struct mx *m, int k, int md, uint64_t p)
{
	return ((uint64_t)k * (uint64_t)m->nmodes + (uint64_t)md) * m->npairs + p;
}

/* One matrix command: what its steps share. */
struct mx_cmd {
	const struct opts *o;
	struct mx m;
	struct cp_topo *t;
	struct pp_run run;
	struct cp_sink *sink;         /* the rows as measured (stdout, --out not CSV); NULL: kept in the sweep */
	struct cpulist own;
	const char *file;             /* --out or --resume */
	int keep;                     /* a CSV FILE: the state in FILE.part, resumable */
	int resuming;                 /* FILE.part/sweep holds an interrupted run: it goes on */
	char state[4200], sweep[4300];
	struct sweep_plan plan;
	uint64_t cap, todo;
	double target, est;
};

/* Check PATH is a matrix CSV and, with m, mark the measurements it holds
 * already (rows of this matrix). */
int mx_mark_done(struct mx *m, const char *path, struct cp_err *e);
/* The cells of a new run: every measurement the base does not hold. */
int mx_plan_new(struct mx_cmd *x, struct cp_err *e);
/* The sweep of the cells, then FILE; the rows out as measured without one. */
int mx_run(struct mx_cmd *x, struct cp_err *e);

#endif
