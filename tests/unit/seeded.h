/* seeded.h: the simulations' random numbers (xorshift64 from a fixed
 * seed, so that a test's simulated runs are the same every time): a
 * uniform in (0, 1) and a standard normal (Box-Muller), each test with
 * its own state. */
#ifndef TESTS_SEEDED_H
#define TESTS_SEEDED_H

#include <math.h>
#include <stdint.h>

static inline double seeded_uniform(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return ((double)(*s >> 11) + 0.5) / 9007199254740992.0;
}

static inline double seeded_normal(uint64_t *s)
{
	double u = seeded_uniform(s);

	return sqrt(-2 * log(u)) * cos(2 * M_PI * seeded_uniform(s));
}

#endif
