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

/* The one atomic write.  A file is written as PATH.tmp.PID and put in
 * place whole by tmp_commit (flush, fsync, rename onto PATH); on any
 * failure, tmp_discard, a signal that ends the run (runctl) or the exit
 * the temporary is removed and PATH is untouched.  opt names the option
 * (e.g. "out") or what the file is ("report") in the messages (CP_ERUN
 * with the path and strerror). */
#include <stdio.h>
struct tmp_file {
	FILE *f;             /* the temporary, open for writing; NULL after tmp_reserve */
	char *path, *tmp;
	const char *opt;
	int slot;            /* 1 + its place among the temporaries removed on a signal */
};
/* PATH checked (tmp_target_check), PATH.tmp.PID created and open. */
int tmp_open(struct tmp_file *t, const char *opt, const char *path, struct cp_err *e);
/* The same without opening it: another program (gnuplot, hwloc) writes
 * t->tmp, then tmp_commit puts it in place. */
int tmp_reserve(struct tmp_file *t, const char *opt, const char *path, struct cp_err *e);
int tmp_commit(struct tmp_file *t, struct cp_err *e);
void tmp_discard(struct tmp_file *t);
/* tmp_open, fn writes the content, tmp_commit. */
int tmp_write_atomic(const char *opt, const char *path, int (*fn)(FILE *f, void *arg), void *arg,
		     struct cp_err *e);

#endif
