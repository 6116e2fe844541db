/* coherence_ops.h: preparing the lines of the coherence kernels
 * (coherence.c) into a state, outside the timed region.  `order` holds the
 * lines' addresses, in the order the preparing CPU visits them. */
#ifndef COHERENCE_OPS_H
#define COHERENCE_OPS_H

#include <stddef.h>
#include <stdint.h>

/* Write every line back and invalidate it in every cache (clflush on
 * x86-64, DC CIVAC on aarch64), then a full fence: the lines are I. */
void coh_flush(const uint64_t *order, size_t n);
/* Read word 0 of every line (E when no other cache holds it, else S). */
uint64_t coh_read(const uint64_t *order, size_t n);
/* Store v to word 1 of every line: M in this CPU's cache. */
void coh_write(const uint64_t *order, size_t n, uint64_t v);

#endif
