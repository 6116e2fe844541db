/* cmd_counters.c: `cachepong counters list` - which events of the set this
 * machine can count and, for each it cannot, why.  It opens each event the
 * way an agent does (counters_open on the calling thread), so "yes" here
 * means the run will count it.
 *
 * Without --counters/--events/--group every built backend is listed with
 * the CPU's event set (likwid only with --group).  Exit 0 when at least one
 * event can be counted, 3 when none can (the counting exit rule). */
#include <stdio.h>
#include <string.h>

#include "counters.h"
#include "json_out.h"
#include "cp.h"
#include "opts.h"

struct row {
	const char *backend, *event, *spec, *reason;
	int ok;
};

static void csv_str(const char *s)
{
	if (!strpbrk(s, ",\"\n")) {
		fputs(s, stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
}

/* --format json: the rows, written at the end as {"events": [...], "countable": N} */
static json_t *json_rows;

static void print_row(int fmt, const struct row *r)
{
	switch (fmt) {
	case FMT_JSON: {
		json_t *o = json_object();

		json_object_set_new(o, "backend", json_text(r->backend));
		json_object_set_new(o, "event", json_text(r->event));
		json_object_set_new(o, "name", json_text(r->spec));
		json_object_set_new(o, "available", json_boolean(r->ok));
		json_object_set_new(o, r->ok ? "description" : "reason", json_text(r->reason));
		json_array_append_new(json_rows, o);
		break;
	}
	case FMT_CSV:
		printf("%s,", r->backend);
		csv_str(r->event);
		putchar(',');
		csv_str(r->spec);
		printf(",%s,", r->ok ? "yes" : "no");
		csv_str(r->reason);
		putchar('\n');
		break;
	default:
		printf("%-7s %-18s %-38s %-3s %s\n", r->backend, r->event, r->spec,
		       r->ok ? "yes" : "no", r->reason);
	}
}

/* List one backend; returns the number of countable events, -1 when the
 * backend itself cannot be used (row says why, *e keeps the error). */
static int list_backend(const struct opts *o, const char *backend, int fmt, struct cp_err *e)
{
	struct cp_counters_cfg *cfg;
	struct cp_cset *cs;
	uint8_t valid[CP_MAX_COUNTERS];
	char why[16];
	int n = 0;
	struct cp_counters_req req = opts_counters_req(o);

	if (counters_config_backend(&req, backend, &cfg, e)) {
		const char *pre = "not available on this machine: ", *msg = e->msg;
		struct row r = { backend ? backend : o->counters ? o->counters : o->group ? "likwid" : "auto",
				 "-", "-", msg, 0 };

		if (!strncmp(msg, pre, strlen(pre)))
			r.reason = msg + strlen(pre);

		if (e->code == CP_EUSAGE)
			return -2;
		print_row(fmt, &r);
		return -1;
	}
	if (!cfg)
		return 0;
	if (counters_open(cfg, -1, &cs, valid, why, sizeof(why), e)) {
		counters_config_free(cfg);
		return -1;
	}
	for (int i = 0; i < counters_nevents(cfg); i++) {
		struct row r = { counters_backend_name(cfg), counters_event_name(cfg, i),
				 counters_event_spec(cfg, i),
				 valid[i] ? counters_event_desc(cfg, i) : counters_why(cs, i), valid[i] };

		print_row(fmt, &r);
		n += valid[i];
	}
	counters_close(cs);
	counters_config_free(cfg);
	return n;
}

int cmd_counters(struct opts *o)
{
	static const char *const all[] = { "papi", "perf" };
	struct cp_err e = { 0 }, last = { 0 };
	int fmt, total = 0, tried = 0;

	if (o->argc != 1 || strcmp(o->argv[0], "list")) {
		/* name the word that is wrong: the first that is not "list" */
		const char *bad = o->argc && strcmp(o->argv[0], "list") ? o->argv[0] : o->argc > 1 ? o->argv[1] : NULL;

		cp_die(CP_EUSAGE, "counters: %s%s%s: allowed: cachepong counters list "
		       "[--counters BACKEND] [--events LIST] [--group GROUP] [--format FMT]",
		       bad ? "unexpected word '" : "missing the word 'list'", bad ? bad : "", bad ? "'" : "");
	}
	fmt = opts_format(o, &e);
	if (fmt < 0)
		cp_exit_err(&e);
	if (fmt == FMT_JSON)
		json_rows = json_array();
	else if (fmt == FMT_CSV)
		printf("backend,event,name,available,reason\n");
	else
		printf("%-7s %-18s %-38s %-3s %s\n", "backend", "event", "name", "ok",
		       "description / why not");
	if (o->counters || o->events || o->group) {
		tried = 1;
		total = list_backend(o, NULL, fmt, &e);
		if (total == -2)
			cp_exit_err(&e);
		last = e;
	} else {
		for (size_t i = 0; i < CP_ARRAY_SIZE(all); i++) {
			int n = list_backend(o, all[i], fmt, &e);

			tried++;
			if (n > 0)
				total += n;
			else if (n < 0)
				last = e;
			e.code = 0;
		}
	}
	if (fmt == FMT_JSON) {
		json_t *doc = json_pack("{s:o, s:i}", "events", json_rows, "countable", total > 0 ? total : 0);

		json_dumpf(doc, stdout, CP_JSON_FLAGS);
		putchar('\n');
		json_decref(doc);
	}
	fflush(stdout);
	if (total > 0)
		return CP_OK;
	if (total < 0 && tried == 1 && last.code)
		cp_exit_err(&last);
	cp_die(CP_EUNAVAIL, "none of the events listed can be counted here (see the reasons above)");
}
