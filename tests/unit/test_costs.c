/* test_costs.c: the pieces of the sharing-cost commands (issue 6) that can
 * be checked without timing anything: the contend kernels' counts and
 * checksums (alone and two threads on one word), the copy message and its
 * checksum, every copy via moving messages between two threads, every
 * blocking sync primitive passing numbers between two threads and refusing
 * a wrong one, setup's kinds and page loops. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "copy_vias.h"
#include "kernel.h"
#include "setup_whats.h"
#include "sync_prims.h"
#include "timer.h"

static uint64_t tri(uint64_t n) { return n * (n - 1) / 2; }

static const struct kernel *contend(const char *op)
{
	struct cp_err e = { 0 };
	const struct kernel *k = kernel_find("contend", op, NULL, "", NULL, &e);

	assert_non_null(k);
	assert_string_equal(k->family, "contend");
	return k;
}

/* ---- contend kernels, one agent ---- */

static void test_contend_alone(void **state)
{
	uint64_t w = 0, stop = 0;
	struct kres r;
	struct kargs a = { .mine = &w, .stop = &stop, .iters = 100, .out = 5, .step = 65536 };

	(void)state;
	/* 100 ops round up to two blocks of 64 */
	contend("faa")->fn(&a, &r);
	assert_int_equal(r.ops, 128);
	assert_int_equal(w, 128);
	assert_int_equal(r.sum, tri(128));

	w = 0;
	contend("cas")->fn(&a, &r);
	assert_int_equal(r.ops, 128);
	assert_int_equal(r.sum, 128);      /* alone, every CAS succeeds */
	assert_int_equal(w, 128);

	w = 0;
	a.iters = 64;
	contend("store")->fn(&a, &r);
	assert_int_equal(r.ops, 64);
	assert_int_equal(r.sum, 5 + 63 * 65536ull);
	assert_int_equal(w, r.sum);

	/* stop already set: not one op */
	stop = 1;
	w = 7;
	contend("faa")->fn(&a, &r);
	assert_int_equal(r.ops, 0);
	assert_int_equal(w, 7);
}

/* ---- contend kernels, two threads on one word ---- */

struct two {
	const struct kernel *k;
	struct kargs a;
	struct kres r;
};

static void *run_kernel(void *p)
{
	struct two *t = p;

	t->k->fn(&t->a, &t->r);
	return NULL;
}

static void two_on_one_word(const char *op, uint64_t *w, struct kres *r0, struct kres *r1)
{
	static uint64_t stop;
	struct two t[2];
	pthread_t th[2];

	*w = 0;
	for (int i = 0; i < 2; i++) {
		t[i].k = contend(op);
		t[i].a = (struct kargs){ .mine = w, .stop = &stop, .iters = 64 * 2000, .out = (uint64_t)i + 1,
					 .step = 65536 };
		assert_int_equal(pthread_create(&th[i], NULL, run_kernel, &t[i]), 0);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	*r0 = t[0].r;
	*r1 = t[1].r;
}

static void test_contend_shared_word(void **state)
{
	uint64_t w;
	struct kres a, b;

	(void)state;
	/* faa: the returned values are exactly 0..T-1 */
	two_on_one_word("faa", &w, &a, &b);
	assert_int_equal(a.ops + b.ops, 2 * 64 * 2000);
	assert_int_equal(w, a.ops + b.ops);
	assert_int_equal(a.sum + b.sum, tri(w));
	/* cas: the word counts the successes */
	two_on_one_word("cas", &w, &a, &b);
	assert_int_equal(w, a.sum + b.sum);
	assert_true(a.sum <= a.ops && b.sum <= b.ops);
	/* store: the word holds one agent's last value */
	two_on_one_word("store", &w, &a, &b);
	assert_true(w == a.sum || w == b.sum);
	assert_int_equal(a.sum, 1 + (a.ops - 1) * 65536);
	assert_int_equal(b.sum, 2 + (b.ops - 1) * 65536);
}

/* ---- copy: the message ---- */

static void test_copy_message(void **state)
{
	static const size_t ns[] = { 1, 7, 8, 9, 15, 16, 17, 1000, 4096 };
	uint64_t *w = aligned_alloc(4096, 4096 * sizeof(uint64_t));

	(void)state;
	assert_non_null(w);
	for (size_t i = 0; i < CP_ARRAY_SIZE(ns); i++) {
		size_t n = ns[i];
		uint64_t plain = 0;

		cv_fill(w, n, 1234567);
		for (size_t j = 0; j < n; j++) {
			assert_int_equal(w[j], 1234567 + j);
			plain += w[j];
		}
		assert_int_equal(cv_sum(w, n), plain);
		assert_int_equal(cv_sum(w, n), cv_expect(n, 1234567));
		/* a stale message (the previous number) and one torn word fail */
		assert_true(cv_sum(w, n) != cv_expect(n, 1234566));
		w[n / 2]--;
		assert_true(cv_sum(w, n) != cv_expect(n, 1234567));
	}
	free(w);
}

/* ---- copy: every via between two threads ---- */

struct via_side {
	const struct cv_via *v;
	struct cv_side s;
	unsigned side;
	uint64_t seq;
	int rc;
	struct cp_timer *t;
};

static void *page_buf(size_t size)
{
	void *b = NULL;

	assert_int_equal(posix_memalign(&b, 4096, size), 0);
	return b;
}

static void *via_agent(void *p)
{
	struct via_side *x = p;
	uint64_t ticks;

	x->rc = x->v->run(&x->s, x->side, 50, &x->seq, x->t, &ticks);
	return NULL;
}

static void test_copy_vias(void **state)
{
	const size_t size = 3 * 4096 + 64;   /* more than a page, not a multiple of 64 words */
	struct cp_timer t;
	struct cp_err e = { 0 };
	static uint64_t no_abort;

	(void)state;
	assert_int_equal(cp_timer_init(&t, "clock", &e), 0);
	for (size_t i = 0; i < cv_nvias; i++) {
		const struct cv_via *v = &cv_vias[i];
		struct cv_pair *p = aligned_alloc(CP_GRANULE_MAX, sizeof(*p));
		uint64_t *shared = page_buf(size);
		struct via_side x[2];
		pthread_t th[2];

		memset(p, 0, sizeof(*p));
		p->rfd = p->wfd = -1;
		/* the DMA engine where this machine has none: refused, with why */
		if (!strcmp(v->name, "dsa") && v->setup(p, size, &e) == CP_EUNAVAIL) {
			assert_non_null(strstr(e.msg, "not available on this machine: --via dsa: "));
			free(shared);
			free(p);
			continue;
		}
		assert_int_equal(v->setup(p, size, &e), 0);
		p->pid[0] = p->pid[1] = getpid();
		for (unsigned s = 0; s < 2; s++) {
			x[s] = (struct via_side){ .v = v, .side = s, .t = &t };
			x[s].s = (struct cv_side){ .p = p, .shared = v->shared_buf ? shared : NULL,
						   .priv = page_buf(size), .words = size / 8,
						   .abort = &no_abort };
			assert_int_equal(v->prepare(&x[s].s, s, &e), 0);
		}
		for (unsigned s = 0; s < 2; s++)
			assert_int_equal(pthread_create(&th[s], NULL, via_agent, &x[s]), 0);
		for (unsigned s = 0; s < 2; s++)
			pthread_join(th[s], NULL);
		if (x[1].rc)
			fail_msg("via %s: B: %s expected %llu got %llu", v->name, x[1].s.call,
				 (unsigned long long)x[1].s.want, (unsigned long long)x[1].s.got);
		assert_int_equal(x[0].rc, 0);
		assert_int_equal(x[0].seq, 50);
		assert_int_equal(x[1].seq, 50);
		if (!v->shared_buf)
			assert_int_equal(x[1].s.bytes, 50 * size);
		for (unsigned s = 0; s < 2; s++)
			if (v->finish)
				v->finish(&x[s].s, s);
		v->teardown(p);
		for (unsigned s = 0; s < 2; s++)
			free(x[s].s.priv);
		free(shared);
		free(p);
	}
	assert_string_equal(cv_via_names(), "shared|memcpy|pipe|socketpair|vmsplice|process_vm_readv|dsa");
}

/* ---- sync: every blocking primitive ---- */

struct prim_side {
	const struct sy_prim *pr;
	struct sy_pair *p;
	unsigned side;
	uint64_t seq;
	int rc;
	struct cp_timer *t;
};

static void *prim_agent(void *q)
{
	struct prim_side *x = q;
	struct sy_io io = { .status_fd = -1 };
	struct cp_err e = { 0 };
	uint64_t ticks, never = 0;

	/* the partner's id first: each posts only to a partner /proc shows asleep */
	sy_io_publish(x->p, x->side);
	while (!__atomic_load_n(&x->p->sleep[!x->side].tid, __ATOMIC_ACQUIRE))
		;
	x->rc = sy_io_open(&io, x->p, x->side, 10, &never, &e);
	if (!x->rc)
		x->rc = x->pr->run(x->p, x->side, 200, &x->seq, &io, x->t, &ticks);
	sy_io_close(&io);
	return NULL;
}

static void test_sync_prims(void **state)
{
	struct cp_timer t;
	struct cp_err e = { 0 };
	int blocking = 0;

	(void)state;
	assert_int_equal(cp_timer_init(&t, "clock", &e), 0);
	for (size_t i = 0; i < sy_nprims; i++) {
		const struct sy_prim *pr = &sy_prims[i];
		struct sy_pair *p;
		struct sy_side s = { 0 };
		struct prim_side x[2];
		pthread_t th[2];

		if (!pr->run) {
			assert_non_null(pr->pp_kernel);   /* the spin baseline is a ping-pong kernel */
			continue;
		}
		blocking++;
		for (int form = 0; form < 2; form++) {
			p = aligned_alloc(CP_GRANULE_MAX, sizeof(*p));
			memset(p, 0, sizeof(*p));
			assert_int_equal(pr->setup(p, 0, form, &e), 0);
			/* one step right, then a wrong number is refused, not waited for */
			assert_int_equal(pr->post(p, 0, 1), 0);
			assert_int_equal(pr->wait(p, 0, 1, &s), 0);
			assert_int_equal(pr->post(p, 0, 2), 0);
			assert_int_equal(pr->wait(p, 0, 5, &s), -1);
			assert_int_equal(s.want, 5);
			assert_int_equal(s.got, 2);
			pr->teardown(p);

			/* 200 round trips between two threads */
			memset(p, 0, sizeof(*p));
			assert_int_equal(pr->setup(p, 0, form, &e), 0);
			for (unsigned d = 0; d < 2; d++) {
				x[d] = (struct prim_side){ .pr = pr, .p = p, .side = d, .t = &t };
				assert_int_equal(pthread_create(&th[d], NULL, prim_agent, &x[d]), 0);
			}
			for (unsigned d = 0; d < 2; d++)
				pthread_join(th[d], NULL);
			assert_int_equal(x[0].rc, 0);
			assert_int_equal(x[1].rc, 0);
			assert_int_equal(x[0].seq, 200);
			assert_int_equal(x[1].seq, 200);
			pr->teardown(p);
			free(p);
		}
	}
	assert_int_equal(blocking, 5);
	assert_string_equal(sy_prim_names(), "futex|mutex|sem|eventfd|pipe|spin");
}

/* ---- setup ---- */

static void test_setup_kinds_and_loops(void **state)
{
	struct cp_err e = { 0 };
	size_t pg = (size_t)sysconf(_SC_PAGESIZE), n = 16;
	unsigned char v[16];
	char *a;

	(void)state;
	assert_int_equal(su_kind_attachable("sysv", &e), 1);
	assert_int_equal(su_kind_attachable("posix", &e), 1);
	assert_int_equal(su_kind_attachable("memfd", &e), 1);
	assert_int_equal(su_kind_attachable("private", &e), 1);
	assert_int_equal(su_kind_attachable("anon", &e), 0);   /* only inherited */
	assert_int_equal(su_kind_attachable("nonsense", &e), -1);
	assert_int_equal(e.code, CP_EUSAGE);
	assert_non_null(strstr(e.msg, "nonsense"));

	a = mmap(NULL, n * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(a != MAP_FAILED);
	madvise(a, n * pg, MADV_NOHUGEPAGE);
	assert_int_equal(mincore(a, n * pg, v), 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(v[i] & 1, 0);
	su_touch(a, n * pg, pg);
	assert_int_equal(mincore(a, n * pg, v), 0);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(v[i] & 1, 1);
		assert_int_equal(a[i * pg], 1);
		assert_int_equal(a[i * pg + 1], 0);   /* one byte per page, nothing else */
	}
	munmap(a, n * pg);
	assert_string_equal(su_what_names(), "create|attach|touch|populate|detach|fork");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_contend_alone),
		cmocka_unit_test(test_contend_shared_word),
		cmocka_unit_test(test_copy_message),
		cmocka_unit_test(test_copy_vias),
		cmocka_unit_test(test_sync_prims),
		cmocka_unit_test(test_setup_kinds_and_loops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
