/* matrix_cmd.c: `cachepong matrix`: the round trip of every pair of CPUs.
 *
 * Scales to big machines (2 x 96 cores x SMT = 384 CPUs, 73,536 pairs):
 * the plan and its estimate come first (--dry-run stops there; with
 * --topology-xml it plans another machine), --budget sizes the samples per
 * pair from the time per pair measured as it goes, and each pair stops
 * sampling as soon as the 95% CI of its median is within --target-ci
 * (default 1%).  The run is a sweep (sweep.h, struct sweep_here) whose
 * cells are the measurements (pair x op x mode), measured in this process:
 * the sweep paces them to the budget, logs each, appends its rows, says
 * the progress and stops after the cell in flight on Ctrl-C; --resume FILE
 * continues an interrupted run where its log ends, or measures what FILE
 * lacks.  Pairs run in a fixed shuffled order, so slow drift (heat,
 * frequency) shows as noise, not as a pattern. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agents.h"
#include "experiment.h"
#include "matrix_int.h"
#include "runctl.h"
#include "sweep_int.h"
#include "csvmerge.h"
#include "csvread.h"
#include "matrix.h"
#include "names.h"
#include "parse.h"
#include "pingpong.h"
#include "result.h"
#include "schema.h"
#include "sweep.h"
#include "topo.h"
#include "verdict.h"
#include "tmpname.h"

#define MATRIX_DEF_TARGET_CI 1.0

#define T struct matrix_req
static const struct req_opt matrix_opts[] = {
	REQ_OPT(T, c.place.cpus, cpus, NULL), REQ_OPT(T, c.place.topology_xml, topology_xml, NULL),
	REQ_OPTS_TIMING(T, REQ_TEXT(MATRIX_DEF_SAMPLES), "20"), REQ_OPT_ITERS(T), REQ_OPT_TARGET_CI(T),
	REQ_OPTS_OUTPUT(T), REQ_OPT(T, c.mem.shm, shm, NULL), REQ_OPT(T, c.mem.pages, pages, NULL),
	REQ_OPT_MODE(T, "thread"), REQ_OPT(T, op, op, "cas"), REQ_OPT(T, layout, layout, NULL),
	REQ_OPT(T, spin, spin, NULL), REQ_OPT(T, poll, poll, NULL), REQ_OPT(T, impl, impl, NULL),
	REQ_OPT(T, budget, budget, NULL), REQ_OPT(T, dry_run, dry_run, NULL), REQ_OPT(T, resume, resume, NULL),
	REQ_OPT(T, parallel, parallel, NULL), REQ_OPT(T, per_class, per_class, NULL),
};
#undef T


static int plan_ops_modes(const struct matrix_req *o, struct mx *m, struct cp_err *e)
{
	const char *names = kernel_names("pingpong");
	char *copy, *save = NULL;
	int idx[CP_ARRAY_SIZE(m->k)], n, rc;

	/* the names first, as pingpong checks them (the message lists all) */
	if ((rc = name_pick_list(o->op, "op", names, idx, (int)CP_ARRAY_SIZE(m->k), &n, e)))
		return rc;
	copy = cp_xstrdup(!strcmp(o->op, "all") ? names : o->op);
	for (char *t = strtok_r(copy, "|,", &save); t && !rc; t = strtok_r(NULL, "|,", &save)) {
		if (m->nk == (int)CP_ARRAY_SIZE(m->k))
			break;
		/* --op all --poll rmw: the ops that have an atomic to poll with */
		if (!strcmp(o->op, "all") && o->poll && !kernel_has_poll("pingpong", t, o->poll))
			continue;
		if (!(m->k[m->nk++] = kernel_find("pingpong", t, o->impl, o->spin, o->poll, e)))
			rc = e->code;
	}
	free(copy);
	if (rc)
		return rc;
	{
		/* both: the two modes as interleaved arms of each pair's cell */
		struct agent_modes am;

		if ((rc = agent_modes_parse(o->c.mode, 0, &am, e)))
			return rc;
		m->modes[0] = am.m[0];
		m->modes[1] = am.m[1];
		m->nmodes = am.n;
	}
	return 0;
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

int mx_mark_done(struct mx *m, const char *path, struct cp_err *e)
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

		/* the --parallel auto checks' rows measure no cell of the matrix */
		if (strcmp(csv_get(&c, i, col[5]), "round_trip") || !strncmp(csv_str(&c, i, COL_arms), "parallel=", 9))
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

static void print_plan(FILE *f, const struct matrix_req *o, const struct cp_topo *t, const struct mx *m,
		       uint64_t samples, double target, double est)
{
	struct topo_class *cls = NULL;
	int ncls = 0, proc = m->nmodes == 2 || m->modes[0] == AGENT_PROCESS;
	char a[32];
	uint64_t todo = m->npairs * (uint64_t)m->nk * (uint64_t)m->nmodes - m->ndone;

	fprintf(f, "machine: %s%s, %d CPUs\n", topo_cpu_model(t),
		topo_is_thissystem(t) ? "" : " (from --topology-xml)", m->ncpu);
	fprintf(f, "pairs: %llu\n", (unsigned long long)m->npairs);
	if (!o->c.place.cpus && !topo_classes(t, &cls, &ncls))
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

/* What --per-class and --parallel made of the plan. */
static void print_par(FILE *f, const struct mx_cmd *x)
{
	if (x->per_class) {
		fprintf(f, "sample: %llu pairs per class, spread over packages, and %llu other pairs at random to check "
			   "that the classes hold (--per-class %llu), instead of every pair\n",
			(unsigned long long)x->per_class, (unsigned long long)x->m.nrandom,
			(unsigned long long)x->per_class);
		for (uint64_t p = 0; p < x->m.npairs; p++) {
			char cls[64];

			topo_class_of_pair(x->t, x->m.pair[p][0], x->m.pair[p][1], cls, sizeof(cls));
			fprintf(f, "  pair %d,%d %s%s\n", x->m.pair[p][0], x->m.pair[p][1], cls,
				p >= x->m.npairs - x->m.nrandom ? " (random)" : "");
		}
	}
	if (x->par > 1 && x->par_auto)
		fprintf(f, "parallel: %d pairs at once, no CPU in two (auto: the most there can be); before the matrix "
			   "a few pairs, one per class first, are measured alone and with the others at once as "
			   "interleaved arms, and %d stays only if every parallel figure is equivalent to its alone "
			   "figure within 3%%, else it is halved and checked again\n", x->par, x->par);
	else if (x->par > 1)
		fprintf(f, "parallel: %d pairs at once, no CPU in two (not checked against pairs alone: "
			   "--parallel auto checks)\n", x->par);
	else if (x->par_auto)
		fprintf(f, "parallel: one pair at a time (%d CPUs)\n", x->m.ncpu);
}

/* The options that cannot go together, then ops, modes, outputs, topology. */
static int mx_check(struct mx_cmd *x, struct cp_err *e)
{
	const struct matrix_req *o = x->o;
	const struct req_output *out = &o->c.out;
	int fmt;

	if (o->resume && out->out && strcmp(o->resume, out->out))
		return cp_errf(e, CP_EUSAGE, "--out %s: --resume %s adds to that file: give one of them", out->out,
			       o->resume);
	if (o->c.place.topology_xml && !o->dry_run && !o->c.checking)
		return cp_errf(e, CP_EUSAGE, "--topology-xml %s: the matrix measures this machine; a saved topology "
			       "only plans one (with --dry-run)", o->c.place.topology_xml);
	if (o->per_class && o->c.place.cpus)
		return cp_errf(e, CP_EUSAGE, "--per-class %llu: it samples the classes of the whole machine; --cpus %s "
			       "names the CPUs of a matrix: give one of them", (unsigned long long)o->per_class,
			       o->c.place.cpus);
	if (o->parallel && o->c.mode && !strcmp(o->c.mode, "both"))
		return cp_errf(e, CP_EUSAGE, "--parallel %s: with --mode both the two modes are interleaved arms of "
			       "each pair's cell; allowed: --mode thread or --mode process", o->parallel);
	if (o->resume && out->format && strcmp(out->format, "csv"))
		return cp_errf(e, CP_EUSAGE, "--format %s: --resume adds CSV rows to a CSV file: use --format csv",
			       out->format);
	if ((fmt = req_format(&o->c, e)) < 0 || plan_ops_modes(o, &x->m, e) ||
	    (x->file && tmp_target_check(o->resume ? "resume" : "out", x->file, e)) ||
	    (out->raw && tmp_target_check("raw", out->raw, e)) || topo_load(o->c.place.topology_xml, &x->t, e))
		return e->code;
	x->keep = x->file && (o->resume || fmt == FMT_CSV);
	if (x->keep) {
		snprintf(x->state, sizeof(x->state), "%s.part", x->file);
		snprintf(x->sweep, sizeof(x->sweep), "%s/%s", x->state, SWEEP_STATE_SWEEP);
	}
	return 0;
}

/* --resume: the interrupted run in FILE.part goes on (its plan), or FILE's
 * rows are the base of a new run that measures what FILE lacks. */
static int mx_resume(struct mx_cmd *x, struct cp_err *e)
{
	char base[4300];

	/* refuse a foreign file before anything */
	if (!access(x->file, F_OK) && mx_mark_done(NULL, x->file, e))
		return e->code;
	x->resuming = schema_dir_version(x->sweep) > 0;
	if (!x->resuming && access(x->file, F_OK))
		return cp_errf(e, CP_EUSAGE, "--resume %s: no such file (and no interrupted run in %s)", x->file,
			       x->state);
	snprintf(base, sizeof(base), "%s/%s", x->state, SWEEP_STATE_BASE);
	if (!x->resuming)
		snprintf(base, sizeof(base), "%s", x->file);
	return !access(base, F_OK) ? mx_mark_done(&x->m, base, e) : 0;
}

/* The CPUs (--cpus or all allowed), the pairs, and what --resume has. */
static int mx_pairs(struct mx_cmd *x, struct cp_err *e)
{
	const char *cpus = x->o->c.place.cpus;
	struct mx *m = &x->m;
	uint64_t total;

	if (cpus) {
		if (parse_cpulist(cpus, "cpus", &x->own, e) || topo_check_cpus(x->t, x->own.cpu, x->own.n, e))
			return e->code;
		m->cpu = x->own.cpu;
		m->ncpu = x->own.n;
	} else {
		m->cpu = topo_cpus(x->t);
		m->ncpu = topo_ncpus(x->t);
	}
	if (m->ncpu < 2)
		return cp_errf(e, cpus ? CP_EUSAGE : CP_EUNAVAIL, "%sthe matrix needs two CPUs, %s %d",
			       cpus ? "--cpus: " : "", cpus ? "the list has" : "this process may use", m->ncpu);
	make_pairs(m);
	if (x->per_class) {
		int (*all)[2] = m->pair;
		uint64_t nall = m->npairs;
		int rc = mx_per_class(m, x->t, x->per_class, all, nall, e);

		free(all);
		if (rc)
			return rc;
	}
	total = m->npairs * (uint64_t)m->nk * (uint64_t)m->nmodes;
	m->done = cp_xcalloc(total ? total : 1, 1);
	x->todo = total;
	if (x->o->resume && mx_resume(x, e))
		return e->code;
	x->todo = total - m->ndone;
	return 0;
}

/* The cells of op k, mode md: its pending pairs, or their groups at
 * --parallel N. */
static uint64_t mx_units(const struct mx_cmd *x, int k, int md)
{
	uint64_t *pend, *order, *start, np = mx_pending(&x->m, k, md, &pend), ng = np;

	if (x->par > 1) {
		order = cp_xcalloc(np ? np : 1, sizeof(uint64_t));
		ng = mx_groups(&x->m, pend, np, x->par, order, &start);
		free(order);
		free(start);
	}
	free(pend);
	return ng;
}

/* --budget without --parallel or --per-class, too short for every pair
 * one at a time at the least samples: disjoint pairs at once (auto), and
 * if that is still too long, the class sample with the most pairs per
 * class that fits; said first.  Not for a --resume, whose plan is set. */
static int mx_fit_budget(struct mx_cmd *x, struct cp_err *e)
{
	const struct matrix_req *o = x->o;
	int proc = x->m.nmodes == 2 || x->m.modes[0] == AGENT_PROCESS;
	static const uint64_t per_class[] = { 16, 8, 4, 2, 1 };
	char a[32], b[32];
	double need = matrix_estimate(x->todo, MATRIX_MIN_SAMPLES, proc);

	if (!req_given(&o->c, OPT_budget) || o->parallel || o->per_class || o->resume || o->c.place.cpus ||
	    x->m.nmodes == 2 || need <= o->budget || x->m.ncpu < 4)
		return 0;
	fprintf(o->dry_run ? stdout : stderr, "budget: %s is too short for every pair one at a time (%s at least): ",
		cp_fmt_dur(o->budget, a, sizeof(a)), cp_fmt_dur(need, b, sizeof(b)));
	x->par = x->m.ncpu / 2;
	x->par_auto = 1;
	need = (double)x->todo * MATRIX_FORK_S;
	for (int k = 0; k < x->m.nk; k++)
		need += matrix_estimate(mx_units(x, k, 0), MATRIX_MIN_SAMPLES, proc);
	if (need <= o->budget) {
		fprintf(o->dry_run ? stdout : stderr, "disjoint pairs at once (--parallel auto)\n");
		return 0;
	}
	for (size_t i = 0; i < CP_ARRAY_SIZE(per_class); i++) {
		free(x->m.pair);
		free(x->m.done);
		x->m.ndone = 0;
		x->per_class = per_class[i];
		if (mx_pairs(x, e))
			return e->code;
		need = (double)x->todo * MATRIX_FORK_S;
		for (int k = 0; k < x->m.nk; k++)
			need += matrix_estimate(mx_units(x, k, 0), MATRIX_MIN_SAMPLES, proc);
		if (need <= o->budget)
			break;
	}
	fprintf(o->dry_run ? stdout : stderr, "a sample of %llu pairs per class (--per-class %llu), disjoint pairs at "
		"once (--parallel auto)\n", (unsigned long long)x->per_class, (unsigned long long)x->per_class);
	return 0;
}

/* Samples per pair: --samples, or what --budget allows; --target-ci.  At
 * --parallel N a group of pairs costs what one pair does, plus the fork of
 * a process per pair (MATRIX_FORK_S each, in turn). */
static int mx_samples(struct mx_cmd *x, struct cp_err *e)
{
	const struct matrix_req *o = x->o;
	int proc = x->m.nmodes == 2 || x->m.modes[0] == AGENT_PROCESS, samples = req_given(&o->c, OPT_samples);
	uint64_t units[2] = { 0, 0 };
	double fork_s = x->par > 1 ? (double)x->todo * MATRIX_FORK_S : 0;

	for (int k = 0; k < x->m.nk; k++)
		for (int md = 0; md < x->m.nmodes; md++)
			units[md] += mx_units(x, k, md);
	x->cap = o->c.smp.samples;
	x->target = req_given(&o->c, OPT_target_ci) ? o->c.smp.target_ci : samples ? 0 : MATRIX_DEF_TARGET_CI;
	if (req_given(&o->c, OPT_budget)) {
		uint64_t fit = matrix_samples_for(units[0] + units[1], o->budget - fork_s, proc);
		char a[32], b[32];

		if (!fit && x->todo)
			return cp_errf(e, CP_EUSAGE, "--budget %s: too short for %llu pair measurements: they need at "
				       "least %s at %d samples per pair; allowed: a longer --budget, --parallel, "
				       "--per-class, fewer CPUs (--cpus), fewer --op or one --mode",
				       cp_fmt_dur(o->budget, a, sizeof(a)), (unsigned long long)x->todo,
				       cp_fmt_dur(fork_s + matrix_estimate(units[0] + units[1], MATRIX_MIN_SAMPLES, proc),
						  b, sizeof(b)),
				       MATRIX_MIN_SAMPLES);
		if (!samples)
			x->cap = 5 * MATRIX_DEF_SAMPLES;
		if (fit < x->cap)
			x->cap = fit;
	}
	x->est = fork_s;
	for (int md = 0; md < x->m.nmodes; md++)
		x->est += matrix_estimate(units[md], x->cap, x->m.modes[md] == AGENT_PROCESS);
	return 0;
}

/* The sweep of a matrix whose rows go out as measured: TMPDIR/
 * cachepong-matrix.PID, removed at the end; those of processes that are
 * gone (killed by SIGKILL) are removed first. */
#define MX_TEMP_PREFIX "cachepong-matrix."
static int mx_temp_dir(struct mx_cmd *x, struct cp_err *e)
{
	const char *tmp = getenv("TMPDIR") && getenv("TMPDIR")[0] ? getenv("TMPDIR") : "/tmp";
	DIR *d = opendir(tmp);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		long pid = strncmp(de->d_name, MX_TEMP_PREFIX, strlen(MX_TEMP_PREFIX)) ? 0
			   : atol(de->d_name + strlen(MX_TEMP_PREFIX));

		if (pid > 0 && kill((pid_t)pid, 0) && errno == ESRCH) {
			snprintf(x->sweep, sizeof(x->sweep), "%s/%s", tmp, de->d_name);
			sweep_dir_remove(x->sweep);
		}
	}
	if (d)
		closedir(d);
	snprintf(x->sweep, sizeof(x->sweep), "%s/" MX_TEMP_PREFIX "%ld", tmp, (long)getpid());
	sweep_dir_remove(x->sweep); /* one this pid's predecessor left */
	if (mkdir(x->sweep, 0700))
		return cp_errf(e, CP_ERUN, "matrix: cannot make the directory %s: %s", x->sweep, strerror(errno));
	return 0;
}

/* Every option checked, the plan made and the rows' way out opened before
 * the plan is said; *stop when the run ends there (a dry run, a check,
 * nothing to measure). */
static int mx_open(struct mx_cmd *x, int *stop, struct cp_err *e)
{
	const struct matrix_req *o = x->o;
	/* both modes on one memory kind: only the address space differs */
	const struct pp_mem mem = { o->c.mem.shm ? o->c.mem.shm : x->m.nmodes == 2 ? "anon" : NULL, o->c.mem.pages,
				    o->layout, o->poll };
	unsigned modes = 0;

	*stop = 1;
	for (int md = 0; md < x->m.nmodes; md++)
		modes |= 1u << x->m.modes[md];
	if ((!o->dry_run || topo_is_thissystem(x->t)) && pp_run_init(&x->run, &o->c, &mem, modes, e))
		return e->code;
	if (o->dry_run || o->c.checking || (!x->todo && !x->resuming))
		return 0;
	if (x->keep && !o->resume && !access(x->state, F_OK))
		return cp_errf(e, CP_EUSAGE, "--out %s: %s holds an interrupted matrix: continue it with --resume %s, "
			       "or remove %s", x->file, x->state, x->file, x->state);
	if (!x->keep && (mx_temp_dir(x, e) || req_sink_open(&o->c, &x->sink, e)))
		return e->code;
	if (x->sink)
		result_set_timer(x->sink, &x->run.timer);
	*stop = 0;
	return 0;
}

static void mx_free(struct mx_cmd *x)
{
	pp_run_free(&x->run);
	topo_free(x->t);
	free(x->m.pair);
	free(x->m.done);
	cpulist_free(&x->own);
	for (int i = 0; i < x->plan.n; i++) {
		free(x->cell[i].line);
		free(x->cell[i].pair);
	}
	free(x->cell);
	sweep_plan_free(&x->plan);
}

static int matrix_run(const void *req, struct cp_err *e)
{
	const struct matrix_req *o = req;
	struct mx_cmd x = { .o = o, .file = o->resume ? o->resume : o->c.out.out, .per_class = o->per_class };
	int rc, stop;

	if ((rc = mx_check(&x, e)) || (rc = mx_pairs(&x, e)) ||
	    (rc = mx_parallel_parse(o->parallel, x.m.ncpu, &x.par, &x.par_auto, e)) || (rc = mx_fit_budget(&x, e)) ||
	    (rc = mx_samples(&x, e)) ||
	    (rc = mx_open(&x, &stop, e)) || o->c.checking)
		goto out;
	print_plan(o->dry_run ? stdout : stderr, o, x.t, &x.m, x.cap, x.target, x.est);
	print_par(o->dry_run ? stdout : stderr, &x);
	if (stop) {
		if (!x.todo && !o->dry_run)
			fprintf(stderr, "matrix: every pair is in %s already\n", x.file);
		goto out;
	}
	rc = mx_run(&x, e);
	if (x.sink) {
		struct cp_err ce = { 0 };
		int crc = result_close(x.sink, &ce);

		if (crc && !rc) {
			rc = crc;
			*e = ce;
		}
	}
out:
	mx_free(&x);
	if (rc == SWEEP_INTERRUPTED)
		return CP_EINTR;
	return rc ? rc : runctl_exit_code(CP_OK);
}

/* ---- the experiment ---- */

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
	{ "matrix-classes", "bars.gp", "plots/matrix-classes.csv", "round_trip",
	  "experiment kernel mode metric unit placement p50 ci_lo ci_hi", "", "series='kernel mode'; xname='placement class'; "
	  "what='matrix, the pairs of each class'",
	  "Each placement class: the median round trip over its pairs, with its 95% interval over the pairs" },
};

/* pingpong's values, and the two modes a matrix measures (or both) */
static const char *matrix_values(enum opt_id id, char *buf, size_t len)
{
	return id == OPT_mode ? AGENT_MODE_NAMES : pingpong_values(id, buf, len);
}

const struct experiment exp_matrix = {
	.name = "matrix",
	.summary = "round trip of every pair of CPUs (a core-to-core heat map), with an estimate, a budget, resume",
	.notes = "--resume FILE: the CSV an interrupted matrix --out FILE left; --iters: the default makes a "
		 "sample of ~50 us",
	EXP_REQUEST(struct matrix_req, matrix_opts),
	.run = matrix_run,
	.family = "pingpong",
	/* its cost is the pairs' ping-pong cells (sweep_est.c's matrix_estimate) */
	.prior = { .cell_fixed = 0.3, .meas_fixed = 0.05, .t_sample = 1e-3, .per_byte = 0,
		   .min_samples = 10, .max_samples = 1000, .all = "" },
	.arms = EXP_ARMS_IN_RUN,
	.presets = EXP_ITEMS(matrix_presets),
	.figures = EXP_ITEMS(matrix_figures),
	.overlay = EXP_OVERLAY_HEAT,
	.values = matrix_values,
};
