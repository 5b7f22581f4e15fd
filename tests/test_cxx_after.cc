// C++ with posixipc's headers included first and the C++ library's after them, a class whose
// members have POSIX names, and std:: calls bound to posixipc's functions.
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>

#include "testutil.h"
#include "test_cxx.h"

// Members named like the redirected calls, declared after the headers.
struct Fs {
	int open(const char *p) { return ::open(p, O_RDONLY | O_NONBLOCK); }
	int read(int fd, char *b, unsigned n) { return ::read(fd, b, n); }
	int write(int fd, const char *b, unsigned n) { return ::write(fd, b, n); }
	int close(int fd) { return ::close(fd); }
	int stat(const char *p, struct stat *st) { return ::stat(p, st); }
};

START_TEST(members_after_the_headers_and_std_calls_are_posixipc)
{
	char path[MAX_PATH], buf[4];
	struct stat st;
	Fs fs;
	int fd;

	tu_path(path, sizeof path, "cxxafter");
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_int_eq(fs.stat(path, &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	fd = fs.open(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fs.read(fd, buf, sizeof buf), 0);
	errno = 0;
	ck_assert_int_eq(fs.write(fd, "x", 1), -1);
	ck_assert_int_eq(errno, EBADF);
	ck_assert_int_eq(fs.close(fd), 0);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_str_eq(std::strerror(ETIMEDOUT), "Connection timed out");
	ck_assert_int_eq(PIPE_BUF, 4096);
	ck_assert_int_eq(MB_LEN_MAX, 5);
}
END_TEST

void add_after_tests(Suite *s)
{
	TU_ADD(s, members_after_the_headers_and_std_calls_are_posixipc);
}

int main()
{
	Suite *s = suite_create("cxx");

	add_before_tests(s);
	add_after_tests(s);
	return tu_run(s);
}
