/* result.c: rows -> CSV (streamed), JSON or an aligned table (at close),
 * plus the raw samples file.  Files are written as FILE.tmp.PID and renamed
 * at close, so a reader never sees half a file (the table is in
 * result_table.c).  The columns are one
 * X-macro table: names, CSV/JSON writers and the raw file read the same
 * list (documented in results/README.md). */
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

#include "meta.h"
#include "result_int.h"
#include "timer.h"
#include "tmpname.h"
#include "verdict.h"

enum ckind { C_STR, C_U64, C_UNS, C_STAT, C_CPUS, C_CPU_A, C_CPU_B, C_NODE, C_CYCLES, C_POS, C_CNT };

/* X(name, kind, field of cp_row, in the --raw file) */
#define COLUMNS(X) \
	X(experiment, C_STR, experiment, 1) \
	X(kernel, C_STR, kernel, 1) \
	X(impl, C_STR, impl, 1) \
	X(mode, C_STR, mode, 1) \
	X(shm, C_STR, shm, 1) \
	X(pages, C_STR, pages, 1) \
	X(layout, C_STR, layout, 1) \
	X(poll, C_STR, poll, 1) \
	X(state, C_STR, state, 1) \
	X(holder, C_STR, holder, 1) \
	X(placement, C_STR, placement, 1) \
	X(cpus, C_CPUS, cpus, 1) \
	X(cpu_a, C_CPU_A, cpus, 0) \
	X(cpu_b, C_CPU_B, cpus, 0) \
	X(mem_node, C_NODE, mem_node, 0) \
	X(size_bytes, C_U64, size_bytes, 1) \
	X(agents, C_UNS, agents, 1) \
	X(samples, C_U64, samples, 0) \
	X(iters_per_sample, C_U64, iters_per_sample, 0) \
	X(metric, C_STR, metric, 1) \
	X(unit, C_STR, unit, 1) \
	X(min, C_STAT, st.min, 0) \
	X(p10, C_STAT, st.p10, 0) \
	X(p50, C_STAT, st.p50, 0) \
	X(p90, C_STAT, st.p90, 0) \
	X(p99, C_STAT, st.p99, 0) \
	X(max, C_STAT, st.max, 0) \
	X(mean, C_STAT, st.mean, 0) \
	X(stddev, C_STAT, st.stddev, 0) \
	X(ci_lo, C_STAT, st.ci_lo, 0) \
	X(ci_hi, C_STAT, st.ci_hi, 0) \
	X(p50_cycles, C_CYCLES, st.p50, 0) \
	X(verdict, C_STR, verdict, 0) \
	X(margin, C_POS, margin_pct, 0) \
	X(blocks, C_CNT, blocks, 0) \
	X(note, C_STR, note, 0)

struct col {
	const char *name;
	enum ckind kind;
	size_t off;
	int raw;
};

#define COL_NAME(n, k, f, r) #n,
#define COL_DESC(n, k, f, r) { #n, k, offsetof(struct cp_row, f), r },
const char *const result_columns[] = { COLUMNS(COL_NAME) NULL };
static const struct col cols[] = { COLUMNS(COL_DESC) };

/* One value of a cell: absent, text or a number. */
struct cval {
	enum { V_NULL, V_STR, V_NUM } kind;
	const char *s;
	double d;
	char buf[128];
};

/* The i-th CPU of "0,1" / "0;1" (agent order), or -1. */
static int nth_cpu(const char *cpus, int i)
{
	const char *p = cpus;

	for (int k = 0; *p; k++) {
		char *end;
		long v = strtol(p, &end, 10);

		if (end == p)
			return -1;
		if (k == i)
			return (int)v;
		p = end + strspn(end, ",; ");
	}
	return -1;
}

static int unit_is_time(const char *u)
{
	return u && (!strcmp(u, "ns") || !strncmp(u, "ns/", 3));
}

static void col_value(const struct col *c, const struct cp_row *r, struct cval *v)
{
	const char *base = (const char *)r + c->off;

	v->kind = V_NUM;
	switch (c->kind) {
	case C_STR:
		v->s = *(const char *const *)base;
		v->kind = v->s ? V_STR : V_NULL;
		return;
	case C_U64: v->d = (double)*(const uint64_t *)base; return;
	case C_UNS: v->d = *(const unsigned *)base; return;
	case C_STAT: v->d = *(const double *)base; break;
	/* empty unless set: the comparison rows' columns */
	case C_POS: v->d = *(const double *)base; v->kind = v->d > 0 ? V_NUM : V_NULL; return;
	case C_CNT: v->d = (double)*(const uint64_t *)base; v->kind = v->d > 0 ? V_NUM : V_NULL; return;
	case C_NODE: v->d = r->mem_node; v->kind = r->mem_node < 0 ? V_NULL : V_NUM; return;
	case C_CPU_A:
	case C_CPU_B: {
		int cpu = nth_cpu(r->cpus, c->kind == C_CPU_B);

		v->d = cpu;
		v->kind = cpu < 0 ? V_NULL : V_NUM;
		return;
	}
	case C_CPUS: {
		/* ';' between CPUs: no field of ours ever holds a comma */
		size_t i;

		for (i = 0; r->cpus[i] && i + 1 < sizeof(v->buf); i++)
			v->buf[i] = r->cpus[i] == ',' ? ';' : r->cpus[i];
		v->buf[i] = 0;
		v->s = v->buf;
		v->kind = V_STR;
		return;
	}
	case C_CYCLES:
		v->d = r->ticks_per_ns > 0 && unit_is_time(r->unit) ? r->st.p50 * r->ticks_per_ns : NAN;
		break;
	}
	if (!isfinite(v->d))
		v->kind = V_NULL;
}


/* ---- temporary files die with the process ----
 * A sweep is often ended with ^C or SIGTERM, and a command may exit through
 * cp_die without result_abort: neither must leave FILE.tmp.PID behind.  The
 * open temporaries are kept in fixed buffers (an async-signal-safe hook
 * cannot follow malloc'd pointers being freed), removed by a runctl hook
 * (SIGINT/SIGTERM/SIGHUP) and at exit.  Only the creating process removes them: forked
 * agents inherit the table, the handlers and atexit. */
#define TMP_SLOTS 8
static char tmp_slot[TMP_SLOTS][PATH_MAX];
static volatile sig_atomic_t tmp_used[TMP_SLOTS];
static pid_t tmp_owner;

static void tmp_cleanup(void)
{
	if (getpid() != tmp_owner)
		return;
	for (int i = 0; i < TMP_SLOTS; i++)
		if (tmp_used[i]) {
			tmp_used[i] = 0;
			unlink(tmp_slot[i]);
		}
}

static int tmp_register(const char *path)
{
	static int installed;

	if (!installed) {
		installed = 1;
		atexit(tmp_cleanup);
		runctl_at_signal(tmp_cleanup);
	}
	tmp_owner = getpid();
	if (strlen(path) >= PATH_MAX)
		return 0;
	for (int i = 0; i < TMP_SLOTS; i++)
		if (!tmp_used[i]) {
			memcpy(tmp_slot[i], path, strlen(path) + 1);
			tmp_used[i] = 1; /* after the name: the handler never sees half of it */
			return i + 1;
		}
	return 0;
}

static void tmp_unregister(int slot)
{
	if (slot > 0)
		tmp_used[slot - 1] = 0;
}


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

static int sink_open(struct sink *k, const char *opt, const char *path, struct cp_err *e)
{
	char *dir, *slash;
	int fd;

	if (!path) {
		k->f = stdout;
		return 0;
	}
	if (tmp_target_check(opt, path, e))
		return e->code;
	k->path = cp_xstrdup(path);
	k->tmp = cp_xcalloc(strlen(path) + 32, 1);
	tmp_name(k->tmp, strlen(path) + 32, path);
	fd = open(k->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || !(k->f = fdopen(fd, "w"))) {
		int err = errno;

		if (fd >= 0)
			close(fd);
		dir = cp_xstrdup(path);
		slash = strrchr(dir, '/');
		if (slash)
			*slash = 0;
		cp_errf(e, CP_ERUN, "--%s %s: cannot write in directory %s: %s", opt, path,
			slash ? (dir[0] ? dir : "/") : ".", strerror(err));
		free(dir);
		free(k->path);
		free(k->tmp);
		k->path = k->tmp = NULL;
		return CP_ERUN;
	}
	k->slot = tmp_register(k->tmp);
	return 0;
}

static int sink_check(struct sink *k, struct cp_err *e)
{
	if (fflush(k->f) || ferror(k->f))
		return cp_errf(e, CP_ERUN, "writing %s: %s", k->path ? k->path : "standard output",
			       strerror(errno ? errno : EIO));
	return 0;
}

/* Flush, sync and rename into place; on failure the temporary goes away. */
static int sink_close(struct sink *k, struct cp_err *e)
{
	int rc;

	if (!k->f)
		return 0;
	rc = sink_check(k, e);
	if (k->path) {
		if (!rc && fsync(fileno(k->f)))
			rc = cp_errf(e, CP_ERUN, "writing %s: %s", k->path, strerror(errno));
		if (fclose(k->f) && !rc)
			rc = cp_errf(e, CP_ERUN, "writing %s: %s", k->path, strerror(errno));
		if (!rc && rename(k->tmp, k->path))
			rc = cp_errf(e, CP_ERUN, "renaming %s to %s: %s", k->tmp, k->path, strerror(errno));
		if (rc)
			unlink(k->tmp);
		tmp_unregister(k->slot);
		free(k->path);
		free(k->tmp);
	}
	memset(k, 0, sizeof(*k));
	return rc;
}

static void sink_drop(struct sink *k)
{
	if (k->path) {
		fclose(k->f);
		unlink(k->tmp);
		tmp_unregister(k->slot);
		free(k->path);
		free(k->tmp);
	}
	memset(k, 0, sizeof(*k));
}

/* ---- CSV ---- */

static void csv_str(FILE *f, const char *s)
{
	if (!s)
		return;
	if (!s[strcspn(s, ",\"\r\n")]) {
		fputs(s, f);
		return;
	}
	fputc('"', f); /* RFC 4180: quote, and double the quotes inside */
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void csv_val(FILE *f, const struct cval *v)
{
	char buf[40];

	if (v->kind == V_STR)
		csv_str(f, v->s);
	else if (v->kind == V_NUM)
		fputs(meta_fmt_double(v->d, buf, sizeof(buf)), f);
}

static void csv_header(struct cp_sink *s)
{
	FILE *f = s->out.f;

	for (size_t i = 0; i < CP_ARRAY_SIZE(cols); i++)
		fprintf(f, "%s%s", i ? "," : "", cols[i].name);
	for (int i = 0; i < s->ncounters; i++) {
		char name[80];

		snprintf(name, sizeof(name), "ctr:%s", s->ctr_names[i]);
		fputc(',', f);
		csv_str(f, name);
	}
	fputc('\n', f);
}

static void csv_row(FILE *f, const struct cp_row *r)
{
	struct cval v;

	for (size_t i = 0; i < CP_ARRAY_SIZE(cols); i++) {
		if (i)
			fputc(',', f);
		col_value(&cols[i], r, &v);
		csv_val(f, &v);
	}
	for (int i = 0; i < r->ncounters; i++) {
		fputc(',', f);
		if (r->counters[i].valid && isfinite(r->counters[i].per_op)) {
			v.kind = V_NUM;
			v.d = r->counters[i].per_op;
			csv_val(f, &v);
		}
	}
	fputc('\n', f);
}

static void raw_header(FILE *f)
{
	for (size_t i = 0; i < CP_ARRAY_SIZE(cols); i++)
		if (cols[i].raw)
			fprintf(f, "%s,", cols[i].name);
	fputs("sample,value\n", f);
}

static void raw_rows(struct cp_sink *s, const struct cp_row *r)
{
	FILE *f = s->raw.f;
	struct cval v;

	if (!s->nadded)
		raw_header(f);
	for (size_t k = 0; r->raw && k < r->nraw; k++) {
		for (size_t i = 0; i < CP_ARRAY_SIZE(cols); i++) {
			if (!cols[i].raw)
				continue;
			col_value(&cols[i], r, &v);
			csv_val(f, &v);
			fputc(',', f);
		}
		v.kind = isfinite(r->raw[k]) ? V_NUM : V_NULL;
		v.d = r->raw[k];
		fprintf(f, "%zu,", k);
		csv_val(f, &v);
		fputc('\n', f);
	}
}

/* ---- JSON ---- */

static void json_rows(struct cp_sink *s)
{
	FILE *f = s->out.f;
	struct cval v;

	fputs("{\n  \"meta\": ", f);
	meta_write_json(f, &s->meta, 2);
	fputs(",\n  \"results\": [", f);
	for (size_t k = 0; k < s->nrows; k++) {
		const struct cp_row *r = &s->rows[k];

		fprintf(f, "%s\n    {", k ? "," : "");
		for (size_t i = 0; i < CP_ARRAY_SIZE(cols); i++) {
			fprintf(f, "%s\"%s\": ", i ? ", " : "", cols[i].name);
			col_value(&cols[i], r, &v);
			if (v.kind == V_STR)
				json_write_string(f, v.s);
			else
				json_write_double(f, v.kind == V_NUM ? v.d : NAN);
		}
		for (int i = 0; i < r->ncounters; i++) {
			char name[80];

			snprintf(name, sizeof(name), "ctr:%s", r->counters[i].name);
			fputs(", ", f);
			json_write_string(f, name);
			fputs(": ", f);
			json_write_double(f, r->counters[i].valid ? r->counters[i].per_op : NAN);
		}
		fputc('}', f);
	}
	fputs(s->nrows ? "\n  ]\n}\n" : "]\n}\n", f);
}

/* ---- the sink ---- */

int result_open(const struct cp_sink_req *o, struct cp_sink **out, struct cp_err *e)
{
	struct cp_sink *s;
	int rc;

	*out = NULL;
	if (getenv(CP_VALIDATE_ENV))
		exit(CP_OK);
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
	for (size_t i = 0; i < CP_ARRAY_SIZE(cols); i++)
		if (cols[i].kind == C_STR) {
			const char **p = (const char **)((char *)c + cols[i].off);

			*p = *p ? cp_xstrdup(*p) : NULL;
		}
}

static void free_rows(struct cp_sink *s)
{
	for (size_t k = 0; k < s->nrows; k++)
		for (size_t i = 0; i < CP_ARRAY_SIZE(cols); i++)
			if (cols[i].kind == C_STR)
				free(*(char **)((char *)&s->rows[k] + cols[i].off));
	free(s->rows);
	s->rows = NULL;
	s->nrows = s->cap = 0;
}

int result_add(struct cp_sink *s, const struct cp_row *r, struct cp_err *e)
{
	int rc;

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
	row->blocks = v->pairs;
}
