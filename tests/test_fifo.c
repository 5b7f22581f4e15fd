/* FIFOs: mkfifo and stat, the POSIX open rules, data integrity and atomicity, end of file,
 * EPIPE, non-blocking I/O, C runtime descriptors, crashed peers, native Win32 peers, and
 * handle hygiene.  Cross-process cases run tests/fifo_helper.exe at the far end. */
#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <posixipc.h>

#include <aclapi.h>

#include "internal.h"
#include "records.h"
#include "testutil.h"

#define MIB (1024 * 1024)

/* Read until end of file (or max bytes), checking each byte against the stream. */
static size_t read_stream(int fd, size_t max, unsigned seed)
{
	unsigned char buf[16384], want[sizeof buf];
	size_t done = 0, i;
	ssize_t r;

	while (done < max && (r = read(fd, buf, sizeof buf < max - done ? sizeof buf :
					  max - done)) != 0) {
		ck_assert_int_gt(r, 0);
		for (i = 0; i < (size_t)r; i++)
			want[i] = tu_pattern(done + i, seed);
		ck_assert_msg(memcmp(buf, want, (size_t)r) == 0, "wrong bytes after offset %lu",
			      (unsigned long)done);
		done += (size_t)r;
	}
	return done;
}

static HANDLE helper(const char *fmt, const char *path, unsigned long a, unsigned long b)
{
	char args[1024];

	snprintf(args, sizeof args, fmt, path, a, b);
	return tu_spawn("fifo_helper", args);
}

/* A thread that opens a FIFO, so that the main thread can watch an open block. */
struct opener {
	const char *path;
	int flags;
	volatile LONG fd;
	HANDLE thread;
};

static DWORD WINAPI opener_main(LPVOID arg)
{
	struct opener *o = arg;

	InterlockedExchange(&o->fd, open(o->path, o->flags));
	return 0;
}

static void opener_start(struct opener *o, const char *path, int flags)
{
	o->path = path;
	o->flags = flags;
	o->fd = -100;
	o->thread = CreateThread(NULL, 0, opener_main, o, 0, NULL);
	ck_assert_ptr_nonnull(o->thread);
}

static int opener_join(struct opener *o)
{
	ck_assert_int_eq(WaitForSingleObject(o->thread, 10000), WAIT_OBJECT_0);
	CloseHandle(o->thread);
	return (int)o->fd;
}

/* ------------------------------------------------------------------ mkfifo and stat */

START_TEST(fifo_mkfifo_makes_entry_stat_says_fifo_until_unlink)
{
	char path[MAX_PATH];
	struct stat st;

	tu_new_fifo(path, sizeof path);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	ck_assert_int_eq(posixipc_is_fifo(path), 1);
	ck_assert_int_eq(unlink(path), 0);
	errno = 0;
	ck_assert_int_eq(stat(path, &st), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(posixipc_is_fifo(path), 0);
}
END_TEST

START_TEST(fifo_mkfifo_existing_path_is_eexist)
{
	char path[MAX_PATH], file[MAX_PATH];
	FILE *f;

	tu_new_fifo(path, sizeof path);
	errno = 0;
	ck_assert_int_eq(mkfifo(path, 0600), -1);
	ck_assert_int_eq(errno, EEXIST);
	tu_path(file, sizeof file, "plain");
	f = fopen(file, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	errno = 0;
	ck_assert_int_eq(mkfifo(file, 0600), -1);
	ck_assert_int_eq(errno, EEXIST);
	ck_assert_int_eq(posixipc_is_fifo(file), 0);
	/* A folder is an existing path too. */
	*strrchr(file, '\\') = '\0';
	errno = 0;
	ck_assert_int_eq(mkfifo(file, 0600), -1);
	ck_assert_int_eq(errno, EEXIST);
	strcat(file, "\\x");
	unlink(path);
	unlink(file);
}
END_TEST

START_TEST(fifo_mkfifo_missing_folder_is_enoent)
{
	char path[MAX_PATH];

	tu_path(path, sizeof path, "nofolder");
	strcat(path, "\\fifo");
	errno = 0;
	ck_assert_int_eq(mkfifo(path, 0600), -1);
	ck_assert_int_eq(errno, ENOENT);
	errno = 0;
	ck_assert_int_eq(mkfifo("", 0600), -1);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(fifo_mkfifo_read_only_mode_still_unlinkable)
{
	char path[MAX_PATH];
	struct stat st;

	tu_path(path, sizeof path, "fifo");
	ck_assert_int_eq(mkfifo(path, 0444), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	ck_assert_int_eq(unlink(path), 0);
	errno = 0;
	ck_assert_int_eq(stat(path, &st), -1);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(fifo_mkfifoat_fdcwd_works_other_dirfd_refused)
{
	char path[MAX_PATH];
	struct stat st;
	int fd;

	tu_path(path, sizeof path, "fifoat");
	ck_assert_int_eq(mkfifoat(AT_FDCWD, path, 0600), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	unlink(path);
	/* An absolute path ignores dirfd, as POSIX says. */
	ck_assert_int_eq(mkfifoat(12345, path, 0600), 0);
	unlink(path);
	errno = 0;
	ck_assert_int_eq(mkfifoat(12345, "relative-fifo", 0600), -1);
	ck_assert_int_eq(errno, EBADF);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	ck_assert_int_ge(fd, 0);
	errno = 0;
	ck_assert_int_eq(mkfifoat(fd, "relative-fifo", 0600), -1);
	ck_assert_int_eq(errno, ENOTDIR);
	close(fd);
	unlink(path);
}
END_TEST

START_TEST(fifo_is_fifo_false_for_other_paths_errno_untouched)
{
	char path[MAX_PATH];
	FILE *f;

	tu_path(path, sizeof path, "notfifo");
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("posixipc-fifo 2\nsomething else\n", f);
	fclose(f);
	errno = 1234;
	ck_assert_int_eq(posixipc_is_fifo(path), 0);
	ck_assert_int_eq(posixipc_is_fifo("C:\\"), 0);
	ck_assert_int_eq(posixipc_is_fifo("\\\\.\\pipe\\posixipc.fifo.0000000000000000"), 0);
	ck_assert_int_eq(posixipc_is_fifo(NULL), 0);
	ck_assert_int_eq(errno, 1234);
	unlink(path);
}
END_TEST

START_TEST(fifo_pipe_name_reports_pipe_and_errors)
{
	char path[MAX_PATH], name[256], small[8], plain[MAX_PATH];
	FILE *f;

	tu_new_fifo(path, sizeof path);
	ck_assert_int_eq(posixipc_fifo_pipe_name(path, name, sizeof name), 0);
	ck_assert_int_eq(strncmp(name, "\\\\.\\pipe\\", 9), 0);
	errno = 0;
	ck_assert_int_eq(posixipc_fifo_pipe_name(path, small, sizeof small), -1);
	ck_assert_int_eq(errno, ERANGE);
	tu_path(plain, sizeof plain, "plain");
	f = fopen(plain, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	errno = 0;
	ck_assert_int_eq(posixipc_fifo_pipe_name(plain, name, sizeof name), -1);
	ck_assert_int_eq(errno, EINVAL);
	unlink(plain);
	unlink(path);
	errno = 0;
	ck_assert_int_eq(posixipc_fifo_pipe_name(path, name, sizeof name), -1);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(fifo_remade_fifo_gets_new_pipe)
{
	char path[MAX_PATH], a[256], b[256];

	tu_new_fifo(path, sizeof path);
	ck_assert_int_eq(posixipc_fifo_pipe_name(path, a, sizeof a), 0);
	unlink(path);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_int_eq(posixipc_fifo_pipe_name(path, b, sizeof b), 0);
	ck_assert_str_ne(a, b);
	unlink(path);
}
END_TEST

START_TEST(fifo_fstat_on_descriptor_says_fifo)
{
	char path[MAX_PATH];
	struct stat st;
	int fd;

	tu_new_fifo(path, sizeof path);
	fd = open(path, O_RDWR);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	close(fd);
	unlink(path);
}
END_TEST

/* ------------------------------------------------------------------ open rules */

START_TEST(fifo_nonblocking_read_open_returns_at_once)
{
	char path[MAX_PATH];
	char c;
	int fd;

	tu_new_fifo(path, sizeof path);
	fd = open(path, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(fd, 0);
	/* No writer: end of file, not EAGAIN. */
	ck_assert_int_eq(read(fd, &c, 1), 0);
	close(fd);
	unlink(path);
}
END_TEST

START_TEST(fifo_nonblocking_write_open_without_reader_is_enxio)
{
	char path[MAX_PATH];

	tu_new_fifo(path, sizeof path);
	errno = 0;
	ck_assert_int_eq(open(path, O_WRONLY | O_NONBLOCK), -1);
	ck_assert_int_eq(errno, ENXIO);
	/* Also from another process, and a non-blocking reader does not count as absent. */
	ck_assert_int_eq(tu_wait(helper("nb-write-open \"%s\"", path, 0, 0), 10000), ENXIO);
	unlink(path);
}
END_TEST

START_TEST(fifo_nonblocking_write_open_with_reader_succeeds)
{
	char path[MAX_PATH];
	int r, w;

	tu_new_fifo(path, sizeof path);
	r = open(path, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(r, 0);
	w = open(path, O_WRONLY | O_NONBLOCK);
	ck_assert_int_ge(w, 0);
	ck_assert_int_eq(write(w, "ab", 2), 2);
	close(w);
	ck_assert_int_eq(tu_wait(helper("nb-write-open \"%s\"", path, 0, 0), 10000), 0);
	close(r);
	unlink(path);
}
END_TEST

START_TEST(fifo_rdwr_open_does_not_block_and_reads_own_writes)
{
	char path[MAX_PATH], buf[8];
	int fd;

	tu_new_fifo(path, sizeof path);
	fd = open(path, O_RDWR);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
	ck_assert_int_eq(write(fd, "hello", 5), 5);
	ck_assert_int_eq(read(fd, buf, sizeof buf), 5);
	ck_assert_int_eq(memcmp(buf, "hello", 5), 0);
	/* It is its own writer: no end of file while it is open. */
	fcntl(fd, F_SETFL, O_NONBLOCK);
	errno = 0;
	ck_assert_int_eq(read(fd, buf, sizeof buf), -1);
	ck_assert_int_eq(errno, EAGAIN);
	close(fd);
	unlink(path);
}
END_TEST

START_TEST(fifo_blocking_read_open_waits_for_writer)
{
	char path[MAX_PATH];
	struct opener o;
	int w, r;

	tu_new_fifo(path, sizeof path);
	opener_start(&o, path, O_RDONLY);
	ck_assert_int_eq(WaitForSingleObject(o.thread, 300), WAIT_TIMEOUT);
	ck_assert_int_eq(o.fd, -100);
	w = open(path, O_WRONLY);
	ck_assert_int_ge(w, 0);
	r = opener_join(&o);
	ck_assert_int_ge(r, 0);
	ck_assert_int_eq(write(w, "x", 1), 1);
	close(w);
	close(r);
	unlink(path);
}
END_TEST

START_TEST(fifo_blocking_read_open_returns_for_writer_that_left_at_once)
{
	char path[MAX_PATH], c;
	struct opener o;
	int w, r;

	tu_new_fifo(path, sizeof path);
	opener_start(&o, path, O_RDONLY);
	ck_assert_int_eq(WaitForSingleObject(o.thread, 100), WAIT_TIMEOUT);
	/* The writer opens and closes before the reader may look again: it still counts. */
	w = open(path, O_WRONLY);
	ck_assert_int_ge(w, 0);
	ck_assert_int_eq(close(w), 0);
	r = opener_join(&o);
	ck_assert_int_ge(r, 0);
	ck_assert_int_eq(read(r, &c, 1), 0);
	close(r);
	unlink(path);
}
END_TEST

START_TEST(fifo_empty_write_without_reader_returns_zero)
{
	char path[MAX_PATH];
	int r, w;

	tu_new_fifo(path, sizeof path);
	r = open(path, O_RDONLY | O_NONBLOCK);
	w = open(path, O_WRONLY);
	ck_assert_int_ge(r, 0);
	ck_assert_int_ge(w, 0);
	close(r);
	ck_assert_int_eq(write(w, "", 0), 0);
	errno = 0;
	ck_assert_int_eq(write(w, "x", 1), -1);
	ck_assert_int_eq(errno, EPIPE);
	close(w);
	unlink(path);
}
END_TEST

START_TEST(fifo_blocking_write_open_waits_for_reader)
{
	char path[MAX_PATH];
	struct opener o;
	int r, w;

	tu_new_fifo(path, sizeof path);
	opener_start(&o, path, O_WRONLY);
	ck_assert_int_eq(WaitForSingleObject(o.thread, 300), WAIT_TIMEOUT);
	ck_assert_int_eq(o.fd, -100);
	r = open(path, O_RDONLY);
	ck_assert_int_ge(r, 0);
	w = opener_join(&o);
	ck_assert_int_ge(w, 0);
	close(w);
	close(r);
	unlink(path);
}
END_TEST

START_TEST(fifo_invalid_access_mode_is_einval)
{
	char path[MAX_PATH];

	tu_new_fifo(path, sizeof path);
	errno = 0;
	ck_assert_int_eq(open(path, O_WRONLY | O_RDWR), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(open(path, O_RDWR | O_CREAT | O_EXCL, 0600), -1);
	ck_assert_int_eq(errno, EEXIST);
	unlink(path);
}
END_TEST

/* ------------------------------------------------------------------ data */

START_TEST(fifo_single_1mib_write_arrives_whole_in_other_process)
{
	char path[MAX_PATH];
	unsigned char *p = tu_make_pattern(MIB, 5);
	HANDLE h;
	int fd;

	tu_new_fifo(path, sizeof path);
	h = helper("read \"%s\" %lu %lu", path, MIB, 5);
	fd = open(path, O_WRONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, p, MIB), MIB);
	ck_assert_int_eq(close(fd), 0);
	ck_assert_int_eq(tu_wait(h, 20000), 0);
	free(p);
	unlink(path);
}
END_TEST

START_TEST(fifo_bytes_from_other_process_arrive_in_order)
{
	char path[MAX_PATH];
	HANDLE h;
	int fd;

	tu_new_fifo(path, sizeof path);
	/* Odd-sized writes so that chunk and buffer boundaries never line up. */
	h = helper("write \"%s\" %lu 9 %lu", path, 3 * MIB + 17, 12345);
	fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_uint_eq(read_stream(fd, 4 * MIB, 9), 3 * MIB + 17);
	close(fd);
	ck_assert_int_eq(tu_wait(h, 20000), 0);
	unlink(path);
}
END_TEST

struct rec_writer {
	const char *path;
	int tag, count, vector;
};

static DWORD WINAPI rec_writer_main(LPVOID arg)
{
	struct rec_writer *rw = arg;
	unsigned char rec[PIPE_BUF];
	int fd = open(rw->path, O_WRONLY), i, ok = fd >= 0;

	/* A vectored writer sends each record in three pieces, which must arrive as one. */
	struct iovec iov[3] = { { rec, 1 }, { rec + 1, 4000 }, { rec + 4001, PIPE_BUF - 4001 } };

	memset(rec, rw->tag, sizeof rec);
	for (i = 0; ok && i < rw->count; i++)
		ok = (rw->vector ? writev(fd, iov, 3) : write(fd, rec, sizeof rec)) ==
		     (ssize_t)sizeof rec;
	if (fd >= 0)
		close(fd);
	return ok ? 0 : 1;
}

START_TEST(fifo_pipe_buf_writes_and_writevs_never_interleave_across_writers)
{
	enum { PROCS = 3, THREADS = 3, COUNT = 200 };
	char path[MAX_PATH];
	unsigned char rec[PIPE_BUF];
	HANDLE procs[PROCS], threads[THREADS];
	struct rec_writer rw[THREADS];
	int seen[8] = { 0 }, fd, i, j;
	DWORD code;
	size_t got;
	ssize_t r;

	ck_assert_int_eq(PIPE_BUF, 4096);
	tu_new_fifo(path, sizeof path);
	/* O_RDWR keeps a writer present so that no writer's exit ends the stream early. */
	fd = open(path, O_RDWR);
	ck_assert_int_ge(fd, 0);
	for (i = 0; i < PROCS; i++)
		procs[i] = helper("records \"%s\" %lu %lu", path, (unsigned long)(i + 1), COUNT);
	for (i = 0; i < THREADS; i++) {
		rw[i].path = path;
		rw[i].tag = PROCS + 1 + i;
		rw[i].count = COUNT;
		rw[i].vector = i > 0;
		threads[i] = CreateThread(NULL, 0, rec_writer_main, &rw[i], 0, NULL);
		ck_assert_ptr_nonnull(threads[i]);
	}
	for (i = 0; i < (PROCS + THREADS) * COUNT; i++) {
		for (got = 0; got < sizeof rec; got += (size_t)r) {
			r = read(fd, rec + got, sizeof rec - got);
			ck_assert_int_gt(r, 0);
		}
		for (j = 1; j < PIPE_BUF && rec[j] == rec[0]; j++)
			;
		ck_assert_int_eq(j, PIPE_BUF);
		ck_assert_int_ge(rec[0], 1);
		ck_assert_int_le(rec[0], PROCS + THREADS);
		seen[rec[0]]++;
	}
	for (i = 1; i <= PROCS + THREADS; i++)
		ck_assert_int_eq(seen[i], COUNT);
	for (i = 0; i < PROCS; i++)
		ck_assert_int_eq(tu_wait(procs[i], 20000), 0);
	for (i = 0; i < THREADS; i++) {
		ck_assert_int_eq(WaitForSingleObject(threads[i], 10000), WAIT_OBJECT_0);
		GetExitCodeThread(threads[i], &code);
		CloseHandle(threads[i]);
		ck_assert_int_eq(code, 0);
	}
	close(fd);
	unlink(path);
}
END_TEST

START_TEST(fifo_eof_after_last_writer_and_not_before)
{
	char path[MAX_PATH], buf[16];
	int r, w1, w2;

	tu_new_fifo(path, sizeof path);
	r = open(path, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(r, 0);
	w1 = open(path, O_WRONLY);
	ck_assert_int_ge(w1, 0);
	w2 = open(path, O_WRONLY);
	ck_assert_int_ge(w2, 0);
	ck_assert_int_eq(write(w1, "one", 3), 3);
	ck_assert_int_eq(close(w1), 0);
	ck_assert_int_eq(read(r, buf, sizeof buf), 3);
	errno = 0;
	ck_assert_int_eq(read(r, buf, sizeof buf), -1);
	ck_assert_int_eq(errno, EAGAIN);
	ck_assert_int_eq(write(w2, "two", 3), 3);
	ck_assert_int_eq(close(w2), 0);
	ck_assert_int_eq(read(r, buf, sizeof buf), 3);
	ck_assert_int_eq(memcmp(buf, "two", 3), 0);
	ck_assert_int_eq(read(r, buf, sizeof buf), 0);
	close(r);
	unlink(path);
}
END_TEST

START_TEST(fifo_new_writer_after_eof_is_read)
{
	char path[MAX_PATH], buf[16];
	int r, w;

	tu_new_fifo(path, sizeof path);
	r = open(path, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(r, 0);
	w = open(path, O_WRONLY);
	ck_assert_int_ge(w, 0);
	ck_assert_int_eq(write(w, "first", 5), 5);
	close(w);
	ck_assert_int_eq(read(r, buf, sizeof buf), 5);
	ck_assert_int_eq(read(r, buf, sizeof buf), 0);
	w = open(path, O_WRONLY);
	ck_assert_int_ge(w, 0);
	ck_assert_int_eq(write(w, "second", 6), 6);
	ck_assert_int_eq(read(r, buf, sizeof buf), 6);
	ck_assert_int_eq(memcmp(buf, "second", 6), 0);
	close(w);
	ck_assert_int_eq(read(r, buf, sizeof buf), 0);
	close(r);
	unlink(path);
}
END_TEST

START_TEST(fifo_new_reader_after_epipe_gets_data)
{
	char path[MAX_PATH], buf[16];
	int r, w;

	tu_new_fifo(path, sizeof path);
	r = open(path, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(r, 0);
	w = open(path, O_WRONLY);
	ck_assert_int_ge(w, 0);
	close(r);
	errno = 0;
	ck_assert_int_eq(write(w, "lost", 4), -1);
	ck_assert_int_eq(errno, EPIPE);
	r = open(path, O_RDONLY);
	ck_assert_int_ge(r, 0);
	ck_assert_int_eq(write(w, "found", 5), 5);
	ck_assert_int_eq(read(r, buf, sizeof buf), 5);
	ck_assert_int_eq(memcmp(buf, "found", 5), 0);
	close(w);
	close(r);
	unlink(path);
}
END_TEST

/* ------------------------------------------------------------------ non-blocking I/O */

START_TEST(fifo_nonblocking_read_eagain_with_writer_zero_without)
{
	char path[MAX_PATH], buf[4];
	int r, w;

	tu_new_fifo(path, sizeof path);
	r = open(path, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(r, 0);
	ck_assert_int_eq(read(r, buf, sizeof buf), 0);
	w = open(path, O_WRONLY);
	ck_assert_int_ge(w, 0);
	errno = 0;
	ck_assert_int_eq(read(r, buf, sizeof buf), -1);
	ck_assert_int_eq(errno, EAGAIN);
	close(w);
	ck_assert_int_eq(read(r, buf, sizeof buf), 0);
	close(r);
	unlink(path);
}
END_TEST

START_TEST(fifo_nonblocking_write_full_pipe_eagain_never_splits_small_writes)
{
	char path[MAX_PATH];
	unsigned char *big = tu_make_pattern(MIB, 3), small[PIPE_BUF];
	unsigned char *in = malloc(4 * MIB);
	size_t total = 0, got = 0;
	ssize_t n;
	int r, w, i;

	ck_assert_ptr_nonnull(in);
	tu_new_fifo(path, sizeof path);
	r = open(path, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(r, 0);
	w = open(path, O_WRONLY | O_NONBLOCK);
	ck_assert_int_ge(w, 0);
	/* A large write may be partial but never blocks. */
	n = write(w, big, MIB);
	ck_assert_int_gt(n, 0);
	ck_assert_int_lt(n, MIB);
	memcpy(in, big, (size_t)n);
	total = (size_t)n;
	for (i = 0; i < 1000; i++) {
		memset(small, 0x40 + i % 50, sizeof small);
		n = write(w, small, sizeof small);
		if (n < 0)
			break;
		ck_assert_int_eq(n, sizeof small);
		memcpy(in + total, small, sizeof small);
		total += sizeof small;
	}
	ck_assert_int_eq(n, -1);
	ck_assert_int_eq(errno, EAGAIN);
	errno = 0;
	ck_assert_int_eq(write(w, big, MIB), -1);
	ck_assert_int_eq(errno, EAGAIN);
	close(w);
	/* Exactly the accepted bytes come out: nothing split, lost or extra. */
	while ((n = read(r, big, MIB)) > 0) {
		ck_assert_uint_le(got + (size_t)n, total);
		ck_assert_int_eq(memcmp(big, in + got, (size_t)n), 0);
		got += (size_t)n;
	}
	ck_assert_int_eq(n, 0);
	ck_assert_uint_eq(got, total);
	close(r);
	free(big);
	free(in);
	unlink(path);
}
END_TEST

START_TEST(fifo_fcntl_setfl_toggles_nonblock)
{
	char path[MAX_PATH], c;
	int r, w, d;

	tu_new_fifo(path, sizeof path);
	r = open(path, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(r, 0);
	ck_assert_int_ne(fcntl(r, F_GETFL) & O_NONBLOCK, 0);
	w = open(path, O_WRONLY);
	ck_assert_int_ge(w, 0);
	d = dup(r);
	ck_assert_int_ge(d, 0);
	/* A duplicate shares the open file description, and so the flag. */
	ck_assert_int_ne(fcntl(d, F_GETFL) & O_NONBLOCK, 0);
	ck_assert_int_eq(fcntl(r, F_SETFL, 0), 0);
	ck_assert_int_eq(fcntl(d, F_GETFL) & O_NONBLOCK, 0);
	ck_assert_int_eq(fcntl(r, F_SETFL, O_NONBLOCK), 0);
	errno = 0;
	ck_assert_int_eq(read(d, &c, 1), -1);
	ck_assert_int_eq(errno, EAGAIN);
	ck_assert_int_eq(fcntl(w, F_GETFL) & O_ACCMODE, O_WRONLY);
	close(d);
	close(w);
	close(r);
	unlink(path);
}
END_TEST

/* Each write that finds no reader runs the SIGPIPE handler once, blocking or not, then fails
 * with EPIPE, as on Linux. */
START_TEST(fifo_write_without_reader_runs_the_sigpipe_handler)
{
	char path[MAX_PATH];
	int r, w;

	tu_new_fifo(path, sizeof path);
	r = open(path, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(r, 0);
	w = open(path, O_WRONLY);
	ck_assert_int_ge(w, 0);
	close(r);
	tu_sigpipes = 0;
	signal(SIGPIPE, tu_count_sigpipe);
	errno = 0;
	ck_assert_int_eq(write(w, "b", 1), -1);
	ck_assert_int_eq(errno, EPIPE);
	ck_assert_int_eq(tu_sigpipes, 1);
	ck_assert_int_eq(fcntl(w, F_SETFL, O_NONBLOCK), 0);
	errno = 0;
	ck_assert_int_eq(write(w, "c", 1), -1);
	ck_assert_int_eq(errno, EPIPE);
	ck_assert_int_eq(tu_sigpipes, 2);
	signal(SIGPIPE, SIG_DFL);
	close(w);
	unlink(path);
}
END_TEST

/* O_APPEND means nothing to a FIFO, but Linux keeps it among the status flags: F_GETFL says
 * it, F_SETFL sets and clears it, and a duplicate shares it. */
START_TEST(fifo_o_append_is_a_status_flag_f_setfl_changes)
{
	char path[MAX_PATH];
	int fd, d;

	tu_new_fifo(path, sizeof path);
	fd = open(path, O_RDWR | O_APPEND);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fcntl(fd, F_GETFL), O_RDWR | O_APPEND);
	d = dup(fd);
	ck_assert_int_ge(d, 0);
	ck_assert_int_eq(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
	ck_assert_int_eq(fcntl(d, F_GETFL), O_RDWR | O_NONBLOCK);
	ck_assert_int_eq(fcntl(d, F_SETFL, O_APPEND), 0);
	ck_assert_int_eq(fcntl(fd, F_GETFL), O_RDWR | O_APPEND);
	ck_assert_int_eq(write(fd, "ab", 2), 2);
	close(d);
	close(fd);
	unlink(path);
}
END_TEST

START_TEST(fifo_write_after_readers_gone_is_epipe)
{
	char path[MAX_PATH];
	int r, w;

	tu_new_fifo(path, sizeof path);
	r = open(path, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(r, 0);
	w = open(path, O_WRONLY);
	ck_assert_int_ge(w, 0);
	ck_assert_int_eq(write(w, "a", 1), 1);
	close(r);
	errno = 0;
	ck_assert_int_eq(write(w, "b", 1), -1);
	ck_assert_int_eq(errno, EPIPE);
	errno = 0;
	ck_assert_int_eq(write(w, "c", 1), -1);
	ck_assert_int_eq(errno, EPIPE);
	close(w);
	unlink(path);
}
END_TEST

START_TEST(fifo_wrong_direction_is_ebadf)
{
	char path[MAX_PATH], c = 0;
	int r, w;

	tu_new_fifo(path, sizeof path);
	r = open(path, O_RDONLY | O_NONBLOCK);
	w = open(path, O_WRONLY);
	ck_assert_int_ge(r, 0);
	ck_assert_int_ge(w, 0);
	errno = 0;
	ck_assert_int_eq(write(r, &c, 1), -1);
	ck_assert_int_eq(errno, EBADF);
	errno = 0;
	ck_assert_int_eq(read(w, &c, 1), -1);
	ck_assert_int_eq(errno, EBADF);
	close(w);
	close(r);
	unlink(path);
}
END_TEST

/* ------------------------------------------------------------------ C runtime descriptors */

START_TEST(fifo_descriptor_works_with_stdio_and_dup)
{
	char path[MAX_PATH], line[64];
	FILE *in, *out;
	int r, w, w2;

	tu_new_fifo(path, sizeof path);
	r = open(path, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(r, 0);
	fcntl(r, F_SETFL, 0);
	w = open(path, O_WRONLY);
	ck_assert_int_ge(w, 0);
	w2 = dup(w);
	ck_assert_int_ge(w2, 0);
	out = fdopen(w, "w");
	ck_assert_ptr_nonnull(out);
	fprintf(out, "line %d\n", 42);
	ck_assert_int_eq(fclose(out), 0);
	in = fdopen(r, "r");
	ck_assert_ptr_nonnull(in);
	ck_assert_ptr_nonnull(fgets(line, sizeof line, in));
	ck_assert_str_eq(line, "line 42\n");
	/* The duplicate still holds the write side open; dup2 over it keeps it so. */
	ck_assert_int_eq(dup2(w2, 20), 20);
	close(w2);
	ck_assert_int_eq(write(20, "dup2\n", 5), 5);
	close(20);
	ck_assert_ptr_nonnull(fgets(line, sizeof line, in));
	ck_assert_str_eq(line, "dup2\n");
	ck_assert_ptr_null(fgets(line, sizeof line, in));
	ck_assert(feof(in));
	fclose(in);
	unlink(path);
}
END_TEST

START_TEST(fifo_crt_read_write_close_without_compat_see_data_and_eof)
{
	char path[MAX_PATH], buf[16];
	int r, w;

	tu_new_fifo(path, sizeof path);
	r = open(path, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(r, 0);
	fcntl(r, F_SETFL, 0);
	w = open(path, O_WRONLY);
	ck_assert_int_ge(w, 0);
	ck_assert_int_eq(_write(w, "crt", 3), 3);
	ck_assert_int_eq(_close(w), 0);
	ck_assert_int_eq(_read(r, buf, sizeof buf), 3);
	ck_assert_int_eq(memcmp(buf, "crt", 3), 0);
	ck_assert_int_eq(_read(r, buf, sizeof buf), 0);
	ck_assert_int_eq(_close(r), 0);
	unlink(path);
}
END_TEST

START_TEST(fifo_fopen_opens_fifo_as_pipe)
{
	char path[MAX_PATH], line[32];
	FILE *in, *out;
	int r;

	tu_new_fifo(path, sizeof path);
	r = open(path, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(r, 0);
	out = fopen(path, "w");
	ck_assert_ptr_nonnull(out);
	fcntl(r, F_SETFL, 0);
	in = fdopen(r, "r");
	ck_assert_ptr_nonnull(in);
	fputs("via fopen\n", out);
	fclose(out);
	ck_assert_ptr_nonnull(fgets(line, sizeof line, in));
	ck_assert_str_eq(line, "via fopen\n");
	ck_assert_ptr_null(fgets(line, sizeof line, in));
	fclose(in);
	unlink(path);
}
END_TEST

/* The C runtime's own _write on an O_RDWR descriptor (stdio's "w+", "r+", "a+", freopen, or
 * code built without the headers) reaches readers in other processes. */
START_TEST(fifo_rdwr_stream_written_through_crt_reaches_other_process)
{
	static const char *const modes[] = { "w+", "a+", "r+" };
	char path[MAX_PATH], args[512];
	size_t i;
	HANDLE h;
	FILE *f;
	int code, w;

	for (i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		tu_new_fifo(path, sizeof path);
		snprintf(args, sizeof args, "expect-text \"%s\" through-%s", path, modes[i]);
		h = tu_spawn("fifo_helper", args);
		/* Returns once the helper is reading. */
		w = open(path, O_WRONLY);
		ck_assert_int_ge(w, 0);
		f = fopen(path, modes[i]);
		ck_assert_ptr_nonnull(f);
		ck_assert_int_gt(fprintf(f, "through-%s", modes[i]), 0);
		ck_assert_int_eq(fflush(f), 0);
		ck_assert_int_eq(fclose(f), 0);
		close(w);
		code = tu_wait(h, 20000);
		ck_assert_msg(code == 0, "mode %s: the reader did not get it (%d)", modes[i], code);
		unlink(path);
	}
}
END_TEST

/* As on Linux, an O_RDWR stream reads back what it wrote: fprintf, fflush, fgets. */
START_TEST(fifo_rdwr_stream_reads_back_its_own_lines)
{
	static const char *const modes[] = { "r+", "w+", "a+" };
	char path[MAX_PATH], line[64];
	size_t i;
	FILE *f;

	for (i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		tu_new_fifo(path, sizeof path);
		f = fopen(path, modes[i]);
		ck_assert_ptr_nonnull(f);
		ck_assert_int_gt(fprintf(f, "line %s\n", modes[i]), 0);
		ck_assert_int_eq(fflush(f), 0);
		ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
		ck_assert_str_eq(line, modes[i][0] == 'r' ? "line r+\n" :
				 modes[i][0] == 'w' ? "line w+\n" : "line a+\n");
		ck_assert_int_eq(fclose(f), 0);
		unlink(path);
	}
}
END_TEST

START_TEST(fifo_rdwr_descriptor_works_with_crt_read_write_and_freopen)
{
	char path[MAX_PATH], buf[16], line[32];
	FILE *f;
	int fd;

	tu_new_fifo(path, sizeof path);
	fd = open(path, O_RDWR);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(_write(fd, "crt", 3), 3);
	ck_assert_int_eq(write(fd, "lib", 3), 3);
	/* Order is kept between the two ways of writing. */
	ck_assert_int_eq(read(fd, buf, 6), 6);
	ck_assert_int_eq(memcmp(buf, "crtlib", 6), 0);
	ck_assert_int_eq(_write(fd, "again", 5), 5);
	ck_assert_int_eq(_read(fd, buf, 5), 5);
	ck_assert_int_eq(memcmp(buf, "again", 5), 0);
	ck_assert_int_eq(close(fd), 0);
	f = tmpfile();
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_eq(freopen(path, "r+", f), f);
	ck_assert_int_ge(fputs("reopened\n", f), 0);
	ck_assert_int_eq(fflush(f), 0);
	ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
	ck_assert_str_eq(line, "reopened\n");
	fclose(f);
	unlink(path);
}
END_TEST

/* Runtime writes that fill the pipe while nobody reads: close() still returns. */
START_TEST(fifo_rdwr_close_returns_with_full_pipe_of_crt_writes)
{
	char path[MAX_PATH], *buf = calloc(1, 65536);
	DWORD start;
	int fd, r, i;

	ck_assert_ptr_nonnull(buf);
	tu_new_fifo(path, sizeof path);
	r = open(path, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(r, 0);
	fd = open(path, O_RDWR);
	ck_assert_int_ge(fd, 0);
	for (i = 0; i < 2; i++)
		ck_assert_int_eq(_write(fd, buf, 65536), 65536);
	Sleep(100);
	start = GetTickCount();
	ck_assert_int_eq(close(fd), 0);
	ck_assert_uint_lt(GetTickCount() - start, 5000);
	close(r);
	free(buf);
	unlink(path);
}
END_TEST

START_TEST(fifo_fopen_wx_of_existing_fifo_is_eexist)
{
	char path[MAX_PATH];
	int r;

	tu_new_fifo(path, sizeof path);
	r = open(path, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(r, 0);
	errno = 0;
	ck_assert_ptr_null(fopen(path, "wx"));
	ck_assert_int_eq(errno, EEXIST);
	errno = 0;
	ck_assert_ptr_null(fopen(path, "w+x"));
	ck_assert_int_eq(errno, EEXIST);
	close(r);
	unlink(path);
}
END_TEST

START_TEST(fifo_open_and_dup_with_full_descriptor_table_are_emfile)
{
	char path[MAX_PATH];
	struct tu_fd_fill fill;
	int r, fd, e1, e2, e3;

	tu_new_fifo(path, sizeof path);
	r = open(path, O_RDWR);
	ck_assert_int_ge(r, 0);
	tu_fd_table_fill(&fill);
	errno = 0;
	fd = open(path, O_RDONLY | O_NONBLOCK);
	e1 = errno;
	errno = 0;
	ck_assert_int_eq(dup(r), -1);
	e2 = errno;
	errno = 0;
	ck_assert_int_eq(fcntl(r, F_DUPFD, 0), -1);
	e3 = errno;
	tu_fd_table_free(&fill);
	ck_assert_int_eq(fd, -1);
	ck_assert_int_eq(e1, EMFILE);
	ck_assert_int_eq(e2, EMFILE);
	ck_assert_int_eq(e3, EMFILE);
	/* Nothing was left half-open: the FIFO still works. */
	ck_assert_int_eq(write(r, "ok", 2), 2);
	close(r);
	/* Under Wine 8.0 this unlink fails: its msvcrt keeps the handle of an _open that found
	 * the descriptor table full (Windows's takes the descriptor before opening the file),
	 * so the marker stays open until the process exits. */
	unlink(path);
}
END_TEST

/* ------------------------------------------------------------------ many holders */

/* Entries [0, used) of the FIFO's holder table: how many slots its holders take. */
static LONG holders_used(const char *path)
{
	char pipe[128];
	wchar_t name[128];
	struct pi_fifo_shared *st;
	HANDLE map;
	LONG used;

	ck_assert_int_eq(posixipc_fifo_pipe_name(path, pipe, sizeof pipe), 0);
	swprintf(name, 128, L"Local\\posixipc.fifo.%hs.state.v4.0", pipe + strlen(pipe) - 16);
	map = OpenFileMappingW(FILE_MAP_READ, FALSE, name);
	ck_assert_ptr_nonnull(map);
	st = MapViewOfFile(map, FILE_MAP_READ, 0, 0, 4096);
	ck_assert_ptr_nonnull(st);
	used = st->used;
	UnmapViewOfFile(st);
	CloseHandle(map);
	return used;
}

START_TEST(fifo_thousands_of_opens_across_processes)
{
	char path[MAX_PATH], buf[256];
	int fds[1100], r, i, n = 0;
	size_t got = 0;
	ssize_t k;
	HANDLE h;

	tu_new_fifo(path, sizeof path);
	r = open(path, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(r, 0);
	for (i = 0; i < 1100; i++) {
		fds[i] = i % 2 ? dup(fds[i - 1]) : open(path, O_RDONLY | O_NONBLOCK);
		ck_assert_msg(fds[i] >= 0, "open %d: %s", i + 2, strerror(errno));
	}
	h = helper("hold-writers \"%s\" %lu", path, 1000, 0);
	ck_assert_int_eq(tu_wait(h, 120000), 0);
	/* What the writers wrote stays readable after they have gone. */
	fcntl(r, F_SETFL, 0);
	while (got < 1000 && (k = read(r, buf, sizeof buf)) > 0)
		got += (size_t)k;
	ck_assert_uint_eq(got, 1000);
	for (i = 0; i < 1100; i++)
		n += close(fds[i]) == 0;
	ck_assert_int_eq(n, 1100);
	/* The last writer has gone: end of file. */
	ck_assert_int_eq(read(r, buf, sizeof buf), 0);
	close(r);
	unlink(path);
}
END_TEST

/* The table grows in segments: a reader whose entry lies past the first segment is still
 * found by a writer in another process, which has never seen the table that large. */
START_TEST(fifo_holder_past_the_first_segment_is_found_by_another_process)
{
	static const char text[] = "hello through the fifo\n";
	char path[MAX_PATH], buf[64];
	int fds[1500], i, last;
	ssize_t k;

	tu_new_fifo(path, sizeof path);
	fds[0] = open(path, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(fds[0], 0);
	for (i = 1; i < 1500; i++) {
		fds[i] = dup(fds[0]);
		ck_assert_msg(fds[i] >= 0, "dup %d: %s", i, strerror(errno));
	}
	ck_assert_int_ge(holders_used(path), 1500);
	last = fds[1499];
	for (i = 0; i < 1499; i++)
		ck_assert_int_eq(close(fds[i]), 0);
	/* Only the last entry is left, and it keeps the table that long. */
	ck_assert_int_ge(holders_used(path), 1500);
	ck_assert_int_eq(tu_wait(helper("line \"%s\" 0", path, 0, 0), 20000), 0);
	fcntl(last, F_SETFL, 0);
	k = read(last, buf, sizeof buf);
	ck_assert_int_eq(k, (ssize_t)sizeof text - 1);
	ck_assert_int_eq(memcmp(buf, text, sizeof text - 1), 0);
	ck_assert_int_eq(read(last, buf, sizeof buf), 0);
	close(last);
	unlink(path);
}
END_TEST

START_TEST(fifo_holders_closed_by_crt_or_killed_are_reclaimed)
{
	char path[MAX_PATH];
	int r, fd, i;

	tu_new_fifo(path, sizeof path);
	r = open(path, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(r, 0);
	for (i = 0; i < 300; i++) {
		fd = open(path, O_RDONLY | O_NONBLOCK);
		ck_assert_msg(fd >= 0, "open %d: %s", i + 1, strerror(errno));
		_close(fd);
	}
	ck_assert_int_le(holders_used(path), 2);
	ck_assert_int_eq(tu_wait(helper("crt-close \"%s\" %lu", path, 300, 0), 60000), 0);
	ck_assert_int_eq(tu_wait(helper("die-holding \"%s\" %lu", path, 300, 0), 60000), 0);
	ck_assert_int_ge(holders_used(path), 2);
	/* The next opener walks the table and drops what the others left. */
	fd = open(path, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_le(holders_used(path), 3);
	close(fd);
	close(r);
	unlink(path);
}
END_TEST

/* ------------------------------------------------------------------ crashed peers */

START_TEST(fifo_reader_gets_bytes_then_eof_when_writer_dies)
{
	char path[MAX_PATH];
	HANDLE h;
	int fd;

	tu_new_fifo(path, sizeof path);
	h = helper("die-writing \"%s\" %lu %lu", path, 30000, 4);
	fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_uint_eq(read_stream(fd, MIB, 4), 30000);
	close(fd);
	ck_assert_int_eq(tu_wait(h, 10000), 0);
	unlink(path);
}
END_TEST

START_TEST(fifo_writer_blocked_mid_write_killed_reader_gets_prefix_then_eof)
{
	char path[MAX_PATH];
	unsigned char buf[1000];
	HANDLE h;
	size_t got;
	int fd;

	tu_new_fifo(path, sizeof path);
	/* The helper's 8 MiB write cannot finish while nobody reads. */
	h = helper("write \"%s\" %lu 6 %lu", path, 8 * MIB, 8 * MIB);
	fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_gt(read(fd, buf, sizeof buf), 0);
	ck_assert_int_eq(WaitForSingleObject(h, 200), WAIT_TIMEOUT);
	TerminateProcess(h, 9);
	ck_assert_int_eq(tu_wait(h, 10000), 9);
	/* What follows continues the stream and ends; nothing hangs. */
	fcntl(fd, F_SETFL, 0);
	got = read_stream(fd, 8 * MIB, 6);
	ck_assert_uint_lt(got, 8 * MIB);
	close(fd);
	unlink(path);
}
END_TEST

START_TEST(fifo_writer_gets_epipe_when_reader_dies)
{
	char path[MAX_PATH], buf[PIPE_BUF];
	HANDLE h;
	ssize_t n = 0;
	int fd, i;

	tu_new_fifo(path, sizeof path);
	h = helper("die-reading \"%s\"", path, 0, 0);
	fd = open(path, O_WRONLY);
	ck_assert_int_ge(fd, 0);
	memset(buf, 'z', sizeof buf);
	ck_assert_int_eq(write(fd, buf, 1), 1);
	ck_assert_int_eq(tu_wait(h, 10000), 0);
	for (i = 0; i < 100 && (n = write(fd, buf, sizeof buf)) > 0; i++)
		;
	ck_assert_int_eq(n, -1);
	ck_assert_int_eq(errno, EPIPE);
	close(fd);
	unlink(path);
}
END_TEST

/* ------------------------------------------------------------------ native peers */

START_TEST(fifo_native_writer_feeds_posix_reader)
{
	char path[MAX_PATH], pipe[256];
	HANDLE h;
	int nb, fd;

	tu_new_fifo(path, sizeof path);
	ck_assert_int_eq(posixipc_fifo_pipe_name(path, pipe, sizeof pipe), 0);
	/* The native side needs the pipe to exist: a non-blocking reader makes it, and a
	 * blocking open then waits for the native writer like for any other. */
	nb = open(path, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(nb, 0);
	h = helper("native-write %s %lu %lu", pipe, 200000, 8);
	fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	close(nb);
	ck_assert_uint_eq(read_stream(fd, MIB, 8), 200000);
	close(fd);
	ck_assert_int_eq(tu_wait(h, 10000), 0);
	unlink(path);
}
END_TEST

START_TEST(fifo_posix_writer_feeds_native_reader)
{
	char path[MAX_PATH], pipe[256];
	unsigned char *p = tu_make_pattern(300000, 11);
	HANDLE h;
	int fd;

	tu_new_fifo(path, sizeof path);
	ck_assert_int_eq(posixipc_fifo_reader_pipe_name(path, pipe, sizeof pipe), 0);
	/* The blocking open makes the pipe and waits for the native reader to connect. */
	h = NULL;
	{
		struct opener o;

		opener_start(&o, path, O_WRONLY);
		ck_assert_int_eq(WaitForSingleObject(o.thread, 200), WAIT_TIMEOUT);
		h = helper("native-read %s %lu %lu", pipe, 300000, 11);
		fd = opener_join(&o);
	}
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, p, 300000), 300000);
	close(fd);
	ck_assert_int_eq(tu_wait(h, 10000), 0);
	free(p);
	unlink(path);
}
END_TEST

/* Many native peers beside POSIX ones (native_helper does not link the library). */

#define REC 512
#define TAGS 32
#define MAXSEQ 4096

/* Start helper with printf-made arguments: a native peer (native_helper, which does not
 * link the library) or a POSIX one (fifo_helper). */
static HANDLE spawnf(const char *helper, const char *fmt, ...)
{
	char args[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof args, fmt, ap);
	va_end(ap);
	return tu_spawn(helper, args);
}

#define native(...) spawnf("native_helper", __VA_ARGS__)
#define posix_peer(...) spawnf("fifo_helper", __VA_ARGS__)

/* Peers tell `ready` (a semaphore) once connected, then wait for `go` (an event). */
struct meet {
	char ready[96], go[96];
	HANDLE sem, ev;
};

static void meet_init(struct meet *m)
{
	static LONG n;
	LONG k = InterlockedIncrement(&n);

	snprintf(m->ready, sizeof m->ready, "Local\\posixipc-test-ready-%lu-%lu-%ld",
		 GetCurrentProcessId(), GetTickCount(), k);
	snprintf(m->go, sizeof m->go, "Local\\posixipc-test-go-%lu-%lu-%ld",
		 GetCurrentProcessId(), GetTickCount(), k);
	m->sem = CreateSemaphoreA(NULL, 0, 1000, m->ready);
	m->ev = CreateEventA(NULL, TRUE, FALSE, m->go);
	ck_assert_ptr_nonnull(m->sem);
	ck_assert_ptr_nonnull(m->ev);
}

static void meet_wait(struct meet *m, int peers)
{
	while (peers-- > 0)
		ck_assert_int_eq(WaitForSingleObject(m->sem, 30000), WAIT_OBJECT_0);
}

static void meet_end(struct meet *m)
{
	CloseHandle(m->sem);
	CloseHandle(m->ev);
}

/* What readers got: every record whole, none twice, each reader's records of one writer in
 * the order written. */
struct tally {
	uint32_t count[TAGS];
	int64_t last[TAGS];
	unsigned char seen[TAGS][MAXSEQ];
	unsigned char part[REC];
	size_t have;
};

static void tally_reader(struct tally *t)
{
	int i;

	for (i = 0; i < TAGS; i++)
		t->last[i] = -1;
	t->have = 0;
}

static void tally_bytes(struct tally *t, const unsigned char *p, size_t n)
{
	uint32_t tag, seq;
	size_t k;

	while (n > 0) {
		k = REC - t->have < n ? REC - t->have : n;
		memcpy(t->part + t->have, p, k);
		t->have += k;
		p += k;
		n -= k;
		if (t->have < REC)
			continue;
		t->have = 0;
		ck_assert_msg(record_check(t->part, REC, &tag, &seq), "torn or mixed record");
		ck_assert_uint_lt(tag, TAGS);
		ck_assert_uint_lt(seq, MAXSEQ);
		ck_assert_msg(!t->seen[tag][seq], "record %u of writer %u twice", seq, tag);
		ck_assert_msg((int64_t)seq > t->last[tag], "writer %u's records out of order", tag);
		t->seen[tag][seq] = 1;
		t->last[tag] = seq;
		t->count[tag]++;
	}
}

/* Go on reading as the same reader until end of file. */
static void tally_more(struct tally *t, int fd)
{
	unsigned char buf[8 * REC];
	ssize_t r;

	while ((r = read(fd, buf, sizeof buf)) != 0) {
		ck_assert_int_gt(r, 0);
		tally_bytes(t, buf, (size_t)r);
	}
	ck_assert_uint_eq(t->have, 0);
}

static void tally_fd(struct tally *t, int fd)
{
	unsigned char buf[8 * REC];
	ssize_t r;

	tally_reader(t);
	while ((r = read(fd, buf, sizeof buf)) != 0) {
		ck_assert_int_gt(r, 0);
		tally_bytes(t, buf, (size_t)r);
	}
	ck_assert_uint_eq(t->have, 0);
}

static void tally_file(struct tally *t, const char *file)
{
	unsigned char buf[8 * REC];
	FILE *f = fopen(file, "rb");
	size_t r;

	ck_assert_ptr_nonnull(f);
	tally_reader(t);
	while ((r = fread(buf, 1, sizeof buf, f)) > 0)
		tally_bytes(t, buf, r);
	fclose(f);
	ck_assert_uint_eq(t->have, 0);
	remove(file);
}

START_TEST(fifo_16_native_and_4_posix_writers_reach_one_reader_whole)
{
	char path[MAX_PATH], pipe[300];
	struct tally *t = calloc(1, sizeof *t);
	HANDLE h[20];
	struct meet m;
	int nb, fd, i;

	ck_assert_ptr_nonnull(t);
	tu_new_fifo(path, sizeof path);
	ck_assert_int_eq(posixipc_fifo_pipe_name(path, pipe, sizeof pipe), 0);
	meet_init(&m);
	/* Native programs connect while a process has the FIFO open. */
	nb = open(path, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(nb, 0);
	for (i = 0; i < 16; i++)
		h[i] = native("write %s %d 300 %d %s %s", pipe, i, REC, m.ready, m.go);
	for (i = 16; i < 20; i++)
		h[i] = posix_peer("tagged \"%s\" %d 300 %d %s %s", path, i, REC, m.ready, m.go);
	meet_wait(&m, 20);
	fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	close(nb);
	SetEvent(m.ev);
	/* End of file comes only after the last of the 20 has closed. */
	tally_fd(t, fd);
	for (i = 0; i < 20; i++) {
		ck_assert_int_eq(tu_wait(h[i], 30000), 0);
		ck_assert_uint_eq(t->count[i], 300);
	}
	close(fd);
	meet_end(&m);
	free(t);
	unlink(path);
}
END_TEST

START_TEST(fifo_native_reader_and_posix_reader_share_the_data)
{
	char path[MAX_PATH], rpipe[300], fa[MAX_PATH], fb[MAX_PATH];
	struct tally *t = calloc(1, sizeof *t);
	unsigned char r[REC];
	HANDLE ha, hb;
	struct meet m;
	uint32_t seq;
	int fd;

	ck_assert_ptr_nonnull(t);
	tu_new_fifo(path, sizeof path);
	ck_assert_int_eq(posixipc_fifo_reader_pipe_name(path, rpipe, sizeof rpipe), 0);
	tu_path(fa, sizeof fa, "posix-got");
	tu_path(fb, sizeof fb, "native-got");
	meet_init(&m);
	ha = posix_peer("read-tagged \"%s\" \"%s\" %d %s", path, fa, REC, m.ready);
	fd = open(path, O_WRONLY);
	ck_assert_int_ge(fd, 0);
	hb = native("read %s \"%s\" %d %s", rpipe, fb, REC, m.ready);
	meet_wait(&m, 2);
	/* The native reader's relay opens its side of the FIFO just after the connection; give
	 * it that moment, as a reader that came after the writer left would wait for the next. */
	Sleep(300);
	for (seq = 0; seq < 3000; seq++) {
		record_fill(r, REC, 1, seq);
		ck_assert_int_eq(write(fd, r, REC), REC);
	}
	close(fd);
	ck_assert_int_eq(tu_wait(ha, 30000), 0);
	ck_assert_int_eq(tu_wait(hb, 30000), 0);
	tally_file(t, fa);
	tally_file(t, fb);
	/* Every record exactly once, across both. */
	ck_assert_uint_eq(t->count[1], 3000);
	meet_end(&m);
	free(t);
	unlink(path);
}
END_TEST

START_TEST(fifo_native_writer_killed_midstream_reader_keeps_its_records_and_the_others)
{
	char path[MAX_PATH], pipe[300];
	struct tally *t = calloc(1, sizeof *t);
	unsigned char buf[8 * REC];
	HANDLE k, other;
	struct meet m;
	int nb, fd;
	ssize_t r;

	ck_assert_ptr_nonnull(t);
	tu_new_fifo(path, sizeof path);
	ck_assert_int_eq(posixipc_fifo_pipe_name(path, pipe, sizeof pipe), 0);
	nb = open(path, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(nb, 0);
	k = native("write-forever %s 7 %d", pipe, REC);
	fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	close(nb);
	tally_reader(t);
	while (t->count[7] < 200) {
		r = read(fd, buf, sizeof buf);
		ck_assert_int_gt(r, 0);
		tally_bytes(t, buf, (size_t)r);
	}
	/* The other writer is open before the kill, so end of file waits for it. */
	meet_init(&m);
	other = posix_peer("tagged \"%s\" 9 300 %d %s %s", path, REC, m.ready, m.go);
	meet_wait(&m, 1);
	ck_assert(TerminateProcess(k, 1));
	CloseHandle(k);
	SetEvent(m.ev);
	/* The rest of the killed writer's completed records, the other writer's, then end of
	 * file: the killed writer no longer counts. */
	while ((r = read(fd, buf, sizeof buf)) != 0) {
		ck_assert_int_gt(r, 0);
		tally_bytes(t, buf, (size_t)r);
	}
	ck_assert_uint_eq(t->have, 0);
	ck_assert_int_eq(tu_wait(other, 30000), 0);
	ck_assert_uint_eq(t->count[9], 300);
	/* No gap: each completed write arrived. */
	ck_assert_int_eq(t->last[7] + 1, (int64_t)t->count[7]);
	close(fd);
	meet_end(&m);
	free(t);
	unlink(path);
}
END_TEST

START_TEST(fifo_native_writer_started_without_reader_gets_through_once_one_opens)
{
	char path[MAX_PATH], pipe[300];
	struct tally *t = calloc(1, sizeof *t);
	HANDLE hp, hn;
	struct meet m, mp;
	int fd;

	ck_assert_ptr_nonnull(t);
	tu_new_fifo(path, sizeof path);
	ck_assert_int_eq(posixipc_fifo_pipe_name(path, pipe, sizeof pipe), 0);
	meet_init(&m);
	meet_init(&mp);
	/* Only a writer has the FIFO open, blocked in open() until a reader comes; the native
	 * writer's pipe appears with the reader, as a POSIX writer's open returns then. */
	hp = posix_peer("tagged \"%s\" 4 50 %d %s %s", path, REC, mp.ready, mp.go);
	hn = native("write %s 6 50 %d %s %s", pipe, REC, m.ready, m.go);
	fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	meet_wait(&m, 1);
	meet_wait(&mp, 1);
	/* The native writer counts as a writer from its relay's open, just after it connects:
	 * the POSIX writer goes on (and may close) once native data has come through. */
	SetEvent(m.ev);
	tally_reader(t);
	while (t->count[6] == 0) {
		unsigned char buf[REC];
		ssize_t r = read(fd, buf, sizeof buf);

		ck_assert_int_gt(r, 0);
		tally_bytes(t, buf, (size_t)r);
	}
	SetEvent(mp.ev);
	tally_more(t, fd);
	ck_assert_uint_eq(t->count[4], 50);
	ck_assert_uint_eq(t->count[6], 50);
	ck_assert_int_eq(tu_wait(hp, 15000), 0);
	ck_assert_int_eq(tu_wait(hn, 15000), 0);
	close(fd);
	meet_end(&m);
	meet_end(&mp);
	free(t);
	unlink(path);
}
END_TEST

START_TEST(fifo_native_writer_gets_no_data_after_the_last_reader_leaves)
{
	char path[MAX_PATH], pipe[300], buf[REC];
	HANDLE k;
	int nb, fd;

	tu_new_fifo(path, sizeof path);
	ck_assert_int_eq(posixipc_fifo_pipe_name(path, pipe, sizeof pipe), 0);
	/* The relay's own EPIPE is the library's business, not the program's SIGPIPE. */
	tu_sigpipes = 0;
	signal(SIGPIPE, tu_count_sigpipe);
	nb = open(path, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(nb, 0);
	k = native("write-forever %s 2 %d", pipe, REC);
	fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	close(nb);
	ck_assert_int_gt(read(fd, buf, sizeof buf), 0);
	close(fd);
	/* The helper exits 0 only on an error that says the pipe has no reader (ERROR_NO_DATA,
	 * or ERROR_BROKEN_PIPE / ERROR_PIPE_NOT_CONNECTED, as a pipe whose server went gives). */
	ck_assert_int_eq(tu_wait(k, 15000), 0);
	signal(SIGPIPE, SIG_DFL);
	ck_assert_int_eq(tu_sigpipes, 0);
	unlink(path);
}
END_TEST

/* A native writer's connection outlives the descriptor that served it for a moment (its
 * relay looks for readers every 50 ms): an open of the FIFO meanwhile must take that
 * instance for its own process's, not for a squatter's, and gets what the writer sends. */
START_TEST(fifo_reopens_while_a_native_writer_is_still_connected)
{
	char path[MAX_PATH], pipe[300], buf[8];
	DWORD n;
	HANDLE h;
	int fd, i;

	tu_new_fifo(path, sizeof path);
	ck_assert_int_eq(posixipc_fifo_pipe_name(path, pipe, sizeof pipe), 0);
	for (i = 0; i < 5; i++) {
		fd = open(path, O_RDWR);
		ck_assert_msg(fd >= 0, "open %d: %s", i, strerror(errno));
		h = CreateFileA(pipe, GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
		ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
		ck_assert(WriteFile(h, "n", 1, &n, NULL));
		ck_assert_int_eq(read(fd, buf, 1), 1);
		ck_assert_int_eq(buf[0], 'n');
		close(fd);
		fd = open(path, O_RDWR);
		ck_assert_msg(fd >= 0, "reopen %d: %s", i, strerror(errno));
		ck_assert(WriteFile(h, "m", 1, &n, NULL));
		ck_assert_int_eq(read(fd, buf, 1), 1);
		ck_assert_int_eq(buf[0], 'm');
		CloseHandle(h);
		close(fd);
	}
	unlink(path);
}
END_TEST

START_TEST(fifo_native_pipes_exist_while_the_fifo_is_open)
{
	char path[MAX_PATH], pipe[300], rpipe[300];
	int fd, w;

	tu_new_fifo(path, sizeof path);
	ck_assert_int_eq(posixipc_fifo_pipe_name(path, pipe, sizeof pipe), 0);
	ck_assert_int_eq(posixipc_fifo_reader_pipe_name(path, rpipe, sizeof rpipe), 0);
	ck_assert_str_eq(rpipe + strlen(pipe), ".reader");
	ck_assert_int_eq(strncmp(rpipe, pipe, strlen(pipe)), 0);
	/* Nobody listens while the FIFO is closed. */
	ck_assert_int_eq(tu_wait(native("try %s w", pipe), 10000), ERROR_FILE_NOT_FOUND);
	ck_assert_int_eq(tu_wait(native("try %s r", rpipe), 10000), ERROR_FILE_NOT_FOUND);
	/* A reader serves native writers, who may ask for both directions as many Win32
	 * clients do; a writer serves native readers. */
	fd = open(path, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(tu_wait(native("try %s rw", pipe), 10000), 0);
	ck_assert_int_eq(tu_wait(native("try %s r", rpipe), 10000), ERROR_FILE_NOT_FOUND);
	w = open(path, O_WRONLY | O_NONBLOCK);
	ck_assert_int_ge(w, 0);
	ck_assert_int_eq(tu_wait(native("try %s r", rpipe), 10000), 0);
	close(w);
	close(fd);
	unlink(path);
}
END_TEST

static void chosen_name(char *buf, size_t size)
{
	snprintf(buf, size, "\\\\.\\pipe\\posixipc-test-chosen-%lu-%lu", GetCurrentProcessId(),
		 (unsigned long)GetTickCount());
}

START_TEST(fifo_native_writer_connects_by_chosen_name)
{
	char path[MAX_PATH], name[128], got[300];
	struct tally *t = calloc(1, sizeof *t);
	HANDLE h;
	int nb, fd;

	ck_assert_ptr_nonnull(t);
	chosen_name(name, sizeof name);
	tu_path(path, sizeof path, "named");
	ck_assert_int_eq(posixipc_mkfifo_named(path, 0600, name), 0);
	ck_assert_int_eq(posixipc_fifo_pipe_name(path, got, sizeof got), 0);
	ck_assert_str_eq(got, name);
	ck_assert_int_eq(posixipc_is_fifo(path), 1);
	nb = open(path, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(nb, 0);
	h = native("write %s 3 50 %d - -", name, REC);
	fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	close(nb);
	tally_fd(t, fd);
	ck_assert_uint_eq(t->count[3], 50);
	ck_assert_int_eq(tu_wait(h, 15000), 0);
	close(fd);
	unlink(path);
	free(t);
}
END_TEST

START_TEST(fifo_chosen_name_is_checked_and_a_squatter_refused)
{
	char path[MAX_PATH], name[128];
	HANDLE sq;
	int fd;

	tu_path(path, sizeof path, "named");
	errno = 0;
	ck_assert_int_eq(posixipc_mkfifo_named(path, 0600, "not-a-pipe-name"), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(posixipc_mkfifo_named(path, 0600, "\\\\.\\pipe\\"), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(posixipc_mkfifo_named(path, 0600, "\\\\.\\pipe\\a\\b"), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(posixipc_mkfifo_named(path, 0600, NULL), -1);
	ck_assert_int_eq(errno, EFAULT);
	ck_assert_int_eq(posixipc_is_fifo(path), 0);
	chosen_name(name, sizeof name);
	ck_assert_int_eq(posixipc_mkfifo_named(path, 0600, name), 0);
	/* Another program holds the name first: it must not get the data. */
	sq = CreateNamedPipeA(name, PIPE_ACCESS_INBOUND, PIPE_TYPE_BYTE | PIPE_WAIT, 1, 4096, 4096,
			      0, NULL);
	ck_assert_ptr_ne(sq, INVALID_HANDLE_VALUE);
	errno = 0;
	ck_assert_int_eq(open(path, O_RDONLY | O_NONBLOCK), -1);
	ck_assert_int_eq(errno, EACCES);
	CloseHandle(sq);
	fd = open(path, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(fd, 0);
	close(fd);
	unlink(path);
}
END_TEST

START_TEST(fifo_native_program_that_comes_first_waits_on_the_event)
{
	char path[MAX_PATH], pipe[300], event[400];
	struct tally *t = calloc(1, sizeof *t);
	HANDLE h, ev;
	int fd;

	ck_assert_ptr_nonnull(t);
	tu_new_fifo(path, sizeof path);
	ck_assert_int_eq(posixipc_fifo_pipe_name(path, pipe, sizeof pipe), 0);
	ck_assert_int_eq(posixipc_fifo_event_name(path, event, sizeof event), 0);
	ck_assert_int_eq(strncmp(event, "Local\\posixipc.open.", 20), 0);
	h = native("wait-write %s %s 5 20 %d", event, pipe, REC);
	/* The native program is waiting (for the event, not in a loop of its own) before any
	 * POSIX process opens; the blocking open then waits for it like for any writer. */
	Sleep(300);
	fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	tally_fd(t, fd);
	ck_assert_uint_eq(t->count[5], 20);
	ck_assert_int_eq(tu_wait(h, 15000), 0);
	close(fd);
	/* Nobody listens any more: the event is reset. */
	ev = OpenEventA(SYNCHRONIZE, FALSE, event);
	if (ev != NULL) {
		ck_assert_int_eq(WaitForSingleObject(ev, 0), WAIT_TIMEOUT);
		CloseHandle(ev);
	}
	free(t);
	unlink(path);
}
END_TEST

/* ------------------------------------------------------------------ security, handles */

START_TEST(fifo_squatted_pipe_name_is_refused)
{
	char path[MAX_PATH], pipe[256];
	HANDLE squat;

	tu_new_fifo(path, sizeof path);
	ck_assert_int_eq(posixipc_fifo_pipe_name(path, pipe, sizeof pipe), 0);
	squat = CreateNamedPipeA(pipe, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE | PIPE_WAIT,
				 PIPE_UNLIMITED_INSTANCES, 4096, 4096, 0, NULL);
	ck_assert_ptr_ne(squat, INVALID_HANDLE_VALUE);
	errno = 0;
	ck_assert_int_eq(open(path, O_RDONLY | O_NONBLOCK), -1);
	ck_assert_int_eq(errno, EACCES);
	CloseHandle(squat);
	unlink(path);
}
END_TEST

START_TEST(fifo_pipe_is_local_only_and_single_instance)
{
	char path[MAX_PATH], pipe[256];
	DWORD flags = 0, max = 0;
	HANDLE h, extra;
	int fd;

	tu_new_fifo(path, sizeof path);
	ck_assert_int_eq(posixipc_fifo_pipe_name(path, pipe, sizeof pipe), 0);
	fd = open(path, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(fd, 0);
	h = (HANDLE)_get_osfhandle(fd);
	ck_assert(GetNamedPipeInfo(h, &flags, NULL, NULL, &max));
	ck_assert_uint_eq(max, 1);
	/* Nobody can add an instance beside the FIFO's own pipe (native peers have pipes of
	 * their own, with public names). */
	strcat(pipe, ".core");
	extra = CreateNamedPipeA(pipe, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE | PIPE_WAIT,
				 PIPE_UNLIMITED_INSTANCES, 4096, 4096, 0, NULL);
	ck_assert_ptr_eq(extra, INVALID_HANDLE_VALUE);
	close(fd);
	unlink(path);
}
END_TEST

/* Does the pipe's DACL grant anything to Everyone? */
static int dacl_has_world(HANDLE h)
{
	PSECURITY_DESCRIPTOR sd = NULL;
	ACCESS_ALLOWED_ACE *ace;
	SID_IDENTIFIER_AUTHORITY world = { SECURITY_WORLD_SID_AUTHORITY };
	PSID everyone = NULL;
	PACL dacl = NULL;
	int found = 0;
	DWORD i;

	ck_assert_int_eq(GetSecurityInfo(h, SE_KERNEL_OBJECT, DACL_SECURITY_INFORMATION, NULL,
					 NULL, &dacl, NULL, &sd), ERROR_SUCCESS);
	ck_assert(AllocateAndInitializeSid(&world, 1, SECURITY_WORLD_RID, 0, 0, 0, 0, 0, 0, 0,
					   &everyone));
	ck_assert_ptr_nonnull(dacl);
	for (i = 0; i < dacl->AceCount; i++)
		if (GetAce(dacl, i, (void **)&ace) && ace->Header.AceType == ACCESS_ALLOWED_ACE_TYPE &&
		    EqualSid((PSID)&ace->SidStart, everyone))
			found = 1;
	FreeSid(everyone);
	LocalFree(sd);
	return found;
}

/* Does the access list of the FIFO's public pipe (for native writers, or readers) grant
 * anything to Everyone? */
static int public_pipe_has_world(const char *path, int readers)
{
	char pipe[300];
	HANDLE h;
	int r;

	ck_assert_int_eq(readers ? posixipc_fifo_reader_pipe_name(path, pipe, sizeof pipe) :
			 posixipc_fifo_pipe_name(path, pipe, sizeof pipe), 0);
	h = CreateFileA(pipe, READ_CONTROL | (readers ? GENERIC_READ : GENERIC_WRITE), 0, NULL,
			OPEN_EXISTING, 0, NULL);
	ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
	r = dacl_has_world(h);
	CloseHandle(h);
	return r;
}

START_TEST(fifo_pipe_grants_everyone_nothing_at_0600_and_access_at_0666)
{
	char path[MAX_PATH];
	mode_t old = umask(0);
	int fd;

	tu_new_fifo(path, sizeof path);
	/* O_RDWR serves native writers and readers alike. */
	fd = open(path, O_RDWR);
	ck_assert_int_ge(fd, 0);
	ck_assert(!dacl_has_world((HANDLE)_get_osfhandle(fd)));
	ck_assert(!public_pipe_has_world(path, 0));
	ck_assert(!public_pipe_has_world(path, 1));
	close(fd);
	unlink(path);
	ck_assert_int_eq(mkfifo(path, 0666), 0);
	fd = open(path, O_RDWR);
	ck_assert_int_ge(fd, 0);
	ck_assert(dacl_has_world((HANDLE)_get_osfhandle(fd)));
	ck_assert(public_pipe_has_world(path, 0));
	ck_assert(public_pipe_has_world(path, 1));
	close(fd);
	unlink(path);
	umask(old);
}
END_TEST

/* chmod changes a FIFO's mode as stat reports it, and the pipes made after it; other files
 * keep the C runtime's chmod. */
START_TEST(fifo_chmod_changes_mode_and_next_pipes)
{
	char path[MAX_PATH], file[MAX_PATH];
	mode_t old = umask(0);
	struct stat st;
	int fd;

	tu_new_fifo(path, sizeof path);
	ck_assert_int_eq(chmod(path, 0666), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	ck_assert_int_eq(st.st_mode & 0777, 0666);
	fd = open(path, O_RDWR);
	ck_assert_int_ge(fd, 0);
	ck_assert(dacl_has_world((HANDLE)_get_osfhandle(fd)));
	/* No native peer connects before the chmod: its relay would hold the pipe a moment
	 * after it left, and the next open would rightly join that pipe and its access list. */
	close(fd);
	ck_assert_int_eq(chmod(path, 0640), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0640);
	fd = open(path, O_RDWR);
	ck_assert_msg(fd >= 0, "open after chmod: %s", strerror(errno));
	ck_assert(!dacl_has_world((HANDLE)_get_osfhandle(fd)));
	ck_assert(!public_pipe_has_world(path, 0));
	ck_assert_int_eq(write(fd, "m", 1), 1);
	close(fd);
	ck_assert_int_eq(unlink(path), 0);
	errno = 0;
	ck_assert_int_eq(chmod(path, 0600), -1);
	ck_assert_int_eq(errno, ENOENT);

	tu_path(file, sizeof file, "chmodfile");
	fd = open(file, O_CREAT | O_EXCL | O_WRONLY, 0666);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(chmod(file, 0444), 0);
	ck_assert_int_eq(stat(file, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_int_eq(st.st_mode & 0200, 0);
	ck_assert_int_eq(chmod(file, 0666), 0);
	ck_assert_int_eq(unlink(file), 0);
	umask(old);
}
END_TEST

/* fchmod, by descriptor: a FIFO's mode as chmod sets it, also from a reader that may not
 * change attributes; a file's read-only attribute as the C runtime's chmod sets it; pipes
 * accept it. */
START_TEST(fifo_fchmod_changes_the_fifos_mode_and_files_read_only)
{
	char path[MAX_PATH], file[MAX_PATH];
	mode_t old = umask(0);
	struct stat st;
	int fd, fds[2];

	tu_new_fifo(path, sizeof path);
	fd = open(path, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fchmod(fd, 0604), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	ck_assert_int_eq(st.st_mode & 0777, 0604);
	ck_assert_int_eq(unlink(path), 0);
	/* Unlinked, the FIFO has no name left to carry a mode. */
	ck_assert_int_eq(fchmod(fd, 0600), 0);
	close(fd);

	tu_path(file, sizeof file, "fchmodfile");
	fd = open(file, O_CREAT | O_EXCL | O_WRONLY, 0666);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fchmod(fd, 0444), 0);
	ck_assert_int_eq(stat(file, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_int_eq(st.st_mode & 0200, 0);
	ck_assert_int_eq(write(fd, "w", 1), 1);
	close(fd);
	fd = open(file, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fchmod(fd, 0644), 0);
	ck_assert_int_eq(stat(file, &st), 0);
	ck_assert_int_ne(st.st_mode & 0200, 0);
	close(fd);
	ck_assert_int_eq(unlink(file), 0);

	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(fchmod(fds[0], 0600), 0);
	close(fds[0]);
	close(fds[1]);
	errno = 0;
	ck_assert_int_eq(fchmod(fds[0], 0600), -1);
	ck_assert_int_eq(errno, EBADF);
	umask(old);
}
END_TEST

START_TEST(fifo_two_readers_share_one_stream)
{
	char path[MAX_PATH];
	unsigned char *p = tu_make_pattern(100, 2), buf[100];
	int r1, r2, w;

	tu_new_fifo(path, sizeof path);
	r1 = open(path, O_RDONLY | O_NONBLOCK);
	r2 = open(path, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(r1, 0);
	ck_assert_int_ge(r2, 0);
	w = open(path, O_WRONLY);
	ck_assert_int_ge(w, 0);
	ck_assert_int_eq(write(w, p, 100), 100);
	ck_assert_int_eq(read(r1, buf, 30), 30);
	ck_assert_int_eq(read(r2, buf + 30, 70), 70);
	ck_assert_int_eq(memcmp(buf, p, 100), 0);
	close(w);
	ck_assert_int_eq(read(r1, buf, 1), 0);
	ck_assert_int_eq(read(r2, buf, 1), 0);
	close(r1);
	close(r2);
	free(p);
	unlink(path);
}
END_TEST

START_TEST(fifo_open_close_cycles_keep_handle_count_flat)
{
	char path[MAX_PATH], c = 'x';
	DWORD before, after;
	int i, r, w;

	tu_new_fifo(path, sizeof path);
	/* Warm up once-only state. */
	r = open(path, O_RDONLY | O_NONBLOCK);
	close(r);
	before = tu_handle_count();
	for (i = 0; i < 500; i++) {
		r = open(path, O_RDONLY | O_NONBLOCK);
		ck_assert_int_ge(r, 0);
		w = open(path, O_WRONLY);
		ck_assert_int_ge(w, 0);
		ck_assert_int_eq(write(w, &c, 1), 1);
		ck_assert_int_eq(read(r, &c, 1), 1);
		ck_assert_int_eq(close(w), 0);
		ck_assert_int_eq(close(r), 0);
	}
	for (i = 0; i < 200; i++) {
		r = open(path, O_RDWR);
		ck_assert_int_ge(r, 0);
		ck_assert_int_eq(close(r), 0);
	}
	after = tu_handle_count();
	ck_assert_uint_le(after, before + 10);
	unlink(path);
}
END_TEST


int main(void)
{
	Suite *s = suite_create("fifo");

	TU_ADD(s, fifo_mkfifo_makes_entry_stat_says_fifo_until_unlink);
	TU_ADD(s, fifo_mkfifo_existing_path_is_eexist);
	TU_ADD(s, fifo_mkfifo_missing_folder_is_enoent);
	TU_ADD(s, fifo_mkfifo_read_only_mode_still_unlinkable);
	TU_ADD(s, fifo_mkfifoat_fdcwd_works_other_dirfd_refused);
	TU_ADD(s, fifo_is_fifo_false_for_other_paths_errno_untouched);
	TU_ADD(s, fifo_pipe_name_reports_pipe_and_errors);
	TU_ADD(s, fifo_remade_fifo_gets_new_pipe);
	TU_ADD(s, fifo_fstat_on_descriptor_says_fifo);
	TU_ADD(s, fifo_nonblocking_read_open_returns_at_once);
	TU_ADD(s, fifo_nonblocking_write_open_without_reader_is_enxio);
	TU_ADD(s, fifo_nonblocking_write_open_with_reader_succeeds);
	TU_ADD(s, fifo_rdwr_open_does_not_block_and_reads_own_writes);
	TU_ADD(s, fifo_blocking_read_open_waits_for_writer);
	TU_ADD(s, fifo_blocking_read_open_returns_for_writer_that_left_at_once);
	TU_ADD(s, fifo_empty_write_without_reader_returns_zero);
	TU_ADD(s, fifo_blocking_write_open_waits_for_reader);
	TU_ADD(s, fifo_invalid_access_mode_is_einval);
	TU_ADD(s, fifo_single_1mib_write_arrives_whole_in_other_process);
	TU_ADD(s, fifo_bytes_from_other_process_arrive_in_order);
	TU_ADD(s, fifo_pipe_buf_writes_and_writevs_never_interleave_across_writers);
	TU_ADD(s, fifo_eof_after_last_writer_and_not_before);
	TU_ADD(s, fifo_new_writer_after_eof_is_read);
	TU_ADD(s, fifo_new_reader_after_epipe_gets_data);
	TU_ADD(s, fifo_nonblocking_read_eagain_with_writer_zero_without);
	TU_ADD(s, fifo_nonblocking_write_full_pipe_eagain_never_splits_small_writes);
	TU_ADD(s, fifo_fcntl_setfl_toggles_nonblock);
	TU_ADD(s, fifo_write_after_readers_gone_is_epipe);
	TU_ADD(s, fifo_o_append_is_a_status_flag_f_setfl_changes);
	TU_ADD(s, fifo_write_without_reader_runs_the_sigpipe_handler);
	TU_ADD(s, fifo_wrong_direction_is_ebadf);
	TU_ADD(s, fifo_descriptor_works_with_stdio_and_dup);
	TU_ADD(s, fifo_crt_read_write_close_without_compat_see_data_and_eof);
	TU_ADD(s, fifo_fopen_opens_fifo_as_pipe);
	TU_ADD(s, fifo_rdwr_stream_written_through_crt_reaches_other_process);
	TU_ADD(s, fifo_rdwr_stream_reads_back_its_own_lines);
	TU_ADD(s, fifo_rdwr_descriptor_works_with_crt_read_write_and_freopen);
	TU_ADD(s, fifo_rdwr_close_returns_with_full_pipe_of_crt_writes);
	TU_ADD(s, fifo_fopen_wx_of_existing_fifo_is_eexist);
	TU_ADD(s, fifo_open_and_dup_with_full_descriptor_table_are_emfile);
	TU_ADD(s, fifo_thousands_of_opens_across_processes);
	TU_ADD(s, fifo_holder_past_the_first_segment_is_found_by_another_process);
	TU_ADD(s, fifo_holders_closed_by_crt_or_killed_are_reclaimed);
	TU_ADD(s, fifo_reader_gets_bytes_then_eof_when_writer_dies);
	TU_ADD(s, fifo_writer_blocked_mid_write_killed_reader_gets_prefix_then_eof);
	TU_ADD(s, fifo_writer_gets_epipe_when_reader_dies);
	TU_ADD(s, fifo_native_writer_feeds_posix_reader);
	TU_ADD(s, fifo_posix_writer_feeds_native_reader);
	TU_ADD(s, fifo_16_native_and_4_posix_writers_reach_one_reader_whole);
	TU_ADD(s, fifo_native_reader_and_posix_reader_share_the_data);
	TU_ADD(s, fifo_native_writer_killed_midstream_reader_keeps_its_records_and_the_others);
	TU_ADD(s, fifo_native_writer_started_without_reader_gets_through_once_one_opens);
	TU_ADD(s, fifo_native_writer_gets_no_data_after_the_last_reader_leaves);
	TU_ADD(s, fifo_native_pipes_exist_while_the_fifo_is_open);
	TU_ADD(s, fifo_reopens_while_a_native_writer_is_still_connected);
	TU_ADD(s, fifo_native_writer_connects_by_chosen_name);
	TU_ADD(s, fifo_chosen_name_is_checked_and_a_squatter_refused);
	TU_ADD(s, fifo_native_program_that_comes_first_waits_on_the_event);
	TU_ADD(s, fifo_squatted_pipe_name_is_refused);
	TU_ADD(s, fifo_pipe_is_local_only_and_single_instance);
	TU_ADD(s, fifo_pipe_grants_everyone_nothing_at_0600_and_access_at_0666);
	TU_ADD(s, fifo_chmod_changes_mode_and_next_pipes);
	TU_ADD(s, fifo_fchmod_changes_the_fifos_mode_and_files_read_only);
	TU_ADD(s, fifo_two_readers_share_one_stream);
	TU_ADD(s, fifo_open_close_cycles_keep_handle_count_flat);
	return tu_run(s);
}
