/* Calls made from a file built with posixipc's headers but without _FILE_OFFSET_BITS=64
 * (narrow_probe.c): the 32-bit off_t and struct stat entry points. */
#ifndef POSIXIPC_NARROW_PROBE_H
#define POSIXIPC_NARROW_PROBE_H

/* 0 if everything behaved, else the number of the first check that failed. */
int narrow_check(const char *fifo, const char *shm_name);
/* sizeof(off_t) as that file sees it. */
int narrow_off_t_size(void);

#include <stddef.h>

/* strerror_r as a _GNU_SOURCE file calls it (glibc's form: returns the message). */
const char *narrow_gnu_strerror_r(int e, char *buf, size_t size);

#endif
