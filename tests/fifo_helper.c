/* Second process for the FIFO tests: a POSIX reader or writer at the far end, one that dies
 * half way, and a native Win32 peer that knows only the pipe name.  Exit status 0 means the
 * helper saw what it expected; anything else names the step that failed. */
#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#include "pattern.h"
#include "records.h"

static unsigned char *make_pattern(size_t n, unsigned seed)
{
	unsigned char *p = malloc(n ? n : 1);
	size_t i;

	for (i = 0; p != NULL && i < n; i++)
		p[i] = tu_pattern(i, seed);
	return p;
}

/* write <path> <bytes> <seed> <chunk>: write the stream in chunks of `chunk` bytes. */
static int do_write(const char *path, size_t total, unsigned seed, size_t chunk)
{
	unsigned char *p = make_pattern(total, seed);
	size_t done = 0, n;
	ssize_t r;
	int fd = open(path, O_WRONLY);

	if (fd < 0 || p == NULL)
		return 2;
	while (done < total) {
		n = total - done < chunk ? total - done : chunk;
		r = write(fd, p + done, n);
		if (r <= 0)
			return 3;
		done += (size_t)r;
	}
	free(p);
	return close(fd) == 0 ? 0 : 4;
}

/* line <path> <ms>: after ms milliseconds, open for writing and write one line. */
static int do_line(const char *path, DWORD ms)
{
	static const char text[] = "hello through the fifo\n";
	int fd;

	Sleep(ms);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return 2;
	if (write(fd, text, sizeof text - 1) != (ssize_t)(sizeof text - 1))
		return 3;
	return close(fd) == 0 ? 0 : 4;
}

/* read <path> <bytes> <seed>: read until end of file; the stream must match exactly. */
static int do_read(const char *path, size_t total, unsigned seed)
{
	unsigned char buf[8192];
	size_t done = 0;
	ssize_t r, i;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return 2;
	while ((r = read(fd, buf, sizeof buf)) > 0) {
		for (i = 0; i < r; i++)
			if (done + (size_t)i >= total || buf[i] != tu_pattern(done + (size_t)i, seed))
				return 3;
		done += (size_t)r;
	}
	if (r < 0)
		return 4;
	close(fd);
	return done == total ? 0 : 5;
}

/* records <path> <tag> <count>: `count` writes of PIPE_BUF bytes, each all `tag`. */
static int do_records(const char *path, int tag, int count)
{
	unsigned char rec[PIPE_BUF];
	int fd = open(path, O_WRONLY), i;

	if (fd < 0)
		return 2;
	memset(rec, tag, sizeof rec);
	for (i = 0; i < count; i++)
		if (write(fd, rec, sizeof rec) != (ssize_t)sizeof rec)
			return 3;
	return close(fd) == 0 ? 0 : 4;
}

/* die-writing <path> <bytes> <seed>: write the bytes, then end without closing anything.
 * die-reading <path>: open for reading, read one byte, then end the same way. */
static int do_die_writing(const char *path, size_t total, unsigned seed)
{
	unsigned char *p = make_pattern(total, seed);
	int fd = open(path, O_WRONLY);

	if (fd < 0 || p == NULL || write(fd, p, total) != (ssize_t)total)
		return 2;
	TerminateProcess(GetCurrentProcess(), 0);
	return 3;
}

static int do_die_reading(const char *path)
{
	char c;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || read(fd, &c, 1) != 1)
		return 2;
	TerminateProcess(GetCurrentProcess(), 0);
	return 3;
}

/* hold-writers <path> <n>: n write descriptors open at once, one byte through each, then
 * all closed.  die-holding <path> <n>: n read descriptors open, then the process ends
 * without closing them.  crt-close <path> <n>: n times open and close with the C runtime's
 * own _close, which the library never hears of. */
static int do_hold_writers(const char *path, int n)
{
	int *fds = malloc((size_t)n * sizeof *fds), i;

	if (fds == NULL)
		return 2;
	for (i = 0; i < n; i++)
		if ((fds[i] = open(path, O_WRONLY)) < 0) {
			fprintf(stderr, "fifo_helper: open %d of %d: %s\n", i + 1, n,
				strerror(errno));
			return 3;
		}
	for (i = 0; i < n; i++)
		if (write(fds[i], "w", 1) != 1)
			return 4;
	for (i = 0; i < n; i++)
		if (close(fds[i]) != 0)
			return 5;
	free(fds);
	return 0;
}

static int do_die_holding(const char *path, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (open(path, O_RDONLY | O_NONBLOCK) < 0)
			return 2;
	TerminateProcess(GetCurrentProcess(), 0);
	return 3;
}

static int do_crt_close(const char *path, int n)
{
	int i, fd;

	for (i = 0; i < n; i++) {
		fd = open(path, O_RDONLY | O_NONBLOCK);
		if (fd < 0) {
			fprintf(stderr, "fifo_helper: open %d of %d: %s\n", i + 1, n,
				strerror(errno));
			return 2;
		}
		_close(fd);
	}
	return 0;
}

/* expect-text <path> <text>: read until end of file; it must be exactly text. */
static int do_expect_text(const char *path, const char *text)
{
	char buf[1024];
	size_t done = 0;
	ssize_t r;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return 2;
	while (done < sizeof buf && (r = read(fd, buf + done, sizeof buf - done)) > 0)
		done += (size_t)r;
	close(fd);
	if (done != strlen(text) || memcmp(buf, text, done) != 0) {
		fprintf(stderr, "fifo_helper: read %.*s\n", (int)done, buf);
		return 3;
	}
	return 0;
}

/* nb-write-open <path>: open O_WRONLY|O_NONBLOCK; exit status is the errno (0 on success). */
static int do_nb_write_open(const char *path)
{
	int fd = open(path, O_WRONLY | O_NONBLOCK);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return errno;
}

/* native-write <pipe> <bytes> <seed>: a Win32 program writing to the FIFO's pipe. */
static int do_native_write(const char *pipe, size_t total, unsigned seed)
{
	unsigned char *p = make_pattern(total, seed);
	HANDLE h = CreateFileA(pipe, GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
	DWORD n;

	if (h == INVALID_HANDLE_VALUE || p == NULL)
		return 2;
	if (!WriteFile(h, p, (DWORD)total, &n, NULL) || n != total)
		return 3;
	CloseHandle(h);
	free(p);
	return 0;
}

/* native-read <pipe> <bytes> <seed>: a Win32 program reading until the writer closes. */
static int do_native_read(const char *pipe, size_t total, unsigned seed)
{
	unsigned char buf[8192];
	HANDLE h = CreateFileA(pipe, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
	size_t done = 0;
	DWORD n, i;

	if (h == INVALID_HANDLE_VALUE)
		return 2;
	while (ReadFile(h, buf, sizeof buf, &n, NULL)) {
		for (i = 0; i < n; i++)
			if (done + i >= total || buf[i] != tu_pattern(done + i, seed))
				return 3;
		done += n;
	}
	if (GetLastError() != ERROR_BROKEN_PIPE)
		return 4;
	CloseHandle(h);
	return done == total ? 0 : 5;
}

/* tagged <path> <tag> <count> <size> <ready> <go>: open for writing, meet the others, then
 * write count records (records.h). */
static int do_tagged(char **a)
{
	size_t size = strtoul(a[3], NULL, 10);
	unsigned char *r = malloc(size);
	uint32_t seq, count = (uint32_t)strtoul(a[2], NULL, 10);
	int fd = open(a[0], O_WRONLY);

	if (fd < 0 || r == NULL)
		return 2;
	rendezvous(a[4], a[5]);
	for (seq = 0; seq < count; seq++) {
		record_fill(r, size, (uint32_t)strtoul(a[1], NULL, 10), seq);
		if (write(fd, r, size) != (ssize_t)size)
			return 3;
	}
	free(r);
	return close(fd) == 0 ? 0 : 4;
}

/* read-tagged <path> <file> <size> <ready>: open for reading, tell ready, and append what is
 * read, size bytes at a time, to file until end of file. */
static int do_read_tagged(char **a)
{
	size_t size = strtoul(a[2], NULL, 10);
	char *buf = malloc(size);
	FILE *out = fopen(a[1], "ab");
	int fd = open(a[0], O_RDONLY);
	ssize_t n;

	if (fd < 0 || buf == NULL || out == NULL)
		return 2;
	rendezvous(a[3], NULL);
	while ((n = read(fd, buf, size)) > 0)
		if (fwrite(buf, 1, (size_t)n, out) != (size_t)n)
			return 3;
	if (n < 0)
		return 4;
	fclose(out);
	return close(fd) == 0 ? 0 : 5;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	const char *path = argc > 2 ? argv[2] : "";
	size_t n = argc > 3 ? strtoul(argv[3], NULL, 10) : 0;
	unsigned seed = argc > 4 ? (unsigned)strtoul(argv[4], NULL, 10) : 0;

	if (strcmp(cmd, "tagged") == 0 && argc == 8)
		return do_tagged(argv + 2);
	if (strcmp(cmd, "read-tagged") == 0 && argc == 6)
		return do_read_tagged(argv + 2);

	if (strcmp(cmd, "write") == 0)
		return do_write(path, n, seed, argc > 5 ? strtoul(argv[5], NULL, 10) : n);
	if (strcmp(cmd, "read") == 0)
		return do_read(path, n, seed);
	if (strcmp(cmd, "line") == 0)
		return do_line(path, (DWORD)n);
	if (strcmp(cmd, "records") == 0)
		return do_records(path, (int)n, (int)seed);
	if (strcmp(cmd, "die-writing") == 0)
		return do_die_writing(path, n, seed);
	if (strcmp(cmd, "die-reading") == 0)
		return do_die_reading(path);
	if (strcmp(cmd, "expect-text") == 0)
		return do_expect_text(path, argc > 3 ? argv[3] : "");
	if (strcmp(cmd, "hold-writers") == 0)
		return do_hold_writers(path, (int)n);
	if (strcmp(cmd, "die-holding") == 0)
		return do_die_holding(path, (int)n);
	if (strcmp(cmd, "crt-close") == 0)
		return do_crt_close(path, (int)n);
	if (strcmp(cmd, "nb-write-open") == 0)
		return do_nb_write_open(path);
	if (strcmp(cmd, "native-write") == 0)
		return do_native_write(path, n, seed);
	if (strcmp(cmd, "native-read") == 0)
		return do_native_read(path, n, seed);
	fprintf(stderr, "fifo_helper: unknown command %s\n", cmd);
	return 100;
}
