/* Memory mappings (placeholder until the mman facility lands). */
#include <sys/mman.h>
#include "internal.h"
PI_EXPORT void *posixipc_mmap64(void *a, size_t l, int p, int f, int fd, int64_t o) { (void)a, (void)l, (void)p, (void)f, (void)fd, (void)o; errno = ENOSYS; return MAP_FAILED; }
PI_EXPORT int posixipc_munmap(void *a, size_t l) { (void)a, (void)l; return pi_fail(ENOSYS); }
PI_EXPORT int posixipc_mprotect(void *a, size_t l, int p) { (void)a, (void)l, (void)p; return pi_fail(ENOSYS); }
PI_EXPORT int posixipc_msync(void *a, size_t l, int f) { (void)a, (void)l, (void)f; return pi_fail(ENOSYS); }
PI_EXPORT int posixipc_mlock(const void *a, size_t l) { (void)a, (void)l; return pi_fail(ENOSYS); }
PI_EXPORT int posixipc_munlock(const void *a, size_t l) { (void)a, (void)l; return pi_fail(ENOSYS); }
PI_EXPORT int posixipc_mlockall(int f) { (void)f; return pi_fail(ENOSYS); }
PI_EXPORT int posixipc_munlockall(void) { return pi_fail(ENOSYS); }
PI_EXPORT int posixipc_madvise(void *a, size_t l, int v) { (void)a, (void)l, (void)v; return pi_fail(ENOSYS); }
PI_EXPORT int posixipc_posix_madvise(void *a, size_t l, int v) { (void)a, (void)l, (void)v; return pi_fail(ENOSYS); }
