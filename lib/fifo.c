/* FIFOs: mkfifo's marker file, opening a FIFO as one end of a Win32 named pipe, and the
 * descriptor operations (read, write, close, O_NONBLOCK, dup) for FIFO descriptors.
 * All readers of a FIFO share one end of a single pipe connection and all writers the other,
 * so end of file and EPIPE come from the kernel's own counting of open handles.  Whoever
 * opens first creates the pipe; later openers duplicate an end from a process that holds
 * one (the holder table, fifo_holders.c) or connect to the other side's server end. */
#include <fcntl.h>
#include <io.h>
#include <posixipc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <wchar.h>

#include "internal.h"
#include "winapi.h"

#define MAGIC "posixipc-fifo 1\n"
#define PIPE_ROOT "\\\\.\\pipe\\"
#define PIPE_PREFIX PIPE_ROOT "posixipc.fifo."
#define ID_LEN 16
/* The marker file is small; anything longer is not one of ours. */
#define FILE_MAX 512
#define PIPE_BUFSIZE 65536
#define FIFO_PIPE_BUF 4096

enum side { SIDE_READ = 1, SIDE_WRITE = 2 };

/* One end of the pipe as this process holds it. */
struct end {
	HANDLE h;
	int server;
	uint64_t gen;
};

/* One open() of a FIFO (an open file description): shared by its dup()s. */
struct fifo_open {
	volatile LONG refs;
	volatile LONG flags;
	struct pi_fifo_ref ref;
	/* The marker's full path as opened (NULL for a relay's open), for fchmod. */
	wchar_t *marker;
	/* The FIFO's own pipe, which only the library opens. */
	wchar_t wpipe[64];
	struct pi_holders t;
	/* This open keeps the process's native gateway (fifo_native.c) listening. */
	int native;
	/* A native peer's relay opened this (PI_O_RELAY). */
	int relay;
	/* O_RDWR only: the write end; the descriptor itself wraps the read end.  wend_lock
	 * keeps it from being replaced while the echo uses it. */
	struct end wend;
	SRWLOCK wend_lock;
	/* O_RDWR only: the echo's timer (see below), the FIFO's echo lock, the delay before
	 * the next tick, the thread running a tick (0 between ticks), and the stop request. */
	PTP_TIMER echo;
	HANDLE echo_mutex;
	DWORD echo_ms;
	volatile LONG echo_tid, echo_stopping;
	mode_t mode;
	/* O_RDONLY|O_NONBLOCK opened with no writer: how often the write side had been opened
	 * then, since Linux reports no POLLHUP until a writer comes; else -1. */
	LONG hup_seen;
};

/* One descriptor: its HANDLE is the C runtime's, described by `end`. */
struct fifo_fd {
	volatile LONG refs;
	struct fifo_open *of;
	struct end end;
};

/* ------------------------------------------------------------------ the marker file */

static int fifo_path_wide(const char *path, wchar_t **out)
{
	*out = NULL;
	if (path == NULL)
		return pi_fail(EFAULT);
	if (path[0] == '\0')
		return pi_fail(ENOENT);
	*out = pi_path_to_wide(path);
	return *out == NULL ? -1 : 0;
}

/* Paths in the device namespace (\\.\pipe\x, \\.\COM1) are never FIFOs, and opening one to
 * look inside could connect to a pipe or block. */
static int is_device_path(const wchar_t *w)
{
	return (w[0] == L'\\' || w[0] == L'/') && (w[1] == L'\\' || w[1] == L'/') &&
	       w[2] == L'.' && (w[3] == L'\\' || w[3] == L'/');
}

static int parse_hex_id(const char *s)
{
	int i;

	for (i = 0; i < ID_LEN; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* Markers carry FILE_ATTRIBUTE_SYSTEM, which stat's one attribute query already returns, so
 * ordinary files are never opened to see whether they are FIFOs.  (SYSTEM is the attribute that
 * Wine keeps besides HIDDEN; it does not stop unlink() as READONLY would.) */
static int is_marker_attrs(DWORD attrs)
{
	return attrs != INVALID_FILE_ATTRIBUTES && (attrs & FILE_ATTRIBUTE_SYSTEM) &&
	       !(attrs & (FILE_ATTRIBUTE_DIRECTORY | FILE_ATTRIBUTE_DEVICE));
}

/* The pipe name a native program opens when the program chose none. */
static void default_pipe_name(const char *id, char *out, size_t size)
{
	snprintf(out, size, PIPE_PREFIX "%s", id);
}

/* A chosen pipe name: "\\.\pipe\" and a part of its own, with room for the readers' suffix
 * and the event name, and no character Win32 object names refuse. */
static int check_pipe_name(const char *name)
{
	const char *part = name + sizeof PIPE_ROOT - 1;
	size_t len;

	if (_strnicmp(name, PIPE_ROOT, sizeof PIPE_ROOT - 1) != 0 || *part == '\0')
		return pi_fail(EINVAL);
	len = strlen(name);
	if (len + sizeof PI_FIFO_READER_SUFFIX > PI_FIFO_NAME_MAX)
		return pi_fail(ENAMETOOLONG);
	if (strpbrk(part, "\\\n") != NULL)
		return pi_fail(EINVAL);
	return 0;
}

/* The marker's lines after MAGIC: the pipe name native programs open, the mode, and the
 * id behind the library's own objects (markers of 0.1 and 0.2 carry no id line: their
 * name is the default one, which holds it). */
static int parse_marker(char *text, struct pi_fifo_ref *ref)
{
	char *name = text, *mode, *id, *end;

	if ((end = strchr(name, '\n')) == NULL)
		return 0;
	*end = '\0';
	mode = end + 1;
	if ((end = strchr(mode, '\n')) == NULL)
		return 0;
	*end = '\0';
	id = end + 1;
	if ((end = strchr(id, '\n')) != NULL)
		*end = '\0';
	else if (strncmp(name, PIPE_PREFIX, sizeof PIPE_PREFIX - 1) == 0)
		id = name + sizeof PIPE_PREFIX - 1;
	if (strlen(id) != ID_LEN || !parse_hex_id(id) || strlen(name) >= PI_FIFO_NAME_MAX ||
	    _strnicmp(name, PIPE_ROOT, sizeof PIPE_ROOT - 1) != 0)
		return 0;
	memcpy(ref->id, id, ID_LEN + 1);
	strcpy(ref->pipe, name);
	ref->mode = (mode_t)strtoul(mode, NULL, 8) & 0777;
	return 1;
}

/* What n bytes read from the start of a marker say: 1 and the FIFO, 0 if they are no marker. */
static int marker_text(char *buf, DWORD n, struct pi_fifo_ref *ref)
{
	if (n < sizeof MAGIC - 1 || memcmp(buf, MAGIC, sizeof MAGIC - 1) != 0)
		return 0;
	buf[n] = '\0';
	return parse_marker(buf + sizeof MAGIC - 1, ref);
}

/* Read the marker file: 1 and what it says if it is a FIFO, 0 if it is not, -1 with errno
 * if it cannot be read. */
static int read_marker(const wchar_t *wpath, struct pi_fifo_ref *ref)
{
	char buf[FILE_MAX + 1];
	struct pi_fifo_ref scratch;
	HANDLE h;
	DWORD n = 0, attrs;
	BOOL ok;

	if (is_device_path(wpath))
		return 0;
	attrs = GetFileAttributesW(wpath);
	if (attrs == INVALID_FILE_ATTRIBUTES)
		return pi_fail_win32(0);
	if (!is_marker_attrs(attrs))
		return 0;
	h = CreateFileW(wpath, FILE_READ_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE |
			FILE_SHARE_DELETE, NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
	if (h == INVALID_HANDLE_VALUE)
		return pi_fail_win32(0);
	ok = GetFileType(h) == FILE_TYPE_DISK && ReadFile(h, buf, FILE_MAX, &n, NULL);
	CloseHandle(h);
	return ok ? marker_text(buf, n, ref != NULL ? ref : &scratch) : 0;
}

/* The marker behind a descriptor the C runtime has just opened on path, read through the
 * descriptor's handle where it may read (a path lookup and an open fewer), else by path.
 * The file position is put back, for a file that is no FIFO stays the caller's. */
int pi_fifo_marker_of_fd(int fd, const char *path, struct pi_fifo_ref *ref)
{
	static const LARGE_INTEGER start;
	char buf[FILE_MAX + 1];
	FILE_BASIC_INFO info;
	HANDLE h = pi_fd_handle(fd);
	DWORD n = 0;
	wchar_t *w;
	int e, r;

	if (!GetFileInformationByHandleEx(h, FileBasicInfo, &info, sizeof info) ||
	    !is_marker_attrs(info.FileAttributes))
		return 0;
	if (GetFileType(h) != FILE_TYPE_DISK)
		return 0;
	if (ReadFile(h, buf, FILE_MAX, &n, NULL)) {
		SetFilePointerEx(h, start, NULL, FILE_BEGIN);
		return marker_text(buf, n, ref);
	}
	e = errno;
	r = fifo_path_wide(path, &w) == 0 && read_marker(w, ref) == 1;
	free(w);
	errno = e;
	return r;
}

int pi_fifo_marker_mode(const wchar_t *wpath, DWORD attrs, mode_t *mode)
{
	struct pi_fifo_ref ref;
	int e = errno, r;

	if (!is_marker_attrs(attrs))
		return 0;
	r = read_marker(wpath, &ref) == 1;
	if (r)
		*mode = ref.mode;
	errno = e;
	return r;
}

/* chmod of a FIFO rewrites the three digits of the marker's mode line in place (a reader
 * sees the old mode or the new one) and the marker's own access list.  The FIFO's pipes take
 * the new mode when they are next made: a FIFO that is open somewhere keeps its pipes'
 * permissions until every process has closed it. */
static int chmod_marker(const wchar_t *wpath, const struct pi_fifo_ref *ref, mode_t mode)
{
	char digits[4];
	OVERLAPPED at = { 0 };
	struct pi_sa sa;
	HANDLE h;
	DWORD n = 0, err = 0;

	mode &= 0777;
	h = CreateFileW(wpath, FILE_WRITE_DATA | READ_CONTROL | WRITE_DAC,
			FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL, OPEN_EXISTING,
			FILE_ATTRIBUTE_NORMAL, NULL);
	if (h == INVALID_HANDLE_VALUE) {
		err = GetLastError();
		/* POSIX: only the owner may change the mode. */
		return pi_fail(err == ERROR_ACCESS_DENIED ? EPERM : pi_errno_from_win32(err));
	}
	snprintf(digits, sizeof digits, "%03o", (unsigned)mode);
	at.Offset = (DWORD)(sizeof MAGIC - 1 + strlen(ref->pipe) + 1);
	if (!WriteFile(h, digits, 3, &n, &at) || n != 3)
		err = GetLastError() ? GetLastError() : ERROR_WRITE_FAULT;
	/* The marker stays readable and removable by its owner, as mkfifo made it. */
	if (!err && pi_sa_from_mode(mode | 0600, FILE_GENERIC_READ, FILE_GENERIC_WRITE, &sa) == 0) {
		if (!SetKernelObjectSecurity(h, DACL_SECURITY_INFORMATION, sa.sd))
			err = GetLastError();
		pi_sa_free(&sa);
	}
	CloseHandle(h);
	return err ? pi_fail_win32(err) : 1;
}

int pi_fifo_chmod(const wchar_t *wpath, DWORD attrs, mode_t mode)
{
	struct pi_fifo_ref ref;

	if (!is_marker_attrs(attrs))
		return 0;
	/* A file with the attribute that cannot be read (another program holds it without
	 * sharing) is no FIFO the library made: the C runtime's chmod takes it. */
	if (read_marker(wpath, &ref) != 1)
		return 0;
	return chmod_marker(wpath, &ref, mode);
}

PI_EXPORT int posixipc_is_fifo(const char *path)
{
	int e = errno, r = 0;
	DWORD err = GetLastError();
	wchar_t *w;

	if (path != NULL && path[0] != '\0' && (w = pi_path_to_wide(path)) != NULL) {
		r = read_marker(w, NULL) == 1;
		free(w);
	}
	errno = e;
	SetLastError(err);
	return r;
}

/* mkfifo with the pipe name native programs open: `name`, or the default for a new id. */
static int make_fifo(const char *path, mode_t mode, const char *name)
{
	char text[FILE_MAX], id[ID_LEN + 1], dflt[PI_FIFO_NAME_MAX];
	struct pi_publish pub = { 0 };
	struct pi_sa sa;
	HANDLE h;
	wchar_t *w;
	int len, err;

	if (fifo_path_wide(path, &w) < 0)
		return -1;
	mode &= 0777 & ~pi_umask();
	snprintf(id, sizeof id, "%016llx", (unsigned long long)pi_random64());
	if (name == NULL) {
		default_pipe_name(id, dflt, sizeof dflt);
		name = dflt;
	}
	len = snprintf(text, sizeof text, MAGIC "%s\n%03o\n%s\n", name, (unsigned)mode, id);
	/* The pipe gets the mode; the marker file stays readable and removable by its owner,
	 * since opening needs to read it and unlink() must work whatever the mode. */
	if (pi_sa_from_mode(mode | 0600, FILE_GENERIC_READ, FILE_GENERIC_WRITE, &sa) < 0) {
		free(w);
		return -1;
	}
	/* Other processes see a whole FIFO or nothing, and a process killed half-way leaves
	 * nothing at the path: the marker is written hidden beside it, then moved into place. */
	pub.access = GENERIC_WRITE;
	pub.sa = &sa.sa;
	pub.attributes = FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_SYSTEM;
	pub.final_attributes = FILE_ATTRIBUTE_SYSTEM;
	pub.data = text;
	pub.size = (DWORD)len;
	h = pi_file_publish(w, &pub);
	err = errno;
	/* An existing folder may be reported as access denied: POSIX says EEXIST. */
	if (h == INVALID_HANDLE_VALUE && err == EACCES &&
	    GetFileAttributesW(w) != INVALID_FILE_ATTRIBUTES)
		err = EEXIST;
	pi_sa_free(&sa);
	free(w);
	if (h == INVALID_HANDLE_VALUE)
		return pi_fail(err);
	CloseHandle(h);
	return 0;
}

PI_EXPORT int posixipc_mkfifo(const char *path, mode_t mode)
{
	return make_fifo(path, mode, NULL);
}

PI_EXPORT int posixipc_mkfifo_named(const char *path, mode_t mode, const char *pipe_name)
{
	if (path == NULL || pipe_name == NULL)
		return pi_fail(EFAULT);
	if (check_pipe_name(pipe_name) < 0)
		return -1;
	return make_fifo(path, mode, pipe_name);
}

static int is_absolute(const char *p)
{
	if (p[0] == '/' || p[0] == '\\')
		return 1;
	return ((p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z')) && p[1] == ':' &&
	       (p[2] == '/' || p[2] == '\\');
}

PI_EXPORT int posixipc_mkfifoat(int dirfd, const char *path, mode_t mode)
{
	if (path == NULL)
		return pi_fail(EFAULT);
	if (dirfd == AT_FDCWD || is_absolute(path))
		return posixipc_mkfifo(path, mode);
	/* The C runtime cannot open a folder as a descriptor, so no valid descriptor names
	 * one. */
	if (pi_fd_handle(dirfd) == INVALID_HANDLE_VALUE)
		return pi_fail(EBADF);
	return pi_fail(ENOTDIR);
}

/* What the marker at path says, for the name getters. */
static int ref_of_path(const char *path, struct pi_fifo_ref *ref)
{
	wchar_t *w;
	int r;

	if (path == NULL || path[0] == '\0')
		return pi_fail(EINVAL);
	w = pi_path_to_wide(path);
	if (w == NULL)
		return -1;
	r = read_marker(w, ref);
	free(w);
	if (r == 0)
		return pi_fail(EINVAL);
	return r < 0 ? -1 : 0;
}

static int copy_name(char *buf, size_t size, const char *a, const char *b)
{
	if (buf == NULL)
		return pi_fail(EINVAL);
	if (strlen(a) + strlen(b) >= size)
		return pi_fail(ERANGE);
	strcpy(buf, a);
	strcat(buf, b);
	return 0;
}

PI_EXPORT int posixipc_fifo_pipe_name(const char *path, char *buf, size_t size)
{
	struct pi_fifo_ref ref;

	if (buf == NULL)
		return pi_fail(EINVAL);
	return ref_of_path(path, &ref) < 0 ? -1 : copy_name(buf, size, ref.pipe, "");
}

PI_EXPORT int posixipc_fifo_reader_pipe_name(const char *path, char *buf, size_t size)
{
	struct pi_fifo_ref ref;

	if (buf == NULL)
		return pi_fail(EINVAL);
	return ref_of_path(path, &ref) < 0 ? -1 :
	       copy_name(buf, size, ref.pipe, PI_FIFO_READER_SUFFIX);
}

static int event_name(const char *path, int readers, char *buf, size_t size)
{
	struct pi_fifo_ref ref;
	char name[PI_FIFO_NAME_MAX + 64];

	if (buf == NULL)
		return pi_fail(EINVAL);
	if (ref_of_path(path, &ref) < 0)
		return -1;
	pi_fifo_event_name(&ref, readers, name, sizeof name);
	return copy_name(buf, size, name, "");
}

PI_EXPORT int posixipc_fifo_event_name(const char *path, char *buf, size_t size)
{
	return event_name(path, 0, buf, size);
}

PI_EXPORT int posixipc_fifo_reader_event_name(const char *path, char *buf, size_t size)
{
	return event_name(path, 1, buf, size);
}

/* ------------------------------------------------------------------ pipe ends
 * Every handle here is synchronous (C runtime descriptors cannot be overlapped), and Windows
 * serialises all requests on a synchronous file object: a query on an end that another
 * thread or process is blocked reading would wait for that read.  So ends borrowed from
 * other holders are only examined through the object manager (NtQueryObject), and whether
 * an end is a server end is remembered, not asked. */

/* Put a server end whose client has gone back into the listening state, so that the next
 * opener of the other side (or a native program) can connect.  Unread data is dropped, so
 * callers only do this when there is none or nobody left to read it.  A synchronous handle
 * would block in ConnectNamedPipe; in non-blocking mode it returns at once, listening. */
static void relisten(HANDLE server)
{
	if (pi_pipe_state(server, NULL) != PI_PIPE_DISCONNECTED)
		DisconnectNamedPipe(server);
	pi_pipe_set_wait(server, 0);
	ConnectNamedPipe(server, NULL);
	pi_pipe_set_wait(server, 1);
}

static void lock(struct fifo_open *of)
{
	pi_holders_lock(&of->t);
}

static void unlock(struct fifo_open *of)
{
	pi_holders_unlock(&of->t);
}

/* Does a live process hold a server end of generation gen? */
static int server_alive(struct fifo_open *of, uint64_t gen)
{
	struct pi_holder *ho;
	size_t i = 0;

	while ((ho = pi_holders_next(&of->t, &i)) != NULL)
		if (ho->server && ho->gen == gen)
			return 1;
	return 0;
}

static int add_holder(struct fifo_open *of, const struct end *e, int fd, enum side side)
{
	return pi_holders_add(&of->t, e->h, fd, side, e->server, e->gen);
}

static void remove_holder(struct fifo_open *of, HANDLE h)
{
	pi_holders_remove(&of->t, h);
}

/* Does a live process hold an end of the given side (usable or not)? */
static int has_live_holder(struct fifo_open *of, enum side side)
{
	struct pi_holder *ho;
	size_t i = 0;

	lock(of);
	while ((ho = pi_holders_next(&of->t, &i)) != NULL && ho->side != (DWORD)side)
		;
	unlock(of);
	return ho != NULL;
}

/* A usable end of the given side and kind (server 1, client 0, either -1) from some
 * holder.  1 if found.  A caller that only uses the end with the lock held passes
 * borrowed: an end that this process's library holds without a descriptor (whose entry
 * goes before its handle closes) is then lent as it is, not duplicated, and *borrowed says
 * so; the caller closes only an end that was not lent. */
static int find_end(struct fifo_open *of, enum side side, int server, struct end *out,
		    int *borrowed)
{
	struct pi_holder *ho;
	size_t i = 0;
	HANDLE h;
	int lend;

	while ((ho = pi_holders_next(&of->t, &i)) != NULL) {
		if (ho->side != (DWORD)side || (server >= 0 && ho->server != (DWORD)server))
			continue;
		/* A client end whose pipe instance has gone is dead for good. */
		if (!ho->server && !server_alive(of, ho->gen))
			continue;
		lend = borrowed != NULL && ho->pid == GetCurrentProcessId() && ho->fd < 0;
		h = lend ? (HANDLE)(uintptr_t)ho->handle : pi_holders_dup(ho);
		if (h == NULL)
			continue;
		if (borrowed != NULL)
			*borrowed = lend;
		out->h = h;
		out->server = (int)ho->server;
		out->gen = ho->gen;
		return 1;
	}
	return 0;
}

/* Client ends are asked for both directions, so that an O_RDWR descriptor's read end takes
 * the C runtime's writes and the echo can read the write end (below); where the mode grants
 * only one, one is enough for O_RDONLY and O_WRONLY openers. */
static HANDLE connect_client(struct fifo_open *of, enum side side)
{
	DWORD access = side == SIDE_READ ? GENERIC_READ | FILE_WRITE_ATTRIBUTES :
					   GENERIC_WRITE | FILE_READ_ATTRIBUTES;
	HANDLE h = CreateFileW(of->wpipe, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
			       0, NULL);

	if (h == INVALID_HANDLE_VALUE && GetLastError() == ERROR_ACCESS_DENIED)
		h = CreateFileW(of->wpipe, access, 0, NULL, OPEN_EXISTING, 0, NULL);
	return h;
}

static HANDLE create_server(struct fifo_open *of, mode_t mode)
{
	struct pi_sa sa;
	HANDLE h;

	if (pi_sa_from_mode(mode, GENERIC_READ | FILE_WRITE_ATTRIBUTES,
			    GENERIC_WRITE | FILE_READ_ATTRIBUTES, &sa) < 0)
		return INVALID_HANDLE_VALUE;
	h = CreateNamedPipeW(of->wpipe, PIPE_ACCESS_DUPLEX | FILE_FLAG_FIRST_PIPE_INSTANCE,
			     PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT |
				     PIPE_REJECT_REMOTE_CLIENTS,
			     1, PIPE_BUFSIZE, PIPE_BUFSIZE, 0, &sa.sa);
	pi_sa_free(&sa);
	/* FILE_FLAG_FIRST_PIPE_INSTANCE already makes Windows refuse a name someone else
	 * created first; Wine 8.0 ignores that flag and joins the existing pipe instead, so
	 * check that the new instance is the pipe's only one as well. */
	if (h != INVALID_HANDLE_VALUE && !pi_pipe_only_instance(h, 1)) {
		CloseHandle(h);
		SetLastError(ERROR_ACCESS_DENIED);
		return INVALID_HANDLE_VALUE;
	}
	return h;
}

/* Take the bytes a departed writer left unread out of the server end (up to one buffer). */
static char *drain(HANDLE server, DWORD *len)
{
	char *buf = malloc(PIPE_BUFSIZE);
	DWORD n;

	*len = 0;
	if (buf == NULL)
		return NULL;
	pi_pipe_set_wait(server, 0);
	while (*len < PIPE_BUFSIZE &&
	       ReadFile(server, buf + *len, PIPE_BUFSIZE - *len, &n, NULL) && n > 0)
		*len += n;
	pi_pipe_set_wait(server, 1);
	return buf;
}

/* The other side's server end still holds the connection of our side's last, departed
 * opener: make it listen again and connect.  A new writer carries over the bytes the old
 * writers left unread, ahead of its own, as they would stay in a Linux pipe; what old
 * readers left unread is dropped, as on Linux. */
static HANDLE reconnect(struct fifo_open *of, HANDLE server, enum side side, ULONG avail)
{
	char *saved = NULL;
	DWORD len = 0, n;
	HANDLE h;

	if (side == SIDE_WRITE && avail > 0) {
		saved = drain(server, &len);
		if (saved == NULL) {
			SetLastError(ERROR_NOT_ENOUGH_MEMORY);
			return INVALID_HANDLE_VALUE;
		}
	}
	relisten(server);
	h = connect_client(of, side);
	/* The new connection's buffer is empty and as large as the old one: this fits. */
	if (h != INVALID_HANDLE_VALUE && len > 0)
		WriteFile(h, saved, len, &n, NULL);
	free(saved);
	return h;
}

/* Connect as a client to the server end the other side holds.  0, -1 with errno, or 1 when
 * the server is busy with a connection that is going away or with a native peer. */
static int join_server(struct fifo_open *of, const struct end *srv, enum side side,
		       struct end *out)
{
	ULONG avail = 0;
	HANDLE h;
	int state;

	h = connect_client(of, side);
	if (h == INVALID_HANDLE_VALUE && GetLastError() == ERROR_PIPE_BUSY) {
		state = pi_pipe_state(srv->h, &avail);
		if (state == PI_PIPE_DISCONNECTED || state == PI_PIPE_CLOSING)
			h = reconnect(of, srv->h, side, state == PI_PIPE_CLOSING ? avail : 0);
	}
	if (h == INVALID_HANDLE_VALUE)
		return GetLastError() == ERROR_PIPE_BUSY ? 1 : pi_fail_win32(0);
	out->h = h;
	out->server = 0;
	out->gen = srv->gen;
	return 0;
}

/* An end of the pipe for a new opener of `side`, with the lock held.  Order: share an end
 * another opener of the same side holds; else connect to the server the other side holds;
 * else create the pipe.  0, -1 with errno, or 1: busy, try again shortly. */
static int get_end(struct fifo_open *of, enum side side, int nonblock, struct end *out)
{
	enum side other = side == SIDE_READ ? SIDE_WRITE : SIDE_READ;
	struct end srv;
	HANDLE h;
	int r, lent;

	if (find_end(of, side, -1, out, NULL))
		return 0;
	if (find_end(of, other, 1, &srv, &lent)) {
		r = join_server(of, &srv, side, out);
		if (!lent)
			CloseHandle(srv.h);
		return r;
	}
	if (side == SIDE_WRITE && nonblock)
		return pi_fail(ENXIO);
	h = create_server(of, of->mode);
	if (h == INVALID_HANDLE_VALUE) {
		/* Nobody we know holds the pipe, yet it exists: another program made it under
		 * our name, and it must not be trusted with the data. */
		if (GetLastError() == ERROR_ACCESS_DENIED || GetLastError() == ERROR_PIPE_BUSY)
			return pi_fail(EACCES);
		return pi_fail_win32(0);
	}
	out->h = h;
	out->server = 1;
	out->gen = ++of->t.st->gen;
	return 0;
}

/* ------------------------------------------------------------------ the echo
 * An O_RDWR descriptor is one C runtime descriptor, and the C runtime's _read and _write
 * (stdio, code built without the headers) use its one HANDLE for both: the read end, so
 * that it reads what every writer wrote.  What the runtime writes into the read end travels
 * the connection's other direction and arrives at the write end, where no one reads.  The
 * echo, a timer of each O_RDWR open file description, takes those bytes from the
 * write end and writes them back into it, so that they reach the readers (this descriptor
 * included) as if written there.  The echo lock, one per FIFO across processes, makes sure
 * one echo at a time reads the write end, and reads only what is there, so that no read
 * ever blocks on a handle the writers share.  The library's own write() goes straight to
 * the write end, after what the runtime wrote before it. */

#define ECHO_IDLE_MS 16

/* The room towards the readers of pipe instance gen, as a read end this process holds on it
 * tells (Wine 8.0 reports no write quota on write ends): 1, or 0 if it holds none.  The lock
 * keeps the entry's handle open while it is asked. */
static int read_end_room(struct fifo_open *of, uint64_t gen, DWORD *room)
{
	struct pi_holder *ho;
	DWORD self = GetCurrentProcessId();
	size_t i = 0;
	int r = 0;

	lock(of);
	while ((ho = pi_holders_next(&of->t, &i)) != NULL)
		if (ho->pid == self && ho->side == SIDE_READ && ho->gen == gen) {
			r = pi_pipe_room((HANDLE)(uintptr_t)ho->handle, room);
			break;
		}
	unlock(of);
	return r;
}

/* Move what waits at the write end back into it, no more than there is room for, so that a
 * tick does not block on a full pipe (it still may, if another writer takes the room first).
 * A first look, without the echo lock, finds most ticks idle.  The holder table's lock is
 * never taken with wend_lock held (renew_end takes them the other way round).  1 if bytes
 * moved, 0 if none wait, -1 if some wait that could not move yet. */
static int echo_once(struct fifo_open *of)
{
	static char scratch[1];
	FILE_PIPE_LOCAL_INFORMATION info;
	char *buf = NULL;
	DWORD avail = 0, n = 0, w, room = 0;
	HANDLE h;
	BOOL ok;
	int moved = 0;

	AcquireSRWLockShared(&of->wend_lock);
	ok = PeekNamedPipe(of->wend.h, scratch, 0, NULL, &avail, NULL) && avail > 0;
	if (ok && pi_pipe_info(of->wend.h, &info))
		room = info.WriteQuotaAvailable;
	ReleaseSRWLockShared(&of->wend_lock);
	if (!ok)
		return 0;
	if (room == 0 && !read_end_room(of, of->wend.gen, &room))
		room = PIPE_BUFSIZE;
	AcquireSRWLockShared(&of->wend_lock);
	h = of->wend.h;
	if (WaitForSingleObject(of->echo_mutex, ECHO_IDLE_MS) == WAIT_TIMEOUT) {
		ReleaseSRWLockShared(&of->wend_lock);
		return 0;
	}
	if (PeekNamedPipe(h, scratch, 0, NULL, &avail, NULL) && avail > 0 && room > 0) {
		if (avail > room)
			avail = room;
		if (avail > PIPE_BUFSIZE)
			avail = PIPE_BUFSIZE;
		buf = malloc(avail);
		if (buf != NULL && !ReadFile(h, buf, avail, &n, NULL))
			n = 0;
	}
	ReleaseMutex(of->echo_mutex);
	for (w = 0; moved < (int)n; moved += (int)w)
		if (!WriteFile(h, buf + moved, n - (DWORD)moved, &w, NULL))
			break;
	ReleaseSRWLockShared(&of->wend_lock);
	free(buf);
	return n > 0 ? 1 : -1;
}

/* Move everything that waits, as readers make room: before the library's own write, which
 * must come after what the runtime wrote, and when the descriptor closes.  give_up_ms > 0:
 * after that long without progress what is left is lost, as a killed writer's bytes would
 * be, so that close() never hangs on a pipe nobody reads. */
static void echo_drain(struct fifo_open *of, DWORD give_up_ms)
{
	DWORD since = GetTickCount();
	int r;

	while ((r = echo_once(of)) != 0) {
		if (r > 0)
			since = GetTickCount();
		else if (give_up_ms > 0 && GetTickCount() - since >= give_up_ms)
			return;
		else
			Sleep(1);
	}
}

/* The echo ticks on a thread-pool timer, which costs nothing between ticks and little to
 * start (under Wine 8.0 a thread of its own takes about a millisecond to start and end, a
 * timer a few microseconds).  Each tick arms the next: soon after bytes moved, up to
 * ECHO_IDLE_MS later while there are none.  The timers have a pool of their own, of
 * ECHO_THREADS threads made with the first O_RDWR open: the process's default pool adds a
 * thread whenever every one it has is busy, and ticks of many opens grew it by dozens for a
 * while.  A tick blocks only when another writer takes the room it found, until a reader
 * makes more, so a few threads serve every FIFO. */
#define ECHO_THREADS 2

static TP_CALLBACK_ENVIRON echo_env;
static INIT_ONCE echo_pool_once = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK echo_pool_init(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
	PTP_POOL pool = CreateThreadpool(NULL);

	(void)once;
	(void)param;
	(void)ctx;
	if (pool == NULL)
		return FALSE;
	SetThreadpoolThreadMaximum(pool, ECHO_THREADS);
	if (!SetThreadpoolThreadMinimum(pool, ECHO_THREADS)) {
		CloseThreadpool(pool);
		return FALSE;
	}
	InitializeThreadpoolEnvironment(&echo_env);
	SetThreadpoolCallbackPool(&echo_env, pool);
	return TRUE;
}

static void echo_arm(struct fifo_open *of)
{
	ULARGE_INTEGER t;
	FILETIME due;

	t.QuadPart = (ULONGLONG)(-(LONGLONG)of->echo_ms * 10000);
	due.dwLowDateTime = t.LowPart;
	due.dwHighDateTime = t.HighPart;
	SetThreadpoolTimer(of->echo, &due, 0, 0);
}

static VOID CALLBACK echo_tick(PTP_CALLBACK_INSTANCE inst, PVOID arg, PTP_TIMER timer)
{
	struct fifo_open *of = arg;

	(void)inst;
	(void)timer;
	/* Both flags are set with full barriers: either echo_stop sees this tick running, or
	 * the tick sees the stop request. */
	InterlockedExchange(&of->echo_tid, (LONG)GetCurrentThreadId());
	if (!of->echo_stopping) {
		of->echo_ms = echo_once(of) > 0 ? 1 : of->echo_ms < ECHO_IDLE_MS ? of->echo_ms * 2 :
									     ECHO_IDLE_MS;
		if (!of->echo_stopping)
			echo_arm(of);
	}
	InterlockedExchange(&of->echo_tid, 0);
}

static int echo_start(struct fifo_open *of)
{
	wchar_t name[128];

	swprintf(name, 128, L"%lsposixipc.fifo.%hs.echo.v1", pi_object_namespace(), of->ref.id);
	of->echo_mutex = CreateMutexW(NULL, FALSE, name);
	if (of->echo_mutex == NULL)
		return pi_fail_win32(0);
	if (!InitOnceExecuteOnce(&echo_pool_once, echo_pool_init, NULL, NULL))
		return pi_fail_win32(0);
	of->echo = CreateThreadpoolTimer(echo_tick, of, &echo_env);
	if (of->echo == NULL)
		return pi_fail_win32(0);
	InterlockedIncrement(&of->t.st->echoes);
	of->echo_ms = 1;
	echo_arm(of);
	return 0;
}

/* A tick's write that cannot finish (the pipe is full and nobody reads) must not hold up
 * close(): after a second it is cancelled, and those bytes are lost as a killed writer's
 * would be.  The thread is cancelled only while it still runs the tick it was opened for. */
static void cancel_tick(struct fifo_open *of, DWORD tid)
{
	HANDLE t = OpenThread(THREAD_TERMINATE, FALSE, tid);

	if (t == NULL)
		return;
	if ((DWORD)of->echo_tid == tid)
		CancelSynchronousIo(t);
	CloseHandle(t);
}

static void echo_stop(struct fifo_open *of)
{
	DWORD tid, start = GetTickCount();

	if (of->echo != NULL) {
		InterlockedExchange(&of->echo_stopping, 1);
		while ((tid = (DWORD)of->echo_tid) != 0) {
			if (GetTickCount() - start >= 1000)
				cancel_tick(of, tid);
			Sleep(1);
		}
		SetThreadpoolTimer(of->echo, NULL, 0, 0);
		WaitForThreadpoolTimerCallbacks(of->echo, TRUE);
		CloseThreadpoolTimer(of->echo);
		/* What the last runtime writes left goes out before the write end closes. */
		echo_drain(of, 1000);
		InterlockedDecrement(&of->t.st->echoes);
	}
	if (of->echo_mutex != NULL)
		CloseHandle(of->echo_mutex);
}

/* ------------------------------------------------------------------ open */

static void open_free(struct fifo_open *of)
{
	if (of->native)
		pi_native_release(&of->ref, &of->t, of->flags & O_ACCMODE);
	echo_stop(of);
	if (of->wend.h != NULL) {
		lock(of);
		remove_holder(of, of->wend.h);
		unlock(of);
		CloseHandle(of->wend.h);
	}
	pi_holders_detach(&of->t);
	free(of->marker);
	free(of);
}

static void open_unref(struct fifo_open *of)
{
	if (InterlockedDecrement(&of->refs) == 0)
		open_free(of);
}

static struct fifo_open *open_new(const struct pi_fifo_ref *ref, int flags)
{
	struct fifo_open *of = calloc(1, sizeof *of);

	if (of == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	of->refs = 1;
	of->flags = flags & (O_ACCMODE | O_NONBLOCK | O_APPEND);
	of->relay = (flags & PI_O_RELAY) != 0;
	of->hup_seen = -1;
	of->ref = *ref;
	of->mode = ref->mode;
	if (pi_holders_attach(&of->t, ref->id) < 0) {
		open_free(of);
		return NULL;
	}
	swprintf(of->wpipe, 64, L"%hs%hs.core", PIPE_PREFIX, ref->id);
	return of;
}

static void sleep_backoff(DWORD *ms)
{
	Sleep(*ms);
	if (*ms < 8)
		*ms *= 2;
}

/* An end for a new opener (lock taken and released here), registered as a holder; *seen is
 * how often the other side had been opened then.  A busy pipe is waited for, by a
 * non-blocking opener only briefly. */
static int take_end(struct fifo_open *of, enum side side, int nonblock, struct end *out,
		    LONG *seen)
{
	DWORD ms = 1, waited = 0;
	int r;

	for (;;) {
		lock(of);
		r = get_end(of, side, nonblock, out);
		if (r == 0 && add_holder(of, out, -1, side) < 0) {
			CloseHandle(out->h);
			r = -1;
		}
		if (r == 0) {
			of->t.st->opened[side]++;
			*seen = of->t.st->opened[side == SIDE_READ ? SIDE_WRITE : SIDE_READ];
		}
		unlock(of);
		if (r <= 0)
			return r;
		if (nonblock && waited > 1000)
			return pi_fail(EAGAIN);
		waited += ms;
		sleep_backoff(&ms);
	}
}

/* The other side has gone.  A server end goes back to listening once nothing is left to
 * read, so that new peers can connect as they can on Linux. */
static void peer_gone(struct fifo_open *of, HANDLE server, enum side side)
{
	ULONG avail = 0;
	int state;

	lock(of);
	state = pi_pipe_state(server, &avail);
	if (state == PI_PIPE_DISCONNECTED ||
	    (state == PI_PIPE_CLOSING && (side == SIDE_WRITE || avail == 0)))
		relisten(server);
	unlock(of);
}

/* Has the other side opened the pipe whose server end we hold?  A server end that is still
 * listening, or whose peer left without leaving data, has none. */
static int peer_present(struct fifo_open *of, HANDLE server, enum side side)
{
	ULONG avail = 0;
	int state = pi_pipe_state(server, &avail);

	if (state == PI_PIPE_CONNECTED)
		return 1;
	if (state == PI_PIPE_CLOSING && side == SIDE_READ && avail > 0)
		return 1;
	peer_gone(of, server, side);
	/* A writer whose end went with an earlier pipe instance is still a writer: it joins
	 * this instance when it next writes. */
	return side == SIDE_READ && has_live_holder(of, SIDE_WRITE);
}

/* POSIX: a blocking open of one side waits until the other side is open.  A client end was
 * connected to a server the other side holds, so only a server end waits: for a native
 * peer to connect, or for any open of the other side since ours.  Every such peer connects
 * to this listening server end, so the wait is a blocking ConnectNamedPipe, which returns
 * as soon as one does (at once when one already has, or has come and gone). */
static void wait_for_peer(struct fifo_open *of, const struct end *e, enum side side, LONG seen)
{
	enum side other = side == SIDE_READ ? SIDE_WRITE : SIDE_READ;

	if (!e->server)
		return;
	while (of->t.st->opened[other] == seen && !peer_present(of, e->h, side))
		if (!ConnectNamedPipe(e->h, NULL) && GetLastError() != ERROR_PIPE_CONNECTED &&
		    GetLastError() != ERROR_NO_DATA)
			/* The end is in non-blocking mode for another descriptor's call. */
			Sleep(1);
}

static void drop_end(struct fifo_open *of, HANDLE h)
{
	lock(of);
	remove_holder(of, h);
	unlock(of);
	CloseHandle(h);
}

static const struct pi_fd_ops fifo_ops;

static struct fifo_fd *fd_new(struct fifo_open *of, const struct end *e)
{
	struct fifo_fd *f = calloc(1, sizeof *f);

	if (f == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	f->refs = 1;
	f->of = of;
	f->end = *e;
	return f;
}

static int crt_flags(int flags)
{
	int crt = (flags & O_ACCMODE) == O_WRONLY ? _O_WRONLY : (flags & O_ACCMODE) == O_RDWR ?
		  _O_RDWR : _O_RDONLY;

	return crt | (flags & _O_NOINHERIT);
}

/* Wrap the end in a C runtime descriptor with the library's state attached; on failure the
 * end is released. */
static int make_fd(struct fifo_open *of, const struct end *e, int flags)
{
	struct fifo_fd *f;
	int fd, err;

	errno = 0;
	fd = pi_crt_fd(_open_osfhandle((intptr_t)e->h, crt_flags(flags)));
	if (fd < 0) {
		err = errno;
		drop_end(of, e->h);
		return pi_fail(err);
	}
	_setmode(fd, _O_BINARY);
	f = fd_new(of, e);
	if (f == NULL || pi_fd_register(fd, e->h, &fifo_ops, f) < 0) {
		err = errno;
		free(f);
		lock(of);
		remove_holder(of, e->h);
		unlock(of);
		_close(fd);
		return pi_fail(err);
	}
	lock(of);
	pi_holders_set_fd(&of->t, e->h, fd);
	unlock(of);
	return fd;
}

static int open_at(const struct pi_fifo_ref *ref, int flags, const wchar_t *marker);

int pi_fifo_open(const char *path, int flags, mode_t mode)
{
	struct pi_fifo_ref ref;
	wchar_t *w;
	int r;

	(void)mode;
	if (fifo_path_wide(path, &w) < 0)
		return -1;
	r = read_marker(w, &ref);
	if (r == 1)
		r = open_at(&ref, flags & ~PI_O_RELAY, w);
	else if (r == 0)
		r = pi_fail(EINVAL);
	free(w);
	return r;
}

int pi_fifo_open_marker(const char *path, const struct pi_fifo_ref *ref, int flags)
{
	wchar_t *w;
	int r;

	if (fifo_path_wide(path, &w) < 0)
		return -1;
	r = open_at(ref, flags & ~PI_O_RELAY, w);
	free(w);
	return r;
}

int pi_fifo_open_ref(const struct pi_fifo_ref *ref, int flags)
{
	return open_at(ref, flags, NULL);
}

static int open_at(const struct pi_fifo_ref *ref, int flags, const wchar_t *marker)
{
	int acc = flags & O_ACCMODE, nonblock = (flags & O_NONBLOCK) != 0, fd, tries;
	enum side side = acc == O_WRONLY ? SIDE_WRITE : SIDE_READ;
	struct fifo_open *of;
	struct end e;
	LONG seen;

	if (acc != O_RDONLY && acc != O_WRONLY && acc != O_RDWR)
		return pi_fail(EINVAL);
	if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return pi_fail(EEXIST);
	of = open_new(ref, flags);
	if (of == NULL)
		return -1;
	if (marker != NULL && (of->marker = _wfullpath(NULL, marker, 0)) == NULL) {
		open_unref(of);
		return pi_fail(ENOMEM);
	}
	if (take_end(of, side, nonblock, &e, &seen) < 0) {
		open_unref(of);
		return -1;
	}
	/* Native peers can connect from now on: a blocking open may be waiting for one. */
	if (!(flags & PI_O_RELAY)) {
		if (pi_native_hold(&of->ref, &of->t, acc) < 0) {
			fd = errno;
			drop_end(of, e.h);
			open_unref(of);
			return pi_fail(fd);
		}
		of->native = 1;
	}
	if (acc == O_RDWR) {
		/* O_RDWR never blocks (as on Linux): this descriptor is itself a writer, and the
		 * read end it holds gives the write end a server to join.  ENXIO: the read end
		 * joined a pipe whose server end was its last writer's, which has just closed;
		 * a fresh read end makes a new pipe. */
		for (tries = 0; take_end(of, SIDE_WRITE, 1, &of->wend, &seen) < 0; tries++) {
			of->wend.h = NULL;
			if (errno != ENXIO || tries == 3)
				break;
			drop_end(of, e.h);
			Sleep(tries);
			if (take_end(of, side, nonblock, &e, &seen) < 0) {
				fd = errno;
				open_unref(of);
				return pi_fail(fd);
			}
		}
		if (of->wend.h == NULL || echo_start(of) < 0) {
			fd = errno;
			drop_end(of, e.h);
			open_unref(of);
			return pi_fail(fd);
		}
	} else if (!nonblock) {
		wait_for_peer(of, &e, side, seen);
	} else if (side == SIDE_READ && !has_live_holder(of, SIDE_WRITE)) {
		of->hup_seen = seen;
	} else if (side == SIDE_WRITE && e.server && !peer_present(of, e.h, side)) {
		drop_end(of, e.h);
		open_unref(of);
		return pi_fail(ENXIO);
	}
	fd = make_fd(of, &e, flags);
	if (fd < 0)
		open_unref(of);
	return fd;
}

/* ------------------------------------------------------------------ descriptor operations */

static void fifo_ref(void *obj)
{
	InterlockedIncrement(&((struct fifo_fd *)obj)->refs);
}

static void fifo_unref(void *obj)
{
	struct fifo_fd *f = obj;

	if (InterlockedDecrement(&f->refs) == 0) {
		open_unref(f->of);
		free(f);
	}
}

/* Put h in place of the HANDLE under descriptor fd; the descriptor keeps its number. */
static int swap_handle(struct fifo_fd *f, int fd, HANDLE h)
{
	int tmp = pi_fd_wrap(h, crt_flags(f->of->flags));

	if (tmp < 0)
		return -1;
	if (_dup2(tmp, fd) < 0) {
		_close(tmp);
		return -1;
	}
	_close(tmp);
	return 0;
}

/* A client end dies with the pipe instance it was connected to, while a FIFO outlives its
 * peers: after end of file (or EPIPE) such a descriptor takes a fresh end, as the next
 * opener of its side would, so that later peers reach it as they would on Linux.  A writer
 * only joins a pipe a reader holds; a reader may create a new one. */
static int renew_end(struct fifo_fd *f, int fd, enum side side)
{
	struct fifo_open *of = f->of;
	struct end e, old;

	lock(of);
	if (get_end(of, side, side == SIDE_WRITE, &e) != 0) {
		unlock(of);
		return -1;
	}
	if (side == SIDE_WRITE && of->wend.h != NULL) {
		AcquireSRWLockExclusive(&of->wend_lock);
		old = of->wend;
		remove_holder(of, old.h);
		of->wend = e;
		add_holder(of, &e, -1, side);
		unlock(of);
		CloseHandle(old.h);
		ReleaseSRWLockExclusive(&of->wend_lock);
		return 0;
	}
	remove_holder(of, f->end.h);
	if (swap_handle(f, fd, e.h) < 0) {
		unlock(of);
		return -1;
	}
	e.h = pi_fd_handle(fd);
	f->end = e;
	add_holder(of, &e, fd, side);
	unlock(of);
	/* The table entry must follow the new HANDLE; it drops the reference it held. */
	fifo_ref(f);
	pi_fd_register(fd, e.h, &fifo_ops, f);
	return 0;
}

/* While an echo runs (some process has the FIFO open O_RDWR), a blocking read waits for
 * data outside ReadFile: Windows serialises requests on a synchronous handle, so a ReadFile
 * waiting on the read end, which every reader shares, would hold up the echoed process's C
 * runtime writes into that end until other data came (Wine does not serialise).  1 when a
 * read may go ahead; 0 with the error ReadFile would give. */
static int wait_readable(struct fifo_open *of, HANDLE h)
{
	DWORD avail, ms = 1;

	while (of->t.st->echoes > 0) {
		if (!PeekNamedPipe(h, NULL, 0, NULL, &avail, NULL))
			return GetLastError() == ERROR_NO_DATA;
		if (avail > 0)
			break;
		sleep_backoff(&ms);
	}
	return 1;
}

/* ReadFile in non-blocking mode.  The mode belongs to the pipe end, which every reader of the
 * FIFO shares, while O_NONBLOCK belongs to one open file description: so it is switched on
 * only for this call, under the FIFO's lock.  A blocking reader that meets the switched mode
 * meanwhile sees ERROR_NO_DATA and retries. */
static BOOL read_nowait(struct fifo_open *of, HANDLE h, void *buf, DWORD n, DWORD *got)
{
	BOOL ok;
	DWORD err;

	lock(of);
	pi_pipe_set_wait(h, 0);
	ok = ReadFile(h, buf, n, got, NULL);
	err = GetLastError();
	pi_pipe_set_wait(h, 1);
	unlock(of);
	SetLastError(err);
	return ok;
}

static ssize_t fifo_read(void *obj, int fd, void *buf, size_t count)
{
	struct fifo_fd *f = obj;
	struct fifo_open *of = f->of;
	HANDLE h = pi_fd_handle(fd);
	DWORD n = count > 0x40000000 ? 0x40000000 : (DWORD)count, got = 0, err;
	BOOL ok;

	if ((of->flags & O_ACCMODE) == O_WRONLY)
		return pi_fail(EBADF);
	if (buf == NULL && count > 0)
		return pi_fail(EFAULT);
	if (count == 0)
		return 0;
	for (;;) {
		if (of->flags & O_NONBLOCK)
			ok = read_nowait(of, h, buf, n, &got);
		else
			ok = wait_readable(of, h) && ReadFile(h, buf, n, &got, NULL);
		if (ok)
			return (ssize_t)got;
		err = GetLastError();
		switch (err) {
		case ERROR_NO_DATA:
			if (of->flags & O_NONBLOCK)
				return pi_fail(EAGAIN);
			/* Another descriptor's non-blocking call is in progress. */
			SwitchToThread();
			continue;
		case ERROR_BROKEN_PIPE:
			if (f->end.server)
				peer_gone(of, h, SIDE_READ);
			else
				renew_end(f, fd, SIDE_READ);
			return 0;
		case ERROR_PIPE_LISTENING:
		case ERROR_PIPE_NOT_CONNECTED:
			/* No writer has the FIFO open. */
			return 0;
		default:
			return pi_fail_win32(err);
		}
	}
}

/* 1 if the write may be retried on a fresh end, else -1 with errno. */
/* No reader is left.  A native peer's relay is the library's own writer: the program's
 * SIGPIPE handler is not its business. */
static int fifo_epipe(struct fifo_open *of)
{
	return of->relay ? pi_fail(EPIPE) : pi_epipe();
}

static int write_error(struct fifo_fd *f, int fd, const struct end *e, DWORD err)
{
	if (!pi_pipe_no_peer(err))
		return pi_fail_win32(err);
	if (e->server)
		peer_gone(f->of, e->h, SIDE_WRITE);
	else if (renew_end(f, fd, SIDE_WRITE) == 0)
		return 1;
	return fifo_epipe(f->of);
}

static ssize_t fifo_write(void *obj, int fd, const void *buf, size_t count)
{
	struct fifo_fd *f = obj;
	struct fifo_open *of = f->of;
	struct end e;
	const char *p = buf;
	size_t done = 0;
	ssize_t r;
	DWORD n, want;
	int renewed = 0;

	if ((r = pi_pipe_write_check(of->flags, buf, &count)) <= 0)
		return r;
	/* Bytes the C runtime wrote into an O_RDWR descriptor go first. */
	if (of->echo != NULL && !(of->flags & O_NONBLOCK))
		echo_drain(of, 0);
retry:
	e = of->wend.h != NULL ? of->wend : f->end;
	if (of->wend.h == NULL)
		e.h = pi_fd_handle(fd);
	if (of->flags & O_NONBLOCK) {
		lock(of);
		r = pi_pipe_write_nowait(e.h, p, count, PIPE_BUFSIZE, FIFO_PIPE_BUF);
		unlock(of);
		if (r > 0)
			return r;
		if (r == 0)
			return pi_fail(EAGAIN);
		if (write_error(f, fd, &e, (DWORD)-r) < 0)
			return -1;
		if (renewed++)
			return fifo_epipe(of);
		goto retry;
	}
	do {
		want = count - done > 0x40000000 ? 0x40000000 : (DWORD)(count - done);
		n = 0;
		if (!WriteFile(e.h, p + done, want, &n, NULL)) {
			if (done > 0)
				return (ssize_t)done;
			if (write_error(f, fd, &e, GetLastError()) < 0)
				return -1;
			if (renewed++)
				return fifo_epipe(of);
			goto retry;
		}
		/* A short count only comes from another descriptor's non-blocking call. */
		if (n == 0)
			SwitchToThread();
		done += n;
	} while (done < count);
	return (ssize_t)done;
}

static void fifo_close(void *obj, int fd)
{
	struct fifo_fd *f = obj;

	(void)fd;
	lock(f->of);
	remove_holder(f->of, f->end.h);
	unlock(f->of);
}

static int fifo_getfl(void *obj)
{
	return ((struct fifo_fd *)obj)->of->flags;
}

static int fifo_setfl(void *obj, int fd, int flags)
{
	(void)fd;
	pi_fd_set_status(&((struct fifo_fd *)obj)->of->flags, flags);
	return 0;
}

static void *fifo_dup(void *obj, int newfd)
{
	struct fifo_fd *f = obj, *copy;
	struct fifo_open *of = f->of;
	struct end e = f->end;
	int r;

	e.h = pi_fd_handle(newfd);
	copy = fd_new(of, &e);
	if (copy == NULL)
		return NULL;
	lock(of);
	r = add_holder(of, &e, newfd, (of->flags & O_ACCMODE) == O_WRONLY ? SIDE_WRITE : SIDE_READ);
	unlock(of);
	if (r < 0) {
		free(copy);
		return NULL;
	}
	InterlockedIncrement(&of->refs);
	return copy;
}

static const struct pi_fd_ops fifo_ops = {
	fifo_ref, fifo_unref, fifo_read, fifo_write, fifo_close, fifo_getfl, fifo_setfl,
	fifo_dup,
};

int pi_fifo_fchmod(int fd, mode_t mode)
{
	const struct pi_fd_ops *ops;
	struct fifo_fd *f = pi_fd_acquire(fd, &ops);
	struct pi_fifo_ref now;
	const wchar_t *m;
	int r = 0;

	if (f == NULL)
		return 1;
	if (ops != &fifo_ops) {
		pi_fd_release(ops, f);
		return 1;
	}
	m = f->of->marker;
	if (m != NULL && read_marker(m, &now) == 1 && strcmp(now.id, f->of->ref.id) == 0)
		r = chmod_marker(m, &now, mode) < 0 ? -1 : 0;
	fd = errno;
	pi_fd_release(ops, f);
	errno = fd;
	return r;
}

/* ------------------------------------------------------------------ for poll */

int pi_fifo_view(int fd, struct pi_fifo_view *v)
{
	const struct pi_fd_ops *ops;
	struct fifo_fd *f = pi_fd_acquire(fd, &ops);
	struct fifo_open *of;
	HANDLE h = pi_fd_handle(fd);
	int acc;

	if (f == NULL)
		return 0;
	if (ops != &fifo_ops) {
		pi_fd_release(ops, f);
		return 0;
	}
	of = f->of;
	acc = of->flags & O_ACCMODE;
	v->obj = f;
	v->flags = of->flags;
	v->rh = acc == O_WRONLY ? NULL : h;
	v->wh = acc == O_RDONLY ? NULL : acc == O_WRONLY ? h : of->wend.h;
	v->writer_came = of->hup_seen < 0 || of->t.st->opened[SIDE_WRITE] != of->hup_seen;
	return 1;
}

int pi_fifo_has_holder(const struct pi_fifo_view *v, int side)
{
	return has_live_holder(((struct fifo_fd *)v->obj)->of, side);
}

/* An O_RDWR descriptor holds its read end itself; a writer finds one of this process in the
 * holder table, on the same pipe instance as its own end. */
int pi_fifo_room(const struct pi_fifo_view *v, DWORD *room)
{
	struct fifo_fd *f = v->obj;

	if (v->rh != NULL)
		return pi_pipe_room(v->rh, room);
	return read_end_room(f->of, f->end.gen, room);
}

void pi_fifo_view_end(struct pi_fifo_view *v)
{
	fifo_unref(v->obj);
}
