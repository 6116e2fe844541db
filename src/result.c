/* result.c: rows -> CSV (streamed), JSON or an aligned table (at close),
 * plus the raw samples file.  Files are written as FILE.tmp.PID and renamed
 * at close, so a reader never sees half a file.  The columns are one
 * X-macro table: names, CSV/JSON writers and the raw file read the same
 * list (documented in results/README.md). */
#include "result.h"
#include "parse.h"

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
#include "timer.h"

enum ckind { C_STR, C_U64, C_UNS, C_STAT, C_CPUS, C_CPU_A, C_CPU_B, C_NODE, C_CYCLES };

/* X(name, kind, field of cp_row, in the --raw file) */
#define COLUMNS(X) \
	X(experiment, C_STR, experiment, 1) \
	X(kernel, C_STR, kernel, 1) \
	X(impl, C_STR, impl, 1) \
	X(mode, C_STR, mode, 1) \
	X(shm, C_STR, shm, 1) \
	X(pages, C_STR, pages, 1) \
	X(layout, C_STR, layout, 1) \
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

struct sink {
	FILE *f;            /* stdout or the temporary file */
	char *path, *tmp;   /* NULL for stdout */
	int slot;           /* 1 + index in tmp_slot, 0 for stdout */
};

/* ---- temporary files die with the process ----
 * A sweep is often ended with ^C or SIGTERM, and a command may exit through
 * cp_die without result_abort: neither must leave FILE.tmp.PID behind.  The
 * open temporaries are kept in fixed buffers (an async-signal-safe handler
 * cannot follow malloc'd pointers being freed), removed by a handler for
 * SIGINT/SIGTERM/SIGHUP (installed only where the disposition is still the
 * default, then the signal is re-raised so the exit status stays "killed by
 * SIGx") and at exit.  Only the creating process removes them: forked
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

static void tmp_on_signal(int sig)
{
	int saved = errno;

	tmp_cleanup();
	signal(sig, SIG_DFL);
	errno = saved;
	raise(sig); /* pending until we return, then fatal as before */
}

static int tmp_register(const char *path)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	static int installed;

	if (!installed) {
		installed = 1;
		atexit(tmp_cleanup);
		for (size_t i = 0; i < CP_ARRAY_SIZE(sigs); i++) {
			struct sigaction old, sa = { .sa_handler = tmp_on_signal };

			sigemptyset(&sa.sa_mask);
			if (!sigaction(sigs[i], NULL, &old) && old.sa_handler == SIG_DFL &&
			    !(old.sa_flags & SA_SIGINFO))
				sigaction(sigs[i], &sa, NULL);
		}
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

struct cp_sink {
	int fmt;
	struct sink out, raw;
	struct cp_meta meta;
	int header_done;
	int ncounters;      /* fixed by the first row; -1 before it */
	char ctr_names[CP_MAX_COUNTERS][64];
	struct cp_row *rows; /* kept for JSON and the table */
	size_t nrows, cap;
	uint64_t nadded;
};

/* ---- files ---- */

static int sink_open(struct sink *k, const char *opt, const char *path, struct cp_err *e)
{
	struct stat st;
	char *dir, *slash;
	int fd;

	if (!path) {
		k->f = stdout;
		return 0;
	}
	if (!stat(path, &st) && S_ISDIR(st.st_mode))
		return cp_errf(e, CP_ERUN, "--%s %s: is a directory", opt, path);
	k->path = cp_xstrdup(path);
	k->tmp = cp_xcalloc(strlen(path) + 32, 1);
	sprintf(k->tmp, "%s.tmp.%ld", path, (long)getpid());
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

/* ---- table ---- */

static void fmt_num(char *buf, size_t len, double v)
{
	double a = fabs(v);

	if (!isfinite(v))
		snprintf(buf, len, "n/a");
	else if (a >= 100 || a == 0)
		snprintf(buf, len, "%.1f", v);
	else if (a >= 1)
		snprintf(buf, len, "%.2f", v);
	else
		snprintf(buf, len, "%.3g", v);
}

#define TCOLS (16 + CP_MAX_COUNTERS)
#define TCELL 80

struct table {
	int ncol;
	char head[TCOLS][TCELL];
	int right[TCOLS];
	size_t w[TCOLS];
	char (*cell)[TCOLS][TCELL]; /* one row of cells per result */
};

static int tcol(struct table *t, const char *head, int right)
{
	snprintf(t->head[t->ncol], TCELL, "%s", head);
	t->right[t->ncol] = right;
	return t->ncol++;
}

static int all_same_unit(const struct cp_sink *s)
{
	for (size_t k = 1; k < s->nrows; k++)
		if (strcmp(s->rows[k].unit ? s->rows[k].unit : "", s->rows[0].unit ? s->rows[0].unit : ""))
			return 0;
	return 1;
}

static int same_str(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

/* Rows that differ only in mode: the process/thread comparison. */
static int twins(const struct cp_row *p, const struct cp_row *t)
{
	return same_str(p->mode, "process") && same_str(t->mode, "thread") &&
	       same_str(p->experiment, t->experiment) && same_str(p->kernel, t->kernel) &&
	       same_str(p->impl, t->impl) && same_str(p->shm, t->shm) &&
	       same_str(p->pages, t->pages) && same_str(p->layout, t->layout) &&
	       same_str(p->placement, t->placement) && same_str(p->cpus, t->cpus) &&
	       p->mem_node == t->mem_node && p->size_bytes == t->size_bytes &&
	       p->agents == t->agents && same_str(p->metric, t->metric) &&
	       same_str(p->unit, t->unit);
}

/* Columns that tell rows apart only where the rows differ in them: a
 * size sweep shows its sizes, a ping-pong table stays narrow. */
static int varies_str(const struct cp_sink *s, size_t off)
{
	for (size_t k = 1; k < s->nrows; k++)
		if (!same_str(*(const char **)((const char *)&s->rows[k] + off),
			      *(const char **)((const char *)&s->rows[0] + off)))
			return 1;
	return 0;
}

static int varies_size(const struct cp_sink *s)
{
	for (size_t k = 1; k < s->nrows; k++)
		if (s->rows[k].size_bytes != s->rows[0].size_bytes)
			return 1;
	return 0;
}

static int varies_agents(const struct cp_sink *s)
{
	for (size_t k = 1; k < s->nrows; k++)
		if (s->rows[k].agents != s->rows[0].agents)
			return 1;
	return 0;
}

static void table_ratios(const struct cp_sink *s, FILE *f)
{
	int header = 0;

	for (size_t i = 0; i < s->nrows; i++)
		for (size_t j = 0; j < s->nrows; j++) {
			const struct cp_row *p = &s->rows[i], *t = &s->rows[j];
			char a[32], b[32], c[32];

			if (!twins(p, t))
				continue;
			if (!header++)
				fprintf(f, "\nprocess / thread (ratio of medians, conservative 95%% "
					"interval [p.ci_lo/t.ci_hi, p.ci_hi/t.ci_lo]):\n");
			fmt_num(a, sizeof(a), p->st.p50 / t->st.p50);
			fmt_num(b, sizeof(b), p->st.ci_lo / t->st.ci_hi);
			fmt_num(c, sizeof(c), p->st.ci_hi / t->st.ci_lo);
			{
				char sz[32] = "";

				if (varies_size(s))
					size_format(p->size_bytes, sz, sizeof(sz));
				fprintf(f, "  %s, %s, %s, cpus %s%s%s%s%s: %s [%s, %s]\n", p->kernel ? p->kernel : "",
					p->shm ? p->shm : "", p->placement ? p->placement : "", p->cpus,
					sz[0] ? ", " : "", sz, p->unit && strcmp(p->unit, "ns") ? ", " : "",
					p->unit && strcmp(p->unit, "ns") ? p->unit : "", a, b, c);
			}
		}
}

static void table_write(struct cp_sink *s)
{
	struct table t = { 0 };
	FILE *f = s->out.f;
	const char *unit = s->nrows && s->rows[0].unit ? s->rows[0].unit : "";
	int one_unit = all_same_unit(s), rt = 0;
	char h[TCELL];
	int c_kernel, c_mode, c_shm, c_place, c_cpus, c_node, c_unit = -1, c_med, c_ow = -1;
	int c_ci, c_p1090, c_n, c_ctr, c_size = -1, c_pages = -1, c_layout = -1, c_agents = -1;
	int c_metric = -1;

	for (size_t k = 0; k < s->nrows; k++)
		rt |= same_str(s->rows[k].metric, "round_trip");
	c_kernel = tcol(&t, "kernel", 0);
	c_mode = tcol(&t, "mode", 0);
	c_shm = tcol(&t, "shm", 0);
	c_place = tcol(&t, "placement", 0);
	c_cpus = tcol(&t, "cpus", 0);
	c_node = tcol(&t, "node", 1);
	if (varies_str(s, offsetof(struct cp_row, pages)))
		c_pages = tcol(&t, "pages", 0);
	if (varies_str(s, offsetof(struct cp_row, layout)))
		c_layout = tcol(&t, "layout", 0);
	if (varies_size(s))
		c_size = tcol(&t, "size", 1);
	if (varies_agents(s))
		c_agents = tcol(&t, "agents", 1);
	if (varies_str(s, offsetof(struct cp_row, metric)))
		c_metric = tcol(&t, "metric", 0);
	if (!one_unit)
		c_unit = tcol(&t, "unit", 0);
	snprintf(h, sizeof(h), one_unit ? "median [%s]" : "median", unit);
	c_med = tcol(&t, h, 1);
	if (rt) {
		snprintf(h, sizeof(h), one_unit ? "one-way [%s]" : "one-way", unit);
		c_ow = tcol(&t, h, 1);
	}
	c_ci = tcol(&t, "95% CI of median", 1);
	c_p1090 = tcol(&t, "p10..p90", 1);
	c_n = tcol(&t, "n", 1);
	c_ctr = t.ncol;
	for (int i = 0; i < s->ncounters; i++) {
		snprintf(h, sizeof(h), "%.36s/op", s->ctr_names[i]);
		tcol(&t, h, 1);
	}
	t.cell = cp_xcalloc(s->nrows ? s->nrows : 1, sizeof(*t.cell));
	for (size_t k = 0; k < s->nrows; k++) {
		const struct cp_row *r = &s->rows[k];
		char (*c)[TCELL] = t.cell[k];
		char a[32], b[32];

		snprintf(c[c_kernel], TCELL, "%s", r->kernel ? r->kernel : "");
		snprintf(c[c_mode], TCELL, "%s", r->mode ? r->mode : "");
		snprintf(c[c_shm], TCELL, "%s", r->shm ? r->shm : "");
		snprintf(c[c_place], TCELL, "%s", r->placement ? r->placement : "");
		snprintf(c[c_cpus], TCELL, "%.40s", r->cpus);
		if (r->mem_node >= 0)
			snprintf(c[c_node], TCELL, "%d", r->mem_node);
		else
			snprintf(c[c_node], TCELL, "-");
		if (c_pages >= 0)
			snprintf(c[c_pages], TCELL, "%s", r->pages ? r->pages : "");
		if (c_layout >= 0)
			snprintf(c[c_layout], TCELL, "%s", r->layout ? r->layout : "");
		if (c_size >= 0)
			size_format(r->size_bytes, c[c_size], TCELL);
		if (c_agents >= 0)
			snprintf(c[c_agents], TCELL, "%u", r->agents);
		if (c_metric >= 0)
			snprintf(c[c_metric], TCELL, "%s", r->metric ? r->metric : "");
		if (c_unit >= 0)
			snprintf(c[c_unit], TCELL, "%s", r->unit ? r->unit : "");
		fmt_num(c[c_med], TCELL, r->st.p50);
		if (c_ow >= 0) {
			if (same_str(r->metric, "round_trip"))
				fmt_num(c[c_ow], TCELL, r->st.p50 / 2);
			else
				snprintf(c[c_ow], TCELL, "-");
		}
		fmt_num(a, sizeof(a), r->st.ci_lo);
		fmt_num(b, sizeof(b), r->st.ci_hi);
		snprintf(c[c_ci], TCELL, isfinite(r->st.ci_lo) ? "[%s, %s]" : "n/a (n<6)", a, b);
		fmt_num(a, sizeof(a), r->st.p10);
		fmt_num(b, sizeof(b), r->st.p90);
		snprintf(c[c_p1090], TCELL, "%s..%s", a, b);
		snprintf(c[c_n], TCELL, "%zu", r->st.n);
		for (int i = 0; i < r->ncounters; i++)
			fmt_num(c[c_ctr + i], TCELL, r->counters[i].valid ? r->counters[i].per_op : NAN);
	}
	for (int j = 0; j < t.ncol; j++) {
		t.w[j] = strlen(t.head[j]);
		for (size_t k = 0; k < s->nrows; k++)
			if (strlen(t.cell[k][j]) > t.w[j])
				t.w[j] = strlen(t.cell[k][j]);
	}
	for (int j = 0; j < t.ncol; j++)
		fprintf(f, "%s%*s", j ? "  " : "", t.right[j] ? (int)t.w[j] : -(int)t.w[j], t.head[j]);
	fputc('\n', f);
	for (size_t k = 0; k < s->nrows; k++) {
		for (int j = 0; j < t.ncol; j++)
			fprintf(f, "%s%*s", j ? "  " : "", t.right[j] ? (int)t.w[j] : -(int)t.w[j],
				t.cell[k][j]);
		fputc('\n', f);
	}
	free(t.cell);
	table_ratios(s, f);
	if (s->meta.have_timer)
		fprintf(f, "\ntimer: %s, resolution %.3g ns, %.1f ns per begin..end pair%s%s\n",
			s->meta.timer_name, s->meta.timer_resolution_ns, s->meta.timer_overhead_ns,
			s->meta.timer_warning[0] ? "; " : "", s->meta.timer_warning);
	for (size_t i = 0; i < s->meta.nnotes; i++)
		fprintf(f, "%s%s\n", i ? "       " : "notes: ", s->meta.notes[i]);
}

/* ---- the sink ---- */

int result_open(const struct opts *o, struct cp_sink **out, struct cp_err *e)
{
	struct cp_sink *s;
	int fmt = opts_format(o, e), rc;

	*out = NULL;
	if (fmt < 0)
		return e->code;
	if (o->out && o->raw && !strcmp(o->out, o->raw))
		return cp_errf(e, CP_EUSAGE, "--raw %s: the same file as --out: give two files", o->raw);
	s = cp_xcalloc(1, sizeof(*s));
	s->fmt = fmt;
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
	meta_collect_start(&s->meta, o->full_argc, o->full_argv);
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
		s->rows = realloc(s->rows, s->cap * sizeof(*s->rows));
		if (!s->rows)
			cp_die(CP_ERUN, "out of memory");
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
		table_write(s);
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
