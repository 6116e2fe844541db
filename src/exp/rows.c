/* rows.c: counter columns and comparison rows (rows.h). */
#include "rows.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

void exp_counters_row(const struct agents_shared *sh, const struct cp_counters_cfg *cfg, double ops,
		      struct cp_row *row, struct cp_sink *sink)
{
	int n = cfg ? counters_nevents(cfg) : 0;

	row->ncounters = 0;
	for (int i = 0; i < n && i < CP_MAX_COUNTERS; i++) {
		struct cp_counter_val *v = &row->counters[row->ncounters++];
		double sum = 0;
		int valid = ops > 0;

		snprintf(v->name, sizeof(v->name), "%s", counters_event_name(cfg, i));
		for (unsigned a = 0; a < sh->n; a++) {
			if (!sh->slot[a].ctr_valid[i]) {
				if (valid && sink)
					result_meta_note(sink, "counter %s unavailable (agent %u, CPU %d): %s",
							 v->name, a, sh->slot[a].cpu, sh->slot[a].ctr_why);
				valid = 0;
			}
			sum += (double)sh->slot[a].ctr[i];
		}
		v->valid = valid;
		v->per_op = valid ? sum / ops : 0;
	}
}

void exp_counters_ratio(const struct cp_row *base, const struct cp_row *arm, struct cp_row *cmp)
{
	cmp->ncounters = base->ncounters;
	for (int i = 0; i < base->ncounters; i++) {
		const struct cp_counter_val *b = &base->counters[i], *x = &arm->counters[i];
		struct cp_counter_val *v = &cmp->counters[i];

		*v = *b;
		v->valid = b->valid && i < arm->ncounters && x->valid && b->per_op > 0;
		v->per_op = v->valid ? x->per_op / b->per_op : 0;
	}
}

void exp_counters_none(const struct cp_counters_cfg *cfg, struct cp_row *row)
{
	int n = cfg ? counters_nevents(cfg) : 0;

	row->ncounters = 0;
	for (int i = 0; i < n && i < CP_MAX_COUNTERS; i++) {
		struct cp_counter_val *v = &row->counters[row->ncounters++];

		snprintf(v->name, sizeof(v->name), "%s", counters_event_name(cfg, i));
		v->valid = 0;
	}
}

static size_t acc_size(unsigned n)
{
	return sizeof(struct agents_shared) + n * sizeof(struct agent_slot);
}

struct agents_shared *exp_ctr_acc_new(unsigned n)
{
	/* the slots are CP_PADDED: the block must be aligned like agents_run's */
	size_t sz = (acc_size(n) + CP_GRANULE_MAX - 1) / CP_GRANULE_MAX * CP_GRANULE_MAX;
	struct agents_shared *a = aligned_alloc(CP_GRANULE_MAX, sz);

	if (!a)
		cp_die(CP_ERUN, "out of memory");
	memset(a, 0, sz);
	a->n = n;
	for (unsigned i = 0; i < n; i++)
		memset(a->slot[i].ctr_valid, 1, sizeof(a->slot[i].ctr_valid));
	return a;
}

void exp_ctr_acc_add(struct agents_shared *acc, unsigned to, const struct agents_shared *sh, unsigned from)
{
	struct agent_slot *d = &acc->slot[to];
	const struct agent_slot *s = &sh->slot[from];

	d->cpu = s->cpu;
	for (int i = 0; i < CP_MAX_COUNTERS; i++) {
		d->ctr[i] += s->ctr[i];
		d->ctr_valid[i] &= s->ctr_valid[i];
	}
	if (s->ctr_why[0])
		snprintf(d->ctr_why, sizeof(d->ctr_why), "%s", s->ctr_why);
}

void exp_ctr_acc_free(struct agents_shared *acc)
{
	free(acc);
}

void exp_arm_ctr_add(const struct cp_counters_cfg *cfg, struct exp_arm_ctr *a, int arm,
		     const struct agents_shared *sh)
{
	if (!cfg || !sh)
		return;
	if (!a->acc[arm])
		a->acc[arm] = exp_ctr_acc_new(sh->n);
	for (unsigned k = 0; k < sh->n && k < a->acc[arm]->n; k++)
		exp_ctr_acc_add(a->acc[arm], k, sh, k);
}

void exp_arm_ctr_free(struct exp_arm_ctr *a)
{
	for (int x = 0; x < ARMS_MAX; x++) {
		exp_ctr_acc_free(a->acc[x]);
		a->acc[x] = NULL;
		a->ops[x] = 0;
	}
}

void exp_arms_row(const struct arms_runs *a, unsigned x, struct cp_row *row, const char *mode, double **ratio)
{
	int nctr = row->ncounters;

	*ratio = cp_xcalloc(a->pairs ? a->pairs : 1, sizeof(double));
	verdict_ratios(a->v[a->ref], a->v[x], a->pairs, ARMS_BLOCK, *ratio);
	stats_compute(*ratio, a->pairs, &row->st);
	row->mode = mode;
	row->arms = mode;
	row->arm = NULL;
	row->samples = a->pairs;
	row->raw = *ratio;
	row->nraw = a->pairs;
	result_set_verdict(row, &a->verdict[x]);
	row->stop = a->capped ? "time-limit" : NULL;
	row->sample_ns = 0;
	memset(&row->modes, 0, sizeof(row->modes));
	/* a ratio has no counts of its own, but the file's counter columns are
	 * fixed by its first row: they stay, empty */
	row->ncounters = nctr;
	for (int i = 0; i < nctr; i++)
		row->counters[i].valid = 0;
}

void exp_arms_modes_note(const double *const v[2], const uint64_t n[2], char *note, size_t len)
{
	for (int x = 0; x < 2; x++) {
		struct cp_modes m;
		size_t o = strlen(note);

		stats_modes(v[x], (size_t)n[x], &m);
		if (m.n < 2)
			continue;
		o += (size_t)snprintf(note + o, len > o ? len - o : 0, "%sarm %d has %d modes (", o ? "; " : "", x + 1,
				      m.n);
		for (int k = 0; k < m.n && o < len; k++)
			o += (size_t)snprintf(note + o, len - o, "%s%.4g at %.0f%%", k ? ", " : "", m.p50[k],
					      100 * m.weight[k]);
		snprintf(note + o, len > o ? len - o : 0, "): its median is a mixture's");
	}
}

/* Arm x's count of event i over its agents; 0 when not valid. */
static int arm_sum(const struct exp_arm_ctr *a, int x, int i, double *sum)
{
	const struct agents_shared *s = a->acc[x];

	*sum = 0;
	for (unsigned k = 0; s && k < s->n; k++) {
		if (!s->slot[k].ctr_valid[i])
			return 0;
		*sum += (double)s->slot[k].ctr[i];
	}
	return s != NULL;
}

void exp_arm_ctr_ratio(const struct cp_counters_cfg *cfg, const struct exp_arm_ctr *a, struct cp_row *row)
{
	int n = cfg ? counters_nevents(cfg) : 0;

	exp_counters_none(cfg, row);
	for (int i = 0; i < n && i < CP_MAX_COUNTERS; i++) {
		double s0, s1;

		if (arm_sum(a, 0, i, &s0) && arm_sum(a, 1, i, &s1) && s0 > 0) {
			row->counters[i].valid = 1;
			row->counters[i].per_op = s1 / s0;
			if (a->ops[0] > 0 && a->ops[1] > 0)
				row->counters[i].per_op *= a->ops[0] / a->ops[1];
		}
	}
}

int exp_arms_add(struct cp_sink *sink, const struct arms_runs *a, struct cp_row *row, const char *mode,
		 const char *note, const struct cp_counters_cfg *cfg, const struct exp_arm_ctr *ctr, struct cp_err *e)
{
	static char buf[1200];
	char keep[600];
	const double *v[2] = { a->v[0], a->v[1] };
	const uint64_t n[2] = { a->pairs * ARMS_BLOCK, a->pairs * ARMS_BLOCK };
	double *ratio;
	int rc;

	exp_arms_row(a, 1, row, mode, &ratio);
	if (cfg && ctr)
		exp_arm_ctr_ratio(cfg, ctr, row);
	/* NULL keeps the row's own note */
	snprintf(keep, sizeof(keep), "%s", note ? note : row->note ? row->note : "");
	snprintf(buf, sizeof(buf), "%s", keep);
	exp_arms_modes_note(v, n, buf, sizeof(buf));
	row->note = buf[0] ? buf : NULL;
	result_arm(sink, NULL, 0);
	rc = result_add(sink, row, e);
	free(ratio);
	return rc;
}
