/* topo_int.h: struct cp_topo, shared by the topology/ files only. */
#ifndef TOPO_INT_H
#define TOPO_INT_H

#include <hwloc.h>

#include "topo.h"

enum topo_base {
#define CLASS(id, name, help) TB_##id,
#include "classes.def"
#undef CLASS
	TB_COUNT
};

extern const char *const topo_base_names[TB_COUNT];
extern const char *const topo_base_help[TB_COUNT];

/* One allowed PU, in logical order. */
struct topo_pu {
	int os;            /* P# */
	hwloc_obj_t obj;
	int node;          /* index into cp_topo.nodes, -1 when none covers it */
	int pkg;           /* logical index of its package, 0 when there are none */
	int kind;          /* cpukind index when hybrid, else 0 */
};

/* What decides a pair's class; classes are the distinct keys. */
struct topo_key {
	int base;          /* enum topo_base */
	int dist;          /* NUMA distance for TB_XPKG when split, else 0 */
	int khi, klo;      /* kinds, higher index first (hwloc ranks by efficiency) */
};

struct topo_cls {
	struct topo_key k;
	int depth;         /* deepest common ancestor of its pairs (nearer = deeper) */
	struct topo_class pub;
};

struct cp_topo {
	hwloc_topology_t h;
	int thissystem;
	char model[128];
	int granule;
	int npu;
	struct topo_pu *pu;
	int max_os;
	int *pu_of_os;     /* OS number -> index into pu, -1; size max_os + 1 */
	int *os_list;      /* pu[i].os, for topo_cpus() */
	int nnodes;
	hwloc_obj_t *nodes;           /* logical order */
	uint64_t *dist;               /* nnodes x nnodes latency, NULL when unknown */
	int npkg;
	int nkinds;                   /* > 1 only on hybrid CPUs */
	char kind_name[8][24];
	int xpkg_split;               /* cross-package pairs see several distances */
	int ncls;
	struct topo_cls *cls;         /* sorted nearest first */
};

#define TOPO_MAX_KINDS 8

/* topo_class.c */
int  topo_classify(struct cp_topo *t);   /* fills ncls/cls/xpkg_split */
void topo_pair_key(const struct cp_topo *t, int ia, int ib, struct topo_key *k, int *depth);
void topo_key_name(const struct cp_topo *t, const struct topo_key *k, char *name, size_t len);
void topo_key_kinds(const struct cp_topo *t, const struct topo_key *k, char *kinds, size_t len);
/* "smt, llc, cross-package" (names of the classes present, once each). */
void topo_present_names(const struct cp_topo *t, char *buf, size_t len);

/* index into t->pu of an OS CPU, -1 when not allowed */
static inline int topo_pu_index(const struct cp_topo *t, int os)
{
	return os >= 0 && os <= t->max_os ? t->pu_of_os[os] : -1;
}

#endif
