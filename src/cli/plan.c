/* plan.c: the plan of a sweep or report (--preset, --plan, --resume).
 * A plan file is checked in full when it loads, each cell by its own
 * experiment: its words parsed as its command line would be, bound to
 * its request, and the request run with `checking` set, which stops where
 * measuring would start (every name, every CPU list checked against this
 * machine or the --topology-xml the plan is for).  So there is one check
 * per option, the experiment's, and --dry-run finds every error a run
 * would, in this process and before anything is measured. */
#include "command.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cp.h"
#include "registry.h"
#include "schema.h"
#include "suite.h"

/* Cell c checked: 0, CP_EUNAVAIL, or CP_EUSAGE with e set. */
static int check_cell(const struct sweep_cell *c, const char *topology_xml, struct cp_err *e)
{
	const struct experiment *x = experiment_find(c->argv[0]);
	char **argv = cp_xcalloc((size_t)c->argc + 4, sizeof(char *));
	struct opts o = { 0 };
	int n = 0, help = 0, rc;
	void *req;

	if (!x) {
		free(argv);
		return cp_errf(e, CP_EUSAGE, "'%s' is not an experiment (%s)", c->argv[0], experiment_names());
	}
	argv[n++] = "cachepong";
	for (int k = 0; k < c->argc; k++)
		argv[n++] = c->argv[k];
	if (topology_xml && (c->options & O(topology_xml)) && !sweep_cell_opt(c, "topology-xml")) {
		argv[n++] = "--topology-xml";
		argv[n++] = (char *)topology_xml;
	}
	o.full_argc = n;
	o.full_argv = argv;
	rc = opts_parse(&o, x->name, experiment_options(x), n, argv, 2, &help, e);
	if (!rc && (help || o.argc))
		rc = cp_errf(e, CP_EUSAGE, "'%s' is not an option of %s", help ? "--help" : o.argv[0], x->name);
	if (!rc) {
		req = bind_request(x, &o, 1);
		rc = x->run(req, e);
		free(req);
	}
	free(argv);
	return rc;
}

int plan_check(const struct sweep_plan *p, const char *name, const char *topology_xml, struct cp_err *e)
{
	for (int i = 0; i < p->n; i++) {
		const struct sweep_cell *c = &p->cell[i];
		struct cp_err ce = { 0 };
		int rc;

		if (c->unavail || c->invalid || !c->argv)
			continue;
		rc = check_cell(c, topology_xml, &ce);
		/* unavailable here (exit 3) is a cell the sweep records as skipped */
		if (rc == CP_OK || rc == CP_EUNAVAIL)
			continue;
		return cp_errf(e, CP_EUSAGE, "%s:%d: %s: %s", name, c->src_line, c->argv[0],
			       ce.msg[0] ? ce.msg : "the experiment refused the cell");
	}
	return 0;
}

/* The plan of --preset, --plan or --resume DIR (exactly one of them). */
struct plan_req plan_req_of(const struct opts *o, const char *preset)
{
	return (struct plan_req){ .command = o->command,
					.preset = o->preset || o->plan || o->resume ? o->preset : preset,
					.plan = o->plan, .resume = o->resume, .topology_xml = o->topology_xml,
					.dry_run = o->dry_run };
}

int plan_load(const struct plan_req *o, struct sweep_plan *p, struct cp_err *e)
{
	int n = !!o->preset + !!o->plan + !!o->resume;
	char path[4200];

	if (n != 1)
		return cp_errf(e, CP_EUSAGE, "%s: give one of --preset quick|standard|full, --plan FILE "
			       "or --resume DIR (%s)", o->command, n ? "got more than one" : "got none");
	if (o->topology_xml && !o->dry_run)
		return cp_errf(e, CP_EUSAGE, "--topology-xml %s: a sweep measures this machine; a saved "
			       "topology only plans one (with --dry-run)", o->topology_xml);
	if (o->preset)
		return plan_preset(o->preset, o->topology_xml, p, e);
	if (o->plan) {
		int rc = plan_read(o->plan, 0, p, e);

		if (!rc && (rc = plan_check(p, o->plan, o->topology_xml, e)))
			sweep_plan_free(p);
		return rc;
	}
	/* a directory of another schema version is never continued */
	if (schema_dir_check("resume", o->resume, 0, e))
		return e->code;
	snprintf(path, sizeof(path), "%s/plan.txt", o->resume);
	if (access(path, F_OK))
		return cp_errf(e, CP_EUSAGE, "--resume %s: no plan.txt there: not a sweep directory",
			       o->resume);
	return plan_read(path, 1, p, e);
}
