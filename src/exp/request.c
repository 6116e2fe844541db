/* request.c: the typed requests' shared parts turned into what the lower
 * layers take (see request.h). */
#include "request.h"

#include "counters.h"
#include "parse.h"
#include "result.h"
#include "topo.h"

int req_format(const struct exp_req *r, struct cp_err *e)
{
	if (!r->out.format)
		return r->out_is_tty && !r->out.out ? FMT_TABLE : FMT_CSV;
	return parse_choice(r->out.format, CP_FORMAT_NAMES, "format", e);
}

int req_sink_open(const struct exp_req *r, struct cp_sink **s, struct cp_err *e)
{
	int fmt = req_format(r, e);
	struct cp_sink_req q;

	*s = NULL;
	if (fmt < 0)
		return e->code;
	q = (struct cp_sink_req){ .format = fmt, .out = r->out.out, .raw = r->out.raw, .argc = r->argc,
				  .argv = r->argv };
	return result_open(&q, s, e);
}

int req_counters_config(const struct exp_req *r, struct cp_counters_cfg **cfg, struct cp_err *e)
{
	struct cp_counters_req q = { .backend = r->ctr.counters, .events = r->ctr.events, .group = r->ctr.group };

	return counters_config(&q, cfg, e);
}

int req_resolve_pairs(const struct cp_topo *t, const struct exp_req *r, struct cp_placement *p, struct cp_err *e)
{
	struct cp_place_req q = { .cpus = r->place.cpus, .placement = r->place.placement, .pairs = (int)r->place.pairs };

	return topo_resolve_pairs(t, &q, p, e);
}

int req_check_margin(const struct exp_req *r, int arms, const char *how, struct cp_err *e)
{
	if (!req_given(r, OPT_margin) || arms)
		return 0;
	return cp_errf(e, CP_EUSAGE, "--margin: needs two arms (%s), got --mode %s", how, r->mode ? r->mode : "?");
}
