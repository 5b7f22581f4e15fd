/* Semaphores: sem_open/sem_close/sem_unlink lifetime and persistence, values and waits with
 * their deadlines, unnamed semaphores between threads and (pshared) processes, the Win32
 * object behind a named semaphore, and open/close under concurrency.  <pthread.h> comes
 * first on purpose: the two headers must coexist in that order. */
#include <pthread.h>
#include <semaphore.h>

#include <aclapi.h>
#include <errno.h>
#include <fcntl.h>
#include <posixipc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

#define MAP_SIZE 4096
#define HELPER_MS 20000

static char objects[MAX_PATH];
static char name[64];

/* A fresh objects folder per test, so that what it counts is its own. */
static void setup(void)
{
	tu_objects_private(objects, sizeof objects);
	tu_name(name, sizeof name, "sem");
}

static void teardown(void)
{
	tu_objects_restore();
}

/* The clocks as winpthreads' clock_gettime reads them.  The tests cannot call clock_gettime
 * itself: Check's compatibility library, linked into them, brings a stand-in clock_gettime
 * that always reports 0 on mingw and takes precedence over winpthreads'. */
static void read_clock(clockid_t clock, struct timespec *ts)
{
	LARGE_INTEGER count, freq;
	ULARGE_INTEGER t;
	FILETIME ft;

	if (clock == CLOCK_MONOTONIC) {
		QueryPerformanceCounter(&count);
		QueryPerformanceFrequency(&freq);
		ts->tv_sec = (time_t)(count.QuadPart / freq.QuadPart);
		ts->tv_nsec = (long)(count.QuadPart % freq.QuadPart * 1000000000LL / freq.QuadPart);
		return;
	}
	GetSystemTimePreciseAsFileTime(&ft);
	t.LowPart = ft.dwLowDateTime;
	t.HighPart = ft.dwHighDateTime;
	t.QuadPart -= 116444736000000000ULL; /* 1601 to 1970, in 100 ns */
	ts->tv_sec = (time_t)(t.QuadPart / 10000000);
	ts->tv_nsec = (long)(t.QuadPart % 10000000) * 100;
}

static struct timespec from_now(clockid_t clock, long ms)
{
	struct timespec ts;

	read_clock(clock, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

static int64_t ts_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

static int run_helper(const char *args)
{
	return tu_wait(tu_spawn("sem_helper", args), HELPER_MS);
}

/* ---------------------------------------------------------------- coexistence */

static void *ping(void *arg)
{
	sem_t **s = arg;
	int i;

	for (i = 0; i < 100; i++) {
		if (sem_wait(s[0]) != 0 || sem_post(s[1]) != 0)
			return (void *)1;
	}
	return NULL;
}

START_TEST(sem_header_after_pthread_serves_pthread_threads)
{
	sem_t unnamed, *named, *pair[2];
	pthread_t t;
	void *ret = (void *)2;
	int i;

	/* winpthreads' sem_t is a pointer; this library's is its own 40-byte type. */
	ck_assert_uint_eq(sizeof(sem_t), 40);
	ck_assert_int_eq(sem_init(&unnamed, 0, 0), 0);
	named = sem_open(name, O_CREAT | O_EXCL, 0600, 0);
	ck_assert_ptr_ne(named, SEM_FAILED);
	pair[0] = &unnamed;
	pair[1] = named;
	ck_assert_int_eq(pthread_create(&t, NULL, ping, pair), 0);
	for (i = 0; i < 100; i++) {
		ck_assert_int_eq(sem_post(&unnamed), 0);
		ck_assert_int_eq(sem_wait(named), 0);
	}
	ck_assert_int_eq(pthread_join(t, &ret), 0);
	ck_assert_ptr_null(ret);
	ck_assert_int_eq(tu_sem_value(&unnamed), 0);
	ck_assert_int_eq(tu_sem_value(named), 0);
	ck_assert_int_eq(sem_destroy(&unnamed), 0);
	ck_assert_int_eq(sem_close(named), 0);
	ck_assert_int_eq(sem_unlink(name), 0);
}
END_TEST

/* ---------------------------------------------------------------- sem_open */

START_TEST(sem_open_creates_with_initial_value)
{
	sem_t *sem = sem_open(name, O_CREAT, 0600, 3);

	ck_assert_ptr_ne(sem, SEM_FAILED);
	ck_assert_int_eq(tu_sem_value(sem), 3);
	ck_assert_int_eq(sem_close(sem), 0);
	ck_assert_int_eq(sem_unlink(name), 0);
}
END_TEST

START_TEST(sem_open_excl_on_existing_fails_eexist)
{
	sem_t *sem = sem_open(name, O_CREAT | O_EXCL, 0600, 1);

	ck_assert_ptr_ne(sem, SEM_FAILED);
	errno = 0;
	ck_assert_ptr_eq(sem_open(name, O_CREAT | O_EXCL, 0600, 1), SEM_FAILED);
	ck_assert_int_eq(errno, EEXIST);
	ck_assert_int_eq(sem_close(sem), 0);
	ck_assert_int_eq(sem_unlink(name), 0);
}
END_TEST

START_TEST(sem_open_creat_on_existing_ignores_value)
{
	sem_t *a = sem_open(name, O_CREAT, 0600, 2), *b;

	ck_assert_ptr_ne(a, SEM_FAILED);
	b = sem_open(name, O_CREAT, 0600, 9);
	ck_assert_ptr_eq(b, a);
	ck_assert_int_eq(tu_sem_value(b), 2);
	ck_assert_int_eq(sem_close(b), 0);
	ck_assert_int_eq(sem_close(a), 0);
	ck_assert_int_eq(sem_unlink(name), 0);
}
END_TEST

START_TEST(sem_open_missing_without_creat_fails_enoent)
{
	errno = 0;
	ck_assert_ptr_eq(sem_open(name, 0), SEM_FAILED);
	ck_assert_int_eq(errno, ENOENT);
	errno = 0;
	ck_assert_ptr_eq(sem_open(name, O_EXCL), SEM_FAILED);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

/* EINVAL when the call would create the semaphore; one that exists is opened whatever value
 * came with O_CREAT, as glibc does (O_EXCL always means creating). */
START_TEST(sem_open_value_above_max_fails_einval_only_when_creating)
{
	sem_t *s, *t;

	errno = 0;
	ck_assert_ptr_eq(sem_open(name, O_CREAT, 0600, (unsigned int)SEM_VALUE_MAX + 1u),
			 SEM_FAILED);
	ck_assert_int_eq(errno, EINVAL);
	/* Nothing was created. */
	errno = 0;
	ck_assert_ptr_eq(sem_open(name, 0), SEM_FAILED);
	ck_assert_int_eq(errno, ENOENT);
	s = sem_open(name, O_CREAT, 0600, 3);
	ck_assert_ptr_ne(s, SEM_FAILED);
	t = sem_open(name, O_CREAT, 0600, (unsigned int)SEM_VALUE_MAX + 1u);
	ck_assert_ptr_eq(t, s);
	ck_assert_int_eq(tu_sem_value(t), 3);
	errno = 0;
	ck_assert_ptr_eq(sem_open(name, O_CREAT | O_EXCL, 0600, (unsigned int)SEM_VALUE_MAX + 1u),
			 SEM_FAILED);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(sem_close(t), 0);
	ck_assert_int_eq(sem_close(s), 0);
	ck_assert_int_eq(sem_unlink(name), 0);
}
END_TEST

/* EINVAL to open, ENOENT to unlink, as glibc; "//x" is "/x". */
START_TEST(sem_open_rejects_bad_names)
{
	static const char *const bad[] = { "", "/", "/a/b", "a/b", "/.", "/.." };
	char longname[300], twice[80];
	sem_t *a, *b;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		errno = 0;
		ck_assert_ptr_eq(sem_open(bad[i], O_CREAT, 0600, 0), SEM_FAILED);
		ck_assert_msg(errno == EINVAL, "\"%s\": errno %d", bad[i], errno);
		errno = 0;
		ck_assert_int_eq(sem_unlink(bad[i]), -1);
		ck_assert_msg(errno == ENOENT, "unlink \"%s\": errno %d", bad[i], errno);
	}
	snprintf(twice, sizeof twice, "/%s", name);
	a = sem_open(name, O_CREAT, 0600, 0);
	ck_assert_ptr_ne(a, SEM_FAILED);
	b = sem_open(twice, 0);
	ck_assert_ptr_eq(b, a);
	ck_assert_int_eq(sem_close(b), 0);
	ck_assert_int_eq(sem_close(a), 0);
	ck_assert_int_eq(sem_unlink(twice), 0);
	longname[0] = '/';
	memset(longname + 1, 'x', 256);
	longname[257] = '\0';
	errno = 0;
	ck_assert_ptr_eq(sem_open(longname, O_CREAT, 0600, 0), SEM_FAILED);
	ck_assert_int_eq(errno, ENAMETOOLONG);
	errno = 0;
	ck_assert_int_eq(sem_unlink(longname), -1);
	ck_assert_int_eq(errno, ENAMETOOLONG);
}
END_TEST

/* O_CREAT opens or creates, whatever an unlink in another thread is doing to the name at
 * that moment: never EACCES. */
static volatile LONG unlink_race_stop;

struct opener {
	volatile LONG opens, fails, last;
};

static DWORD WINAPI unlinker(LPVOID arg)
{
	while (!unlink_race_stop)
		sem_unlink((const char *)arg);
	return 0;
}

static DWORD WINAPI opener(LPVOID arg)
{
	struct opener *o = arg;
	sem_t *s;

	while (!unlink_race_stop) {
		s = sem_open(name, O_CREAT, 0600, 1);
		if (s == SEM_FAILED) {
			InterlockedIncrement(&o->fails);
			InterlockedExchange(&o->last, errno);
			continue;
		}
		InterlockedIncrement(&o->opens);
		sem_close(s);
	}
	return 0;
}

START_TEST(sem_open_creat_racing_unlink_opens_or_creates)
{
	struct opener o = { 0, 0, 0 };
	HANDLE t[3];
	int i;

	unlink_race_stop = 0;
	t[0] = CreateThread(NULL, 0, unlinker, name, 0, NULL);
	t[1] = CreateThread(NULL, 0, opener, &o, 0, NULL);
	t[2] = CreateThread(NULL, 0, opener, &o, 0, NULL);
	for (i = 0; i < 3; i++)
		ck_assert_ptr_nonnull(t[i]);
	Sleep(6000);
	InterlockedExchange(&unlink_race_stop, 1);
	ck_assert_int_eq(WaitForMultipleObjects(3, t, TRUE, 30000), WAIT_OBJECT_0);
	for (i = 0; i < 3; i++)
		CloseHandle(t[i]);
	sem_unlink(name);
	ck_assert_msg(o.fails == 0, "%ld of %ld opens failed, last errno %ld", o.fails,
		      o.opens + o.fails, o.last);
	ck_assert_int_gt(o.opens, 0);
}
END_TEST

START_TEST(sem_open_same_name_returns_same_pointer_until_closed_as_often)
{
	sem_t *a = sem_open(name, O_CREAT, 0600, 0), *b, *c;
	int i;

	ck_assert_ptr_ne(a, SEM_FAILED);
	b = sem_open(name, 0);
	ck_assert_ptr_eq(b, a);
	ck_assert_int_eq(sem_close(a), 0);
	/* Still open once: same pointer, still usable. */
	c = sem_open(name, 0);
	ck_assert_ptr_eq(c, a);
	ck_assert_int_eq(sem_post(b), 0);
	ck_assert_int_eq(sem_close(b), 0);
	ck_assert_int_eq(sem_post(c), 0);
	ck_assert_int_eq(tu_sem_value(c), 2);
	ck_assert_int_eq(sem_close(c), 0);
	/* Closed as often as opened: the pointer is gone. */
	errno = 0;
	ck_assert_int_eq(sem_close(c), -1);
	ck_assert_int_eq(errno, EINVAL);
	for (i = 0; i < 3; i++) {
		a = sem_open(name, 0);
		ck_assert_ptr_ne(a, SEM_FAILED);
		ck_assert_int_eq(tu_sem_value(a), 2);
		ck_assert_int_eq(sem_close(a), 0);
	}
	ck_assert_int_eq(sem_unlink(name), 0);
}
END_TEST

START_TEST(sem_open_mode_0600_gives_everyone_nothing)
{
	static const SID_IDENTIFIER_AUTHORITY world = { SECURITY_WORLD_SID_AUTHORITY };
	char win32[256], name2[64];
	PSECURITY_DESCRIPTOR sd;
	PACL dacl;
	PSID everyone;
	sem_t *sem;
	int pass, everyone_aces;
	DWORD i;

	ck_assert(AllocateAndInitializeSid((PSID_IDENTIFIER_AUTHORITY)&world, 1,
					   SECURITY_WORLD_RID, 0, 0, 0, 0, 0, 0, 0, &everyone));
	tu_name(name2, sizeof name2, "semmode");
	for (pass = 0; pass < 2; pass++) {
		const char *n = pass == 0 ? name : name2;
		HANDLE h;

		sem = sem_open(n, O_CREAT | O_EXCL, pass == 0 ? 0600 : 0666, 0);
		ck_assert_ptr_ne(sem, SEM_FAILED);
		ck_assert_int_eq(posixipc_sem_win32_name(n, win32, sizeof win32), 0);
		h = OpenSemaphoreA(READ_CONTROL, FALSE, win32);
		ck_assert_ptr_nonnull(h);
		ck_assert_int_eq(GetSecurityInfo(h, SE_KERNEL_OBJECT, DACL_SECURITY_INFORMATION,
						 NULL, NULL, &dacl, NULL, &sd),
				 ERROR_SUCCESS);
		everyone_aces = 0;
		for (i = 0; dacl != NULL && i < dacl->AceCount; i++) {
			ACCESS_ALLOWED_ACE *ace;

			ck_assert(GetAce(dacl, i, (void **)&ace));
			if (ace->Header.AceType == ACCESS_ALLOWED_ACE_TYPE &&
			    EqualSid((PSID)&ace->SidStart, everyone))
				everyone_aces++;
		}
		LocalFree(sd);
		CloseHandle(h);
		ck_assert_int_eq(everyone_aces, pass == 0 ? 0 : 1);
		ck_assert_int_eq(sem_close(sem), 0);
		ck_assert_int_eq(sem_unlink(n), 0);
	}
	FreeSid(everyone);
}
END_TEST

/* ---------------------------------------------------------------- persistence, unlink */

START_TEST(sem_value_persists_after_creator_exits_without_close)
{
	char args[128];
	sem_t *sem;

	snprintf(args, sizeof args, "create-exit %s 5", name);
	ck_assert_int_eq(run_helper(args), 0);
	sem = sem_open(name, 0);
	ck_assert_ptr_ne(sem, SEM_FAILED);
	ck_assert_int_eq(tu_sem_value(sem), 5);
	ck_assert_int_eq(sem_close(sem), 0);
	ck_assert_int_eq(sem_unlink(name), 0);
}
END_TEST

START_TEST(sem_posts_persist_when_last_holder_exits_without_close)
{
	char args[128];
	sem_t *sem = sem_open(name, O_CREAT | O_EXCL, 0600, 1);

	ck_assert_ptr_ne(sem, SEM_FAILED);
	ck_assert_int_eq(sem_close(sem), 0);
	/* No process has it open while the helper posts and exits. */
	snprintf(args, sizeof args, "post-exit %s 7", name);
	ck_assert_int_eq(run_helper(args), 0);
	snprintf(args, sizeof args, "getvalue %s", name);
	ck_assert_int_eq(run_helper(args), 8);
	ck_assert_int_eq(sem_unlink(name), 0);
}
END_TEST

START_TEST(sem_value_persists_after_every_process_closed)
{
	sem_t *sem = sem_open(name, O_CREAT | O_EXCL, 0600, 0);
	char args[128];

	ck_assert_ptr_ne(sem, SEM_FAILED);
	ck_assert_int_eq(sem_post(sem), 0);
	ck_assert_int_eq(sem_post(sem), 0);
	ck_assert_int_eq(sem_post(sem), 0);
	ck_assert_int_eq(sem_trywait(sem), 0);
	ck_assert_int_eq(sem_close(sem), 0);
	snprintf(args, sizeof args, "getvalue %s", name);
	ck_assert_int_eq(run_helper(args), 2);
	sem = sem_open(name, 0);
	ck_assert_ptr_ne(sem, SEM_FAILED);
	ck_assert_int_eq(tu_sem_value(sem), 2);
	ck_assert_int_eq(sem_close(sem), 0);
	ck_assert_int_eq(sem_unlink(name), 0);
}
END_TEST

START_TEST(sem_posts_of_crashed_peer_stay_with_holders)
{
	sem_t *sem = sem_open(name, O_CREAT | O_EXCL, 0600, 0);
	char args[128];

	ck_assert_ptr_ne(sem, SEM_FAILED);
	snprintf(args, sizeof args, "post-crash %s 3", name);
	ck_assert_int_eq(run_helper(args), 0);
	ck_assert_int_eq(tu_sem_value(sem), 3);
	ck_assert_int_eq(sem_close(sem), 0);
	ck_assert_int_eq(sem_unlink(name), 0);
}
END_TEST

/* The count follows into the backing file as the posts happen, not only at close. */
START_TEST(sem_posts_of_crashed_peer_persist_when_it_was_the_only_holder)
{
	sem_t *sem = sem_open(name, O_CREAT | O_EXCL, 0600, 1);
	char args[128];

	ck_assert_ptr_ne(sem, SEM_FAILED);
	ck_assert_int_eq(sem_close(sem), 0);
	snprintf(args, sizeof args, "post-crash %s 7", name);
	ck_assert_int_eq(run_helper(args), 0);
	snprintf(args, sizeof args, "getvalue %s", name);
	ck_assert_int_eq(run_helper(args), 8);
	ck_assert_int_eq(sem_unlink(name), 0);
}
END_TEST

/* Native posts move only the Win32 count; a POSIX close stores it, and a crash after that
 * keeps them. */
START_TEST(sem_native_posts_persist_once_a_holder_closed)
{
	sem_t *sem = sem_open(name, O_CREAT | O_EXCL, 0600, 0);
	char win32[256], args[300];

	ck_assert_ptr_ne(sem, SEM_FAILED);
	ck_assert_int_eq(posixipc_sem_win32_name(name, win32, sizeof win32), 0);
	snprintf(args, sizeof args, "native-post %s 3", win32);
	ck_assert_int_eq(run_helper(args), 0);
	ck_assert_int_eq(sem_trywait(sem), 0);
	ck_assert_int_eq(sem_close(sem), 0);
	snprintf(args, sizeof args, "post-crash %s 1", name);
	ck_assert_int_eq(run_helper(args), 0);
	snprintf(args, sizeof args, "getvalue %s", name);
	ck_assert_int_eq(run_helper(args), 3);
	ck_assert_int_eq(sem_unlink(name), 0);
}
END_TEST

START_TEST(sem_unlink_frees_name_while_holders_keep_semaphore)
{
	sem_t *old = sem_open(name, O_CREAT | O_EXCL, 0600, 4), *fresh;
	char args[128];

	ck_assert_ptr_ne(old, SEM_FAILED);
	ck_assert_int_eq(tu_files_in(objects, "sem"), 1);
	ck_assert_int_eq(sem_unlink(name), 0);
	errno = 0;
	ck_assert_ptr_eq(sem_open(name, 0), SEM_FAILED);
	ck_assert_int_eq(errno, ENOENT);
	/* Holders keep the same semaphore. */
	ck_assert_int_eq(sem_post(old), 0);
	ck_assert_int_eq(tu_sem_value(old), 5);
	/* O_EXCL succeeds at once: the name is free, and the new semaphore is distinct. */
	fresh = sem_open(name, O_CREAT | O_EXCL, 0600, 0);
	ck_assert_ptr_ne(fresh, SEM_FAILED);
	ck_assert_ptr_ne(fresh, old);
	ck_assert_int_eq(tu_sem_value(fresh), 0);
	ck_assert_int_eq(sem_post(fresh), 0);
	ck_assert_int_eq(tu_sem_value(old), 5);
	ck_assert_int_eq(tu_sem_value(fresh), 1);
	/* Another process opening the name gets the new one. */
	snprintf(args, sizeof args, "getvalue %s", name);
	ck_assert_int_eq(run_helper(args), 1);
	/* Closing the old one saves nothing into the new one. */
	ck_assert_int_eq(sem_close(old), 0);
	ck_assert_int_eq(sem_close(fresh), 0);
	ck_assert_int_eq(run_helper(args), 1);
	ck_assert_int_eq(sem_unlink(name), 0);
	/* Unlinked and closed everywhere: nothing is left behind. */
	ck_assert_int_eq(tu_files_in(objects, "sem"), 0);
}
END_TEST

/* The last holder's sem_close takes the file of a semaphore unlinked while open: no later
 * unlink is needed, and no note of a file left behind stays in the folder either. */
START_TEST(sem_close_of_unlinked_semaphore_leaves_no_file)
{
	sem_t *sem = sem_open(name, O_CREAT | O_EXCL, 0600, 1);

	ck_assert_ptr_ne(sem, SEM_FAILED);
	ck_assert_int_eq(sem_unlink(name), 0);
	ck_assert_int_eq(sem_wait(sem), 0);
	ck_assert_int_eq(sem_post(sem), 0);
	ck_assert_int_eq(sem_close(sem), 0);
	ck_assert_int_eq(tu_files_in(objects, "sem"), 0);
}
END_TEST

START_TEST(sem_unlink_twice_fails_enoent)
{
	sem_t *sem = sem_open(name, O_CREAT | O_EXCL, 0600, 0);

	ck_assert_ptr_ne(sem, SEM_FAILED);
	ck_assert_int_eq(sem_close(sem), 0);
	ck_assert_int_eq(sem_unlink(name), 0);
	errno = 0;
	ck_assert_int_eq(sem_unlink(name), -1);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

/* Whatever the mode, the creator may unlink, and nothing stays behind: under Wine a file
 * whose access list denies writing becomes read-only, which refuses deletion. */
START_TEST(sem_created_without_write_permission_unlinks_completely)
{
	static const mode_t modes[] = { 0, 0444, 0400 };
	size_t i;
	sem_t *sem;

	for (i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		tu_name(name, sizeof name, "sem");
		sem = sem_open(name, O_CREAT | O_EXCL, modes[i], 1);
		ck_assert_ptr_ne(sem, SEM_FAILED);
		ck_assert_int_eq(sem_unlink(name), 0);
		ck_assert_int_eq(sem_close(sem), 0);
		ck_assert_msg(tu_files_in(objects, "sem") == 0, "mode %03o left a file", (unsigned)modes[i]);
		tu_name(name, sizeof name, "sem");
		sem = sem_open(name, O_CREAT | O_EXCL, modes[i], 1);
		ck_assert_ptr_ne(sem, SEM_FAILED);
		ck_assert_int_eq(sem_close(sem), 0);
		ck_assert_int_eq(sem_unlink(name), 0);
		ck_assert_msg(tu_files_in(objects, "sem") == 0, "mode %03o left a file", (unsigned)modes[i]);
		errno = 0;
		ck_assert_ptr_eq(sem_open(name, 0), SEM_FAILED);
		ck_assert_int_eq(errno, ENOENT);
	}
}
END_TEST

/* The objects folder does not follow TMP or TEMP, in this process or in a peer started
 * with other values: an existing semaphore is found, never made again with value 0. */
START_TEST(sem_objects_folder_does_not_follow_tmp_or_temp)
{
	char args[128];
	struct tu_temp saved;
	sem_t *sem, *again;
	int value = -1, code;

	SetEnvironmentVariableA("POSIXIPC_DIR", NULL);
	sem = sem_open(name, O_CREAT | O_EXCL, 0600, 5);
	ck_assert_ptr_ne(sem, SEM_FAILED);
	ck_assert_int_eq(sem_close(sem), 0);
	tu_temp_move(&saved);
	again = sem_open(name, O_CREAT, 0600, 0);
	if (again != SEM_FAILED)
		sem_getvalue(again, &value);
	snprintf(args, sizeof args, "getvalue %s", name);
	code = run_helper(args);
	tu_temp_restore(&saved);
	ck_assert_ptr_ne(again, SEM_FAILED);
	ck_assert_int_eq(value, 5);
	ck_assert_int_eq(code, 5);
	ck_assert_int_eq(sem_close(again), 0);
	ck_assert_int_eq(sem_unlink(name), 0);
}
END_TEST

/* ---------------------------------------------------------------- values and waits */

START_TEST(sem_getvalue_reports_exact_count)
{
	sem_t s;
	int i;

	ck_assert_int_eq(sem_init(&s, 0, 0), 0);
	for (i = 1; i <= 50; i++) {
		ck_assert_int_eq(sem_post(&s), 0);
		ck_assert_int_eq(tu_sem_value(&s), i);
	}
	for (i = 49; i >= 0; i--) {
		ck_assert_int_eq(sem_trywait(&s), 0);
		ck_assert_int_eq(tu_sem_value(&s), i);
	}
	ck_assert_int_eq(sem_destroy(&s), 0);
}
END_TEST

START_TEST(sem_post_at_max_fails_eoverflow)
{
	sem_t s, *named;

	ck_assert_int_eq(sem_init(&s, 0, SEM_VALUE_MAX), 0);
	errno = 0;
	ck_assert_int_eq(sem_post(&s), -1);
	ck_assert_int_eq(errno, EOVERFLOW);
	ck_assert_int_eq(tu_sem_value(&s), SEM_VALUE_MAX);
	ck_assert_int_eq(sem_destroy(&s), 0);
	named = sem_open(name, O_CREAT | O_EXCL, 0600, SEM_VALUE_MAX);
	ck_assert_ptr_ne(named, SEM_FAILED);
	errno = 0;
	ck_assert_int_eq(sem_post(named), -1);
	ck_assert_int_eq(errno, EOVERFLOW);
	ck_assert_int_eq(sem_close(named), 0);
	ck_assert_int_eq(sem_unlink(name), 0);
	ck_assert_int_eq(sem_init(&s, 1, SEM_VALUE_MAX), 0);
	errno = 0;
	ck_assert_int_eq(sem_post(&s), -1);
	ck_assert_int_eq(errno, EOVERFLOW);
	ck_assert_int_eq(tu_sem_value(&s), SEM_VALUE_MAX);
	ck_assert_int_eq(sem_trywait(&s), 0);
	ck_assert_int_eq(sem_post(&s), 0);
	ck_assert_int_eq(sem_destroy(&s), 0);
}
END_TEST

/* POSIX: the timeout is not checked when the semaphore can be taken at once. */
START_TEST(sem_timedwait_takes_a_unit_even_past_the_deadline)
{
	struct timespec past = from_now(CLOCK_REALTIME, 0), mono = from_now(CLOCK_MONOTONIC, 0);
	sem_t s, *named;
	int pshared;

	past.tv_sec -= 5;
	mono.tv_sec -= 5;
	for (pshared = 0; pshared < 2; pshared++) {
		ck_assert_int_eq(sem_init(&s, pshared, 2), 0);
		ck_assert_int_eq(sem_timedwait(&s, &past), 0);
		ck_assert_int_eq(sem_clockwait(&s, CLOCK_MONOTONIC, &mono), 0);
		errno = 0;
		ck_assert_int_eq(sem_timedwait(&s, &past), -1);
		ck_assert_int_eq(errno, ETIMEDOUT);
		ck_assert_int_eq(tu_sem_value(&s), 0);
		ck_assert_int_eq(sem_destroy(&s), 0);
	}
	named = sem_open(name, O_CREAT | O_EXCL, 0600, 1);
	ck_assert_ptr_ne(named, SEM_FAILED);
	ck_assert_int_eq(sem_timedwait(named, &past), 0);
	errno = 0;
	ck_assert_int_eq(sem_timedwait(named, &past), -1);
	ck_assert_int_eq(errno, ETIMEDOUT);
	ck_assert_int_eq(sem_close(named), 0);
	ck_assert_int_eq(sem_unlink(name), 0);
}
END_TEST

START_TEST(sem_trywait_at_zero_fails_eagain)
{
	sem_t s;

	ck_assert_int_eq(sem_init(&s, 0, 1), 0);
	ck_assert_int_eq(sem_trywait(&s), 0);
	errno = 0;
	ck_assert_int_eq(sem_trywait(&s), -1);
	ck_assert_int_eq(errno, EAGAIN);
	ck_assert_int_eq(tu_sem_value(&s), 0);
	ck_assert_int_eq(sem_destroy(&s), 0);
}
END_TEST

/* ETIMEDOUT no earlier than the deadline by the caller's own clock, and not much later. */
static void check_deadline_of(clockid_t clock, int use_clockwait, int pshared)
{
	struct timespec deadline, after;
	sem_t s;
	int r;

	ck_assert_int_eq(sem_init(&s, pshared, 0), 0);
	deadline = from_now(clock, 150);
	errno = 0;
	r = use_clockwait ? sem_clockwait(&s, clock, &deadline) : sem_timedwait(&s, &deadline);
	read_clock(clock, &after);
	ck_assert_int_eq(r, -1);
	ck_assert_int_eq(errno, ETIMEDOUT);
	ck_assert_msg(ts_ns(&after) >= ts_ns(&deadline), "returned %ld us early",
		      (long)((ts_ns(&deadline) - ts_ns(&after)) / 1000));
	ck_assert_msg(ts_ns(&after) - ts_ns(&deadline) < 1000000000LL, "returned %ld us late",
		      (long)((ts_ns(&after) - ts_ns(&deadline)) / 1000));
	/* A deadline already past: ETIMEDOUT at once. */
	deadline = from_now(clock, 0);
	deadline.tv_sec -= 5;
	errno = 0;
	r = use_clockwait ? sem_clockwait(&s, clock, &deadline) : sem_timedwait(&s, &deadline);
	ck_assert_int_eq(r, -1);
	ck_assert_int_eq(errno, ETIMEDOUT);
	ck_assert_int_eq(tu_sem_value(&s), 0);
	ck_assert_int_eq(sem_destroy(&s), 0);
}

static void check_deadline(clockid_t clock, int use_clockwait)
{
	check_deadline_of(clock, use_clockwait, 0);
	check_deadline_of(clock, use_clockwait, 1);
}

START_TEST(sem_timedwait_times_out_at_realtime_deadline)
{
	check_deadline(CLOCK_REALTIME, 0);
}
END_TEST

START_TEST(sem_clockwait_times_out_at_realtime_deadline)
{
	check_deadline(CLOCK_REALTIME, 1);
}
END_TEST

START_TEST(sem_clockwait_times_out_at_monotonic_deadline)
{
	check_deadline(CLOCK_MONOTONIC, 1);
}
END_TEST

START_TEST(sem_clockwait_rejects_other_clocks)
{
	struct timespec ts = from_now(CLOCK_REALTIME, 100);
	sem_t s;

	ck_assert_int_eq(sem_init(&s, 0, 1), 0);
	errno = 0;
	ck_assert_int_eq(sem_clockwait(&s, CLOCK_PROCESS_CPUTIME_ID, &ts), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(sem_clockwait(&s, CLOCK_THREAD_CPUTIME_ID, &ts), -1);
	ck_assert_int_eq(errno, EINVAL);
	/* Nothing was taken. */
	ck_assert_int_eq(tu_sem_value(&s), 1);
	ck_assert_int_eq(sem_destroy(&s), 0);
}
END_TEST

START_TEST(sem_timedwait_bad_nsec_einval_only_when_blocking)
{
	struct timespec bad = { 0, 1000000000L }, neg = { 0, -1 };
	sem_t s;

	ck_assert_int_eq(sem_init(&s, 0, 1), 0);
	ck_assert_int_eq(sem_timedwait(&s, &bad), 0);
	errno = 0;
	ck_assert_int_eq(sem_timedwait(&s, &bad), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(sem_clockwait(&s, CLOCK_MONOTONIC, &neg), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(sem_destroy(&s), 0);
}
END_TEST

struct delayed {
	sem_t *sem;
	DWORD ms;
};

static void *post_later(void *arg)
{
	struct delayed *d = arg;

	Sleep(d->ms);
	return (void *)(intptr_t)sem_post(d->sem);
}

START_TEST(sem_wait_woken_by_post_from_other_thread)
{
	struct delayed d;
	struct timespec ts;
	pthread_t t;
	void *ret = (void *)1;
	sem_t s;

	ck_assert_int_eq(sem_init(&s, 0, 0), 0);
	d.sem = &s;
	d.ms = 50;
	ck_assert_int_eq(pthread_create(&t, NULL, post_later, &d), 0);
	ck_assert_int_eq(sem_wait(&s), 0);
	ck_assert_int_eq(pthread_join(t, &ret), 0);
	ck_assert_ptr_null(ret);
	ck_assert_int_eq(pthread_create(&t, NULL, post_later, &d), 0);
	ts = from_now(CLOCK_REALTIME, 10000);
	ck_assert_int_eq(sem_timedwait(&s, &ts), 0);
	ck_assert_int_eq(pthread_join(t, &ret), 0);
	ck_assert_int_eq(tu_sem_value(&s), 0);
	ck_assert_int_eq(sem_destroy(&s), 0);
}
END_TEST

START_TEST(sem_wait_woken_by_post_from_other_process)
{
	sem_t *sem = sem_open(name, O_CREAT | O_EXCL, 0600, 0);
	struct timespec ts;
	char args[128];
	HANDLE helper;

	ck_assert_ptr_ne(sem, SEM_FAILED);
	snprintf(args, sizeof args, "post %s", name);
	helper = tu_spawn("sem_helper", args);
	ts = from_now(CLOCK_REALTIME, HELPER_MS);
	ck_assert_int_eq(sem_timedwait(sem, &ts), 0);
	ck_assert_int_eq(tu_wait(helper, HELPER_MS), 0);
	/* And the other way round: the helper waits, this process posts. */
	snprintf(args, sizeof args, "wait %s %d", name, HELPER_MS);
	helper = tu_spawn("sem_helper", args);
	ck_assert_int_eq(sem_post(sem), 0);
	ck_assert_int_eq(tu_wait(helper, HELPER_MS + 5000), 0);
	ck_assert_int_eq(tu_sem_value(sem), 0);
	ck_assert_int_eq(sem_close(sem), 0);
	ck_assert_int_eq(sem_unlink(name), 0);
}
END_TEST

START_TEST(sem_calls_reject_invalid_sem_t)
{
	struct timespec ts = from_now(CLOCK_REALTIME, 10);
	sem_t zero, s, *named;
	int v;

	memset(&zero, 0, sizeof zero);
	ck_assert_int_eq(sem_init(&s, 0, 0), 0);
	ck_assert_int_eq(sem_destroy(&s), 0);
#define INVALID(call)                                                       \
	do {                                                                \
		errno = 0;                                                  \
		ck_assert_int_eq(call, -1);                                 \
		ck_assert_msg(errno == EINVAL, #call ": errno %d", errno);  \
	} while (0)
	INVALID(sem_post(NULL));
	INVALID(sem_wait(NULL));
	INVALID(sem_trywait(NULL));
	INVALID(sem_timedwait(NULL, &ts));
	INVALID(sem_clockwait(NULL, CLOCK_MONOTONIC, &ts));
	INVALID(sem_getvalue(NULL, &v));
	INVALID(sem_destroy(NULL));
	INVALID(sem_close(NULL));
	INVALID(sem_init(NULL, 0, 0));
	INVALID(sem_post(&zero));
	INVALID(sem_wait(&zero));
	INVALID(sem_timedwait(&zero, &ts));
	INVALID(sem_getvalue(&zero, &v));
	INVALID(sem_destroy(&zero));
	INVALID(sem_close(&zero));
	INVALID(sem_post(&s));
	INVALID(sem_wait(&s));
	INVALID(sem_trywait(&s));
	INVALID(sem_destroy(&s));
	/* An unnamed semaphore is not closed, a named one not destroyed. */
	ck_assert_int_eq(sem_init(&s, 0, 0), 0);
	INVALID(sem_close(&s));
	ck_assert_int_eq(sem_destroy(&s), 0);
	named = sem_open(name, O_CREAT | O_EXCL, 0600, 0);
	ck_assert_ptr_ne(named, SEM_FAILED);
	INVALID(sem_destroy(named));
	ck_assert_int_eq(sem_close(named), 0);
	ck_assert_int_eq(sem_unlink(name), 0);
#undef INVALID
}
END_TEST

/* ---------------------------------------------------------------- unnamed */

static void *count_down(void *arg)
{
	sem_t **s = arg;
	int i;

	for (i = 0; i < 1000; i++)
		if (sem_wait(s[0]) != 0 || sem_post(s[1]) != 0)
			return (void *)1;
	return NULL;
}

START_TEST(sem_init_private_between_threads)
{
	sem_t work, done, *pair[2] = { &work, &done };
	pthread_t t[4];
	void *ret;
	int i;

	ck_assert_int_eq(sem_init(&work, 0, 0), 0);
	ck_assert_int_eq(sem_init(&done, 0, 0), 0);
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, count_down, pair), 0);
	for (i = 0; i < 4000; i++)
		ck_assert_int_eq(sem_post(&work), 0);
	for (i = 0; i < 4000; i++)
		ck_assert_int_eq(sem_wait(&done), 0);
	for (i = 0; i < 4; i++) {
		ret = (void *)1;
		ck_assert_int_eq(pthread_join(t[i], &ret), 0);
		ck_assert_ptr_null(ret);
	}
	ck_assert_int_eq(tu_sem_value(&work), 0);
	ck_assert_int_eq(tu_sem_value(&done), 0);
	ck_assert_int_eq(sem_destroy(&work), 0);
	ck_assert_int_eq(sem_destroy(&done), 0);
}
END_TEST

START_TEST(sem_init_value_above_max_fails_einval)
{
	sem_t s;

	errno = 0;
	ck_assert_int_eq(sem_init(&s, 0, (unsigned int)SEM_VALUE_MAX + 1u), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(sem_init(&s, 1, (unsigned int)SEM_VALUE_MAX + 1u), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(sem_init(&s, 1, SEM_VALUE_MAX), 0);
	ck_assert_int_eq(tu_sem_value(&s), SEM_VALUE_MAX);
	ck_assert_int_eq(sem_destroy(&s), 0);
}
END_TEST

/* Both directions across processes for a pshared sem_t at the start of the mapping. */
static void check_shared_across_processes(sem_t *sem, const char *how, const char *map)
{
	struct timespec ts;
	char args[256];
	HANDLE helper;

	ck_assert_int_eq(sem_init(sem, 1, 0), 0);
	snprintf(args, sizeof args, "shared-post %s %s", how, map);
	ck_assert_int_eq(run_helper(args), 0);
	ck_assert_int_eq(tu_sem_value(sem), 1);
	ts = from_now(CLOCK_REALTIME, 1000);
	ck_assert_int_eq(sem_timedwait(sem, &ts), 0);
	snprintf(args, sizeof args, "shared-wait %s %s %d", how, map, HELPER_MS);
	helper = tu_spawn("sem_helper", args);
	ck_assert_int_eq(sem_post(sem), 0);
	ck_assert_int_eq(tu_wait(helper, HELPER_MS + 5000), 0);
	ck_assert_int_eq(tu_sem_value(sem), 0);
	ck_assert_int_eq(sem_destroy(sem), 0);
}

START_TEST(sem_init_pshared_in_shm_mapping_works_across_processes)
{
	int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	sem_t *sem;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, MAP_SIZE), 0);
	sem = mmap(NULL, MAP_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ck_assert_ptr_ne(sem, MAP_FAILED);
	ck_assert_int_eq(close(fd), 0);
	check_shared_across_processes(sem, "shm", name);
	ck_assert_int_eq(munmap(sem, MAP_SIZE), 0);
	ck_assert_int_eq(shm_unlink(name), 0);
}
END_TEST

START_TEST(sem_init_pshared_in_win32_mapping_works_across_processes)
{
	char map_name[128];
	HANDLE map;
	sem_t *sem;

	snprintf(map_name, sizeof map_name, "Local\\posixipc-test-sem.%lu.%s",
		 (unsigned long)GetCurrentProcessId(), name + 1);
	map = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, MAP_SIZE,
				 map_name);
	ck_assert_ptr_nonnull(map);
	sem = MapViewOfFile(map, FILE_MAP_ALL_ACCESS, 0, 0, MAP_SIZE);
	ck_assert_ptr_nonnull(sem);
	check_shared_across_processes(sem, "win32", map_name);
	UnmapViewOfFile(sem);
	CloseHandle(map);
}
END_TEST

START_TEST(sem_destroy_releases_what_init_took)
{
	DWORD before;
	sem_t s;
	int i, pshared;

	for (pshared = 0; pshared < 2; pshared++) {
		/* Warm up: the pshared table is allocated once. */
		ck_assert_int_eq(sem_init(&s, pshared, 0), 0);
		ck_assert_int_eq(sem_destroy(&s), 0);
		before = tu_handle_count();
		for (i = 0; i < 500; i++) {
			ck_assert_int_eq(sem_init(&s, pshared, 1), 0);
			ck_assert_int_eq(sem_post(&s), 0);
			ck_assert_int_eq(sem_destroy(&s), 0);
		}
		ck_assert_uint_le(tu_handle_count(), before + 3);
	}
}
END_TEST

static void *wait_for_errno(void *arg)
{
	return (void *)(intptr_t)(sem_wait(arg) == 0 ? 0 : errno);
}

/* While a thread sleeps the value reads 0 (not the negated number of sleepers), and the
 * post that wakes it leaves 0 again. */
START_TEST(sem_getvalue_is_zero_while_threads_wait)
{
	pthread_t t[2];
	void *ret;
	sem_t s;
	int pshared, i;

	for (pshared = 0; pshared < 2; pshared++) {
		ck_assert_int_eq(sem_init(&s, pshared, 0), 0);
		for (i = 0; i < 2; i++)
			ck_assert_int_eq(pthread_create(&t[i], NULL, wait_for_errno, &s), 0);
		Sleep(100);
		ck_assert_int_eq(tu_sem_value(&s), 0);
		ck_assert_int_eq(sem_post(&s), 0);
		ck_assert_int_eq(sem_post(&s), 0);
		for (i = 0; i < 2; i++) {
			ret = (void *)1;
			ck_assert_int_eq(pthread_join(t[i], &ret), 0);
			ck_assert_ptr_null(ret);
		}
		ck_assert_int_eq(tu_sem_value(&s), 0);
		ck_assert_int_eq(sem_destroy(&s), 0);
	}
}
END_TEST

/* POSIX leaves it undefined; here the sleepers wake with EINVAL and nothing crashes. */
START_TEST(sem_destroy_while_threads_wait_wakes_them_with_einval)
{
	pthread_t t[3];
	void *ret;
	sem_t s;
	int pshared, i;

	for (pshared = 0; pshared < 2; pshared++) {
		ck_assert_int_eq(sem_init(&s, pshared, 0), 0);
		for (i = 0; i < 3; i++)
			ck_assert_int_eq(pthread_create(&t[i], NULL, wait_for_errno, &s), 0);
		Sleep(100);
		ck_assert_int_eq(sem_destroy(&s), 0);
		for (i = 0; i < 3; i++) {
			ret = NULL;
			ck_assert_int_eq(pthread_join(t[i], &ret), 0);
			ck_assert_int_eq((int)(intptr_t)ret, EINVAL);
		}
		errno = 0;
		ck_assert_int_eq(sem_post(&s), -1);
		ck_assert_int_eq(errno, EINVAL);
	}
}
END_TEST

/* Also undefined in POSIX: the waiter keeps what it needs and ends it when its wait is
 * over; a post through a new sem_open of the name reaches it. */
START_TEST(sem_close_while_a_thread_waits_does_not_crash)
{
	sem_t *sem = sem_open(name, O_CREAT | O_EXCL, 0600, 0), *again;
	void *ret = (void *)1;
	pthread_t t;

	ck_assert_ptr_ne(sem, SEM_FAILED);
	ck_assert_int_eq(pthread_create(&t, NULL, wait_for_errno, sem), 0);
	Sleep(100);
	ck_assert_int_eq(sem_close(sem), 0);
	again = sem_open(name, 0);
	ck_assert_ptr_ne(again, SEM_FAILED);
	ck_assert_int_eq(sem_post(again), 0);
	ck_assert_int_eq(pthread_join(t, &ret), 0);
	ck_assert_ptr_null(ret);
	ck_assert_int_eq(tu_sem_value(again), 0);
	ck_assert_int_eq(sem_close(again), 0);
	ck_assert_int_eq(sem_unlink(name), 0);
}
END_TEST

/* Eight threads: p (at 1) guards a counter that is not atomic, q counts the rounds, and r is
 * fed by the test thread; half the threads take r with short deadlines and retry, so sleepers
 * time out and leave while posts arrive. */
#define STRESS_THREADS 8
#define STRESS_ROUNDS 2000

struct stress {
	sem_t p, q, r;
	long counter;
	volatile LONG failed;
};

static void *stress_worker(void *arg)
{
	struct stress *st = arg;
	struct timespec ts;
	int i, timed = (int)(GetCurrentThreadId() & 1), r;
	long c;

	for (i = 0; i < STRESS_ROUNDS; i++) {
		if (sem_wait(&st->p) != 0)
			goto fail;
		c = st->counter;
		if ((i & 15) == 0)
			SwitchToThread();
		st->counter = c + 1;
		if (sem_post(&st->p) != 0 || sem_post(&st->q) != 0)
			goto fail;
		do {
			ts = from_now(CLOCK_MONOTONIC, 1);
			r = timed ? sem_clockwait(&st->r, CLOCK_MONOTONIC, &ts) : sem_wait(&st->r);
		} while (r != 0 && errno == ETIMEDOUT);
		if (r != 0)
			goto fail;
	}
	return NULL;
fail:
	InterlockedIncrement(&st->failed);
	return NULL;
}

START_TEST(sem_unnamed_stress_8_threads_balances_exactly)
{
	const int total = STRESS_THREADS * STRESS_ROUNDS;
	pthread_t t[STRESS_THREADS];
	struct stress *st = calloc(1, sizeof *st);
	int pshared, i;

	ck_assert_ptr_nonnull(st);
	for (pshared = 0; pshared < 2; pshared++) {
		st->counter = 0;
		st->failed = 0;
		ck_assert_int_eq(sem_init(&st->p, pshared, 1), 0);
		ck_assert_int_eq(sem_init(&st->q, pshared, 0), 0);
		ck_assert_int_eq(sem_init(&st->r, pshared, 0), 0);
		for (i = 0; i < STRESS_THREADS; i++)
			ck_assert_int_eq(pthread_create(&t[i], NULL, stress_worker, st), 0);
		for (i = 0; i < total; i++) {
			ck_assert_int_eq(sem_post(&st->r), 0);
			if ((i & 63) == 0)
				Sleep(0);
		}
		for (i = 0; i < STRESS_THREADS; i++)
			ck_assert_int_eq(pthread_join(t[i], NULL), 0);
		ck_assert_int_eq(st->failed, 0);
		ck_assert_int_eq(st->counter, total);
		ck_assert_int_eq(tu_sem_value(&st->p), 1);
		ck_assert_int_eq(tu_sem_value(&st->q), total);
		ck_assert_int_eq(tu_sem_value(&st->r), 0);
		ck_assert_int_eq(sem_destroy(&st->p), 0);
		ck_assert_int_eq(sem_destroy(&st->q), 0);
		ck_assert_int_eq(sem_destroy(&st->r), 0);
	}
	free(st);
}
END_TEST

/* ---------------------------------------------------------------- cancellation */

/* sem_wait, sem_timedwait and sem_clockwait are cancellation points: a thread blocked in one
 * acts on pthread_cancel, runs its cleanup handlers, and takes nothing. */
struct cancel_case {
	sem_t *sem;
	int how; /* 0 sem_wait, 1 sem_timedwait, 2 sem_clockwait, 3 cancel itself first */
	volatile LONG started, cleaned, returned;
};

static void cleanup(void *arg)
{
	InterlockedIncrement(&((struct cancel_case *)arg)->cleaned);
}

static void *cancellable_wait(void *arg)
{
	struct cancel_case *c = arg;
	struct timespec ts;
	int r = -1;

	pthread_cleanup_push(cleanup, c);
	InterlockedExchange(&c->started, 1);
	if (c->how == 3)
		pthread_cancel(pthread_self());
	if (c->how == 0 || c->how == 3) {
		r = sem_wait(c->sem);
	} else if (c->how == 1) {
		ts = from_now(CLOCK_REALTIME, 60000);
		r = sem_timedwait(c->sem, &ts);
	} else {
		ts = from_now(CLOCK_MONOTONIC, 60000);
		r = sem_clockwait(c->sem, CLOCK_MONOTONIC, &ts);
	}
	InterlockedExchange(&c->returned, 1);
	pthread_cleanup_pop(0);
	return (void *)(intptr_t)r;
}

static void check_cancel(sem_t *sem, int how)
{
	struct cancel_case c = { sem, how, 0, 0, 0 };
	void *ret = NULL;
	pthread_t t;
	int i;

	ck_assert_int_eq(pthread_create(&t, NULL, cancellable_wait, &c), 0);
	if (how != 3) {
		while (!c.started)
			Sleep(1);
		Sleep(50); /* into the wait */
		ck_assert_int_eq(pthread_cancel(t), 0);
	}
	/* A wait that ignores the cancellation is released by a post, and the test fails. */
	for (i = 0; i < 5000 && !c.cleaned && !c.returned; i++)
		Sleep(1);
	if (!c.cleaned && !c.returned)
		sem_post(sem);
	ck_assert_int_eq(pthread_join(t, &ret), 0);
	ck_assert_msg(ret == PTHREAD_CANCELED, "wait %d was not cancelled", how);
	ck_assert_int_eq(c.cleaned, 1);
	ck_assert_int_eq(c.returned, 0);
}

static void check_cancel_points(sem_t *sem)
{
	int how;

	for (how = 0; how < 3; how++) {
		check_cancel(sem, how);
		/* Nothing taken, and no sleeper left behind to swallow a post. */
		ck_assert_int_eq(sem_post(sem), 0);
		ck_assert_int_eq(tu_sem_value(sem), 1);
		ck_assert_int_eq(sem_trywait(sem), 0);
	}
	/* A pending cancellation is acted on even when a unit is there. */
	ck_assert_int_eq(sem_post(sem), 0);
	check_cancel(sem, 3);
	ck_assert_int_eq(tu_sem_value(sem), 1);
	ck_assert_int_eq(sem_trywait(sem), 0);
}

START_TEST(sem_waits_are_cancellation_points)
{
	sem_t s, *named;
	int pshared;

	for (pshared = 0; pshared < 2; pshared++) {
		ck_assert_int_eq(sem_init(&s, pshared, 0), 0);
		check_cancel_points(&s);
		ck_assert_int_eq(sem_destroy(&s), 0);
	}
	named = sem_open(name, O_CREAT | O_EXCL, 0600, 0);
	ck_assert_ptr_ne(named, SEM_FAILED);
	check_cancel_points(named);
	ck_assert_int_eq(sem_close(named), 0);
	ck_assert_int_eq(sem_unlink(name), 0);
}
END_TEST

/* With cancellation disabled the wait sleeps on; the unit it then takes stays taken, and
 * the cancellation is acted on at the next cancellation point. */
static void *wait_cancel_disabled(void *arg)
{
	struct cancel_case *c = arg;
	int old, r;

	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
	InterlockedExchange(&c->started, 1);
	r = sem_wait(c->sem);
	InterlockedExchange(&c->returned, r == 0 ? 1 : 2);
	pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old);
	pthread_testcancel();
	return NULL;
}

START_TEST(sem_wait_with_cancellation_disabled_keeps_waiting_and_keeps_its_unit)
{
	struct cancel_case c = { NULL, 0, 0, 0, 0 };
	void *ret = NULL;
	pthread_t t;
	sem_t s;
	int pshared;

	for (pshared = 0; pshared < 2; pshared++) {
		ck_assert_int_eq(sem_init(&s, pshared, 0), 0);
		c.sem = &s;
		c.started = c.returned = 0;
		ck_assert_int_eq(pthread_create(&t, NULL, wait_cancel_disabled, &c), 0);
		while (!c.started)
			Sleep(1);
		Sleep(50);
		ck_assert_int_eq(pthread_cancel(t), 0);
		Sleep(100);
		ck_assert_int_eq(c.returned, 0);
		ck_assert_int_eq(sem_post(&s), 0);
		ck_assert_int_eq(pthread_join(t, &ret), 0);
		ck_assert_int_eq(c.returned, 1);
		ck_assert(ret == PTHREAD_CANCELED);
		ck_assert_int_eq(tu_sem_value(&s), 0);
		ck_assert_int_eq(sem_destroy(&s), 0);
	}
}
END_TEST

/* ---------------------------------------------------------------- Win32 interop */

START_TEST(sem_named_is_win32_semaphore_native_code_can_use)
{
	sem_t *sem = sem_open(name, O_CREAT | O_EXCL, 0600, 0);
	char win32[256], args[300], prefix[64];
	HANDLE h;

	ck_assert_ptr_ne(sem, SEM_FAILED);
	ck_assert_int_eq(posixipc_sem_win32_name(name, win32, sizeof win32), 0);
	snprintf(prefix, sizeof prefix, "%sposixipc.sem.",
		 getenv("POSIXIPC_GLOBAL") && strcmp(getenv("POSIXIPC_GLOBAL"), "1") == 0
			 ? "Global\\" : "Local\\");
	ck_assert_int_eq(strncmp(win32, prefix, strlen(prefix)), 0);
	h = OpenSemaphoreA(SEMAPHORE_MODIFY_STATE | SYNCHRONIZE, FALSE, win32);
	ck_assert_ptr_nonnull(h);
	/* Native posts are seen by sem_getvalue and sem_trywait. */
	ck_assert(ReleaseSemaphore(h, 2, NULL));
	ck_assert_int_eq(tu_sem_value(sem), 2);
	ck_assert_int_eq(sem_trywait(sem), 0);
	ck_assert_int_eq(WaitForSingleObject(h, 0), WAIT_OBJECT_0);
	ck_assert_int_eq(tu_sem_value(sem), 0);
	ck_assert_int_eq(WaitForSingleObject(h, 0), WAIT_TIMEOUT);
	/* POSIX posts wake native waiters. */
	ck_assert_int_eq(sem_post(sem), 0);
	ck_assert_int_eq(WaitForSingleObject(h, 5000), WAIT_OBJECT_0);
	CloseHandle(h);
	/* A native program in another process, with nothing but the name. */
	snprintf(args, sizeof args, "native-post %s 3", win32);
	ck_assert_int_eq(run_helper(args), 0);
	ck_assert_int_eq(tu_sem_value(sem), 3);
	ck_assert_int_eq(sem_close(sem), 0);
	ck_assert_int_eq(sem_unlink(name), 0);
}
END_TEST

START_TEST(sem_win32_name_is_new_after_unlink_and_missing_is_enoent)
{
	char first[256], second[256], tiny[8];
	sem_t *sem;

	errno = 0;
	ck_assert_int_eq(posixipc_sem_win32_name(name, first, sizeof first), -1);
	ck_assert_int_eq(errno, ENOENT);
	sem = sem_open(name, O_CREAT | O_EXCL, 0600, 0);
	ck_assert_ptr_ne(sem, SEM_FAILED);
	ck_assert_int_eq(posixipc_sem_win32_name(name, first, sizeof first), 0);
	errno = 0;
	ck_assert_int_eq(posixipc_sem_win32_name(name, tiny, sizeof tiny), -1);
	ck_assert_int_eq(errno, ERANGE);
	ck_assert_int_eq(sem_close(sem), 0);
	ck_assert_int_eq(sem_unlink(name), 0);
	errno = 0;
	ck_assert_int_eq(posixipc_sem_win32_name(name, second, sizeof second), -1);
	ck_assert_int_eq(errno, ENOENT);
	sem = sem_open(name, O_CREAT | O_EXCL, 0600, 0);
	ck_assert_ptr_ne(sem, SEM_FAILED);
	ck_assert_int_eq(posixipc_sem_win32_name(name, second, sizeof second), 0);
	ck_assert_str_ne(first, second);
	ck_assert_int_eq(sem_close(sem), 0);
	ck_assert_int_eq(sem_unlink(name), 0);
}
END_TEST

/* ---------------------------------------------------------------- concurrency, leaks */

#define RACE_THREADS 4
#define RACE_ROUNDS 150

static volatile LONG race_failures;
static volatile LONG race_stop, race_unlinking;

/* Open twice (the same pointer, unless an unlink came between), post, close both. */
static void *open_post_close(void *arg)
{
	const char *n = arg;
	sem_t *a, *b;
	int i;

	for (i = 0; i < RACE_ROUNDS; i++) {
		a = sem_open(n, O_CREAT, 0600, 0);
		if (a == SEM_FAILED) {
			InterlockedIncrement(&race_failures);
			continue;
		}
		b = sem_open(n, 0);
		if (b == SEM_FAILED && !(race_unlinking && errno == ENOENT))
			InterlockedIncrement(&race_failures);
		if (b != SEM_FAILED && b != a && !race_unlinking)
			InterlockedIncrement(&race_failures);
		if (sem_post(a) != 0 || (b != SEM_FAILED && sem_close(b) != 0) ||
		    sem_close(a) != 0)
			InterlockedIncrement(&race_failures);
	}
	return NULL;
}

/* Each thread's last close and another's reopen race; no post may be lost between them. */
START_TEST(sem_open_close_from_many_threads_keeps_every_post)
{
	pthread_t t[RACE_THREADS];
	sem_t *sem;
	int i;

	race_failures = 0;
	race_unlinking = 0;
	for (i = 0; i < RACE_THREADS; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, open_post_close, name), 0);
	for (i = 0; i < RACE_THREADS; i++)
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);
	ck_assert_int_eq(race_failures, 0);
	sem = sem_open(name, 0);
	ck_assert_ptr_ne(sem, SEM_FAILED);
	ck_assert_int_eq(tu_sem_value(sem), RACE_THREADS * RACE_ROUNDS);
	ck_assert_int_eq(sem_close(sem), 0);
	ck_assert_int_eq(sem_unlink(name), 0);
}
END_TEST

/* The per-name lock across processes: one process's last close (which saves the value) and
 * another's reopen (which restores it) never interleave, so no post is lost. */
START_TEST(sem_open_close_in_two_processes_keeps_every_post)
{
	char args[128];
	HANDLE a, b;
	sem_t *sem;

	snprintf(args, sizeof args, "cycle %s 150", name);
	a = tu_spawn("sem_helper", args);
	b = tu_spawn("sem_helper", args);
	ck_assert_int_eq(tu_wait(a, 60000), 0);
	ck_assert_int_eq(tu_wait(b, 60000), 0);
	sem = sem_open(name, 0);
	ck_assert_ptr_ne(sem, SEM_FAILED);
	ck_assert_int_eq(tu_sem_value(sem), 300);
	ck_assert_int_eq(sem_close(sem), 0);
	ck_assert_int_eq(sem_unlink(name), 0);
}
END_TEST

static void *unlink_repeatedly(void *arg)
{
	const char *n = arg;

	while (!race_stop)
		if (sem_unlink(n) != 0 && errno != ENOENT)
			InterlockedIncrement(&race_failures);
	return NULL;
}

START_TEST(sem_open_close_unlink_race_safely)
{
	pthread_t t[RACE_THREADS], unlinker;
	int i;

	race_failures = 0;
	race_stop = 0;
	race_unlinking = 1;
	ck_assert_int_eq(pthread_create(&unlinker, NULL, unlink_repeatedly, name), 0);
	for (i = 0; i < RACE_THREADS; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, open_post_close, name), 0);
	for (i = 0; i < RACE_THREADS; i++)
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);
	race_stop = 1;
	ck_assert_int_eq(pthread_join(unlinker, NULL), 0);
	ck_assert_int_eq(race_failures, 0);
	sem_unlink(name);
}
END_TEST

START_TEST(sem_open_close_cycles_leak_no_handles)
{
	DWORD before;
	sem_t *sem;
	int i;

	sem = sem_open(name, O_CREAT | O_EXCL, 0600, 0);
	ck_assert_ptr_ne(sem, SEM_FAILED);
	ck_assert_int_eq(sem_close(sem), 0);
	before = tu_handle_count();
	for (i = 0; i < 1500; i++) {
		sem = sem_open(name, 0);
		ck_assert_ptr_ne(sem, SEM_FAILED);
		ck_assert_int_eq(sem_post(sem), 0);
		ck_assert_int_eq(sem_close(sem), 0);
	}
	ck_assert_uint_le(tu_handle_count(), before + 3);
	sem = sem_open(name, 0);
	ck_assert_int_eq(tu_sem_value(sem), 1500);
	ck_assert_int_eq(sem_close(sem), 0);
	ck_assert_int_eq(sem_unlink(name), 0);
	/* Nor does the create and unlink path. */
	before = tu_handle_count();
	for (i = 0; i < 300; i++) {
		sem = sem_open(name, O_CREAT | O_EXCL, 0600, 0);
		ck_assert_ptr_ne(sem, SEM_FAILED);
		ck_assert_int_eq(sem_unlink(name), 0);
		ck_assert_int_eq(sem_close(sem), 0);
	}
	ck_assert_uint_le(tu_handle_count(), before + 3);
	ck_assert_int_eq(tu_files_in(objects, "sem"), 0);
	/* Failing calls leak nothing either. */
	before = tu_handle_count();
	for (i = 0; i < 300; i++) {
		ck_assert_ptr_eq(sem_open(name, 0), SEM_FAILED);
		ck_assert_int_eq(sem_unlink(name), -1);
	}
	ck_assert_uint_le(tu_handle_count(), before + 3);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sem");

	tu_fixture(setup, teardown);
	TU_ADD(s, sem_header_after_pthread_serves_pthread_threads);
	TU_ADD(s, sem_open_creates_with_initial_value);
	TU_ADD(s, sem_open_excl_on_existing_fails_eexist);
	TU_ADD(s, sem_open_creat_on_existing_ignores_value);
	TU_ADD(s, sem_open_missing_without_creat_fails_enoent);
	TU_ADD(s, sem_open_value_above_max_fails_einval_only_when_creating);
	TU_ADD(s, sem_open_rejects_bad_names);
	TU_ADD(s, sem_open_creat_racing_unlink_opens_or_creates);
	TU_ADD(s, sem_open_same_name_returns_same_pointer_until_closed_as_often);
	TU_ADD(s, sem_open_mode_0600_gives_everyone_nothing);
	TU_ADD(s, sem_value_persists_after_creator_exits_without_close);
	TU_ADD(s, sem_posts_persist_when_last_holder_exits_without_close);
	TU_ADD(s, sem_value_persists_after_every_process_closed);
	TU_ADD(s, sem_posts_of_crashed_peer_stay_with_holders);
	TU_ADD(s, sem_posts_of_crashed_peer_persist_when_it_was_the_only_holder);
	TU_ADD(s, sem_native_posts_persist_once_a_holder_closed);
	TU_ADD(s, sem_unlink_frees_name_while_holders_keep_semaphore);
	TU_ADD(s, sem_close_of_unlinked_semaphore_leaves_no_file);
	TU_ADD(s, sem_unlink_twice_fails_enoent);
	TU_ADD(s, sem_created_without_write_permission_unlinks_completely);
	TU_ADD(s, sem_objects_folder_does_not_follow_tmp_or_temp);
	TU_ADD(s, sem_getvalue_reports_exact_count);
	TU_ADD(s, sem_post_at_max_fails_eoverflow);
	TU_ADD(s, sem_timedwait_takes_a_unit_even_past_the_deadline);
	TU_ADD(s, sem_trywait_at_zero_fails_eagain);
	TU_ADD(s, sem_timedwait_times_out_at_realtime_deadline);
	TU_ADD(s, sem_clockwait_times_out_at_realtime_deadline);
	TU_ADD(s, sem_clockwait_times_out_at_monotonic_deadline);
	TU_ADD(s, sem_clockwait_rejects_other_clocks);
	TU_ADD(s, sem_timedwait_bad_nsec_einval_only_when_blocking);
	TU_ADD(s, sem_wait_woken_by_post_from_other_thread);
	TU_ADD(s, sem_wait_woken_by_post_from_other_process);
	TU_ADD(s, sem_calls_reject_invalid_sem_t);
	TU_ADD(s, sem_init_private_between_threads);
	TU_ADD(s, sem_init_value_above_max_fails_einval);
	TU_ADD(s, sem_init_pshared_in_shm_mapping_works_across_processes);
	TU_ADD(s, sem_init_pshared_in_win32_mapping_works_across_processes);
	TU_ADD(s, sem_destroy_releases_what_init_took);
	TU_ADD(s, sem_getvalue_is_zero_while_threads_wait);
	TU_ADD(s, sem_destroy_while_threads_wait_wakes_them_with_einval);
	TU_ADD(s, sem_close_while_a_thread_waits_does_not_crash);
	TU_ADD(s, sem_unnamed_stress_8_threads_balances_exactly);
	TU_ADD(s, sem_waits_are_cancellation_points);
	TU_ADD(s, sem_wait_with_cancellation_disabled_keeps_waiting_and_keeps_its_unit);
	TU_ADD(s, sem_named_is_win32_semaphore_native_code_can_use);
	TU_ADD(s, sem_win32_name_is_new_after_unlink_and_missing_is_enoent);
	TU_ADD(s, sem_open_close_from_many_threads_keeps_every_post);
	TU_ADD(s, sem_open_close_in_two_processes_keeps_every_post);
	TU_ADD(s, sem_open_close_unlink_race_safely);
	TU_ADD(s, sem_open_close_cycles_leak_no_handles);
	return tu_run(s);
}
