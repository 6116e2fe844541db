/* meta.h: what was measured on, so a result file explains itself: machine,
 * kernel settings that change the numbers (THP, governor, SMT), whether we
 * ran in a VM and how much time the hypervisor stole, the timer, the exact
 * command and build.  Written as the "meta" object of JSON results and as
 * meta.json by the sweep.  Fields are documented in results/README.md.
 *
 * Strings that could not be read are "" and written as null; numbers that
 * could not be read are -1 and written as null. */
#ifndef META_H
#define META_H

#include <stddef.h>
#include <stdio.h>

#include "json_out.h"

struct cp_timer;

/* The settings that move the figures (meta_settings.c); "" or -1 where the
 * machine does not say. */
struct meta_settings {
	char governors[128];      /* distinct cpufreq governors of the allowed CPUs, "a,b" */
	char epp[128];            /* distinct energy_performance_preference values */
	char boost[8];            /* "on", "off" */
	char idle_driver[64];
	char idle_state[64];      /* the deepest idle state enabled (first allowed CPU) */
	int idle_latency_us;      /* its exit latency */
	char smt_active[8];
	char dmi_vendor[128], dmi_product[128], bios_version[128], bios_date[64];
	char cmdline[2048];       /* /proc/cmdline */
	char mitigations[64];     /* its mitigations= */
	char loadavg[128];        /* /proc/loadavg at the start */
};

struct cp_meta {
	char host[256];
	char cpu_vendor[64];      /* vendor_id (x86) or "CPU implementer" (Arm) */
	char cpu_model_name[256];
	int cpu_family, cpu_model, cpu_stepping;   /* -1 when absent */
	char microcode[64];
	char kernel[256];         /* uname -r */
	char kernel_version[256]; /* uname -v */
	char machine[64];         /* uname -m */
	char cpus_online[1024];   /* cpulist, /sys/devices/system/cpu/online */
	char cpus_allowed[1024];  /* cpulist, sched_getaffinity */
	char smt[32];             /* /sys/devices/system/cpu/smt/control */
	char numa_nodes[256];     /* /sys/devices/system/node/online */
	char thp_enabled[32], thp_defrag[32], thp_shmem[32]; /* the [selected] word */
	char governor[64];        /* cpu0 scaling_governor */
	int hypervisor;           /* cpuid.1:ecx[31]; -1 unknown (not x86) */
	char hypervisor_vendor[16]; /* cpuid 0x40000000 ("KVMKVMKVM") */
	long clk_tck;
	long long steal_start, steal_end; /* /proc/stat cpu steal, ticks; -1 unknown */
	int have_timer;
	char timer_name[32];
	double timer_freq_hz, timer_resolution_ns, timer_overhead_ns;
	char timer_warning[256];
	char version[32], git_rev[64];
	int argc;
	char **argv;              /* copy of the full command line */
	char start_utc[32], end_utc[32]; /* ISO 8601, "2024-05-01T12:00:00Z" */
	size_t nnotes;
	char **notes;
	json_t *extra;            /* commands' own keys (meta_set), NULL before the first */
	struct meta_settings set;
	size_t nwarns;
	char **warns;             /* meta_warn's, after the settings' own in "warnings" */
};

/* Fill m with the machine, the command line and the start time (and the
 * steal counter at the start).  Cheap: reads a few files, no measuring. */
void meta_collect_start(struct cp_meta *m, int argc, char *const *argv);
/* The settings (struct meta_settings); meta_collect_start does it. */
void meta_collect_settings(struct cp_meta *m);
/* The warnings the settings call for, each with the setting to change:
 * up to max lines into w; how many. */
#define META_WARNING_LEN 600
int meta_warnings(const struct cp_meta *m, char (*w)[META_WARNING_LEN], int max);
json_t *meta_settings_json(const struct cp_meta *m);

/* End time and steal counter at the end. */
void meta_collect_end(struct cp_meta *m);
void meta_set_timer(struct cp_meta *m, const struct cp_timer *t);
void meta_note(struct cp_meta *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A warning a command found (what makes the figures unstable, and what to
 * change), listed in "warnings" with the settings' own. */
void meta_warn(struct cp_meta *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Set (or replace) an extra key: a string (NULL writes null) or a number
 * (not finite writes null). */
void meta_set(struct cp_meta *m, const char *key, const char *value);
void meta_set_num(struct cp_meta *m, const char *key, double value);
void meta_free(struct cp_meta *m);

/* ---- JSON, through jansson ---- */

/* The keys of meta.json, in file order, with their JSON Schema types
 * (schema_json.c writes meta's schema from here; test_schema checks that
 * meta_json writes exactly these): X(key, types, what it says). */
#define CP_META_KEYS(X) \
	X(schema_version, "integer", "the results schema (CP_SCHEMA_VERSION)") \
	X(host, "string|null", "the host name") \
	X(cpu_vendor, "string|null", "CPUID vendor, or the architecture's") \
	X(cpu_model_name, "string|null", "the model name the firmware gives") \
	X(cpu_family, "integer|null", "CPUID family") \
	X(cpu_model, "integer|null", "CPUID model") \
	X(cpu_stepping, "integer|null", "CPUID stepping") \
	X(microcode, "string|null", "microcode revision") \
	X(machine, "string|null", "uname machine") \
	X(kernel, "string|null", "uname release") \
	X(kernel_version, "string|null", "uname version") \
	X(cpus_online, "string|null", "online CPUs (a CPU list)") \
	X(cpus_allowed, "string|null", "the CPUs this process may run on") \
	X(smt, "string|null", "/sys/devices/system/cpu/smt/control") \
	X(numa_nodes, "string|null", "online NUMA nodes (a list)") \
	X(thp_enabled, "string|null", "transparent huge pages: enabled") \
	X(thp_defrag, "string|null", "transparent huge pages: defrag") \
	X(thp_shmem_enabled, "string|null", "transparent huge pages of shmem") \
	X(governor, "string|null", "cpufreq governor of CPU 0") \
	X(hypervisor, "boolean|null", "the CPU says it runs under a hypervisor") \
	X(hypervisor_vendor, "string|null", "CPUID hypervisor vendor") \
	X(steal_ticks, "integer|null", "steal time during the run, in clock ticks") \
	X(steal_ms, "number|null", "steal time during the run, ms") \
	X(clk_tck, "integer|null", "clock ticks per second") \
	X(timer, "object|null", "the clock of the samples: name, freq_hz, resolution_ns, overhead_ns, warning") \
	X(version, "string|null", "cachepong's version") \
	X(git_rev, "string|null", "cachepong's git revision") \
	X(command_line, "array", "the command line, word by word") \
	X(start_utc, "string|null", "start, ISO 8601 UTC") \
	X(end_utc, "string|null", "end, ISO 8601 UTC") \
	X(notes, "array", "what the commands noted") \
	X(settings, "object", "the machine's settings that move results (meta_settings.c)") \
	X(warnings, "array", "what makes the figures unstable, and what to change") \
	X(extra, "object", "the commands' own keys (sweep, report, fleet)")

/* The metadata as one object, "schema_version" first (a new reference). */
json_t *meta_json(const struct cp_meta *m);
/* meta.json: meta_json written to f; -1 on a write error. */
int meta_write_json(FILE *f, const struct cp_meta *m);
/* Key of the metadata in the JSON file path (meta.json, or a JSON results
 * file's "meta"), at the top or among the commands' "extra" keys, as text
 * in buf; "" when the file, the key or its value is missing (or null). */
char *meta_read_str(const char *path, const char *key, char *buf, size_t len);
/* The shortest "%.15g".."%.17g" text that reads back as v (CSV cells). */
char *meta_fmt_double(double v, char *buf, size_t len);

#endif
