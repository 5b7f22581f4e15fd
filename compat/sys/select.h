/* <sys/select.h> for Windows: select() and pselect() over FIFO and pipe descriptors, other C
 * runtime descriptors and winsock sockets.  fd_set is winsock's (a count and a list of values,
 * so any descriptor number fits), and this header includes <winsock2.h> itself, so a program
 * that uses winsock as well gets this select whatever the order of its includes.  FD_SETSIZE
 * (how many members a set holds) is the descriptor table's size unless it was set first. */
#ifndef POSIXIPC_SYS_SELECT_H
#define POSIXIPC_SYS_SELECT_H

#pragma GCC system_header

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

/* winsock's FD_ISSET calls into ws2_32, and its FD_SET and FD_CLR compare an int with a
 * SOCKET (a warning under clang's -Wextra): these take descriptors and socket values alike. */
static __inline__ void posixipc_fd_set_(int fd, fd_set *set)
{
	u_int i;

	for (i = 0; i < set->fd_count; i++)
		if (set->fd_array[i] == (SOCKET)(unsigned)fd)
			return;
	if (set->fd_count < FD_SETSIZE)
		set->fd_array[set->fd_count++] = (SOCKET)(unsigned)fd;
}

static __inline__ void posixipc_fd_clr_(int fd, fd_set *set)
{
	u_int i;

	for (i = 0; i < set->fd_count; i++)
		if (set->fd_array[i] == (SOCKET)(unsigned)fd) {
			set->fd_array[i] = set->fd_array[--set->fd_count];
			return;
		}
}

#undef FD_SET
#undef FD_CLR
#undef FD_ISSET
#define FD_SET(fd, set)   posixipc_fd_set_((int)(fd), (set))
#define FD_CLR(fd, set)   posixipc_fd_clr_((int)(fd), (set))
#define FD_ISSET(fd, set) posixipc_fd_isset((int)(fd), (set))
/* select stays a macro: <winsock2.h> declares it dllimport, and a plain redeclaration bound
 * elsewhere would conflict with that in every file that includes both. */
#define select  posixipc_select
POSIXIPC_API int pselect(int, fd_set *, fd_set *, fd_set *, const struct timespec *,
			 const _sigset_t *) POSIXIPC_REDIRECT(posixipc_pselect);

#ifdef __cplusplus
}
#endif

#endif
