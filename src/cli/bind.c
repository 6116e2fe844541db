/* bind.c: an experiment's command: its options turned into its typed
 * request (the table of its descriptor, request.h: where each option's
 * value goes and its default), then its run. */
#include "command.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cp.h"
#include "experiment.h"

void *bind_request(const struct experiment *x, const struct opts *o, int checking)
{
	char *req = cp_xcalloc(1, x->req_size);
	struct exp_req *c = (struct exp_req *)req;

	for (int id = 0; id < OPT_COUNT; id++)
		if (opt_isset(o, (enum opt_id)id))
			c->given |= 1ULL << id;
	c->checking = checking;
	c->out_is_tty = o->out_is_tty;
	c->argc = o->full_argc;
	c->argv = o->full_argv;
	for (size_t i = 0; i < x->nopts; i++) {
		const struct req_opt *r = &x->opts[i];
		struct cp_err e = { 0 };

		if (opt_isset(o, r->id))
			memcpy(req + r->off, opts_value(o, r->id), opt_desc(r->id)->size);
		else if (r->def && opt_read(r->id, r->def, req + r->off, &e))
			cp_die(CP_ERUN, "internal: %s: the default of --%s: %s", x->name, opt_name(r->id), e.msg);
	}
	return req;
}

int bind_run(const struct experiment *x, struct opts *o)
{
	struct cp_err e = { 0 };
	void *req;
	int rc;

	if (o->argc)
		cp_die(CP_EUSAGE, "%s: unexpected argument '%s': it takes options only", x->name, o->argv[0]);
	req = bind_request(x, o, 0);
	rc = x->run(req, &e);
	free(req);
	/* a run stopped at --time-limit said so itself: its exit code only */
	if (rc && rc != CP_ECAPPED) {
		if (!e.code)
			e.code = rc;
		cp_exit_err(&e);
	}
	return rc;
}
