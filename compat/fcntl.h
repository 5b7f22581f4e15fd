/* <fcntl.h> for Windows with what POSIX programs use on FIFOs: O_NONBLOCK, fcntl(), and an
 * open() that opens a FIFO made by mkfifo as a real pipe.  Other paths go to the C runtime. */
#ifndef POSIXIPC_FCNTL_H
#define POSIXIPC_FCNTL_H

#pragma GCC system_header

#include <posixipc_api.h>

#include_next <fcntl.h>
#include <posixipc_io.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A bit the C runtime does not use; open() and fcntl() strip it before calling the runtime. */
#ifndef O_NONBLOCK
#define O_NONBLOCK 0x00800000
#endif
#ifndef O_NDELAY
#define O_NDELAY O_NONBLOCK
#endif
#ifndef O_CLOEXEC
#define O_CLOEXEC _O_NOINHERIT
#endif
#ifndef O_ACCMODE
#define O_ACCMODE (O_RDONLY | O_WRONLY | O_RDWR)
#endif

#ifndef F_DUPFD
#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#endif
#ifndef F_DUPFD_CLOEXEC
#define F_DUPFD_CLOEXEC 1030
#endif
#ifndef FD_CLOEXEC
#define FD_CLOEXEC 1
#endif

#ifndef AT_FDCWD
#define AT_FDCWD (-100)
#endif

POSIXIPC_API int posixipc_fcntl(int fd, int cmd, ...);

POSIXIPC_API int fcntl(int fd, int cmd, ...) POSIXIPC_REDIRECT(posixipc_fcntl);

#ifdef __cplusplus
}
#endif

#endif
