/* tmpname.h: the one naming of temporary files.  Every file cachepong
 * writes is written as FILE.tmp.PID and renamed into place when complete,
 * so a reader never sees half a file.  A run killed by SIGKILL leaves its
 * FILE.tmp.PID behind; the next run that writes FILE removes those of
 * processes that no longer exist (and nothing else). */
#ifndef TMPNAME_H
#define TMPNAME_H

#include <stddef.h>

#include "cp.h"

/* Remove stale PATH.tmp.<pid> files of dead processes, then put
 * "PATH.tmp.<our pid>" into buf (len bytes).  Returns buf. */
char *tmp_name(char *buf, size_t len, const char *path);

/* PATH may be replaced by a rename only when it is missing or a regular
 * file: a device, a pipe, a link or a directory never is (as root, a
 * rename onto /dev/null would replace the device).  CP_ERUN naming OPT
 * (the option, e.g. "out"), the path and what it is. */
int tmp_target_check(const char *opt, const char *path, struct cp_err *e);

/* The one atomic write: fn writes the content to PATH.tmp.PID, which is
 * flushed, synced and renamed onto PATH; on any failure the temporary is
 * removed and PATH is untouched.  opt names the option (e.g. "out") in
 * the messages (CP_ERUN with the path and strerror). */
#include <stdio.h>
int tmp_write_atomic(const char *opt, const char *path, int (*fn)(FILE *f, void *arg), void *arg,
		     struct cp_err *e);

#endif
