/* pipe() and pipe2(): a uniquely named Win32 pipe connection, the read end its server and the
 * write end its client, so that both ends can be non-blocking and polled as FIFO ends are;
 * and the descriptor operations (read, write, O_NONBLOCK, dup) of its ends.
 * End of file and EPIPE come from the kernel's count of each end's handles, so they stay right
 * when a child started with _spawn or CreateProcess holds an end. */
#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <wchar.h>

#include "internal.h"

#define PIPE_BUFSIZE 65536
#define PIPE_ATOMIC 4096

/* The two ends of one pipe() call, and the HANDLEs of this process's descriptors on its read
 * end (the first few dups), since under Wine only a read end tells how full the pipe is. */
#define PAIR_READERS 8
struct pipe_pair {
	volatile LONG refs;
	SRWLOCK lock;
	HANDLE rh[PAIR_READERS];
};

/* One end as pipe() made it (an open file description): shared by its dup()s. */
struct pipe_end {
	volatile LONG refs;
	volatile LONG flags;
	/* Non-blocking calls switch the end's wait mode for their duration; one at a time. */
	SRWLOCK lock;
	/* NULL for a pipe the library did not make. */
	struct pipe_pair *pair;
};

static const struct pi_fd_ops pipe_ops;

static void end_ref(void *obj)
{
	InterlockedIncrement(&((struct pipe_end *)obj)->refs);
}

static void end_unref(void *obj)
{
	struct pipe_end *p = obj;

	if (InterlockedDecrement(&p->refs) == 0) {
		if (p->pair != NULL && InterlockedDecrement(&p->pair->refs) == 0)
			free(p->pair);
		free(p);
	}
}

static int is_read_end(const struct pipe_end *p)
{
	return p->pair != NULL && (p->flags & O_ACCMODE) == O_RDONLY;
}

/* Replace the entry `was` (NULL: a free one) with `now` in the pair's list of read ends. */
static void track_read_end(struct pipe_end *p, HANDLE was, HANDLE now)
{
	int i;

	AcquireSRWLockExclusive(&p->pair->lock);
	for (i = 0; i < PAIR_READERS; i++)
		if (p->pair->rh[i] == was) {
			p->pair->rh[i] = now;
			break;
		}
	ReleaseSRWLockExclusive(&p->pair->lock);
}

/* A non-blocking read takes only what is there, so it never has to change the end's wait
 * mode, which a child holding the same end would see too. */
static ssize_t read_nowait(struct pipe_end *p, HANDLE h, void *buf, DWORD n)
{
	DWORD avail = 0, got = 0, err = 0;

	AcquireSRWLockExclusive(&p->lock);
	if (!PeekNamedPipe(h, NULL, 0, NULL, &avail, NULL))
		err = GetLastError();
	else if (avail > 0 && !ReadFile(h, buf, n < avail ? n : avail, &got, NULL))
		err = GetLastError();
	ReleaseSRWLockExclusive(&p->lock);
	if (err)
		return pi_pipe_no_peer(err) ? 0 : pi_fail_win32(err);
	return avail == 0 ? pi_fail(EAGAIN) : (ssize_t)got;
}

static ssize_t end_read(void *obj, int fd, void *buf, size_t count)
{
	struct pipe_end *p = obj;
	HANDLE h = pi_fd_handle(fd);
	DWORD n = count > 0x40000000 ? 0x40000000 : (DWORD)count, got = 0, err;

	if ((p->flags & O_ACCMODE) == O_WRONLY)
		return pi_fail(EBADF);
	if (buf == NULL && count > 0)
		return pi_fail(EFAULT);
	if (count == 0)
		return 0;
	if (p->flags & O_NONBLOCK)
		return read_nowait(p, h, buf, n);
	if (ReadFile(h, buf, n, &got, NULL))
		return (ssize_t)got;
	err = GetLastError();
	return pi_pipe_no_peer(err) ? 0 : pi_fail_win32(err);
}

/* A non-blocking pipe write either fits whole or writes nothing, so writes of up to PIPE_BUF
 * are never split; a longer one is offered in smaller pieces for POSIX's partial count. */
static ssize_t write_nowait(struct pipe_end *p, HANDLE h, const char *buf, size_t count)
{
	ssize_t r;

	AcquireSRWLockExclusive(&p->lock);
	r = pi_pipe_write_nowait(h, buf, count, PIPE_BUFSIZE, PIPE_ATOMIC);
	ReleaseSRWLockExclusive(&p->lock);
	if (r > 0)
		return r;
	if (r < 0)
		return pi_pipe_write_fail((DWORD)-r);
	return pi_fail(EAGAIN);
}

static ssize_t end_write(void *obj, int fd, const void *buf, size_t count)
{
	struct pipe_end *p = obj;
	HANDLE h = pi_fd_handle(fd);
	const char *s = buf;
	size_t done = 0;
	DWORD n, want;
	int r;

	if ((r = pi_pipe_write_check(p->flags, buf, &count)) <= 0)
		return r;
	if (p->flags & O_NONBLOCK)
		return write_nowait(p, h, s, count);
	do {
		want = count - done > 0x40000000 ? 0x40000000 : (DWORD)(count - done);
		n = 0;
		if (!WriteFile(h, s + done, want, &n, NULL)) {
			if (done > 0)
				return (ssize_t)done;
			return pi_pipe_write_fail(GetLastError());
		}
		/* A short count only comes from another descriptor's non-blocking call. */
		if (n == 0)
			SwitchToThread();
		done += n;
	} while (done < count);
	return (ssize_t)done;
}

static void end_close(void *obj, int fd)
{
	if (is_read_end(obj))
		track_read_end(obj, pi_fd_handle(fd), NULL);
}

static int end_getfl(void *obj)
{
	return ((struct pipe_end *)obj)->flags;
}

static int end_setfl(void *obj, int fd, int flags)
{
	(void)fd;
	pi_fd_set_status(&((struct pipe_end *)obj)->flags, flags);
	return 0;
}

/* A dup shares the open file description, O_NONBLOCK included, as POSIX says. */
static void *end_dup(void *obj, int newfd)
{
	if (is_read_end(obj))
		track_read_end(obj, NULL, pi_fd_handle(newfd));
	end_ref(obj);
	return obj;
}

static const struct pi_fd_ops pipe_ops = {
	end_ref, end_unref, end_read, end_write, end_close, end_getfl, end_setfl, end_dup,
};

int pi_pipe_is_end(int fd, int *flags)
{
	const struct pi_fd_ops *ops;
	void *obj = pi_fd_acquire(fd, &ops);

	if (obj == NULL)
		return 0;
	if (ops != &pipe_ops) {
		pi_fd_release(ops, obj);
		return 0;
	}
	if (flags != NULL)
		*flags = ((struct pipe_end *)obj)->flags;
	pi_fd_release(ops, obj);
	return 1;
}

int pi_pipe_end_room(int fd, DWORD *room)
{
	const struct pi_fd_ops *ops;
	struct pipe_end *p = pi_fd_acquire(fd, &ops);
	int r = 0, i;

	if (p == NULL)
		return 0;
	if (ops == &pipe_ops && p->pair != NULL && (p->flags & O_ACCMODE) == O_WRONLY) {
		AcquireSRWLockShared(&p->pair->lock);
		for (i = 0; i < PAIR_READERS && !r; i++)
			r = p->pair->rh[i] != NULL && pi_pipe_room(p->pair->rh[i], room);
		ReleaseSRWLockShared(&p->pair->lock);
	}
	pi_fd_release(ops, p);
	return r;
}

/* A pipe descriptor the library did not make (one inherited from a parent as stdin, say)
 * takes a pipe end's state when a program first sets O_NONBLOCK on it. */
int pi_pipe_adopt(int fd, int flags)
{
	HANDLE h = pi_fd_handle(fd);
	DWORD acc = pi_granted_access(h);
	struct pipe_end *p;

	if (h == INVALID_HANDLE_VALUE || GetFileType(h) != FILE_TYPE_PIPE)
		return 0;
	p = calloc(1, sizeof *p);
	if (p == NULL)
		return pi_fail(ENOMEM);
	p->refs = 1;
	p->flags = ((acc & FILE_READ_DATA) && (acc & FILE_WRITE_DATA) ? O_RDWR :
		    (acc & FILE_WRITE_DATA) ? O_WRONLY : O_RDONLY) | (flags & O_NONBLOCK);
	InitializeSRWLock(&p->lock);
	if (pi_fd_register(fd, h, &pipe_ops, p) < 0) {
		free(p);
		return -1;
	}
	return 1;
}

/* ------------------------------------------------------------------ making the pair */

#define READ_END_ACCESS                                                                  \
	(FILE_READ_DATA | FILE_READ_ATTRIBUTES | FILE_READ_EA | FILE_WRITE_ATTRIBUTES |       \
	 READ_CONTROL | SYNCHRONIZE)

/* FILE_FLAG_FIRST_PIPE_INSTANCE refuses a name someone else made first (Wine 8.0 ignores the
 * flag, but the name carries 64 random bits). */
static int make_handles(HANDLE *rh, HANDLE *wh, int inherit)
{
	SECURITY_ATTRIBUTES sa = { sizeof sa, NULL, inherit };
	wchar_t name[96];
	HANDLE duplex;
	DWORD err;

	swprintf(name, 96, L"\\\\.\\pipe\\posixipc.pipe.%lu.%016llx",
		 (unsigned long)GetCurrentProcessId(), (unsigned long long)pi_random64());
	/* Duplex only so that the read end may change its own wait mode (FILE_WRITE_ATTRIBUTES);
	 * the write end is opened for writing alone. */
	duplex = CreateNamedPipeW(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_FIRST_PIPE_INSTANCE,
				  PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT |
					  PIPE_REJECT_REMOTE_CLIENTS,
				  1, 0, PIPE_BUFSIZE, 0, &sa);
	if (duplex == INVALID_HANDLE_VALUE)
		return pi_fail_win32(0);
	*wh = CreateFileW(name, GENERIC_WRITE | FILE_READ_ATTRIBUTES, 0, &sa, OPEN_EXISTING, 0,
			  NULL);
	if (*wh == INVALID_HANDLE_VALUE) {
		err = GetLastError();
		CloseHandle(duplex);
		return pi_fail_win32(err);
	}
	/* The read end keeps no right to write: a process that inherits it without the library's
	 * state (a child's stdin) sees a read end by its rights, as F_GETFL and poll ask them,
	 * and a write on it fails at once (EBADF) instead of waiting for a reader forever. */
	if (!DuplicateHandle(GetCurrentProcess(), duplex, GetCurrentProcess(), rh, READ_END_ACCESS,
			     inherit, DUPLICATE_CLOSE_SOURCE)) {
		err = GetLastError();
		CloseHandle(*wh);
		return pi_fail_win32(err);
	}
	return 0;
}

/* Wrap h as a descriptor with the end's state; on failure h is closed. */
static int wrap_end(HANDLE h, int access, int flags, struct pipe_pair *pair)
{
	struct pipe_end *p;
	int fd, e, crt;

	crt = (access == O_RDONLY ? _O_RDONLY : _O_WRONLY) | _O_BINARY |
	      ((flags & O_CLOEXEC) ? _O_NOINHERIT : 0);
	p = calloc(1, sizeof *p);
	if (p == NULL) {
		CloseHandle(h);
		return pi_fail(ENOMEM);
	}
	fd = pi_fd_wrap(h, crt);
	if (fd < 0) {
		free(p);
		return -1;
	}
	p->refs = 1;
	p->flags = access | (flags & O_NONBLOCK);
	InitializeSRWLock(&p->lock);
	if (pi_fd_register(fd, h, &pipe_ops, p) < 0) {
		e = errno;
		free(p);
		_close(fd);
		return pi_fail(e);
	}
	p->pair = pair;
	InterlockedIncrement(&pair->refs);
	return fd;
}

static void close_end(int fd)
{
	const struct pi_fd_ops *ops;
	void *obj = pi_fd_unregister(fd, &ops);

	if (obj != NULL)
		ops->unref(obj);
	_close(fd);
}

PI_EXPORT int posixipc_pipe2(int fds[2], int flags)
{
	struct pipe_pair *pair;
	HANDLE rh = NULL, wh = NULL;
	int rfd, wfd;

	if (fds == NULL)
		return pi_fail(EFAULT);
	if (flags & ~(O_NONBLOCK | O_CLOEXEC))
		return pi_fail(EINVAL);
	pair = calloc(1, sizeof *pair);
	if (pair == NULL)
		return pi_fail(ENOMEM);
	/* The call's own reference, dropped below once the ends hold theirs. */
	pair->refs = 1;
	InitializeSRWLock(&pair->lock);
	if (make_handles(&rh, &wh, !(flags & O_CLOEXEC)) < 0) {
		free(pair);
		return -1;
	}
	pair->rh[0] = rh;
	rfd = wrap_end(rh, O_RDONLY, flags, pair);
	wfd = rfd < 0 ? -1 : wrap_end(wh, O_WRONLY, flags, pair);
	if (rfd < 0)
		CloseHandle(wh);
	else if (wfd < 0)
		close_end(rfd);
	if (InterlockedDecrement(&pair->refs) == 0)
		free(pair);
	if (wfd < 0)
		return -1;
	fds[0] = rfd;
	fds[1] = wfd;
	return 0;
}

PI_EXPORT int posixipc_pipe(int fds[2])
{
	return posixipc_pipe2(fds, 0);
}
