/* result.c: rows -> CSV (streamed), JSON or an aligned table (at close),
 * plus the raw samples file.  Files are written as FILE.tmp.PID and renamed
 * at close, so a reader never sees half a file (the table is in
 * result_table.c).  The columns are
 * schema.h's one list, their values result_cols.c's. */
#include "result.h"
#include "runctl.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csvmerge.h"
#include "meta.h"
#include "result_int.h"
#include "schema.h"
#include "timer.h"
#include "tmpname.h"
#include "verdict.h"

/* ---- files ---- */

/* The folder of PATH resolved (links, "..") plus its last name: two names
 * of one file that does not exist yet compare equal. */
static void canonical_name(const char *path, char *buf, size_t len)
{
	char dir[PATH_MAX], real[PATH_MAX];
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;

	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) + 1 : 1, slash ? path : ".");
	if (!realpath(dir, real))
		snprintf(real, sizeof(real), "%s", dir);
	snprintf(buf, len, "%s/%s", real, base);
}

/* Are A and B one file (by device and inode, or one name when missing)? */
static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	char ca[2 * PATH_MAX], cb[2 * PATH_MAX];

	if (!stat(a, &sa) && !stat(b, &sb))
		return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	canonical_name(a, ca, sizeof(ca));
	canonical_name(b, cb, sizeof(cb));
	return !strcmp(ca, cb);
}

/* stdout, or PATH written atomically (tmpname.h). */
static int sink_open(struct sink *k, const char *opt, const char *path, struct cp_err *e)
{
	memset(k, 0, sizeof(*k));
	if (!path) {
		k->f = stdout;
		return 0;
	}
	if (tmp_open(&k->t, opt, path, e))
		return e->code;
	k->f = k->t.f;
	return 0;
}

static int sink_check(struct sink *k, struct cp_err *e)
{
	if (fflush(k->f) || ferror(k->f))
		return cp_errf(e, CP_ERUN, "writing %s: %s", k->t.path ? k->t.path : "standard output",
			       strerror(errno ? errno : EIO));
	return 0;
}

/* Flush, and a file: sync and rename into place; on failure the
 * temporary goes away. */
static int sink_close(struct sink *k, struct cp_err *e)
{
	int rc;

	if (!k->f)
		return 0;
	rc = sink_check(k, e);
	if (k->t.tmp) {
		if (rc)
			tmp_discard(&k->t);
		else
			rc = tmp_commit(&k->t, e);
	}
	memset(k, 0, sizeof(*k));
	return rc;
}

static void sink_drop(struct sink *k)
{
	if (k->t.tmp)
		tmp_discard(&k->t);
	memset(k, 0, sizeof(*k));
}

/* ---- CSV ---- */

static void put_value(FILE *f, const struct cval *v)
{
	char buf[40];

	if (v->kind == V_STR)
		csv_write_field(f, v->s);
	else if (v->kind == V_NUM)
		fputs(meta_fmt_double(v->d, buf, sizeof(buf)), f);
}

static void csv_header(struct cp_sink *s)
{
	FILE *f = s->out.f;

	for (size_t i = 0; i < COL_COUNT; i++)
		fprintf(f, "%s%s", i ? "," : "", result_cols[i].name);
	for (int i = 0; i < s->ncounters; i++) {
		char name[80];

		snprintf(name, sizeof(name), "ctr:%s", s->ctr_names[i]);
		fputc(',', f);
		csv_write_field(f, name);
	}
	fputc('\n', f);
}

static void csv_row(FILE *f, const struct cp_row *r)
{
	struct cval v;

	for (size_t i = 0; i < COL_COUNT; i++) {
		if (i)
			fputc(',', f);
		result_col_value(&result_cols[i], r, &v);
		put_value(f, &v);
	}
	for (int i = 0; i < r->ncounters; i++) {
		fputc(',', f);
		if (r->counters[i].valid && isfinite(r->counters[i].per_op)) {
			v.kind = V_NUM;
			v.d = r->counters[i].per_op;
			put_value(f, &v);
		}
	}
	fputc('\n', f);
}

static void raw_header(FILE *f)
{
	for (size_t i = 0; i < COL_COUNT; i++)
		if (result_cols[i].raw)
			fprintf(f, "%s,", result_cols[i].name);
	fputs("sample,value\n", f);
}

static void raw_rows(struct cp_sink *s, const struct cp_row *r)
{
	FILE *f = s->raw.f;
	struct cval v;

	if (!s->nadded)
		raw_header(f);
	for (size_t k = 0; r->raw && k < r->nraw; k++) {
		for (size_t i = 0; i < COL_COUNT; i++) {
			if (!result_cols[i].raw)
				continue;
			result_col_value(&result_cols[i], r, &v);
			put_value(f, &v);
			fputc(',', f);
		}
		v.kind = isfinite(r->raw[k]) ? V_NUM : V_NULL;
		v.d = r->raw[k];
		fprintf(f, "%zu,", k);
		put_value(f, &v);
		fputc('\n', f);
	}
}

/* ---- JSON ---- */

static json_t *json_row(const struct cp_row *r)
{
	json_t *o = json_object();
	struct cval v;

	for (size_t i = 0; i < COL_COUNT; i++) {
		result_col_value(&result_cols[i], r, &v);
		json_object_set_new(o, result_cols[i].name, v.kind == V_STR ? json_text(v.s)
						       : json_num(v.kind == V_NUM ? v.d : NAN));
	}
	for (int i = 0; i < r->ncounters; i++) {
		char name[80];

		snprintf(name, sizeof(name), "ctr:%s", r->counters[i].name);
		json_object_set_new(o, name, json_num(r->counters[i].valid ? r->counters[i].per_op : NAN));
	}
	return o;
}

/* {"meta": {...}, "results": [...]} */
static void json_rows(struct cp_sink *s)
{
	json_t *doc = json_object(), *rows = json_array();

	json_object_set_new(doc, "meta", meta_json(&s->meta));
	for (size_t k = 0; k < s->nrows; k++)
		json_array_append_new(rows, json_row(&s->rows[k]));
	json_object_set_new(doc, "results", rows);
	json_dumpf(doc, s->out.f, CP_JSON_FLAGS);
	fputc('\n', s->out.f);
	json_decref(doc);
}

/* ---- the sink ---- */

int result_open(const struct cp_sink_req *o, struct cp_sink **out, struct cp_err *e)
{
	struct cp_sink *s;
	int rc;

	*out = NULL;
	if (o->out && o->raw && same_file(o->out, o->raw))
		return cp_errf(e, CP_EUSAGE, "--raw %s: the same file as --out %s: give two files", o->raw, o->out);
	s = cp_xcalloc(1, sizeof(*s));
	s->fmt = o->format;
	s->ncounters = -1;
	if ((rc = sink_open(&s->out, "out", o->out, e))) {
		free(s);
		return rc;
	}
	if (o->raw && (rc = sink_open(&s->raw, "raw", o->raw, e))) {
		sink_drop(&s->out);
		free(s);
		return rc;
	}
	meta_collect_start(&s->meta, o->argc, o->argv);
	*out = s;
	return 0;
}

void result_set_timer(struct cp_sink *s, const struct cp_timer *t)
{
	if (s)
		meta_set_timer(&s->meta, t);
}

/* Keep a deep copy of the row (its strings may be the caller's buffers). */
static void keep_row(struct cp_sink *s, const struct cp_row *r)
{
	struct cp_row *c;

	if (s->nrows == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 16;
		s->rows = cp_xrealloc(s->rows, s->cap * sizeof(*s->rows));
	}
	c = &s->rows[s->nrows++];
	*c = *r;
	c->raw = NULL;
	c->nraw = 0;
	for (size_t i = 0; i < COL_COUNT; i++)
		if (result_cols[i].kind == C_STR) {
			const char **p = (const char **)((char *)c + result_cols[i].off);

			*p = *p ? cp_xstrdup(*p) : NULL;
		}
	for (int i = 0; i < CP_ROW_EXT_MAX; i++)
		c->ext[i].value = c->ext[i].value ? cp_xstrdup(c->ext[i].value) : NULL;
}

static void free_rows(struct cp_sink *s)
{
	for (size_t k = 0; k < s->nrows; k++)
		for (size_t i = 0; i < COL_COUNT; i++)
			if (result_cols[i].kind == C_STR)
				free(*(char **)((char *)&s->rows[k] + result_cols[i].off));
	for (size_t k = 0; k < s->nrows; k++)
		for (int i = 0; i < CP_ROW_EXT_MAX; i++)
			free((char *)s->rows[k].ext[i].value);
	free(s->rows);
	s->rows = NULL;
	s->nrows = s->cap = 0;
}

void result_arm(struct cp_sink *s, const char *pair, int idx)
{
	snprintf(s->arm_pair, sizeof(s->arm_pair), "%s", pair ? pair : "");
	s->arm = idx ? "2" : "1";
}

int result_add(struct cp_sink *s, const struct cp_row *r, struct cp_err *e)
{
	struct cp_row armed;
	int rc;

	if ((s->arm_pair[0] && !r->arms) || (!r->modes.n && r->raw && !r->verdict)) {
		armed = *r;
		if (s->arm_pair[0] && !r->arms) {
			armed.arms = s->arm_pair;
			armed.arm = s->arm;
		}
		/* every row with its samples says whether one median fits them */
		if (!r->modes.n && r->raw && !r->verdict)
			stats_modes(r->raw, r->nraw, &armed.modes);
		r = &armed;
	}
	if (r->stop && !strcmp(r->stop, "time-limit"))
		runctl_mark_capped();
	if (r->ncounters < 0 || r->ncounters > CP_MAX_COUNTERS)
		return cp_errf(e, CP_ERUN, "internal: row with %d counters (at most %d)",
			       r->ncounters, CP_MAX_COUNTERS);
	if (s->ncounters < 0) {
		s->ncounters = r->ncounters;
		for (int i = 0; i < r->ncounters; i++)
			snprintf(s->ctr_names[i], sizeof(s->ctr_names[i]), "%s", r->counters[i].name);
	} else {
		int same = r->ncounters == s->ncounters;

		for (int i = 0; same && i < r->ncounters; i++)
			same = !strcmp(s->ctr_names[i], r->counters[i].name);
		if (!same)
			return cp_errf(e, CP_ERUN, "internal: row %llu has other counter columns "
				       "than the first row (%d counters, first %s)",
				       (unsigned long long)s->nadded + 1, r->ncounters,
				       r->ncounters ? r->counters[0].name : "none");
	}
	if (s->fmt == FMT_CSV) {
		if (!s->header_done)
			csv_header(s);
		s->header_done = 1;
		csv_row(s->out.f, r);
		if ((rc = sink_check(&s->out, e)))
			return rc;
	} else {
		keep_row(s, r);
	}
	if (s->raw.f) {
		raw_rows(s, r);
		if ((rc = sink_check(&s->raw, e)))
			return rc;
	}
	s->nadded++;
	return 0;
}

void result_meta_note(struct cp_sink *s, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (!s)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	meta_note(&s->meta, "%s", buf);
}

void result_meta_set(struct cp_sink *s, const char *key, const char *value)
{
	if (s)
		meta_set(&s->meta, key, value);
}

static void sink_free(struct cp_sink *s)
{
	free_rows(s);
	meta_free(&s->meta);
	free(s);
}

int result_close(struct cp_sink *s, struct cp_err *e)
{
	int rc;

	if (!s)
		return 0;
	meta_collect_end(&s->meta);
	if (s->ncounters < 0)
		s->ncounters = 0;
	if (s->fmt == FMT_CSV) {
		if (!s->header_done)
			csv_header(s); /* an empty result is still a valid CSV */
		/* CSV has no room for the notes: they go to stderr */
		for (size_t i = 0; i < s->meta.nnotes; i++)
			cp_warn("%s", s->meta.notes[i]);
	} else if (s->fmt == FMT_JSON) {
		json_rows(s);
	} else {
		result_table_write(s);
	}
	if (s->raw.f && !s->nadded)
		raw_header(s->raw.f);
	/* raw first: if it fails, the results file is not put in place either */
	rc = sink_close(&s->raw, e);
	if (rc)
		sink_drop(&s->out);
	else
		rc = sink_close(&s->out, e);
	sink_free(s);
	return rc;
}

void result_abort(struct cp_sink *s)
{
	if (!s)
		return;
	if (s->out.f == stdout)
		fflush(stdout);
	sink_drop(&s->out);
	sink_drop(&s->raw);
	sink_free(s);
}

/* For tests and the sweep: the metadata this sink will write. */
struct cp_meta *result_meta(struct cp_sink *s)
{
	return &s->meta;
}

void result_set_verdict(struct cp_row *row, const struct cp_verdict *v)
{
	row->metric = "ratio";
	row->unit = "ratio";
	row->ticks_per_ns = 0;
	row->ncounters = 0;
	row->st.p50 = v->est;
	row->st.ci_lo = v->lo;
	row->st.ci_hi = v->hi;
	row->verdict = verdict_name(v->v);
	row->margin_pct = v->margin_pct;
	/* 95, 97.5, 98.33: two decimals say it */
	row->ci_level_pct = round(10000 * (v->conf > 0 ? v->conf : VERDICT_CONF)) / 100;
	row->blocks = v->pairs;
}
