/* A native Win32 program that joins the demo with neither POSIX calls nor the posixipc
 * library: it maps the ring's file, claims a free slot and posts a filled one with the Win32
 * semaphores, and writes its lines into the FIFO's named pipe.  The POSIX side reports the
 * Win32 names, which reach this program on its command line.  Started with -f it only
 * writes lines, after waiting for the FIFO's event, as a native program that may start
 * before any POSIX process has the FIFO open does; any number of native writers may be
 * connected at once, beside POSIX writers.
 *   native_peer PIPE ITEMS-SEMAPHORE SPACES-SEMAPHORE FILE
 *   native_peer -f PIPE EVENT LINES */
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo.h"

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("native peer: ", stdout);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
	va_end(ap);
}

static void die(const char *what, const char *name)
{
	fprintf(stderr, "native peer: %s(%s) failed: Win32 error %lu\n", what, name,
		(unsigned long)GetLastError());
	exit(1);
}

static struct demo_ring *map_ring(const char *file)
{
	HANDLE h, mapping;
	struct demo_ring *ring;

	/* The POSIX side may unlink the object while it is open here: allow that. */
	h = CreateFileA(file, GENERIC_READ | GENERIC_WRITE,
			FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL, OPEN_EXISTING,
			FILE_ATTRIBUTE_NORMAL, NULL);
	if (h == INVALID_HANDLE_VALUE)
		die("CreateFile", file);
	mapping = CreateFileMappingA(h, NULL, PAGE_READWRITE, 0, 0, NULL);
	if (mapping == NULL)
		die("CreateFileMapping", file);
	ring = MapViewOfFile(mapping, FILE_MAP_READ | FILE_MAP_WRITE, 0, 0, sizeof *ring);
	if (ring == NULL)
		die("MapViewOfFile", file);
	/* The view keeps the mapping and the file alive. */
	CloseHandle(mapping);
	CloseHandle(h);
	if (ring->magic != DEMO_MAGIC || ring->slots != DEMO_SLOTS) {
		fprintf(stderr, "native peer: %s holds no ring\n", file);
		exit(1);
	}
	return ring;
}

static void show_ring(const struct demo_ring *ring, const char *file)
{
	const struct demo_record *last;

	say("CreateFile + CreateFileMapping + MapViewOfFile(%s)", file);
	say("  the ring: %u records written, %u taken by the consumer", ring->head, ring->tail);
	if (ring->head == 0)
		return;
	last = &ring->slot[(ring->head - 1) % DEMO_SLOTS];
	say("  the latest, slot %u: #%u \"%.*s\"", (ring->head - 1) % DEMO_SLOTS, last->seq,
	    DEMO_TEXT, last->text);
}

static HANDLE open_semaphore(const char *name)
{
	HANDLE h = OpenSemaphoreA(SYNCHRONIZE | SEMAPHORE_MODIFY_STATE, FALSE, name);

	if (h == NULL)
		die("OpenSemaphore", name);
	return h;
}

/* The same protocol as the POSIX producer: a free slot, the record, a filled slot. */
static void put(struct demo_ring *ring, HANDLE items, HANDLE spaces, const char *text)
{
	struct demo_record *r;
	LONG before;

	if (WaitForSingleObject(spaces, DEMO_WAIT * 1000) != WAIT_OBJECT_0)
		die("WaitForSingleObject", "spaces");
	r = &ring->slot[ring->head % DEMO_SLOTS];
	snprintf(r->text, sizeof r->text, "%s", text);
	r->sum = demo_sum(r->text);
	r->seq = ring->head + 1;
	ring->head++;
	if (!ReleaseSemaphore(items, 1, &before))
		die("ReleaseSemaphore", "items");
	say("WaitForSingleObject(spaces), record #%u into slot %u, ReleaseSemaphore(items): "
	    "%ld -> %ld", r->seq, (ring->head - 1) % DEMO_SLOTS, (long)before, (long)before + 1);
}

/* The pipe exists while a reader has the FIFO open; between two opens it may be missing or
 * busy for a moment, so retry until DEMO_WAIT seconds have passed. */
static HANDLE open_pipe(const char *name)
{
	DWORD start = GetTickCount(), err;
	HANDLE h;

	for (;;) {
		h = CreateFileA(name, GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
		if (h != INVALID_HANDLE_VALUE)
			return h;
		err = GetLastError();
		if (GetTickCount() - start > DEMO_WAIT * 1000u ||
		    (err != ERROR_PIPE_BUSY && err != ERROR_FILE_NOT_FOUND))
			die("CreateFile", name);
		if (err == ERROR_PIPE_BUSY)
			WaitNamedPipeA(name, 1000);
		else
			Sleep(50);
	}
}

static void announce(HANDLE pipe, unsigned n, const char *text)
{
	char line[DEMO_LINE_MAX];
	int len = snprintf(line, sizeof line, "%u %s\n", n, text);
	DWORD done;

	if (!WriteFile(pipe, line, (DWORD)len, &done, NULL) || done != (DWORD)len)
		die("WriteFile", "pipe");
}

/* Native first: the event is set while some process has the FIFO open (and so listens on
 * its pipe).  Creating it is how a program that comes first waits; it may find the event set
 * just as the last POSIX process closes, so a pipe that is not there yet means wait again. */
static HANDLE wait_and_open(const char *pipe, const char *event)
{
	HANDLE ev = CreateEventA(NULL, TRUE, FALSE, event), h;
	DWORD start = GetTickCount();

	if (ev == NULL)
		die("CreateEvent", event);
	for (;;) {
		if (WaitForSingleObject(ev, DEMO_WAIT * 1000) != WAIT_OBJECT_0)
			die("WaitForSingleObject", event);
		h = CreateFileA(pipe, GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
		if (h != INVALID_HANDLE_VALUE)
			break;
		if (GetLastError() == ERROR_PIPE_BUSY)
			WaitNamedPipeA(pipe, 1000);
		else if (GetLastError() != ERROR_FILE_NOT_FOUND ||
			 GetTickCount() - start > DEMO_WAIT * 1000u)
			die("CreateFile", pipe);
		else
			Sleep(10);
	}
	CloseHandle(ev);
	return h;
}

static int lines_only(const char *pipe_name, const char *event, unsigned lines)
{
	char text[DEMO_TEXT];
	HANDLE pipe;
	unsigned i;

	say("CreateEvent + WaitForSingleObject(%s): waiting for the FIFO to be open", event);
	pipe = wait_and_open(pipe_name, event);
	say("CreateFile(%s): one of several writers, native and POSIX", pipe_name);
	for (i = 1; i <= lines; i++) {
		snprintf(text, sizeof text, "native writer %lu, line %u of %u",
			 (unsigned long)GetCurrentProcessId(), i, lines);
		announce(pipe, 0, text);
		Sleep(50);
	}
	announce(pipe, 0, "bye");
	say("WriteFile: %u lines and bye", lines);
	CloseHandle(pipe);
	return 0;
}

int main(int argc, char **argv)
{
	struct demo_ring *ring;
	HANDLE items, spaces, pipe;
	char text[DEMO_TEXT];

	if (argc == 5 && strcmp(argv[1], "-f") == 0)
		return lines_only(argv[2], argv[3], (unsigned)strtoul(argv[4], NULL, 10));
	if (argc != 5) {
		fputs("usage: native_peer PIPE ITEMS-SEMAPHORE SPACES-SEMAPHORE FILE\n"
		      "       native_peer -f PIPE EVENT LINES\n", stderr);
		return 2;
	}
	ring = map_ring(argv[4]);
	show_ring(ring, argv[4]);
	items = open_semaphore(argv[2]);
	spaces = open_semaphore(argv[3]);
	say("OpenSemaphore(%s) and OpenSemaphore(%s)", argv[2], argv[3]);
	snprintf(text, sizeof text, "hello from Win32 process %lu",
		 (unsigned long)GetCurrentProcessId());
	put(ring, items, spaces, text);
	pipe = open_pipe(argv[1]);
	say("CreateFile(%s): connected to the consumer's FIFO", argv[1]);
	snprintf(text, sizeof text, "native peer %lu: one record, no POSIX",
		 (unsigned long)GetCurrentProcessId());
	announce(pipe, 1, text);
	announce(pipe, 0, "bye");
	say("WriteFile: told the consumer, said bye");
	CloseHandle(pipe);
	CloseHandle(items);
	CloseHandle(spaces);
	UnmapViewOfFile(ring);
	return 0;
}
