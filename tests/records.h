/* Fixed-size records for tests where several writers share one FIFO: a record names its
 * writer (tag) and its number (seq) and fills the rest from both, so a reader can tell a
 * whole record from a torn or mixed one; and the rendezvous of many such writers.  Used by
 * the suites and by helpers that do not link the library. */
#ifndef TESTS_RECORDS_H
#define TESTS_RECORDS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

static inline unsigned char record_byte(uint32_t tag, uint32_t seq, size_t i)
{
	return (unsigned char)(tag * 131u + seq * 7u + i * 29u + (i >> 8));
}

static inline void record_fill(unsigned char *r, size_t size, uint32_t tag, uint32_t seq)
{
	size_t i;

	memcpy(r, &tag, 4);
	memcpy(r + 4, &seq, 4);
	for (i = 8; i < size; i++)
		r[i] = record_byte(tag, seq, i);
}

/* 1 and the record's tag and seq if r is whole, else 0. */
static inline int record_check(const unsigned char *r, size_t size, uint32_t *tag,
			       uint32_t *seq)
{
	size_t i;

	memcpy(tag, r, 4);
	memcpy(seq, r + 4, 4);
	for (i = 8; i < size; i++)
		if (r[i] != record_byte(*tag, *seq, i))
			return 0;
	return 1;
}

/* Peers of tests that start many at once tell `ready` (a semaphore) once they are open or
 * connected, then wait for `go` (an event); "-" for either means none. */
static inline void rendezvous(const char *ready, const char *go)
{
	HANDLE s, e;

	if (strcmp(ready, "-") != 0 &&
	    (s = OpenSemaphoreA(SEMAPHORE_MODIFY_STATE, FALSE, ready)) != NULL) {
		ReleaseSemaphore(s, 1, NULL);
		CloseHandle(s);
	}
	if (go != NULL && strcmp(go, "-") != 0 && (e = OpenEventA(SYNCHRONIZE, FALSE, go)) != NULL) {
		WaitForSingleObject(e, 30000);
		CloseHandle(e);
	}
}

#endif
