/* tmpname.c: FILE.tmp.PID names and the removal of stale ones (see tmpname.h). */
#include "tmpname.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runctl.h"

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

/* ---- temporaries die with the process ----
 * A sweep is often ended with ^C or SIGTERM, and a command may exit through
 * cp_die without tmp_discard: neither must leave PATH.tmp.PID behind.  The
 * open temporaries are kept in fixed buffers (an async-signal-safe hook
 * cannot follow malloc'd pointers being freed), removed by a runctl hook
 * (SIGINT/SIGTERM/SIGHUP) and at exit.  Only the creating process removes
 * them: forked agents inherit the table, the handlers and atexit. */
#define TMP_SLOTS 32
static char tmp_slot[TMP_SLOTS][PATH_MAX];
static volatile sig_atomic_t tmp_used[TMP_SLOTS];
static pid_t tmp_owner;

static void tmp_cleanup(void)
{
	if (getpid() != tmp_owner)
		return;
	for (int i = 0; i < TMP_SLOTS; i++)
		if (tmp_used[i]) {
			tmp_used[i] = 0;
			unlink(tmp_slot[i]);
		}
}

static int tmp_register(const char *path)
{
	static int installed;

	if (!installed) {
		installed = 1;
		atexit(tmp_cleanup);
		runctl_at_signal(tmp_cleanup);
	}
	tmp_owner = getpid();
	if (strlen(path) >= PATH_MAX)
		return 0;
	for (int i = 0; i < TMP_SLOTS; i++)
		if (!tmp_used[i]) {
			memcpy(tmp_slot[i], path, strlen(path) + 1);
			tmp_used[i] = 1; /* after the name: the handler never sees half of it */
			return i + 1;
		}
	return 0;
}

static void tmp_release(struct tmp_file *t)
{
	if (t->slot > 0)
		tmp_used[t->slot - 1] = 0;
	free(t->path);
	free(t->tmp);
	memset(t, 0, sizeof(*t));
}

int tmp_reserve(struct tmp_file *t, const char *opt, const char *path, struct cp_err *e)
{
	size_t len = strlen(path) + 32;

	memset(t, 0, sizeof(*t));
	if (tmp_target_check(opt, path, e))
		return e->code;
	t->opt = opt;
	t->path = cp_xstrdup(path);
	t->tmp = cp_xcalloc(len, 1);
	tmp_name(t->tmp, len, path);
	t->slot = tmp_register(t->tmp);
	return 0;
}

/* "the directory of PATH" for a message. */
static const char *dir_of(const char *path, char *buf, size_t len)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return ".";
	snprintf(buf, len, "%.*s", (int)(slash - path), path);
	return buf[0] ? buf : "/";
}

int tmp_open(struct tmp_file *t, const char *opt, const char *path, struct cp_err *e)
{
	char dir[PATH_MAX];
	int fd, err;

	if (tmp_reserve(t, opt, path, e))
		return e->code;
	fd = open(t->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0 && (t->f = fdopen(fd, "w")))
		return 0;
	err = errno;
	if (fd >= 0)
		close(fd);
	unlink(t->tmp);
	cp_errf(e, CP_ERUN, "--%s %s: cannot write in directory %s: %s", opt, path,
		dir_of(path, dir, sizeof(dir)), strerror(err));
	tmp_release(t);
	return CP_ERUN;
}

int tmp_commit(struct tmp_file *t, struct cp_err *e)
{
	int rc = 0;

	if (t->f) {
		errno = 0;
		if (fflush(t->f) || ferror(t->f) || fsync(fileno(t->f)))
			rc = cp_errf(e, CP_ERUN, "--%s: writing '%s': %s", t->opt, t->tmp, strerror(errno ? errno : EIO));
		if (fclose(t->f) && !rc)
			rc = cp_errf(e, CP_ERUN, "--%s: writing '%s': %s", t->opt, t->tmp, strerror(errno));
		t->f = NULL;
	}
	if (!rc && rename(t->tmp, t->path))
		rc = cp_errf(e, CP_ERUN, "--%s: renaming '%s' to '%s': %s", t->opt, t->tmp, t->path, strerror(errno));
	if (rc)
		unlink(t->tmp);
	tmp_release(t);
	return rc;
}

void tmp_discard(struct tmp_file *t)
{
	if (t->f)
		fclose(t->f);
	if (t->tmp)
		unlink(t->tmp);
	tmp_release(t);
}

int tmp_write_atomic(const char *opt, const char *path, int (*fn)(FILE *f, void *arg), void *arg,
		     struct cp_err *e)
{
	struct tmp_file t;

	if (tmp_open(&t, opt, path, e))
		return e->code;
	if (fn(t.f, arg)) {
		cp_errf(e, CP_ERUN, "--%s: writing '%s': %s", opt, t.tmp, strerror(errno ? errno : EIO));
		tmp_discard(&t);
		return CP_ERUN;
	}
	return tmp_commit(&t, e);
}
