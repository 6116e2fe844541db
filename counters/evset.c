/* evset.c: event sets as data.  The set counted by default is
 * counters/default.txt (portable events) plus the file of this CPU's
 * vendor/family (coherence events: HITM, fills from other caches ...).
 *
 * Where the files are found: cp_data_dir("counters") (src/common/cp_datadir.c):
 * $CACHEPONG_DATA, beside the binary, or the installed share/cachepong. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"

/* vendor + family range -> file.  Arm has no vendor_id/family in
 * /proc/cpuinfo: "arm" matches a "CPU implementer" line. */
static const struct {
	const char *vendor;
	int fam_min, fam_max;
	const char *file;
} families[] = {
	{ "GenuineIntel", 6, 6, "intel.txt" },
	{ "AuthenticAMD", 0x17, 0x1a, "amd-zen.txt" },   /* Zen 1 .. Zen 5 */
	{ "HygonGenuine", 0x18, 0x18, "amd-zen.txt" },   /* Dhyana is Zen 1 */
	{ "arm", 0, 0, "arm.txt" },
};

const char *evset_family_file(void)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256], vendor[64] = "";
	int family = -1;

	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		if (!vendor[0] && sscanf(line, "vendor_id : %63s", vendor) == 1)
			continue;
		if (family < 0 && sscanf(line, "cpu family : %d", &family) == 1)
			continue;
		if (!vendor[0] && !strncmp(line, "CPU implementer", 15)) {
			strcpy(vendor, "arm");
			family = 0;
		}
	}
	fclose(f);
	for (size_t i = 0; i < CP_ARRAY_SIZE(families); i++)
		if (!strcmp(vendor, families[i].vendor) && family >= families[i].fam_min &&
		    family <= families[i].fam_max)
			return families[i].file;
	return NULL;
}

int evset_dir(char *buf, size_t len, struct cp_err *e)
{
	return cp_data_dir("counters", "default.txt", buf, len, e);
}

int evset_load(struct cp_counters_cfg *c, const char *dir, const char *file,
	       const char *column, struct cp_err *e)
{
	char path[PATH_MAX + 64], line[512];
	int col = !strcmp(column, "papi") ? 1 : 2, lineno = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "r");
	if (!f)
		return cp_errf(e, CP_EUNAVAIL, "event set %s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char *fld[3], *save = NULL, *desc;
		int nf = 0;

		lineno++;
		if ((desc = strchr(line, '#')))
			*desc = 0;
		line[strcspn(line, "\n")] = 0;
		/* three fields; the rest of the line is the description */
		for (char *t = line; nf < 3 && (t = strtok_r(nf ? NULL : t, " \t", &save));)
			fld[nf++] = t;
		if (!nf)
			continue;
		if (nf < 3) {
			fclose(f);
			return cp_errf(e, CP_EUSAGE, "event set %s:%d: expected NAME PAPI PERF "
				       "DESCRIPTION", path, lineno);
		}
		if (c->n == CP_MAX_COUNTERS) {
			fclose(f);
			return cp_errf(e, CP_EUSAGE, "event set %s:%d: more than %d events in the set",
				       path, lineno, CP_MAX_COUNTERS);
		}
		desc = save ? save + strspn(save, " \t") : "";
		ctr_strlcpy(c->name[c->n], fld[0], sizeof(c->name[0]));
		ctr_strlcpy(c->spec[c->n], fld[col], sizeof(c->spec[0]));
		ctr_strlcpy(c->desc[c->n], desc, sizeof(c->desc[0]));
		c->n++;
	}
	fclose(f);
	return 0;
}
