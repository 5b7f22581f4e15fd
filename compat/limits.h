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
/* POSIX's smallest allowed values of the limits behind the library's facilities, as glibc
 * gives them (mingw-w64 gives a few, and only under _POSIX_); MQ_PRIO_MAX as <mqueue.h>. */
#ifndef _POSIX_OPEN_MAX
#define _POSIX_OPEN_MAX 20
#endif
#ifndef _POSIX_NAME_MAX
#define _POSIX_NAME_MAX 14
#endif
#ifndef _POSIX_PATH_MAX
#define _POSIX_PATH_MAX 256
#endif
#ifndef _POSIX_PIPE_BUF
#define _POSIX_PIPE_BUF 512
#endif
#ifndef _POSIX_SSIZE_MAX
#define _POSIX_SSIZE_MAX 32767
#endif
#ifndef _POSIX_MQ_OPEN_MAX
#define _POSIX_MQ_OPEN_MAX 8
#endif
#ifndef _POSIX_MQ_PRIO_MAX
#define _POSIX_MQ_PRIO_MAX 32
#endif
#ifndef _POSIX_SEM_NSEMS_MAX
#define _POSIX_SEM_NSEMS_MAX 256
#endif
#ifndef _POSIX_SEM_VALUE_MAX
#define _POSIX_SEM_VALUE_MAX 32767
#endif
#ifndef _XOPEN_IOV_MAX
#define _XOPEN_IOV_MAX 16
#endif
#ifndef MQ_PRIO_MAX
#define MQ_PRIO_MAX 32768
#endif
/* readv and writev take at most this many buffers, as on Linux. */
#ifndef IOV_MAX
#define IOV_MAX 1024
#endif
#ifndef SEM_VALUE_MAX
#define SEM_VALUE_MAX 2147483647
#endif

#endif
