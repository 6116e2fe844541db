/* meta.c: machine and run metadata (see meta.h). */
#include "meta.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "cp.h"
#include "parse.h"
#include "timer.h"
#include "version.h"

/* Bounded copy that always terminates (truncation is fine for metadata). */
static void scopy(char *dst, size_t len, const char *src)
{
	size_t n = 0;

	while (n + 1 < len && src[n]) {
		dst[n] = src[n];
		n++;
	}
	dst[n] = 0;
}

/* First line of a small file, without the newline; "" when unreadable. */
static void read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = 0;
	if (!f)
		return;
	if (!fgets(buf, (int)len, f))
		buf[0] = 0;
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
}

/* THP files read "always [madvise] never": keep the selected word. */
static void read_selected(const char *path, char *buf, size_t len)
{
	char line[256], *a, *b;

	read_line(path, line, sizeof(line));
	a = strchr(line, '[');
	b = a ? strchr(a, ']') : NULL;
	if (a && b) {
		*b = 0;
		scopy(buf, len, a + 1);
	} else {
		scopy(buf, len, line);
	}
}

/* "key<tabs>: value" lines of the first processor in /proc/cpuinfo. */
static void read_cpuinfo(struct cp_meta *m)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[1024];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':'), *key = line, *val, *end;

		if (line[0] == '\n' && m->cpu_model_name[0])
			break; /* end of the first processor's block */
		if (!colon)
			continue;
		*colon = 0;
		val = colon + 1 + strspn(colon + 1, " \t");
		val[strcspn(val, "\n")] = 0;
		for (end = colon; end > key && (end[-1] == ' ' || end[-1] == '\t'); end--)
			end[-1] = 0;
		if (!strcmp(key, "vendor_id") || (!strcmp(key, "CPU implementer") && !m->cpu_vendor[0]))
			scopy(m->cpu_vendor, sizeof(m->cpu_vendor), val);
		else if (!strcmp(key, "model name"))
			scopy(m->cpu_model_name, sizeof(m->cpu_model_name), val);
		else if (!strcmp(key, "cpu family"))
			m->cpu_family = atoi(val);
		else if (!strcmp(key, "model"))
			m->cpu_model = atoi(val);
		else if (!strcmp(key, "stepping"))
			m->cpu_stepping = atoi(val);
		else if (!strcmp(key, "microcode"))
			scopy(m->microcode, sizeof(m->microcode), val);
	}
	fclose(f);
}

static void read_hypervisor(struct cp_meta *m)
{
#if defined(__x86_64__) || defined(__i386__)
	unsigned a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d))
		return;
	m->hypervisor = (c >> 31) & 1;
	if (m->hypervisor) {
		/* only defined when the bit is set: leaf 0x40000000 is the hypervisor's */
		__cpuid(0x40000000, a, b, c, d);
		memcpy(m->hypervisor_vendor, &b, 4);
		memcpy(m->hypervisor_vendor + 4, &c, 4);
		memcpy(m->hypervisor_vendor + 8, &d, 4);
		m->hypervisor_vendor[12] = 0;
	}
#else
	(void)m;
#endif
}

/* Steal ticks of all CPUs: 8th number of the "cpu" line of /proc/stat. */
static long long read_steal(void)
{
	char line[512];
	long long v[8];

	read_line("/proc/stat", line, sizeof(line));
	if (sscanf(line, "cpu %lld %lld %lld %lld %lld %lld %lld %lld",
		   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) != 8)
		return -1;
	return v[7];
}

static void utc_now(char *buf, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void meta_collect_start(struct cp_meta *m, int argc, char *const *argv)
{
	struct utsname u;
	struct cpulist al;
	struct cp_err e = { 0 };

	memset(m, 0, sizeof(*m));
	m->cpu_family = m->cpu_model = m->cpu_stepping = m->hypervisor = -1;
	m->steal_start = m->steal_end = -1;
	utc_now(m->start_utc, sizeof(m->start_utc));
	if (gethostname(m->host, sizeof(m->host) - 1))
		m->host[0] = 0;
	if (!uname(&u)) {
		scopy(m->kernel, sizeof(m->kernel), u.release);
		scopy(m->kernel_version, sizeof(m->kernel_version), u.version);
		scopy(m->machine, sizeof(m->machine), u.machine);
	}
	read_cpuinfo(m);
	read_hypervisor(m);
	read_line("/sys/devices/system/cpu/online", m->cpus_online, sizeof(m->cpus_online));
	if (!cpulist_allowed(&al, &e)) {
		cpulist_format(&al, m->cpus_allowed, sizeof(m->cpus_allowed));
		cpulist_free(&al);
	}
	read_line("/sys/devices/system/cpu/smt/control", m->smt, sizeof(m->smt));
	read_line("/sys/devices/system/node/online", m->numa_nodes, sizeof(m->numa_nodes));
	read_selected("/sys/kernel/mm/transparent_hugepage/enabled", m->thp_enabled, sizeof(m->thp_enabled));
	read_selected("/sys/kernel/mm/transparent_hugepage/defrag", m->thp_defrag, sizeof(m->thp_defrag));
	read_selected("/sys/kernel/mm/transparent_hugepage/shmem_enabled", m->thp_shmem, sizeof(m->thp_shmem));
	read_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", m->governor, sizeof(m->governor));
	m->clk_tck = sysconf(_SC_CLK_TCK);
	m->steal_start = read_steal();
	scopy(m->version, sizeof(m->version), CP_VERSION);
	scopy(m->git_rev, sizeof(m->git_rev), CP_GIT_REV);
	m->argc = argc > 0 ? argc : 0;
	m->argv = cp_xcalloc((size_t)m->argc + 1, sizeof(char *));
	for (int i = 0; i < m->argc; i++)
		m->argv[i] = cp_xstrdup(argv[i] ? argv[i] : "");
}

void meta_collect_end(struct cp_meta *m)
{
	utc_now(m->end_utc, sizeof(m->end_utc));
	m->steal_end = read_steal();
}

void meta_set_timer(struct cp_meta *m, const struct cp_timer *t)
{
	m->have_timer = 1;
	scopy(m->timer_name, sizeof(m->timer_name), t->name ? t->name : "");
	m->timer_freq_hz = t->freq_hz;
	m->timer_resolution_ns = t->resolution_ns;
	m->timer_overhead_ns = t->overhead_ns;
	scopy(m->timer_warning, sizeof(m->timer_warning), t->warning);
}

void meta_note(struct cp_meta *m, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < m->nnotes; i++)
		if (!strcmp(m->notes[i], buf))
			return; /* the same reason from every agent/row is one note */
	m->notes = cp_xrealloc(m->notes, (m->nnotes + 1) * sizeof(char *));
	m->notes[m->nnotes++] = cp_xstrdup(buf);
}

void meta_set(struct cp_meta *m, const char *key, const char *value)
{
	size_t i;

	for (i = 0; i < m->nkv && strcmp(m->keys[i], key); i++)
		;
	if (i == m->nkv) {
		m->keys = cp_xrealloc(m->keys, (m->nkv + 1) * sizeof(char *));
		m->vals = cp_xrealloc(m->vals, (m->nkv + 1) * sizeof(char *));
		m->keys[m->nkv] = cp_xstrdup(key);
		m->vals[m->nkv++] = NULL;
	}
	free(m->vals[i]);
	m->vals[i] = value ? cp_xstrdup(value) : NULL;
}

void meta_free(struct cp_meta *m)
{
	for (int i = 0; i < m->argc; i++)
		free(m->argv[i]);
	free(m->argv);
	for (size_t i = 0; i < m->nnotes; i++)
		free(m->notes[i]);
	free(m->notes);
	for (size_t i = 0; i < m->nkv; i++) {
		free(m->keys[i]);
		free(m->vals[i]);
	}
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

/* ---- JSON ---- */

/* Length of the valid UTF-8 sequence at p, or 0 when it is not one. */
static size_t utf8_len(const unsigned char *p)
{
	size_t n;
	uint32_t c;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, c = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, c = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, c = p[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	/* overlong forms, surrogates and beyond U+10FFFF are not UTF-8 */
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return n;
}

void json_write_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	while (*p) {
		size_t n = utf8_len(p);

		if (!n) {
			fputs("\\ufffd", f);
			p++;
		} else if (n > 1) {
			fwrite(p, 1, n, f);
			p += n;
		} else {
			switch (*p) {
			case '"': fputs("\\\"", f); break;
			case '\\': fputs("\\\\", f); break;
			case '\n': fputs("\\n", f); break;
			case '\r': fputs("\\r", f); break;
			case '\t': fputs("\\t", f); break;
			default:
				if (*p < 0x20 || *p == 0x7f)
					fprintf(f, "\\u%04x", *p);
				else
					fputc(*p, f);
			}
			p++;
		}
	}
	fputc('"', f);
}

char *meta_fmt_double(double v, char *buf, size_t len)
{
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, len, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	return buf;
}

void json_write_double(FILE *f, double v)
{
	char buf[40];

	if (!isfinite(v))
		fputs("null", f);
	else
		fputs(meta_fmt_double(v, buf, sizeof(buf)), f);
}

/* Helpers that print one member: ",\n<pad>"key": value". */
struct jw {
	FILE *f;
	int pad;
	int first;
};

static void key(struct jw *w, const char *k)
{
	fprintf(w->f, "%s\n%*s", w->first ? "" : ",", w->pad, "");
	w->first = 0;
	json_write_string(w->f, k);
	fputs(": ", w->f);
}

static void kstr(struct jw *w, const char *k, const char *v) /* "" -> null */
{
	key(w, k);
	json_write_string(w->f, v && v[0] ? v : NULL);
}

static void kint(struct jw *w, const char *k, long long v) /* < 0 -> null */
{
	key(w, k);
	if (v < 0)
		fputs("null", w->f);
	else
		fprintf(w->f, "%lld", v);
}

static void kdbl(struct jw *w, const char *k, double v)
{
	key(w, k);
	json_write_double(w->f, v);
}

int meta_write_json(FILE *f, const struct cp_meta *m, int indent)
{
	struct jw w = { f, indent + 2, 1 };
	int have_steal = m->steal_start >= 0 && m->steal_end >= m->steal_start && m->clk_tck > 0;
	long long steal = have_steal ? m->steal_end - m->steal_start : -1;

	fputc('{', f);
	kstr(&w, "host", m->host);
	kstr(&w, "cpu_vendor", m->cpu_vendor);
	kstr(&w, "cpu_model_name", m->cpu_model_name);
	kint(&w, "cpu_family", m->cpu_family);
	kint(&w, "cpu_model", m->cpu_model);
	kint(&w, "cpu_stepping", m->cpu_stepping);
	kstr(&w, "microcode", m->microcode);
	kstr(&w, "machine", m->machine);
	kstr(&w, "kernel", m->kernel);
	kstr(&w, "kernel_version", m->kernel_version);
	kstr(&w, "cpus_online", m->cpus_online);
	kstr(&w, "cpus_allowed", m->cpus_allowed);
	kstr(&w, "smt", m->smt);
	kstr(&w, "numa_nodes", m->numa_nodes);
	kstr(&w, "thp_enabled", m->thp_enabled);
	kstr(&w, "thp_defrag", m->thp_defrag);
	kstr(&w, "thp_shmem_enabled", m->thp_shmem);
	kstr(&w, "governor", m->governor);
	key(&w, "hypervisor");
	fputs(m->hypervisor < 0 ? "null" : m->hypervisor ? "true" : "false", f);
	kstr(&w, "hypervisor_vendor", m->hypervisor_vendor);
	kint(&w, "steal_ticks", steal);
	kdbl(&w, "steal_ms", have_steal ? (double)steal * 1000.0 / (double)m->clk_tck : NAN);
	kint(&w, "clk_tck", m->clk_tck);
	key(&w, "timer");
	if (!m->have_timer) {
		fputs("null", f);
	} else {
		struct jw t = { f, w.pad + 2, 1 };

		fputc('{', f);
		kstr(&t, "name", m->timer_name);
		kdbl(&t, "freq_hz", m->timer_freq_hz);
		kdbl(&t, "resolution_ns", m->timer_resolution_ns);
		kdbl(&t, "overhead_ns", m->timer_overhead_ns);
		kstr(&t, "warning", m->timer_warning);
		fprintf(f, "\n%*s}", w.pad, "");
	}
	kstr(&w, "version", m->version);
	kstr(&w, "git_rev", m->git_rev);
	key(&w, "command_line");
	fputc('[', f);
	for (int i = 0; i < m->argc; i++) {
		fputs(i ? ", " : "", f);
		json_write_string(f, m->argv[i]);
	}
	fputc(']', f);
	kstr(&w, "start_utc", m->start_utc);
	kstr(&w, "end_utc", m->end_utc);
	key(&w, "notes");
	fputc('[', f);
	for (size_t i = 0; i < m->nnotes; i++) {
		fprintf(f, "%s\n%*s", i ? "," : "", w.pad + 2, "");
		json_write_string(f, m->notes[i]);
	}
	if (m->nnotes)
		fprintf(f, "\n%*s", w.pad, "");
	fputc(']', f);
	/* commands' keys go in their own object: they can never clash with ours */
	key(&w, "extra");
	fputc('{', f);
	for (size_t i = 0; i < m->nkv; i++) {
		fprintf(f, "%s\n%*s", i ? "," : "", w.pad + 2, "");
		json_write_string(f, m->keys[i]);
		fputs(": ", f);
		json_write_string(f, m->vals[i]);
	}
	if (m->nkv)
		fprintf(f, "\n%*s", w.pad, "");
	fputc('}', f);
	fprintf(f, "\n%*s}", indent, "");
	return ferror(f) ? -1 : 0;
}
