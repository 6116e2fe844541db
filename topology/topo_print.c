/* topo_print.c: `cachepong topo` output, a table for people (fits 80
 * columns but for long CPU lists, which wrap) and JSON for scripts (the
 * schema is in topology/README.md; keys are only ever added). */
#include "topo_int.h"

#include <stdlib.h>
#include <string.h>
#include "have_numa.h"   /* HAVE_NUMA, from tools/configure.sh */
#ifdef HAVE_NUMA
#include <numa.h>
#endif

#include "json_out.h"
#include "parse.h"

#define WRAP 78

/* OS numbers of the allowed PUs inside set, ascending, as "0-95,192-287". */
static char *cpus_in(const struct cp_topo *t, hwloc_const_cpuset_t set, char *buf, size_t len)
{
	int *v = cp_xcalloc((size_t)t->npu + 1, sizeof(int)), n = 0;
	struct cpulist l;

	for (int os = 0; os <= t->max_os; os++)
		if (t->pu_of_os[os] >= 0 && hwloc_bitmap_isset(set, (unsigned)os))
			v[n++] = os;
	l.n = n;
	l.cpu = v;
	if (n)
		cpulist_format(&l, buf, len);
	else
		snprintf(buf, len, "none");
	free(v);
	return buf;
}

/* Print "label text" wrapping text at commas, continuation lines indented. */
static void wrapped(FILE *f, const char *label, const char *text)
{
	int col = fprintf(f, "%s", label), ind = col;

	while (*text) {
		const char *c = strchr(text, ',');
		int l = c ? (int)(c - text) + 1 : (int)strlen(text);

		if (col + l > WRAP && col > ind) {
			col = fprintf(f, "\n%*s", ind, "") - 1;
		}
		col += fprintf(f, "%.*s", l, text);
		text += l;
	}
	fputc('\n', f);
}

/* 31.4G, 28M, 512K: one decimal where it says something. */
static char *human(uint64_t b, char *buf, size_t len)
{
	static const char units[] = "KMGTP";
	double v = (double)b / 1024;
	int u = 0;

	while (v >= 1024 && units[u + 1]) {
		v /= 1024;
		u++;
	}
	if (v == (double)(uint64_t)v)
		snprintf(buf, len, "%llu%c", (unsigned long long)v, units[u]);
	else
		snprintf(buf, len, "%.1f%c", v, units[u]);
	return buf;
}

static uint64_t node_free(const struct cp_topo *t, hwloc_obj_t n, int *known)
{
	*known = 0;
#ifdef HAVE_NUMA
	if (t->thissystem && numa_available() >= 0) {
		long long fr = 0;

		if (numa_node_size64((int)n->os_index, &fr) >= 0) {
			*known = 1;
			return (uint64_t)fr;
		}
	}
#else
	(void)t;
	(void)n;
#endif
	return 0;
}

/* One line per cache kind and shape: "L3 32M x24, each 8 cores / 16 PUs". */
struct cache_row { char type[16]; uint64_t size; unsigned line; int pus, cores, count; };

static int cache_rows(const struct cp_topo *t, struct cache_row **rows)
{
	int n = 0, cap = 0, depth = hwloc_topology_get_depth(t->h);

	*rows = NULL;
	for (int d = depth - 1; d >= 0; d--) {
		if (!hwloc_obj_type_is_cache(hwloc_get_depth_type(t->h, d)))
			continue;
		for (hwloc_obj_t o = hwloc_get_next_obj_by_depth(t->h, d, NULL); o;
		     o = hwloc_get_next_obj_by_depth(t->h, d, o)) {
			struct cache_row r = { .size = o->attr->cache.size, .line = o->attr->cache.linesize, .count = 1 };
			int i;

			hwloc_obj_type_snprintf(r.type, sizeof(r.type), o, 0);
			r.pus = hwloc_bitmap_weight(o->cpuset);
			r.cores = hwloc_get_nbobjs_inside_cpuset_by_type(t->h, o->cpuset, HWLOC_OBJ_CORE);
			for (i = 0; i < n; i++)
				if (!strcmp((*rows)[i].type, r.type) && (*rows)[i].size == r.size &&
				    (*rows)[i].pus == r.pus && (*rows)[i].cores == r.cores)
					break;
			if (i < n) {
				(*rows)[i].count++;
				continue;
			}
			if (n == cap) {
				cap = cap ? cap * 2 : 8;
				*rows = realloc(*rows, (size_t)cap * sizeof(**rows));
				if (!*rows)
					cp_die(CP_ERUN, "out of memory");
			}
			(*rows)[n++] = r;
		}
	}
	return n;
}

/* Up to npairs sampled pairs of each class name (all of them when fewer). */
static int sample(const struct cp_topo *t, int ci, int npairs, int (**pairs)[2], int *n)
{
	uint64_t total = 0;
	struct cp_err e = { 0 };

	for (int i = 0; i < t->ncls; i++)
		if (!strcmp(t->cls[i].pub.name, t->cls[ci].pub.name))
			total += t->cls[i].pub.pairs;
	if ((uint64_t)npairs > total)
		npairs = (int)total;
	return topo_class_pairs(t, t->cls[ci].pub.name, npairs, pairs, n, &e);
}

static int first_of_name(const struct cp_topo *t, int i)
{
	return !i || strcmp(t->cls[i].pub.name, t->cls[i - 1].pub.name);
}

static void print_table(const struct cp_topo *t, FILE *f, int npairs)
{
	int ncore = hwloc_get_nbobjs_by_type(t->h, HWLOC_OBJ_CORE);
	int npu = hwloc_get_nbobjs_by_type(t->h, HWLOC_OBJ_PU);
	int ndie = hwloc_get_nbobjs_by_type(t->h, HWLOC_OBJ_DIE);
	hwloc_obj_t root = hwloc_get_root_obj(t->h);
	struct cache_row *cr;
	char buf[8192], lab[128], s1[32], s2[32];
	int ncr;

	fprintf(f, "model      %s%s\n", t->model, t->thissystem ? "" : "  (topology file, not this machine)");
	fprintf(f, "machine    packages %d, dies %d, NUMA nodes %d, cores %d, PUs %d\n",
		t->npkg, ndie, t->nnodes, ncore, npu);
	wrapped(f, "allowed    ", cpus_in(t, root->cpuset, buf, sizeof(buf)));
	fprintf(f, "granule    %d B (L1d line size)\n", t->granule);
	for (int i = 0; i < t->npkg; i++) {
		hwloc_obj_t p = hwloc_get_obj_by_type(t->h, HWLOC_OBJ_PACKAGE, (unsigned)i);

		snprintf(lab, sizeof(lab), "package %-2d %d cores, %d dies, CPUs ", i,
			 hwloc_get_nbobjs_inside_cpuset_by_type(t->h, p->cpuset, HWLOC_OBJ_CORE),
			 hwloc_get_nbobjs_inside_cpuset_by_type(t->h, p->cpuset, HWLOC_OBJ_DIE));
		wrapped(f, lab, cpus_in(t, p->cpuset, buf, sizeof(buf)));
	}
	for (int i = 0; i < t->nnodes; i++) {
		hwloc_obj_t n = t->nodes[i];
		int known;
		uint64_t fr = node_free(t, n, &known);

		human(n->attr->numanode.local_memory, s1, sizeof(s1));
		human(fr, s2, sizeof(s2));
		snprintf(lab, sizeof(lab), "node %-4u  %s%s%s, CPUs ", n->os_index,
			 n->attr->numanode.local_memory ? s1 : "? B",
			 known ? " free " : "", known ? s2 : "");
		wrapped(f, lab, cpus_in(t, n->cpuset, buf, sizeof(buf)));
	}
	if (t->dist) {
		fprintf(f, "distances  node:");
		for (int j = 0; j < t->nnodes && t->nnodes <= 16; j++)
			fprintf(f, "%4u", t->nodes[j]->os_index);
		fputc('\n', f);
		for (int i = 0; i < t->nnodes; i++) {
			int off = snprintf(buf, sizeof(buf), "%s", "");

			for (int j = 0; j < t->nnodes; j++)
				off += snprintf(buf + off, sizeof(buf) - (size_t)off, t->nnodes <= 16 ? "%4d" : "%d,",
						(int)t->dist[i * t->nnodes + j]);
			snprintf(lab, sizeof(lab), "%15u ", t->nodes[i]->os_index);
			wrapped(f, lab, buf);
		}
	}
	ncr = cache_rows(t, &cr);
	for (int i = 0; i < ncr; i++) {
		char each[64];

		/* a cache below a core (one per SMT thread) holds no whole core */
		if (cr[i].cores)
			snprintf(each, sizeof(each), "%d core%s / %d PU%s", cr[i].cores, cr[i].cores == 1 ? "" : "s",
				 cr[i].pus, cr[i].pus == 1 ? "" : "s");
		else
			snprintf(each, sizeof(each), "%d PU%s of a core", cr[i].pus, cr[i].pus == 1 ? "" : "s");
		fprintf(f, "cache      %-4s %6s x%-4d each %s, line %u B\n", cr[i].type,
			human(cr[i].size, s1, sizeof(s1)), cr[i].count, each, cr[i].line);
	}
	free(cr);
	fprintf(f, "\n%-20s %-14s %10s  %s\n", "class", t->nkinds ? "kinds" : "", "pairs", "representative (OS CPUs)");
	for (int i = 0; i < t->ncls; i++) {
		const struct topo_class *c = &t->cls[i].pub;
		int (*pp)[2] = NULL, n = 0;

		fprintf(f, "%-20s %-14s %10llu  %d,%d\n", c->name, c->kinds, (unsigned long long)c->pairs,
			c->rep[0], c->rep[1]);
		if (!npairs || !first_of_name(t, i) || sample(t, i, npairs, &pp, &n))
			continue;
		for (int j = 0, off = 0; j < n; j++)
			off += snprintf(buf + off, sizeof(buf) - (size_t)off, "%s%d:%d", j ? "," : "", pp[j][0], pp[j][1]);
		wrapped(f, "  sample (a:b)       ", n ? buf : "none");
		free(pp);
	}
	if (!t->ncls)
		fprintf(f, "(none: fewer than 2 allowed CPUs)\n");
}

static json_t *cpus_json(const struct cp_topo *t)
{
	json_t *a = json_array();

	for (int i = 0; i < t->npu; i++) {
		hwloc_obj_t core = hwloc_get_ancestor_obj_by_type(t->h, HWLOC_OBJ_CORE, t->pu[i].obj);
		json_t *o = json_pack("{s:i, s:i, s:i, s:i, s:i}", "os", t->pu[i].os, "logical",
				      (int)t->pu[i].obj->logical_index, "core", core ? (int)core->logical_index : -1,
				      "package", t->pu[i].pkg, "node", topo_node_of_cpu(t, t->pu[i].os));

		if (t->nkinds)
			json_object_set_new(o, "kind", json_text(t->kind_name[t->pu[i].kind]));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *nodes_json(const struct cp_topo *t)
{
	json_t *a = json_array();
	char buf[8192];

	for (int i = 0; i < t->nnodes; i++) {
		int known;
		uint64_t fr = node_free(t, t->nodes[i], &known);

		json_array_append_new(a, json_pack("{s:i, s:I, s:o, s:s}", "os", (int)t->nodes[i]->os_index,
						   "memory_bytes", (json_int_t)t->nodes[i]->attr->numanode.local_memory,
						   "free_bytes", known ? json_integer((json_int_t)fr) : json_null(),
						   "cpus", cpus_in(t, t->nodes[i]->cpuset, buf, sizeof(buf))));
	}
	return a;
}

static json_t *distances_json(const struct cp_topo *t)
{
	json_t *a;

	if (!t->dist)
		return json_null();
	a = json_array();
	for (int i = 0; i < t->nnodes; i++) {
		json_t *row = json_array();

		for (int j = 0; j < t->nnodes; j++)
			json_array_append_new(row, json_integer((json_int_t)t->dist[i * t->nnodes + j]));
		json_array_append_new(a, row);
	}
	return a;
}

static json_t *caches_json(const struct cp_topo *t)
{
	struct cache_row *cr;
	int ncr = cache_rows(t, &cr);
	json_t *a = json_array();

	for (int i = 0; i < ncr; i++)
		json_array_append_new(a, json_pack("{s:s, s:I, s:i, s:i, s:i, s:i}", "type", cr[i].type, "size_bytes",
						   (json_int_t)cr[i].size, "linesize", (int)cr[i].line, "count",
						   cr[i].count, "cores_each", cr[i].cores, "pus_each", cr[i].pus));
	free(cr);
	return a;
}

static json_t *classes_json(const struct cp_topo *t, int npairs)
{
	json_t *a = json_array();

	for (int i = 0; i < t->ncls; i++) {
		const struct topo_class *c = &t->cls[i].pub;
		int (*pp)[2] = NULL, n = 0;
		json_t *o = json_pack("{s:s, s:s, s:I, s:[i, i]}", "name", c->name, "kinds", c->kinds, "pairs",
				      (json_int_t)c->pairs, "representative", c->rep[0], c->rep[1]);

		if (npairs && first_of_name(t, i) && !sample(t, i, npairs, &pp, &n)) {
			json_t *s = json_array();

			for (int j = 0; j < n; j++)
				json_array_append_new(s, json_pack("[i, i]", pp[j][0], pp[j][1]));
			json_object_set_new(o, "sample", s);
			free(pp);
		}
		json_array_append_new(a, o);
	}
	return a;
}

static void print_json(const struct cp_topo *t, FILE *f, int npairs)
{
	hwloc_obj_t root = hwloc_get_root_obj(t->h);
	char buf[8192];
	json_t *o = json_object();

	json_object_set_new(o, "this_system", json_boolean(t->thissystem));
	json_object_set_new(o, "cpu_model", json_text(t->model));
	json_object_set_new(o, "granule", json_integer(t->granule));
	json_object_set_new(o, "packages", json_integer(t->npkg));
	json_object_set_new(o, "dies", json_integer(hwloc_get_nbobjs_by_type(t->h, HWLOC_OBJ_DIE)));
	json_object_set_new(o, "cores", json_integer(hwloc_get_nbobjs_by_type(t->h, HWLOC_OBJ_CORE)));
	json_object_set_new(o, "pus", json_integer(hwloc_get_nbobjs_by_type(t->h, HWLOC_OBJ_PU)));
	json_object_set_new(o, "allowed", json_integer(t->npu));
	json_object_set_new(o, "allowed_cpus", json_text(cpus_in(t, root->cpuset, buf, sizeof(buf))));
	json_object_set_new(o, "cpus", cpus_json(t));
	json_object_set_new(o, "numa_nodes", nodes_json(t));
	json_object_set_new(o, "distances", distances_json(t));
	json_object_set_new(o, "caches", caches_json(t));
	json_object_set_new(o, "classes", classes_json(t, npairs));
	json_dumpf(o, f, CP_JSON_FLAGS);
	fputc('\n', f);
	json_decref(o);
}

int topo_print(const struct cp_topo *t, FILE *f, int format, int npairs, struct cp_err *e)
{
	if (format == TOPO_OUT_JSON)
		print_json(t, f, npairs);
	else
		print_table(t, f, npairs);
	if (ferror(f))
		return cp_errf(e, CP_ERUN, "writing the topology failed");
	return 0;
}
