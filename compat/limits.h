/* <limits.h>: the C library's limits, exactly, plus the POSIX limits posixipc's facilities
 * honour. */
#if defined(_GCC_NEXT_LIMITS_H)
/* GCC's syslimits.h asks for the next <limits.h> again from inside GCC's own: pass it on, or
 * mingw-w64's values (PATH_MAX, SSIZE_MAX, MB_LEN_MAX 5) would be lost behind our guard. */
#pragma GCC system_header
#include_next <limits.h>
#elif !defined(POSIXIPC_LIMITS_H)
#define POSIXIPC_LIMITS_H

#pragma GCC system_header

#include_next <limits.h>

#ifndef NAME_MAX
#define NAME_MAX 255
#endif
/* FIFO writes of up to PIPE_BUF bytes are never interleaved with other writers' data. */
#undef PIPE_BUF
#define PIPE_BUF 4096
/* readv and writev take at most this many buffers, as on Linux. */
#ifndef IOV_MAX
#define IOV_MAX 1024
#endif
#ifndef SEM_VALUE_MAX
#define SEM_VALUE_MAX 2147483647
#endif

#endif
