/* <sys/select.h> for Windows: select() and pselect() over FIFO and pipe descriptors, other C
 * runtime descriptors and winsock sockets.  fd_set is winsock's (a count and a list of values,
 * so any descriptor number fits), and this header includes <winsock2.h> itself, so a program
 * that uses winsock as well gets this select whatever the order of its includes.  FD_SETSIZE
 * (how many members a set holds) is the descriptor table's size unless it was set first. */
#ifndef POSIXIPC_SYS_SELECT_H
#define POSIXIPC_SYS_SELECT_H

#include <posixipc_api.h>

#if !defined(_WINSOCKAPI_) || defined(_WINSOCK2API_)
#ifndef FD_SETSIZE
#define FD_SETSIZE 2048
#endif
#include <winsock2.h>
#else
/* <windows.h> came first and brought winsock 1, whose fd_set has the same layout. */
#include <winsock.h>
#endif
#include <sys/time.h>
#include <sys/types.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

POSIXIPC_API int posixipc_select(int nfds, fd_set *readfds, fd_set *writefds,
				 fd_set *exceptfds, struct timeval *timeout);
POSIXIPC_API int posixipc_pselect(int nfds, fd_set *readfds, fd_set *writefds,
				  fd_set *exceptfds, const struct timespec *timeout,
				  const _sigset_t *sigmask);
POSIXIPC_API int posixipc_fd_isset(int fd, const fd_set *set);

/* winsock's FD_ISSET calls into ws2_32; this one needs no winsock library. */
#undef FD_ISSET
#define FD_ISSET(fd, set) posixipc_fd_isset((int)(fd), (set))
#define select  posixipc_select
#define pselect posixipc_pselect

#ifdef __cplusplus
}
#endif

#endif
