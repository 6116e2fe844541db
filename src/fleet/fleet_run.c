/* fleet_run.c: running a fleet (fleet_run.h): one task (a report on this
 * machine, recorded), the tasks of a fleet submitted to Slurm as a job
 * array with the comparison as a job after them, or run over ssh one
 * host after another.  Child programs run without a shell. */
#include "fleet_run.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sweep.h"

/* Run argv (execvp: a PATH lookup), its stdout into out (len bytes, NULL:
 * inherited); its exit status, or -1 with e filled when it cannot start. */
static int run_prog(char *const *argv, char *out, size_t len, struct cp_err *e)
{
	int fd[2] = { -1, -1 }, status = 0;
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	if (out && pipe(fd))
		return cp_errf(e, CP_ERUN, "pipe: %s", strerror(errno)), -1;
	if ((pid = fork()) < 0)
		return cp_errf(e, CP_ERUN, "fork: %s", strerror(errno)), -1;
	if (!pid) {
		if (out) {
			dup2(fd[1], 1);
			close(fd[0]);
			close(fd[1]);
		}
		execvp(argv[0], argv);
		dprintf(2, "cachepong: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (out) {
		close(fd[1]);
		while (got + 1 < len && (n = read(fd[0], out + got, len - 1 - got)) > 0)
			got += (size_t)n;
		out[got] = 0;
		close(fd[0]);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return cp_errf(e, CP_EUNAVAIL, "%s could not be run (see above)", argv[0]), -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* This binary's path, for children here and on the nodes. */
static int self_path(char *buf, size_t len, struct cp_err *e)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);

	if (n <= 0)
		return cp_errf(e, CP_ERUN, "/proc/self/exe: %s", strerror(errno));
	buf[n] = 0;
	return 0;
}

int fleet_task_run(const char *dir, int i, struct cp_err *e)
{
	struct fleet_cfg cfg;
	struct fleet_task t;
	char self[PATH_MAX], name[320], budget[64];
	char *argv[10];
	int rc, n = 0;

	if ((rc = fleet_read(dir, &cfg, e)))
		return rc;
	if (i < 0 || i >= cfg.ntasks)
		return cp_errf(e, CP_EUSAGE, "--task: invalid value '%d': allowed: 0 to %d (the fleet's tasks)", i,
			       cfg.ntasks - 1);
	fleet_task_read(dir, i, &t);
	if (t.state == FLEET_DONE) {
		fprintf(stderr, "fleet: task %d is done already: %s\n", i, t.run);
		return 0;
	}
	if ((rc = self_path(self, sizeof(self), e)))
		return rc;
	argv[n++] = self;
	argv[n++] = "report";
	if (t.state == FLEET_NONE || access(t.run, F_OK)) {
		/* a new run of this machine; an earlier one resumes below */
		snprintf(t.run, sizeof(t.run), "%s/%s", dir, sweep_run_name(name, sizeof(name)));
		argv[n++] = "--dir";
		argv[n++] = t.run;
		argv[n++] = "--preset";
		argv[n++] = cfg.preset;
		if (cfg.budget_s > 0) {
			snprintf(budget, sizeof(budget), "%gs", cfg.budget_s);
			argv[n++] = "--budget";
			argv[n++] = budget;
		}
	} else {
		argv[n++] = "--resume";
		argv[n++] = t.run;
	}
	argv[n] = NULL;
	gethostname(t.host, sizeof(t.host) - 1);
	t.state = FLEET_STARTED;
	t.exit = 0;
	if ((rc = fleet_task_write(dir, i, &t, e)))
		return rc;
	if ((rc = run_prog(argv, NULL, 0, e)) < 0)
		return e->code;
	t.state = rc ? FLEET_FAILED : FLEET_DONE;
	t.exit = rc;
	if (fleet_task_write(dir, i, &t, e))
		return e->code;
	if (rc)
		return cp_errf(e, CP_ERUN, "fleet task %d: cachepong report exited %d; its run is %s", i, rc, t.run);
	return 0;
}

/* The tasks not done, as sbatch's --array list ("0,2,3"); how many. */
static int pending(const char *dir, int ntasks, char *buf, size_t len)
{
	size_t off = 0;
	int n = 0;

	buf[0] = 0;
	for (int i = 0; i < ntasks && off < len; i++) {
		struct fleet_task t;

		fleet_task_read(dir, i, &t);
		if (t.state == FLEET_DONE)
			continue;
		off += (size_t)snprintf(buf + off, len - off, "%s%d", n ? "," : "", i);
		n++;
	}
	return n;
}

/* sbatch ARGS... SCRIPT: the job's id into id. */
static int sbatch(char **argv, int argc, char *id, size_t len, struct cp_err *e)
{
	char out[256];
	int rc;

	argv[argc] = NULL;
	if ((rc = run_prog(argv, out, sizeof(out), e)) < 0)
		return e->code;
	out[strcspn(out, ";\n")] = 0;
	if (rc || !out[0])
		return cp_errf(e, CP_ERUN, "sbatch exited %d%s%s", rc, out[0] ? ": " : "", out);
	snprintf(id, len, "%.63s", out);
	return 0;
}

/* The options every job of the fleet gets. */
static int common_args(char **argv, char (*buf)[PATH_MAX + 64], const struct fleet_req *q, const char *self,
		       const char *dir, const char *out)
{
	int n = 0;

	argv[n++] = "sbatch";
	argv[n++] = "--parsable";
	argv[n++] = "--nodes=1";
	argv[n++] = "--exclusive";
	snprintf(buf[0], sizeof(buf[0]), "--output=%s/%s", dir, out);
	argv[n++] = buf[0];
	snprintf(buf[1], sizeof(buf[1]), "--export=ALL,CACHEPONG=%s,CACHEPONG_DIR=%s", self, dir);
	argv[n++] = buf[1];
	if (q->constraint) {
		snprintf(buf[2], sizeof(buf[2]), "--constraint=%s", q->constraint);
		argv[n++] = buf[2];
	}
	return n;
}

/* The tasks: one job array, or with a node list one job per node (an
 * array cannot put each task on a node of its own choosing).  ids: the
 * jobs' ids, ':'-separated, for the dependency. */
static int submit_tasks(const struct fleet_req *q, const char *self, const char *dir, const char *script,
			const char *list, char *ids, size_t len, struct cp_err *e)
{
	char buf[4][PATH_MAX + 64], id[64], *argv[16];
	int n, rc;

	ids[0] = 0;
	if (!q->nnodes) {
		n = common_args(argv, buf, q, self, dir, "slurm-%A_%a.out");
		snprintf(buf[3], sizeof(buf[3]), "--array=%s", list);
		argv[n++] = buf[3];
		argv[n++] = (char *)script;
		if ((rc = sbatch(argv, n, id, sizeof(id), e)))
			return rc;
		snprintf(ids, len, "%s", id);
		return 0;
	}
	for (int i = 0; i < q->nnodes; i++) {
		struct fleet_task t;

		fleet_task_read(dir, i, &t);
		if (t.state == FLEET_DONE)
			continue;
		n = common_args(argv, buf, q, self, dir, "slurm-%j.out");
		snprintf(buf[1] + strlen(buf[1]), sizeof(buf[1]) - strlen(buf[1]), ",CACHEPONG_TASK=%d", i);
		snprintf(buf[3], sizeof(buf[3]), "--nodelist=%s", q->nodes[i]);
		argv[n++] = buf[3];
		argv[n++] = (char *)script;
		if ((rc = sbatch(argv, n, id, sizeof(id), e)))
			return rc;
		snprintf(ids + strlen(ids), len - strlen(ids), "%s%s", ids[0] ? ":" : "", id);
	}
	return 0;
}

int fleet_submit_slurm(const struct fleet_req *q, struct cp_err *e)
{
	char self[PATH_MAX], script[PATH_MAX + 64], list[1200], ids[2000], dep[2100], id[64];
	char buf[4][PATH_MAX + 64], *argv[16];
	int n, np, rc;

	if ((rc = self_path(self, sizeof(self), e)) || (rc = cp_data_dir("tools/slurm", FLEET_SCRIPT, script,
									 sizeof(script), e)))
		return rc;
	snprintf(script + strlen(script), sizeof(script) - strlen(script), "/%s", FLEET_SCRIPT);
	np = pending(q->dir, q->cfg.ntasks, list, sizeof(list));
	if (np && (rc = submit_tasks(q, self, q->dir, script, list, ids, sizeof(ids), e)))
		return rc;
	/* the comparison after every task, whatever their end (afterany) */
	n = common_args(argv, buf, q, self, q->dir, "slurm-compare-%j.out");
	snprintf(buf[1] + strlen(buf[1]), sizeof(buf[1]) - strlen(buf[1]), ",CACHEPONG_STEP=compare");
	if (np) {
		snprintf(dep, sizeof(dep), "--dependency=afterany:%s", ids);
		argv[n++] = dep;
	}
	if (q->wait)
		argv[n++] = "--wait";
	argv[n++] = script;
	if ((rc = sbatch(argv, n, id, sizeof(id), e)))
		return rc;
	printf("%s/compare/report.md\n", q->dir);
	fprintf(stderr, "fleet: %d of %d tasks submitted (%s: jobs %s), the comparison as job %s after them; "
		"a rerun resubmits the tasks that did not finish\n", np, q->cfg.ntasks, np ? list : "none",
		np ? ids : "-", id);
	return 0;
}

int fleet_run_ssh(const struct fleet_req *q, struct cp_err *e)
{
	char self[PATH_MAX], num[16], out[PATH_MAX + 16];
	int rc, failed = 0;

	if ((rc = self_path(self, sizeof(self), e)))
		return rc;
	for (int i = 0; i < q->nhosts; i++) {
		struct fleet_task t;
		char *argv[] = { "ssh", (char *)q->hosts[i], self, "fleet", "--task", num, "--dir", (char *)q->dir, NULL };

		fleet_task_read(q->dir, i, &t);
		if (t.state == FLEET_DONE)
			continue;
		snprintf(num, sizeof(num), "%d", i);
		if ((rc = run_prog(argv, NULL, 0, e)) < 0)
			return e->code;
		failed += rc != 0;
	}
	snprintf(out, sizeof(out), "%s/compare", q->dir);
	{
		char *argv[] = { self, "compare", "--fleet", (char *)q->dir, "--dir", out, NULL };

		if ((rc = run_prog(argv, NULL, 0, e)) < 0)
			return e->code;
	}
	if (rc || failed)
		return cp_errf(e, CP_ERUN, "fleet: %d host%s failed%s; the comparison lists them", failed,
			       failed == 1 ? "" : "s", rc ? ", and the comparison too" : "");
	return 0;
}
