/* opts.c: one getopt_long pass into struct opts (see opts.h). */
#include "opts.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parse.h"

/* Where each option's value goes in struct opts. */
static const size_t field_off[OPT_COUNT] = {
#define OPT(name, field, type, min, max, meta, help) offsetof(struct opts, field),
#include "options.def"
#undef OPT
};

const void *opts_value(const struct opts *o, enum opt_id id)
{
	return (const char *)o + field_off[id];
}

static int in_set(opt_set allowed, int id)
{
	return (int)(allowed >> id & 1);
}

static int set_value(struct opts *o, int id, const char *arg, struct cp_err *e)
{
	const struct opt_desc *d = opt_desc((enum opt_id)id);

	/* "--cpus --mode thread": getopt took "--mode" as the value */
	if (d->type != OPT_T_FLAG && arg[0] == '-' && arg[1] == '-' && arg[2])
		return cp_errf(e, CP_EUSAGE, "--%s needs a value (%s), but the next word is the option '%s'",
			       d->name, d->meta, arg);
	return opt_read((enum opt_id)id, arg, (char *)o + field_off[id], e);
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
		lo[n].name = opt_desc((enum opt_id)i)->name;
		lo[n].has_arg = opt_desc((enum opt_id)i)->type == OPT_T_FLAG ? no_argument : required_argument;
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

void opts_print_help(FILE *f, opt_set allowed, const char *(*def)(const void *arg, enum opt_id id),
		     const void *arg)
{
	for (int i = 0; i < OPT_COUNT; i++) {
		const struct opt_desc *d = opt_desc((enum opt_id)i);
		const char *dv = def ? def(arg, (enum opt_id)i) : NULL;
		char left[64];

		if (!in_set(allowed, i))
			continue;
		snprintf(left, sizeof(left), "--%s%s%s", d->name, d->meta[0] ? " " : "", d->meta);
		fprintf(f, "  %-24s %s", left, d->help);
		if (dv && d->type != OPT_T_FLAG)
			fprintf(f, " (default: %s)", dv);
		fputc('\n', f);
	}
	fprintf(f, "  %-24s %s\n", "-h, --help", "this help");
}

/* The index of NAME in the '|'-separated list NAMES, or -1. */
int opts_format(const struct opts *o, struct cp_err *e)
{
	if (!o->format)
		return o->out_is_tty && !o->out ? FMT_TABLE : FMT_CSV;
	return parse_choice(o->format, CP_FORMAT_NAMES, "format", e);
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
