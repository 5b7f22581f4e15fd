/* Unpredictable identifiers for the Win32 names of objects, so that names cannot be guessed
 * ahead of time and a re-created object never meets the old one. */
#include "internal.h"

#include <ntsecapi.h>

uint64_t pi_random64(void)
{
	static volatile LONG64 counter;
	uint64_t v = 0;

	if (RtlGenRandom(&v, sizeof v))
		return v;
	/* Not expected to happen; still unique within this process, and unlikely to collide. */
	return ((uint64_t)GetCurrentProcessId() << 40) ^ ((uint64_t)GetTickCount64() << 20) ^
	       (uint64_t)InterlockedIncrement64(&counter);
}
