/* matrix_cost.c: the all-pairs matrix's cost model (matrix.h), apart from
 * the command: the sweep's estimate of a matrix cell reads it, and the
 * matrix runs as a sweep. */
#include "matrix.h"

double matrix_estimate(uint64_t npairs, uint64_t samples, int processes)
{
	/* per pair: agents started (fork + shared memory for processes), the
	 * line mapped fresh, 20 warm-up + 3 calibration samples, then the
	 * samples of ~50 us plus the barrier between them */
	double pair_fixed = processes ? 2.5e-3 : 0.6e-3;
	double t_sample = 55e-6;

	return (double)npairs * (pair_fixed + (23.0 + (double)samples) * t_sample);
}

uint64_t matrix_samples_for(uint64_t npairs, double seconds, int processes)
{
	double fixed = matrix_estimate(npairs, 0, processes);
	double per = matrix_estimate(npairs, 1, processes) - fixed;
	double s = per > 0 ? (seconds - fixed) / per : 0;

	if (s < MATRIX_MIN_SAMPLES)
		return 0;
	return s > 1e8 ? 100000000 : (uint64_t)s;
}
