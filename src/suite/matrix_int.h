/* matrix_int.h: what the matrix command (matrix_cmd.c) and its run as a
 * sweep (matrix_run.c) share.  The matrix is an experiment that runs as a
 * sweep of its own cells, so it lives with the sweep, above the
 * experiments whose ping-pong cell it measures. */
#ifndef MATRIX_INT_H
#define MATRIX_INT_H

#include <stdint.h>

#include "csvread.h"
#include "kernel.h"
#include "parse.h"
#include "pingpong.h"
#include "request.h"
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
	uint64_t nrandom;             /* --per-class: the pairs that check the classes (the last ones) */
};

static inline uint64_t meas_index(const struct mx *m, int k, int md, uint64_t p)
{
	return ((uint64_t)k * (uint64_t)m->nmodes + (uint64_t)md) * m->npairs + p;
}

/* What the matrix is asked: the shared options and its own. */
struct matrix_req {
	struct exp_req c;
	const char *op, *layout, *spin, *poll, *impl, *resume, *parallel;
	uint64_t per_class;
	double budget;
	int dry_run;
};

/* One measurement, a cell of the matrix's sweep: a pair, an op, its
 * mode(s) (two: interleaved arms), and the line that names it in the
 * sweep's plan.txt and log. */
struct mx_cell {
	const struct kernel *k;
	int a, b, md;            /* the pair; the mode's index (-1: both as arms) */
	int np;                  /* > 0: a group of np pairs at once (pair), a and b unused */
	int (*pair)[2];
	char *line;
};

/* One matrix command: what its steps share. */
struct mx_cmd {
	const struct matrix_req *o;
	struct mx m;
	struct cp_topo *t;
	struct pp_run run;
	struct cp_sink *sink;         /* the rows as measured (stdout, --out not CSV); NULL: kept in the sweep */
	struct cpulist own;
	const char *file;             /* --out or --resume */
	int keep;                     /* a CSV FILE: the state in FILE.part, resumable */
	int resuming;                 /* FILE.part/sweep holds an interrupted run: it goes on */
	char state[4200], sweep[4300];
	struct mx_cell *cell;         /* the run's cells, in plan order */
	struct sweep_plan plan;       /* their lines */
	uint64_t cap, todo;
	double target, est;
	int par, par_auto;            /* pairs at once (--parallel); auto: to be checked */
	uint64_t per_class;           /* --per-class, or what --budget chose */
	uint64_t ngroups;             /* cells of the plan with par > 1 */
};

/* Check PATH is a matrix CSV and, with m, mark the measurements it holds
 * already (rows of this matrix). */
int mx_mark_done(struct mx *m, const char *path, struct cp_err *e);
/* The run's cells: every measurement the base does not hold (a resumed
 * run makes the same list again from FILE.part's base; the sweep checks
 * it against the log). */
void mx_plan(struct mx_cmd *x);
/* --parallel: N or auto (the most, ncpu / 2) into *par, *autom. */
int mx_parallel_parse(const char *s, int ncpu, int *par, int *autom, struct cp_err *e);
/* The pending pairs pend[0..np) (indices into m->pair) dealt into groups
 * of at most par pairs, no CPU twice in a group: the pairs in order[], group
 * g from (*start)[g] to (*start)[g + 1] (malloc'd).  Returns the groups. */
uint64_t mx_groups(const struct mx *m, const uint64_t *pend, uint64_t np, int par, uint64_t *order,
		   uint64_t **start);
/* --per-class K: m's pairs := K of every class, then K more from all[]. */
int mx_per_class(struct mx *m, const struct cp_topo *t, uint64_t k, int (*all)[2], uint64_t nall, struct cp_err *e);
/* --parallel auto: check x->par on a few pending pairs (alone vs with the
 * others at once, interleaved arms), halving it until every check is
 * equivalent; the checks' rows into sink. */
int mx_validate(struct mx_cmd *x, const uint64_t *pend, uint64_t np, struct cp_sink *sink, struct cp_err *e);
/* The pending pairs of op 0, mode 0 (indices into m->pair); their count. */
uint64_t mx_pending(const struct mx *m, int k, int md, uint64_t **pend);

/* The sweep of the cells, then FILE; the rows out as measured without one. */
int mx_run(struct mx_cmd *x, struct cp_err *e);

#endif
