/* sweep_quiet.c: is the machine quiet while the sweep measures?
 *
 * Before the first cell: the CPUs this run may use are watched for
 * SWEEP_QUIET_WINDOW_S while nothing of ours runs, and the processes that
 * used them are named.  During the run: for each cell, the busy time of
 * those CPUs (/proc/stat) less the CPU time of the cell's own processes
 * (getrusage of the children, once the cell is reaped) is the time other
 * processes took from them, and the steal column the time the hypervisor
 * took; both go to conditions.csv, a line per cell, and the run's totals
 * to meta.json.  Past the thresholds they are warnings in the report.
 * (/proc/stat counts in clock ticks: a cell under a second is too short to
 * judge alone, but counts in the totals.) */
#include "sweep.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "parse.h"
#include "sweep_int.h"

#define SWEEP_QUIET_WINDOW_S 0.25
#define SWEEP_QUIET_OTHERS_PCT 5.0   /* other processes' share of the CPUs: a warning above */
#define SWEEP_QUIET_STEAL_PCT 1.0    /* the hypervisor's */
#define SWEEP_QUIET_TOP 3            /* processes named */

/* The allowed CPUs' ticks: busy (user, nice, system, irq, softirq),
 * steal, all. */
void sweep_ticks_now(struct sweep_ticks *t)
{
	struct cpulist al = { 0 };
	struct cp_err e = { 0 };
	char line[512];
	FILE *f = fopen("/proc/stat", "r");

	memset(t, 0, sizeof(*t));
	t->at = cp_now_s();
	if (!f || cpulist_allowed(&al, &e)) {
		if (f)
			fclose(f);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		long long v[8] = { 0 };
		int cpu, in = 0;

		if (strncmp(line, "cpu", 3) || line[3] == ' ' ||
		    sscanf(line + 3, "%d %lld %lld %lld %lld %lld %lld %lld %lld", &cpu, &v[0], &v[1], &v[2], &v[3],
			   &v[4], &v[5], &v[6], &v[7]) != 9)
			continue;
		for (int i = 0; i < al.n && !in; i++)
			in = al.cpu[i] == cpu;
		if (!in)
			continue;
		t->busy += v[0] + v[1] + v[2] + v[5] + v[6];
		t->steal += v[7];
		for (int i = 0; i < 8; i++)
			t->all += v[i];
		t->ncpu++;
	}
	fclose(f);
	cpulist_free(&al);
	{
		struct rusage ru;

		getrusage(RUSAGE_CHILDREN, &ru);
		t->children_s = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
				ru.ru_stime.tv_usec / 1e6;
	}
}

/* Other processes' and the hypervisor's share of the CPUs between a and b,
 * percent (NAN when /proc/stat was not read). */
static void shares(const struct sweep_ticks *a, const struct sweep_ticks *b, double *others, double *steal)
{
	double hz = (double)sysconf(_SC_CLK_TCK), all = (double)(b->all - a->all);

	*others = *steal = NAN;
	if (!(all > 0) || !(hz > 0))
		return;
	*others = fmax(0, (double)(b->busy - a->busy) / hz - (b->children_s - a->children_s)) * hz / all * 100;
	*steal = (double)(b->steal - a->steal) / all * 100;
}

/* ---- before the first cell: who uses the CPUs ---- */

struct proc_cpu {
	long pid;
	char name[64];
	long long ticks;
};

static size_t procs_now(struct proc_cpu **out)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	size_t n = 0, cap = 0;

	*out = NULL;
	while (d && (de = readdir(d))) {
		char path[300], line[1024], *p, *q;
		long pid = strtol(de->d_name, NULL, 10);
		long long ut = 0, st = 0;
		FILE *f;

		if (pid <= 0 || pid == getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
		if (!(f = fopen(path, "r")))
			continue;
		p = fgets(line, sizeof(line), f);
		fclose(f);
		if (!p || !(p = strchr(line, '(')) || !(q = strrchr(line, ')')) ||
		    sscanf(q + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lld %lld", &ut, &st) != 2)
			continue;
		if (n == cap)
			*out = cp_xrealloc(*out, (cap = cap ? 2 * cap : 256) * sizeof(**out));
		(*out)[n] = (struct proc_cpu){ .pid = pid, .ticks = ut + st };
		snprintf((*out)[n].name, sizeof((*out)[n].name), "%.*s", (int)(q - p - 1), p + 1);
		n++;
	}
	if (d)
		closedir(d);
	return n;
}

/* "stress-ng (1234) 97%, ..." of the processes that used the CPUs. */
static void top_users(const struct proc_cpu *a, size_t na, const struct proc_cpu *b, size_t nb, double secs,
		      char *out, size_t len)
{
	double hz = (double)sysconf(_SC_CLK_TCK), used[SWEEP_QUIET_TOP] = { 0 };
	size_t who[SWEEP_QUIET_TOP] = { 0 };

	out[0] = 0;
	for (size_t j = 0; j < nb; j++) {
		double u = 0;

		for (size_t i = 0; i < na; i++)
			if (a[i].pid == b[j].pid)
				u = (double)(b[j].ticks - a[i].ticks) / hz / secs * 100;
		for (int k = 0; k < SWEEP_QUIET_TOP; k++)
			if (u > used[k]) {
				memmove(&used[k + 1], &used[k], (SWEEP_QUIET_TOP - 1 - k) * sizeof(double));
				memmove(&who[k + 1], &who[k], (SWEEP_QUIET_TOP - 1 - k) * sizeof(size_t));
				used[k] = u;
				who[k] = j;
				break;
			}
	}
	for (int k = 0; k < SWEEP_QUIET_TOP && used[k] >= 1; k++)
		snprintf(out + strlen(out), len - strlen(out), "%s%s (%ld) %.0f%%", out[0] ? ", " : "",
			 b[who[k]].name, b[who[k]].pid, used[k]);
}

void sweep_quiet_before(struct sweep_run_state *r)
{
	struct sweep_ticks a, b;
	struct proc_cpu *pa, *pb;
	size_t na = procs_now(&pa), nb;
	struct timespec ts = { 0, (long)(SWEEP_QUIET_WINDOW_S * 1e9) };
	double others, steal;
	char top[600];

	sweep_ticks_now(&a);
	/* a window of time to watch the CPUs in, not a wait for anything */
	nanosleep(&ts, NULL);
	sweep_ticks_now(&b);
	nb = procs_now(&pb);
	shares(&a, &b, &others, &steal);
	top_users(pa, na, pb, nb, b.at - a.at, top, sizeof(top));
	meta_set_num(&r->meta, "quiet_before_others_pct", others);
	meta_set_num(&r->meta, "quiet_before_steal_pct", steal);
	meta_set(&r->meta, "quiet_before_top", top[0] ? top : NULL);
	if (others > SWEEP_QUIET_OTHERS_PCT)
		meta_warn(&r->meta, "before the run, other processes used %.0f%% of the CPUs it measures on (%s): "
			  "they compete with the measurement; stop them, or pin them elsewhere", others,
			  top[0] ? top : "none named");
	free(pa);
	free(pb);
}

/* ---- during the run: a line per cell ---- */

void sweep_quiet_cell(struct sweep_run_state *r, int i, const struct sweep_ticks *before)
{
	struct sweep_ticks now;
	double others, steal, secs;
	char path[4200];
	FILE *f;

	sweep_ticks_now(&now);
	shares(before, &now, &others, &steal);
	secs = now.at - before->at;
	sweep_path(r, path, sizeof(path), "conditions.csv");
	if ((f = fopen(path, "a"))) {
		if (!ftell(f))
			fputs("cell,start_s,seconds,others_pct,steal_pct\n", f);
		fprintf(f, "%d,%.3f,%.3f,%.2f,%.2f\n", i + 1, before->at - r->t0, secs, others, steal);
		fclose(f);
	}
	if (isfinite(others)) {
		r->quiet.others += others * secs;
		r->quiet.steal += steal * secs;
		r->quiet.secs += secs;
		if (secs >= 1 && others > r->quiet.worst) {
			r->quiet.worst = others;
			r->quiet.worst_cell = i + 1;
		}
	}
}

void sweep_quiet_after(struct sweep_run_state *r)
{
	const struct sweep_quiet *q = &r->quiet;
	double others = q->secs > 0 ? q->others / q->secs : NAN, steal = q->secs > 0 ? q->steal / q->secs : NAN;

	meta_set_num(&r->meta, "quiet_others_pct", others);
	meta_set_num(&r->meta, "quiet_steal_pct", steal);
	meta_set_num(&r->meta, "quiet_worst_others_pct", q->worst_cell ? q->worst : NAN);
	meta_set_num(&r->meta, "quiet_worst_others_cell", q->worst_cell ? q->worst_cell : NAN);
	if (others > SWEEP_QUIET_OTHERS_PCT || q->worst > 4 * SWEEP_QUIET_OTHERS_PCT)
		meta_warn(&r->meta, "during the run, other processes used %.1f%% of the measured CPUs' time (%.0f%% in "
			  "cell %d): figures of those cells carry their noise (conditions.csv, a line per cell); "
			  "stop them and measure again", others, q->worst, q->worst_cell);
	if (steal > SWEEP_QUIET_STEAL_PCT)
		meta_warn(&r->meta, "the hypervisor took %.1f%% of the measured CPUs' time (steal): the host's other "
			  "guests are in the figures; measure on dedicated (pinned) vCPUs or bare metal", steal);
}
