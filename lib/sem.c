/* POSIX semaphores on Win32 semaphores.  Named ones (sem_open) keep their identity and value
 * in a backing file between users; unnamed ones (sem_init) are private to a process, or
 * shared through memory by a random id that names the Win32 object. */
#include <io.h>
#include <semaphore.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "internal.h"

#include <posixipc.h>

/* Not in mingw-w64's headers: the right to read a semaphore's count, and the call that
 * reads it (ntdll, documented in the Windows driver kit). */
#ifndef SEMAPHORE_QUERY_STATE
#define SEMAPHORE_QUERY_STATE 0x0001
#endif

struct semaphore_basic_information {
	LONG current;
	LONG maximum;
};

LONG NTAPI NtQuerySemaphore(HANDLE semaphore, int info_class, PVOID info, ULONG size,
			    PULONG returned);
ULONG NTAPI RtlNtStatusToDosError(LONG status);

/* SetFileInformationByHandle's FileDispositionInfoEx (Windows 10 1607), which mingw-w64
 * declares only for _WIN32_WINNT >= 0x0A000002. */
#define DISPOSITION_INFO_EX ((FILE_INFO_BY_HANDLE_CLASS)21)
#define DISPOSITION_DELETE 0x1
#define DISPOSITION_POSIX_SEMANTICS 0x2

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
};

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
	struct semaphore_basic_information info;
	LONG status;

	status = NtQuerySemaphore(h, 0 /* SemaphoreBasicInformation */, &info, sizeof info, NULL);
	if (status < 0)
		return sem_error(RtlNtStatusToDosError(status));
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

/* The deadline in ns, saturated: seconds beyond what 64 bits of ns hold wait forever. */
int64_t pi_deadline_ns(const struct timespec *ts)
{
	if ((int64_t)ts->tv_sec >= INT64_MAX / NSEC - 1)
		return INT64_MAX;
	if ((int64_t)ts->tv_sec <= INT64_MIN / NSEC + 1)
		return INT64_MIN;
	return (int64_t)ts->tv_sec * NSEC + ts->tv_nsec;
}

/* Wait until the clock has really passed the deadline: Win32 timeouts are in milliseconds
 * and may end a little before a finer clock reaches the deadline. */
static int wait_until(HANDLE h, clockid_t clock, const struct timespec *abstime)
{
	int64_t deadline, now, left;
	DWORD r, ms;

	r = WaitForSingleObject(h, 0);
	if (r != WAIT_TIMEOUT)
		return wait_result(r, EAGAIN);
	/* POSIX checks the timeout only when the call would block. */
	if (abstime == NULL || abstime->tv_nsec < 0 || abstime->tv_nsec >= NSEC)
		return pi_fail(EINVAL);
	deadline = pi_deadline_ns(abstime);
	for (;;) {
		now = pi_clock_ns(clock);
		if (now >= deadline)
			return pi_fail(ETIMEDOUT);
		left = deadline - now;
		if (left >= (int64_t)(INFINITE - 1) * 1000000)
			ms = INFINITE - 1;
		else
			ms = (DWORD)((left + 999999) / 1000000);
		r = WaitForSingleObject(h, ms);
		if (r != WAIT_TIMEOUT)
			return wait_result(r, ETIMEDOUT);
	}
}

/* ---------------------------------------------------------------- pshared semaphores */

/* Each process opens a pshared semaphore's Win32 object on first use and keeps the handle
 * here, by id.  Open addressing; ids are random, so the low bits are the hash. */
struct slot {
	uint64_t id; /* 0: empty, ~0: removed */
	HANDLE h;
};

#define SLOT_REMOVED (~(uint64_t)0)

static SRWLOCK shared_lock = SRWLOCK_INIT;
static struct slot *slots;
static size_t slot_count, slots_used;

static struct slot *find_slot(uint64_t id)
{
	size_t i, mask = slot_count - 1;

	if (slot_count == 0)
		return NULL;
	for (i = (size_t)id & mask; slots[i].id != 0; i = (i + 1) & mask)
		if (slots[i].id == id)
			return &slots[i];
	return NULL;
}

static void put_slot(struct slot *table, size_t count, uint64_t id, HANDLE h)
{
	size_t i, mask = count - 1;

	for (i = (size_t)id & mask; table[i].id != 0 && table[i].id != SLOT_REMOVED;
	     i = (i + 1) & mask)
		;
	table[i].id = id;
	table[i].h = h;
}

/* Keep the table at most half full (removed slots count as full until a rehash). */
static int grow_slots(void)
{
	size_t count = slot_count ? slot_count : 16, i, live = 0;
	struct slot *table;

	for (i = 0; i < slot_count; i++)
		if (slots[i].id != 0 && slots[i].id != SLOT_REMOVED)
			live++;
	while ((live + 1) * 2 > count)
		count *= 2;
	table = calloc(count, sizeof *table);
	if (table == NULL)
		return pi_fail(ENOMEM);
	for (i = 0; i < slot_count; i++)
		if (slots[i].id != 0 && slots[i].id != SLOT_REMOVED)
			put_slot(table, count, slots[i].id, slots[i].h);
	free(slots);
	slots = table;
	slot_count = count;
	slots_used = live;
	return 0;
}

/* Caller holds shared_lock exclusively. */
static int add_slot(uint64_t id, HANDLE h)
{
	if ((slots_used + 1) * 2 > slot_count && grow_slots() < 0)
		return -1;
	put_slot(slots, slot_count, id, h);
	slots_used++;
	return 0;
}

static HANDLE open_shared(uint64_t id)
{
	wchar_t name[OBJECT_NAME_MAX];
	HANDLE h;

	object_name(name, id, L"");
	h = OpenSemaphoreW(SEM_ACCESS, FALSE, name);
	if (h == NULL) {
		/* Gone: destroyed, or every process that used it has ended. */
		if (GetLastError() == ERROR_FILE_NOT_FOUND)
			pi_fail(EINVAL);
		else
			pi_fail_win32(0);
	}
	return h;
}

static HANDLE shared_handle(uint64_t id)
{
	struct slot *s;
	HANDLE h = NULL;

	AcquireSRWLockShared(&shared_lock);
	s = find_slot(id);
	if (s != NULL)
		h = s->h;
	ReleaseSRWLockShared(&shared_lock);
	if (h != NULL)
		return h;
	AcquireSRWLockExclusive(&shared_lock);
	s = find_slot(id);
	if (s != NULL) {
		h = s->h;
	} else {
		h = open_shared(id);
		if (h != NULL && add_slot(id, h) < 0) {
			CloseHandle(h);
			h = NULL;
		}
	}
	ReleaseSRWLockExclusive(&shared_lock);
	return h;
}

static HANDLE take_shared(uint64_t id)
{
	struct slot *s;
	HANDLE h = NULL;

	AcquireSRWLockExclusive(&shared_lock);
	s = find_slot(id);
	if (s != NULL) {
		h = s->h;
		s->id = SLOT_REMOVED;
		s->h = NULL;
	}
	ReleaseSRWLockExclusive(&shared_lock);
	return h;
}

/* A new Win32 semaphore under a fresh id.  Default security: the user's own processes (and
 * SYSTEM) may open it, as they may map the memory the sem_t lives in. */
static int init_shared(sem_t *sem, unsigned int value)
{
	wchar_t name[OBJECT_NAME_MAX];
	uint64_t id;
	HANDLE h;
	int tries;

	for (tries = 0; tries < 8; tries++) {
		id = new_id();
		object_name(name, id, L"");
		h = CreateSemaphoreExW(NULL, (LONG)value, SEM_VALUE_MAX, name, 0, SEM_ACCESS);
		if (h == NULL)
			return pi_fail_win32(0);
		if (GetLastError() != ERROR_ALREADY_EXISTS)
			break;
		CloseHandle(h);
		h = NULL;
	}
	if (h == NULL)
		return pi_fail(EAGAIN);
	AcquireSRWLockExclusive(&shared_lock);
	if (add_slot(id, h) < 0) {
		ReleaseSRWLockExclusive(&shared_lock);
		CloseHandle(h);
		return -1;
	}
	ReleaseSRWLockExclusive(&shared_lock);
	sem->__kind = KIND_SHARED;
	sem->__id = id;
	sem->__handle = NULL;
	sem->__priv = NULL;
	MemoryBarrier();
	sem->__magic = SEM_MAGIC;
	return 0;
}

/* ---------------------------------------------------------------- the hot path */

/* A named semaphore's count follows into its backing file (see struct sem_file): __priv
 * points at the mapped value, and is NULL for unnamed semaphores. */
static inline void count_post(sem_t *sem)
{
	if (sem->__priv != NULL)
		InterlockedIncrement(sem->__priv);
}

static inline int count_wait(sem_t *sem, int r)
{
	if (r == 0 && sem->__priv != NULL)
		InterlockedDecrement(sem->__priv);
	return r;
}

/* One check and, for pshared semaphores only, a shared-lock table lookup.  NULL: errno. */
static inline HANDLE sem_handle(sem_t *sem)
{
	if (sem == NULL || sem->__magic != SEM_MAGIC) {
		errno = EINVAL;
		return NULL;
	}
	if (sem->__kind == KIND_SHARED)
		return shared_handle(sem->__id);
	return sem->__handle;
}

PI_EXPORT int posixipc_sem_post(sem_t *sem)
{
	HANDLE h = sem_handle(sem);

	if (h == NULL)
		return -1;
	if (!ReleaseSemaphore(h, 1, NULL))
		return sem_error(GetLastError()); /* ERROR_TOO_MANY_POSTS: EOVERFLOW */
	count_post(sem);
	return 0;
}

PI_EXPORT int posixipc_sem_wait(sem_t *sem)
{
	HANDLE h = sem_handle(sem);

	if (h == NULL)
		return -1;
	return count_wait(sem, wait_result(WaitForSingleObject(h, INFINITE), EAGAIN));
}

PI_EXPORT int posixipc_sem_trywait(sem_t *sem)
{
	HANDLE h = sem_handle(sem);

	if (h == NULL)
		return -1;
	return count_wait(sem, wait_result(WaitForSingleObject(h, 0), EAGAIN));
}

PI_EXPORT int posixipc_sem_timedwait(sem_t *sem, const struct timespec *abstime)
{
	HANDLE h = sem_handle(sem);

	if (h == NULL)
		return -1;
	return count_wait(sem, wait_until(h, CLOCK_REALTIME, abstime));
}

PI_EXPORT int posixipc_sem_clockwait(sem_t *sem, clockid_t clock, const struct timespec *abstime)
{
	HANDLE h;

	if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC)
		return pi_fail(EINVAL);
	h = sem_handle(sem);
	if (h == NULL)
		return -1;
	return count_wait(sem, wait_until(h, clock, abstime));
}

PI_EXPORT int posixipc_sem_getvalue(sem_t *sem, int *value)
{
	HANDLE h = sem_handle(sem);

	if (h == NULL)
		return -1;
	if (value == NULL)
		return pi_fail(EINVAL);
	return query_value(h, value);
}

/* ---------------------------------------------------------------- unnamed semaphores */

PI_EXPORT int posixipc_sem_init(sem_t *sem, int pshared, unsigned int value)
{
	HANDLE h;

	if (sem == NULL || value > SEM_VALUE_MAX)
		return pi_fail(EINVAL);
	if (pshared)
		return init_shared(sem, value);
	h = CreateSemaphoreW(NULL, (LONG)value, SEM_VALUE_MAX, NULL);
	if (h == NULL)
		return pi_fail_win32(0);
	sem->__kind = KIND_PRIVATE;
	sem->__id = 0;
	sem->__handle = h;
	sem->__priv = NULL;
	sem->__magic = SEM_MAGIC;
	return 0;
}

PI_EXPORT int posixipc_sem_destroy(sem_t *sem)
{
	HANDLE h;

	if (sem == NULL || sem->__magic != SEM_MAGIC || sem->__kind == KIND_NAMED)
		return pi_fail(EINVAL);
	if (sem->__kind == KIND_SHARED) {
		/* Other processes may still hold the object; they see the cleared magic. */
		h = take_shared(sem->__id);
	} else {
		h = sem->__handle;
		sem->__handle = NULL;
	}
	sem->__magic = 0;
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

static int write_file_at(HANDLE file, DWORD offset, const void *buf, DWORD size)
{
	OVERLAPPED ov;
	DWORD n = 0;

	memset(&ov, 0, sizeof ov);
	ov.Offset = offset;
	if (!WriteFile(file, buf, size, &n, &ov))
		return pi_fail_win32(0);
	return n == size ? 0 : pi_fail(EIO);
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

/* "<folder of path>\~<what>.<16 hex digits>": the '~' keeps it from decoding as a name. */
static wchar_t *aside_path(const wchar_t *path, const wchar_t *what)
{
	const wchar_t *slash = wcsrchr(path, L'\\');
	size_t dir = (size_t)(slash - path), n;
	wchar_t hex[17], *out;

	hex16(hex, new_id());
	n = dir + wcslen(what) + wcslen(hex) + 4;
	out = malloc(n * sizeof *out);
	if (out == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	wmemcpy(out, path, dir);
	swprintf(out + dir, n - dir, L"\\~%ls.%ls", what, hex);
	return out;
}

/* Rename the file open as h (with DELETE access) to path, never replacing a file there. */
int pi_rename_noreplace(HANDLE h, const wchar_t *path)
{
	size_t len = wcslen(path), size = sizeof(FILE_RENAME_INFO) + len * sizeof(wchar_t);
	FILE_RENAME_INFO *info = calloc(1, size);
	DWORD err;

	if (info == NULL)
		return pi_fail(ENOMEM);
	info->ReplaceIfExists = FALSE;
	info->RootDirectory = NULL;
	info->FileNameLength = (DWORD)(len * sizeof(wchar_t));
	wmemcpy(info->FileName, path, len + 1);
	if (SetFileInformationByHandle(h, FileRenameInfo, info, (DWORD)size)) {
		free(info);
		return 0;
	}
	err = GetLastError();
	free(info);
	if (err == ERROR_ALREADY_EXISTS || err == ERROR_FILE_EXISTS)
		return pi_fail(EEXIST);
	return pi_fail_win32(err);
}

static int delete_handle(HANDLE h)
{
	FILE_DISPOSITION_INFO info = { TRUE };

	if (!SetFileInformationByHandle(h, FileDispositionInfo, &info, sizeof info))
		return pi_fail_win32(0);
	return 0;
}

/* Free the name at once, even while processes hold the file open: POSIX deletion where
 * the file system has it, else a rename to a hidden name before the delete. */
static int remove_name(HANDLE h, const wchar_t *path)
{
	DWORD flags = DISPOSITION_DELETE | DISPOSITION_POSIX_SEMANTICS;
	wchar_t *aside;
	int r;

	/* Wine 8.0 rejects FileDispositionInfoEx (ERROR_INVALID_PARAMETER), as do Windows
	 * before 10 1607 and file systems other than NTFS; those take the rename. */
	if (SetFileInformationByHandle(h, DISPOSITION_INFO_EX, &flags, sizeof flags))
		return 0;
	aside = aside_path(path, L"unlinked");
	if (aside == NULL)
		return -1;
	r = pi_rename_noreplace(h, aside);
	free(aside);
	if (r < 0)
		return -1;
	delete_handle(h);
	return 0;
}

/* Where the file is mapped, which every process holding the semaphore does, remove_name
 * renames it aside, but Windows without POSIX deletion and Wine 8.0 refuse to mark it for
 * deletion (STATUS_CANNOT_DELETE).  The last process to unmap it deletes it in sem_close;
 * after holders that ended without sem_close, the next sem_unlink in the folder does. */
#define UNLINKED L"~unlinked." /* the aside name remove_name gives */

static int is_unlinked(const wchar_t *name)
{
	return wcsncmp(name, UNLINKED, wcslen(UNLINKED)) == 0;
}

/* Is the file open as file no longer the one under path?  Wine keeps the name a handle was
 * opened with through renames made by other handles, so the file is compared, not names. */
static int renamed_away(HANDLE file, const wchar_t *path)
{
	BY_HANDLE_FILE_INFORMATION a, b;
	HANDLE h = CreateFileW(path, 0, SHARE_ALL, NULL, OPEN_EXISTING, 0, NULL);
	DWORD err;
	int away;

	if (h == INVALID_HANDLE_VALUE) {
		err = GetLastError();
		return err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND;
	}
	away = GetFileInformationByHandle(file, &a) && GetFileInformationByHandle(h, &b) &&
	       (a.dwVolumeSerialNumber != b.dwVolumeSerialNumber ||
		a.nFileIndexHigh != b.nFileIndexHigh || a.nFileIndexLow != b.nFileIndexLow);
	CloseHandle(h);
	return away;
}

/* Delete the files in path's folder that unlinks left behind.  Deleting one that a
 * process still has open but not mapped is what its unlink meant to do. */
static void sweep_unlinked(const wchar_t *path)
{
	size_t dir = (size_t)(wcsrchr(path, L'\\') - path) + 1;
	wchar_t *full = malloc((dir + MAX_PATH + 1) * sizeof *full);
	WIN32_FIND_DATAW data;
	HANDLE find, h;

	if (full == NULL)
		return;
	wmemcpy(full, path, dir);
	wcscpy(full + dir, UNLINKED L"*");
	find = FindFirstFileExW(full, FindExInfoBasic, &data, FindExSearchNameMatch, NULL, 0);
	if (find != INVALID_HANDLE_VALUE) {
		do {
			/* The pattern also matches 8.3 short names. */
			if (!is_unlinked(data.cFileName))
				continue;
			wcscpy(full + dir, data.cFileName);
			h = CreateFileW(full, DELETE, SHARE_ALL, NULL, OPEN_EXISTING,
					FILE_ATTRIBUTE_NORMAL, NULL);
			if (h != INVALID_HANDLE_VALUE) {
				delete_handle(h);
				CloseHandle(h);
			}
		} while (FindNextFileW(find, &data));
		FindClose(find);
	}
	free(full);
}

/* Called with this process's view unmapped.  An unlink renames before it tries to delete,
 * so either it finds the view gone or this finds the rename; another holder's view refuses,
 * and its own close tries again.  The file is deleted through a handle opened under its
 * new name: Wine deletes the name the handle that asks was opened with. */
static void delete_if_unlinked(HANDLE file, const wchar_t *path)
{
	if (renamed_away(file, path))
		sweep_unlinked(path);
}

/* A complete file appears under the name at once (written aside, then renamed without
 * replacing), so a concurrent opener never reads a half-written record.  EEXIST if the
 * name is taken. */
static HANDLE create_backing(const wchar_t *path, mode_t mode, unsigned int value,
			     struct sem_file *rec)
{
	wchar_t *tmp = aside_path(path, L"new");
	struct pi_sa sa;
	HANDLE file;

	if (tmp == NULL)
		return INVALID_HANDLE_VALUE;
	if (pi_sa_from_mode(mode, FILE_GENERIC_READ, FILE_GENERIC_WRITE, &sa) < 0) {
		free(tmp);
		return INVALID_HANDLE_VALUE;
	}
	/* The creator gets the access it asks for whatever the new file's DACL says. */
	file = CreateFileW(tmp, GENERIC_READ | GENERIC_WRITE | DELETE, SHARE_ALL, &sa.sa,
			   CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL);
	pi_sa_free(&sa);
	free(tmp);
	if (file == INVALID_HANDLE_VALUE) {
		pi_fail_win32(0);
		return INVALID_HANDLE_VALUE;
	}
	memset(rec, 0, sizeof *rec);
	rec->magic = FILE_MAGIC;
	rec->mode = mode & 0777;
	rec->id = new_id();
	rec->value = (LONG)value;
	if (write_file_at(file, 0, rec, sizeof *rec) < 0 || pi_rename_noreplace(file, path) < 0) {
		int e = errno;

		delete_handle(file);
		CloseHandle(file);
		errno = e;
		return INVALID_HANDLE_VALUE;
	}
	return file;
}

static HANDLE open_backing(const wchar_t *path, DWORD access, struct sem_file *rec)
{
	HANDLE file = CreateFileW(path, access, SHARE_ALL, NULL, OPEN_EXISTING,
				  FILE_ATTRIBUTE_NORMAL, NULL);

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
	if ((oflag & O_CREAT) && value > SEM_VALUE_MAX) {
		errno = EINVAL;
		return SEM_FAILED;
	}
	AcquireSRWLockExclusive(&named_lock);
	sem = open_named(encoded, oflag, mode, value);
	ReleaseSRWLockExclusive(&named_lock);
	return sem;
}

PI_EXPORT int posixipc_sem_close(sem_t *sem)
{
	struct named **p, *n;
	HANDLE lock;

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
	/* Without the lock (out of resources) the count is still saved, with a small risk of
	 * racing an opener in another process. */
	lock = lock_id(n->sem.__id, n->mode, INFINITE);
	save_value(n);
	CloseHandle(n->sem.__handle);
	if (lock != NULL)
		unlock_id(lock);
	ReleaseSRWLockExclusive(&named_lock);
	UnmapViewOfFile(n->view);
	delete_if_unlinked(n->file, n->path);
	CloseHandle(n->file);
	n->sem.__magic = 0;
	free(n->path);
	free(n);
	return 0;
}

PI_EXPORT int posixipc_sem_unlink(const char *name)
{
	char encoded[PI_ENCODED_MAX + 1];
	wchar_t *path;
	HANDLE file;
	int r;

	if (pi_name_encode(name, encoded, sizeof encoded) < 0)
		return -1;
	path = pi_object_path("sem", encoded);
	if (path == NULL)
		return -1;
	file = CreateFileW(path, DELETE, SHARE_ALL, NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL,
			   NULL);
	if (file == INVALID_HANDLE_VALUE) {
		free(path);
		return pi_fail_win32(0);
	}
	r = remove_name(file, path);
	CloseHandle(file);
	if (r == 0)
		sweep_unlinked(path);
	free(path);
	return r;
}

PI_EXPORT int posixipc_sem_win32_name(const char *name, char *buf, size_t size)
{
	char encoded[PI_ENCODED_MAX + 1];
	wchar_t object[OBJECT_NAME_MAX], *path;
	struct sem_file rec;
	HANDLE file;

	if (buf == NULL || size == 0)
		return pi_fail(EINVAL);
	if (pi_name_encode(name, encoded, sizeof encoded) < 0)
		return -1;
	path = pi_object_path("sem", encoded);
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
