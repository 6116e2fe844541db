/* dsa.h: a memory copy by Intel's Data Streaming Accelerator (DSA), from
 * user space through the idxd driver's work queue (/dev/dsa/wqD.Q), as the
 * DSA specification (Intel, rev. 1.1+) and linux/idxd.h describe it:
 *
 * - a 64-byte descriptor (MEMMOVE, or a BATCH of them when a message is
 *   larger than the queue's max_transfer_size), written to the queue's
 *   portal with MOVDIR64B (dedicated queue) or ENQCMD (shared queue: it
 *   says when the queue was full, and is retried);
 * - a 32-byte completion record the engine writes, waited on with UMWAIT
 *   (C0.2, the core nearly idle) where the CPU has WAITPKG, else polled
 *   with PAUSE;
 * - a page fault the engine cannot take (no block-on-fault) ends the
 *   descriptor early: status PAGE_FAULT_NOBOF, bytes_completed and
 *   fault_addr say where; the page is touched (written when the fault was
 *   a write) and the rest submitted again.
 *
 * The queue must be configured by the administrator (accel-config, see the
 * man page); dsa_find says why one cannot be used.  Everything the engine
 * reads or writes is in the address space of the process that opened the
 * queue (its PASID): open it in the process that copies. */
#ifndef DSA_H
#define DSA_H

#include <stddef.h>
#include <stdint.h>

#include "cp.h"

#define DSA_DESC_BYTES 64
#define DSA_COMP_BYTES 32
#define DSA_MAX_BATCH 1024        /* descriptors of one batch at most (the spec's limit) */

/* A usable work queue, as sysfs describes it. */
struct dsa_wq {
	char name[32];              /* wq0.0 */
	char dev[4200];             /* its character device, /dev/dsa/wq0.0 */
	int dedicated;              /* mode dedicated (MOVDIR64B) or shared (ENQCMD) */
	uint64_t max_xfer;          /* max_transfer_size, bytes */
	unsigned max_batch;         /* max_batch_size, descriptors (0: no batches) */
};

/* The first enabled user work queue of any DSA device under ROOT/sys/bus/
 * dsa/devices that this process may open (ROOT: "" on a machine, a test's
 * fake tree).  CP_EUNAVAIL with why not and how to set one up. */
int dsa_find(const char *root, struct dsa_wq *w, struct cp_err *e);
/* What `copy --via list` says of DSA here: usable (the queue) or why not. */
void dsa_status(const char *root, char *buf, size_t len);

/* ---- descriptors (exposed for the tests of their layout) ---- */
struct dsa_hw_desc;
struct dsa_completion_record;
/* A MEMMOVE of n bytes src -> dst, completion into *comp. */
void dsa_prep_memmove(struct dsa_hw_desc *d, void *dst, const void *src, uint32_t n,
		      struct dsa_completion_record *comp);
/* How many descriptors n bytes take at max_xfer per descriptor. */
size_t dsa_ndesc(size_t n, uint64_t max_xfer);
/* After a page fault: the descriptor for what is left of d, given its
 * completion record; 0, or -1 when the record is no fault. */
int dsa_resume(struct dsa_hw_desc *d, const struct dsa_completion_record *c);

/* ---- a queue opened by the copying process ---- */
struct dsa_engine;
/* Open w, map its portal, allocate descriptors for messages of `size`
 * bytes.  CP_EUNAVAIL / CP_ERUN with why. */
int dsa_open(const struct dsa_wq *w, size_t size, struct dsa_engine **eng, struct cp_err *e);
/* Copy n bytes src -> dst by the engine and wait for it: 0, or -1 with
 * the status and the call in *why (static). */
int dsa_copy(struct dsa_engine *eng, void *dst, const void *src, size_t n, const char **why);
void dsa_close(struct dsa_engine *eng);

#endif
