/* sweep_est.c: how long a cell will take, before it runs.  A prior per
 * command (what one sample and one measurement cost, from how the commands
 * work: ~50 us ping-pong samples, ~2 ms contention samples, page faults for
 * setup) times what the cell's options multiply (ops, modes, memory kinds,
 * sizes, agents, pairs).  The priors are only a start: the sweep divides
 * measured by predicted time per command as cells finish and scales the
 * rest by it (sweep_learn), so the estimate converges on this machine. */
#include "sweep.h"
#include "sweep_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arms.h"
#include "experiment.h"
#include "kernel.h"
#include "matrix.h"
#include "parse.h"

/* Values "all" stands for when the owning table is not at hand. */
#define ALL_GUESS 4

/* A command that is not an experiment (none is measured today): a
 * generic guess the sweep's measured/predicted ratio then corrects. */
static const struct exp_prior generic_prior = { .cell_fixed = 0.3, .meas_fixed = 0.05, .t_sample = 1e-3,
					       .min_samples = 10, .max_samples = 1000, .all = "" };
/* and its sample count when it gives none */
#define GENERIC_SAMPLES 100

/* The count of opt in a "opt=count ..." list, or 0. */
static double listed(const char *list, const char *opt)
{
	size_t n = strlen(opt);

	for (const char *p = list; (p = strstr(p, opt)); p += n)
		if ((p == list || p[-1] == ' ') && p[n] == '=')
			return atof(p + n + 1);
	return 0;
}

/* The experiment's prior (its descriptor): what it does by default, as far
 * as time goes.  Only estimates depend on it; a stale entry costs accuracy,
 * which the sweep's measured/predicted ratio then corrects. */
static const struct exp_prior *prior_of(const struct sweep_cell *c)
{
	return c->exp ? &c->exp->prior : &generic_prior;
}

/* The value of --opt in the cell, else the experiment's default, or NULL. */
static const char *cell_value(const struct sweep_cell *c, const char *opt)
{
	const char *v = sweep_cell_opt(c, opt);
	int id = opt_by_name(opt);

	return v || !c->exp || id < 0 ? v : experiment_default(c->exp, (enum opt_id)id);
}

/* How many values a list option stands for. */
static double count_values(const struct sweep_cell *c, const struct exp_prior *p, const char *opt)
{
	const char *v = cell_value(c, opt);
	struct cp_err e = { 0 };
	uint64_t *vals = NULL;
	size_t n = 0;

	if (!v)
		return 1;
	if (!strcmp(v, "all")) {
		/* --op all: the names of the experiment's kernel family */
		const struct experiment *x = c->exp;
		const char *names = !strcmp(opt, "op") && x && x->family ? kernel_names(x->family) : NULL;
		double k = 1;

		if (!names || !*names)
			return listed(p->all, opt) > 0 ? listed(p->all, opt) : ALL_GUESS;
		for (const char *q = names; *q; q++)
			k += *q == '|';
		return k;
	}
	if (!strcmp(opt, "mode"))
		return !strcmp(v, "both") ? 2 : 1;
	if (!strcmp(opt, "agents") && !parse_u64_range(v, "agents", 1, 1u << 20, &vals, &n, &e)) {
		free(vals);
		return (double)n;
	}
	n = 1;
	for (const char *q = v; *q; q++)
		n += *q == ',';
	return (double)n;
}

static uint64_t matrix_pairs(const struct sweep_cell *c)
{
	struct cpulist l = { 0 };
	struct cp_err e = { 0 };
	const char *cpus = sweep_cell_opt(c, "cpus");
	uint64_t n = 0;

	if (!cpus && c->ncpu_hint > 1)
		return (uint64_t)c->ncpu_hint * (uint64_t)(c->ncpu_hint - 1) / 2;
	if (cpus ? !parse_cpulist(cpus, "cpus", &l, &e) : !cpulist_allowed(&l, &e))
		n = (uint64_t)l.n * (uint64_t)(l.n > 0 ? l.n - 1 : 0) / 2;
	cpulist_free(&l);
	return n;
}

/* --mode both as interleaved arms: at least ARMS_MIN_PAIRS block pairs of
 * ARMS_BLOCK samples after ARMS_WARM passes each; with one run per block,
 * a run's start-up ARMS_MIN_PAIRS times per mode instead of once. */
/* Whether one of x's arm keys holds a list in c: k arms, a run per block. */
static int key_arms(const struct sweep_cell *c, const struct experiment *x)
{
	char key[32];
	int n;

	if (sweep_cell_opt(c, "arms"))
		return 1; /* --arms op: the op list is the arms */
	for (const char *k = x->arm_keys; k && sscanf(k, " %31s%n", key, &n) == 1; k += n) {
		const char *v = sweep_cell_opt(c, key);

		if (v && strchr(v, ','))
			return 1;
	}
	return 0;
}

static void arms_cost(const struct sweep_cell *c, const struct exp_prior *p, double m, double nsizes,
		      struct sweep_cost *k)
{
	const struct experiment *x = c->exp;
	const char *mode = cell_value(c, "mode");
	int keys = x && key_arms(c, x), both = keys || (mode && (!strcmp(mode, "both") || strchr(mode, ':')));
	uint64_t least = (uint64_t)ARMS_MIN_PAIRS * ARMS_BLOCK;

	if (!x || (x->arms == EXP_ARMS_NONE && !keys) || !both)
		return;
	/* A:B counts as one value of --mode, but measures two arms */
	k->per_sample *= (double)(ARMS_BLOCK + ARMS_WARM) / ARMS_BLOCK * (mode && strchr(mode, ':') ? 2 : 1);
	k->def_samples = k->def_samples > least ? k->def_samples : least;
	k->min_samples = k->min_samples > least ? k->min_samples : least;
	k->max_samples = k->max_samples > least ? k->max_samples : least;
	if (x->arms == EXP_ARMS_RUNS || keys)
		k->fixed += m * nsizes * p->meas_fixed * (ARMS_MIN_PAIRS - 1);
}

void sweep_cell_cost(const struct sweep_cell *c, struct sweep_cost *k)
{
	const struct exp_prior *p = prior_of(c);
	static const char *const lists[] = { "op", "mode", "shm", "pages", "layout", "agents",
					     "what", "prim", "via", "poll", "impl", "placement" };
	double m = 1, nsizes = 1, bytes = 0;
	const char *v;

	memset(k, 0, sizeof(*k));
	if (c->unavail || c->invalid)
		return;
	k->def_samples = (v = cell_value(c, "samples")) ? strtoull(v, NULL, 10) : GENERIC_SAMPLES;
	k->min_samples = p->min_samples;
	k->max_samples = p->max_samples;
	for (size_t i = 0; i < CP_ARRAY_SIZE(lists); i++)
		m *= count_values(c, p, lists[i]);
	if ((v = sweep_cell_opt(c, "pairs")))
		m *= atof(v) > 1 ? atof(v) : 1;
	if ((v = cell_value(c, "sizes"))) {
		uint64_t *sz = NULL;
		size_t n = 0;
		struct cp_err e = { 0 };

		if (!parse_sizes(v, "sizes", &sz, &n, &e)) {
			nsizes = (double)n;
			for (size_t i = 0; i < n; i++)
				bytes += (double)sz[i];
		}
		free(sz);
	}
	if (!strcmp(c->argv[0], "matrix")) {
		uint64_t np = matrix_pairs(c);
		int proc = sweep_cell_opt(c, "mode") && strcmp(sweep_cell_opt(c, "mode"), "thread");
		double per_mode = !sweep_cell_opt(c, "mode") || strcmp(sweep_cell_opt(c, "mode"), "both")
				  ? 1 : 2;

		/* m counted the modes already: the per-pair model takes one mode */
		m /= per_mode;
		k->def_samples = MATRIX_DEF_SAMPLES;
		k->min_samples = MATRIX_MIN_SAMPLES;
		k->max_samples = MATRIX_DEF_SAMPLES * 5;
		k->fixed = p->cell_fixed + m * per_mode * matrix_estimate(np, 0, proc);
		k->per_sample = m * per_mode * (matrix_estimate(np, 1, proc) - matrix_estimate(np, 0, proc));
		k->by_budget = 1;
	} else {
		k->fixed = p->cell_fixed + m * nsizes * p->meas_fixed;
		k->per_sample = m * (nsizes * p->t_sample + bytes * p->per_byte);
		arms_cost(c, p, m, nsizes, k);
	}
	k->scalable = !c->fixed_samples;
	if ((v = sweep_cell_opt(c, "samples")))
		k->def_samples = k->min_samples = k->max_samples = strtoull(v, NULL, 10);
	if ((v = sweep_cell_opt(c, "budget"))) {
		/* a cell with its own budget (the matrix) takes that long at most */
		struct cp_err e = { 0 };
		double secs;

		if (!parse_duration(v, "budget", 0, 1e9, &secs, &e)) {
			k->fixed = secs;
			k->per_sample = 0;
		}
	}
}

double sweep_cost_at(const struct sweep_cost *k, double samples)
{
	return k->fixed + k->per_sample * samples;
}

double sweep_learn_ratio(const struct sweep_learn *L, const char *cmd)
{
	double p = 0, a = 0;

	for (int i = 0; i < L->n; i++)
		if (!strcmp(L->r[i].cmd, cmd))
			return fmin(20, fmax(0.05, L->r[i].actual / L->r[i].predicted));
	/* a command not seen yet: what the others taught, if anything */
	for (int i = 0; i < L->n; i++) {
		p += L->r[i].predicted;
		a += L->r[i].actual;
	}
	return p > 0 ? fmin(20, fmax(0.05, a / p)) : 1;
}

void sweep_learn_add(struct sweep_learn *L, const char *cmd, double predicted, double actual)
{
	int i;

	if (!(predicted > 0) || !(actual >= 0))
		return;
	for (i = 0; i < L->n; i++)
		if (!strcmp(L->r[i].cmd, cmd))
			break;
	if (i == L->n) {
		if (L->n == (int)CP_ARRAY_SIZE(L->r))
			return;
		snprintf(L->r[L->n++].cmd, sizeof(L->r[0].cmd), "%s", cmd);
		L->r[i].predicted = L->r[i].actual = 0;
	}
	L->r[i].predicted += predicted;
	L->r[i].actual += actual;
}

void sweep_fit(const struct sweep_plan *p, const int *skip, int from, double left, double budget,
	       const struct sweep_learn *L, uint64_t *samples, double *pred)
{
	double fixed = 0, per = 0, f = 1;

	for (int j = from; j < p->n; j++) {
		struct sweep_cost k;
		double q = sweep_learn_ratio(L, p->cell[j].argv[0]);

		if (skip && skip[j])
			continue;
		sweep_cell_cost(&p->cell[j], &k);
		if (k.scalable && budget > 0) {
			fixed += q * k.fixed;
			per += q * k.per_sample * (double)k.def_samples;
		} else {
			fixed += q * sweep_cost_at(&k, (double)k.def_samples);
		}
	}
	/* keep 8% for what the model does not see (process exits, appends) */
	if (budget > 0 && per > 0)
		f = fmax(0, (left * 0.92 - fixed) / per);
	for (int j = from; j < p->n; j++) {
		struct sweep_cost k;
		double s;

		sweep_cell_cost(&p->cell[j], &k);
		s = k.scalable && budget > 0 ? f * (double)k.def_samples : (double)k.def_samples;
		s = fmin(fmax(s, (double)k.min_samples), (double)k.max_samples);
		samples[j] = k.scalable && budget > 0 ? (uint64_t)s : 0;
		pred[j] = sweep_learn_ratio(L, p->cell[j].argv[0]) * sweep_cost_at(&k, s);
	}
}

char *sweep_run_name(char *buf, size_t len)
{
	char host[256] = "host", stamp[32];
	time_t t = time(NULL);
	struct tm tm;

	gethostname(host, sizeof(host) - 1);
	host[strcspn(host, "./ ")] = 0;
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(buf, len, "%s-%s", host[0] ? host : "host", stamp);
	return buf;
}

char *sweep_default_dir(char *buf, size_t len)
{
	char name[320];

	snprintf(buf, len, "results/%s", sweep_run_name(name, sizeof(name)));
	return buf;
}

void sweep_print_plan(FILE *f, const struct sweep_plan *p, double budget)
{
	uint64_t *samples = cp_xcalloc((size_t)p->n + 1, sizeof(uint64_t));
	double *pred = cp_xcalloc((size_t)p->n + 1, sizeof(double)), total = 0;
	struct sweep_learn L = { 0 };
	char a[32];

	sweep_fit(p, NULL, 0, budget, budget, &L, samples, pred);
	fprintf(f, "%s: %d cells\n", p->origin, p->n);
	for (int i = 0; i < p->n; i++) {
		const struct sweep_cell *c = &p->cell[i];

		if (c->unavail || c->invalid) {
			fprintf(f, "%4d  %12s  %s  [%s: %s]\n", i + 1, "-", c->line,
				c->unavail ? "skipped" : "fails", c->unavail ? c->unavail : c->invalid);
			continue;
		}
		total += pred[i];
		fprintf(f, "%4d  %12s  %s", i + 1, cp_fmt_dur(pred[i], a, sizeof(a)), c->line);
		if (samples[i])
			fprintf(f, "  [%s %llu]", !strcmp(c->argv[0], "matrix") ? "samples/pair" : "samples",
				(unsigned long long)samples[i]);
		if (budget > 0 && total > budget)
			fprintf(f, "  [over budget: skipped]");
		fputc('\n', f);
	}
	fprintf(f, "estimate: %s in total", cp_fmt_dur(total, a, sizeof(a)));
	if (budget > 0)
		fprintf(f, " (budget %s)", cp_fmt_dur(budget, a, sizeof(a)));
	fprintf(f, "; a first guess from each command's cost per sample: the sweep corrects it "
		   "with the times it measures\n");
	free(samples);
	free(pred);
}
