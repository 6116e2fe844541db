/* runctl.h: the one place that decides what SIGINT, SIGTERM and SIGHUP do.
 * All three are handled alike everywhere, in one of two ways:
 *
 *  - fatal (the default for pingpong, topo, one cell of a sweep): run the
 *    cleanup hooks (temporary files, agent processes), then die of the
 *    signal, so that the exit status still says which signal it was (130,
 *    143, 129);
 *  - graceful (sweep, report, matrix, the cost commands), between
 *    runctl_stop_begin and runctl_stop_end: a signal is only counted, the
 *    command polls runctl_stop_count() at its boundaries, stops there and
 *    frees what it made; the hooks then run at its exit. */
#ifndef RUNCTL_H
#define RUNCTL_H

#include <stdint.h>

/* fn must be async-signal-safe and do nothing in a forked child (it runs
 * from a signal handler in whichever process got the signal).  The
 * handlers are installed on the first call, for each signal whose
 * disposition is still the default. */
void runctl_at_signal(void (*fn)(void));

/* Graceful stop from now on.  `shared`, if not NULL, is a word in memory
 * shared with forked agents: each signal stores its number there too (the
 * handler is inherited by fork), so agents see it at their next sample
 * boundary.  `restart`: whether interrupted system calls restart (a
 * blocking read goes on) or fail with EINTR (a wait wakes up).  Clears
 * the count. */
void runctl_stop_begin(volatile uint64_t *shared, int restart);
/* Put back the handlers that were there before runctl_stop_begin. */
void runctl_stop_end(void);
/* How many of the three signals came since runctl_stop_begin. */
int runctl_stop_count(void);
/* The number of the last one, 0 if none. */
int runctl_stop_signal(void);

/* ---- the command's time limit (--time-limit) ----
 * Past the deadline a measuring command starts no new measurement (it
 * asks runctl_time_up where one would start) and its sampler stops the one
 * in flight at its next gate (the deadline rides in its request); a
 * measurement cut short writes its rows with stop=time-limit, which marks
 * the run capped (result.c).  The command ends with runctl_exit_code. */
void runctl_deadline_set(double limit_s);   /* from now; 0: none */
double runctl_deadline(void);               /* cp_now_s() seconds; 0: none */
/* Past the deadline (asked before starting a measurement: a measurement
 * not taken, so the run is capped). */
int runctl_time_up(void);
void runctl_mark_capped(void);
int runctl_capped(void);
/* rc, or CP_ECAPPED (with a line on stderr saying so) when rc is CP_OK and
 * the run was capped. */
int runctl_exit_code(int rc);

#endif
