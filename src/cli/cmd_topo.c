/* cmd_topo.c: `cachepong topo`: the machine (or a saved topology) as the
 * placement logic sees it: packages, dies, nodes, distances, caches, CPUs,
 * the coherence granule and the placement classes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cp.h"
#include "opts.h"
#include "topo.h"
#include "tmpname.h"

/* --out FILE: written to FILE.tmp.PID, renamed into place when complete, so
 * a reader never sees half a file. */
static int write_out(const struct cp_topo *t, const char *path, int fmt, int npairs, struct cp_err *e)
{
	size_t len = strlen(path) + 32;
	char *tmp = cp_xcalloc(len, 1);
	FILE *f;
	int rc;

	if (tmp_target_check("out", path, e)) {
		free(tmp);
		return e->code;
	}
	tmp_name(tmp, len, path);
	if (!(f = fopen(tmp, "w"))) {
		rc = cp_errf(e, CP_ERUN, "--out: cannot write '%s': %s", path, strerror(errno));
		free(tmp);
		return rc;
	}
	rc = topo_print(t, f, fmt, npairs, e);
	if (fclose(f) && !rc)
		rc = cp_errf(e, CP_ERUN, "--out: writing '%s': %s", path, strerror(errno));
	if (!rc && rename(tmp, path))
		rc = cp_errf(e, CP_ERUN, "--out: renaming to '%s': %s", path, strerror(errno));
	if (rc)
		unlink(tmp);
	free(tmp);
	return rc;
}

int cmd_topo(struct opts *o)
{
	struct cp_err e = { 0 };
	struct cp_topo *t = NULL;
	int fmt = TOPO_OUT_TABLE, npairs = opt_isset(o, OPT_pairs) ? (int)o->pairs : 0, rc;

	if (o->argc > 0)
		cp_die(CP_EUSAGE, "topo: unexpected argument '%s': topo takes only options", o->argv[0]);
	/* CSV has no shape for a tree: table (default) or json */
	if (o->format && (fmt = opt_choice(o->format, "table|json", "format", &e)) < 0)
		cp_exit_err(&e);
	if ((rc = topo_load(o->topology_xml, &t, &e)))
		cp_exit_err(&e);
	rc = o->out ? write_out(t, o->out, fmt, npairs, &e) : topo_print(t, stdout, fmt, npairs, &e);
	topo_free(t);
	if (rc)
		cp_exit_err(&e);
	return CP_OK;
}
