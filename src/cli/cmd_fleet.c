/* cmd_fleet.c: `cachepong fleet`: many machines, one comparison.
 *   fleet --slurm [--nodes LIST | --constraint C] [--count N] [--preset P]
 *         [--budget T] [--wait] --dir SHARED
 *   fleet --hosts H1,H2,... [--preset P] [--budget T] --dir SHARED   (ssh)
 *   fleet --task I --dir SHARED        (one task: what each job runs)
 * SHARED: a directory every machine mounts at the same path (fleet.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cp.h"
#include "fleet_run.h"
#include "opts.h"
#include "parse.h"
#include "suite.h"

#define FLEET_DEFAULT_PRESET "standard"

/* A ','-separated list into *items (malloc'd strings, *n of them). */
static int split_list(const char *opt, const char *s, char ***items, int *n, struct cp_err *e)
{
	char *copy, *tok, *save = NULL;

	*n = 0;
	*items = cp_xcalloc(FLEET_MAX_TASKS, sizeof(char *));
	if (has_empty_item(s))
		return cp_errf(e, CP_EUSAGE, "--%s: invalid value '%s': an empty name", opt, s);
	copy = cp_xstrdup(s);
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (*n == FLEET_MAX_TASKS) {
			free(copy);
			return cp_errf(e, CP_EUSAGE, "--%s: invalid value '%s': more than %d names", opt, s,
				       FLEET_MAX_TASKS);
		}
		(*items)[(*n)++] = cp_xstrdup(tok);
	}
	free(copy);
	return 0;
}

static int check_modes(const struct opts *o, struct cp_err *e)
{
	int ways = (o->slurm != 0) + (o->hosts != NULL) + opt_isset(o, OPT_task);

	if (!o->dir)
		return cp_errf(e, CP_EUSAGE, "fleet: --dir SHARED is needed: a directory every machine mounts");
	if (ways != 1)
		return cp_errf(e, CP_EUSAGE, "fleet: give one of --slurm, --hosts LIST or --task I (got %d)", ways);
	if (o->nodes && (o->constraint || opt_isset(o, OPT_count)))
		return cp_errf(e, CP_EUSAGE, "--nodes: a task per node: not with --constraint or --count");
	if (!o->slurm && (o->nodes || o->constraint || opt_isset(o, OPT_count) || o->wait))
		return cp_errf(e, CP_EUSAGE, "--nodes, --constraint, --count and --wait are for --slurm");
	if (opt_isset(o, OPT_task) && (o->preset || opt_isset(o, OPT_budget)))
		return cp_errf(e, CP_EUSAGE, "--task: the preset and budget are the fleet's (%s in --dir)", FLEET_MARKER);
	return 0;
}

static void free_list(char **v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int cmd_fleet(struct opts *o)
{
	struct cp_err e = { 0 };
	struct fleet_req q = { 0 };
	char dir[PATH_MAX], **nodes = NULL, **hosts = NULL;
	int rc, nn = 0, nh = 0;

	if (o->argc)
		cp_die(CP_EUSAGE, "fleet: unexpected argument '%s': it takes options only", o->argv[0]);
	if ((rc = check_modes(o, &e)))
		cp_exit_err(&e);
	if (opt_isset(o, OPT_task)) {
		if ((rc = fleet_task_run(o->dir, (int)o->task, &e)))
			cp_exit_err(&e);
		return CP_OK;
	}
	if ((o->nodes && (rc = split_list("nodes", o->nodes, &nodes, &nn, &e))) ||
	    (o->hosts && (rc = split_list("hosts", o->hosts, &hosts, &nh, &e))))
		cp_exit_err(&e);
	if (o->preset && parse_choice(o->preset, preset_names(), "preset", &e) < 0)
		cp_exit_err(&e);
	/* every node must find the directory: made here, then named absolutely */
	if (mkdir(o->dir, 0755) && errno != EEXIST)
		cp_die(CP_ERUN, "--dir %s: cannot create it: %s", o->dir, strerror(errno));
	if (!realpath(o->dir, dir))
		cp_die(CP_ERUN, "--dir %s: %s", o->dir, strerror(errno));
	q = (struct fleet_req){ .dir = dir, .nodes = (const char *const *)nodes, .nnodes = nn,
				.constraint = o->constraint, .hosts = (const char *const *)hosts, .nhosts = nh,
				.wait = o->wait };
	q.cfg.ntasks = nn ? nn : nh ? nh : opt_isset(o, OPT_count) ? (int)o->count : 1;
	snprintf(q.cfg.preset, sizeof(q.cfg.preset), "%s", o->preset ? o->preset : FLEET_DEFAULT_PRESET);
	q.cfg.budget_s = opt_isset(o, OPT_budget) ? o->budget : 0;
	if (!(rc = fleet_init(dir, &q.cfg, &e)))
		rc = o->slurm ? fleet_submit_slurm(&q, &e) : fleet_run_ssh(&q, &e);
	free_list(nodes, nn);
	free_list(hosts, nh);
	if (rc)
		cp_exit_err(&e);
	return CP_OK;
}
