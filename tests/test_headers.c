/* The compat headers as a ported program meets them: limits, feature macros and sysconf,
 * redirection without macros, messages, 64-bit offsets and the routed descriptor calls. */
/* Declared before any header: a member named like a redirected call must keep its name. */
struct early_ops {
	int (*stat)(const char *, void *);
	int (*fstat)(int, void *);
	int (*open)(const char *, int, ...);
	int (*close)(int);
};

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <direct.h>
#include <io.h>

#include <posixipc.h>

#include "testutil.h"
#include "limits_probe.h"
#include "narrow_probe.h"

/* ------------------------------------------------------------------ limits */

START_TEST(limits_are_the_c_librarys_plus_posix_ones)
{
	/* The probe is compiled without posixipc's folder: the compiler's own values. */
	ck_assert_int_eq(MB_LEN_MAX, probe_mb_len_max());
	ck_assert_int_eq(PATH_MAX, probe_path_max());
	ck_assert(SSIZE_MAX == probe_ssize_max());
	ck_assert(LLONG_MAX == probe_llong_max());
	ck_assert_int_eq(CHAR_BIT, probe_char_bit());
	ck_assert(INT_MAX == probe_int_max() && LONG_MAX == probe_long_max());
	ck_assert_int_eq(MB_LEN_MAX, 5);
	ck_assert_int_eq(NAME_MAX, 255);
	ck_assert_int_eq(PIPE_BUF, 4096);
	ck_assert_int_eq(SEM_VALUE_MAX, 2147483647);
	ck_assert_int_eq(sysconf(_SC_SEM_VALUE_MAX), SEM_VALUE_MAX);
	/* POSIX's minimum values, each met by the library's limit. */
	ck_assert_int_le(_POSIX_OPEN_MAX, sysconf(_SC_OPEN_MAX));
	ck_assert_int_le(_POSIX_MQ_OPEN_MAX, sysconf(_SC_MQ_OPEN_MAX));
	ck_assert_int_le(_POSIX_MQ_PRIO_MAX, MQ_PRIO_MAX);
	ck_assert_int_eq(MQ_PRIO_MAX, sysconf(_SC_MQ_PRIO_MAX));
	ck_assert_int_le(_POSIX_SEM_VALUE_MAX, SEM_VALUE_MAX);
	ck_assert_int_le(_POSIX_PIPE_BUF, PIPE_BUF);
	ck_assert_int_le(_POSIX_NAME_MAX, NAME_MAX);
	ck_assert_int_le(_XOPEN_IOV_MAX, IOV_MAX);
}
END_TEST

/* ------------------------------------------------------------------ feature macros */

/* Each option the headers announce is in sysconf with the same value, and works. */
START_TEST(feature_macros_match_sysconf_and_the_library)
{
	char name[64];
	struct timespec ts;
	long page = sysconf(_SC_PAGESIZE);
	void *p;
	int fd;
	sem_t sem;

	ck_assert_int_eq(_POSIX_MAPPED_FILES, 200809L);
	ck_assert_int_eq(sysconf(_SC_MAPPED_FILES), _POSIX_MAPPED_FILES);
	ck_assert_int_eq(_POSIX_SHARED_MEMORY_OBJECTS, 200809L);
	ck_assert_int_eq(sysconf(_SC_SHARED_MEMORY_OBJECTS), _POSIX_SHARED_MEMORY_OBJECTS);
	ck_assert_int_eq(_POSIX_SEMAPHORES, 200809L);
	ck_assert_int_eq(sysconf(_SC_SEMAPHORES), _POSIX_SEMAPHORES);
	ck_assert_int_eq(_POSIX_MEMORY_PROTECTION, 200809L);
	ck_assert_int_eq(sysconf(_SC_MEMORY_PROTECTION), _POSIX_MEMORY_PROTECTION);
	ck_assert_int_eq(_POSIX_MEMLOCK_RANGE, 200809L);
	ck_assert_int_eq(sysconf(_SC_MEMLOCK_RANGE), _POSIX_MEMLOCK_RANGE);
	ck_assert_int_eq(_POSIX_SYNCHRONIZED_IO, 200809L);
	ck_assert_int_eq(sysconf(_SC_SYNCHRONIZED_IO), _POSIX_SYNCHRONIZED_IO);
	ck_assert_int_eq(_POSIX_FSYNC, 200809L);
	ck_assert_int_eq(sysconf(_SC_FSYNC), _POSIX_FSYNC);
	ck_assert_int_eq(_POSIX_TIMEOUTS, 200809L);
	ck_assert_int_eq(sysconf(_SC_TIMEOUTS), _POSIX_TIMEOUTS);
	ck_assert_int_eq(_POSIX_MESSAGE_PASSING, 200809L);
	ck_assert_int_eq(sysconf(_SC_MESSAGE_PASSING), _POSIX_MESSAGE_PASSING);
	ck_assert_int_eq(sysconf(_SC_MQ_PRIO_MAX), MQ_PRIO_MAX);
	ck_assert_int_ge(sysconf(_SC_MQ_OPEN_MAX), 8);
	ck_assert_int_eq(sysconf(_SC_VERSION), 200809L);
#ifdef _POSIX_MEMLOCK
	ck_abort_msg("_POSIX_MEMLOCK defined but mlockall is ENOSYS");
#endif
	ck_assert_int_eq(sysconf(_SC_MEMLOCK), -1);

	/* _POSIX_SHARED_MEMORY_OBJECTS, _POSIX_MAPPED_FILES, _POSIX_MEMORY_PROTECTION,
	 * _POSIX_MEMLOCK_RANGE, _POSIX_SYNCHRONIZED_IO, _POSIX_FSYNC */
	tu_name(name, sizeof name, "feat");
	fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, page), 0);
	p = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ck_assert_ptr_ne(p, MAP_FAILED);
	((char *)p)[0] = 1;
	ck_assert_int_eq(mprotect(p, (size_t)page, PROT_READ), 0);
	ck_assert_int_eq(mlock(p, (size_t)page), 0);
	ck_assert_int_eq(munlock(p, (size_t)page), 0);
	ck_assert_int_eq(msync(p, (size_t)page, MS_SYNC), 0);
	ck_assert_int_eq(fsync(fd), 0);
	ck_assert_int_eq(fdatasync(fd), 0);
	ck_assert_int_eq(munmap(p, (size_t)page), 0);
	ck_assert_int_eq(close(fd), 0);
	ck_assert_int_eq(shm_unlink(name), 0);

	/* _POSIX_SEMAPHORES, _POSIX_TIMEOUTS */
	ck_assert_int_eq(sem_init(&sem, 0, 0), 0);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 20 * 1000 * 1000;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	errno = 0;
	ck_assert_int_eq(sem_timedwait(&sem, &ts), -1);
	ck_assert_int_eq(errno, ETIMEDOUT);
	ck_assert_int_eq(sem_destroy(&sem), 0);
}
END_TEST

/* ------------------------------------------------------------------ redirection */

/* A VFS-style table whose members have the POSIX names: no macro may rename them. */
struct file_ops {
	int (*open)(const char *, int, ...);
	int (*read)(int, void *, unsigned);
	int (*write)(int, const void *, unsigned);
	int (*close)(int);
	int (*stat)(const char *, struct stat *);
};

START_TEST(members_named_like_posix_calls_and_function_addresses_work)
{
	struct file_ops ops = { open, read, write, close, stat };
	int (*rd)(int, void *, unsigned) = &read;
	char path[MAX_PATH], fifo[MAX_PATH], buf[8];
	struct stat st;
	int fd, wfd;

	tu_path(path, sizeof path, "ops");
	fd = ops.open(path, O_CREAT | O_RDWR | O_BINARY, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ops.write(fd, "abc", 3), 3);
	ck_assert_int_eq(ops.close(fd), 0);
	ck_assert_int_eq(ops.stat(path, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_int_eq((int)st.st_size, 3);
	ck_assert_int_eq(unlink(path), 0);

	/* Through the pointers the FIFO semantics hold: they are posixipc's functions. */
	tu_path(fifo, sizeof fifo, "opsfifo");
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	ck_assert_int_eq(ops.stat(fifo, &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	fd = ops.open(fifo, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(fd, 0);
	errno = 0;
	ck_assert_int_eq(rd(fd, buf, sizeof buf), 0); /* no writer: end of file, not an error */
	wfd = ops.open(fifo, O_WRONLY | O_NONBLOCK);
	ck_assert_int_ge(wfd, 0);
	errno = 0;
	ck_assert_int_eq(rd(fd, buf, sizeof buf), -1);
	ck_assert_int_eq(errno, EAGAIN);
	ck_assert_int_eq(ops.write(wfd, "xy", 2), 2);
	ck_assert_int_eq(rd(fd, buf, sizeof buf), 2);
	ck_assert_int_eq(ops.close(wfd), 0);
	ck_assert_int_eq(ops.close(fd), 0);
	errno = 0;
	ck_assert_int_eq(lseek(-1, 0, SEEK_SET), -1);
	ck_assert_int_eq(errno, EBADF);
	ck_assert_int_eq(unlink(fifo), 0);
}
END_TEST

static int early_stat(const char *path, void *st)
{
	return stat(path, (struct stat *)st);
}

static int early_fstat(int fd, void *st)
{
	return fstat(fd, (struct stat *)st);
}

START_TEST(members_declared_before_the_headers_keep_their_names)
{
	struct early_ops ops = { early_stat, early_fstat, open, close };
	char path[MAX_PATH];
	struct stat st;
	int fd;

	tu_path(path, sizeof path, "early");
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_int_eq(ops.stat(path, &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	fd = ops.open(path, O_RDWR);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ops.fstat(fd, &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	ck_assert_int_eq(ops.close(fd), 0);
	ck_assert_int_eq(sizeof st.st_size, 8);
	unlink(path);
}
END_TEST

START_TEST(stat_evaluates_its_arguments_once)
{
	char a[2][MAX_PATH];
	const char *names[2];
	struct stat st;
	int i = 0, fd;

	tu_path(a[0], sizeof a[0], "once");
	tu_path(a[1], sizeof a[1], "once");
	fd = open(a[0], O_CREAT | O_WRONLY, 0600);
	close(fd);
	names[0] = a[0];
	names[1] = a[1];
	ck_assert_int_eq(stat(names[i++], &st), 0);
	ck_assert_int_eq(i, 1);
	ck_assert_int_eq(lstat(names[i++], &st), -1);
	ck_assert_int_eq(i, 2);
	ck_assert_int_eq(errno, ENOENT);
	unlink(a[0]);
}
END_TEST

/* The fast stat route gives exactly what the C runtime's own stat gives for ordinary paths. */
START_TEST(stat_of_ordinary_files_matches_the_c_runtime)
{
	char path[MAX_PATH], exe[MAX_PATH], dir[MAX_PATH];
	const char *paths[4];
	struct _stat64 crt;
	struct stat st;
	int i, fd;

	tu_path(path, sizeof path, "plain");
	tu_path(exe, sizeof exe, "prog");
	strcat(exe, ".exe");
	tu_path(dir, sizeof dir, "dir");
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	ck_assert_int_eq(write(fd, "0123456789", 10), 10);
	close(fd);
	close(open(exe, O_CREAT | O_WRONLY, 0600));
	ck_assert_int_eq(_mkdir(dir), 0);
	paths[0] = path;
	paths[1] = exe;
	paths[2] = dir;
	paths[3] = ".";
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(stat(paths[i], &st), 0);
		ck_assert_int_eq(probe_crt_stat64(paths[i], &crt), 0);
		ck_assert_int_eq(st.st_mode, crt.st_mode);
		ck_assert(st.st_size == crt.st_size);
		ck_assert(st.st_mtime == crt.st_mtime && st.st_ctime == crt.st_ctime);
		ck_assert_int_eq(st.st_dev, crt.st_dev);
		ck_assert_int_eq(st.st_nlink, crt.st_nlink);
	}
	_chmod(path, _S_IREAD);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0444);
	_chmod(path, _S_IREAD | _S_IWRITE);
	/* The C runtime's errors: device names and a trailing space are ENOENT. */
	errno = 0;
	ck_assert_int_eq(stat("nul", &st), -1);
	ck_assert_int_eq(errno, ENOENT);
	strcat(dir, "/ ");
	errno = 0;
	ck_assert_int_eq(stat(dir, &st), -1);
	ck_assert_int_eq(errno, ENOENT);
	dir[strlen(dir) - 2] = '\0';
	unlink(path);
	unlink(exe);
	_rmdir(dir);
}
END_TEST

/* A file with the FIFO markers' attribute that another program holds without sharing is
 * still an ordinary file to chmod; a write to a descriptor that is not open is EBADF
 * whatever Win32 error an earlier call left behind. */
START_TEST(chmod_and_write_errors_stay_the_c_runtimes)
{
	char path[MAX_PATH];
	struct stat st;
	HANDLE h;

	tu_path(path, sizeof path, "sysfile");
	close(open(path, O_CREAT | O_WRONLY, 0600));
	ck_assert(SetFileAttributesA(path, FILE_ATTRIBUTE_SYSTEM));
	h = CreateFileA(path, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
	ck_assert_ptr_ne(h, INVALID_HANDLE_VALUE);
	ck_assert_int_eq(chmod(path, 0444), 0);
	CloseHandle(h);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0200, 0);
	ck_assert(SetFileAttributesA(path, FILE_ATTRIBUTE_NORMAL));
	unlink(path);

	SetLastError(ERROR_NO_DATA);
	errno = 0;
	ck_assert_int_eq(write(77, "x", 1), -1);
	ck_assert_int_eq(errno, EBADF);
}
END_TEST

/* open() looks inside a file with the FIFO markers' attribute through the descriptor it
 * opened; one that is no marker, even one that begins like a marker, is returned as it was,
 * read from its first byte. */
START_TEST(open_of_a_system_file_that_is_no_fifo_reads_from_its_start)
{
	static const char *const texts[] = { "plain system file\n",
					     "posixipc-fifo 1\nnot a pipe name\n0600\n" };
	char path[MAX_PATH], buf[128];
	size_t i, n;
	int fd;

	tu_path(path, sizeof path, "sysread");
	for (i = 0; i < 2; i++) {
		n = strlen(texts[i]);
		fd = open(path, O_CREAT | O_TRUNC | O_WRONLY | O_BINARY, 0600);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(write(fd, texts[i], n), (ssize_t)n);
		close(fd);
		ck_assert(SetFileAttributesA(path, FILE_ATTRIBUTE_SYSTEM));
		ck_assert(!posixipc_is_fifo(path));
		fd = open(path, O_RDWR | O_BINARY);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(lseek(fd, 0, SEEK_CUR), 0);
		ck_assert_int_eq(read(fd, buf, sizeof buf), (ssize_t)n);
		ck_assert_int_eq(memcmp(buf, texts[i], n), 0);
		close(fd);
		ck_assert(SetFileAttributesA(path, FILE_ATTRIBUTE_NORMAL));
	}
	unlink(path);
}
END_TEST

/* ------------------------------------------------------------------ messages */

START_TEST(strerror_and_perror_speak_linux_for_every_library_errno)
{
	static const struct {
		int e;
		const char *text;
	} want[] = {
		{ ETIMEDOUT, "Connection timed out" },
		{ EOVERFLOW, "Value too large for defined data type" },
		{ ENOTSUP, "Operation not supported" },
		{ EISCONN, "Transport endpoint is already connected" },
		{ ENOTCONN, "Transport endpoint is not connected" },
		{ ELOOP, "Too many levels of symbolic links" },
		{ EMSGSIZE, "Message too long" },
		{ ECANCELED, "Operation canceled" },
		{ EAGAIN, "Resource temporarily unavailable" },
		{ ENOENT, "No such file or directory" },
		{ EPIPE, "Broken pipe" },
		{ ESPIPE, "Illegal seek" },
		{ ENXIO, "No such device or address" },
		{ EBUSY, "Device or resource busy" },
		{ ENOSYS, "Function not implemented" },
		{ ENAMETOOLONG, "File name too long" },
		{ EINVAL, "Invalid argument" },
	};
	char buf[64], path[MAX_PATH], got[128];
	size_t i;
	FILE *f;
	int saved, fd;

	for (i = 0; i < sizeof want / sizeof want[0]; i++) {
		ck_assert_str_eq(strerror(want[i].e), want[i].text);
		ck_assert_int_eq(strerror_r(want[i].e, buf, sizeof buf), 0);
		ck_assert_str_eq(buf, want[i].text);
		ck_assert_int_eq(strerror_s(buf, sizeof buf, want[i].e), 0);
		ck_assert_str_eq(buf, want[i].text);
	}
	ck_assert_str_eq(strerror(9999), "Unknown error 9999");
	ck_assert_int_eq(strerror_r(9999, buf, sizeof buf), EINVAL);
	ck_assert_str_eq(buf, "Unknown error 9999");
	ck_assert_int_eq(strerror_r(ETIMEDOUT, buf, 5), ERANGE);
	ck_assert_str_eq(buf, "Conn");
	/* strerror_s as the C runtime's: truncated yet 0; no buffer EINVAL, in errno too. */
	ck_assert_int_eq(strerror_s(buf, 5, ETIMEDOUT), 0);
	ck_assert_str_eq(buf, "Conn");
	errno = 0;
	ck_assert_int_eq(strerror_s(NULL, 4, ENOENT), EINVAL);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_str_eq(narrow_gnu_strerror_r(EOVERFLOW, buf, sizeof buf),
			 "Value too large for defined data type");
	ck_assert_str_eq(narrow_gnu_strerror_r(9999, buf, sizeof buf), "Unknown error 9999");

	/* perror writes "<s>: <message>" to stderr and leaves errno alone. */
	tu_path(path, sizeof path, "perror");
	fd = open(path, O_CREAT | O_RDWR | O_TRUNC | O_BINARY, 0600);
	ck_assert_int_ge(fd, 0);
	fflush(stderr);
	saved = dup(2);
	ck_assert_int_eq(dup2(fd, 2), 2);
	errno = ETIMEDOUT;
	perror("wait");
	ck_assert_int_eq(errno, ETIMEDOUT);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(fd);
	f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(got, sizeof got, f));
	fclose(f);
	ck_assert_str_eq(got, "wait: Connection timed out\n");
	unlink(path);
}
END_TEST

/* ------------------------------------------------------------------ routed calls, off_t */

START_TEST(off_t_is_64_bits_and_a_5_gib_object_maps_at_4_gib)
{
	const off_t size = (off_t)5 << 30, at = (off_t)4 << 30;
	char name[64], c;
	struct stat st;
	char *p;
	int fd;

	ck_assert_int_eq(sizeof(off_t), 8);
	tu_name(name, sizeof name, "big");
	fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, size), 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert(st.st_size == size);
	ck_assert(lseek(fd, 0, SEEK_END) == size);
	ck_assert(lseek(fd, at, SEEK_SET) == at);
	ck_assert_int_eq(write(fd, "X", 1), 1);
	p = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_SHARED, fd, at);
	ck_assert_ptr_ne(p, MAP_FAILED);
	ck_assert_int_eq(p[0], 'X'); /* offset 4 GiB, not 0 */
	ck_assert_int_eq(p[1], 0);
	p[2] = 'Y';
	ck_assert_int_eq(munmap(p, 65536), 0);
	ck_assert(lseek(fd, at + 2, SEEK_SET) == at + 2);
	ck_assert_int_eq(read(fd, &c, 1), 1);
	ck_assert_int_eq(c, 'Y');
	ck_assert_int_eq(close(fd), 0);
	ck_assert_int_eq(shm_unlink(name), 0);
}
END_TEST

/* A file built without the flag binds to the 32-bit entry points, which route the same way. */
struct preader {
	int fd, base, bad;
};

static DWORD WINAPI preader_main(LPVOID arg)
{
	struct preader *pr = arg;
	unsigned char c;
	int i;

	for (i = 0; i < 2000; i++) {
		int at = (pr->base + i * 7) % 4096;

		if (pread(pr->fd, &c, 1, at) != 1 || c != (unsigned char)(at * 13))
			pr->bad++;
	}
	return 0;
}

/* Threads taking turns at pread on one descriptor each get their own bytes, and the
 * descriptor's offset ends where it was. */
START_TEST(concurrent_preads_keep_the_descriptors_offset)
{
	enum { THREADS = 4 };
	unsigned char data[4096];
	char path[MAX_PATH];
	struct preader pr[THREADS];
	HANDLE t[THREADS];
	int fd, i;

	for (i = 0; i < 4096; i++)
		data[i] = (unsigned char)(i * 13);
	tu_path(path, sizeof path, "preadmany");
	fd = open(path, O_CREAT | O_EXCL | O_RDWR | O_BINARY, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, sizeof data), (int)sizeof data);
	ck_assert_int_eq(lseek(fd, 100, SEEK_SET), 100);
	for (i = 0; i < THREADS; i++) {
		pr[i].fd = fd;
		pr[i].base = i * 1000;
		pr[i].bad = 0;
		t[i] = CreateThread(NULL, 0, preader_main, &pr[i], 0, NULL);
		ck_assert_ptr_nonnull(t[i]);
	}
	ck_assert_int_eq(WaitForMultipleObjects(THREADS, t, TRUE, 60000), WAIT_OBJECT_0);
	for (i = 0; i < THREADS; i++) {
		CloseHandle(t[i]);
		ck_assert_int_eq(pr[i].bad, 0);
	}
	ck_assert_int_eq(lseek(fd, 0, SEEK_CUR), 100);
	close(fd);
	unlink(path);
}
END_TEST

/* ------------------------------------------------------------------ readv, writev */

/* Writes more into the pipe after a while, so a readv that wrongly waits for its later buffers
 * ends with too many bytes instead of hanging. */
static DWORD WINAPI late_writer(LPVOID arg)
{
	int fd = *(int *)arg;

	Sleep(3000);
	return write(fd, "late", 4) == 4 ? 0 : 1;
}

START_TEST(readv_writev_gather_scatter_and_check_their_vector)
{
	char path[MAX_PATH], a[3], b[16], big[8192];
	struct iovec out[3] = { { "ab", 2 }, { NULL, 0 }, { "cdef", 4 } };
	struct iovec in[2] = { { a, sizeof a }, { b, sizeof b } }, bad[2], many[IOV_MAX + 1];
	HANDLE t;
	int fd, fds[2], i;

	ck_assert_int_eq(IOV_MAX, 1024);
	ck_assert_int_eq(UIO_MAXIOV, IOV_MAX);
	ck_assert_int_eq(sysconf(_SC_IOV_MAX), IOV_MAX);
	tu_path(path, sizeof path, "iovfile");
	fd = open(path, O_CREAT | O_EXCL | O_RDWR, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(writev(fd, out, 3), 6);
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	memset(b, 0, sizeof b);
	ck_assert_int_eq(readv(fd, in, 2), 6);
	ck_assert(memcmp(a, "abc", 3) == 0 && memcmp(b, "def", 3) == 0);
	ck_assert_int_eq(readv(fd, in, 2), 0);
	ck_assert_int_eq(writev(fd, out, 0), 0);
	ck_assert_int_eq(readv(fd, in, 0), 0);

	/* A file reads the whole vector, past 64 KiB too. */
	memset(big, 'x', sizeof big);
	for (i = 0; i < 10; i++) {
		many[i].iov_base = big;
		many[i].iov_len = sizeof big;
	}
	ck_assert_int_eq(writev(fd, many, 10), 10 * (int)sizeof big);
	ck_assert_int_eq(lseek(fd, 6, SEEK_SET), 6);
	ck_assert_int_eq(readv(fd, many, 10), 10 * (int)sizeof big);

	/* preadv and pwritev leave the descriptor's offset where it was. */
	ck_assert_int_eq(lseek(fd, 1, SEEK_SET), 1);
	ck_assert_int_eq(pwritev(fd, out, 3, 2), 6);
	memset(b, 0, sizeof b);
	ck_assert_int_eq(preadv(fd, in, 2, 0), (int)(sizeof a + sizeof b));
	ck_assert(memcmp(a, "aba", 3) == 0 && memcmp(b, "bcdefx", 6) == 0);
	ck_assert_int_eq(lseek(fd, 0, SEEK_CUR), 1);
	errno = 0;
	ck_assert_int_eq(preadv(fd, in, 2, -1), -1);
	ck_assert_int_eq(errno, EINVAL);

	/* The vector's errors are Linux's. */
	errno = 0;
	ck_assert_int_eq(writev(fd, out, -1), -1);
	ck_assert_int_eq(errno, EINVAL);
	for (i = 0; i <= IOV_MAX; i++) {
		many[i].iov_base = big;
		many[i].iov_len = 1;
	}
	errno = 0;
	ck_assert_int_eq(readv(fd, many, IOV_MAX + 1), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	ck_assert_int_eq(readv(fd, many, IOV_MAX), IOV_MAX);
	bad[0].iov_base = bad[1].iov_base = big;
	bad[0].iov_len = bad[1].iov_len = (size_t)SSIZE_MAX / 2 + 1;
	errno = 0;
	ck_assert_int_eq(writev(fd, bad, 2), -1);
	ck_assert_int_eq(errno, EINVAL);
	bad[1].iov_base = NULL;
	bad[0].iov_len = bad[1].iov_len = 1;
	errno = 0;
	ck_assert_int_eq(writev(fd, bad, 2), -1);
	ck_assert_int_eq(errno, EFAULT);
	close(fd);
	errno = 0;
	ck_assert_int_eq(writev(fd, out, 3), -1);
	ck_assert_int_eq(errno, EBADF);
	errno = 0;
	ck_assert_int_eq(readv(fd, in, -1), -1);
	ck_assert_int_eq(errno, EBADF);
	unlink(path);

	/* On a pipe, readv is one read: what is there, without waiting for the later buffers. */
	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(writev(fds[1], out, 3), 6);
	memset(b, 0, sizeof b);
	ck_assert_int_eq(readv(fds[0], in, 2), 6);
	ck_assert(memcmp(a, "abc", 3) == 0 && memcmp(b, "def", 3) == 0);
	/* Exactly the first buffer's worth is there. */
	ck_assert_int_eq(write(fds[1], "xyz", 3), 3);
	t = CreateThread(NULL, 0, late_writer, &fds[1], 0, NULL);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(readv(fds[0], in, 2), 3);
	ck_assert(memcmp(a, "xyz", 3) == 0);
	errno = 0;
	ck_assert_int_eq(pwritev(fds[1], out, 3, 0), -1);
	ck_assert_int_eq(errno, ESPIPE);
	ck_assert_int_eq(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
	CloseHandle(t);
	ck_assert_int_eq(readv(fds[0], in, 2), 4);
	close(fds[1]);
	ck_assert_int_eq(readv(fds[0], in, 2), 0);
	close(fds[0]);
}
END_TEST

START_TEST(files_built_without_the_flag_use_32_bit_entry_points)
{
	char name[64], path[MAX_PATH];

	tu_name(name, sizeof name, "narrow");
	tu_path(path, sizeof path, "narrowfifo");
	ck_assert_int_eq(narrow_off_t_size(), 4);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_int_eq(narrow_check(path, name), 0);
	unlink(path);
}
END_TEST

/* truncate by path: 64-bit lengths on files, and Linux's errors; a FIFO is refused (EINVAL)
 * and stays a FIFO, where the C library's truncate would cut its marker file. */
START_TEST(truncate_sizes_files_and_refuses_fifos_and_folders)
{
	char path[MAX_PATH], dir[MAX_PATH], missing[MAX_PATH + 8];
	struct stat st;
	int fd;

	tu_path(path, sizeof path, "truncfile");
	fd = open(path, O_CREAT | O_EXCL | O_RDWR, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "abcdef", 6), 6);
	close(fd);
	ck_assert_int_eq(truncate(path, 3), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_size, 3);
	ck_assert_int_eq(truncate(path, (off_t)5 << 30), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(st.st_size == (off_t)5 << 30);
	ck_assert_int_eq(truncate(path, 0), 0);
	errno = 0;
	ck_assert_int_eq(truncate(path, -1), -1);
	ck_assert_int_eq(errno, EINVAL);
	unlink(path);
	snprintf(missing, sizeof missing, "%s.none", path);
	errno = 0;
	ck_assert_int_eq(truncate(missing, 0), -1);
	ck_assert_int_eq(errno, ENOENT);
	tu_path(dir, sizeof dir, "truncdir");
	ck_assert_int_eq(mkdir(dir), 0);
	errno = 0;
	ck_assert_int_eq(truncate(dir, 0), -1);
	ck_assert_int_eq(errno, EISDIR);
	rmdir(dir);

	tu_new_fifo(path, sizeof path);
	errno = 0;
	ck_assert_int_eq(truncate(path, 0), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	fd = open(path, O_RDWR);
	ck_assert_int_ge(fd, 0);
	close(fd);
	unlink(path);
}
END_TEST

/* pread and pwrite use the offset given and leave the descriptor's own offset where it was,
 * also past the end and beyond 4 GiB; what they cannot serve fails as on Linux. */
START_TEST(pread_pwrite_use_their_offset_and_leave_the_descriptors)
{
	char path[MAX_PATH], buf[32], name[64];
	int fd, ro, fds[2];
	char *p;

	tu_path(path, sizeof path, "preadfile");
	fd = open(path, O_CREAT | O_EXCL | O_RDWR, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "0123456789", 10), 10);
	ck_assert_int_eq(pread(fd, buf, 4, 2), 4);
	ck_assert(memcmp(buf, "2345", 4) == 0);
	ck_assert_int_eq(lseek(fd, 0, SEEK_CUR), 10);
	ck_assert_int_eq(pread(fd, buf, sizeof buf, 8), 2);
	ck_assert(memcmp(buf, "89", 2) == 0);
	ck_assert_int_eq(pread(fd, buf, sizeof buf, 10), 0);
	ck_assert_int_eq(pread(fd, buf, sizeof buf, (off_t)1 << 33), 0);
	ck_assert_int_eq(pwrite(fd, "AB", 2, 3), 2);
	ck_assert_int_eq(lseek(fd, 0, SEEK_CUR), 10);
	ck_assert_int_eq(pread(fd, buf, 10, 0), 10);
	ck_assert(memcmp(buf, "012AB56789", 10) == 0);
	/* A read that met the end, then a pwrite past it: the next read sees the new bytes. */
	ck_assert_int_eq(read(fd, buf, sizeof buf), 0);
	ck_assert_int_eq(pwrite(fd, "xy", 2, 12), 2);
	ck_assert_int_eq(lseek(fd, 0, SEEK_CUR), 10);
	ck_assert_int_eq(read(fd, buf, sizeof buf), 4);
	ck_assert(memcmp(buf, "\0\0xy", 4) == 0);
	ck_assert_int_eq(pread(fd, buf, 0, 0), 0);
	errno = 0;
	ck_assert_int_eq(pread(fd, buf, 1, -1), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(pwrite(fd, "z", 1, -1), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(pread(fd, NULL, 1, 0), -1);
	ck_assert_int_eq(errno, EFAULT);
	close(fd);
	errno = 0;
	ck_assert_int_eq(pread(fd, buf, 1, 0), -1);
	ck_assert_int_eq(errno, EBADF);
	ro = open(path, O_RDONLY);
	ck_assert_int_ge(ro, 0);
	errno = 0;
	ck_assert_int_eq(pwrite(ro, "z", 1, 0), -1);
	ck_assert_int_eq(errno, EBADF);
	close(ro);
	fd = open(path, O_WRONLY);
	ck_assert_int_ge(fd, 0);
	errno = 0;
	ck_assert_int_eq(pread(fd, buf, 1, 0), -1);
	ck_assert_int_eq(errno, EBADF);
	close(fd);
	unlink(path);

	ck_assert_int_eq(pipe(fds), 0);
	errno = 0;
	ck_assert_int_eq(pwrite(fds[1], "z", 1, 0), -1);
	ck_assert_int_eq(errno, ESPIPE);
	errno = 0;
	ck_assert_int_eq(pread(fds[0], buf, 1, 0), -1);
	ck_assert_int_eq(errno, ESPIPE);
	close(fds[0]);
	close(fds[1]);
	tu_new_fifo(path, sizeof path);
	fd = open(path, O_RDWR);
	ck_assert_int_ge(fd, 0);
	errno = 0;
	ck_assert_int_eq(pwrite(fd, "z", 1, 0), -1);
	ck_assert_int_eq(errno, ESPIPE);
	close(fd);
	unlink(path);

	/* A shared memory object: pwrite's bytes are what a mapping of it shows. */
	tu_name(name, sizeof name, "pread");
	fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, 4096), 0);
	ck_assert_int_eq(pwrite(fd, "shm", 3, 100), 3);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ck_assert_ptr_ne(p, MAP_FAILED);
	ck_assert(memcmp(p + 100, "shm", 3) == 0);
	memcpy(p + 200, "map", 3);
	ck_assert_int_eq(pread(fd, buf, 3, 200), 3);
	ck_assert(memcmp(buf, "map", 3) == 0);
	munmap(p, 4096);
	close(fd);
	shm_unlink(name);
}
END_TEST

START_TEST(ftruncate_lseek_fsync_follow_linux_on_shm_fifo_and_pipe)
{
	char name[64], path[MAX_PATH];
	int fd, ro, fds[2], r, w;
	void *p;

	tu_name(name, sizeof name, "route");
	fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, 8192), 0);
	errno = 0;
	ck_assert_int_eq(ftruncate(fd, -1), -1);
	ck_assert_int_eq(errno, EINVAL);
	ro = shm_open(name, O_RDONLY, 0);
	ck_assert_int_ge(ro, 0);
	errno = 0;
	ck_assert_int_eq(ftruncate(ro, 4096), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(fsync(ro), 0);
	close(ro);
	p = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0);
	ck_assert_ptr_ne(p, MAP_FAILED);
	errno = 0;
	ck_assert_int_eq(ftruncate(fd, 4096), -1);
	ck_assert_int_eq(errno, EBUSY);
	ck_assert_int_eq(ftruncate(fd, 16384), 0); /* growing is fine */
	ck_assert_int_eq(munmap(p, 8192), 0);
	ck_assert_int_eq(ftruncate(fd, 4096), 0);
	close(fd);
	ck_assert_int_eq(shm_unlink(name), 0);

	tu_path(path, sizeof path, "routefifo");
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	r = open(path, O_RDONLY | O_NONBLOCK);
	w = open(path, O_WRONLY | O_NONBLOCK);
	ck_assert_int_ge(r, 0);
	ck_assert_int_ge(w, 0);
	errno = 0;
	ck_assert_int_eq(lseek(r, 0, SEEK_CUR), -1);
	ck_assert_int_eq(errno, ESPIPE);
	errno = 0;
	ck_assert_int_eq(ftruncate(w, 0), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(fsync(w), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(fdatasync(r), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(fpathconf(r, _PC_PIPE_BUF), PIPE_BUF);
	ck_assert_int_eq(pathconf(path, _PC_PIPE_BUF), PIPE_BUF);
	ck_assert_int_eq(pathconf(path, _PC_NAME_MAX), NAME_MAX);
	ck_assert_int_eq(pathconf(path, _PC_PATH_MAX), PATH_MAX);
	close(w);
	close(r);
	unlink(path);
	errno = 0;
	ck_assert_int_eq(pathconf(path, _PC_PIPE_BUF), -1);
	ck_assert_int_eq(errno, ENOENT);
	errno = 0;
	ck_assert_int_eq(fpathconf(-1, _PC_PIPE_BUF), -1);
	ck_assert_int_eq(errno, EBADF);
	errno = 0;
	ck_assert_int_eq(fpathconf(0, 12345), -1);
	ck_assert_int_eq(errno, EINVAL);

	ck_assert_int_eq(_pipe(fds, 256, O_BINARY), 0);
	errno = 0;
	ck_assert_int_eq(lseek(fds[0], 0, SEEK_SET), -1);
	ck_assert_int_eq(errno, ESPIPE);
	errno = 0;
	ck_assert_int_eq(fsync(fds[1]), -1);
	ck_assert_int_eq(errno, EINVAL);
	close(fds[0]);
	close(fds[1]);
}
END_TEST

START_TEST(fstat_and_stat_report_the_creation_mode_less_umask)
{
	static const mode_t modes[] = { 0600, 0640, 0660, 0644, 0666, 0400 };
	char name[64], path[MAX_PATH];
	struct stat st;
	size_t i;
	int fd, old = _umask(022);

	for (i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		mode_t want = modes[i] & ~(mode_t)022;

		tu_name(name, sizeof name, "mode");
		fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, modes[i]);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(fstat(fd, &st), 0);
		ck_assert(S_ISREG(st.st_mode));
		/* Wine keeps no security descriptor on files (it makes one up from the Unix
		 * permissions), so there the C runtime's mode is all there is; Windows keeps the
		 * DACL the mode became. */
		if (!tu_under_wine())
			ck_assert_msg((st.st_mode & 0777) == want, "shm %o: fstat says %o",
				      modes[i], st.st_mode & 0777);
		close(fd);
		shm_unlink(name);

		tu_path(path, sizeof path, "modefifo");
		ck_assert_int_eq(mkfifo(path, modes[i] | 0200), 0);
		want = (modes[i] | 0200) & ~(mode_t)022;
		ck_assert_int_eq(stat(path, &st), 0);
		ck_assert(S_ISFIFO(st.st_mode));
		ck_assert_int_eq(st.st_size, 0);
		ck_assert_int_eq(st.st_mode & 0777, want);
		fd = open(path, O_RDWR);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(fstat(fd, &st), 0);
		ck_assert(S_ISFIFO(st.st_mode));
		ck_assert_msg((st.st_mode & 0777) == want, "fifo %o: fstat says %o", want,
			      st.st_mode & 0777);
		close(fd);
		unlink(path);
	}
	_umask(old);
}
END_TEST

/* ------------------------------------------------------------------ FIFO recognition */

/* Only the marker's attribute makes a file a FIFO: a regular file holding a marker's very
 * bytes stays a regular file, and opening a FIFO with O_TRUNC keeps it a FIFO. */
START_TEST(fifo_recognition_needs_the_marker_attribute_not_file_contents)
{
	char fifo[MAX_PATH], copy[MAX_PATH], text[256], buf[256];
	struct stat st;
	FILE *f;
	size_t n;
	int fd, w;

	tu_path(fifo, sizeof fifo, "recog");
	tu_path(copy, sizeof copy, "recogcopy");
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	ck_assert_int_eq(posixipc_fifo_pipe_name(fifo, text, sizeof text), 0);
	/* Copy the marker's bytes into an ordinary file with the C runtime's own calls. */
	fd = _open(fifo, _O_RDONLY | _O_BINARY);
	ck_assert_int_ge(fd, 0);
	n = (size_t)_read(fd, text, sizeof text);
	_close(fd);
	ck_assert_int_gt(n, 0);
	fd = _open(copy, _O_CREAT | _O_WRONLY | _O_BINARY, 0600);
	ck_assert_int_eq(_write(fd, text, (unsigned)n), (int)n);
	_close(fd);
	ck_assert_int_eq(stat(copy, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_int_eq(posixipc_is_fifo(copy), 0);
	fd = open(copy, O_RDONLY | O_BINARY);
	ck_assert_int_eq(read(fd, buf, sizeof buf), (int)n);
	close(fd);
	f = fopen(copy, "rb");
	ck_assert_uint_eq(fread(buf, 1, sizeof buf, f), n);
	fclose(f);
	unlink(copy);

	/* O_TRUNC on a FIFO means nothing (Linux ignores it): the FIFO stays. */
	fd = open(fifo, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(fd, 0);
	w = open(fifo, O_WRONLY | O_TRUNC | O_NONBLOCK);
	ck_assert_int_ge(w, 0);
	ck_assert_int_eq(write(w, "t", 1), 1);
	ck_assert_int_eq(read(fd, buf, 1), 1);
	close(w);
	close(fd);
	ck_assert_int_eq(stat(fifo, &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	ck_assert_int_eq(unlink(fifo), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("headers");

	TU_ADD(s, limits_are_the_c_librarys_plus_posix_ones);
	TU_ADD(s, feature_macros_match_sysconf_and_the_library);
	TU_ADD(s, members_named_like_posix_calls_and_function_addresses_work);
	TU_ADD(s, members_declared_before_the_headers_keep_their_names);
	TU_ADD(s, stat_evaluates_its_arguments_once);
	TU_ADD(s, stat_of_ordinary_files_matches_the_c_runtime);
	TU_ADD(s, chmod_and_write_errors_stay_the_c_runtimes);
	TU_ADD(s, open_of_a_system_file_that_is_no_fifo_reads_from_its_start);
	TU_ADD(s, strerror_and_perror_speak_linux_for_every_library_errno);
	TU_ADD(s, off_t_is_64_bits_and_a_5_gib_object_maps_at_4_gib);
	TU_ADD(s, ftruncate_lseek_fsync_follow_linux_on_shm_fifo_and_pipe);
	TU_ADD(s, truncate_sizes_files_and_refuses_fifos_and_folders);
	TU_ADD(s, pread_pwrite_use_their_offset_and_leave_the_descriptors);
	TU_ADD(s, concurrent_preads_keep_the_descriptors_offset);
	TU_ADD(s, readv_writev_gather_scatter_and_check_their_vector);
	TU_ADD(s, files_built_without_the_flag_use_32_bit_entry_points);
	TU_ADD(s, fstat_and_stat_report_the_creation_mode_less_umask);
	TU_ADD(s, fifo_recognition_needs_the_marker_attribute_not_file_contents);
	return tu_run(s);
}
