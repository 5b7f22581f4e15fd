/* The FIFO holder table: per FIFO, in memory shared by every process that has it open, who
 * holds which end of its pipe connection, and the lock that guards it.
 *
 * How end of file and EPIPE arise.  A FIFO is one Win32 pipe connection: all readers share
 * one end and all writers the other, each descriptor a HANDLE to that end (its own, or one
 * duplicated from another process).  Windows counts the open handles of each end, so when
 * the last writer's handle closes (by close(), _close(), or the death of its process) a read
 * on the other end fails with ERROR_BROKEN_PIPE, which is end of file, and when the last
 * reader's handle closes a write fails with ERROR_NO_DATA, which is EPIPE.  The table counts
 * nothing itself: it exists so that a new opener of a side finds a process holding that end
 * and duplicates its handle, joining the count, instead of making a second connection that
 * the other side would never read.  An entry therefore only has to say where a usable handle
 * may be found; entries whose process has ended, or whose descriptor the C runtime closed
 * behind the library's back, are dropped by the one iterator, pi_holders_next(), whenever
 * anyone walks the table, and a process's own such entries before it adds one.
 *
 * The table grows in segments of 64 KiB, each its own named section, which every process maps
 * when the entries in use first reach into it, so that a FIFO that few open costs one small
 * section.  (Under Wine 8.0 mapping, first touching and closing a section costs time in
 * proportion to its size, even for reserved pages: one section reserved for all
 * PI_HOLDERS_MAX entries, 3 MiB, cost about a millisecond per open, 64 KiB a few dozen
 * microseconds.  On Windows either is cheap.)  A segment lives while some process maps it:
 * one that every mapper has left holds no live entry, and comes back zeroed, empty. */
#include <io.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "internal.h"
#include "winapi.h"

#define SEGMENT 65536
#define FIRST (((size_t)SEGMENT - offsetof(struct pi_fifo_shared, holders)) / sizeof(struct pi_holder))
#define PER_SEGMENT ((size_t)SEGMENT / sizeof(struct pi_holder))

_Static_assert(FIRST + (PI_HOLDERS_SEGMENTS - 1) * PER_SEGMENT >= PI_HOLDERS_MAX,
	       "the segments hold PI_HOLDERS_MAX entries");

/* Map segment k.  The suffix names the layout, so two library versions never share one
 * table. */
static int map_segment(struct pi_holders *t, int k)
{
	wchar_t name[128];

	swprintf(name, 128, L"%lsposixipc.fifo.%hs.state.v4.%d", pi_object_namespace(), t->id, k);
	t->map[k] = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, SEGMENT, name);
	if (t->map[k] == NULL)
		return -1;
	t->seg[k] = MapViewOfFile(t->map[k], FILE_MAP_WRITE, 0, 0, 0);
	if (t->seg[k] == NULL) {
		CloseHandle(t->map[k]);
		t->map[k] = NULL;
		return -1;
	}
	t->nseg = k + 1;
	return 0;
}

static int segment_of(size_t i)
{
	return i < FIRST ? 0 : 1 + (int)((i - FIRST) / PER_SEGMENT);
}

/* Map the segments that hold entries [0, n). */
static int reach(struct pi_holders *t, size_t n)
{
	int need = n == 0 ? 1 : segment_of(n - 1) + 1;

	while (t->nseg < need)
		if (map_segment(t, t->nseg) < 0)
			return pi_fail(ENFILE);
	return 0;
}

static struct pi_holder *entry(struct pi_holders *t, size_t i)
{
	int k = segment_of(i);

	if (k == 0)
		return &t->st->holders[i];
	return (struct pi_holder *)t->seg[k] + (i - FIRST) % PER_SEGMENT;
}

int pi_holders_attach(struct pi_holders *t, const char *id)
{
	wchar_t name[128];

	snprintf(t->id, sizeof t->id, "%s", id);
	swprintf(name, 128, L"%lsposixipc.fifo.%hs.lock.v1", pi_object_namespace(), id);
	t->mutex = CreateMutexW(NULL, FALSE, name);
	if (t->mutex == NULL)
		return pi_fail_win32(0);
	if (map_segment(t, 0) < 0)
		return pi_fail_win32(0);
	t->st = t->seg[0];
	return 0;
}

void pi_holders_detach(struct pi_holders *t)
{
	int k;

	for (k = 0; k < t->nseg; k++) {
		UnmapViewOfFile(t->seg[k]);
		CloseHandle(t->map[k]);
	}
	if (t->mutex != NULL)
		CloseHandle(t->mutex);
	memset(t, 0, sizeof *t);
}

void pi_holders_lock(struct pi_holders *t)
{
	/* WAIT_ABANDONED: a holder died inside; entries are checked before use anyway. */
	WaitForSingleObject(t->mutex, INFINITE);
	t->nseen = 0;
}

void pi_holders_unlock(struct pi_holders *t)
{
	ReleaseMutex(t->mutex);
}

/* ------------------------------------------------------------------ processes */

static uint64_t process_created(HANDLE process)
{
	FILETIME c, e, k, u;

	if (!GetProcessTimes(process, &c, &e, &k, &u))
		return 0;
	return ((uint64_t)c.dwHighDateTime << 32) | c.dwLowDateTime;
}

static uint64_t self_created_time(void)
{
	static volatile LONG64 cached;

	if (cached == 0)
		InterlockedExchange64(&cached, (LONG64)process_created(GetCurrentProcess()));
	return (uint64_t)cached;
}

/* The holder's process, checked against process id reuse; NULL if it has gone or may not
 * be opened (*denied says which). */
static HANDLE holder_process(const struct pi_holder *ho, DWORD access, int *denied)
{
	HANDLE process;

	*denied = 0;
	if (ho->pid == GetCurrentProcessId())
		return GetCurrentProcess();
	process = OpenProcess(access | PROCESS_QUERY_LIMITED_INFORMATION, FALSE, ho->pid);
	if (process == NULL)
		*denied = GetLastError() == ERROR_ACCESS_DENIED;
	if (process != NULL && process_created(process) != ho->created) {
		CloseHandle(process);
		process = NULL;
	}
	return process;
}

static void close_process(HANDLE process)
{
	if (process != NULL && process != GetCurrentProcess())
		CloseHandle(process);
}

/* A process we may not open (elevated, or another user's) is taken to be alive.  Answers
 * are kept for one walk of the table (a few processes hold most entries). */
static int holder_alive(struct pi_holders *t, const struct pi_holder *ho)
{
	struct pi_seen *c;
	HANDLE process;
	int denied, i;

	if (ho->pid == GetCurrentProcessId())
		return 1;
	for (i = 0; i < t->nseen; i++)
		if (t->seen[i].pid == ho->pid && t->seen[i].created == ho->created)
			return t->seen[i].alive;
	/* A process that has ended can still be opened while anyone holds a handle to it. */
	process = holder_process(ho, SYNCHRONIZE, &denied);
	c = &t->seen[t->nseen < PI_SEEN_MAX ? t->nseen++ : (int)(ho->pid % PI_SEEN_MAX)];
	c->pid = ho->pid;
	c->created = ho->created;
	c->alive = process != NULL ? WaitForSingleObject(process, 0) == WAIT_TIMEOUT : denied;
	close_process(process);
	return c->alive;
}

/* ------------------------------------------------------------------ handles */

static int is_file_object(HANDLE h)
{
	union {
		PUBLIC_OBJECT_TYPE_INFORMATION info;
		char buf[512];
	} u;
	ULONG n;

	if (NtQueryObject(h, ObjectTypeInformation, &u, sizeof u, &n) < 0)
		return 0;
	return u.info.TypeName.Length == 4 * sizeof(wchar_t) &&
	       wcsncmp(u.info.TypeName.Buffer, L"File", 4) == 0;
}

/* Is h, duplicated from a holder, still the end it recorded?  A descriptor closed behind the
 * library's back in another process leaves an entry whose handle value may since name
 * something else.  Only the object manager is asked: a query that reached the pipe would
 * wait for any read or write in progress on it. */
static int is_holders_end(HANDLE h, const struct pi_holder *ho)
{
	return is_file_object(h) && pi_granted_access(h) == ho->access;
}

/* This process's entry for a descriptor that is no longer there: the C runtime closed it
 * (fclose, _close from code built without the headers) without telling the library. */
static int own_stale(const struct pi_holder *ho)
{
	return ho->pid == GetCurrentProcessId() && ho->fd >= 0 &&
	       (uint64_t)(uintptr_t)pi_fd_handle(ho->fd) != ho->handle;
}

HANDLE pi_holders_dup(const struct pi_holder *ho)
{
	int denied;
	HANDLE process = holder_process(ho, PROCESS_DUP_HANDLE, &denied), h = NULL;

	if (process == NULL)
		return NULL;
	if (!DuplicateHandle(process, (HANDLE)(uintptr_t)ho->handle, GetCurrentProcess(), &h, 0,
			     FALSE, DUPLICATE_SAME_ACCESS))
		h = NULL;
	close_process(process);
	if (h != NULL && !is_holders_end(h, ho)) {
		CloseHandle(h);
		h = NULL;
	}
	return h;
}

/* ------------------------------------------------------------------ the table */

static void clear(struct pi_holders *t, size_t i)
{
	struct pi_fifo_shared *st = t->st;

	ZeroMemory(entry(t, i), sizeof(struct pi_holder));
	while (st->used > 0 && entry(t, (size_t)st->used - 1)->pid == 0)
		st->used--;
}

struct pi_holder *pi_holders_next(struct pi_holders *t, size_t *i)
{
	struct pi_fifo_shared *st = t->st;
	struct pi_holder *ho;

	if (*i == 0) {
		t->nseen = 0;
		t->free = (size_t)-1;
	}
	if (reach(t, (size_t)st->used) < 0)
		return NULL;
	for (; *i < (size_t)st->used; ++*i) {
		ho = entry(t, *i);
		if (ho->pid != 0 && (own_stale(ho) || !holder_alive(t, ho)))
			clear(t, *i);
		if (ho->pid != 0)
			return entry(t, (*i)++);
		if (t->free == (size_t)-1)
			t->free = *i;
	}
	return NULL;
}

/* A free slot, after a walk of the whole table has dropped what dead processes and this
 * process's closed descriptors left: an empty one, else a new one at the end. */
static struct pi_holder *free_slot(struct pi_holders *t)
{
	struct pi_fifo_shared *st = t->st;
	size_t i = 0;

	while (pi_holders_next(t, &i) != NULL)
		;
	if (t->free < (size_t)st->used)
		return entry(t, t->free);
	if (st->used == PI_HOLDERS_MAX) {
		pi_fail(ENFILE);
		return NULL;
	}
	if (reach(t, (size_t)st->used + 1) < 0)
		return NULL;
	return entry(t, (size_t)st->used++);
}

int pi_holders_add(struct pi_holders *t, HANDLE h, int fd, int side, int server, uint64_t gen)
{
	struct pi_holder *ho = free_slot(t);

	if (ho == NULL)
		return -1;
	ho->side = (DWORD)side;
	ho->server = (DWORD)server;
	ho->access = pi_granted_access(h);
	ho->fd = fd;
	ho->created = self_created_time();
	ho->handle = (uint64_t)(uintptr_t)h;
	ho->gen = gen;
	ho->pid = GetCurrentProcessId();
	return 0;
}

/* This process's entry for h: found by the walk, which never drops an entry of ours whose
 * descriptor is still there. */
static struct pi_holder *own_entry(struct pi_holders *t, HANDLE h, size_t *at)
{
	struct pi_holder *ho;
	size_t i = 0;

	while ((ho = pi_holders_next(t, &i)) != NULL)
		if (ho->pid == GetCurrentProcessId() && ho->handle == (uint64_t)(uintptr_t)h) {
			*at = i - 1;
			return ho;
		}
	return NULL;
}

void pi_holders_set_fd(struct pi_holders *t, HANDLE h, int fd)
{
	size_t i;
	struct pi_holder *ho = own_entry(t, h, &i);

	if (ho != NULL)
		ho->fd = fd;
}

void pi_holders_remove(struct pi_holders *t, HANDLE h)
{
	size_t i;

	if (own_entry(t, h, &i) != NULL)
		clear(t, i);
}

int pi_holders_other_process(struct pi_holders *t, int side)
{
	struct pi_holder *ho;
	size_t i = 0;

	while ((ho = pi_holders_next(t, &i)) != NULL)
		if (ho->pid != GetCurrentProcessId() && (side == 0 || ho->side == (DWORD)side))
			return 1;
	return 0;
}
