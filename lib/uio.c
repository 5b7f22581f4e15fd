/* readv, writev, preadv and pwritev, which mingw-w64 lacks: vectored I/O over the library's
 * read/write and pread/pwrite.  A vector of up to 64 KiB moves in one transfer, so a writev of
 * up to PIPE_BUF bytes to a FIFO or pipe stays whole, and an O_APPEND record lands in one piece;
 * readv on a pipe or FIFO is one read, which never blocks for the later buffers. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "internal.h"

#define GATHER_MAX 65536

/* The vector's total length, or -1 with Linux's errno: EINVAL for a count outside
 * 0..IOV_MAX or a total past SSIZE_MAX, EFAULT for a missing array or buffer. */
static ssize_t total_of(const struct iovec *iov, int iovcnt)
{
	size_t total = 0;
	int i;

	if (iovcnt < 0 || iovcnt > IOV_MAX)
		return pi_fail(EINVAL);
	if (iovcnt > 0 && iov == NULL)
		return pi_fail(EFAULT);
	for (i = 0; i < iovcnt; i++) {
		if (iov[i].iov_len > (size_t)SSIZE_MAX - total)
			return pi_fail(EINVAL);
		if (iov[i].iov_len > 0 && iov[i].iov_base == NULL)
			return pi_fail(EFAULT);
		total += iov[i].iov_len;
	}
	return (ssize_t)total;
}

static void gather(char *dst, const struct iovec *iov, int iovcnt)
{
	int i;

	for (i = 0; i < iovcnt; i++) {
		memcpy(dst, iov[i].iov_base, iov[i].iov_len);
		dst += iov[i].iov_len;
	}
}

static void scatter(const struct iovec *iov, int iovcnt, const char *src, size_t n)
{
	int i;

	for (i = 0; i < iovcnt && n > 0; i++) {
		size_t k = iov[i].iov_len < n ? iov[i].iov_len : n;

		memcpy(iov[i].iov_base, src, k);
		src += k;
		n -= k;
	}
}

/* One transfer of buf at the descriptor's offset (offset < 0) or at offset. */
static ssize_t move(int fd, void *buf, size_t n, int64_t offset, int out)
{
	if (out)
		return offset < 0 ? posixipc_write(fd, buf, n) : posixipc_pwrite(fd, buf, n, offset);
	return offset < 0 ? posixipc_read(fd, buf, n) : posixipc_pread(fd, buf, n, offset);
}

/* Buffer by buffer, stopping at the first short transfer; bytes moved before an error are
 * reported, as a short transfer. */
static ssize_t each(int fd, const struct iovec *iov, int iovcnt, int64_t offset, int out)
{
	size_t done = 0;
	int i;

	for (i = 0; i < iovcnt; i++) {
		ssize_t r;

		if (iov[i].iov_len == 0)
			continue;
		r = move(fd, iov[i].iov_base, iov[i].iov_len, offset < 0 ? -1 : offset + (int64_t)done,
			 out);
		if (r < 0)
			return done > 0 ? (ssize_t)done : -1;
		done += (size_t)r;
		if ((size_t)r < iov[i].iov_len)
			break;
	}
	return (ssize_t)done;
}

/* A bounce buffer: on the stack up to PIPE_BUF, so that writes which must stay whole always
 * get one; from the heap up to GATHER_MAX; NULL (do it buffer by buffer) otherwise. */
static char *bounce(char *small, size_t n)
{
	if (n <= PIPE_BUF)
		return small;
	return n <= GATHER_MAX ? malloc(n) : NULL;
}

static ssize_t vector_write(int fd, const struct iovec *iov, int iovcnt, int64_t offset)
{
	char small[PIPE_BUF], *buf;
	ssize_t total = total_of(iov, iovcnt), r;

	if (total < 0)
		return -1;
	if (iovcnt == 1 || total == 0)
		return move(fd, total ? iov[0].iov_base : small, (size_t)total, offset, 1);
	buf = bounce(small, (size_t)total);
	if (buf == NULL)
		return each(fd, iov, iovcnt, offset, 1);
	gather(buf, iov, iovcnt);
	r = move(fd, buf, (size_t)total, offset, 1);
	if (buf != small)
		free(buf);
	return r;
}

static ssize_t vector_read(int fd, const struct iovec *iov, int iovcnt, int64_t offset)
{
	char small[PIPE_BUF], *buf;
	ssize_t total = total_of(iov, iovcnt), r;
	size_t n;

	if (total < 0)
		return -1;
	if (iovcnt == 1 || total == 0)
		return move(fd, total ? iov[0].iov_base : small, (size_t)total, offset, 0);
	/* A file reads the whole vector, as on Linux; a pipe or FIFO gives what one read has,
	 * at most GATHER_MAX bytes (a short read, as Linux's pipe gives at most its capacity). */
	if (GetFileType(pi_fd_handle(fd)) == FILE_TYPE_DISK)
		return each(fd, iov, iovcnt, offset, 0);
	n = (size_t)total < GATHER_MAX ? (size_t)total : GATHER_MAX;
	buf = bounce(small, n);
	if (buf == NULL)
		return each(fd, iov, 1, offset, 0);
	r = move(fd, buf, n, offset, 0);
	if (r > 0)
		scatter(iov, iovcnt, buf, (size_t)r);
	if (buf != small)
		free(buf);
	return r;
}

/* A descriptor that is not open is EBADF before the vector is looked at, as on Linux. */
static int is_open(int fd)
{
	return pi_fd_handle(fd) != INVALID_HANDLE_VALUE;
}

PI_EXPORT ssize_t posixipc_readv(int fd, const struct iovec *iov, int iovcnt)
{
	if (!is_open(fd))
		return pi_fail(EBADF);
	return vector_read(fd, iov, iovcnt, -1);
}

PI_EXPORT ssize_t posixipc_writev(int fd, const struct iovec *iov, int iovcnt)
{
	if (!is_open(fd))
		return pi_fail(EBADF);
	return vector_write(fd, iov, iovcnt, -1);
}

/* Linux looks at the offset first, then the descriptor and whether it can seek (pread's
 * checks, made by a transfer of nothing), then the vector, then the descriptor's direction. */
PI_EXPORT ssize_t posixipc_preadv(int fd, const struct iovec *iov, int iovcnt, int64_t offset)
{
	char c;

	if (posixipc_pread(fd, &c, 0, offset) < 0 && (errno != EBADF || !is_open(fd)))
		return -1;
	return vector_read(fd, iov, iovcnt, offset);
}

PI_EXPORT ssize_t posixipc_preadv32(int fd, const struct iovec *iov, int iovcnt, long offset)
{
	return posixipc_preadv(fd, iov, iovcnt, offset);
}

PI_EXPORT ssize_t posixipc_pwritev(int fd, const struct iovec *iov, int iovcnt, int64_t offset)
{
	char c = 0;

	if (posixipc_pwrite(fd, &c, 0, offset) < 0 && (errno != EBADF || !is_open(fd)))
		return -1;
	return vector_write(fd, iov, iovcnt, offset);
}

PI_EXPORT ssize_t posixipc_pwritev32(int fd, const struct iovec *iov, int iovcnt, long offset)
{
	return posixipc_pwritev(fd, iov, iovcnt, offset);
}
