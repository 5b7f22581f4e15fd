/* posixipc: POSIX FIFOs, semaphores, shared memory, message queues and mmap for Windows
 * programs.
 * This header is the library's own API: its version, and the Win32 names behind POSIX
 * objects so that native Win32 programs can open them.  The POSIX functions themselves
 * are declared in the usual headers (<sys/mman.h>, <semaphore.h>, <sys/stat.h>, ...),
 * which pkg-config's --cflags puts first on the include path. */
#ifndef POSIXIPC_H
#define POSIXIPC_H

#include <posixipc_api.h>

#include <stddef.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The one place the version is written: configure.ac reads these three lines. */
#define POSIXIPC_VERSION_MAJOR 0
#define POSIXIPC_VERSION_MINOR 1
#define POSIXIPC_VERSION_PATCH 0
#define POSIXIPC_VERSION_STRING                                                            \
	POSIXIPC_STR(POSIXIPC_VERSION_MAJOR) "." POSIXIPC_STR(POSIXIPC_VERSION_MINOR) "."   \
	POSIXIPC_STR(POSIXIPC_VERSION_PATCH)

/* The version of the library actually linked, as "MAJOR.MINOR.PATCH". */
POSIXIPC_API const char *posixipc_version(void);

/* Each call below writes a NUL-terminated string into buf (size bytes) and returns 0, or
 * returns -1 and sets errno: EINVAL for a NULL or malformed argument, ERANGE when buf is too
 * small, ENAMETOOLONG for an over-long name, and the errno of the failing lookup otherwise.
 * Strings are in the active ANSI code page, as the C runtime's own file functions use. */

/* The folder that holds shared memory objects, named semaphores and message queues:
 * POSIXIPC_DIR if that environment variable is set, otherwise "posixipc" in the user's local
 * application data folder, the same for every process of the user whatever its TMP and TEMP. */
POSIXIPC_API int posixipc_objects_dir(char *buf, size_t size);

/* The file behind the shared memory object `name` (as given to shm_open), whether or not it
 * exists.  A native program opens that file with CreateFile and maps it with
 * CreateFileMapping/MapViewOfFile to share the object's memory. */
POSIXIPC_API int posixipc_shm_win32_path(const char *name, char *buf, size_t size);

/* The file behind the message queue `name` (as given to mq_open), whether or not it exists.
 * A native program may look at it (GetFileSize, its security) or delete it, which removes the
 * queue once no descriptor has it open; sending and receiving need the library.  The queue's Win32
 * semaphores and notification events are "Local\posixipc.mq.<id>.lock", ".recv", ".send"
 * and ".n<token>" (Global\ under POSIXIPC_GLOBAL=1), for the library's own use. */
POSIXIPC_API int posixipc_mq_win32_path(const char *name, char *buf, size_t size);

/* The Win32 semaphore name behind the named semaphore `name` (as given to sem_open), for
 * OpenSemaphore.  The semaphore must exist: ENOENT otherwise.  Each sem_open(O_CREAT) after a
 * sem_unlink makes a new object with a new Win32 name. */
POSIXIPC_API int posixipc_sem_win32_name(const char *name, char *buf, size_t size);

/* Native Win32 peers of the FIFO at `path` (made by mkfifo).  A native program writes into
 * the FIFO by opening the pipe posixipc_fifo_pipe_name() reports with CreateFile(GENERIC_WRITE),
 * which exists while some process has the FIFO open for reading, and reads from it by opening
 * the one posixipc_fifo_reader_pipe_name() reports (the same name with ".reader" appended)
 * with CreateFile(GENERIC_READ), which exists while some process has it open for writing; any
 * number of each, beside any number of POSIX peers.  Each WriteFile of up to PIPE_BUF (4096)
 * bytes arrives whole.  A native writer counts as a writer (readers see end of file after it
 * has closed too) and gets ERROR_NO_DATA once no reader is left; a native reader counts as a
 * reader and sees ERROR_BROKEN_PIPE at end of file.  ERROR_FILE_NOT_FOUND means the pipe does
 * not exist yet: the manual-reset event posixipc_fifo_event_name() (for the writers' pipe) or
 * posixipc_fifo_reader_event_name() reports, "Local\posixipc.open." followed by the pipe name
 * without "\\.\pipe\" (Global\ under POSIXIPC_GLOBAL=1), is set while that pipe exists, so a
 * native program that comes first creates or opens the event (CreateEvent(NULL, TRUE, FALSE,
 * name)), waits for it, and then connects, waiting with WaitNamedPipe on ERROR_PIPE_BUSY.
 * ENOENT if there is no such file, EINVAL if it is not a FIFO. */
POSIXIPC_API int posixipc_fifo_pipe_name(const char *path, char *buf, size_t size);
POSIXIPC_API int posixipc_fifo_reader_pipe_name(const char *path, char *buf, size_t size);
POSIXIPC_API int posixipc_fifo_event_name(const char *path, char *buf, size_t size);
POSIXIPC_API int posixipc_fifo_reader_event_name(const char *path, char *buf, size_t size);

/* mkfifo() whose native peers connect by a name the program chose: pipe_name is
 * "\\.\pipe\NAME" (at most 249 characters, no backslash in NAME), so that a native program
 * written without this library knows it.  The FIFO refuses to open (EACCES) while a program
 * that is none of ours holds that name.  EINVAL for a malformed name, ENAMETOOLONG for a long
 * one; otherwise as mkfifo(). */
POSIXIPC_API int posixipc_mkfifo_named(const char *path, mode_t mode, const char *pipe_name);

#ifdef __cplusplus
}
#endif

#endif
