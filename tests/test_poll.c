/* poll, ppoll, select and pselect over FIFOs, pipe() ends, files, C runtime descriptors on
 * native and anonymous pipes, and sockets: every event, writers in other processes (one
 * killed while the reader polls), 64 FIFOs at once, and the CPU a blocked poll uses.
 * Cross-process cases run tests/poll_helper.exe at the far end. */
#include <poll.h>
#include <sys/select.h>
#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <process.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "poll_winsock_first.h"
#include "testutil.h"

static HANDLE helper(const char *cmd, const char *path, int a, int b)
{
	char args[1024];

	snprintf(args, sizeof args, "%s \"%s\" %d %d", cmd, path, a, b);
	return tu_spawn("poll_helper", args);
}

static short poll1(int fd, short events, int timeout)
{
	struct pollfd p = { fd, events, 0 };
	int r = poll(&p, 1, timeout);

	ck_assert_int_ge(r, 0);
	ck_assert_int_eq(r, p.revents != 0);
	return p.revents;
}

/* ------------------------------------------------------------------ pipe() ends */

START_TEST(poll_pipe_reports_in_out_hup_and_err_as_linux_does)
{
	char buf[8];
	int fds[2];

	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(poll1(fds[0], POLLIN, 0), 0);
	ck_assert_int_eq(poll1(fds[1], POLLOUT, 0), POLLOUT);
	ck_assert_int_eq(poll1(fds[1], POLLWRNORM, 0), POLLWRNORM);
	ck_assert_int_eq(write(fds[1], "abc", 3), 3);
	ck_assert_int_eq(poll1(fds[0], POLLIN | POLLRDNORM, 0), POLLIN | POLLRDNORM);
	ck_assert_int_eq(poll1(fds[0], POLLRDNORM, -1), POLLRDNORM);
	/* Only the events asked for, apart from POLLHUP/POLLERR/POLLNVAL. */
	ck_assert_int_eq(poll1(fds[0], POLLOUT, 0), 0);
	ck_assert_int_eq(close(fds[1]), 0);
	ck_assert_int_eq(poll1(fds[0], POLLIN, -1), POLLIN | POLLHUP);
	ck_assert_int_eq(read(fds[0], buf, sizeof buf), 3);
	ck_assert_int_eq(poll1(fds[0], POLLIN, -1), POLLHUP);
	ck_assert_int_eq(poll1(fds[0], 0, 0), POLLHUP);
	ck_assert_int_eq(read(fds[0], buf, sizeof buf), 0);
	close(fds[0]);

	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(close(fds[0]), 0);
	/* A write end without a reader: POLLERR, and the write fails at once. */
	ck_assert_int_eq(poll1(fds[1], POLLOUT, -1) & POLLERR, POLLERR);
	ck_assert_int_eq(poll1(fds[1], 0, 0), POLLERR);
	errno = 0;
	ck_assert_int_eq(write(fds[1], "x", 1), -1);
	ck_assert_int_eq(errno, EPIPE);
	close(fds[1]);
}
END_TEST

static void fill(int fd)
{
	static char buf[PIPE_BUF];

	while (write(fd, buf, sizeof buf) > 0)
		;
	ck_assert_int_eq(errno, EAGAIN);
}

/* Full: no POLLOUT, and a PIPE_BUF write fails with EAGAIN; then room for less than PIPE_BUF
 * is still no POLLOUT; room for PIPE_BUF is.  (Wine 8.0 reports no room on a write end: the
 * library asks the read end this process holds, as in every case here.) */
static void check_room(int rfd, int wfd, short extra)
{
	char buf[PIPE_BUF];

	fill(wfd);
	ck_assert_int_eq(poll1(wfd, POLLOUT | extra, 0), extra);
	errno = 0;
	ck_assert_int_eq(write(wfd, buf, sizeof buf), -1);
	ck_assert_int_eq(errno, EAGAIN);
	ck_assert_int_eq(read(rfd, buf, 100), 100);
	ck_assert_int_eq(poll1(wfd, POLLOUT | extra, 0), extra);
	ck_assert_int_eq(read(rfd, buf, sizeof buf), sizeof buf);
	ck_assert_int_eq(poll1(wfd, POLLOUT | extra, 0), POLLOUT | extra);
	ck_assert_int_eq(write(wfd, buf, sizeof buf), sizeof buf);
}

START_TEST(poll_full_pipe_not_writable_until_drained)
{
	char path[MAX_PATH];
	int fds[2], rfd, wfd;

	ck_assert_int_eq(pipe2(fds, O_NONBLOCK), 0);
	check_room(fds[0], fds[1], 0);
	/* The read end's dup still tells. */
	rfd = dup(fds[0]);
	ck_assert_int_ge(rfd, 0);
	close(fds[0]);
	fill(fds[1]);
	ck_assert_int_eq(poll1(fds[1], POLLOUT, 0), 0);
	close(rfd);
	ck_assert_int_eq(poll1(fds[1], POLLOUT, 0) & POLLERR, POLLERR);
	close(fds[1]);

	tu_new_fifo(path, sizeof path);
	rfd = open(path, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(rfd, 0);
	wfd = open(path, O_WRONLY | O_NONBLOCK);
	ck_assert_int_ge(wfd, 0);
	check_room(rfd, wfd, 0);
	close(wfd);
	close(rfd);
	rfd = open(path, O_RDWR | O_NONBLOCK);
	ck_assert_int_ge(rfd, 0);
	ck_assert_int_eq(poll1(rfd, POLLIN, 0), 0);
	check_room(rfd, rfd, POLLIN);
	close(rfd);
	unlink(path);
}
END_TEST

struct later {
	int fd;
	DWORD ms;
	int close_it;
};

static DWORD WINAPI later_main(LPVOID arg)
{
	struct later *l = arg;

	Sleep(l->ms);
	if (l->close_it)
		return (DWORD)close(l->fd);
	return write(l->fd, "w", 1) == 1 ? 0 : 1;
}

static HANDLE later(struct later *l, int fd, DWORD ms, int close_it)
{
	HANDLE t;

	l->fd = fd;
	l->ms = ms;
	l->close_it = close_it;
	t = CreateThread(NULL, 0, later_main, l, 0, NULL);
	ck_assert_ptr_nonnull(t);
	return t;
}

static void join(HANDLE t)
{
	DWORD code = 1;

	ck_assert_int_eq(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
	GetExitCodeThread(t, &code);
	CloseHandle(t);
	ck_assert_int_eq(code, 0);
}

static DWORD WINAPI drain_later(LPVOID arg)
{
	char buf[PIPE_BUF];

	Sleep(100);
	return read(*(int *)arg, buf, sizeof buf) == sizeof buf ? 0 : 1;
}

/* A poll waiting for room returns once the reader makes some. */
START_TEST(poll_blocked_on_full_pipe_wakes_when_drained)
{
	char buf[PIPE_BUF] = { 0 };
	int fds[2];
	HANDLE t;

	ck_assert_int_eq(pipe2(fds, O_NONBLOCK), 0);
	fill(fds[1]);
	t = CreateThread(NULL, 0, drain_later, &fds[0], 0, NULL);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(poll1(fds[1], POLLOUT, 10000), POLLOUT);
	join(t);
	ck_assert_int_eq(write(fds[1], buf, sizeof buf), sizeof buf);
	close(fds[0]);
	close(fds[1]);
}
END_TEST

START_TEST(poll_blocked_on_pipe_wakes_for_write_and_close)
{
	struct later l;
	char c;
	int fds[2];
	HANDLE t;

	ck_assert_int_eq(pipe(fds), 0);
	t = later(&l, fds[1], 100, 0);
	ck_assert_int_eq(poll1(fds[0], POLLIN, -1), POLLIN);
	join(t);
	/* Readiness agrees with the read: it does not block. */
	ck_assert_int_eq(read(fds[0], &c, 1), 1);
	t = later(&l, fds[1], 100, 1);
	ck_assert_int_eq(poll1(fds[0], POLLIN, 20000), POLLHUP);
	join(t);
	ck_assert_int_eq(read(fds[0], &c, 1), 0);
	close(fds[0]);
}
END_TEST

/* After a poll over several idle pipes returns, the ends behave as before: non-blocking reads
 * do not wait, reads see the data, and closing a read end (even with the C runtime's own
 * _close) leaves its writer with EPIPE. */
START_TEST(poll_leaves_idle_ends_usable)
{
	struct pollfd p[2];
	int a[2], b[2], i;
	char c;

	ck_assert_int_eq(pipe(a), 0);
	ck_assert_int_eq(pipe(b), 0);
	p[0].fd = a[0];
	p[1].fd = b[0];
	p[0].events = p[1].events = POLLIN;
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(poll(p, 2, 30), 0);
	ck_assert_int_eq(fcntl(b[0], F_SETFL, O_NONBLOCK), 0);
	errno = 0;
	ck_assert_int_eq(read(b[0], &c, 1), -1);
	ck_assert_int_eq(errno, EAGAIN);
	ck_assert_int_eq(write(a[1], "q", 1), 1);
	ck_assert_int_eq(poll(p, 2, -1), 1);
	ck_assert_int_eq(p[0].revents, POLLIN);
	ck_assert_int_eq(read(a[0], &c, 1), 1);
	ck_assert_int_eq(poll(p, 2, 30), 0);
	ck_assert_int_eq(close(a[0]), 0);
	errno = 0;
	ck_assert_int_eq(write(a[1], "x", 1), -1);
	ck_assert_int_eq(errno, EPIPE);
	p[0].fd = -1;
	ck_assert_int_eq(poll(p, 2, 30), 0);
	ck_assert_int_eq(poll(p, 2, 30), 0);
	_close(b[0]);
	errno = 0;
	ck_assert_int_eq(write(b[1], "x", 1), -1);
	ck_assert_int_eq(errno, EPIPE);
	close(a[1]);
	close(b[1]);
}
END_TEST

/* A child holds the only other end: when it exits, the parent's read end is POLLHUP and its
 * write end POLLERR. */
START_TEST(poll_pipe_ends_held_by_exiting_child)
{
	char args[64];
	int in[2], out[2];
	HANDLE child;

	ck_assert_int_eq(pipe(in), 0);
	ck_assert_int_eq(pipe(out), 0);
	ck_assert_int_eq(fcntl(in[0], F_SETFD, FD_CLOEXEC), 0);
	ck_assert_int_eq(fcntl(out[1], F_SETFD, FD_CLOEXEC), 0);
	snprintf(args, sizeof args, "echo %d %d", out[0], in[1]);
	/* The child's echo reads out[0] until end of file and writes nothing back. */
	child = tu_spawn_fds("poll_helper", args);
	close(out[0]);
	close(in[1]);
	ck_assert_int_eq(poll1(in[0], POLLIN, 0), 0);
	ck_assert_int_eq(poll1(out[1], POLLOUT, 0), POLLOUT);
	ck_assert_int_eq(close(out[1]), 0);
	ck_assert_int_eq(poll1(in[0], POLLIN, 20000), POLLHUP);
	ck_assert_int_eq(tu_wait(child, INFINITE), 0);
	close(in[0]);

	ck_assert_int_eq(pipe(out), 0);
	ck_assert_int_eq(fcntl(out[1], F_SETFD, FD_CLOEXEC), 0);
	snprintf(args, sizeof args, "close-wait %d", out[0]);
	child = tu_spawn_fds("poll_helper", args);
	close(out[0]);
	ck_assert_int_eq(poll1(out[1], POLLOUT, 20000) & POLLOUT, POLLOUT);
	TerminateProcess(child, 0);
	tu_wait(child, INFINITE);
	ck_assert_int_eq(poll1(out[1], POLLOUT, 0), POLLOUT | POLLERR);
	close(out[1]);
}
END_TEST

/* ------------------------------------------------------------------ FIFOs across processes */

START_TEST(poll_fifo_no_hup_before_writer_then_data_then_hup)
{
	char path[MAX_PATH], buf[128];
	HANDLE h;
	int fd;

	tu_new_fifo(path, sizeof path);
	fd = open(path, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(fd, 0);
	/* Linux: no POLLHUP before any writer has come. */
	ck_assert_int_eq(poll1(fd, POLLIN, 0), 0);
	ck_assert_int_eq(poll1(fd, POLLIN, 50), 0);
	h = helper("write-after", path, 200, 64);
	ck_assert_int_eq(poll1(fd, POLLIN, 20000), POLLIN);
	ck_assert_int_eq(read(fd, buf, sizeof buf), 64);
	/* The writer is still there: no event, then POLLHUP when it closes. */
	ck_assert_int_eq(poll1(fd, POLLIN, 0), 0);
	ck_assert_int_eq(poll1(fd, POLLIN, 20000), POLLHUP);
	ck_assert_int_eq(read(fd, buf, sizeof buf), 0);
	ck_assert_int_eq(tu_wait(h, 20000), 0);
	close(fd);
	unlink(path);
}
END_TEST

START_TEST(poll_fifo_new_writer_after_hup_brings_data)
{
	char path[MAX_PATH], buf[128];
	HANDLE h;
	int fd;

	tu_new_fifo(path, sizeof path);
	fd = open(path, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(fd, 0);
	h = helper("write-after", path, 0, 10);
	ck_assert_int_eq(tu_wait(h, 20000), 0);
	ck_assert_int_eq(poll1(fd, POLLIN, 20000), POLLIN | POLLHUP);
	ck_assert_int_eq(read(fd, buf, sizeof buf), 10);
	ck_assert_int_eq(read(fd, buf, sizeof buf), 0);
	/* As on Linux, POLLHUP stays until a new writer comes; what it leaves is read. */
	ck_assert_int_eq(poll1(fd, POLLIN, -1), POLLHUP);
	h = helper("write-after", path, 50, 20);
	ck_assert_int_eq(tu_wait(h, 20000), 0);
	ck_assert_int_eq(poll1(fd, POLLIN, -1), POLLIN | POLLHUP);
	ck_assert_int_eq(read(fd, buf, sizeof buf), 20);
	ck_assert_int_eq(read(fd, buf, sizeof buf), 0);
	close(fd);
	unlink(path);
}
END_TEST

static DWORD WINAPI kill_main(LPVOID arg)
{
	Sleep(200);
	return TerminateProcess((HANDLE)arg, 9) ? 0 : 1;
}

START_TEST(poll_fifo_writer_killed_while_polling_is_hup)
{
	char path[MAX_PATH], c;
	HANDLE h, t;
	int fd;

	tu_new_fifo(path, sizeof path);
	fd = open(path, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(fd, 0);
	h = helper("write-hold", path, 0, 0);
	ck_assert_int_eq(poll1(fd, POLLIN, 20000), POLLIN);
	ck_assert_int_eq(read(fd, &c, 1), 1);
	t = CreateThread(NULL, 0, kill_main, h, 0, NULL);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(poll1(fd, POLLIN, 20000), POLLHUP);
	ck_assert_int_eq(read(fd, &c, 1), 0);
	join(t);
	ck_assert_int_eq(tu_wait(h, 20000), 9);
	close(fd);
	unlink(path);
}
END_TEST

START_TEST(poll_fifo_rdwr_and_write_end_without_reader)
{
	char path[MAX_PATH], c;
	int fd, r, w;

	tu_new_fifo(path, sizeof path);
	fd = open(path, O_RDWR);
	ck_assert_int_ge(fd, 0);
	/* Itself a writer: never POLLHUP, always room at first. */
	ck_assert_int_eq(poll1(fd, POLLIN | POLLOUT, 0), POLLOUT);
	ck_assert_int_eq(write(fd, "r", 1), 1);
	ck_assert_int_eq(poll1(fd, POLLIN | POLLOUT, 0), POLLIN | POLLOUT);
	ck_assert_int_eq(read(fd, &c, 1), 1);
	close(fd);

	r = open(path, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(r, 0);
	w = open(path, O_WRONLY | O_NONBLOCK);
	ck_assert_int_ge(w, 0);
	ck_assert_int_eq(poll1(w, POLLOUT, 0), POLLOUT);
	ck_assert_int_eq(close(r), 0);
	ck_assert_int_eq(poll1(w, POLLOUT, 0) & POLLERR, POLLERR);
	errno = 0;
	ck_assert_int_eq(write(w, "x", 1), -1);
	ck_assert_int_eq(errno, EPIPE);
	close(w);
	unlink(path);
}
END_TEST

#define NFIFO 64

START_TEST(poll_64_fifos_reports_exactly_the_written_one)
{
	static char paths[NFIFO][MAX_PATH];
	struct pollfd p[NFIFO];
	int w[NFIFO], i, round, which;
	HANDLE h;
	char c;

	for (i = 0; i < NFIFO; i++) {
		tu_new_fifo(paths[i], sizeof paths[i]);
		p[i].fd = open(paths[i], O_RDONLY | O_NONBLOCK);
		ck_assert_int_ge(p[i].fd, 0);
		p[i].events = POLLIN;
		/* A writer of our own keeps POLLHUP away when the helper's goes. */
		w[i] = open(paths[i], O_WRONLY | O_NONBLOCK);
		ck_assert_int_ge(w[i], 0);
	}
	for (round = 0; round < 3; round++) {
		which = (round * 29 + 37) % NFIFO;
		ck_assert_int_eq(poll(p, NFIFO, 0), 0);
		h = helper("write-after", paths[which], 100, 1);
		ck_assert_int_eq(poll(p, NFIFO, 20000), 1);
		for (i = 0; i < NFIFO; i++)
			ck_assert_int_eq(p[i].revents, i == which ? POLLIN : 0);
		ck_assert_int_eq(read(p[which].fd, &c, 1), 1);
		ck_assert_int_eq(tu_wait(h, 20000), 0);
	}
	for (i = 0; i < NFIFO; i++) {
		close(p[i].fd);
		close(w[i]);
		unlink(paths[i]);
	}
}
END_TEST

static double cpu_seconds(void)
{
	FILETIME c, e, k, u;

	GetProcessTimes(GetCurrentProcess(), &c, &e, &k, &u);
	return ((((ULONGLONG)k.dwHighDateTime << 32) | k.dwLowDateTime) +
		(((ULONGLONG)u.dwHighDateTime << 32) | u.dwLowDateTime)) / 1e7;
}

/* A poll blocked on idle FIFOs and a pipe waits on events: it uses almost no CPU. */
START_TEST(poll_blocked_on_idle_fifos_uses_no_cpu)
{
	char paths[8][MAX_PATH];
	struct pollfd p[9];
	int w[8], fds[2], i;
	double before, used;

	for (i = 0; i < 8; i++) {
		tu_new_fifo(paths[i], sizeof paths[i]);
		p[i].fd = open(paths[i], O_RDONLY | O_NONBLOCK);
		ck_assert_int_ge(p[i].fd, 0);
		p[i].events = POLLIN;
		w[i] = open(paths[i], O_WRONLY | O_NONBLOCK);
	}
	ck_assert_int_eq(pipe(fds), 0);
	p[8].fd = fds[0];
	p[8].events = POLLIN;
	before = cpu_seconds();
	ck_assert_int_eq(poll(p, 9, 3000), 0);
	used = cpu_seconds() - before;
	ck_assert_msg(used < 0.06, "poll used %.3f s of CPU in 3 s", used);
	for (i = 0; i < 8; i++) {
		close(p[i].fd);
		close(w[i]);
		unlink(paths[i]);
	}
	close(fds[0]);
	close(fds[1]);
}
END_TEST

/* ------------------------------------------------------------------ other descriptors */

START_TEST(poll_files_nval_negative_and_limits)
{
	char path[MAX_PATH];
	struct pollfd p[3];
	int fd;

	tu_path(path, sizeof path, "plainfile");
	fd = open(path, O_RDWR | O_CREAT, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(poll1(fd, POLLIN | POLLOUT, 0), POLLIN | POLLOUT);
	p[0].fd = fd;
	p[0].events = POLLIN;
	p[1].fd = -1;
	p[1].events = POLLIN;
	p[1].revents = 77;
	p[2].fd = 1999;
	p[2].events = POLLIN;
	ck_assert_int_eq(poll(p, 3, -1), 2);
	ck_assert_int_eq(p[0].revents, POLLIN);
	ck_assert_int_eq(p[1].revents, 0);
	ck_assert_int_eq(p[2].revents, POLLNVAL);
	close(fd);
	unlink(path);
	ck_assert_int_eq(poll(NULL, 0, 0), 0);
	ck_assert_int_eq(poll(NULL, 0, 10), 0);
	errno = 0;
	ck_assert_int_eq(poll(NULL, 1, 0), -1);
	ck_assert_int_eq(errno, EFAULT);
	errno = 0;
	ck_assert_int_eq(poll(p, 1u << 20, 0), -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(ppoll_null_sigmask_and_bad_timeout)
{
	struct timespec ts = { 0, 20 * 1000000 }, bad = { 0, 1000000000 };
	int fds[2];
	struct pollfd p;
	_sigset_t mask = 0;

	ck_assert_int_eq(pipe(fds), 0);
	p.fd = fds[0];
	p.events = POLLIN;
	ck_assert_int_eq(ppoll(&p, 1, &ts, NULL), 0);
	ck_assert_int_eq(write(fds[1], "x", 1), 1);
	ck_assert_int_eq(ppoll(&p, 1, NULL, NULL), 1);
	ck_assert_int_eq(p.revents, POLLIN);
	errno = 0;
	ck_assert_int_eq(ppoll(&p, 1, &bad, NULL), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(ppoll(&p, 1, &ts, &mask), -1);
	ck_assert_int_eq(errno, ENOTSUP);
	close(fds[0]);
	close(fds[1]);
}
END_TEST

/* A C runtime descriptor on a native program's named pipe, and one on an anonymous pipe. */
START_TEST(poll_crt_descriptors_on_native_and_anonymous_pipes)
{
	char name[128], c;
	HANDLE srv, r, w;
	DWORD n;
	int fd, afd;

	snprintf(name, sizeof name, "\\\\.\\pipe\\posixipc-test-poll.%lu.%lu",
		 (unsigned long)GetCurrentProcessId(), (unsigned long)GetTickCount());
	srv = CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE | PIPE_WAIT, 1, 4096, 4096,
			       0, NULL);
	ck_assert_ptr_ne(srv, INVALID_HANDLE_VALUE);
	fd = open(name, O_RDWR);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(poll1(fd, POLLIN, 0), 0);
	ck_assert_int_eq(poll1(fd, POLLOUT, 0), POLLOUT);
	ck_assert(WriteFile(srv, "n", 1, &n, NULL));
	ck_assert_int_eq(poll1(fd, POLLIN, -1), POLLIN);
	ck_assert_int_eq(read(fd, &c, 1), 1);
	CloseHandle(srv);
	ck_assert_int_eq(poll1(fd, POLLIN, -1) & POLLHUP, POLLHUP);
	close(fd);

	ck_assert(CreatePipe(&r, &w, NULL, 4096));
	afd = _open_osfhandle((intptr_t)r, _O_RDONLY);
	ck_assert_int_ge(afd, 0);
	ck_assert_int_eq(poll1(afd, POLLIN, 0), 0);
	ck_assert(WriteFile(w, "a", 1, &n, NULL));
	ck_assert_int_eq(poll1(afd, POLLIN, -1), POLLIN);
	CloseHandle(w);
	ck_assert_int_eq(read(afd, &c, 1), 1);
	ck_assert_int_eq(poll1(afd, POLLIN, -1), POLLHUP);
	_close(afd);
}
END_TEST

static SOCKET udp_socket(struct sockaddr_in *addr)
{
	int len = sizeof *addr;
	SOCKET s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);

	ck_assert(s != INVALID_SOCKET);
	memset(addr, 0, sizeof *addr);
	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(s, (struct sockaddr *)addr, len), 0);
	ck_assert_int_eq(getsockname(s, (struct sockaddr *)addr, &len), 0);
	return s;
}

struct sender {
	SOCKET s;
	struct sockaddr_in to;
};

static DWORD WINAPI send_later(LPVOID arg)
{
	struct sender *x = arg;

	Sleep(150);
	return sendto(x->s, "d", 1, 0, (struct sockaddr *)&x->to, sizeof x->to) == 1 ? 0 : 1;
}

/* Sockets as a winsock program passes them, mixed with a pipe: either kind wakes the poll. */
START_TEST(poll_wakes_for_whichever_of_socket_and_pipe_is_ready)
{
	struct sockaddr_in a, b;
	struct pollfd p[2];
	struct sender x;
	struct later l;
	WSADATA wsa;
	SOCKET sa, sb;
	HANDLE t;
	char c;
	int fds[2];

	ck_assert_int_eq(WSAStartup(MAKEWORD(2, 2), &wsa), 0);
	sa = udp_socket(&a);
	sb = udp_socket(&b);
	ck_assert_int_eq(pipe(fds), 0);
	p[0].fd = (int)sa;
	p[0].events = POLLIN;
	p[1].fd = fds[0];
	p[1].events = POLLIN;
	ck_assert_int_eq(poll(p, 2, 0), 0);
	ck_assert_int_eq(poll1((int)sa, POLLOUT, 0), POLLOUT);
	x.s = sb;
	x.to = a;
	t = CreateThread(NULL, 0, send_later, &x, 0, NULL);
	ck_assert_int_eq(poll(p, 2, 20000), 1);
	ck_assert_int_eq(p[0].revents, POLLIN);
	ck_assert_int_eq(p[1].revents, 0);
	join(t);
	ck_assert_int_eq(recv(sa, &c, 1, 0), 1);
	t = later(&l, fds[1], 150, 0);
	ck_assert_int_eq(poll(p, 2, 20000), 1);
	ck_assert_int_eq(p[0].revents, 0);
	ck_assert_int_eq(p[1].revents, POLLIN);
	join(t);
	closesocket(sa);
	closesocket(sb);
	close(fds[0]);
	close(fds[1]);
	WSACleanup();
}
END_TEST

/* ------------------------------------------------------------------ select */

START_TEST(select_two_fifos_reports_exactly_the_written_one)
{
	char a[MAX_PATH], b[MAX_PATH], c;
	int ra, rb, wa, wb, n;
	struct timeval tv = { 20, 0 };
	fd_set rs;
	HANDLE h;

	tu_new_fifo(a, sizeof a);
	tu_new_fifo(b, sizeof b);
	ra = open(a, O_RDONLY | O_NONBLOCK);
	rb = open(b, O_RDONLY | O_NONBLOCK);
	wa = open(a, O_WRONLY | O_NONBLOCK);
	wb = open(b, O_WRONLY | O_NONBLOCK);
	ck_assert(ra >= 0 && rb >= 0 && wa >= 0 && wb >= 0);
	ck_assert_int_ge(FD_SETSIZE, 1024);
	h = helper("write-after", b, 100, 1);
	FD_ZERO(&rs);
	FD_SET(ra, &rs);
	FD_SET(rb, &rs);
	n = (ra > rb ? ra : rb) + 1;
	ck_assert_int_eq(select(n, &rs, NULL, NULL, &tv), 1);
	ck_assert(!FD_ISSET(ra, &rs));
	ck_assert(FD_ISSET(rb, &rs));
	ck_assert_int_eq(read(rb, &c, 1), 1);
	ck_assert_int_eq(tu_wait(h, 20000), 0);
	/* Timeout with nothing ready: both sets come back empty. */
	FD_ZERO(&rs);
	FD_SET(ra, &rs);
	FD_SET(rb, &rs);
	tv.tv_sec = 0;
	tv.tv_usec = 20000;
	ck_assert_int_eq(select(n, &rs, NULL, NULL, &tv), 0);
	ck_assert(!FD_ISSET(ra, &rs) && !FD_ISSET(rb, &rs));
	close(ra);
	close(rb);
	close(wa);
	close(wb);
	unlink(a);
	unlink(b);
}
END_TEST

START_TEST(select_write_sets_bad_descriptor_and_pselect)
{
	struct timespec ts = { 0, 0 };
	struct timeval tv = { 0, 0 };
	fd_set rs, ws;
	int fds[2];

	ck_assert_int_eq(pipe(fds), 0);
	FD_ZERO(&rs);
	FD_ZERO(&ws);
	FD_SET(fds[0], &rs);
	FD_SET(fds[1], &ws);
	ck_assert_int_eq(select(fds[1] + 1, &rs, &ws, NULL, &tv), 1);
	ck_assert(FD_ISSET(fds[1], &ws));
	ck_assert(!FD_ISSET(fds[0], &rs));
	ck_assert_int_eq(write(fds[1], "x", 1), 1);
	FD_ZERO(&rs);
	FD_SET(fds[0], &rs);
	ck_assert_int_eq(pselect(fds[0] + 1, &rs, NULL, NULL, &ts, NULL), 1);
	ck_assert(FD_ISSET(fds[0], &rs));
	FD_ZERO(&rs);
	FD_SET(1999, &rs);
	errno = 0;
	ck_assert_int_eq(select(2000, &rs, NULL, NULL, &tv), -1);
	ck_assert_int_eq(errno, EBADF);
	errno = 0;
	ck_assert_int_eq(select(-1, NULL, NULL, NULL, &tv), -1);
	ck_assert_int_eq(errno, EINVAL);
	close(fds[0]);
	close(fds[1]);
}
END_TEST

/* A file that included <winsock2.h> first gets the same select and poll. */
START_TEST(select_and_poll_same_after_winsock_include)
{
	int fds[2];

	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(write(fds[1], "w", 1), 1);
	ck_assert_int_eq(select_after_winsock(fds[0]), 1);
	ck_assert_int_eq(poll_after_winsock(fds[0]), 1);
	close(fds[0]);
	close(fds[1]);
}
END_TEST

/* Threads polling the same idle pipes at once, each poll short, share the waiters parked
 * on those ends: none takes more than its own, and nothing is reported. */
enum { SHARED_PIPES = 6, SHARED_POLLERS = 8 };

struct shared_poll {
	int *rfds;
	int bad;
};

static DWORD WINAPI shared_poller(LPVOID arg)
{
	struct shared_poll *sp = arg;
	struct pollfd p[SHARED_PIPES];
	DWORD end = GetTickCount() + 3000;
	int i, k = 0;

	while ((LONG)(GetTickCount() - end) < 0) {
		for (i = 0; i < SHARED_PIPES; i++) {
			p[i].fd = sp->rfds[i];
			p[i].events = POLLIN;
			p[i].revents = 0;
		}
		if (poll(p, SHARED_PIPES, k++ % 10) != 0)
			sp->bad++;
	}
	return 0;
}

START_TEST(poll_from_many_threads_on_the_same_idle_pipes)
{
	int fds[SHARED_PIPES][2], rfds[SHARED_PIPES], i;
	struct shared_poll sp[SHARED_POLLERS];
	HANDLE t[SHARED_POLLERS];

	for (i = 0; i < SHARED_PIPES; i++) {
		ck_assert_int_eq(pipe2(fds[i], O_NONBLOCK), 0);
		rfds[i] = fds[i][0];
	}
	for (i = 0; i < SHARED_POLLERS; i++) {
		sp[i].rfds = rfds;
		sp[i].bad = 0;
		t[i] = CreateThread(NULL, 0, shared_poller, &sp[i], 0, NULL);
		ck_assert_ptr_nonnull(t[i]);
	}
	ck_assert_int_eq(WaitForMultipleObjects(SHARED_POLLERS, t, TRUE, 60000), WAIT_OBJECT_0);
	for (i = 0; i < SHARED_POLLERS; i++) {
		CloseHandle(t[i]);
		ck_assert_int_eq(sp[i].bad, 0);
	}
	/* The ends still work. */
	ck_assert_int_eq(write(fds[0][1], "x", 1), 1);
	ck_assert_int_eq(read(fds[0][0], rfds, 1), 1);
	for (i = 0; i < SHARED_PIPES; i++) {
		close(fds[i][0]);
		close(fds[i][1]);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("poll");

	TU_ADD(s, poll_pipe_reports_in_out_hup_and_err_as_linux_does);
	TU_ADD(s, poll_full_pipe_not_writable_until_drained);
	TU_ADD(s, poll_blocked_on_full_pipe_wakes_when_drained);
	TU_ADD(s, poll_blocked_on_pipe_wakes_for_write_and_close);
	TU_ADD(s, poll_leaves_idle_ends_usable);
	TU_ADD(s, poll_pipe_ends_held_by_exiting_child);
	TU_ADD(s, poll_fifo_no_hup_before_writer_then_data_then_hup);
	TU_ADD(s, poll_fifo_new_writer_after_hup_brings_data);
	TU_ADD(s, poll_fifo_writer_killed_while_polling_is_hup);
	TU_ADD(s, poll_fifo_rdwr_and_write_end_without_reader);
	TU_ADD(s, poll_64_fifos_reports_exactly_the_written_one);
	TU_ADD(s, poll_blocked_on_idle_fifos_uses_no_cpu);
	TU_ADD(s, poll_files_nval_negative_and_limits);
	TU_ADD(s, ppoll_null_sigmask_and_bad_timeout);
	TU_ADD(s, poll_crt_descriptors_on_native_and_anonymous_pipes);
	TU_ADD(s, poll_wakes_for_whichever_of_socket_and_pipe_is_ready);
	TU_ADD(s, select_two_fifos_reports_exactly_the_written_one);
	TU_ADD(s, select_write_sets_bad_descriptor_and_pselect);
	TU_ADD(s, select_and_poll_same_after_winsock_include);
	TU_ADD(s, poll_from_many_threads_on_the_same_idle_pipes);
	return tu_run(s);
}
