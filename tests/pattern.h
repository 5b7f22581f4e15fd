/* The byte stream tests and their helper programs write and check (FIFOs, pipes, shared
 * memory): not periodic over short distances, so that a lost, repeated or reordered block
 * shows.  For helpers too, which link neither Check nor testutil.c. */
#ifndef POSIXIPC_TEST_PATTERN_H
#define POSIXIPC_TEST_PATTERN_H

#include <stdint.h>

/* The byte at offset i of the stream `seed`. */
static inline unsigned char tu_pattern(uint64_t i, unsigned seed)
{
	return (unsigned char)((i ^ (i >> 7) ^ (i >> 15)) * 31u + seed);
}

#endif
