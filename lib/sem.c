/* Semaphores (placeholder until the semaphore facility lands). */
#include <semaphore.h>
#include <stdarg.h>
#include "internal.h"
PI_EXPORT sem_t *posixipc_sem_open(const char *name, int oflag, ...) { (void)name, (void)oflag; errno = ENOSYS; return SEM_FAILED; }
PI_EXPORT int posixipc_sem_close(sem_t *s) { (void)s; return pi_fail(ENOSYS); }
PI_EXPORT int posixipc_sem_unlink(const char *n) { (void)n; return pi_fail(ENOSYS); }
PI_EXPORT int posixipc_sem_init(sem_t *s, int p, unsigned int v) { (void)s, (void)p, (void)v; return pi_fail(ENOSYS); }
PI_EXPORT int posixipc_sem_destroy(sem_t *s) { (void)s; return pi_fail(ENOSYS); }
PI_EXPORT int posixipc_sem_wait(sem_t *s) { (void)s; return pi_fail(ENOSYS); }
PI_EXPORT int posixipc_sem_trywait(sem_t *s) { (void)s; return pi_fail(ENOSYS); }
PI_EXPORT int posixipc_sem_timedwait(sem_t *s, const struct timespec *t) { (void)s, (void)t; return pi_fail(ENOSYS); }
PI_EXPORT int posixipc_sem_clockwait(sem_t *s, clockid_t c, const struct timespec *t) { (void)s, (void)c, (void)t; return pi_fail(ENOSYS); }
PI_EXPORT int posixipc_sem_post(sem_t *s) { (void)s; return pi_fail(ENOSYS); }
PI_EXPORT int posixipc_sem_getvalue(sem_t *s, int *v) { (void)s, (void)v; return pi_fail(ENOSYS); }
PI_EXPORT int posixipc_sem_win32_name(const char *n, char *b, size_t z) { (void)n, (void)b, (void)z; return pi_fail(ENOSYS); }
