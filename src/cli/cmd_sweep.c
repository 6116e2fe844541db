/* cmd_sweep.c: `cachepong sweep --preset NAME | --plan FILE | --resume DIR`
 * (see sweep.h and plots/README.md for the plan format and the directory). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cp.h"
#include "command.h"
#include "opts.h"
#include "sweep.h"

int cmd_sweep(struct opts *o)
{
	struct cp_err e = { 0 };
	struct sweep_plan p = { 0 };
	struct sweep_cfg cfg = { 0 };
	struct plan_req pr;
	char dir[4096];
	int rc;

	if (o->argc)
		cp_die(CP_EUSAGE, "sweep: unexpected argument '%s': it takes options only", o->argv[0]);
	if (o->resume && o->dir && strcmp(o->resume, o->dir))
		cp_die(CP_EUSAGE, "--dir %s: --resume %s continues in its own directory: give one of them",
		       o->dir, o->resume);
	pr = plan_req_of(o, NULL);
	if ((rc = plan_load(&pr, &p, &e)))
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
	cfg.argc = o->full_argc;
	cfg.argv = o->full_argv;
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
