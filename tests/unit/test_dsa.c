/* test_dsa.c: the DSA copy's parts that need no engine (dsa.h): the
 * descriptor's and the completion record's layout as the DSA
 * specification gives them (byte offsets), a MEMMOVE descriptor's fields,
 * how many descriptors a message takes, the rest of a descriptor after a
 * page fault, and the work queue found or refused in fake sysfs trees. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <linux/idxd.h>

#include "dsa.h"

/* the specification's offsets: descriptor (64 bytes), record (32) */
static void layout(void **state)
{
	struct dsa_hw_desc d;
	unsigned char *b = (unsigned char *)&d;

	(void)state;
	assert_int_equal(sizeof(struct dsa_hw_desc), 64);
	assert_int_equal(sizeof(struct dsa_completion_record), 32);
	assert_int_equal(offsetof(struct dsa_hw_desc, completion_addr), 8);
	assert_int_equal(offsetof(struct dsa_hw_desc, src_addr), 16);
	assert_int_equal(offsetof(struct dsa_hw_desc, dst_addr), 24);
	assert_int_equal(offsetof(struct dsa_hw_desc, xfer_size), 32);
	assert_int_equal(offsetof(struct dsa_hw_desc, int_handle), 36);
	assert_int_equal(offsetof(struct dsa_completion_record, bytes_completed), 4);
	assert_int_equal(offsetof(struct dsa_completion_record, fault_addr), 8);
	/* bytes 4..6 the flags, byte 7 the opcode (little endian) */
	memset(&d, 0, sizeof(d));
	d.opcode = DSA_OPCODE_MEMMOVE;
	d.flags = 0x123456;
	assert_int_equal(b[7], 3);
	assert_int_equal(b[4], 0x56);
	assert_int_equal(b[6], 0x12);
}

static void memmove_desc(void **state)
{
	static char src[100], dst[100];
	struct dsa_completion_record c;
	struct dsa_hw_desc d;

	(void)state;
	memset(&d, 0xff, sizeof(d));
	dsa_prep_memmove(&d, dst, src, 100, &c);
	assert_int_equal(d.opcode, 3);
	assert_int_equal(d.flags, IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR | IDXD_OP_FLAG_CC);
	assert_int_equal(d.pasid, 0);
	assert_int_equal(d.priv, 0);
	assert_true(d.src_addr == (uint64_t)(uintptr_t)src && d.dst_addr == (uint64_t)(uintptr_t)dst);
	assert_true(d.completion_addr == (uint64_t)(uintptr_t)&c);
	assert_int_equal(d.xfer_size, 100);
	assert_int_equal(d.int_handle, 0);
	assert_int_equal(dsa_ndesc(100, 64), 2);
	assert_int_equal(dsa_ndesc(128, 64), 2);
	assert_int_equal(dsa_ndesc(16u << 20, 2u << 20), 8);
	assert_int_equal(dsa_ndesc(1, 2u << 20), 1);
}

/* a fault after 4096 of 10000 bytes: the rest from there */
static void fault_resume(void **state)
{
	static char src[10000], dst[10000];
	struct dsa_completion_record c;
	struct dsa_hw_desc d;

	(void)state;
	dsa_prep_memmove(&d, dst, src, sizeof(src), &c);
	memset(&c, 0, sizeof(c));
	c.status = DSA_COMP_PAGE_FAULT_NOBOF | DSA_COMP_STATUS_WRITE;
	c.bytes_completed = 4096;
	c.fault_addr = (uint64_t)(uintptr_t)(dst + 4096);
	assert_int_equal(dsa_resume(&d, &c), 0);
	assert_true(d.src_addr == (uint64_t)(uintptr_t)(src + 4096) && d.dst_addr == (uint64_t)(uintptr_t)(dst + 4096));
	assert_int_equal(d.xfer_size, 10000 - 4096);
	/* not a fault, or a count past the descriptor: no resume */
	c.status = DSA_COMP_SUCCESS;
	assert_int_equal(dsa_resume(&d, &c), -1);
	c.status = DSA_COMP_PAGE_FAULT_NOBOF;
	c.bytes_completed = 20000;
	assert_int_equal(dsa_resume(&d, &c), -1);
}

static char root[64];

static void put(const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void mk(const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

/* The fake tree, step by step: each refusal names what is missing. */
static void discovery(void **state)
{
	struct cp_err e = { 0 };
	struct dsa_wq w;
	char buf[2048];
	int rc;

	(void)state;
	snprintf(root, sizeof(root), "/tmp/cp-dsa.XXXXXX");
	assert_non_null(mkdtemp(root));
	assert_int_equal(dsa_find(root, &w, &e), CP_EUNAVAIL);
	assert_non_null(strstr(e.msg, "no DSA device"));
	assert_non_null(strstr(e.msg, "idxd"));
	mk("sys");
	mk("sys/bus");
	mk("sys/bus/dsa");
	mk("sys/bus/dsa/devices");
	assert_int_equal(dsa_find(root, &w, &e), CP_EUNAVAIL);
	assert_non_null(strstr(e.msg, "no DSA device under /sys/bus/dsa/devices"));
	mk("sys/bus/dsa/devices/dsa0");
	mk("sys/bus/dsa/devices/wq0.0");
	put("sys/bus/dsa/devices/wq0.0/state", "disabled\n");
	put("sys/bus/dsa/devices/wq0.0/type", "user\n");
	assert_int_equal(dsa_find(root, &w, &e), CP_EUNAVAIL);
	assert_non_null(strstr(e.msg, "a DSA device but no enabled work queue of type user"));
	assert_non_null(strstr(e.msg, "accel-config enable-wq"));
	put("sys/bus/dsa/devices/wq0.0/state", "enabled\n");
	put("sys/bus/dsa/devices/wq0.0/mode", "dedicated\n");
	put("sys/bus/dsa/devices/wq0.0/max_transfer_size", "2097152\n");
	put("sys/bus/dsa/devices/wq0.0/max_batch_size", "32\n");
	assert_int_equal(dsa_find(root, &w, &e), CP_EUNAVAIL);
	assert_non_null(strstr(e.msg, "/dev/dsa/wq0.0: No such file or directory"));
	mk("dev");
	mk("dev/dsa");
	put("dev/dsa/wq0.0", "");
	/* found (or this CPU lacks MOVDIR64B: said so) */
	rc = dsa_find(root, &w, &e);
	if (rc) {
		assert_int_equal(rc, CP_EUNAVAIL);
		assert_non_null(strstr(e.msg, "needs MOVDIR64B"));
	} else {
		assert_string_equal(w.name, "wq0.0");
		assert_int_equal(w.dedicated, 1);
		assert_true(w.max_xfer == 2097152);
		assert_int_equal(w.max_batch, 32);
		dsa_status(root, buf, sizeof(buf));
		assert_non_null(strstr(buf, "usable: work queue"));
		/* a file, not the device: opening it is refused, nothing is stored */
		{
			struct dsa_engine *g = NULL;

			assert_int_equal(dsa_open(&w, 4096, &g, &e), CP_EUNAVAIL);
			assert_non_null(strstr(e.msg, "is not a character device"));
		}
	}
	snprintf(buf, sizeof(buf), "rm -rf %s", root);
	assert_int_equal(system(buf), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(layout),
		cmocka_unit_test(memmove_desc),
		cmocka_unit_test(fault_resume),
		cmocka_unit_test(discovery),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
