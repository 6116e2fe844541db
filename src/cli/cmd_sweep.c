/* cmd_sweep.c: `cachepong sweep --preset NAME | --plan FILE | --resume DIR`
 * (see sweep.h and plots/README.md for the plan format and the directory). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cp.h"
#include "opts.h"
#include "sweep.h"

/* The plan of --preset, --plan or --resume DIR (exactly one of them). */
struct sweep_plan_req sweep_plan_req_of(const struct opts *o, const char *preset)
{
	return (struct sweep_plan_req){ .command = o->command,
					.preset = o->preset || o->plan || o->resume ? o->preset : preset,
					.plan = o->plan, .resume = o->resume, .topology_xml = o->topology_xml,
					.dry_run = o->dry_run };
}

int sweep_load_plan(const struct sweep_plan_req *o, struct sweep_plan *p, struct cp_err *e)
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
		return sweep_plan_preset(o->preset, o->topology_xml, p, e);
	if (o->plan) {
		int rc = sweep_plan_read(o->plan, 0, p, e);

		if (!rc && (rc = sweep_plan_check(p, o->plan, o->topology_xml, e)))
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
	return sweep_plan_read(path, 1, p, e);
}

int cmd_sweep(struct opts *o)
{
	struct cp_err e = { 0 };
	struct sweep_plan p = { 0 };
	struct sweep_cfg cfg = { 0 };
	struct sweep_plan_req pr;
	char dir[4096];
	int rc;

	if (o->argc)
		cp_die(CP_EUSAGE, "sweep: unexpected argument '%s': it takes options only", o->argv[0]);
	if (o->resume && o->dir && strcmp(o->resume, o->dir))
		cp_die(CP_EUSAGE, "--dir %s: --resume %s continues in its own directory: give one of them",
		       o->dir, o->resume);
	pr = sweep_plan_req_of(o, NULL);
	if ((rc = sweep_load_plan(&pr, &p, &e)))
		cp_exit_err(&e);
	if (o->dry_run) {
		sweep_print_plan(stdout, &p, opt_isset(o, OPT_budget) ? o->budget : 0);
		sweep_plan_free(&p);
		return CP_OK;
	}
	cfg.dir = o->resume ? o->resume : o->dir ? o->dir : sweep_default_dir(dir, sizeof(dir));
	cfg.budget = opt_isset(o, OPT_budget) ? o->budget : 0;
	cfg.budget_total = cfg.budget;
	cfg.resume = o->resume != NULL;
	cfg.target_ci = opt_isset(o, OPT_target_ci) ? o->target_ci : 0;
	cfg.o = o;
	cfg.resume_cmd = "cachepong sweep --resume";
	if (sweep_dir_check(&cfg, &e)) {
		sweep_plan_free(&p);
		cp_exit_err(&e);
	}
	fprintf(stderr, "sweep: %s: %d cells into %s\n", p.origin, p.n, cfg.dir);
	rc = sweep_run(&cfg, &p, &e);
	sweep_plan_free(&p);
	if (rc == SWEEP_INTERRUPTED)
		return rc;
	printf("%s\n", cfg.dir);
	if (rc)
		cp_exit_err(&e);
	return CP_OK;
}
