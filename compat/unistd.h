/* <unistd.h> for Windows: read/write/close/dup that know FIFO descriptors (exact POSIX errno
 * values, EOF rules), sysconf() and getpagesize(), and the
 * POSIX options the library provides.  Other descriptors go to the C runtime. */
#ifndef POSIXIPC_UNISTD_H
#define POSIXIPC_UNISTD_H

#include <posixipc_api.h>

#include_next <unistd.h>
#include <io.h>
#include <stddef.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef _SC_PAGESIZE
#define _SC_ARG_MAX          0
#define _SC_CHILD_MAX        1
#define _SC_CLK_TCK          2
#define _SC_NGROUPS_MAX      3
#define _SC_OPEN_MAX         4
#define _SC_PAGESIZE         30
#define _SC_PAGE_SIZE        _SC_PAGESIZE
#define _SC_NPROCESSORS_CONF 83
#define _SC_NPROCESSORS_ONLN 84
#define _SC_SEM_NSEMS_MAX    32
#define _SC_SEM_VALUE_MAX    33
#define _SC_PHYS_PAGES       85
#endif
#ifndef _SC_MQ_OPEN_MAX
#define _SC_MQ_OPEN_MAX        27
#define _SC_MQ_PRIO_MAX        28
#define _SC_MESSAGE_PASSING    20
#endif
/* <mqueue.h>: message queues across processes. */
#ifndef _POSIX_MESSAGE_PASSING
#define _POSIX_MESSAGE_PASSING 200809L
#endif

POSIXIPC_API ssize_t posixipc_read(int fd, void *buf, size_t count);
POSIXIPC_API ssize_t posixipc_write(int fd, const void *buf, size_t count);
POSIXIPC_API int posixipc_close(int fd);
POSIXIPC_API int posixipc_dup(int fd);
POSIXIPC_API int posixipc_dup2(int fd, int fd2);
POSIXIPC_API long posixipc_sysconf(int name);
POSIXIPC_API int posixipc_getpagesize(void);

#define read        posixipc_read
#define write       posixipc_write
#define close       posixipc_close
#define dup         posixipc_dup
#define dup2        posixipc_dup2
#define sysconf     posixipc_sysconf
#define getpagesize posixipc_getpagesize

#ifdef __cplusplus
}
#endif

#endif
