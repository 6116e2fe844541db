/* json_out.h: every JSON file cachepong writes goes through jansson; these
 * are the two values it needs made safe: text that may not be UTF-8 (a
 * command line, a model name from the firmware) and numbers that may be
 * NaN. */
#ifndef JSON_OUT_H
#define JSON_OUT_H

#include <jansson.h>

/* How every JSON file of cachepong is written: keys in the order they were
 * set, two spaces of indent. */
#define CP_JSON_FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER)

/* A JSON string of s, invalid UTF-8 bytes replaced by U+FFFD (NULL: null). */
json_t *json_text(const char *s);
/* A JSON number: an integer when v is whole, null when not finite. */
json_t *json_num(double v);

#endif
