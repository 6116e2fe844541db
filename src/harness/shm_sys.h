/* shm_sys.h: what the kernel offers for shared memory: page sizes, THP and
 * hugetlb settings, NUMA binding and where a page really is. */
#ifndef SHM_SYS_H
#define SHM_SYS_H

#include <stddef.h>

#include "cp.h"

size_t shm_sys_base_page(void);
size_t shm_sys_thp_page(void);   /* hpage_pmd_size, or 2 MiB */
size_t shm_sys_huge_page(void);  /* Hugepagesize of /proc/meminfo */

/* CP_EUNAVAIL with the setting to change when THP (shmem or anonymous)
 * or hugetlb pages cannot be had. */
int shm_sys_check_thp(int shmem, struct cp_err *e);
int shm_sys_check_tmpfs_thp(const char *dir, struct cp_err *e);
int shm_sys_check_huge(struct cp_err *e);

/* After the first touch: smaps says the range is backed by huge pages. */
int shm_sys_verify(const void *addr, size_t len, int thp, int shmem, size_t page,
		   struct cp_err *e);

#endif
