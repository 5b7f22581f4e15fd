/* <string.h> whose strerror, strerror_s and strerror_r give Linux's messages for every errno
 * value, including the POSIX ones msvcrt has no text for (ETIMEDOUT, EOVERFLOW, ENOTSUP...). */
#ifndef POSIXIPC_STRING_H
#define POSIXIPC_STRING_H

#pragma GCC system_header

#include <posixipc_api.h>

#include_next <string.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

POSIXIPC_API char *posixipc_strerror(int errnum);
POSIXIPC_API int posixipc_strerror_s(char *buf, size_t size, int errnum);
/* POSIX strerror_r: 0, or an errno value (EINVAL unknown number, ERANGE buffer too small). */
POSIXIPC_API int posixipc_strerror_r(int errnum, char *buf, size_t size);
/* glibc's _GNU_SOURCE strerror_r: the message, in buf or static. */
POSIXIPC_API char *posixipc_strerror_r_gnu(int errnum, char *buf, size_t size);

char *__cdecl strerror(int) POSIXIPC_REDIRECT(posixipc_strerror);
int __cdecl strerror_s(char *, size_t, int) POSIXIPC_REDIRECT(posixipc_strerror_s);
/* As glibc: the GNU form under _GNU_SOURCE, the POSIX one otherwise. */
#if defined(_GNU_SOURCE) && !defined(POSIXIPC_BUILDING)
char *strerror_r(int, char *, size_t) POSIXIPC_REDIRECT(posixipc_strerror_r_gnu);
#else
int strerror_r(int, char *, size_t) POSIXIPC_REDIRECT(posixipc_strerror_r);
#endif

#ifdef __cplusplus
}
#endif

#endif
