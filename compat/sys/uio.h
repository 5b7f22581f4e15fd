/* <sys/uio.h> for Windows, which mingw-w64 lacks: struct iovec, readv() and writev(), and
 * Linux's preadv() and pwritev(), over every descriptor read() and write() take.  A writev of
 * up to PIPE_BUF bytes to a FIFO or pipe is one atomic write; see the README for the rest. */
#ifndef POSIXIPC_SYS_UIO_H
#define POSIXIPC_SYS_UIO_H

#pragma GCC system_header

#include <posixipc_api.h>

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* glibc's guard name, which some portable code tests before declaring its own. */
#ifndef __iovec_defined
#define __iovec_defined 1
struct iovec {
	void *iov_base;
	size_t iov_len;
};
#endif

/* The most buffers one call takes, as Linux (also IOV_MAX in <limits.h>). */
#ifndef UIO_MAXIOV
#define UIO_MAXIOV 1024
#endif

POSIXIPC_API ssize_t posixipc_readv(int fd, const struct iovec *iov, int iovcnt);
POSIXIPC_API ssize_t posixipc_writev(int fd, const struct iovec *iov, int iovcnt);
POSIXIPC_API ssize_t posixipc_preadv(int fd, const struct iovec *iov, int iovcnt,
				     int64_t offset);
POSIXIPC_API ssize_t posixipc_preadv32(int fd, const struct iovec *iov, int iovcnt,
				       long offset);
POSIXIPC_API ssize_t posixipc_pwritev(int fd, const struct iovec *iov, int iovcnt,
				      int64_t offset);
POSIXIPC_API ssize_t posixipc_pwritev32(int fd, const struct iovec *iov, int iovcnt,
					long offset);

POSIXIPC_API ssize_t readv(int, const struct iovec *, int) POSIXIPC_REDIRECT(posixipc_readv);
POSIXIPC_API ssize_t writev(int, const struct iovec *, int) POSIXIPC_REDIRECT(posixipc_writev);
#if defined(_FILE_OFFSET_BITS) && _FILE_OFFSET_BITS == 64
POSIXIPC_API ssize_t preadv(int, const struct iovec *, int, _off64_t)
	POSIXIPC_REDIRECT(posixipc_preadv);
POSIXIPC_API ssize_t pwritev(int, const struct iovec *, int, _off64_t)
	POSIXIPC_REDIRECT(posixipc_pwritev);
#else
POSIXIPC_API ssize_t preadv(int, const struct iovec *, int, _off_t)
	POSIXIPC_REDIRECT(posixipc_preadv32);
POSIXIPC_API ssize_t pwritev(int, const struct iovec *, int, _off_t)
	POSIXIPC_REDIRECT(posixipc_pwritev32);
#endif
POSIXIPC_API ssize_t preadv64(int, const struct iovec *, int, _off64_t)
	POSIXIPC_REDIRECT(posixipc_preadv);
POSIXIPC_API ssize_t pwritev64(int, const struct iovec *, int, _off64_t)
	POSIXIPC_REDIRECT(posixipc_pwritev);

#ifdef __cplusplus
}
#endif

#endif
