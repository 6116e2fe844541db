/* topo_class.c: placement classes.  A pair of CPUs is named after its
 * deepest common ancestor in hwloc's tree (the smallest part of the machine
 * holding both); pairs across packages are split by NUMA distance when they
 * see several.  All pairs of allowed CPUs are walked once at load: O(pairs
 * x tree depth), 73,536 pairs for 384 PUs. */
#include "topo_int.h"

#include <stdlib.h>
#include <string.h>

const char *const topo_base_names[TB_COUNT] = {
#define CLASS(id, name, help) [TB_##id] = name,
#include "classes.def"
#undef CLASS
};

const char *const topo_base_help[TB_COUNT] = {
#define CLASS(id, name, help) [TB_##id] = help,
#include "classes.def"
#undef CLASS
};

/* A Group/Die below the package (or anywhere when the tree has no
 * packages) is a sub-NUMA part when it holds a NUMA node (possibly behind a
 * memory-side cache), a die otherwise. */
static int base_of_ancestor(const struct cp_topo *t, hwloc_obj_t anc)
{
	int in_pkg = !t->npkg || hwloc_get_ancestor_obj_by_type(t->h, HWLOC_OBJ_PACKAGE, anc);

	if (anc->type == HWLOC_OBJ_CORE || anc->type == HWLOC_OBJ_PU)
		return TB_SMT;
	if (hwloc_obj_type_is_cache(anc->type))
		return anc->attr->cache.depth <= 2 ? TB_L2 : TB_LLC;
	if (anc->type == HWLOC_OBJ_GROUP && anc->subtype && !strcasecmp(anc->subtype, "Cluster"))
		return TB_CLUSTER;
	if ((anc->type == HWLOC_OBJ_GROUP || anc->type == HWLOC_OBJ_DIE) && in_pkg)
		return anc->memory_arity ? TB_NUMA : TB_DIE;
	if (anc->type == HWLOC_OBJ_PACKAGE || !t->npkg)
		return TB_PACKAGE;   /* no packages at all: the machine is the one package */
	return TB_XPKG;
}

void topo_pair_key(const struct cp_topo *t, int ia, int ib, struct topo_key *k, int *depth)
{
	const struct topo_pu *a = &t->pu[ia], *b = &t->pu[ib];
	hwloc_obj_t anc = hwloc_get_common_ancestor_obj(t->h, a->obj, b->obj);

	memset(k, 0, sizeof(*k));
	k->base = base_of_ancestor(t, anc);
	if (k->base == TB_XPKG && t->dist && a->node >= 0 && b->node >= 0)
		k->dist = (int)t->dist[a->node * t->nnodes + b->node];
	if (t->nkinds) {
		k->khi = a->kind > b->kind ? a->kind : b->kind;
		k->klo = a->kind > b->kind ? b->kind : a->kind;
	}
	if (depth)
		*depth = anc->depth;
}

void topo_key_name(const struct cp_topo *t, const struct topo_key *k, char *name, size_t len)
{
	if (k->base == TB_XPKG && t->xpkg_split)
		snprintf(name, len, "%s:%d", topo_base_names[k->base], k->dist);
	else
		snprintf(name, len, "%s", topo_base_names[k->base]);
}

void topo_key_kinds(const struct cp_topo *t, const struct topo_key *k, char *kinds, size_t len)
{
	if (t->nkinds)
		snprintf(kinds, len, "%s+%s", t->kind_name[k->khi], t->kind_name[k->klo]);
	else if (len)
		kinds[0] = 0;
}

static int key_eq(const struct topo_key *x, const struct topo_key *y)
{
	return x->base == y->base && x->dist == y->dist && x->khi == y->khi && x->klo == y->klo;
}

/* Order by the deepest ancestor seen per base: the tree's order, nearest
 * first (an SNC group under the package-wide L3 makes numa nearer than llc). */
static int cls_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct topo_cls *a = pa, *b = pb;
	const int *base_depth = ctx;
	int xa = a->k.base == TB_XPKG, xb = b->k.base == TB_XPKG;

	if (xa != xb)
		return xa - xb;
	if (base_depth[a->k.base] != base_depth[b->k.base])
		return base_depth[b->k.base] - base_depth[a->k.base];
	if (a->k.base != b->k.base)
		return a->k.base - b->k.base;
	if (a->k.dist != b->k.dist)
		return a->k.dist - b->k.dist;
	if (a->k.khi != b->k.khi)
		return b->k.khi - a->k.khi;
	return b->k.klo - a->k.klo;
}

int topo_classify(struct cp_topo *t)
{
	int cap = 16, firstdist = -1, base_depth[TB_COUNT] = { 0 };

	t->ncls = 0;
	t->cls = cp_xcalloc((size_t)cap, sizeof(*t->cls));
	for (int a = 0; a < t->npu; a++)
		for (int b = a + 1; b < t->npu; b++) {
			struct topo_key k;
			int d, i;

			topo_pair_key(t, a, b, &k, &d);
			for (i = 0; i < t->ncls && !key_eq(&t->cls[i].k, &k); i++)
				;
			if (i == t->ncls) {
				if (t->ncls == cap) {
					cap *= 2;
					t->cls = realloc(t->cls, (size_t)cap * sizeof(*t->cls));
					if (!t->cls)
						cp_die(CP_ERUN, "out of memory");
				}
				memset(&t->cls[i], 0, sizeof(t->cls[i]));
				t->cls[i].k = k;
				/* first pair in logical order: the representative */
				t->cls[i].pub.rep[0] = t->pu[a].os;
				t->cls[i].pub.rep[1] = t->pu[b].os;
				t->ncls++;
			}
			t->cls[i].pub.pairs++;
			if (d > t->cls[i].depth)
				t->cls[i].depth = d;
		}
	/* several distances across packages -> cross-package:DIST */
	t->xpkg_split = 0;
	for (int i = 0; i < t->ncls; i++) {
		if (t->cls[i].k.base != TB_XPKG)
			continue;
		if (firstdist < 0)
			firstdist = t->cls[i].k.dist;
		else if (t->cls[i].k.dist != firstdist)
			t->xpkg_split = 1;
	}
	for (int i = 0; i < t->ncls; i++)
		if (t->cls[i].depth > base_depth[t->cls[i].k.base])
			base_depth[t->cls[i].k.base] = t->cls[i].depth;
	qsort_r(t->cls, (size_t)t->ncls, sizeof(*t->cls), cls_cmp, base_depth);
	for (int i = 0; i < t->ncls; i++) {
		topo_key_name(t, &t->cls[i].k, t->cls[i].pub.name, sizeof(t->cls[i].pub.name));
		topo_key_kinds(t, &t->cls[i].k, t->cls[i].pub.kinds, sizeof(t->cls[i].pub.kinds));
	}
	return 0;
}

int topo_class_of_pair(const struct cp_topo *t, int a, int b, char *name, size_t len)
{
	int ia = topo_pu_index(t, a), ib = topo_pu_index(t, b);
	struct topo_key k;

	if (ia < 0 || ib < 0 || ia == ib)
		return -1;
	topo_pair_key(t, ia, ib, &k, NULL);
	topo_key_name(t, &k, name, len);
	return 0;
}

int topo_classes(const struct cp_topo *t, struct topo_class **cls, int *n)
{
	*cls = cp_xcalloc((size_t)t->ncls + 1, sizeof(**cls));
	for (int i = 0; i < t->ncls; i++)
		(*cls)[i] = t->cls[i].pub;
	*n = t->ncls;
	return 0;
}

void topo_present_names(const struct cp_topo *t, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = 0;
	for (int i = 0; i < t->ncls && off < len; i++) {
		if (i && !strcmp(t->cls[i].pub.name, t->cls[i - 1].pub.name))
			continue;   /* hybrid: one entry per kind combination */
		off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? ", " : "", t->cls[i].pub.name);
	}
	if (!t->ncls)
		snprintf(buf, len, "none (fewer than 2 allowed CPUs)");
}
