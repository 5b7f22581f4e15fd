/* The compat headers as a ported program meets them: limits, feature macros and sysconf,
 * redirection without macros, messages, 64-bit offsets and the routed descriptor calls. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <direct.h>
#include <io.h>

#include "testutil.h"
#include "limits_probe.h"

#define ADD(s, t)                                  \
	do {                                       \
		TCase *tc_ = tcase_create(#t);     \
		tcase_add_test(tc_, t);            \
		suite_add_tcase((s), tc_);         \
	} while (0)

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
	unlink(path);
	unlink(exe);
	_rmdir(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("headers");

	ADD(s, limits_are_the_c_librarys_plus_posix_ones);
	ADD(s, feature_macros_match_sysconf_and_the_library);
	ADD(s, members_named_like_posix_calls_and_function_addresses_work);
	ADD(s, stat_evaluates_its_arguments_once);
	ADD(s, stat_of_ordinary_files_matches_the_c_runtime);
	return tu_run(s);
}
