/* test_topology.c: placement classes on real machines (tests/topologies).
 * Every expected count is derived from the machine's structure (sockets,
 * dies, CCX, cores, SMT) in the comment beside it; reps are the first pair in
 * hwloc logical order, written as OS numbers (the P# of those logical PUs).
 * C(n,2) = n(n-1)/2.  Run from the checkout root (tests/run.sh does). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "topo.h"

#define XML(f) "tests/topologies/" f

struct want { const char *name, *kinds; uint64_t pairs; int a, b; };

struct machine {
	const char *file;
	int npu, granule;
	struct want cls[8];
};

static const struct machine machines[] = {
	/* 2x EPYC 9654: 2 sockets x 12 CCD (Die + L3) x 8 cores x 2 SMT = 384 PUs, P#n/P#n+192 siblings. */
	{ XML("AMD-19h-Zen4-2xEpyc-9654.xml"), 384, 64, {
		{ "smt", "", 192, 0, 192 },              /* 192 cores x C(2,2) */
		{ "llc", "", 2688, 0, 1 },               /* 24 CCD x (C(16,2)=120 - 8 smt) = 24 x 112; L#2 = P#1 */
		{ "package", "", 33792, 0, 8 },          /* 2 x (C(192,2)=18336 - 12 x C(16,2)=1440); L#16 = P#8 */
		{ "cross-package", "", 36864, 0, 96 },   /* 192 x 192, no distance matrix; L#192 = P#96 */
	} },
	/* 2x EPYC 7763, SMT off: 2 x 8 CCX (L3) x 8 cores = 128. */
	{ XML("AMD-19h-Zen3-2xEpyc-7763.xml"), 128, 64, {
		{ "llc", "", 448, 0, 1 },                /* 16 CCX x C(8,2)=28 */
		{ "package", "", 3584, 0, 8 },           /* 2 x (C(64,2)=2016 - 8 x 28) */
		{ "cross-package", "", 4096, 0, 64 },    /* 64 x 64 */
	} },
	/* 2x EPYC 7451: 2 x 4 dies (Group + NUMA node) x 2 CCX x 3 cores x 2 SMT = 96, P#n/P#n+48. */
	{ XML("AMD-17h-Zen-2xEpyc-7451.xml"), 96, 64, {
		{ "smt", "", 48, 0, 48 },                /* 48 cores */
		{ "llc", "", 192, 0, 1 },                /* 16 CCX x (C(6,2)=15 - 3 smt) */
		{ "numa", "", 288, 0, 3 },               /* 8 dies x 6 x 6 (PUs of its two CCX); L#6 = P#3 */
		{ "package", "", 1728, 0, 6 },           /* 2 x (C(48,2)=1128 - 4 x C(12,2)=264); L#12 = P#6 */
		{ "cross-package", "", 2304, 0, 24 },    /* 48 x 48; CPUID file, no distances */
	} },
	/* Kunpeng 920: 2 sockets x 2 (L3 + NUMA node) x 8 clusters x 4 cores, no SMT = 128.
	 * Distances: node 0-2 32, 0-3 33, 1-2 25, 1-3 32 (nodes 0,1 on socket 0, 2,3 on socket 1). */
	{ XML("128arm-2pa2n8cluster4co.xml"), 128, 64, {
		{ "cluster", "", 192, 0, 1 },            /* 32 clusters x C(4,2) */
		{ "llc", "", 1792, 0, 4 },               /* 4 L3 x (C(32,2)=496 - 8 x 6) */
		{ "package", "", 2048, 0, 32 },          /* 2 x 32 x 32 (the two L3 of a socket) */
		{ "cross-package:25", "", 1024, 32, 64 },/* node pair 1-2: 32 x 32 */
		{ "cross-package:32", "", 2048, 0, 64 }, /* node pairs 0-2, 1-3 */
		{ "cross-package:33", "", 1024, 0, 96 }, /* node pair 0-3 */
	} },
	/* 4x Xeon 7100: 4 sockets x L3 x 2 cores x 2 SMT = 16, OS P# interleaved over sockets. */
	{ XML("16em64t-4s2c2t.xml"), 16, 64, {   /* cache_linesize 0 in the file: 64 fallback */
		{ "smt", "", 8, 0, 8 },                  /* 8 cores; L#1 = P#8 */
		{ "llc", "", 16, 0, 4 },                 /* 4 x (C(4,2) - 2); L#2 = P#4 */
		{ "cross-package", "", 96, 0, 1 },       /* C(4,2)=6 socket pairs x 4 x 4; single NUMA node */
	} },
	/* SGI UV 2000: 24 sockets x L3 x 8 cores x 2 SMT = 384, one node per socket.  Node pairs
	 * by distance in the file's SLIT: 12 at 50 (the 2 sockets of a blade), 136 at 65, 128 at
	 * 79 (12 + 136 + 128 = C(24,2) = 276); each node pair is 16 x 16 CPU pairs. */
	{ XML("192em64t-24n8c2t.xml"), 384, 64, {
		{ "smt", "", 192, 0, 192 },
		{ "llc", "", 2688, 0, 1 },               /* 24 x (C(16,2) - 8) */
		{ "cross-package:50", "", 3072, 0, 8 },  /* 12 x 256; node 1 = P#8-15,200-207 */
		{ "cross-package:65", "", 34816, 0, 16 },/* 136 x 256 */
		{ "cross-package:79", "", 32768, 0, 80 },/* 128 x 256; node 0-10 is the first at 79 */
	} },
	/* POWER7 LPAR: 64 "packages" = 64 cores x SMT4 = 256, 8 nodes of 8 cores (32 PUs,
	 * P# contiguous), node pairs at 20: (0,1) (4,5) (8,9) (12,13), others 40.  Packages
	 * hold one core, so pairs of cores are cross-package split by distance; :10 = same node. */
	{ XML("256ppc-8n8s4t.xml"), 256, 128, {
		{ "smt", "", 384, 0, 1 },                /* 64 x C(4,2) */
		{ "cross-package:10", "", 3584, 0, 4 },  /* 8 nodes x C(8,2)=28 core pairs x 16 */
		{ "cross-package:20", "", 4096, 0, 32 }, /* 4 node pairs x 32 x 32 */
		{ "cross-package:40", "", 24576, 0, 64 },/* (C(8,2) - 4) x 1024 */
	} },
	/* 2x Xeon E5-2650: 2 x L3 x 8 cores x 2 SMT = 32, P#n/P#n+16, socket 1 = P#8-15,24-31. */
	{ XML("32em64t-2n8c2t-pci-noio.xml"), 32, 64, {
		{ "smt", "", 16, 0, 16 },
		{ "llc", "", 224, 0, 1 },                /* 2 x (C(16,2) - 8) */
		{ "cross-package", "", 256, 0, 8 },      /* 16 x 16, one distance (20) only */
	} },
	/* Xeon Phi 7210: 1 package, 32 tiles (L2) x 2 cores x 4 SMT = 256, P#n,n+64,n+128,n+192. */
	{ XML("Intel-KnightsLanding-XeonPhi-7210.xml"), 256, 64, {
		{ "smt", "", 384, 0, 64 },               /* 64 cores x C(4,2) */
		{ "l2", "", 512, 0, 1 },                 /* 32 tiles x 4 x 4; no L3 */
		{ "package", "", 31744, 0, 2 },          /* 256 x (256 - 8) / 2 */
	} },
	/* i7-1370P: 6 P-cores x 2 SMT (P#0-11) + 8 E-cores in 2 L2 clusters of 4 (P#12-19), one L3. */
	{ XML("Intel-RaptorLake-Corei7-1370P.xml"), 20, 64, {
		{ "smt", "P-core+P-core", 6, 0, 1 },
		{ "l2", "E-core+E-core", 12, 12, 13 },   /* 2 x C(4,2) */
		{ "llc", "P-core+P-core", 60, 0, 2 },    /* C(12,2)=66 - 6 */
		{ "llc", "P-core+E-core", 96, 0, 12 },   /* 12 x 8 */
		{ "llc", "E-core+E-core", 16, 12, 16 },  /* C(8,2)=28 - 12 */
	} },
	/* 2x Xeon 6230, SNC-2: socket = L3 over 2 Groups (MemCache + NUMA node) x 10 cores x 2 SMT.
	 * Sockets even/odd P#; group 0 = P#0,4,..,76, group 1 = P#2,6,..,78.  numa comes before
	 * llc: the groups sit below the socket-wide L3 in the tree. */
	{ XML("memorysidecaches.xml"), 80, 64, {
		{ "smt", "", 40, 0, 40 },
		{ "numa", "", 720, 0, 4 },               /* 4 groups x (C(20,2)=190 - 10) */
		{ "llc", "", 800, 0, 2 },                /* 2 sockets x 20 x 20 */
		{ "cross-package", "", 1600, 0, 1 },     /* 40 x 40, all at 21 */
	} },
};

static void check_machine(const struct machine *m)
{
	struct cp_topo *t;
	struct cp_err e = { 0 };
	struct topo_class *c;
	uint64_t sum = 0;
	int n, nw = 0;

	assert_int_equal(topo_load(m->file, &t, &e), 0);
	assert_false(topo_is_thissystem(t));
	assert_int_equal(topo_ncpus(t), m->npu);
	assert_int_equal(topo_granule(t), m->granule);
	topo_classes(t, &c, &n);
	while (nw < 8 && m->cls[nw].name)
		nw++;
	assert_int_equal(n, nw);
	for (int i = 0; i < n; i++) {
		char name[40];

		assert_string_equal(c[i].name, m->cls[i].name);
		assert_string_equal(c[i].kinds, m->cls[i].kinds);
		assert_int_equal(c[i].pairs, m->cls[i].pairs);
		assert_int_equal(c[i].rep[0], m->cls[i].a);
		assert_int_equal(c[i].rep[1], m->cls[i].b);
		assert_int_equal(topo_class_of_pair(t, c[i].rep[0], c[i].rep[1], name, sizeof(name)), 0);
		assert_string_equal(name, c[i].name);
		sum += c[i].pairs;
	}
	/* every pair in exactly one class */
	assert_int_equal(sum, (uint64_t)m->npu * (m->npu - 1) / 2);
	free(c);
	topo_free(t);
}

static void test_machines(void **state)
{
	for (size_t i = 0; i < sizeof(machines) / sizeof(machines[0]); i++)
		check_machine(&machines[i]);
}

/* This machine: allowed CPUs = the affinity mask (all online here), classes
 * cover C(n,2). */
static void test_this_system(void **state)
{
	struct cp_topo *t;
	struct cp_err e = { 0 };
	struct topo_class *c;
	cpu_set_t set;
	uint64_t sum = 0;
	int n, ncpu;

	assert_int_equal(sched_getaffinity(0, sizeof(set), &set), 0);
	ncpu = CPU_COUNT(&set);
	assert_int_equal(topo_load(NULL, &t, &e), 0);
	assert_true(topo_is_thissystem(t));
	assert_int_equal(topo_ncpus(t), ncpu);
	topo_classes(t, &c, &n);
	for (int i = 0; i < n; i++)
		sum += c[i].pairs;
	assert_int_equal(sum, (uint64_t)ncpu * (ncpu - 1) / 2);
	assert_true(topo_nnodes(t) >= 1);
	assert_true(topo_node_of_cpu(t, topo_cpus(t)[0]) >= 0);
	assert_int_equal(topo_node_of_cpu(t, 100000), -1);
	free(c);
	topo_free(t);
}

static void test_bad_files(void **state)
{
	struct cp_topo *t;
	struct cp_err e = { 0 };

	assert_int_equal(topo_load("tests/topologies/no-such.xml", &t, &e), CP_EUSAGE);
	assert_non_null(strstr(e.msg, "no-such.xml"));
	assert_int_equal(topo_load("tests/topologies/README.md", &t, &e), CP_EUSAGE);
	assert_non_null(strstr(e.msg, "README.md"));
}

/* --pairs: distinct pairs of the class, spread over (package, package) buckets. */
static void test_class_pairs(void **state)
{
	struct cp_topo *t;
	struct cp_err e = { 0 };
	int (*p)[2], n;
	char name[40];

	assert_int_equal(topo_load(XML("AMD-19h-Zen4-2xEpyc-9654.xml"), &t, &e), 0);
	/* 4 smt pairs over 2 packages: 2 per package, the first of each bucket is the
	 * bucket's first pair: (P#0,P#192) on socket 0, (P#96,P#288) on socket 1. */
	assert_int_equal(topo_class_pairs(t, "smt", 4, &p, &n, &e), 0);
	assert_int_equal(n, 4);
	assert_int_equal(p[0][0], 0);
	assert_int_equal(p[0][1], 192);
	assert_int_equal(p[1][0], 96);
	assert_int_equal(p[1][1], 288);
	for (int i = 0; i < n; i++) {
		assert_int_equal(topo_class_of_pair(t, p[i][0], p[i][1], name, sizeof(name)), 0);
		assert_string_equal(name, "smt");
		for (int j = 0; j < i; j++)
			assert_false(p[i][0] == p[j][0] && p[i][1] == p[j][1]);
	}
	free(p);
	/* all 192 smt pairs: distinct; 193 is more than there are */
	assert_int_equal(topo_class_pairs(t, "smt", 192, &p, &n, &e), 0);
	for (int i = 0; i < n; i++)
		assert_int_equal(p[i][1], p[i][0] + 192);
	free(p);
	assert_int_equal(topo_class_pairs(t, "smt", 193, &p, &n, &e), CP_EUNAVAIL);
	assert_int_equal(topo_class_pairs(t, "numa", 1, &p, &n, &e), CP_EUNAVAIL);
	assert_non_null(strstr(e.msg, "smt, llc, package, cross-package"));
	topo_free(t);
}

static void test_resolve(void **state)
{
	struct cp_topo *t;
	struct cp_err e = { 0 };
	struct cp_place_req o = { 0 };
	struct cp_placement p;

	assert_int_equal(topo_load(XML("memorysidecaches.xml"), &t, &e), 0);
	/* neither option: first pair of allowed CPUs, L#0 L#1 = P#0 P#40, smt */
	assert_int_equal(topo_resolve_pairs(t, &o, &p, &e), 0);
	assert_string_equal(p.class_name, "smt");
	assert_int_equal(p.npairs, 1);
	assert_int_equal(p.pairs[0][1], 40);
	cp_placement_free(&p);
	o.placement = "llc";
	assert_int_equal(topo_resolve_pairs(t, &o, &p, &e), 0);
	assert_int_equal(p.pairs[0][0], 0);
	assert_int_equal(p.pairs[0][1], 2);
	cp_placement_free(&p);
	o.placement = "l3";
	assert_int_equal(topo_resolve_pairs(t, &o, &p, &e), CP_EUSAGE);
	assert_non_null(strstr(e.msg, "'l3'"));
	assert_non_null(strstr(e.msg, "cluster"));
	o.placement = "cluster";
	assert_int_equal(topo_resolve_pairs(t, &o, &p, &e), CP_EUNAVAIL);
	assert_non_null(strstr(e.msg, "smt, numa, llc, cross-package"));
	o.placement = NULL;
	o.cpus = "1,3";   /* both odd: socket 1, nodes 1 and 3 (different SNC halves) */
	assert_int_equal(topo_resolve_pairs(t, &o, &p, &e), 0);
	assert_string_equal(p.class_name, "llc");
	cp_placement_free(&p);
	o.cpus = "0,80";  /* P#80 is not in the file */
	assert_int_equal(topo_resolve_pairs(t, &o, &p, &e), CP_EUSAGE);
	assert_non_null(strstr(e.msg, "80"));
	topo_free(t);
}

/* --mem-node on memorysidecaches: nodes 0,2 on socket 0 (distance 11), 1,3 on socket 1. */
static void test_mem_node(void **state)
{
	struct cp_topo *t;
	struct cp_err e = { 0 };
	int node;

	assert_int_equal(topo_load(XML("memorysidecaches.xml"), &t, &e), 0);
	assert_int_equal(topo_mem_node(t, "b", 0, 1, &node, &e), 0);
	assert_int_equal(node, 1);
	/* CPUs 0 and 4 on node 0: the nearest other node is its SNC twin, node 2 */
	assert_int_equal(topo_mem_node(t, "other", 0, 4, &node, &e), 0);
	assert_int_equal(node, 2);
	assert_int_equal(topo_mem_node(t, "3", 0, 4, &node, &e), 0);
	assert_int_equal(node, 3);
	assert_int_equal(topo_mem_node(t, "4", 0, 4, &node, &e), CP_EUNAVAIL);
	assert_non_null(strstr(e.msg, "needs NUMA node 4, this machine has 4 nodes"));
	assert_int_equal(topo_mem_node(t, "near", 0, 4, &node, &e), CP_EUSAGE);
	assert_non_null(strstr(e.msg, "'near'"));
	topo_free(t);
	/* single node: no "other" */
	assert_int_equal(topo_load(XML("Intel-KnightsLanding-XeonPhi-7210.xml"), &t, &e), 0);
	assert_int_equal(topo_mem_node(t, "other", 0, 1, &node, &e), CP_EUNAVAIL);
	assert_int_equal(topo_mem_node(t, "1", 0, 1, &node, &e), CP_EUNAVAIL);
	assert_non_null(strstr(e.msg, "needs NUMA node 1, this machine has 1 node (0)"));
	topo_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_machines),
		cmocka_unit_test(test_this_system),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_class_pairs),
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_mem_node),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
