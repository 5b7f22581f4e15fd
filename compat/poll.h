/* <poll.h> for Windows: poll() and ppoll() over FIFO and pipe descriptors, other C runtime
 * descriptors and winsock sockets, with winsock's POLL* values so that <winsock2.h> may come
 * before or after this header.  struct pollfd is POSIX's (an int fd, which also holds a
 * SOCKET); WSAPoll keeps its own WSAPOLLFD. */
#ifndef POSIXIPC_POLL_H
#define POSIXIPC_POLL_H

#pragma GCC system_header

#include <posixipc_api.h>

/* <windows.h> without WIN32_LEAN_AND_MEAN brings winsock 1, after which <winsock2.h> cannot
 * be included cleanly; winsock 1 has no poll values, so they are defined here instead. */
#if !defined(_WINSOCKAPI_) || defined(_WINSOCK2API_)
#ifndef FD_SETSIZE
#define FD_SETSIZE 2048
#endif
#include <winsock2.h>
#endif
#include <sys/types.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef POLLRDNORM
#define POLLRDNORM 0x0100
#define POLLRDBAND 0x0200
#define POLLIN     (POLLRDNORM | POLLRDBAND)
#define POLLPRI    0x0400
#define POLLWRNORM 0x0010
#define POLLOUT    (POLLWRNORM)
#define POLLWRBAND 0x0020
#define POLLERR    0x0001
#define POLLHUP    0x0002
#define POLLNVAL   0x0004
#endif

typedef unsigned long nfds_t;

struct posixipc_pollfd {
	int fd;
	short events;
	short revents;
};
#define pollfd posixipc_pollfd

POSIXIPC_API int posixipc_poll(struct posixipc_pollfd *fds, nfds_t nfds, int timeout);
POSIXIPC_API int posixipc_ppoll(struct posixipc_pollfd *fds, nfds_t nfds,
				const struct timespec *timeout, const _sigset_t *sigmask);

POSIXIPC_API int poll(struct posixipc_pollfd *, nfds_t, int) POSIXIPC_REDIRECT(posixipc_poll);
POSIXIPC_API int ppoll(struct posixipc_pollfd *, nfds_t, const struct timespec *,
		       const _sigset_t *) POSIXIPC_REDIRECT(posixipc_ppoll);

#ifdef __cplusplus
}
#endif

#endif
