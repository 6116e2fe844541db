/* topo_load.c: discovery (hwloc, libnuma) or a saved hwloc XML file, and
 * the simple facts: allowed CPUs, their nodes, distances, granule, model. */
#include "topo_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "have_numa.h"   /* HAVE_NUMA, from tools/configure.sh */
#ifdef HAVE_NUMA
#include <numa.h>
#endif

#include "parse.h"

/* hwloc cpukind CoreType infos -> the names users know. */
static const struct { const char *core_type, *name; } kind_names[] = {
	{ "IntelCore", "P-core" },
	{ "IntelAtom", "E-core" },
};

/* The largest topology file read: the 24-socket XMLs of the tests are
 * under 1 MiB; a machine with thousands of PUs and its PCI tree stays far
 * below this. */
#define TOPO_XML_MAX_BYTES (64 << 20)

static int load_hwloc(struct cp_topo *t, const char *xml, struct cp_err *e)
{
	if (hwloc_topology_init(&t->h))
		return cp_errf(e, CP_ERUN, "hwloc_topology_init: %s", strerror(errno));
	if (xml) {
		/* hwloc names neither the file nor the reason; check readability first */
		struct stat st;

		if (access(xml, R_OK) || stat(xml, &st))
			return cp_errf(e, CP_EUSAGE, "--topology-xml: cannot read '%s': %s",
				       xml, strerror(errno));
		/* a device or a pipe would be read without end */
		if (!S_ISREG(st.st_mode) || st.st_size > TOPO_XML_MAX_BYTES)
			return cp_errf(e, CP_EUSAGE, "--topology-xml: '%s' is %s: allowed a regular file "
				       "of at most %d MiB (lstopo --of xml)", xml,
				       S_ISREG(st.st_mode) ? "too large" : "not a regular file",
				       TOPO_XML_MAX_BYTES >> 20);
		if (hwloc_topology_set_xml(t->h, xml) || hwloc_topology_load(t->h))
			return cp_errf(e, CP_EUSAGE,
				       "--topology-xml: '%s' is not a topology hwloc can load "
				       "(expected hwloc XML v2, as written by lstopo --of xml)", xml);
	} else if (hwloc_topology_load(t->h)) {
		return cp_errf(e, CP_ERUN, "hwloc_topology_load: %s", strerror(errno));
	}
	t->thissystem = hwloc_topology_is_thissystem(t->h);
	return 0;
}

/* Allowed PUs: hwloc already drops offline and cgroup-disallowed ones; on
 * this system also keep only the affinity mask (taskset, cpusets). */
static int load_pus(struct cp_topo *t, struct cp_err *e)
{
	int npu = hwloc_get_nbobjs_by_type(t->h, HWLOC_OBJ_PU);
	struct cpulist aff = { 0 };
	hwloc_bitmap_t ok = hwloc_bitmap_alloc_full();

	if (t->thissystem) {
		int rc = cpulist_allowed(&aff, e);

		if (rc) {
			hwloc_bitmap_free(ok);
			return rc;
		}
		hwloc_bitmap_zero(ok);
		for (int i = 0; i < aff.n; i++)
			hwloc_bitmap_set(ok, (unsigned)aff.cpu[i]);
		cpulist_free(&aff);
	}
	t->pu = cp_xcalloc((size_t)npu + 1, sizeof(*t->pu));
	t->max_os = 0;
	for (int i = 0; i < npu; i++) {
		hwloc_obj_t o = hwloc_get_obj_by_type(t->h, HWLOC_OBJ_PU, (unsigned)i);

		if (!hwloc_bitmap_isset(ok, o->os_index))
			continue;
		t->pu[t->npu].os = (int)o->os_index;
		t->pu[t->npu].obj = o;
		if ((int)o->os_index > t->max_os)
			t->max_os = (int)o->os_index;
		t->npu++;
	}
	hwloc_bitmap_free(ok);
	t->pu_of_os = cp_xcalloc((size_t)t->max_os + 1, sizeof(int));
	memset(t->pu_of_os, 0xff, ((size_t)t->max_os + 1) * sizeof(int));
	t->os_list = cp_xcalloc((size_t)t->npu + 1, sizeof(int));
	for (int i = 0; i < t->npu; i++) {
		t->pu_of_os[t->pu[i].os] = i;
		t->os_list[i] = t->pu[i].os;
	}
	return 0;
}

static void load_nodes(struct cp_topo *t)
{
	unsigned nr = 1;
	struct hwloc_distances_s *d[1] = { NULL };

	t->nnodes = hwloc_get_nbobjs_by_type(t->h, HWLOC_OBJ_NUMANODE);
	t->nodes = cp_xcalloc((size_t)t->nnodes + 1, sizeof(*t->nodes));
	for (int i = 0; i < t->nnodes; i++)
		t->nodes[i] = hwloc_get_obj_by_type(t->h, HWLOC_OBJ_NUMANODE, (unsigned)i);
	t->npkg = hwloc_get_nbobjs_by_type(t->h, HWLOC_OBJ_PACKAGE);
	for (int i = 0; i < t->npu; i++) {
		hwloc_obj_t pkg = hwloc_get_ancestor_obj_by_type(t->h, HWLOC_OBJ_PACKAGE, t->pu[i].obj);

		t->pu[i].pkg = pkg ? (int)pkg->logical_index : 0;
		t->pu[i].node = -1;
		/* first node in logical order: DRAM before HBM/CXL of the same CPUs */
		for (int n = 0; n < t->nnodes && t->pu[i].node < 0; n++)
			if (hwloc_bitmap_isset(t->nodes[n]->cpuset, t->pu[i].obj->os_index))
				t->pu[i].node = n;
	}
	if (t->nnodes < 2)
		return;
	if (!hwloc_distances_get_by_name(t->h, "NUMALatency", &nr, d, 0) && nr >= 1) {
		t->dist = cp_xcalloc((size_t)t->nnodes * t->nnodes, sizeof(uint64_t));
		for (int i = 0; i < t->nnodes; i++)
			for (int j = 0; j < t->nnodes; j++) {
				int a = hwloc_distances_obj_index(d[0], t->nodes[i]);
				int b = hwloc_distances_obj_index(d[0], t->nodes[j]);

				if (a >= 0 && b >= 0)
					t->dist[i * t->nnodes + j] = d[0]->values[a * (int)d[0]->nbobjs + b];
			}
		hwloc_distances_release(t->h, d[0]);
		return;
	}
#ifdef HAVE_NUMA
	/* hwloc found no matrix; the kernel's SLIT through libnuma, this machine only */
	if (t->thissystem && numa_available() >= 0) {
		t->dist = cp_xcalloc((size_t)t->nnodes * t->nnodes, sizeof(uint64_t));
		for (int i = 0; i < t->nnodes; i++)
			for (int j = 0; j < t->nnodes; j++)
				t->dist[i * t->nnodes + j] = (uint64_t)numa_distance(
					(int)t->nodes[i]->os_index, (int)t->nodes[j]->os_index);
	}
#endif
}

static void load_kinds(struct cp_topo *t)
{
	int nk = hwloc_cpukinds_get_nr(t->h, 0);

	if (nk < 2 || nk > TOPO_MAX_KINDS)
		return;   /* one kind: not hybrid (kinds "" everywhere) */
	t->nkinds = nk;
	for (int k = 0; k < nk; k++) {
		unsigned ninfo = 0;
		struct hwloc_info_s *inf = NULL;
		int eff;

		snprintf(t->kind_name[k], sizeof(t->kind_name[k]), "kind%d", k);
		if (hwloc_cpukinds_get_info(t->h, (unsigned)k, NULL, &eff, &ninfo, &inf, 0))
			continue;
		for (unsigned i = 0; i < ninfo; i++)
			for (size_t j = 0; j < CP_ARRAY_SIZE(kind_names); j++)
				if (!strcmp(inf[i].name, "CoreType") &&
				    !strcmp(inf[i].value, kind_names[j].core_type))
					snprintf(t->kind_name[k], sizeof(t->kind_name[k]), "%s",
						 kind_names[j].name);
	}
	for (int i = 0; i < t->npu; i++) {
		int k = hwloc_cpukinds_get_by_cpuset(t->h, t->pu[i].obj->cpuset, 0);

		t->pu[i].kind = k < 0 ? 0 : k;
	}
}

/* The coherence granule: the L1d line size of the first PU. */
static void load_granule(struct cp_topo *t)
{
	hwloc_obj_t o = t->npu ? t->pu[0].obj : hwloc_get_obj_by_type(t->h, HWLOC_OBJ_PU, 0);

	for (; o && !t->granule; o = o->parent)
		if ((o->type == HWLOC_OBJ_L1CACHE) && o->attr->cache.linesize)
			t->granule = (int)o->attr->cache.linesize;
	/* sysconf describes this machine, never the one of an XML file */
	if (!t->granule && t->thissystem) {
		long l = sysconf(_SC_LEVEL1_DCACHE_LINESIZE);

		if (l > 0 && l <= CP_GRANULE_MAX)
			t->granule = (int)l;
	}
	if (!t->granule)
		t->granule = 64;
}

static void load_model(struct cp_topo *t)
{
	static const char *const keys[] = { "CPUModel", "CPUType", "ModelName" };
	hwloc_obj_t pkg = hwloc_get_obj_by_type(t->h, HWLOC_OBJ_PACKAGE, 0);
	hwloc_obj_t root = hwloc_get_root_obj(t->h);
	const char *v = NULL;

	for (size_t i = 0; i < CP_ARRAY_SIZE(keys) && !v; i++) {
		v = pkg ? hwloc_obj_get_info_by_name(pkg, keys[i]) : NULL;
		if (!v)
			v = hwloc_obj_get_info_by_name(root, keys[i]);
	}
	if (!v)
		v = "unknown";
	snprintf(t->model, sizeof(t->model), "%s", v);
	/* x86 CPUID pads the brand string with spaces */
	for (size_t n = strlen(t->model); n && t->model[n - 1] == ' '; n--)
		t->model[n - 1] = 0;
}

int topo_load(const char *xml_or_null, struct cp_topo **out, struct cp_err *e)
{
	struct cp_topo *t = cp_xcalloc(1, sizeof(*t));
	int rc = load_hwloc(t, xml_or_null, e);

	if (!rc)
		rc = load_pus(t, e);
	if (rc) {
		topo_free(t);
		*out = NULL;
		return rc;
	}
	load_nodes(t);
	load_kinds(t);
	load_granule(t);
	load_model(t);
	topo_classify(t);
	*out = t;
	return 0;
}

void topo_free(struct cp_topo *t)
{
	if (!t)
		return;
	if (t->h)
		hwloc_topology_destroy(t->h);
	free(t->pu);
	free(t->pu_of_os);
	free(t->os_list);
	free(t->nodes);
	free(t->dist);
	free(t->cls);
	free(t);
}

int topo_is_thissystem(const struct cp_topo *t) { return t->thissystem; }
int topo_nnodes(const struct cp_topo *t) { return t->nnodes; }
int topo_granule(const struct cp_topo *t) { return t->granule; }
const char *topo_cpu_model(const struct cp_topo *t) { return t->model; }
int topo_ncpus(const struct cp_topo *t) { return t->npu; }

const int *topo_cpus(const struct cp_topo *t) { return t->os_list; }

int topo_node_of_cpu(const struct cp_topo *t, int os_cpu)
{
	int i = topo_pu_index(t, os_cpu);
	hwloc_obj_t pu;

	if (i >= 0)
		return t->pu[i].node < 0 ? -1 : (int)t->nodes[t->pu[i].node]->os_index;
	/* a CPU outside the affinity mask still has a node */
	pu = hwloc_get_pu_obj_by_os_index(t->h, (unsigned)(os_cpu < 0 ? 0 : os_cpu));
	if (os_cpu < 0 || !pu)
		return -1;
	for (int n = 0; n < t->nnodes; n++)
		if (hwloc_bitmap_isset(t->nodes[n]->cpuset, pu->os_index))
			return (int)t->nodes[n]->os_index;
	return -1;
}

int topo_cpu_distance(const struct cp_topo *t, int a, int b)
{
	int ia = topo_pu_index(t, a), ib = topo_pu_index(t, b);

	if (ia < 0 || ib < 0 || !t->dist || t->pu[ia].node < 0 || t->pu[ib].node < 0)
		return 0;
	return (int)t->dist[t->pu[ia].node * t->nnodes + t->pu[ib].node];
}
