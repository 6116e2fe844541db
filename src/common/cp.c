/* cp.c: error records and small helpers (see cp.h). */
#include "cp.h"

#include <dirent.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char unavail_prefix[] = "not available on this machine: ";

int cp_errf(struct cp_err *e, int code, const char *fmt, ...)
{
	va_list ap;
	size_t off = 0;

	if (!e)
		return code;
	char buf[sizeof(e->msg)];

	e->code = code;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/* a message passed on from an agent may carry the prefix already */
	if (code == CP_EUNAVAIL && strncmp(buf, unavail_prefix, sizeof(unavail_prefix) - 1)) {
		off = sizeof(unavail_prefix) - 1;
		memcpy(e->msg, unavail_prefix, off);
	}
	snprintf(e->msg + off, sizeof(e->msg) - off, "%s", buf);
	return code;
}

void cp_exit_err(const struct cp_err *e)
{
	fflush(stdout);
	fprintf(stderr, "cachepong: %s\n", e->msg[0] ? e->msg : "unknown error");
	exit(e->code ? e->code : CP_ERUN);
}

void cp_die(int code, const char *fmt, ...)
{
	struct cp_err e = { 0 };
	char buf[sizeof(e.msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	cp_errf(&e, code, "%s", buf);
	cp_exit_err(&e);
}

void cp_warn(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("cachepong: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void *cp_xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz ? sz : 1);

	if (!p)
		cp_die(CP_ERUN, "out of memory allocating %zu x %zu bytes", n, sz);
	return p;
}

void *cp_xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size ? size : 1);

	if (!q)
		cp_die(CP_ERUN, "out of memory growing a buffer to %zu bytes", size);
	return q;
}

char *cp_xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		cp_die(CP_ERUN, "out of memory");
	return p;
}

double cp_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

char *cp_fmt_dur(double s, char *buf, size_t len)
{
	if (!(s >= 0))
		s = 0;
	if (s < 10)
		snprintf(buf, len, "%.1f s", s);
	else if (s < 90)
		snprintf(buf, len, "%.0f s", s);
	else if (s < 3600)
		snprintf(buf, len, "%d min %02d s", (int)s / 60, (int)s % 60);
	else
		snprintf(buf, len, "%lld h %02d min", (long long)s / 3600, (int)((long long)s / 60 % 60));
	return buf;
}

char *cp_fmt_num(double v, char *buf, size_t len)
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
	return buf;
}

char *cp_dir_first_entry(const char *dir)
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
