/* sweep_meta.c: the results directory's own files, each written to a
 * temporary file and renamed: plan.txt, meta.json (the machine as meta.h
 * collects it, plus the sweep's keys), skipped.csv, and the snapshot of the
 * machine's topology (topo.json, topology.xml). */
#include "sweep.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
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
#include "tmpname.h"

int sweep_write_atomic(const char *path, int (*fn)(FILE *, void *), void *arg, struct cp_err *e)
{
	return tmp_write_atomic("dir", path, fn, arg, e);
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
	return meta_write_json(f, arg) || fputc('\n', f) == EOF;
}

/* This boot's id: a pid means something only on the boot that gave it. */
static const char *boot_id(char *buf, size_t len)
{
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");

	buf[0] = 0;
	if (f) {
		if (fgets(buf, (int)len, f))
			buf[strcspn(buf, "\n")] = 0;
		fclose(f);
	}
	return buf;
}

static int put_doc(FILE *f, void *arg)
{
	return json_dumpf(arg, f, CP_JSON_FLAGS) || fputc('\n', f) == EOF;
}

int sweep_meta_settle(const char *dir)
{
	char path[4200], now[64];
	struct cp_err e = { 0 };
	json_t *doc, *extra;
	long pid;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/meta.json", dir);
	if (!(doc = json_load_file(path, 0, NULL)))
		return 0;
	extra = json_object_get(doc, "extra");
	pid = (long)json_integer_value(json_object_get(extra, "sweep_pid"));
	if (json_is_string(json_object_get(extra, "sweep_status")) &&
	    !strcmp(json_string_value(json_object_get(extra, "sweep_status")), "running") &&
	    json_is_string(json_object_get(extra, "sweep_boot_id")) &&
	    !strcmp(json_string_value(json_object_get(extra, "sweep_boot_id")), boot_id(now, sizeof(now))) &&
	    pid > 0 && kill((pid_t)pid, 0) && errno == ESRCH) {
		json_object_set_new(extra, "sweep_status", json_string("killed"));
		rc = !sweep_write_atomic(path, put_doc, doc, &e);
	}
	json_decref(doc);
	return rc;
}

int sweep_write_meta(struct sweep_run_state *r, const char *status, struct cp_err *e)
{
	char path[4200];
	int cnt[ST_COUNT] = { 0 }, todo = 0;

	for (int i = 0; i < r->p->n; i++) {
		if (r->st[i] == ST_TODO)
			todo++;
		else
			cnt[r->st[i]]++;
	}
	meta_collect_end(&r->meta);
	meta_set(&r->meta, "sweep_plan", r->p->origin);
	meta_set(&r->meta, "sweep_status", status);
	/* who is running it, so that a reader can tell a run killed by SIGKILL
	 * (its process gone on this boot) from one still going */
	if (!strcmp(status, "running")) {
		char boot[64];

		meta_set_num(&r->meta, "sweep_pid", (double)getpid());
		meta_set(&r->meta, "sweep_boot_id", boot_id(boot, sizeof(boot)));
	} else {
		meta_set(&r->meta, "sweep_pid", NULL);
		meta_set(&r->meta, "sweep_boot_id", NULL);
	}
	meta_set(&r->meta, "sweep_first_start_utc", r->first_start);
	meta_set_num(&r->meta, "sweep_cells", r->p->n);
	for (int s = 0; s < ST_COUNT; s++) {
		char k[64];

		snprintf(k, sizeof(k), "sweep_cells_%s", sweep_statuses[s].name);
		meta_set_num(&r->meta, k, cnt[s]);
	}
	meta_set_num(&r->meta, "sweep_cells_not_run", todo);
	meta_set_num(&r->meta, "sweep_budget_s", r->cfg->budget > 0 ? r->cfg->budget : NAN);
	meta_set_num(&r->meta, "budget_s", r->cfg->budget_total > 0 ? r->cfg->budget_total : NAN);
	meta_set_num(&r->meta, "sweep_probe_s", r->probe_s > 0 ? r->probe_s : NAN);
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
		struct tmp_file f;
		struct cp_err e = { 0 };

		/* best effort: the heat map draws without it (sweep_dir_check
		 * checked the directory) */
		if (!tmp_reserve(&f, "dir", path, &e) && !hwloc_topology_init(&t)) {
			if (!hwloc_topology_load(t) && !hwloc_topology_export_xml(t, f.tmp, 0))
				tmp_commit(&f, &e);
			hwloc_topology_destroy(t);
		}
		tmp_discard(&f);
	}
#endif
}
