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

struct cp_timer;

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
	size_t nkv;               /* extra string keys from commands (meta_set) */
	char **keys, **vals;
};

/* Fill m with the machine, the command line and the start time (and the
 * steal counter at the start).  Cheap: reads a few files, no measuring. */
void meta_collect_start(struct cp_meta *m, int argc, char *const *argv);
/* End time and steal counter at the end. */
void meta_collect_end(struct cp_meta *m);
void meta_set_timer(struct cp_meta *m, const struct cp_timer *t);
void meta_note(struct cp_meta *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Set (or replace) an extra string key; value NULL writes null. */
void meta_set(struct cp_meta *m, const char *key, const char *value);
void meta_free(struct cp_meta *m);

/* Write m as one JSON object starting at the current position; nested lines
 * are indented by indent + 2 spaces, the closing brace by indent. Returns 0,
 * or -1 when the stream has an error. */
int meta_write_json(FILE *f, const struct cp_meta *m, int indent);

/* A JSON string literal of s (NULL -> null).  Control characters and
 * invalid UTF-8 bytes are escaped (the latter as U+FFFD), so the output is
 * valid JSON whatever the input. */
void json_write_string(FILE *f, const char *s);
/* A JSON number, or null when v is not finite. */
void json_write_double(FILE *f, double v);
/* Shortest "%.Ng" (N = 15..17) that reads back as exactly v. */
char *meta_fmt_double(double v, char *buf, size_t len);

#endif
