/* meta_settings.c: the machine's settings that move the figures (cpufreq
 * governor and energy-performance preference of every CPU this process may
 * use, boost, the deepest idle state enabled, SMT, firmware, the kernel's
 * command line), and the warnings they call for, each with the setting to
 * change, after those a command added (meta_warn: a sweep's check of the
 * other load on its CPUs and of steal time).  What a
 * machine does not expose (a VM has no cpufreq) is "", never a guess. */
#include "meta.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cp.h"
#include "parse.h"

/* an idle state whose exit takes longer than this is a warning */
#define META_DEEP_IDLE_US 20

static void first_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = 0;
	if (f) {
		if (!fgets(buf, (int)len, f))
			buf[0] = 0;
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = 0;
}

/* The distinct values of cpuN/<file> over the allowed CPUs, "a,b". */
static void per_cpu(const struct cpulist *l, const char *file, char *out, size_t len)
{
	out[0] = 0;
	for (int i = 0; i < (int)l->n; i++) {
		char path[256], v[128];
		const char *p = out;
		size_t vl;
		int seen = 0;

		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/%s", l->cpu[i], file);
		first_line(path, v, sizeof(v));
		if (!v[0])
			continue;
		vl = strlen(v);
		for (; *p && !seen; p += strcspn(p, ","), p += *p == ',')
			seen = !strncmp(p, v, vl) && (p[vl] == ',' || !p[vl]);
		if (!seen)
			snprintf(out + strlen(out), len - strlen(out), "%s%s", out[0] ? "," : "", v);
	}
}

/* "on", "off" or "": the cpufreq boost switch, or intel_pstate's no_turbo. */
static void boost(char *out, size_t len)
{
	char v[32];

	first_line("/sys/devices/system/cpu/cpufreq/boost", v, sizeof(v));
	if (v[0]) {
		snprintf(out, len, "%s", atoi(v) ? "on" : "off");
		return;
	}
	first_line("/sys/devices/system/cpu/intel_pstate/no_turbo", v, sizeof(v));
	snprintf(out, len, "%s", !v[0] ? "" : atoi(v) ? "off" : "on");
}

/* The deepest idle state enabled on the first allowed CPU: its name and
 * exit latency (us), or "" / -1 without cpuidle. */
static void deepest_idle(int cpu, char *name, size_t len, int *latency)
{
	name[0] = 0;
	*latency = -1;
	for (int s = 0; s < 32; s++) {
		char path[256], v[64], n[64];

		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/cpuidle/state%d/latency", cpu, s);
		first_line(path, v, sizeof(v));
		if (!v[0])
			break;
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/cpuidle/state%d/disable", cpu, s);
		first_line(path, n, sizeof(n));
		if (atoi(n))
			continue;
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/cpuidle/state%d/name", cpu, s);
		first_line(path, n, sizeof(n));
		if (atoi(v) >= *latency) {
			*latency = atoi(v);
			snprintf(name, len, "%s", n);
		}
	}
}

/* The value of `key=` on the kernel's command line, or "". */
static void cmdline_value(const char *cmdline, const char *key, char *out, size_t len)
{
	size_t kl = strlen(key);

	out[0] = 0;
	for (const char *p = cmdline; *p; p += strcspn(p, " "), p += *p == ' ')
		if (!strncmp(p, key, kl) && p[kl] == '=') {
			snprintf(out, len, "%.*s", (int)strcspn(p + kl + 1, " "), p + kl + 1);
			return;
		}
}

void meta_collect_settings(struct cp_meta *m)
{
	struct meta_settings *s = &m->set;
	struct cpulist al = { 0 };
	struct cp_err e = { 0 };

	memset(s, 0, sizeof(*s));
	s->idle_latency_us = -1;
	if (!cpulist_allowed(&al, &e)) {
		per_cpu(&al, "cpufreq/scaling_governor", s->governors, sizeof(s->governors));
		per_cpu(&al, "cpufreq/energy_performance_preference", s->epp, sizeof(s->epp));
		if (al.n)
			deepest_idle(al.cpu[0], s->idle_state, sizeof(s->idle_state), &s->idle_latency_us);
		cpulist_free(&al);
	}
	boost(s->boost, sizeof(s->boost));
	first_line("/sys/devices/system/cpu/cpuidle/current_driver", s->idle_driver, sizeof(s->idle_driver));
	first_line("/sys/devices/system/cpu/smt/active", s->smt_active, sizeof(s->smt_active));
	first_line("/sys/class/dmi/id/sys_vendor", s->dmi_vendor, sizeof(s->dmi_vendor));
	first_line("/sys/class/dmi/id/product_name", s->dmi_product, sizeof(s->dmi_product));
	first_line("/sys/class/dmi/id/bios_version", s->bios_version, sizeof(s->bios_version));
	first_line("/sys/class/dmi/id/bios_date", s->bios_date, sizeof(s->bios_date));
	first_line("/proc/cmdline", s->cmdline, sizeof(s->cmdline));
	cmdline_value(s->cmdline, "mitigations", s->mitigations, sizeof(s->mitigations));
	first_line("/proc/loadavg", s->loadavg, sizeof(s->loadavg));
}

/* Whether a list of values ("a,b") holds anything but `want`. */
static int other_than(const char *list, const char *want)
{
	size_t wl = strlen(want);

	for (const char *p = list; *p; p += strcspn(p, ","), p += *p == ',')
		if (strncmp(p, want, wl) || (p[wl] && p[wl] != ','))
			return 1;
	return 0;
}

int meta_warnings(const struct cp_meta *m, char (*w)[META_WARNING_LEN], int max)
{
	const struct meta_settings *s = &m->set;
	int n = 0;

#define WARN(...) do { if (n < max) snprintf(w[n++], META_WARNING_LEN, __VA_ARGS__); } while (0)
	if (s->governors[0] && other_than(s->governors, "performance"))
		WARN("cpufreq governor %s: the clock ramps while a cell runs; set: cpupower frequency-set -g "
		     "performance", s->governors);
	if (s->epp[0] && other_than(s->epp, "performance"))
		WARN("energy-performance preference %s: the CPU trades speed for energy; set: echo performance | "
		     "tee /sys/devices/system/cpu/cpu*/cpufreq/energy_performance_preference", s->epp);
	if (!strcmp(s->boost, "on"))
		WARN("boost (turbo) is on: the clock follows load and temperature; set: echo 0 > "
		     "/sys/devices/system/cpu/cpufreq/boost (intel_pstate: echo 1 > "
		     "/sys/devices/system/cpu/intel_pstate/no_turbo)");
	if (s->idle_latency_us > META_DEEP_IDLE_US)
		WARN("idle state %s (exit latency %d us) is enabled: a CPU that sleeps pays it at the next "
		     "wake-up or access; set: cpupower idle-set -D %d", s->idle_state, s->idle_latency_us,
		     META_DEEP_IDLE_US);
#undef WARN
	for (size_t i = 0; i < m->nwarns && n < max; i++)
		snprintf(w[n++], META_WARNING_LEN, "%s", m->warns[i]);
	return n;
}

json_t *meta_settings_json(const struct cp_meta *m)
{
	const struct meta_settings *s = &m->set;
	json_t *o = json_object();

#define KSTR(k, v) json_object_set_new(o, k, json_text((v)[0] ? (v) : NULL))
	KSTR("governors", s->governors);
	KSTR("energy_performance_preference", s->epp);
	KSTR("boost", s->boost);
	KSTR("idle_driver", s->idle_driver);
	KSTR("deepest_idle_state", s->idle_state);
	json_object_set_new(o, "deepest_idle_latency_us",
			    s->idle_latency_us < 0 ? json_null() : json_integer(s->idle_latency_us));
	KSTR("smt_active", s->smt_active);
	KSTR("dmi_vendor", s->dmi_vendor);
	KSTR("dmi_product", s->dmi_product);
	KSTR("bios_version", s->bios_version);
	KSTR("bios_date", s->bios_date);
	KSTR("kernel_cmdline", s->cmdline);
	KSTR("mitigations", s->mitigations);
	KSTR("loadavg_at_start", s->loadavg);
#undef KSTR
	return o;
}
