/* parse.h: parsers for the value syntaxes users know: CPU lists
 * (numactl/taskset/likwid-pin), sizes (4K, 1M, 4K..1G), durations (10m),
 * integers with ranges.  Each fills a cp_err (CP_EUSAGE) that names the
 * option, the bad value and what is allowed. */
#ifndef PARSE_H
#define PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "cp.h"

#define CP_MAX_CPUS 8192

/* A list of CPUs in the order given ("3,1" keeps 3 first), no duplicates. */
struct cpulist {
	int n;
	int *cpu; /* OS numbers */
};

/* Parse "0-3,8,10-11" into l (caller frees with cpulist_free).
 * Ranges must ascend (3-1 is refused), numbers below CP_MAX_CPUS. */
int parse_cpulist(const char *s, const char *optname, struct cpulist *l, struct cp_err *e);
void cpulist_free(struct cpulist *l);
/* Format as "0-3,8" (ranges collapsed); returns buf. */
char *cpulist_format(const struct cpulist *l, char *buf, size_t len);

/* Check every CPU of l is online and in this process's affinity mask
 * (sched_getaffinity); CP_EUSAGE naming the CPU and the allowed set. */
int cpulist_check_allowed(const struct cpulist *l, const char *optname, struct cp_err *e);

/* The allowed (affinity) CPUs of this process. */
int cpulist_allowed(struct cpulist *l, struct cp_err *e);

/* A size: 4096, 4K, 64KiB, 1M, 1G (binary units). */
int parse_size(const char *s, const char *optname, uint64_t *out, struct cp_err *e);

/* A size list: "4K,64K,1M" or a power-of-two range "4K..1G" (both ends
 * powers of two, ascending).  *out is malloc'd. */
int parse_sizes(const char *s, const char *optname, uint64_t **out, size_t *n, struct cp_err *e);

/* An integer list/range: "4" or "1..8" or "1,2,4". *out is malloc'd. */
int parse_u64_range(const char *s, const char *optname, uint64_t min, uint64_t max,
		    uint64_t **out, size_t *n, struct cp_err *e);

/* Integer in [min, max] (decimal, no sign games: "-5" is refused by range). */
int parse_u64(const char *s, const char *optname, uint64_t min, uint64_t max,
	      uint64_t *out, struct cp_err *e);
int parse_double(const char *s, const char *optname, double min, double max,
		 double *out, struct cp_err *e);
/* Duration: 90, 90s, 10m, 2h, 1.5m -> seconds. */
int parse_duration(const char *s, const char *optname, double min, double max,
		   double *out, struct cp_err *e);

/* 1 when a ','-separated list has an empty item ("4K,,8K", "a,", ""):
 * strtok_r would skip it unseen. */
int has_empty_item(const char *s);

/* The index of NAME in a '|'-separated list of words, or -1. */
int parse_word_index(const char *names, const char *name);
/* Check a value against a '|'-separated list of allowed words; CP_EUSAGE
 * naming the option, the value and the list when it is not one of them.
 * Returns the index of the word, or -1 with e filled. */
int parse_choice(const char *value, const char *choices, const char *optname, struct cp_err *e);

/* Human size: 4096 -> "4K", 1048576 -> "1M". */
char *size_format(uint64_t bytes, char *buf, size_t len);

#endif
