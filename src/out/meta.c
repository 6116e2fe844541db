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
#include "schema.h"
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
	meta_collect_settings(m);
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

void meta_warn(struct cp_meta *m, const char *fmt, ...)
{
	char buf[META_WARNING_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < m->nwarns; i++)
		if (!strcmp(m->warns[i], buf))
			return;
	m->warns = cp_xrealloc(m->warns, (m->nwarns + 1) * sizeof(char *));
	m->warns[m->nwarns++] = cp_xstrdup(buf);
}

static json_t *extra_of(struct cp_meta *m)
{
	if (!m->extra)
		m->extra = json_object();
	return m->extra;
}

void meta_set(struct cp_meta *m, const char *key, const char *value)
{
	json_object_set_new(extra_of(m), key, json_text(value));
}

void meta_set_num(struct cp_meta *m, const char *key, double value)
{
	json_object_set_new(extra_of(m), key, json_num(value));
}

void meta_free(struct cp_meta *m)
{
	for (int i = 0; i < m->argc; i++)
		free(m->argv[i]);
	free(m->argv);
	for (size_t i = 0; i < m->nnotes; i++)
		free(m->notes[i]);
	free(m->notes);
	for (size_t i = 0; i < m->nwarns; i++)
		free(m->warns[i]);
	free(m->warns);
	json_decref(m->extra);
	memset(m, 0, sizeof(*m));
}

/* ---- JSON ---- */

char *meta_fmt_double(double v, char *buf, size_t len)
{
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, len, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	return buf;
}

/* "" and NULL -> null */
static void kstr(json_t *o, const char *k, const char *v)
{
	json_object_set_new(o, k, json_text(v && v[0] ? v : NULL));
}

/* < 0 -> null */
static void kint(json_t *o, const char *k, long long v)
{
	json_object_set_new(o, k, v < 0 ? json_null() : json_integer(v));
}

static json_t *timer_json(const struct cp_meta *m)
{
	json_t *t = json_object();

	if (!m->have_timer) {
		json_decref(t);
		return json_null();
	}
	kstr(t, "name", m->timer_name);
	json_object_set_new(t, "freq_hz", json_num(m->timer_freq_hz));
	json_object_set_new(t, "resolution_ns", json_num(m->timer_resolution_ns));
	json_object_set_new(t, "overhead_ns", json_num(m->timer_overhead_ns));
	kstr(t, "warning", m->timer_warning);
	return t;
}

static json_t *strings_json(char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_text(v[i]));
	return a;
}

json_t *meta_json(const struct cp_meta *m)
{
	json_t *o = json_object();
	int have_steal = m->steal_start >= 0 && m->steal_end >= m->steal_start && m->clk_tck > 0;
	long long steal = have_steal ? m->steal_end - m->steal_start : -1;

	json_object_set_new(o, "schema_version", json_integer(CP_SCHEMA_VERSION));
	kstr(o, "host", m->host);
	kstr(o, "cpu_vendor", m->cpu_vendor);
	kstr(o, "cpu_model_name", m->cpu_model_name);
	kint(o, "cpu_family", m->cpu_family);
	kint(o, "cpu_model", m->cpu_model);
	kint(o, "cpu_stepping", m->cpu_stepping);
	kstr(o, "microcode", m->microcode);
	kstr(o, "machine", m->machine);
	kstr(o, "kernel", m->kernel);
	kstr(o, "kernel_version", m->kernel_version);
	kstr(o, "cpus_online", m->cpus_online);
	kstr(o, "cpus_allowed", m->cpus_allowed);
	kstr(o, "smt", m->smt);
	kstr(o, "numa_nodes", m->numa_nodes);
	kstr(o, "thp_enabled", m->thp_enabled);
	kstr(o, "thp_defrag", m->thp_defrag);
	kstr(o, "thp_shmem_enabled", m->thp_shmem);
	kstr(o, "governor", m->governor);
	json_object_set_new(o, "hypervisor", m->hypervisor < 0 ? json_null() : json_boolean(m->hypervisor));
	kstr(o, "hypervisor_vendor", m->hypervisor_vendor);
	kint(o, "steal_ticks", steal);
	json_object_set_new(o, "steal_ms", json_num(have_steal ? (double)steal * 1000.0 / (double)m->clk_tck : NAN));
	kint(o, "clk_tck", m->clk_tck);
	json_object_set_new(o, "timer", timer_json(m));
	kstr(o, "version", m->version);
	kstr(o, "git_rev", m->git_rev);
	json_object_set_new(o, "command_line", strings_json(m->argv, (size_t)m->argc));
	kstr(o, "start_utc", m->start_utc);
	kstr(o, "end_utc", m->end_utc);
	json_object_set_new(o, "notes", strings_json(m->notes, m->nnotes));
	json_object_set_new(o, "settings", meta_settings_json(m));
	{
		static char w[16][META_WARNING_LEN];
		char *wp[16];
		int nw = meta_warnings(m, w, 16);

		for (int i = 0; i < nw; i++)
			wp[i] = w[i];
		json_object_set_new(o, "warnings", strings_json(wp, (size_t)nw));
	}
	/* commands' keys go in their own object: they can never clash with ours */
	json_object_set_new(o, "extra", m->extra ? json_deep_copy(m->extra) : json_object());
	return o;
}

int meta_write_json(FILE *f, const struct cp_meta *m)
{
	json_t *o = meta_json(m);
	int rc = json_dumpf(o, f, CP_JSON_FLAGS);

	json_decref(o);
	return rc || ferror(f) ? -1 : 0;
}

/* A value as text: strings as they are, numbers as the CSV writes them. */
static void value_text(const json_t *v, char *buf, size_t len)
{
	buf[0] = 0;
	if (json_is_string(v))
		snprintf(buf, len, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (json_is_real(v))
		meta_fmt_double(json_real_value(v), buf, len);
	else if (json_is_boolean(v))
		snprintf(buf, len, "%s", json_is_true(v) ? "true" : "false");
}

char *meta_read_str(const char *path, const char *key, char *buf, size_t len)
{
	json_t *doc = json_load_file(path, 0, NULL), *v = NULL;

	buf[0] = 0;
	if (!json_is_object(doc)) {
		json_decref(doc);
		return buf;
	}
	/* meta.json is the metadata object; a JSON results file holds it as "meta" */
	if (json_is_object(json_object_get(doc, "meta")))
		v = json_object_get(json_object_get(doc, "meta"), key);
	if (!v)
		v = json_object_get(doc, key);
	if (!v)
		v = json_object_get(json_object_get(doc, "extra"), key);
	value_text(v, buf, len);
	json_decref(doc);
	return buf;
}
