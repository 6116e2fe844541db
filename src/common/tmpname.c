/* tmpname.c: FILE.tmp.PID names and the removal of stale ones (see tmpname.h). */
#include "tmpname.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The pid in NAME when it is exactly PREFIX followed by digits, else 0. */
static long tmp_pid(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);
	char *end;
	long pid;

	if (strncmp(name, prefix, n) || !name[n] || name[n] < '1' || name[n] > '9')
		return 0;
	errno = 0;
	pid = strtol(name + n, &end, 10);
	return *end || errno || pid <= 0 ? 0 : pid;
}

static void remove_stale(const char *path)
{
	char dir[4096], prefix[4200], full[8400];
	const char *slash = strrchr(path, '/');
	struct dirent *de;
	struct stat st;
	DIR *d;

	if (slash) {
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
		if (!dir[0])
			snprintf(dir, sizeof(dir), "/");
	} else {
		snprintf(dir, sizeof(dir), ".");
	}
	snprintf(prefix, sizeof(prefix), "%s.tmp.", slash ? slash + 1 : path);
	if (!(d = opendir(dir)))
		return;
	while ((de = readdir(d))) {
		long pid = tmp_pid(de->d_name, prefix);

		if (!pid || pid == (long)getpid() || !kill((pid_t)pid, 0) || errno != ESRCH)
			continue;
		snprintf(full, sizeof(full), "%s/%s", dir, de->d_name);
		/* only a regular file a dead writer left; never a link or a dir */
		if (!lstat(full, &st) && S_ISREG(st.st_mode))
			unlink(full);
	}
	closedir(d);
}

char *tmp_name(char *buf, size_t len, const char *path)
{
	remove_stale(path);
	snprintf(buf, len, "%s.tmp.%ld", path, (long)getpid());
	return buf;
}

static const char *file_kind(mode_t m)
{
	return S_ISDIR(m) ? "a directory" : S_ISLNK(m) ? "a symbolic link" : S_ISCHR(m) ? "a character device"
	       : S_ISBLK(m) ? "a block device" : S_ISFIFO(m) ? "a named pipe" : S_ISSOCK(m) ? "a socket"
	       : "not a regular file";
}

int tmp_target_check(const char *opt, const char *path, struct cp_err *e)
{
	struct stat st;

	if (!lstat(path, &st) && !S_ISREG(st.st_mode))
		return cp_errf(e, CP_ERUN, "--%s %s: is %s: only a new file or a regular file is "
			       "written (replaced whole)", opt, path, file_kind(st.st_mode));
	return 0;
}

int tmp_write_atomic(const char *opt, const char *path, int (*fn)(FILE *f, void *arg), void *arg,
		     struct cp_err *e)
{
	size_t len = strlen(path) + 32;
	char *tmp;
	FILE *f;
	int rc = 0;

	if (tmp_target_check(opt, path, e))
		return e->code;
	tmp = cp_xcalloc(len, 1);
	tmp_name(tmp, len, path);
	if (!(f = fopen(tmp, "w"))) {
		rc = cp_errf(e, CP_ERUN, "--%s: cannot write '%s': %s", opt, path, strerror(errno));
		free(tmp);
		return rc;
	}
	errno = 0;
	if (fn(f, arg) || fflush(f) || ferror(f) || fsync(fileno(f)))
		rc = cp_errf(e, CP_ERUN, "--%s: writing '%s': %s", opt, tmp, strerror(errno ? errno : EIO));
	if (fclose(f) && !rc)
		rc = cp_errf(e, CP_ERUN, "--%s: writing '%s': %s", opt, tmp, strerror(errno));
	if (!rc && rename(tmp, path))
		rc = cp_errf(e, CP_ERUN, "--%s: renaming '%s' to '%s': %s", opt, tmp, path, strerror(errno));
	if (rc)
		unlink(tmp);
	free(tmp);
	return rc;
}
