/* The C runtime's file calls whose POSIX meaning differs on shm and FIFO descriptors, routed
 * here by the compat headers: stat/fstat, lseek, pread/pwrite, ftruncate, fsync/fdatasync,
 * pathconf.
 * Regular files take the cheapest path that gives the C runtime's own answer. */
#include <ctype.h>
#include <direct.h>
#include <io.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* ------------------------------------------------------------------ stat */

static int64_t filetime_to_time(FILETIME ft)
{
	int64_t t = (int64_t)(((uint64_t)ft.dwHighDateTime << 32) | ft.dwLowDateTime);

	return (t - 116444736000000000LL) / 10000000;
}

static int is_exec_name(const char *path, size_t len)
{
	static const char *const ext[] = { "exe", "bat", "cmd", "com" };
	char e[3];
	size_t i;

	if (len <= 6 || path[len - 4] != '.')
		return 0;
	for (i = 0; i < 3; i++)
		e[i] = (char)tolower((unsigned char)path[len - 3 + i]);
	for (i = 0; i < 4; i++)
		if (memcmp(e, ext[i], 3) == 0)
			return 1;
	return 0;
}

/* Paths the fast route below answers exactly as the C runtime would: no wildcards, streams,
 * UNC or device prefixes, trailing separators or bare drives.  Others go to the runtime. */
static int plain_path(const char *p, size_t len)
{
	if (len == 0 || len >= MAX_PATH || p[len - 1] == '/' || p[len - 1] == '\\')
		return 0;
	/* The runtime strips trailing spaces before it looks for a trailing separator. */
	if (p[len - 1] == ' ')
		return 0;
	if ((p[0] == '/' || p[0] == '\\') && (p[1] == '/' || p[1] == '\\'))
		return 0;
	if (len == 2 && p[1] == ':')
		return 0;
	return strpbrk(p, "*?") == NULL && strchr(p + 2 * (len > 1 && p[1] == ':'), ':') == NULL;
}

/* A FIFO made by mkfifo: S_IFIFO, size 0, the mode it was made with. */
static void fifo_stat(struct _stat64 *st, mode_t mode)
{
	st->st_mode = (unsigned short)(_S_IFIFO | (mode & 0777));
	st->st_size = 0;
}

static int crt_stat(const char *path, struct _stat64 *st)
{
	mode_t mode;
	wchar_t *w;

	if (_stat64(path, st) < 0)
		return -1;
	if ((st->st_mode & _S_IFMT) == _S_IFREG && (w = pi_path_to_wide(path)) != NULL) {
		if (pi_fifo_marker_mode(w, GetFileAttributesW(w), &mode) == 1)
			fifo_stat(st, mode);
		free(w);
	}
	return 0;
}

PI_EXPORT int posixipc_stat64(const char *path, struct _stat64 *st)
{
	WIN32_FILE_ATTRIBUTE_DATA d;
	wchar_t w[MAX_PATH];
	size_t len;
	mode_t mode;
	int drive;

	if (path == NULL || st == NULL)
		return pi_fail(EFAULT);
	len = strlen(path);
	if (!plain_path(path, len) ||
	    MultiByteToWideChar(pi_path_codepage(), 0, path, -1, w, MAX_PATH) == 0)
		return crt_stat(path, st);
	/* One attribute query, as the C runtime makes, and the marker attribute with it: ordinary
	 * files are never opened. */
	/* Errors are the C runtime's own: it says ENOENT for device names too, where the
	 * attribute query fails otherwise. */
	if (!GetFileAttributesExW(w, GetFileExInfoStandard, &d)) {
		DWORD err = GetLastError();

		if (err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND ||
		    err == ERROR_INVALID_NAME)
			return pi_fail(ENOENT);
		return crt_stat(path, st);
	}
	memset(st, 0, sizeof *st);
	drive = len > 1 && path[1] == ':' ? toupper((unsigned char)path[0]) - 'A' : _getdrive() - 1;
	st->st_dev = st->st_rdev = (_dev_t)drive;
	st->st_nlink = 1;
	if (d.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) {
		st->st_mode = _S_IFDIR | 0111;
	} else {
		st->st_mode = _S_IFREG | (is_exec_name(path, len) ? 0111 : 0);
		st->st_size = (int64_t)(((uint64_t)d.nFileSizeHigh << 32) | d.nFileSizeLow);
	}
	st->st_mode |= 0444 | ((d.dwFileAttributes & FILE_ATTRIBUTE_READONLY) ? 0 : 0222);
	st->st_atime = filetime_to_time(d.ftLastAccessTime);
	st->st_mtime = filetime_to_time(d.ftLastWriteTime);
	st->st_ctime = filetime_to_time(d.ftCreationTime);
	if (pi_fifo_marker_mode(w, d.dwFileAttributes, &mode) == 1)
		fifo_stat(st, mode);
	return 0;
}

/* Ordinary files pay one query on the open handle, not a security descriptor lookup. */
static int has_shm_attributes(HANDLE h)
{
	FILE_BASIC_INFO info;

	return GetFileInformationByHandleEx(h, FileBasicInfo, &info, sizeof info) &&
	       (info.FileAttributes & PI_SHM_ATTRIBUTES) == PI_SHM_ATTRIBUTES;
}

PI_EXPORT int posixipc_fstat64(int fd, struct _stat64 *st)
{
	HANDLE h = pi_fd_handle(fd);
	DWORD type;
	mode_t mode;

	if (st == NULL)
		return pi_fail(EFAULT);
	if (h == INVALID_HANDLE_VALUE)
		return pi_fail(EBADF);
	if (_fstat64(fd, st) < 0)
		return -1;
	type = GetFileType(h);
	if (type == FILE_TYPE_DISK && !has_shm_attributes(h))
		return 0;
	if (type != FILE_TYPE_DISK && type != FILE_TYPE_PIPE)
		return 0;
	/* shm objects and FIFO pipes carry the mode in their DACL; files and pipes made elsewhere
	 * keep what the C runtime says.  Wine keeps no DACL on files (it reports one made up from
	 * the Unix permissions) nor the shm attributes, so there shm objects keep the C runtime's
	 * mode; pipes keep theirs on Wine too. */
	if (pi_mode_from_handle(h, &mode) == 0)
		st->st_mode = (unsigned short)((st->st_mode & _S_IFMT) | mode);
	return 0;
}

/* The plain struct stat of a program built without _FILE_OFFSET_BITS=64: 32-bit st_size. */
static int narrow(int r, const struct _stat64 *w, struct _stat64i32 *st)
{
	if (r < 0)
		return -1;
	if (w->st_size > LONG_MAX)
		return pi_fail(EOVERFLOW);
	st->st_dev = w->st_dev;
	st->st_ino = w->st_ino;
	st->st_mode = w->st_mode;
	st->st_nlink = w->st_nlink;
	st->st_uid = w->st_uid;
	st->st_gid = w->st_gid;
	st->st_rdev = w->st_rdev;
	st->st_size = (_off_t)w->st_size;
	st->st_atime = w->st_atime;
	st->st_mtime = w->st_mtime;
	st->st_ctime = w->st_ctime;
	return 0;
}

PI_EXPORT int posixipc_stat32(const char *path, struct _stat64i32 *st)
{
	struct _stat64 w;

	if (st == NULL)
		return pi_fail(EFAULT);
	return narrow(posixipc_stat64(path, &w), &w, st);
}

PI_EXPORT int posixipc_fstat32(int fd, struct _stat64i32 *st)
{
	struct _stat64 w;

	if (st == NULL)
		return pi_fail(EFAULT);
	return narrow(posixipc_fstat64(fd, &w), &w, st);
}

/* ------------------------------------------------------------------ lseek, ftruncate */

PI_EXPORT int64_t posixipc_lseek(int fd, int64_t offset, int whence)
{
	HANDLE h = pi_fd_handle(fd);

	if (h == INVALID_HANDLE_VALUE)
		return pi_fail(EBADF);
	if (GetFileType(h) == FILE_TYPE_PIPE)
		return pi_fail(ESPIPE);
	return _lseeki64(fd, offset, whence);
}

PI_EXPORT long posixipc_lseek32(int fd, long offset, int whence)
{
	int64_t r = posixipc_lseek(fd, offset, whence);

	if (r > LONG_MAX)
		return pi_fail(EOVERFLOW);
	return (long)r;
}

/* ------------------------------------------------------------------ pread, pwrite
 * A synchronous handle's ReadFile/WriteFile at an offset moves the file pointer too, which
 * POSIX leaves alone: it is put back, through the C runtime so that it also forgets a read
 * that hit the end.  Another thread's read() on the same descriptor at that instant may use
 * the moved pointer (README); positioned calls on one descriptor take turns, so that none of
 * them puts back a pointer another one moved.  Windows serialises transfers on a synchronous
 * handle anyway, so the turns cost no parallelism. */

#define RW_MAX 0x7ffff000 /* Linux's limit on one transfer */

static SRWLOCK turns[16] = { SRWLOCK_INIT, SRWLOCK_INIT, SRWLOCK_INIT, SRWLOCK_INIT,
			     SRWLOCK_INIT, SRWLOCK_INIT, SRWLOCK_INIT, SRWLOCK_INIT,
			     SRWLOCK_INIT, SRWLOCK_INIT, SRWLOCK_INIT, SRWLOCK_INIT,
			     SRWLOCK_INIT, SRWLOCK_INIT, SRWLOCK_INIT, SRWLOCK_INIT };

static HANDLE positional(int fd, int64_t offset, DWORD right)
{
	HANDLE h;

	if (offset < 0)
		return errno = EINVAL, INVALID_HANDLE_VALUE;
	h = pi_fd_handle(fd);
	if (h == INVALID_HANDLE_VALUE)
		return errno = EBADF, h;
	if (GetFileType(h) != FILE_TYPE_DISK)
		return errno = ESPIPE, INVALID_HANDLE_VALUE;
	if (!(pi_granted_access_or(h, right) & right))
		return errno = EBADF, INVALID_HANDLE_VALUE;
	return h;
}

static ssize_t transfer(int fd, HANDLE h, void *buf, size_t count, int64_t offset, int out)
{
	SRWLOCK *turn = &turns[(unsigned)fd % 16];
	OVERLAPPED ov = { 0 };
	int64_t at;
	DWORD n = 0, err = 0;
	BOOL ok;

	AcquireSRWLockExclusive(turn);
	at = _lseeki64(fd, 0, SEEK_CUR);
	if (at < 0) {
		ReleaseSRWLockExclusive(turn);
		return -1;
	}
	if (count > RW_MAX)
		count = RW_MAX;
	ov.Offset = (DWORD)offset;
	ov.OffsetHigh = (DWORD)((uint64_t)offset >> 32);
	ok = out ? WriteFile(h, buf, (DWORD)count, &n, &ov) :
		   ReadFile(h, buf, (DWORD)count, &n, &ov);
	if (!ok)
		err = GetLastError();
	_lseeki64(fd, at, SEEK_SET);
	ReleaseSRWLockExclusive(turn);
	/* A synchronous read at or past the end fails with ERROR_HANDLE_EOF: end of file. */
	if (!ok && !(err == ERROR_HANDLE_EOF && !out))
		return pi_fail_win32(err);
	return (ssize_t)n;
}

PI_EXPORT ssize_t posixipc_pread(int fd, void *buf, size_t count, int64_t offset)
{
	HANDLE h = positional(fd, offset, FILE_READ_DATA);

	if (h == INVALID_HANDLE_VALUE)
		return -1;
	if (count == 0)
		return 0;
	if (buf == NULL)
		return pi_fail(EFAULT);
	return transfer(fd, h, buf, count, offset, 0);
}

PI_EXPORT ssize_t posixipc_pread32(int fd, void *buf, size_t count, long offset)
{
	return posixipc_pread(fd, buf, count, offset);
}

PI_EXPORT ssize_t posixipc_pwrite(int fd, const void *buf, size_t count, int64_t offset)
{
	HANDLE h = positional(fd, offset, FILE_WRITE_DATA | FILE_APPEND_DATA);

	if (h == INVALID_HANDLE_VALUE)
		return -1;
	if (count == 0)
		return 0;
	if (buf == NULL)
		return pi_fail(EFAULT);
	return transfer(fd, h, (void *)buf, count, offset, 1);
}

PI_EXPORT ssize_t posixipc_pwrite32(int fd, const void *buf, size_t count, long offset)
{
	return posixipc_pwrite(fd, buf, count, offset);
}

/* A handle whose rights cannot be asked is given the benefit of the doubt: Windows refuses
 * the change itself if it may not write. */
static int can_write(HANDLE h)
{
	return (pi_granted_access_or(h, FILE_WRITE_DATA) &
		(FILE_WRITE_DATA | FILE_APPEND_DATA)) != 0;
}

/* Give the file under h the length: 0, or -1 with errno.  ftruncate and truncate. */
static int set_length(HANDLE h, int64_t length)
{
	FILE_END_OF_FILE_INFO eof;
	DWORD err;

	eof.EndOfFile.QuadPart = length;
	if (SetFileInformationByHandle(h, FileEndOfFileInfo, &eof, sizeof eof))
		return 0;
	err = GetLastError();
	/* Windows refuses to cut a file below a mapped view of it. */
	return pi_fail(err == ERROR_USER_MAPPED_FILE ? EBUSY : pi_errno_from_win32(err));
}

PI_EXPORT int posixipc_ftruncate(int fd, int64_t length)
{
	HANDLE h = pi_fd_handle(fd);

	if (h == INVALID_HANDLE_VALUE)
		return pi_fail(EBADF);
	/* Linux: EINVAL for a negative length, a pipe or FIFO, or a descriptor not open for
	 * writing (an O_RDONLY shm object among them). */
	if (length < 0 || GetFileType(h) != FILE_TYPE_DISK || !can_write(h))
		return pi_fail(EINVAL);
	if (set_length(h, length) < 0)
		return -1;
	/* The C runtime remembers a read that hit the end and returns 0 from then on, until a
	 * seek: seek in place, as its own _chsize does, so the new bytes can be read. */
	_lseeki64(fd, 0, SEEK_CUR);
	return 0;
}

PI_EXPORT int posixipc_ftruncate32(int fd, long length)
{
	return posixipc_ftruncate(fd, length);
}

/* A path argument as the calls below take it: EFAULT for none, ENOENT for an empty one. */
static wchar_t *path_arg(const char *path)
{
	if (path == NULL || path[0] == '\0') {
		errno = path == NULL ? EFAULT : ENOENT;
		return NULL;
	}
	return pi_path_to_wide(path);
}

/* chmod sets only the read-only attribute of a file: a FIFO's mode lives in its marker. */
PI_EXPORT int posixipc_chmod(const char *path, int mode)
{
	wchar_t *w;
	int r;

	if ((w = path_arg(path)) == NULL)
		return -1;
	r = pi_fifo_chmod(w, GetFileAttributesW(w), (mode_t)mode);
	free(w);
	if (r != 0)
		return r < 0 ? -1 : 0;
	return _chmod(path, mode);
}

/* What the C runtime's chmod does to a path, on a handle: read-only unless the owner may
 * write.  The descriptor may lack the right to change attributes (O_RDONLY, O_WRONLY), so the
 * file is opened anew from the handle for it. */
static int set_readonly(HANDLE h, int on)
{
	HANDLE w = pi_reopen_to_change(h, FILE_READ_ATTRIBUTES | FILE_WRITE_ATTRIBUTES);
	DWORD err;
	int r;

	if (w == INVALID_HANDLE_VALUE)
		return -1;
	r = pi_set_readonly(w, on);
	err = GetLastError();
	CloseHandle(w);
	return r < 0 ? pi_fail_win32(err) : 0;
}

/* A FIFO's mode is its marker's, as for chmod; a shm object's its access list; other files
 * get the read-only attribute, as the C runtime's chmod gives them.  A pipe's or a console's
 * mode is kept nowhere on Windows: Linux changes an inode no other process finds by name, so
 * the call succeeds and changes nothing (README). */
PI_EXPORT int posixipc_fchmod(int fd, mode_t mode)
{
	HANDLE h = pi_fd_handle(fd);
	int r;

	if (h == INVALID_HANDLE_VALUE)
		return pi_fail(EBADF);
	if ((r = pi_fifo_fchmod(fd, mode)) != 1)
		return r;
	if (GetFileType(h) != FILE_TYPE_DISK)
		return 0;
	if (has_shm_attributes(h))
		return pi_shm_fchmod(h, mode);
	return set_readonly(h, !(mode & _S_IWRITE));
}

/* The C library's truncate would cut a FIFO's marker file, and with it the FIFO: Linux says
 * EINVAL for anything but a regular file (EISDIR for a folder). */
PI_EXPORT int posixipc_truncate(const char *path, int64_t length)
{
	wchar_t *w;
	DWORD attrs;
	mode_t mode;
	HANDLE h = INVALID_HANDLE_VALUE;
	int r = -1;

	if ((w = path_arg(path)) == NULL)
		return -1;
	attrs = GetFileAttributesW(w);
	if (length < 0)
		pi_fail(EINVAL);
	else if (attrs == INVALID_FILE_ATTRIBUTES)
		pi_fail_win32(0);
	else if (attrs & FILE_ATTRIBUTE_DIRECTORY)
		pi_fail(EISDIR);
	else if (pi_fifo_marker_mode(w, attrs, &mode) == 1)
		pi_fail(EINVAL);
	else if ((h = CreateFileW(w, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE |
				  FILE_SHARE_DELETE, NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL,
				  NULL)) == INVALID_HANDLE_VALUE)
		pi_fail_win32(0);
	else
		r = set_length(h, length);
	if (h != INVALID_HANDLE_VALUE)
		CloseHandle(h);
	free(w);
	return r;
}

PI_EXPORT int posixipc_truncate32(const char *path, long length)
{
	return posixipc_truncate(path, length);
}

/* ------------------------------------------------------------------ fsync, fdatasync */

/* Windows flushes data and metadata together.  Pipes, FIFOs and character devices cannot be
 * synchronised: EINVAL, as Linux says. */
static int sync_fd(int fd)
{
	HANDLE h = pi_fd_handle(fd), w;
	BOOL ok;

	if (h == INVALID_HANDLE_VALUE)
		return pi_fail(EBADF);
	if (GetFileType(h) != FILE_TYPE_DISK)
		return pi_fail(EINVAL);
	if (FlushFileBuffers(h))
		return 0;
	if (GetLastError() != ERROR_ACCESS_DENIED)
		return pi_fail_win32(0);
	/* POSIX lets a read-only descriptor be synchronised; Windows wants write access to
	 * flush, so flush through a second handle to the same file when the user may write it. */
	w = ReOpenFile(h, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, 0);
	if (w == INVALID_HANDLE_VALUE)
		return 0;
	ok = FlushFileBuffers(w);
	CloseHandle(w);
	return ok ? 0 : pi_fail_win32(0);
}

PI_EXPORT int posixipc_fsync(int fd)
{
	return sync_fd(fd);
}

PI_EXPORT int posixipc_fdatasync(int fd)
{
	return sync_fd(fd);
}

/* ------------------------------------------------------------------ pathconf */

static long conf_value(int name)
{
	switch (name) {
	case _PC_LINK_MAX:
		return 1024; /* NTFS hard links per file */
	case _PC_MAX_CANON:
	case _PC_MAX_INPUT:
		return 255;
	case _PC_NAME_MAX:
		return NAME_MAX;
	case _PC_PATH_MAX:
		return PATH_MAX;
	case _PC_PIPE_BUF:
		/* FIFO writes up to this size are atomic; Linux gives it for every file. */
		return PIPE_BUF;
	default:
		return pi_fail(EINVAL);
	}
}

PI_EXPORT long posixipc_pathconf(const char *path, int name)
{
	wchar_t *w;
	DWORD attrs;

	if ((w = path_arg(path)) == NULL)
		return -1;
	attrs = GetFileAttributesW(w);
	free(w);
	if (attrs == INVALID_FILE_ATTRIBUTES)
		return pi_fail_win32(0);
	return conf_value(name);
}

PI_EXPORT long posixipc_fpathconf(int fd, int name)
{
	if (pi_fd_handle(fd) == INVALID_HANDLE_VALUE)
		return pi_fail(EBADF);
	return conf_value(name);
}
