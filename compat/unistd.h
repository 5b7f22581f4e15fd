/* <unistd.h> for Windows: read/write/close/dup that know FIFO descriptors (exact POSIX errno
 * values, EOF rules), sysconf() and getpagesize().  Other descriptors go to the C runtime. */
#ifndef POSIXIPC_UNISTD_H
#define POSIXIPC_UNISTD_H

#pragma GCC system_header

#include <posixipc_api.h>

#include_next <unistd.h>
#include <io.h>
#include <stddef.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The POSIX options the library implements, with Linux's values.  winpthreads' header (included
 * above) says 200112L for the two it knows; these are the 2008 ones. */
#undef _POSIX_SEMAPHORES
#undef _POSIX_TIMEOUTS
#define _POSIX_MAPPED_FILES           200809L
#define _POSIX_MEMORY_PROTECTION      200809L
#define _POSIX_MEMLOCK_RANGE          200809L
#define _POSIX_SEMAPHORES             200809L
#define _POSIX_SHARED_MEMORY_OBJECTS  200809L
#define _POSIX_FSYNC                  200809L
#define _POSIX_SYNCHRONIZED_IO        200809L
#define _POSIX_TIMEOUTS               200809L

/* sysconf names, numbered as glibc numbers them. */
#ifndef _SC_PAGESIZE
#define _SC_ARG_MAX               0
#define _SC_CHILD_MAX             1
#define _SC_CLK_TCK               2
#define _SC_NGROUPS_MAX           3
#define _SC_OPEN_MAX              4
#define _SC_SYNCHRONIZED_IO       14
#define _SC_FSYNC                 15
#define _SC_MAPPED_FILES          16
#define _SC_MEMLOCK               17
#define _SC_MEMLOCK_RANGE         18
#define _SC_MEMORY_PROTECTION     19
#define _SC_SEMAPHORES            21
#define _SC_SHARED_MEMORY_OBJECTS 22
#define _SC_VERSION               29
#define _SC_PAGESIZE              30
#define _SC_PAGE_SIZE             _SC_PAGESIZE
#define _SC_SEM_NSEMS_MAX         32
#define _SC_SEM_VALUE_MAX         33
#define _SC_NPROCESSORS_CONF      83
#define _SC_NPROCESSORS_ONLN      84
#define _SC_PHYS_PAGES            85
#define _SC_TIMEOUTS              164
#endif

POSIXIPC_API ssize_t posixipc_read(int fd, void *buf, size_t count);
POSIXIPC_API ssize_t posixipc_write(int fd, const void *buf, size_t count);
POSIXIPC_API int posixipc_close(int fd);
POSIXIPC_API int posixipc_dup(int fd);
POSIXIPC_API int posixipc_dup2(int fd, int fd2);
POSIXIPC_API long posixipc_sysconf(int name);
POSIXIPC_API int posixipc_fsync(int fd);
POSIXIPC_API int posixipc_fdatasync(int fd);
POSIXIPC_API int posixipc_getpagesize(void);

#define read        posixipc_read
#define write       posixipc_write
#define close       posixipc_close
#define dup         posixipc_dup
#define dup2        posixipc_dup2
#define sysconf     posixipc_sysconf
#define fsync       posixipc_fsync
#define fdatasync   posixipc_fdatasync
#define getpagesize posixipc_getpagesize

#ifdef __cplusplus
}
#endif

#endif
