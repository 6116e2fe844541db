/* report_sections.c: what the sections share: loading a CSV, the summary,
 * figures, the verdicts of interleaved arms, the back-to-back
 * process/thread twins of the cost commands.  Every number printed here is
 * read from the run's CSVs or computed from them. */
#include "report_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int rep_load(const struct rep *r, const char *name, struct csv *c)
{
	if (rep_load_controls(r, name, c))
		return -1;
	cmp_drop_control_arms(c);
	if (!c->nrow) {
		csv_free(c);
		return -1;
	}
	return 0;
}

int rep_load_controls(const struct rep *r, const char *name, struct csv *c)
{
	char path[4300];
	struct cp_err e = { 0 };

	snprintf(path, sizeof(path), "%s/%s", r->dir, name);
	if (access(path, F_OK) || csv_read(path, c, &e))
		return -1;   /* not measured in this run: the section is left out */
	if (!c->nrow) {
		csv_free(c);
		return -1;
	}
	if (csv_need_schema(c, &e)) {
		/* columns are read by id from here on: a file that lacks one is not read */
		fprintf(stderr, "cachepong: warning: report: %s\n", e.msg);
		doc_p(r->d, "*%s was not read: %s.*", name, e.msg);
		csv_free(c);
		return -1;
	}
	return 0;
}

void rep_sum(struct rep *r, const char *fmt, ...)
{
	va_list ap;

	if (r->nsum == (int)CP_ARRAY_SIZE(r->sum))
		return;
	va_start(ap, fmt);
	vsnprintf(r->sum[r->nsum++], sizeof(r->sum[0]), fmt, ap);
	va_end(ap);
}

void rep_figures(struct rep *r, const char *kind)
{
	for (int i = 0; i < r->ps->n; i++)
		if (!strcmp(r->ps->f[i].kind, kind))
			doc_figure(r->d, r->ps->f[i].name, r->ps->f[i].caption);
}

/* Row i's values by column id, for compare.h. */
static void row_cells(const struct csv *c, size_t i, const char **v)
{
	for (int k = 0; k < COL_COUNT; k++)
		v[k] = csv_str(c, i, (enum cp_col)k);
}

/* Whether the comparison rows of c differ in column cs (copy's sizes,
 * contend's layouts and agent counts). */
static int col_varies(const struct csv *c, int cv, int cs)
{
	const char *first = NULL;

	for (size_t i = 0; i < c->nrow; i++)
		if (csv_get(c, i, cv)[0]) {
			if (!first)
				first = csv_get(c, i, cs);
			else if (strcmp(first, csv_get(c, i, cs)))
				return 1;
		}
	return 0;
}

int rep_verdicts(struct rep *r, const struct csv *c, const char *title)
{
	static const enum cp_col ids[] = { COL_size_bytes, COL_layout, COL_agents, COL_state, COL_holder };
	static const char *const what[] = { "%s bytes", "%s", "%s agents", "state %s", "held by %s" };
	enum { NIDS = CP_ARRAY_SIZE(ids) };
	int cv = csv_at(c, COL_verdict), cm = csv_at(c, COL_mode), n = 0, vary[NIDS];

	for (int k = 0; k < NIDS; k++)
		vary[k] = cv >= 0 && csv_at(c, ids[k]) >= 0 && col_varies(c, cv, csv_at(c, ids[k]));
	for (size_t i = 0; cv >= 0 && i < c->nrow; i++) {
		const char *mode = csv_get(c, i, cm), *colon = strchr(mode, ':'), *v = csv_get(c, i, cv);
		char size[160] = "";

		if (!v[0] || !colon || strcmp(csv_get(c, i, csv_at(c, COL_metric)), "ratio"))
			continue;
		if (!n++)
			doc_p(r->d, "%s (median of the block pairs' ratios, 95%% interval from their order statistics):",
			      title);
		for (int k = 0; k < NIDS; k++)
			if (vary[k]) {
				size_t len = strlen(size);

				snprintf(size + len, sizeof(size) - len, ", ");
				snprintf(size + len + 2, sizeof(size) - len - 2, what[k], csv_get(c, i, csv_at(c, ids[k])));
			}
		/* an arm with several modes: its median is a mixture's (rows.c) */
		const char *mm = strstr(csv_str(c, i, COL_note), "modes (") ? csv_str(c, i, COL_note) : "";

		doc_li(r->d, "%s (%s%s%s%s): %s / %.*s %.3f [%.3f, %.3f]: **%s** at a %s%% margin (%s block pairs)%s%s%s",
		       csv_get(c, i, csv_at(c, COL_kernel)), csv_get(c, i, csv_at(c, COL_placement)),
		       csv_str(c, i, COL_shm)[0] ? ", " : "", csv_str(c, i, COL_shm), size, colon + 1,
		       (int)(colon - mode), mode,
		       csv_num(c, i, csv_at(c, COL_p50)), csv_num(c, i, csv_at(c, COL_ci_lo)),
		       csv_num(c, i, csv_at(c, COL_ci_hi)), v, csv_get(c, i, csv_at(c, COL_margin)),
		       csv_get(c, i, csv_at(c, COL_blocks)), cmp_is_aa(mode) ? ", an A/A control" : "",
		       mm[0] ? "; " : "", mm);
	}
	return n;
}

/* A side of compare.h's ratio: row i's raw samples (when rs has them)
 * and its median with its interval. */
static void side_of(const struct csv *c, const struct rawset *rs, size_t i, struct cmp_side *s)
{
	const struct rawgroup *g = rs ? rawset_find(rs, c, i) : NULL;

	*s = (struct cmp_side){ g ? g->v : NULL, g ? g->nv : 0, csv_val(c, i, COL_p50), csv_val(c, i, COL_ci_lo),
				csv_val(c, i, COL_ci_hi) };
}

int compare_modes(const struct csv *c, const struct rawset *rs, const char *metric,
		  struct pair_cmp **out)
{
	const char *vp[COL_COUNT], *vt[COL_COUNT];
	int n = 0;

	*out = cp_xcalloc(c->nrow + 1, sizeof(**out));
	for (size_t p = 0; p < c->nrow; p++) {
		if (strcmp(csv_str(c, p, COL_metric), metric))
			continue;
		row_cells(c, p, vp);
		for (size_t t = 0; t < c->nrow; t++) {
			struct cmp_side sp, st;
			struct pair_cmp *x;

			row_cells(c, t, vt);
			if (!cmp_twins(vp, vt))
				continue;
			x = &(*out)[n++];
			x->t = t;
			x->p = p;
			side_of(c, rs, p, &sp);
			side_of(c, rs, t, &st);
			cmp_ratio(&sp, &st, &x->q);
			break;
		}
	}
	return n;
}
