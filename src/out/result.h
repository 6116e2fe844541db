/* result.h: one tidy row per measured cell, written the same way as CSV,
 * JSON ({"meta": {...}, "results": [...]}) or a readable table.  The schema
 * is documented in results/README.md; a column is never renamed or reused. */
#ifndef RESULT_H
#define RESULT_H

#include <stdint.h>
#include <stdio.h>

#include "cp.h"
#include "schema.h"
#include "stats.h"


/* One counter column: per-op value (sum over the agents' counts of the timed
 * region divided by the number of operations).  valid = 0 means it could not
 * be counted: empty in CSV, null in JSON, "n/a" in the table, never 0; the
 * reason goes to the metadata (result_meta_note). */
struct cp_counter_val {
	char name[64];
	double per_op;
	int valid;
};

/* How many C_EXT columns one row may set. */
#define CP_ROW_EXT_MAX 4

struct cp_row {
	const char *experiment;   /* pingpong, setup, sync, copy, contend, matrix */
	const char *kernel;       /* cas, load-store, futex, memcpy, touch ... */
	const char *impl;         /* asm, c11, or NULL (empty) */
	const char *mode;         /* thread | process; a comparison row: A:B (thread:process) */
	const char *arms;         /* the comparison (A:B) this row is an arm or the ratio of; NULL */
	const char *arm;          /* "1" or "2": which arm of `arms` this row measured; NULL */
	const char *shm;          /* heap, anon, sysv, posix, memfd, private ... */
	const char *pages;        /* 4k, thp, huge */
	const char *layout;       /* one-line, two-lines, same-line, false-sharing, padded, NULL */
	const char *poll;         /* ping-pong: load or rmw (how the turn is polled); NULL */
	const char *placement;    /* class name (llc, cross-package:21 ...) or "cpus" when given by --cpus */
	char cpus[128];           /* CPUs actually used, OS numbers, "0,1" */
	int mem_node;             /* node the memory really sat on (move_pages); -1 unknown/n.a. */
	uint64_t size_bytes;      /* bytes moved/mapped; the line size for ping-pong */
	unsigned agents;
	uint64_t samples;
	uint64_t iters_per_sample;
	double sample_ns;         /* mean wall time of a timed sample, ns (0: not known) */
	const char *stop;         /* what ended the sampling (sampler_stop): samples, target-ci,
				   * max-samples, time-limit; NULL for rows not sampled so */
	const char *metric;       /* round_trip, per_page, total, throughput, wakeup_round_trip ... */
	const char *unit;         /* ns, ns/page, GB/s, Mops/s ... */
	struct cp_stats st;       /* in `unit` */
	struct cp_modes modes;    /* the samples' modes (stats_modes); result_add fills them from
				   * raw when n is 0 and the row has its samples */
	double ticks_per_ns;      /* timer ticks per ns (cycles columns = ns x this); 0 when the timer has no ticks */
	const char *verdict;      /* comparison rows: equivalent, slower, faster, inconclusive; NULL */
	double margin_pct;        /* comparison rows: the margin of the verdict, percent; 0 otherwise */
	double ci_level_pct;      /* comparison rows: the coverage of ci_lo..ci_hi, percent; 0 otherwise */
	uint64_t blocks;          /* comparison rows: block pairs behind the interval; 0 otherwise */
	const char *note;         /* free text, e.g. "thp verified", NULL */
	/* the columns of some experiments only (the schema's C_EXT: state,
	 * holder), by column: row_ext_set / row_ext; empty unless set */
	struct cp_row_ext { enum cp_col col; const char *value; } ext[CP_ROW_EXT_MAX];
	int ncounters;
	struct cp_counter_val counters[CP_MAX_COUNTERS];
	/* raw samples in `unit`, for --raw (may be NULL) */
	const double *raw;
	size_t nraw;
};

/* Set column col (a C_EXT column of schema.h: COL_state, COL_holder) of
 * row r to value (NULL: empty); its value, or NULL. */
void row_ext_set(struct cp_row *r, enum cp_col col, const char *value);
const char *row_ext(const struct cp_row *r, enum cp_col col);

struct cp_meta;   /* the machine and run metadata, see meta.h */

/* A results sink: opened once per command, rows added as measured, closed
 * at the end.  With --out FILE the file is written atomically (FILE.tmp.PID,
 * then rename) at close; result_open checks that the directory is writable
 * before anything is measured (CP_ERUN naming the path and strerror). */
struct cp_sink;

/* Where a command's results go: FMT_* (checked by the command), --out and
 * --raw (NULL: stdout / none), and the command line for the metadata. */
enum { FMT_TABLE = 0, FMT_CSV = 1, FMT_JSON = 2 };
/* --format of the measuring commands, in that order */
#define CP_FORMAT_NAMES "table|csv|json"
struct cp_sink_req {
	int format;
	const char *out, *raw;
	int argc;
	char **argv;
};
int result_open(const struct cp_sink_req *o, struct cp_sink **out, struct cp_err *e);
/* Append one row.  CSV rows are flushed at once (an interrupted sweep keeps
 * what it measured when writing to a stream). */
int result_add(struct cp_sink *s, const struct cp_row *r, struct cp_err *e);
/* The rows added from here on measured arm idx (0 or 1) of the interleaved
 * comparison `pair` (e.g. "thread:process"): a row without arms of its own
 * gets arms = pair and arm = "1" or "2".  pair NULL ends it.  So the arms of
 * an A/A control (thread:thread) never share their key with another
 * comparison's arms, and a comparison's rows group by the arms column. */
void result_arm(struct cp_sink *s, const char *pair, int idx);

/* A comparison row from a verdict (verdict.h): metric and unit "ratio",
 * p50, ci_lo and ci_hi the estimate and its interval, and the verdict,
 * margin and block-pair columns (the other statistics stay the ratios'). */
struct cp_verdict;
void result_set_verdict(struct cp_row *row, const struct cp_verdict *v);
/* Add a line to meta.notes (e.g. why a counter is unavailable). */
void result_meta_note(struct cp_sink *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Record a key of meta that a command knows (e.g. "timer_warning"). */
void result_meta_set(struct cp_sink *s, const char *key, const char *value);
/* Finish: write footer/meta, rename the temporary file into place. */
int result_close(struct cp_sink *s, struct cp_err *e);
/* Drop everything written so far (on error): remove the temporary file. */
void result_abort(struct cp_sink *s);

/* Record the timer in meta (name, freq_hz, resolution_ns, overhead_ns, warning). */
struct cp_timer;
void result_set_timer(struct cp_sink *s, const struct cp_timer *t);
/* The metadata the sink will write (meta.h), e.g. for a sweep's meta.json. */
struct cp_meta *result_meta(struct cp_sink *s);

/* Column names in CSV order, NULL terminated (before the counter columns). */
extern const char *const result_columns[];

#endif
