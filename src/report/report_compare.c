/* report_compare.c: `cachepong compare`: one report over several results
 * directories (two server generations, a BIOS or kernel change, a VM and
 * bare metal).  First what differs between the runs' metadata and what was
 * measured in one run and not in another; then, per experiment, the runs
 * side by side, lined up on the cell (every key column of the schema but
 * the CPU numbers, so placement classes line up across machines), with the
 * ratio of each run to the baseline from compare.h; then each run's own
 * verdicts of its interleaved comparisons.  Every number is read from the
 * runs' CSVs. */
#include "report_int.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csvmerge.h"
#include "registry.h"
#include "meta.h"

#define CMP_MAX_RUNS 16
#define CMP_MAX_KEYS 2000

struct cmp_run {
	const char *dir;
	const char *label;
	char meta[4300];             /* its meta.json */
	struct csv c;                /* the experiment's CSV being compared; nrow 0 when absent */
	struct rawset rs;            /* its raw samples, when kept */
	int have;                    /* the CSV has rows */
};

/* The metadata compared, as meta.json names it. */
static const struct { const char *key, *title; } meta_fields[] = {
	{ "host", "host" }, { "cpu_model_name", "CPU" }, { "microcode", "microcode" },
	{ "kernel", "kernel" }, { "thp_enabled", "THP" }, { "thp_shmem_enabled", "THP for shmem" },
	{ "governor", "governor" }, { "hypervisor_vendor", "hypervisor" }, { "smt", "SMT" },
	{ "numa_nodes", "NUMA nodes" }, { "cpus_online", "CPUs online" }, { "version", "cachepong" },
	{ "git_rev", "revision" }, { "sweep_status", "sweep" },
};

/* The placement classes of a run's topo.json, "llc, cross-package:21". */
static void classes_of(const char *dir, char *buf, size_t len)
{
	char path[4300];
	json_t *doc, *cls;
	size_t i, off = 0;

	snprintf(path, sizeof(path), "%s/topo.json", dir);
	buf[0] = 0;
	if (!(doc = json_load_file(path, 0, NULL)))
		return;
	cls = json_object_get(doc, "classes");
	for (i = 0; i < json_array_size(cls) && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? ", " : "",
					json_string_value(json_object_get(json_array_get(cls, i), "name")));
	json_decref(doc);
}

/* The runs and where their metadata differ. */
static void runs_section(struct doc *d, struct cmp_run *run, int n, int base)
{
	const char *head[CMP_MAX_RUNS + 1] = { "" };
	char cells[CMP_MAX_RUNS + 1][160], v[CMP_MAX_RUNS][600];
	int ndiff = 0;

	for (int k = 0; k < n; k++)
		head[k + 1] = run[k].label;
	doc_h(d, 2, "The runs");
	for (int k = 0; k < n; k++)
		doc_li(d, "**%s**%s: %s", run[k].label, k == base ? " (the baseline)" : "", run[k].dir);
	doc_table(d, n + 1, head);
	for (size_t f = 0; f <= CP_ARRAY_SIZE(meta_fields); f++) {
		int differ = 0;

		for (int k = 0; k < n; k++) {
			if (f < CP_ARRAY_SIZE(meta_fields))
				meta_read_str(run[k].meta, meta_fields[f].key, v[k], sizeof(v[k]));
			else
				classes_of(run[k].dir, v[k], sizeof(v[k]));
			snprintf(cells[k + 1], 160, "%.159s", v[k][0] ? v[k] : "-");
			differ |= strcmp(v[k], v[0]) != 0;
		}
		snprintf(cells[0], 160, "%s%s", f < CP_ARRAY_SIZE(meta_fields) ? meta_fields[f].title : "placement classes",
			 differ ? " (differs)" : "");
		doc_row(d, n + 1, cells);
		ndiff += differ;
	}
	doc_table_end(d);
	doc_p(d, ndiff ? "**%d of the fields above differ between the runs**, marked (differs)."
		       : "The runs agree on every field above (%d differ).", ndiff);
}

/* The cell of row i: every key column but the CPU numbers, as one string. */
static void cell_key(const struct csv *c, size_t i, char *buf, size_t len)
{
	csv_key(c, i, COL_cpus, buf, len);
}

/* A readable name of the cell of row i: its non-empty identifying values. */
static void cell_name(const struct csv *c, size_t i, char *buf, size_t len)
{
	static const struct {
		enum cp_col id;
		const char *prefix;
	} shown[] = { { COL_kernel, "" },     { COL_mode, "" },      { COL_arm, "arm " },      { COL_shm, "" },
		      { COL_pages, "" },      { COL_layout, "" },    { COL_poll, "" },         { COL_state, "" },
		      { COL_holder, "" },     { COL_placement, "" }, { COL_size_bytes, "bytes=" }, { COL_agents, "agents=" } };
	size_t off = 0;

	buf[0] = 0;
	for (size_t k = 0; k < CP_ARRAY_SIZE(shown) && off < len; k++) {
		const char *v = csv_str(c, i, shown[k].id);

		if (v[0])
			off += (size_t)snprintf(buf + off, len - off, "%s%s%s", off ? " " : "", shown[k].prefix, v);
	}
}

/* The rows of run r in cell `key` and metric: how many, the first one,
 * and the median of their medians.  Several rows: the matrix's pairs (the
 * key leaves out the CPU numbers). */
static int cell_rows(const struct cmp_run *r, const char *key, const char *metric, size_t *first, double *med)
{
	double *v = cp_xcalloc(r->c.nrow + 1, sizeof(double));
	char k[2048];
	int n = 0;

	for (size_t i = 0; i < r->c.nrow; i++) {
		if (strcmp(csv_str(&r->c, i, COL_metric), metric))
			continue;
		cell_key(&r->c, i, k, sizeof(k));
		if (strcmp(k, key) || !isfinite(csv_val(&r->c, i, COL_p50)))
			continue;
		if (!n)
			*first = i;
		v[n++] = csv_val(&r->c, i, COL_p50);
	}
	if (n) {
		qsort(v, (size_t)n, sizeof(double), rep_cmp_double);
		*med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	}
	free(v);
	return n;
}

/* One side of the ratio: a single row with its raw samples where kept. */
static void side(const struct cmp_run *r, size_t i, struct cmp_side *s)
{
	const struct rawgroup *g = rawset_find(&r->rs, &r->c, i);

	*s = (struct cmp_side){ g ? g->v : NULL, g ? g->nv : 0, csv_val(&r->c, i, COL_p50),
				csv_val(&r->c, i, COL_ci_lo), csv_val(&r->c, i, COL_ci_hi) };
}

/* Cell of a run against the baseline's: "1.12 [1.10, 1.14]" (a bootstrap
 * where both kept their samples), or the ratio of medians alone. */
static void ratio_cell(const struct cmp_run *r, size_t ir, int nr, double mr, const struct cmp_run *b, size_t ib,
		       int nb, double mb, char *cell)
{
	struct cmp_side sr, sb;
	struct cmp_ratio q;

	if (!nr || !nb) {
		snprintf(cell, 160, "-");
		return;
	}
	if (nr > 1 || nb > 1) {
		snprintf(cell, 160, "%.3f (medians of %d and %d rows)", mr / mb, nr, nb);
		return;
	}
	side(r, ir, &sr);
	side(b, ib, &sb);
	cmp_ratio(&sr, &sb, &q);
	snprintf(cell, 160, "%.3f [%.3f, %.3f]%s", q.r, q.lo, q.hi, q.boot ? "" : " (from the CIs)");
}

/* The cells of metric over every run, in first-seen order (the baseline's
 * first); *nk of them, each keys[k] malloc'd with its row in run of[k]. */
static char **collect_keys(struct cmp_run *run, int n, int base, const char *metric, int *nk, int *of, size_t *at)
{
	char **keys = cp_xcalloc(CMP_MAX_KEYS, sizeof(char *)), k[2048];

	*nk = 0;
	for (int j = 0; j < n; j++) {
		int r = j == 0 ? base : j <= base ? j - 1 : j;

		for (size_t i = 0; i < run[r].c.nrow && *nk < CMP_MAX_KEYS; i++) {
			int seen = 0;

			if (strcmp(csv_str(&run[r].c, i, COL_metric), metric))
				continue;
			cell_key(&run[r].c, i, k, sizeof(k));
			for (int x = 0; x < *nk && !seen; x++)
				seen = !strcmp(keys[x], k);
			if (seen)
				continue;
			of[*nk] = r;
			at[*nk] = i;
			keys[(*nk)++] = cp_xstrdup(k);
		}
	}
	return keys;
}

/* The runs side by side for one metric: a row per cell, each run's median
 * [95% CI], then each run against the baseline.  Returns the cells found
 * in some runs only. */
static int side_by_side(struct doc *d, struct cmp_run *run, int n, int base, const char *metric, const char *unit)
{
	int of[CMP_MAX_KEYS], nk, partial = 0, ncol = 1 + n + (n - 1);
	size_t at[CMP_MAX_KEYS];
	char **keys = collect_keys(run, n, base, metric, &nk, of, at);
	const char *head[1 + 2 * CMP_MAX_RUNS];
	char names[2 * CMP_MAX_RUNS][160];

	head[0] = "cell";
	for (int k = 0, c = 1 + n; k < n; k++) {
		snprintf(names[k], 160, "%s: median %s [95%% CI]", run[k].label, unit);
		head[1 + k] = names[k];
		if (k != base) {
			snprintf(names[n + k], 160, "%s / %s [95%% CI]", run[k].label, run[base].label);
			head[c++] = names[n + k];
		}
	}
	doc_table(d, ncol, head);
	for (int x = 0; x < nk; x++) {
		char cells[1 + 2 * CMP_MAX_RUNS][160];
		size_t first[CMP_MAX_RUNS] = { 0 };
		int nr[CMP_MAX_RUNS], missing = 0;
		char num[40];
		double med[CMP_MAX_RUNS];

		cell_name(&run[of[x]].c, at[x], cells[0], 160);
		for (int k = 0; k < n; k++) {
			nr[k] = cell_rows(&run[k], keys[x], metric, &first[k], &med[k]);
			missing |= !nr[k];
			if (!nr[k])
				snprintf(cells[1 + k], 160, "not measured");
			else if (nr[k] > 1)
				snprintf(cells[1 + k], 160, "%s (median of %d rows)", fmt3(med[k], num, sizeof(num)), nr[k]);
			else
				fmt_ci(med[k], csv_val(&run[k].c, first[k], COL_ci_lo), csv_val(&run[k].c, first[k], COL_ci_hi),
				       cells[1 + k], 160);
		}
		for (int k = 0, c = 1 + n; k < n; k++)
			if (k != base)
				ratio_cell(&run[k], first[k], nr[k], med[k], &run[base], first[base], nr[base], med[base],
					   cells[c++]);
		doc_row(d, ncol, cells);
		partial += missing;
		free(keys[x]);
	}
	doc_table_end(d);
	free(keys);
	return partial;
}

/* Each run's verdicts of its interleaved comparisons, lined up the same way. */
static void verdicts(struct doc *d, struct cmp_run *run, int n, int base)
{
	int of[CMP_MAX_KEYS], nk;
	size_t at[CMP_MAX_KEYS];
	char **keys = collect_keys(run, n, base, "ratio", &nk, of, at);
	const char *head[1 + CMP_MAX_RUNS];

	if (nk) {
		head[0] = "comparison (arm 2 / arm 1)";
		for (int k = 0; k < n; k++)
			head[1 + k] = run[k].label;
		doc_p(d, "The runs' own interleaved comparisons (ratio [95%% interval]: verdict):");
		doc_table(d, 1 + n, head);
	}
	for (int x = 0; x < nk; x++) {
		char cells[1 + CMP_MAX_RUNS][160];

		cell_name(&run[of[x]].c, at[x], cells[0], 160);
		for (int k = 0; k < n; k++) {
			size_t i = 0;
			double m;

			if (!cell_rows(&run[k], keys[x], "ratio", &i, &m))
				snprintf(cells[1 + k], 160, "not measured");
			else
				snprintf(cells[1 + k], 160, "%.3f [%.3f, %.3f]: %s", m, csv_val(&run[k].c, i, COL_ci_lo),
					 csv_val(&run[k].c, i, COL_ci_hi), csv_str(&run[k].c, i, COL_verdict));
		}
		doc_row(d, 1 + n, cells);
		free(keys[x]);
	}
	if (nk)
		doc_table_end(d);
	free(keys);
}

/* The metric an experiment's comparison shows: its first figure's first
 * metric that a run has, else the first metric of a row that is not a
 * comparison. */
static const char *main_metric(const struct experiment *x, struct cmp_run *run, int n, const char **unit)
{
	for (size_t f = 0; f < x->nfigures && f < 1; f++) {
		const char *m = x->figures[f].metrics;

		while (*m) {
			size_t len = strcspn(m, "|");

			for (int k = 0; k < n; k++)
				for (size_t i = 0; i < run[k].c.nrow; i++)
					if (strlen(csv_str(&run[k].c, i, COL_metric)) == len &&
					    !strncmp(csv_str(&run[k].c, i, COL_metric), m, len)) {
						*unit = csv_str(&run[k].c, i, COL_unit);
						return csv_str(&run[k].c, i, COL_metric);
					}
			m += len + (m[len] == '|');
		}
	}
	for (int k = 0; k < n; k++)
		for (size_t i = 0; i < run[k].c.nrow; i++)
			if (strcmp(csv_str(&run[k].c, i, COL_metric), "ratio")) {
				*unit = csv_str(&run[k].c, i, COL_unit);
				return csv_str(&run[k].c, i, COL_metric);
			}
	return NULL;
}

/* Load experiment x's CSV (and raw samples) of every run. */
static int load_runs(struct cmp_run *run, int n, const char *name, char *absent, size_t alen)
{
	int have = 0;

	absent[0] = 0;
	for (int k = 0; k < n; k++) {
		char path[4300];
		struct cp_err e = { 0 };

		memset(&run[k].c, 0, sizeof(run[k].c));
		memset(&run[k].rs, 0, sizeof(run[k].rs));
		snprintf(path, sizeof(path), "%s/%s.csv", run[k].dir, name);
		run[k].have = !access(path, F_OK) && !csv_read(path, &run[k].c, &e) && run[k].c.nrow &&
			      !csv_need_schema(&run[k].c, &e);
		if (!run[k].have) {
			csv_free(&run[k].c);
			snprintf(absent + strlen(absent), alen - strlen(absent), "%s%s", absent[0] ? ", " : "",
				 run[k].label);
			continue;
		}
		cmp_drop_control_arms(&run[k].c); /* their verdicts are in each run's own list */
		snprintf(path, sizeof(path), "%s/raw/%s.csv", run[k].dir, name);
		rawset_load(path, &run[k].rs);
		have++;
	}
	return have;
}

static void free_runs(struct cmp_run *run, int n)
{
	for (int k = 0; k < n; k++) {
		csv_free(&run[k].c);
		rawset_free(&run[k].rs);
	}
}

/* The runs' round trips in one CSV of the schema (OUT/pingpong-runs.csv),
 * each run's label in the note column: the bars' series of the overlaid
 * figure.  The kernels of the baseline into kernels[]; how many. */
static int runs_csv(struct cmp_run *run, int n, int base, const char *path, char (*kernels)[32], int max)
{
	struct tmp_file t;
	struct cp_err e = { 0 };
	FILE *f;
	int nk = 0;

	if (tmp_open(&t, "dir", path, &e))
		return 0;
	f = t.f;
	for (int k = 0; k < COL_COUNT; k++) {
		fputs(k ? "," : "", f);
		csv_write_field(f, schema_col_name((enum cp_col)k));
	}
	fputc('\n', f);
	for (int r = 0; r < n; r++)
		for (size_t i = 0; i < run[r].c.nrow; i++) {
			const char *kern = csv_str(&run[r].c, i, COL_kernel);
			int seen = 0;

			if (strcmp(csv_str(&run[r].c, i, COL_metric), "round_trip"))
				continue;
			for (int k = 0; k < COL_COUNT; k++) {
				fputs(k ? "," : "", f);
				csv_write_field(f, k == COL_note ? run[r].label : csv_str(&run[r].c, i, (enum cp_col)k));
			}
			fputc('\n', f);
			for (int x = 0; x < nk && !seen; x++)
				seen = !strcmp(kernels[x], kern);
			if (r == base && !seen && nk < max)
				snprintf(kernels[nk++], 32, "%s", kern);
		}
	return tmp_commit(&t, &e) ? 0 : nk;
}

/* One figure per op of the baseline: every run's median round trip per
 * placement class and mode, side by side (plots/bars.gp, series = run). */
static void overlay_figures(struct doc *d, struct cmp_run *run, int n, int base, const char *out)
{
	char data[4300], plots[4300], gpdir[4096], script[4200], kernels[8][32];
	struct cp_err e = { 0 };
	int nk;

	snprintf(data, sizeof(data), "%s/pingpong-runs.csv", out);
	snprintf(plots, sizeof(plots), "%s/plots", out);
	if (!(nk = runs_csv(run, n, base, data, kernels, 8)) || plot_scripts_dir(gpdir, sizeof(gpdir), &e))
		return;
	mkdir(plots, 0755);
	snprintf(script, sizeof(script), "%s/bars.gp", gpdir);
	for (int k = 0; k < nk; k++) {
		char vars[9000] = "", name[80], what[96];

		snprintf(name, sizeof(name), "compare-pingpong-%.31s", kernels[k]);
		snprintf(what, sizeof(what), "pingpong %.31s, %d runs", kernels[k], n);
		plot_var(vars, sizeof(vars), "data", data);
		plot_var(vars, sizeof(vars), "kernel", kernels[k]);
		plot_var(vars, sizeof(vars), "series", "note mode");
		plot_var(vars, sizeof(vars), "what", what);
		if (plot_draw(script, vars, plots, name, &e)) {
			doc_p(d, "*Figure %s not drawn: %s.*", name, e.msg);
			continue;
		}
		doc_figure(d, name, "The runs' median round trip per placement class and mode, side by side (the "
				     "series name the run and the mode); whiskers: 95% CI of each median");
	}
}

/* File-name-safe form of a label. */
static void tame(const char *s, char *buf, size_t len)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < len; i++)
		buf[i] = (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
				 s[i] == '-' || s[i] == '_' ? s[i] : '-';
	buf[i] = 0;
}

/* The matrices of every run as heat maps on one colour scale (the range of
 * all the runs' pair medians of the baseline's first op and mode). */
static void heat_maps(struct doc *d, struct cmp_run *run, int n, int base, const char *out)
{
	char plots[4300], gpdir[4096], script[4200], kern[32] = "", mode[32] = "", lo[40], hi[40];
	double vmin = INFINITY, vmax = -INFINITY;
	struct cp_err e = { 0 };

	for (size_t i = 0; i < run[base].c.nrow && !kern[0]; i++)
		if (!strcmp(csv_str(&run[base].c, i, COL_metric), "round_trip")) {
			snprintf(kern, sizeof(kern), "%.31s", csv_str(&run[base].c, i, COL_kernel));
			snprintf(mode, sizeof(mode), "%.31s", csv_str(&run[base].c, i, COL_mode));
		}
	for (int k = 0; k < n; k++)
		for (size_t i = 0; i < run[k].c.nrow; i++) {
			double v = csv_val(&run[k].c, i, COL_p50);

			if (strcmp(csv_str(&run[k].c, i, COL_metric), "round_trip") || strcmp(csv_str(&run[k].c, i, COL_kernel), kern) ||
			    strcmp(csv_str(&run[k].c, i, COL_mode), mode) || !isfinite(v))
				continue;
			vmin = v < vmin ? v : vmin;
			vmax = v > vmax ? v : vmax;
		}
	if (!kern[0] || !(vmin < vmax) || plot_scripts_dir(gpdir, sizeof(gpdir), &e))
		return;
	snprintf(plots, sizeof(plots), "%s/plots", out);
	mkdir(plots, 0755);
	snprintf(script, sizeof(script), "%s/heatmap.gp", gpdir);
	snprintf(lo, sizeof(lo), "%g", vmin);
	snprintf(hi, sizeof(hi), "%g", vmax);
	for (int k = 0; k < n; k++) {
		char vars[9000] = "", name[120], label[64], data[4300], caption[300];

		if (!run[k].have)
			continue;
		tame(run[k].label, label, sizeof(label));
		snprintf(name, sizeof(name), "compare-matrix-%d-%s", k + 1, label);
		snprintf(data, sizeof(data), "%s/matrix.csv", run[k].dir);
		plot_var(vars, sizeof(vars), "data", data);
		plot_var(vars, sizeof(vars), "kernel", kern);
		plot_var(vars, sizeof(vars), "mode", mode);
		plot_var(vars, sizeof(vars), "cbmin", lo);
		plot_var(vars, sizeof(vars), "cbmax", hi);
		if (plot_draw(script, vars, plots, name, &e)) {
			doc_p(d, "*Figure %s not drawn: %s.*", name, e.msg);
			continue;
		}
		snprintf(caption, sizeof(caption), "%s: the median round trip of every pair (%s, %s), on the colour "
			 "scale of all the runs (%s to %s ns)", run[k].label, kern, mode, lo, hi);
		doc_figure(d, name, caption);
	}
}

/* One experiment's section; its line of the "measured in one run and not
 * another" list into gaps. */
static void experiment_section(struct doc *d, const struct experiment *x, struct cmp_run *run, int n, int base,
			       char *gaps, size_t glen)
{
	char absent[600];
	const char *metric, *unit = "";
	int have = load_runs(run, n, x->name, absent, sizeof(absent));

	if (have && absent[0])
		snprintf(gaps + strlen(gaps), glen - strlen(gaps), "%s%s: not in %s", gaps[0] ? "; " : "",
			 x->name, absent);
	if (have && (metric = main_metric(x, run, n, &unit))) {
		char m[64];
		int partial;

		snprintf(m, sizeof(m), "%s", metric);
		doc_h(d, 2, "%s: %s", x->name, m);
		doc_p(d, "%s. Each run's median of %s per cell, lined up on everything that identifies the cell but "
			 "the CPU numbers, so that placement classes line up across machines; then each run against "
			 "the baseline: the ratio of the medians with a bootstrap interval of both runs' raw samples "
			 "where both kept them, else the conservative interval of the two CIs. Back to back on "
			 "different machines or days: a ratio, not a verdict.", x->summary, m);
		partial = side_by_side(d, run, n, base, m, unit);
		if (x->overlay == EXP_OVERLAY_BARS)
			overlay_figures(d, run, n, base, d->dir);
		else if (x->overlay == EXP_OVERLAY_HEAT)
			heat_maps(d, run, n, base, d->dir);
		if (partial)
			snprintf(gaps + strlen(gaps), glen - strlen(gaps), "%s%s: %d cell%s measured in some runs only",
				 gaps[0] ? "; " : "", x->name, partial, partial > 1 ? "s" : "");
		verdicts(d, run, n, base);
	}
	free_runs(run, n);
}

int compare_write(const struct compare_req *q, struct cp_err *e)
{
	struct cmp_run run[CMP_MAX_RUNS];
	struct doc d, body;
	char gaps[4000] = "", title[300];
	int rc;

	if (q->nruns < 2 || q->nruns > CMP_MAX_RUNS)
		return cp_errf(e, CP_EUSAGE, "compare: %d results directories: allowed: 2 to %d", q->nruns, CMP_MAX_RUNS);
	memset(run, 0, sizeof(run));
	for (int k = 0; k < q->nruns; k++) {
		run[k].dir = q->dirs[k];
		run[k].label = q->labels[k];
		snprintf(run[k].meta, sizeof(run[k].meta), "%s/meta.json", q->dirs[k]);
	}
	doc_open_mem(&body, q->out);
	for (size_t x = 0; x < experiment_count(); x++)
		experiment_section(&body, experiment_at(x), run, q->nruns, q->baseline, gaps, sizeof(gaps));
	snprintf(title, sizeof(title), "cachepong: %d runs compared", q->nruns);
	if ((rc = doc_open(&d, q->out, title, e))) {
		doc_free_mem(&body);
		return rc;
	}
	runs_section(&d, run, q->nruns, q->baseline);
	doc_h(&d, 2, "Measured in one run and not in another");
	if (q->nmissing)
		for (int k = 0; k < q->nmissing; k++)
			doc_li(&d, "%s", q->missing[k]);
	if (gaps[0])
		doc_p(&d, "%s.", gaps);
	else if (!q->nmissing)
		doc_p(&d, "Every run measured the same experiments and cells.");
	doc_append(&d, &body);
	return doc_close(&d, e);
}
