/* Built with posixipc's headers and without _FILE_OFFSET_BITS=64, as a file of a program that
 * drops the flag would be: off_t and st_size are 32 bits, and the calls still route.  It is
 * also a _GNU_SOURCE file, whose strerror_r is glibc's char * one. */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "narrow_probe.h"

int narrow_off_t_size(void)
{
	return (int)sizeof(off_t);
}

int narrow_check(const char *fifo, const char *shm_name)
{
	struct stat st;
	char *p, c, two[2];
	struct iovec iov[2] = { { &c, 1 }, { two, 2 } };
	int fd;

	if (stat(fifo, &st) != 0 || !S_ISFIFO(st.st_mode))
		return 1;
	fd = open(fifo, O_RDWR);
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISFIFO(st.st_mode))
		return 2;
	errno = 0;
	if (lseek(fd, 0, SEEK_SET) != -1 || errno != ESPIPE)
		return 3;
	errno = 0;
	if (ftruncate(fd, 0) != -1 || errno != EINVAL)
		return 4;
	close(fd);
	fd = shm_open(shm_name, O_CREAT | O_EXCL | O_RDWR, 0600);
	if (fd < 0 || ftruncate(fd, 3 * 65536) != 0 || fstat(fd, &st) != 0 ||
	    st.st_size != 3 * 65536)
		return 5;
	if (lseek(fd, 65536, SEEK_SET) != 65536 || write(fd, "N", 1) != 1)
		return 6;
	p = mmap(NULL, 65536, PROT_READ, MAP_SHARED, fd, 65536);
	if (p == MAP_FAILED || p[0] != 'N' || munmap(p, 65536) != 0)
		return 7;
	if (pwrite(fd, "P", 1, 2) != 1 || pread(fd, &c, 1, 65536) != 1 || c != 'N' ||
	    pread(fd, &c, 1, 2) != 1 || c != 'P' || lseek(fd, 0, SEEK_CUR) != 65537)
		return 11;
	if (pwritev(fd, iov, 2, 4) != 3 || preadv(fd, iov, 2, 65535) != 3 || two[0] != 'N' ||
	    lseek(fd, 0, SEEK_CUR) != 65537)
		return 12;
	/* Past 2 GiB a 32-bit st_size cannot hold the size: EOVERFLOW, not a wrong number. */
	if (ftruncate64(fd, (long long)3 << 30) != 0)
		return 8;
	errno = 0;
	if (fstat(fd, &st) != -1 || errno != EOVERFLOW)
		return 9;
	close(fd);
	return shm_unlink(shm_name) == 0 ? 0 : 10;
}

const char *narrow_gnu_strerror_r(int e, char *buf, size_t size)
{
	return strerror_r(e, buf, size);
}
