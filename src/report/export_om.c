/* export_om.c: a results directory as OpenMetrics text (the format
 * Prometheus scrapes; node_exporter's textfile collector reads it from a
 * file).  One gauge family per metric and unit, in base units as the
 * spec asks (seconds, bytes per second, operations per second, ratio):
 *
 *   cachepong_round_trip_seconds{experiment="pingpong",kernel="cas",...,stat="p50"} 8.1e-08
 *
 * Labels: the row's key columns that have a value (schema.h), and stat:
 * p50 (the median of the samples), ci_lo and ci_hi (its interval, at the
 * row's ci_level).  A comparison row (metric ratio) also gives
 * cachepong_verdict{...,verdict="equivalent"} 1 and its margin.  The run
 * itself: cachepong_run_info{host,version,schema,cpu_model} 1 and
 * cachepong_run_end_timestamp_seconds, so a scraper sees how old it is. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "csvread.h"
#include "meta.h"
#include "registry.h"
#include "report.h"
#include "schema.h"

/* The units of the rows (results/README.md) in base units: X(unit in the
 * CSV, OpenMetrics unit, factor).  A unit not listed is exported as its
 * name made safe, factor 1 (and said on stderr). */
#define OM_UNITS(X)                                            \
	X("ns", "seconds", 1e-9)                               \
	X("ns/page", "seconds", 1e-9)                          \
	X("ns/message", "seconds", 1e-9)                       \
	X("GB/s", "bytes_per_second", 1e9)                     \
	X("Mops/s", "operations_per_second", 1e6)              \
	X("Mops/s/agent", "operations_per_second", 1e6)        \
	X("min/max", "ratio", 1)                               \
	X("successes/attempts", "ratio", 1)                    \
	X("ratio", "ratio", 1)

static const struct om_unit { const char *csv, *om; double factor; } om_units[] = {
#define OM_UNIT(c, o, f) { c, o, f },
	OM_UNITS(OM_UNIT)
#undef OM_UNIT
};

/* The statistics of a row exported, as the stat label. */
static const struct { const char *label; enum cp_col col; } om_stats[] = {
	{ "p50", COL_p50 }, { "ci_lo", COL_ci_lo }, { "ci_hi", COL_ci_hi },
};

/* One sample line before sorting: its family and its text. */
struct om_line { char family[128]; char *text; size_t seq; };
struct om_out { struct om_line *l; size_t n, cap; int unknown_unit; };

static void om_add(struct om_out *o, const char *family, const char *text)
{
	if (o->n == o->cap) {
		o->cap = o->cap ? 2 * o->cap : 256;
		o->l = cp_xrealloc(o->l, o->cap * sizeof(*o->l));
	}
	snprintf(o->l[o->n].family, sizeof(o->l[o->n].family), "%s", family);
	o->l[o->n].text = cp_xstrdup(text);
	o->l[o->n].seq = o->n;
	o->n++;
}

/* [a-z0-9_] only: a metric name's part */
static void om_name_part(char *dst, size_t len, const char *s)
{
	size_t j = 0;

	for (; *s && j + 1 < len; s++)
		dst[j++] = ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')) ? *s
			 : (*s >= 'A' && *s <= 'Z') ? (char)(*s - 'A' + 'a') : '_';
	dst[j] = 0;
}

/* A label value, escaped as the spec says: \\, \", \n. */
static size_t om_label(char *dst, size_t len, const char *name, const char *v, int first)
{
	size_t j = (size_t)snprintf(dst, len, "%s%s=\"", first ? "" : ",", name);

	for (; *v && j + 3 < len; v++) {
		if (*v == '\\' || *v == '"')
			dst[j++] = '\\';
		if (*v == '\n') {
			dst[j++] = '\\';
			dst[j++] = 'n';
			continue;
		}
		dst[j++] = *v;
	}
	if (j + 2 < len)
		dst[j++] = '"';
	dst[j < len ? j : len - 1] = 0;
	return j;
}

/* The row's key labels: every key column with a value. */
static void om_keys(const struct csv *c, size_t i, char *buf, size_t len)
{
	size_t off = 0;
	int first = 1;

	buf[0] = 0;
	for (size_t k = 0; k < COL_COUNT && off < len; k++) {
		const char *v = csv_str(c, i, (enum cp_col)k);

		if (!schema_col_key((enum cp_col)k) || k == COL_metric || k == COL_unit || !v[0])
			continue;
		off += om_label(buf + off, len - off, schema_col_name((enum cp_col)k), v, first);
		first = 0;
	}
}

static const struct om_unit *om_unit_of(const char *unit, struct om_unit *own)
{
	for (size_t i = 0; i < CP_ARRAY_SIZE(om_units); i++)
		if (!strcmp(om_units[i].csv, unit))
			return &om_units[i];
	own->csv = unit;
	own->om = NULL;
	own->factor = 1;
	return own;
}

/* The family of a metric in a unit: cachepong_<metric>_<unit>, the unit
 * not repeated when the metric's name ends with it (ratio). */
static void om_family(char *buf, size_t len, const char *metric, const char *unit)
{
	char m[48], u[48];
	size_t lm, lu;

	om_name_part(m, sizeof(m), metric);
	om_name_part(u, sizeof(u), unit);
	lm = strlen(m);
	lu = strlen(u);
	if (lm >= lu && !strcmp(m + lm - lu, u))
		snprintf(buf, len, "cachepong_%s", m);
	else
		snprintf(buf, len, "cachepong_%s_%s", m, u);
}

static void om_rows(const struct csv *c, struct om_out *o)
{
	char keys[1024], fam[128], line[1400], ufam[64];

	for (size_t i = 0; i < c->nrow; i++) {
		struct om_unit own;
		const struct om_unit *u = om_unit_of(csv_str(c, i, COL_unit), &own);
		const char *verdict = csv_str(c, i, COL_verdict);
		double margin = csv_val(c, i, COL_margin);

		if (!u->om) {
			om_name_part(ufam, sizeof(ufam), u->csv);
			o->unknown_unit = 1;
		}
		om_family(fam, sizeof(fam), csv_str(c, i, COL_metric), u->om ? u->om : ufam);
		om_keys(c, i, keys, sizeof(keys));
		for (size_t s = 0; s < CP_ARRAY_SIZE(om_stats); s++) {
			double v = csv_val(c, i, om_stats[s].col);

			if (!isfinite(v))
				continue;   /* no value is no sample, never 0 */
			snprintf(line, sizeof(line), "%s{%s%sstat=\"%s\"} %.9g", fam, keys, keys[0] ? "," : "",
				 om_stats[s].label, v * u->factor);
			om_add(o, fam, line);
		}
		if (verdict[0]) {
			char lv[128];

			om_label(lv, sizeof(lv), "verdict", verdict, !keys[0]);
			snprintf(line, sizeof(line), "cachepong_verdict{%s%s} 1", keys, lv);
			om_add(o, "cachepong_verdict", line);
		}
		if (isfinite(margin)) {
			snprintf(line, sizeof(line), "cachepong_verdict_margin_ratio{%s} %.9g", keys, margin / 100);
			om_add(o, "cachepong_verdict_margin_ratio", line);
		}
	}
}

static int om_cmp(const void *a, const void *b)
{
	const struct om_line *x = a, *y = b;
	int c = strcmp(x->family, y->family);

	return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

/* What a family holds, for # HELP and # UNIT. */
static void om_header(FILE *f, const char *fam)
{
	const char *unit = "";

	for (size_t i = 0; i < CP_ARRAY_SIZE(om_units); i++) {
		size_t lf = strlen(fam), lu = strlen(om_units[i].om);

		if (lf > lu && fam[lf - lu - 1] == '_' && !strcmp(fam + lf - lu, om_units[i].om))
			unit = om_units[i].om;
	}
	if (!strcmp(fam, "cachepong_run_end_timestamp_seconds"))
		unit = "seconds";
	fprintf(f, "# TYPE %s gauge\n", fam);
	if (unit[0])
		fprintf(f, "# UNIT %s %s\n", fam, unit);
	if (!strcmp(fam, "cachepong_verdict"))
		fprintf(f, "# HELP %s an interleaved comparison's verdict (label verdict), 1\n", fam);
	else if (!strcmp(fam, "cachepong_verdict_margin_ratio"))
		fprintf(f, "# HELP %s the margin of a comparison's verdict (0.03 = 3%%)\n", fam);
	else if (!strcmp(fam, "cachepong_run_info"))
		fprintf(f, "# HELP %s the run these metrics come from (labels), 1\n", fam);
	else if (!strcmp(fam, "cachepong_run_end_timestamp_seconds"))
		fprintf(f, "# HELP %s when the run ended (Unix time)\n", fam);
	else
		fprintf(f, "# HELP %s median of the samples (stat p50) and its confidence interval "
			   "(ci_lo, ci_hi), per cell (labels: its key columns)\n", fam);
}

/* The run's labels and end time, from meta.json. */
static void om_run(const char *dir, struct om_out *o)
{
	char path[4200], v[256], labels[1400], line[1600];
	size_t off = 0;
	/* label, meta.json key ("kernel" is the row's op elsewhere) */
	static const char *const keys[][2] = { { "host", "host" }, { "version", "version" }, { "git_rev", "git_rev" },
					       { "cpu_model_name", "cpu_model_name" }, { "os_kernel", "kernel" } };

	snprintf(path, sizeof(path), "%s/meta.json", dir);
	for (size_t i = 0; i < CP_ARRAY_SIZE(keys); i++)
		off += om_label(labels + off, sizeof(labels) - off, keys[i][0],
				meta_read_str(path, keys[i][1], v, sizeof(v)), !i);
	snprintf(line, sizeof(line), "cachepong_run_info{%s,schema=\"%d\"} 1", labels, CP_SCHEMA_VERSION);
	om_add(o, "cachepong_run_info", line);
	meta_read_str(path, "end_utc", v, sizeof(v));
	if (v[0]) {
		struct tm tm = { 0 };

		if (strptime(v, "%Y-%m-%dT%H:%M:%SZ", &tm)) {
			snprintf(line, sizeof(line), "cachepong_run_end_timestamp_seconds %lld",
				 (long long)timegm(&tm));
			om_add(o, "cachepong_run_end_timestamp_seconds", line);
		}
	}
}

int export_openmetrics(const char *dir, FILE *f, int *rows, struct cp_err *e)
{
	struct om_out o = { 0 };
	int rc = 0;

	*rows = 0;
	om_run(dir, &o);
	for (size_t x = 0; x < experiment_count() && !rc; x++) {
		char path[4200];
		struct csv c;

		snprintf(path, sizeof(path), "%s/%s.csv", dir, experiment_at(x)->name);
		if (access(path, F_OK))
			continue;
		if ((rc = csv_read(path, &c, e)))
			break;
		if ((rc = csv_need_schema(&c, e))) {
			csv_free(&c);
			break;
		}
		*rows += (int)c.nrow;
		om_rows(&c, &o);
		csv_free(&c);
	}
	if (!rc) {
		qsort(o.l, o.n, sizeof(*o.l), om_cmp);
		for (size_t i = 0; i < o.n; i++) {
			if (!i || strcmp(o.l[i].family, o.l[i - 1].family))
				om_header(f, o.l[i].family);
			fprintf(f, "%s\n", o.l[i].text);
		}
		fprintf(f, "# EOF\n");
		if (o.unknown_unit)
			fprintf(stderr, "export: a unit without a base-unit conversion was exported as it is\n");
	}
	for (size_t i = 0; i < o.n; i++)
		free(o.l[i].text);
	free(o.l);
	return rc;
}
