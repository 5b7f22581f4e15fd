/* pipe() and pipe2(): end of file, EPIPE, PIPE_BUF atomicity, O_NONBLOCK and fcntl, dup,
 * stdio, close-on-exec, and children started with _spawn or CreateProcess holding an end.
 * Children run tests/poll_helper.exe. */
#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <limits.h>
#include <process.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

static void make_pipe(int fds[2], int flags)
{
	ck_assert_int_eq(pipe2(fds, flags), 0);
	ck_assert_int_ge(fds[0], 0);
	ck_assert_int_ge(fds[1], 0);
	ck_assert_int_ne(fds[0], fds[1]);
}

START_TEST(pipe_data_then_eof_after_last_writer)
{
	char buf[16];
	int fds[2];

	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(write(fds[1], "hello", 5), 5);
	ck_assert_int_eq(read(fds[0], buf, sizeof buf), 5);
	ck_assert_int_eq(memcmp(buf, "hello", 5), 0);
	ck_assert_int_eq(write(fds[1], "ab", 2), 2);
	ck_assert_int_eq(close(fds[1]), 0);
	/* Data written before the last writer closed comes first. */
	ck_assert_int_eq(read(fds[0], buf, sizeof buf), 2);
	ck_assert_int_eq(read(fds[0], buf, sizeof buf), 0);
	ck_assert_int_eq(read(fds[0], buf, sizeof buf), 0);
	ck_assert_int_eq(close(fds[0]), 0);
}
END_TEST

START_TEST(pipe_write_without_reader_is_epipe)
{
	int fds[2];

	make_pipe(fds, 0);
	ck_assert_int_eq(close(fds[0]), 0);
	errno = 0;
	ck_assert_int_eq(write(fds[1], "x", 1), -1);
	ck_assert_int_eq(errno, EPIPE);
	/* An empty write succeeds even then, as on Linux. */
	ck_assert_int_eq(write(fds[1], "", 0), 0);
	ck_assert_int_eq(close(fds[1]), 0);
}
END_TEST

/* As on Linux, a handler set for SIGPIPE runs before the write fails with EPIPE, and stays
 * set; SIG_IGN leaves the bare EPIPE, and so does the default action here (Linux would end
 * the process). */
START_TEST(pipe_write_without_reader_runs_the_sigpipe_handler_then_is_epipe)
{
	int fds[2];

	make_pipe(fds, 0);
	ck_assert_int_eq(close(fds[0]), 0);
	tu_sigpipes = 0;
	ck_assert_ptr_eq(signal(SIGPIPE, tu_count_sigpipe), SIG_DFL);
	errno = 0;
	ck_assert_int_eq(write(fds[1], "x", 1), -1);
	ck_assert_int_eq(errno, EPIPE);
	ck_assert_int_eq(tu_sigpipes, 1);
	ck_assert_int_eq(fcntl(fds[1], F_SETFL, O_NONBLOCK), 0);
	errno = 0;
	ck_assert_int_eq(write(fds[1], "x", 1), -1);
	ck_assert_int_eq(errno, EPIPE);
	ck_assert_int_eq(tu_sigpipes, 2);
	ck_assert_int_eq(raise(SIGPIPE), 0);
	ck_assert_int_eq(tu_sigpipes, 3);
	/* An empty write sends nothing, so no signal either. */
	ck_assert_int_eq(write(fds[1], "", 0), 0);
	ck_assert_int_eq(tu_sigpipes, 3);

	ck_assert_ptr_eq(signal(SIGPIPE, SIG_IGN), tu_count_sigpipe);
	errno = 0;
	ck_assert_int_eq(write(fds[1], "x", 1), -1);
	ck_assert_int_eq(errno, EPIPE);
	ck_assert_int_eq(raise(SIGPIPE), 0);
	ck_assert_ptr_eq(signal(SIGPIPE, SIG_DFL), SIG_IGN);
	errno = 0;
	ck_assert_int_eq(write(fds[1], "x", 1), -1);
	ck_assert_int_eq(errno, EPIPE);
	ck_assert_int_eq(tu_sigpipes, 3);

	errno = 0;
	ck_assert_ptr_eq(signal(SIGPIPE, SIG_ERR), SIG_ERR);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_eq(signal(SIGPIPE, SIG_DFL), SIG_DFL);
	/* Other signals stay the C runtime's. */
	ck_assert_ptr_eq(signal(SIGINT, SIG_IGN), SIG_DFL);
	ck_assert_ptr_eq(signal(SIGINT, SIG_DFL), SIG_IGN);
	ck_assert_int_eq(close(fds[1]), 0);
}
END_TEST

/* raise(SIGPIPE) under the default action ends the process, as the C runtime ends it for its
 * own signals. */
START_TEST(raise_sigpipe_by_default_ends_the_process)
{
	ck_assert_int_eq(tu_wait(tu_spawn("poll_helper", "raise-sigpipe"), 20000), 3);
}
END_TEST

START_TEST(pipe_wrong_direction_is_ebadf)
{
	char c;
	int fds[2];

	make_pipe(fds, 0);
	errno = 0;
	ck_assert_int_eq(write(fds[0], "x", 1), -1);
	ck_assert_int_eq(errno, EBADF);
	errno = 0;
	ck_assert_int_eq(read(fds[1], &c, 1), -1);
	ck_assert_int_eq(errno, EBADF);
	ck_assert_int_eq(fcntl(fds[0], F_GETFL) & O_ACCMODE, O_RDONLY);
	ck_assert_int_eq(fcntl(fds[1], F_GETFL) & O_ACCMODE, O_WRONLY);
	close(fds[0]);
	close(fds[1]);
}
END_TEST

START_TEST(pipe2_unknown_flag_is_einval_null_array_efault_and_fds_untouched)
{
	int fds[2] = { -7, -7 };

	errno = 0;
	ck_assert_int_eq(pipe2(fds, 0x4), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(fds[0], -7);
	errno = 0;
	ck_assert_int_eq(pipe(NULL), -1);
	ck_assert_int_eq(errno, EFAULT);
	errno = 0;
	ck_assert_int_eq(pipe2(NULL, O_CLOEXEC), -1);
	ck_assert_int_eq(errno, EFAULT);
}
END_TEST

START_TEST(pipe2_nonblock_eagain_and_fcntl_toggles)
{
	char buf[PIPE_BUF], c;
	int fds[2], n = 0;
	size_t got = 0;
	ssize_t r;

	make_pipe(fds, O_NONBLOCK);
	ck_assert(fcntl(fds[0], F_GETFL) & O_NONBLOCK);
	ck_assert(fcntl(fds[1], F_GETFL) & O_NONBLOCK);
	errno = 0;
	ck_assert_int_eq(read(fds[0], &c, 1), -1);
	ck_assert_int_eq(errno, EAGAIN);
	/* Fill the pipe: every PIPE_BUF write goes in whole or not at all. */
	memset(buf, 'p', sizeof buf);
	while ((r = write(fds[1], buf, sizeof buf)) == (ssize_t)sizeof buf)
		ck_assert_int_lt(++n, 1000);
	ck_assert_int_eq(r, -1);
	ck_assert_int_eq(errno, EAGAIN);
	ck_assert_int_gt(n, 0);
	while ((r = read(fds[0], buf, sizeof buf)) > 0)
		got += (size_t)r;
	ck_assert_int_eq(errno, EAGAIN);
	ck_assert_uint_eq(got, (size_t)n * PIPE_BUF);
	/* Back to blocking: a read waits for data, so give it some first. */
	ck_assert_int_eq(fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) & ~O_NONBLOCK), 0);
	ck_assert(!(fcntl(fds[0], F_GETFL) & O_NONBLOCK));
	ck_assert(fcntl(fds[1], F_GETFL) & O_NONBLOCK);
	/* O_APPEND is kept as Linux keeps it, and changes nothing for a pipe. */
	ck_assert_int_eq(fcntl(fds[1], F_SETFL, O_NONBLOCK | O_APPEND), 0);
	ck_assert_int_eq(fcntl(fds[1], F_GETFL), O_WRONLY | O_NONBLOCK | O_APPEND);
	ck_assert_int_eq(write(fds[1], "z", 1), 1);
	ck_assert_int_eq(read(fds[0], &c, 1), 1);
	ck_assert_int_eq(c, 'z');
	close(fds[1]);
	/* Non-blocking read after the last writer: end of file, not EAGAIN. */
	ck_assert_int_eq(fcntl(fds[0], F_SETFL, O_NONBLOCK), 0);
	ck_assert_int_eq(read(fds[0], &c, 1), 0);
	close(fds[0]);
}
END_TEST

START_TEST(pipe_cloexec_only_with_o_cloexec)
{
	int a[2], b[2];

	make_pipe(a, 0);
	make_pipe(b, O_CLOEXEC);
	ck_assert_int_eq(fcntl(a[0], F_GETFD), 0);
	ck_assert_int_eq(fcntl(a[1], F_GETFD), 0);
	ck_assert_int_eq(fcntl(b[0], F_GETFD), FD_CLOEXEC);
	ck_assert_int_eq(fcntl(b[1], F_GETFD), FD_CLOEXEC);
	close(a[0]);
	close(a[1]);
	close(b[0]);
	close(b[1]);
}
END_TEST

START_TEST(pipe_dup_shares_flags_and_keeps_writer)
{
	char c;
	int fds[2], w2, r2;

	make_pipe(fds, 0);
	w2 = dup(fds[1]);
	ck_assert_int_ge(w2, 0);
	r2 = dup2(fds[0], 1900);
	ck_assert_int_eq(r2, 1900);
	ck_assert_int_eq(close(fds[1]), 0);
	/* The open file description is shared: O_NONBLOCK on one is on the other. */
	ck_assert_int_eq(fcntl(r2, F_SETFL, O_NONBLOCK), 0);
	ck_assert(fcntl(fds[0], F_GETFL) & O_NONBLOCK);
	errno = 0;
	ck_assert_int_eq(read(fds[0], &c, 1), -1);
	ck_assert_int_eq(errno, EAGAIN);
	ck_assert_int_eq(write(w2, "d", 1), 1);
	ck_assert_int_eq(read(r2, &c, 1), 1);
	ck_assert_int_eq(c, 'd');
	ck_assert_int_eq(close(w2), 0);
	ck_assert_int_eq(read(fds[0], &c, 1), 0);
	close(fds[0]);
	close(r2);
}
END_TEST

START_TEST(pipe_ends_carry_stdio_lines_through_fdopen)
{
	char line[64];
	int fds[2];
	FILE *in, *out;

	make_pipe(fds, 0);
	out = fdopen(fds[1], "wb");
	in = fdopen(fds[0], "rb");
	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_nonnull(in);
	ck_assert_int_gt(fprintf(out, "line %d\nsecond\n", 42), 0);
	ck_assert_int_eq(fclose(out), 0);
	ck_assert_ptr_nonnull(fgets(line, sizeof line, in));
	ck_assert_str_eq(line, "line 42\n");
	ck_assert_ptr_nonnull(fgets(line, sizeof line, in));
	ck_assert_str_eq(line, "second\n");
	ck_assert_ptr_null(fgets(line, sizeof line, in));
	ck_assert(feof(in));
	fclose(in);
}
END_TEST

/* One thread writes 1 MiB in PIPE_BUF records of its own byte while another does the same:
 * the reader sees whole records. */
struct recw {
	int fd;
	char tag;
};

static DWORD WINAPI rec_writer(LPVOID arg)
{
	struct recw *w = arg;
	char rec[PIPE_BUF];
	int i;

	memset(rec, w->tag, sizeof rec);
	for (i = 0; i < 256; i++)
		if (write(w->fd, rec, sizeof rec) != (ssize_t)sizeof rec)
			return 1;
	return 0;
}

START_TEST(pipe_pipe_buf_writes_never_interleave)
{
	static char buf[2 * 256 * PIPE_BUF];
	struct recw a, b;
	HANDLE ta, tb;
	size_t done = 0, i, j;
	ssize_t r;
	int fds[2];

	make_pipe(fds, 0);
	a.fd = b.fd = fds[1];
	a.tag = 'a';
	b.tag = 'b';
	ta = CreateThread(NULL, 0, rec_writer, &a, 0, NULL);
	tb = CreateThread(NULL, 0, rec_writer, &b, 0, NULL);
	while (done < sizeof buf && (r = read(fds[0], buf + done, sizeof buf - done)) > 0)
		done += (size_t)r;
	ck_assert_uint_eq(done, sizeof buf);
	for (i = 0; i < sizeof buf; i += PIPE_BUF)
		for (j = 1; j < PIPE_BUF; j++)
			ck_assert_int_eq(buf[i + j], buf[i]);
	ck_assert_int_eq(WaitForSingleObject(ta, 10000), WAIT_OBJECT_0);
	ck_assert_int_eq(WaitForSingleObject(tb, 10000), WAIT_OBJECT_0);
	CloseHandle(ta);
	CloseHandle(tb);
	close(fds[0]);
	close(fds[1]);
}
END_TEST

static void fill(char *buf, size_t n, unsigned seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		buf[i] = (char)((i * 131u + seed) ^ (i >> 9));
}

/* The parent's ends are close-on-exec, the child's inheritable, as a program replacing
 * fork+exec sets them up: either made inheritable and the parent's marked FD_CLOEXEC, or all
 * made O_CLOEXEC and the child's cleared (the C runtime's own mark goes too).  End of file
 * must come in both directions. */
static void echo_through_child(int all_cloexec)
{
	static char data[300000], back[sizeof data];
	char args[64];
	int to_child[2], from_child[2];
	size_t done = 0;
	HANDLE child;
	ssize_t r;

	fill(data, sizeof data, 7);
	make_pipe(to_child, all_cloexec ? O_CLOEXEC : 0);
	make_pipe(from_child, all_cloexec ? O_CLOEXEC : 0);
	if (all_cloexec) {
		ck_assert_int_eq(fcntl(to_child[0], F_SETFD, 0), 0);
		ck_assert_int_eq(fcntl(from_child[1], F_SETFD, 0), 0);
		ck_assert_int_eq(fcntl(to_child[0], F_GETFD), 0);
		ck_assert_int_eq(fcntl(to_child[1], F_GETFD), FD_CLOEXEC);
	} else {
		ck_assert_int_eq(fcntl(to_child[1], F_SETFD, FD_CLOEXEC), 0);
		ck_assert_int_eq(fcntl(from_child[0], F_SETFD, FD_CLOEXEC), 0);
	}
	snprintf(args, sizeof args, "echo %d %d", to_child[0], from_child[1]);
	child = tu_spawn_fds("poll_helper", args);
	close(to_child[0]);
	close(from_child[1]);
	ck_assert_int_eq(write(to_child[1], data, sizeof data), (ssize_t)sizeof data);
	ck_assert_int_eq(close(to_child[1]), 0);
	while ((r = read(from_child[0], back + done, sizeof back - done)) > 0)
		done += (size_t)r;
	ck_assert_int_eq(r, 0);
	ck_assert_uint_eq(done, sizeof data);
	ck_assert_int_eq(memcmp(back, data, sizeof data), 0);
	ck_assert_int_eq(tu_wait(child, INFINITE), 0);
	close(from_child[0]);
}

START_TEST(pipe_spawned_child_echoes_with_eof_both_ways)
{
	echo_through_child(0);
}
END_TEST

START_TEST(pipe2_cloexec_ends_cleared_with_fcntl_reach_a_spawned_child)
{
	echo_through_child(1);
}
END_TEST

/* The same through CreateProcess with the ends as the child's standard input and output. */
START_TEST(pipe_createprocess_child_on_stdin_stdout)
{
	static char data[70000], back[sizeof data];
	int to_child[2], from_child[2];
	size_t done = 0;
	HANDLE child;
	ssize_t r;

	fill(data, sizeof data, 3);
	make_pipe(to_child, 0);
	make_pipe(from_child, 0);
	ck_assert_int_eq(fcntl(to_child[1], F_SETFD, FD_CLOEXEC), 0);
	ck_assert_int_eq(fcntl(from_child[0], F_SETFD, FD_CLOEXEC), 0);
	child = tu_spawn_std("poll_helper", "echo 0 1", (HANDLE)_get_osfhandle(to_child[0]),
			     (HANDLE)_get_osfhandle(from_child[1]));
	close(to_child[0]);
	close(from_child[1]);
	ck_assert_int_eq(write(to_child[1], data, sizeof data), (ssize_t)sizeof data);
	ck_assert_int_eq(close(to_child[1]), 0);
	while ((r = read(from_child[0], back + done, sizeof back - done)) > 0)
		done += (size_t)r;
	ck_assert_int_eq(r, 0);
	ck_assert_uint_eq(done, sizeof data);
	ck_assert_int_eq(memcmp(back, data, sizeof data), 0);
	ck_assert_int_eq(tu_wait(child, 20000), 0);
	close(from_child[0]);
}
END_TEST

/* A child that closes its inherited read end: the parent's write is EPIPE; a child whose
 * write end's reader (the parent) closed gets EPIPE too. */
START_TEST(pipe_epipe_when_child_holds_other_end)
{
	char args[64];
	int fds[2], back[2];
	HANDLE child;

	make_pipe(fds, 0);
	ck_assert_int_eq(fcntl(fds[1], F_SETFD, FD_CLOEXEC), 0);
	snprintf(args, sizeof args, "close-wait %d", fds[0]);
	child = tu_spawn_fds("poll_helper", args);
	close(fds[0]);
	/* Until the child has closed its end, writes go in. */
	ck_assert_int_eq(write(fds[1], "a", 1), 1);
	while (write(fds[1], "a", 1) == 1)
		Sleep(5);
	ck_assert_int_eq(errno, EPIPE);
	TerminateProcess(child, 0);
	tu_wait(child, INFINITE);
	close(fds[1]);

	make_pipe(back, 0);
	ck_assert_int_eq(fcntl(back[0], F_SETFD, FD_CLOEXEC), 0);
	close(back[0]);
	snprintf(args, sizeof args, "write-epipe %d", back[1]);
	child = tu_spawn_fds("poll_helper", args);
	close(back[1]);
	ck_assert_int_eq(tu_wait(child, INFINITE), 0);
}
END_TEST

/* A child that inherits the read end without the library's state for it (as a child's
 * stdin) still finds a read end there. */
START_TEST(pipe_inherited_read_end_is_read_only_in_the_child)
{
	char args[64];
	int fds[2];
	HANDLE child;

	make_pipe(fds, 0);
	ck_assert_int_eq(fcntl(fds[1], F_SETFD, FD_CLOEXEC), 0);
	snprintf(args, sizeof args, "read-end %d", fds[0]);
	child = tu_spawn_fds("poll_helper", args);
	close(fds[0]);
	Sleep(200);
	close(fds[1]);
	ck_assert_int_eq(tu_wait(child, 30000), 0);
}
END_TEST

/* A pipe the library did not make, such as an anonymous pipe inherited as stdin, becomes
 * non-blocking with fcntl as on Linux. */
START_TEST(pipe_foreign_pipe_descriptor_takes_o_nonblock)
{
	HANDLE r, w;
	DWORD n;
	char c;
	int fd;

	ck_assert(CreatePipe(&r, &w, NULL, 4096));
	fd = _open_osfhandle((intptr_t)r, _O_RDONLY | _O_BINARY);
	ck_assert_int_ge(fd, 0);
	ck_assert(!(fcntl(fd, F_GETFL) & O_NONBLOCK));
	ck_assert_int_eq(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
	ck_assert(fcntl(fd, F_GETFL) & O_NONBLOCK);
	ck_assert_int_eq(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDONLY);
	errno = 0;
	ck_assert_int_eq(read(fd, &c, 1), -1);
	ck_assert_int_eq(errno, EAGAIN);
	ck_assert(WriteFile(w, "f", 1, &n, NULL));
	ck_assert_int_eq(read(fd, &c, 1), 1);
	ck_assert_int_eq(c, 'f');
	CloseHandle(w);
	ck_assert_int_eq(read(fd, &c, 1), 0);
	ck_assert_int_eq(close(fd), 0);
}
END_TEST

START_TEST(pipe_cycles_keep_handle_count_flat)
{
	DWORD before, after;
	int fds[2], i;

	make_pipe(fds, 0);
	close(fds[0]);
	close(fds[1]);
	before = tu_handle_count();
	for (i = 0; i < 300; i++) {
		make_pipe(fds, i & 1 ? O_NONBLOCK : O_CLOEXEC);
		ck_assert_int_eq(close(fds[1]), 0);
		ck_assert_int_eq(close(fds[0]), 0);
	}
	after = tu_handle_count();
	ck_assert_uint_le(after, before + 5);
}
END_TEST


int main(void)
{
	Suite *s = suite_create("pipe");

	TU_ADD(s, pipe_data_then_eof_after_last_writer);
	TU_ADD(s, pipe_write_without_reader_is_epipe);
	TU_ADD(s, pipe_write_without_reader_runs_the_sigpipe_handler_then_is_epipe);
	TU_ADD(s, raise_sigpipe_by_default_ends_the_process);
	TU_ADD(s, pipe_wrong_direction_is_ebadf);
	TU_ADD(s, pipe2_unknown_flag_is_einval_null_array_efault_and_fds_untouched);
	TU_ADD(s, pipe2_nonblock_eagain_and_fcntl_toggles);
	TU_ADD(s, pipe_cloexec_only_with_o_cloexec);
	TU_ADD(s, pipe_dup_shares_flags_and_keeps_writer);
	TU_ADD(s, pipe_ends_carry_stdio_lines_through_fdopen);
	TU_ADD(s, pipe_pipe_buf_writes_never_interleave);
	TU_ADD(s, pipe_spawned_child_echoes_with_eof_both_ways);
	TU_ADD(s, pipe2_cloexec_ends_cleared_with_fcntl_reach_a_spawned_child);
	TU_ADD(s, pipe_createprocess_child_on_stdin_stdout);
	TU_ADD(s, pipe_epipe_when_child_holds_other_end);
	TU_ADD(s, pipe_inherited_read_end_is_read_only_in_the_child);
	TU_ADD(s, pipe_foreign_pipe_descriptor_takes_o_nonblock);
	TU_ADD(s, pipe_cycles_keep_handle_count_flat);
	return tu_run(s);
}
