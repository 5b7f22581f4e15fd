/* Second process for the shm tests: creates objects and exits, crashes with an object mapped,
 * shares a mapping with the test (through mmap or raw Win32 views), reports whether a
 * descriptor was inherited, and unlinks objects.  Exit status 0 means the step did what the
 * test expects. */
#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#include "shm_shared.h"

static int create(const char *name, const char *text)
{
	int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);

	if (fd < 0 || ftruncate(fd, SIZE) != 0)
		return 2;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return 3;
	return close(fd) == 0 ? 0 : 4;
}

/* Map the object (mmap, or a raw view of the descriptor's HANDLE), write through the view,
 * and end the process without unmapping or closing anything. */
static int crash(const char *how, const char *name, const char *text)
{
	int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	HANDLE map;
	char *p;

	if (fd < 0 || ftruncate(fd, SIZE) != 0)
		return 2;
	if (strcmp(how, "mmap") == 0) {
		p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			return 3;
	} else {
		map = CreateFileMappingW((HANDLE)_get_osfhandle(fd), NULL, PAGE_READWRITE, 0, 0,
					 NULL);
		p = map ? MapViewOfFile(map, FILE_MAP_WRITE, 0, 0, SIZE) : NULL;
		if (p == NULL)
			return 3;
	}
	memcpy(p, text, strlen(text));
	TerminateProcess(GetCurrentProcess(), 0);
	return 5;
}

static char *map_object(const char *how, int fd)
{
	HANDLE map;
	char *p;

	if (strcmp(how, "mmap") == 0) {
		p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		return p == MAP_FAILED ? NULL : p;
	}
	map = CreateFileMappingW((HANDLE)_get_osfhandle(fd), NULL, PAGE_READWRITE, 0, 0, NULL);
	if (map == NULL)
		return NULL;
	p = MapViewOfFile(map, FILE_MAP_WRITE, 0, 0, SIZE);
	CloseHandle(map);
	return p;
}

/* Map the object, say "ready", wait for the test's "go" (written after it unlinked the
 * name), answer with "reply".  The descriptor is closed before the handshake: the mapping
 * alone must keep the memory shared. */
static int share(const char *how, const char *name)
{
	int fd = shm_open(name, O_RDWR, 0);
	char *p;

	if (fd < 0)
		return 2;
	p = map_object(how, fd);
	close(fd);
	if (p == NULL)
		return 3;
	memcpy(p + READY, "ready", 6);
	if (wait_for(p + GO, "go") < 0)
		return 4;
	memcpy(p + REPLY, "reply", 6);
	return 0;
}

/* expect <name> <text>: the existing object starts with text. */
static int expect(const char *name, const char *text)
{
	char buf[256] = "";
	int fd = shm_open(name, O_RDONLY, 0);

	if (fd < 0)
		return 2;
	if (read(fd, buf, strlen(text)) != (ssize_t)strlen(text) || memcmp(buf, text, strlen(text)))
		return 3;
	return close(fd) == 0 ? 0 : 4;
}

/* 0 if descriptor fd does not exist here, 1 if it does (inherited). */
static int inherited(const char *fd)
{
	return _get_osfhandle(atoi(fd)) == -1 ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "unlink") == 0)
		return shm_unlink(argv[2]) == 0 ? 0 : 1;
	if (argc == 4 && strcmp(argv[1], "create") == 0)
		return create(argv[2], argv[3]);
	if (argc == 5 && strcmp(argv[1], "crash") == 0)
		return crash(argv[2], argv[3], argv[4]);
	if (argc == 4 && strcmp(argv[1], "share") == 0)
		return share(argv[2], argv[3]);
	if (argc == 4 && strcmp(argv[1], "expect") == 0)
		return expect(argv[2], argv[3]);
	if (argc == 3 && strcmp(argv[1], "inherited") == 0)
		return inherited(argv[2]);
	fprintf(stderr, "usage: shm_helper create|crash|share|expect|inherited|unlink ...\n");
	return 100;
}
