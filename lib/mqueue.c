/* POSIX message queues.  A queue is a file in the objects' "mq" folder, created and unlinked as
 * shm objects are, that every process holding it maps whole: a header, then maxmsg fixed slots
 * of msgsize bytes.  Descriptors (mqd_t) index a table private to the process.
 *
 * The header's lock is a word in the mapping holding its owner's process and thread ids, so an
 * uncontended lock and unlock is two interlocked instructions and no kernel call; a Win32
 * semaphore puts contenders to sleep, and a contender that finds the owner's thread gone takes
 * the lock over and repairs the queue.  The queued messages are one list, sorted by priority
 * and FIFO within one, and every change to it is one store made under the lock after the
 * message is whole, so the list is right at every instant; the free slots, the tail and the
 * count follow from it and are rebuilt when an owner died.  A process killed anywhere in
 * mq_send or mq_receive thus leaves each message wholly queued or wholly taken.
 *
 * Blocked senders and receivers sleep on two Win32 semaphores ("not full", "not empty") that
 * the other side posts when it sees a waiter, and look again every SLICE_MS in any case, so a
 * waker killed before its post delays them, never strands them.  mq_notify gives each
 * registration a Win32 event and a thread that waits on it; the header holds the event's name,
 * and the event vanishing with its process is how others know the registration is stale. */
#include <mqueue.h>
#include <posixipc.h>
#include <process.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "internal.h"

/* Linux's defaults (/proc/sys/fs/mqueue/{msg,msgsize}_default) and hard maxima; a queue's
 * file may hold at most MQ_BYTES_MAX of messages besides. */
#define MQ_DEFAULT_MAXMSG 10
#define MQ_DEFAULT_MSGSIZE 8192
#define MQ_MAXMSG_MAX 65536
#define MQ_MSGSIZE_MAX (16 * 1024 * 1024)
#define MQ_BYTES_MAX ((uint64_t)1 << 30)
/* Descriptors a process may hold at once (sysconf(_SC_MQ_OPEN_MAX)). */
#define MQ_OPEN_LIMIT 1024

#define SLICE_MS 200
/* A contender checks whether the lock's owner is still alive this often. */
#define LOCK_POLL_MS 50
#define SPINS 64

#define MQ_MAGIC 0x3151514du /* "MQQ1" */
#define NONE (-1)

struct mq_slot {
	int32_t next;
	uint32_t prio;
	uint32_t len;
	uint32_t reserved;
	/* msgsize bytes of message follow */
};

struct mq_head {
	uint32_t magic;
	uint32_t mode;
	uint64_t id; /* names the queue's Win32 objects */
	uint32_t maxmsg;
	uint32_t msgsize;
	uint32_t slot_size;
	/* 1 while a post of the lock's semaphore is on its way and not yet taken: an unlock
	 * posts only then, so a contender killed while waiting costs one post, not one each
	 * unlock. */
	volatile LONG lock_wake;
	volatile LONG64 owner; /* 0, or process id << 32 | thread id of the lock's holder */
	volatile LONG lock_waiters;
	/* The truth: the first queued slot, then each slot's next.  The rest follows from it. */
	volatile int32_t head;
	volatile int32_t tail;
	volatile int32_t free; /* list of slots once used and now free */
	volatile int32_t unused; /* slots from here on were never used */
	volatile LONG curmsgs;
	/* Waiters sleeping on "not empty"/"not full", and posts made for them not yet taken. */
	volatile LONG recv_waiters, recv_wakes;
	volatile LONG send_waiters, send_wakes;
	/* The registered mq_notify: its process and the id of its event, 0 if none. */
	volatile uint32_t notify_pid;
	uint32_t reserved1;
	volatile uint64_t notify_token;
	uint64_t reserved2[4];
};

#define HEAD_SIZE 128
_Static_assert(sizeof(struct mq_head) <= HEAD_SIZE, "the header fits its room");
_Static_assert(offsetof(struct mq_head, owner) % 8 == 0, "the lock word is aligned");

/* A descriptor: its own view of the queue and handles to the queue's Win32 objects. */
struct mqd {
	volatile LONG refs;
	volatile LONG flags; /* O_ACCMODE bits and O_NONBLOCK */
	struct mq_head *h;
	size_t size;
	HANDLE lock_sem, recv_sem, send_sem;
};

static SRWLOCK table_lock = SRWLOCK_INIT;
static struct mqd **table;
static int table_size;

long pi_mq_open_max(void)
{
	return MQ_OPEN_LIMIT;
}

/* ---------------------------------------------------------------- names of Win32 objects */

/* "<namespace>posixipc.mq.<16 hex digits><suffix>". */
#define OBJECT_NAME_MAX 96
static void object_name(wchar_t *buf, uint64_t id, const wchar_t *suffix)
{
	swprintf(buf, OBJECT_NAME_MAX, L"%lsposixipc.mq.%08lx%08lx%ls", pi_object_namespace(),
		 (unsigned long)(id >> 32), (unsigned long)(id & 0xffffffffu), suffix);
}

static void notify_name(wchar_t *buf, uint64_t id, uint64_t token)
{
	wchar_t suffix[24];

	swprintf(suffix, 24, L".n%08lx%08lx", (unsigned long)(token >> 32),
		 (unsigned long)(token & 0xffffffffu));
	object_name(buf, id, suffix);
}

static uint64_t new_id(void)
{
	uint64_t id;

	do
		id = pi_random64();
	while (id == 0);
	return id;
}

/* The queue's Win32 objects grant what its file does, and the owner always both. */
static int object_sa(uint32_t mode, struct pi_sa *sa)
{
	return pi_sa_from_mode((mode_t)(mode | 0600), SYNCHRONIZE | SEMAPHORE_MODIFY_STATE,
			       SYNCHRONIZE | SEMAPHORE_MODIFY_STATE, sa);
}

/* ---------------------------------------------------------------- slots */

static struct mq_slot *slot(struct mq_head *h, int32_t i)
{
	return (struct mq_slot *)((char *)h + HEAD_SIZE + (size_t)i * h->slot_size);
}

static uint64_t file_size(uint32_t maxmsg, uint32_t slot_size)
{
	return HEAD_SIZE + (uint64_t)maxmsg * slot_size;
}

static uint32_t slot_size_for(uint32_t msgsize)
{
	return (uint32_t)((sizeof(struct mq_slot) + msgsize + 15) & ~(size_t)15);
}

/* Rebuild what follows from the list after a lock holder died: the tail, the count and the
 * free slots.  A list that runs out of range or loops (a file no process of ours wrote) is
 * cut where it goes wrong. */
static void repair(struct mq_head *h)
{
	unsigned char *seen = calloc(h->maxmsg, 1);
	volatile int32_t *link = &h->head;
	int32_t i, tail = NONE, free_list = NONE;
	LONG n = 0;

	if (seen == NULL)
		return; /* out of memory: the list stays right; only free slots are lost */
	while (*link != NONE) {
		i = *link;
		if (i < 0 || (uint32_t)i >= h->maxmsg || seen[i]) {
			*link = NONE;
			break;
		}
		seen[i] = 1;
		tail = i;
		n++;
		link = &slot(h, i)->next;
	}
	for (i = (int32_t)h->maxmsg - 1; i >= 0; i--) {
		if (seen[i])
			continue;
		slot(h, i)->next = free_list;
		free_list = i;
	}
	free(seen);
	h->free = free_list;
	h->unused = (int32_t)h->maxmsg;
	h->tail = tail;
	h->curmsgs = n;
}

/* ---------------------------------------------------------------- the lock */

static LONG64 self_id(void)
{
	return (LONG64)((uint64_t)GetCurrentProcessId() << 32 | GetCurrentThreadId());
}

/* Another user's process: alive while it can be opened and has not ended; one we may not
 * open at all counts as alive. */
static int process_alive(DWORD pid)
{
	HANDLE p = OpenProcess(SYNCHRONIZE, FALSE, pid);
	int alive;

	if (p == NULL)
		return GetLastError() == ERROR_ACCESS_DENIED;
	alive = WaitForSingleObject(p, 0) == WAIT_TIMEOUT;
	CloseHandle(p);
	return alive;
}

/* A thread that cannot be opened is gone, unless it belongs to a user we may not look at. */
static int owner_alive(LONG64 owner)
{
	HANDLE t = OpenThread(SYNCHRONIZE | THREAD_QUERY_LIMITED_INFORMATION, FALSE,
			      (DWORD)(owner & 0xffffffff));
	int alive;

	if (t == NULL)
		return GetLastError() == ERROR_ACCESS_DENIED &&
		       process_alive((DWORD)((uint64_t)owner >> 32));
	alive = WaitForSingleObject(t, 0) == WAIT_TIMEOUT &&
		GetProcessIdOfThread(t) == (DWORD)((uint64_t)owner >> 32);
	CloseHandle(t);
	return alive;
}

static void lock_slow(struct mqd *d, LONG64 me)
{
	struct mq_head *h = d->h;
	LONG64 cur;
	DWORD r;
	int i, stolen = 0;

	for (i = 0; i < SPINS; i++) {
		YieldProcessor();
		if (h->owner == 0 && InterlockedCompareExchange64(&h->owner, me, 0) == 0)
			return;
	}
	InterlockedIncrement(&h->lock_waiters);
	while (InterlockedCompareExchange64(&h->owner, me, 0) != 0) {
		r = WaitForSingleObject(d->lock_sem, LOCK_POLL_MS);
		/* Taken, or never coming (its poster was killed): either way the next unlock
		 * may post again. */
		InterlockedExchange(&h->lock_wake, 0);
		if (r != WAIT_TIMEOUT)
			continue;
		cur = h->owner;
		if (cur != 0 && !owner_alive(cur) &&
		    InterlockedCompareExchange64(&h->owner, me, cur) == cur) {
			stolen = 1;
			break;
		}
	}
	InterlockedDecrement(&h->lock_waiters);
	if (stolen) {
		repair(h);
		/* Sleepers look again: the dead owner may have owed them a post. */
		ReleaseSemaphore(d->recv_sem, 1, NULL);
		ReleaseSemaphore(d->send_sem, 1, NULL);
	}
}

static void lock(struct mqd *d)
{
	LONG64 me = self_id();

	if (InterlockedCompareExchange64(&d->h->owner, me, 0) != 0)
		lock_slow(d, me);
}

static void unlock(struct mqd *d)
{
	InterlockedExchange64(&d->h->owner, 0);
	if (d->h->lock_waiters > 0 && InterlockedCompareExchange(&d->h->lock_wake, 1, 0) == 0)
		ReleaseSemaphore(d->lock_sem, 1, NULL);
}

/* ---------------------------------------------------------------- descriptors */

/* Queue descriptors are numbered from PI_OPEN_MAX up: never 0 (code that takes 0 for "no
 * queue" keeps working, as Linux's first queue is a descriptor above 2) and never a C-runtime
 * descriptor's number, so a close() meant for a queue cannot close a file. */
#define MQD_BASE PI_OPEN_MAX

static int slot_of(mqd_t mqdes)
{
	return mqdes >= MQD_BASE && mqdes - MQD_BASE < table_size ? mqdes - MQD_BASE : -1;
}

static struct mqd *acquire(mqd_t mqdes)
{
	struct mqd *d = NULL;
	int i;

	AcquireSRWLockShared(&table_lock);
	if ((i = slot_of(mqdes)) >= 0 && table[i] != NULL) {
		d = table[i];
		InterlockedIncrement(&d->refs);
	}
	ReleaseSRWLockShared(&table_lock);
	if (d == NULL)
		errno = EBADF;
	return d;
}

static void drop(struct mqd *d)
{
	if (d == NULL || InterlockedDecrement(&d->refs) > 0)
		return;
	if (d->h != NULL)
		UnmapViewOfFile(d->h);
	if (d->lock_sem != NULL)
		CloseHandle(d->lock_sem);
	if (d->recv_sem != NULL)
		CloseHandle(d->recv_sem);
	if (d->send_sem != NULL)
		CloseHandle(d->send_sem);
	free(d);
}

static mqd_t add_descriptor(struct mqd *d)
{
	struct mqd **t;
	int i, n;

	AcquireSRWLockExclusive(&table_lock);
	for (i = 0; i < table_size && table[i] != NULL; i++)
		;
	if (i == table_size) {
		n = table_size ? table_size * 2 : 16;
		if (n > MQ_OPEN_LIMIT)
			n = MQ_OPEN_LIMIT;
		t = i < n ? realloc(table, (size_t)n * sizeof *t) : NULL;
		if (t == NULL) {
			ReleaseSRWLockExclusive(&table_lock);
			return pi_fail(i < n ? ENOMEM : EMFILE);
		}
		memset(t + table_size, 0, (size_t)(n - table_size) * sizeof *t);
		table = t;
		table_size = n;
	}
	table[i] = d;
	ReleaseSRWLockExclusive(&table_lock);
	return MQD_BASE + i;
}

/* ---------------------------------------------------------------- files */

static int read_head(HANDLE file, struct mq_head *out)
{
	OVERLAPPED ov;
	DWORD n = 0;
	LARGE_INTEGER size;

	memset(&ov, 0, sizeof ov);
	if (!ReadFile(file, out, sizeof *out, &n, &ov))
		return pi_fail_win32(0);
	/* Not a queue of ours, or one whose creator never finished: no such queue's file is
	 * ever under a queue's name (creation renames a whole file into place). */
	if (n != sizeof *out || out->magic != MQ_MAGIC || out->maxmsg == 0 ||
	    out->maxmsg > MQ_MAXMSG_MAX || out->msgsize == 0 || out->msgsize > MQ_MSGSIZE_MAX ||
	    out->slot_size != slot_size_for(out->msgsize) || !GetFileSizeEx(file, &size) ||
	    (uint64_t)size.QuadPart < file_size(out->maxmsg, out->slot_size))
		return pi_fail(EINVAL);
	return 0;
}

static struct mq_head *map_file(HANDLE file, size_t size)
{
	HANDLE map = CreateFileMappingW(file, NULL, PAGE_READWRITE, 0, 0, NULL);
	struct mq_head *h;

	if (map == NULL) {
		pi_fail_win32(0);
		return NULL;
	}
	h = MapViewOfFile(map, FILE_MAP_WRITE, 0, 0, size);
	if (h == NULL)
		pi_fail_win32(0);
	CloseHandle(map);
	return h;
}

/* The queue's slots: the file's full size, set once the head is written. */
static int size_file(HANDLE file, void *ctx)
{
	const struct mq_head *head = ctx;
	FILE_END_OF_FILE_INFO eof;

	eof.EndOfFile.QuadPart = (LONGLONG)file_size(head->maxmsg, head->slot_size);
	if (!SetFileInformationByHandle(file, FileEndOfFileInfo, &eof, sizeof eof))
		return pi_fail_win32(0);
	return 0;
}

/* Write a whole queue file beside path and rename it into place without replacing, so an
 * opener finds a complete queue or none.  EEXIST when the name is taken. */
static HANDLE create_file(const wchar_t *path, mode_t mode, const struct mq_attr *attr,
			  struct mq_head *out)
{
	struct pi_sa sa = { { sizeof sa.sa, NULL, FALSE }, NULL };
	struct pi_publish p;
	HANDLE file;
	int e;

	memset(out, 0, sizeof *out);
	out->magic = MQ_MAGIC;
	out->mode = (uint32_t)(mode & 0777);
	out->id = new_id();
	out->maxmsg = attr ? (uint32_t)attr->mq_maxmsg : MQ_DEFAULT_MAXMSG;
	out->msgsize = attr ? (uint32_t)attr->mq_msgsize : MQ_DEFAULT_MSGSIZE;
	out->slot_size = slot_size_for(out->msgsize);
	out->head = out->tail = out->free = NONE;
	if (pi_sa_from_mode(mode, FILE_GENERIC_READ, FILE_GENERIC_WRITE, &sa) < 0)
		return INVALID_HANDLE_VALUE;
	memset(&p, 0, sizeof p);
	/* The creator gets the access it asks for whatever the new file's DACL says.  Queue
	 * files are kept in the cache as shared memory objects are. */
	p.access = GENERIC_READ | GENERIC_WRITE;
	p.sa = &sa.sa;
	p.attributes = FILE_ATTRIBUTE_TEMPORARY | FILE_ATTRIBUTE_NOT_CONTENT_INDEXED;
	p.make_dirs = 1;
	p.data = out;
	p.size = sizeof *out;
	p.fill = size_file;
	p.ctx = out;
	file = pi_file_publish(path, &p);
	e = errno;
	pi_sa_free(&sa);
	errno = e;
	return file;
}

static HANDLE open_file(const wchar_t *path, struct mq_head *out)
{
	HANDLE file = pi_object_file(path, GENERIC_READ | GENERIC_WRITE, NULL, OPEN_EXISTING);
	int e;

	if (file == INVALID_HANDLE_VALUE) {
		pi_fail_win32(0);
		return INVALID_HANDLE_VALUE;
	}
	if (read_head(file, out) < 0) {
		e = errno;
		CloseHandle(file);
		errno = e;
		return INVALID_HANDLE_VALUE;
	}
	return file;
}

static int valid_attr(const struct mq_attr *attr)
{
	if (attr == NULL)
		return 1;
	return attr->mq_maxmsg > 0 && attr->mq_msgsize > 0 && attr->mq_maxmsg <= MQ_MAXMSG_MAX &&
	       attr->mq_msgsize <= MQ_MSGSIZE_MAX &&
	       (uint64_t)attr->mq_maxmsg * (uint64_t)attr->mq_msgsize <= MQ_BYTES_MAX;
}

/* attr is looked at only for a queue that is made: O_EXCL on an existing queue is EEXIST
 * whatever it says, as on Linux. */
static HANDLE bad_attr(const wchar_t *path, int excl, struct mq_head *out)
{
	HANDLE file = excl ? open_file(path, out) : INVALID_HANDLE_VALUE;

	if (file != INVALID_HANDLE_VALUE) {
		CloseHandle(file);
		errno = EEXIST;
	} else {
		errno = EINVAL;
	}
	return INVALID_HANDLE_VALUE;
}

/* The queue's file as the flags ask: opened, created, or either in a race with a creator or
 * an unlink. */
static HANDLE get_file(const wchar_t *path, int oflag, mode_t mode, const struct mq_attr *attr,
		       struct mq_head *out)
{
	int create = (oflag & O_CREAT) != 0, excl = create && (oflag & O_EXCL);
	HANDLE file;
	int tries;

	for (tries = 0; tries < 100; tries++) {
		if (!excl) {
			file = open_file(path, out);
			if (file != INVALID_HANDLE_VALUE || !create || errno != ENOENT)
				return file;
		}
		if (!valid_attr(attr))
			return bad_attr(path, excl, out);
		file = create_file(path, mode, attr, out);
		if (file != INVALID_HANDLE_VALUE || errno != EEXIST || excl)
			return file;
	}
	errno = EAGAIN;
	return INVALID_HANDLE_VALUE;
}

static HANDLE open_semaphore(uint64_t id, const wchar_t *suffix, struct pi_sa *sa)
{
	wchar_t name[OBJECT_NAME_MAX];
	HANDLE s;

	object_name(name, id, suffix);
	s = CreateSemaphoreExW(&sa->sa, 0, LONG_MAX, name, 0,
			       SYNCHRONIZE | SEMAPHORE_MODIFY_STATE);
	if (s == NULL)
		pi_fail_win32(0);
	return s;
}

static int attach(struct mqd *d, HANDLE file, const struct mq_head *rec)
{
	struct pi_sa sa;
	int r = -1;

	d->size = (size_t)file_size(rec->maxmsg, rec->slot_size);
	d->h = map_file(file, d->size);
	if (d->h == NULL || object_sa(rec->mode, &sa) < 0)
		return -1;
	d->lock_sem = open_semaphore(rec->id, L".lock", &sa);
	if (d->lock_sem != NULL)
		d->recv_sem = open_semaphore(rec->id, L".recv", &sa);
	if (d->recv_sem != NULL)
		d->send_sem = open_semaphore(rec->id, L".send", &sa);
	if (d->send_sem != NULL)
		r = 0;
	pi_sa_free(&sa);
	return r;
}

static mqd_t open_queue(const char *encoded, int oflag, mode_t mode, const struct mq_attr *attr)
{
	wchar_t *path = pi_object_path_only("mq", encoded);
	struct mq_head rec;
	struct mqd *d;
	HANDLE file;
	mqd_t r;
	int e;

	if (path == NULL)
		return -1;
	file = get_file(path, oflag, mode, attr, &rec);
	free(path);
	if (file == INVALID_HANDLE_VALUE)
		return -1;
	d = calloc(1, sizeof *d);
	if (d == NULL) {
		CloseHandle(file);
		return pi_fail(ENOMEM);
	}
	d->refs = 1;
	d->flags = oflag & (O_ACCMODE | O_NONBLOCK);
	r = attach(d, file, &rec);
	e = errno;
	/* The view keeps the file. */
	CloseHandle(file);
	if (r == 0)
		r = add_descriptor(d);
	if (r < 0) {
		e = errno;
		drop(d);
		errno = e;
	}
	return r;
}

/* What Linux's queue file system says of a name that starts with '/' and that it cannot
 * hold, where shm and semaphores (glibc's) say EINVAL: ENOENT for "/" alone, EACCES for a
 * further '/' or a "." or "..".  Other names follow shm_open's rules. */
static int linux_name_error(const char *name)
{
	const char *s = name + 1;

	if (name == NULL || name[0] != '/')
		return 0;
	if (s[0] == '\0')
		return ENOENT;
	if (strchr(s, '/') != NULL || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return EACCES;
	return 0;
}

PI_EXPORT mqd_t posixipc_mq_open(const char *name, int oflag, ...)
{
	char encoded[PI_ENCODED_MAX + 1];
	struct mq_attr *attr = NULL;
	mode_t mode = 0;
	va_list ap;
	int e;

	if (oflag & O_CREAT) {
		/* Promoted arguments: mode_t arrives as int. */
		va_start(ap, oflag);
		mode = (mode_t)(va_arg(ap, int) & 0777);
		attr = va_arg(ap, struct mq_attr *);
		va_end(ap);
		mode &= ~pi_umask();
	}
	if ((e = linux_name_error(name)) != 0)
		return pi_fail(e);
	if (pi_name_encode(name, encoded, sizeof encoded) < 0)
		return -1;
	if ((oflag & O_ACCMODE) == (O_WRONLY | O_RDWR))
		return pi_fail(EINVAL);
	return open_queue(encoded, oflag, mode, attr);
}

static void notify_cancel(struct mqd *d);

PI_EXPORT int posixipc_mq_close(mqd_t mqdes)
{
	struct mqd *d = NULL;
	int i;

	AcquireSRWLockExclusive(&table_lock);
	if ((i = slot_of(mqdes)) >= 0) {
		d = table[i];
		table[i] = NULL;
	}
	ReleaseSRWLockExclusive(&table_lock);
	if (d == NULL)
		return pi_fail(EBADF);
	notify_cancel(d);
	drop(d);
	return 0;
}

PI_EXPORT int posixipc_mq_unlink(const char *name)
{
	char encoded[PI_ENCODED_MAX + 1];
	int e = linux_name_error(name);

	if (e != 0)
		return pi_fail(e);
	/* A bad name without the '/' is glibc's EINVAL, not the ENOENT of shm_unlink. */
	if (name != NULL && name[0] != '/' && pi_name_encode(name, encoded, sizeof encoded) < 0)
		return -1;
	return pi_object_unlink_name("mq", name);
}

static void get_attr(struct mqd *d, struct mq_attr *mqstat)
{
	memset(mqstat, 0, sizeof *mqstat);
	mqstat->mq_flags = d->flags & O_NONBLOCK;
	mqstat->mq_maxmsg = (long)d->h->maxmsg;
	mqstat->mq_msgsize = (long)d->h->msgsize;
	mqstat->mq_curmsgs = d->h->curmsgs;
}

PI_EXPORT int posixipc_mq_getattr(mqd_t mqdes, struct mq_attr *mqstat)
{
	struct mqd *d = acquire(mqdes);

	if (d == NULL)
		return -1;
	if (mqstat == NULL) {
		drop(d);
		return pi_fail(EFAULT);
	}
	get_attr(d, mqstat);
	drop(d);
	return 0;
}

/* As Linux: newattr may be NULL (then this is mq_getattr); only O_NONBLOCK may be set. */
PI_EXPORT int posixipc_mq_setattr(mqd_t mqdes, const struct mq_attr *mqstat,
				  struct mq_attr *omqstat)
{
	struct mqd *d;
	LONG old, flags;

	/* Linux looks at the flags before the descriptor. */
	if (mqstat != NULL && (mqstat->mq_flags & ~(long)O_NONBLOCK) != 0)
		return pi_fail(EINVAL);
	if ((d = acquire(mqdes)) == NULL)
		return -1;
	if (omqstat != NULL)
		get_attr(d, omqstat);
	if (mqstat != NULL) {
		do {
			old = d->flags;
			flags = (old & ~(LONG)O_NONBLOCK) | (LONG)(mqstat->mq_flags & O_NONBLOCK);
		} while (InterlockedCompareExchange(&d->flags, flags, old) != old);
	}
	drop(d);
	return 0;
}

/* ---------------------------------------------------------------- waiting */

/* A malformed timeout: POSIX (and sem_timedwait here) report it only when the call would
 * block, so a call that finds room or a message succeeds whatever its timeout says. */
#define BAD_DEADLINE INT64_MIN

/* The deadline in ns of CLOCK_REALTIME: INT64_MAX for none, BAD_DEADLINE for a tv_nsec
 * outside [0, 1e9) or a negative tv_sec (Linux's rule for queues; sem_timedwait takes a
 * negative tv_sec as a deadline past).  A deadline in the past is valid and times out. */
static int64_t deadline_of(const struct timespec *ts)
{
	if (ts == NULL)
		return INT64_MAX;
	if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000L)
		return BAD_DEADLINE;
	return pi_deadline_ns(ts) == INT64_MIN ? INT64_MIN + 1 : pi_deadline_ns(ts);
}

static void count_down(volatile LONG *v)
{
	if (*v > 0)
		(*v)--;
}

/* Called and returns with the lock held: sleep on sem until posted, the deadline (ns of
 * CLOCK_REALTIME, INT64_MAX for none) or one slice has passed.  0 to look again, or -1 with
 * ETIMEDOUT or the error of the wait. */
static int sleep_on(struct mqd *d, HANDLE sem, volatile LONG *waiters, volatile LONG *wakes,
		    int64_t deadline)
{
	int64_t now = pi_clock_ns(CLOCK_REALTIME), left;
	DWORD ms, r, err = 0;

	if (deadline == BAD_DEADLINE)
		return pi_fail(EINVAL);
	if (now >= deadline)
		return pi_fail(ETIMEDOUT);
	left = (deadline - now + 999999) / 1000000;
	ms = left < SLICE_MS ? (DWORD)left : SLICE_MS;
	(*waiters)++;
	unlock(d);
	r = WaitForSingleObject(sem, ms);
	if (r == WAIT_FAILED)
		err = GetLastError();
	lock(d);
	count_down(waiters);
	/* A post taken, or one that may never come (its sender was killed between counting it
	 * and making it): counting too few only means a spare post later. */
	if (r == WAIT_OBJECT_0 || r == WAIT_TIMEOUT)
		count_down(wakes);
	return err ? pi_fail_win32(err) : 0;
}

/* Called with the lock held: post one sleeper, if any has no post on its way yet. */
static int wake_one(volatile LONG *waiters, volatile LONG *wakes)
{
	if (*waiters <= *wakes)
		return 0;
	(*wakes)++;
	return 1;
}

/* ---------------------------------------------------------------- send and receive */

/* The message's place: after every message of its priority or higher. */
static volatile int32_t *insert_point(struct mq_head *h, uint32_t prio)
{
	volatile int32_t *link = &h->head;

	if (h->tail != NONE && slot(h, h->tail)->prio >= prio)
		return &slot(h, h->tail)->next;
	while (*link != NONE && slot(h, *link)->prio >= prio)
		link = &slot(h, *link)->next;
	return link;
}

static int32_t take_free(struct mq_head *h)
{
	int32_t i = h->free;

	if (i != NONE) {
		h->free = slot(h, i)->next;
		return i;
	}
	if (h->unused < (int32_t)h->maxmsg)
		return h->unused++;
	return NONE;
}

/* Called with the lock held and room in the queue.  The slot leaves the free list first and
 * joins the queue last, whole, with one store; a holder killed in between leaves a slot that
 * repair() gives back.  Returns the notification to fire (0 for none). */
static uint64_t put(struct mq_head *h, const char *msg, size_t len, unsigned int prio)
{
	int32_t i = take_free(h);
	struct mq_slot *s = slot(h, i);
	volatile int32_t *link;
	uint64_t token = 0;

	memcpy(s + 1, msg, len);
	s->len = (uint32_t)len;
	s->prio = prio;
	/* Linux notifies on a message arriving at an empty queue with no receiver waiting, and
	 * the registration goes. */
	if (h->head == NONE && h->recv_waiters == 0 && h->notify_token != 0) {
		token = h->notify_token;
		h->notify_token = 0;
		h->notify_pid = 0;
	}
	link = insert_point(h, prio);
	s->next = *link;
	MemoryBarrier();
	*link = i;
	if (s->next == NONE)
		h->tail = i;
	h->curmsgs++;
	return token;
}

/* Called with the lock held on a queue with messages.  The message is copied out before the
 * list lets go of it: a holder killed before that store leaves it queued. */
static size_t take(struct mq_head *h, char *buf, unsigned int *prio)
{
	int32_t i = h->head;
	struct mq_slot *s = slot(h, i);
	size_t len = s->len;

	memcpy(buf, s + 1, len);
	if (prio != NULL)
		*prio = s->prio;
	MemoryBarrier();
	h->head = s->next;
	if (h->head == NONE)
		h->tail = NONE;
	h->curmsgs--;
	s->next = h->free;
	MemoryBarrier();
	h->free = i;
	return len;
}

static void fire(struct mq_head *h, uint64_t token)
{
	wchar_t name[OBJECT_NAME_MAX];
	HANDLE e;

	notify_name(name, h->id, token);
	/* Gone when its process is: nothing to tell. */
	e = OpenEventW(EVENT_MODIFY_STATE, FALSE, name);
	if (e != NULL) {
		SetEvent(e);
		CloseHandle(e);
	}
}

static int send_locked(struct mqd *d, const char *msg, size_t len, unsigned int prio,
		       int64_t deadline, uint64_t *token, int *wake)
{
	struct mq_head *h = d->h;

	while (h->free == NONE && h->unused >= (int32_t)h->maxmsg) {
		if (d->flags & O_NONBLOCK)
			return pi_fail(EAGAIN);
		if (sleep_on(d, d->send_sem, &h->send_waiters, &h->send_wakes, deadline) < 0)
			return -1;
	}
	*token = put(h, msg, len, prio);
	*wake = wake_one(&h->recv_waiters, &h->recv_wakes);
	return 0;
}

static int do_send(mqd_t mqdes, const char *msg, size_t len, unsigned int prio,
		   const struct timespec *abstime)
{
	int64_t deadline = deadline_of(abstime);
	struct mqd *d;
	uint64_t token = 0;
	int wake = 0, r;

	if (prio >= MQ_PRIO_MAX)
		return pi_fail(EINVAL);
	d = acquire(mqdes);
	if (d == NULL)
		return -1;
	if ((d->flags & O_ACCMODE) == O_RDONLY)
		r = pi_fail(EBADF);
	else if (len > d->h->msgsize)
		r = pi_fail(EMSGSIZE);
	else if (msg == NULL && len > 0)
		r = pi_fail(EFAULT);
	else {
		lock(d);
		r = send_locked(d, msg, len, prio, deadline, &token, &wake);
		unlock(d);
	}
	if (wake)
		ReleaseSemaphore(d->recv_sem, 1, NULL);
	if (token != 0)
		fire(d->h, token);
	drop(d);
	return r;
}

static ssize_t receive_locked(struct mqd *d, char *buf, unsigned int *prio, int64_t deadline,
			      int *wake)
{
	struct mq_head *h = d->h;
	size_t len;

	while (h->head == NONE) {
		if (d->flags & O_NONBLOCK)
			return pi_fail(EAGAIN);
		if (sleep_on(d, d->recv_sem, &h->recv_waiters, &h->recv_wakes, deadline) < 0)
			return -1;
	}
	len = take(h, buf, prio);
	*wake = wake_one(&h->send_waiters, &h->send_wakes);
	return (ssize_t)len;
}

static ssize_t do_receive(mqd_t mqdes, char *buf, size_t len, unsigned int *prio,
			  const struct timespec *abstime)
{
	struct mqd *d;
	int64_t deadline = deadline_of(abstime);
	ssize_t r;
	int wake = 0;

	d = acquire(mqdes);
	if (d == NULL)
		return -1;
	if ((d->flags & O_ACCMODE) == O_WRONLY)
		r = pi_fail(EBADF);
	else if (len < d->h->msgsize)
		r = pi_fail(EMSGSIZE);
	else if (buf == NULL)
		r = pi_fail(EFAULT);
	else {
		lock(d);
		r = receive_locked(d, buf, prio, deadline, &wake);
		unlock(d);
	}
	if (wake)
		ReleaseSemaphore(d->send_sem, 1, NULL);
	drop(d);
	return r;
}

PI_EXPORT int posixipc_mq_send(mqd_t mqdes, const char *msg_ptr, size_t msg_len,
			       unsigned int msg_prio)
{
	return do_send(mqdes, msg_ptr, msg_len, msg_prio, NULL);
}

PI_EXPORT int posixipc_mq_timedsend(mqd_t mqdes, const char *msg_ptr, size_t msg_len,
				    unsigned int msg_prio, const struct timespec *abs_timeout)
{
	return do_send(mqdes, msg_ptr, msg_len, msg_prio, abs_timeout);
}

PI_EXPORT ssize_t posixipc_mq_receive(mqd_t mqdes, char *msg_ptr, size_t msg_len,
				      unsigned int *msg_prio)
{
	return do_receive(mqdes, msg_ptr, msg_len, msg_prio, NULL);
}

PI_EXPORT ssize_t posixipc_mq_timedreceive(mqd_t mqdes, char *msg_ptr, size_t msg_len,
					   unsigned int *msg_prio,
					   const struct timespec *abs_timeout)
{
	return do_receive(mqdes, msg_ptr, msg_len, msg_prio, abs_timeout);
}

/* ---------------------------------------------------------------- mq_notify */

/* This process's registrations: at most one per queue, as the header holds one. */
struct reg {
	struct reg *next;
	uint64_t id, token;
	HANDLE event, thread;
	int notify, cancelled;
	/* done: its thread has finished with the list; orphan: nobody waits for it any more,
	 * so its thread frees it. */
	int done, orphan;
	void (*fn)(union sigval);
	union sigval value;
};

static SRWLOCK reg_lock = SRWLOCK_INIT;
static struct reg *regs;

/* A registration of queue id (token, or any when 0) whose thread is not the caller: a
 * callback that closes its own queue leaves its own registration to its thread. */
static struct reg *unlink_reg(uint64_t id, uint64_t token)
{
	DWORD self = GetCurrentThreadId();
	struct reg **p, *r;

	for (p = &regs; *p != NULL; p = &(*p)->next) {
		r = *p;
		if (r->id == id && (token == 0 || r->token == token) &&
		    (r->thread == NULL || GetThreadId(r->thread) != self)) {
			*p = r->next;
			return r;
		}
	}
	return NULL;
}

static void free_reg(struct reg *r)
{
	CloseHandle(r->event);
	if (r->thread != NULL)
		CloseHandle(r->thread);
	free(r);
}

/* The registration's own thread: its event is set by the sender that consumed the
 * registration, or by notify_cancel, which has then taken it off the list.  It stays listed
 * while the callback runs, so that mq_close can wait for the callback to end. */
/* Take r off the list if it is still there; the caller holds reg_lock. */
static int remove_reg(struct reg *r)
{
	struct reg **p;

	for (p = &regs; *p != NULL; p = &(*p)->next) {
		if (*p == r) {
			*p = r->next;
			return 1;
		}
	}
	return 0;
}

static unsigned __stdcall notify_thread(void *arg)
{
	struct reg *r = arg, *p;
	int listed, orphan = 0;

	WaitForSingleObject(r->event, INFINITE);
	AcquireSRWLockExclusive(&reg_lock);
	for (p = regs; p != NULL && p != r; p = p->next)
		;
	listed = p != NULL && !r->cancelled;
	if (!listed) {
		/* Cancelled: notify_cancel frees it, unless it stopped waiting. */
		r->done = 1;
		orphan = r->orphan;
	}
	ReleaseSRWLockExclusive(&reg_lock);
	if (!listed) {
		if (orphan)
			free_reg(r);
		return 0;
	}
	if (r->notify == SIGEV_THREAD)
		r->fn(r->value);
	AcquireSRWLockExclusive(&reg_lock);
	listed = remove_reg(r) || r->orphan;
	r->done = 1;
	ReleaseSRWLockExclusive(&reg_lock);
	if (listed)
		free_reg(r);
	return 0;
}

/* Drop this process's registrations on d's queue (mq_close, mq_notify(NULL)) and wait for
 * their threads: the one the header names, and any whose callback is running, for at most
 * CALLBACK_WAIT_MS, so that no thread of the library outlives the queue's last descriptor
 * unless a callback does not return. */
#define CALLBACK_WAIT_MS 2000
static void notify_cancel(struct mqd *d)
{
	struct reg *r;

	for (;;) {
		AcquireSRWLockExclusive(&reg_lock);
		r = unlink_reg(d->h->id, 0);
		if (r != NULL)
			r->cancelled = 1;
		ReleaseSRWLockExclusive(&reg_lock);
		if (r == NULL)
			return;
		lock(d);
		if (d->h->notify_token == r->token) {
			d->h->notify_token = 0;
			d->h->notify_pid = 0;
		}
		unlock(d);
		SetEvent(r->event);
		if (WaitForSingleObject(r->thread, CALLBACK_WAIT_MS) != WAIT_OBJECT_0) {
			/* A callback still running (blocked, perhaps on this very queue) is left
			 * to finish on its own. */
			AcquireSRWLockExclusive(&reg_lock);
			r->orphan = !r->done;
			ReleaseSRWLockExclusive(&reg_lock);
			if (r->orphan)
				continue;
			WaitForSingleObject(r->thread, INFINITE);
		}
		free_reg(r);
	}
}

/* Is the registration in the header still someone's?  Its event lives as long as its
 * process holds it. */
static int registered(struct mq_head *h)
{
	wchar_t name[OBJECT_NAME_MAX];
	HANDLE e;

	if (h->notify_token == 0)
		return 0;
	notify_name(name, h->id, h->notify_token);
	e = OpenEventW(SYNCHRONIZE, FALSE, name);
	if (e != NULL) {
		CloseHandle(e);
		return 1;
	}
	if (GetLastError() == ERROR_ACCESS_DENIED)
		return 1;
	h->notify_token = 0;
	h->notify_pid = 0;
	return 0;
}

static struct reg *new_reg(struct mqd *d, const struct sigevent *sev)
{
	wchar_t name[OBJECT_NAME_MAX];
	struct reg *r = calloc(1, sizeof *r);
	struct pi_sa sa;

	if (r == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	r->id = d->h->id;
	r->token = new_id();
	r->notify = sev->sigev_notify;
	r->fn = sev->sigev_notify_function;
	r->value = sev->sigev_value;
	notify_name(name, r->id, r->token);
	if (object_sa(d->h->mode, &sa) < 0) {
		free(r);
		return NULL;
	}
	r->event = CreateEventW(&sa.sa, TRUE, FALSE, name);
	pi_sa_free(&sa);
	if (r->event == NULL) {
		pi_fail_win32(0);
		free(r);
		return NULL;
	}
	return r;
}

static int start_reg(struct reg *r)
{
	uintptr_t t;

	AcquireSRWLockExclusive(&reg_lock);
	r->next = regs;
	regs = r;
	/* Started under the lock, so the thread finds r listed with its handle set. */
	t = _beginthreadex(NULL, 0, notify_thread, r, 0, NULL);
	if (t == 0) {
		regs = r->next;
		ReleaseSRWLockExclusive(&reg_lock);
		return pi_fail(EAGAIN);
	}
	r->thread = (HANDLE)t;
	ReleaseSRWLockExclusive(&reg_lock);
	return 0;
}

static int notify_register(struct mqd *d, const struct sigevent *sev)
{
	struct mq_head *h = d->h;
	struct reg *r;
	int busy;

	if (sev->sigev_notify == SIGEV_THREAD && sev->sigev_notify_function == NULL)
		return pi_fail(EINVAL);
	r = new_reg(d, sev);
	if (r == NULL)
		return -1;
	lock(d);
	busy = registered(h);
	if (!busy) {
		h->notify_pid = GetCurrentProcessId();
		h->notify_token = r->token;
	}
	unlock(d);
	if (busy) {
		free_reg(r);
		return pi_fail(EBUSY);
	}
	if (start_reg(r) < 0) {
		lock(d);
		if (h->notify_token == r->token) {
			h->notify_token = 0;
			h->notify_pid = 0;
		}
		unlock(d);
		free_reg(r);
		return -1;
	}
	return 0;
}

/* SIGEV_SIGNAL is ENOTSUP: Windows has no signals to queue, and EINVAL would say the request
 * was malformed when it is only unsupported.  Other sigev_notify values are EINVAL. */
PI_EXPORT int posixipc_mq_notify(mqd_t mqdes, const struct sigevent *notification)
{
	struct mqd *d;
	int r = 0;

	/* Linux looks at the kind of notification before the descriptor. */
	if (notification != NULL && notification->sigev_notify != SIGEV_NONE &&
	    notification->sigev_notify != SIGEV_SIGNAL && notification->sigev_notify != SIGEV_THREAD)
		return pi_fail(EINVAL);
	if ((d = acquire(mqdes)) == NULL)
		return -1;
	if (notification == NULL) {
		/* Only the registered process removes the registration; others succeed as on
		 * Linux. */
		if (d->h->notify_pid == GetCurrentProcessId())
			notify_cancel(d);
	} else if (notification->sigev_notify == SIGEV_SIGNAL) {
		r = pi_fail(ENOTSUP);
	} else {
		r = notify_register(d, notification);
	}
	drop(d);
	return r;
}

PI_EXPORT int posixipc_mq_win32_path(const char *name, char *buf, size_t size)
{
	return pi_named_display_path("mq", name, buf, size);
}
