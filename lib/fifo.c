/* FIFOs (placeholder until the FIFO facility lands). */
#include <sys/stat.h>
#include "internal.h"
PI_EXPORT int posixipc_is_fifo(const char *path) { (void)path; return 0; }
int pi_fifo_open(const char *path, int flags, mode_t mode) { (void)path, (void)flags, (void)mode; return pi_fail(ENOSYS); }
PI_EXPORT int posixipc_mkfifo(const char *path, mode_t mode) { (void)path, (void)mode; return pi_fail(ENOSYS); }
PI_EXPORT int posixipc_mkfifoat(int d, const char *path, mode_t mode) { (void)d, (void)path, (void)mode; return pi_fail(ENOSYS); }
PI_EXPORT int posixipc_fifo_pipe_name(const char *path, char *buf, size_t size) { (void)path, (void)buf, (void)size; return pi_fail(ENOSYS); }
