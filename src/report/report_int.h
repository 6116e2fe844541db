/* report_int.h: what the report's files share: a writer that emits
 * Markdown and HTML side by side, and the numbers helpers. */
#ifndef REPORT_INT_H
#define REPORT_INT_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "cp.h"
#include "compare.h"
#include "csvread.h"
#include "report.h"
#include "tmpname.h"

/* ---- report_doc.c: one call, both documents ---- */
struct doc {
	FILE *md, *html;
	char dir[4096];
	struct tmp_file md_file, html_file;   /* doc_open: report.md and report.html, atomically */
	int in_list, in_table;
	char *mbuf, *hbuf;   /* doc_open_mem: the text so far */
	size_t mlen, hlen;
};

int doc_open(struct doc *d, const char *dir, const char *title, struct cp_err *e);
/* A document in memory (open_memstream), to be appended to another. */
void doc_open_mem(struct doc *d, const char *dir);
/* Append everything of src (a memory document, freed) to d. */
void doc_append(struct doc *d, struct doc *src);
/* Drop a memory document unused. */
void doc_free_mem(struct doc *d);
/* Finish both files and rename them into place (report.md, report.html). */
int doc_close(struct doc *d, struct cp_err *e);
void doc_abort(struct doc *d);
void doc_h(struct doc *d, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A paragraph; **text** is bold in both. */
void doc_p(struct doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A bullet; consecutive bullets make one list. */
void doc_li(struct doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void doc_table(struct doc *d, int ncol, const char *const *head);
void doc_row(struct doc *d, int ncol, char cells[][160]);
void doc_table_end(struct doc *d);
/* DIR/plots/<name>.png: linked from the Markdown, embedded (base64) in the HTML. */
void doc_figure(struct doc *d, const char *name, const char *caption);

/* ---- plot_proc.c: gnuplot processes, several at once ---- */
struct plot_proc {
	pid_t pid;
	int fd;              /* its output; -1 once read to the end */
	int status, done;    /* its wait status, once done */
	char script[200];
	char out[4096];      /* the end of its output */
	size_t got;
};
/* Start gnuplot -e vars script. */
int plot_proc_start(struct plot_proc *p, const char *script, const char *vars, struct cp_err *e);
/* Until one of the procs that are not done is (reading what they say), or
 * until cp_now_s() reaches `until` (0: no end). */
void plot_proc_wait_any(struct plot_proc **procs, int n, double until);
/* Kill a running one and reap it (its result then says killed). */
void plot_proc_stop(struct plot_proc *p);
/* 0, CP_EUNAVAIL (no gnuplot) or CP_ERUN with the end of its output. */
int plot_proc_result(const struct plot_proc *p, struct cp_err *e);

/* ---- plot_data.c: what a figure reads ---- */
struct exp_figure;
/* a raw file's samples per series in one figure: at most this many */
#define PLOT_CDF_POINTS 200
/* One figure per distinct value of the facet columns (fcol[0..nf)). */
struct facets {
	const char *fcol[4];
	int nf;
};
/* Read a figure's CSV and check it can be drawn from: complete, not
 * ragged, with the columns the figure needs.  0, or -1 (said why on
 * stderr, *failed counted). */
int plot_figure_csv(const char *path, const struct exp_figure *f, int *failed, struct csv *c, struct cp_err *e);
/* The first of the figure's metrics ("a|b") that some row has, or "". */
void plot_figure_metric(const struct csv *c, const struct exp_figure *f, char *metric, size_t len);
void plot_facet_key(const struct csv *c, size_t i, const struct facets *fa, char *key, size_t len);
/* Whether row i is drawn: of the figure's metric, not an arm of an A/A
 * control (compare.h) nor of a k-arm design (but their comparison rows). */
int plot_drawn(const struct csv *c, size_t i, const char *metric);
/* The rows drawn in facet `key` (header first) into f, a raw file's
 * thinned (see PLOT_CDF_POINTS); returns how many rows were drawn from. */
size_t plot_facet_rows(FILE *f, const struct csv *c, const struct facets *fa, const char *key, const char *metric);
/* The heat map's CPU order and boundaries, from DIR/topology.xml, as
 * gnuplot variables. */
void plot_heat_topology(const char *dir, const struct csv *c, char *vars, size_t len);
/* DIR/plots/matrix-classes.csv: the matrix's class table as rows (each
 * class's median over its pairs, its 95% interval, the fastest and slowest
 * pair), for its bar figure; removed when DIR has no matrix. */
#define REP_MATRIX_CLASSES "plots/matrix-classes.csv"
void rep_matrix_classes_csv(const char *dir);

/* ---- report_plot.c ---- */
/* Append name='value' (quoted for gnuplot) to the -e variables. */
void plot_var(char *vars, size_t len, const char *name, const char *value);
/* plots/<script> with vars into PLOTS/<name>.png and .svg (through a
 * temporary name each). */
int plot_draw(const char *script, const char *vars, const char *plots, const char *name, struct cp_err *e);

/* ---- report_num.c ---- */

/* cp_fmt_num: the table's and the report's one way to print a number. */
char *fmt3(double v, char *buf, size_t len);
/* qsort's comparison of doubles, ascending. */
int rep_cmp_double(const void *a, const void *b);
/* "123 [120, 126]" */
char *fmt_ci(double v, double lo, double hi, char *buf, size_t len);
/* Row i's median with its interval, "123 [120, 126]", or, when its samples
 * have several modes (stats_modes), "2 modes: 174 (38%) 37000 (62%)": one
 * median of two populations describes neither. */
char *rep_median(const struct csv *c, size_t i, char *buf, size_t len);
/* The modes row i's samples have (0: not tested). */
int rep_modes(const struct csv *c, size_t i);

/* The raw samples of a CSV grouped by the columns that identify a row of
 * the results file (all raw columns but sample and value). */
struct rawset {
	size_t n;
	struct rawgroup { char *key; double *v; size_t nv, cap; } *g;
};
int rawset_load(const char *path, struct rawset *rs);
void rawset_free(struct rawset *rs);
/* The samples of the result row i of c (matched on the raw key columns). */
const struct rawgroup *rawset_find(const struct rawset *rs, const struct csv *c, size_t i);

/* ---- report_sections.c ---- */
/* ---- report_drift.c: the run's epochs (its sentinel) ---- */
struct cell_rows;
struct rep_drift {
	struct csv s;        /* sentinel.csv */
	int loaded, epochs;
	struct cell_rows *cells;   /* cells-done.log: each cell's rows */
	size_t ncells;
};
void rep_drift_load(struct rep_drift *d, const char *dir);
void rep_drift_free(struct rep_drift *d);
/* The cell (1-based, 0: not known) and the epoch (1-based, 0: no
 * sentinel) of data row `row` of the file (csv_file_row) of DIR/csv. */
int rep_cell_of_row(const struct rep_drift *d, const char *csv, size_t row);
int rep_epoch_of_row(const struct rep_drift *d, const char *csv, size_t row);
/* The sentinel's reference in an epoch, ns (NAN: none). */
double rep_epoch_ref(const struct rep_drift *d, int epoch);
/* The run's drift: half the range of the sentinel's medians over the
 * run, percent of their median (NAN: fewer than two sentinels).  The
 * uncertainty that numbers of separate cells carry besides their own. */
double rep_drift_pct(const struct rep_drift *d);
/* Into buf: "" when epochs ea and eb are one, else what a statement
 * using numbers of both must add. */
void rep_drift_caveat(const struct rep_drift *d, int ea, int eb, char *buf, size_t len);

struct rep {
	struct doc *d;
	const char *dir;
	const struct plot_set *ps;
	char cpu[256], host[256];
	double rt_ns;        /* typical ping-pong round trip (nearest class), for comparisons; NAN */
	char rt_what[200];
	int rt_epoch;        /* the epoch it was measured in (0: not known) */
	struct rep_drift drift;
	char sum[40][700];   /* the summary's bullets, written first */
	int aa_n, aa_claims; /* the A/A controls of every experiment, and their false claims */
	int nsum;
};
void rep_sum(struct rep *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* report_karms.c: the section of the designs of k arms over one key in
 * DIR/csvname, and the summary's answers from their verdicts (which
 * memory kind, which page size). */
void rep_karms(struct rep *r, const char *csvname);
/* The drift in the Conditions section, and the summary's bullet when the
 * run has several epochs. */
void rep_drift_conditions(struct rep *r, struct doc *doc);
void rep_drift_summary(struct rep *r);
/* After an experiment's section: when its cells span epochs, says so. */
void rep_drift_section(struct rep *r, const char *experiment);

/* Process vs thread, measured back to back: for every process row of
 * metric in c, its twin and the ratio of their medians (compare.h: one
 * twin rule and one interval for the report and the terminal table). */
struct pair_cmp {
	size_t t, p;         /* row indices */
	struct cmp_ratio q;
};
int compare_modes(const struct csv *c, const struct rawset *rs, const char *metric,
		  struct pair_cmp **out);
/* The comparison rows of c (interleaved arms: metric ratio, mode A:B) as
 * a list under a paragraph starting with title; how many. */
int rep_verdicts(struct rep *r, const struct csv *c, const char *title);
/* Load DIR/name; 0 with c filled, -1 when absent or empty.  The rows of
 * an A/A control's arms are left out (compare.h: cmp_control_arm); its
 * comparison row stays.  rep_load_controls keeps them too. */
int rep_load(const struct rep *r, const char *name, struct csv *c);
int rep_load_controls(const struct rep *r, const char *name, struct csv *c);
/* Every figure of kind `kind` (plot_set) with its caption. */
void rep_figures(struct rep *r, const char *kind);

/* Rows grouped by the columns cols[0..n-1] (report_groups.c): whether rows
 * a and b agree on them; the first rows of the distinct groups among rows
 * of metric; the row of g's group with the largest (or smallest) col. */
int rep_same_in(const struct csv *c, size_t a, size_t b, const enum cp_col *cols, int n);
int rep_groups(const struct csv *c, const char *metric, const enum cp_col *cols, int n, size_t *first, int max);
long rep_extreme(const struct csv *c, size_t g, const char *metric, const enum cp_col *cols, int n,
		 enum cp_col col, int largest);
/* 65.5 ms, 134 µs, 250 ns; 4 KiB, 16 MiB */
const char *rep_htime(double ns, char *buf, size_t len);
const char *rep_hsize(double b, char *buf, size_t len);

/* The experiments' sections (sections.def). */
#define SECTION(name) void rep_##name(struct rep *r);
#include "sections.def"
#undef SECTION

#endif
