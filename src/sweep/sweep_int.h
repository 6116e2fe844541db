/* sweep_int.h: what the sweep's own files share (not for other modules). */
#ifndef SWEEP_INT_H
#define SWEEP_INT_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "cp.h"
#include "meta.h"
#include "sweep.h"

/* The registry sweep_use_experiments gave (sweep_plan.c). */
const struct sweep_experiments *sweep_exps(void);

/* "pingpong.csv=1234;raw/pingpong.csv=99": every data file of dir. */
void sweep_sizes(const char *dir, char *buf, size_t len);
/* Cut every data file back to its size in `sizes`; remove the ones not in
 * it (a cell that never finished wrote them). */
int sweep_restore_sizes(const char *dir, const char *sizes, struct cp_err *e);
/* Remove every data file of dir (and raw/). */
void sweep_remove_data(const char *dir);

/* Status of a cell in cells-done.log; final ones are not run again on a
 * resume (failed and over-budget cells are). */
struct sweep_status {
	const char *name;
	int final;
	int in_skipped;   /* listed in skipped.csv */
};
enum { ST_TODO = -1, ST_DONE = 0, ST_UNAVAIL, ST_FAILED, ST_BUDGET };
extern const struct sweep_status sweep_statuses[];
int sweep_status_of(const char *name);

/* One line of cells-done.log, parsed (fields point into the line). */
struct sweep_logline {
	int idx;
	int status;
	double secs;
	char *samples, *sizes, *cell, *reason;
};
/* Split a log line in place; -1 when it is not one. */
int sweep_log_parse(char *line, struct sweep_logline *l);

/* A sweep being run (sweep_run.c, sweep_cell.c, sweep_meta.c). */
struct sweep_run_state {
	const struct sweep_cfg *cfg;
	struct sweep_plan *p;
	int *st;               /* status per cell (ST_*) */
	char **why;            /* reason per cell */
	uint64_t *samples;     /* samples the sweep chose (0: the command's own) */
	double *pred;          /* predicted seconds per cell, at its samples */
	struct sweep_learn L;
	double t0;
	FILE *log, *slog;
	int tty, ndone_now;
	struct cp_meta meta;
	char first_start[40];
	/* cells run here (cfg->here): the learned cost of a cell, the cells
	 * left, the last progress line */
	double pace_fixed, pace_sample, last_print;
	uint64_t pace_n;
	int here_left;
};


/* SIGINT/SIGTERM/SIGHUP during a sweep (runctl_stop_count): 1 stops after
 * the cell in flight, 2 abandons it. */
#include "runctl.h"

void sweep_path(const struct sweep_run_state *r, char *buf, size_t len, const char *name);
int sweep_log_cell(struct sweep_run_state *r, int i, int status, double secs, const char *reason,
		   struct cp_err *e);
void sweep_progress(struct sweep_run_state *r, int i, double cell_t0, const char *what);

pid_t sweep_start_child(struct sweep_run_state *r, char **argv, const char *errpath);
/* The cell's stderr into sweep.log; its last "cachepong: ..." line into why. */
void sweep_last_message(const char *errpath, char *why, size_t len, FILE *slog, int i);
int sweep_run_cell(struct sweep_run_state *r, int i, struct cp_err *e);
/* A cell of cfg->here, in this process; *stop when the budget ran out. */
int sweep_here_cell(struct sweep_run_state *r, int i, int *stop, struct cp_err *e);

int sweep_write_atomic(const char *path, int (*fn)(FILE *, void *), void *arg, struct cp_err *e);
int sweep_write_meta(struct sweep_run_state *r, const char *status, struct cp_err *e);
int sweep_put_plan(FILE *f, void *arg);   /* plan.txt, for sweep_write_atomic */
void sweep_snapshot(struct sweep_run_state *r);

#endif
