/* sweep_run.c: running a plan: the loop over the cells (sweep_cell.c runs
 * one), the budget checked before each, cells-done.log written after each
 * (and read back by --resume, which cuts the data files to the sizes of the
 * last finished cell), the progress line, Ctrl-C: the first stops after the
 * cell in flight, a second abandons it (its rows are never appended). */
#include "sweep.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "meta.h"
#include "sweep_int.h"

const struct sweep_status sweep_statuses[] = {
	[ST_DONE] = { "done", 1, 0 },
	[ST_UNAVAIL] = { "unavailable", 1, 1 },
	[ST_FAILED] = { "failed", 0, 1 },
	[ST_BUDGET] = { "over-budget", 0, 1 },
};

int sweep_status_of(const char *name)
{
	for (int i = 0; i <= ST_BUDGET; i++)
		if (!strcmp(sweep_statuses[i].name, name))
			return i;
	return -1;
}

volatile sig_atomic_t sweep_stop;   /* Ctrl-C / SIGTERM / SIGHUP count */

static void on_signal(int sig)
{
	(void)sig;
	sweep_stop++;
}

double sweep_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

void sweep_path(const struct sweep_run_state *r, char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", r->cfg->dir, name);
}

/* ---- cells-done.log ---- */

int sweep_log_parse(char *line, struct sweep_logline *l)
{
	char *f[7];
	int n = 0;

	for (char *p = line; n < 7; n++) {
		f[n] = p;
		p = strchr(p, '\t');
		if (!p) {
			n++;
			break;
		}
		*p++ = 0;
	}
	if (n != 7)
		return -1;
	l->idx = atoi(f[0]) - 1;
	l->status = sweep_status_of(f[1]);
	l->secs = atof(f[2]);
	l->samples = f[3];
	l->sizes = f[4];
	l->cell = f[5];
	l->reason = f[6];
	return l->status < 0 || l->idx < 0 ? -1 : 0;
}

static void one_line(char *s)
{
	for (; *s; s++)
		if (*s == '\t' || *s == '\n' || *s == '\r')
			*s = ' ';
}

int sweep_log_cell(struct sweep_run_state *r, int i, int status, double secs, const char *reason,
		    struct cp_err *e)
{
	static char sizes[1 << 16];
	char why[1200];

	snprintf(why, sizeof(why), "%s", reason ? reason : "");
	one_line(why);
	sweep_sizes(r->cfg->dir, sizes, sizeof(sizes));
	fprintf(r->log, "%d\t%s\t%.3f\t%llu\t%s\t%s\t%s\n", i + 1, sweep_statuses[status].name, secs,
		(unsigned long long)r->samples[i], sizes, r->p->cell[i].line, why);
	if (fflush(r->log) || fsync(fileno(r->log)))
		return cp_errf(e, CP_ERUN, "%s/cells-done.log: %s", r->cfg->dir, strerror(errno));
	r->st[i] = status;
	free(r->why[i]);
	r->why[i] = cp_xstrdup(why);
	return 0;
}

/* Resume: statuses from the log, data files cut back to the last entry. */
static int read_log(struct sweep_run_state *r, struct cp_err *e)
{
	char path[4200], *line = NULL, last_sizes[1 << 16] = "";
	size_t cap = 0;
	ssize_t len;
	off_t good = 0;
	int ln = 0, rc = 0;
	FILE *f;

	sweep_path(r, path, sizeof(path), "cells-done.log");
	if (!(f = fopen(path, "r")))
		return errno == ENOENT ? 0 : cp_errf(e, CP_ERUN, "%s: %s", path, strerror(errno));
	while ((len = getline(&line, &cap, f)) > 0 && !rc) {
		struct sweep_logline l;

		ln++;
		if (line[len - 1] != '\n')
			break; /* cut short by a kill: dropped below */
		line[len - 1] = 0;
		if (sweep_log_parse(line, &l) || l.idx >= r->p->n) {
			rc = cp_errf(e, CP_EUSAGE, "%s:%d: not a cells-done line of this plan", path, ln);
			break;
		}
		if (strcmp(l.cell, r->p->cell[l.idx].line)) {
			rc = cp_errf(e, CP_EUSAGE, "%s:%d: cell %d is '%s' but plan.txt says '%s': "
				     "the directory was edited; start a new sweep", path, ln, l.idx + 1,
				     l.cell, r->p->cell[l.idx].line);
			break;
		}
		r->st[l.idx] = l.status;
		free(r->why[l.idx]);
		r->why[l.idx] = cp_xstrdup(l.reason);
		r->samples[l.idx] = strtoull(l.samples, NULL, 10);
		if (l.status == ST_DONE) {
			/* what earlier runs taught about this machine */
			struct sweep_cost k;
			uint64_t sm = r->samples[l.idx];

			sweep_cell_cost(&r->p->cell[l.idx], &k);
			sweep_learn_add(&r->L, r->p->cell[l.idx].argv[0],
					sweep_cost_at(&k, (double)(sm ? sm : k.def_samples)), l.secs);
		}
		snprintf(last_sizes, sizeof(last_sizes), "%s", l.sizes);
		good += len;
	}
	free(line);
	fclose(f);
	if (rc)
		return rc;
	if (truncate(path, good))
		return cp_errf(e, CP_ERUN, "%s: %s", path, strerror(errno));
	return sweep_restore_sizes(r->cfg->dir, last_sizes, e);
}

/* ---- budget ---- */

static void fit(struct sweep_run_state *r, int from, double left)
{
	int *skip = cp_xcalloc((size_t)r->p->n, sizeof(int));

	for (int j = 0; j < r->p->n; j++)
		skip[j] = r->st[j] != ST_TODO && sweep_statuses[r->st[j]].final;
	sweep_fit(r->p, skip, from, left, r->cfg->budget, &r->L, r->samples, r->pred);
	free(skip);
}

static double left_after(const struct sweep_run_state *r, int i)
{
	double t = 0;

	for (int j = i + 1; j < r->p->n; j++)
		if (r->st[j] == ST_TODO || !sweep_statuses[r->st[j]].final)
			t += r->pred[j];
	return t;
}

void sweep_progress(struct sweep_run_state *r, int i, double cell_t0, const char *what)
{
	char el[32], eta[32], line[600];
	double in_cell = sweep_now() - cell_t0;
	int width = 100;
	struct winsize ws;

	sweep_fmt_dur(sweep_now() - r->t0, el, sizeof(el));
	sweep_fmt_dur(left_after(r, i) + fmax(0, r->pred[i] - in_cell), eta, sizeof(eta));
	snprintf(line, sizeof(line), "[%d/%d] %s elapsed, ~%s left: %s %s", i + 1, r->p->n, el, eta,
		 what, r->p->cell[i].line);
	if (r->tty) {
		if (!ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) && ws.ws_col > 20)
			width = ws.ws_col - 1;
		fprintf(stderr, "\r\033[K%.*s", width, line);
	} else {
		fprintf(stderr, "sweep: %s\n", line);
	}
	fflush(stderr);
}

static void first_start_of(struct sweep_run_state *r)
{
	char path[4200], line[256];
	FILE *f;

	snprintf(r->first_start, sizeof(r->first_start), "%s", r->meta.start_utc);
	sweep_path(r, path, sizeof(path), "plan.txt");
	if (!r->cfg->resume || !(f = fopen(path, "r")))
		return;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "# started ", 10)) {
			line[strcspn(line, "\n")] = 0;
			snprintf(r->first_start, sizeof(r->first_start), "%.39s", line + 10);
			break;
		}
	fclose(f);
}

/* The first entry of DIR other than . and .., or NULL when it is empty. */
static char *first_entry(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char *name = NULL;

	while (d && !name && (de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			name = cp_xstrdup(de->d_name);
	if (d)
		closedir(d);
	return name;
}

/* A new sweep takes an empty or new directory and marks it as its own (with
 * the results schema); --resume takes only a directory so marked, so that a
 * sweep never treats, merges or removes files it did not write. */
int sweep_dir_check(const struct sweep_cfg *cfg, struct cp_err *e)
{
	char path[4200], *other;

	snprintf(path, sizeof(path), "%s/%s", cfg->dir, SWEEP_MARKER);
	if (cfg->resume) {
		if (access(path, F_OK))
			return cp_errf(e, CP_EUSAGE, "--resume %s: no %s there: not a directory that "
				       "cachepong's sweep made", cfg->dir, SWEEP_MARKER);
		return 0;
	}
	if (!access(path, F_OK))
		return cp_errf(e, CP_EUSAGE, "--dir %s: holds a sweep already: continue it with "
			       "--resume %s, or give another directory", cfg->dir, cfg->dir);
	if ((other = first_entry(cfg->dir))) {
		cp_errf(e, CP_EUSAGE, "--dir %s: not empty (it holds '%s'): a sweep writes into a new or "
			"empty directory; continue a sweep with --resume DIR", cfg->dir, other);
		free(other);
		return e->code;
	}
	return 0;
}

static int check_marker(struct sweep_run_state *r, struct cp_err *e)
{
	char path[4200];
	FILE *f;

	if (sweep_dir_check(r->cfg, e))
		return e->code;
	if (r->cfg->resume)
		return 0;
	sweep_path(r, path, sizeof(path), SWEEP_MARKER);
	if (!(f = fopen(path, "w")) || fprintf(f, "cachepong results directory\nschema %d\n",
						CP_RESULTS_SCHEMA) < 0 || fclose(f))
		return cp_errf(e, CP_ERUN, "--dir %s: cannot write %s: %s", r->cfg->dir, SWEEP_MARKER,
			       strerror(errno));
	return 0;
}

static int open_dir(struct sweep_run_state *r, struct cp_err *e)
{
	const char *dir = r->cfg->dir;
	char path[4200], *p = cp_xstrdup(dir);
	struct stat st;
	int rc;

	/* mkdir -p */
	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = 0;
			mkdir(p, 0755);
			*s = '/';
		}
	free(p);
	if (mkdir(dir, 0755) && errno != EEXIST)
		return cp_errf(e, CP_ERUN, "--dir %s: %s", dir, strerror(errno));
	if (stat(dir, &st) || !S_ISDIR(st.st_mode))
		return cp_errf(e, CP_EUSAGE, "--dir %s: not a directory", dir);
	sweep_path(r, path, sizeof(path), "plan.txt");
	if (r->cfg->resume && access(path, F_OK))
		return cp_errf(e, CP_EUSAGE, "--resume %s: no plan.txt there: not a sweep directory",
			       dir);
	if (!r->cfg->resume && !access(path, F_OK))
		return cp_errf(e, CP_EUSAGE, "--dir %s: holds a sweep already: continue it with "
			       "--resume %s, or give another directory", dir, dir);
	if ((rc = check_marker(r, e)))
		return rc;
	if (r->cfg->resume) {
		/* what a killed sweep's cell left: its output never counted */
		DIR *d = opendir(dir);
		struct dirent *de;

		while (d && (de = readdir(d)))
			if (!strncmp(de->d_name, ".cell.", 6) || !strncmp(de->d_name, ".topo.", 6)) {
				sweep_path(r, path, sizeof(path), de->d_name);
				unlink(path);
			}
		if (d)
			closedir(d);
	}
	sweep_path(r, path, sizeof(path), "raw");
	if (mkdir(path, 0755) && errno != EEXIST)
		return cp_errf(e, CP_ERUN, "%s: %s", path, strerror(errno));
	sweep_path(r, path, sizeof(path), ".write-test");
	{
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd < 0)
			return cp_errf(e, CP_ERUN, "--dir %s: cannot write there: %s", dir,
				       strerror(errno));
		close(fd);
		unlink(path);
	}
	return 0;
}

static void run_free(struct sweep_run_state *r)
{
	for (int i = 0; i < r->p->n; i++)
		free(r->why[i]);
	free(r->why);
	free(r->st);
	free(r->samples);
	free(r->pred);
	if (r->log)
		fclose(r->log);
	if (r->slog)
		fclose(r->slog);
	meta_free(&r->meta);
}

/* Open the directory, the plan, the logs and meta.json ("running"). */
static int run_open(struct sweep_run_state *r, struct cp_err *e)
{
	char path[4200];
	int rc;

	if ((rc = open_dir(r, e)))
		return rc;
	first_start_of(r);
	if (r->cfg->resume && (rc = read_log(r, e)))
		return rc;
	sweep_path(r, path, sizeof(path), "plan.txt");
	if (!r->cfg->resume && (rc = sweep_write_atomic(path, sweep_put_plan, r, e)))
		return rc;
	sweep_path(r, path, sizeof(path), "cells-done.log");
	r->log = fopen(path, "a");
	sweep_path(r, path, sizeof(path), "sweep.log");
	r->slog = fopen(path, "a");
	if (!r->log || !r->slog)
		return cp_errf(e, CP_ERUN, "%s: %s", path, strerror(errno));
	sweep_snapshot(r);
	return sweep_write_meta(r, "running", e);
}

/* Every cell not done yet, in order, within the budget, until a signal. */
static int run_cells(struct sweep_run_state *r, struct cp_err *e)
{
	const struct sweep_cfg *cfg = r->cfg;
	int rc = 0;

	for (int i = 0; i < r->p->n && !rc && !sweep_stop; i++) {
		const struct sweep_cell *c = &r->p->cell[i];
		double left = cfg->budget - (sweep_now() - r->t0);
		char why[400], a[32], b[32];

		if (r->st[i] != ST_TODO && sweep_statuses[r->st[i]].final)
			continue;
		if (c->unavail || c->invalid) {
			rc = sweep_log_cell(r, i, c->unavail ? ST_UNAVAIL : ST_FAILED, 0,
					    c->unavail ? c->unavail : c->invalid, e);
			continue;
		}
		fit(r, i, left);
		if (cfg->budget > 0 && r->pred[i] > left) {
			snprintf(why, sizeof(why), "needs ~%s, %s of the budget left",
				 sweep_fmt_dur(r->pred[i], a, sizeof(a)), sweep_fmt_dur(fmax(0, left), b, sizeof(b)));
			rc = sweep_log_cell(r, i, ST_BUDGET, 0, why, e);
			if (!r->tty)
				fprintf(stderr, "sweep: [%d/%d] over budget: %s: %s\n", i + 1, r->p->n, c->line, why);
			continue;
		}
		rc = sweep_run_cell(r, i, e);
	}
	return rc;
}

/* meta.json's final status and the closing line (or the resume hint). */
static int run_close(struct sweep_run_state *r, int stopped, struct cp_err *e)
{
	const struct sweep_cfg *cfg = r->cfg;
	int failed = 0, skipped = 0, n = r->p->n, rc;
	char el[32];

	for (int i = 0; i < n; i++) {
		failed += r->st[i] == ST_FAILED;
		skipped += r->st[i] == ST_UNAVAIL || r->st[i] == ST_BUDGET;
	}
	if ((rc = sweep_write_meta(r, stopped ? "interrupted" : failed ? "cells failed" : "complete", e)))
		return rc;
	sweep_fmt_dur(sweep_now() - r->t0, el, sizeof(el));
	if (stopped) {
		fprintf(stderr, "sweep: interrupted after %s; the results so far are in %s "
			"(nothing half-written); continue with: %s %s\n", el, cfg->dir,
			cfg->resume_cmd ? cfg->resume_cmd : "cachepong sweep --resume", cfg->dir);
		return SWEEP_INTERRUPTED;
	}
	if (!cfg->quiet)
		fprintf(stderr, "sweep: %d cells in %s: %d done, %d skipped (see %s/skipped.csv), %d failed\n", n,
			el, n - failed - skipped, skipped, cfg->dir, failed);
	if (failed)
		return cp_errf(e, CP_ERUN, "%d of %d cells failed: their messages are in %s/skipped.csv and "
			       "%s/sweep.log", failed, n, cfg->dir, cfg->dir);
	return 0;
}

int sweep_run(const struct sweep_cfg *cfg, struct sweep_plan *p, struct cp_err *e)
{
	struct sweep_run_state r = { 0 };
	struct sigaction sa = { 0 }, old[3];
	static const int sigs[3] = { SIGINT, SIGTERM, SIGHUP };
	int rc, stopped;

	r.cfg = cfg;
	r.p = p;
	r.st = cp_xcalloc((size_t)p->n, sizeof(int));
	r.why = cp_xcalloc((size_t)p->n, sizeof(char *));
	r.samples = cp_xcalloc((size_t)p->n, sizeof(uint64_t));
	r.pred = cp_xcalloc((size_t)p->n, sizeof(double));
	for (int i = 0; i < p->n; i++)
		r.st[i] = ST_TODO;
	r.tty = isatty(STDERR_FILENO);
	meta_collect_start(&r.meta, cfg->o ? cfg->o->full_argc : 0, cfg->o ? cfg->o->full_argv : NULL);
	if ((rc = run_open(&r, e)))
		goto out;
	sweep_stop = 0;
	sa.sa_handler = on_signal; /* no SA_RESTART: the wait wakes up */
	sigemptyset(&sa.sa_mask);
	for (int k = 0; k < 3; k++)
		sigaction(sigs[k], &sa, &old[k]);
	r.t0 = sweep_now();
	rc = run_cells(&r, e);
	stopped = sweep_stop > 0;
	for (int k = 0; k < 3; k++)
		sigaction(sigs[k], &old[k], NULL);
	if (r.tty)
		fprintf(stderr, "\r\033[K");
	if (rc)
		sweep_write_meta(&r, "error", &(struct cp_err){ 0 });
	else
		rc = run_close(&r, stopped, e);
out:
	run_free(&r);
	return rc;
}
