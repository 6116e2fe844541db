/* parse.c: value syntaxes (see parse.h). */
#include "parse.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int bad(struct cp_err *e, const char *optname, const char *val, const char *allowed)
{
	return cp_errf(e, CP_EUSAGE, "%s%s: invalid value '%s': %s",
		       optname[0] == '-' ? "" : "--", optname, val, allowed);
}

/* strtoull that refuses signs, empty input and overflow. */
static int read_u64(const char **p, uint64_t *v)
{
	char *end;

	if (!isdigit((unsigned char)**p))
		return -1;
	errno = 0;
	*v = strtoull(*p, &end, 10);
	if (errno)
		return -1;
	*p = end;
	return 0;
}

int parse_u64(const char *s, const char *optname, uint64_t min, uint64_t max,
	      uint64_t *out, struct cp_err *e)
{
	const char *p = s;
	uint64_t v;
	char allowed[128];

	snprintf(allowed, sizeof(allowed), "expected an integer from %llu to %llu",
		 (unsigned long long)min, (unsigned long long)max);
	if (read_u64(&p, &v) || *p || v < min || v > max)
		return bad(e, optname, s, allowed);
	*out = v;
	return 0;
}

int parse_double(const char *s, const char *optname, double min, double max,
		 double *out, struct cp_err *e)
{
	char *end;
	double v;
	char allowed[128];

	snprintf(allowed, sizeof(allowed), "expected a number from %g to %g", min, max);
	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end || errno || !isfinite(v) || v < min || v > max)
		return bad(e, optname, s, allowed);
	*out = v;
	return 0;
}

int parse_duration(const char *s, const char *optname, double min, double max,
		   double *out, struct cp_err *e)
{
	char *end;
	double v, mul = 1;
	char allowed[160];

	snprintf(allowed, sizeof(allowed),
		 "expected a duration from %gs to %gs, like 90, 30s, 10m or 2h", min, max);
	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno || !isfinite(v))
		return bad(e, optname, s, allowed);
	if (!strcmp(end, "m"))
		mul = 60;
	else if (!strcmp(end, "h"))
		mul = 3600;
	else if (strcmp(end, "s") && *end)
		return bad(e, optname, s, allowed);
	v *= mul;
	if (v < min || v > max)
		return bad(e, optname, s, allowed);
	*out = v;
	return 0;
}

void cpulist_free(struct cpulist *l)
{
	free(l->cpu);
	l->cpu = NULL;
	l->n = 0;
}

int parse_cpulist(const char *s, const char *optname, struct cpulist *l, struct cp_err *e)
{
	static const char allowed[] =
		"expected a CPU list like 0,1 or 0-3,8,10-11 (ascending ranges, numbers below 8192)";
	const char *p = s;
	unsigned char *seen = cp_xcalloc(CP_MAX_CPUS, 1);

	l->n = 0;
	l->cpu = cp_xcalloc(CP_MAX_CPUS, sizeof(int));
	if (!*p)
		goto fail;
	for (;;) {
		uint64_t a, b;

		if (read_u64(&p, &a) || a >= CP_MAX_CPUS)
			goto fail;
		b = a;
		if (*p == '-') {
			p++;
			if (read_u64(&p, &b) || b >= CP_MAX_CPUS || b < a)
				goto fail;
		}
		for (uint64_t c = a; c <= b; c++) {
			if (seen[c]) {
				free(seen);
				cpulist_free(l);
				return cp_errf(e, CP_EUSAGE, "--%s: invalid value '%s': CPU %llu is listed twice",
					       optname, s, (unsigned long long)c);
			}
			seen[c] = 1;
			l->cpu[l->n++] = (int)c;
		}
		if (!*p)
			break;
		if (*p++ != ',')
			goto fail;
	}
	free(seen);
	return 0;
fail:
	free(seen);
	cpulist_free(l);
	return bad(e, optname, s, allowed);
}

char *cpulist_format(const struct cpulist *l, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = 0;
	for (int i = 0; i < l->n && off < len; i++) {
		int j = i;

		while (j + 1 < l->n && l->cpu[j + 1] == l->cpu[j] + 1)
			j++;
		if (j > i + 1)
			off += snprintf(buf + off, len - off, "%s%d-%d", off ? "," : "", l->cpu[i], l->cpu[j]);
		else {
			off += snprintf(buf + off, len - off, "%s%d", off ? "," : "", l->cpu[i]);
			j = i;
		}
		i = j;
	}
	return buf;
}

int cpulist_allowed(struct cpulist *l, struct cp_err *e)
{
	cpu_set_t *set = CPU_ALLOC(CP_MAX_CPUS);
	size_t sz = CPU_ALLOC_SIZE(CP_MAX_CPUS);

	if (!set || sched_getaffinity(0, sz, set)) {
		int err = errno;

		CPU_FREE(set);
		return cp_errf(e, CP_ERUN, "sched_getaffinity: %s", strerror(err));
	}
	l->n = 0;
	l->cpu = cp_xcalloc(CP_MAX_CPUS, sizeof(int));
	for (int c = 0; c < CP_MAX_CPUS; c++)
		if (CPU_ISSET_S(c, sz, set))
			l->cpu[l->n++] = c;
	CPU_FREE(set);
	return 0;
}

int cpulist_check_allowed(const struct cpulist *l, const char *optname, struct cp_err *e)
{
	struct cpulist al;
	char buf[256];
	long conf = sysconf(_SC_NPROCESSORS_CONF);
	int rc = cpulist_allowed(&al, e);

	if (rc)
		return rc;
	cpulist_format(&al, buf, sizeof(buf));
	for (int i = 0; i < l->n; i++) {
		int c = l->cpu[i], ok = 0;

		for (int j = 0; j < al.n; j++)
			ok |= al.cpu[j] == c;
		if (!ok) {
			cpulist_free(&al);
			if (c >= conf)
				return cp_errf(e, CP_EUSAGE,
					       "--%s: CPU %d does not exist: this machine has CPUs 0-%ld; allowed: %s",
					       optname, c, conf - 1, buf);
			return cp_errf(e, CP_EUSAGE,
				       "--%s: CPU %d is offline or outside this process's affinity mask: allowed: %s",
				       optname, c, buf);
		}
	}
	cpulist_free(&al);
	return 0;
}

int parse_size(const char *s, const char *optname, uint64_t *out, struct cp_err *e)
{
	static const char allowed[] =
		"expected a size in bytes with an optional binary unit, like 4096, 4K, 64KiB, 1M, 1G";
	const char *p = s;
	uint64_t v, mul = 1;

	if (read_u64(&p, &v))
		return bad(e, optname, s, allowed);
	switch (toupper((unsigned char)*p)) {
	case 0: break;
	case 'K': mul = 1ULL << 10; p++; break;
	case 'M': mul = 1ULL << 20; p++; break;
	case 'G': mul = 1ULL << 30; p++; break;
	case 'T': mul = 1ULL << 40; p++; break;
	default: return bad(e, optname, s, allowed);
	}
	if (mul > 1 && (!strcmp(p, "iB") || !strcmp(p, "B") || !strcmp(p, "ib")))
		p += strlen(p);
	if (*p || v == 0 || v > UINT64_MAX / mul)
		return bad(e, optname, s, allowed);
	*out = v * mul;
	return 0;
}

static int is_pow2(uint64_t v) { return v && !(v & (v - 1)); }

int has_empty_item(const char *s)
{
	size_t n = strlen(s);

	return !n || s[0] == ',' || s[n - 1] == ',' || strstr(s, ",,");
}

int parse_sizes(const char *s, const char *optname, uint64_t **out, size_t *n, struct cp_err *e)
{
	const char *dots = strstr(s, "..");
	char *copy, *tok, *save = NULL;
	int rc = 0;

	*n = 0;
	*out = NULL;
	if (dots) {
		char lo_s[64];
		uint64_t lo, hi;
		size_t ll = (size_t)(dots - s);

		if (ll >= sizeof(lo_s))
			return bad(e, optname, s, "expected a range of powers of two like 4K..1G");
		memcpy(lo_s, s, ll);
		lo_s[ll] = 0;
		/* the message names the whole range, not the empty or bad half */
		if (parse_size(lo_s, optname, &lo, e) || parse_size(dots + 2, optname, &hi, e) ||
		    !is_pow2(lo) || !is_pow2(hi) || lo > hi)
			return bad(e, optname, s,
				   "a range A..B needs powers of two with A <= B, like 4K..1G");
		*out = cp_xcalloc(64, sizeof(uint64_t));
		for (uint64_t v = lo; v <= hi && v; v <<= 1)
			(*out)[(*n)++] = v;
		return 0;
	}
	if (has_empty_item(s))
		return bad(e, optname, s, "an empty item: expected sizes like 4K,64K,1M or a range 4K..1G");
	copy = cp_xstrdup(s);
	*out = cp_xcalloc(strlen(s) + 1, sizeof(uint64_t));
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if ((rc = parse_size(tok, optname, &(*out)[*n], e)))
			break;
		(*n)++;
	}
	if (!rc && !*n)
		rc = bad(e, optname, s, "expected sizes like 4K,64K,1M or a range 4K..1G");
	free(copy);
	if (rc) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

int parse_u64_range(const char *s, const char *optname, uint64_t min, uint64_t max,
		    uint64_t **out, size_t *n, struct cp_err *e)
{
	const char *dots = strstr(s, "..");
	char allowed[160];
	int rc = 0;

	snprintf(allowed, sizeof(allowed),
		 "expected N, A..B or a list A,B,C of integers from %llu to %llu",
		 (unsigned long long)min, (unsigned long long)max);
	*n = 0;
	*out = NULL;
	if (dots) {
		const char *p = s;
		uint64_t a, b;

		if (read_u64(&p, &a) || p != dots)
			return bad(e, optname, s, allowed);
		p = dots + 2;
		if (read_u64(&p, &b) || *p || a < min || b > max || a > b)
			return bad(e, optname, s, allowed);
		*out = cp_xcalloc(b - a + 1, sizeof(uint64_t));
		for (uint64_t v = a; v <= b; v++)
			(*out)[(*n)++] = v;
		return 0;
	}
	if (has_empty_item(s))
		return bad(e, optname, s, allowed);
	{
		char *copy = cp_xstrdup(s), *tok, *save = NULL;

		*out = cp_xcalloc(strlen(s) + 1, sizeof(uint64_t));
		for (tok = strtok_r(copy, ",", &save); tok && !rc; tok = strtok_r(NULL, ",", &save)) {
			const char *p = tok;
			uint64_t v;

			if (read_u64(&p, &v) || *p || v < min || v > max)
				rc = bad(e, optname, s, allowed);
			else
				(*out)[(*n)++] = v;
		}
		if (!rc && !*n)
			rc = bad(e, optname, s, allowed);
		free(copy);
		if (rc) {
			free(*out);
			*out = NULL;
			*n = 0;
		}
	}
	return rc;
}

char *size_format(uint64_t b, char *buf, size_t len)
{
	static const char unit[] = "KMGT";
	int u = -1;

	while (b >= 1024 && !(b & 1023) && u < 3) {
		b >>= 10;
		u++;
	}
	if (u < 0)
		snprintf(buf, len, "%llu", (unsigned long long)b);
	else
		snprintf(buf, len, "%llu%c", (unsigned long long)b, unit[u]);
	return buf;
}

int parse_word_index(const char *names, const char *name)
{
	size_t len = strlen(name);
	int i = 0;

	for (const char *p = names; *p; i++) {
		const char *bar = strchr(p, '|');
		size_t n = bar ? (size_t)(bar - p) : strlen(p);

		if (n == len && !strncmp(p, name, n))
			return i;
		if (!bar)
			break;
		p = bar + 1;
	}
	return -1;
}

int parse_choice(const char *value, const char *choices, const char *optname, struct cp_err *e)
{
	int i = parse_word_index(choices, value);

	if (i >= 0)
		return i;
	cp_errf(e, CP_EUSAGE, "--%s: invalid value '%s': allowed: %s", optname, value, choices);
	return -1;
}
