/* pin.c: pinning (see pin.h). */
#include "pin.h"

#include <errno.h>
#include <sched.h>
#include <string.h>

#include "parse.h"

int pin_self(int cpu, struct cp_err *e)
{
	cpu_set_t *set;
	size_t sz = CPU_ALLOC_SIZE(CP_MAX_CPUS);
	int got;

	if (cpu < 0 || cpu >= CP_MAX_CPUS)
		return cp_errf(e, CP_EUSAGE, "CPU %d out of range 0-%d", cpu, CP_MAX_CPUS - 1);
	set = CPU_ALLOC(CP_MAX_CPUS);
	if (!set)
		return cp_errf(e, CP_ERUN, "CPU_ALLOC: %s", strerror(errno));
	CPU_ZERO_S(sz, set);
	CPU_SET_S((size_t)cpu, sz, set);
	if (sched_setaffinity(0, sz, set)) {
		int err = errno;

		CPU_FREE(set);
		return cp_errf(e, err == EINVAL ? CP_EUSAGE : CP_ERUN,
			       "cannot pin to CPU %d: sched_setaffinity: %s (offline or outside the allowed set?)",
			       cpu, strerror(err));
	}
	CPU_FREE(set);
	/* the migration happens before sched_setaffinity returns */
	got = sched_getcpu();
	if (got != cpu)
		return cp_errf(e, CP_ERUN, "pinned to CPU %d but running on CPU %d", cpu, got);
	return 0;
}
