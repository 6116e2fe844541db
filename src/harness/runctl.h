/* runctl.h: what SIGINT, SIGTERM or SIGHUP does to a command that has no
 * graceful stop of its own (pingpong, topo, one cell of a sweep): run the
 * cleanup hooks (temporary files, agent processes), then die of the signal,
 * so that the exit status still says which signal it was (130, 143, 129).
 * Commands that stop gracefully (sweep, report, matrix, the cost commands)
 * install their own handlers; the hooks then run at their exit instead. */
#ifndef RUNCTL_H
#define RUNCTL_H

/* fn must be async-signal-safe and do nothing in a forked child (it runs
 * from a signal handler in whichever process got the signal).  The
 * handlers are installed on the first call, for each signal whose
 * disposition is still the default. */
void runctl_at_signal(void (*fn)(void));

#endif
