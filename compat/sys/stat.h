/* <sys/stat.h> for Windows with mkfifo/mkfifoat, and stat()/fstat() that report a FIFO made by
 * mkfifo as S_IFIFO and give shm objects and FIFOs the mode they were created with.
 *
 * The stat functions are bound by asm labels declared before mingw-w64's header, so that its own
 * inline wrappers (fstat, _stat64i32, ...) call them too.  Under _FILE_OFFSET_BITS=64 mingw-w64
 * maps `stat` and `fstat` (struct tag and functions) to _stat64/_fstat64 with macros of its own:
 * those names are bound here as well. */
#ifndef POSIXIPC_SYS_STAT_H
#define POSIXIPC_SYS_STAT_H

#pragma GCC system_header

#include <posixipc_api.h>

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct stat;
struct _stat64;
struct _stat64i32;

/* The library's entry points: 64-bit sizes and times (struct _stat64) whatever the caller's
 * _FILE_OFFSET_BITS; the 32 ones fill mingw-w64's plain struct stat (32-bit st_size). */
POSIXIPC_API int posixipc_stat64(const char *path, struct _stat64 *st);
POSIXIPC_API int posixipc_fstat64(int fd, struct _stat64 *st);
POSIXIPC_API int posixipc_stat32(const char *path, struct _stat64i32 *st);
POSIXIPC_API int posixipc_fstat32(int fd, struct _stat64i32 *st);

#if !defined(_USE_32BIT_TIME_T)
/* mingw-w64 declares these dllimport; programs linked statically find the __imp_ pointers in
 * the library, as libmingwex provides them for its own replacements. */
int __cdecl _stat64(const char *, struct _stat64 *) POSIXIPC_REDIRECT(posixipc_stat64);
int __cdecl _fstat64(int, struct _stat64 *) POSIXIPC_REDIRECT(posixipc_fstat64);
#if !defined(NO_OLDNAMES)
int __cdecl stat(const char *, struct stat *) POSIXIPC_REDIRECT(posixipc_stat32);
int __cdecl fstat(int, struct stat *) POSIXIPC_REDIRECT(posixipc_fstat32);
#endif
#endif

#ifdef __cplusplus
}
#endif

#include_next <sys/stat.h>

#ifdef __cplusplus
extern "C" {
#endif

POSIXIPC_API int posixipc_mkfifo(const char *path, mode_t mode);
POSIXIPC_API int posixipc_mkfifoat(int dirfd, const char *path, mode_t mode);
/* 1 if path names a FIFO made by mkfifo, 0 otherwise (errno untouched). */
POSIXIPC_API int posixipc_is_fifo(const char *path);

int mkfifo(const char *, mode_t) POSIXIPC_REDIRECT(posixipc_mkfifo);
int mkfifoat(int, const char *, mode_t) POSIXIPC_REDIRECT(posixipc_mkfifoat);

/* Windows has no symbolic links that POSIX code would meet here: lstat is stat.  `struct stat`
 * is struct _stat64 under _FILE_OFFSET_BITS=64 (mingw-w64's macro). */
#if !defined(_USE_32BIT_TIME_T)
#if defined(_FILE_OFFSET_BITS) && _FILE_OFFSET_BITS == 64
int lstat(const char *, struct stat *) POSIXIPC_REDIRECT(posixipc_stat64);
#else
int lstat(const char *, struct stat *) POSIXIPC_REDIRECT(posixipc_stat32);
#endif
#endif

#ifdef __cplusplus
}
#endif

#endif
