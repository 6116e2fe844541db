/* sweep_plan.c: sweep plans: parsing plan files (command lines or
 * key = value blocks) and checking every cell against its command's
 * options before anything runs, so a typo on line 40 is found at once and
 * not after half an hour of measuring. */
#include "sweep.h"
#include "sweep_int.h"
#include "experiment.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Option types, from the one table (options.def): FLAG options take no value. */
static const struct { const char *name; int flag; } options[] = {
#define OPT_IS_FLAG_FLAG 1
#define OPT_IS_FLAG_STR 0
#define OPT_IS_FLAG_U64 0
#define OPT_IS_FLAG_DBL 0
#define OPT_IS_FLAG_DUR 0
#define OPT(name, field, type, min, max, meta, help) { name, OPT_IS_FLAG_##type },
#include "options.def"
#undef OPT
};

/* Options that are the sweep's to set, never a cell's. */
static const char *const reserved[] = { "format", "out", "raw", "dry-run", "resume", "help" };


static int opt_is_flag(const char *name)
{
	for (size_t i = 0; i < CP_ARRAY_SIZE(options); i++)
		if (!strcmp(options[i].name, name))
			return options[i].flag;
	return 0;
}

static const struct sweep_experiments *exps;

void sweep_use_experiments(const struct sweep_experiments *x)
{
	exps = x;
}

const struct sweep_experiments *sweep_exps(void)
{
	if (!exps)
		cp_die(CP_ERUN, "internal: the sweep was given no experiments (sweep_use_experiments)");
	return exps;
}

const char *sweep_cell_opt(const struct sweep_cell *c, const char *opt)
{
	size_t n = strlen(opt);

	for (int i = 1; i < c->argc; i++) {
		const char *a = c->argv[i];

		if (a[0] != '-' || a[1] != '-' || strncmp(a + 2, opt, n))
			continue;
		if (a[2 + n] == '=')
			return a + 3 + n;
		if (!a[2 + n])
			return i + 1 < c->argc && !opt_is_flag(opt) ? c->argv[i + 1] : "";
	}
	return NULL;
}

void sweep_plan_free(struct sweep_plan *p)
{
	for (int i = 0; i < p->n; i++) {
		for (int j = 0; j < p->cell[i].argc; j++)
			free(p->cell[i].argv[j]);
		free(p->cell[i].argv);
		free(p->cell[i].line);
		free(p->cell[i].unavail);
		free(p->cell[i].invalid);
	}
	free(p->cell);
	memset(p, 0, sizeof(*p));
}

/* Check the words of a cell with the command's own option parser. */
static int check_cell(int argc, char **argv, opt_set opts_list, const char *where,
		      struct cp_err *e)
{
	struct opts o = { 0 };
	char **copy = cp_xcalloc((size_t)argc + 1, sizeof(char *));
	int help = 0, rc;

	memcpy(copy, argv, (size_t)argc * sizeof(char *));
	rc = opts_parse(&o, argv[0], opts_list, argc, copy, 1, &help, e);
	if (!rc && (help || o.argc))
		rc = cp_errf(e, CP_EUSAGE, "%s: '%s' is not an option of %s", where,
			     help ? "--help" : o.argv[0], argv[0]);
	for (size_t i = 0; !rc && i < CP_ARRAY_SIZE(reserved); i++) {
		size_t n = strlen(reserved[i]);

		for (int j = 1; !rc && j < argc; j++)
			if (!strncmp(argv[j], "--", 2) && !strncmp(argv[j] + 2, reserved[i], n) &&
			    (argv[j][2 + n] == 0 || argv[j][2 + n] == '='))
				rc = cp_errf(e, CP_EUSAGE,
					     "%s: --%s is set by the sweep for every cell: remove it",
					     where, reserved[i]);
	}
	if (rc && rc != CP_EUSAGE)
		rc = CP_EUSAGE;
	if (rc && !strstr(e->msg, where)) {
		char msg[sizeof(e->msg)];

		snprintf(msg, sizeof(msg), "%.400s: %.600s", where, e->msg);
		cp_errf(e, CP_EUSAGE, "%s", msg);
	}
	free(copy);
	return rc;
}

int sweep_plan_add(struct sweep_plan *p, int argc, char **argv, int src_line, const char *name,
		   struct cp_err *e)
{
	struct sweep_cell *c;
	const struct experiment *x;
	char where[512];
	size_t len = 0;
	int rc;

	snprintf(where, sizeof(where), "%s:%d", name, src_line);
	if (argc < 1)
		return cp_errf(e, CP_EUSAGE, "%s: empty cell", where);
	/* the sweep knows the experiments only: tools such as topo or plot
	 * write no result rows */
	if (!(x = sweep_exps()->find(argv[0])))
		return cp_errf(e, CP_EUSAGE, "%s: '%s' is not an experiment: a cell must be a measuring "
			       "command (%s)", where, argv[0], sweep_exps()->names());
	if ((rc = check_cell(argc, argv, x->cmd.options, where, e)))
		return rc;
	p->cell = cp_xrealloc(p->cell, ((size_t)p->n + 1) * sizeof(*p->cell));
	c = &p->cell[p->n++];
	memset(c, 0, sizeof(*c));
	c->argc = argc;
	c->argv = cp_xcalloc((size_t)argc + 1, sizeof(char *));
	for (int i = 0; i < argc; i++) {
		c->argv[i] = cp_xstrdup(argv[i]);
		len += strlen(argv[i]) + 3;
	}
	c->line = cp_xcalloc(len + 1, 1);
	for (int i = 0; i < argc; i++) {
		/* quote words with spaces so plan.txt reads back the same */
		int q = strchr(argv[i], ' ') != NULL;

		sprintf(c->line + strlen(c->line), "%s%s%s%s", i ? " " : "", q ? "'" : "", argv[i],
			q ? "'" : "");
	}
	c->options = x->cmd.options;
	c->src_line = src_line;
	/* the line's own --samples or --budget is kept: the sweep adds neither */
	c->fixed_samples = sweep_cell_opt(c, "samples") != NULL || sweep_cell_opt(c, "budget") != NULL ||
			   !(x->cmd.options & (O(samples) | O(budget)));
	return 0;
}

void sweep_plan_add_lenient(struct sweep_plan *p, int argc, char **argv, int src_line,
			    const char *name)
{
	struct cp_err e = { 0 };
	struct sweep_cell *c;
	size_t len = 1;

	if (argc < 1 || !sweep_plan_add(p, argc, argv, src_line, name, &e))
		return;
	p->cell = cp_xrealloc(p->cell, ((size_t)p->n + 1) * sizeof(*p->cell));
	c = &p->cell[p->n++];
	memset(c, 0, sizeof(*c));
	c->argc = 1;
	c->argv = cp_xcalloc(2, sizeof(char *));
	c->argv[0] = cp_xstrdup(argv[0]);
	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	c->line = cp_xcalloc(len, 1);
	for (int i = 0; i < argc; i++)
		sprintf(c->line + strlen(c->line), "%s%s", i ? " " : "", argv[i]);
	c->options = 0;
	c->fixed_samples = 1;
	c->src_line = src_line;
	if (!sweep_exps()->find(argv[0])) {
		c->unavail = cp_xcalloc(200, 1);
		snprintf(c->unavail, 200, "experiment '%s' is not part of this build", argv[0]);
	} else {
		c->invalid = cp_xstrdup(e.msg);
	}
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

static int block_end(struct sweep_plan *p, struct block *b, const char *name, struct cp_err *e)
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
	rc = sweep_plan_add(p, b->argc + 1, b->argv, b->start, name, e);
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

int sweep_plan_parse(const char *text, const char *name, int lenient, struct sweep_plan *p,
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
				rc = block_end(p, &b, name, e);
			continue;
		}
		if ((rc = block_end(p, &b, name, e)))
			break;
		if (lenient)
			sweep_plan_add_lenient(p, n, w, ln, name);
		else
			rc = sweep_plan_add(p, n, w, ln, name, e);
	}
	if (!rc)
		rc = block_end(p, &b, name, e);
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

int sweep_plan_read(const char *path, int lenient, struct sweep_plan *p, struct cp_err *e)
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
	rc = sweep_plan_parse(text, path, lenient, p, e);
	free(text);
	return rc;
}
