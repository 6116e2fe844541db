/* report_plot.c: `cachepong plot DIR`: the experiments' figures (which
 * script, which CSV, which metric, which columns split it into several
 * figures: struct exp_figure in each experiment's descriptor),
 * the columns checked in C before gnuplot runs (the scripts check again,
 * for people who run them by hand), gnuplot run by fork + execvp. */
#include "report.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "have_hwloc.h"   /* HAVE_HWLOC, from tools/configure.sh */
#ifdef HAVE_HWLOC
#include <hwloc.h>
#endif

#include "compare.h"
#include "csvread.h"
#include "experiment.h"
#include "meta.h"
#include "tmpname.h"

int plot_scripts_dir(char *buf, size_t len, struct cp_err *e)
{
	return cp_data_dir("plots", "common.gp", buf, len, e);
}

int plot_gnuplot(const char *script, const char *vars, struct cp_err *e)
{
	int pfd[2], status;
	char out[4096];
	size_t got = 0;
	ssize_t r;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC))
		return cp_errf(e, CP_ERUN, "pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		return cp_errf(e, CP_ERUN, "fork: %s", strerror(errno));
	if (!pid) {
		int in = open("/dev/null", O_RDONLY);

		dup2(in, 0);
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		execlp("gnuplot", "gnuplot", "-e", vars, script, (char *)NULL);
		_exit(errno == ENOENT ? 126 : 127);
	}
	close(pfd[1]);
	/* keep the end of what gnuplot says: its error is the last line */
	while ((r = read(pfd[0], out + got, sizeof(out) - 1 - got)) > 0 || (r < 0 && errno == EINTR)) {
		if (r > 0)
			got += (size_t)r;
		if (got > sizeof(out) - 512) {
			memmove(out, out + got - 1024, 1024);
			got = 1024;
		}
	}
	out[got] = 0;
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 126)
		return cp_errf(e, CP_EUNAVAIL, "gnuplot is not installed: apt-get install gnuplot-nox");
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		char *p = out + strlen(out);

		while (p > out && (p[-1] == '\n' || p[-1] == ' '))
			*--p = 0;
		for (char *q = out; *q; q++)
			if (*q == '\n')
				*q = ' ';
		return cp_errf(e, CP_ERUN, "gnuplot %s failed (exit %d): %.700s", script,
			       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
			       got > 700 ? out + got - 700 : out);
	}
	return 0;
}

/* Append name='value' to vars, quoted for gnuplot (' doubled). */
void plot_var(char *vars, size_t len, const char *name, const char *value)
{
	size_t o = strlen(vars);

	o += (size_t)snprintf(vars + o, len > o ? len - o : 0, "%s%s='", o ? "; " : "", name);
	for (; *value && o + 3 < len; value++) {
		if (*value == '\'')
			vars[o++] = '\'';
		vars[o++] = *value;
	}
	snprintf(vars + o, len > o ? len - o : 0, "'");
}

/* The heat map's CPU order and boundaries, from the hwloc XML the sweep
 * saved: CPUs in logical order, where a new package or LLC starts. */
static void heat_topology(const char *dir, const struct csv *c, char *vars, size_t len)
{
#ifdef HAVE_HWLOC
	char xml[4200], *order, pk[4096] = "", ll[4096] = "";
	hwloc_topology_t t;
	int ca = csv_at(c, COL_cpu_a), cb = csv_at(c, COL_cpu_b), n, pos = 0, maxos = 0;
	char *in;
	hwloc_obj_t lastpkg = NULL, lastllc = NULL;

	snprintf(xml, sizeof(xml), "%s/topology.xml", dir);
	if (access(xml, R_OK) || hwloc_topology_init(&t))
		return;
	if (hwloc_topology_set_xml(t, xml) || hwloc_topology_load(t)) {
		hwloc_topology_destroy(t);
		return;
	}
	for (size_t i = 0; i < c->nrow; i++) {
		int a = atoi(csv_get(c, i, ca)), b = atoi(csv_get(c, i, cb));

		maxos = a > maxos ? a : maxos;
		maxos = b > maxos ? b : maxos;
	}
	in = cp_xcalloc((size_t)maxos + 1, 1);
	for (size_t i = 0; i < c->nrow; i++) {
		in[atoi(csv_get(c, i, ca))] = 1;
		in[atoi(csv_get(c, i, cb))] = 1;
	}
	n = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_PU);
	order = cp_xcalloc((size_t)n * 8 + 1, 1);
	for (int i = 0; i < n; i++) {
		hwloc_obj_t pu = hwloc_get_obj_by_type(t, HWLOC_OBJ_PU, (unsigned)i), llc = NULL, o;
		hwloc_obj_t pkg = hwloc_get_ancestor_obj_by_type(t, HWLOC_OBJ_PACKAGE, pu);
		size_t l;

		if ((int)pu->os_index > maxos || !in[pu->os_index])
			continue;
		for (o = pu->parent; o; o = o->parent)
			if (hwloc_obj_type_is_dcache(o->type))
				llc = o; /* the highest data cache above the PU */
		l = strlen(order);
		snprintf(order + l, (size_t)n * 8 + 1 - l, "%s%u", l ? " " : "", pu->os_index);
		if (pos && pkg != lastpkg)
			snprintf(pk + strlen(pk), sizeof(pk) - strlen(pk), " %d", pos);
		if (pos && llc != lastllc)
			snprintf(ll + strlen(ll), sizeof(ll) - strlen(ll), " %d", pos);
		lastpkg = pkg;
		lastllc = llc;
		pos++;
	}
	plot_var(vars, len, "order", order);
	plot_var(vars, len, "pkgb", pk);
	plot_var(vars, len, "llcb", ll);
	free(order);
	free(in);
	hwloc_topology_destroy(t);
#else
	(void)dir;
	(void)c;
	(void)vars;
	(void)len;
#endif
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

int plot_draw(const char *script, const char *vars, const char *plots, const char *name, struct cp_err *e)
{
	static const char *const ext[] = { "png", "svg" };

	for (size_t i = 0; i < CP_ARRAY_SIZE(ext); i++) {
		char fin[4400], *v;
		size_t vl = strlen(vars) + 9000;
		struct tmp_file t;
		int rc;

		/* gnuplot writes the temporary: a failed run leaves no figure */
		snprintf(fin, sizeof(fin), "%.3800s/%.200s.%s", plots, name, ext[i]);
		if (tmp_reserve(&t, "figure", fin, e))
			return e->code;
		v = cp_xcalloc(vl, 1);
		snprintf(v, vl, "%s", vars);
		plot_var(v, vl, "out", t.tmp);
		plot_var(v, vl, "term", ext[i]);
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

/* figures per table row in a full run: the facets (ops, placements) */
#define PLOT_FIGURES_PER_ROW 4

double plot_cost_estimate(void)
{
	struct cp_err e = { 0 };
	double t0 = cp_now_s();
	size_t nfigures = 0;

	for (size_t x = 0; x < experiment_count(); x++)
		nfigures += experiment_at(x)->nfigures;
	if (plot_gnuplot("/dev/null", "set term png; set output '/dev/null'; plot sin(x); "
			 "set term svg; set output '/dev/null'; plot sin(x)", &e))
		return 0;
	return (cp_now_s() - t0) * (double)(nfigures * PLOT_FIGURES_PER_ROW);
}

/* Read a figure's CSV and check it can be drawn from: complete, not
 * ragged, with the columns the figure needs.  0, or -1 (said why). */
static int figure_csv(const char *path, const struct exp_figure *f, struct plot_set *ps, struct csv *c,
		      struct cp_err *e)
{
	char need[512], *save = NULL;
	const char *names[40], *miss;
	int n = 0;

	if (csv_read(path, c, e)) {
		fprintf(stderr, "cachepong: plot %s: %s\n", f->kind, e->msg);
		ps->failed++;
		return -1;
	}
	/* a torn or ragged file is not drawn from: say which and why */
	if (c->partial)
		fprintf(stderr, "cachepong: plot %s: %s: not a complete results CSV: its last line has no newline (an "
			"interrupted write, or an unterminated quote)\n", f->kind, path);
	else if (c->bad_rows)
		fprintf(stderr, "cachepong: plot %s: %s: not a results CSV: %zu rows have more fields than its "
			"header\n", f->kind, path, c->bad_rows);
	snprintf(need, sizeof(need), "%s", f->need);
	for (char *t = strtok_r(need, " ", &save); t && n < 39; t = strtok_r(NULL, " ", &save))
		names[n++] = t;
	names[n] = NULL;
	miss = c->partial || c->bad_rows || !c->nrow ? NULL : csv_missing(c, names);
	if (miss)
		fprintf(stderr, "cachepong: plot %s: %s has no column '%s' (the figure needs: %s)\n", f->kind, path,
			miss, f->need);
	if (c->partial || c->bad_rows || miss) {
		ps->failed++;
		csv_free(c);
		return -1;
	}
	return 0;
}

/* The first of the figure's metrics ("a|b") that some row has, or "". */
static void figure_metric(const struct csv *c, const struct exp_figure *f, char *metric, size_t len)
{
	char ms[128], *save = NULL;
	int mcol = csv_at(c, COL_metric);

	metric[0] = 0;
	snprintf(ms, sizeof(ms), "%s", f->metrics);
	for (char *t = strtok_r(ms, "|", &save); t && !metric[0]; t = strtok_r(NULL, "|", &save))
		for (size_t i = 0; i < c->nrow && !metric[0]; i++)
			if (!strcmp(csv_get(c, i, mcol), t))
				snprintf(metric, len, "%s", t);
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

/* One figure per distinct value of the facet columns (fcol[0..nf)). */
struct facets {
	const char *fcol[4];
	int nf;
};

static void facet_key(const struct csv *c, size_t i, const struct facets *fa, char *key, size_t len)
{
	key[0] = 0;
	for (int k = 0; k < fa->nf; k++)
		snprintf(key + strlen(key), len - strlen(key), "%s%s", k ? " " : "", csv_get(c, i, csv_col(c, fa->fcol[k])));
}

/* Whether row i is drawn: of the figure's metric and not an arm of an A/A
 * control (compare.h). */
static int drawn(const struct csv *c, size_t i, const char *metric)
{
	return !strcmp(csv_str(c, i, COL_metric), metric) &&
	       !cmp_control_arm(csv_str(c, i, COL_arms), csv_str(c, i, COL_arm));
}

/* The rows drawn in facet `key` (header first), to a temporary file
 * beside the figures: its name into sub. */
static int facet_rows(const struct csv *c, const struct facets *fa, const char *key, const char *metric,
		      const char *plots, const char *name, char *sub, size_t len, struct cp_err *e)
{
	char path[4400], k[256];
	FILE *f;

	snprintf(path, sizeof(path), "%.3800s/.%.200s.csv", plots, name);
	tmp_name(sub, len, path);
	if (!(f = fopen(sub, "w")))
		return cp_errf(e, CP_ERUN, "%s: %s", sub, strerror(errno));
	fprintf(f, "%s\n", c->header_line);
	for (size_t i = 0; i < c->nrow; i++) {
		if (!drawn(c, i, metric))
			continue;
		facet_key(c, i, fa, k, sizeof(k));
		if (!strcmp(k, key))
			fprintf(f, "%s\n", c->line[i]);
	}
	if (fclose(f)) {
		unlink(sub);
		return cp_errf(e, CP_ERUN, "%s: %s", sub, strerror(errno));
	}
	return 0;
}

static void render(const char *dir, const char *gpdir, const char *plots, const char *cpu,
		   const struct exp_figure *f, double deadline, struct plot_set *ps, int *unavail,
		   struct cp_err *e)
{
	char path[4200], script[4200], fac[256], metric[64], sub[4400], *save = NULL;
	struct facets fa = { .nf = 0 };
	int rc;
	struct csv c;
	char (*seen)[256];
	size_t nseen = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, f->csv);
	snprintf(script, sizeof(script), "%s/%s", gpdir, f->script);
	if (access(path, F_OK)) {
		note(ps, "%s: no %s in this directory", f->kind, f->csv);
		return;
	}
	if (figure_csv(path, f, ps, &c, e))
		return;
	figure_metric(&c, f, metric, sizeof(metric));
	if (!metric[0]) {
		note(ps, "%s: no rows with metric %s", f->kind, f->metrics);
		csv_free(&c);
		return;
	}
	snprintf(fac, sizeof(fac), "%s", f->facet);
	for (char *t = strtok_r(fac, " ", &save); t && fa.nf < 4; t = strtok_r(NULL, " ", &save))
		fa.fcol[fa.nf++] = t;
	seen = cp_xcalloc(c.nrow + 1, sizeof(*seen));
	for (size_t i = 0; i < c.nrow; i++) {
		char key[256], name[300], vars[24000] = "";
		int dup = 0;

		if (!drawn(&c, i, metric))
			continue;
		facet_key(&c, i, &fa, key, sizeof(key));
		for (size_t s = 0; s < nseen && !dup; s++)
			dup = !strcmp(seen[s], key);
		if (dup)
			continue;
		/* past the deadline only the first figure is still drawn: a report
		 * whose cells overran its budget still shows its first question */
		if (deadline > 0 && cp_now_s() > deadline && ps->n > 0) {
			note(ps, "%s: the budget ran out before it was drawn%s", f->kind, "");
			break;
		}
		snprintf(seen[nseen++], sizeof(seen[0]), "%s", key);
		snprintf(name, sizeof(name), "%s%s%s", f->kind, fa.nf ? "-" : "", key);
		tame(name);
		/* gnuplot reads only this figure's rows: a raw file of a long run
		 * holds 10^5 samples, and each plot pass reads all of it */
		if (facet_rows(&c, &fa, key, metric, plots, name, sub, sizeof(sub), e)) {
			fprintf(stderr, "cachepong: plot %s: %s\n", name, e->msg);
			ps->failed++;
			continue;
		}
		plot_var(vars, sizeof(vars), "data", sub);
		plot_var(vars, sizeof(vars), "cpu", cpu);
		plot_var(vars, sizeof(vars), "metric", metric);
		for (int k = 0; k < fa.nf; k++)
			plot_var(vars, sizeof(vars), fa.fcol[k], csv_get(&c, i, csv_col(&c, fa.fcol[k])));
		if (f->vars[0])
			snprintf(vars + strlen(vars), sizeof(vars) - strlen(vars), "; %s", f->vars);
		if (!strcmp(f->script, "heatmap.gp"))
			heat_topology(dir, &c, vars, sizeof(vars));
		rc = plot_draw(script, vars, plots, name, e);
		unlink(sub);
		if (rc) {
			*unavail |= e->code == CP_EUNAVAIL;
			fprintf(stderr, "cachepong: plot %s: %s\n", name, e->msg);
			ps->failed++;
			if (*unavail)
				break;
			continue;
		}
		figure_add(ps, f, name, key, fa.nf);
	}
	free(seen);
	csv_free(&c);
}

int plot_render_dir(const char *dir, double deadline, struct plot_set *ps, struct cp_err *e)
{
	double t0 = cp_now_s();
	char gpdir[PATH_MAX], plots[4200], cpu[256], path[4200];
	struct stat st;
	int unavail = 0;

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
	{
		/* a figure an interrupted run was drawing is not a figure */
		DIR *d = opendir(plots);
		struct dirent *de;

		while (d && (de = readdir(d))) {
			size_t n = strlen(de->d_name);

			if (de->d_name[0] == '.' && n > 4 && !strcmp(de->d_name + n - 4, ".tmp")) {
				snprintf(path, sizeof(path), "%.3800s/%.255s", plots, de->d_name);
				unlink(path);
			}
		}
		if (d)
			closedir(d);
	}
	snprintf(path, sizeof(path), "%s/meta.json", dir);
	report_json_str(path, "cpu_model_name", cpu, sizeof(cpu));
	if (!cpu[0]) {
		snprintf(path, sizeof(path), "%s/topo.json", dir);
		report_json_str(path, "cpu_model", cpu, sizeof(cpu));
	}
	/* the experiments' figures (their descriptors), in registry order */
	for (size_t x = 0; x < experiment_count() && !unavail; x++)
		for (size_t i = 0; i < experiment_at(x)->nfigures && !unavail; i++)
			render(dir, gpdir, plots, cpu, &experiment_at(x)->figures[i], deadline, ps,
			       &unavail, e);
	ps->seconds = cp_now_s() - t0;
	if (unavail)
		return CP_EUNAVAIL;
	return 0;
}
