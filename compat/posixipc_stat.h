/* The stat structures, for <sys/stat.h> and <wchar.h>.  Under _FILE_OFFSET_BITS=64 mingw-w64
 * widens `struct stat` only by #define stat _stat64 (tag and function alike), which breaks
 * every member, field or method named stat.  Here `struct stat` itself has 64-bit st_size and
 * times (the layout of struct _stat64), so no macro is needed; the other structures are
 * mingw-w64's own, unchanged.  Defined before mingw-w64's <_mingw_stat64.h>, which then stands
 * aside (_STAT_DEFINED). */
#ifndef POSIXIPC_STAT_H
#define POSIXIPC_STAT_H

#pragma GCC system_header

#include <crtdefs.h>
#include <io.h>
#include <sys/types.h>

#if defined(_FILE_OFFSET_BITS) && _FILE_OFFSET_BITS == 64 && !defined(_USE_32BIT_TIME_T) && \
	!defined(NO_OLDNAMES) && !defined(_UCRT) && !defined(_STAT_DEFINED)
#define POSIXIPC_STAT_WIDE 1

#define _fstat _fstat64i32
#define _fstati64 _fstat64
#define _stat _stat64i32
#define _stati64 _stat64
#define _wstat _wstat64i32
#define _wstati64 _wstat64

#ifdef __cplusplus
extern "C" {
#endif

struct _stat32 {
	_dev_t st_dev;
	_ino_t st_ino;
	unsigned short st_mode;
	short st_nlink;
	short st_uid;
	short st_gid;
	_dev_t st_rdev;
	_off_t st_size;
	__time32_t st_atime;
	__time32_t st_mtime;
	__time32_t st_ctime;
};

struct stat {
	_dev_t st_dev;
	_ino_t st_ino;
	unsigned short st_mode;
	short st_nlink;
	short st_uid;
	short st_gid;
	_dev_t st_rdev;
	__extension__ long long st_size;
	__time64_t st_atime;
	__time64_t st_mtime;
	__time64_t st_ctime;
};

struct _stat32i64 {
	_dev_t st_dev;
	_ino_t st_ino;
	unsigned short st_mode;
	short st_nlink;
	short st_uid;
	short st_gid;
	_dev_t st_rdev;
	__extension__ long long st_size;
	__time32_t st_atime;
	__time32_t st_mtime;
	__time32_t st_ctime;
};

struct _stat64i32 {
	_dev_t st_dev;
	_ino_t st_ino;
	unsigned short st_mode;
	short st_nlink;
	short st_uid;
	short st_gid;
	_dev_t st_rdev;
	_off_t st_size;
	__time64_t st_atime;
	__time64_t st_mtime;
	__time64_t st_ctime;
};

struct _stat64 {
	_dev_t st_dev;
	_ino_t st_ino;
	unsigned short st_mode;
	short st_nlink;
	short st_uid;
	short st_gid;
	_dev_t st_rdev;
	__extension__ long long st_size;
	__time64_t st_atime;
	__time64_t st_mtime;
	__time64_t st_ctime;
};

#ifdef __cplusplus
}
#endif

#define __stat64 _stat64
#define stat64 _stat64
#define fstat64 _fstat64

#define _STAT_DEFINED
#endif

#endif
