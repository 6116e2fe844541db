/* sweep_int.h: what the sweep's own files share (not for other modules). */
#ifndef SWEEP_INT_H
#define SWEEP_INT_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "cp.h"
#include "drift.h"
#include "meta.h"
#include "sweep.h"

/* "pingpong.csv=1234;raw/pingpong.csv=99": every data file of dir. */
void sweep_sizes(const char *dir, char *buf, size_t len);
/* Cut every data file back to its size in `sizes`; remove the ones not in
 * it (a cell that never finished wrote them). */
int sweep_restore_sizes(const char *dir, const char *sizes, struct cp_err *e);
/* Remove every data file of dir (and raw/). */
void sweep_remove_data(const char *dir);

/* Status of a cell in cells-done.log; final ones are not run again on a
 * resume (failed and over-budget cells are; a capped cell's rows are in
 * the files, so it is final). */
struct sweep_status {
	const char *name;
	int final;
	int in_skipped;   /* listed in skipped.csv */
};
enum { ST_TODO = -1, ST_DONE = 0, ST_UNAVAIL, ST_FAILED, ST_BUDGET, ST_CAPPED, ST_COUNT };
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

/* The CPUs this run may use, at one moment (sweep_quiet.c). */
struct sweep_ticks {
	double at;                /* cp_now_s() */
	long long busy, steal, all;   /* /proc/stat ticks of the allowed CPUs */
	int ncpu;
	double children_s;        /* CPU time of this process's reaped children */
};
/* The run's conditions so far: shares in percent times seconds, over the
 * cells' seconds; the cell where others took most. */
struct sweep_quiet {
	double others, steal, secs;
	double worst;
	int worst_cell;
};

/* A sweep being run (sweep_run.c, sweep_cell.c, sweep_meta.c). */
struct sweep_run_state;

/* The sentinel (sweep_sentinel.c): its points, their epochs, its cost. */
struct sweep_sen_when {
	double at;             /* seconds since the sweep's start */
	int before;            /* the cell (1-based) it came before, or was taken inside; 0: the A/A pair */
	int inside;            /* taken inside cell `before` (a long cell's own sweep) */
};
struct sweep_sentinel {
	struct drift_pt *pt;   /* the sentinels so far (drift_epochs reads them as one array) */
	struct sweep_sen_when *when;
	int *epoch;            /* epoch of each (drift_epochs) */
	double *ref, *band;    /* each epoch's reference and band (drift_epochs) */
	int n, cap, epochs;
	double band_pct;       /* from the A/A pair (0: not yet) */
	double spent, cost;    /* seconds spent on them, and the last one's */
	double at0;            /* a resume's sentinels go on after this */
	int off;               /* one failed: no more in this run */
	char cpus[32];
	/* inside a long cell: its sweep takes one every `every` s into `side`
	 * (CACHEPONG_SENTINEL_INSIDE from the sweep above), the last at `last` */
	double every, last;
	char side[4200], place[64];
};
void sweep_sentinel_begin(struct sweep_run_state *r);
void sweep_sentinel_before(struct sweep_run_state *r, int i);
void sweep_sentinel_end(struct sweep_run_state *r);
/* Around cell i of the sweep: a long one is asked for sentinels of its own
 * (arm), which are then taken into the run's (collect). */
void sweep_sentinel_inside_arm(struct sweep_run_state *r, int i);
void sweep_sentinel_inside_collect(struct sweep_run_state *r, int i);
/* In a long cell's own sweep (cfg->here): whether asked (begin), and one
 * before a cell when `every` has passed (here). */
void sweep_sentinel_here_begin(struct sweep_run_state *r);
void sweep_sentinel_here(struct sweep_run_state *r);
void sweep_sentinel_free(struct sweep_sentinel *s);

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
	/* the budget (sweep_budget.c): each experiment's first cell, the cells
	 * chosen to run in what is left, the cap of the cell in flight, the
	 * seconds the probes took */
	int *first;
	int *chosen;
	double cap, probe_s;
	struct sweep_quiet quiet;
	struct sweep_sentinel sen;
};


/* SIGINT/SIGTERM/SIGHUP during a sweep (runctl_stop_count): 1 stops after
 * the cell in flight, 2 abandons it. */
#include "runctl.h"

void sweep_path(const struct sweep_run_state *r, char *buf, size_t len, const char *name);
int sweep_log_cell(struct sweep_run_state *r, int i, int status, double secs, const char *reason,
		   struct cp_err *e);
void sweep_progress(struct sweep_run_state *r, int i, double cell_t0, const char *what);

pid_t sweep_start_child(struct sweep_run_state *r, char **argv, const char *errpath);
/* A child on argv with its stderr in err, waited for (the progress line of
 * cell i ticks; i < 0: none) and killed `deadline` seconds in; -1 when it
 * could not start. */
int sweep_child_wait(struct sweep_run_state *r, int i, char **argv, const char *err, double deadline,
		     int *status, int *timed_out, int *abandoned);
/* The cell's stderr into sweep.log; its last "cachepong: ..." line into why. */
void sweep_last_message(const char *errpath, char *why, size_t len, FILE *slog, int i);
/* Cell i as a child process, stopped at r->cap (--time-limit of this part
 * of it: the rest for the sample in flight and the exit; then a kill as a
 * backstop). */
#define SWEEP_CAP_STOP 0.9
int sweep_run_cell(struct sweep_run_state *r, int i, struct cp_err *e);

/* ---- a quiet machine (sweep_quiet.c) ---- */
void sweep_ticks_now(struct sweep_ticks *t);
/* Before the first cell: who uses the CPUs (meta.json, a warning). */
void sweep_quiet_before(struct sweep_run_state *r);
/* After cell i (reaped), since `before`: its line in conditions.csv. */
void sweep_quiet_cell(struct sweep_run_state *r, int i, const struct sweep_ticks *before);
/* The run's totals into meta.json, warnings past the thresholds. */
void sweep_quiet_after(struct sweep_run_state *r);

/* ---- the budget (sweep_budget.c) ---- */
/* Before the cells: each experiment's first cell marked, and with a
 * budget each experiment's probe run and learned from. */
void sweep_budget_begin(struct sweep_run_state *r);
/* Whether cell i runs now within `left` seconds: the cells chosen, their
 * samples fitted (r->samples, r->pred) and the cell's cap (r->cap); 0 with
 * why filled when it does not fit. */
int sweep_budget_cell(struct sweep_run_state *r, int i, double left, char *why, size_t wlen);
/* A cell of cfg->here, in this process; *stop when the budget ran out. */
int sweep_here_cell(struct sweep_run_state *r, int i, int *stop, struct cp_err *e);

int sweep_write_atomic(const char *path, int (*fn)(FILE *, void *), void *arg, struct cp_err *e);
int sweep_write_meta(struct sweep_run_state *r, const char *status, struct cp_err *e);
int sweep_put_plan(FILE *f, void *arg);   /* plan.txt, for sweep_write_atomic */
void sweep_snapshot(struct sweep_run_state *r);

#endif
