/* Private interface shared by the facilities (fifo.c, sem.c, shm.c, mman.c, mqueue.c): Win32 error to
 * errno, POSIX IPC names to Win32 names, path conversion as the C runtime does it, security
 * descriptors from modes, where objects live, the life of object files, and the descriptor
 * table.  NT-level declarations are in winapi.h. */
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
#include <time.h>

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
/* signal.c: a write to a pipe or FIFO found no reader: run the SIGPIPE handler signal() set,
 * if any, then fail with EPIPE (-1). */
int pi_epipe(void);
/* The same for an NTSTATUS (a LONG; winapi.h has the NT declarations): the one way from an
 * NT status to errno, through ntdll's map to Win32 errors and the table above. */
int pi_errno_from_nt(LONG status);
int pi_fail_nt(LONG status);

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

/* dirs.c: where shared memory objects and named semaphores live: POSIXIPC_DIR (read at each
 * call), else "<the user's local application data>\posixipc", found once per process from
 * the user's profile and never from TMP/TEMP.  pi_object_path builds "<root>\<sub>\<encoded name>" as an absolute
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
/* An absolute path with the \\?\ prefix (malloc'd), so that long paths and names ending
 * in dots or spaces reach the file system unchanged. */
wchar_t *pi_long_path(const wchar_t *path);
/* A \\?\ path as people write it (C:\..., \\server\...), into a caller's buffer. */
int pi_display_path(const wchar_t *path, char *buf, size_t size);
/* pi_object_path (make 1) or pi_object_path_only (make 0) of a POSIX IPC name, encoded
 * first; and that path as people write it, for the *_win32_path calls (EINVAL for no
 * buffer). */
wchar_t *pi_named_path(const char *sub, const char *name, int make);
int pi_named_display_path(const char *sub, const char *name, char *buf, size_t size);

/* security.c: a security descriptor from a POSIX mode.  The owner bits go to the current
 * user, the group bits to the token's primary group (as Cygwin maps them), the "other" bits to
 * Everyone.  read_rights/write_rights are the object-specific rights that r and w grant; the
 * owner always keeps READ_CONTROL, WRITE_DAC, DELETE and FILE_WRITE_ATTRIBUTES.  Callers
 * apply pi_umask() first, as open(), mkfifo(), shm_open() and sem_open() do on Linux. */
struct pi_sa {
	SECURITY_ATTRIBUTES sa;
	PSECURITY_DESCRIPTOR sd;
};
int pi_sa_from_mode(mode_t mode, DWORD read_rights, DWORD write_rights, struct pi_sa *out);
/* Set or clear a file's read-only attribute (h needs FILE_READ_ATTRIBUTES and
 * FILE_WRITE_ATTRIBUTES): what the C runtime's chmod does, and how an unlink takes away the
 * attribute Wine 8.0 gives a file whose mode denies the owner writing.  1 when it changed, 0
 * when it was so already, -1 with the Win32 error in GetLastError(). */
int pi_set_readonly(HANDLE h, int on);
/* h's file opened anew with access, to change its attributes or access list where h itself
 * may not; INVALID_HANDLE_VALUE with errno (EPERM where the caller may not change them). */
HANDLE pi_reopen_to_change(HANDLE h, DWORD access);
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
	/* O_* status flags (access mode, O_NONBLOCK, O_APPEND) for F_GETFL; F_SETFL changes
	 * PI_SETFL_FLAGS. */
	int (*getfl)(void *obj);
	int (*setfl)(void *obj, int fd, int flags);
	/* State for a duplicate descriptor newfd (new reference), or NULL on failure (errno). */
	void *(*dup)(void *obj, int newfd);
};
int pi_fd_register(int fd, HANDLE h, const struct pi_fd_ops *ops, void *obj);
/* The HANDLE a C runtime descriptor wraps, or INVALID_HANDLE_VALUE with errno EBADF when fd
 * is not open (what _get_osfhandle says, for any fd): the one way from a descriptor to its
 * handle. */
HANDLE pi_fd_handle(int fd);
/* The status flags F_SETFL changes on a FIFO or pipe, as Linux's does (O_APPEND means nothing
 * to a pipe, but F_GETFL reports it back). */
#define PI_SETFL_FLAGS (O_NONBLOCK | O_APPEND)
/* F_SETFL for an open file description's status word: only PI_SETFL_FLAGS change,
 * atomically against other threads' changes. */
void pi_fd_set_status(volatile LONG *status, int flags);
/* The highest descriptor number plus one that F_DUPFD hands out and sysconf(_SC_OPEN_MAX)
 * reports (the C runtime's own table size, _getmaxstdio aside). */
#define PI_OPEN_MAX 2048
/* Pass on the result of a C runtime call that makes a descriptor: on failure a full table
 * is EMFILE, as on Linux, whatever the runtime said (Wine's msvcrt says ENFILE). */
int pi_crt_fd(int fd);
/* _open_osfhandle through pi_crt_fd; on failure h is closed. */
int pi_fd_wrap(HANDLE h, int crt_flags);
/* The object for fd, or NULL.  The caller must pi_fd_release() a non-NULL result. */
void *pi_fd_acquire(int fd, const struct pi_fd_ops **ops);
void pi_fd_release(const struct pi_fd_ops *ops, void *obj);
/* Remove fd's entry and return its object (NULL if none); the caller disposes of it. */
void *pi_fd_unregister(int fd, const struct pi_fd_ops **ops);

/* cancel.c: winpthreads cancellation, found at run time so that the library needs no threads
 * library.  pi_testcancel acts on a pending pthread_cancel of the calling thread (runs its
 * cleanup handlers and does not return then); it makes no kernel call.  pi_cancel_event is the
 * event pthread_cancel sets for the calling thread, or NULL without winpthreads: a blocking
 * call waits on it too, undoes what it began when it fires, then calls pi_cancel_woken, which
 * returns only if the thread has cancellation disabled. */
void pi_testcancel(void);
HANDLE pi_cancel_event(void);
void pi_cancel_woken(HANDLE event);

/* fifo_holders.c: per FIFO, the table of processes that hold an end of its pipe, shared
 * by all of them, and its lock (the file's opening comment says how EOF and EPIPE follow).
 * Every call but attach/detach is made with the lock held. */
#define PI_HOLDERS_MAX 65536
struct pi_holder {
	DWORD pid;
	DWORD side;	/* 1 read, 2 write */
	DWORD server;	/* a server end (lives as long as its pipe instance) */
	DWORD access;	/* the handle's granted access, to recognise it */
	int32_t fd;	/* the holder's descriptor wrapping handle, or -1 if the library owns it */
	uint32_t reserved;
	uint64_t created; /* the holder process's creation time, against process id reuse */
	uint64_t handle;
	uint64_t gen;	/* the pipe instance: a client end lives only as long as its server */
};
struct pi_fifo_shared {
	uint64_t gen;	/* pipe instances made so far */
	/* How many times each side (index 1 read, 2 write) has been opened: a blocking open
	 * whose peer came and went between two looks still sees that it came. */
	volatile LONG opened[3];
	LONG used;	/* entries [0, used) may be in use */
	/* Echoes running (fifo.c; one per O_RDWR open).  A process killed with one running
	 * leaves it counted: blocking reads then wait by polling, until the FIFO is closed
	 * everywhere. */
	volatile LONG echoes;
	struct pi_holder holders[];
};
#define PI_SEEN_MAX 8
struct pi_seen {
	DWORD pid;
	int alive;
	uint64_t created;
};
/* The table lives in 64 KiB segments, mapped as it grows: the first holds the header. */
#define PI_HOLDERS_SEGMENTS 49
struct pi_holders {
	char id[17];
	HANDLE mutex;
	HANDLE map[PI_HOLDERS_SEGMENTS];
	void *seg[PI_HOLDERS_SEGMENTS];
	int nseg;	/* segments [0, nseg) are mapped in this process */
	struct pi_fifo_shared *st;	/* seg[0] */
	/* Processes pi_holders_next() found alive or not, during one walk. */
	struct pi_seen seen[PI_SEEN_MAX];
	int nseen;
	size_t free;	/* the first empty entry the last walk passed, or (size_t)-1 */
};
/* Open the lock and table of the FIFO with 16-hex-digit id; detach closes what attach
 * opened, also after a failed attach. */
int pi_holders_attach(struct pi_holders *t, const char *id);
void pi_holders_detach(struct pi_holders *t);
void pi_holders_lock(struct pi_holders *t);
void pi_holders_unlock(struct pi_holders *t);
/* The one iterator: the next live entry at or after *i, or NULL.  Start with *i = 0.
 * Entries of ended processes and this process's entries whose descriptor is gone are
 * cleared on the way. */
struct pi_holder *pi_holders_next(struct pi_holders *t, size_t *i);
/* Enter h, an end this process holds, wrapped by descriptor fd (-1: by none yet, or owned
 * by the library).  ENFILE only when PI_HOLDERS_MAX live entries exist. */
int pi_holders_add(struct pi_holders *t, HANDLE h, int fd, int side, int server, uint64_t gen);
void pi_holders_set_fd(struct pi_holders *t, HANDLE h, int fd);
void pi_holders_remove(struct pi_holders *t, HANDLE h);
/* Does a process other than this one hold an end of side (1 read, 2 write, 0 either; lock
 * held)? */
int pi_holders_other_process(struct pi_holders *t, int side);
/* The holder's handle duplicated into this process, or NULL if it is gone or stale. */
HANDLE pi_holders_dup(const struct pi_holder *ho);

/* winapi.c: a handle's granted access, from the object manager (never waits on the object);
 * 0 (pi_granted_access) or `unknown` (pi_granted_access_or) if it cannot be asked. */
DWORD pi_granted_access(HANDLE h);
DWORD pi_granted_access_or(HANDLE h, DWORD unknown);
/* A pipe end's NamedPipeState (PI_PIPE_DISCONNECTED, _LISTENING, _CONNECTED, _CLOSING in
 * winapi.h), and the bytes it has to read in *avail (if not NULL); 0 if it cannot be asked.
 * The query is served in turn with the handle's other requests: it waits for a read another
 * thread or process is blocked in on the same file object. */
int pi_pipe_state(HANDLE h, ULONG *avail);

/* objfile.c: the life of the library's files, one way for shm, sem and message queues.
 * pi_object_file opens or creates an object file (CreateFileW's access, security and
 * disposition; shared for reading, writing and deletion, kept in the cache as a temporary
 * file), making the folders only when they are missing; the Win32 error stays in
 * GetLastError(). */
HANDLE pi_object_file(const wchar_t *path, DWORD access, SECURITY_ATTRIBUTES *sa, DWORD disp);
/* pi_file_publish makes a whole file appear under path at once: it is created beside path
 * under a name no object decodes to, with access (DELETE is added), sa and attributes
 * (0: normal), then size bytes of data are written at its start, fill (if not NULL) does
 * the rest, and it is renamed into place without replacing (EEXIST when the name is taken),
 * then given final_attributes (0: kept).  Returns the open handle; on failure the file is
 * gone and errno says why.  make_dirs creates missing folders (object folders); a FIFO's
 * marker, written whole and hidden until placed, is published with make_dirs 0. */
struct pi_publish {
	DWORD access;
	SECURITY_ATTRIBUTES *sa;
	DWORD attributes, final_attributes;
	int make_dirs;
	const void *data;
	DWORD size;
	int (*fill)(HANDLE file, void *ctx);	/* 0, or -1 with errno */
	void *ctx;
};
HANDLE pi_file_publish(const wchar_t *path, const struct pi_publish *p);
/* Rename the file open as h (with DELETE access) to path, never replacing a file there
 * (EEXIST). */
int pi_rename_noreplace(HANDLE h, const wchar_t *path);
/* Mark the file open as h deleted (as far as its mappings allow) and close h. */
void pi_file_discard(HANDLE h);
/* unlink(2) for object files: the name is free at once, even while the file is open and
 * mapped (POSIX deletion, else a plain delete when nothing else holds it, else a rename
 * aside); files renamed aside while mapped are deleted by a later sweep of the folder, run
 * when a marker says one is due.  _name takes a POSIX IPC name and the folder ("shm", "sem",
 * "mq").  pi_object_reclaim is for a holder about to close the file it opened as path: if
 * an unlink renamed it aside, the folder is swept. */
int pi_object_unlink(const wchar_t *path);
int pi_object_unlink_name(const char *sub, const char *name);
void pi_object_reclaim(HANDLE file, const wchar_t *path);

/* sem.c: clocks and deadlines as sem_timedwait reads them (ns since the epoch for
 * CLOCK_REALTIME; a deadline beyond 64 bits of ns saturates). */
int64_t pi_clock_ns(clockid_t clock);
int64_t pi_deadline_ns(const struct timespec *ts);

/* mqueue.c: how many message queue descriptors a process may hold (sysconf). */
long pi_mq_open_max(void);

/* shm.c: attributes every shm object's file is created with; fstat looks at an object's security
 * descriptor only when a file has them (Wine keeps neither attribute). */
#define PI_SHM_ATTRIBUTES (FILE_ATTRIBUTE_TEMPORARY | FILE_ATTRIBUTE_NOT_CONTENT_INDEXED)
/* fchmod of a shm object's handle h: its access list from mode, as shm_open wrote it (no umask);
 * 0, or -1 with errno (EPERM where the caller may not change it). */
int pi_shm_fchmod(HANDLE h, mode_t mode);

/* pipeio.c: named pipe handles as FIFOs and pipe() use them.  pi_pipe_set_wait switches h
 * between PIPE_WAIT and PIPE_NOWAIT; pi_pipe_no_peer says whether a Win32 error means the
 * other side is gone; pi_pipe_write_nowait writes without blocking (the caller keeps others
 * from switching h's mode meanwhile): writes of up to atomic bytes go whole or not at all,
 * longer ones in pieces of at most bufsize; it returns the count, 0 when nothing fitted, or
 * minus the Win32 error. */
int pi_pipe_set_wait(HANDLE h, int wait);
int pi_pipe_no_peer(DWORD err);
/* A failed pipe write's -1: EPIPE (pi_epipe) if err means no reader is left, else err's errno. */
int pi_pipe_write_fail(DWORD err);
/* The checks every FIFO and pipe write makes first, for an open file description with status
 * flags `flags`: -1 with errno, 0 for a write of nothing (which succeeds, as on Linux, even
 * without a reader), 1 to go on with *count at most PTRDIFF_MAX. */
int pi_pipe_write_check(int flags, const void *buf, size_t *count);
ssize_t pi_pipe_write_nowait(HANDLE h, const char *buf, size_t count, size_t bufsize,
			     size_t atomic);
/* The bytes a write could add to the connection whose read end is rh, asked of the read end:
 * 1, or 0 if it cannot be asked.  For Wine 8.0, whose write ends do not tell (poll.c). */
int pi_pipe_room(HANDLE rh, DWORD *room);

/* fifo.c: what a FIFO's marker file says.  id (16 hex digits) names the library's own
 * objects of the FIFO: its pipe \\.\pipe\posixipc.fifo.<id>.core, the holder table and
 * locks; pipe is the name native writers open (readers add PI_FIFO_READER_SUFFIX). */
#define PI_FIFO_NAME_MAX 257
#define PI_FIFO_READER_SUFFIX ".reader"
struct pi_fifo_ref {
	char id[17];
	char pipe[PI_FIFO_NAME_MAX];
	mode_t mode;
};
/* open() of the FIFO ref describes.  PI_O_RELAY: a native peer's relay (fifo_native.c),
 * whose open keeps no gateway of its own. */
#define PI_O_RELAY 0x40000000
int pi_fifo_open_ref(const struct pi_fifo_ref *ref, int flags);
/* fchmod of fd if it is a FIFO descriptor: chmod of the marker it was opened by, while that path
 * still names the same FIFO (one no longer there has no name whose mode an opener could meet:
 * 0, unchanged); 0 or -1 with errno.  1 if fd is no FIFO descriptor. */
int pi_fifo_fchmod(int fd, mode_t mode);

/* fifo_native.c: the process's gateway for native peers of a FIFO: while some open of it in
 * this process with access mode acc holds it, it listens for native writers (acc O_RDONLY
 * or O_RDWR) and native readers (O_WRONLY or O_RDWR).  t is that open's holder table, to
 * tell a squatter on the public names from another process of ours: EACCES when a program
 * that is none of ours holds one. */
int pi_native_hold(const struct pi_fifo_ref *ref, struct pi_holders *t, int acc);
void pi_native_release(const struct pi_fifo_ref *ref, struct pi_holders *t, int acc);
/* The named event set while some process listens for native writers (readers 0) or native
 * readers (1) of the FIFO. */
void pi_fifo_event_name(const struct pi_fifo_ref *ref, int readers, char *out, size_t size);

/* fifo.c: open() of a path that posixipc_is_fifo() recognises; returns a descriptor. */
/* 1 and the FIFO's mode if wpath, whose attributes the caller already has, is a FIFO made by
 * mkfifo; 0 otherwise, without opening the file unless the attributes mark a FIFO. */
int pi_fifo_marker_mode(const wchar_t *wpath, DWORD attrs, mode_t *mode);
/* chmod of wpath (attributes as for pi_fifo_marker_mode) if it is a FIFO: 1 when done, 0 if
 * it is no FIFO, -1 with errno. */
int pi_fifo_chmod(const wchar_t *wpath, DWORD attrs, mode_t mode);
int pi_fifo_open(const char *path, int flags, mode_t mode);
/* fifo.c: for open(), which lets the C runtime open path first: 1 with what the marker says
 * if descriptor fd (open on path) is a FIFO's marker, else 0; pi_fifo_open_marker then opens
 * that FIFO without reading the marker again. */
int pi_fifo_marker_of_fd(int fd, const char *path, struct pi_fifo_ref *ref);
int pi_fifo_open_marker(const char *path, const struct pi_fifo_ref *ref, int flags);

/* fifo.c, for poll: a FIFO descriptor's pipe ends (rh to read from, NULL for O_WRONLY; wh to
 * write to, NULL for O_RDONLY), its status flags, and whether a writer has come since it was
 * opened (Linux reports POLLHUP only then).  1 for a FIFO descriptor, which the caller ends
 * with pi_fifo_view_end(); 0 for any other. */
struct pi_fifo_view {
	HANDLE rh, wh;
	int flags;
	int writer_came;
	void *obj;
};
int pi_fifo_view(int fd, struct pi_fifo_view *v);
/* Does a live process hold the FIFO open for reading (side 1) or writing (side 2)? */
int pi_fifo_has_holder(const struct pi_fifo_view *v, int side);
void pi_fifo_view_end(struct pi_fifo_view *v);
/* The room left in the pipe a FIFO write end feeds, when this process holds a read end of
 * the same pipe (pi_pipe_room): 1, else 0. */
int pi_fifo_room(const struct pi_fifo_view *v, DWORD *room);

/* pipe.c: 1 if fd is an end made by pipe() (its O_* status flags in *flags), else 0. */
int pi_pipe_is_end(int fd, int *flags);
/* The room left in the pipe of fd, a pipe() write end, while a descriptor of this process
 * has its read end open (pi_pipe_room): 1, else 0. */
int pi_pipe_end_room(int fd, DWORD *room);
/* Give a C runtime descriptor on any pipe (without library state) a pipe end's state with
 * status flags `flags`: 1 if done, 0 if fd is no pipe, -1 with errno. */
int pi_pipe_adopt(int fd, int flags);

/* poll.c: a poll may leave a waiter thread blocked in a zero-byte read on an idle pipe read
 * end; this cancels the one on fd's handle, as requests on a synchronous handle are served
 * one at a time.  Called before the library reads, writes or closes a descriptor. */
void pi_poll_forget(int fd);

/* O_NONBLOCK is defined once, in compat/fcntl.h, which programs see too (a bit the C runtime
 * does not use). */
#include <fcntl.h>

#endif
