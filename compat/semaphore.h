/* <semaphore.h> for Windows: the whole POSIX semaphore API, without a system call until a
 * thread must sleep.
 * It replaces winpthreads' header of the same name, so a program sees one sem_t and one
 * implementation whatever else it includes or links. */
#ifndef POSIXIPC_SEMAPHORE_H
#define POSIXIPC_SEMAPHORE_H

#pragma GCC system_header

#include <posixipc_api.h>

#ifdef WIN_PTHREADS_SEMAPHORE_H
#error "winpthreads' <semaphore.h> was included before posixipc's: put posixipc's include folder (pkg-config --cflags posixipc) first"
#endif
/* Keep winpthreads' header out from now on. */
#define WIN_PTHREADS_SEMAPHORE_H

#include <fcntl.h>
#include <limits.h>
#include <sys/types.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Opaque.  An unnamed semaphore's count lives in __count (the value, and in the high half
 * the number of sleepers), so posts and waits that need not sleep make no system call.
 * pshared semaphores keep only process-independent data here, so a sem_t placed in a
 * MAP_SHARED mapping works from every process that maps it. */
typedef struct {
	unsigned int __magic;
	unsigned int __kind;
	volatile long long __count;
	unsigned long long __id;
	void *__handle;
	void *__priv;
} sem_t;

#define SEM_FAILED ((sem_t *)0)
#ifndef SEM_VALUE_MAX
#define SEM_VALUE_MAX 2147483647
#endif

POSIXIPC_API sem_t *posixipc_sem_open(const char *name, int oflag, ...);
POSIXIPC_API int posixipc_sem_close(sem_t *sem);
POSIXIPC_API int posixipc_sem_unlink(const char *name);
POSIXIPC_API int posixipc_sem_init(sem_t *sem, int pshared, unsigned int value);
POSIXIPC_API int posixipc_sem_destroy(sem_t *sem);
POSIXIPC_API int posixipc_sem_wait(sem_t *sem);
POSIXIPC_API int posixipc_sem_trywait(sem_t *sem);
POSIXIPC_API int posixipc_sem_timedwait(sem_t *sem, const struct timespec *abstime);
POSIXIPC_API int posixipc_sem_clockwait(sem_t *sem, clockid_t clock, const struct timespec *abstime);
POSIXIPC_API int posixipc_sem_post(sem_t *sem);
POSIXIPC_API int posixipc_sem_getvalue(sem_t *sem, int *value);

POSIXIPC_API sem_t *sem_open(const char *, int, ...) POSIXIPC_REDIRECT(posixipc_sem_open);
POSIXIPC_API int sem_close(sem_t *) POSIXIPC_REDIRECT(posixipc_sem_close);
POSIXIPC_API int sem_unlink(const char *) POSIXIPC_REDIRECT(posixipc_sem_unlink);
POSIXIPC_API int sem_init(sem_t *, int, unsigned int) POSIXIPC_REDIRECT(posixipc_sem_init);
POSIXIPC_API int sem_destroy(sem_t *) POSIXIPC_REDIRECT(posixipc_sem_destroy);
POSIXIPC_API int sem_wait(sem_t *) POSIXIPC_REDIRECT(posixipc_sem_wait);
POSIXIPC_API int sem_trywait(sem_t *) POSIXIPC_REDIRECT(posixipc_sem_trywait);
POSIXIPC_API int sem_timedwait(sem_t *, const struct timespec *)
	POSIXIPC_REDIRECT(posixipc_sem_timedwait);
POSIXIPC_API int sem_clockwait(sem_t *, clockid_t, const struct timespec *)
	POSIXIPC_REDIRECT(posixipc_sem_clockwait);
POSIXIPC_API int sem_post(sem_t *) POSIXIPC_REDIRECT(posixipc_sem_post);
POSIXIPC_API int sem_getvalue(sem_t *, int *) POSIXIPC_REDIRECT(posixipc_sem_getvalue);

#ifdef __cplusplus
}
#endif

#endif
