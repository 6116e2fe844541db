/* cmd_report.c: `cachepong report [--dir DIR] [--budget 5m]`: the standard
 * sweep for this machine within the budget, every figure, and report.md /
 * report.html answering from this run's numbers.  --resume DIR continues
 * an interrupted report (or only re-renders a finished one); --preset
 * picks another sweep (quick: a smoke test in seconds). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cp.h"
#include "command.h"
#include "opts.h"
#include "report.h"
#include "sweep.h"

#define REPORT_BUDGET_S 300.0
/* The figures are part of the main job: their time is measured here
 * (plot_cost_estimate: one figure timed, times the figures of a full run,
 * over the figures drawn at once), times REPORT_FIG_SAFETY (a real figure
 * reads data), set aside before the sweep starts, within these parts of
 * the budget, but never less than one figure per experiment needs (on an
 * emulated CPU, gnuplot alone may need half the budget); the sweep cannot
 * spend it. */
#define REPORT_FIG_SAFETY 1.5
#define REPORT_RESERVE_MIN 0.05
#define REPORT_RESERVE_MAX 0.40
#define REPORT_RESERVE_FIRSTS_MAX 0.60
/* Writing report.md and .html after the figures reads every CSV again and
 * scales with the machine as gnuplot does (measured: half a figure's time
 * on an Intel KVM guest and under qemu's emulation): one figure's time is
 * kept for it, at least this much. */
#define REPORT_WRITE_PER_FIGURE 1.0
#define REPORT_WRITE_MIN_S 0.25
/* A figure running at the budget's end, the writing kept, is stopped this
 * part of the budget past it (the report's goal is the budget + 5%, the
 * rest left for the program's own start and end). */
#define REPORT_FIG_GRACE 0.02

/* The budget a report was started with: --budget, else the one its
 * meta.json keeps (a resume goes on within it), else the default. */
static double report_budget(const struct opts *o)
{
	char path[4300], v[64];

	if (opt_isset(o, OPT_budget))
		return o->budget;
	if (o->resume) {
		snprintf(path, sizeof(path), "%s/meta.json", o->resume);
		if (atof(report_json_str(path, "budget_s", v, sizeof(v))) > 0)
			return atof(v);
	}
	return REPORT_BUDGET_S;
}

/* A finished sweep directory: the resume only renders again. */
static int sweep_complete(const char *dir)
{
	char path[4300], status[64];

	snprintf(path, sizeof(path), "%s/meta.json", dir);
	return !strcmp(report_json_str(path, "sweep_status", status, sizeof(status)), "complete");
}

/* The last lines before the report's paths: cells stopped at their cap,
 * from meta.json (their rows are in the report, listed as capped). */
static void report_closing(const char *dir)
{
	char path[4300], v[64];
	int capped;

	snprintf(path, sizeof(path), "%s/meta.json", dir);
	capped = atoi(report_json_str(path, "sweep_cells_capped", v, sizeof(v)));
	if (capped > 0)
		fprintf(stderr, "report: %d cell%s stopped at %s cap (%s share of the budget, several times %s "
			"estimate): what %s measured is in the report, which lists %s under \"Not measured\"\n",
			capped, capped > 1 ? "s" : "", capped > 1 ? "their" : "its", capped > 1 ? "their" : "its",
			capped > 1 ? "their" : "its", capped > 1 ? "they" : "it", capped > 1 ? "them" : "it");
}

int cmd_report(struct opts *o)
{
	struct cp_err e = { 0 };
	struct sweep_plan p = { 0 };
	struct sweep_cfg cfg = { 0 };
	struct plot_set ps = { 0 };
	const struct plan_req pr = plan_req_of(o, "standard");
	char dir[4096];
	int rc, src = CP_OK;
	struct plot_deadline dl;
	double t0 = cp_now_s(), total, reserve, one, all, firsts, write_s, t_sweep = 0, t_est, t_fig, t_write;

	if (o->argc)
		cp_die(CP_EUSAGE, "report: unexpected argument '%s': it takes options only", o->argv[0]);
	if (o->resume && (o->dir || o->preset))
		cp_die(CP_EUSAGE, "report: --resume %s continues that directory's own sweep: no --dir "
		       "or --preset with it", o->resume);
	cfg.dir = o->resume ? o->resume : o->dir ? o->dir : sweep_default_dir(dir, sizeof(dir));
	total = report_budget(o);
	plot_cost_estimate(&one, &all, &firsts);
	t_est = cp_now_s() - t0;
	write_s = fmax(REPORT_WRITE_MIN_S, REPORT_WRITE_PER_FIGURE * one);
	reserve = fmin(fmax(REPORT_FIG_SAFETY * all + write_s, total * REPORT_RESERVE_MIN), total * REPORT_RESERVE_MAX);
	reserve = fmax(reserve, fmin(REPORT_FIG_SAFETY * firsts + write_s, total * REPORT_RESERVE_FIRSTS_MAX));
	/* the cells get what is left of the budget, the estimate's time gone */
	cfg.budget = total - reserve - (cp_now_s() - t0);
	cfg.budget_total = total;
	cfg.resume = o->resume != NULL;
	cfg.target_ci = opt_isset(o, OPT_target_ci) ? o->target_ci : 0;
	cfg.argc = o->full_argc;
	cfg.argv = o->full_argv;
	cfg.resume_cmd = "cachepong report --resume";
	if (!(o->resume && sweep_complete(o->resume))) {
		if ((rc = plan_load(&pr, &p, &e)) || (rc = sweep_dir_check(&cfg, &e)))
			cp_exit_err(&e);
		fprintf(stderr, "report: %s, %d cells into %s, budget %.0f s (%.0f s kept for the figures "
			"and the report)\n", p.origin, p.n, cfg.dir, total, reserve);
		t_sweep = cp_now_s();
		src = sweep_run(&cfg, &p, &e);
		t_sweep = cp_now_s() - t_sweep;
		sweep_plan_free(&p);
		if (src == SWEEP_INTERRUPTED)
			return src;
		if (src && src != CP_ERUN)
			cp_exit_err(&e);
		if (src)
			fprintf(stderr, "cachepong: %s\n", e.msg);
	}
	/* the figures' deadline: the budget, the writing after them kept */
	t_fig = cp_now_s();
	dl.soft = t0 + total - write_s;
	dl.hard = t0 + total * (1 + REPORT_FIG_GRACE) - write_s;
	rc = plot_render_dir(cfg.dir, &dl, &ps, &e);
	if (rc == CP_EUNAVAIL)
		fprintf(stderr, "cachepong: %s: the report has no figures\n", e.msg);
	else if (rc)
		cp_exit_err(&e);
	for (int i = 0; i < ps.nnotes; i++)
		fprintf(stderr, "report: no figure: %s\n", ps.notes[i]);
	fprintf(stderr, "report: %d figures drawn in %.1f s (%.1f s were set aside for them and the report)\n",
		ps.n, ps.seconds, reserve);
	t_write = cp_now_s();
	rc = report_write(cfg.dir, &ps, &e);
	free(ps.f);
	if (rc)
		cp_exit_err(&e);
	report_closing(cfg.dir);
	fprintf(stderr, "report: %.1f s in all (budget %.0f s): figures timed %.1f s, plan %.1f s, sweep %.1f s, "
		"figures %.1f s, writing %.1f s\n", cp_now_s() - t0, total, t_est, t_fig - t0 - t_sweep - t_est,
		t_sweep, t_write - t_fig, cp_now_s() - t_write);
	printf("%s/report.md\n%s/report.html\n", cfg.dir, cfg.dir);
	/* the report is written; a cell that failed still makes this exit 1 */
	return src ? CP_ERUN : ps.failed ? CP_ERUN : CP_OK;
}
