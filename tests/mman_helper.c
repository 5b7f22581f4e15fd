/* Second process for the mman tests: maps a file MAP_SHARED and checks or fills a range.
 *   mman_helper check <path> <offset> <length> <byte>   exit 0 when every byte is <byte>
 *   mman_helper fill <path> <offset> <length> <byte>    exit 0 after munmap and close
 *   mman_helper crash <path> <offset> <length> <byte>   fill, then die without unmapping */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

int main(int argc, char **argv)
{
	int64_t off;
	size_t len, i;
	int fd, c, fill;
	unsigned char *p;

	if (argc != 6)
		return 2;
	off = strtoll(argv[3], NULL, 10);
	len = (size_t)strtoull(argv[4], NULL, 10);
	c = atoi(argv[5]);
	fill = strcmp(argv[1], "check") != 0;
	fd = open(argv[2], (fill ? O_RDWR : O_RDONLY) | O_BINARY);
	if (fd < 0)
		return 3;
	p = mmap64(NULL, len, fill ? PROT_READ | PROT_WRITE : PROT_READ, MAP_SHARED, fd, off);
	if (p == MAP_FAILED)
		return 4;
	if (!fill) {
		for (i = 0; i < len; i++)
			if (p[i] != (unsigned char)c)
				return 1;
	} else {
		memset(p, c, len);
		/* A crash leaves the view to the system: the data must still reach the file. */
		if (strcmp(argv[1], "crash") == 0)
			TerminateProcess(GetCurrentProcess(), 9);
	}
	if (munmap(p, len) != 0 || close(fd) != 0)
		return 5;
	return 0;
}
