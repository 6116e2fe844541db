/* result_table.c: the readable table (--format table, the default on a
 * terminal), written at close: one line per row, columns that tell rows
 * apart only where they differ, then the process/thread ratio of rows that
 * differ only in mode, the timer and the notes. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "compare.h"
#include "result_int.h"

static void fmt_num(char *buf, size_t len, double v)
{
	cp_fmt_num(v, buf, len);
}

#define TCOLS (16 + CP_MAX_COUNTERS)
#define TCELL 80

struct table {
	int ncol;
	char head[TCOLS][TCELL];
	int right[TCOLS];
	size_t w[TCOLS];
	char (*cell)[TCOLS][TCELL]; /* one row of cells per result */
};

static int tcol(struct table *t, const char *head, int right)
{
	snprintf(t->head[t->ncol], TCELL, "%s", head);
	t->right[t->ncol] = right;
	return t->ncol++;
}

static int all_same_unit(const struct cp_sink *s)
{
	for (size_t k = 1; k < s->nrows; k++)
		if (strcmp(s->rows[k].unit ? s->rows[k].unit : "", s->rows[0].unit ? s->rows[0].unit : ""))
			return 0;
	return 1;
}

static int same_str(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

/* Row r's values by column id, as the CSV writes them (compare.h). */
struct cells {
	char buf[COL_COUNT][128];
	const char *v[COL_COUNT];
};

static void cells_of(const struct cp_row *r, struct cells *c)
{
	for (int k = 0; k < COL_COUNT; k++)
		c->v[k] = result_cell(r, (enum cp_col)k, c->buf[k], sizeof(c->buf[k]));
}

/* Columns that tell rows apart only where the rows differ in them: a
 * size sweep shows its sizes, a ping-pong table stays narrow. */
static int varies_str(const struct cp_sink *s, size_t off)
{
	for (size_t k = 1; k < s->nrows; k++)
		if (!same_str(*(const char **)((const char *)&s->rows[k] + off),
			      *(const char **)((const char *)&s->rows[0] + off)))
			return 1;
	return 0;
}

static int varies_ext(const struct cp_sink *s, enum cp_col col)
{
	for (size_t k = 1; k < s->nrows; k++)
		if (!same_str(row_ext(&s->rows[k], col), row_ext(&s->rows[0], col)))
			return 1;
	return 0;
}

static int varies_size(const struct cp_sink *s)
{
	for (size_t k = 1; k < s->nrows; k++)
		if (s->rows[k].size_bytes != s->rows[0].size_bytes)
			return 1;
	return 0;
}

static int varies_agents(const struct cp_sink *s)
{
	for (size_t k = 1; k < s->nrows; k++)
		if (s->rows[k].agents != s->rows[0].agents)
			return 1;
	return 0;
}

/* The comparison rows of interleaved arms: "process / thread 1.01
 * [0.98, 1.03]: equivalent within 5%".  Returns how many. */
static int table_verdicts(const struct cp_sink *s, FILE *f)
{
	int n = 0;

	for (size_t i = 0; i < s->nrows; i++) {
		const struct cp_row *r = &s->rows[i];
		int col = schema_cmp_col(r->mode, r->arms);
		char a[32], b[32], c[32], m[32], pair[160], lvl[48];
		const char *ab = col >= 0 ? result_cell(r, (enum cp_col)col, pair, sizeof(pair)) : "";
		const char *colon = strchr(ab, ':');

		if (!r->verdict || !colon)
			continue;
		if (!n++)
			fprintf(f, "\ninterleaved arms (median of the block ratios, 95%% interval from their order "
				"statistics):\n");
		fmt_num(a, sizeof(a), r->st.p50);
		fmt_num(b, sizeof(b), r->st.ci_lo);
		fmt_num(c, sizeof(c), r->st.ci_hi);
		snprintf(m, sizeof(m), "%g", r->margin_pct);
		/* an interval of one of several comparisons says its coverage */
		lvl[0] = 0;
		if (r->ci_level_pct > 0 && (r->ci_level_pct < 95 || r->ci_level_pct > 95))
			snprintf(lvl, sizeof(lvl), ", interval at %g%%", r->ci_level_pct);
		fprintf(f, "  %s, %s, %s, cpus %s: %s / %.*s %s [%s, %s]: %s at a %s%% margin (%llu %s%s)\n",
			r->kernel ? r->kernel : "", col == COL_shm ? r->mode : r->shm ? r->shm : "",
			r->placement ? r->placement : "", r->cpus, colon + 1, (int)(colon - ab), ab, a, b, c, r->verdict,
			m, (unsigned long long)r->blocks, col == COL_mode ? "block pairs" : "rounds", lvl);
	}
	return n;
}

/* One line of the back-to-back comparison: the cell, then "r [lo, hi]". */
static void table_ratio_line(const struct cp_sink *s, FILE *f, const struct cp_row *p, const char *a,
			     const char *b, const char *c)
{
	char sz[32] = "", ext[200] = "";
	size_t off = 0;

	if (varies_size(s))
		size_format(p->size_bytes, sz, sizeof(sz));
	/* the experiment's own columns: ", state M, holder self" */
	for (int k = 0; k < COL_COUNT && off < sizeof(ext); k++)
		if (result_cols[k].kind == C_EXT && row_ext(p, (enum cp_col)k))
			off += (size_t)snprintf(ext + off, sizeof(ext) - off, ", %s %s", result_columns[k],
						row_ext(p, (enum cp_col)k));
	fprintf(f, "  %s%s, %s, %s, cpus %s%s%s%s%s: %s [%s, %s]\n", p->kernel ? p->kernel : "", ext,
		p->shm ? p->shm : "", p->placement ? p->placement : "", p->cpus, sz[0] ? ", " : "", sz,
		p->unit && strcmp(p->unit, "ns") ? ", " : "", p->unit && strcmp(p->unit, "ns") ? p->unit : "", a, b,
		c);
}

static void table_ratios(const struct cp_sink *s, FILE *f)
{
	int header = 0;

	if (table_verdicts(s, f))
		return; /* the arms' own comparison, not the twin rule */

	for (size_t i = 0; i < s->nrows; i++) {
		struct cells *cp = cp_xcalloc(2, sizeof(*cp)), *ct = cp + 1;

		cells_of(&s->rows[i], cp);
		for (size_t j = 0; j < s->nrows; j++) {
			const struct cp_row *p = &s->rows[i], *t = &s->rows[j];
			struct cmp_side sp = { p->raw, p->nraw, p->st.p50, p->st.ci_lo, p->st.ci_hi };
			struct cmp_side st = { t->raw, t->nraw, t->st.p50, t->st.ci_lo, t->st.ci_hi };
			struct cmp_ratio q;
			char a[32], b[32], c[32];

			cells_of(t, ct);
			if (!cmp_twins(cp->v, ct->v))
				continue;
			cmp_ratio(&sp, &st, &q);
			if (!header++)
				fprintf(f, "\nprocess / thread, measured back to back (ratio of medians, 95%% interval: "
					"a bootstrap of the samples, or [p.ci_lo/t.ci_hi, p.ci_hi/t.ci_lo]; not a verdict):\n");
			fmt_num(a, sizeof(a), q.r);
			fmt_num(b, sizeof(b), q.lo);
			fmt_num(c, sizeof(c), q.hi);
			table_ratio_line(s, f, p, a, b, c);
		}
		free(cp);
	}
}

/* Where each shown column is in the table, -1 when not shown. */
struct tcols {
	int kernel, mode, shm, place, cpus, node, unit, med, ow, ci, p1090, n, ctr;
	int size, pages, layout, agents, metric, arm;
	int ext[COL_COUNT];   /* the C_EXT columns (state, holder ...), by column id */
};

static int tcol_if(struct table *t, int shown, const char *head, int right)
{
	return shown ? tcol(t, head, right) : -1;
}

/* The columns: always the cell's identity and the statistics; a column
 * that tells rows apart only where the rows differ in it. */
static void table_columns(const struct cp_sink *s, struct table *t, struct tcols *c)
{
	const char *unit = s->nrows && s->rows[0].unit ? s->rows[0].unit : "";
	int one_unit = all_same_unit(s), rt = 0;
	char h[TCELL];

	for (size_t k = 0; k < s->nrows; k++)
		rt |= same_str(s->rows[k].metric, "round_trip");
	c->kernel = tcol(t, "kernel", 0);
	c->mode = tcol(t, "mode", 0);
	c->arm = tcol_if(t, varies_str(s, offsetof(struct cp_row, arm)), "arm", 0);
	c->shm = tcol(t, "shm", 0);
	c->place = tcol(t, "placement", 0);
	c->cpus = tcol(t, "cpus", 0);
	c->node = tcol(t, "node", 1);
	c->pages = tcol_if(t, varies_str(s, offsetof(struct cp_row, pages)), "pages", 0);
	c->layout = tcol_if(t, varies_str(s, offsetof(struct cp_row, layout)), "layout", 0);
	for (int k = 0; k < COL_COUNT; k++)
		c->ext[k] = result_cols[k].kind == C_EXT ? tcol_if(t, varies_ext(s, (enum cp_col)k), result_columns[k], 0)
							 : -1;
	c->size = tcol_if(t, varies_size(s), "size", 1);
	c->agents = tcol_if(t, varies_agents(s), "agents", 1);
	c->metric = tcol_if(t, varies_str(s, offsetof(struct cp_row, metric)), "metric", 0);
	c->unit = tcol_if(t, !one_unit, "unit", 0);
	snprintf(h, sizeof(h), one_unit ? "median [%s]" : "median", unit);
	c->med = tcol(t, h, 1);
	snprintf(h, sizeof(h), one_unit ? "one-way [%s]" : "one-way", unit);
	c->ow = tcol_if(t, rt, h, 1);
	c->ci = tcol(t, "95% CI of median", 1);
	c->p1090 = tcol(t, "p10..p90", 1);
	c->n = tcol(t, "n", 1);
	c->ctr = t->ncol;
	for (int i = 0; i < s->ncounters; i++) {
		snprintf(h, sizeof(h), "%.36s/op", s->ctr_names[i]);
		tcol(t, h, 1);
	}
}

static void cell_str(char (*c)[TCELL], int col, const char *v)
{
	if (col >= 0)
		snprintf(c[col], TCELL, "%s", v ? v : "");
}

static void table_fill(const struct tcols *x, const struct cp_row *r, char (*c)[TCELL])
{
	char a[32], b[32];

	cell_str(c, x->kernel, r->kernel);
	cell_str(c, x->mode, r->mode);
	cell_str(c, x->shm, r->shm);
	cell_str(c, x->place, r->placement);
	snprintf(c[x->cpus], TCELL, "%.40s", r->cpus);
	snprintf(c[x->node], TCELL, r->mem_node >= 0 ? "%d" : "-", r->mem_node);
	cell_str(c, x->pages, r->pages);
	cell_str(c, x->layout, r->layout);
	for (int k = 0; k < COL_COUNT; k++)
		if (x->ext[k] >= 0)
			cell_str(c, x->ext[k], row_ext(r, (enum cp_col)k));
	cell_str(c, x->arm, r->arm);
	if (x->size >= 0)
		size_format(r->size_bytes, c[x->size], TCELL);
	if (x->agents >= 0)
		snprintf(c[x->agents], TCELL, "%u", r->agents);
	cell_str(c, x->metric, r->metric);
	cell_str(c, x->unit, r->unit);
	fmt_num(c[x->med], TCELL, r->st.p50);
	/* one median of several populations describes neither: listed below */
	if (r->modes.n > 1)
		snprintf(c[x->med], TCELL, "%d modes *", r->modes.n);
	if (x->ow >= 0 && r->modes.n > 1)
		snprintf(c[x->ow], TCELL, "-");
	else if (x->ow >= 0 && same_str(r->metric, "round_trip"))
		fmt_num(c[x->ow], TCELL, r->st.p50 / 2);
	else if (x->ow >= 0)
		snprintf(c[x->ow], TCELL, "-");
	fmt_num(a, sizeof(a), r->st.ci_lo);
	fmt_num(b, sizeof(b), r->st.ci_hi);
	snprintf(c[x->ci], TCELL, isfinite(r->st.ci_lo) ? "[%s, %s]" : "n/a (n<6)", a, b);
	fmt_num(a, sizeof(a), r->st.p10);
	fmt_num(b, sizeof(b), r->st.p90);
	snprintf(c[x->p1090], TCELL, "%s..%s", a, b);
	snprintf(c[x->n], TCELL, "%zu", r->st.n);
	for (int i = 0; i < r->ncounters; i++)
		fmt_num(c[x->ctr + i], TCELL, r->counters[i].valid ? r->counters[i].per_op : NAN);
}

static void table_print(struct table *t, size_t nrows, FILE *f)
{
	for (int j = 0; j < t->ncol; j++) {
		t->w[j] = strlen(t->head[j]);
		for (size_t k = 0; k < nrows; k++)
			if (strlen(t->cell[k][j]) > t->w[j])
				t->w[j] = strlen(t->cell[k][j]);
	}
	for (int j = 0; j < t->ncol; j++)
		fprintf(f, "%s%*s", j ? "  " : "", t->right[j] ? (int)t->w[j] : -(int)t->w[j], t->head[j]);
	fputc('\n', f);
	for (size_t k = 0; k < nrows; k++) {
		for (int j = 0; j < t->ncol; j++)
			fprintf(f, "%s%*s", j ? "  " : "", t->right[j] ? (int)t->w[j] : -(int)t->w[j],
				t->cell[k][j]);
		fputc('\n', f);
	}
}

/* The rows whose samples hold several modes: each mode's median and share. */
static void table_modes(const struct cp_sink *s, FILE *f)
{
	int n = 0;

	for (size_t i = 0; i < s->nrows; i++) {
		const struct cp_row *r = &s->rows[i];

		if (r->modes.n < 2)
			continue;
		if (!n++)
			fprintf(f, "\n* several modes (their medians and shares; the median of all describes neither):\n");
		fprintf(f, "  %s, %s, %s, cpus %s:", r->kernel ? r->kernel : "", r->mode ? r->mode : "",
			r->placement ? r->placement : "", r->cpus);
		for (int k = 0; k < r->modes.n; k++) {
			char a[32];

			fmt_num(a, sizeof(a), r->modes.p50[k]);
			fprintf(f, "%s %s %s (%.0f%%)", k ? "," : "", a, r->unit ? r->unit : "", 100 * r->modes.weight[k]);
		}
		fputc('\n', f);
	}
}

void result_table_write(struct cp_sink *s)
{
	struct table t = { 0 };
	struct tcols x;
	FILE *f = s->out.f;

	table_columns(s, &t, &x);
	t.cell = cp_xcalloc(s->nrows ? s->nrows : 1, sizeof(*t.cell));
	for (size_t k = 0; k < s->nrows; k++)
		table_fill(&x, &s->rows[k], t.cell[k]);
	table_print(&t, s->nrows, f);
	free(t.cell);
	table_modes(s, f);
	table_ratios(s, f);
	if (s->meta.have_timer)
		fprintf(f, "\ntimer: %s, resolution %.3g ns, %.1f ns per begin..end pair%s%s\n",
			s->meta.timer_name, s->meta.timer_resolution_ns, s->meta.timer_overhead_ns,
			s->meta.timer_warning[0] ? "; " : "", s->meta.timer_warning);
	for (size_t i = 0; i < s->meta.nnotes; i++)
		fprintf(f, "%s%s\n", i ? "       " : "notes: ", s->meta.notes[i]);
}
