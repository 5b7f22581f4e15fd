/* Shared memory objects (placeholder until the shm facility lands). */
#include <sys/mman.h>
#include "internal.h"
PI_EXPORT int posixipc_shm_open(const char *n, int o, mode_t m) { (void)n, (void)o, (void)m; return pi_fail(ENOSYS); }
PI_EXPORT int posixipc_shm_unlink(const char *n) { (void)n; return pi_fail(ENOSYS); }
PI_EXPORT int posixipc_shm_win32_path(const char *n, char *b, size_t z) { (void)n, (void)b, (void)z; return pi_fail(ENOSYS); }
