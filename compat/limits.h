/* <limits.h> with the POSIX limits that posixipc's facilities honour. */
#ifndef POSIXIPC_LIMITS_H
#define POSIXIPC_LIMITS_H

#include_next <limits.h>

#ifndef NAME_MAX
#define NAME_MAX 255
#endif
/* FIFO writes of up to PIPE_BUF bytes are never interleaved with other writers' data. */
#undef PIPE_BUF
#define PIPE_BUF 4096
#ifndef SEM_VALUE_MAX
#define SEM_VALUE_MAX 2147483647
#endif

#endif
