/* The descriptor table: which C runtime descriptors carry library state (FIFO ends), keyed
 * by descriptor and checked against the HANDLE the descriptor wraps. */
#include <io.h>
#include <stdlib.h>

#include "internal.h"

struct entry {
	HANDLE handle;
	const struct pi_fd_ops *ops;
	void *obj;
};

static SRWLOCK lock = SRWLOCK_INIT;
static struct entry *table;
static int table_size;
/* Entries in use.  While there are none (a program with no FIFO open), lookups skip the lock:
 * read() and write() on ordinary files then cost what the C runtime's cost.  A descriptor is
 * registered before open() returns it, so a caller that has it sees the count raised. */
static volatile LONG used;

static int grow(int fd)
{
	int n = table_size ? table_size : 64;
	struct entry *t;

	while (n <= fd)
		n *= 2;
	t = realloc(table, (size_t)n * sizeof *t);
	if (t == NULL)
		return pi_fail(ENOMEM);
	ZeroMemory(t + table_size, (size_t)(n - table_size) * sizeof *t);
	table = t;
	table_size = n;
	return 0;
}

HANDLE pi_fd_handle(int fd)
{
	/* A negative fd (mmap's "no file") is answered here, as the C runtime would answer it,
	 * without asking its parameter checks. */
	if (fd < 0) {
		errno = EBADF;
		return INVALID_HANDLE_VALUE;
	}
	return (HANDLE)_get_osfhandle(fd);
}

static int is_live(int fd)
{
	return fd >= 0 && fd < table_size && table[fd].obj != NULL &&
	       pi_fd_handle(fd) == table[fd].handle;
}

int pi_fd_register(int fd, HANDLE h, const struct pi_fd_ops *ops, void *obj)
{
	struct entry old = { 0 };

	if (fd < 0 || ops == NULL || obj == NULL)
		return pi_fail(EINVAL);
	AcquireSRWLockExclusive(&lock);
	if (fd >= table_size && grow(fd) < 0) {
		ReleaseSRWLockExclusive(&lock);
		return -1;
	}
	/* A leftover entry belongs to a descriptor closed behind our back: drop it. */
	old = table[fd];
	if (old.obj == NULL)
		InterlockedIncrement(&used);
	table[fd].handle = h;
	table[fd].ops = ops;
	table[fd].obj = obj;
	ReleaseSRWLockExclusive(&lock);
	if (old.obj != NULL)
		old.ops->unref(old.obj);
	return 0;
}

void *pi_fd_acquire(int fd, const struct pi_fd_ops **ops)
{
	void *obj = NULL;

	if (__atomic_load_n(&used, __ATOMIC_ACQUIRE) == 0)
		return NULL;
	AcquireSRWLockShared(&lock);
	if (is_live(fd)) {
		obj = table[fd].obj;
		*ops = table[fd].ops;
		(*ops)->ref(obj);
	}
	ReleaseSRWLockShared(&lock);
	return obj;
}

void pi_fd_release(const struct pi_fd_ops *ops, void *obj)
{
	if (obj != NULL)
		ops->unref(obj);
}

void *pi_fd_unregister(int fd, const struct pi_fd_ops **ops)
{
	struct entry old = { 0 };
	int live;

	AcquireSRWLockExclusive(&lock);
	live = is_live(fd);
	if (fd >= 0 && fd < table_size) {
		old = table[fd];
		if (old.obj != NULL)
			InterlockedDecrement(&used);
		ZeroMemory(&table[fd], sizeof table[fd]);
	}
	ReleaseSRWLockExclusive(&lock);
	if (old.obj != NULL && !live) {
		old.ops->unref(old.obj);
		return NULL;
	}
	if (old.obj != NULL)
		*ops = old.ops;
	return old.obj;
}

int pi_crt_fd(int fd)
{
	if (fd < 0 && (errno == ENFILE || errno == 0))
		errno = EMFILE;
	return fd;
}

int pi_fd_wrap(HANDLE h, int crt_flags)
{
	int fd, e;

	errno = 0;
	fd = pi_crt_fd(_open_osfhandle((intptr_t)h, crt_flags));
	if (fd < 0) {
		e = errno;
		CloseHandle(h);
		errno = e;
	}
	return fd;
}

void pi_fd_set_status(volatile LONG *status, int flags)
{
	LONG old, new;

	do {
		old = *status;
		new = (old & ~PI_SETFL_FLAGS) | (flags & PI_SETFL_FLAGS);
	} while (InterlockedCompareExchange(status, new, old) != old);
}
