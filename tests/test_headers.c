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

int main(void)
{
	Suite *s = suite_create("headers");

	ADD(s, limits_are_the_c_librarys_plus_posix_ones);
	ADD(s, feature_macros_match_sysconf_and_the_library);
	return tu_run(s);
}
