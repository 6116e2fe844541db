/* opts.c: one getopt_long pass into struct opts (see opts.h). */
#include "opts.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parse.h"

enum opt_type { T_FLAG, T_STR, T_U64, T_DBL, T_DUR };

struct opt_desc {
	const char *name;
	enum opt_type type;
	double min, max;
	const char *meta;
	const char *help;
	size_t off;
};

static const struct opt_desc descs[OPT_COUNT] = {
#define OPT(name, field, type, min, max, meta, help) \
	{ name, T_##type, (double)(min), (double)(max), meta, help, offsetof(struct opts, field) },
#include "options.def"
#undef OPT
};

const char *opt_name(enum opt_id id)
{
	return id < OPT_COUNT ? descs[id].name : "?";
}

int opt_by_name(const char *name)
{
	for (int i = 0; i < OPT_COUNT; i++)
		if (!strcmp(descs[i].name, name))
			return i;
	return -1;
}

static int in_set(opt_set allowed, int id)
{
	return (int)(allowed >> id & 1);
}

static int set_value(struct opts *o, int id, const char *arg, struct cp_err *e)
{
	const struct opt_desc *d = &descs[id];
	char *field = (char *)o + d->off;

	/* "--cpus --mode thread": getopt took "--mode" as the value */
	if (d->type != T_FLAG && arg[0] == '-' && arg[1] == '-' && arg[2])
		return cp_errf(e, CP_EUSAGE, "--%s needs a value (%s), but the next word is the option '%s'",
			       d->name, d->meta, arg);
	switch (d->type) {
	case T_FLAG:
		*(int *)field = 1;
		return 0;
	case T_STR:
		if (!arg[0])
			return cp_errf(e, CP_EUSAGE, "--%s: empty value: expected %s", d->name, d->meta);
		*(const char **)field = arg;
		return 0;
	case T_U64:
		return parse_u64(arg, d->name, (uint64_t)d->min, (uint64_t)d->max, (uint64_t *)field, e);
	case T_DBL:
		return parse_double(arg, d->name, d->min, d->max, (double *)field, e);
	case T_DUR:
		return parse_duration(arg, d->name, d->min, d->max, (double *)field, e);
	}
	return cp_errf(e, CP_ERUN, "internal: option type");
}

int opts_parse(struct opts *o, const char *cmd, opt_set allowed,
	       int argc, char **argv, int first, int *want_help, struct cp_err *e)
{
	struct option lo[OPT_COUNT + 2];
	int n = 0, c, idx;

	o->command = cmd;
	o->out_is_tty = isatty(STDOUT_FILENO);
	*want_help = 0;
	for (int i = 0; i < OPT_COUNT; i++) {
		if (!in_set(allowed, i))
			continue;
		lo[n].name = descs[i].name;
		lo[n].has_arg = descs[i].type == T_FLAG ? no_argument : required_argument;
		lo[n].flag = NULL;
		lo[n].val = 1000 + i;
		n++;
	}
	lo[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	lo[n] = (struct option){ 0 };

	/* getopt_long permutes argv so positional words may come anywhere.
	 * optind = 0 resets all of getopt's state (optind = 1 would keep a
	 * pointer into the previous argv, which a plan has freed by now), and
	 * then it starts at element 1: hand it argv from the word before
	 * `first`, which it skips like a program name. */
	argv += first - 1;
	argc -= first - 1;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", lo, &idx)) != -1) {
		if (c == 'h') {
			*want_help = 1;
			continue;
		}
		if (c == '?') {
			const char *bad = argv[optind - 1];
			return cp_errf(e, CP_EUSAGE,
				       "%s: unknown option '%s': see 'cachepong %s --help' for the options it takes",
				       cmd, bad, cmd);
		}
		if (c == ':')
			return cp_errf(e, CP_EUSAGE, "%s: option '%s' needs a value",
				       cmd, argv[optind - 1]);
		if (c >= 1000 && c < 1000 + OPT_COUNT) {
			int rc = set_value(o, c - 1000, optarg ? optarg : "", e);

			if (rc)
				return rc;
			o->set[c - 1000] = 1;
		}
	}
	o->argc = argc - optind;
	o->argv = argv + optind;
	return 0;
}

void opts_print_help(FILE *f, opt_set allowed)
{
	for (int i = 0; i < OPT_COUNT; i++) {
		char left[64];

		if (!in_set(allowed, i))
			continue;
		snprintf(left, sizeof(left), "--%s%s%s", descs[i].name,
			 descs[i].meta[0] ? " " : "", descs[i].meta);
		fprintf(f, "  %-24s %s\n", left, descs[i].help);
	}
	fprintf(f, "  %-24s %s\n", "-h, --help", "this help");
}

/* The index of NAME in the '|'-separated list NAMES, or -1. */
int opts_format(const struct opts *o, struct cp_err *e)
{
	if (!o->format)
		return o->out_is_tty && !o->out ? FMT_TABLE : FMT_CSV;
	return parse_choice(o->format, "table|csv|json", "format", e);
}

static const char *table_name(const struct opt_table *t, size_t i)
{
	return *(const char *const *)((const char *)t->base + i * t->stride + t->name_off);
}

const char *opt_table_names(const struct opt_table *t, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = 0;
	for (size_t i = 0; i < t->n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? "|" : "", table_name(t, i));
	return buf;
}

static int in_idx(const int *idx, int n, int v)
{
	for (int i = 0; i < n; i++)
		if (idx[i] == v)
			return 1;
	return 0;
}

int opt_pick_names(const char *value, const char *optname, const char *names, int *idx, int max,
		   int *n, struct cp_err *e)
{
	char *copy, *tok;
	int rc = 0, count = 1;

	*n = 0;
	for (const char *p = names; *p; p++)
		count += *p == '|';
	if (!strcmp(value, "all")) {
		for (int i = 0; i < count && *n < max; i++)
			idx[(*n)++] = i;
		return 0;
	}
	copy = cp_xstrdup(value);
	/* strsep, not strtok: "cas,,faa" and "cas," have an empty name to refuse */
	for (char *rest = copy; (tok = strsep(&rest, ",")) && !rc;) {
		int i = parse_word_index(names, tok);

		if (i < 0 && !*tok)
			rc = cp_errf(e, CP_EUSAGE, "--%s: invalid value '%s': an empty name; allowed: %s|all",
				     optname, value, names);
		else if (i < 0)
			rc = cp_errf(e, CP_EUSAGE, "--%s: invalid value '%s' in '%s': allowed: %s|all", optname,
				     tok, value, names);
		else if (in_idx(idx, *n, i))
			rc = cp_errf(e, CP_EUSAGE, "--%s: invalid value '%s': '%s' given twice; allowed: each "
				     "name once", optname, value, tok);
		else if (*n >= max)
			rc = cp_errf(e, CP_EUSAGE, "--%s: invalid value '%s': more than %d names", optname,
				     value, max);
		else
			idx[(*n)++] = i;
	}
	free(copy);
	return rc;
}

int opt_pick(const char *value, const char *optname, const struct opt_table *t, int *idx, int max,
	     int *n, struct cp_err *e)
{
	char names[512];

	return opt_pick_names(value, optname, opt_table_names(t, names, sizeof(names)), idx, max, n, e);
}

struct cp_counters_req opts_counters_req(const struct opts *o)
{
	return (struct cp_counters_req){ .backend = o->counters, .events = o->events, .group = o->group };
}

struct cp_place_req opts_place_req(const struct opts *o)
{
	return (struct cp_place_req){ .cpus = o->cpus, .placement = o->placement,
				      .pairs = opt_isset(o, OPT_pairs) ? (int)o->pairs : 0 };
}

int opts_sink_req(const struct opts *o, struct cp_sink_req *r, struct cp_err *e)
{
	int fmt = opts_format(o, e);

	if (fmt < 0)
		return e->code;
	*r = (struct cp_sink_req){ .format = fmt, .out = o->out, .raw = o->raw, .argc = o->full_argc,
				   .argv = o->full_argv };
	return 0;
}

int opts_result_open(const struct opts *o, struct cp_sink **s, struct cp_err *e)
{
	struct cp_sink_req r;

	*s = NULL;
	return opts_sink_req(o, &r, e) ? e->code : result_open(&r, s, e);
}

int opts_counters_config(const struct opts *o, struct cp_counters_cfg **cfg, struct cp_err *e)
{
	struct cp_counters_req r = opts_counters_req(o);

	return counters_config(&r, cfg, e);
}

int opts_resolve_pairs(const struct cp_topo *t, const struct opts *o, struct cp_placement *p, struct cp_err *e)
{
	struct cp_place_req r = opts_place_req(o);

	return topo_resolve_pairs(t, &r, p, e);
}
