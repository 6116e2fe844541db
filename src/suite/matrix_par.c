/* matrix_par.c: the matrix's disjoint pairs in parallel (--parallel) and
 * its sample of the placement classes (--per-class).
 *
 * Parallel: the pending pairs are dealt into rounds, each a greedy set of
 * pairs that share no CPU (over the pairs in plan order), and each round
 * into groups of at most N pairs; a group is one cell, its pairs measured
 * at the same time (pp_measure_together).  Every pair is in exactly one
 * group, and a resumed run deals what its base lacks the same way.
 *
 * Pairs that run together can disturb each other (a shared L3, mesh or
 * fabric, a power limit), so `auto` checks before it trusts: a few pairs
 * (one per class first) are measured alone and with N - 1 other pairs
 * running as the two arms of one interleaved design (arms.h), and the
 * parallel figure must be equivalent to the alone figure within
 * MX_PAR_MARGIN_PCT; where one is not, N is halved and checked again. */
#include "matrix_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arms.h"
#include "rows.h"
#include "stats.h"
#include "verdict.h"

#define MX_PAR_MARGIN_PCT 3.0   /* parallel equivalent to alone within this */
#define MX_PAR_CHECK_PAIRS 4    /* pairs the validation measures both ways */

int mx_parallel_parse(const char *s, int ncpu, int *par, int *autom, struct cp_err *e)
{
	int most = ncpu / 2 > 0 ? ncpu / 2 : 1;
	char *end;
	long v;

	*par = 1;
	*autom = 0;
	if (!s)
		return 0;
	if (!strcmp(s, "auto")) {
		*autom = 1;
		*par = most;
		return 0;
	}
	v = strtol(s, &end, 10);
	if (end == s || *end || v < 1 || v > most)
		return cp_errf(e, CP_EUSAGE, "--parallel %s: allowed: auto, or a number of pairs from 1 to %d (at most "
			       "half of the %d CPUs: no CPU in two pairs at once)", s, most, ncpu);
	*par = (int)v;
	return 0;
}

/* Deal pend[0..np) into groups: rounds of disjoint pairs, each cut into
 * groups of at most par; the pairs into order[], group g from start[g] to
 * start[g + 1].  Returns the number of groups. */
uint64_t mx_groups(const struct mx *m, const uint64_t *pend, uint64_t np, int par, uint64_t *order,
		   uint64_t **start)
{
	int maxc = 0;
	char *left = cp_xcalloc(np ? np : 1, 1), *used;
	uint64_t nleft = np, no = 0, ng = 0;

	for (int i = 0; i < m->ncpu; i++)
		maxc = m->cpu[i] > maxc ? m->cpu[i] : maxc;
	used = cp_xcalloc((size_t)maxc + 1, 1);
	*start = cp_xcalloc(np + 1, sizeof(uint64_t));
	memset(left, 1, np);
	while (nleft) {
		int in = 0;

		memset(used, 0, (size_t)maxc + 1);
		for (uint64_t j = 0; j < np; j++) {
			const int *p = m->pair[pend[j]];

			if (!left[j] || used[p[0]] || used[p[1]])
				continue;
			used[p[0]] = used[p[1]] = 1;
			left[j] = 0;
			nleft--;
			if (in++ % par == 0)
				(*start)[ng++] = no;
			order[no++] = pend[j];
		}
	}
	(*start)[ng] = no;
	free(left);
	free(used);
	return ng;
}

/* ---- --per-class ---- */

static int has_pair(const struct mx *m, int a, int b)
{
	for (uint64_t p = 0; p < m->npairs; p++)
		if ((m->pair[p][0] == a && m->pair[p][1] == b) || (m->pair[p][0] == b && m->pair[p][1] == a))
			return 1;
	return 0;
}

static void add_pair(struct mx *m, int a, int b)
{
	m->pair = cp_xrealloc(m->pair, (size_t)(m->npairs + 1) * sizeof(*m->pair));
	m->pair[m->npairs][0] = a;
	m->pair[m->npairs++][1] = b;
}

/* K pairs of every class present (spread over packages, topo.h), then K
 * of the shuffled all-pairs list that are not in yet: pairs the classes
 * did not choose, to check that their figures hold.  all: the shuffled
 * list of every pair, nall of them. */
int mx_per_class(struct mx *m, const struct cp_topo *t, uint64_t k, int (*all)[2], uint64_t nall, struct cp_err *e)
{
	struct topo_class *cls = NULL;
	int ncls = 0, rc;
	uint64_t extra = 0;

	m->npairs = 0;
	m->pair = NULL;
	if ((rc = topo_classes(t, &cls, &ncls)))
		return rc;
	for (int c = 0; c < ncls && !rc; c++) {
		int (*p)[2] = NULL, n = 0, want, seen = 0;
		uint64_t all_kinds = 0;

		for (int d = 0; d < c; d++)
			seen |= !strcmp(cls[d].name, cls[c].name);
		if (seen)
			continue; /* a hybrid class: its kinds are one class here */
		for (int d = c; d < ncls; d++)
			all_kinds += strcmp(cls[d].name, cls[c].name) ? 0 : cls[d].pairs;
		want = all_kinds < k ? (int)all_kinds : (int)k;
		if ((rc = topo_class_pairs(t, cls[c].name, want, &p, &n, e)))
			break;
		for (int i = 0; i < n; i++)
			if (!has_pair(m, p[i][0], p[i][1]))
				add_pair(m, p[i][0], p[i][1]);
		free(p);
	}
	free(cls);
	for (uint64_t i = 0; i < nall && extra < k && !rc; i++)
		if (!has_pair(m, all[i][0], all[i][1])) {
			add_pair(m, all[i][0], all[i][1]);
			extra++;
		}
	m->nrandom = extra;
	return rc;
}

/* ---- --parallel auto: the validation ---- */

/* One pair measured alone (arm 0) or with the others of its group at the
 * same time (arm 1). */
struct mx_vcell {
	const struct mx_cmd *x;
	const struct kernel *k;
	enum agent_mode mode;
	int (*grp)[2];
	int n;
	const char **place;
	struct cp_row row[2];   /* each arm's last row (its strings) */
};

static int mx_vblock(void *arg, int arm, const struct sampler_req *req, double *v, struct arms_block_out *out,
		     struct cp_err *e)
{
	struct mx_vcell *c = arg;
	struct pp_run r = c->x->run;
	struct cp_row *rows = cp_xcalloc((size_t)c->n, sizeof(*rows));
	double **raw = cp_xcalloc((size_t)c->n, sizeof(*raw)), (*win)[2] = cp_xcalloc((size_t)c->n, sizeof(*win));
	int rc;

	r.samples = req->samples;
	r.warmup = req->warmup;
	r.iters = req->iters;
	r.max_samples = 0;
	r.target_ci = 0;
	if (arm == 0)
		rc = pp_measure(&r, c->k, c->mode, c->grp[0][0], c->grp[0][1], NULL, c->place[0], &rows[0], &raw[0],
				NULL, e);
	else
		rc = pp_measure_together(&r, c->k, c->mode, c->n, (const int (*)[2])c->grp, c->place, rows, raw,
					 win, e);
	if (!rc) {
		memcpy(v, raw[0], req->samples * sizeof(double));
		out->iters = rows[0].iters_per_sample;
		out->sample_ns = rows[0].sample_ns;
		c->row[arm] = rows[0];
		c->row[arm].raw = NULL;
	}
	for (int i = 0; i < c->n; i++)
		free(raw[i]);
	free(raw);
	free(rows);
	free(win);
	return rc;
}

static int in_group(int (*grp)[2], int n, int cpu)
{
	for (int i = 0; i < n; i++)
		if (grp[i][0] == cpu || grp[i][1] == cpu)
			return 1;
	return 0;
}

/* The group of check pair p at par: p, other pending pairs, then pairs of
 * the CPUs left in list order, none sharing a CPU, par in all (2 par CPUs
 * are there: par is at most half of them). */
static int vgroup(const struct mx *m, const uint64_t *pend, uint64_t np, uint64_t p, int par, int (*grp)[2])
{
	int n = 1, half = -1;

	grp[0][0] = m->pair[p][0];
	grp[0][1] = m->pair[p][1];
	for (uint64_t j = 0; j < np && n < par; j++) {
		const int *q = m->pair[pend[j]];

		if (!in_group(grp, n, q[0]) && !in_group(grp, n, q[1])) {
			grp[n][0] = q[0];
			grp[n++][1] = q[1];
		}
	}
	for (int i = 0; i < m->ncpu && n < par; i++) {
		if (in_group(grp, n, m->cpu[i]))
			continue;
		if (half < 0) {
			half = m->cpu[i];
			continue;
		}
		grp[n][0] = half;
		grp[n++][1] = m->cpu[i];
		half = -1;
	}
	return n;
}

/* The pairs to check: the first pending pair of each class, then more
 * pending pairs, MX_PAR_CHECK_PAIRS at most. */
static int vpairs(const struct mx_cmd *x, const uint64_t *pend, uint64_t np, uint64_t *chk)
{
	char seen[MX_PAR_CHECK_PAIRS][64], cls[64];
	int n = 0;

	for (int pass = 0; pass < 2; pass++)
		for (uint64_t j = 0; j < np && n < MX_PAR_CHECK_PAIRS; j++) {
			int dup = 0;

			topo_class_of_pair(x->t, x->m.pair[pend[j]][0], x->m.pair[pend[j]][1], cls, sizeof(cls));
			for (int i = 0; i < n; i++)
				dup |= pass ? chk[i] == pend[j] : !strcmp(seen[i], cls);
			if (dup)
				continue;
			snprintf(seen[n], sizeof(seen[n]), "%s", cls);
			chk[n++] = pend[j];
		}
	return n;
}

/* The rows of one check: each arm and the ratio, into sink. */
static int vrows(struct mx_cmd *x, struct mx_vcell *c, const struct arms_runs *a, struct cp_sink *sink,
		 struct cp_err *e)
{
	static char arms[64], note[256];
	struct cp_row row;
	double *ratio = NULL;
	int rc = 0;

	snprintf(arms, sizeof(arms), "parallel=1:%d", c->n);
	snprintf(note, sizeof(note), "--parallel auto: this pair alone (arm 1) and with %d other pairs at once "
		 "(arm 2); equivalent within %g%% or the matrix runs fewer pairs at once", c->n - 1,
		 MX_PAR_MARGIN_PCT);
	for (int arm = 0; arm < 2 && !rc; arm++) {
		row = c->row[arm];
		row.experiment = "matrix";
		row.arms = arms;
		row.arm = arm ? "2" : "1";
		row.note = note;
		stats_compute(a->v[arm], a->pairs * ARMS_BLOCK, &row.st);
		row.samples = a->pairs * ARMS_BLOCK;
		row.raw = a->v[arm];
		row.nraw = a->pairs * ARMS_BLOCK;
		row.stop = NULL;
		rc = result_add(sink, &row, e);
	}
	if (rc)
		return rc;
	row = c->row[0];
	row.experiment = "matrix";
	exp_arms_row(a, 1, &row, agent_mode_name(c->mode), &ratio);
	row.arms = arms;
	row.arm = "1:2";
	row.note = note;
	rc = result_add(sink, &row, e);
	free(ratio);
	(void)x;
	return rc;
}

/* Check pair p at x->par: the two arms, their rows into sink, and whether
 * the parallel figure is equivalent to the alone one. */
static int vcheck(struct mx_cmd *x, uint64_t p, const uint64_t *pend, uint64_t np, struct cp_sink *sink, int *ok,
		  struct cp_err *e)
{
	struct mx_vcell c = { .x = x, .k = x->m.k[0], .mode = x->m.modes[0] };
	struct sampler_req req = { .timer = x->run.timer, .samples = ARMS_MIN_PAIRS * ARMS_BLOCK };
	struct arms_design des = { .k = 2, .ref = 0, .margin_pct = MX_PAR_MARGIN_PCT };
	char (*cls)[64] = cp_xcalloc((size_t)x->par, sizeof(*cls));
	struct arms_runs a = { 0 };
	int rc;

	c.grp = cp_xcalloc((size_t)x->par, sizeof(*c.grp));
	c.place = cp_xcalloc((size_t)x->par, sizeof(*c.place));
	c.n = vgroup(&x->m, pend, np, p, x->par, c.grp);
	for (int i = 0; i < c.n; i++) {
		topo_class_of_pair(x->t, c.grp[i][0], c.grp[i][1], cls[i], sizeof(cls[i]));
		c.place[i] = cls[i];
	}
	rc = arms_runs_measure_k(&req, &des, mx_vblock, &c, &a, e);
	if (!rc && !a.pairs)
		rc = cp_errf(e, CP_EINTR, "matrix: stopped while checking --parallel");
	if (!rc) {
		const struct cp_verdict *v = &a.verdict[1];

		*ok = v->v == VERDICT_equivalent;
		fprintf(stderr, "matrix: --parallel check: pair %d,%d (%s) with %d other pairs at once / alone: "
			"%.3f [%.3f, %.3f], %s (margin %g%%)\n", c.grp[0][0], c.grp[0][1], cls[0], c.n - 1, v->est,
			v->lo, v->hi, verdict_name(v->v), MX_PAR_MARGIN_PCT);
		rc = vrows(x, &c, &a, sink, e);
	}
	arms_runs_free(&a);
	free(c.grp);
	free(c.place);
	free(cls);
	return rc;
}

int mx_validate(struct mx_cmd *x, const uint64_t *pend, uint64_t np, struct cp_sink *sink, struct cp_err *e)
{
	uint64_t chk[MX_PAR_CHECK_PAIRS], *order = cp_xcalloc(np ? np : 1, sizeof(uint64_t)), *start, ng;
	int nchk = vpairs(x, pend, np, chk), rc = 0, most = 1;

	/* no more at once than the plan's largest group */
	ng = mx_groups(&x->m, pend, np, x->par, order, &start);
	for (uint64_t g = 0; g < ng; g++)
		most = start[g + 1] - start[g] > (uint64_t)most ? (int)(start[g + 1] - start[g]) : most;
	x->par = most;
	free(order);
	free(start);

	while (x->par > 1 && !rc) {
		int all = 1;

		fprintf(stderr, "matrix: --parallel auto: checking %d pairs at once against alone on %d pair%s\n",
			x->par, nchk, nchk > 1 ? "s" : "");
		for (int i = 0; i < nchk && !rc; i++) {
			int ok = 0;

			rc = vcheck(x, chk[i], pend, np, sink, &ok, e);
			all &= ok;
		}
		if (rc || all)
			break;
		x->par /= 2;
	}
	if (!rc)
		fprintf(stderr, "matrix: --parallel auto: %d pair%s at once%s\n", x->par, x->par > 1 ? "s" : "",
			x->par > 1 ? " (every check equivalent)" : "");
	return rc;
}
