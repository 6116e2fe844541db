/* runlock.c: one cachepong measuring on a machine at a time (see runlock.h).
 *
 * An flock on one file per machine, held for the life of the process.  Its
 * descriptor is inherited by the children that measure for it (a sweep's
 * cells, a report's probes), which find it through RUNLOCK_FD_ENV: flock
 * on the same open file description succeeds at once.  A second run waits
 * for the first, and says for whom; /proc/locks names the holder's pid. */
#include "runlock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static double waited_s;

const char *runlock_path(char *buf, size_t len)
{
	struct stat st;

	if (getenv(RUNLOCK_PATH_ENV) && *getenv(RUNLOCK_PATH_ENV))
		snprintf(buf, len, "%s", getenv(RUNLOCK_PATH_ENV));
	else if (!stat("/run/lock", &st) && S_ISDIR(st.st_mode) && !access("/run/lock", W_OK))
		snprintf(buf, len, "/run/lock/cachepong.lock");
	else
		snprintf(buf, len, "/tmp/cachepong.lock");
	return buf;
}

/* The lock inherited from the run this process measures for. */
static int inherited(void)
{
	const char *v = getenv(RUNLOCK_FD_ENV);
	int fd = v ? atoi(v) : -1;

	return fd > 2 && fcntl(fd, F_GETFD) >= 0 && !flock(fd, LOCK_EX | LOCK_NB);
}

/* "pid 1234: cachepong report --budget 5m" of the lock's holder, from
 * /proc/locks (the file's inode) and the holder's command line. */
static void holder(int fd, char *buf, size_t len)
{
	struct stat st;
	char line[256], path[64], cmd[200];
	FILE *f = fopen("/proc/locks", "r");
	long pid = -1;

	snprintf(buf, len, "another run");
	if (!f || fstat(fd, &st)) {
		if (f)
			fclose(f);
		return;
	}
	while (pid < 0 && fgets(line, sizeof(line), f)) {
		unsigned maj, min;
		unsigned long ino;
		long p;
		char *q = strstr(line, "FLOCK");

		if (q && sscanf(q, "FLOCK %*s %*s %ld %x:%x:%lu", &p, &maj, &min, &ino) == 4 &&
		    ino == (unsigned long)st.st_ino && p != getpid())
			pid = p;
	}
	fclose(f);
	if (pid < 0)
		return;
	snprintf(path, sizeof(path), "/proc/%ld/cmdline", pid);
	cmd[0] = 0;
	if ((f = fopen(path, "r"))) {
		size_t n = fread(cmd, 1, sizeof(cmd) - 1, f);

		for (size_t i = 0; i + 1 < n; i++)
			if (!cmd[i])
				cmd[i] = ' ';
		cmd[n] = 0;
		fclose(f);
	}
	snprintf(buf, len, "pid %ld%s%s", pid, cmd[0] ? ": " : "", cmd);
}

int runlock_take(const char *what, struct cp_err *e)
{
	char path[4096], who[300], num[16];
	double t0;
	int fd;

	if (inherited())
		return 0;
	runlock_path(path, sizeof(path));
	/* not close-on-exec: the children that measure for this run hold it too */
	fd = open(path, O_RDWR | O_CREAT, 0666);
	if (fd < 0 && errno == EACCES)
		fd = open(path, O_RDONLY);
	if (fd < 0)
		return cp_errf(e, CP_ERUN, "%s: the lock that keeps two runs from measuring each other: %s: %s",
			       what, path, strerror(errno));
	/* another user's run must be able to take it after this one */
	fchmod(fd, 0666);
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		if (errno != EWOULDBLOCK) {
			close(fd);
			return cp_errf(e, CP_ERUN, "%s: flock %s: %s", what, path, strerror(errno));
		}
		holder(fd, who, sizeof(who));
		fprintf(stderr, "cachepong: %s: waiting for %s to finish measuring on this machine (%s): two "
			"runs would measure each other\n", what, who, path);
		t0 = cp_now_s();
		while (flock(fd, LOCK_EX))
			if (errno != EINTR) {
				close(fd);
				return cp_errf(e, CP_ERUN, "%s: flock %s: %s", what, path, strerror(errno));
			}
		waited_s = cp_now_s() - t0;
		fprintf(stderr, "cachepong: %s: the other run ended after %.1f s of waiting: measuring now\n",
			what, waited_s);
	}
	snprintf(num, sizeof(num), "%d", fd);
	setenv(RUNLOCK_FD_ENV, num, 1);
	return 0;
}

double runlock_waited_s(void)
{
	return waited_s;
}
