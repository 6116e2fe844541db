/* topo.h: the machine's topology (hwloc + libnuma), or a saved one
 * (--topology-xml), and the placement classes of pairs of CPUs.
 *
 * CPUs are OS numbers (P#) in this interface, as in taskset/numactl; the
 * logic inside uses hwloc's logical order, because OS numbers interleave
 * (SMT siblings P#n / P#n+N, sockets even/odd).  Only allowed CPUs count:
 * on this machine the online CPUs in this process's affinity mask, for an
 * XML file every PU of the file.  Class definitions: topology/README.md. */
#ifndef TOPO_H
#define TOPO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cp.h"

struct cp_topo;

/* Load this machine (xml_or_null NULL) or an hwloc XML file; CP_EUSAGE
 * naming the file when it is missing or malformed. */
int  topo_load(const char *xml_or_null, struct cp_topo **t, struct cp_err *e);
void topo_free(struct cp_topo *t);
int  topo_is_thissystem(const struct cp_topo *t);

int  topo_nnodes(const struct cp_topo *t);
int  topo_node_of_cpu(const struct cp_topo *t, int os_cpu);   /* OS node number, -1 if unknown */
int  topo_granule(const struct cp_topo *t);                    /* bytes: L1d line, else sysconf, else 64 */
const char *topo_cpu_model(const struct cp_topo *t);

/* Allowed CPUs (OS numbers, in logical order); valid while t lives. */
int  topo_ncpus(const struct cp_topo *t);
const int *topo_cpus(const struct cp_topo *t);
/* NUMA distance between the nodes of two CPUs; 0 when unknown. */
int  topo_cpu_distance(const struct cp_topo *t, int a, int b);

/* Every CPU of cpus[] is an allowed CPU of t (on this machine also checked
 * against the affinity mask); CP_EUSAGE naming the CPU and the allowed set. */
int  topo_check_cpus(const struct cp_topo *t, const int *cpus, int n, struct cp_err *e);

/* ---- placement classes ---- */

/* Class of a pair of OS CPUs, e.g. "llc" or "cross-package:21".
 * Returns 0, or -1 when a CPU is not allowed / a == b. */
int  topo_class_of_pair(const struct cp_topo *t, int a, int b, char *name, size_t len);

/* kinds "" when the CPUs are not hybrid, else e.g. "P-core+E-core". */
struct topo_class { char name[40]; char kinds[40]; uint64_t pairs; int rep[2]; };

/* Classes present (one entry per class and kind combination), nearest
 * first; *cls is malloc'd, the caller frees it. */
int  topo_classes(const struct cp_topo *t, struct topo_class **cls, int *n);

/* npairs distinct pairs of class cls (all its kind combinations), spread
 * round-robin over (package, package) buckets, evenly inside each bucket;
 * deterministic.  *pairs is malloc'd (OS numbers), *n = npairs. */
int  topo_class_pairs(const struct cp_topo *t, const char *cls, int npairs,
		      int (**pairs)[2], int *n, struct cp_err *e);

/* ---- for the commands that need pairs of CPUs ---- */

/* --cpus A,B -> that pair; --placement CLASS -> its representative pair, or
 * --pairs N of them; neither -> the first pair of allowed CPUs (--pairs N:
 * N pairs of that pair's class).  class_name is always the class of the
 * pairs, computed from the topology. */
struct cp_placement { char class_name[40]; int npairs; int (*pairs)[2]; };
/* What a command asked: --cpus, --placement, --pairs (NULL / 0: not given). */
struct cp_place_req {
	const char *cpus, *placement;
	int pairs;
};
int  topo_resolve_pairs(const struct cp_topo *t, const struct cp_place_req *o,
			struct cp_placement *p, struct cp_err *e);
void cp_placement_free(struct cp_placement *p);

/* --mem-node: a node number, "a" / "b" (node of cpu_a / cpu_b), "other"
 * (a node neither CPU is on, the nearest to cpu_a's node). */
int  topo_mem_node(const struct cp_topo *t, const char *spec, int cpu_a, int cpu_b,
		   int *node, struct cp_err *e);

/* ---- cachepong topo ---- */
enum { TOPO_OUT_TABLE, TOPO_OUT_JSON };
int  topo_print(const struct cp_topo *t, FILE *f, int format, int npairs, struct cp_err *e);

#endif
