/* What the message queue suite and its helper program agree on: the shared report block,
 * deadlines, and the messages of the kill and stress tests. */
#ifndef POSIXIPC_MQUEUE_SHARED_H
#define POSIXIPC_MQUEUE_SHARED_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

/* The stress test: MQT_PROCS processes of MQT_THREADS threads, half sending and half
 * receiving, at most MQT_PER_THREAD messages a sender. */
#define MQT_PROCS 4
#define MQT_THREADS 8
#define MQT_PER_THREAD 1000

/* A named Win32 file mapping the test creates. */
struct mqt_report {
	volatile LONG ready; /* helpers at their starting line */
	volatile LONG go;    /* set by the test */
	volatile LONG last;  /* last seq a receiver took */
	volatile LONG count; /* messages a receiver took */
	volatile LONG seen[MQT_PROCS * MQT_THREADS * MQT_PER_THREAD];
};

/* The absolute CLOCK_REALTIME deadline ms from now, as the timed calls take it. */
static inline struct timespec in_ms(long ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

/* A message: sender id, seq, then bytes that depend on both, so that a torn, mixed or
 * repeated message shows. */
static inline unsigned char mqt_byte(uint32_t id, uint32_t seq, size_t i)
{
	return (unsigned char)(id * 131u + seq * 7u + (unsigned)i);
}

static inline void mqt_fill(unsigned char *m, size_t n, uint32_t id, uint32_t seq)
{
	size_t i;

	memcpy(m, &id, 4);
	memcpy(m + 4, &seq, 4);
	for (i = 8; i < n; i++)
		m[i] = mqt_byte(id, seq, i);
}

static inline int mqt_check(const unsigned char *m, size_t n, uint32_t *id, uint32_t *seq)
{
	size_t i;

	if (n < 8)
		return -1;
	memcpy(id, m, 4);
	memcpy(seq, m + 4, 4);
	for (i = 8; i < n; i++)
		if (m[i] != mqt_byte(*id, *seq, i))
			return -1;
	return 0;
}

#endif
