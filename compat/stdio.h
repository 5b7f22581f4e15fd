/* <stdio.h> for Windows whose fopen/freopen open a FIFO made by mkfifo as a real pipe, and whose
 * perror speaks Linux's messages for the POSIX errno values msvcrt has no text for.  Other paths
 * go to the C runtime unchanged. */
#ifndef POSIXIPC_STDIO_H
#define POSIXIPC_STDIO_H

#pragma GCC system_header

#include <posixipc_api.h>

#include_next <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

POSIXIPC_API FILE *posixipc_fopen(const char *path, const char *mode);
POSIXIPC_API FILE *posixipc_freopen(const char *path, const char *mode, FILE *stream);
POSIXIPC_API int posixipc_fclose(FILE *stream);
POSIXIPC_API void posixipc_perror(const char *s);

FILE *__cdecl fopen(const char *__restrict__, const char *__restrict__)
	POSIXIPC_REDIRECT(posixipc_fopen);
FILE *fopen64(const char *__restrict__, const char *__restrict__) POSIXIPC_REDIRECT(posixipc_fopen);
FILE *__cdecl freopen(const char *__restrict__, const char *__restrict__, FILE *__restrict__)
	POSIXIPC_REDIRECT(posixipc_freopen);
int __cdecl fclose(FILE *) POSIXIPC_REDIRECT(posixipc_fclose);
void __cdecl perror(const char *) POSIXIPC_REDIRECT(posixipc_perror);

#ifdef __cplusplus
}
#endif

#endif
