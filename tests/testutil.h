/* Shared by the test suites: registering tests and running a Check suite without fork, a
 * watchdog so that a hung test fails instead of stalling make check, unique names, helper
 * processes, and the fixtures more than one suite uses. */
#ifndef POSIXIPC_TESTUTIL_H
#define POSIXIPC_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <check.h>
#include <semaphore.h>

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

#include "pattern.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The one way a suite registers a test: TU_ADD(suite, test) puts it in a test case of its
 * own named after it, so that CK_RUN_CASE=<test name> runs just that test, with the fixture
 * last given to tu_fixture (none until then) run around it, failed or not.  Check enforces
 * test case timeouts only when it forks; tu_run's watchdog bounds a hung test instead. */
void tu_fixture(SFun setup, SFun teardown);
void tu_add(Suite *suite, const char *name, const TTest *test);
#define TU_ADD(suite, test) tu_add((suite), #test, (test))

/* Run the suite (Check cannot fork on Windows) and return the process exit status.  A
 * watchdog ends the process with status 124 after POSIXIPC_TEST_TIMEOUT seconds (300). */
int tu_run(Suite *suite);

/* "/<prefix>.<pid>.<run>.<n>": a POSIX IPC name no other test run uses. */
void tu_name(char *buf, size_t size, const char *prefix);
/* A path in a fresh per-run temporary folder: "<tmp>\posixipc-test.<pid>.<run>\<base>.<n>". */
void tu_path(char *buf, size_t size, const char *base);

/* The one way to start a helper: tests/<helper>.exe (beside the running test) with a
 * command line of args; returns the process handle (for tu_wait), and fails the test if the
 * process cannot be started.  What the child is given differs:
 *   tu_spawn      nothing inherited;
 *   tu_spawn_std  inheritable handles, and in/out (where not NULL) as its standard input and
 *                 output, as a program replacing fork+exec starts a child;
 *   tu_spawn_fds  the C runtime's _spawn: the inheritable descriptors under the same
 *                 numbers, as exec keeps them. */
HANDLE tu_spawn(const char *helper, const char *args);
HANDLE tu_spawn_std(const char *helper, const char *args, HANDLE in, HANDLE out);
HANDLE tu_spawn_fds(const char *helper, const char *args);
/* Wait for the process at most ms milliseconds: its exit code, or -1 after terminating it
 * on timeout.  Closes the handle. */
int tu_wait(HANDLE process, DWORD ms);

/* A FIFO made by mkfifo(path, 0600) at a fresh tu_path. */
void tu_new_fifo(char *path, size_t size);
/* A malloc'd buffer of the first n bytes of stream `seed` (pattern.h). */
unsigned char *tu_make_pattern(size_t n, unsigned seed);

/* Objects (shm, semaphores, queues) in a fresh folder of the test's own: POSIXIPC_DIR is
 * set to it (returned in dir) until tu_objects_restore puts back what was there, so that
 * other programs' objects, or a failed earlier run's, never disturb what a test counts. */
void tu_objects_private(char *dir, size_t size);
void tu_objects_restore(void);
/* Entries of folder dir, or of its subfolder sub if not NULL ("." and ".." aside); 0 if
 * the folder does not exist. */
int tu_files_in(const char *dir, const char *sub);

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

/* The semaphore's value (sem_getvalue, checked). */
int tu_sem_value(sem_t *sem);

/* Number of handles the process has open. */
DWORD tu_handle_count(void);

/* A SIGPIPE handler for signal(): counts its calls in tu_sigpipes. */
extern volatile LONG tu_sigpipes;
void tu_count_sigpipe(int sig);

#ifdef __cplusplus
}
#endif

#endif
