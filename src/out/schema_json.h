/* schema_json.h: the JSON Schema documents of cachepong's files, written
 * from the same lists as the files (schema_json.c). */
#ifndef SCHEMA_JSON_H
#define SCHEMA_JSON_H

#include <stddef.h>

#include <jansson.h>

/* The documents, once: X(name, title, function that builds its body). */
#define SCHEMA_DOCS(X)                                                                    \
	X(results, "cachepong results (--format json)", results_schema)                   \
	X(meta, "cachepong meta.json", meta_schema)                                       \
	X(columns, "a row of a cachepong results CSV (or of results[] in JSON)", row_schema) \
	X(topo, "cachepong topo.json", topo_schema)
#define SCHEMA_DOC_BAR_(name, title, fn) "|" #name
/* "|results|meta|columns|topo": the documents there are */
#define SCHEMA_DOC_NAMES SCHEMA_DOCS(SCHEMA_DOC_BAR_)
/* The document of that name (a new reference) and its title, or NULL. */
json_t *schema_json(const char *name, char *title, size_t len);

#endif
