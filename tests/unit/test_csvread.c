/* test_csvread.c: the CSV reader on what result.c writes (quoted fields,
 * empty fields, counter columns) and on what an interrupted writer leaves
 * (a last line without its newline), plus a round trip through a file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvread.h"

static void header_and_rows(void **state)
{
	struct csv c;
	struct cp_err e = { 0 };

	assert_int_equal(csv_parse("a,b,c\n1,,x\n2,3.5,y\n", "t", &c, &e), 0);
	assert_int_equal(c.ncol, 3);
	assert_int_equal(c.nrow, 2);
	assert_int_equal(csv_col(&c, "b"), 1);
	assert_int_equal(csv_col(&c, "nope"), -1);
	assert_string_equal(csv_get(&c, 0, 2), "x");
	assert_string_equal(csv_get(&c, 0, 1), "");
	assert_true(isnan(csv_num(&c, 0, 1)));
	assert_true(csv_num(&c, 1, 1) == 3.5);
	assert_true(isnan(csv_num(&c, 1, 2))); /* "y" is not a number */
	assert_string_equal(c.line[1], "2,3.5,y");
	assert_string_equal(c.header_line, "a,b,c");
	assert_int_equal(c.partial, 0);
	csv_free(&c);
}

/* result.c quotes fields with commas, quotes or newlines (RFC 4180). */
static void quoting(void **state)
{
	struct csv c;
	struct cp_err e = { 0 };
	const char *names[] = { "note", "ctr:x,y", NULL };
	const char *missing[] = { "note", "p50", NULL };

	assert_int_equal(csv_parse("id,note,\"ctr:x,y\"\r\n"
				   "1,\"say \"\"hi\"\", then\nbye\",7\r\n", "t", &c, &e), 0);
	assert_int_equal(c.ncol, 3);
	assert_int_equal(c.nrow, 1);
	assert_string_equal(csv_get(&c, 0, 1), "say \"hi\", then\nbye");
	assert_true(csv_num(&c, 0, 2) == 7);
	assert_null(csv_missing(&c, names));
	assert_string_equal(csv_missing(&c, missing), "p50");
	csv_free(&c);
}

/* A writer killed mid-line leaves a partial record: never a row. */
static void partial_last_line(void **state)
{
	struct csv c;
	struct cp_err e = { 0 };

	assert_int_equal(csv_parse("a,b\n1,2\n3,", "t", &c, &e), 0);
	assert_int_equal(c.nrow, 1);
	assert_int_equal(c.partial, 1);
	csv_free(&c);
	/* only a header, or nothing at all */
	assert_int_equal(csv_parse("a,b\n", "t", &c, &e), 0);
	assert_int_equal(c.ncol, 2);
	assert_int_equal(c.nrow, 0);
	csv_free(&c);
	assert_int_equal(csv_parse("", "t", &c, &e), 0);
	assert_int_equal(c.ncol, 0);
	assert_int_equal(c.nrow, 0);
	assert_string_equal(c.header_line, "");
	csv_free(&c);
}

/* Short rows are padded with "", long rows are counted as bad and dropped. */
static void ragged_rows(void **state)
{
	struct csv c;
	struct cp_err e = { 0 };

	assert_int_equal(csv_parse("a,b,c\n1\n1,2,3,4\n\n5,6,7\n", "t", &c, &e), 0);
	assert_int_equal(c.nrow, 2);
	assert_int_equal(c.bad_rows, 1);
	assert_string_equal(csv_get(&c, 0, 2), "");
	assert_string_equal(csv_get(&c, 1, 0), "5");
	assert_string_equal(csv_get(&c, 5, 0), ""); /* out of range */
	csv_free(&c);
}

static void from_file(void **state)
{
	char path[] = "/tmp/test_csvread.XXXXXX";
	int fd = mkstemp(path);
	FILE *f;
	struct csv c;
	struct cp_err e = { 0 };

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("experiment,p50\n", f);
	for (int i = 0; i < 5000; i++)
		fprintf(f, "pingpong,%d\n", i);
	fclose(f);
	assert_int_equal(csv_read(path, &c, &e), 0);
	assert_int_equal(c.nrow, 5000);
	assert_true(csv_num(&c, 4999, 1) == 4999);
	csv_free(&c);
	unlink(path);
	assert_int_equal(csv_read(path, &c, &e), CP_ERUN);
	assert_non_null(strstr(e.msg, path));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(header_and_rows),
		cmocka_unit_test(quoting),
		cmocka_unit_test(partial_last_line),
		cmocka_unit_test(ragged_rows),
		cmocka_unit_test(from_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
