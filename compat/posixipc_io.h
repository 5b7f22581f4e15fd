/* The descriptor calls of mingw-w64's <io.h> bound to posixipc's, for <unistd.h> and <fcntl.h>:
 * the same prototypes as <io.h>, each renamed by an asm label (no macros). */
#ifndef POSIXIPC_IO_H
#define POSIXIPC_IO_H

#pragma GCC system_header

#include <posixipc_api.h>

#include <io.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The library's own entry points.  The 64-bit ones take int64_t whatever the caller's
 * _FILE_OFFSET_BITS; the _crt/32 ones have the C runtime's prototypes for the names below. */
POSIXIPC_API int posixipc_open(const char *path, int flags, ...);
POSIXIPC_API ssize_t posixipc_read(int fd, void *buf, size_t count);
POSIXIPC_API ssize_t posixipc_write(int fd, const void *buf, size_t count);
POSIXIPC_API int posixipc_crt_read(int fd, void *buf, unsigned int count);
POSIXIPC_API int posixipc_crt_write(int fd, const void *buf, unsigned int count);
POSIXIPC_API int posixipc_close(int fd);
POSIXIPC_API int posixipc_dup(int fd);
POSIXIPC_API int posixipc_dup2(int fd, int fd2);
POSIXIPC_API int64_t posixipc_lseek(int fd, int64_t offset, int whence);
POSIXIPC_API long posixipc_lseek32(int fd, long offset, int whence);

#if !defined(NO_OLDNAMES)
int __cdecl open(const char *, int, ...) POSIXIPC_REDIRECT(posixipc_open);
int __cdecl read(int, void *, unsigned int) POSIXIPC_REDIRECT(posixipc_crt_read);
int __cdecl write(int, const void *, unsigned int) POSIXIPC_REDIRECT(posixipc_crt_write);
int __cdecl close(int) POSIXIPC_REDIRECT(posixipc_close);
int __cdecl dup(int) POSIXIPC_REDIRECT(posixipc_dup);
int __cdecl dup2(int, int) POSIXIPC_REDIRECT(posixipc_dup2);
#endif
/* Under _FILE_OFFSET_BITS=64 <io.h> itself maps lseek to lseek64 (a macro of mingw-w64's). */
#if !defined(NO_OLDNAMES) && !defined(lseek)
long __cdecl lseek(int, long, int) POSIXIPC_REDIRECT(posixipc_lseek32);
#endif
_off64_t lseek64(int, _off64_t, int) POSIXIPC_REDIRECT(posixipc_lseek);

#ifdef __cplusplus
}
#endif

#endif
