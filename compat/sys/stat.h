/* <sys/stat.h> for Windows with mkfifo/mkfifoat, and stat()/fstat() that report a FIFO made by
 * mkfifo as S_IFIFO and give shm objects and FIFOs the mode they were created with.
 *
 * The stat functions are bound by asm labels declared before mingw-w64's header, so that its own
 * wrappers call them too.  Under _FILE_OFFSET_BITS=64 `struct stat` is
 * posixipc's 64-bit one (posixipc_stat.h) and mingw-w64's header is read as without it, so that
 * it adds none of its `#define stat _stat64` / `#define fstat _fstat64` macros. */
#ifndef POSIXIPC_SYS_STAT_H
#define POSIXIPC_SYS_STAT_H

#pragma GCC system_header

#include <posixipc_api.h>

#include <posixipc_stat.h>
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
#if defined(POSIXIPC_STAT_WIDE)
int __cdecl stat(const char *, struct stat *) POSIXIPC_REDIRECT(posixipc_stat64);
int __cdecl fstat(int, struct stat *) POSIXIPC_REDIRECT(posixipc_fstat64);
int lstat(const char *, struct stat *) POSIXIPC_REDIRECT(posixipc_stat64);
#elif !defined(NO_OLDNAMES)
int __cdecl stat(const char *, struct stat *) POSIXIPC_REDIRECT(posixipc_stat32);
int __cdecl fstat(int, struct stat *) POSIXIPC_REDIRECT(posixipc_fstat32);
int lstat(const char *, struct stat *) POSIXIPC_REDIRECT(posixipc_stat32);
#endif
#elif !defined(NO_OLDNAMES)
/* A 32-bit time_t (i686's default) keeps the C runtime's stat; lstat is that stat, as
 * Windows has no symbolic links that POSIX code would meet. */
static __inline__ int lstat(const char *path, struct stat *st)
{
	return stat(path, st);
}
#endif

#ifdef __cplusplus
}
#endif

/* mingw-w64's inline fstat would bypass the label above when inlined (and copy into a 32-bit
 * st_size), and under _FILE_OFFSET_BITS=64 it would add the stat/fstat macros: hide both while
 * its header is read (everything it includes is already in). */
#pragma push_macro("__CRT__NO_INLINE")
#undef __CRT__NO_INLINE
#define __CRT__NO_INLINE 1
#ifdef POSIXIPC_STAT_WIDE
#pragma push_macro("_FILE_OFFSET_BITS")
#undef _FILE_OFFSET_BITS
#endif
#include_next <sys/stat.h>
#ifdef POSIXIPC_STAT_WIDE
#pragma pop_macro("_FILE_OFFSET_BITS")
#endif
#pragma pop_macro("__CRT__NO_INLINE")

#ifdef __cplusplus
extern "C" {
#endif

POSIXIPC_API int posixipc_mkfifo(const char *path, mode_t mode);
/* chmod: a FIFO's mode is kept by the library; other files get the C runtime's chmod. */
POSIXIPC_API int posixipc_chmod(const char *path, int mode);
#if !defined(NO_OLDNAMES)
int __cdecl chmod(const char *, int) POSIXIPC_REDIRECT(posixipc_chmod);
#endif
/* fchmod, which mingw-w64 lacks: the same, by descriptor (shm objects too). */
POSIXIPC_API int posixipc_fchmod(int fd, mode_t mode);
POSIXIPC_API int posixipc_mkfifoat(int dirfd, const char *path, mode_t mode);
/* 1 if path names a FIFO made by mkfifo, 0 otherwise (errno untouched). */
POSIXIPC_API int posixipc_is_fifo(const char *path);
/* Windows has no symbolic links that POSIX code would meet here: lstat (declared above) is
 * stat. */

POSIXIPC_API int mkfifo(const char *, mode_t) POSIXIPC_REDIRECT(posixipc_mkfifo);
POSIXIPC_API int fchmod(int, mode_t) POSIXIPC_REDIRECT(posixipc_fchmod);
POSIXIPC_API int mkfifoat(int, const char *, mode_t) POSIXIPC_REDIRECT(posixipc_mkfifoat);

#ifdef __cplusplus
}
#endif

#endif
