/* test_result.c: rows written as CSV, JSON, table and raw samples to temp
 * files and read back; atomic files (no temporary left behind, abort
 * removes it); --out in a missing directory fails before any row.
 * With CP_ROUNDTRIP_DIR set the files are left there for
 * tests/roundtrip.py (tests/cli/test_foundation.sh). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "meta.h"
#include "schema.h"
#include "schema_json.h"
#include "opts.h"
#include "result.h"
#include "runctl.h"
#include "timer.h"

static char dir[512];

static int setup(void **state)
{
	const char *keep = getenv("CP_ROUNDTRIP_DIR");

	if (keep && *keep)
		snprintf(dir, sizeof(dir), "%s", keep);
	else if (!mkdtemp(strcpy(dir, "/tmp/cp-test-result.XXXXXX")))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	char cmd[600];

	if (!getenv("CP_ROUNDTRIP_DIR")) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		return system(cmd) ? -1 : 0;
	}
	return 0;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

static int tmp_files_left(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	while ((de = readdir(d)))
		n += strstr(de->d_name, ".tmp.") != NULL;
	closedir(d);
	return n;
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static char *argv0[] = { "cachepong", "pingpong", "--note=a \"b\"\\c\x01", NULL };

static void mkopts(struct opts *o, const char *fmt, const char *out, const char *raw)
{
	memset(o, 0, sizeof(*o));
	o->format = fmt;
	o->out = out;
	o->raw = raw;
	o->full_argc = 3;
	o->full_argv = argv0;
}

/* The three rows of the fixture (the expected values are in
 * tests/cli/test_foundation.sh and in the asserts below). */
static double s1[10], s2[10], s3[3] = { 100, 300, 200 };

static void rows(struct cp_row r[3])
{
	for (int i = 0; i < 10; i++) {
		s1[i] = i + 1;       /* p50 5.5, CI x(2)..x(9) = 2..9 */
		s2[i] = 11 + i;      /* p50 15.5, CI 12..19 */
	}
	memset(r, 0, 3 * sizeof(*r));
	r[0] = (struct cp_row){ .experiment = "pingpong", .kernel = "cas", .impl = "asm",
		.mode = "thread", .shm = "anon", .pages = "4k", .layout = "one-line", .poll = "load",
		.placement = "cpus", .cpus = "0,1", .mem_node = -1, .size_bytes = 64,
		.agents = 2, .samples = 10, .iters_per_sample = 1000, .metric = "round_trip",
		.unit = "ns", .ticks_per_ns = 2.0, .note = "a, \"quoted\" note",
		.ncounters = 2, .raw = s1, .nraw = 10 };
	stats_compute(s1, 10, &r[0].st);
	snprintf(r[0].counters[0].name, 64, "PAPI_L1_DCM");
	r[0].counters[0].per_op = 1.5;
	r[0].counters[0].valid = 1;
	snprintf(r[0].counters[1].name, 64, "perf::PAGE-FAULTS");
	r[0].counters[1].per_op = 0; /* invalid: must never print as 0 */
	r[1] = r[0];
	r[1].mode = "process";
	r[1].ticks_per_ns = 0;
	r[1].note = NULL;
	r[1].raw = s2;
	stats_compute(s2, 10, &r[1].st);
	r[1].counters[0].valid = 0;
	r[1].counters[0].per_op = 7;
	r[1].counters[1].valid = 1;
	r[1].counters[1].per_op = 0.25;
	r[2] = r[0];
	r[2].experiment = "setup";
	r[2].kernel = "touch";
	r[2].impl = NULL;
	r[2].layout = NULL;
	r[2].poll = NULL;
	snprintf(r[2].cpus, sizeof(r[2].cpus), "1");
	r[2].agents = 1;
	r[2].mem_node = 0;
	r[2].samples = 3;
	r[2].metric = "per_page";
	r[2].unit = "ns/page";
	r[2].note = "line1\nline2";
	r[2].raw = s3;
	r[2].nraw = 3;
	stats_compute(s3, 3, &r[2].st); /* n < 6: no CI */
}

/* armed: row 2 is added as arm 2 of an interleaved comparison (the sink
 * marks it); else rows 1 and 2 are back-to-back twins. */
static void write_all(const char *fmt, const char *out, const char *raw, int armed)
{
	struct opts o;
	struct cp_sink *s;
	struct cp_err e = { 0 };
	struct cp_row r[3];
	struct cp_timer t = { .kind = TIMER_TSC, .name = "tsc", .ticks_per_ns = 2,
			      .freq_hz = 2e9, .resolution_ns = 0.5, .overhead_ns = 20,
			      .has_cycles = 1, .warning = "" };

	rows(r);
	mkopts(&o, fmt, out, raw);
	assert_int_equal(opts_result_open(&o, &s, &e), 0);
	result_set_timer(s, &t);
	for (int i = 0; i < 3; i++) {
		result_arm(s, i == 1 && armed ? "thread:process" : NULL, 1);
		assert_int_equal(result_add(s, &r[i], &e), 0);
	}
	result_meta_note(s, "perf::PAGE-FAULTS: not counted in process mode \"x\"");
	result_meta_note(s, "perf::PAGE-FAULTS: not counted in process mode \"x\"");
	result_meta_set(s, "kernel_asm", "lock cmpxchg");
	assert_int_equal(result_close(s, &e), 0);
	assert_int_equal(tmp_files_left(), 0);
}

static void csv(void **state)
{
	char out[600], raw[600], *t;

	snprintf(out, sizeof(out), "%s/rows.csv", dir);
	snprintf(raw, sizeof(raw), "%s/raw.csv", dir);
	write_all("csv", out, raw, 1);
	t = slurp(out);
	assert_non_null(strstr(t,
		"experiment,kernel,impl,mode,arms,arm,shm,pages,layout,poll,state,holder,placement,cpus,cpu_a,cpu_b,"
		"mem_node,size_bytes,agents,samples,iters_per_sample,sample_ns,stop,metric,unit,min,p10,p50,"
		"p90,p99,max,mean,stddev,ci_lo,ci_hi,modes,mode_p50,mode_weight,p50_cycles,verdict,margin,ci_level,blocks,note,"
		"ctr:PAPI_L1_DCM,"
		"ctr:perf::PAGE-FAULTS\n") == t);
	/* row 1: cpus joined by ';', no mem_node, p50 5.5 -> 11 cycles, quoted note,
	 * valid counter 1.5, invalid counter empty (not 0) */
	assert_non_null(strstr(t, "\npingpong,cas,asm,thread,,,anon,4k,one-line,load,,,cpus,0;1,0,1,,64,2,10,1000,,,"
			       "round_trip,ns,1,1.9,5.5,9.1,9.91,10,5.5,"));
	/* modes: 10 samples are too few to test (empty, not 1) */
	assert_non_null(strstr(t, ",2,9,,,,11,,,,,\"a, \"\"quoted\"\" note\",1.5,\n"));
	/* row 2: no cycles (no ticks), invalid first counter empty */
	assert_non_null(strstr(t, "\npingpong,cas,asm,process,thread:process,2,anon,4k,one-line,load,,,cpus,0;1,0,1,,64,"));
	assert_non_null(strstr(t, ",12,19,,,,,,,,,,,0.25\n"));
	/* row 3: empty impl/layout/cpu_b, node 0, no CI, ns/page is a time: cycles 400 */
	assert_non_null(strstr(t, "\nsetup,touch,,thread,,,anon,4k,,,,,cpus,1,1,,0,64,1,3,"));
	assert_non_null(strstr(t, ",,,,,,400,,,,,\"line1\nline2\",1.5,\n"));
	free(t);
	t = slurp(raw);
	assert_int_equal(count_lines(t), 1 + 10 + 10 + 3);
	assert_non_null(strstr(t, "experiment,kernel,impl,mode,arms,arm,shm,pages,layout,poll,state,holder,placement,cpus,"
			       "size_bytes,agents,metric,unit,sample,value\n") == t);
	assert_non_null(strstr(t, "\npingpong,cas,asm,process,thread:process,2,anon,4k,one-line,load,,,cpus,0;1,64,2,round_trip,ns,9,20\n"));
	assert_non_null(strstr(t, "\nsetup,touch,,thread,,,anon,4k,,,,,cpus,1,64,1,per_page,ns/page,2,200\n"));
	free(t);
}

/* Member k of object o, which must be there. */
static json_t *get(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	assert_non_null(v);
	return v;
}

static void json(void **state)
{
	char out[600], *t;
	json_error_t err;
	json_t *doc, *meta, *rows, *r0, *r1, *r2, *cl, *notes;

	snprintf(out, sizeof(out), "%s/rows.json", dir);
	write_all("json", out, NULL, 1);
	t = slurp(out);
	assert_non_null(strstr(t, "{\n  \"meta\": {"));
	free(t);
	doc = json_load_file(out, 0, &err);
	assert_non_null(doc);
	meta = get(doc, "meta");
	rows = get(doc, "results");
	assert_int_equal(json_integer_value(get(meta, "schema_version")), CP_SCHEMA_VERSION);
	cl = get(meta, "command_line");
	assert_int_equal(json_array_size(cl), 3);
	assert_string_equal(json_string_value(json_array_get(cl, 2)), "--note=a \"b\"\\c\x01");
	assert_string_equal(json_string_value(get(get(meta, "timer"), "name")), "tsc");
	assert_true(json_number_value(get(get(meta, "timer"), "overhead_ns")) == 20);
	assert_string_equal(json_string_value(get(get(meta, "extra"), "kernel_asm")), "lock cmpxchg");
	notes = get(meta, "notes");
	assert_int_equal(json_array_size(notes), 1); /* one note, not two */
	assert_string_equal(json_string_value(json_array_get(notes, 0)), "perf::PAGE-FAULTS: not counted in process mode \"x\"");
	assert_int_equal(json_array_size(rows), 3);
	r0 = json_array_get(rows, 0);
	r1 = json_array_get(rows, 1);
	r2 = json_array_get(rows, 2);
	assert_string_equal(json_string_value(get(r0, "cpus")), "0;1");
	assert_int_equal(json_integer_value(get(r0, "cpu_a")), 0);
	assert_int_equal(json_integer_value(get(r0, "cpu_b")), 1);
	assert_true(json_is_null(get(r0, "mem_node")));
	assert_true(json_number_value(get(r0, "ctr:PAPI_L1_DCM")) == 1.5);
	assert_true(json_is_null(get(r0, "ctr:perf::PAGE-FAULTS")));
	assert_true(json_is_null(get(r0, "arms")) && json_is_null(get(r0, "arm")));
	assert_string_equal(json_string_value(get(r1, "arms")), "thread:process");
	assert_string_equal(json_string_value(get(r1, "arm")), "2");
	assert_true(json_is_null(get(r1, "ctr:PAPI_L1_DCM")));
	assert_true(json_number_value(get(r1, "ctr:perf::PAGE-FAULTS")) == 0.25);
	assert_true(json_is_null(get(r2, "impl")));
	assert_true(json_is_null(get(r2, "ci_lo")) && json_is_null(get(r2, "ci_hi")));
	assert_true(json_number_value(get(r2, "p50_cycles")) == 400);
	assert_string_equal(json_string_value(get(r2, "note")), "line1\nline2");
	json_decref(doc);
}

static void table(void **state)
{
	char out[600], *t;

	snprintf(out, sizeof(out), "%s/table.txt", dir);
	write_all("table", out, NULL, 0);
	t = slurp(out);
	assert_non_null(strstr(t, "median"));
	assert_non_null(strstr(t, "one-way"));
	assert_non_null(strstr(t, "[2.00, 9.00]"));   /* CI of row 1 */
	assert_non_null(strstr(t, "n/a (n<6)"));      /* row 3 */
	assert_non_null(strstr(t, "n/a"));
	assert_non_null(strstr(t, "2.75"));           /* one-way = 5.5 / 2 */
	/* process/thread: 15.5/5.5 = 2.82, interval [12/9, 19/2] = [1.33, 9.50] */
	assert_non_null(strstr(t, "process / thread"));
	assert_non_null(strstr(t, "2.82 [1.33, 9.50]"));
	free(t);
}

static void counter_mismatch(void **state)
{
	struct opts o;
	struct cp_sink *s;
	struct cp_err e = { 0 };
	struct cp_row r[3];
	char out[600];

	rows(r);
	snprintf(out, sizeof(out), "%s/mismatch.csv", dir);
	mkopts(&o, "csv", out, NULL);
	assert_int_equal(opts_result_open(&o, &s, &e), 0);
	assert_int_equal(result_add(s, &r[0], &e), 0);
	r[1].ncounters = 1;
	assert_int_equal(result_add(s, &r[1], &e), CP_ERUN);
	assert_non_null(strstr(e.msg, "internal"));
	snprintf(r[1].counters[0].name, 64, "OTHER");
	r[1].ncounters = 2;
	assert_int_equal(result_add(s, &r[1], &e), CP_ERUN);
	result_abort(s);
	assert_int_equal(access(out, F_OK), -1);  /* aborted: no file ... */
	assert_int_equal(tmp_files_left(), 0);    /* ... and no temporary */
}

static void bad_dir(void **state)
{
	struct opts o;
	struct cp_sink *s = (struct cp_sink *)1;
	struct cp_err e = { 0 };

	mkopts(&o, "csv", "/nonexistent/dir/x.csv", NULL);
	assert_int_equal(opts_result_open(&o, &s, &e), CP_ERUN);
	assert_null(s);
	assert_non_null(strstr(e.msg, "/nonexistent/dir/x.csv"));
	assert_non_null(strstr(e.msg, "No such file or directory"));
	mkopts(&o, "csv", dir, NULL); /* a directory is not a file */
	assert_int_equal(opts_result_open(&o, &s, &e), CP_ERUN);
	assert_non_null(strstr(e.msg, "is a directory"));
	mkopts(&o, "xml", NULL, NULL);
	assert_int_equal(opts_result_open(&o, &s, &e), CP_EUSAGE);
	assert_non_null(strstr(e.msg, "'xml'"));
	assert_non_null(strstr(e.msg, "table|csv|json"));
}

static void empty(void **state)
{
	struct opts o;
	struct cp_sink *s;
	struct cp_err e = { 0 };
	char out[600], *t;

	snprintf(out, sizeof(out), "%s/empty.csv", dir);
	mkopts(&o, "csv", out, NULL);
	assert_int_equal(opts_result_open(&o, &s, &e), 0);
	assert_int_equal(result_close(s, &e), 0);
	t = slurp(out);
	assert_non_null(strstr(t, "experiment,") == t);
	assert_int_equal(count_lines(t), 1);
	free(t);
}

static void json_escape(void **state)
{
	json_t *a = json_array();
	char *buf;

	json_array_append_new(a, json_text("\xc3\xa9\xff\"\\\t\x1f\xe2\x82\xac\xed\xa0\x80"));
	json_array_append_new(a, json_text(NULL));
	json_array_append_new(a, json_num(NAN));
	json_array_append_new(a, json_num(0.1));
	json_array_append_new(a, json_num(64));
	buf = json_dumps(a, JSON_COMPACT | JSON_ENSURE_ASCII);
	/* é kept, 0xff and a surrogate replaced, € kept; a whole number is an integer */
	assert_string_equal(buf, "[\"\\u00E9\\uFFFD\\\"\\\\\\t\\u001F\\u20AC\\uFFFD\\uFFFD\\uFFFD\",null,null,0.10000000000000001,64]");
	free(buf);
	json_decref(a);
}

/* The machine part of meta: what every Linux box has. */
/* A row with its samples says whether one median fits them (modes, their
 * medians and shares), how it was sampled (sample_ns) and why it stopped;
 * a cut row marks the run capped. */
static void modes_stop(void **state)
{
	char out[600], *t;
	double v[40];
	struct opts o;
	struct cp_sink *s;
	struct cp_err e = { 0 };
	struct cp_row r = { .experiment = "sync", .kernel = "futex", .mode = "thread", .placement = "cpus",
			    .cpus = "0,1", .mem_node = -1, .samples = 40, .iters_per_sample = 7, .sample_ns = 1.25e6,
			    .stop = "time-limit", .metric = "round_trip", .unit = "ns", .raw = v, .nraw = 40 };

	for (int i = 0; i < 40; i++)
		v[i] = i < 30 ? 174 + i % 3 : 37000 + 10 * (i % 5);   /* 75% near 175, 25% near 37 us */
	stats_compute(v, 40, &r.st);
	snprintf(out, sizeof(out), "%s/modes.csv", dir);
	mkopts(&o, "csv", out, NULL);
	runctl_deadline_set(0);
	assert_int_equal(runctl_capped(), 0);
	assert_int_equal(opts_result_open(&o, &s, &e), 0);
	assert_int_equal(result_add(s, &r, &e), 0);
	assert_int_equal(result_close(s, &e), 0);
	assert_int_equal(runctl_capped(), 1);
	t = slurp(out);
	assert_non_null(strstr(t, ",40,7,1250000,time-limit,round_trip,ns,"));
	assert_non_null(strstr(t, ",2,175;37020,0.7500;0.2500,"));
	free(t);
	runctl_deadline_set(0);
}

static void meta_machine(void **state)
{
	struct cp_meta m;
	char *argv[] = { "x", NULL };
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	meta_collect_start(&m, 1, argv);
	assert_true(m.host[0] && m.kernel[0] && m.machine[0]);
	assert_true(m.cpus_online[0] && m.cpus_allowed[0]);
	assert_int_equal(strlen(m.start_utc), 20); /* 2024-05-01T12:00:00Z */
	assert_int_equal(m.start_utc[19], 'Z');
	assert_true(m.clk_tck > 0);
	assert_true(m.steal_start >= 0);
#if defined(__x86_64__)
	assert_true(m.hypervisor == 0 || m.hypervisor == 1);
	assert_true(m.cpu_vendor[0] && m.cpu_family >= 0);
	if (m.hypervisor == 0)
		assert_string_equal(m.hypervisor_vendor, "");
#endif
	meta_collect_end(&m);
	assert_true(m.steal_end >= m.steal_start);
	f = open_memstream(&buf, &len);
	assert_int_equal(meta_write_json(f, &m), 0);
	fclose(f);
	assert_true(buf[0] == '{' && buf[len - 1] == '}');
	assert_non_null(strstr(buf, "\"schema_version\": "));
	assert_non_null(strstr(buf, "\"steal_ms\": "));
	assert_non_null(strstr(buf, "\"timer\": null"));
	free(buf);
	meta_free(&m);
}

/* meta.json's keys are CP_META_KEYS in order (its schema is written from
 * that list); the schema of a row has every column of CP_COLUMNS, the
 * key columns marked. */
static void schema_lists(void **state)
{
	static const char *const keys[] = {
#define META_KEY(k, t, what) #k,
		CP_META_KEYS(META_KEY)
#undef META_KEY
	};
	struct cp_meta m;
	char *argv[] = { "x", NULL };
	json_t *o, *row, *cols;
	const char *k;
	json_t *v;
	size_t i = 0;

	meta_collect_start(&m, 1, argv);
	meta_collect_end(&m);
	o = meta_json(&m);
	json_object_foreach(o, k, v) {
		assert_true(i < sizeof(keys) / sizeof(keys[0]));
		assert_string_equal(k, keys[i]);
		i++;
	}
	assert_int_equal(i, sizeof(keys) / sizeof(keys[0]));
	json_decref(o);
	meta_free(&m);

	o = schema_json("columns", NULL, 0);
	assert_non_null(o);
	cols = json_object_get(o, "x-columns");
	assert_int_equal(json_array_size(cols), COL_COUNT);
	for (i = 0; i < COL_COUNT; i++) {
		assert_string_equal(json_string_value(json_array_get(cols, i)), schema_col_name((enum cp_col)i));
		assert_non_null(json_object_get(json_object_get(o, "properties"), schema_col_name((enum cp_col)i)));
	}
	json_decref(o);
	o = schema_json("results", NULL, 0);
	row = json_object_get(json_object_get(o, "$defs"), "row");
	assert_non_null(json_object_get(json_object_get(row, "properties"), "p50"));
	assert_null(schema_json("nosuch", NULL, 0));
	json_decref(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(csv),
		cmocka_unit_test(json),
		cmocka_unit_test(table),
		cmocka_unit_test(counter_mismatch),
		cmocka_unit_test(bad_dir),
		cmocka_unit_test(empty),
		cmocka_unit_test(json_escape),
		cmocka_unit_test(meta_machine),
		cmocka_unit_test(schema_lists),
		cmocka_unit_test(modes_stop),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
