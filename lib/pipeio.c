/* What FIFOs and pipe() share about a named pipe handle: its wait mode, the errors that mean
 * the other side is gone, and a non-blocking write that keeps PIPE_BUF writes whole. */
#include "internal.h"
#include "winapi.h"

int pi_pipe_set_wait(HANDLE h, int wait)
{
	DWORD mode = PIPE_READMODE_BYTE | (wait ? PIPE_WAIT : PIPE_NOWAIT);

	return SetNamedPipeHandleState(h, &mode, NULL, NULL) ? 0 : -1;
}

int pi_pipe_write_check(int flags, const void *buf, size_t *count)
{
	if ((flags & O_ACCMODE) == O_RDONLY)
		return pi_fail(EBADF);
	if (buf == NULL && *count > 0)
		return pi_fail(EFAULT);
	/* As on Linux, an empty write succeeds even with no reader. */
	if (*count == 0)
		return 0;
	if (*count > (size_t)PTRDIFF_MAX)
		*count = (size_t)PTRDIFF_MAX;
	return 1;
}

int pi_pipe_no_peer(DWORD err)
{
	return err == ERROR_NO_DATA || err == ERROR_BROKEN_PIPE ||
	       err == ERROR_PIPE_NOT_CONNECTED || err == ERROR_PIPE_LISTENING;
}

int pi_pipe_write_fail(DWORD err)
{
	return pi_pipe_no_peer(err) ? pi_epipe() : pi_fail_win32(err);
}

/* A non-blocking pipe write either fits whole or writes nothing, so writes of up to atomic
 * bytes are never split; a longer one is offered in smaller pieces so that POSIX's partial
 * count comes out. */
ssize_t pi_pipe_write_nowait(HANDLE h, const char *buf, size_t count, size_t bufsize,
			     size_t atomic)
{
	size_t done = 0, chunk = count > bufsize ? bufsize : count;
	DWORD n = 0, err = 0;

	pi_pipe_set_wait(h, 0);
	while (done < count) {
		if (chunk > count - done)
			chunk = count - done;
		if (!WriteFile(h, buf + done, (DWORD)chunk, &n, NULL)) {
			err = GetLastError();
			break;
		}
		done += n;
		if (n == 0) {
			if (count <= atomic || chunk <= atomic / 4)
				break;
			chunk /= 2;
		}
	}
	pi_pipe_set_wait(h, 1);
	if (done > 0)
		return (ssize_t)done;
	return err ? -(ssize_t)err : 0;
}

int pi_pipe_room(HANDLE rh, DWORD *room)
{
	FILE_PIPE_LOCAL_INFORMATION info;

	if (!pi_pipe_info(rh, &info) || info.NamedPipeState != PI_PIPE_CONNECTED)
		return 0;
	*room = info.InboundQuota > info.ReadDataAvailable ?
			info.InboundQuota - info.ReadDataAvailable : 0;
	return 1;
}
