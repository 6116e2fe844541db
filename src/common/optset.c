/* optset.c: the options as data (see optset.h). */
#include "optset.h"

#include <string.h>

#include "parse.h"

static const struct opt_desc descs[OPT_COUNT] = {
#define OPT(name, field, type, min, max, meta, help) \
	{ name, OPT_T_##type, (double)(min), (double)(max), meta, help, sizeof(opt_t_##field) },
#include "options.def"
#undef OPT
};

const struct opt_desc *opt_desc(enum opt_id id)
{
	return (unsigned)id < OPT_COUNT ? &descs[id] : NULL;
}

const char *opt_name(enum opt_id id)
{
	return (unsigned)id < OPT_COUNT ? descs[id].name : "?";
}

int opt_by_name(const char *name)
{
	for (int i = 0; i < OPT_COUNT; i++)
		if (!strcmp(descs[i].name, name))
			return i;
	return -1;
}

int opt_read(enum opt_id id, const char *text, void *dst, struct cp_err *e)
{
	const struct opt_desc *d = opt_desc(id);

	if (!d)
		return cp_errf(e, CP_ERUN, "internal: option %d", (int)id);
	switch (d->type) {
	case OPT_T_FLAG:
		*(int *)dst = 1;
		return 0;
	case OPT_T_STR:
		if (!text[0])
			return cp_errf(e, CP_EUSAGE, "--%s: empty value: expected %s", d->name, d->meta);
		*(const char **)dst = text;
		return 0;
	case OPT_T_U64:
		return parse_u64(text, d->name, (uint64_t)d->min, (uint64_t)d->max, (uint64_t *)dst, e);
	case OPT_T_DBL:
		return parse_double(text, d->name, d->min, d->max, (double *)dst, e);
	case OPT_T_DUR:
		return parse_duration(text, d->name, d->min, d->max, (double *)dst, e);
	}
	return cp_errf(e, CP_ERUN, "internal: option type");
}
