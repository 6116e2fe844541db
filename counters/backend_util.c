/* backend_util.c: the helpers counters.c, evset.c and the backends share
 * (backend.h): copying names, marking an event unavailable with its
 * reason, finding a CPU PMU.  It depends on nothing else in counters/, so
 * the backends do not call back into counters.c. */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "backend.h"

void ctr_strlcpy(char *d, const char *s, size_t n)
{
	size_t l = strlen(s);

	if (l >= n)
		l = n - 1;
	memcpy(d, s, l);
	d[l] = 0;
}

void ctr_why(struct cp_cset *cs, int i, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cs->why[i], sizeof(cs->why[i]), fmt, ap);
	va_end(ap);
	cs->valid[i] = 0;
}

int ctr_unnamed(struct cp_cset *cs, int i)
{
	if (strcmp(cs->cfg->spec[i], "-"))
		return 0;
	ctr_why(cs, i, "the event set names no %s event for it", cs->cfg->be->name);
	return 1;
}

int ctr_hw_pmu_present(void)
{
	DIR *d = opendir("/sys/bus/event_source/devices");
	struct dirent *de;
	int found = 0;

	if (!d)
		return 0;
	/* x86: cpu (cpu_core/cpu_atom on hybrids); Arm: armv8_pmuv3_0, armv8_cortex_... */
	while (!found && (de = readdir(d)))
		found = !strcmp(de->d_name, "cpu") || !strncmp(de->d_name, "cpu_", 4) ||
			!strncmp(de->d_name, "armv", 4);
	closedir(d);
	return found;
}
