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
		if (l.status == ST_DONE && r->p->cell[l.idx].argv) {
			/* what earlier runs taught about this machine (a cell
			 * measured in this process has no command line: the
			 * sweep_here paces its cells itself) */
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

/* A new sweep takes an empty or new directory and marks it as its own (with
 * the results schema); --resume takes only a directory so marked, so that a
 * sweep never treats, merges or removes files it did not write. */
int sweep_dir_check(const struct sweep_cfg *cfg, struct cp_err *e)
{
	char path[4200], *other;

	snprintf(path, sizeof(path), "%s/%s", cfg->dir, SWEEP_MARKER);
	if (cfg->resume)
		return schema_dir_check("resume", cfg->dir, 1, e);
	if (!access(path, F_OK))
		return cp_errf(e, CP_EUSAGE, "--dir %s: holds a sweep already: continue it with "
			       "--resume %s, or give another directory", cfg->dir, cfg->dir);
	if ((other = cp_dir_first_entry(cfg->dir))) {
		cp_errf(e, CP_EUSAGE, "--dir %s: not empty (it holds '%s'): a sweep writes into a new or "
			"empty directory; continue a sweep with --resume DIR", cfg->dir, other);
		free(other);
		return e->code;
	}
	return 0;
}

static int check_marker(struct sweep_run_state *r, struct cp_err *e)
{
	if (sweep_dir_check(r->cfg, e))
		return e->code;
	if (r->cfg->resume)
		return 0;
	return schema_dir_mark(r->cfg->dir, e);
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
				if (unlink(path) && errno == EISDIR)
					sweep_state_remove(path); /* a killed matrix cell's FILE.part */
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
	free(r->first);
	free(r->chosen);
	sweep_sentinel_free(&r->sen);
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
	if (!r->cfg->here)
		sweep_snapshot(r); /* the machine, for a report; a matrix's own sweep makes none */
	return sweep_write_meta(r, "running", e);
}

/* Every cell not done yet, in order, within the budget, until a signal. */
static int run_cells(struct sweep_run_state *r, struct cp_err *e)
{
	const struct sweep_cfg *cfg = r->cfg;
	int rc = 0;

	for (int i = 0; i < r->p->n; i++)
		r->here_left += r->st[i] == ST_TODO || !sweep_statuses[r->st[i]].final;
	if (!cfg->here) {
		sweep_quiet_before(r);
		sweep_budget_begin(r);
		sweep_sentinel_begin(r);
	} else {
		sweep_sentinel_here_begin(r);
	}
	for (int i = 0; i < r->p->n && !rc && !runctl_stop_count(); i++) {
		const struct sweep_cell *c = &r->p->cell[i];
		double left = cfg->budget - (cp_now_s() - r->t0);
		char why[400];

		if (r->st[i] != ST_TODO && sweep_statuses[r->st[i]].final)
			continue;
		if (c->unavail || c->invalid) {
			rc = sweep_log_cell(r, i, c->unavail ? ST_UNAVAIL : ST_FAILED, 0,
					    c->unavail ? c->unavail : c->invalid, e);
			continue;
		}
		if (cfg->here) {
			int stop = 0;

			sweep_sentinel_here(r);
			rc = sweep_here_cell(r, i, &stop, e);
			if (stop) {
				cfg->here->exhausted = 1;
				break;
			}
			continue;
		}
		/* the sentinel before a cell that will run, then its budget again */
		if (sweep_budget_cell(r, i, left, why, sizeof(why))) {
			sweep_sentinel_before(r, i);
			left = cfg->budget - (cp_now_s() - r->t0);
		}
		if (!sweep_budget_cell(r, i, left, why, sizeof(why))) {
			rc = sweep_log_cell(r, i, ST_BUDGET, 0, why, e);
			if (!r->tty)
				fprintf(stderr, "sweep: [%d/%d] over budget: %s: %s\n", i + 1, r->p->n, c->line, why);
			continue;
		}
		sweep_sentinel_inside_arm(r, i);
		rc = sweep_run_cell(r, i, e);
		sweep_sentinel_inside_collect(r, i);
	}
	if (!cfg->here && !rc && !runctl_stop_count())
		sweep_sentinel_end(r);
	return rc;
}

/* meta.json's final status and the closing line (or the resume hint). */
static int run_close(struct sweep_run_state *r, int stopped, struct cp_err *e)
{
	const struct sweep_cfg *cfg = r->cfg;
	int failed = 0, skipped = 0, capped = 0, n = r->p->n, rc;
	char el[32];

	if (!cfg->here)
		sweep_quiet_after(r);
	for (int i = 0; i < n; i++) {
		failed += r->st[i] == ST_FAILED;
		capped += r->st[i] == ST_CAPPED;
		skipped += r->st[i] == ST_UNAVAIL || r->st[i] == ST_BUDGET;
	}
	if (cfg->here) {
		/* the command that runs its cells says how it went */
		cfg->here->n = n;
		cfg->here->done = 0;
		for (int i = 0; i < n; i++)
			cfg->here->done += r->st[i] == ST_DONE;
	}
	if ((rc = sweep_write_meta(r, stopped ? "interrupted" : failed ? "cells failed"
					    : cfg->here && cfg->here->exhausted ? "over budget" : "complete", e)))
		return rc;
	if (cfg->here)
		return stopped ? SWEEP_INTERRUPTED : failed ? cp_errf(e, CP_ERUN, "%d of %d cells failed", failed, n) : 0;
	cp_fmt_dur(cp_now_s() - r->t0, el, sizeof(el));
	if (stopped) {
		fprintf(stderr, "sweep: interrupted after %s; the results so far are in %s "
			"(nothing half-written); continue with: %s %s\n", el, cfg->dir,
			cfg->resume_cmd ? cfg->resume_cmd : "cachepong sweep --resume", cfg->dir);
		return SWEEP_INTERRUPTED;
	}
	if (!cfg->quiet)
		fprintf(stderr, "sweep: %d cells in %s: %d done, %d capped, %d skipped (see %s/skipped.csv), %d failed\n",
			n, el, n - failed - skipped - capped, capped, skipped, cfg->dir, failed);
	if (failed)
		return cp_errf(e, CP_ERUN, "%d of %d cells failed: their messages are in %s/skipped.csv and "
			       "%s/sweep.log", failed, n, cfg->dir, cfg->dir);
	return 0;
}

int sweep_run(const struct sweep_cfg *cfg, struct sweep_plan *p, struct cp_err *e)
{
	struct sweep_run_state r = { 0 };
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
	meta_collect_start(&r.meta, cfg->argc, cfg->argv);
	if ((rc = run_open(&r, e)))
		goto out;
	runctl_stop_begin(NULL, 0); /* no restart: the wait for a cell wakes up */
	r.t0 = cp_now_s();
	rc = run_cells(&r, e);
	stopped = runctl_stop_count() > 0;
	runctl_stop_end();
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
