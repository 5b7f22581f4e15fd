/* The one map from Win32 error codes to errno values, and the one table of errno messages
 * (strerror, strerror_r, strerror_s, perror).  Facilities that need a different
 * meaning for a code in one call (a pipe's ERROR_NO_DATA on a non-blocking read is EAGAIN)
 * handle that code before calling here. */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "winapi.h"

static const struct {
	DWORD win32;
	int posix;
} errors[] = {
	{ ERROR_INVALID_FUNCTION, EINVAL },
	{ ERROR_FILE_NOT_FOUND, ENOENT },
	{ ERROR_PATH_NOT_FOUND, ENOENT },
	{ ERROR_TOO_MANY_OPEN_FILES, EMFILE },
	{ ERROR_ACCESS_DENIED, EACCES },
	{ ERROR_INVALID_HANDLE, EBADF },
	{ ERROR_ARENA_TRASHED, ENOMEM },
	{ ERROR_NOT_ENOUGH_MEMORY, ENOMEM },
	{ ERROR_INVALID_BLOCK, ENOMEM },
	{ ERROR_BAD_ENVIRONMENT, E2BIG },
	{ ERROR_BAD_FORMAT, ENOEXEC },
	{ ERROR_INVALID_ACCESS, EINVAL },
	{ ERROR_INVALID_DATA, EINVAL },
	{ ERROR_OUTOFMEMORY, ENOMEM },
	{ ERROR_INVALID_DRIVE, ENOENT },
	{ ERROR_CURRENT_DIRECTORY, EACCES },
	{ ERROR_NOT_SAME_DEVICE, EXDEV },
	{ ERROR_NO_MORE_FILES, ENOENT },
	{ ERROR_WRITE_PROTECT, EROFS },
	{ ERROR_BAD_LENGTH, EINVAL },
	{ ERROR_GEN_FAILURE, EIO },
	{ ERROR_WRITE_FAULT, EIO },
	{ ERROR_READ_FAULT, EIO },
	{ ERROR_SHARING_VIOLATION, EACCES },
	{ ERROR_LOCK_VIOLATION, EACCES },
	{ ERROR_SHARING_BUFFER_EXCEEDED, ENOLCK },
	{ ERROR_HANDLE_DISK_FULL, ENOSPC },
	{ ERROR_NOT_SUPPORTED, ENOTSUP },
	{ ERROR_BAD_NETPATH, ENOENT },
	{ ERROR_NETWORK_ACCESS_DENIED, EACCES },
	{ ERROR_BAD_NET_NAME, ENOENT },
	{ ERROR_FILE_EXISTS, EEXIST },
	{ ERROR_CANNOT_MAKE, EACCES },
	{ ERROR_FAIL_I24, EACCES },
	{ ERROR_INVALID_PARAMETER, EINVAL },
	{ ERROR_NO_PROC_SLOTS, EAGAIN },
	{ ERROR_TOO_MANY_SEMAPHORES, ENOSPC },
	{ ERROR_BROKEN_PIPE, EPIPE },
	{ ERROR_BUFFER_OVERFLOW, ENAMETOOLONG },
	{ ERROR_DISK_FULL, ENOSPC },
	{ ERROR_INVALID_TARGET_HANDLE, EBADF },
	{ ERROR_CALL_NOT_IMPLEMENTED, ENOSYS },
	{ ERROR_SEM_TIMEOUT, ETIMEDOUT },
	{ ERROR_INSUFFICIENT_BUFFER, ERANGE },
	{ ERROR_INVALID_NAME, EINVAL },
	{ ERROR_WAIT_NO_CHILDREN, ECHILD },
	{ ERROR_CHILD_NOT_COMPLETE, ECHILD },
	{ ERROR_DIRECT_ACCESS_HANDLE, EBADF },
	{ ERROR_NEGATIVE_SEEK, EINVAL },
	{ ERROR_SEEK_ON_DEVICE, ESPIPE },
	{ ERROR_DIR_NOT_EMPTY, ENOTEMPTY },
	{ ERROR_NOT_LOCKED, EACCES },
	{ ERROR_BAD_PATHNAME, ENOENT },
	{ ERROR_MAX_THRDS_REACHED, EAGAIN },
	{ ERROR_LOCK_FAILED, EACCES },
	{ ERROR_BUSY, EBUSY },
	{ ERROR_ALREADY_EXISTS, EEXIST },
	{ ERROR_FILENAME_EXCED_RANGE, ENAMETOOLONG },
	{ ERROR_NESTING_NOT_ALLOWED, EAGAIN },
	{ ERROR_BAD_PIPE, EPIPE },
	{ ERROR_PIPE_BUSY, EBUSY },
	{ ERROR_NO_DATA, EPIPE },
	{ ERROR_PIPE_NOT_CONNECTED, EPIPE },
	{ ERROR_MORE_DATA, EMSGSIZE },
	{ WAIT_TIMEOUT, ETIMEDOUT },
	{ ERROR_DIRECTORY, ENOTDIR },
	{ ERROR_NOT_OWNER, EPERM },
	{ ERROR_TOO_MANY_POSTS, EOVERFLOW },
	{ ERROR_DELETE_PENDING, ENOENT },
	{ ERROR_INVALID_ADDRESS, EINVAL },
	{ ERROR_ARITHMETIC_OVERFLOW, EOVERFLOW },
	{ ERROR_PIPE_CONNECTED, EISCONN },
	{ ERROR_PIPE_LISTENING, ENOTCONN },
	{ 554 /* ERROR_CANT_WAIT */, EAGAIN },
	{ ERROR_OPERATION_ABORTED, EINTR },
	{ ERROR_IO_INCOMPLETE, EAGAIN },
	{ ERROR_IO_PENDING, EAGAIN },
	{ ERROR_NOACCESS, EFAULT },
	{ ERROR_INVALID_FLAGS, EINVAL },
	{ ERROR_FILE_INVALID, ENODEV },
	{ ERROR_NOT_ENOUGH_SERVER_MEMORY, ENOMEM },
	{ ERROR_MAPPED_ALIGNMENT, EINVAL },
	{ ERROR_USER_MAPPED_FILE, EBUSY },
	{ ERROR_PRIVILEGE_NOT_HELD, EPERM },
	{ ERROR_INVALID_OWNER, EINVAL },
	{ ERROR_INVALID_PRIMARY_GROUP, EINVAL },
	{ ERROR_INVALID_SECURITY_DESCR, EINVAL },
	{ ERROR_NO_SYSTEM_RESOURCES, ENOMEM },
	{ ERROR_NONPAGED_SYSTEM_RESOURCES, ENOMEM },
	{ ERROR_PAGED_SYSTEM_RESOURCES, ENOMEM },
	{ ERROR_WORKING_SET_QUOTA, ENOMEM },
	{ ERROR_PAGEFILE_QUOTA, ENOMEM },
	{ ERROR_COMMITMENT_LIMIT, ENOMEM },
	{ ERROR_TIMEOUT, ETIMEDOUT },
	{ ERROR_INVALID_USER_BUFFER, EFAULT },
	{ ERROR_NOT_ENOUGH_QUOTA, ENOMEM },
	{ ERROR_CANT_ACCESS_FILE, EACCES },
	{ ERROR_CANT_RESOLVE_FILENAME, ELOOP },
};

int pi_errno_from_win32(DWORD err)
{
	size_t i;

	for (i = 0; i < sizeof errors / sizeof errors[0]; i++)
		if (errors[i].win32 == err)
			return errors[i].posix;
	return EIO;
}

int pi_fail_win32(DWORD err)
{
	errno = pi_errno_from_win32(err ? err : GetLastError());
	return -1;
}

/* NTSTATUS values take the same road: ntdll's own map to Win32 errors, then the table. */
int pi_errno_from_nt(LONG status)
{
	return pi_errno_from_win32(RtlNtStatusToDosError(status));
}

int pi_fail_nt(LONG status)
{
	errno = pi_errno_from_nt(status);
	return -1;
}

int pi_fail(int e)
{
	errno = e;
	return -1;
}

/* ------------------------------------------------------------------ messages */

/* glibc's text for every errno value <errno.h> defines, so that strerror and perror say on
 * Windows what they say on Linux (msvcrt knows only the first 43). */
static const struct {
	int e;
	const char *text;
} messages[] = {
	{ 0, "Success" },
	{ EPERM, "Operation not permitted" },
	{ ENOENT, "No such file or directory" },
	{ ESRCH, "No such process" },
	{ EINTR, "Interrupted system call" },
	{ EIO, "Input/output error" },
	{ ENXIO, "No such device or address" },
	{ E2BIG, "Argument list too long" },
	{ ENOEXEC, "Exec format error" },
	{ EBADF, "Bad file descriptor" },
	{ ECHILD, "No child processes" },
	{ EAGAIN, "Resource temporarily unavailable" },
	{ ENOMEM, "Cannot allocate memory" },
	{ EACCES, "Permission denied" },
	{ EFAULT, "Bad address" },
	{ EBUSY, "Device or resource busy" },
	{ EEXIST, "File exists" },
	{ EXDEV, "Invalid cross-device link" },
	{ ENODEV, "No such device" },
	{ ENOTDIR, "Not a directory" },
	{ EISDIR, "Is a directory" },
	{ EINVAL, "Invalid argument" },
	{ ENFILE, "Too many open files in system" },
	{ EMFILE, "Too many open files" },
	{ ENOTTY, "Inappropriate ioctl for device" },
	{ EFBIG, "File too large" },
	{ ENOSPC, "No space left on device" },
	{ ESPIPE, "Illegal seek" },
	{ EROFS, "Read-only file system" },
	{ EMLINK, "Too many links" },
	{ EPIPE, "Broken pipe" },
	{ EDOM, "Numerical argument out of domain" },
	{ ERANGE, "Numerical result out of range" },
	{ EDEADLK, "Resource deadlock avoided" },
	{ ENAMETOOLONG, "File name too long" },
	{ ENOLCK, "No locks available" },
	{ ENOSYS, "Function not implemented" },
	{ ENOTEMPTY, "Directory not empty" },
	{ EILSEQ, "Invalid or incomplete multibyte or wide character" },
	{ EADDRINUSE, "Address already in use" },
	{ EADDRNOTAVAIL, "Cannot assign requested address" },
	{ EAFNOSUPPORT, "Address family not supported by protocol" },
	{ EALREADY, "Operation already in progress" },
	{ EBADMSG, "Bad message" },
	{ ECANCELED, "Operation canceled" },
	{ ECONNABORTED, "Software caused connection abort" },
	{ ECONNREFUSED, "Connection refused" },
	{ ECONNRESET, "Connection reset by peer" },
	{ EDESTADDRREQ, "Destination address required" },
	{ EHOSTUNREACH, "No route to host" },
	{ EIDRM, "Identifier removed" },
	{ EINPROGRESS, "Operation now in progress" },
	{ EISCONN, "Transport endpoint is already connected" },
	{ ELOOP, "Too many levels of symbolic links" },
	{ EMSGSIZE, "Message too long" },
	{ ENETDOWN, "Network is down" },
	{ ENETRESET, "Network dropped connection on reset" },
	{ ENETUNREACH, "Network is unreachable" },
	{ ENOBUFS, "No buffer space available" },
	{ ENODATA, "No data available" },
	{ ENOLINK, "Link has been severed" },
	{ ENOMSG, "No message of desired type" },
	{ ENOPROTOOPT, "Protocol not available" },
	{ ENOSR, "Out of streams resources" },
	{ ENOSTR, "Device not a stream" },
	{ ENOTCONN, "Transport endpoint is not connected" },
	{ ENOTRECOVERABLE, "State not recoverable" },
	{ ENOTSOCK, "Socket operation on non-socket" },
	{ ENOTSUP, "Operation not supported" },
	{ EOPNOTSUPP, "Operation not supported" },
	{ EOVERFLOW, "Value too large for defined data type" },
	{ EOWNERDEAD, "Owner died" },
	{ EPROTO, "Protocol error" },
	{ EPROTONOSUPPORT, "Protocol not supported" },
	{ EPROTOTYPE, "Protocol wrong type for socket" },
	{ ETIME, "Timer expired" },
	{ ETIMEDOUT, "Connection timed out" },
	{ ETXTBSY, "Text file busy" },
	{ EWOULDBLOCK, "Resource temporarily unavailable" },
};

static const char *message(int e)
{
	size_t i;

	for (i = 0; i < sizeof messages / sizeof messages[0]; i++)
		if (messages[i].e == e)
			return messages[i].text;
	return NULL;
}

/* "Unknown error N", as glibc words it, in buf. */
static void unknown(int e, char *buf, size_t size)
{
	snprintf(buf, size, "Unknown error %d", e);
}

PI_EXPORT char *posixipc_strerror(int errnum)
{
	/* Per thread, as glibc's buffer for unknown numbers: callers may run concurrently. */
	static __thread char buf[32];
	const char *m = message(errnum);

	if (m != NULL)
		return (char *)m;
	unknown(errnum, buf, sizeof buf);
	return buf;
}

PI_EXPORT int posixipc_strerror_r(int errnum, char *buf, size_t size)
{
	const char *m = message(errnum);
	char tmp[32];
	size_t len;

	if (buf == NULL && size != 0)
		return EINVAL;
	if (m == NULL) {
		unknown(errnum, tmp, sizeof tmp);
		m = tmp;
	}
	len = strlen(m);
	if (size > 0) {
		size_t n = len < size ? len : size - 1;

		memcpy(buf, m, n);
		buf[n] = '\0';
	}
	if (len >= size)
		return ERANGE;
	return m == tmp ? EINVAL : 0;
}

PI_EXPORT char *posixipc_strerror_r_gnu(int errnum, char *buf, size_t size)
{
	const char *m = message(errnum);

	if (m != NULL)
		return (char *)m;
	if (buf == NULL || size == 0)
		return posixipc_strerror(errnum);
	unknown(errnum, buf, size);
	return buf;
}

/* strerror_s as the C runtime does it: a message that does not fit is truncated and the call
 * still returns 0; no buffer is EINVAL, in errno too. */
PI_EXPORT int posixipc_strerror_s(char *buf, size_t size, int errnum)
{
	int e = errno;

	if (buf == NULL || size == 0)
		return errno = EINVAL;
	posixipc_strerror_r(errnum, buf, size);
	errno = e;
	return 0;
}

PI_EXPORT void posixipc_perror(const char *s)
{
	/* perror must not change errno; one write keeps the line whole, as glibc's does. */
	int e = errno;
	const char *m = posixipc_strerror(e);

	if (s != NULL && s[0] != '\0')
		fprintf(stderr, "%s: %s\n", s, m);
	else
		fprintf(stderr, "%s\n", m);
	errno = e;
}
