/* fleet_dir.c: a fleet's shared directory and its task records (fleet.h). */
#include "fleet.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tmpname.h"

static int put_marker(FILE *f, void *arg)
{
	const struct fleet_cfg *c = arg;

	return fprintf(f, "cachepong fleet\ntasks %d\npreset %s\nbudget %g\n", c->ntasks, c->preset, c->budget_s) < 0;
}

int fleet_read(const char *dir, struct fleet_cfg *cfg, struct cp_err *e)
{
	char path[4300], line[256];
	FILE *f;
	int first = 1, ok = 0;

	memset(cfg, 0, sizeof(*cfg));
	snprintf(path, sizeof(path), "%s/%s", dir, FLEET_MARKER);
	if (!(f = fopen(path, "r")))
		return cp_errf(e, CP_EUSAGE, "--dir %s: no %s there: not a fleet directory of cachepong", dir,
			       FLEET_MARKER);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		ok |= first && !strcmp(line, "cachepong fleet");
		first = 0;
		sscanf(line, "tasks %d", &cfg->ntasks);
		sscanf(line, "preset %31s", cfg->preset);
		sscanf(line, "budget %lf", &cfg->budget_s);
	}
	fclose(f);
	if (!ok || cfg->ntasks < 1 || cfg->ntasks > FLEET_MAX_TASKS)
		return cp_errf(e, CP_EUSAGE, "--dir %s: %s is not one cachepong wrote (tasks %d)", dir, FLEET_MARKER,
			       cfg->ntasks);
	return 0;
}

int fleet_init(const char *dir, const struct fleet_cfg *cfg, struct cp_err *e)
{
	char path[4300], *other;
	struct fleet_cfg old;
	struct cp_err ignore = { 0 };

	if (mkdir(dir, 0755) && errno != EEXIST)
		return cp_errf(e, CP_ERUN, "--dir %s: cannot create it: %s", dir, strerror(errno));
	if (!fleet_read(dir, &old, &ignore)) {
		if (old.ntasks != cfg->ntasks || strcmp(old.preset, cfg->preset) || old.budget_s != cfg->budget_s)
			return cp_errf(e, CP_EUSAGE, "--dir %s: a fleet of %d tasks, preset %s, budget %g s is there: a "
				       "rerun resumes it with the same tasks, preset and budget, or give a new directory",
				       dir, old.ntasks, old.preset, old.budget_s);
		return 0;
	}
	if ((other = cp_dir_first_entry(dir))) {
		cp_errf(e, CP_EUSAGE, "--dir %s: not empty (it holds '%s') and not a fleet directory: give a new or "
			"empty directory", dir, other);
		free(other);
		return e->code;
	}
	snprintf(path, sizeof(path), "%s/tasks", dir);
	if (mkdir(path, 0755) && errno != EEXIST)
		return cp_errf(e, CP_ERUN, "--dir %s: cannot create tasks/: %s", dir, strerror(errno));
	snprintf(path, sizeof(path), "%s/%s", dir, FLEET_MARKER);
	return tmp_write_atomic("dir", path, put_marker, (void *)cfg, e);
}

static const char *const state_names[] = { "none", "started", "done", "failed" };

/* One field a line: a directory may hold spaces. */
static void read_field(FILE *f, char *buf, size_t len)
{
	buf[0] = 0;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = 0;
}

void fleet_task_read(const char *dir, int i, struct fleet_task *t)
{
	char path[4300], st[16], num[32];
	FILE *f;

	memset(t, 0, sizeof(*t));
	snprintf(path, sizeof(path), "%s/tasks/%d", dir, i);
	if (!(f = fopen(path, "r")))
		return;
	read_field(f, st, sizeof(st));
	read_field(f, t->run, sizeof(t->run));
	read_field(f, t->host, sizeof(t->host));
	read_field(f, num, sizeof(num));
	fclose(f);
	t->exit = atoi(num);
	for (int k = FLEET_STARTED; k <= FLEET_FAILED; k++)
		if (!strcmp(st, state_names[k]) && t->run[0])
			t->state = (enum fleet_state)k;
}

static int put_task(FILE *f, void *arg)
{
	const struct fleet_task *t = arg;

	return fprintf(f, "%s\n%s\n%s\n%d\n", state_names[t->state], t->run, t->host, t->exit) < 0;
}

int fleet_task_write(const char *dir, int i, const struct fleet_task *t, struct cp_err *e)
{
	char path[4300];

	snprintf(path, sizeof(path), "%s/tasks/%d", dir, i);
	return tmp_write_atomic("dir", path, put_task, (void *)t, e);
}

int fleet_runs(const char *dir, char **runs, int *nruns, char **missing, int *nmissing, struct cp_err *e)
{
	struct fleet_cfg cfg;
	int rc;

	*nruns = *nmissing = 0;
	if ((rc = fleet_read(dir, &cfg, e)))
		return cp_errf(e, rc, "--fleet %s: %s", dir, e->msg);
	for (int i = 0; i < cfg.ntasks; i++) {
		struct fleet_task t;
		char line[4600];

		fleet_task_read(dir, i, &t);
		if (t.state == FLEET_DONE) {
			runs[(*nruns)++] = cp_xstrdup(t.run);
			continue;
		}
		if (t.state == FLEET_NONE)
			snprintf(line, sizeof(line), "task %d: never started (cancelled, or still waiting)", i);
		else if (t.state == FLEET_STARTED)
			snprintf(line, sizeof(line), "task %d on %s: did not finish (killed, cancelled or still running); "
				 "its partial run is %s", i, t.host, t.run);
		else
			snprintf(line, sizeof(line), "task %d on %s: failed (cachepong report exited %d); see %s", i,
				 t.host, t.exit, t.run);
		missing[(*nmissing)++] = cp_xstrdup(line);
	}
	return 0;
}
