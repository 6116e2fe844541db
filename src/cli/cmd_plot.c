/* cmd_plot.c: `cachepong plot DIR`: every figure DIR's data allows, as
 * DIR/plots/<name>.png and .svg (see report_plot.c and plots/README.md). */
#include <stdio.h>
#include <stdlib.h>

#include "registry.h"
#include "cp.h"
#include "opts.h"
#include "report.h"
#include "sweep.h"

int cmd_plot(struct opts *o)
{
	struct cp_err e = { 0 };
	struct plot_set ps;
	int rc;

	if (o->argc != 1)
		cp_die(CP_EUSAGE, "plot: give one results directory (cachepong plot DIR), got %d arguments",
		       o->argc);
	if (schema_dir_check("", o->argv[0], 0, &e))
		cp_exit_err(&e);
	if (sweep_meta_settle(o->argv[0]))
		fprintf(stderr, "plot: %s/meta.json said \"running\", but that sweep's process is gone: "
			"now \"killed\"; 'cachepong sweep --resume %s' continues it\n", o->argv[0], o->argv[0]);
	rc = plot_render_dir(o->argv[0], NULL, &ps, &e);
	if (rc && rc != CP_EUNAVAIL)
		cp_exit_err(&e);
	for (int i = 0; i < ps.n; i++)
		printf("%s/plots/%s.png %s/plots/%s.svg\n", o->argv[0], ps.f[i].name, o->argv[0],
		       ps.f[i].name);
	/* the error first, then the notes that explain it */
	if (!rc && !ps.n && !ps.failed)
		fprintf(stderr, "cachepong: plot: %s has no data to draw (no CSV with rows of %s)\n",
			o->argv[0], experiment_names());
	for (int i = 0; i < ps.nnotes; i++)
		fprintf(stderr, "plot: not drawn: %s\n", ps.notes[i]);
	if (!rc && !ps.n && !ps.failed) {
		free(ps.f);
		return CP_EUSAGE;
	}
	free(ps.f);
	if (rc)
		cp_exit_err(&e);
	if (ps.failed)
		cp_die(CP_ERUN, "plot: %d figure%s could not be drawn (see above); %d drawn in %s/plots",
		       ps.failed, ps.failed > 1 ? "s" : "", ps.n, o->argv[0]);
	if (!ps.n)
		cp_die(CP_EUSAGE, "plot: %s has no data to draw (no CSV with rows of %s)", o->argv[0],
		       experiment_names());
	return CP_OK;
}
