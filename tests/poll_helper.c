/* Second process for the pipe and poll tests: a FIFO writer that comes late or never leaves,
 * a child that echoes what it reads on pipe() descriptors it inherited, and one that raises
 * SIGPIPE.  Exit status 0 means the helper saw what it expected (raise-sigpipe: 3, as the
 * signal ends it); anything else names the step that failed. */
#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

/* write-after <path> <ms> <bytes>: open for writing, wait, write the bytes ('x'), wait again,
 * close. */
static int do_write_after(const char *path, DWORD ms, size_t n)
{
	char buf[4096];
	int fd = open(path, O_WRONLY);

	if (fd < 0 || n > sizeof buf)
		return 2;
	memset(buf, 'x', n);
	Sleep(ms);
	if (n > 0 && write(fd, buf, n) != (ssize_t)n)
		return 3;
	Sleep(ms);
	return close(fd) == 0 ? 0 : 4;
}

/* write-hold <path>: open for writing, write one byte, then wait to be killed. */
static int do_write_hold(const char *path)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, "h", 1) != 1)
		return 2;
	Sleep(INFINITE);
	return 3;
}

/* echo <rfd> <wfd>: read rfd until end of file, then write all of it back to wfd and close
 * it.  The descriptors were inherited from the parent. */
static int do_echo(int rfd, int wfd)
{
	static char buf[1 << 20];
	size_t done = 0;
	ssize_t r;

	/* The C runtime opens standard input and output in text mode. */
	_setmode(rfd, _O_BINARY);
	_setmode(wfd, _O_BINARY);
	while ((r = read(rfd, buf + done, sizeof buf - done)) > 0)
		done += (size_t)r;
	if (r < 0)
		return 2;
	if (close(rfd) != 0)
		return 3;
	if (done > 0 && write(wfd, buf, done) != (ssize_t)done)
		return 4;
	return close(wfd) == 0 ? 0 : 5;
}

/* close-wait <fd>...: close the inherited descriptors and wait to be killed. */
static int do_close_wait(int argc, char **argv)
{
	int i;

	for (i = 2; i < argc; i++)
		if (close(atoi(argv[i])) != 0)
			return 2;
	Sleep(INFINITE);
	return 3;
}

/* write-epipe <wfd>: after the parent has closed the read end, a write is EPIPE. */
static int do_write_epipe(int wfd)
{
	errno = 0;
	if (write(wfd, "x", 1) != -1)
		return 2;
	return errno == EPIPE ? 0 : 3;
}

/* read-end <rfd>: an inherited read end, which this process knows only by its handle, is a
 * read end: O_RDONLY, a write is EBADF at once, never POLLOUT, and at end of file POLLHUP
 * alone. */
static int do_read_end(int rfd)
{
	struct pollfd p = { rfd, POLLIN | POLLOUT, 0 };

	if (fcntl(rfd, F_GETFL) != O_RDONLY)
		return 2;
	errno = 0;
	if (write(rfd, "x", 1) != -1 || errno != EBADF)
		return 3;
	if (poll(&p, 1, 0) < 0 || (p.revents & POLLOUT))
		return 4;
	p.events = POLLIN;
	if (poll(&p, 1, 20000) != 1 || p.revents != POLLHUP)
		return 5;
	return 0;
}

/* raise-sigpipe: SIGPIPE under its default action; the process should end before the
 * return. */
static int do_raise_sigpipe(void)
{
	raise(SIGPIPE);
	return 4;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	if (strcmp(cmd, "write-after") == 0 && argc > 4)
		return do_write_after(argv[2], (DWORD)atoi(argv[3]), (size_t)atoi(argv[4]));
	if (strcmp(cmd, "write-hold") == 0 && argc > 2)
		return do_write_hold(argv[2]);
	if (strcmp(cmd, "echo") == 0 && argc > 3)
		return do_echo(atoi(argv[2]), atoi(argv[3]));
	if (strcmp(cmd, "close-wait") == 0)
		return do_close_wait(argc, argv);
	if (strcmp(cmd, "write-epipe") == 0 && argc > 2)
		return do_write_epipe(atoi(argv[2]));
	if (strcmp(cmd, "raise-sigpipe") == 0)
		return do_raise_sigpipe();
	if (strcmp(cmd, "read-end") == 0 && argc > 2)
		return do_read_end(atoi(argv[2]));
	fprintf(stderr, "poll_helper: unknown command %s\n", cmd);
	return 100;
}
