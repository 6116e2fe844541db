/* json_out.c: values for jansson (json_out.h). */
#include "json_out.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cp.h"

/* Length of the valid UTF-8 sequence at p, or 0 when it is not one. */
static size_t utf8_len(const unsigned char *p)
{
	size_t n;
	uint32_t c;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, c = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, c = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, c = p[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	/* overlong forms, surrogates and beyond U+10FFFF are not UTF-8 */
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return n;
}

json_t *json_text(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	char *buf, *o;
	json_t *j;

	if (!s)
		return json_null();
	/* invalid sequences become U+FFFD (3 bytes for at most 1): jansson
	 * takes valid UTF-8 only, and a byte of a command line may be anything */
	o = buf = cp_xcalloc(3 * strlen(s) + 1, 1);
	while (*p) {
		size_t n = utf8_len(p);

		if (!n) {
			memcpy(o, "\xef\xbf\xbd", 3);
			o += 3;
			p++;
		} else {
			memcpy(o, p, n);
			o += n;
			p += n;
		}
	}
	j = json_string(buf);
	free(buf);
	return j ? j : json_null();
}

json_t *json_num(double v)
{
	if (!isfinite(v))
		return json_null();
	/* whole numbers as integers (64, not 64.0) */
	if (v == floor(v) && fabs(v) < 9007199254740992.0)
		return json_integer((json_int_t)v);
	return json_real(v);
}
