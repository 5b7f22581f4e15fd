/* An ordinary POSIX program, as a package being ported has them: it uses a FIFO, a named
 * semaphore and a shared memory object a little each, and exits 0 when all behaved. */
#include "config.h"

/* What configure had to find for this program to build. */
#if !defined(HAVE_SYS_MMAN_H) || !defined(HAVE_SEMAPHORE_H) || !defined(HAVE_MKFIFO) || \
	!defined(HAVE_SEM_OPEN) || !defined(HAVE_SHM_OPEN) || !defined(HAVE_MMAP)
#error "this program needs POSIX FIFOs, semaphores and shared memory"
#endif

#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int failures;

static void check(int ok, const char *what)
{
	printf("%s: %s\n", ok ? "ok" : "FAILED", what);
	if (!ok) {
		printf("  errno %d: %s\n", errno, strerror(errno));
		failures++;
	}
}

static void fifo(const char *path)
{
	char buf[16] = "";
	int rd, wr;

	unlink(path);
	check(mkfifo(path, 0600) == 0, "mkfifo");
	/* A non-blocking reader opens at once; then a writer need not wait. */
	rd = open(path, O_RDONLY | O_NONBLOCK);
	check(rd >= 0, "open the FIFO for reading, O_NONBLOCK");
	wr = open(path, O_WRONLY);
	check(wr >= 0, "open the FIFO for writing");
	check(write(wr, "hello", 5) == 5, "write to the FIFO");
	check(read(rd, buf, sizeof buf) == 5 && memcmp(buf, "hello", 5) == 0,
	      "read it back");
	close(wr);
	check(read(rd, buf, sizeof buf) == 0, "end of file once the writer is gone");
	close(rd);
	check(unlink(path) == 0, "unlink the FIFO");
}

static void semaphore(const char *name)
{
	struct timespec soon = { time(NULL) + 1, 0 };
	sem_t *sem;
	int value = -1;

	sem_unlink(name);
	sem = sem_open(name, O_CREAT | O_EXCL, 0600, 1);
	check(sem != SEM_FAILED, "sem_open O_CREAT");
	if (sem == SEM_FAILED)
		return;
	check(sem_post(sem) == 0, "sem_post");
	check(sem_getvalue(sem, &value) == 0 && value == 2, "sem_getvalue is 2");
	check(sem_wait(sem) == 0 && sem_trywait(sem) == 0, "sem_wait, sem_trywait");
	check(sem_trywait(sem) < 0 && errno == EAGAIN, "sem_trywait at 0 fails with EAGAIN");
	check(sem_timedwait(sem, &soon) < 0 && errno == ETIMEDOUT,
	      "sem_timedwait at 0 times out");
	check(sem_close(sem) == 0, "sem_close");
	check(sem_unlink(name) == 0, "sem_unlink");
	check(sem_open(name, 0) == SEM_FAILED && errno == ENOENT, "gone after sem_unlink");
}

static void shared_memory(const char *name)
{
	long page = sysconf(_SC_PAGESIZE);
	char *a, *b;
	int fd;

	shm_unlink(name);
	fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	check(fd >= 0, "shm_open O_CREAT");
	if (fd < 0)
		return;
	check(ftruncate(fd, page) == 0, "ftruncate to a page");
	a = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	b = mmap(NULL, (size_t)page, PROT_READ, MAP_SHARED, fd, 0);
	check(a != MAP_FAILED && b != MAP_FAILED, "mmap it twice, MAP_SHARED");
	close(fd);
	if (a == MAP_FAILED || b == MAP_FAILED)
		return;
	strcpy(a, "shared");
	check(strcmp(b, "shared") == 0, "one mapping sees the other's writes");
	check(msync(a, (size_t)page, MS_SYNC) == 0, "msync");
	check(mprotect(a, (size_t)page, PROT_READ) == 0, "mprotect to PROT_READ");
	check(munmap(a, (size_t)page) == 0 && munmap(b, (size_t)page) == 0, "munmap");
	check(shm_unlink(name) == 0, "shm_unlink");
	check(shm_open(name, O_RDWR, 0) < 0 && errno == ENOENT, "gone after shm_unlink");
}

int main(void)
{
	char fifo_path[64], name[64];

	snprintf(fifo_path, sizeof fifo_path, "consumer-%ld.fifo", (long)getpid());
	snprintf(name, sizeof name, "/consumer-%ld", (long)getpid());
	fifo(fifo_path);
	semaphore(name);
	shared_memory(name);
	printf("%s\n", failures ? "some checks FAILED" : "all checks passed");
	return failures != 0;
}
