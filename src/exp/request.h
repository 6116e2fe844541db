/* request.h: what an experiment is asked to measure, as a typed request.
 * An experiment declares in its own file the options it takes, where each
 * one's value goes in its request, and its default (REQ_OPT), so a default
 * lives in one place and `--help` prints it from there; the command line
 * (cli), or a plan's cell, fills the request from the options given and
 * those defaults, and the experiment never sees argv or the parsed options.
 *
 * Every request starts with struct exp_req: the options the measuring
 * experiments share, in groups, and where the request came from. */
#ifndef REQUEST_H
#define REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include "cp.h"
#include "optset.h"
#include "verdict.h"

struct req_sampling {
	uint64_t samples, iters, warmup;   /* iters 0: calibrated */
	double target_ci;                  /* 0: a fixed sample count */
	double timeout;                    /* a partner silent this long ends the run */
	double time_limit;                 /* --time-limit (main.c sets the deadline) */
	const char *timer;                 /* NULL: auto */
};

struct req_place {
	const char *cpus, *placement, *topology_xml;
	uint64_t pairs;                    /* 0: not given */
};

struct req_counters {
	const char *counters, *events, *group;
};

struct req_output {
	const char *format, *out, *raw;    /* format NULL: a table on a terminal, else CSV */
};

struct req_memory {
	const char *shm, *pages, *mem_node;
};

struct exp_req {
	opt_set given;                     /* the options given: the others hold their defaults */
	int checking;                      /* check it (a plan's cell): up to measuring, nothing measured */
	int out_is_tty;                    /* stdout is a terminal */
	int argc;                          /* the whole command line, for the metadata */
	char **argv;
	struct req_sampling smp;
	struct req_place place;
	struct req_counters ctr;
	struct req_output out;
	struct req_memory mem;
	const char *mode;                  /* thread, process, both, A:B */
	double margin;                     /* interleaved arms: the verdict's margin, percent */
};

/* One option an experiment takes: where its value goes in the request and
 * its default, as the command line would give it (NULL: none).  The
 * member's type is checked against the option's at compile time. */
struct req_opt {
	enum opt_id id;
	size_t off;
	const char *def;
};

#define REQ_SAME_TYPE(T, member, field) \
	(sizeof(char[__builtin_types_compatible_p(__typeof__(((T *)0)->member), opt_t_##field) ? 1 : -1]) - 1)
#define REQ_OPT(T, member, field, def) { OPT_##field, offsetof(T, member) + REQ_SAME_TYPE(T, member, field), def }

/* The groups every measuring experiment takes (T: its request type, whose
 * first member `c` is its struct exp_req). */
#define REQ_OPTS_PLACE(T)                                                                       \
	REQ_OPT(T, c.place.cpus, cpus, NULL), REQ_OPT(T, c.place.placement, placement, NULL),    \
	REQ_OPT(T, c.place.topology_xml, topology_xml, NULL), REQ_OPT(T, c.place.pairs, pairs, NULL)
#define REQ_OPTS_TIMING(T, samples_def, warmup_def)                                              \
	REQ_OPT(T, c.smp.samples, samples, samples_def), REQ_OPT(T, c.smp.warmup, warmup, warmup_def), \
	REQ_OPT(T, c.smp.timer, timer, NULL), REQ_OPT(T, c.smp.timeout, timeout, "10"),          \
	REQ_OPT(T, c.smp.time_limit, time_limit, NULL)
#define REQ_OPT_ITERS(T) REQ_OPT(T, c.smp.iters, iters, NULL)
#define REQ_OPT_TARGET_CI(T) REQ_OPT(T, c.smp.target_ci, target_ci, NULL)
#define REQ_OPTS_COUNTERS(T)                                                                    \
	REQ_OPT(T, c.ctr.counters, counters, NULL), REQ_OPT(T, c.ctr.events, events, NULL),      \
	REQ_OPT(T, c.ctr.group, group, NULL)
#define REQ_OPTS_OUTPUT(T)                                                                      \
	REQ_OPT(T, c.out.format, format, NULL), REQ_OPT(T, c.out.out, out, NULL), REQ_OPT(T, c.out.raw, raw, NULL)
#define REQ_OPTS_MEMORY(T)                                                                      \
	REQ_OPT(T, c.mem.shm, shm, NULL), REQ_OPT(T, c.mem.pages, pages, NULL),                  \
	REQ_OPT(T, c.mem.mem_node, mem_node, NULL)
#define REQ_OPT_MODE(T, def) REQ_OPT(T, c.mode, mode, def)
/* the default of --margin: verdict.h's VERDICT_MARGIN_PCT, as text */
#define REQ_TEXT_(x) #x
#define REQ_TEXT(x) REQ_TEXT_(x)
#define REQ_OPT_MARGIN(T) REQ_OPT(T, c.margin, margin, REQ_TEXT(VERDICT_MARGIN_PCT))

/* Whether option id was given (not its default). */
static inline int req_given(const struct exp_req *r, enum opt_id id)
{
	return (int)(r->given >> id & 1);
}

struct cp_sink;
struct cp_counters_cfg;
struct cp_topo;
struct cp_placement;

/* --format: FMT_TABLE, FMT_CSV or FMT_JSON (the default: a table on a
 * terminal without --out, else CSV); -1 with e set. */
int req_format(const struct exp_req *r, struct cp_err *e);
/* The results sink of the request (--format, --out, --raw, the command
 * line for the metadata). */
int req_sink_open(const struct exp_req *r, struct cp_sink **s, struct cp_err *e);
int req_counters_config(const struct exp_req *r, struct cp_counters_cfg **cfg, struct cp_err *e);
/* The pairs of CPUs of --cpus, or --placement [--pairs]. */
int req_resolve_pairs(const struct cp_topo *t, const struct exp_req *r, struct cp_placement *p, struct cp_err *e);
/* --margin is for two interleaved arms: CP_EUSAGE naming `how` one asks
 * for them when it was given without. */
int req_check_margin(const struct exp_req *r, int arms, const char *how, struct cp_err *e);

#endif
