// C++ with the C++ library's headers included before posixipc's: <cstdio> re-exports ::fopen
// as std::fopen, and members named like POSIX calls are declared before the POSIX headers.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

// Declared before any posixipc header: no macro may rename these members later.
class Channel {
public:
	int open(const char *path, int flags);
	int read(char *buf, unsigned n);
	int write(const char *buf, unsigned n);
	int close();
	int stat(struct stat *st) const;

private:
	std::string path_;
	int fd_ = -1;
};

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "test_cxx.h"

int Channel::open(const char *path, int flags)
{
	path_ = path;
	fd_ = ::open(path, flags, 0600);
	return fd_;
}

int Channel::read(char *buf, unsigned n)
{
	return ::read(fd_, buf, n);
}

int Channel::write(const char *buf, unsigned n)
{
	return ::write(fd_, buf, n);
}

int Channel::stat(struct stat *st) const
{
	struct stat by_fd;

	// Both calls with the same struct: st_size and the type must agree.
	if (::stat(path_.c_str(), st) != 0 || ::fstat(fd_, &by_fd) != 0)
		return -1;
	return (st->st_mode & S_IFMT) == (by_fd.st_mode & S_IFMT) ? 0 : -1;
}

int Channel::close()
{
	int r = ::close(fd_);
	fd_ = -1;
	return r;
}

// std::fopen on a FIFO waits for the writer process and reads its line, as on Linux.
START_TEST(std_fopen_on_fifo_waits_for_a_writer_and_reads_its_line)
{
	char path[MAX_PATH], line[64];
	struct stat st;

	tu_path(path, sizeof path, "cxxfifo");
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	std::string args = std::string("line \"") + path + "\" 300";
	HANDLE h = tu_spawn("fifo_helper", args.c_str());
	std::FILE *f = std::fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(std::fgets(line, sizeof line, f));
	ck_assert_str_eq(line, "hello through the fifo\n");
	ck_assert_ptr_null(std::fgets(line, sizeof line, f)); // writer gone: end of file
	ck_assert_int_eq(std::fclose(f), 0);
	ck_assert_int_eq(tu_wait(h, 10000), 0);
	ck_assert_int_eq(unlink(path), 0);
}
END_TEST

// Members declared before the headers, called after them, reach posixipc's FIFO semantics.
START_TEST(members_declared_before_the_headers_work)
{
	char path[MAX_PATH], buf[8];
	Channel r, w;

	tu_path(path, sizeof path, "cxxmember");
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_int_ge(r.open(path, O_RDONLY | O_NONBLOCK), 0);
	ck_assert_int_ge(w.open(path, O_WRONLY | O_NONBLOCK), 0);
	struct stat st;
	ck_assert_int_eq(r.stat(&st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	ck_assert_int_eq(sizeof st.st_size, 8);
	errno = 0;
	ck_assert_int_eq(r.read(buf, sizeof buf), -1);
	ck_assert_int_eq(errno, EAGAIN);
	ck_assert_int_eq(w.write("ok", 2), 2);
	ck_assert_int_eq(r.read(buf, sizeof buf), 2);
	ck_assert_int_eq(w.close(), 0);
	ck_assert_int_eq(r.read(buf, sizeof buf), 0);
	ck_assert_int_eq(r.close(), 0);
	ck_assert_int_eq(unlink(path), 0);

	// The C++ library's own file streams are untouched.
	tu_path(path, sizeof path, "cxxstream");
	{
		std::ofstream out(path);
		out << "stream\n";
	}
	std::ifstream in(path);
	std::string word;
	in >> word;
	ck_assert_str_eq(word.c_str(), "stream");
	in.close();
	ck_assert_int_eq(std::remove(path), 0);
}
END_TEST

void add_before_tests(Suite *s)
{
	TU_ADD(s, std_fopen_on_fifo_waits_for_a_writer_and_reads_its_line);
	TU_ADD(s, members_declared_before_the_headers_work);
}
