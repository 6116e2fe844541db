/* pp_cross.c: the ping-pong kernels built for another architecture (aarch64
 * under qemu-user in `make test`): two threads pass tokens through every
 * registered pingpong kernel that can run, both layouts, and the checksums
 * and the line's final value must add up.  Prints "PASS name" / "FAIL
 * name: why" lines for tests/run.sh. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

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

int main(void)
{
	int pass = 0, fail = 0;

	for (size_t i = 0; i < kernel_count(); i++) {
		const struct kernel *k = kernel_at(i);
		char why[256] = "";

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
