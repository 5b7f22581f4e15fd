/* What the demo's programs agree on: the layout of the ring buffer in shared memory, the
 * names derived from the demo's base name, and the line format on the FIFO.  Plain C with
 * fixed-size fields, so the POSIX programs and the native Win32 peer read it alike. */
#ifndef DEMO_H
#define DEMO_H

#include <stdint.h>
#include <stdio.h>

#define DEMO_MAGIC 0x31474e52u	/* "RNG1": the consumer has set the ring up */
#define DEMO_SLOTS 8
#define DEMO_TEXT 56
/* Seconds any single wait may take before the demo gives up rather than hang. */
#define DEMO_WAIT 20

/* One record.  seq counts from 1 across all writers, so the reader can tell a lost or
 * repeated record; sum lets it tell a torn one. */
struct demo_record {
	uint32_t seq;
	uint32_t sum;
	char text[DEMO_TEXT];
};

/* The shared memory object "/<base>".  head is written only by the writer holding a free
 * slot (the demo runs its writers one after the other), tail only by the consumer.  The
 * semaphores "/<base>-items" (filled slots) and "/<base>-spaces" (free slots) order every
 * access, so no field needs atomics. */
struct demo_ring {
	uint32_t magic;
	uint32_t slots;
	uint32_t head;
	uint32_t tail;
	struct demo_record slot[DEMO_SLOTS];
};

/* Every line on the FIFO is "<n> <text>\n": the writer has just put n records into the
 * ring.  The text "bye" ends that writer's turn. */
#define DEMO_LINE_MAX 128

static inline uint32_t demo_sum(const char *text)
{
	uint32_t h = 2166136261u;

	while (*text)
		h = (h ^ (unsigned char)*text++) * 16777619u;
	return h;
}

/* The message queue "/<base>-mq": the producer sends two messages, the routine one first,
 * and the consumer must receive the urgent one first. */
#define DEMO_MQ_MSGSIZE 128
#define DEMO_ROUTINE "routine: records are in the ring"
#define DEMO_ROUTINE_PRIO 1
#define DEMO_URGENT "urgent: the last batch is done"
#define DEMO_URGENT_PRIO 9

/* "/<base><suffix>" into buf; 0, or -1 when it does not fit. */
static inline int demo_name(char *buf, size_t size, const char *base, const char *suffix)
{
	int n = snprintf(buf, size, "/%s%s", base, suffix);

	return n < 0 || (size_t)n >= size ? -1 : 0;
}

#endif
