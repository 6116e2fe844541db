/* report.h: figures and the report of a results directory (one sweep):
 * `cachepong plot DIR` renders every figure DIR's data allows with the
 * gnuplot scripts of plots/ (run without a shell), `cachepong report`
 * runs the standard sweep, renders, and writes report.md and a
 * self-contained report.html whose every number comes from DIR's CSVs. */
#ifndef REPORT_H
#define REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "cp.h"

struct plot_file {
	char name[160];      /* e.g. "pingpong-cas": plots/<name>.png and .svg */
	char kind[32];       /* the figure's table row: "pingpong", "matrix", ... */
	char caption[400];
};

struct plot_set {
	int n;
	struct plot_file *f;
	int failed;          /* figures gnuplot or the column check refused */
	char notes[32][300]; /* figures not drawn, and why */
	double seconds;      /* spent drawing */
	int nnotes;
};

/* When the figures must end (cp_now_s() seconds, 0: no end): those after
 * the first of each experiment start only when they will end by `soft`;
 * none starts that will not end by `hard`, and what runs at `hard` is
 * stopped (a report's budget is a bound, not a wish). */
struct plot_deadline {
	double soft, hard;
};

/* Render every figure DIR's data allows into DIR/plots/ (PNG and SVG):
 * each experiment's first figure first, then the rest, plot_parallel() at
 * once, within dl (NULL: none); the figures left out or stopped are notes
 * (a report sets the time for its figures aside, measured: only a machine
 * where drawing is far slower than that meets them).
 * Missing data is a note, not an error; a CSV without a needed column, or
 * gnuplot failing, counts in ->failed with a message on stderr.  gnuplot
 * missing: CP_EUNAVAIL, the figures drawn so far kept. */
int plot_render_dir(const char *dir, const struct plot_deadline *dl, struct plot_set *ps, struct cp_err *e);

/* The seconds one figure takes here, drawn as a report draws them: a
 * small one in both terminals, plot_parallel() at once, after one untimed
 * gnuplot that warms what is cold (0 when gnuplot is missing). */
double plot_figure_seconds(void);
/* Figures drawn at once: half the CPUs this process may use (a figure is
 * two gnuplot processes), 1 to PLOT_PARALLEL_MAX. */
#define PLOT_PARALLEL_MAX 4
int plot_parallel(void);
/* Seconds one figure takes here (plot_figure_seconds()), drawing every
 * figure of a full run would take (a measured guess: one times the
 * figures a full results directory gives) and one figure per experiment
 * (those drawn first). */
void plot_cost_estimate(double *one, double *all, double *firsts);

/* The plots/ directory with the .gp scripts: cp_data_dir("plots"), i.e.
 * $CACHEPONG_DATA/plots, beside the binary, or the installed share/cachepong. */
int plot_scripts_dir(char *buf, size_t len, struct cp_err *e);

/* Run gnuplot (fork + execvp, no shell) on script with `vars` as -e; its
 * stderr is kept and put into e when it fails. */
int plot_gnuplot(const char *script, const char *vars, struct cp_err *e);

/* The string value of a top-level "key": "value" of a JSON file we wrote
 * (meta.json, topo.json); "" when absent.  Returns buf. */
char *report_json_str(const char *path, const char *key, char *buf, size_t len);

/* Write DIR/report.md and DIR/report.html from DIR's CSVs and figures. */
int report_write(const char *dir, const struct plot_set *ps, struct cp_err *e);

/* `cachepong compare`: nruns results directories (checked: of this schema
 * version), their labels, the baseline's index, the output directory, and
 * lines about runs that should have been there but are not (a fleet's
 * failed or cancelled tasks).  Writes OUT/report.md and OUT/report.html. */
struct compare_req {
	const char *const *dirs;
	const char *const *labels;
	int nruns, baseline;
	const char *out;
	const char *const *missing;
	int nmissing;
};
int compare_write(const struct compare_req *q, struct cp_err *e);

/* Results directory dir as OpenMetrics text on f (export_om.c): a gauge
 * family per metric and unit, in base units, the key columns as labels;
 * *rows: the result rows read.  CP_ERUN when a CSV cannot be read or is
 * not of this schema. */
int export_openmetrics(const char *dir, FILE *f, int *rows, struct cp_err *e);

#endif
