/* <unistd.h> for Windows: read/write/close/dup that know FIFO and pipe descriptors (exact
 * POSIX errno values, EOF rules), pipe() and pipe2(), sysconf() and getpagesize().  Other
 * descriptors go to the C runtime. */
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

POSIXIPC_API ssize_t posixipc_read(int fd, void *buf, size_t count);
POSIXIPC_API ssize_t posixipc_write(int fd, const void *buf, size_t count);
POSIXIPC_API int posixipc_close(int fd);
POSIXIPC_API int posixipc_dup(int fd);
POSIXIPC_API int posixipc_dup2(int fd, int fd2);
POSIXIPC_API int posixipc_pipe(int fds[2]);
POSIXIPC_API int posixipc_pipe2(int fds[2], int flags);
POSIXIPC_API long posixipc_sysconf(int name);
POSIXIPC_API int posixipc_getpagesize(void);

#define read        posixipc_read
#define write       posixipc_write
#define close       posixipc_close
#define dup         posixipc_dup
#define dup2        posixipc_dup2
#define pipe        posixipc_pipe
#define pipe2       posixipc_pipe2
#define sysconf     posixipc_sysconf
#define getpagesize posixipc_getpagesize

#ifdef __cplusplus
}
#endif

#endif
