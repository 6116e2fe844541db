/* plan_file.c: plan files: one command line per line ('#' comments,
 * quotes '...' "..." for values with spaces), or key = value blocks with a
 * "command" key, blocks separated by blank lines.  Each cell is an
 * experiment of the registry, its words checked as the sweep adds them
 * (sweep_plan_add); what its values mean the experiment checks when the
 * plan is loaded (cli/plan.c). */
#include "suite.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "registry.h"

static int opt_is_flag(const char *name)
{
	int id = opt_by_name(name);

	return id >= 0 && opt_desc(id)->type == OPT_T_FLAG;
}

/* A cell of the plan file: its experiment found in the registry. */
static int add_cell(struct sweep_plan *p, int argc, char **argv, int ln, const char *name, int lenient,
		    struct cp_err *e)
{
	const struct experiment *x = argc > 0 ? experiment_find(argv[0]) : NULL;

	if (lenient) {
		sweep_plan_add_lenient(p, x, argc, argv, ln, name);
		return 0;
	}
	/* the sweep knows the experiments only: tools such as topo or plot
	 * write no result rows */
	if (argc > 0 && !x)
		return cp_errf(e, CP_EUSAGE, "%s:%d: '%s' is not an experiment: a cell must be a measuring "
			       "command (%s)", name, ln, argv[0], experiment_names());
	if (argc < 1)
		return cp_errf(e, CP_EUSAGE, "%s:%d: empty cell", name, ln);
	return sweep_plan_add(p, x, argc, argv, ln, name, e);
}

/* Split a line into words: whitespace separated, '...' and "..." group. */
static int split_words(char *s, char **w, int max, const char *where, struct cp_err *e)
{
	int n = 0;

	while (*s) {
		char *out;

		while (isspace((unsigned char)*s))
			s++;
		if (!*s || *s == '#')
			break;
		if (n == max) {
			cp_errf(e, CP_EUSAGE, "%s: more than %d words", where, max);
			return -1; /* not the code: a positive return is a word count */
		}
		w[n++] = out = s;
		while (*s && !isspace((unsigned char)*s)) {
			if (*s == '\'' || *s == '"') {
				char q = *s++;

				while (*s && *s != q)
					*out++ = *s++;
				if (!*s) {
					cp_errf(e, CP_EUSAGE, "%s: unterminated quote %c", where, q);
					return -1;
				}
				s++;
			} else {
				*out++ = *s++;
			}
		}
		if (*s)
			s++;
		*out = 0;
	}
	return n;
}

/* "key = value" (a block line) rather than a command line? */
static int is_kv(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	if (!islower((unsigned char)*s))
		return 0;
	while (islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '-')
		s++;
	while (*s == ' ' || *s == '\t')
		s++;
	return *s == '=';
}

struct block {
	int start;            /* line of "command =" or the first key */
	int argc;
	char *argv[256];
	char *cmd;
};

static int block_end(struct sweep_plan *p, struct block *b, const char *name, int lenient, struct cp_err *e)
{
	char where[512];
	int rc;

	if (!b->argc && !b->cmd)
		return 0;
	snprintf(where, sizeof(where), "%s:%d", name, b->start);
	if (!b->cmd)
		return cp_errf(e, CP_EUSAGE, "%s: a key = value block needs a 'command = ...' line",
			       where);
	b->argv[0] = b->cmd;
	rc = add_cell(p, b->argc + 1, b->argv, b->start, name, lenient, e);
	for (int i = 0; i <= b->argc; i++)
		free(b->argv[i]);
	memset(b, 0, sizeof(*b));
	return rc;
}

static int block_kv(struct block *b, char *s, int ln, const char *name, struct cp_err *e)
{
	char *eq = strchr(s, '='), *k = s, *v = eq + 1, *end;
	char where[512];

	snprintf(where, sizeof(where), "%s:%d", name, ln);
	*eq = 0;
	while (isspace((unsigned char)*k))
		k++;
	for (end = k + strlen(k); end > k && isspace((unsigned char)end[-1]);)
		*--end = 0;
	while (isspace((unsigned char)*v))
		v++;
	if ((end = strchr(v, '#')) && (end == v || isspace((unsigned char)end[-1])))
		*end = 0;
	for (end = v + strlen(v); end > v && isspace((unsigned char)end[-1]);)
		*--end = 0;
	if (!b->argc && !b->cmd)
		b->start = ln;
	if (!strcmp(k, "command")) {
		if (b->cmd)
			return cp_errf(e, CP_EUSAGE, "%s: a second 'command' in one block: "
				       "separate blocks by a blank line", where);
		b->cmd = cp_xstrdup(v);
		return 0;
	}
	if (b->argc + 3 >= (int)CP_ARRAY_SIZE(b->argv))
		return cp_errf(e, CP_EUSAGE, "%s: too many keys in one block", where);
	if (opt_is_flag(k)) {
		if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0"))
			return 0;
		if (*v && strcmp(v, "yes") && strcmp(v, "true") && strcmp(v, "1"))
			return cp_errf(e, CP_EUSAGE, "%s: %s = '%s': allowed: yes, no", where, k, v);
	}
	b->argv[++b->argc] = cp_xcalloc(strlen(k) + 3, 1);
	sprintf(b->argv[b->argc], "--%s", k);
	if (!opt_is_flag(k))
		b->argv[++b->argc] = cp_xstrdup(v);
	return 0;
}

int plan_parse(const char *text, const char *name, int lenient, struct sweep_plan *p,
		     struct cp_err *e)
{
	char *copy = cp_xstrdup(text), *line, *next;
	struct block b = { 0 };
	int ln = 0, rc = 0;

	memset(p, 0, sizeof(*p));
	snprintf(p->origin, sizeof(p->origin), "plan %s", name);
	for (line = copy; line && !rc; line = next) {
		char *w[256], where[512];
		int n;

		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		ln++;
		snprintf(where, sizeof(where), "%s:%d", name, ln);
		if (is_kv(line)) {
			rc = block_kv(&b, line, ln, name, e);
			continue;
		}
		n = split_words(line, w, (int)CP_ARRAY_SIZE(w), where, e);
		if (n < 0) {
			rc = e->code;
			break;
		}
		if (n == 0) {
			/* a blank line ends a block; a comment line does not */
			const char *t = line + strspn(line, " \t\r");

			if (!*t)
				rc = block_end(p, &b, name, lenient, e);
			continue;
		}
		if ((rc = block_end(p, &b, name, lenient, e)))
			break;
		rc = add_cell(p, n, w, ln, name, lenient, e);
	}
	if (!rc)
		rc = block_end(p, &b, name, lenient, e);
	for (int i = 0; i <= b.argc; i++)
		free(b.argv[i]);
	free(b.cmd);
	free(copy);
	if (!rc && !p->n)
		rc = cp_errf(e, CP_EUSAGE, "%s: no cells: the plan has no command lines", name);
	if (rc)
		sweep_plan_free(p);
	return rc;
}

int plan_read(const char *path, int lenient, struct sweep_plan *p, struct cp_err *e)
{
	FILE *f = fopen(path, "r");
	char *text;
	long len;
	int rc;

	struct stat st;

	if (!f)
		return cp_errf(e, errno == ENOENT ? CP_EUSAGE : CP_ERUN, "--plan %s: %s", path,
			       strerror(errno));
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
		fclose(f);
		return cp_errf(e, CP_EUSAGE, "--plan %s: not a plan file: %s", path,
			       S_ISDIR(st.st_mode) ? "a directory" : "not a regular file");
	}
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	if (len < 0 || len > (1 << 24)) {
		fclose(f);
		return cp_errf(e, CP_EUSAGE, "--plan %s: not a plan file (%ld bytes; at most 16 MiB)",
			       path, len);
	}
	text = cp_xcalloc((size_t)len + 1, 1);
	if (fread(text, 1, (size_t)len, f) != (size_t)len) {
		fclose(f);
		free(text);
		return cp_errf(e, CP_ERUN, "--plan %s: read error", path);
	}
	fclose(f);
	{
		/* a NUL would end the text early and drop every cell after it */
		const char *nul = memchr(text, 0, (size_t)len);

		if (nul) {
			long at = (long)(nul - text);
			int ln = 1;

			for (const char *q = text; q < nul; q++)
				ln += *q == '\n';
			free(text);
			return cp_errf(e, CP_EUSAGE, "--plan %s:%d: not a plan file: a NUL byte at offset %ld; "
				       "allowed: a text file of command lines", path, ln, at);
		}
	}
	rc = plan_parse(text, path, lenient, p, e);
	free(text);
	return rc;
}
