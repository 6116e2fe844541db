/* matrix.h: the all-pairs matrix's cost model, which `matrix --dry-run`
 * and --budget use and the sweep's estimate of a matrix cell reads. */
#ifndef MATRIX_H
#define MATRIX_H

#include <stdint.h>

#define MATRIX_MIN_SAMPLES 20
#define MATRIX_DEF_SAMPLES 200
/* --parallel: the parent's fork of one pair's process, seconds */
#define MATRIX_FORK_S 0.2e-3

/* Seconds for npairs pairs at `samples` samples each (plus warm-up),
 * threads or processes. */
double matrix_estimate(uint64_t npairs, uint64_t samples, int processes);
/* Samples per pair that fit `seconds` (0 when even the minimum does not). */
uint64_t matrix_samples_for(uint64_t npairs, double seconds, int processes);

#endif
