/* names.c: tables of named things and the choice of some of them (see
 * names.h). */
#include "names.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

static const char *table_name(const struct name_table *t, size_t i)
{
	return *(const char *const *)((const char *)t->base + i * t->stride + t->name_off);
}

const char *names_of(const struct name_table *t, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = 0;
	for (size_t i = 0; i < t->n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? "|" : "", table_name(t, i));
	return buf;
}

static int in_idx(const int *idx, int n, int v)
{
	for (int i = 0; i < n; i++)
		if (idx[i] == v)
			return 1;
	return 0;
}

int name_pick_list(const char *value, const char *optname, const char *names, int *idx, int max, int *n,
		   struct cp_err *e)
{
	char *copy, *tok;
	int rc = 0, count = 1;

	*n = 0;
	for (const char *p = names; *p; p++)
		count += *p == '|';
	if (!strcmp(value, "all")) {
		for (int i = 0; i < count && *n < max; i++)
			idx[(*n)++] = i;
		return 0;
	}
	copy = cp_xstrdup(value);
	/* strsep, not strtok: "cas,,faa" and "cas," have an empty name to refuse */
	for (char *rest = copy; (tok = strsep(&rest, ",")) && !rc;) {
		int i = parse_word_index(names, tok);

		if (i < 0 && !*tok)
			rc = cp_errf(e, CP_EUSAGE, "--%s: invalid value '%s': an empty name; allowed: %s|all",
				     optname, value, names);
		else if (i < 0)
			rc = cp_errf(e, CP_EUSAGE, "--%s: invalid value '%s' in '%s': allowed: %s|all", optname,
				     tok, value, names);
		else if (in_idx(idx, *n, i))
			rc = cp_errf(e, CP_EUSAGE, "--%s: invalid value '%s': '%s' given twice; allowed: each "
				     "name once", optname, value, tok);
		else if (*n >= max)
			rc = cp_errf(e, CP_EUSAGE, "--%s: invalid value '%s': more than %d names", optname,
				     value, max);
		else
			idx[(*n)++] = i;
	}
	free(copy);
	return rc;
}

int name_pick(const char *value, const char *optname, const struct name_table *t, int *idx, int max, int *n,
	      struct cp_err *e)
{
	char names[512];

	return name_pick_list(value, optname, names_of(t, names, sizeof(names)), idx, max, n, e);
}


const char *names_or_all(const struct name_table *t, char *buf, size_t len)
{
	char names[512];

	snprintf(buf, len, "%s|all", names_of(t, names, sizeof(names)));
	return buf;
}
