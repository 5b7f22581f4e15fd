/* What the shm suite and its helper program agree on: the page they share and the
 * handshake in it, each side writing a word at its offset and waiting for the other's. */
#ifndef POSIXIPC_SHM_SHARED_H
#define POSIXIPC_SHM_SHARED_H

#include <string.h>

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#define SIZE 4096

/* Offsets of the handshake in the shared page. */
#define READY 0
#define GO 1024
#define REPLY 2048

/* Wait (20 s at most) until p holds text: 0, or -1 if it never came. */
static inline int wait_for(volatile char *p, const char *text)
{
	DWORD start = GetTickCount();

	while (strncmp((const char *)p, text, strlen(text)) != 0) {
		if (GetTickCount() - start > 20000)
			return -1;
		Sleep(1);
	}
	return 0;
}

#endif
