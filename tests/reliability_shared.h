/* What the reliability suite and its helper program agree on: the shared report block, the
 * layout of the FIFO stress records, and how a process counts its handles. */
#ifndef POSIXIPC_RELIABILITY_SHARED_H
#define POSIXIPC_RELIABILITY_SHARED_H

#include <limits.h>
#include <stdint.h>
#include <string.h>

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#include "pattern.h"

/* The block a test and its helpers share (a named Win32 file mapping the test creates). */
struct report {
	volatile LONG ready;       /* helpers that reached their agreed point */
	volatile LONG go;          /* set by the test to start the helpers together */
	volatile LONG connections; /* clients a squatter saw */
	volatile LONG unused;
	volatile LONG64 count;     /* bytes written, iterations, counter under test */
};

/* The process's open handles.  Wine 8.0 answers 0 from GetProcessHandleCount; then count
 * the handle values that are valid, which sees the same handles. */
static inline DWORD rel_handle_count(void)
{
	DWORD n = 0, flags;
	uintptr_t v;

	if (GetProcessHandleCount(GetCurrentProcess(), &n) && n > 0)
		return n;
	for (n = 0, v = 4; v < 0x10000; v += 4)
		n += GetHandleInformation((HANDLE)v, &flags) != 0;
	return n;
}

#define MAX_THREADS 16
/* Records of the FIFO stress test: writer id, sequence number, then a payload that both
 * depend on, so that a torn, mixed or repeated record shows. */
#define REC_SIZE PIPE_BUF

static inline unsigned char rec_byte(uint32_t id, uint32_t seq, size_t i)
{
	return (unsigned char)(id * 131u + seq * 7u + (unsigned)i);
}

static inline void rel_record(unsigned char *rec, uint32_t id, uint32_t seq)
{
	size_t i;

	memcpy(rec, &id, 4);
	memcpy(rec + 4, &seq, 4);
	for (i = 8; i < REC_SIZE; i++)
		rec[i] = rec_byte(id, seq, i);
}

#endif
