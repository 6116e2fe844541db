/* runlock.h: one cachepong measuring on a machine at a time.  Two runs on
 * one machine would measure each other (the CPUs, the caches, the memory
 * bus); a command that measures takes the machine's lock first, and one
 * that finds it taken waits for it, naming the run that holds it.  The
 * children that measure for a run (a sweep's cells) hold the run's lock. */
#ifndef RUNLOCK_H
#define RUNLOCK_H

#include <stddef.h>

#include "cp.h"

/* the lock file: $CACHEPONG_LOCK, else /run/lock/cachepong.lock, else
 * /tmp/cachepong.lock */
#define RUNLOCK_PATH_ENV "CACHEPONG_LOCK"
/* the descriptor a run's children inherit */
#define RUNLOCK_FD_ENV "CACHEPONG_LOCK_FD"

const char *runlock_path(char *buf, size_t len);
/* Take the lock for `what` (the command), waiting for another run to end;
 * 0, or CP_ERUN naming the file and strerror. */
int runlock_take(const char *what, struct cp_err *e);
/* How long runlock_take waited for another run, seconds. */
double runlock_waited_s(void);

#endif
