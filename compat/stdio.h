/* <stdio.h> for Windows whose fopen/freopen open a FIFO made by mkfifo as a real pipe.
 * Other paths go to the C runtime unchanged. */
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

#ifndef fopen
#define fopen posixipc_fopen
#endif
#ifndef freopen
#define freopen posixipc_freopen
#endif
#ifndef fclose
#define fclose posixipc_fclose
#endif

#ifdef __cplusplus
}
#endif

#endif
