/* report_drift.c: the run's epochs, from its sentinel (sentinel.csv, the
 * sweep's), and which epoch a row was measured in (cells-done.log: each
 * cell's rows follow the earlier cells' rows of its experiment's CSV).
 * A statement that puts numbers of two cells together says when they
 * come from different epochs; the Conditions section shows the drift. */
#include "report_int.h"
#include "meta.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A cell of cells-done.log that added rows: its number, its CSV's name and
 * how many rows it added there. */
struct cell_rows {
	int cell;
	char csv[80];
	size_t rows;
};

static void load_cells(struct rep_drift *d, const char *dir)
{
	char path[4300], *line = NULL;
	size_t cap = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/cells-done.log", dir);
	if (!(f = fopen(path, "r")))
		return;
	while (getline(&line, &cap, f) > 0) {
		char *fld[8] = { 0 }, *s = line, *rows;
		int n = 0;

		line[strcspn(line, "\n")] = 0;
		for (; n < 8 && s; n++) {
			fld[n] = s;
			if ((s = strchr(s, '\t')))
				*s++ = 0;
		}
		if (n < 7 || (strcmp(fld[1], "done") && strcmp(fld[1], "capped")) || !(rows = strstr(fld[6], " rows")))
			continue;
		while (rows > fld[6] && rows[-1] >= '0' && rows[-1] <= '9')
			rows--;
		d->cells = cp_xrealloc(d->cells, (d->ncells + 1) * sizeof(*d->cells));
		d->cells[d->ncells].cell = atoi(fld[0]);
		snprintf(d->cells[d->ncells].csv, sizeof(d->cells[0].csv), "%.*s.csv", (int)strcspn(fld[5], " "),
			 fld[5]);
		d->cells[d->ncells].rows = strtoul(rows, NULL, 10);
		d->ncells++;
	}
	free(line);
	fclose(f);
}

void rep_drift_load(struct rep_drift *d, const char *dir)
{
	char path[4300];
	struct cp_err e = { 0 };

	memset(d, 0, sizeof(*d));
	snprintf(path, sizeof(path), "%s/sentinel.csv", dir);
	if (!csv_read(path, &d->s, &e)) {
		d->loaded = 1;
		for (size_t i = 0; i < d->s.nrow; i++)
			d->epochs = (int)fmax(d->epochs, atoi(csv_get(&d->s, i, csv_col(&d->s, "epoch"))));
	}
	load_cells(d, dir);
}

void rep_drift_free(struct rep_drift *d)
{
	if (d->loaded)
		csv_free(&d->s);
	free(d->cells);
	memset(d, 0, sizeof(*d));
}

static const char *sget(const struct rep_drift *d, size_t i, const char *col)
{
	return csv_get(&d->s, i, csv_col(&d->s, col));
}

/* Whether sentinel i was taken inside its cell (a long cell's own; the
 * column is absent from older runs' files). */
static int inside(const struct rep_drift *d, size_t i)
{
	return csv_col(&d->s, "inside") >= 0 && atoi(sget(d, i, "inside"));
}

/* The epoch of cell `cell` (1-based) when it began: that of the last
 * sentinel taken before it (0: no sentinel). */
static int epoch_of_cell(const struct rep_drift *d, int cell)
{
	int ep = 0;

	for (size_t i = 0; d->loaded && i < d->s.nrow; i++)
		if (atoi(sget(d, i, "before_cell")) < cell || (atoi(sget(d, i, "before_cell")) == cell && !inside(d, i)))
			ep = atoi(sget(d, i, "epoch"));
	return ep;
}

/* The epochs of the sentinels taken inside cell `cell` (a long cell:
 * the matrix), marked in seen[]. */
static void epochs_inside(const struct rep_drift *d, int cell, int *seen, int max)
{
	for (size_t i = 0; d->loaded && i < d->s.nrow; i++) {
		int ep = atoi(sget(d, i, "epoch"));

		if (inside(d, i) && atoi(sget(d, i, "before_cell")) == cell && ep > 0 && ep < max)
			seen[ep] = 1;
	}
}

int rep_cell_of_row(const struct rep_drift *d, const char *csv, size_t row)
{
	size_t seen = 0;

	for (size_t k = 0; k < d->ncells; k++) {
		if (strcmp(d->cells[k].csv, csv))
			continue;
		if (row < seen + d->cells[k].rows)
			return d->cells[k].cell;
		seen += d->cells[k].rows;
	}
	return 0;
}

int rep_epoch_of_row(const struct rep_drift *d, const char *csv, size_t row)
{
	int cell = rep_cell_of_row(d, csv, row);

	return cell ? epoch_of_cell(d, cell) : 0;
}

double rep_epoch_ref(const struct rep_drift *d, int epoch)
{
	for (size_t i = 0; d->loaded && i < d->s.nrow; i++)
		if (atoi(sget(d, i, "epoch")) == epoch)
			return atof(sget(d, i, "epoch_ref"));
	return NAN;
}

double rep_drift_pct(const struct rep_drift *d)
{
	double *v, mid, half;
	size_t n = d->loaded ? d->s.nrow : 0;

	if (n < 2)
		return NAN;
	v = cp_xcalloc(n, sizeof(double));
	for (size_t i = 0; i < n; i++)
		v[i] = atof(sget(d, i, "p50"));
	qsort(v, n, sizeof(double), rep_cmp_double);
	mid = v[n / 2];
	half = (v[n - 1] - v[0]) / 2;
	free(v);
	return mid > 0 ? 100 * half / mid : NAN;
}

void rep_drift_caveat(const struct rep_drift *d, int ea, int eb, char *buf, size_t len)
{
	double a = rep_epoch_ref(d, ea), b = rep_epoch_ref(d, eb);

	buf[0] = 0;
	if (ea && eb && ea != eb && a > 0 && b > 0)
		snprintf(buf, len, " (measured in different epochs of this run, %d and %d: the sentinel moved %+.0f%% "
			 "between them, and this ratio carries that; see Conditions)", ea, eb, 100 * (b / a - 1));
}

/* The epochs as a table: the cells each covers, from when, its reference. */
static void epoch_table(struct rep *r, const struct rep_drift *d)
{
	static const char *const head[] = { "epoch", "from (s into the sweep)", "first cell", "sentinel (ns)",
					    "vs epoch 1" };
	double first = rep_epoch_ref(d, 1);

	doc_table(r->d, 5, head);
	for (int ep = 1; ep <= d->epochs; ep++)
		for (size_t i = 0; i < d->s.nrow; i++) {
			char cell[5][160];
			double ref = atof(sget(d, i, "epoch_ref"));

			if (atoi(sget(d, i, "epoch")) != ep)
				continue;
			snprintf(cell[0], 160, "%d", ep);
			snprintf(cell[1], 160, "%s", sget(d, i, "at_s"));
			snprintf(cell[2], 160, "%s", atoi(sget(d, i, "before_cell")) ? sget(d, i, "before_cell") : "1");
			snprintf(cell[3], 160, "%.1f", ref);
			snprintf(cell[4], 160, "%+.0f%%", 100 * (ref / first - 1));
			doc_row(r->d, 5, cell);
			break;
		}
	doc_table_end(r->d);
}

void rep_drift_conditions(struct rep *r, struct doc *doc)
{
	const struct rep_drift *d = &r->drift;
	double lo = INFINITY, hi = 0;
	struct doc *keep = r->d;

	if (!d->loaded || !d->s.nrow) {
		char path[4300], why[300];

		snprintf(path, sizeof(path), "%s/meta.json", r->dir);
		if (!strncmp(meta_read_str(path, "sentinel", why, sizeof(why)), "off: ", 5))
			doc_p(doc, "No sentinel in this run (%s): whether the machine moved between cells was not "
				   "watched.", why + 5);
		return;
	}
	for (size_t i = 0; i < d->s.nrow; i++) {
		lo = fmin(lo, atof(sget(d, i, "p50")));
		hi = fmax(hi, atof(sget(d, i, "p50")));
	}
	doc_p(doc, "Sentinel: the cas round trip between two threads on CPUs %s, measured %zu times through the "
		   "sweep (sentinel.csv; its timeline is in meta.json): %.1f to %.1f ns. Its band (from two sentinels "
		   "taken back to back before the first cell, widened to the jitter it showed) is +-%s%% in the first "
		   "epoch; %s", sget(d, 0, "cpus"), d->s.nrow, lo, hi,
	      sget(d, 0, "band_pct"),
	      d->epochs > 1 ? "it left its band, so the run is split into the epochs below. Numbers from cells of "
			      "different epochs (ratios across cells, bars of separate cells side by side, the heat map) "
			      "carry that drift, and the statements that use two cells say so."
			    : "it stayed within it: one epoch.");
	r->d = doc;
	if (d->epochs > 1)
		epoch_table(r, d);
	rep_figures(r, "sentinel");
	r->d = keep;
}

void rep_drift_summary(struct rep *r)
{
	const struct rep_drift *d = &r->drift;
	double a = rep_epoch_ref(d, 1), b = NAN;

	if (d->epochs < 2)
		return;
	for (int ep = 2; ep <= d->epochs; ep++)
		if (fabs(rep_epoch_ref(d, ep) / a - 1) > fabs(b / a - 1) || !isfinite(b))
			b = rep_epoch_ref(d, ep);
	rep_sum(r, "**The machine moved during this run**: the sentinel (cas round trip, CPUs %s) was %.1f ns at "
		   "the start and moved by as much as %+.0f%%: %d epochs (see Conditions). Compare cells of one epoch.",
		sget(d, 0, "cpus"), a, 100 * (b / a - 1), d->epochs);
}

void rep_drift_section(struct rep *r, const char *experiment)
{
	const struct rep_drift *d = &r->drift;
	char csv[96], list[200] = "";
	int seen[64] = { 0 }, n = 0;
	double lo = INFINITY, hi = 0;

	if (d->epochs < 2)
		return;
	snprintf(csv, sizeof(csv), "%s.csv", experiment);
	for (size_t k = 0; k < d->ncells; k++) {
		int ep = strcmp(d->cells[k].csv, csv) || !d->cells[k].rows ? 0 : epoch_of_cell(d, d->cells[k].cell);

		if (ep > 0 && ep < 64)
			seen[ep] = 1;
		/* a long cell the machine moved during */
		if (ep > 0)
			epochs_inside(d, d->cells[k].cell, seen, 64);
	}
	for (int ep = 1; ep < 64; ep++)
		n += seen[ep];
	if (n < 2)
		return;
	for (int ep = 1; ep < 64; ep++)
		if (seen[ep]) {
			double v = rep_epoch_ref(d, ep);

			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%d", list[0] ? ", " : "", ep);
			lo = fmin(lo, v);
			hi = fmax(hi, v);
		}
	doc_p(r->d, "*The cells of this section were measured in epochs %s of this run: the sentinel's reference moved "
		    "by %.0f%% between them (see Conditions). Numbers of two of these cells, and bars of separate cells "
		    "side by side, differ by that much on their own.*", list, 100 * (hi / lo - 1));
}
