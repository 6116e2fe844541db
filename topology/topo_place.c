/* topo_place.c: from the placement options (--cpus, --placement, --pairs,
 * --mem-node) to pairs of CPUs and a memory node. */
#include "topo_int.h"

#include <stdlib.h>
#include <string.h>

#include "parse.h"

static void allowed_str(const struct cp_topo *t, char *buf, size_t len)
{
	struct cpulist l = { t->npu, t->os_list };
	int *sorted = cp_xcalloc((size_t)t->npu + 1, sizeof(int));

	/* OS numbers ascending read best ("0-95,192-287") */
	for (int i = 0, n = 0; i <= t->max_os; i++)
		if (t->pu_of_os[i] >= 0)
			sorted[n++] = i;
	l.cpu = sorted;
	if (t->npu)
		cpulist_format(&l, buf, len);
	else
		snprintf(buf, len, "none");
	free(sorted);
}

int topo_check_cpus(const struct cp_topo *t, const int *cpus, int n, struct cp_err *e)
{
	char buf[512];

	if (t->thissystem) {
		struct cpulist l = { n, (int *)cpus };
		int rc = cpulist_check_allowed(&l, "cpus", e);

		if (rc)
			return rc;
	}
	for (int i = 0; i < n; i++)
		if (topo_pu_index(t, cpus[i]) < 0) {
			allowed_str(t, buf, sizeof(buf));
			return cp_errf(e, CP_EUSAGE, "--cpus: CPU %d is not %s: allowed: %s", cpus[i],
				       t->thissystem ? "an allowed CPU of this machine" :
				       "in the topology file", buf);
		}
	return 0;
}

/* Pairs are bucketed by (package of a, package of b); buckets take turns
 * so N pairs cover as many packages as they can, and inside a bucket the
 * picks are evenly spaced over its pairs in logical order. */
int topo_class_pairs(const struct cp_topo *t, const char *cls, int npairs,
		     int (**pairs)[2], int *n, struct cp_err *e)
{
	int np = t->npkg > 0 ? t->npkg : 1, nb = np * np, found = 0, out = 0;
	uint64_t total = 0, *size = cp_xcalloc((size_t)nb, sizeof(uint64_t));
	uint64_t *seen = cp_xcalloc((size_t)nb, sizeof(uint64_t));
	int *take = cp_xcalloc((size_t)nb, sizeof(int)), *got = cp_xcalloc((size_t)nb, sizeof(int));
	int (**pick)[2] = cp_xcalloc((size_t)nb, sizeof(*pick));
	char name[40], have[512];

	for (int i = 0; i < t->ncls; i++)
		if (!strcmp(t->cls[i].pub.name, cls)) {
			found = 1;
			total += t->cls[i].pub.pairs;
		}
	if (!found || npairs < 1 || (uint64_t)npairs > total) {
		topo_present_names(t, have, sizeof(have));
		if (!found)
			cp_errf(e, CP_EUNAVAIL, "placement class '%s': this machine has %s",
				cls, have);
		else if (npairs < 1)
			cp_errf(e, CP_EUSAGE, "--pairs: invalid value %d: allowed: 1 to %llu",
				npairs, (unsigned long long)total);
		else
			cp_errf(e, CP_EUNAVAIL, "--pairs %d: class %s has %llu pairs on this machine",
				npairs, cls, (unsigned long long)total);
		free(size); free(seen); free(take); free(got); free(pick);
		return e->code;
	}
	/* pass 1: bucket sizes */
	for (int a = 0; a < t->npu; a++)
		for (int b = a + 1; b < t->npu; b++) {
			struct topo_key k;

			topo_pair_key(t, a, b, &k, NULL);
			topo_key_name(t, &k, name, sizeof(name));
			if (!strcmp(name, cls))
				size[t->pu[a].pkg * np + t->pu[b].pkg]++;
		}
	for (int left = npairs; left > 0;)
		for (int i = 0; i < nb && left > 0; i++)
			if ((uint64_t)take[i] < size[i]) {
				take[i]++;
				left--;
			}
	for (int i = 0; i < nb; i++)
		pick[i] = cp_xcalloc((size_t)take[i] + 1, sizeof(**pick));
	/* pass 2: pick index floor(j * size / take) of each bucket */
	for (int a = 0; a < t->npu; a++)
		for (int b = a + 1; b < t->npu; b++) {
			struct topo_key k;
			int bk = t->pu[a].pkg * np + t->pu[b].pkg;

			if (got[bk] == take[bk])
				continue;
			topo_pair_key(t, a, b, &k, NULL);
			topo_key_name(t, &k, name, sizeof(name));
			if (strcmp(name, cls))
				continue;
			if (seen[bk]++ == (uint64_t)got[bk] * size[bk] / (uint64_t)take[bk]) {
				pick[bk][got[bk]][0] = t->pu[a].os;
				pick[bk][got[bk]][1] = t->pu[b].os;
				got[bk]++;
			}
		}
	*pairs = cp_xcalloc((size_t)npairs, sizeof(**pairs));
	for (int r = 0; out < npairs; r++)
		for (int i = 0; i < nb; i++)
			if (r < take[i]) {
				(*pairs)[out][0] = pick[i][r][0];
				(*pairs)[out++][1] = pick[i][r][1];
			}
	*n = npairs;
	for (int i = 0; i < nb; i++)
		free(pick[i]);
	free(size); free(seen); free(take); free(got); free(pick);
	return 0;
}

/* "smt" and "cross-package" or "cross-package:21" are class names;
 * anything else is a usage error. */
static int class_name_valid(const char *s)
{
	for (int i = 0; i < TB_COUNT; i++) {
		size_t l = strlen(topo_base_names[i]);

		if (!strncmp(s, topo_base_names[i], l) &&
		    (!s[l] || (i == TB_XPKG && s[l] == ':' && s[l + 1] &&
			       strspn(s + l + 1, "0123456789") == strlen(s + l + 1))))
			return 1;
	}
	return 0;
}

static int one_pair(const struct cp_topo *t, int a, int b, struct cp_placement *p)
{
	p->npairs = 1;
	p->pairs = cp_xcalloc(1, sizeof(*p->pairs));
	p->pairs[0][0] = a;
	p->pairs[0][1] = b;
	return topo_class_of_pair(t, a, b, p->class_name, sizeof(p->class_name));
}

int topo_resolve_pairs(const struct cp_topo *t, const struct cp_place_req *o,
		       struct cp_placement *p, struct cp_err *e)
{
	int npairs = o->pairs;
	const char *cls = o->placement;
	char have[512], all[256];
	size_t off = 0;

	memset(p, 0, sizeof(*p));
	if (o->cpus && o->placement)
		return cp_errf(e, CP_EUSAGE, "--cpus and --placement: give one of them, not both");
	if (o->cpus) {
		struct cpulist l;
		int rc;

		if (npairs)
			return cp_errf(e, CP_EUSAGE, "--pairs: needs --placement CLASS (--cpus gives one pair)");
		if ((rc = parse_cpulist(o->cpus, "cpus", &l, e)))
			return rc;
		if (l.n != 2) {
			int n = l.n; /* cpulist_free zeroes it */

			cpulist_free(&l);
			return cp_errf(e, CP_EUSAGE, "--cpus: '%s' has %d CPU%s: allowed: exactly two, A,B",
				       o->cpus, n, n == 1 ? "" : "s");
		}
		rc = topo_check_cpus(t, l.cpu, 2, e);
		if (!rc)
			one_pair(t, l.cpu[0], l.cpu[1], p);
		cpulist_free(&l);
		return rc;
	}
	if (t->npu < 2) {
		allowed_str(t, have, sizeof(have));
		return cp_errf(e, CP_EUNAVAIL, "needs 2 allowed CPUs, this process may use %d (%s)",
			       t->npu, have);
	}
	if (cls && !class_name_valid(cls)) {
		for (int i = 0; i < TB_COUNT; i++)
			off += (size_t)snprintf(all + off, sizeof(all) - off, "%s%s", i ? ", " : "",
						topo_base_names[i]);
		snprintf(all + off, sizeof(all) - off, "[:DIST]");
		return cp_errf(e, CP_EUSAGE, "--placement: unknown class '%s': allowed: %s", cls, all);
	}
	if (!cls) {   /* default: the first pair of allowed CPUs, and its class */
		if (!npairs)
			return one_pair(t, t->pu[0].os, t->pu[1].os, p) ? CP_ERUN : 0;
		topo_class_of_pair(t, t->pu[0].os, t->pu[1].os, p->class_name, sizeof(p->class_name));
	} else {
		snprintf(p->class_name, sizeof(p->class_name), "%s", cls);
	}
	return topo_class_pairs(t, p->class_name, npairs ? npairs : 1, &p->pairs, &p->npairs, e);
}

void cp_placement_free(struct cp_placement *p)
{
	free(p->pairs);
	p->pairs = NULL;
	p->npairs = 0;
}

static void nodes_str(const struct cp_topo *t, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = 0;
	for (int i = 0; i < t->nnodes && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%u", i ? "," : "",
					t->nodes[i]->os_index);
}

int topo_mem_node(const struct cp_topo *t, const char *spec, int cpu_a, int cpu_b,
		  int *node, struct cp_err *e)
{
	char have[256];
	int na = topo_node_of_cpu(t, cpu_a), nb = topo_node_of_cpu(t, cpu_b);
	uint64_t v;

	nodes_str(t, have, sizeof(have));
	if (!strcmp(spec, "a") || !strcmp(spec, "b")) {
		*node = spec[0] == 'a' ? na : nb;
		if (*node < 0)
			return cp_errf(e, CP_EUNAVAIL, "--mem-node %s: CPU %d has no known NUMA node",
				       spec, spec[0] == 'a' ? cpu_a : cpu_b);
		return 0;
	}
	if (!strcmp(spec, "other")) {
		uint64_t best = UINT64_MAX;
		int ia = -1;

		*node = -1;
		for (int i = 0; i < t->nnodes; i++)
			if (t->nodes[i]->os_index == (unsigned)na)
				ia = i;
		/* nearest to cpu_a's node; lowest number on ties or without distances */
		for (int i = 0; i < t->nnodes; i++) {
			int os = (int)t->nodes[i]->os_index;
			uint64_t d = t->dist && ia >= 0 ? t->dist[ia * t->nnodes + i] : 0;

			if (os != na && os != nb && d < best) {
				best = d;
				*node = os;
			}
		}
		if (*node < 0)
			return cp_errf(e, CP_EUNAVAIL,
				       "--mem-node other: needs a NUMA node that neither CPU %d nor CPU %d "
				       "is on, this machine has %d node%s (%s)",
				       cpu_a, cpu_b, t->nnodes, t->nnodes == 1 ? "" : "s", have);
		return 0;
	}
	if (!spec[0] || strspn(spec, "0123456789") != strlen(spec) || strlen(spec) > 9)
		return cp_errf(e, CP_EUSAGE, "--mem-node: invalid value '%s': allowed: a node number, "
			       "a, b (node of either CPU), other", spec);
	v = strtoull(spec, NULL, 10);
	for (int i = 0; i < t->nnodes; i++)
		if (t->nodes[i]->os_index == v) {
			*node = (int)v;
			return 0;
		}
	return cp_errf(e, CP_EUNAVAIL, "needs NUMA node %llu, this machine has %d node%s (%s)",
		       (unsigned long long)v, t->nnodes, t->nnodes == 1 ? "" : "s", have);
}
