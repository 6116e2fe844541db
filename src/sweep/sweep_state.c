/* sweep_state.c: the state of a sweep being run, as its files show it:
 * the cells' statuses, paths in the results directory, cells-done.log
 * (one line per finished cell, with every data file's size after it) and
 * the progress line.  The runner (sweep_run.c), a cell (sweep_cell.c) and
 * the metadata (sweep_meta.c) all read and write it through here. */
#include "sweep.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "sweep_int.h"

const struct sweep_status sweep_statuses[] = {
	[ST_DONE] = { "done", 1, 0 },
	[ST_UNAVAIL] = { "unavailable", 1, 1 },
	[ST_FAILED] = { "failed", 0, 1 },
	[ST_BUDGET] = { "over-budget", 0, 1 },
	[ST_CAPPED] = { "capped", 1, 1 },
};

int sweep_status_of(const char *name)
{
	for (int i = 0; i < ST_COUNT; i++)
		if (!strcmp(sweep_statuses[i].name, name))
			return i;
	return -1;
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

/* ---- progress ---- */

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
	double in_cell = cp_now_s() - cell_t0;
	int width = 100;
	struct winsize ws;

	cp_fmt_dur(cp_now_s() - r->t0, el, sizeof(el));
	cp_fmt_dur(left_after(r, i) + fmax(0, r->pred[i] - in_cell), eta, sizeof(eta));
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
