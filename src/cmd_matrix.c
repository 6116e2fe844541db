/* cmd_matrix.c: `cachepong matrix`: the round trip of every pair of CPUs.
 *
 * Scales to big machines (2 x 96 cores x SMT = 384 CPUs, 73,536 pairs):
 * the plan and its estimate come first (--dry-run stops there; with
 * --topology-xml it plans another machine), --budget sizes the samples per
 * pair from the time per pair measured as it goes, and each pair stops
 * sampling as soon as the 95% CI of its median is within --target-ci
 * (default 1%).  Rows are flushed one per pair to FILE.part.tmp.<pid> and
 * merged into FILE at the end; Ctrl-C ends after the pair in flight; a
 * killed run's rows are picked up by --resume FILE, which skips every pair
 * FILE (or the leftovers) already has.  Pairs run in a fixed shuffled
 * order, so slow drift (heat, frequency) shows as noise, not as a pattern. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "experiment.h"
#include "csvread.h"
#include "parse.h"
#include "pingpong.h"
#include "result.h"
#include "sweep.h"
#include "topo.h"
#include "tmpname.h"

#define MATRIX_DEF_TARGET_CI 1.0

struct mx {
	int ncpu;
	const int *cpu;               /* OS numbers */
	const struct kernel *k[16];
	int nk;
	enum agent_mode modes[2];
	int nmodes;
	uint64_t npairs;              /* per op x mode */
	int (*pair)[2];
	char *done;                   /* [measurement]: in the resume file already */
	uint64_t ndone;
};

static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
	(void)sig;
	g_stop = 1;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int plan_ops_modes(const struct opts *o, struct mx *m, struct cp_err *e)
{
	const char *names = kernel_names("pingpong");
	char *copy = cp_xstrdup(!o->op || !strcmp(o->op, "all") ? (o->op ? names : "cas") : o->op);
	char *save = NULL;
	const char *mode = o->mode ? o->mode : "thread";
	int rc = 0;

	for (char *t = strtok_r(copy, "|,", &save); t && !rc; t = strtok_r(NULL, "|,", &save)) {
		if (m->nk == (int)CP_ARRAY_SIZE(m->k))
			break;
		/* --op all --poll rmw: the ops that have an atomic to poll with */
		if (o->op && !strcmp(o->op, "all") && o->poll && !kernel_has_poll("pingpong", t, o->poll))
			continue;
		if (!(m->k[m->nk++] = kernel_find("pingpong", t, o->impl, o->spin, o->poll, e)))
			rc = e->code;
	}
	free(copy);
	if (rc)
		return rc;
	return agent_modes_parse(mode, m->modes, &m->nmodes, e);
}

/* Every pair a < b (in list order), shuffled by a fixed LCG. */
static void make_pairs(struct mx *m)
{
	uint64_t n = 0, x = 0x2545F4914F6CDD1Dull;

	m->npairs = (uint64_t)m->ncpu * (uint64_t)(m->ncpu - 1) / 2;
	m->pair = cp_xcalloc(m->npairs ? m->npairs : 1, sizeof(*m->pair));
	for (int a = 0; a < m->ncpu; a++)
		for (int b = a + 1; b < m->ncpu; b++) {
			m->pair[n][0] = m->cpu[a];
			m->pair[n++][1] = m->cpu[b];
		}
	for (uint64_t i = n; i > 1; i--) {
		uint64_t j;
		int t0, t1;

		x = x * 6364136223846793005ull + 1442695040888963407ull;
		j = (x >> 33) % i;
		t0 = m->pair[i - 1][0];
		t1 = m->pair[i - 1][1];
		m->pair[i - 1][0] = m->pair[j][0];
		m->pair[i - 1][1] = m->pair[j][1];
		m->pair[j][0] = t0;
		m->pair[j][1] = t1;
	}
}

static uint64_t meas_index(const struct mx *m, int k, int md, uint64_t p)
{
	return ((uint64_t)k * (uint64_t)m->nmodes + (uint64_t)md) * m->npairs + p;
}

/* A file --resume may add to: the results header with every column this
 * reads, and matrix round-trip rows only, so a resume never merges a
 * matrix into some other CSV. */
static int check_matrix_csv(const struct csv *c, const int *col, struct cp_err *e)
{
	static const char *const need[] = { "experiment", "cpu_a", "cpu_b", "kernel", "mode", "metric" };

	for (size_t j = 0; j < CP_ARRAY_SIZE(need); j++)
		if (col[j] < 0)
			return cp_errf(e, CP_EUSAGE, "--resume %s: not a matrix CSV: it has no column '%s'; "
				       "allowed: the file an interrupted 'matrix --out FILE' wrote", c->path, need[j]);
	for (size_t i = 0; i < c->nrow; i++)
		if (strcmp(csv_get(c, i, col[0]), "matrix"))
			return cp_errf(e, CP_EUSAGE, "--resume %s: not a matrix CSV: row %zu is a '%s' row; "
				       "allowed: the file an interrupted 'matrix --out FILE' wrote", c->path,
				       i + 1, csv_get(c, i, col[0]));
	return 0;
}

/* Check PATH is a matrix CSV and, with m, mark the measurements it holds
 * already (rows of this matrix). */
static int mark_done(struct mx *m, const char *path, struct cp_err *e)
{
	struct csv c;
	int col[6], rc;

	if (csv_read(path, &c, e))
		return cp_errf(e, CP_EUSAGE, "--resume %s: not a matrix CSV: %s", path, e->msg);
	col[0] = csv_col(&c, "experiment");
	col[1] = csv_col(&c, "cpu_a");
	col[2] = csv_col(&c, "cpu_b");
	col[3] = csv_col(&c, "kernel");
	col[4] = csv_col(&c, "mode");
	col[5] = csv_col(&c, "metric");
	rc = check_matrix_csv(&c, col, e);
	for (size_t i = 0; m && !rc && i < c.nrow; i++) {
		int a = atoi(csv_get(&c, i, col[1])), b = atoi(csv_get(&c, i, col[2]));

		if (strcmp(csv_get(&c, i, col[5]), "round_trip"))
			continue;
		for (int k = 0; k < m->nk; k++)
			for (int md = 0; md < m->nmodes; md++) {
				if (strcmp(csv_get(&c, i, col[3]), m->k[k]->name) ||
				    strcmp(csv_get(&c, i, col[4]), agent_mode_name(m->modes[md])))
					continue;
				for (uint64_t p = 0; p < m->npairs; p++) {
					uint64_t x = meas_index(m, k, md, p);

					if (((m->pair[p][0] == a && m->pair[p][1] == b) ||
					     (m->pair[p][0] == b && m->pair[p][1] == a)) && !m->done[x]) {
						m->done[x] = 1;
						m->ndone++;
					}
				}
			}
	}
	csv_free(&c);
	return rc;
}

/* Rows a killed run left in FILE.part.tmp.<pid> (its process is gone):
 * merged into FILE, so --resume keeps every pair that was measured. */
static int harvest(const char *file, struct cp_err *e)
{
	char dir[4096], *slash, prefix[4200];
	const char *base;
	struct dirent *de;
	DIR *d;
	int rc = 0;

	snprintf(dir, sizeof(dir), "%s", file);
	slash = strrchr(dir, '/');
	base = slash ? file + (slash - dir) + 1 : file;
	if (slash)
		*slash = 0;
	else
		snprintf(dir, sizeof(dir), ".");
	snprintf(prefix, sizeof(prefix), "%s.part.tmp.", base);
	if (!(d = opendir(dir)))
		return 0;
	while (!rc && (de = readdir(d))) {
		char path[8400];
		long pid;
		size_t n;

		if (strncmp(de->d_name, prefix, strlen(prefix)))
			continue;
		pid = atol(de->d_name + strlen(prefix));
		if (pid <= 0 || (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
			continue; /* still running, or not ours to judge */
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		rc = sweep_merge_csv(file, path, &n, e);
		if (!rc) {
			fprintf(stderr, "matrix: %zu rows of an interrupted run (%s) kept\n", n, de->d_name);
			unlink(path);
		}
	}
	closedir(d);
	return rc;
}

static void print_plan(FILE *f, const struct opts *o, const struct cp_topo *t, const struct mx *m,
		       uint64_t samples, double target, double est)
{
	struct topo_class *cls = NULL;
	int ncls = 0, proc = m->nmodes == 2 || m->modes[0] == AGENT_PROCESS;
	char a[32];
	uint64_t todo = m->npairs * (uint64_t)m->nk * (uint64_t)m->nmodes - m->ndone;

	fprintf(f, "machine: %s%s, %d CPUs\n", topo_cpu_model(t),
		topo_is_thissystem(t) ? "" : " (from --topology-xml)", m->ncpu);
	fprintf(f, "pairs: %llu\n", (unsigned long long)m->npairs);
	if (!o->cpus && !topo_classes(t, &cls, &ncls))
		for (int i = 0; i < ncls; i++)
			fprintf(f, "  %-20s %llu pairs%s%s\n", cls[i].name, (unsigned long long)cls[i].pairs,
				cls[i].kinds[0] ? " " : "", cls[i].kinds);
	free(cls);
	fprintf(f, "measurements: %llu (pairs x %d op%s x %d mode%s)%s\n", (unsigned long long)todo,
		m->nk, m->nk > 1 ? "s" : "", m->nmodes, m->nmodes > 1 ? "s" : "",
		m->ndone ? " not in the resume file yet" : "");
	fprintf(f, "samples: %llu per pair at most", (unsigned long long)samples);
	if (target > 0)
		fprintf(f, ", fewer when the 95%% CI of the median is within %g%% (from %d on)", target,
			MATRIX_MIN_SAMPLES);
	fprintf(f, "\nestimate_s: %.3f\nestimate: %s at most (about %.1f ms per pair: agents %s, "
		   "23 warm-up and calibration samples, samples of ~50 us)\n", est,
		sweep_fmt_dur(est, a, sizeof(a)), m->npairs ? 1e3 * est / (double)todo : 0,
		proc ? "forked" : "started");
}

static void progress(uint64_t k, uint64_t n, double t0, double left_s, int tty)
{
	char a[32], b[32];

	sweep_fmt_dur(now_s() - t0, a, sizeof(a));
	sweep_fmt_dur(left_s, b, sizeof(b));
	if (tty)
		fprintf(stderr, "\r\033[Kmatrix: %llu/%llu pairs, %s elapsed, ~%s left",
			(unsigned long long)k, (unsigned long long)n, a, b);
	else
		fprintf(stderr, "matrix: %llu/%llu pairs, %s elapsed, ~%s left\n",
			(unsigned long long)k, (unsigned long long)n, a, b);
}

/* Per-pair time learned as the matrix runs: fixed part and one sample. */
struct pace {
	double fixed, sample;   /* seconds, running means */
	uint64_t n;
};

static void pace_add(struct pace *pc, double secs, const struct cp_row *row)
{
	double sample = row->st.mean * (double)row->iters_per_sample * 1e-9;
	double fixed = secs - (23.0 + (double)row->samples) * sample;

	if (!(sample > 0))
		return;
	pc->n++;
	pc->sample += (sample - pc->sample) / (double)pc->n;
	pc->fixed += (fmax(0, fixed) - pc->fixed) / (double)pc->n;
}

/* Samples per pair so that `left` pairs fit `secs`, from what was measured. */
static uint64_t pace_cap(const struct pace *pc, uint64_t left, double secs, uint64_t cap)
{
	double s;

	if (!pc->n || !left)
		return cap;
	s = (secs / (double)left - pc->fixed) / pc->sample - 23.0;
	if (s < MATRIX_MIN_SAMPLES)
		return MATRIX_MIN_SAMPLES;
	return s < (double)cap ? (uint64_t)s : cap;
}

/* Put FILE.part in place: the whole file on a first run, merged into
 * FILE's rows on a resume. */
static int finish_file(const char *file, const char *part, int resume, struct cp_err *e)
{
	size_t n;
	int rc;

	if (!resume) {
		if (rename(part, file))
			return cp_errf(e, CP_ERUN, "renaming %s to %s: %s", part, file, strerror(errno));
		return 0;
	}
	rc = sweep_merge_csv(file, part, &n, e);
	if (!rc)
		unlink(part);
	return rc;
}

int cmd_matrix(struct opts *o)
{
	struct cp_err e = { 0 };
	struct mx m = { 0 };
	struct cp_topo *t = NULL;
	struct pp_run run = { 0 };
	struct cp_sink *sink = NULL;
	struct opts oo = *o;
	struct pace pace = { 0 };
	struct cpulist own = { 0 };
	struct sigaction sa = { 0 }, old_int, old_term, old_hup;
	const char *file = o->resume ? o->resume : o->out;
	char part[4200], rawpart[4200], cls[64];
	uint64_t cap, todo, total, measured = 0;
	double target, est = 0, t0, last_print = 0;
	int rc, proc, tty = isatty(2), exhausted = 0;
	unsigned modes = 0;

	if (o->argc)
		cp_die(CP_EUSAGE, "matrix: unexpected argument '%s': it takes options only", o->argv[0]);
	if (o->resume && o->out && strcmp(o->resume, o->out))
		cp_die(CP_EUSAGE, "--out %s: --resume %s adds to that file: give one of them", o->out,
		       o->resume);
	if (o->topology_xml && !o->dry_run && !getenv(CP_VALIDATE_ENV))
		cp_die(CP_EUSAGE, "--topology-xml %s: the matrix measures this machine; a saved topology "
		       "only plans one (with --dry-run)", o->topology_xml);
	if (o->resume && o->format && strcmp(o->format, "csv"))
		cp_die(CP_EUSAGE, "--format %s: --resume adds CSV rows to a CSV file: use --format csv",
		       o->format);
	if (opts_format(o, &e) < 0 || plan_ops_modes(o, &m, &e) ||
	    (file && tmp_target_check(o->resume ? "resume" : "out", file, &e)) ||
	    (o->raw && tmp_target_check("raw", o->raw, &e)) || topo_load(o->topology_xml, &t, &e))
		cp_exit_err(&e);
	if (o->cpus) {
		if (parse_cpulist(o->cpus, "cpus", &own, &e) || topo_check_cpus(t, own.cpu, own.n, &e))
			cp_exit_err(&e);
		m.cpu = own.cpu;
		m.ncpu = own.n;
	} else {
		m.cpu = topo_cpus(t);
		m.ncpu = topo_ncpus(t);
	}
	if (m.ncpu < 2)
		cp_die(o->cpus ? CP_EUSAGE : CP_EUNAVAIL, "%sthe matrix needs two CPUs, %s %d",
		       o->cpus ? "--cpus: " : "", o->cpus ? "the list has" : "this process may use",
		       m.ncpu);
	make_pairs(&m);
	total = m.npairs * (uint64_t)m.nk * (uint64_t)m.nmodes;
	m.done = cp_xcalloc(total ? total : 1, 1);
	if (o->resume) {
		/* refuse a foreign file before merging a killed run's rows into it */
		if (!access(file, F_OK) && mark_done(NULL, file, &e))
			cp_exit_err(&e);
		if (harvest(file, &e))
			cp_exit_err(&e);
		if (access(file, F_OK))
			cp_die(CP_EUSAGE, "--resume %s: no such file (and no rows of an interrupted run "
			       "next to it)", file);
		if (mark_done(&m, file, &e))
			cp_exit_err(&e);
	}
	todo = total - m.ndone;
	proc = m.nmodes == 2 || m.modes[0] == AGENT_PROCESS;
	cap = opt_isset(o, OPT_samples) ? o->samples : MATRIX_DEF_SAMPLES;
	target = opt_isset(o, OPT_target_ci) ? o->target_ci
					     : opt_isset(o, OPT_samples) ? 0 : MATRIX_DEF_TARGET_CI;
	if (opt_isset(o, OPT_budget)) {
		uint64_t fit = matrix_samples_for(todo, o->budget, proc);
		char a[32], b[32];

		if (!fit && todo)
			cp_die(CP_EUSAGE, "--budget %s: too short for %llu pair measurements: they need at "
			       "least %s at %d samples per pair; allowed: a longer --budget, fewer CPUs "
			       "(--cpus), fewer --op or one --mode",
			       sweep_fmt_dur(o->budget, a, sizeof(a)), (unsigned long long)todo,
			       sweep_fmt_dur(matrix_estimate(todo, MATRIX_MIN_SAMPLES, proc), b, sizeof(b)),
			       MATRIX_MIN_SAMPLES);
		if (!opt_isset(o, OPT_samples))
			cap = 5 * MATRIX_DEF_SAMPLES;
		if (fit < cap)
			cap = fit;
	}
	for (int md = 0; md < m.nmodes; md++)
		est += matrix_estimate(todo / (uint64_t)m.nmodes, cap, m.modes[md] == AGENT_PROCESS);
	/* every option checked, and the outputs opened, before the plan is said */
	for (int md = 0; md < m.nmodes; md++)
		modes |= 1u << m.modes[md];
	if (m.nmodes == 2 && !oo.shm)
		oo.shm = "anon"; /* both modes on one memory kind: only the address space differs */
	if (file) {
		snprintf(part, sizeof(part), "%s.part", file);
		oo.out = part;
	}
	if (o->raw) {
		snprintf(rawpart, sizeof(rawpart), "%s.part", o->raw);
		oo.raw = rawpart;
	}
	if ((!o->dry_run || topo_is_thissystem(t)) && (rc = pp_run_init(&run, &oo, modes, &e)))
		cp_exit_err(&e);
	if (!o->dry_run && todo && (rc = result_open(&oo, &sink, &e)))
		cp_exit_err(&e);
	print_plan(o->dry_run ? stdout : stderr, o, t, &m, cap, target, est);
	if (o->dry_run || !todo) {
		if (!todo && !o->dry_run)
			fprintf(stderr, "matrix: every pair is in %s already\n", file);
		pp_run_free(&run);
		topo_free(t);
		free(m.pair);
		free(m.done);
		cpulist_free(&own);
		return CP_OK;
	}

	result_set_timer(sink, &run.timer);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	t0 = now_s();
	for (int k = 0; k < m.nk && !rc && !g_stop && !exhausted; k++)
		for (int md = 0; md < m.nmodes && !rc && !g_stop && !exhausted; md++)
			for (uint64_t p = 0; p < m.npairs && !rc && !g_stop; p++) {
				struct cp_row row;
				double *raw = NULL, ts = now_s();
				uint64_t c = cap;

				if (m.done[meas_index(&m, k, md, p)])
					continue;
				if (opt_isset(o, OPT_budget)) {
					double left = o->budget - (ts - t0);

					if (left <= 0) {
						exhausted = 1;
						break;
					}
					c = pace_cap(&pace, todo - measured, left, cap);
				}
				run.max_samples = c;
				run.samples = target > 0 && c > MATRIX_MIN_SAMPLES ? MATRIX_MIN_SAMPLES : c;
				run.target_ci = target;
				topo_class_of_pair(t, m.pair[p][0], m.pair[p][1], cls, sizeof(cls));
				rc = pp_measure(&run, m.k[k], m.modes[md], m.pair[p][0], m.pair[p][1], NULL,
						cls, &row, &raw, sink, &e);
				if (!rc) {
					row.experiment = "matrix";
					rc = result_add(sink, &row, &e);
					pace_add(&pace, now_s() - ts, &row);
				}
				free(raw);
				measured++;
				if (now_s() - last_print > (tty ? 0.5 : 30) || measured == todo) {
					last_print = now_s();
					progress(measured, todo, t0, pace.n ? (double)(todo - measured) *
						 (pace.fixed + (23.0 + (double)c) * pace.sample) : 0, tty);
				}
			}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	if (tty)
		fprintf(stderr, "\n");
	if (exhausted)
		result_meta_note(sink, "matrix: the budget ran out after %llu of %llu pairs",
				 (unsigned long long)measured, (unsigned long long)todo);
	{
		/* keep what was measured, also when a pair failed */
		struct cp_err ce = { 0 };
		int crc = result_close(sink, &ce);

		if (!crc && file)
			crc = finish_file(file, part, o->resume != NULL, &ce);
		if (!crc && o->raw)
			crc = finish_file(o->raw, rawpart, o->resume != NULL, &ce);
		if (crc && !rc) {
			rc = crc;
			e = ce;
		}
	}
	pp_run_free(&run);
	if ((g_stop || rc || exhausted) && file)
		fprintf(stderr, "matrix: %llu of %llu pairs measured and kept in %s; continue with "
			"the same options and --resume %s\n", (unsigned long long)(rc ? measured - 1 : measured),
			(unsigned long long)todo, file, file);
	topo_free(t);
	free(m.pair);
	free(m.done);
	cpulist_free(&own);
	if (rc)
		cp_exit_err(&e);
	return g_stop ? SWEEP_INTERRUPTED : CP_OK;
}

/* ---- the experiment ---- */

void rep_matrix(struct rep *r);   /* its report section (report_sections.c) */

/* all pairs, last: it takes what the budget leaves */
static const struct exp_preset matrix_presets[] = {
	{ EXP_QUICK, "matrix --op cas --mode thread --samples 20" },
	{ EXP_STANDARD, "matrix --op cas --mode thread" },
	{ EXP_FULL, "matrix --op all --mode both" },
};

static const struct exp_figure matrix_figures[] = {
	{ "matrix", "heatmap.gp", "matrix.csv", "round_trip",
	  "experiment kernel mode metric unit cpu_a cpu_b p50", "kernel mode", "",
	  "Core-to-core round trip of every pair of CPUs" },
};

const struct experiment exp_matrix = {
	.cmd = { "matrix", cmd_matrix, "",
		 O(cpus) | O(topology_xml) | O(op) | O(mode) | O(shm) | O(pages) | O(layout) | O(spin) |
		 O(poll) | O(impl) | CP_OPTS_SAMPLE | O(budget) | O(dry_run) | O(resume) | CP_OPTS_OUTPUT,
		 "round trip of every pair of CPUs (a core-to-core heat map), with an estimate, a budget, resume",
		 "--resume FILE: the CSV an interrupted matrix --out FILE left; --iters: the default makes a sample of ~50 us" },
	.family = "pingpong",
	/* its cost is the pairs' ping-pong cells (sweep_est.c's matrix_estimate) */
	.prior = { 0.3, 0.05, 1e-3, 0, 100, 10, 1000, "", "" },
	.presets = EXP_ITEMS(matrix_presets),
	.figures = EXP_ITEMS(matrix_figures),
	.report = rep_matrix,
};
