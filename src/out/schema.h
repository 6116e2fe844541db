/* schema.h: the results schema, one list.  Every column of a result row,
 * in file order, with how result.c writes it and whether it identifies the
 * cell (the "key" columns, also written into the --raw samples file).  The
 * writers (result.c), the readers (csvread.h binds a file's columns to these
 * ids) and the comparison module (compare.h: two rows are twins when every
 * key column but mode agrees) take the columns from here; results/README.md
 * documents them.  A column is never renamed or reused: a change of the
 * columns or of their meaning raises CP_SCHEMA_VERSION, which every results
 * file and directory records (meta.json "schema_version"). */
#ifndef SCHEMA_H
#define SCHEMA_H

#include <stddef.h>

#define CP_SCHEMA_VERSION 5

/* A results directory (sweep, report) holds this file: "cachepong results
 * directory" and "schema N". */
#define CP_RESULTS_MARKER ".cachepong-results"

/* X(name, how result.c writes it, field of struct cp_row, key).  C_EXT:
 * a column of some experiments only (coherence's state and holder, sync's
 * waiter state), set by column in the row's typed extension (result.h,
 * row_ext_set). */
#define CP_COLUMNS(X) \
	X(experiment, C_STR, experiment, 1) \
	X(kernel, C_STR, kernel, 1) \
	X(impl, C_STR, impl, 1) \
	X(mode, C_STR, mode, 1) \
	X(arms, C_STR, arms, 1) \
	X(arm, C_STR, arm, 1) \
	X(shm, C_STR, shm, 1) \
	X(pages, C_STR, pages, 1) \
	X(layout, C_STR, layout, 1) \
	X(poll, C_STR, poll, 1) \
	X(state, C_EXT, ext, 1) \
	X(holder, C_EXT, ext, 1) \
	X(placement, C_STR, placement, 1) \
	X(cpus, C_CPUS, cpus, 1) \
	X(cpu_a, C_CPU_A, cpus, 0) \
	X(cpu_b, C_CPU_B, cpus, 0) \
	X(mem_node, C_NODE, mem_node, 0) \
	X(size_bytes, C_U64, size_bytes, 1) \
	X(agents, C_UNS, agents, 1) \
	X(samples, C_U64, samples, 0) \
	X(iters_per_sample, C_U64, iters_per_sample, 0) \
	X(sample_ns, C_POS, sample_ns, 0) \
	X(stop, C_STR, stop, 0) \
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
	X(modes, C_MODES, modes, 0) \
	X(mode_p50, C_MODE_P50, modes, 0) \
	X(mode_weight, C_MODE_W, modes, 0) \
	X(p50_cycles, C_CYCLES, st.p50, 0) \
	X(verdict, C_STR, verdict, 0) \
	X(margin, C_POS, margin_pct, 0) \
	X(ci_level, C_POS, ci_level_pct, 0) \
	X(blocks, C_CNT, blocks, 0) \
	X(note, C_STR, note, 0)

/* The columns' ids: COL_experiment, COL_kernel, ... */
enum cp_col {
#define CP_COL_ID(n, k, f, key) COL_##n,
	CP_COLUMNS(CP_COL_ID)
#undef CP_COL_ID
	COL_COUNT
};

/* The id of the column named name[0..len), or -1. */
int schema_col_by_name(const char *name, size_t len);
/* A comparison row's "A:B" (ratio B / A) sits in one column: mode for the
 * arms of two modes (thread:process), else the key of k arms (arms
 * "shm=anon:sysv:...": column shm holds "anon:sysv").  Its id, or -1. */
int schema_cmp_col(const char *mode, const char *arms);

/* The name of column id ("p50"); whether it identifies the cell. */
const char *schema_col_name(enum cp_col id);
int schema_col_key(enum cp_col id);

/* The schema version of results directory DIR, from its marker: -1 when
 * it has none (not made by a sweep), 0 when the marker is unreadable. */
int schema_dir_version(const char *dir);
/* DIR as a results directory this cachepong can read or continue: opt
 * names the option for messages ("resume", or "" for a positional DIR).
 * A marker of another version is CP_EUSAGE naming both versions; no marker
 * is CP_EUSAGE only when required. */
struct cp_err;
int schema_dir_check(const char *opt, const char *dir, int required, struct cp_err *e);
/* Write DIR's marker (this version). */
int schema_dir_mark(const char *dir, struct cp_err *e);

#endif
