/* The POSIX descriptor calls (open, read, write, close, dup, dup2, fcntl, fopen, freopen)
 * as the compat headers route them: descriptors with library state go to their facility,
 * all others straight to the C runtime. */
#include <fcntl.h>
#include <io.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

/* The C runtime reads at most UINT_MAX bytes in one call. */
static unsigned int crt_count(size_t count)
{
	return count > 0x7fffffffu ? 0x7fffffffu : (unsigned int)count;
}

/* Does the descriptor the C runtime just opened wrap a FIFO's marker file? */
static int opened_marker(int fd, const char *path)
{
	struct pi_fifo_ref ref;

	return pi_fifo_marker_of_fd(fd, path, &ref);
}

PI_EXPORT int posixipc_open(const char *path, int flags, ...)
{
	struct pi_fifo_ref ref;
	mode_t mode = 0;
	va_list ap;
	int fd, e;

	if (flags & O_CREAT) {
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	if (path == NULL)
		return pi_fail(EFAULT);
	/* O_TRUNC would empty a marker: look before opening.  Otherwise open first and look at
	 * the handle, which costs less than a second lookup of the path. */
	if ((flags & O_TRUNC) && posixipc_is_fifo(path))
		return pi_fifo_open(path, flags, mode);
	/* O_NONBLOCK means nothing to regular files on POSIX either. */
	fd = pi_crt_fd(_open(path, flags & ~O_NONBLOCK, mode));
	if (fd >= 0) {
		if (!pi_fifo_marker_of_fd(fd, path, &ref))
			return fd;
		_close(fd);
		return pi_fifo_open_marker(path, &ref, flags);
	}
	/* A FIFO whose marker this user may not open as a file still opens as a FIFO. */
	e = errno;
	if (e == EACCES && posixipc_is_fifo(path))
		return pi_fifo_open(path, flags, mode);
	errno = e;
	return -1;
}

PI_EXPORT ssize_t posixipc_read(int fd, void *buf, size_t count)
{
	const struct pi_fd_ops *ops;
	void *obj;
	ssize_t r;

	pi_poll_forget(fd);
	obj = pi_fd_acquire(fd, &ops);

	if (obj == NULL)
		return _read(fd, buf, crt_count(count));
	r = ops->read(obj, fd, buf, count);
	pi_fd_release(ops, obj);
	return r;
}

PI_EXPORT ssize_t posixipc_write(int fd, const void *buf, size_t count)
{
	const struct pi_fd_ops *ops;
	void *obj;
	ssize_t r;

	pi_poll_forget(fd);
	obj = pi_fd_acquire(fd, &ops);

	if (obj == NULL) {
		/* A pipe without a reader (say, one inherited from a parent): the C runtime says
		 * EINVAL.  Its own checks (EBADF) set no Win32 error, so an old one is cleared. */
		SetLastError(0);
		r = _write(fd, buf, crt_count(count));
		if (r < 0 && errno == EINVAL && GetLastError() == ERROR_NO_DATA)
			return pi_epipe();
		return r;
	}
	r = ops->write(obj, fd, buf, count);
	pi_fd_release(ops, obj);
	return r;
}

/* read() and write() as <io.h> declares them, which the compat headers bind the names to. */
PI_EXPORT int posixipc_crt_read(int fd, void *buf, unsigned int count)
{
	return (int)posixipc_read(fd, buf, count);
}

PI_EXPORT int posixipc_crt_write(int fd, const void *buf, unsigned int count)
{
	return (int)posixipc_write(fd, buf, count);
}

/* End fd's library state before the C runtime closes or replaces the descriptor. */
static void drop_state(int fd)
{
	const struct pi_fd_ops *ops;
	void *obj;

	pi_poll_forget(fd);
	obj = pi_fd_unregister(fd, &ops);

	if (obj != NULL) {
		ops->close(obj, fd);
		ops->unref(obj);
	}
}

PI_EXPORT int posixipc_close(int fd)
{
	drop_state(fd);
	return _close(fd);
}

/* Give newfd, a C runtime duplicate of fd, the library state fd has. */
static int dup_state(int fd, int newfd)
{
	const struct pi_fd_ops *ops;
	void *obj = pi_fd_acquire(fd, &ops), *copy;
	int e;

	if (obj == NULL)
		return newfd;
	copy = ops->dup(obj, newfd);
	pi_fd_release(ops, obj);
	if (copy == NULL ||
	    pi_fd_register(newfd, pi_fd_handle(newfd), ops, copy) < 0) {
		e = errno;
		if (copy != NULL)
			ops->unref(copy);
		_close(newfd);
		return pi_fail(e);
	}
	return newfd;
}

/* _dup with Linux's errno: Wine's msvcrt says EBADF when only the table is full. */
static int crt_dup(int fd)
{
	int newfd;

	if (pi_fd_handle(fd) == INVALID_HANDLE_VALUE)
		return pi_fail(EBADF);
	newfd = _dup(fd);
	if (newfd < 0 && errno == EBADF)
		errno = EMFILE;
	return pi_crt_fd(newfd);
}

PI_EXPORT int posixipc_dup(int fd)
{
	int newfd = crt_dup(fd);

	return newfd < 0 ? -1 : dup_state(fd, newfd);
}

PI_EXPORT int posixipc_dup2(int fd, int fd2)
{
	if (pi_fd_handle(fd) == INVALID_HANDLE_VALUE)
		return pi_fail(EBADF);
	if (fd == fd2)
		return fd2;
	drop_state(fd2);
	if (_dup2(fd, fd2) < 0)
		return -1;
	return dup_state(fd, fd2);
}

static int get_fd_flags(int fd)
{
	DWORD info;

	if (!GetHandleInformation(pi_fd_handle(fd), &info))
		return pi_fail_win32(0);
	return (info & HANDLE_FLAG_INHERIT) ? 0 : FD_CLOEXEC;
}

/* The C runtime keeps a "not inherited" mark of its own on a descriptor opened with
 * _O_NOINHERIT (O_CLOEXEC), which _spawn honours whatever the handle says, and offers no way
 * to clear it; dup makes a descriptor without the mark, so clearing FD_CLOEXEC on a handle
 * that is not inheritable puts a duplicate in fd's place. */
static int set_fd_flags(int fd, int flags)
{
	int tmp, e;

	if (!(flags & FD_CLOEXEC) && get_fd_flags(fd) == FD_CLOEXEC) {
		if ((tmp = posixipc_dup(fd)) < 0)
			return -1;
		e = posixipc_dup2(tmp, fd) < 0 ? errno : 0;
		posixipc_close(tmp);
		if (e)
			return pi_fail(e);
	}
	if (!SetHandleInformation(pi_fd_handle(fd), HANDLE_FLAG_INHERIT,
				  (flags & FD_CLOEXEC) ? 0 : HANDLE_FLAG_INHERIT))
		return pi_fail_win32(0);
	return 0;
}

/* Status flags of a plain descriptor: its access mode, from the rights its HANDLE holds
 * (O_RDWR when they cannot be asked). */
static int plain_getfl(int fd)
{
	DWORD acc = pi_granted_access_or(pi_fd_handle(fd),
					 FILE_READ_DATA | FILE_WRITE_DATA);
	int r, w;

	r = (acc & FILE_READ_DATA) != 0;
	w = (acc & (FILE_WRITE_DATA | FILE_APPEND_DATA)) != 0;
	return r && w ? O_RDWR : w ? O_WRONLY : O_RDONLY;
}

/* F_DUPFD: the lowest free descriptor >= minfd.  The C runtime hands out the lowest free
 * one, so duplicate until the number is high enough and close the lower ones made on the
 * way: a free number looked up first and taken with dup2 could meanwhile be another
 * thread's new descriptor, which dup2 would silently replace. */
static int dup_at_least(int fd, int minfd)
{
	int *low = NULL, n = 0, newfd, e;

	if (minfd < 0 || minfd >= PI_OPEN_MAX)
		return pi_fail(EINVAL);
	while ((newfd = crt_dup(fd)) >= 0 && newfd < minfd) {
		if (low == NULL && (low = malloc((size_t)minfd * sizeof *low)) == NULL) {
			_close(newfd);
			newfd = pi_fail(ENOMEM);
			break;
		}
		low[n++] = newfd;
	}
	e = errno;
	while (n > 0)
		_close(low[--n]);
	free(low);
	errno = e;
	return newfd < 0 ? -1 : dup_state(fd, newfd);
}

PI_EXPORT int posixipc_fcntl(int fd, int cmd, ...)
{
	const struct pi_fd_ops *ops;
	void *obj;
	va_list ap;
	int arg = 0, r, newfd;

	va_start(ap, cmd);
	if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC || cmd == F_SETFD || cmd == F_SETFL)
		arg = va_arg(ap, int);
	va_end(ap);
	if (pi_fd_handle(fd) == INVALID_HANDLE_VALUE)
		return pi_fail(EBADF);
	switch (cmd) {
	case F_GETFD:
		return get_fd_flags(fd);
	case F_SETFD:
		return set_fd_flags(fd, arg);
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		newfd = dup_at_least(fd, arg);
		if (newfd >= 0 && cmd == F_DUPFD_CLOEXEC)
			set_fd_flags(newfd, FD_CLOEXEC);
		return newfd;
	case F_GETFL:
		obj = pi_fd_acquire(fd, &ops);
		if (obj == NULL)
			return plain_getfl(fd);
		r = ops->getfl(obj);
		pi_fd_release(ops, obj);
		return r;
	case F_SETFL:
		obj = pi_fd_acquire(fd, &ops);
		/* A pipe from elsewhere (an inherited stdin) gets O_NONBLOCK as on Linux. */
		if (obj == NULL)
			return (arg & O_NONBLOCK) && pi_pipe_adopt(fd, arg) < 0 ? -1 : 0;
		r = ops->setfl(obj, fd, arg);
		pi_fd_release(ops, obj);
		return r;
	default:
		return pi_fail(EINVAL);
	}
}

/* fopen's mode string as open() flags: r, w, a, with + and b/t/x/e modifiers ("x" makes
 * "w" O_CREAT|O_EXCL, which an existing FIFO refuses with EEXIST). */
static int fopen_flags(const char *mode)
{
	int plus = strchr(mode + 1, '+') != NULL, excl = strchr(mode + 1, 'x') != NULL;

	switch (mode[0]) {
	case 'r':
		return plus ? O_RDWR : O_RDONLY;
	case 'w':
		return (plus ? O_RDWR : O_WRONLY) | (excl ? O_CREAT | O_EXCL : 0);
	case 'a':
		return plus ? O_RDWR : O_WRONLY;
	default:
		return -1;
	}
}

/* fopen with Linux's errno: Wine's msvcrt says ENFILE when the descriptor table is full. */
static FILE *crt_fopen(const char *path, const char *mode)
{
	FILE *f = fopen(path, mode);

	if (f == NULL && errno == ENFILE)
		errno = EMFILE;
	return f;
}

/* A FIFO's descriptor for an fopen mode, by the FIFO open rules (-1 with errno). */
static int fifo_fd(const char *path, const char *mode)
{
	int flags = fopen_flags(mode);

	return flags < 0 ? pi_fail(EINVAL) : pi_fifo_open(path, flags, 0);
}

/* A FIFO's stream: its descriptor, then a stream over it. */
static FILE *fifo_stream(const char *path, const char *mode)
{
	int fd = fifo_fd(path, mode);
	FILE *f;

	if (fd < 0)
		return NULL;
	f = _fdopen(fd, mode);
	if (f == NULL)
		posixipc_close(fd);
	return f;
}

PI_EXPORT FILE *posixipc_fopen(const char *path, const char *mode)
{
	FILE *f;
	int e;

	if (path == NULL || mode == NULL) {
		errno = EINVAL;
		return NULL;
	}
	/* "w" would empty a marker: look before opening.  "r" and "a" open first and look at
	 * the handle, as open() does. */
	if (mode[0] == 'w')
		return posixipc_is_fifo(path) ? fifo_stream(path, mode) : crt_fopen(path, mode);
	f = crt_fopen(path, mode);
	if (f != NULL) {
		if (!opened_marker(_fileno(f), path))
			return f;
		fclose(f);
		return fifo_stream(path, mode);
	}
	e = errno;
	if (e == EACCES && posixipc_is_fifo(path))
		return fifo_stream(path, mode);
	errno = e;
	return NULL;
}

PI_EXPORT FILE *posixipc_freopen(const char *path, const char *mode, FILE *stream)
{
	int fd;

	if (path == NULL || mode == NULL || stream == NULL || !posixipc_is_fifo(path))
		return freopen(path, mode, stream);
	fd = fifo_fd(path, mode);
	if (fd < 0)
		return NULL;
	fflush(stream);
	if (posixipc_dup2(fd, _fileno(stream)) < 0) {
		posixipc_close(fd);
		return NULL;
	}
	posixipc_close(fd);
	clearerr(stream);
	return stream;
}

PI_EXPORT int posixipc_fclose(FILE *stream)
{
	int fd;

	if (stream == NULL)
		return pi_fail(EINVAL);
	fd = _fileno(stream);
	/* Flush while the descriptor's state still exists, then drop it before the runtime
	 * closes the descriptor, so a reused descriptor number is never taken for this one. */
	fflush(stream);
	drop_state(fd);
	return fclose(stream);
}

