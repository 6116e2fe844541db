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
#include "csvmerge.h"
#include "csvread.h"
#include "matrix.h"
#include "parse.h"
#include "pingpong.h"
#include "result.h"
#include "runctl.h"
#include "topo.h"
#include "verdict.h"
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
	col[0] = csv_at(&c, COL_experiment);
	col[1] = csv_at(&c, COL_cpu_a);
	col[2] = csv_at(&c, COL_cpu_b);
	col[3] = csv_at(&c, COL_kernel);
	col[4] = csv_at(&c, COL_mode);
	col[5] = csv_at(&c, COL_metric);
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
		rc = csv_merge("resume", file, path, &n, e);
		if (!rc) {
			fprintf(stderr, "matrix: %zu rows of an interrupted run (%s) kept\n", n, de->d_name);
			unlink(path);
		}
	}
	closedir(d);
	return rc;
}

double matrix_estimate(uint64_t npairs, uint64_t samples, int processes)
{
	/* per pair: agents started (fork + shared memory for processes), the
	 * line mapped fresh, 20 warm-up + 3 calibration samples, then the
	 * samples of ~50 us plus the barrier between them */
	double pair_fixed = processes ? 2.5e-3 : 0.6e-3;
	double t_sample = 55e-6;

	return (double)npairs * (pair_fixed + (23.0 + (double)samples) * t_sample);
}

uint64_t matrix_samples_for(uint64_t npairs, double seconds, int processes)
{
	double fixed = matrix_estimate(npairs, 0, processes);
	double per = matrix_estimate(npairs, 1, processes) - fixed;
	double s = per > 0 ? (seconds - fixed) / per : 0;

	if (s < MATRIX_MIN_SAMPLES)
		return 0;
	return s > 1e8 ? 100000000 : (uint64_t)s;
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
		cp_fmt_dur(est, a, sizeof(a)), m->npairs ? 1e3 * est / (double)todo : 0,
		proc ? "forked" : "started");
}

static void progress(uint64_t k, uint64_t n, double t0, double left_s, int tty)
{
	char a[32], b[32];

	cp_fmt_dur(cp_now_s() - t0, a, sizeof(a));
	cp_fmt_dur(left_s, b, sizeof(b));
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
	rc = csv_merge("resume", file, part, &n, e);
	if (!rc)
		unlink(part);
	return rc;
}

/* One matrix command: what its steps share. */
struct mx_cmd {
	const struct opts *o;
	struct mx m;
	struct cp_topo *t;
	struct pp_run run;
	struct cp_sink *sink;
	struct cpulist own;
	const char *file;             /* --out or --resume */
	char part[4200], rawpart[4200];
	uint64_t cap, todo, measured;
	double target, est;
	int exhausted;
};

/* The options that cannot go together, then ops, modes, outputs, topology. */
static void mx_check(struct mx_cmd *x, struct cp_err *e)
{
	const struct opts *o = x->o;

	if (o->argc)
		cp_die(CP_EUSAGE, "matrix: unexpected argument '%s': it takes options only", o->argv[0]);
	if (o->resume && o->out && strcmp(o->resume, o->out))
		cp_die(CP_EUSAGE, "--out %s: --resume %s adds to that file: give one of them", o->out, o->resume);
	if (o->topology_xml && !o->dry_run && !getenv(CP_VALIDATE_ENV))
		cp_die(CP_EUSAGE, "--topology-xml %s: the matrix measures this machine; a saved topology "
		       "only plans one (with --dry-run)", o->topology_xml);
	if (o->resume && o->format && strcmp(o->format, "csv"))
		cp_die(CP_EUSAGE, "--format %s: --resume adds CSV rows to a CSV file: use --format csv", o->format);
	if (opts_format(o, e) < 0 || plan_ops_modes(o, &x->m, e) ||
	    (x->file && tmp_target_check(o->resume ? "resume" : "out", x->file, e)) ||
	    (o->raw && tmp_target_check("raw", o->raw, e)) || topo_load(o->topology_xml, &x->t, e))
		cp_exit_err(e);
}

/* The CPUs (--cpus or all allowed), the pairs, and what --resume has. */
static void mx_pairs(struct mx_cmd *x, struct cp_err *e)
{
	const struct opts *o = x->o;
	struct mx *m = &x->m;
	uint64_t total;

	if (o->cpus) {
		if (parse_cpulist(o->cpus, "cpus", &x->own, e) || topo_check_cpus(x->t, x->own.cpu, x->own.n, e))
			cp_exit_err(e);
		m->cpu = x->own.cpu;
		m->ncpu = x->own.n;
	} else {
		m->cpu = topo_cpus(x->t);
		m->ncpu = topo_ncpus(x->t);
	}
	if (m->ncpu < 2)
		cp_die(o->cpus ? CP_EUSAGE : CP_EUNAVAIL, "%sthe matrix needs two CPUs, %s %d", o->cpus ? "--cpus: " : "",
		       o->cpus ? "the list has" : "this process may use", m->ncpu);
	make_pairs(m);
	total = m->npairs * (uint64_t)m->nk * (uint64_t)m->nmodes;
	m->done = cp_xcalloc(total ? total : 1, 1);
	if (o->resume) {
		/* refuse a foreign file before merging a killed run's rows into it */
		if (!access(x->file, F_OK) && mark_done(NULL, x->file, e))
			cp_exit_err(e);
		if (harvest(x->file, e))
			cp_exit_err(e);
		if (access(x->file, F_OK))
			cp_die(CP_EUSAGE, "--resume %s: no such file (and no rows of an interrupted run next to it)",
			       x->file);
		if (mark_done(m, x->file, e))
			cp_exit_err(e);
	}
	x->todo = total - m->ndone;
}

/* Samples per pair: --samples, or what --budget allows; --target-ci. */
static void mx_samples(struct mx_cmd *x)
{
	const struct opts *o = x->o;
	int proc = x->m.nmodes == 2 || x->m.modes[0] == AGENT_PROCESS;

	x->cap = opt_isset(o, OPT_samples) ? o->samples : MATRIX_DEF_SAMPLES;
	x->target = opt_isset(o, OPT_target_ci) ? o->target_ci : opt_isset(o, OPT_samples) ? 0 : MATRIX_DEF_TARGET_CI;
	if (opt_isset(o, OPT_budget)) {
		uint64_t fit = matrix_samples_for(x->todo, o->budget, proc);
		char a[32], b[32];

		if (!fit && x->todo)
			cp_die(CP_EUSAGE, "--budget %s: too short for %llu pair measurements: they need at "
			       "least %s at %d samples per pair; allowed: a longer --budget, fewer CPUs "
			       "(--cpus), fewer --op or one --mode",
			       cp_fmt_dur(o->budget, a, sizeof(a)), (unsigned long long)x->todo,
			       cp_fmt_dur(matrix_estimate(x->todo, MATRIX_MIN_SAMPLES, proc), b, sizeof(b)),
			       MATRIX_MIN_SAMPLES);
		if (!opt_isset(o, OPT_samples))
			x->cap = 5 * MATRIX_DEF_SAMPLES;
		if (fit < x->cap)
			x->cap = fit;
	}
	for (int md = 0; md < x->m.nmodes; md++)
		x->est += matrix_estimate(x->todo / (uint64_t)x->m.nmodes, x->cap, x->m.modes[md] == AGENT_PROCESS);
}

/* Every option checked, and the outputs opened (as .part files), before
 * the plan is said. */
static void mx_open(struct mx_cmd *x, struct cp_err *e)
{
	const struct opts *o = x->o;
	/* both modes on one memory kind: only the address space differs */
	const struct pp_mem mem = { o->shm ? o->shm : x->m.nmodes == 2 ? "anon" : NULL, o->pages, o->layout };
	struct cp_sink_req req;
	unsigned modes = 0;

	for (int md = 0; md < x->m.nmodes; md++)
		modes |= 1u << x->m.modes[md];
	if ((!o->dry_run || topo_is_thissystem(x->t)) && pp_run_init(&x->run, o, &mem, modes, e))
		cp_exit_err(e);
	if (o->dry_run || !x->todo)
		return;
	if (opts_sink_req(o, &req, e))
		cp_exit_err(e);
	if (x->file) {
		snprintf(x->part, sizeof(x->part), "%s.part", x->file);
		req.out = x->part;
	}
	if (o->raw) {
		snprintf(x->rawpart, sizeof(x->rawpart), "%s.part", o->raw);
		req.raw = x->rawpart;
	}
	if (result_open(&req, &x->sink, e))
		cp_exit_err(e);
}

/* The samples for the next pair, paced to what is left of --budget; 0
 * when it ran out. */
static uint64_t mx_pace(struct mx_cmd *x, const struct pace *pace, double t0)
{
	double left;

	if (!opt_isset(x->o, OPT_budget))
		return x->cap;
	left = x->o->budget - (cp_now_s() - t0);
	if (left <= 0) {
		x->exhausted = 1;
		return 0;
	}
	return pace_cap(pace, x->todo - x->measured, left, x->cap);
}

/* Both modes of pair p as interleaved arms (pingpong.h): the arms' rows
 * not in the resume file yet, and their comparison. */
static int mx_arms(struct mx_cmd *x, int k, uint64_t p, const char *cls, struct pace *pace, struct cp_err *e)
{
	double ts = cp_now_s();
	const struct mx *m = &x->m;
	struct cp_row rows[3];
	double *raw[3] = { NULL, NULL, NULL };
	int rc = pp_measure_arms(&x->run, m->k[k], m->modes, m->pair[p][0], m->pair[p][1], NULL, cls,
				 VERDICT_MARGIN_PCT, rows, raw, x->sink, e);

	for (int i = 0; i < 3 && !rc; i++) {
		if (i < 2 && m->done[meas_index(m, k, i, p)])
			continue;
		rows[i].experiment = "matrix";
		rc = result_add(x->sink, &rows[i], e);
		x->measured += i < 2;
	}
	if (!rc) /* a measurement of each mode: half the time each */
		pace_add(pace, (cp_now_s() - ts) / 2, &rows[0]);
	for (int i = 0; i < 3; i++)
		free(raw[i]);
	return rc;
}

/* One pair x op x mode (both modes at once when interleaved). */
static int mx_one(struct mx_cmd *x, int k, int md, uint64_t p, struct pace *pace, double t0, struct cp_err *e)
{
	const struct mx *m = &x->m;
	struct cp_row row;
	double *raw = NULL, ts = cp_now_s();
	uint64_t c = mx_pace(x, pace, t0);
	char cls[64];
	int rc;

	if (!c)
		return 0;
	x->run.max_samples = c;
	x->run.samples = x->target > 0 && c > MATRIX_MIN_SAMPLES ? MATRIX_MIN_SAMPLES : c;
	x->run.target_ci = x->target;
	topo_class_of_pair(x->t, m->pair[p][0], m->pair[p][1], cls, sizeof(cls));
	if (m->nmodes == 2)
		return mx_arms(x, k, p, cls, pace, e);
	rc = pp_measure(&x->run, m->k[k], m->modes[md], m->pair[p][0], m->pair[p][1], NULL, cls, &row, &raw,
			x->sink, e);
	if (!rc) {
		row.experiment = "matrix";
		rc = result_add(x->sink, &row, e);
		pace_add(pace, cp_now_s() - ts, &row);
	}
	free(raw);
	x->measured++;
	return rc;
}

static int mx_measure(struct mx_cmd *x, struct cp_err *e)
{
	const struct mx *m = &x->m;
	struct pace pace = { 0 };
	double t0 = cp_now_s(), last_print = 0;
	int rc = 0, tty = isatty(2);

	/* both modes: one interleaved measurement per pair covers the two */
	for (int k = 0; k < m->nk && !rc && !runctl_stop_count() && !x->exhausted; k++)
		for (int md = 0; md < (m->nmodes == 2 ? 1 : m->nmodes) && !rc && !runctl_stop_count() && !x->exhausted; md++)
			for (uint64_t p = 0; p < m->npairs && !rc && !runctl_stop_count() && !x->exhausted; p++) {
				if (m->done[meas_index(m, k, md, p)] &&
				    (m->nmodes == 1 || m->done[meas_index(m, k, 1, p)]))
					continue;
				rc = mx_one(x, k, md, p, &pace, t0, e);
				if (cp_now_s() - last_print > (tty ? 0.5 : 30) || x->measured == x->todo) {
					last_print = cp_now_s();
					progress(x->measured, x->todo, t0, pace.n ? (double)(x->todo - x->measured) *
						 (pace.fixed + (23.0 + (double)x->cap) * pace.sample) : 0, tty);
				}
			}
	if (tty)
		fprintf(stderr, "\n");
	return rc;
}

/* Keep what was measured, also when a pair failed: close the sink and
 * move the .part files into place. */
static int mx_close(struct mx_cmd *x, int rc, struct cp_err *e)
{
	struct cp_err ce = { 0 };
	int crc;

	if (x->exhausted)
		result_meta_note(x->sink, "matrix: the budget ran out after %llu of %llu pairs",
				 (unsigned long long)x->measured, (unsigned long long)x->todo);
	crc = result_close(x->sink, &ce);
	if (!crc && x->file)
		crc = finish_file(x->file, x->part, x->o->resume != NULL, &ce);
	if (!crc && x->o->raw)
		crc = finish_file(x->o->raw, x->rawpart, x->o->resume != NULL, &ce);
	if (crc && !rc) {
		rc = crc;
		*e = ce;
	}
	if ((runctl_stop_count() || rc || x->exhausted) && x->file)
		fprintf(stderr, "matrix: %llu of %llu pairs measured and kept in %s; continue with "
			"the same options and --resume %s\n", (unsigned long long)(rc ? x->measured - 1 : x->measured),
			(unsigned long long)x->todo, x->file, x->file);
	return rc;
}

static void mx_free(struct mx_cmd *x)
{
	pp_run_free(&x->run);
	topo_free(x->t);
	free(x->m.pair);
	free(x->m.done);
	cpulist_free(&x->own);
}

int cmd_matrix(struct opts *o)
{
	struct cp_err e = { 0 };
	struct mx_cmd x = { .o = o, .file = o->resume ? o->resume : o->out };
	int rc;

	mx_check(&x, &e);
	mx_pairs(&x, &e);
	mx_samples(&x);
	mx_open(&x, &e);
	print_plan(o->dry_run ? stdout : stderr, o, x.t, &x.m, x.cap, x.target, x.est);
	if (o->dry_run || !x.todo) {
		if (!x.todo && !o->dry_run)
			fprintf(stderr, "matrix: every pair is in %s already\n", x.file);
		mx_free(&x);
		return CP_OK;
	}
	result_set_timer(x.sink, &x.run.timer);
	runctl_stop_begin(NULL, 0);
	rc = mx_measure(&x, &e);
	runctl_stop_end();
	rc = mx_close(&x, rc, &e);
	mx_free(&x);
	if (rc)
		cp_exit_err(&e);
	return runctl_stop_count() ? CP_EINTR : CP_OK;
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
	.arms = EXP_ARMS_IN_RUN,
	.presets = EXP_ITEMS(matrix_presets),
	.figures = EXP_ITEMS(matrix_figures),
	.report = rep_matrix,
	.overlay = EXP_OVERLAY_HEAT,
};
