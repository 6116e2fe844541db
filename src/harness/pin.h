/* pin.h: pin the calling thread to one CPU and check where it runs. */
#ifndef PIN_H
#define PIN_H

#include "cp.h"

/* sched_setaffinity of the calling thread to `cpu`, then sched_getcpu must
 * say `cpu`.  CP_EUSAGE when the CPU is not allowed, CP_ERUN otherwise. */
int pin_self(int cpu, struct cp_err *e);

#endif
