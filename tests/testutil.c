/* Shared test helpers: registration, suite runner with watchdog, unique names, helper
 * processes, shared fixtures. */
#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <process.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testutil.h"
#include "reliability_shared.h"

static DWORD WINAPI watchdog(LPVOID arg)
{
	DWORD seconds = (DWORD)(ULONG_PTR)arg;

	Sleep(seconds * 1000);
	fprintf(stderr, "watchdog: test still running after %lu s, giving up\n",
		(unsigned long)seconds);
	fflush(NULL);
	ExitProcess(124);
	return 0;
}

/* A crash in any thread fails the suite at once.  Without this, Wine starts its debugger,
 * and when several threads fault together the process was seen to end with status 0: the
 * harness counted a crashed suite as passed. */
static LONG WINAPI crashed(EXCEPTION_POINTERS *e)
{
	fprintf(stderr, "crash: exception %08lx at %p in thread %lu\n",
		(unsigned long)e->ExceptionRecord->ExceptionCode,
		e->ExceptionRecord->ExceptionAddress, (unsigned long)GetCurrentThreadId());
	fflush(NULL);
	TerminateProcess(GetCurrentProcess(), 3);
	return EXCEPTION_EXECUTE_HANDLER;
}

static SFun fixture_setup, fixture_teardown;

void tu_fixture(SFun setup, SFun teardown)
{
	fixture_setup = setup;
	fixture_teardown = teardown;
}

void tu_add(Suite *suite, const char *name, const TTest *test)
{
	TCase *tc = tcase_create(name);

	if (fixture_setup != NULL || fixture_teardown != NULL)
		tcase_add_checked_fixture(tc, fixture_setup, fixture_teardown);
	tcase_add_test(tc, test);
	suite_add_tcase(suite, tc);
}

static void run_dir(char *buf, size_t size);
static void remove_tree(const char *dir);

int tu_run(Suite *suite)
{
	const char *env = getenv("POSIXIPC_TEST_TIMEOUT");
	DWORD seconds = env ? (DWORD)strtoul(env, NULL, 10) : 300;
	char dir[MAX_PATH];
	SRunner *runner;
	HANDLE t;
	int failed;

	SetUnhandledExceptionFilter(crashed);
	t = CreateThread(NULL, 0, watchdog, (LPVOID)(ULONG_PTR)seconds, 0, NULL);
	if (t)
		CloseHandle(t);
	setvbuf(stdout, NULL, _IONBF, 0);
	runner = srunner_create(suite);
	srunner_set_fork_status(runner, CK_NOFORK);
	srunner_run_all(runner, CK_VERBOSE);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	/* A failed run's files stay, to be looked at. */
	if (failed == 0) {
		run_dir(dir, sizeof dir);
		remove_tree(dir);
	}
	return failed == 0 ? 0 : 1;
}

/* Process ids come round again quickly (under Wine at once), so names also carry a value
 * drawn once per run: a failed earlier run's leftovers never collide with this run. */
static unsigned long run_id(void)
{
	static volatile LONG id;
	LARGE_INTEGER t;

	if (id == 0) {
		QueryPerformanceCounter(&t);
		InterlockedCompareExchange(&id, (LONG)((t.LowPart ^ GetTickCount()) | 1), 0);
	}
	return (unsigned long)id;
}

void tu_name(char *buf, size_t size, const char *prefix)
{
	static volatile LONG counter;

	snprintf(buf, size, "/%s.%lu.%lx.%ld", prefix, (unsigned long)GetCurrentProcessId(),
		 run_id(), (long)InterlockedIncrement(&counter));
}

/* The folder of this run's files (tu_path). */
static void run_dir(char *buf, size_t size)
{
	char tmp[MAX_PATH];

	GetTempPathA(sizeof tmp, tmp);
	snprintf(buf, size, "%sposixipc-test.%lu.%lx", tmp, (unsigned long)GetCurrentProcessId(),
		 run_id());
}

/* A folder and everything in it, as far as it can go (a file another process still holds
 * stays). */
static void remove_tree(const char *dir)
{
	char pattern[MAX_PATH], path[MAX_PATH];
	WIN32_FIND_DATAA found;
	HANDLE f;

	snprintf(pattern, sizeof pattern, "%s\\*", dir);
	f = FindFirstFileA(pattern, &found);
	if (f != INVALID_HANDLE_VALUE) {
		do {
			if (strcmp(found.cFileName, ".") == 0 || strcmp(found.cFileName, "..") == 0)
				continue;
			snprintf(path, sizeof path, "%s\\%s", dir, found.cFileName);
			SetFileAttributesA(path, FILE_ATTRIBUTE_NORMAL);
			if (found.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
				remove_tree(path);
			else
				DeleteFileA(path);
		} while (FindNextFileA(f, &found));
		FindClose(f);
	}
	RemoveDirectoryA(dir);
}

void tu_path(char *buf, size_t size, const char *base)
{
	static volatile LONG counter;

	run_dir(buf, size);
	CreateDirectoryA(buf, NULL);
	snprintf(buf + strlen(buf), size - strlen(buf), "\\%s.%ld", base,
		 (long)InterlockedIncrement(&counter));
}

static void helper_path(char *exe, size_t size, const char *helper)
{
	char *slash;

	GetModuleFileNameA(NULL, exe, (DWORD)size);
	slash = strrchr(exe, '\\');
	ck_assert_ptr_nonnull(slash);
	snprintf(slash + 1, size - (size_t)(slash + 1 - exe), "%s.exe", helper);
}

HANDLE tu_spawn_std(const char *helper, const char *args, HANDLE in, HANDLE out)
{
	char exe[MAX_PATH], cmd[4096];
	STARTUPINFOA si;
	PROCESS_INFORMATION pi;
	BOOL inherit = in != NULL || out != NULL;

	helper_path(exe, sizeof exe, helper);
	snprintf(cmd, sizeof cmd, "\"%s\" %s", exe, args ? args : "");
	ZeroMemory(&si, sizeof si);
	si.cb = sizeof si;
	if (inherit) {
		si.dwFlags = STARTF_USESTDHANDLES;
		si.hStdInput = in ? in : GetStdHandle(STD_INPUT_HANDLE);
		si.hStdOutput = out ? out : GetStdHandle(STD_OUTPUT_HANDLE);
		si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
	}
	if (!CreateProcessA(exe, cmd, NULL, NULL, inherit, 0, NULL, NULL, &si, &pi))
		ck_abort_msg("cannot start %s: error %lu", exe, (unsigned long)GetLastError());
	CloseHandle(pi.hThread);
	return pi.hProcess;
}

HANDLE tu_spawn(const char *helper, const char *args)
{
	return tu_spawn_std(helper, args, NULL, NULL);
}

HANDLE tu_spawn_fds(const char *helper, const char *args)
{
	char exe[MAX_PATH], arg0[MAX_PATH + 2];
	const char *argv[3];
	intptr_t child;

	helper_path(exe, sizeof exe, helper);
	/* The C runtime joins argv with spaces and quotes nothing: quote the path, and pass the
	 * arguments as the rest of the command line. */
	snprintf(arg0, sizeof arg0, "\"%s\"", exe);
	argv[0] = arg0;
	argv[1] = args;
	argv[2] = NULL;
	child = _spawnv(_P_NOWAIT, exe, argv);
	if (child == -1)
		ck_abort_msg("cannot start %s: errno %d", exe, errno);
	return (HANDLE)child;
}

int tu_wait(HANDLE process, DWORD ms)
{
	DWORD code = (DWORD)-1;

	if (WaitForSingleObject(process, ms) != WAIT_OBJECT_0) {
		TerminateProcess(process, 125);
		WaitForSingleObject(process, 5000);
		CloseHandle(process);
		return -1;
	}
	GetExitCodeProcess(process, &code);
	CloseHandle(process);
	return (int)code;
}

int tu_under_wine(void)
{
	HMODULE ntdll = GetModuleHandleA("ntdll.dll");

	return ntdll && GetProcAddress(ntdll, "wine_get_version") != NULL;
}

int tu_sem_value(sem_t *sem)
{
	int v = -1;

	ck_assert_int_eq(sem_getvalue(sem, &v), 0);
	return v;
}

DWORD tu_handle_count(void)
{
	return rel_handle_count();
}

void tu_fd_table_fill(struct tu_fd_fill *fill)
{
	int fd = _open("NUL", _O_RDONLY), d;

	ck_assert_int_ge(fd, 0);
	fill->fds = malloc(16384 * sizeof *fill->fds);
	ck_assert_ptr_nonnull(fill->fds);
	fill->fds[0] = fd;
	fill->n = 1;
	while (fill->n < 16384 && (d = _dup(fd)) >= 0)
		fill->fds[fill->n++] = d;
	ck_assert_int_lt(fill->n, 16384);
}

void tu_fd_table_free(struct tu_fd_fill *fill)
{
	while (fill->n > 0)
		_close(fill->fds[--fill->n]);
	free(fill->fds);
	fill->fds = NULL;
}

static void put_var(const char *var, const char *value)
{
	char buf[MAX_PATH + 16];

	/* "VAR=" removes the variable. */
	snprintf(buf, sizeof buf, "%s=%s", var, value);
	ck_assert_int_eq(_putenv(buf), 0);
}

void tu_temp_move(struct tu_temp *saved)
{
	char dir[MAX_PATH];
	const char *v;

	v = getenv("TMP");
	saved->had_tmp = v != NULL;
	snprintf(saved->tmp, sizeof saved->tmp, "%s", v ? v : "");
	v = getenv("TEMP");
	saved->had_temp = v != NULL;
	snprintf(saved->temp, sizeof saved->temp, "%s", v ? v : "");
	tu_path(dir, sizeof dir, "othertmp");
	ck_assert(CreateDirectoryA(dir, NULL) || GetLastError() == ERROR_ALREADY_EXISTS);
	put_var("TMP", dir);
	put_var("TEMP", dir);
}

void tu_temp_restore(struct tu_temp *saved)
{
	put_var("TMP", saved->had_tmp ? saved->tmp : "");
	put_var("TEMP", saved->had_temp ? saved->temp : "");
}

void tu_new_fifo(char *path, size_t size)
{
	tu_path(path, size, "fifo");
	ck_assert_int_eq(mkfifo(path, 0600), 0);
}

unsigned char *tu_make_pattern(size_t n, unsigned seed)
{
	unsigned char *p = malloc(n);
	size_t i;

	ck_assert_ptr_nonnull(p);
	for (i = 0; i < n; i++)
		p[i] = tu_pattern(i, seed);
	return p;
}

static char saved_objects[MAX_PATH];
static int had_objects;

void tu_objects_private(char *dir, size_t size)
{
	had_objects = GetEnvironmentVariableA("POSIXIPC_DIR", saved_objects,
					      sizeof saved_objects) > 0;
	tu_path(dir, size, "objects");
	ck_assert(SetEnvironmentVariableA("POSIXIPC_DIR", dir));
}

void tu_objects_restore(void)
{
	SetEnvironmentVariableA("POSIXIPC_DIR", had_objects ? saved_objects : NULL);
}

int tu_files_in(const char *dir, const char *sub)
{
	char pattern[2 * MAX_PATH];
	WIN32_FIND_DATAA data;
	HANDLE find;
	int n = 0;

	snprintf(pattern, sizeof pattern, "%s%s%s\\*", dir, sub ? "\\" : "", sub ? sub : "");
	find = FindFirstFileA(pattern, &data);
	if (find == INVALID_HANDLE_VALUE)
		return 0;
	do
		n += strcmp(data.cFileName, ".") != 0 && strcmp(data.cFileName, "..") != 0;
	while (FindNextFileA(find, &data));
	FindClose(find);
	return n;
}

volatile LONG tu_sigpipes;

void tu_count_sigpipe(int sig)
{
	if (sig == SIGPIPE)
		InterlockedIncrement(&tu_sigpipes);
}
