/* sweep.h: sweeps: a plan (one cachepong command line per cell) run cell by
 * cell as child processes into one results directory, resumable, within a
 * time budget.  Also the run-time model the sweep and `matrix --dry-run`
 * use to estimate how long cells take.
 *
 * Results directory (see plots/README.md):
 *   plan.txt          the cells, one command line each (the resume reads it)
 *   cells-done.log    one line per finished cell: index, status, seconds,
 *                     samples, the sizes of the data files after it, the cell
 *   meta.json         machine and run metadata (meta.h) + the sweep's keys
 *   topo.json         `cachepong topo --format json` of the machine
 *   topology.xml      the machine's hwloc topology (for the heat map)
 *   <experiment>.csv  the rows of every cell, one file per experiment
 *   raw/<exp>.csv     the raw samples
 *   skipped.csv       cells not measured: unavailable here, over budget, failed
 *   sweep.log         what the cells said on stderr
 */
#ifndef SWEEP_H
#define SWEEP_H

/* A sweep's directory holds schema.h's marker, CP_RESULTS_MARKER, with the
 * version of the results' columns. */
#include "schema.h"
#define SWEEP_MARKER CP_RESULTS_MARKER

#include <stdint.h>
#include <stdio.h>

#include "cp.h"
#include "optset.h"

struct experiment;

struct sweep_cell {
	char *line;          /* normalised: words joined by one space */
	int argc;
	char **argv;         /* argv[0] is the command */
	const struct experiment *exp; /* what it runs (NULL: a cell only its line names) */
	opt_set options;     /* the options its experiment takes (experiment.h) */
	int fixed_samples;   /* the line sets --samples (or is not sampled) */
	int src_line;        /* line in the plan file, for messages */
	int ncpu_hint;       /* CPUs of the machine a preset was made for (0:
			      * this one): the matrix's estimate on --dry-run */
	char *unavail;       /* preset cells only: why it cannot run in this build
			      * (recorded as skipped), or NULL */
	char *invalid;       /* preset cells only: why its command rejected it
			      * (recorded as failed), or NULL */
};

struct sweep_plan {
	int n;
	struct sweep_cell *cell;
	char origin[300];    /* "preset standard" or "plan FILE" */
};

/* A template of experiment x's cells (a preset's line, a probe): its
 * {placeholders} expand over the machine (sweep_expand.c); idx: the
 * cells' source line. */
struct sweep_template {
	const struct experiment *x;
	const char *line;
	int idx;
};
/* The cells of templates t[0..n-1] for the machine described by
 * topology_xml (NULL: this one), from its placement classes. */
int sweep_plan_expand(const struct sweep_template *t, size_t n, const char *topology_xml, struct sweep_plan *p,
		      struct cp_err *e);
void sweep_plan_free(struct sweep_plan *p);
/* The probes (each experiment's descriptor) of the experiments that have
 * cells in `of`, expanded for the machine as the presets are. */
int sweep_plan_probes(const struct sweep_plan *of, const char *topology_xml, struct sweep_plan *p,
		      struct cp_err *e);
/* Add one cell of experiment x from its words (argv[0] its name), the
 * words checked against the options x takes: each an option of x, each
 * value of its type and range (CP_EUSAGE naming NAME:SRC_LINE).  _lenient:
 * a cell that fails the check is kept with ->invalid set, and one of an
 * experiment not in this build (x NULL) with ->unavail. */
void sweep_plan_add_lenient(struct sweep_plan *p, const struct experiment *x, int argc, char **argv,
			    int src_line, const char *name);
int sweep_plan_add(struct sweep_plan *p, const struct experiment *x, int argc, char **argv, int src_line,
		   const char *name, struct cp_err *e);
/* Add a cell that only a line names: a sweep whose cells are measured in
 * its own process (struct sweep_here) never runs the line. */
void sweep_plan_add_line(struct sweep_plan *p, const char *line);

/* DIR/meta.json says "running" but its process is gone (SIGKILL, a crash,
 * on this boot): say "killed" instead.  Returns 1 when it did. */
int sweep_meta_settle(const char *dir);
/* Value of --opt in the cell, or NULL. */
const char *sweep_cell_opt(const struct sweep_cell *c, const char *opt);

/* ---- run-time model (sweep_est.c) ---- */

/* What one cell is expected to cost: seconds = fixed + per_sample x samples
 * (samples as the sweep would pass them).  prior from the command's table
 * row and the cell's options; learn() corrects it with measured times. */
struct sweep_cost {
	double fixed, per_sample;
	uint64_t def_samples;   /* the command's own default sample count */
	uint64_t min_samples;   /* the least the sweep scales it down to */
	uint64_t max_samples;   /* the most it scales it up to */
	int scalable;           /* the sweep may set --samples / --budget */
	int by_budget;          /* the cell takes --budget instead of --samples (matrix) */
};
void sweep_cell_cost(const struct sweep_cell *c, struct sweep_cost *k);
double sweep_cost_at(const struct sweep_cost *k, double samples);

/* Measured/predicted ratios per command, learned as cells finish. */
struct sweep_learn {
	int n;
	struct { char cmd[32]; double predicted, actual; } r[32];
};
double sweep_learn_ratio(const struct sweep_learn *L, const char *cmd);
void sweep_learn_add(struct sweep_learn *L, const char *cmd, double predicted, double actual);

/* Choose the samples of cells from..n-1 (not those with skip[j] set) so
 * they fit `left` seconds of a budget (budget 0: no budget, the commands'
 * defaults): one scale factor of every scalable cell's default sample
 * count, within its limits.  samples[j] = what to pass (0: leave it to the
 * command), pred[j] = predicted seconds at that. */
void sweep_fit(const struct sweep_plan *p, const int *skip, int from, double left, double budget,
	       const struct sweep_learn *L, uint64_t *samples, double *pred);

/* ---- running (sweep_run.c) ---- */

/* Cells run in this process (sweep_here.c): a sweep whose cells are alike
 * and measured by the command itself (the matrix: one CPU pair per cell,
 * all in its one process).  No child processes; instead of the plan's fit,
 * each cell's samples are paced from the cells measured so far so that the
 * rest fit the budget.  The rest is the sweep's: the log, the resume that
 * cuts the data back to the last logged cell, the rows appended per cell,
 * the progress, the stop on a signal. */
struct sweep_here {
	/* cell i's rows, as CSV, into out (its raw samples into raw; NULL:
	 * none), at most `samples` samples per arm; *sample_s: the seconds of
	 * one sample, *taken: the samples it took.  Returns 0, CP_EUNAVAIL, or
	 * another code with e set. */
	int (*run)(void *arg, int i, uint64_t samples, const char *out, const char *raw, double *sample_s,
		   uint64_t *taken, struct cp_err *e);
	void *arg;
	const char *what, *unit;   /* "matrix", "pairs": its progress lines */
	uint64_t samples;          /* per cell, at most */
	uint64_t min_samples;      /* the least the budget paces a cell down to */
	double extra_samples;      /* untimed samples a cell takes besides (warm-up, calibration) */
	int raw;                   /* keep the raw samples (raw/<experiment>.csv) */
	/* after sweep_run: cells done (in any run of this directory), cells in
	 * the plan, and whether the budget ran out before the last one */
	int done, n, exhausted;
};

struct sweep_cfg {
	const char *dir;
	double budget;          /* seconds for the cells; 0 = none */
	double budget_total;    /* the budget as given (report: cells and
				 * figures), kept in meta.json for --resume */
	int resume;             /* continue the sweep in dir */
	double target_ci;       /* passed to cells that take it; 0 = not */
	int argc;               /* the sweep's own command line (meta) */
	char **argv;
	const char *resume_cmd; /* how to continue, for the Ctrl-C message:
				 * "cachepong sweep --resume" */
	int quiet;              /* no summary line at the end */
	struct sweep_here *here; /* NULL: each cell is a child process */
};

/* The checks of cfg->dir that need no writing, before anything is said:
 * a new sweep's directory is new or empty, a resumed one is marked. */
int sweep_dir_check(const struct sweep_cfg *cfg, struct cp_err *e);

/* Exit code of an interrupted sweep (128 + SIGINT, as shells report it). */
#define SWEEP_INTERRUPTED CP_EINTR

/* Run (or continue) the plan into cfg->dir.  Returns CP_OK when every cell
 * is done, unavailable here or skipped for the budget; CP_ERUN when a cell
 * failed (the others still ran); SWEEP_INTERRUPTED after Ctrl-C. */
int sweep_run(const struct sweep_cfg *cfg, struct sweep_plan *p, struct cp_err *e);

/* Print the plan with each cell's estimate and the total (--dry-run). */
void sweep_print_plan(FILE *f, const struct sweep_plan *p, double budget);

/* Remove a sweep directory that the caller owns (a matrix's FILE.part
 * when it is finished): the files a sweep writes, then the directory;
 * anything else in it stays, and so does the directory. */
void sweep_dir_remove(const char *dir);
/* A command's state around its sweep (a matrix's FILE.part): the sweep in
 * STATE/sweep and the rows the run added to (base.csv, raw-base.csv).
 * sweep_state_remove removes it whole, as sweep_dir_remove does a sweep;
 * a sweep whose cell (a matrix) was killed removes its .cell.* states. */
#define SWEEP_STATE_SWEEP "sweep"
#define SWEEP_STATE_BASE "base.csv"
#define SWEEP_STATE_RAW_BASE "raw-base.csv"
void sweep_state_remove(const char *state);

/* "<host>-<UTC date-time>" (buf): a run's directory name. */
char *sweep_run_name(char *buf, size_t len);
/* "results/<host>-<UTC date-time>" (buf). */
char *sweep_default_dir(char *buf, size_t len);

/* Append the rows of a cell's CSV (header + rows, as `--out` wrote it) to
 * dir/sub<experiment>.csv, one file per value of the experiment column;
 * the header is written once; a file whose header differs (other counter
 * columns) is rewritten with the union of the columns.  *nrows: rows added. */
int sweep_append_rows(const char *dir, const char *sub, const char *cell_csv, size_t *nrows,
		      struct cp_err *e);

#endif
