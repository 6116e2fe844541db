/* pp_cross.c: the kernels built for another architecture (aarch64 under
 * qemu-user in `make test`): two threads pass tokens through every
 * registered pingpong kernel that can run, both layouts, and the checksums
 * and the line's final value must add up; every coherence kernel runs over
 * lines prepared by the flush, read and write helpers, and what each op
 * leaves in the lines must be what it does.  Prints "PASS name" / "FAIL
 * name: why" lines for tests/run.sh. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "coherence_ops.h"
#include "kernel.h"

#define ROUNDS 20000

struct side {
	const struct kernel *k;
	struct kargs a;
	struct kres r;
};

static void *run(void *p)
{
	struct side *s = p;

	s->k->fn(&s->a, &s->r);
	return NULL;
}

static uint64_t expect(uint64_t out, uint64_t step, uint64_t n)
{
	return n * (out - 1) + step * (n * (n - 1) / 2);
}

static int one(const struct kernel *k, int two_lines, char *why, size_t len)
{
	static uint64_t line[64] __attribute__((aligned(256)));
	uint64_t *l0 = &line[0], *l1 = &line[32];
	struct side s[2];
	pthread_t t[2];

	memset(line, 0, sizeof(line));
	for (int i = 0; i < 2; i++) {
		s[i].k = k;
		if (!two_lines)
			s[i].a = (struct kargs){ .mine = l0, .peer = l0, .in = (uint64_t)i, .out = (uint64_t)i + 1,
						 .step = 2, .iters = ROUNDS };
		else
			s[i].a = (struct kargs){ .mine = i ? l1 : l0, .peer = i ? l0 : l1, .in = (uint64_t)i,
						 .out = 1, .step = 1, .iters = ROUNDS };
		pthread_create(&t[i], NULL, run, &s[i]);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 2; i++)
		if (s[i].r.sum != expect(s[i].a.out, s[i].a.step, ROUNDS)) {
			snprintf(why, len, "agent %d checksum %llu, expected %llu", i,
				 (unsigned long long)s[i].r.sum,
				 (unsigned long long)expect(s[i].a.out, s[i].a.step, ROUNDS));
			return 1;
		}
	if (two_lines ? (*l0 != ROUNDS || *l1 != ROUNDS) : *l0 != 2 * ROUNDS) {
		snprintf(why, len, "final line %llu/%llu", (unsigned long long)*l0, (unsigned long long)*l1);
		return 1;
	}
	return 0;
}

/* A coherence kernel over 64 lines (a chain through word 0; addresses encoded as the harness does), after each
 * preparation; what it leaves in word 1 (or returns) checked per op. */
static int coh_one(const struct kernel *k, char *why, size_t len)
{
	enum { NL = 64 };
	static uint64_t mem[NL * 16] __attribute__((aligned(128)));
	const uint64_t key = 0x8000000000000f0full; /* bit 63, as the harness's code */
	uint64_t order[NL], enc[NL];
	struct kres r;

	for (int i = 0; i < NL; i++) {
		order[i] = (uint64_t)&mem[((i * 37) % NL) * 16];
		enc[i] = order[i] ^ key;
	}
	for (int i = 0; i < NL; i++) {
		*(uint64_t *)order[i] = order[(i + 1) % NL] ^ key;
		((uint64_t *)order[i])[1] = 0;
	}
	for (int prep = 0; prep < 3; prep++) {
		if (prep == 0)
			coh_write(order, NL, 0);
		else
			coh_flush(order, NL);
		if (prep == 2)
			coh_read(order, NL);
		k->fn(&(struct kargs){ .mine = enc, .iters = NL, .in = 0, .key = key }, &r);
		if (r.ops != NL)
			return snprintf(why, len, "ops %llu, expected %d", (unsigned long long)r.ops, NL), 1;
		if (!strcmp(k->name, "load") && r.sum != order[0])
			return snprintf(why, len, "the chase ended at %#llx, not at the first line",
					(unsigned long long)r.sum), 1;
		for (int i = 0; i < NL; i++) {
			uint64_t w1 = ((uint64_t *)order[i])[1], want = w1;

			if (!strcmp(k->name, "faa"))
				want = (uint64_t)prep + 1;
			else if (!strcmp(k->name, "store") || !strcmp(k->name, "swap"))
				want = (uint64_t)i;
			else if (!strcmp(k->name, "tas"))
				want = (w1 & ~0xffull) | 1;
			else if (!strcmp(k->name, "cas") || !strcmp(k->name, "load"))
				want = 0;
			if (w1 != want || *(uint64_t *)order[i] != (order[(i + 1) % NL] ^ key))
				return snprintf(why, len, "line %d after preparation %d: word 1 = %llu, expected "
						"%llu, or its chain word changed", i, prep, (unsigned long long)w1,
						(unsigned long long)want), 1;
			if (!strcmp(k->name, "tas"))
				((uint64_t *)order[i])[1] = 0;
		}
	}
	return 0;
}

int main(void)
{
	int pass = 0, fail = 0;

	for (size_t i = 0; i < kernel_count(); i++) {
		const struct kernel *k = kernel_at(i);
		char why[256] = "";

		if (!strcmp(k->family, "coherence")) {
			int bad = (k->available && !k->available(why, sizeof(why))) || coh_one(k, why, sizeof(why));

			printf("%s aarch64 coherence %s %s%s%s\n", bad ? "FAIL" : "PASS", k->name, k->impl,
			       bad ? ": " : "", bad ? why : "");
			bad ? fail++ : pass++;
			continue;
		}
		if (strcmp(k->family, "pingpong"))
			continue;
		if (k->available && !k->available(why, sizeof(why))) {
			printf("FAIL aarch64 %s %s %s: not runnable under emulation: %s\n", k->name, k->impl, k->spin, why);
			fail++;
			continue;
		}
		/* poll rmw: one line only (both agents' atomics on one word) */
		for (int two = 0; two < (strcmp(k->poll, "rmw") ? 2 : 1); two++) {
			if (one(k, two, why, sizeof(why))) {
				printf("FAIL aarch64 %s %s %s poll=%s %s: %s\n", k->name, k->impl, k->spin, k->poll,
				       two ? "two-lines" : "one-line", why);
				fail++;
			} else {
				printf("PASS aarch64 %s %s %s poll=%s %s\n", k->name, k->impl, k->spin, k->poll,
				       two ? "two-lines" : "one-line");
				pass++;
			}
		}
	}
	fprintf(stderr, "aarch64 kernels: %d passed, %d failed\n", pass, fail);
	return fail != 0;
}
