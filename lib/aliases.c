/* The POSIX names themselves, for code that calls them without the compat headers and for
 * configure checks such as AC_CHECK_FUNCS([sem_open mmap]).  Programs built with the headers
 * bind to the posixipc_ names (asm labels), so link order against winpthreads or libgcc never
 * matters.
 * mprotect and getpagesize are left to libgcc, which defines both. */
#include <fcntl.h>
#include <mqueue.h>
#include <poll.h>
#include <semaphore.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "internal.h"

/* Programs linked statically that declared _stat64/_fstat64 the dllimport way (mingw-w64's
 * header after posixipc's asm label) call through these pointers, as the import library
 * provides them for the DLL. */
#ifndef DLL_EXPORT
int (*__MINGW_IMP_SYMBOL(posixipc_stat64))(const char *, struct _stat64 *) = posixipc_stat64;
int (*__MINGW_IMP_SYMBOL(posixipc_fstat64))(int, struct _stat64 *) = posixipc_fstat64;
#endif

PI_EXPORT void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset)
{
	return posixipc_mmap64(addr, length, prot, flags, fd, offset);
}

PI_EXPORT void *mmap64(void *addr, size_t length, int prot, int flags, int fd, int64_t offset)
{
	return posixipc_mmap64(addr, length, prot, flags, fd, offset);
}

PI_EXPORT int munmap(void *addr, size_t length)
{
	return posixipc_munmap(addr, length);
}

PI_EXPORT int msync(void *addr, size_t length, int flags)
{
	return posixipc_msync(addr, length, flags);
}

PI_EXPORT int mlock(const void *addr, size_t length)
{
	return posixipc_mlock(addr, length);
}

PI_EXPORT int munlock(const void *addr, size_t length)
{
	return posixipc_munlock(addr, length);
}

PI_EXPORT int mlockall(int flags)
{
	return posixipc_mlockall(flags);
}

PI_EXPORT int munlockall(void)
{
	return posixipc_munlockall();
}

PI_EXPORT int madvise(void *addr, size_t length, int advice)
{
	return posixipc_madvise(addr, length, advice);
}

PI_EXPORT int posix_madvise(void *addr, size_t length, int advice)
{
	return posixipc_posix_madvise(addr, length, advice);
}

PI_EXPORT int shm_open(const char *name, int oflag, mode_t mode)
{
	return posixipc_shm_open(name, oflag, mode);
}

PI_EXPORT int shm_unlink(const char *name)
{
	return posixipc_shm_unlink(name);
}

PI_EXPORT sem_t *sem_open(const char *name, int oflag, ...)
{
	unsigned int value = 0;
	int mode = 0;
	va_list ap;

	if (oflag & O_CREAT) {
		va_start(ap, oflag);
		mode = va_arg(ap, int);
		value = va_arg(ap, unsigned int);
		va_end(ap);
	}
	return posixipc_sem_open(name, oflag, mode, value);
}

PI_EXPORT int sem_close(sem_t *sem)
{
	return posixipc_sem_close(sem);
}

PI_EXPORT int sem_unlink(const char *name)
{
	return posixipc_sem_unlink(name);
}

PI_EXPORT int sem_init(sem_t *sem, int pshared, unsigned int value)
{
	return posixipc_sem_init(sem, pshared, value);
}

PI_EXPORT int sem_destroy(sem_t *sem)
{
	return posixipc_sem_destroy(sem);
}

PI_EXPORT int sem_wait(sem_t *sem)
{
	return posixipc_sem_wait(sem);
}

PI_EXPORT int sem_trywait(sem_t *sem)
{
	return posixipc_sem_trywait(sem);
}

PI_EXPORT int sem_timedwait(sem_t *sem, const struct timespec *abstime)
{
	return posixipc_sem_timedwait(sem, abstime);
}

PI_EXPORT int sem_clockwait(sem_t *sem, clockid_t clock, const struct timespec *abstime)
{
	return posixipc_sem_clockwait(sem, clock, abstime);
}

PI_EXPORT int sem_post(sem_t *sem)
{
	return posixipc_sem_post(sem);
}

PI_EXPORT int sem_getvalue(sem_t *sem, int *value)
{
	return posixipc_sem_getvalue(sem, value);
}

PI_EXPORT int mkfifo(const char *path, mode_t mode)
{
	return posixipc_mkfifo(path, mode);
}

PI_EXPORT int mkfifoat(int dirfd, const char *path, mode_t mode)
{
	return posixipc_mkfifoat(dirfd, path, mode);
}

PI_EXPORT int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	int arg;

	va_start(ap, cmd);
	arg = va_arg(ap, int);
	va_end(ap);
	return posixipc_fcntl(fd, cmd, arg);
}

PI_EXPORT long sysconf(int name)
{
	return posixipc_sysconf(name);
}

PI_EXPORT mqd_t mq_open(const char *name, int oflag, ...)
{
	struct mq_attr *attr = NULL;
	int mode = 0;
	va_list ap;

	if (oflag & O_CREAT) {
		va_start(ap, oflag);
		mode = va_arg(ap, int);
		attr = va_arg(ap, struct mq_attr *);
		va_end(ap);
	}
	return posixipc_mq_open(name, oflag, mode, attr);
}

PI_EXPORT int mq_close(mqd_t mqdes)
{
	return posixipc_mq_close(mqdes);
}

PI_EXPORT int mq_unlink(const char *name)
{
	return posixipc_mq_unlink(name);
}

PI_EXPORT int mq_send(mqd_t mqdes, const char *msg_ptr, size_t msg_len, unsigned int msg_prio)
{
	return posixipc_mq_send(mqdes, msg_ptr, msg_len, msg_prio);
}

PI_EXPORT int mq_timedsend(mqd_t mqdes, const char *msg_ptr, size_t msg_len,
			   unsigned int msg_prio, const struct timespec *abs_timeout)
{
	return posixipc_mq_timedsend(mqdes, msg_ptr, msg_len, msg_prio, abs_timeout);
}

PI_EXPORT ssize_t mq_receive(mqd_t mqdes, char *msg_ptr, size_t msg_len, unsigned int *msg_prio)
{
	return posixipc_mq_receive(mqdes, msg_ptr, msg_len, msg_prio);
}

PI_EXPORT ssize_t mq_timedreceive(mqd_t mqdes, char *msg_ptr, size_t msg_len,
				  unsigned int *msg_prio, const struct timespec *abs_timeout)
{
	return posixipc_mq_timedreceive(mqdes, msg_ptr, msg_len, msg_prio, abs_timeout);
}

PI_EXPORT int mq_getattr(mqd_t mqdes, struct mq_attr *mqstat)
{
	return posixipc_mq_getattr(mqdes, mqstat);
}

PI_EXPORT int mq_setattr(mqd_t mqdes, const struct mq_attr *mqstat, struct mq_attr *omqstat)
{
	return posixipc_mq_setattr(mqdes, mqstat, omqstat);
}

PI_EXPORT int mq_notify(mqd_t mqdes, const struct sigevent *notification)
{
	return posixipc_mq_notify(mqdes, notification);
}

PI_EXPORT int pipe(int fds[2])
{
	return posixipc_pipe(fds);
}

PI_EXPORT int pipe2(int fds[2], int flags)
{
	return posixipc_pipe2(fds, flags);
}

PI_EXPORT ssize_t pread(int fd, void *buf, size_t count, off_t offset)
{
	return posixipc_pread(fd, buf, count, offset);
}

PI_EXPORT ssize_t pread64(int fd, void *buf, size_t count, int64_t offset)
{
	return posixipc_pread(fd, buf, count, offset);
}

PI_EXPORT ssize_t pwrite(int fd, const void *buf, size_t count, off_t offset)
{
	return posixipc_pwrite(fd, buf, count, offset);
}

PI_EXPORT ssize_t pwrite64(int fd, const void *buf, size_t count, int64_t offset)
{
	return posixipc_pwrite(fd, buf, count, offset);
}

PI_EXPORT int fchmod(int fd, mode_t mode)
{
	return posixipc_fchmod(fd, mode);
}

PI_EXPORT ssize_t readv(int fd, const struct iovec *iov, int iovcnt)
{
	return posixipc_readv(fd, iov, iovcnt);
}

PI_EXPORT ssize_t writev(int fd, const struct iovec *iov, int iovcnt)
{
	return posixipc_writev(fd, iov, iovcnt);
}

PI_EXPORT ssize_t preadv(int fd, const struct iovec *iov, int iovcnt, off_t offset)
{
	return posixipc_preadv(fd, iov, iovcnt, offset);
}

PI_EXPORT ssize_t preadv64(int fd, const struct iovec *iov, int iovcnt, int64_t offset)
{
	return posixipc_preadv(fd, iov, iovcnt, offset);
}

PI_EXPORT ssize_t pwritev(int fd, const struct iovec *iov, int iovcnt, off_t offset)
{
	return posixipc_pwritev(fd, iov, iovcnt, offset);
}

PI_EXPORT ssize_t pwritev64(int fd, const struct iovec *iov, int iovcnt, int64_t offset)
{
	return posixipc_pwritev(fd, iov, iovcnt, offset);
}

PI_EXPORT int poll(struct posixipc_pollfd *fds, nfds_t nfds, int timeout)
{
	return posixipc_poll(fds, nfds, timeout);
}

PI_EXPORT int ppoll(struct posixipc_pollfd *fds, nfds_t nfds, const struct timespec *timeout,
		    const _sigset_t *sigmask)
{
	return posixipc_ppoll(fds, nfds, timeout, sigmask);
}

/* select itself is left to winsock, which exports it: only the header routes to ours. */
PI_EXPORT int pselect(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds,
		      const struct timespec *timeout, const _sigset_t *sigmask)
{
	return posixipc_pselect(nfds, readfds, writefds, exceptfds, timeout, sigmask);
}
