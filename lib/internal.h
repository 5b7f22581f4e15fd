/* Private interface shared by the facilities (fifo.c, sem.c, shm.c, mman.c): Win32 error to
 * errno, POSIX IPC names to Win32 names, path conversion as the C runtime does it, security
 * descriptors from modes, where objects live, and the descriptor table. */
#ifndef POSIXIPC_INTERNAL_H
#define POSIXIPC_INTERNAL_H

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Only functions marked PI_EXPORT leave the DLL; everything else stays private.  The public
 * headers mark their declarations the same way (POSIXIPC_BUILDING is set for the library). */
#include <posixipc_api.h>
#define PI_EXPORT POSIXIPC_API

/* error.c: every Win32 error the library can see maps to errno here and nowhere else. */
int pi_errno_from_win32(DWORD err);
/* Set errno from a Win32 error (GetLastError() when err is 0) and return -1. */
int pi_fail_win32(DWORD err);
/* Set errno to e and return -1. */
int pi_fail(int e);

/* name.c: POSIX IPC names (shm_open, sem_open).  A name may start with '/'; the rest must be
 * non-empty, hold no further '/', and not be "." or "..".  Longer than NAME_MAX bytes (leading
 * '/' not counted) is ENAMETOOLONG.  The encoded form is plain lower-case ASCII that is valid
 * both as a file name and inside a Win32 object name, and maps back to exactly one POSIX name:
 * bytes outside [a-z0-9_.-] become %XX (upper-case letters too, so names stay case-sensitive
 * on case-insensitive file systems), as do a trailing '.' and the first byte of a DOS device
 * name (con, nul, com1, ...). */
#define PI_NAME_MAX 255
/* Longest encoded name the library accepts: fits one NTFS path component with room for a
 * suffix.  A name whose encoding is longer is ENAMETOOLONG. */
#define PI_ENCODED_MAX 240
int pi_name_encode(const char *name, char *out, size_t outsz);
int pi_name_decode(const char *encoded, char *out, size_t outsz);

/* path.c: multibyte strings are converted with the code page the C runtime's file functions
 * use (CP_ACP, or CP_OEMCP after SetFileApisToOEM).  Results are malloc'd; NULL sets errno. */
UINT pi_path_codepage(void);
wchar_t *pi_path_to_wide(const char *path);
char *pi_path_from_wide(const wchar_t *wpath);
/* Copy a wide string into a caller's multibyte buffer: 0, or -1 with ERANGE. */
int pi_wide_to_buf(const wchar_t *w, char *buf, size_t size);

/* dirs.c: where shared memory objects and named semaphores live: POSIXIPC_DIR, else
 * "<temp>\posixipc".  pi_object_path builds "<root>\<sub>\<encoded name>" as an absolute
 * \\?\ path (malloc'd) after creating the folders; sub is "shm" or "sem". */
wchar_t *pi_objects_root(void);
wchar_t *pi_object_path(const char *sub, const char *encoded);
/* The same path without touching the file system, for callers that open first and call
 * pi_object_dirs() only when that fails with ERROR_PATH_NOT_FOUND: making the folders on
 * every call costs two CreateDirectoryW calls.  pi_object_dirs creates the folders of such
 * a path; on failure both errno and the thread's last Win32 error say why. */
wchar_t *pi_object_path_only(const char *sub, const char *encoded);
int pi_object_dirs(const wchar_t *path);
/* Prefix for Win32 kernel object names: L"Local\\", or L"Global\\" when POSIXIPC_GLOBAL=1. */
const wchar_t *pi_object_namespace(void);
/* A \\?\ path as people write it (C:\..., \\server\...), into a caller's buffer. */
int pi_display_path(const wchar_t *path, char *buf, size_t size);

/* security.c: a security descriptor from a POSIX mode.  The owner bits go to the current
 * user, the group bits to the token's primary group (as Cygwin maps them), the "other" bits to
 * Everyone.  read_rights/write_rights are the object-specific rights that r and w grant; the
 * owner always keeps READ_CONTROL, WRITE_DAC and DELETE.  Callers apply pi_umask() first, as
 * open(), mkfifo(), shm_open() and sem_open() do on Linux. */
struct pi_sa {
	SECURITY_ATTRIBUTES sa;
	PSECURITY_DESCRIPTOR sd;
};
int pi_sa_from_mode(mode_t mode, DWORD read_rights, DWORD write_rights, struct pi_sa *out);
/* The process's file mode creation mask, as the C runtime keeps it (_umask). */
mode_t pi_umask(void);
void pi_sa_free(struct pi_sa *sa);
/* The rwx-less permission bits of an object whose DACL pi_sa_from_mode wrote (read and write
 * data rights per user, primary group and Everyone); -1 for any other DACL. */
int pi_mode_from_handle(HANDLE h, mode_t *mode);

/* random.c: unpredictable 64-bit identifiers for object names. */
uint64_t pi_random64(void);

/* fdtable.c: the library's per-descriptor state (FIFO ends).  An entry is valid only while
 * the C runtime descriptor still wraps the same HANDLE: a descriptor closed behind the
 * library's back (fclose, _close) and reused is never mistaken for the old one. */
struct pi_fd_ops {
	void (*ref)(void *obj);
	void (*unref)(void *obj);
	ssize_t (*read)(void *obj, int fd, void *buf, size_t count);
	ssize_t (*write)(void *obj, int fd, const void *buf, size_t count);
	/* The entry is already gone; the C runtime closes fd (and its HANDLE) afterwards.  The
	 * object never owns the descriptor's HANDLE. */
	void (*close)(void *obj, int fd);
	/* O_* status flags (access mode, O_NONBLOCK) for F_GETFL; F_SETFL changes O_NONBLOCK. */
	int (*getfl)(void *obj);
	int (*setfl)(void *obj, int fd, int flags);
	/* State for a duplicate descriptor newfd (new reference), or NULL on failure (errno). */
	void *(*dup)(void *obj, int newfd);
};
int pi_fd_register(int fd, HANDLE h, const struct pi_fd_ops *ops, void *obj);
/* The object for fd, or NULL.  The caller must pi_fd_release() a non-NULL result. */
void *pi_fd_acquire(int fd, const struct pi_fd_ops **ops);
void pi_fd_release(const struct pi_fd_ops *ops, void *obj);
/* Remove fd's entry and return its object (NULL if none); the caller disposes of it. */
void *pi_fd_unregister(int fd, const struct pi_fd_ops **ops);

/* shm.c: attributes every shm object's file is created with; fstat looks at an object's security
 * descriptor only when a file has them (Wine keeps neither attribute). */
#define PI_SHM_ATTRIBUTES (FILE_ATTRIBUTE_TEMPORARY | FILE_ATTRIBUTE_NOT_CONTENT_INDEXED)

/* fd.c, sysconf.c: the highest descriptor number plus one that F_DUPFD hands out and
 * sysconf(_SC_OPEN_MAX) reports (the C runtime's own limit, _getmaxstdio aside). */
#define PI_OPEN_MAX 2048

/* fifo.c: open() of a path that posixipc_is_fifo() recognises; returns a descriptor. */
/* 1 and the FIFO's mode if wpath, whose attributes the caller already has, is a FIFO made by
 * mkfifo; 0 otherwise, without opening the file unless the attributes mark a FIFO. */
int pi_fifo_marker_mode(const wchar_t *wpath, DWORD attrs, mode_t *mode);
int pi_fifo_open(const char *path, int flags, mode_t mode);

/* Flags the C runtime does not know, from <fcntl.h>. */
#define PI_O_NONBLOCK 0x00800000

#endif
