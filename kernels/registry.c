/* registry.c: the kernel table, built from kernels.def (see kernel.h). */
#include <stdio.h>
#include <string.h>

#include "kernel.h"

#define KFILE(p) extern const struct kernel p##_kernels[]; extern const size_t p##_nkernels;
#include "kernels.def"
#undef KFILE

static const struct {
	const struct kernel *k;
	const size_t *n;
} files[] = {
#define KFILE(p) { p##_kernels, &p##_nkernels },
#include "kernels.def"
#undef KFILE
};

size_t kernel_count(void)
{
	size_t n = 0;

	for (size_t i = 0; i < CP_ARRAY_SIZE(files); i++)
		n += *files[i].n;
	return n;
}

const struct kernel *kernel_at(size_t i)
{
	for (size_t f = 0; f < CP_ARRAY_SIZE(files); f++) {
		if (i < *files[f].n)
			return &files[f].k[i];
		i -= *files[f].n;
	}
	return NULL;
}

static int available(const struct kernel *k, char *why, size_t len)
{
	if (!k->available) {
		if (len)
			why[0] = 0;
		return 1;
	}
	return k->available(why, len);
}

/* "asm" selects the first runnable asm-* variant (aarch64: LSE before LL/SC). */
static int impl_matches(const char *want, const char *have)
{
	return !strcmp(want, have) || (!strcmp(want, "asm") && !strncmp(have, "asm-", 4));
}

static void append_name(char *buf, size_t len, const char *name)
{
	size_t off = strlen(buf);
	const char *p = buf;

	/* skip names already listed */
	while ((p = strstr(p, name))) {
		size_t l = strlen(name);

		if ((p == buf || p[-1] == '|') && (p[l] == '|' || !p[l]))
			return;
		p += l;
	}
	snprintf(buf + off, len - off, "%s%s", off ? "|" : "", name);
}

const char *kernel_names(const char *family)
{
	/* one buffer per family is enough: the registry is fixed at build time */
	static char bufs[4][256];
	static const char *fams[4];
	size_t slot;

	for (slot = 0; slot < 4 && fams[slot]; slot++)
		if (!strcmp(fams[slot], family))
			return bufs[slot];
	if (slot == 4)
		slot = 3;
	fams[slot] = family;
	bufs[slot][0] = 0;
	for (size_t i = 0; i < kernel_count(); i++) {
		const struct kernel *k = kernel_at(i);

		if (!strcmp(k->family, family))
			append_name(bufs[slot], sizeof(bufs[slot]), k->name);
	}
	return bufs[slot];
}

static const char *poll_of(const struct kernel *k)
{
	return k->poll ? k->poll : "load";
}

int kernel_has_poll(const char *family, const char *name, const char *poll)
{
	for (size_t i = 0; i < kernel_count(); i++) {
		const struct kernel *k = kernel_at(i);

		if (!strcmp(k->family, family) && !strcmp(k->name, name) && !strcmp(poll_of(k), poll))
			return 1;
	}
	return 0;
}

/* field 1: impl, 2: poll, else spin */
const char *kernel_field_names(const char *family, const char *name, enum kernel_field f)
{
	static char buf[256];

	buf[0] = 0;
	for (size_t i = 0; i < kernel_count(); i++) {
		const struct kernel *k = kernel_at(i);

		if (!strcmp(k->family, family) && (!name || !strcmp(k->name, name)))
			append_name(buf, sizeof(buf), f == KF_IMPL ? k->impl : f == KF_POLL ? poll_of(k) : k->spin);
	}
	if (f == KF_IMPL && strstr(buf, "asm-"))
		append_name(buf, sizeof(buf), "asm");
	return buf;
}

const struct kernel *kernel_find(const char *family, const char *name, const char *impl,
				 const char *spin, const char *poll, struct cp_err *e)
{
	const struct kernel *unavail = NULL;
	char why[256] = "";
	int named = 0, impl_ok = 0, poll_ok = 0;

	if (!spin)
		spin = "plain";
	if (!poll)
		poll = "load";
	/* impl NULL: asm where it runs, else c11 */
	for (int pass = 0; pass < 2; pass++) {
		const char *want = impl ? impl : (pass == 0 ? "asm" : "c11");

		for (size_t i = 0; i < kernel_count(); i++) {
			const struct kernel *k = kernel_at(i);

			if (strcmp(k->family, family) || strcmp(k->name, name))
				continue;
			named = 1;
			if (!impl_matches(want, k->impl))
				continue;
			impl_ok = 1;
			if (strcmp(poll_of(k), poll))
				continue;
			poll_ok = 1;
			if (strcmp(k->spin, spin))
				continue;
			if (available(k, why, sizeof(why)))
				return k;
			if (!unavail)
				unavail = k;
		}
		if (impl)
			break;
	}
	if (!named) {
		cp_errf(e, CP_EUSAGE, "--op: invalid value '%s': allowed: %s", name, kernel_names(family));
		return NULL;
	}
	if (!impl_ok) {
		cp_errf(e, CP_EUSAGE, "--impl: invalid value '%s' for %s: allowed: %s", impl, name,
			kernel_field_names(family, name, KF_IMPL));
		return NULL;
	}
	if (!poll_ok) {
		cp_errf(e, CP_EUSAGE, "--poll: invalid value '%s' for --op %s: allowed: %s%s", poll, name,
			kernel_field_names(family, name, KF_POLL),
			strcmp(poll, "rmw") ? "" : " (a plain store has no atomic read-modify-write to poll with)");
		return NULL;
	}
	if (!unavail) {
		cp_errf(e, CP_EUSAGE, "--spin: invalid value '%s': allowed: %s", spin,
			kernel_field_names(family, name, KF_SPIN));
		return NULL;
	}
	cp_errf(e, CP_EUNAVAIL, "kernel %s (impl %s): %s", name, unavail->impl, why);
	return NULL;
}
