/* <unistd.h> for Windows: read/write/close/dup that know FIFO and pipe descriptors (exact
 * POSIX errno values, EOF rules), pipe() and pipe2(), pread/pwrite, ftruncate/lseek/fsync/
 * fdatasync with POSIX errno values and 64-bit offsets, sysconf(), pathconf(), getpagesize(),
 * and the POSIX options the library provides.  Other descriptors go to the C runtime. */
#ifndef POSIXIPC_UNISTD_H
#define POSIXIPC_UNISTD_H

#pragma GCC system_header

#include <posixipc_api.h>

/* mingw-w64's ftruncate is an inline call to _chsize (32-bit, EBADF/EINVAL mixed up); its
 * block is kept out and the four functions are declared below instead. */
#ifndef FTRUNCATE_DEFINED
#define FTRUNCATE_DEFINED
#define POSIXIPC_OWN_FTRUNCATE
#endif
#include_next <unistd.h>
#include <posixipc_io.h>
#include <stddef.h>
#include <stdint.h>
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
#define _POSIX_MESSAGE_PASSING        200809L
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
#define _SC_MESSAGE_PASSING       20
#define _SC_SEMAPHORES            21
#define _SC_SHARED_MEMORY_OBJECTS 22
#define _SC_MQ_OPEN_MAX           27
#define _SC_MQ_PRIO_MAX           28
#define _SC_VERSION               29
#define _SC_PAGESIZE              30
#define _SC_PAGE_SIZE             _SC_PAGESIZE
#define _SC_SEM_NSEMS_MAX         32
#define _SC_SEM_VALUE_MAX         33
#define _SC_IOV_MAX               60
#define _SC_NPROCESSORS_CONF      83
#define _SC_NPROCESSORS_ONLN      84
#define _SC_PHYS_PAGES            85
#define _SC_TIMEOUTS              164
#endif

/* pathconf names, numbered as glibc numbers them. */
#ifndef _PC_PIPE_BUF
#define _PC_LINK_MAX  0
#define _PC_MAX_CANON 1
#define _PC_MAX_INPUT 2
#define _PC_NAME_MAX  3
#define _PC_PATH_MAX  4
#define _PC_PIPE_BUF  5
#endif

POSIXIPC_API int posixipc_ftruncate(int fd, int64_t length);
POSIXIPC_API int posixipc_ftruncate32(int fd, long length);
POSIXIPC_API int posixipc_truncate(const char *path, int64_t length);
POSIXIPC_API int posixipc_truncate32(const char *path, long length);
POSIXIPC_API ssize_t posixipc_pread(int fd, void *buf, size_t count, int64_t offset);
POSIXIPC_API ssize_t posixipc_pread32(int fd, void *buf, size_t count, long offset);
POSIXIPC_API ssize_t posixipc_pwrite(int fd, const void *buf, size_t count, int64_t offset);
POSIXIPC_API ssize_t posixipc_pwrite32(int fd, const void *buf, size_t count, long offset);
POSIXIPC_API int posixipc_fsync(int fd);
POSIXIPC_API int posixipc_fdatasync(int fd);
POSIXIPC_API int posixipc_pipe(int fds[2]);
POSIXIPC_API int posixipc_pipe2(int fds[2], int flags);
POSIXIPC_API long posixipc_sysconf(int name);
POSIXIPC_API long posixipc_pathconf(const char *path, int name);
POSIXIPC_API long posixipc_fpathconf(int fd, int name);
POSIXIPC_API int posixipc_getpagesize(void);

#ifdef POSIXIPC_OWN_FTRUNCATE
#undef POSIXIPC_OWN_FTRUNCATE
/* Under _FILE_OFFSET_BITS=64 <unistd.h> itself maps ftruncate to ftruncate64 (a macro of
 * mingw-w64's).  truncate is routed too, so that it refuses a FIFO rather than cut its
 * marker file. */
#ifndef ftruncate
int ftruncate(int, _off_t) POSIXIPC_REDIRECT(posixipc_ftruncate32);
#endif
int ftruncate64(int, _off64_t) POSIXIPC_REDIRECT(posixipc_ftruncate);
#if defined(_FILE_OFFSET_BITS) && _FILE_OFFSET_BITS == 64
int truncate(const char *, _off64_t) POSIXIPC_REDIRECT(posixipc_truncate);
#else
int truncate(const char *, _off_t) POSIXIPC_REDIRECT(posixipc_truncate32);
#endif
int truncate64(const char *, _off64_t) POSIXIPC_REDIRECT(posixipc_truncate);
#endif

/* mingw-w64 has no pread or pwrite. */
#if defined(_FILE_OFFSET_BITS) && _FILE_OFFSET_BITS == 64
POSIXIPC_API ssize_t pread(int, void *, size_t, _off64_t) POSIXIPC_REDIRECT(posixipc_pread);
POSIXIPC_API ssize_t pwrite(int, const void *, size_t, _off64_t) POSIXIPC_REDIRECT(posixipc_pwrite);
#else
POSIXIPC_API ssize_t pread(int, void *, size_t, _off_t) POSIXIPC_REDIRECT(posixipc_pread32);
POSIXIPC_API ssize_t pwrite(int, const void *, size_t, _off_t) POSIXIPC_REDIRECT(posixipc_pwrite32);
#endif
POSIXIPC_API ssize_t pread64(int, void *, size_t, _off64_t) POSIXIPC_REDIRECT(posixipc_pread);
POSIXIPC_API ssize_t pwrite64(int, const void *, size_t, _off64_t) POSIXIPC_REDIRECT(posixipc_pwrite);
int fsync(int) POSIXIPC_REDIRECT(posixipc_fsync);
int fdatasync(int) POSIXIPC_REDIRECT(posixipc_fdatasync);
POSIXIPC_API long sysconf(int) POSIXIPC_REDIRECT(posixipc_sysconf);
long pathconf(const char *, int) POSIXIPC_REDIRECT(posixipc_pathconf);
long fpathconf(int, int) POSIXIPC_REDIRECT(posixipc_fpathconf);
int getpagesize(void) POSIXIPC_REDIRECT(posixipc_getpagesize);
POSIXIPC_API int pipe(int[2]) POSIXIPC_REDIRECT(posixipc_pipe);
POSIXIPC_API int pipe2(int[2], int) POSIXIPC_REDIRECT(posixipc_pipe2);

#ifdef __cplusplus
}
#endif

#endif
