/* sweep_meta.c: the results directory's own files, each written to a
 * temporary file and renamed: plan.txt, meta.json (the machine as meta.h
 * collects it, plus the sweep's keys), skipped.csv, and the snapshot of the
 * machine's topology (topo.json, topology.xml). */
#include "sweep.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "have_hwloc.h"   /* HAVE_HWLOC, from tools/configure.sh */
#ifdef HAVE_HWLOC
#include <hwloc.h>
#endif

#include "meta.h"
#include "sweep_int.h"

int sweep_write_atomic(const char *path, int (*fn)(FILE *, void *), void *arg, struct cp_err *e)
{
	char tmp[4300];
	FILE *f;
	int rc = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	if (!(f = fopen(tmp, "w")))
		return cp_errf(e, CP_ERUN, "%s: %s", tmp, strerror(errno));
	if (fn(f, arg) || fflush(f) || ferror(f) || fsync(fileno(f)))
		rc = cp_errf(e, CP_ERUN, "writing %s: %s", tmp, strerror(errno ? errno : EIO));
	if (fclose(f) && !rc)
		rc = cp_errf(e, CP_ERUN, "writing %s: %s", tmp, strerror(errno));
	if (!rc && rename(tmp, path))
		rc = cp_errf(e, CP_ERUN, "renaming %s: %s", tmp, strerror(errno));
	if (rc)
		unlink(tmp);
	return rc;
}

int sweep_put_plan(FILE *f, void *arg)
{
	struct sweep_run_state *r = arg;

	fprintf(f, "# cachepong sweep: %s\n# started %s\n# one cell per line; cells-done.log "
		   "says which are finished (see plots/README.md)\n", r->p->origin, r->first_start);
	for (int i = 0; i < r->p->n; i++)
		fprintf(f, "%s\n", r->p->cell[i].line);
	return 0;
}

static int put_skipped(FILE *f, void *arg)
{
	struct sweep_run_state *r = arg;

	fputs("cell,status,command,reason\n", f);
	for (int i = 0; i < r->p->n; i++) {
		const char *w = r->why[i] ? r->why[i] : "";

		if (r->st[i] == ST_TODO || !sweep_statuses[r->st[i]].in_skipped)
			continue;
		fprintf(f, "%d,%s,\"%s\",\"", i + 1, sweep_statuses[r->st[i]].name, r->p->cell[i].line);
		for (; *w; w++)
			fprintf(f, *w == '"' ? "\"\"" : "%c", *w);
		fputs("\"\n", f);
	}
	return 0;
}

static int put_meta(FILE *f, void *arg)
{
	return meta_write_json(f, arg, 0) || fputc('\n', f) == EOF;
}

int sweep_write_meta(struct sweep_run_state *r, const char *status, struct cp_err *e)
{
	char path[4200], v[64];
	int cnt[ST_BUDGET + 1] = { 0 }, todo = 0;

	for (int i = 0; i < r->p->n; i++) {
		if (r->st[i] == ST_TODO)
			todo++;
		else
			cnt[r->st[i]]++;
	}
	meta_collect_end(&r->meta);
	meta_set(&r->meta, "sweep_plan", r->p->origin);
	meta_set(&r->meta, "sweep_status", status);
	meta_set(&r->meta, "sweep_first_start_utc", r->first_start);
	snprintf(v, sizeof(v), "%d", r->p->n);
	meta_set(&r->meta, "sweep_cells", v);
	for (int s = 0; s <= ST_BUDGET; s++) {
		char k[64];

		snprintf(k, sizeof(k), "sweep_cells_%s", sweep_statuses[s].name);
		snprintf(v, sizeof(v), "%d", cnt[s]);
		meta_set(&r->meta, k, v);
	}
	snprintf(v, sizeof(v), "%d", todo);
	meta_set(&r->meta, "sweep_cells_not_run", v);
	snprintf(v, sizeof(v), "%g", r->cfg->budget);
	meta_set(&r->meta, "sweep_budget_s", r->cfg->budget > 0 ? v : NULL);
	sweep_path(r, path, sizeof(path), "meta.json");
	if (sweep_write_atomic(path, put_meta, &r->meta, e))
		return e->code;
	sweep_path(r, path, sizeof(path), "skipped.csv");
	return sweep_write_atomic(path, put_skipped, r, e);
}

/* The machine as the sweep saw it: `topo --format json` (for people and
 * the report) and the hwloc XML (cachepong plot draws the heat map's
 * package and cache boundaries from it, on any machine). */
void sweep_snapshot(struct sweep_run_state *r)
{
	char path[4200], err[4200];
	char *argv[] = { "cachepong", "topo", "--format", "json", "--out", path, NULL };
	pid_t pid;
	int status;

	sweep_path(r, path, sizeof(path), "topo.json");
	sweep_path(r, err, sizeof(err), ".topo.err");
	if (access(path, F_OK)) {
		pid = sweep_start_child(r, argv, err);
		if (pid > 0) {
			char why[1100];

			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			sweep_last_message(err, why, sizeof(why), r->slog, -1);
		}
		unlink(err);
	}
#ifdef HAVE_HWLOC
	sweep_path(r, path, sizeof(path), "topology.xml");
	if (access(path, F_OK)) {
		hwloc_topology_t t;
		char tmp[4300];

		snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
		if (!hwloc_topology_init(&t)) {
			if (!hwloc_topology_load(t) && !hwloc_topology_export_xml(t, tmp, 0))
				rename(tmp, path);
			unlink(tmp);
			hwloc_topology_destroy(t);
		}
	}
#endif
}
