/* schema_json.c: the JSON Schema (draft 2020-12) documents of what
 * cachepong writes, from the lists that the writers use: the columns of a
 * result row (CP_COLUMNS, schema.h), the keys of meta.json (CP_META_KEYS,
 * meta.h) and topo.json's fields.  `cachepong schema NAME` prints one; the
 * build writes them all to build/schema/ and the package ships them in
 * /usr/share/cachepong/schema.  Each names the schema version in its $id: a
 * file of another version does not validate. */
#include <stdio.h>
#include <string.h>

#include "json_out.h"
#include "meta.h"
#include "result_int.h"
#include "schema.h"
#include "schema_json.h"

#define SCHEMA_DRAFT "https://json-schema.org/draft/2020-12/schema"

/* {"type": [...]} of "string|null" */
static json_t *types(const char *list)
{
	json_t *a = json_array();
	char buf[64];

	snprintf(buf, sizeof(buf), "%s", list);
	for (char *save = NULL, *t = strtok_r(buf, "|", &save); t; t = strtok_r(NULL, "|", &save))
		json_array_append_new(a, json_string(t));
	return json_pack("{s:o}", "type", a);
}

static json_t *described(json_t *o, const char *what)
{
	json_object_set_new(o, "description", json_string(what));
	return o;
}

/* A closed object: these properties, all required. */
static json_t *closed(json_t *props)
{
	json_t *req = json_array();
	const char *k;
	json_t *v;

	json_object_foreach(props, k, v)
		json_array_append_new(req, json_string(k));
	return json_pack("{s:s, s:o, s:o, s:b}", "type", "object", "properties", props, "required", req,
			 "additionalProperties", 0);
}

/* The JSON type of a column as result.c writes it (result_cols.c): text,
 * a whole number or a number; null where a row has none. */
static const char *col_types(enum ckind k)
{
	switch (k) {
	case C_STR: case C_EXT: case C_CPUS: case C_MODE_P50: case C_MODE_W: return "string|null";
	case C_U64: case C_UNS: case C_CPU_A: case C_CPU_B: case C_NODE: case C_CNT: case C_MODES:
		return "integer|null";
	default: return "number|null";
	}
}

/* One result row: every column of CP_COLUMNS, the counters as ctr:NAME. */
static json_t *row_schema(void)
{
	json_t *props = json_object(), *order = json_array(), *keys = json_array(), *o;

#define COL_PROP(n, k, f, key)                                                   \
	json_object_set_new(props, #n, types(col_types(k)));                    \
	json_array_append_new(order, json_string(#n));                          \
	if (key)                                                                 \
		json_array_append_new(keys, json_string(#n));
	CP_COLUMNS(COL_PROP)
#undef COL_PROP
	o = closed(props);
	json_object_set_new(o, "patternProperties", json_pack("{s:o}", "^ctr:", types("number|null")));
	json_object_set_new(o, "x-columns", order);
	json_object_set_new(o, "x-key-columns", keys);
	return described(o, "One result row. In a CSV file: these columns in this order (x-columns), then the "
			    "counters as ctr:NAME; an empty field is null. The key columns (x-key-columns) "
			    "identify the cell; results/README.md says what each one means.");
}

static json_t *meta_schema(void)
{
	json_t *props = json_object(), *scalar = types("string|number|boolean|null");

#define META_PROP(key, t, what) json_object_set_new(props, #key, described(types(t), what));
	CP_META_KEYS(META_PROP)
#undef META_PROP
	json_object_set_new(props, "schema_version", json_pack("{s:i}", "const", CP_SCHEMA_VERSION));
	json_object_set_new(json_object_get(props, "command_line"), "items", types("string"));
	json_object_set_new(json_object_get(props, "notes"), "items", types("string"));
	json_object_set_new(json_object_get(props, "warnings"), "items", types("string"));
	json_object_set(json_object_get(props, "settings"), "additionalProperties", scalar);
	json_object_set(json_object_get(props, "extra"), "additionalProperties", scalar);
	json_object_set_new(json_object_get(props, "timer"), "properties",
			    json_pack("{s:o, s:o, s:o, s:o, s:o}", "name", types("string|null"), "freq_hz",
				      types("number|null"), "resolution_ns", types("number|null"), "overhead_ns",
				      types("number|null"), "warning", types("string|null")));
	json_decref(scalar);
	return described(closed(props), "The machine, the software and the run a results file came from");
}

static json_t *topo_schema(void)
{
	json_t *cpu, *node, *cache, *cls, *props;

	cpu = closed(json_pack("{s:o, s:o, s:o, s:o, s:o}", "os", types("integer"), "logical", types("integer"),
			       "core", types("integer"), "package", types("integer"), "node", types("integer")));
	json_object_set_new(json_object_get(cpu, "properties"), "kind", types("string"));  /* hybrid CPUs */
	node = closed(json_pack("{s:o, s:o, s:o, s:o}", "os", types("integer"), "memory_bytes",
				types("integer|null"), "free_bytes", types("integer|null"), "cpus", types("string")));
	cache = closed(json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "type", types("string"), "size_bytes",
				 types("integer"), "linesize", types("integer"), "count", types("integer"),
				 "cores_each", types("integer"), "pus_each", types("integer")));
	cls = closed(json_pack("{s:o, s:o, s:o, s:{s:s, s:o}}", "name", types("string"), "kinds", types("string"),
			       "pairs", types("integer"), "representative", "type", "array", "items",
			       types("integer")));
	json_object_set_new(json_object_get(cls, "properties"), "sample",       /* --pairs N */
			    json_pack("{s:s, s:{s:s, s:o}}", "type", "array", "items", "type", "array", "items",
				      types("integer")));
	props = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:{s:s, s:o}, s:{s:s, s:o}, s:o, "
			  "s:{s:s, s:o}, s:{s:s, s:o}}",
			  "this_system", types("boolean"), "cpu_model", types("string|null"), "granule",
			  types("integer"), "packages", types("integer"), "dies", types("integer"), "cores",
			  types("integer"), "pus", types("integer"), "allowed", types("integer"), "allowed_cpus",
			  types("string"), "cpus", "type", "array", "items", cpu, "numa_nodes", "type", "array",
			  "items", node, "distances", types("array|null"), "caches", "type", "array", "items",
			  cache, "classes", "type", "array", "items", cls);
	return described(closed(props), "The machine as placement sees it (cachepong topo --format json, "
					"topo.json of a results directory)");
}

static json_t *with_header(json_t *body, const char *name, const char *title)
{
	char id[96];
	json_t *o = json_object();
	const char *k;
	json_t *v;

	snprintf(id, sizeof(id), "urn:cachepong:schema:%d:%s", CP_SCHEMA_VERSION, name);
	json_object_set_new(o, "$schema", json_string(SCHEMA_DRAFT));
	json_object_set_new(o, "$id", json_string(id));
	json_object_set_new(o, "title", json_string(title));
	json_object_foreach(body, k, v)
		json_object_set(o, k, v);
	json_decref(body);
	return o;
}

static json_t *results_schema(void)
{
	json_t *props = json_pack("{s:{s:s}, s:{s:s, s:{s:s}}}", "meta", "$ref", "#/$defs/meta", "results", "type",
				  "array", "items", "$ref", "#/$defs/row");
	json_t *o = described(closed(props), "What a measuring command writes with --format json");

	json_object_set_new(o, "$defs", json_pack("{s:o, s:o}", "meta", meta_schema(), "row", row_schema()));
	return o;
}

static const struct schema_doc {
	const char *name, *title;
	json_t *(*body)(void);
} docs[] = {
#define SCHEMA_DOC(name, title, fn) { #name, title, fn },
	SCHEMA_DOCS(SCHEMA_DOC)
#undef SCHEMA_DOC
};

json_t *schema_json(const char *name, char *title, size_t len)
{
	for (size_t i = 0; i < CP_ARRAY_SIZE(docs); i++)
		if (!strcmp(docs[i].name, name)) {
			char t[128];

			snprintf(t, sizeof(t), "%s, schema %d", docs[i].title, CP_SCHEMA_VERSION);
			if (title)
				snprintf(title, len, "%s", t);
			return with_header(docs[i].body(), docs[i].name, t);
		}
	return NULL;
}
