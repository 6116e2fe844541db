/* report_plot.c: `cachepong plot DIR`: the experiments' figures (which
 * script, which CSV, which metric, which columns split it into several
 * figures: struct exp_figure in each experiment's descriptor),
 * the columns checked in C before gnuplot runs (the scripts check again,
 * for people who run them by hand), gnuplot run by fork + execvp. */
#include "report_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include "compare.h"
#include "csvread.h"
#include "registry.h"
#include "meta.h"
#include "tmpname.h"

int plot_scripts_dir(char *buf, size_t len, struct cp_err *e)
{
	return cp_data_dir("plots", "common.gp", buf, len, e);
}

char *report_json_str(const char *path, const char *key, char *buf, size_t len)
{
	return meta_read_str(path, key, buf, len);
}

static void note(struct plot_set *ps, const char *fmt, const char *a, const char *b)
{
	if (ps->nnotes < (int)CP_ARRAY_SIZE(ps->notes))
		snprintf(ps->notes[ps->nnotes++], sizeof(ps->notes[0]), fmt, a, b);
}

/* File-name-safe form of a value ("cross-package:21" -> "cross-package-21"). */
static void tame(char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '-' || *s == '_'))
			*s = '-';
}

/* The two outputs of every figure, in this order. */
static const char *const plot_ext[] = { "png", "svg" };

int plot_draw(const char *script, const char *vars, const char *plots, const char *name, struct cp_err *e)
{
	for (size_t i = 0; i < CP_ARRAY_SIZE(plot_ext); i++) {
		char fin[4400], *v;
		size_t vl = strlen(vars) + 9000;
		struct tmp_file t;
		int rc;

		/* gnuplot writes the temporary: a failed run leaves no figure */
		snprintf(fin, sizeof(fin), "%.3800s/%.200s.%s", plots, name, plot_ext[i]);
		if (tmp_reserve(&t, "figure", fin, e))
			return e->code;
		v = cp_xcalloc(vl, 1);
		snprintf(v, vl, "%s", vars);
		plot_var(v, vl, "out", t.tmp);
		plot_var(v, vl, "term", plot_ext[i]);
		rc = plot_gnuplot(script, v, e);
		free(v);
		if (rc) {
			tmp_discard(&t);
			return rc;
		}
		if ((rc = tmp_commit(&t, e)))
			return rc;
	}
	return 0;
}

/* The figures a full results directory gives: every experiment's figure
 * rows times their facets (ops, placements), a measured guess's factor. */
#define PLOT_FIGURES_PER_ROW 4

/* A small results CSV of two modes and memory kinds at two placements. */
static int sample_rows(FILE *f, void *arg)
{
	static const char *const mode[] = { "thread", "process" }, *const shm[] = { "anon", "sysv" };

	(void)arg;
	fputs("experiment,kernel,impl,mode,shm,pages,layout,placement,metric,unit,p50,ci_lo,ci_hi\n", f);
	for (int i = 0; i < 8; i++)
		fprintf(f, "pingpong,cas,asm,%s,%s,4k,one-line,%s,round_trip,ns,%d,%d,%d\n", mode[i & 1],
			shm[(i >> 1) & 1], i & 4 ? "numa" : "llc", 100 + 10 * i, 98 + 10 * i, 103 + 10 * i);
	return 0;
}

/* The sample figure's variables, into v. */
static void sample_vars(char *v, size_t len, const char *data, const char *out, const char *term)
{
	v[0] = 0;
	plot_var(v, len, "data", data);
	plot_var(v, len, "out", out);
	plot_var(v, len, "term", term);
	plot_var(v, len, "kernel", "cas");
	plot_var(v, len, "cpu", "a CPU");
	snprintf(v + strlen(v), len - strlen(v), "; series='mode shm'");
}

/* plot_parallel() figures at once, each in both terminals: seconds. */
static double time_batch(const char *script, const char *dir, const char *data, struct cp_err *e)
{
	int par = plot_parallel(), n = 0, left;
	struct plot_proc p[2 * PLOT_PARALLEL_MAX], *pp[2 * PLOT_PARALLEL_MAX];
	char out[PATH_MAX + 32], vars[4 * PATH_MAX + 256];
	double t0 = cp_now_s();

	for (int f = 0; f < par; f++)
		for (size_t k = 0; k < CP_ARRAY_SIZE(plot_ext); k++) {
			snprintf(out, sizeof(out), "%s/figure%d.%s", dir, f, plot_ext[k]);
			sample_vars(vars, sizeof(vars), data, out, plot_ext[k]);
			if (plot_proc_start(&p[n], script, vars, e))
				break;
			pp[n] = &p[n];
			n++;
		}
	for (left = n; left > 0;) {
		plot_proc_wait_any(pp, n, 0);
		left = 0;
		for (int i = 0; i < n; i++)
			left += !p[i].done;
	}
	for (int i = 0; i < n && !e->code; i++)
		plot_proc_result(&p[i], e);
	for (int f = 0; f < par; f++)
		for (size_t k = 0; k < CP_ARRAY_SIZE(plot_ext); k++) {
			snprintf(out, sizeof(out), "%s/figure%d.%s", dir, f, plot_ext[k]);
			unlink(out);
		}
	return cp_now_s() - t0;
}

double plot_figure_seconds(void)
{
	char gpdir[PATH_MAX], dir[PATH_MAX], data[PATH_MAX + 16], script[PATH_MAX + 16], vars[4 * PATH_MAX + 256];
	char out[PATH_MAX + 32];
	struct cp_err e = { 0 };
	double secs = 0;

	/* one of the report's own figures (bars.gp, both terminals) on a few
	 * rows, drawn as the report draws: plot_parallel() at once (the CPUs
	 * a figure competes for, real or emulated, are in the time) */
	snprintf(dir, sizeof(dir), "%s/cachepong-figure.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (plot_scripts_dir(gpdir, sizeof(gpdir), &e) || !mkdtemp(dir))
		return 0;
	snprintf(data, sizeof(data), "%s/rows.csv", dir);
	snprintf(script, sizeof(script), "%s/bars.gp", gpdir);
	snprintf(out, sizeof(out), "%s/warm.png", dir);
	/* one gnuplot first, untimed: what a fresh machine has cold (its code
	 * and fonts; an emulator translates gnuplot's code once) is not what
	 * each figure costs; the draw learns from every figure it times */
	if (!tmp_write_atomic("figure", data, sample_rows, NULL, &e)) {
		sample_vars(vars, sizeof(vars), data, out, "png");
		if (!plot_gnuplot(script, vars, &e))
			secs = time_batch(script, dir, data, &e) / plot_parallel();
		unlink(out);
		unlink(data);
	}
	rmdir(dir);
	return e.code ? 0 : secs;
}

int plot_parallel(void)
{
	cpu_set_t set;
	int n = !sched_getaffinity(0, sizeof(set), &set) ? CPU_COUNT(&set) : 1;

	/* a figure is two gnuplot processes (PNG and SVG) */
	n /= 2;
	return n < 1 ? 1 : n > PLOT_PARALLEL_MAX ? PLOT_PARALLEL_MAX : n;
}

/* The figures of the run itself, not of an experiment: drawn from their
 * file as it is, after the experiments' (each one its own first). */
static const struct exp_figure run_figures[] = {
	{ "sentinel", "sentinel.gp", "sentinel.csv", "", "", "", "",
	  "The sentinel through the sweep (cas round trip before the cells): one colour per epoch, each epoch's "
	  "reference and its band" },
};

void plot_cost_estimate(double *one_, double *all, double *firsts)
{
	size_t nfigures = 0;
	double one = plot_figure_seconds();

	*one_ = one;
	for (size_t x = 0; x < experiment_count(); x++)
		nfigures += experiment_at(x)->nfigures;
	*all = one * (double)(nfigures * PLOT_FIGURES_PER_ROW + CP_ARRAY_SIZE(run_figures));
	*firsts = one * (double)(experiment_count() + CP_ARRAY_SIZE(run_figures));
}


static void figure_add(struct plot_set *ps, const struct exp_figure *f, const char *name, const char *key, int nf)
{
	char what[300];

	ps->f = cp_xrealloc(ps->f, ((size_t)ps->n + 1) * sizeof(*ps->f));
	memset(&ps->f[ps->n], 0, sizeof(ps->f[0]));
	snprintf(ps->f[ps->n].name, sizeof(ps->f[0].name), "%.150s", name);
	snprintf(ps->f[ps->n].kind, sizeof(ps->f[0].kind), "%s", f->kind);
	snprintf(what, sizeof(what), "%s%s%s", f->caption, nf ? ": " : "", key);
	snprintf(ps->f[ps->n].caption, sizeof(ps->f[0].caption), "%s", what);
	ps->n++;
}

/* ---- the figures of a directory: collected, then drawn in parallel ---- */

/* A figure's CSV, read once for all its facets. */
struct fig_csv {
	struct csv c;
	struct facets fa;
	char fac[256];                 /* the facet columns' names, fa points into it */
	char metric[64];
};

/* One figure to draw: one facet of one of an experiment's figures. */
struct fig_unit {
	size_t x;                      /* the experiment (registry order) */
	const struct exp_figure *f;
	const struct fig_csv *src;     /* NULL: a run figure, drawn from `raw` as it is */
	char key[256], name[300], script[4200], raw[4200];
	char *vars;                    /* without data, out and term */
	struct tmp_file data, out[CP_ARRAY_SIZE(plot_ext)];
	struct plot_proc proc[CP_ARRAY_SIZE(plot_ext)];
	int start_rc;                  /* unit_start failed: nothing to put in place */
	size_t nrows;                  /* the rows its data has */
	double t0;                     /* when it was started */
	int drawn;
	int stopped;                   /* killed at the hard deadline: not a failure */
};

struct fig_all {
	struct fig_csv **csv;          /* each on its own: the units point to them */
	size_t ncsv;
	struct fig_unit *u;
	size_t n;
};

/* The units of figure f of experiment x: one per facet value. */
static void collect_figure(const char *dir, const char *gpdir, const char *cpu, const char *drift, size_t x,
			   const struct exp_figure *f, struct fig_all *all, struct plot_set *ps, struct cp_err *e)
{
	char path[4200], *save = NULL;
	struct fig_csv *s;

	snprintf(path, sizeof(path), "%s/%s", dir, f->csv);
	if (access(path, F_OK)) {
		note(ps, "%s: no %s in this directory", f->kind, f->csv);
		return;
	}
	s = cp_xcalloc(1, sizeof(*s));
	if (plot_figure_csv(path, f, &ps->failed, &s->c, e)) {
		free(s);
		return;
	}
	all->csv = cp_xrealloc(all->csv, (all->ncsv + 1) * sizeof(*all->csv));
	all->csv[all->ncsv++] = s;
	plot_figure_metric(&s->c, f, s->metric, sizeof(s->metric));
	if (!s->metric[0]) {
		note(ps, "%s: no rows with metric %s", f->kind, f->metrics);
		return;
	}
	snprintf(s->fac, sizeof(s->fac), "%s", f->facet);
	for (char *t = strtok_r(s->fac, " ", &save); t && s->fa.nf < 4; t = strtok_r(NULL, " ", &save))
		s->fa.fcol[s->fa.nf++] = t;
	for (size_t i = 0; i < s->c.nrow; i++) {
		char key[256], vars[24000] = "";
		struct fig_unit *u;
		int dup = 0;

		if (!plot_drawn(&s->c, i, s->metric))
			continue;
		plot_facet_key(&s->c, i, &s->fa, key, sizeof(key));
		for (size_t k = 0; k < all->n && !dup; k++)
			dup = all->u[k].src == s && !strcmp(all->u[k].key, key);
		if (dup)
			continue;
		all->u = cp_xrealloc(all->u, (all->n + 1) * sizeof(*all->u));
		u = &all->u[all->n++];
		memset(u, 0, sizeof(*u));
		*u = (struct fig_unit){ .x = x, .f = f, .src = s };
		snprintf(u->key, sizeof(u->key), "%s", key);
		snprintf(u->name, sizeof(u->name), "%s%s%s", f->kind, s->fa.nf ? "-" : "", key);
		tame(u->name);
		snprintf(u->script, sizeof(u->script), "%s/%s", gpdir, f->script);
		plot_var(vars, sizeof(vars), "cpu", cpu);
		/* bars of separate cells carry the run's drift (bars.gp) */
		if (drift[0])
			plot_var(vars, sizeof(vars), "drift", drift);
		plot_var(vars, sizeof(vars), "metric", s->metric);
		for (int k = 0; k < s->fa.nf; k++)
			plot_var(vars, sizeof(vars), s->fa.fcol[k], csv_get(&s->c, i, csv_col(&s->c, s->fa.fcol[k])));
		if (f->vars[0])
			snprintf(vars + strlen(vars), sizeof(vars) - strlen(vars), "; %s", f->vars);
		if (!strcmp(f->script, "heatmap.gp")) {
			/* which machine and when: heat maps of several runs side by side */
			char meta[4200], host[128] = "", when[64] = "", run[256];

			snprintf(meta, sizeof(meta), "%s/meta.json", dir);
			report_json_str(meta, "host", host, sizeof(host));
			report_json_str(meta, "start_utc", when, sizeof(when));
			snprintf(run, sizeof(run), "%s%s%s", host, host[0] && when[0] ? ", " : "", when);
			if (run[0])
				plot_var(vars, sizeof(vars), "run", run);
			plot_heat_topology(dir, &s->c, vars, sizeof(vars));
		}
		u->vars = cp_xstrdup(vars);
	}
}

static void collect_run_figures(const char *dir, const char *gpdir, const char *cpu, struct fig_all *all)
{
	for (size_t k = 0; k < CP_ARRAY_SIZE(run_figures); k++) {
		const struct exp_figure *f = &run_figures[k];
		struct fig_unit *u;
		struct csv c;
		struct cp_err e = { 0 };
		char path[4200];
		size_t n;

		snprintf(path, sizeof(path), "%.4000s/%s", dir, f->csv);
		if (access(path, F_OK) || csv_read(path, &c, &e))
			continue;
		n = c.nrow;
		csv_free(&c);
		if (!n)
			continue;
		all->u = cp_xrealloc(all->u, (all->n + 1) * sizeof(*all->u));
		u = &all->u[all->n++];
		*u = (struct fig_unit){ .x = experiment_count() + k, .f = f };
		snprintf(u->name, sizeof(u->name), "%s", f->kind);
		snprintf(u->raw, sizeof(u->raw), "%s", path);
		snprintf(u->script, sizeof(u->script), "%s/%s", gpdir, f->script);
		u->vars = cp_xcalloc(600, 1);
		plot_var(u->vars, 600, "cpu", cpu);
	}
}

/* Start a unit: its rows to a temporary data file, then gnuplot once per
 * output format, each into its own temporary. */
static int unit_start(struct fig_unit *u, const char *plots, struct cp_err *e)
{
	char path[4400];
	size_t vl = strlen(u->vars) + 10000, nrows;
	char *v = cp_xcalloc(vl, 1), num[32];
	int rc = 0;

	if (u->src) {
		snprintf(path, sizeof(path), "%.3800s/.%.200s.csv", plots, u->name);
		if (tmp_open(&u->data, "figure", path, e)) {
			free(v);
			return e->code;
		}
		nrows = plot_facet_rows(u->data.f, &u->src->c, &u->src->fa, u->key, u->src->metric);
		u->nrows = nrows;
		if (fflush(u->data.f))
			rc = cp_errf(e, CP_ERUN, "%s: %s", u->data.tmp, strerror(errno));
	} else {
		nrows = 0;
	}
	for (size_t k = 0; k < CP_ARRAY_SIZE(plot_ext) && !rc; k++) {
		snprintf(path, sizeof(path), "%.3800s/%.200s.%s", plots, u->name, plot_ext[k]);
		if ((rc = tmp_reserve(&u->out[k], "figure", path, e)))
			break;
		snprintf(v, vl, "%s", u->vars);
		plot_var(v, vl, "data", u->src ? u->data.tmp : u->raw);
		snprintf(num, sizeof(num), "%zu", nrows);
		plot_var(v, vl, "nsamples", num);
		plot_var(v, vl, "out", u->out[k].tmp);
		plot_var(v, vl, "term", plot_ext[k]);
		rc = plot_proc_start(&u->proc[k], u->script, v, e);
	}
	free(v);
	return rc;
}

/* A unit whose gnuplots ended: its figures put in place, or why not. */
/* A gnuplot killed by a signal it did not ask for (a crash: seen under
 * load, with nothing on its stderr) is drawn once more, in this process's
 * turn; a second crash is the figure's failure. */
static int unit_redraw(struct fig_unit *u, const char *plots, struct cp_err *e)
{
	size_t vl = strlen(u->vars) + 10000;
	char *v = cp_xcalloc(vl, 1), num[32];
	int sig = 0, rc;

	for (size_t k = 0; k < CP_ARRAY_SIZE(plot_ext); k++)
		if (WIFSIGNALED(u->proc[k].status))
			sig = WTERMSIG(u->proc[k].status);
	snprintf(v, vl, "%s", u->vars);
	plot_var(v, vl, "data", u->src ? u->data.tmp : u->raw);
	snprintf(num, sizeof(num), "%zu", u->nrows);
	plot_var(v, vl, "nsamples", num);
	rc = plot_draw(u->script, v, plots, u->name, e);
	free(v);
	fprintf(stderr, "cachepong: plot %s: gnuplot died of signal %d; drawn again: %s\n", u->name, sig,
		rc ? "failed too" : "done");
	return rc;
}

static int crashed(const struct fig_unit *u)
{
	for (size_t k = 0; k < CP_ARRAY_SIZE(plot_ext); k++)
		if (WIFSIGNALED(u->proc[k].status))
			return 1;
	return 0;
}

static int unit_end(struct fig_unit *u, const char *plots, struct plot_set *ps, struct cp_err *e)
{
	int rc = u->start_rc ? u->start_rc : u->stopped ? CP_ERUN : 0;

	if (!rc && crashed(u)) {
		for (size_t k = 0; k < CP_ARRAY_SIZE(plot_ext); k++)
			tmp_discard(&u->out[k]);
		rc = unit_redraw(u, plots, e);
		tmp_discard(&u->data);
		u->drawn = !rc;
		if (rc)
			ps->failed++;
		return rc;
	}
	for (size_t k = 0; k < CP_ARRAY_SIZE(plot_ext); k++)
		if (!rc)
			rc = plot_proc_result(&u->proc[k], e);
	for (size_t k = 0; k < CP_ARRAY_SIZE(plot_ext); k++)
		if (!rc)
			rc = tmp_commit(&u->out[k], e);
		else
			tmp_discard(&u->out[k]);
	tmp_discard(&u->data);
	u->drawn = !rc;
	if (rc && rc != CP_EUNAVAIL && !u->start_rc && !u->stopped) {
		fprintf(stderr, "cachepong: plot %s: %s\n", u->name, e->msg);
		ps->failed++;
	}
	return rc;
}

static int unit_running(const struct fig_unit *u)
{
	for (size_t k = 0; k < CP_ARRAY_SIZE(plot_ext); k++)
		if (u->proc[k].pid && !u->proc[k].done)
			return 1;
	return 0;
}

/* What a run killed while drawing left in plots/ (NAME.tmp.PID of a
 * process that is gone) is not a figure. */
static void stale_temporaries(const char *plots)
{
	DIR *d = opendir(plots);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		const char *t = strstr(de->d_name, ".tmp.");
		char path[4400];
		long pid;

		/* only a pid that no longer exists: another run may be drawing */
		if (!t || (pid = strtol(t + 5, NULL, 10)) <= 0 || !kill((pid_t)pid, 0) || errno != ESRCH)
			continue;
		snprintf(path, sizeof(path), "%.3800s/%.255s", plots, de->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
}

/* The order of drawing: each experiment's first figure, then the rest. */
static size_t *draw_order(const struct fig_all *all)
{
	size_t *ord = cp_xcalloc(all->n + 1, sizeof(size_t)), n = 0;
	char *taken = cp_xcalloc(all->n + 1, 1);

	for (size_t i = 0; i < all->n; i++)
		if (!i || all->u[i].x != all->u[i - 1].x) {
			ord[n++] = i;
			taken[i] = 1;
		}
	for (size_t i = 0; i < all->n; i++)
		if (!taken[i])
			ord[n++] = i;
	free(taken);
	return ord;
}

/* How long unit u will take: the slowest unit of its figure drawn so far,
 * else the slowest of any (a CDF of raw samples takes longer than a bar
 * chart of medians, and one drawn figure says more than a mean), else 0
 * (nothing drawn yet). */
static double unit_predict(const struct fig_all *all, const double *took, const struct fig_unit *u)
{
	double same = 0, any = 0;

	for (size_t i = 0; i < all->n; i++) {
		any = fmax(any, took[i]);
		if (all->u[i].f == u->f)
			same = fmax(same, took[i]);
	}
	return same > 0 ? same : any;
}

/* Whether unit u, the next'th of the order, may start now: one after the
 * first of each experiment (the first `nfirst`) only when it will end by
 * the soft deadline, any only when it will end by the hard one. */
static int unit_in_time(const struct fig_all *all, const double *took, const struct fig_unit *u, size_t next,
			size_t nfirst, const struct plot_deadline *dl)
{
	double end = cp_now_s() + unit_predict(all, took, u);

	if (!dl)
		return 1;
	return !(next > nfirst && dl->soft > 0 && end > dl->soft) && !(dl->hard > 0 && end > dl->hard);
}

/* The units still running at the hard deadline are stopped. */
static size_t stop_running(struct fig_unit **run, size_t nrun, const struct plot_deadline *dl)
{
	size_t n = 0;

	if (!dl || !(dl->hard > 0) || cp_now_s() < dl->hard)
		return 0;
	for (size_t r = 0; r < nrun; r++)
		if (unit_running(run[r])) {
			for (size_t k = 0; k < CP_ARRAY_SIZE(plot_ext); k++)
				plot_proc_stop(&run[r]->proc[k]);
			run[r]->stopped = 1;
			n++;
		}
	return n;
}

static void draw_notes(struct plot_set *ps, size_t late, size_t stopped, size_t n)
{
	char n1[32], n2[32];

	snprintf(n2, sizeof(n2), "%zu", n);
	if (late) {
		snprintf(n1, sizeof(n1), "%zu figure%s", late, late > 1 ? "s" : "");
		note(ps, "%s not drawn: drawing is slower here than the time set aside for it; `cachepong plot "
			 "DIR` draws all %s", n1, n2);
	}
	if (stopped) {
		snprintf(n1, sizeof(n1), "%zu figure%s", stopped, stopped > 1 ? "s" : "");
		note(ps, "%s stopped unfinished at the end of the budget; `cachepong plot DIR` draws all %s", n1, n2);
	}
}

/* Draw every unit, plot_parallel() at once, in draw_order() within the
 * deadlines (NULL: none); CP_EUNAVAIL when gnuplot is missing (nothing
 * more is started). */
static int draw_all(struct fig_all *all, const char *plots, const struct plot_deadline *dl, struct plot_set *ps,
		    struct cp_err *e)
{
	size_t *ord = draw_order(all), next = 0, par = (size_t)plot_parallel(), nrun = 0, nfirst = 0, late = 0;
	size_t stopped = 0;
	double *took = cp_xcalloc(all->n + 1, sizeof(double));   /* each unit's time, start to end */
	struct fig_unit **run = cp_xcalloc(par, sizeof(*run));
	struct plot_proc **procs = cp_xcalloc(par * CP_ARRAY_SIZE(plot_ext), sizeof(*procs));
	int unavail = 0;

	for (size_t i = 0; i < all->n; i++)
		nfirst += !i || all->u[i].x != all->u[i - 1].x;
	while (nrun || (next < all->n && !unavail)) {
		int np = 0;

		while (nrun < par && next < all->n && !unavail) {
			struct fig_unit *u = &all->u[ord[next++]];

			if (!unit_in_time(all, took, u, next, nfirst, dl)) {
				late++;
				continue;
			}
			u->t0 = cp_now_s();
			if ((u->start_rc = unit_start(u, plots, e))) {
				/* what did start is waited for and ended with it */
				fprintf(stderr, "cachepong: plot %s: %s\n", u->name, e->msg);
				ps->failed++;
			}
			run[nrun++] = u;
		}
		for (size_t r = 0; r < nrun; r++)
			for (size_t k = 0; k < CP_ARRAY_SIZE(plot_ext); k++)
				if (run[r]->proc[k].pid && !run[r]->proc[k].done)
					procs[np++] = &run[r]->proc[k];
		if (np)
			plot_proc_wait_any(procs, np, dl ? dl->hard : 0);
		stopped += stop_running(run, nrun, dl);
		for (size_t r = 0; r < nrun;)
			if (!unit_running(run[r])) {
				took[run[r] - all->u] = cp_now_s() - run[r]->t0;
				unavail |= unit_end(run[r], plots, ps, e) == CP_EUNAVAIL;
				run[r] = run[--nrun];
			} else {
				r++;
			}
	}
	free(took);
	free(procs);
	free(run);
	free(ord);
	draw_notes(ps, late, stopped, all->n);
	return unavail ? CP_EUNAVAIL : 0;
}

int plot_render_dir(const char *dir, const struct plot_deadline *dl, struct plot_set *ps, struct cp_err *e)
{
	double t0 = cp_now_s();
	char gpdir[PATH_MAX], plots[4200], cpu[256], path[4200], drift[32] = "";
	struct fig_all all = { 0 };
	struct rep_drift dr;
	struct stat st;
	int rc;

	memset(ps, 0, sizeof(*ps));
	if (stat(dir, &st))
		return cp_errf(e, CP_EUSAGE, "plot: %s: not a results directory (%s)", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return cp_errf(e, CP_EUSAGE, "plot: %s: not a results directory (not a directory)", dir);
	if (plot_scripts_dir(gpdir, sizeof(gpdir), e))
		return e->code;
	snprintf(plots, sizeof(plots), "%s/plots", dir);
	if (mkdir(plots, 0755) && errno != EEXIST)
		return cp_errf(e, CP_ERUN, "%s: %s", plots, strerror(errno));
	stale_temporaries(plots);
	snprintf(path, sizeof(path), "%s/meta.json", dir);
	report_json_str(path, "cpu_model_name", cpu, sizeof(cpu));
	if (!cpu[0]) {
		snprintf(path, sizeof(path), "%s/topo.json", dir);
		report_json_str(path, "cpu_model", cpu, sizeof(cpu));
	}
	rep_drift_load(&dr, dir);
	if (isfinite(rep_drift_pct(&dr)))
		snprintf(drift, sizeof(drift), "%.2f", rep_drift_pct(&dr));
	rep_drift_free(&dr);
	rep_matrix_classes_csv(dir);
	/* the experiments' figures (their descriptors), in registry order */
	for (size_t x = 0; x < experiment_count(); x++)
		for (size_t i = 0; i < experiment_at(x)->nfigures; i++)
			collect_figure(dir, gpdir, cpu, drift, x, &experiment_at(x)->figures[i], &all, ps, e);
	collect_run_figures(dir, gpdir, cpu, &all);
	rc = draw_all(&all, plots, dl, ps, e);
	for (size_t i = 0; i < all.n; i++) {
		if (all.u[i].drawn)
			figure_add(ps, all.u[i].f, all.u[i].name, all.u[i].key, all.u[i].src ? all.u[i].src->fa.nf : 0);
		free(all.u[i].vars);
	}
	for (size_t k = 0; k < all.ncsv; k++) {
		csv_free(&all.csv[k]->c);
		free(all.csv[k]);
	}
	free(all.csv);
	free(all.u);
	ps->seconds = cp_now_s() - t0;
	return rc == CP_EUNAVAIL ? cp_errf(e, CP_EUNAVAIL, "gnuplot is not installed: apt-get install gnuplot-nox") : 0;
}
