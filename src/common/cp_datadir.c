/* cp_datadir.c: where the data files read at run time are (the counters'
 * event sets, the gnuplot scripts): found from the binary, never from the
 * current directory, so every command works from any directory.
 *
 * Tried in this order, the first folder holding the probe file wins:
 *   1. $CACHEPONG_DATA/SUB               (an explicit override)
 *   2. SUB beside the real binary, up to three folders up (the source
 *      tree: build/cachepong, build/asan/cachepong -> ./SUB)
 *   3. BINDIR/../share/cachepong/SUB     (an installed tree, moved as a whole)
 *   4. CP_PREFIX/share/cachepong/SUB     (where `make install` put them) */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cp.h"
#include "cp_prefix.h"   /* CP_PREFIX, from tools/configure.sh */

/* Up to how many folders above the binary's own the source tree may be. */
#define DATADIR_UP_MAX 3

static int try_dir(char *buf, size_t len, const char *dir, const char *sub, const char *probe,
		   char *tried, size_t tried_len)
{
	char path[PATH_MAX + 256];
	size_t used = strlen(tried);

	snprintf(buf, len, "%s/%s", dir, sub);
	snprintf(path, sizeof(path), "%s/%s", buf, probe);
	if (access(path, R_OK) == 0)
		return 1;
	snprintf(tried + used, tried_len - used, "%s%s", used ? ", " : "", buf);
	return 0;
}

/* The folder of the real binary (symbolic links resolved by the kernel). */
static int exe_dir(char *dir, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", dir, len - 1);
	char *slash;

	if (n <= 0)
		return -1;
	dir[n] = 0;
	slash = strrchr(dir, '/');
	if (!slash)
		return -1;
	*slash = 0;
	return 0;
}

int cp_data_dir(const char *sub, const char *probe, char *buf, size_t len, struct cp_err *e)
{
	char bin[PATH_MAX], dir[PATH_MAX + 32], tried[4 * PATH_MAX] = "";
	const char *env = getenv("CACHEPONG_DATA");

	if (env && *env) {
		if (try_dir(buf, len, env, sub, probe, tried, sizeof(tried)))
			return 0;
		return cp_errf(e, CP_EUNAVAIL, "%s/%s not found in CACHEPONG_DATA=%s (tried %s)",
			       sub, probe, env, tried);
	}
	if (exe_dir(bin, sizeof(bin)) == 0) {
		snprintf(dir, sizeof(dir), "%s", bin);
		for (int up = 0; up <= DATADIR_UP_MAX; up++) {
			char *slash;

			if (try_dir(buf, len, dir, sub, probe, tried, sizeof(tried)))
				return 0;
			slash = strrchr(dir, '/');
			if (!slash || slash == dir)
				break;
			*slash = 0;
		}
		snprintf(dir, sizeof(dir), "%s/../share/cachepong", bin);
		if (try_dir(buf, len, dir, sub, probe, tried, sizeof(tried)))
			return 0;
	} else {
		snprintf(tried, sizeof(tried), "(the binary's folder: /proc/self/exe: %s)", strerror(errno));
	}
	if (try_dir(buf, len, CP_PREFIX "/share/cachepong", sub, probe, tried, sizeof(tried)))
		return 0;
	return cp_errf(e, CP_EUNAVAIL, "%s/%s not found; tried %s (make install puts it in "
		       CP_PREFIX "/share/cachepong/%s; CACHEPONG_DATA=DIR overrides)", sub, probe, tried, sub);
}
