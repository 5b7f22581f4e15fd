/* <sys/mman.h> for Windows: memory mappings (mmap family) and POSIX shared memory objects
 * (shm_open/shm_unlink), implemented by posixipc on Win32 file mappings. */
#ifndef POSIXIPC_SYS_MMAN_H
#define POSIXIPC_SYS_MMAN_H

#pragma GCC system_header

#include <posixipc_api.h>

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PROT_NONE  0x0
#define PROT_READ  0x1
#define PROT_WRITE 0x2
#define PROT_EXEC  0x4

#define MAP_SHARED          0x01
#define MAP_PRIVATE         0x02
#define MAP_SHARED_VALIDATE 0x03
#define MAP_TYPE            0x0f
#define MAP_FIXED           0x10
#define MAP_ANONYMOUS       0x20
#define MAP_ANON            MAP_ANONYMOUS
#define MAP_NORESERVE       0x4000
#define MAP_POPULATE        0x8000
#define MAP_FIXED_NOREPLACE 0x100000

#define MAP_FAILED ((void *)-1)

#define MS_ASYNC      1
#define MS_INVALIDATE 2
#define MS_SYNC       4

#define MCL_CURRENT 1
#define MCL_FUTURE  2
#define MCL_ONFAULT 4

#define MADV_NORMAL     0
#define MADV_RANDOM     1
#define MADV_SEQUENTIAL 2
#define MADV_WILLNEED   3
#define MADV_DONTNEED   4
#define MADV_FREE       8

#define POSIX_MADV_NORMAL     MADV_NORMAL
#define POSIX_MADV_RANDOM     MADV_RANDOM
#define POSIX_MADV_SEQUENTIAL MADV_SEQUENTIAL
#define POSIX_MADV_WILLNEED   MADV_WILLNEED
#define POSIX_MADV_DONTNEED   MADV_DONTNEED

/* The library takes 64-bit offsets; mmap with the caller's off_t (32 or 64 bits, as
 * _FILE_OFFSET_BITS says) binds to the entry point of that width. */
POSIXIPC_API void *posixipc_mmap64(void *addr, size_t length, int prot, int flags, int fd,
				     int64_t offset);
POSIXIPC_API void *posixipc_mmap32(void *addr, size_t length, int prot, int flags, int fd,
				     long offset);
POSIXIPC_API int posixipc_munmap(void *addr, size_t length);
POSIXIPC_API int posixipc_mprotect(void *addr, size_t length, int prot);
POSIXIPC_API int posixipc_msync(void *addr, size_t length, int flags);
POSIXIPC_API int posixipc_mlock(const void *addr, size_t length);
POSIXIPC_API int posixipc_munlock(const void *addr, size_t length);
POSIXIPC_API int posixipc_mlockall(int flags);
POSIXIPC_API int posixipc_munlockall(void);
POSIXIPC_API int posixipc_madvise(void *addr, size_t length, int advice);
POSIXIPC_API int posixipc_posix_madvise(void *addr, size_t length, int advice);
POSIXIPC_API int posixipc_shm_open(const char *name, int oflag, mode_t mode);
POSIXIPC_API int posixipc_shm_unlink(const char *name);

#if defined(_FILE_OFFSET_BITS) && _FILE_OFFSET_BITS == 64
POSIXIPC_API void *mmap(void *, size_t, int, int, int, off_t) POSIXIPC_REDIRECT(posixipc_mmap64);
#else
POSIXIPC_API void *mmap(void *, size_t, int, int, int, off_t) POSIXIPC_REDIRECT(posixipc_mmap32);
#endif
POSIXIPC_API void *mmap64(void *, size_t, int, int, int, int64_t)
	POSIXIPC_REDIRECT(posixipc_mmap64);
POSIXIPC_API int munmap(void *, size_t) POSIXIPC_REDIRECT(posixipc_munmap);
int mprotect(void *, size_t, int) POSIXIPC_REDIRECT(posixipc_mprotect);
POSIXIPC_API int msync(void *, size_t, int) POSIXIPC_REDIRECT(posixipc_msync);
POSIXIPC_API int mlock(const void *, size_t) POSIXIPC_REDIRECT(posixipc_mlock);
POSIXIPC_API int munlock(const void *, size_t) POSIXIPC_REDIRECT(posixipc_munlock);
POSIXIPC_API int mlockall(int) POSIXIPC_REDIRECT(posixipc_mlockall);
POSIXIPC_API int munlockall(void) POSIXIPC_REDIRECT(posixipc_munlockall);
POSIXIPC_API int madvise(void *, size_t, int) POSIXIPC_REDIRECT(posixipc_madvise);
POSIXIPC_API int posix_madvise(void *, size_t, int) POSIXIPC_REDIRECT(posixipc_posix_madvise);
POSIXIPC_API int shm_open(const char *, int, mode_t) POSIXIPC_REDIRECT(posixipc_shm_open);
POSIXIPC_API int shm_unlink(const char *) POSIXIPC_REDIRECT(posixipc_shm_unlink);

#ifdef __cplusplus
}
#endif

#include <unistd.h> /* sysconf(_SC_PAGESIZE), getpagesize() */

#endif
