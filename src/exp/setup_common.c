/* setup_common.c: the run, modes, sink, rows and interruption shared by
 * the sharing-cost commands (see setup_common.h). */
#include "setup_common.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "counters.h"
#include "parse.h"
#include "runctl.h"
#include "stats.h"
#include "timer.h"
#include "topo.h"

/* --mode: thread, process, both (= thread:process) or A:B, the A/A
 * controls thread:thread and process:process included. */
static int parse_modes(const struct exp_req *q, struct costs *c, struct cp_err *e)
{
	struct agent_modes am;
	int rc = agent_modes_parse(q->mode, 1, &am, e);

	c->modes[0] = am.m[0];
	c->modes[1] = am.m[1];
	c->nmodes = am.n;
	snprintf(c->mode_pair, sizeof(c->mode_pair), "%s", am.pair);
	return rc;
}

int costs_any_process(const struct costs *c)
{
	for (int m = 0; m < c->nmodes; m++)
		if (c->modes[m] == AGENT_PROCESS)
			return 1;
	return 0;
}

int costs_init(struct costs *c, const struct exp_req *q, struct cp_err *e)
{
	const struct pp_mem none = { NULL, NULL, NULL, NULL };
	int rc;

	memset(c, 0, sizeof(*c));
	c->q = q;
	c->intr = agents_shared_alloc(sizeof(uint64_t));
	/* restart: a blocking read of an agent goes on; agents notice the
	 * signal at their next sample boundary.  A second signal does the same
	 * (agents that hang are ended by the watchdog, --timeout): dying at
	 * once would leave the --out temporary behind. */
	runctl_stop_begin(c->intr, 1);
	if (req_format(q, e) < 0)
		return e->code;
	if ((rc = parse_modes(q, c, e)))
		return rc;
	/* the commands check their memory kinds themselves (setup takes a
	 * list of them) and contend its own layouts */
	if ((rc = pp_run_init(&c->run, q, &none, 0, e)))
		return rc;
	c->run.shm = q->mem.shm;
	c->run.pages = q->mem.pages;
	c->margin_pct = q->margin;
	return 0;
}

int costs_check_margin(const struct costs *c, int arms, const char *how, struct cp_err *e)
{
	return req_check_margin(c->q, arms, how, e);
}

struct sampler_req costs_sampler_req(const struct costs *c)
{
	return (struct sampler_req){ .timer = c->run.timer, .intr = c->intr, .iters = c->run.iters,
				     .warmup = c->run.warmup, .samples = c->run.samples,
				     .target_ci = c->run.target_ci, .deadline = runctl_deadline() };
}

/* costs_arms_run's block function, called with the command's state. */
struct costs_block {
	struct costs *c;
	costs_block_fn fn;
	void *cell;
};

static int costs_block_call(void *arg, int arm, const struct sampler_req *req, double *v,
			    struct arms_block_out *out, struct cp_err *e)
{
	struct costs_block *b = arg;

	return b->fn(b->c, b->cell, arm, req, v, out, e);
}

int costs_arms_run(struct costs *c, costs_block_fn fn, void *cell, double margin_pct, struct arms_runs *a,
		   struct cp_err *e)
{
	struct sampler_req req = costs_sampler_req(c);
	struct costs_block b = { c, fn, cell };

	return arms_runs_measure(&req, margin_pct, costs_block_call, &b, a, e);
}

int costs_open_sink(struct costs *c, struct cp_err *e)
{
	int rc = req_sink_open(c->q, &c->sink, e);

	if (rc)
		return rc;
	result_set_timer(c->sink, &c->run.timer);
	if (c->run.timer.warning[0])
		result_meta_note(c->sink, "timer: %s", c->run.timer.warning);
	return 0;
}

int costs_finish(struct costs *c, int rc, struct cp_err *e)
{
	int sig = (int)__atomic_load_n(c->intr, __ATOMIC_RELAXED);

	if ((sig || rc) && c->sink)
		result_abort(c->sink);
	else if (c->sink)
		rc = result_close(c->sink, e);
	c->sink = NULL;
	pp_run_free(&c->run);
	if (sig) {
		/* everything is freed: now die of the signal, as the shell expects */
		fflush(NULL);
		signal(sig, SIG_DFL);
		raise(sig);
		cp_die(CP_ERUN, "interrupted by signal %d", sig);
	}
	runctl_stop_end();
	agents_shared_free((void *)c->intr, sizeof(uint64_t));
	c->intr = NULL;
	return rc ? rc : runctl_exit_code(CP_OK);
}

int costs_pairs(struct costs *c, struct cp_placement *pl, struct cp_err *e)
{
	return req_resolve_pairs(c->run.topo, c->q, pl, e);
}

int costs_cpulist(struct costs *c, int min, int def_all, int **cpus, int *n, char *placement,
		  size_t plen, struct cp_err *e)
{
	const struct req_place *o = &c->q->place;
	int rc;

	*cpus = NULL;
	*n = 0;
	if (o->cpus && o->placement)
		return cp_errf(e, CP_EUSAGE, "--cpus and --placement: give one of them, not both");
	if (o->cpus) {
		struct cpulist l;

		if ((rc = parse_cpulist(o->cpus, "cpus", &l, e)))
			return rc;
		if ((rc = topo_check_cpus(c->run.topo, l.cpu, l.n, e))) {
			cpulist_free(&l);
			return rc;
		}
		*cpus = l.cpu;
		*n = l.n;
		if (l.n == 2)
			topo_class_of_pair(c->run.topo, l.cpu[0], l.cpu[1], placement, plen);
		else
			snprintf(placement, plen, "cpus");
	} else if (o->placement || !def_all) {
		struct cp_placement pl;

		if ((rc = req_resolve_pairs(c->run.topo, c->q, &pl, e)))
			return rc;
		*cpus = cp_xcalloc(2, sizeof(int));
		(*cpus)[0] = pl.pairs[0][0];
		(*cpus)[1] = pl.pairs[0][1];
		*n = 2;
		snprintf(placement, plen, "%s", pl.class_name);
		cp_placement_free(&pl);
	} else {
		int all = topo_ncpus(c->run.topo);

		*cpus = cp_xcalloc((size_t)all, sizeof(int));
		memcpy(*cpus, topo_cpus(c->run.topo), (size_t)all * sizeof(int));
		*n = all;
		snprintf(placement, plen, "all");
	}
	if (*n < min) {
		rc = cp_errf(e, CP_EUSAGE, "--cpus: %d CPU%s given, this needs at least %d", *n,
			     *n == 1 ? "" : "s", min);
		free(*cpus);
		*cpus = NULL;
		return rc;
	}
	return 0;
}

int costs_mem_node(const struct costs *c, const int *cpus, unsigned n, int *node, struct cp_err *e)
{
	*node = -1;
	if (!c->q->mem.mem_node)
		return 0;
	return topo_mem_node(c->run.topo, c->q->mem.mem_node, cpus[0], cpus[n > 1 ? 1 : 0], node, e);
}

void costs_row(const struct costs *c, struct cp_row *r, const char *experiment,
	       enum agent_mode m, const int *cpus, unsigned n, const char *placement)
{
	size_t off = 0;

	memset(r, 0, sizeof(*r));
	r->experiment = experiment;
	r->mode = agent_mode_name(m);
	r->placement = placement;
	r->mem_node = -1;
	r->agents = n;
	r->ticks_per_ns = c->run.timer.has_cycles ? c->run.timer.ticks_per_ns : 0;
	/* ';' keeps the CSV cell unquoted, as pingpong writes it */
	for (unsigned i = 0; i < n && off < sizeof(r->cpus); i++)
		off += (size_t)snprintf(r->cpus + off, sizeof(r->cpus) - off, "%s%d", i ? ";" : "", cpus[i]);
}

int costs_agent_left(struct agent_ctx *ac)
{
	for (unsigned i = 0; i < ac->n; i++) {
		const struct agent_slot *s = &ac->sh->slot[i];
		int rc = __atomic_load_n(&s->rc, __ATOMIC_ACQUIRE);

		if (i != ac->id && rc)
			return agent_fail(ac, rc, "%s", s->err);
	}
	return agent_fail(ac, CP_ERUN, "agent %u stopped: the run was aborted", ac->id);
}

int costs_fault_counter(const struct costs *c)
{
	int n = c->run.counters ? counters_nevents(c->run.counters) : 0;

	for (int i = 0; i < n; i++) {
		const char *name = counters_event_name(c->run.counters, i);

		if (!strcasecmp(name, "page-faults") || !strcasecmp(name, "faults") ||
		    !strcasecmp(name, "minor-faults") || !strcasecmp(name, "perf::PAGE-FAULTS"))
			return i;
	}
	return -1;
}

int costs_sizes(const char *value, uint64_t **sizes, size_t *n, struct cp_err *e)
{
	return parse_sizes(value, "sizes", sizes, n, e);
}
