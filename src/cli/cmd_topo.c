/* cmd_topo.c: `cachepong topo`: the machine (or a saved topology) as the
 * placement logic sees it: packages, dies, nodes, distances, caches, CPUs,
 * the coherence granule and the placement classes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "command.h"
#include "cp.h"
#include "parse.h"
#include "opts.h"
#include "topo.h"
#include "tmpname.h"

struct topo_out {
	const struct cp_topo *t;
	int fmt, npairs;
	struct cp_err e;
};

static int put_topo(FILE *f, void *arg)
{
	struct topo_out *x = arg;

	return topo_print(x->t, f, x->fmt, x->npairs, &x->e);
}

/* --out FILE: written atomically (tmpname.h), so a reader never sees half
 * a file. */
static int write_out(const struct cp_topo *t, const char *path, int fmt, int npairs, struct cp_err *e)
{
	struct topo_out x = { t, fmt, npairs, { 0 } };
	int rc = tmp_write_atomic("out", path, put_topo, &x, e);

	if (rc && x.e.code)
		*e = x.e; /* the topology's own error, not the write's */
	return rc ? e->code : 0;
}

int cmd_topo(struct opts *o)
{
	struct cp_err e = { 0 };
	struct cp_topo *t = NULL;
	int fmt = TOPO_OUT_TABLE, npairs = opt_isset(o, OPT_pairs) ? (int)o->pairs : 0, rc;

	if (o->argc > 0)
		cp_die(CP_EUSAGE, "topo: unexpected argument '%s': topo takes only options", o->argv[0]);
	/* CSV has no shape for a tree: table (default) or json */
	if (o->format && (fmt = parse_choice(o->format, TOPO_FORMAT_NAMES, "format", &e)) < 0)
		cp_exit_err(&e);
	if ((rc = topo_load(o->topology_xml, &t, &e)))
		cp_exit_err(&e);
	rc = o->out ? write_out(t, o->out, fmt, npairs, &e) : topo_print(t, stdout, fmt, npairs, &e);
	topo_free(t);
	if (rc)
		cp_exit_err(&e);
	return CP_OK;
}
