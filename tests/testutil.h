/* Shared by the test suites: running a Check suite without fork, a watchdog so that a hung
 * test fails instead of stalling make check, unique names, and helper processes. */
#ifndef POSIXIPC_TESTUTIL_H
#define POSIXIPC_TESTUTIL_H

#include <stddef.h>
#include <stdio.h>

#include <check.h>

/* Check declares its message functions with the printf format archetype, which mingw GCC
 * reads as msvcrt's (no %jd); Check itself is built with mingw's C99 stdio, so the messages
 * are right and only the compile-time check would be wrong. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
#endif

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Run the suite (Check cannot fork on Windows) and return the process exit status.  A
 * watchdog ends the process with status 124 after POSIXIPC_TEST_TIMEOUT seconds (300). */
int tu_run(Suite *suite);

/* "/<prefix>.<pid>.<run>.<n>": a POSIX IPC name no other test run uses. */
void tu_name(char *buf, size_t size, const char *prefix);
/* A path in a fresh per-run temporary folder: "<tmp>\posixipc-test.<pid>.<run>\<base>.<n>". */
void tu_path(char *buf, size_t size, const char *base);

/* Start tests/<helper>.exe (beside the running test) with a command line of args; returns
 * the process handle, or NULL after a failed check. */
HANDLE tu_spawn(const char *helper, const char *args);
/* The same with inheritable handles inherited, and in/out (where not NULL) as the child's
 * standard input and output, as a program replacing fork+exec starts a child. */
HANDLE tu_spawn_std(const char *helper, const char *args, HANDLE in, HANDLE out);
/* The path of tests/<helper>.exe beside the running test. */
void tu_helper_path(char *exe, size_t size, const char *helper);
/* Wait for the process at most ms milliseconds: its exit code, or -1 after terminating it
 * on timeout.  Closes the handle. */
int tu_wait(HANDLE process, DWORD ms);

/* Is the current process running under Wine? (for comments and skips that name it) */
int tu_under_wine(void);

/* Fill the C runtime's descriptor table with duplicates of a descriptor of its own, so that
 * the next descriptor-making call finds it full; tu_fd_table_free closes them again. */
struct tu_fd_fill {
	int *fds;
	int n;
};
void tu_fd_table_fill(struct tu_fd_fill *fill);
void tu_fd_table_free(struct tu_fd_fill *fill);

/* Point TMP and TEMP at a fresh folder with _putenv, as a program (or a different shell)
 * would; children started meanwhile inherit it.  tu_temp_restore puts them back. */
struct tu_temp {
	char tmp[MAX_PATH], temp[MAX_PATH];
	int had_tmp, had_temp;
};
void tu_temp_move(struct tu_temp *saved);
void tu_temp_restore(struct tu_temp *saved);

/* Number of handles the process has open. */
DWORD tu_handle_count(void);

#ifdef __cplusplus
}
#endif

#endif
