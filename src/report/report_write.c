/* report_write.c: report.md and report.html of a results directory: the
 * run's facts from meta.json, a summary that answers the questions in
 * plain words, then one section per experiment with its tables and
 * figures, what was not measured and why, and how to read the numbers. */
#include "report_int.h"
#include "registry.h"
#include "json_out.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void facts(struct rep *r, struct doc *d)
{
	char meta[4300], v[10][256], budget[300] = "";

	snprintf(meta, sizeof(meta), "%s/meta.json", r->dir);
	report_json_str(meta, "kernel", v[0], sizeof(v[0]));
	report_json_str(meta, "sweep_first_start_utc", v[1], sizeof(v[1]));
	report_json_str(meta, "end_utc", v[2], sizeof(v[2]));
	report_json_str(meta, "sweep_plan", v[3], sizeof(v[3]));
	report_json_str(meta, "sweep_status", v[4], sizeof(v[4]));
	report_json_str(meta, "hypervisor_vendor", v[5], sizeof(v[5]));
	report_json_str(meta, "version", v[6], sizeof(v[6]));
	report_json_str(meta, "git_rev", v[7], sizeof(v[7]));
	report_json_str(meta, "thp_enabled", v[8], sizeof(v[8]));
	report_json_str(meta, "budget_s", v[9], sizeof(v[9]));
	if (!v[9][0])
		report_json_str(meta, "sweep_budget_s", v[9], sizeof(v[9]));
	if (v[9][0])
		snprintf(budget, sizeof(budget), ", budget %.0f s", atof(v[9]));
	doc_p(d, "Measured on **%s** (%s), Linux %s%s%s, from %s to %s: %s, %s%s. "
		 "cachepong %s (git %s); transparent huge pages: %s.",
	      r->host[0] ? r->host : "unknown host", r->cpu[0] ? r->cpu : "unknown CPU",
	      v[0][0] ? v[0] : "?", v[5][0] ? ", a virtual machine: " : "", v[5], v[1], v[2], v[3],
	      v[4], budget, v[6], v[7], v[8][0] ? v[8] : "unknown");
	if (v[5][0])
		doc_p(d, "In a virtual machine the vCPUs are threads of the host: what is called a "
			 "core or a cache here is what the hypervisor shows, and the host's other "
			 "load shows up as noise and steal time (see meta.json: steal_ms).");
}

/* A number of meta.json (its top level or "extra"), NAN when absent. */
static double meta_num(const char *path, const char *key)
{
	char v[64];

	report_json_str(path, key, v, sizeof(v));
	return v[0] ? atof(v) : NAN;
}

/* How quiet the machine was, and what to change: meta.json's warnings
 * (each names the setting), the check before and during the run, and the
 * settings that move the figures. */
static void conditions(struct rep *r, struct doc *d)
{
	char path[4300], top[600], line[1200] = "";
	json_t *doc, *w, *s;
	double b = NAN, o = NAN, st = NAN, worst = NAN;

	snprintf(path, sizeof(path), "%s/meta.json", r->dir);
	if (!(doc = json_load_file(path, 0, NULL)))
		return;
	doc_h(d, 2, "Conditions");
	w = json_object_get(doc, "warnings");
	for (size_t i = 0; json_is_array(w) && i < json_array_size(w); i++)
		doc_li(d, "**Warning**: %s.", json_string_value(json_array_get(w, i)));
	if (!json_array_size(w))
		doc_p(d, "No setting that makes the figures unstable was found (cpufreq governor, energy-performance "
			 "preference, boost, deep idle states, other load on the measured CPUs, steal time).");
	b = meta_num(path, "quiet_before_others_pct");
	o = meta_num(path, "quiet_others_pct");
	st = meta_num(path, "quiet_steal_pct");
	worst = meta_num(path, "quiet_worst_others_pct");
	report_json_str(path, "quiet_before_top", top, sizeof(top));
	if (isfinite(b))
		snprintf(line, sizeof(line), "other processes used %.1f%% of the measured CPUs in the %s before it%s%s%s",
			 b, "quarter second", top[0] ? " (" : "", top, top[0] ? ")" : "");
	if (isfinite(o))
		snprintf(line + strlen(line), sizeof(line) - strlen(line), "%s%.1f%% during it%s, steal %.1f%%",
			 line[0] ? "; " : "other processes used ", o, "", st);
	if (isfinite(worst))
		snprintf(line + strlen(line), sizeof(line) - strlen(line), " (%.1f%% in the busiest cell)", worst);
	if (line[0])
		doc_p(d, "Quiet machine check: %s. conditions.csv has a line per cell; one cachepong measures at a "
			 "time (a lock: another run waits).", line);
	s = json_object_get(doc, "settings");
	if (json_is_object(s)) {
		const char *key;
		json_t *v;
		char list[2400] = "";

		json_object_foreach(s, key, v)
			if (json_is_string(v) && strcmp(key, "kernel_cmdline"))
				snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s %s", list[0] ? ", " : "",
					 key, json_string_value(v));
		if (list[0])
			doc_p(d, "Settings: %s (the whole list, with the kernel's command line, is in meta.json).", list);
	}
	rep_drift_conditions(r, d);
	json_decref(doc);
}

/* skipped.csv: what the sweep did not measure, and why. */
static void skipped(struct rep *r)
{
	struct csv c;
	struct cp_err e = { 0 };
	char path[4300];
	static const char *const head[] = { "cell", "status", "command", "why" };
	int nf = 0, nu = 0, nb = 0, nc = 0;

	snprintf(path, sizeof(path), "%s/skipped.csv", r->dir);
	if (csv_read(path, &c, &e) || !c.nrow) {
		if (!e.code)
			csv_free(&c);
		return;
	}
	doc_h(r->d, 2, "Not measured, or not all of it");
	doc_table(r->d, 4, head);
	for (size_t i = 0; i < c.nrow; i++) {
		char cell[4][160];
		const char *st = csv_get(&c, i, csv_col(&c, "status"));

		for (int k = 0; k < 4; k++)
			snprintf(cell[k], 160, "%.159s", csv_get(&c, i, (int)k));
		doc_row(r->d, 4, cell);
		nf += !strcmp(st, "failed");
		nu += !strcmp(st, "unavailable");
		nb += !strcmp(st, "over-budget");
		nc += !strcmp(st, "capped");
	}
	doc_table_end(r->d);
	if (nc)
		doc_p(r->d, "A **capped** cell ran longer here than several times its estimate and was stopped at its "
			    "share of the budget: its rows are in the results with stop=time-limit (fewer samples than "
			    "asked, or some of its measurements not taken).");
	if (nf + nu + nb + nc)
		rep_sum(r, "**Not measured**: %d cell%s unavailable on this machine or build, %d over "
			   "the time budget, %d capped, %d failed (see \"Not measured\").", nu, nu == 1 ? "" : "s",
			nb, nc, nf);
	csv_free(&c);
}

static void method(struct doc *d)
{
	doc_h(d, 2, "How to read the numbers");
	doc_li(d, "Every number comes from this directory's CSV files (one row per measured cell, "
		  "raw samples in raw/); the figures are drawn from the same files by plots/*.gp.");
	doc_li(d, "A sample is the time of many operations divided by their number; a cell's "
		  "value is the median of its samples.");
	doc_li(d, "[a, b] after a median is its 95%% confidence interval, from order statistics "
		  "(distribution-free): timing samples are skewed, so no mean +- 2 sigma.");
	doc_li(d, "Ratios of two medians carry a 95%% bootstrap percentile interval (2000 "
		  "resamples of both rows' raw samples, fixed seed). An interval that contains 1 "
		  "means no difference could be measured, not that there is none.");
	doc_li(d, "A cell whose samples fall in several populations (a gap test on the sorted samples, "
		  "cachepong(1)) is shown as each mode's median and share, never as one median; a comparison "
		  "whose arm has several modes says so beside its verdict.");
	doc_li(d, "Round trip: A passes the line to B and B back to A; one way is half of it.");
	doc_li(d, "Two definitions of a hand-off, named in the poll column: **poll=load** (the "
		  "default) waits with plain loads and then passes with the op (store, CAS, "
		  "fetch-and-add, exchange): a read of the line and an upgrade to Modified per "
		  "hand-off. **poll=rmw** waits with the op's atomic itself (the CAS, or fetch-and-add "
		  "of 0 before fetch-and-add and exchange): one transfer of the line, already "
		  "exclusive, per hand-off, as c2clat -w and multichase measure. The two are "
		  "different quantities; rows are only compared within one poll.");
}

static const struct {
	const char *name;
	void (*write)(struct rep *r);
} sections[] = {
#define SECTION(name) { #name, rep_##name },
#include "sections.def"
#undef SECTION
};

/* The A/A controls of every experiment's CSV, and their false claims. */
static void aa_count(const char *dir, int *n, int *claims)
{
	*n = *claims = 0;
	for (size_t k = 0; k < experiment_count(); k++) {
		char name[96];
		struct csv c;
		struct cp_err e = { 0 };
		char path[4300];

		snprintf(name, sizeof(name), "%s.csv", experiment_at(k)->name);
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		if (access(path, F_OK) || csv_read(path, &c, &e))
			continue;
		for (size_t i = 0; i < c.nrow; i++) {
			const char *v = csv_str(&c, i, COL_verdict);

			if (!v[0] || strcmp(csv_str(&c, i, COL_metric), "ratio") || !cmp_row_aa(csv_str(&c, i, COL_mode), csv_str(&c, i, COL_arms)))
				continue;
			(*n)++;
			*claims += !strcmp(v, "slower") || !strcmp(v, "faster");
		}
		csv_free(&c);
	}
}

int report_write(const char *dir, const struct plot_set *ps, struct cp_err *e)
{
	struct rep r = { 0 };
	struct doc d, body;
	char path[4300], title[600];
	int rc;

	r.dir = dir;
	r.ps = ps;
	r.rt_ns = NAN;
	snprintf(path, sizeof(path), "%s/meta.json", dir);
	report_json_str(path, "host", r.host, sizeof(r.host));
	report_json_str(path, "cpu_model_name", r.cpu, sizeof(r.cpu));
	aa_count(dir, &r.aa_n, &r.aa_claims);
	rep_drift_load(&r.drift, dir);
	doc_open_mem(&body, dir);
	r.d = &body;
	rep_drift_summary(&r);
	/* one section per experiment, in registry order */
	for (size_t x = 0; x < experiment_count(); x++)
		for (size_t k = 0; k < CP_ARRAY_SIZE(sections); k++)
			if (!strcmp(sections[k].name, experiment_at(x)->name)) {
				sections[k].write(&r);
				rep_drift_section(&r, sections[k].name);
			}
	skipped(&r);
	method(&body);

	snprintf(title, sizeof(title), "cachepong: threads vs processes on %s", r.host[0] ? r.host : dir);
	if ((rc = doc_open(&d, dir, title, e))) {
		doc_free_mem(&body);
		rep_drift_free(&r.drift);
		return rc;
	}
	facts(&r, &d);
	conditions(&r, &d);
	doc_h(&d, 2, "Summary");
	if (!r.nsum)
		doc_p(&d, "This directory holds no measured rows: nothing to report.");
	for (int i = 0; i < r.nsum; i++)
		doc_li(&d, "%s", r.sum[i]);
	/* one forest of the answer's verdicts (pingpong's own figure) */
	for (int i = 0; i < ps->n; i++)
		if (!strcmp(ps->f[i].kind, "pingpong-verdicts"))
			doc_figure(&d, ps->f[i].name, ps->f[i].caption);
	doc_append(&d, &body);
	rep_drift_free(&r.drift);
	return doc_close(&d, e);
}
