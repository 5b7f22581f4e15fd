/* A native Win32 peer of FIFOs for the tests: plain CreateFile, ReadFile and WriteFile on
 * the pipe names posixipc reports, without the library or its headers, as a program written
 * for Windows alone would do it.
 *   write PIPE TAG COUNT SIZE READY GO   COUNT records, after telling READY (a semaphore)
 *                                        and waiting for GO (an event); "-" for neither
 *   write-forever PIPE TAG SIZE          records until the pipe breaks (or the process is
 *                                        killed); exit 0 on a "no reader" error
 *   read PIPE FILE SIZE READY            read in SIZE-byte requests until end of file
 *                                        (ERROR_BROKEN_PIPE), appending to FILE
 *   wait-write EVENT PIPE TAG COUNT SIZE wait for the FIFO's event, then write
 *   try PIPE r|w|rw                      exit with CreateFile's Win32 error (0 if it opens) */
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "records.h"

/* Connect as a native client does: retry while the pipe is busy or not there yet. */
static HANDLE connect_pipe(const char *pipe, DWORD access)
{
	DWORD start = GetTickCount();
	HANDLE h;

	for (;;) {
		h = CreateFileA(pipe, access, 0, NULL, OPEN_EXISTING, 0, NULL);
		if (h != INVALID_HANDLE_VALUE)
			return h;
		if (GetTickCount() - start > 15000)
			return NULL;
		if (GetLastError() == ERROR_PIPE_BUSY)
			WaitNamedPipeA(pipe, 1000);
		else
			Sleep(10);
	}
}

static int write_records(HANDLE h, uint32_t tag, uint32_t count, size_t size)
{
	unsigned char *r = malloc(size);
	uint32_t seq;
	DWORD n;

	if (r == NULL)
		return 3;
	for (seq = 0; seq < count; seq++) {
		record_fill(r, size, tag, seq);
		if (!WriteFile(h, r, (DWORD)size, &n, NULL) || n != size)
			return 4;
	}
	free(r);
	return 0;
}

static int do_write(char **a)
{
	HANDLE h = connect_pipe(a[0], GENERIC_WRITE);
	int r;

	if (h == NULL)
		return 2;
	rendezvous(a[4], a[5]);
	r = write_records(h, (uint32_t)atoi(a[1]), (uint32_t)atoi(a[2]), (size_t)atoi(a[3]));
	CloseHandle(h);
	return r;
}

static int do_write_forever(char **a)
{
	HANDLE h = connect_pipe(a[0], GENERIC_WRITE);
	size_t size = (size_t)atoi(a[2]);
	unsigned char *r = malloc(size);
	uint32_t seq;
	DWORD n;

	if (h == NULL || r == NULL)
		return 2;
	for (seq = 0;; seq++) {
		record_fill(r, size, (uint32_t)atoi(a[1]), seq);
		/* What a writer gets once the server end is gone, whichever way it went. */
		if (!WriteFile(h, r, (DWORD)size, &n, NULL))
			return GetLastError() == ERROR_NO_DATA || GetLastError() == ERROR_BROKEN_PIPE ||
			       GetLastError() == ERROR_PIPE_NOT_CONNECTED ? 0 : 5;
	}
}

static int do_read(char **a)
{
	HANDLE h = connect_pipe(a[0], GENERIC_READ), out;
	size_t size = (size_t)atoi(a[2]);
	char *buf = malloc(size);
	DWORD n, w;

	if (h == NULL || buf == NULL)
		return 2;
	out = CreateFileA(a[1], FILE_APPEND_DATA, FILE_SHARE_READ, NULL, OPEN_ALWAYS, 0, NULL);
	if (out == INVALID_HANDLE_VALUE)
		return 3;
	rendezvous(a[3], NULL);
	while (ReadFile(h, buf, (DWORD)size, &n, NULL))
		if (!WriteFile(out, buf, n, &w, NULL) || w != n)
			return 4;
	if (GetLastError() != ERROR_BROKEN_PIPE)
		return 5;
	CloseHandle(out);
	CloseHandle(h);
	return 0;
}

static int do_wait_write(char **a)
{
	HANDLE e = CreateEventA(NULL, TRUE, FALSE, a[0]), h;
	int r;

	if (e == NULL)
		return 2;
	if (WaitForSingleObject(e, 30000) != WAIT_OBJECT_0)
		return 6;
	CloseHandle(e);
	h = connect_pipe(a[1], GENERIC_WRITE);
	if (h == NULL)
		return 7;
	r = write_records(h, (uint32_t)atoi(a[2]), (uint32_t)atoi(a[3]), (size_t)atoi(a[4]));
	CloseHandle(h);
	return r;
}

static int do_try(char **a)
{
	DWORD access = strcmp(a[1], "r") == 0 ? GENERIC_READ : strcmp(a[1], "w") == 0 ?
		       GENERIC_WRITE : GENERIC_READ | GENERIC_WRITE;
	HANDLE h = CreateFileA(a[0], access, 0, NULL, OPEN_EXISTING, 0, NULL);

	if (h == INVALID_HANDLE_VALUE)
		return (int)GetLastError();
	CloseHandle(h);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int args;
		int (*run)(char **);
	} cmds[] = {
		{ "write", 6, do_write },
		{ "write-forever", 3, do_write_forever },
		{ "read", 4, do_read },
		{ "wait-write", 5, do_wait_write },
		{ "try", 2, do_try },
	};
	size_t i;

	for (i = 0; argc > 1 && i < sizeof cmds / sizeof *cmds; i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return argc - 2 == cmds[i].args ? cmds[i].run(argv + 2) : 100;
	fprintf(stderr, "native_helper: unknown command\n");
	return 100;
}
