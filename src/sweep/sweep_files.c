/* sweep_files.c: the data files of a results directory.  Rows of a cell
 * are appended to one CSV per experiment and flushed before the cell is
 * logged as done; the log line records every data file's size after the
 * cell, so a resume can cut off what a killed sweep appended after its last
 * logged cell: no row is ever there twice, none is lost. */
#include "sweep.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csvmerge.h"
#include "csvread.h"
#include "sweep_int.h"
#include "tmpname.h"

/* Experiment names become file names: keep them tame. */
static int safe_name(const char *s)
{
	if (!*s || strlen(s) > 64)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
			return 0;
	return 1;
}

/* Whether the first line of PATH is `header`: only its header is read, as
 * a matrix's file grows by a pair at a time to tens of megabytes. */
static int header_is(const char *path, const char *header)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int same;

	if (!f)
		return 0;
	n = getline(&line, &cap, f);
	fclose(f);
	if (n > 0 && line[n - 1] == '\n')
		line[--n] = 0;
	same = n >= 0 && !strcmp(line, header);
	free(line);
	return same;
}

static int append_one(const char *path, const struct csv *cell, int ecol, const char *exp,
		      size_t *nrows, struct cp_err *e)
{
	struct csv old;
	struct stat st;
	FILE *f;
	int rc = 0;

	if (!stat(path, &st) && st.st_size > 0 && !header_is(path, cell->header_line)) {
		if ((rc = csv_read(path, &old, e)))
			return rc;
		if (strcmp(old.header_line, cell->header_line)) {
			/* other counter columns: one file, the union of the columns */
			for (size_t i = 0; i < cell->nrow; i++)
				*nrows += !strcmp(csv_get(cell, i, ecol), exp);
			rc = csv_write_union("dir", path, &old, cell, ecol, exp, e);
			csv_free(&old);
			return rc;
		}
		csv_free(&old);
	}
	if (!(f = fopen(path, "a")))
		return cp_errf(e, CP_ERUN, "%s: %s", path, strerror(errno));
	if (ftell(f) == 0)
		fprintf(f, "%s\n", cell->header_line);
	for (size_t i = 0; i < cell->nrow; i++)
		if (!strcmp(csv_get(cell, i, ecol), exp)) {
			fprintf(f, "%s\n", cell->line[i]);
			(*nrows)++;
		}
	if (fflush(f) || ferror(f) || fsync(fileno(f)))
		rc = cp_errf(e, CP_ERUN, "writing %s: %s", path, strerror(errno));
	if (fclose(f) && !rc)
		rc = cp_errf(e, CP_ERUN, "writing %s: %s", path, strerror(errno));
	return rc;
}

int sweep_append_rows(const char *dir, const char *sub, const char *cell_csv, size_t *nrows,
		      struct cp_err *e)
{
	struct csv c;
	int ecol, rc = 0;
	char path[4096];

	*nrows = 0;
	if ((rc = csv_read(cell_csv, &c, e)))
		return rc;
	ecol = csv_col(&c, "experiment");
	if (c.nrow && ecol < 0) {
		csv_free(&c);
		return cp_errf(e, CP_ERUN, "%s: the cell's CSV has no 'experiment' column", cell_csv);
	}
	for (size_t i = 0; i < c.nrow && !rc; i++) {
		const char *exp = csv_get(&c, i, ecol);
		int first = 1;

		for (size_t k = 0; k < i && first; k++)
			first = strcmp(csv_get(&c, k, ecol), exp) != 0;
		if (!first)
			continue;
		if (!safe_name(exp) || !strcmp(exp, "skipped")) {
			rc = cp_errf(e, CP_ERUN, "%s: experiment name '%s' cannot be a file name",
				     cell_csv, exp);
			break;
		}
		snprintf(path, sizeof(path), "%s/%s%s.csv", dir, sub, exp);
		rc = append_one(path, &c, ecol, exp, nrows, e);
	}
	csv_free(&c);
	return rc;
}

/* ---- sizes of the data files, for the log and the resume ---- */

/* The experiments the cells of DIR/plan.txt run, as " pingpong setup ",
 * into buf ("" without a plan). */
static void plan_experiments(const char *dir, char *buf, size_t len)
{
	char path[4200], line[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/plan.txt", dir);
	snprintf(buf, len, " ");
	if (!(f = fopen(path, "r")))
		return;
	while (fgets(line, sizeof(line), f)) {
		char w[80], pad[84];

		if (sscanf(line, " %79[a-z0-9_-]", w) != 1)
			continue;
		snprintf(pad, sizeof(pad), " %s ", w);
		if (!strstr(buf, pad) && strlen(buf) + strlen(w) + 2 < len)
			snprintf(buf + strlen(buf), len - strlen(buf), "%s ", w);
	}
	fclose(f);
}

/* A data file of the sweep: EXPERIMENT.csv for an experiment that a cell of
 * its plan runs (exps, from plan_experiments).  Any other file (the user's
 * notes.csv) is never merged, cut or removed. */
static int is_data(const char *name, const char *exps)
{
	size_t n = strlen(name);
	char pad[80];

	if (n <= 4 || n - 4 >= sizeof(pad) - 3 || strcmp(name + n - 4, ".csv"))
		return 0;
	snprintf(pad, sizeof(pad), " %.*s ", (int)(n - 4), name);
	return strstr(exps, pad) != NULL;
}

/* Call fn for every data file of DIR and DIR/raw/: its path, its name as
 * the log knows it ("raw/pingpong.csv") and its size.  Stops at the first
 * non-zero return. */
typedef int (*data_fn)(const char *path, const char *key, const struct stat *st, void *arg);

static int each_data_file(const char *dir, data_fn fn, void *arg)
{
	static const char *const subs[] = { "", "raw/" };
	char exps[2048];

	plan_experiments(dir, exps, sizeof(exps));
	for (size_t s = 0; s < CP_ARRAY_SIZE(subs); s++) {
		char path[4096];
		DIR *d;
		struct dirent *de;
		int rc = 0;

		snprintf(path, sizeof(path), "%s/%s", dir, subs[s]);
		if (!(d = opendir(path)))
			continue;
		while (!rc && (de = readdir(d))) {
			char fp[4400], key[512];
			struct stat st;

			if (!is_data(de->d_name, exps))
				continue;
			snprintf(fp, sizeof(fp), "%s%s", path, de->d_name);
			snprintf(key, sizeof(key), "%s%s", subs[s], de->d_name);
			if (stat(fp, &st) || !S_ISREG(st.st_mode))
				continue;
			rc = fn(fp, key, &st, arg);
		}
		closedir(d);
		if (rc)
			return rc;
	}
	return 0;
}

struct size_buf {
	char *buf;
	size_t len, off;
};

static int add_size(const char *path, const char *key, const struct stat *st, void *arg)
{
	struct size_buf *b = arg;

	(void)path;
	b->off += (size_t)snprintf(b->buf + b->off, b->off < b->len ? b->len - b->off : 0, "%s%s=%lld",
				   b->off ? ";" : "", key, (long long)st->st_size);
	return 0;
}

void sweep_sizes(const char *dir, char *buf, size_t len)
{
	struct size_buf b = { buf, len, 0 };

	buf[0] = 0;
	each_data_file(dir, add_size, &b);
	if (b.off >= len)
		buf[len - 1] = 0;
}

struct restore {
	const char *sizes;
	struct cp_err *e;
};

/* Cut a data file back to the size the log recorded; remove one the log
 * does not know (written by a cell that never finished). */
static int restore_one(const char *path, const char *key, const struct stat *st, void *arg)
{
	struct restore *r = arg;
	size_t kl = strlen(key);
	long long want = -1;

	for (const char *hit = r->sizes; (hit = strstr(hit, key)); hit++)
		if ((hit == r->sizes || hit[-1] == ';') && hit[kl] == '=') {
			want = atoll(hit + kl + 1);
			break;
		}
	if (want < 0 ? unlink(path) : st->st_size > want && truncate(path, want))
		return cp_errf(r->e, CP_ERUN, "%s: %s", path, strerror(errno));
	return 0;
}

int sweep_restore_sizes(const char *dir, const char *sizes, struct cp_err *e)
{
	struct restore r = { sizes, e };

	return each_data_file(dir, restore_one, &r);
}

static int remove_one(const char *path, const char *key, const struct stat *st, void *arg)
{
	(void)key;
	(void)st;
	(void)arg;
	unlink(path);
	return 0;
}

void sweep_remove_data(const char *dir)
{
	each_data_file(dir, remove_one, NULL);
}
