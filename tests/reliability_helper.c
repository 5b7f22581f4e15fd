/* Second processes for the reliability suite: peers that the test kills at a chosen moment,
 * load generators for the stress tests, and a squatter on a FIFO's pipe name.  Each reports
 * through a shared "report" block the test creates (see struct report); exit status 0 means
 * the helper finished its work as expected, anything else names the step that failed. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#include "reliability_shared.h"

static struct report *rep;

/* Tell the test we reached the agreed point, then wait to be killed. */
static int ready_then_hang(void)
{
	InterlockedIncrement(&rep->ready);
	for (;;)
		Sleep(1000);
	return 99;
}

static void wait_for_go(void)
{
	while (rep->go == 0)
		Sleep(1);
}

static struct report *attach_report(const char *name)
{
	HANDLE map = OpenFileMappingA(FILE_MAP_WRITE, FALSE, name);

	if (map == NULL)
		return NULL;
	return MapViewOfFile(map, FILE_MAP_WRITE, 0, 0, sizeof(struct report));
}

/* ------------------------------------------------------------------ FIFO peers */

/* fifo-write <path> <chunk> <limit>: write the pattern stream in chunks, counting in
 * rep->count only writes that completed.  With a limit, stop there and wait to be killed;
 * without, report ready after the first write and keep writing until killed. */
static int fifo_write(const char *path, size_t chunk, size_t limit)
{
	unsigned char *buf = malloc(chunk);
	uint64_t done = 0;
	size_t i;
	int fd = open(path, O_WRONLY);

	if (fd < 0 || buf == NULL)
		return 2;
	for (;;) {
		if (limit > 0 && done >= limit)
			return ready_then_hang();
		for (i = 0; i < chunk; i++)
			buf[i] = tu_pattern(done + i, 3);
		if (write(fd, buf, chunk) != (ssize_t)chunk)
			return 3;
		done += chunk;
		InterlockedExchange64(&rep->count, (LONG64)done);
		if (limit == 0 && done == chunk)
			InterlockedIncrement(&rep->ready);
	}
}

/* fifo-read-hold <path>: open for reading, read one byte, wait to be killed. */
static int fifo_read_hold(const char *path)
{
	char c;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || read(fd, &c, 1) != 1)
		return 2;
	return ready_then_hang();
}

/* fifo-records <path> <first writer id> <threads> <count>: each thread writes `count`
 * numbered records through the process's one descriptor. */
struct writer {
	int fd;
	uint32_t id;
	uint32_t count;
	volatile LONG failed;
};

static DWORD WINAPI record_thread(LPVOID arg)
{
	struct writer *w = arg;
	unsigned char rec[REC_SIZE];
	uint32_t seq;

	for (seq = 0; seq < w->count; seq++) {
		rel_record(rec, w->id, seq);
		if (write(w->fd, rec, sizeof rec) != (ssize_t)sizeof rec) {
			w->failed = errno ? errno : -1;
			return 1;
		}
	}
	return 0;
}

static int fifo_records(const char *path, uint32_t first, int threads, uint32_t count)
{
	struct writer w[MAX_THREADS];
	HANDLE t[MAX_THREADS];
	int fd = open(path, O_WRONLY), i, failed = 0;

	if (fd < 0 || threads > MAX_THREADS)
		return 2;
	InterlockedIncrement(&rep->ready);
	wait_for_go();
	for (i = 0; i < threads; i++) {
		w[i].fd = fd;
		w[i].id = first + (uint32_t)i;
		w[i].count = count;
		w[i].failed = 0;
		t[i] = CreateThread(NULL, 0, record_thread, &w[i], 0, NULL);
		if (t[i] == NULL)
			return 3;
	}
	WaitForMultipleObjects((DWORD)threads, t, TRUE, INFINITE);
	for (i = 0; i < threads; i++) {
		CloseHandle(t[i]);
		failed |= w[i].failed != 0;
	}
	if (failed)
		return 4;
	return close(fd) == 0 ? 0 : 5;
}

/* squat <pipe>: a foreign program that made a pipe under the FIFO's name first.  It counts
 * every client that connects and every byte such a client sends. */
static int squat(const char *pipe)
{
	char buf[4096];
	HANDLE h;
	DWORD n;

	h = CreateNamedPipeA(pipe, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE | PIPE_WAIT,
			     PIPE_UNLIMITED_INSTANCES, 4096, 4096, 0, NULL);
	if (h == INVALID_HANDLE_VALUE)
		return 2;
	InterlockedIncrement(&rep->ready);
	for (;;) {
		if (ConnectNamedPipe(h, NULL) || GetLastError() == ERROR_PIPE_CONNECTED) {
			InterlockedIncrement(&rep->connections);
			while (ReadFile(h, buf, sizeof buf, &n, NULL) && n > 0)
				InterlockedAdd64(&rep->count, n);
		}
		DisconnectNamedPipe(h);
	}
}

/* ------------------------------------------------------------------ semaphore peers */

/* sem-hold <name> <n>: take n units of an existing semaphore and wait to be killed. */
static int sem_hold(const char *name, int n)
{
	sem_t *s = sem_open(name, 0);
	int i;

	if (s == SEM_FAILED)
		return 2;
	for (i = 0; i < n; i++)
		if (sem_wait(s) != 0)
			return 3;
	return ready_then_hang();
}

/* sem-block <name>: wait on an existing semaphore; rep->count says whether the wait ended. */
static int sem_block(const char *name)
{
	sem_t *s = sem_open(name, 0);

	if (s == SEM_FAILED)
		return 2;
	InterlockedIncrement(&rep->ready);
	if (sem_wait(s) != 0)
		return 3;
	InterlockedExchange64(&rep->count, 1);
	for (;;)
		Sleep(1000);
}

/* sem-post-hold <name> <n>: open (creating at 0), post n times, wait to be killed. */
static int sem_post_hold(const char *name, int n)
{
	sem_t *s = sem_open(name, O_CREAT, 0600, 0);
	int i;

	if (s == SEM_FAILED)
		return 2;
	for (i = 0; i < n; i++)
		if (sem_post(s) != 0)
			return 3;
	return ready_then_hang();
}

/* sem-take <name>: one unit of an existing semaphore within 10 s; 0 if it came. */
static int sem_take(const char *name)
{
	sem_t *s = sem_open(name, 0);
	int i, r = -1;

	if (s == SEM_FAILED)
		return 2;
	for (i = 0; i < 10000 && (r = sem_trywait(s)) != 0 && errno == EAGAIN; i++)
		Sleep(1);
	sem_close(s);
	return r == 0 ? 0 : 3;
}

/* sem-stress <prefix> <threads> <iterations>: each thread, per iteration, increments the
 * report's counter inside a critical section guarded by <prefix>.p (a semaphore at 1), posts
 * <prefix>.q once and takes <prefix>.r once. */
struct stresser {
	sem_t *p, *q, *r;
	uint32_t iterations;
	volatile LONG failed;
};

static DWORD WINAPI stress_thread(LPVOID arg)
{
	struct stresser *s = arg;
	LONG64 c;
	uint32_t i;

	for (i = 0; i < s->iterations; i++) {
		if (sem_wait(s->p) != 0)
			goto fail;
		/* Deliberately not atomic: a second thread inside would lose an update. */
		c = rep->count;
		if ((i & 15) == 0)
			SwitchToThread();
		rep->count = c + 1;
		if (sem_post(s->p) != 0 || sem_post(s->q) != 0 || sem_wait(s->r) != 0)
			goto fail;
	}
	return 0;
fail:
	s->failed = errno ? errno : -1;
	return 1;
}

static int run_stress(struct stresser *sp, int threads, uint32_t iterations)
{
	HANDLE t[MAX_THREADS];
	int i;

	if (threads > MAX_THREADS)
		return 2;
	sp->iterations = iterations;
	sp->failed = 0;
	InterlockedIncrement(&rep->ready);
	wait_for_go();
	for (i = 0; i < threads; i++) {
		t[i] = CreateThread(NULL, 0, stress_thread, sp, 0, NULL);
		if (t[i] == NULL)
			return 4;
	}
	WaitForMultipleObjects((DWORD)threads, t, TRUE, INFINITE);
	for (i = 0; i < threads; i++)
		CloseHandle(t[i]);
	return sp->failed ? 5 : 0;
}

static int sem_stress(const char *prefix, int threads, uint32_t iterations)
{
	char name[256];
	struct stresser s;
	int r;

	snprintf(name, sizeof name, "%s.p", prefix);
	s.p = sem_open(name, 0);
	snprintf(name, sizeof name, "%s.q", prefix);
	s.q = sem_open(name, 0);
	snprintf(name, sizeof name, "%s.r", prefix);
	s.r = sem_open(name, 0);
	if (s.p == SEM_FAILED || s.q == SEM_FAILED || s.r == SEM_FAILED)
		return 3;
	r = run_stress(&s, threads, iterations);
	if (r != 0)
		return r;
	return sem_close(s.p) == 0 && sem_close(s.q) == 0 && sem_close(s.r) == 0 ? 0 : 6;
}

/* ------------------------------------------------------------------ pshared semaphore peers */

/* The pshared sem_t number i (64 bytes apart) in the shm object the test made. */
static sem_t *shared_sem(const char *shm, int i)
{
	char *p;
	int fd = shm_open(shm, O_RDWR, 0);

	if (fd < 0)
		return NULL;
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return p == MAP_FAILED ? NULL : (sem_t *)(p + 64 * i);
}

/* shsem-block <shm>: wait on sem_t 0; rep->count says whether the wait ended. */
static int shsem_block(const char *shm)
{
	sem_t *s = shared_sem(shm, 0);

	if (s == NULL)
		return 2;
	InterlockedIncrement(&rep->ready);
	if (sem_wait(s) != 0)
		return 3;
	InterlockedExchange64(&rep->count, 1);
	for (;;)
		Sleep(1000);
}

/* shsem-post-hold <shm> <n>: post sem_t 0 n times, wait to be killed. */
static int shsem_post_hold(const char *shm, int n)
{
	sem_t *s = shared_sem(shm, 0);
	int i;

	if (s == NULL)
		return 2;
	for (i = 0; i < n; i++)
		if (sem_post(s) != 0)
			return 3;
	return ready_then_hang();
}

/* shsem-create <shm> <value>: create the object, sem_init(pshared) sem_t 0, end without
 * sem_destroy or shm_unlink. */
static int shsem_create(const char *shm, unsigned value)
{
	char *p;
	int fd = shm_open(shm, O_RDWR | O_CREAT | O_EXCL, 0600);

	if (fd < 0 || ftruncate(fd, 4096) != 0)
		return 2;
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return 3;
	return sem_init((sem_t *)p, 1, value) == 0 ? 0 : 4;
}

/* shsem-stress <shm> <threads> <iterations>: sem-stress on sem_t 0, 1 and 2 of the object. */
static int shsem_stress(const char *shm, int threads, uint32_t iterations)
{
	struct stresser s;

	s.p = shared_sem(shm, 0);
	if (s.p == NULL)
		return 3;
	s.q = (sem_t *)((char *)s.p + 64);
	s.r = (sem_t *)((char *)s.p + 128);
	return run_stress(&s, threads, iterations);
}

/* shsem-peer <shm> <cycles>: per cycle, wait for sem_t 0 (go), sleep briefly on sem_t 2 (a
 * semaphore the test makes anew each cycle, so this process opens its wake object), post
 * sem_t 1 (done).  Fails with 5 if its handle count grew beyond a bound over the cycles. */
static int shsem_peer(const char *shm, int cycles)
{
	sem_t *go = shared_sem(shm, 0), *done, *target;
	DWORD before = 0, after = 0;
	struct timespec ts;
	FILETIME ft;
	ULARGE_INTEGER t;
	int i;

	if (go == NULL)
		return 2;
	done = (sem_t *)((char *)go + 64);
	target = (sem_t *)((char *)go + 128);
	InterlockedIncrement(&rep->ready);
	for (i = 0; i < cycles; i++) {
		if (i == 10)
			before = rel_handle_count();
		if (sem_wait(go) != 0)
			return 3;
		GetSystemTimePreciseAsFileTime(&ft);
		t.LowPart = ft.dwLowDateTime;
		t.HighPart = ft.dwHighDateTime;
		t.QuadPart -= 116444736000000000ULL - 20000; /* 2 ms from now */
		ts.tv_sec = (time_t)(t.QuadPart / 10000000);
		ts.tv_nsec = (long)(t.QuadPart % 10000000) * 100;
		if (sem_timedwait(target, &ts) == 0 || errno != ETIMEDOUT)
			return 4;
		if (sem_post(done) != 0)
			return 3;
	}
	after = rel_handle_count();
	InterlockedExchange64(&rep->count, (LONG64)after - (LONG64)before);
	/* The library keeps at most 16 such handles per process (see sem.c). */
	return after <= before + 16 + 3 ? 0 : 5;
}

/* ------------------------------------------------------------------ shared memory peers */

/* shm-map-hold <name> <size>: create the object, map it, fill it, wait to be killed. */
static int shm_map_hold(const char *name, size_t size)
{
	unsigned char *p;
	size_t i;
	int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);

	if (fd < 0 || ftruncate(fd, (off_t)size) != 0)
		return 2;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return 3;
	for (i = 0; i < size; i++)
		p[i] = tu_pattern(i, 5);
	return ready_then_hang();
}

/* ------------------------------------------------------------------ creation loops */

/* create-loop <kind> <name or path>: make and remove the object over and over, so that a kill
 * at any moment lands somewhere inside a creation.  Exit only on failure. */
static int loop_sem(const char *name)
{
	sem_t *s;

	for (;;) {
		s = sem_open(name, O_CREAT | O_EXCL, 0600, 1);
		if (s == SEM_FAILED)
			return 10 + errno;
		InterlockedIncrement64(&rep->count);
		if (sem_close(s) != 0 || sem_unlink(name) != 0)
			return 3;
	}
}

static int loop_shm(const char *name)
{
	int fd;

	for (;;) {
		fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
		if (fd < 0)
			return 10 + errno;
		InterlockedIncrement64(&rep->count);
		if (ftruncate(fd, 4096) != 0 || close(fd) != 0 || shm_unlink(name) != 0)
			return 3;
	}
}

static int loop_fifo(const char *path)
{
	for (;;) {
		if (mkfifo(path, 0600) != 0)
			return 10 + errno;
		InterlockedIncrement64(&rep->count);
		if (unlink(path) != 0)
			return 3;
	}
}

/* The FIFO exists; the kill lands inside open() or close(), perhaps holding its lock. */
static int loop_fifo_open(const char *path)
{
	int fd;

	for (;;) {
		fd = open(path, O_RDWR);
		if (fd < 0)
			return 10 + errno;
		InterlockedIncrement64(&rep->count);
		if (close(fd) != 0)
			return 3;
	}
}

static int create_loop(const char *kind, const char *name)
{
	InterlockedIncrement(&rep->ready);
	if (strcmp(kind, "sem") == 0)
		return loop_sem(name);
	if (strcmp(kind, "shm") == 0)
		return loop_shm(name);
	if (strcmp(kind, "fifo") == 0)
		return loop_fifo(name);
	if (strcmp(kind, "fifo-open") == 0)
		return loop_fifo_open(name);
	return 2;
}

/* ------------------------------------------------------------------ main */

static unsigned long arg_num(int argc, char **argv, int i)
{
	return argc > i ? strtoul(argv[i], NULL, 10) : 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	const char *a = argc > 3 ? argv[3] : "";

	if (argc < 3 || (rep = attach_report(argv[2])) == NULL) {
		fprintf(stderr, "reliability_helper: usage: <command> <report> args...\n");
		return 100;
	}
	if (strcmp(cmd, "fifo-write") == 0)
		return fifo_write(a, arg_num(argc, argv, 4), arg_num(argc, argv, 5));
	if (strcmp(cmd, "fifo-read-hold") == 0)
		return fifo_read_hold(a);
	if (strcmp(cmd, "fifo-records") == 0)
		return fifo_records(a, (uint32_t)arg_num(argc, argv, 4),
				    (int)arg_num(argc, argv, 5), (uint32_t)arg_num(argc, argv, 6));
	if (strcmp(cmd, "squat") == 0)
		return squat(a);
	if (strcmp(cmd, "sem-hold") == 0)
		return sem_hold(a, (int)arg_num(argc, argv, 4));
	if (strcmp(cmd, "sem-block") == 0)
		return sem_block(a);
	if (strcmp(cmd, "sem-post-hold") == 0)
		return sem_post_hold(a, (int)arg_num(argc, argv, 4));
	if (strcmp(cmd, "sem-take") == 0)
		return sem_take(a);
	if (strcmp(cmd, "sem-stress") == 0)
		return sem_stress(a, (int)arg_num(argc, argv, 4),
				  (uint32_t)arg_num(argc, argv, 5));
	if (strcmp(cmd, "shsem-block") == 0)
		return shsem_block(a);
	if (strcmp(cmd, "shsem-post-hold") == 0)
		return shsem_post_hold(a, (int)arg_num(argc, argv, 4));
	if (strcmp(cmd, "shsem-create") == 0)
		return shsem_create(a, (unsigned)arg_num(argc, argv, 4));
	if (strcmp(cmd, "shsem-stress") == 0)
		return shsem_stress(a, (int)arg_num(argc, argv, 4),
				    (uint32_t)arg_num(argc, argv, 5));
	if (strcmp(cmd, "shsem-peer") == 0)
		return shsem_peer(a, (int)arg_num(argc, argv, 4));
	if (strcmp(cmd, "shm-map-hold") == 0)
		return shm_map_hold(a, arg_num(argc, argv, 4));
	if (strcmp(cmd, "create-loop") == 0)
		return create_loop(a, argc > 4 ? argv[4] : "");
	fprintf(stderr, "reliability_helper: unknown command %s\n", cmd);
	return 100;
}
