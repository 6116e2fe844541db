/* experiment.h: everything about an experiment in one descriptor, defined
 * in the experiment's own file and listed once in the sweep's registry
 * (suite/experiments.def): its
 * name and help, the options it takes with their defaults and where they
 * go in its typed request (request.h), the function that measures a
 * request, the sweep's time-estimate prior and probe, its lines in the
 * presets, its CSV and figures.  The command table, the presets, the
 * priors, the figure table, the report's section order and the lists of
 * experiment names in messages are all read from here; its report section
 * is registered by name in the report (report/sections.def). */
#ifndef EXPERIMENT_H
#define EXPERIMENT_H

#include <stddef.h>
#include <stdint.h>

#include "optset.h"
#include "request.h"

/* The presets a line belongs to (suite/presets.c). */
enum { EXP_QUICK = 1, EXP_STANDARD = 2, EXP_FULL = 4 };

/* What a cell costs before it runs (sweep_est.c), from how the experiment
 * samples; the sweep corrects it by measured/predicted time: its probe's
 * first, then each cell's as it ends.  An option a cell does not give
 * counts as its default (the experiment's option table), --samples too. */
struct exp_prior {
	double cell_fixed;    /* s: process start, timer calibration, topology */
	double meas_fixed;    /* s: per measurement: agents started, memory mapped, warm-up */
	double t_sample;      /* s: one sample */
	double per_byte;      /* s: one sample, per byte of --sizes */
	uint64_t min_samples, max_samples;   /* what a budget scales --samples within */
	const char *all;      /* "opt=count ...": what "all" means when no table is at hand */
};

/* A preset line: a command-line template whose {placeholders} expand over
 * the machine (sweep_expand.c).  Order is priority within the registry's. */
struct exp_preset {
	unsigned in;          /* EXP_QUICK | EXP_STANDARD | EXP_FULL */
	const char *line;
};

/* A figure drawn from the experiment's CSV (report_plot.c, plots/). */
struct exp_figure {
	const char *kind;     /* output name prefix */
	const char *script;   /* plots/<script> */
	const char *csv;      /* relative to the results directory */
	const char *metrics;  /* '|'-separated; the first the file has is drawn */
	const char *need;     /* columns the figure reads */
	const char *facet;    /* columns that split it into one figure per value */
	const char *vars;     /* more gnuplot variables */
	const char *caption;
};

/* The forest plot of an experiment's interleaved comparisons (its
 * comparison rows, metric ratio): one line each, B / A and its interval
 * against the margin. */
#define EXP_FOREST(name)                                                                              \
	{ name "-forest", "forest.gp", name ".csv", "ratio",                                          \
	  "experiment kernel mode arms placement metric p50 ci_lo ci_hi verdict margin ci_level", "", "", \
	  "Every interleaved comparison: B / A, the median of the block ratios, with its interval "   \
	  "against the margin (shaded), coloured by the verdict; A/A controls (identical arms) marked" }

/* How --mode both measures the two modes: one after the other, or as
 * interleaved arms within one run of the agents (arms.h), or as
 * interleaved arms of one run per block (costs_arms_run). */
enum exp_arms { EXP_ARMS_NONE, EXP_ARMS_IN_RUN, EXP_ARMS_RUNS };

/* The figure `cachepong compare` draws from several runs of it. */
enum exp_overlay {
	EXP_OVERLAY_NONE,
	EXP_OVERLAY_BARS,   /* the runs' round trips per placement class, side by side (bars.gp) */
	EXP_OVERLAY_HEAT,   /* each run's pair matrix, all on one colour scale (heatmap.gp) */
};

struct experiment {
	const char *name;
	const char *summary;         /* one line, for `cachepong --help` */
	const char *notes;           /* what its --help adds below the options, or "" */
	const struct req_opt *opts;  /* the options it takes, their defaults, their place in its request */
	size_t nopts;
	size_t req_size;             /* its request: a struct that starts with struct exp_req */
	/* Measure the request (or only check it: req->checking).  Returns an
	 * exit code, e filled when it is not CP_OK (or CP_ECAPPED, said on
	 * stderr). */
	int (*run)(const void *req, struct cp_err *e);
	const char *family;          /* kernel family --op names (NULL: none) */
	struct exp_prior prior;
	enum exp_arms arms;
	/* options whose list is the arms of one cell (a run per block, like
	 * EXP_ARMS_RUNS), space-separated; NULL: none */
	const char *arm_keys;
	const struct exp_preset *presets;
	size_t npresets;
	/* a template like the presets' of a short run (a fraction of a second)
	 * that a sweep with a budget measures first, to correct this
	 * experiment's prior on this machine (sweep_budget.c); NULL: none */
	const char *probe;
	const struct exp_figure *figures;
	size_t nfigures;
	enum exp_overlay overlay;
	/* The values an option of its own allows, '|'-separated, from the
	 * tables that check them (its kernels, vias, states ...), written into
	 * buf; NULL when the option has no fixed set or is not its own (the
	 * command line's completion, cli/complete.c, asks here first). */
	const char *(*values)(enum opt_id id, char *buf, size_t len);
};

#define EXP_ITEMS(arr) (arr), (sizeof(arr) / sizeof((arr)[0]))
/* .opts, .nopts and .req_size of request type T and its option table */
#define EXP_REQUEST(T, table) .opts = (table), .nopts = sizeof(table) / sizeof((table)[0]), .req_size = sizeof(T)

/* The options it takes, as a set. */
opt_set experiment_options(const struct experiment *x);
/* Its default of option id, or NULL (none, or not taken). */
const char *experiment_default(const struct experiment *x, enum opt_id id);

#endif
