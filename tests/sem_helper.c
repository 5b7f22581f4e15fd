/* Second process for the sem tests: creates, posts to and waits on named semaphores, uses
 * pshared semaphores in memory mapped from shm_open or a raw Win32 mapping, ends without
 * closing or by crashing, and posts as a native program would (raw Win32 only).
 * Exit status 0 means the step did what the test expects; 1 means a wait timed out. */
#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#define MAP_SIZE 4096

/* The helper links no threads library, so no clock_gettime: CLOCK_REALTIME from Win32. */
static int timed_wait(sem_t *sem, long ms)
{
	ULARGE_INTEGER t;
	FILETIME ft;
	struct timespec ts;

	GetSystemTimePreciseAsFileTime(&ft);
	t.LowPart = ft.dwLowDateTime;
	t.HighPart = ft.dwHighDateTime;
	t.QuadPart -= 116444736000000000ULL; /* 1601 to 1970, in 100 ns */
	t.QuadPart += (ULONGLONG)ms * 10000;
	ts.tv_sec = (time_t)(t.QuadPart / 10000000);
	ts.tv_nsec = (long)(t.QuadPart % 10000000) * 100;
	if (sem_timedwait(sem, &ts) == 0)
		return 0;
	return errno == ETIMEDOUT ? 1 : 3;
}

/* Create with a value and end without sem_close. */
static int create_exit(const char *name, unsigned int value)
{
	return sem_open(name, O_CREAT | O_EXCL, 0600, value) == SEM_FAILED ? 2 : 0;
}

/* Post count times and end without sem_close (exit handlers run), or crash. */
static int post_exit(const char *name, int count, int crash)
{
	sem_t *sem = sem_open(name, 0);
	int i;

	if (sem == SEM_FAILED)
		return 2;
	for (i = 0; i < count; i++)
		if (sem_post(sem) != 0)
			return 3;
	if (crash)
		TerminateProcess(GetCurrentProcess(), 0);
	return 0;
}

static int post_named(const char *name)
{
	sem_t *sem = sem_open(name, 0);

	if (sem == SEM_FAILED)
		return 2;
	if (sem_post(sem) != 0)
		return 3;
	return sem_close(sem) == 0 ? 0 : 4;
}

static int wait_named(const char *name, long ms)
{
	sem_t *sem = sem_open(name, 0);
	int r;

	if (sem == SEM_FAILED)
		return 2;
	r = timed_wait(sem, ms);
	return sem_close(sem) == 0 ? r : 4;
}

/* Open (creating if need be), post and close, count times: races other processes' last
 * close against their reopen. */
static int cycle(const char *name, int count)
{
	sem_t *sem;
	int i;

	for (i = 0; i < count; i++) {
		sem = sem_open(name, O_CREAT, 0600, 0);
		if (sem == SEM_FAILED)
			return 2;
		if (sem_post(sem) != 0)
			return 3;
		if (sem_close(sem) != 0)
			return 4;
	}
	return 0;
}

/* The exit status is the value (tests keep it small). */
static int get_value(const char *name)
{
	sem_t *sem = sem_open(name, 0);
	int value;

	if (sem == SEM_FAILED)
		return 200;
	if (sem_getvalue(sem, &value) != 0)
		return 201;
	sem_close(sem);
	return value;
}

/* The pshared sem_t at the start of the shm object or the Win32 mapping `name`. */
static sem_t *map_sem(const char *how, const char *name)
{
	HANDLE map;
	void *p;
	int fd;

	if (strcmp(how, "shm") == 0) {
		fd = shm_open(name, O_RDWR, 0);
		if (fd < 0)
			return NULL;
		p = mmap(NULL, MAP_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		close(fd);
		return p == MAP_FAILED ? NULL : p;
	}
	map = OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, name);
	if (map == NULL)
		return NULL;
	p = MapViewOfFile(map, FILE_MAP_ALL_ACCESS, 0, 0, MAP_SIZE);
	CloseHandle(map);
	return p;
}

static int shared(const char *op, const char *how, const char *name, long ms)
{
	sem_t *sem = map_sem(how, name);

	if (sem == NULL)
		return 2;
	if (strcmp(op, "post") == 0)
		return sem_post(sem) == 0 ? 0 : 3;
	return timed_wait(sem, ms);
}

/* A native program: nothing but the Win32 name. */
static int native_post(const char *win32_name, long count)
{
	HANDLE h = OpenSemaphoreA(SEMAPHORE_MODIFY_STATE, FALSE, win32_name);
	BOOL ok;

	if (h == NULL)
		return 2;
	ok = ReleaseSemaphore(h, count, NULL);
	CloseHandle(h);
	return ok ? 0 : 3;
}

int main(int argc, char **argv)
{
	const char *op = argc > 1 ? argv[1] : "";

	if (argc == 4 && strcmp(op, "create-exit") == 0)
		return create_exit(argv[2], (unsigned int)strtoul(argv[3], NULL, 10));
	if (argc == 4 && strcmp(op, "post-exit") == 0)
		return post_exit(argv[2], atoi(argv[3]), 0);
	if (argc == 4 && strcmp(op, "post-crash") == 0)
		return post_exit(argv[2], atoi(argv[3]), 1);
	if (argc == 3 && strcmp(op, "post") == 0)
		return post_named(argv[2]);
	if (argc == 4 && strcmp(op, "wait") == 0)
		return wait_named(argv[2], atol(argv[3]));
	if (argc == 4 && strcmp(op, "cycle") == 0)
		return cycle(argv[2], atoi(argv[3]));
	if (argc == 3 && strcmp(op, "getvalue") == 0)
		return get_value(argv[2]);
	if (argc == 4 && strcmp(op, "shared-post") == 0)
		return shared("post", argv[2], argv[3], 0);
	if (argc == 5 && strcmp(op, "shared-wait") == 0)
		return shared("wait", argv[2], argv[3], atol(argv[4]));
	if (argc == 4 && strcmp(op, "native-post") == 0)
		return native_post(argv[2], atol(argv[3]));
	fprintf(stderr, "sem_helper: bad arguments\n");
	return 99;
}
