/* plot_data.c: what a figure reads, before gnuplot runs: its CSV checked
 * (complete, the columns it needs), the metric it draws, the rows of each
 * facet (a raw file's samples thinned to PLOT_CDF_POINTS order statistics
 * per series), and the heat map's CPU order from the saved topology. */
#include "report_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "have_hwloc.h"   /* HAVE_HWLOC, from tools/configure.sh */
#ifdef HAVE_HWLOC
#include <hwloc.h>
#endif

#include "compare.h"
#include "registry.h"

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
void plot_heat_topology(const char *dir, const struct csv *c, char *vars, size_t len)
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

/* Read a figure's CSV and check it can be drawn from: complete, not
 * ragged, with the columns the figure needs.  0, or -1 (said why). */
int plot_figure_csv(const char *path, const struct exp_figure *f, int *failed, struct csv *c, struct cp_err *e)
{
	char need[512], *save = NULL;
	const char *names[40], *miss;
	int n = 0;

	if (csv_read(path, c, e)) {
		fprintf(stderr, "cachepong: plot %s: %s\n", f->kind, e->msg);
		(*failed)++;
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
		(*failed)++;
		csv_free(c);
		return -1;
	}
	return 0;
}

/* The first of the figure's metrics ("a|b") that some row has, or "". */
void plot_figure_metric(const struct csv *c, const struct exp_figure *f, char *metric, size_t len)
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

void plot_facet_key(const struct csv *c, size_t i, const struct facets *fa, char *key, size_t len)
{
	key[0] = 0;
	for (int k = 0; k < fa->nf; k++)
		snprintf(key + strlen(key), len - strlen(key), "%s%s", k ? " " : "", csv_get(c, i, csv_col(c, fa->fcol[k])));
}

/* Whether row i is drawn: of the figure's metric, not an arm of an A/A
 * control (compare.h), and not an arm of a k-arm design (arms "KEY=..."):
 * those are compared in their forest plot and tabled in the report, and
 * as bars they would stand on the bars of the cells measured alone. */
int plot_drawn(const struct csv *c, size_t i, const char *metric)
{
	return !strcmp(csv_str(c, i, COL_metric), metric) &&
	       !cmp_control_arm(csv_str(c, i, COL_arms), csv_str(c, i, COL_arm)) &&
	       (!strcmp(metric, "ratio") || !strchr(csv_str(c, i, COL_arms), '='));
}

/* Keep every sample, or thin: the order statistics evenly spaced over
 * [min, max], at most PLOT_CDF_POINTS of them (the ranks rounded to the
 * nearest), in value order.  Drawn as a CDF they are the curve of all the
 * samples to within 1/PLOT_CDF_POINTS of a fraction, and gnuplot reads a
 * thousand lines per series instead of 10^5. */
struct thin_row {
	double v;
	size_t i;
};

static int cmp_thin(const void *a, const void *b)
{
	const struct thin_row *x = a, *y = b;

	return (x->v > y->v) - (x->v < y->v);
}

static void put_thinned(FILE *f, const struct csv *c, struct thin_row *g, size_t n)
{
	qsort(g, n, sizeof(*g), cmp_thin);
	if (n <= PLOT_CDF_POINTS) {
		for (size_t k = 0; k < n; k++)
			fprintf(f, "%s\n", c->line[g[k].i]);
		return;
	}
	for (size_t k = 0; k < PLOT_CDF_POINTS; k++)
		fprintf(f, "%s\n", c->line[g[(size_t)((double)k * (double)(n - 1) / (PLOT_CDF_POINTS - 1) + 0.5)].i]);
}

/* A raw file's drawn rows of one facet, per series (the rows' key), thinned. */
static void raw_rows(FILE *f, const struct csv *c, const char *const *keys, const size_t *rows, size_t n, int vcol)
{
	struct thin_row *g = cp_xcalloc(n ? n : 1, sizeof(*g));
	char *done = cp_xcalloc(n ? n : 1, 1);

	for (size_t a = 0; a < n; a++) {
		size_t m = 0;

		if (done[a])
			continue;
		for (size_t b = a; b < n; b++)
			if (!done[b] && !strcmp(keys[b], keys[a])) {
				done[b] = 1;
				g[m++] = (struct thin_row){ csv_num(c, rows[b], vcol), rows[b] };
			}
		put_thinned(f, c, g, m);
	}
	free(g);
	free(done);
}

size_t plot_facet_rows(FILE *f, const struct csv *c, const struct facets *fa, const char *key, const char *metric)
{
	int vcol = csv_col(c, "value"), raw = vcol >= 0 && csv_col(c, "sample") >= 0;
	size_t *rows = cp_xcalloc(c->nrow + 1, sizeof(size_t)), n = 0;
	char **keys = raw ? cp_xcalloc(c->nrow + 1, sizeof(char *)) : NULL, k[256], rk[1024];

	fprintf(f, "%s\n", c->header_line);
	for (size_t i = 0; i < c->nrow; i++) {
		if (!plot_drawn(c, i, metric))
			continue;
		plot_facet_key(c, i, fa, k, sizeof(k));
		if (strcmp(k, key))
			continue;
		if (!raw) {
			fprintf(f, "%s\n", c->line[i]);
		} else {
			csv_key(c, i, -1, rk, sizeof(rk));
			keys[n] = cp_xstrdup(rk);
		}
		rows[n++] = i;
	}
	if (raw)
		raw_rows(f, c, (const char *const *)keys, rows, n, vcol);
	for (size_t i = 0; raw && i < n; i++)
		free(keys[i]);
	free(keys);
	free(rows);
	return n;
}
