/* Bad input to every public function: each call fails with the errno POSIX and Linux give,
 * changes nothing else, and never crashes. */
#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <limits.h>
#include <mqueue.h>
#include <posixipc.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

#define PAGE 4096

/* Expect a call returning -1 (or the failure value) with errno in {e1, e2}. */
#define EXPECT_FAIL(call, fail, e1, e2)                                                   \
	do {                                                                              \
		errno = 0;                                                                \
		ck_assert_msg((call) == (fail), #call " did not fail");                   \
		ck_assert_msg(errno == (e1) || errno == (e2), #call " set errno %d (%s)", \
			      errno, strerror(errno));                                    \
	} while (0)

static char objects[MAX_PATH];

static void setup(void)
{
	tu_objects_private(objects, sizeof objects);
}

static void teardown(void)
{
	tu_objects_restore();
}

static const char *bad_names[] = { "", "/", "/a/b", "a/b/", "/." , "/.." };

START_TEST(shm_open_rejects_bad_names_and_creates_nothing)
{
	char longname[NAME_MAX + 3];
	size_t i;

	for (i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++)
		EXPECT_FAIL(shm_open(bad_names[i], O_RDWR | O_CREAT, 0600), -1, EINVAL, EINVAL);
	EXPECT_FAIL(shm_open(NULL, O_RDWR | O_CREAT, 0600), -1, EINVAL, EFAULT);
	memset(longname, 'n', sizeof longname);
	longname[0] = '/';
	longname[NAME_MAX + 2] = '\0';
	EXPECT_FAIL(shm_open(longname, O_RDWR | O_CREAT, 0600), -1, ENAMETOOLONG, ENAMETOOLONG);
	ck_assert_int_eq(tu_files_in(objects, "shm"), 0);
}
END_TEST

START_TEST(shm_open_rejects_bad_flags)
{
	char name[64];

	tu_name(name, sizeof name, "badflags");
	EXPECT_FAIL(shm_open(name, O_WRONLY | O_CREAT, 0600), -1, EINVAL, EINVAL);
	EXPECT_FAIL(shm_open(name, O_RDWR | O_CREAT | O_APPEND, 0600), -1, EINVAL, EINVAL);
	EXPECT_FAIL(shm_open(name, O_RDWR, 0600), -1, ENOENT, ENOENT);
	ck_assert_int_eq(tu_files_in(objects, "shm"), 0);
}
END_TEST

START_TEST(shm_names_with_win32_specials_stay_inside_the_folder)
{
	static const char *names[] = { "/a\\b", "/c:d", "/..x", "/con", "/ctl\x01", "/Global\\x" };
	size_t i;
	int fd;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		fd = shm_open(names[i], O_RDWR | O_CREAT | O_EXCL, 0600);
		ck_assert_msg(fd >= 0, "shm_open(\"%s\") failed: %s", names[i], strerror(errno));
		close(fd);
		ck_assert_int_eq(tu_files_in(objects, "shm"), 1);
		ck_assert_int_eq(shm_unlink(names[i]), 0);
		ck_assert_int_eq(tu_files_in(objects, "shm"), 0);
	}
}
END_TEST

START_TEST(shm_unlink_twice_is_enoent)
{
	char name[64];
	int fd;

	tu_name(name, sizeof name, "twice");
	EXPECT_FAIL(shm_unlink(name), -1, ENOENT, ENOENT);
	fd = shm_open(name, O_RDWR | O_CREAT, 0600);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(shm_unlink(name), 0);
	EXPECT_FAIL(shm_unlink(name), -1, ENOENT, ENOENT);
	EXPECT_FAIL(shm_unlink(NULL), -1, EINVAL, EFAULT);
	EXPECT_FAIL(shm_unlink("/a/b"), -1, ENOENT, ENOENT);
}
END_TEST

START_TEST(sem_open_rejects_bad_input)
{
	char name[64];
	size_t i;

	tu_name(name, sizeof name, "badsem");
	for (i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++)
		EXPECT_FAIL(sem_open(bad_names[i], O_CREAT, 0600, 1), SEM_FAILED, EINVAL, EINVAL);
	EXPECT_FAIL(sem_open(NULL, O_CREAT, 0600, 1), SEM_FAILED, EINVAL, EFAULT);
	EXPECT_FAIL(sem_open(name, O_CREAT, 0600, (unsigned)SEM_VALUE_MAX + 1u), SEM_FAILED,
		    EINVAL, EINVAL);
	EXPECT_FAIL(sem_open(name, 0), SEM_FAILED, ENOENT, ENOENT);
	EXPECT_FAIL(sem_unlink(name), -1, ENOENT, ENOENT);
	EXPECT_FAIL(sem_unlink(NULL), -1, EINVAL, EFAULT);
	ck_assert_int_eq(tu_files_in(objects, "sem"), 0);
}
END_TEST

START_TEST(sem_calls_reject_null_and_uninitialised)
{
	sem_t zero;
	struct timespec ts = { 0, 0 };
	int v;

	memset(&zero, 0, sizeof zero);
	EXPECT_FAIL(sem_post(NULL), -1, EINVAL, EINVAL);
	EXPECT_FAIL(sem_wait(NULL), -1, EINVAL, EINVAL);
	EXPECT_FAIL(sem_trywait(NULL), -1, EINVAL, EINVAL);
	EXPECT_FAIL(sem_timedwait(NULL, &ts), -1, EINVAL, EINVAL);
	EXPECT_FAIL(sem_getvalue(NULL, &v), -1, EINVAL, EINVAL);
	EXPECT_FAIL(sem_close(NULL), -1, EINVAL, EINVAL);
	EXPECT_FAIL(sem_destroy(NULL), -1, EINVAL, EINVAL);
	EXPECT_FAIL(sem_init(NULL, 0, 1), -1, EINVAL, EINVAL);
	EXPECT_FAIL(sem_post(&zero), -1, EINVAL, EINVAL);
	EXPECT_FAIL(sem_trywait(&zero), -1, EINVAL, EINVAL);
	EXPECT_FAIL(sem_destroy(&zero), -1, EINVAL, EINVAL);
	EXPECT_FAIL(sem_getvalue(&zero, &v), -1, EINVAL, EINVAL);
	EXPECT_FAIL(sem_init(&zero, 0, (unsigned)SEM_VALUE_MAX + 1u), -1, EINVAL, EINVAL);
}
END_TEST

START_TEST(sem_timedwait_bad_nsec_only_when_it_would_block)
{
	sem_t s;
	struct timespec bad = { 0, 1000000000 }, neg = { 0, -1 };

	ck_assert_int_eq(sem_init(&s, 0, 1), 0);
	/* Free: POSIX lets the call succeed without looking at the timeout. */
	ck_assert_int_eq(sem_timedwait(&s, &bad), 0);
	EXPECT_FAIL(sem_timedwait(&s, &bad), -1, EINVAL, EINVAL);
	EXPECT_FAIL(sem_timedwait(&s, &neg), -1, EINVAL, EINVAL);
	EXPECT_FAIL(sem_clockwait(&s, 12345, &bad), -1, EINVAL, EINVAL);
	ck_assert_int_eq(sem_destroy(&s), 0);
}
END_TEST

START_TEST(sem_destroyed_is_rejected)
{
	sem_t s;

	ck_assert_int_eq(sem_init(&s, 0, 0), 0);
	ck_assert_int_eq(sem_destroy(&s), 0);
	EXPECT_FAIL(sem_post(&s), -1, EINVAL, EINVAL);
	EXPECT_FAIL(sem_destroy(&s), -1, EINVAL, EINVAL);
}
END_TEST

START_TEST(mmap_rejects_bad_arguments)
{
	char path[MAX_PATH];
	void *p;
	int fd;

	tu_path(path, sizeof path, "mmapbad");
	fd = _open(path, _O_CREAT | _O_RDWR | _O_BINARY, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(_chsize(fd, PAGE * 2), 0);
	EXPECT_FAIL(mmap(NULL, 0, PROT_READ, MAP_SHARED, fd, 0), MAP_FAILED, EINVAL, EINVAL);
	EXPECT_FAIL(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 100), MAP_FAILED, EINVAL, EINVAL);
	EXPECT_FAIL(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, -PAGE), MAP_FAILED, EINVAL,
		    EOVERFLOW);
	EXPECT_FAIL(mmap(NULL, PAGE, PROT_READ, 0, fd, 0), MAP_FAILED, EINVAL, EINVAL);
	/* MAP_SHARED|MAP_PRIVATE is MAP_SHARED_VALIDATE on Linux: unknown flags are refused. */
	EXPECT_FAIL(mmap(NULL, PAGE, PROT_READ, MAP_SHARED_VALIDATE | 0x40000000, fd, 0),
		    MAP_FAILED, EOPNOTSUPP, EINVAL);
	EXPECT_FAIL(mmap((void *)0x10001000 + 1, PAGE, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0),
		    MAP_FAILED, EINVAL, EINVAL);
	/* Nothing can be placed at address 0 (Linux: EPERM below mmap_min_addr). */
	errno = 0;
	ck_assert_msg(mmap(NULL, PAGE, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0) == MAP_FAILED,
		      "MAP_FIXED at address 0 returned another address");
	ck_assert(errno == EPERM || errno == EINVAL || errno == ENOMEM);
	EXPECT_FAIL(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, 9999, 0), MAP_FAILED, EBADF, EBADF);
	EXPECT_FAIL(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, -1, 0), MAP_FAILED, EBADF, EBADF);
	EXPECT_FAIL(mmap(NULL, SIZE_MAX, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
		    MAP_FAILED, ENOMEM, EINVAL);
	/* Linux's mmap ignores PROT_ bits it does not know; its mprotect refuses them, but
	 * takes PROT_SEM (0x8) and looks at no bits of an empty range. */
	p = mmap(NULL, PAGE, PROT_READ | 0x80, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(p, MAP_FAILED);
	EXPECT_FAIL(mprotect(p, PAGE, PROT_READ | 0x80), -1, EINVAL, EINVAL);
	ck_assert_int_eq(mprotect(p, PAGE, PROT_READ | 0x8), 0);
	ck_assert_int_eq(mprotect(p, 0, 0xff), 0);
	ck_assert_int_eq(munmap(p, PAGE), 0);
	/* Order: a file mapping's descriptor before the length and flags; MAP_SHARED_VALIDATE
	 * is for files only. */
	EXPECT_FAIL(mmap(NULL, 0, PROT_READ, MAP_SHARED, -1, 0), MAP_FAILED, EBADF, EBADF);
	EXPECT_FAIL(mmap(NULL, PAGE, PROT_READ, 0, -1, 0), MAP_FAILED, EBADF, EBADF);
	EXPECT_FAIL(mmap(NULL, PAGE, PROT_READ, MAP_SHARED_VALIDATE | MAP_ANONYMOUS, -1, 0),
		    MAP_FAILED, EINVAL, EINVAL);
#if UINTPTR_MAX > 0xffffffffu
	EXPECT_FAIL(munmap((void *)(uintptr_t)0xffff800000000000ull, PAGE), -1, EINVAL, EINVAL);
#endif
	/* munlock of memory nobody mapped is ENOMEM; posix_madvise's DONTNEED is ignored before
	 * any check, as glibc does. */
	p = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(p, MAP_FAILED);
	ck_assert_int_eq(munmap(p, PAGE), 0);
	EXPECT_FAIL(munlock(p, PAGE), -1, ENOMEM, ENOMEM);
	ck_assert_int_eq(posix_madvise((char *)p + 1, PAGE, POSIX_MADV_DONTNEED), 0);
	ck_assert_int_eq(posix_madvise(p, PAGE, POSIX_MADV_WILLNEED), ENOMEM);
	close(fd);
	EXPECT_FAIL(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0), MAP_FAILED, EBADF, EBADF);
	_unlink(path);
}
END_TEST

START_TEST(mmap_of_a_fifo_is_enodev)
{
	char path[MAX_PATH];
	int fd;

	tu_path(path, sizeof path, "mmapfifo");
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	fd = open(path, O_RDWR);
	ck_assert_int_ge(fd, 0);
	EXPECT_FAIL(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0), MAP_FAILED, ENODEV, EACCES);
	close(fd);
	ck_assert_int_eq(unlink(path), 0);
}
END_TEST

START_TEST(munmap_mprotect_msync_reject_bad_ranges)
{
	char *p = mmap(NULL, PAGE * 4, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ck_assert(p != MAP_FAILED);
	EXPECT_FAIL(munmap(p + 1, PAGE), -1, EINVAL, EINVAL);
	EXPECT_FAIL(munmap(p, 0), -1, EINVAL, EINVAL);
	EXPECT_FAIL(mprotect(p + 1, PAGE, PROT_READ), -1, EINVAL, EINVAL);
	EXPECT_FAIL(mprotect(p, PAGE, 0x80), -1, EINVAL, EINVAL);
	EXPECT_FAIL(msync(p + 1, PAGE, MS_SYNC), -1, EINVAL, EINVAL);
	EXPECT_FAIL(msync(p, PAGE, MS_SYNC | MS_ASYNC), -1, EINVAL, EINVAL);
	EXPECT_FAIL(msync(p, PAGE, 0x40), -1, EINVAL, EINVAL);
	EXPECT_FAIL(madvise(p + 1, PAGE, MADV_NORMAL), -1, EINVAL, EINVAL);
	EXPECT_FAIL(madvise(p, PAGE, 12345), -1, EINVAL, EINVAL);
	ck_assert_int_eq(munmap(p, PAGE * 4), 0);
	EXPECT_FAIL(mprotect(p, PAGE, PROT_READ), -1, ENOMEM, ENOMEM);
	EXPECT_FAIL(msync(p, PAGE, MS_SYNC), -1, ENOMEM, ENOMEM);
	/* Linux: unmapping what is not mapped is not an error. */
	ck_assert_int_eq(munmap(p, PAGE * 4), 0);
}
END_TEST

START_TEST(mkfifo_rejects_bad_paths)
{
	char path[MAX_PATH], missing[MAX_PATH + 16];

	tu_path(path, sizeof path, "fifobad");
	snprintf(missing, sizeof missing, "%s\\no\\such", path);
	EXPECT_FAIL(mkfifo(NULL, 0600), -1, EFAULT, EINVAL);
	EXPECT_FAIL(mkfifo("", 0600), -1, ENOENT, ENOENT);
	EXPECT_FAIL(mkfifo(missing, 0600), -1, ENOENT, ENOENT);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	EXPECT_FAIL(mkfifo(path, 0600), -1, EEXIST, EEXIST);
	EXPECT_FAIL(open(path, O_WRONLY | O_NONBLOCK), -1, ENXIO, ENXIO);
	ck_assert_int_eq(unlink(path), 0);
}
END_TEST

START_TEST(descriptor_calls_reject_closed_descriptors)
{
	char path[MAX_PATH], c = 0;
	int fd;

	tu_path(path, sizeof path, "closed");
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	fd = open(path, O_RDWR);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(close(fd), 0);
	EXPECT_FAIL(close(fd), -1, EBADF, EBADF);
	EXPECT_FAIL(read(fd, &c, 1), -1, EBADF, EBADF);
	EXPECT_FAIL(write(fd, &c, 1), -1, EBADF, EBADF);
	EXPECT_FAIL(fcntl(fd, F_GETFL), -1, EBADF, EBADF);
	EXPECT_FAIL(fcntl(0, 99999), -1, EINVAL, EINVAL);
	EXPECT_FAIL(dup(fd), -1, EBADF, EBADF);
	ck_assert_int_eq(unlink(path), 0);
}
END_TEST

START_TEST(mq_open_rejects_bad_input_and_creates_nothing)
{
	struct mq_attr attr = { 0 };
	char longname[NAME_MAX + 3];
	size_t i;

	/* Linux's errors for names: EINVAL without the leading '/' (glibc), ENOENT for "/"
	 * alone and EACCES for the rest (its queue file system). */
	static const int mq_errno[] = { EINVAL, ENOENT, EACCES, EINVAL, EACCES, EACCES };

	for (i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++)
		EXPECT_FAIL(mq_open(bad_names[i], O_RDWR | O_CREAT, 0600, NULL), -1, mq_errno[i],
			    mq_errno[i]);
	EXPECT_FAIL(mq_open(NULL, O_RDWR | O_CREAT, 0600, NULL), -1, EINVAL, EFAULT);
	memset(longname, 'n', sizeof longname);
	longname[0] = '/';
	longname[NAME_MAX + 2] = '\0';
	EXPECT_FAIL(mq_open(longname, O_RDWR | O_CREAT, 0600, NULL), -1, ENAMETOOLONG,
		    ENAMETOOLONG);
	EXPECT_FAIL(mq_open("/q", O_RDWR | O_WRONLY | O_CREAT, 0600, NULL), -1, EINVAL, EINVAL);
	attr.mq_maxmsg = -1;
	attr.mq_msgsize = 8;
	EXPECT_FAIL(mq_open("/q", O_RDWR | O_CREAT, 0600, &attr), -1, EINVAL, EINVAL);
	attr.mq_maxmsg = LONG_MAX;
	EXPECT_FAIL(mq_open("/q", O_RDWR | O_CREAT, 0600, &attr), -1, EINVAL, EINVAL);
	attr.mq_maxmsg = 1;
	attr.mq_msgsize = LONG_MAX;
	EXPECT_FAIL(mq_open("/q", O_RDWR | O_CREAT, 0600, &attr), -1, EINVAL, EINVAL);
	EXPECT_FAIL(mq_open("/q", O_RDWR), -1, ENOENT, ENOENT);
	EXPECT_FAIL(mq_unlink("/q"), -1, ENOENT, ENOENT);
	EXPECT_FAIL(mq_unlink(NULL), -1, EINVAL, EFAULT);
	ck_assert_int_eq(tu_files_in(objects, "mq"), 0);
}
END_TEST

START_TEST(mq_calls_reject_bad_descriptors_and_buffers)
{
	struct mq_attr attr = { 0 };
	struct sigevent sev;
	struct timespec ts = { 0, 0 };
	char buf[16];
	mqd_t q, qb;

	EXPECT_FAIL(mq_close(-1), -1, EBADF, EBADF);
	EXPECT_FAIL(mq_close(INT_MAX), -1, EBADF, EBADF);
	EXPECT_FAIL(mq_send(-1, "x", 1, 0), -1, EBADF, EBADF);
	EXPECT_FAIL(mq_receive(-1, buf, sizeof buf, NULL), -1, EBADF, EBADF);
	EXPECT_FAIL(mq_timedsend(-1, "x", 1, 0, &ts), -1, EBADF, EBADF);
	EXPECT_FAIL(mq_timedreceive(-1, buf, sizeof buf, NULL, &ts), -1, EBADF, EBADF);
	EXPECT_FAIL(mq_getattr(-1, &attr), -1, EBADF, EBADF);
	EXPECT_FAIL(mq_setattr(-1, &attr, NULL), -1, EBADF, EBADF);
	EXPECT_FAIL(mq_notify(-1, NULL), -1, EBADF, EBADF);
	attr.mq_maxmsg = 2;
	attr.mq_msgsize = 16;
	q = mq_open("/q", O_RDWR | O_CREAT | O_EXCL | O_NONBLOCK, 0600, &attr);
	ck_assert_int_ne(q, -1);
	EXPECT_FAIL(mq_send(q, NULL, 4, 0), -1, EFAULT, EFAULT);
	EXPECT_FAIL(mq_receive(q, NULL, 16, NULL), -1, EFAULT, EFAULT);
	EXPECT_FAIL(mq_getattr(q, NULL), -1, EFAULT, EFAULT);
	EXPECT_FAIL(mq_send(q, "x", 1, UINT_MAX), -1, EINVAL, EINVAL);
	/* A malformed timeout counts only where the call would block: this descriptor is
	 * O_NONBLOCK, so an empty queue is EAGAIN; a blocking one gives EINVAL. */
	ts.tv_nsec = -5;
	EXPECT_FAIL(mq_timedreceive(q, buf, sizeof buf, NULL, &ts), -1, EAGAIN, EAGAIN);
	qb = mq_open("/q", O_RDWR);
	ck_assert_int_ne(qb, -1);
	EXPECT_FAIL(mq_timedreceive(qb, buf, sizeof buf, NULL, &ts), -1, EINVAL, EINVAL);
	ck_assert_int_eq(mq_close(qb), 0);
	memset(&sev, 0, sizeof sev);
	sev.sigev_notify = -1;
	EXPECT_FAIL(mq_notify(q, &sev), -1, EINVAL, EINVAL);
	/* Nothing above changed the queue. */
	ck_assert_int_eq(mq_getattr(q, &attr), 0);
	ck_assert_int_eq(attr.mq_curmsgs, 0);
	ck_assert_int_eq(attr.mq_flags, O_NONBLOCK);
	EXPECT_FAIL(mq_receive(q, buf, sizeof buf, NULL), -1, EAGAIN, EAGAIN);
	ck_assert_int_eq(mq_close(q), 0);
	ck_assert_int_eq(mq_unlink("/q"), 0);
}
END_TEST

START_TEST(name_lookups_reject_bad_buffers)
{
	char buf[4];

	EXPECT_FAIL(posixipc_shm_win32_path("/x", NULL, 10), -1, EINVAL, EINVAL);
	EXPECT_FAIL(posixipc_shm_win32_path("/x", buf, sizeof buf), -1, ERANGE, ERANGE);
	EXPECT_FAIL(posixipc_shm_win32_path("/a/b", buf, sizeof buf), -1, EINVAL, EINVAL);
	EXPECT_FAIL(posixipc_sem_win32_name("/nosuchsem.x", buf, sizeof buf), -1, ENOENT, ERANGE);
	EXPECT_FAIL(posixipc_sem_win32_name(NULL, buf, sizeof buf), -1, EINVAL, EINVAL);
	EXPECT_FAIL(posixipc_mq_win32_path("/x", NULL, 10), -1, EINVAL, EINVAL);
	EXPECT_FAIL(posixipc_mq_win32_path("/x", buf, sizeof buf), -1, ERANGE, ERANGE);
	EXPECT_FAIL(posixipc_mq_win32_path("/a/b", buf, sizeof buf), -1, EINVAL, EINVAL);
	EXPECT_FAIL(posixipc_fifo_pipe_name(NULL, buf, sizeof buf), -1, EINVAL, EINVAL);
	EXPECT_FAIL(posixipc_fifo_pipe_name("Z:\\no\\such\\fifo", buf, sizeof buf), -1, ENOENT,
		    ENOENT);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("badinput");

	tu_fixture(setup, teardown);
	TU_ADD(s, shm_open_rejects_bad_names_and_creates_nothing);
	TU_ADD(s, shm_open_rejects_bad_flags);
	TU_ADD(s, shm_names_with_win32_specials_stay_inside_the_folder);
	TU_ADD(s, shm_unlink_twice_is_enoent);
	TU_ADD(s, sem_open_rejects_bad_input);
	TU_ADD(s, sem_calls_reject_null_and_uninitialised);
	TU_ADD(s, sem_timedwait_bad_nsec_only_when_it_would_block);
	TU_ADD(s, sem_destroyed_is_rejected);
	TU_ADD(s, mmap_rejects_bad_arguments);
	TU_ADD(s, mmap_of_a_fifo_is_enodev);
	TU_ADD(s, munmap_mprotect_msync_reject_bad_ranges);
	TU_ADD(s, mkfifo_rejects_bad_paths);
	TU_ADD(s, descriptor_calls_reject_closed_descriptors);
	TU_ADD(s, mq_open_rejects_bad_input_and_creates_nothing);
	TU_ADD(s, mq_calls_reject_bad_descriptors_and_buffers);
	TU_ADD(s, name_lookups_reject_bad_buffers);
	return tu_run(s);
}
