/* <sys/stat.h> for Windows with mkfifo/mkfifoat, and stat() that reports a FIFO made by
 * mkfifo as S_IFIFO (fstat on an open FIFO already does). */
#ifndef POSIXIPC_SYS_STAT_H
#define POSIXIPC_SYS_STAT_H

#pragma GCC system_header

#include <posixipc_api.h>

#include_next <sys/stat.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

POSIXIPC_API int posixipc_mkfifo(const char *path, mode_t mode);
POSIXIPC_API int posixipc_mkfifoat(int dirfd, const char *path, mode_t mode);
/* 1 if path names a FIFO made by mkfifo, 0 otherwise (errno untouched). */
POSIXIPC_API int posixipc_is_fifo(const char *path);

#define mkfifo   posixipc_mkfifo
#define mkfifoat posixipc_mkfifoat

static __inline__ int posixipc_stat_fifo_(const char *path, int ret, unsigned short *mode)
{
	if (ret == 0 && (*mode & S_IFMT) == S_IFREG && posixipc_is_fifo(path))
		*mode = (unsigned short)((*mode & ~S_IFMT) | S_IFIFO);
	return ret;
}

/* The hooks are function-like macros so that `struct stat` keeps its meaning.  Under
 * _FILE_OFFSET_BITS=64 mingw-w64 maps stat to a width-specific function: hook that one. */
#if defined(stat)
#define _stat64(p, b)    posixipc_stat_fifo_((p), (_stat64)((p), (b)), &(b)->st_mode)
#define _stat32i64(p, b) posixipc_stat_fifo_((p), (_stat32i64)((p), (b)), &(b)->st_mode)
#else
#define stat(p, b) posixipc_stat_fifo_((p), (stat)((p), (b)), &(b)->st_mode)
#endif
#ifndef lstat
#define lstat(p, b) stat((p), (b))
#endif

#ifdef __cplusplus
}
#endif

#endif
