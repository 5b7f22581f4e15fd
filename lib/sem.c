/* POSIX semaphores.  Named ones (sem_open) are Win32 semaphores that keep their identity and
 * value in a backing file between users; unnamed ones (sem_init) count in the sem_t itself and
 * make a system call only to sleep or to wake a sleeper, on an event that a pshared sem_t
 * names by a random id. */
#include <io.h>
#include <semaphore.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "internal.h"
#include "winapi.h"

#include <posixipc.h>

#define SEM_MAGIC 0x4d455350u /* "PSEM" */
#define KIND_PRIVATE 1
#define KIND_SHARED 2
#define KIND_NAMED 3

/* What every library handle to a Win32 semaphore may do; CreateSemaphoreEx asks for no more,
 * so opening an existing object needs only what a POSIX user of it is granted. */
#define SEM_ACCESS (SEMAPHORE_QUERY_STATE | SEMAPHORE_MODIFY_STATE | SYNCHRONIZE)
#define LOCK_ACCESS (SYNCHRONIZE | MUTEX_MODIFY_STATE)
#define SHARE_ALL (FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)

/* How long the exit handler waits for another process's open or close to finish. */
#define EXIT_LOCK_MS 2000

/* The backing file of a named semaphore.  While any process has it open the Win32 object's
 * count is the truth, and value follows it: each process maps the record, every POSIX post
 * and successful wait moves value by one with an interlocked operation on the view, and
 * sem_close and the exit handler store the exact count (which also takes in what native
 * programs did to the Win32 object).  A write through a view lands in the file's cache
 * pages at once, so it outlives a process that is killed, and the next process to create
 * the Win32 object starts from value.  What is still not exact:
 * - a process killed between ReleaseSemaphore (or a wait) and its update of value loses
 *   that post (or gives back that unit);
 * - native programs' ReleaseSemaphore and WaitForSingleObject move only the Win32 count,
 *   so they are lost if every process is killed before the next POSIX save;
 * - a save while other processes post or wait can miss or count twice their operations in
 *   flight, until the next save.
 * value may be below 0 for a moment while posts and waits race; a restore takes it as 0.
 * Version 1 saved value only on close, and refused a negative one. */
#define FILE_MAGIC 0x32534d50u /* "PMS2" */
struct sem_file {
	uint32_t magic;
	uint32_t mode;
	uint64_t id;
	LONG value; /* aligned for interlocked operations: views start on a 64 KiB boundary */
	uint32_t reserved;
};

_Static_assert(sizeof(LONG) == 4 && offsetof(struct sem_file, value) % 4 == 0,
	       "the mirrored count must be an aligned 32-bit field");

/* A named semaphore open in this process; users hold &sem. */
struct named {
	sem_t sem;
	struct named *next;
	unsigned long refs;
	uint32_t mode;
	/* Held so that closing saves the count into this semaphore's own file, even after
	 * sem_unlink and a new semaphore under the same name. */
	HANDLE file;
	/* The file's record, mapped; sem.__priv points at its value. */
	struct sem_file *view;
	/* Where the file was opened, to tell on close whether an unlink has renamed it. */
	wchar_t *path;
	/* Threads of this process blocked in a wait on it, plus NAMED_CLOSED once the last
	 * sem_close has run: the last of them ends it (see named_leave). */
	volatile LONG busy;
};

#define NAMED_CLOSED 0x40000000

static SRWLOCK named_lock = SRWLOCK_INIT;
static struct named *named_list;
static INIT_ONCE exit_once = INIT_ONCE_STATIC_INIT;

/* ---------------------------------------------------------------- ids, names, errors */

/* Never 0 or ~0, which mark empty and removed slots in the shared table. */
static uint64_t new_id(void)
{
	uint64_t id;

	do
		id = pi_random64();
	while (id == 0 || id == ~(uint64_t)0);
	return id;
}

/* 16 lower-case hex digits and a NUL. */
static void hex16(wchar_t *out, uint64_t id)
{
	static const char hex[] = "0123456789abcdef";
	int i;

	for (i = 15; i >= 0; i--, id >>= 4)
		out[i] = (wchar_t)hex[id & 15];
	out[16] = L'\0';
}

/* "<namespace>posixipc.sem.<16 hex digits><suffix>". */
#define OBJECT_NAME_MAX 64
static void object_name(wchar_t *buf, uint64_t id, const wchar_t *suffix)
{
	wchar_t digits[17];

	hex16(digits, id);
	wcscpy(buf, pi_object_namespace());
	wcscat(buf, L"posixipc.sem.");
	wcscat(buf, digits);
	wcscat(buf, suffix);
}

/* A Win32 error on a semaphore handle.  A handle closed under the caller means the sem_t no
 * longer refers to a semaphore: EINVAL, as for any invalid sem_t. */
static int sem_error(DWORD err)
{
	return pi_fail_win32(err == ERROR_INVALID_HANDLE ? ERROR_INVALID_PARAMETER : err);
}

static int query_value(HANDLE h, int *value)
{
	struct pi_semaphore_basic_information info;
	NTSTATUS status;

	status = NtQuerySemaphore(h, PI_SEMAPHORE_BASIC_INFORMATION, &info, sizeof info, NULL);
	if (status < 0)
		return pi_errno_from_nt(status) == EBADF ? pi_fail(EINVAL) : pi_fail_nt(status);
	*value = info.current;
	return 0;
}

static int wait_result(DWORD r, int timeout_errno)
{
	if (r == WAIT_OBJECT_0)
		return 0;
	if (r == WAIT_TIMEOUT)
		return pi_fail(timeout_errno);
	return sem_error(GetLastError());
}

/* ---------------------------------------------------------------- clocks */

#define NSEC 1000000000LL
/* 100 ns intervals from 1601 (FILETIME) to 1970 (the Unix epoch). */
#define EPOCH_DIFF 116444736000000000LL

/* The same sources winpthreads' clock_gettime reads, so a deadline that passed here has
 * passed for the caller's clock too. */
int64_t pi_clock_ns(clockid_t clock)
{
	LARGE_INTEGER count, freq;
	ULARGE_INTEGER t;
	FILETIME ft;

	if (clock == CLOCK_MONOTONIC) {
		QueryPerformanceCounter(&count);
		QueryPerformanceFrequency(&freq);
		return count.QuadPart / freq.QuadPart * NSEC +
		       count.QuadPart % freq.QuadPart * NSEC / freq.QuadPart;
	}
	GetSystemTimePreciseAsFileTime(&ft);
	t.LowPart = ft.dwLowDateTime;
	t.HighPart = ft.dwHighDateTime;
	return ((int64_t)t.QuadPart - EPOCH_DIFF) * 100;
}

/* The deadline in ns, saturated: INT64_MAX (forever) for seconds beyond what 64 bits of ns
 * hold, INT64_MIN for a deadline that far in the past. */
int64_t pi_deadline_ns(const struct timespec *ts)
{
	/* Through a variable: where time_t has 32 bits (i686), the limits are out of its range
	 * and a comparison of the cast itself is always false, which GCC warns about. */
	int64_t sec = (int64_t)ts->tv_sec;

	if (sec >= INT64_MAX / NSEC - 1)
		return INT64_MAX;
	if (sec <= INT64_MIN / NSEC + 1)
		return INT64_MIN;
	return sec * NSEC + ts->tv_nsec;
}

/* A wait's deadline in ns, saturated (seconds beyond what 64 bits of ns hold wait forever);
 * none for sem_wait. */
struct deadline {
	clockid_t clock;
	int64_t ns;
	int forever;
};

/* EINVAL for a timed wait without a valid deadline; POSIX reports it only when the call
 * would block, so callers try to take a unit first. */
static int deadline_of(struct deadline *d, clockid_t clock, const struct timespec *ts, int timed)
{
	d->clock = clock;
	d->forever = !timed;
	d->ns = 0;
	if (!timed)
		return 0;
	if (ts == NULL || ts->tv_nsec < 0 || ts->tv_nsec >= NSEC)
		return EINVAL;
	d->ns = pi_deadline_ns(ts);
	d->forever = d->ns == INT64_MAX;
	return 0;
}

/* Sleep until h is signalled (0), the deadline has really passed (ETIMEDOUT: Win32 timeouts
 * are in milliseconds and may end before a finer clock reaches the deadline, so a timeout
 * only means "look again", EAGAIN), or a winpthreads cancellation arrives (ECANCELED, with
 * *cancel the event to hand to pi_cancel_woken).  Nothing else wakes it: Windows has no
 * signals, so never EINTR. */
static int block(HANDLE h, const struct deadline *d, HANDLE *cancel)
{
	HANDLE objs[2];
	int64_t now, left;
	DWORD ms = INFINITE, r;
	int expired = 0;

	if (!d->forever) {
		now = pi_clock_ns(d->clock);
		left = d->ns - now;
		/* Past: one last look, so a deadline in the past still takes a unit that is there. */
		if (now >= d->ns)
			ms = 0, expired = 1;
		else if (left >= (int64_t)(INFINITE - 1) * 1000000)
			ms = INFINITE - 1;
		else
			ms = (DWORD)((left + 999999) / 1000000);
	}
	objs[0] = h;
	objs[1] = *cancel = pi_cancel_event();
	r = WaitForMultipleObjects(objs[1] != NULL ? 2 : 1, objs, FALSE, ms);
	if (r == WAIT_OBJECT_0)
		return 0;
	if (r == WAIT_OBJECT_0 + 1)
		return ECANCELED;
	if (r == WAIT_TIMEOUT)
		return expired ? ETIMEDOUT : EAGAIN;
	return pi_errno_from_win32(GetLastError() == ERROR_INVALID_HANDLE ?
					   ERROR_INVALID_PARAMETER : GetLastError());
}

/* ---------------------------------------------------------------- unnamed semaphores */

/* __count holds the value in its low 32 bits and the number of threads that may sleep in
 * its high 32 bits (glibc's layout).  The value is the whole truth: a post adds to it and
 * wakes a sleeper only if one is recorded; a sleeper takes a unit only from the value, with
 * the same compare-and-swap as everyone else.  The wake object is an auto-reset event,
 * so wakes do not pile up: the sleeper that takes a unit wakes the next one while units and
 * sleepers remain.  A sleeper that dies (a killed process) stays counted, which costs later
 * posts a needless SetEvent but never a unit. */
#define SLEEPER ((uint64_t)1 << 32)

static inline volatile LONG64 *count_word(sem_t *sem)
{
	return (volatile LONG64 *)&sem->__count;
}

static inline uint32_t units(uint64_t w)
{
	return (uint32_t)w;
}

static inline uint32_t sleepers(uint64_t w)
{
	return (uint32_t)(w >> 32);
}

/* Take a unit if there is one; a sleeper leaves the count of sleepers at the same time
 * (gone = SLEEPER).  *after is the word it left. */
static inline int take(sem_t *sem, uint64_t gone, uint64_t *after)
{
	volatile LONG64 *c = count_word(sem);
	uint64_t w = (uint64_t)*c, prev;

	while (units(w) > 0) {
		prev = (uint64_t)InterlockedCompareExchange64(c, (LONG64)(w - 1 - gone), (LONG64)w);
		if (prev == w) {
			*after = w - 1 - gone;
			return 1;
		}
		w = prev;
	}
	return 0;
}

/* A sleeper that did not take a unit stops being counted, unless the sem_t was made anew
 * (gen is the __id it started with; 0 for private semaphores, which sem_destroy waits for). */
static inline void leave(sem_t *sem, uint64_t gen)
{
	if (sem->__id == gen)
		InterlockedAdd64(count_word(sem), -(LONG64)SLEEPER);
}

/* The wake event of a pshared semaphore is a named auto-reset event that any process
 * creates when it first needs it and that lives while some process holds it; a process
 * that maps the sem_t late, or after the creator ended, simply makes it again.  Each
 * process keeps a few handles in a small table by id, so that a sleeper and a poster do not
 * open the event on every call; a slot is reused (its handle closed) when another id needs
 * it and no thread is using it, so init/destroy cycles done elsewhere cost this process at
 * most SLOTS handles.  A slot in use when another id needs it: that call opens a handle of
 * its own and closes it when done. */
#define SLOTS 16

struct slot {
	uint64_t id;
	HANDLE h;
	LONG users;
};

static SRWLOCK slot_lock = SRWLOCK_INIT;
static struct slot slots[SLOTS];

/* The wake object a caller holds while it sleeps on it or signals it. */
struct waker {
	HANDLE h;
	struct slot *slot; /* the table slot holding h, or NULL */
	int own;           /* h is the caller's to close */
};

static HANDLE open_wake_event(uint64_t id)
{
	wchar_t name[OBJECT_NAME_MAX];
	HANDLE h;

	object_name(name, id, L".wake");
	/* Default security: the user's own processes may open it, as they may map the memory
	 * the sem_t lives in. */
	h = CreateEventExW(NULL, name, 0, SYNCHRONIZE | EVENT_MODIFY_STATE);
	if (h == NULL)
		pi_fail_win32(0);
	return h;
}

static int shared_waker(uint64_t id, struct waker *w)
{
	struct slot *s = &slots[id % SLOTS];
	HANDLE h;

	AcquireSRWLockExclusive(&slot_lock);
	if (s->h != NULL && s->id == id) {
		s->users++;
		w->h = s->h;
		w->slot = s;
		w->own = 0;
		ReleaseSRWLockExclusive(&slot_lock);
		return 0;
	}
	if (s->users == 0) {
		h = open_wake_event(id);
		if (h != NULL) {
			if (s->h != NULL)
				CloseHandle(s->h);
			s->id = id;
			s->h = h;
			s->users = 1;
		}
		ReleaseSRWLockExclusive(&slot_lock);
		w->h = h;
		w->slot = s;
		w->own = 0;
		return h != NULL ? 0 : -1;
	}
	ReleaseSRWLockExclusive(&slot_lock);
	w->h = open_wake_event(id);
	w->slot = NULL;
	w->own = 1;
	return w->h != NULL ? 0 : -1;
}

/* A sem_destroy here closes this process's handle at once if no thread of it uses it. */
static void forget_shared(uint64_t id)
{
	struct slot *s = &slots[id % SLOTS];
	HANDLE h = NULL;

	AcquireSRWLockExclusive(&slot_lock);
	if (s->h != NULL && s->id == id && s->users == 0) {
		h = s->h;
		s->h = NULL;
		s->id = 0;
	}
	ReleaseSRWLockExclusive(&slot_lock);
	if (h != NULL)
		CloseHandle(h);
}

/* A private semaphore's event is made by its first sleeper: sem_init makes no system call
 * and a semaphore nobody sleeps on holds no handle. */
static int private_waker(sem_t *sem, struct waker *w)
{
	HANDLE h = sem->__handle, made;

	w->slot = NULL;
	w->own = 0;
	if (h == NULL) {
		made = CreateEventW(NULL, FALSE, FALSE, NULL);
		if (made == NULL)
			return pi_fail_win32(0);
		h = InterlockedCompareExchangePointer(&sem->__handle, made, NULL);
		if (h != NULL)
			CloseHandle(made);
		else
			h = made;
	}
	w->h = h;
	return 0;
}

static int get_waker(sem_t *sem, struct waker *w)
{
	if (sem->__kind == KIND_SHARED)
		return shared_waker(sem->__id, w);
	return private_waker(sem, w);
}

/* Touches only this process's table, never the sem_t. */
static void put_waker(struct waker *w)
{
	if (w->slot != NULL) {
		AcquireSRWLockExclusive(&slot_lock);
		w->slot->users--;
		ReleaseSRWLockExclusive(&slot_lock);
	} else if (w->own) {
		CloseHandle(w->h);
	}
}

/* A poster that saw a sleeper.  A private semaphore's event exists: the sleeper made it
 * before it counted itself. */
static void wake(sem_t *sem)
{
	struct waker w;

	if (sem->__kind != KIND_SHARED) {
		SetEvent(sem->__handle);
		return;
	}
	if (shared_waker(sem->__id, &w) == 0) {
		SetEvent(w.h);
		put_waker(&w);
	}
}

/* The slow path of every unnamed wait.  The wake object is held before the sleeper counts
 * itself, so a poster that sees the sleeper always finds the object.  The unit is taken
 * only by the compare-and-swap in take(): a timeout, a cancellation or a destroy that comes
 * first leaves the value as it was. */
static int sleep_wait(sem_t *sem, const struct deadline *d)
{
	uint64_t gen = sem->__id, after;
	struct waker w;
	HANDLE cancel;
	int r;

	if (get_waker(sem, &w) < 0)
		return errno;
	InterlockedAdd64(count_word(sem), (LONG64)SLEEPER);
	for (;;) {
		/* Destroyed (or, for pshared, destroyed and made anew by another process, which
		 * also cleared this sleeper from the count): wake the next sleeper and go. */
		if (sem->__magic != SEM_MAGIC || sem->__id != gen) {
			SetEvent(w.h);
			r = EINVAL;
			break;
		}
		if (take(sem, SLEEPER, &after)) {
			/* Wakes coalesce in the event: pass one on while units and sleepers remain. */
			if (units(after) > 0 && sleepers(after) > 0)
				SetEvent(w.h);
			r = 0;
			break;
		}
		r = block(w.h, d, &cancel);
		if (r == 0 || r == EAGAIN)
			continue;
		if (r == ETIMEDOUT && sem->__id == gen && take(sem, SLEEPER, &after)) {
			r = 0;
			break;
		}
		if (r != ECANCELED)
			break;
		/* Counted out and holding nothing the cleanup handlers could miss. */
		leave(sem, gen);
		put_waker(&w);
		pi_cancel_woken(cancel);
		/* Cancellation is disabled: wait again. */
		if (get_waker(sem, &w) < 0)
			return errno;
		InterlockedAdd64(count_word(sem), (LONG64)SLEEPER);
	}
	/* Only after leave() may the caller of sem_destroy free the sem_t: nothing here
	 * touches it afterwards. */
	if (r != 0)
		leave(sem, gen);
	put_waker(&w);
	return r;
}

static int unnamed_post(sem_t *sem)
{
	volatile LONG64 *c = count_word(sem);
	uint64_t w = (uint64_t)*c, prev;

	for (;;) {
		if (units(w) >= SEM_VALUE_MAX)
			return pi_fail(EOVERFLOW);
		prev = (uint64_t)InterlockedCompareExchange64(c, (LONG64)(w + 1), (LONG64)w);
		if (prev == w)
			break;
		w = prev;
	}
	if (sleepers(w) > 0)
		wake(sem);
	return 0;
}

/* ---------------------------------------------------------------- the hot path */

/* A named semaphore's count follows into its backing file (see struct sem_file): __priv
 * points at the mapped value. */
static inline void count_post(sem_t *sem)
{
	InterlockedIncrement(sem->__priv);
}

static inline int count_wait(sem_t *sem, int r)
{
	if (r == 0)
		InterlockedDecrement(sem->__priv);
	return r;
}

static inline int valid(sem_t *sem)
{
	return sem != NULL && sem->__magic == SEM_MAGIC;
}

static void named_leave(struct named *n);

/* A blocking wait on a named semaphore's Win32 object: the unit is taken only when the wait
 * ends on the object, so a cancellation has nothing to give back.  sem_close while a thread
 * waits here (undefined in POSIX) leaves the semaphore to that thread, which ends it once
 * its wait is over instead of touching freed memory. */
static int named_wait(sem_t *sem, const struct deadline *d)
{
	struct named *n = (struct named *)(void *)sem; /* sem is its first member */
	HANDLE cancel;
	int r;

	InterlockedIncrement(&n->busy);
	do
		r = block(sem->__handle, d, &cancel);
	while (r == EAGAIN);
	if (r == 0)
		count_wait(sem, 0);
	named_leave(n);
	if (r != ECANCELED)
		return r;
	pi_cancel_woken(cancel);
	/* Cancellation is disabled: wait on. */
	return valid(sem) ? named_wait(sem, d) : EINVAL;
}

/* The three waits that may block.  Each is a cancellation point, as POSIX says: a pending
 * cancellation is acted on at entry (no kernel call) and while asleep. */
static int timed_wait(sem_t *sem, clockid_t clock, const struct timespec *abstime, int timed)
{
	struct deadline d;
	uint64_t after;
	int e;

	pi_testcancel();
	if (!valid(sem))
		return pi_fail(EINVAL);
	e = deadline_of(&d, clock, abstime, timed);
	if (sem->__kind != KIND_NAMED) {
		if (take(sem, 0, &after))
			return 0;
		if (e == 0)
			e = sleep_wait(sem, &d);
		return e != 0 ? pi_fail(e) : 0;
	}
	/* Named: one kernel call whether or not the wait blocks, except for a bad deadline. */
	if (e != 0) {
		if (posixipc_sem_trywait(sem) == 0)
			return 0;
		return pi_fail(errno == EAGAIN ? e : errno);
	}
	e = named_wait(sem, &d);
	return e != 0 ? pi_fail(e) : 0;
}

PI_EXPORT int posixipc_sem_post(sem_t *sem)
{
	if (!valid(sem))
		return pi_fail(EINVAL);
	if (sem->__kind != KIND_NAMED)
		return unnamed_post(sem);
	if (!ReleaseSemaphore(sem->__handle, 1, NULL))
		return sem_error(GetLastError()); /* ERROR_TOO_MANY_POSTS: EOVERFLOW */
	count_post(sem);
	return 0;
}

PI_EXPORT int posixipc_sem_wait(sem_t *sem)
{
	uint64_t after;

	/* The common case first: a unit is there and no cancellation is pending. */
	if (valid(sem) && sem->__kind != KIND_NAMED) {
		pi_testcancel();
		if (take(sem, 0, &after))
			return 0;
	}
	return timed_wait(sem, CLOCK_REALTIME, NULL, 0);
}

PI_EXPORT int posixipc_sem_trywait(sem_t *sem)
{
	uint64_t after;

	if (!valid(sem))
		return pi_fail(EINVAL);
	if (sem->__kind != KIND_NAMED)
		return take(sem, 0, &after) ? 0 : pi_fail(EAGAIN);
	return count_wait(sem, wait_result(WaitForSingleObject(sem->__handle, 0), EAGAIN));
}

PI_EXPORT int posixipc_sem_timedwait(sem_t *sem, const struct timespec *abstime)
{
	return timed_wait(sem, CLOCK_REALTIME, abstime, 1);
}

PI_EXPORT int posixipc_sem_clockwait(sem_t *sem, clockid_t clock, const struct timespec *abstime)
{
	if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC)
		return pi_fail(EINVAL);
	return timed_wait(sem, clock, abstime, 1);
}

/* An unnamed semaphore's value is exact at every moment; while threads sleep on it, it is 0
 * (as glibc reports), never the negated number of sleepers. */
PI_EXPORT int posixipc_sem_getvalue(sem_t *sem, int *value)
{
	if (!valid(sem) || value == NULL)
		return pi_fail(EINVAL);
	if (sem->__kind != KIND_NAMED) {
		*value = (int)units((uint64_t)*count_word(sem));
		return 0;
	}
	return query_value(sem->__handle, value);
}

/* ---------------------------------------------------------------- sem_init, sem_destroy */

/* How long sem_destroy waits for this process's sleepers it woke to leave the sem_t. */
#define DESTROY_MS 5000

PI_EXPORT int posixipc_sem_init(sem_t *sem, int pshared, unsigned int value)
{
	if (sem == NULL || value > SEM_VALUE_MAX)
		return pi_fail(EINVAL);
	sem->__kind = pshared ? KIND_SHARED : KIND_PRIVATE;
	sem->__count = (long long)value;
	sem->__id = pshared ? new_id() : 0;
	sem->__handle = NULL;
	sem->__priv = NULL;
	MemoryBarrier();
	sem->__magic = SEM_MAGIC;
	return 0;
}

/* POSIX leaves destroying a semaphore that threads wait on undefined; here the sleepers
 * wake and fail with EINVAL, and a private semaphore's destroy returns only once its
 * sleepers have left the sem_t, so that the caller may free it. */
PI_EXPORT int posixipc_sem_destroy(sem_t *sem)
{
	HANDLE h;
	int waited;

	if (sem == NULL || sem->__magic != SEM_MAGIC || sem->__kind == KIND_NAMED)
		return pi_fail(EINVAL);
	InterlockedExchange((volatile LONG *)&sem->__magic, 0);
	if (sleepers((uint64_t)*count_word(sem)) > 0)
		wake(sem);
	if (sem->__kind == KIND_SHARED) {
		/* Sleepers in other processes hold handles of their own. */
		forget_shared(sem->__id);
		return 0;
	}
	for (waited = 0; sleepers((uint64_t)*count_word(sem)) > 0; waited++) {
		if (waited >= DESTROY_MS)
			return 0; /* a sleeper that cannot run: keep its handle rather than pull it away */
		Sleep(1);
	}
	h = InterlockedExchangePointer(&sem->__handle, NULL);
	if (h != NULL)
		CloseHandle(h);
	return 0;
}

/* ---------------------------------------------------------------- backing files */

static int read_file_at(HANDLE file, DWORD offset, void *buf, DWORD size)
{
	OVERLAPPED ov;
	DWORD n = 0;

	memset(&ov, 0, sizeof ov);
	ov.Offset = offset;
	if (!ReadFile(file, buf, size, &n, &ov))
		return pi_fail_win32(0);
	return n == size ? 0 : pi_fail(EINVAL);
}

/* A file under the semaphore's name that is not one of ours is not a semaphore.  value is
 * not checked: it may be below 0 for a moment (see struct sem_file). */
static int read_record(HANDLE file, struct sem_file *rec)
{
	if (read_file_at(file, 0, rec, sizeof *rec) < 0)
		return -1;
	if (rec->magic != FILE_MAGIC)
		return pi_fail(EINVAL);
	return 0;
}

/* A view of the record at the start of the file.  The view keeps the section, so the
 * mapping handle goes at once. */
static struct sem_file *map_record(HANDLE file)
{
	HANDLE map = CreateFileMappingW(file, NULL, PAGE_READWRITE, 0, 0, NULL);
	struct sem_file *view;

	if (map == NULL) {
		pi_fail_win32(0);
		return NULL;
	}
	view = MapViewOfFile(map, FILE_MAP_WRITE, 0, 0, sizeof *view);
	if (view == NULL)
		pi_fail_win32(0);
	CloseHandle(map);
	return view;
}

/* A complete file appears under the name at once (written aside, then renamed without
 * replacing), so a concurrent opener never reads a half-written record.  EEXIST if the
 * name is taken. */
static HANDLE create_backing(const wchar_t *path, mode_t mode, unsigned int value,
			     struct sem_file *rec)
{
	struct pi_publish p;
	struct pi_sa sa;
	HANDLE file;
	int e;

	if (pi_sa_from_mode(mode, FILE_GENERIC_READ, FILE_GENERIC_WRITE, &sa) < 0)
		return INVALID_HANDLE_VALUE;
	memset(rec, 0, sizeof *rec);
	rec->magic = FILE_MAGIC;
	rec->mode = mode & 0777;
	rec->id = new_id();
	rec->value = (LONG)value;
	memset(&p, 0, sizeof p);
	/* The creator gets the access it asks for whatever the new file's DACL says. */
	p.access = GENERIC_READ | GENERIC_WRITE;
	p.sa = &sa.sa;
	p.data = rec;
	p.size = sizeof *rec;
	file = pi_file_publish(path, &p);
	e = errno;
	pi_sa_free(&sa);
	errno = e;
	return file;
}

/* Through pi_object_file, which waits out the moment an unlink in another thread or process
 * holds the file unshared: that is no EACCES, but the file going or staying. */
static HANDLE open_backing(const wchar_t *path, DWORD access, struct sem_file *rec)
{
	HANDLE file = pi_object_file(path, access, NULL, OPEN_EXISTING);

	if (file == INVALID_HANDLE_VALUE) {
		pi_fail_win32(0);
		return INVALID_HANDLE_VALUE;
	}
	if (read_record(file, rec) < 0) {
		int e = errno;

		CloseHandle(file);
		errno = e;
		return INVALID_HANDLE_VALUE;
	}
	return file;
}

/* The semaphore's file as sem_open's flags ask: opened, created, or both in a race with
 * another creator.  A POSIX semaphore is opened for reading and writing, so EACCES unless
 * the mode grants both (Windows checks the file's DACL; Wine 8.0 lets the owner in
 * whatever the DACL says). */
static HANDLE get_backing(const wchar_t *path, int oflag, mode_t mode, unsigned int value,
			  struct sem_file *rec)
{
	int create = (oflag & O_CREAT) != 0, excl = create && (oflag & O_EXCL);
	HANDLE file;
	int tries;

	for (tries = 0; tries < 100; tries++) {
		if (!excl) {
			file = open_backing(path, GENERIC_READ | GENERIC_WRITE, rec);
			if (file != INVALID_HANDLE_VALUE || !create || errno != ENOENT)
				return file;
		}
		/* The value matters only to a semaphore this call makes: one that exists is
		 * opened whatever value came with O_CREAT, as glibc does. */
		if (value > SEM_VALUE_MAX) {
			errno = EINVAL;
			return INVALID_HANDLE_VALUE;
		}
		file = create_backing(path, mode, value, rec);
		if (file != INVALID_HANDLE_VALUE || errno != EEXIST || excl)
			return file;
	}
	errno = EAGAIN;
	return INVALID_HANDLE_VALUE;
}

/* ---------------------------------------------------------------- named semaphores */

/* The per-id mutex that orders opens (which create the Win32 object from the saved value
 * when no process has it) against closes (which save the value, then drop the handle). */
static HANDLE lock_id(uint64_t id, uint32_t mode, DWORD ms)
{
	wchar_t name[OBJECT_NAME_MAX];
	struct pi_sa sa;
	HANDLE m;
	DWORD r;

	/* The owner may always lock: a creator whose mode denies it rw still closes. */
	if (pi_sa_from_mode((mode_t)(mode | 0600), SYNCHRONIZE, MUTEX_MODIFY_STATE, &sa) < 0)
		return NULL;
	object_name(name, id, L".lock");
	m = CreateMutexExW(&sa.sa, name, 0, LOCK_ACCESS);
	pi_sa_free(&sa);
	if (m == NULL) {
		pi_fail_win32(0);
		return NULL;
	}
	/* Abandoned: its holder died; the file and object are consistent at every step. */
	r = WaitForSingleObject(m, ms);
	if (r != WAIT_OBJECT_0 && r != WAIT_ABANDONED) {
		wait_result(r, ETIMEDOUT);
		CloseHandle(m);
		return NULL;
	}
	return m;
}

static void unlock_id(HANDLE m)
{
	ReleaseMutex(m);
	CloseHandle(m);
}

/* Open the Win32 semaphore, creating it with the file's value if no process has it.  The
 * value is read under the lock: the last closer may have saved it just now.  A new object
 * and the file's value start equal, so a value below 0 is taken as 0 in both. */
static HANDLE attach_object(HANDLE file, struct sem_file *rec, struct sem_file *view)
{
	wchar_t name[OBJECT_NAME_MAX];
	struct pi_sa sa;
	HANDLE lock, h = NULL;
	LONG value;

	lock = lock_id(rec->id, rec->mode, INFINITE);
	if (lock == NULL)
		return NULL;
	if (read_record(file, rec) == 0 &&
	    pi_sa_from_mode((mode_t)rec->mode, SEMAPHORE_QUERY_STATE | SYNCHRONIZE,
			    SEMAPHORE_MODIFY_STATE, &sa) == 0) {
		object_name(name, rec->id, L"");
		value = *(volatile LONG *)&view->value;
		if (value < 0)
			value = 0;
		h = CreateSemaphoreExW(&sa.sa, value, SEM_VALUE_MAX, name, 0, SEM_ACCESS);
		if (h == NULL)
			pi_fail_win32(0);
		else if (GetLastError() != ERROR_ALREADY_EXISTS)
			InterlockedExchange(&view->value, value);
		pi_sa_free(&sa);
	}
	unlock_id(lock);
	return h;
}

/* Store the exact count in the file; the caller holds the id's lock. */
static void save_value(struct named *n)
{
	int value;

	if (query_value(n->sem.__handle, &value) == 0)
		InterlockedExchange(&n->view->value, value);
}

/* Save at exit for processes that end without sem_close.  Only if no thread of this
 * process is inside sem_open or sem_close; never waits long for other processes. */
static void save_all_at_exit(void)
{
	struct named *n;
	HANDLE lock;

	if (!TryAcquireSRWLockExclusive(&named_lock))
		return;
	for (n = named_list; n != NULL; n = n->next) {
		lock = lock_id(n->sem.__id, n->mode, EXIT_LOCK_MS);
		if (lock == NULL)
			continue;
		save_value(n);
		unlock_id(lock);
	}
	ReleaseSRWLockExclusive(&named_lock);
}

static BOOL CALLBACK register_exit(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
	(void)once, (void)param, (void)ctx;
	atexit(save_all_at_exit);
	return TRUE;
}

static struct named *find_named(uint64_t id)
{
	struct named *n;

	for (n = named_list; n != NULL; n = n->next)
		if (n->sem.__id == id)
			return n;
	return NULL;
}

/* Free what add_named made; errno is kept. */
static void drop_named(struct named *n)
{
	int e = errno;

	if (n->view != NULL)
		UnmapViewOfFile(n->view);
	free(n->path);
	free(n);
	errno = e;
}

/* Caller holds named_lock.  Takes over file on success. */
static sem_t *add_named(HANDLE file, struct sem_file *rec, const wchar_t *path)
{
	struct named *n = find_named(rec->id);
	HANDLE h;

	if (n != NULL) {
		CloseHandle(file);
		n->refs++;
		return &n->sem;
	}
	n = calloc(1, sizeof *n);
	if (n == NULL) {
		errno = ENOMEM;
		return SEM_FAILED;
	}
	n->path = _wcsdup(path);
	if (n->path == NULL) {
		free(n);
		errno = ENOMEM;
		return SEM_FAILED;
	}
	n->view = map_record(file);
	h = n->view != NULL ? attach_object(file, rec, n->view) : NULL;
	if (h == NULL) {
		drop_named(n);
		return SEM_FAILED;
	}
	n->sem.__kind = KIND_NAMED;
	n->sem.__id = rec->id;
	n->sem.__handle = h;
	n->sem.__priv = &n->view->value;
	n->sem.__magic = SEM_MAGIC;
	n->refs = 1;
	n->mode = rec->mode;
	n->file = file;
	n->next = named_list;
	named_list = n;
	InitOnceExecuteOnce(&exit_once, register_exit, NULL, NULL);
	return &n->sem;
}

/* Caller holds named_lock. */
static sem_t *open_named(const char *encoded, int oflag, mode_t mode, unsigned int value)
{
	wchar_t *path = pi_object_path("sem", encoded);
	struct sem_file rec;
	HANDLE file;
	sem_t *sem;
	int e;

	if (path == NULL)
		return SEM_FAILED;
	file = get_backing(path, oflag, mode, value, &rec);
	if (file == INVALID_HANDLE_VALUE) {
		free(path);
		return SEM_FAILED;
	}
	sem = add_named(file, &rec, path);
	e = errno;
	if (sem == SEM_FAILED)
		CloseHandle(file);
	free(path);
	errno = e;
	return sem;
}

PI_EXPORT sem_t *posixipc_sem_open(const char *name, int oflag, ...)
{
	char encoded[PI_ENCODED_MAX + 1];
	unsigned int value = 0;
	mode_t mode = 0;
	sem_t *sem;
	va_list ap;

	if (oflag & O_CREAT) {
		/* Promoted arguments: mode_t arrives as int. */
		va_start(ap, oflag);
		mode = (mode_t)(va_arg(ap, int) & 0777);
		value = va_arg(ap, unsigned int);
		va_end(ap);
		mode &= ~pi_umask();
	}
	if (pi_name_encode(name, encoded, sizeof encoded) < 0)
		return SEM_FAILED;
	AcquireSRWLockExclusive(&named_lock);
	sem = open_named(encoded, oflag, mode, value);
	ReleaseSRWLockExclusive(&named_lock);
	return sem;
}

/* What is left of a closed semaphore once its Win32 object's handle is closed. */
static void end_named(struct named *n)
{
	UnmapViewOfFile(n->view);
	pi_object_reclaim(n->file, n->path);
	CloseHandle(n->file);
	free(n->path);
	free(n);
}

static void named_leave(struct named *n)
{
	if (InterlockedDecrement(&n->busy) == NAMED_CLOSED) {
		CloseHandle(n->sem.__handle);
		end_named(n);
	}
}

PI_EXPORT int posixipc_sem_close(sem_t *sem)
{
	struct named **p, *n;
	HANDLE lock;
	int last;

	if (sem == NULL)
		return pi_fail(EINVAL);
	/* The pointer is looked up before it is read, so a sem_t that was never opened, or is
	 * already closed, is EINVAL rather than a read of freed memory. */
	AcquireSRWLockExclusive(&named_lock);
	for (p = &named_list; *p != NULL && &(*p)->sem != sem; p = &(*p)->next)
		;
	n = *p;
	if (n == NULL) {
		ReleaseSRWLockExclusive(&named_lock);
		return pi_fail(EINVAL);
	}
	if (--n->refs > 0) {
		ReleaseSRWLockExclusive(&named_lock);
		return 0;
	}
	*p = n->next;
	n->sem.__magic = 0;
	/* Without the lock (out of resources) the count is still saved, with a small risk of
	 * racing an opener in another process. */
	lock = lock_id(n->sem.__id, n->mode, INFINITE);
	save_value(n);
	last = InterlockedOr(&n->busy, NAMED_CLOSED) == 0;
	if (last)
		CloseHandle(n->sem.__handle);
	if (lock != NULL)
		unlock_id(lock);
	ReleaseSRWLockExclusive(&named_lock);
	if (last)
		end_named(n);
	return 0;
}

/* As musl's: the same unlink as shm_unlink, in the semaphores' folder.  A file renamed aside
 * while mapped, as every holder maps it, goes when its last holder closes it (end_named). */
PI_EXPORT int posixipc_sem_unlink(const char *name)
{
	return pi_object_unlink_name("sem", name);
}

PI_EXPORT int posixipc_sem_win32_name(const char *name, char *buf, size_t size)
{
	wchar_t object[OBJECT_NAME_MAX], *path;
	struct sem_file rec;
	HANDLE file;

	if (buf == NULL || size == 0)
		return pi_fail(EINVAL);
	path = pi_named_path("sem", name, 1);
	if (path == NULL)
		return -1;
	file = open_backing(path, GENERIC_READ, &rec);
	free(path);
	if (file == INVALID_HANDLE_VALUE)
		return -1;
	CloseHandle(file);
	object_name(object, rec.id, L"");
	return pi_wide_to_buf(object, buf, size);
}
