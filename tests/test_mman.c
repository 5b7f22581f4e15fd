/* The mmap family: offsets, lengths past the end of the file, MAP_SHARED and MAP_PRIVATE,
 * anonymous memory, partial munmap, MAP_FIXED, mprotect, msync, madvise, mlock, errors,
 * threads, and views shared with other processes and with native Win32 code. */
#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "testutil.h"

#define PG 4096
#define GR 65536

static unsigned char pat(int64_t i)
{
	return (unsigned char)(i * 7 + i / PG * 13 + 1);
}

/* A file of size bytes holding pat(); returns an O_RDWR descriptor (or flags). */
static int make_file(char *path, size_t pathsz, int64_t size, int flags)
{
	unsigned char buf[PG];
	int64_t done, i;
	int fd;

	tu_path(path, pathsz, "mman");
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_BINARY, 0600);
	ck_assert_int_ge(fd, 0);
	for (done = 0; done < size; done += PG) {
		for (i = 0; i < PG; i++)
			buf[i] = pat(done + i);
		ck_assert_int_eq(write(fd, buf, (size_t)(size - done < PG ? size - done : PG)),
				 (int)(size - done < PG ? size - done : PG));
	}
	if (flags != O_RDWR) {
		ck_assert_int_eq(close(fd), 0);
		fd = open(path, flags | O_BINARY);
		ck_assert_int_ge(fd, 0);
	}
	return fd;
}

static int64_t file_size(int fd)
{
	return _filelengthi64(fd);
}

static int pread_byte(int fd, int64_t off)
{
	unsigned char c;

	ck_assert_int_eq(_lseeki64(fd, off, SEEK_SET), off);
	ck_assert_int_eq(read(fd, &c, 1), 1);
	return c;
}

static void pwrite_byte(int fd, int64_t off, int c)
{
	unsigned char b = (unsigned char)c;

	ck_assert_int_eq(_lseeki64(fd, off, SEEK_SET), off);
	ck_assert_int_eq(write(fd, &b, 1), 1);
}

static MEMORY_BASIC_INFORMATION query(const void *p)
{
	MEMORY_BASIC_INFORMATION mbi;

	ck_assert_uint_ne(VirtualQuery(p, &mbi, sizeof mbi), 0);
	return mbi;
}

/* Unmapped memory: free, reserved, or committed without any access. */
static int inaccessible(const void *p)
{
	MEMORY_BASIC_INFORMATION mbi = query(p);

	return mbi.State != MEM_COMMIT || mbi.Protect == PAGE_NOACCESS;
}

static int readable(const void *p)
{
	MEMORY_BASIC_INFORMATION mbi = query(p);

	return mbi.State == MEM_COMMIT && mbi.Protect != PAGE_NOACCESS &&
	       !(mbi.Protect & PAGE_GUARD);
}

static int writable(const void *p)
{
	DWORD w = PAGE_READWRITE | PAGE_WRITECOPY | PAGE_EXECUTE_READWRITE |
		  PAGE_EXECUTE_WRITECOPY;

	return readable(p) && (query(p).Protect & w) != 0;
}

static void remove_file(int fd, const char *path)
{
	if (fd >= 0)
		ck_assert_int_eq(close(fd), 0);
	ck_assert_int_eq(_unlink(path), 0);
}

/* ---------------------------------------------------------------- offsets and lengths */

START_TEST(mmap_unaligned_64k_offset_maps_requested_bytes)
{
	char path[MAX_PATH];
	int fd = make_file(path, sizeof path, 4 * GR, O_RDWR);
	int64_t offs[] = { PG, 3 * PG, GR - PG, GR + 5 * PG, 3 * GR + 14 * PG };
	unsigned char *p;
	size_t i, k;

	for (k = 0; k < sizeof offs / sizeof offs[0]; k++) {
		p = mmap(NULL, 2 * PG, PROT_READ, MAP_SHARED, fd, (off_t)offs[k]);
		ck_assert_ptr_ne(p, MAP_FAILED);
		ck_assert_uint_eq((uintptr_t)p % PG, 0);
		for (i = 0; i < 2 * PG; i++)
			ck_assert_uint_eq(p[i], pat(offs[k] + (int64_t)i));
		ck_assert_int_eq(munmap(p, 2 * PG), 0);
		ck_assert_uint_eq(query(p).State, MEM_FREE);
	}
	remove_file(fd, path);
}
END_TEST

START_TEST(mmap64_offset_above_4g_maps_that_offset)
{
	char path[MAX_PATH];
	int fd = make_file(path, sizeof path, PG, O_RDWR);
	int64_t off = ((int64_t)1 << 32) + 3 * PG;
	unsigned char *p;

	pwrite_byte(fd, off + 5, 0x5a);
	p = mmap64(NULL, PG, PROT_READ, MAP_SHARED, fd, off);
	ck_assert_ptr_ne(p, MAP_FAILED);
	ck_assert_uint_eq(p[5], 0x5a);
	ck_assert_int_eq(munmap(p, PG), 0);
	remove_file(fd, path);
}
END_TEST

START_TEST(mmap_longer_than_file_keeps_size_and_faults_past_eof)
{
	char path[MAX_PATH];
	int fd = make_file(path, sizeof path, PG + 100, O_RDWR), ro;
	unsigned char *p;

	p = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ck_assert_ptr_ne(p, MAP_FAILED);
	ck_assert_uint_eq(p[PG + 99], pat(PG + 99));
	/* The rest of the last page reads as zeros and may be written. */
	ck_assert_uint_eq(p[PG + 100], 0);
	p[PG + 50] = 0xee;
	ck_assert(writable(p + PG));
	/* Pages wholly past the end of the file are not memory. */
	ck_assert(inaccessible(p + 2 * PG));
	ck_assert(inaccessible(p + 3 * PG));
	ck_assert_int_eq(file_size(fd), PG + 100);
	ck_assert_int_eq(msync(p, 4 * PG, MS_SYNC), 0);
	ck_assert_int_eq(munmap(p, 4 * PG), 0);
	ck_assert_int_eq(file_size(fd), PG + 100);
	ck_assert_int_eq(pread_byte(fd, PG + 50), 0xee);

	/* A read-only descriptor, and an offset past the end of the file. */
	ro = open(path, O_RDONLY | O_BINARY);
	ck_assert_int_ge(ro, 0);
	p = mmap(NULL, 3 * GR, PROT_READ, MAP_SHARED, ro, 0);
	ck_assert_ptr_ne(p, MAP_FAILED);
	ck_assert_uint_eq(p[0], pat(0));
	ck_assert(inaccessible(p + 2 * GR));
	ck_assert_int_eq(munmap(p, 3 * GR), 0);
	p = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, ro, 2 * GR + PG);
	ck_assert_ptr_ne(p, MAP_FAILED);
	ck_assert(inaccessible(p));
	ck_assert_int_eq(munmap(p, PG), 0);
	ck_assert_int_eq(file_size(ro), PG + 100);
	ck_assert_int_eq(close(ro), 0);
	remove_file(fd, path);
}
END_TEST

START_TEST(mmap_empty_file_succeeds_and_pages_are_inaccessible)
{
	char path[MAX_PATH];
	int fd = make_file(path, sizeof path, 0, O_RDWR);
	unsigned char *p;

	p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ck_assert_ptr_ne(p, MAP_FAILED);
	ck_assert(inaccessible(p));
	ck_assert(inaccessible(p + PG));
	ck_assert_int_eq(mprotect(p, 2 * PG, PROT_READ), 0);
	ck_assert_int_eq(msync(p, 2 * PG, MS_SYNC), 0);
	ck_assert_int_eq(munmap(p, 2 * PG), 0);
	ck_assert_uint_eq(query(p).State, MEM_FREE);
	ck_assert_int_eq(file_size(fd), 0);
	remove_file(fd, path);
}
END_TEST

/* ---------------------------------------------------------------- sharing */

START_TEST(map_shared_writes_reach_file_and_other_mappings)
{
	char path[MAX_PATH];
	int fd = make_file(path, sizeof path, 2 * GR, O_RDWR);
	unsigned char *a, *b;

	a = mmap(NULL, 2 * GR, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	b = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, GR + PG);
	ck_assert_ptr_ne(a, MAP_FAILED);
	ck_assert_ptr_ne(b, MAP_FAILED);
	a[GR + PG + 10] = 0x11;
	ck_assert_uint_eq(b[10], 0x11);
	b[20] = 0x22;
	ck_assert_uint_eq(a[GR + PG + 20], 0x22);
	/* read() and write() on the file see the same bytes without msync. */
	ck_assert_int_eq(pread_byte(fd, GR + PG + 10), 0x11);
	pwrite_byte(fd, GR + PG + 30, 0x33);
	ck_assert_uint_eq(b[30], 0x33);
	ck_assert_uint_eq(a[GR + PG + 30], 0x33);
	ck_assert_int_eq(munmap(a, 2 * GR), 0);
	ck_assert_int_eq(munmap(b, PG), 0);
	remove_file(fd, path);
}
END_TEST

static void helper(const char *mode, const char *path, int64_t off, size_t len, int c,
		   int want)
{
	char args[MAX_PATH + 100];

	snprintf(args, sizeof args, "%s \"%s\" %lld %llu %d", mode, path, (long long)off,
		 (unsigned long long)len, c);
	ck_assert_int_eq(tu_wait(tu_spawn("mman_helper", args), 30000), want);
}

START_TEST(map_shared_writes_are_seen_by_another_process)
{
	char path[MAX_PATH];
	int fd = make_file(path, sizeof path, 2 * GR, O_RDWR);
	unsigned char *p;

	p = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, GR + PG);
	ck_assert_ptr_ne(p, MAP_FAILED);
	memset(p + PG, 0x42, 2 * PG);
	helper("check", path, GR + 2 * PG, 2 * PG, 0x42, 0);
	helper("check", path, GR + 2 * PG, 2 * PG, 0x43, 1);
	helper("fill", path, GR + 3 * PG, PG, 0x77, 0);
	ck_assert_uint_eq(p[2 * PG], 0x77);
	ck_assert_uint_eq(p[3 * PG - 1], 0x77);
	ck_assert_uint_eq(p[2 * PG - 1], 0x42);
	ck_assert_int_eq(munmap(p, 4 * PG), 0);
	remove_file(fd, path);
}
END_TEST

START_TEST(map_shared_writes_survive_a_crashing_writer)
{
	char path[MAX_PATH];
	int fd = make_file(path, sizeof path, GR, O_RDWR);

	ck_assert_int_eq(close(fd), 0);
	helper("crash", path, 5 * PG, 3 * PG, 0x99, 9);
	fd = open(path, O_RDONLY | O_BINARY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread_byte(fd, 5 * PG), 0x99);
	ck_assert_int_eq(pread_byte(fd, 8 * PG - 1), 0x99);
	ck_assert_int_eq(pread_byte(fd, 8 * PG), pat(8 * PG));
	remove_file(fd, path);
}
END_TEST

START_TEST(map_private_writes_never_reach_the_file)
{
	char path[MAX_PATH];
	int fd = make_file(path, sizeof path, GR, O_RDWR), ro;
	unsigned char *p, *s;

	s = mmap(NULL, GR, PROT_READ, MAP_SHARED, fd, 0);
	p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 3 * PG);
	ck_assert_ptr_ne(s, MAP_FAILED);
	ck_assert_ptr_ne(p, MAP_FAILED);
	p[1] = 0xab;
	ck_assert_uint_eq(p[1], 0xab);
	ck_assert_uint_eq(s[3 * PG + 1], pat(3 * PG + 1));
	ck_assert_int_eq(msync(p, 2 * PG, MS_SYNC), 0);
	ck_assert_int_eq(pread_byte(fd, 3 * PG + 1), pat(3 * PG + 1));
	ck_assert_int_eq(munmap(p, 2 * PG), 0);
	ck_assert_int_eq(pread_byte(fd, 3 * PG + 1), pat(3 * PG + 1));

	/* The same on a descriptor open for reading only. */
	ro = open(path, O_RDONLY | O_BINARY);
	ck_assert_int_ge(ro, 0);
	p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, PG);
	ck_assert_ptr_ne(p, MAP_FAILED);
	p[7] = 0xcd;
	ck_assert_uint_eq(p[7], 0xcd);
	ck_assert_uint_eq(s[PG + 7], pat(PG + 7));
	ck_assert_int_eq(munmap(p, PG), 0);
	ck_assert_int_eq(pread_byte(ro, PG + 7), pat(PG + 7));
	ck_assert_int_eq(close(ro), 0);
	ck_assert_int_eq(munmap(s, GR), 0);
	remove_file(fd, path);
}
END_TEST

START_TEST(native_win32_view_and_mmap_see_each_other)
{
	char path[MAX_PATH];
	int fd = make_file(path, sizeof path, GR, O_RDWR);
	HANDLE f, sec;
	unsigned char *p, *v;

	f = CreateFileA(path, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
			NULL, OPEN_EXISTING, 0, NULL);
	ck_assert_ptr_ne(f, INVALID_HANDLE_VALUE);
	sec = CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, 0, NULL);
	ck_assert_ptr_nonnull(sec);
	v = MapViewOfFile(sec, FILE_MAP_WRITE, 0, 0, GR);
	ck_assert_ptr_nonnull(v);
	p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 9 * PG);
	ck_assert_ptr_ne(p, MAP_FAILED);
	p[3] = 0x61;
	ck_assert_uint_eq(v[9 * PG + 3], 0x61);
	v[9 * PG + 4] = 0x62;
	ck_assert_uint_eq(p[4], 0x62);
	ck_assert(UnmapViewOfFile(v));
	CloseHandle(sec);
	CloseHandle(f);
	ck_assert_int_eq(munmap(p, PG), 0);
	remove_file(fd, path);
}
END_TEST

/* ---------------------------------------------------------------- anonymous memory */

START_TEST(map_anonymous_is_zero_filled_and_ignores_fd)
{
	char path[MAX_PATH];
	int fd = make_file(path, sizeof path, PG, O_RDWR);
	int fds[] = { -1, fd, 12345 };
	unsigned char *p;
	size_t i, k;

	for (k = 0; k < 3; k++) {
		p = mmap(NULL, 3 * PG + 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			 fds[k], 0);
		ck_assert_ptr_ne(p, MAP_FAILED);
		for (i = 0; i < 4 * PG; i++)
			ck_assert_uint_eq(p[i], 0);
		memset(p, 0xff, 4 * PG);
		ck_assert_int_eq(munmap(p, 3 * PG + 1), 0);
	}
	remove_file(fd, path);
}
END_TEST

START_TEST(map_shared_anonymous_is_zero_filled_and_writable)
{
	unsigned char *p;
	size_t i;

	p = mmap(NULL, 5 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(p, MAP_FAILED);
	for (i = 0; i < 5 * PG; i++)
		ck_assert_uint_eq(p[i], 0);
	memset(p, 0x3c, 5 * PG);
	ck_assert_int_eq(munmap(p + PG, PG), 0);
	ck_assert(inaccessible(p + PG));
	ck_assert_uint_eq(p[2 * PG], 0x3c);
	ck_assert_int_eq(munmap(p, 5 * PG), 0);
	ck_assert_uint_eq(query(p).State, MEM_FREE);
}
END_TEST

/* ---------------------------------------------------------------- munmap */

static void check_partial_munmap(unsigned char *p, size_t pages, int64_t off)
{
	size_t i;

	/* First page, a middle page, the last page. */
	ck_assert_int_eq(munmap(p, PG), 0);
	ck_assert_int_eq(munmap(p + 3 * PG, PG), 0);
	ck_assert_int_eq(munmap(p + (pages - 1) * PG, PG), 0);
	ck_assert(inaccessible(p));
	ck_assert(inaccessible(p + 3 * PG));
	ck_assert(inaccessible(p + (pages - 1) * PG));
	for (i = 1; i < pages - 1; i++) {
		if (i == 3)
			continue;
		ck_assert(writable(p + i * PG));
		if (off >= 0)
			ck_assert_uint_eq(p[i * PG + 1], pat(off + (int64_t)(i * PG) + 1));
		p[i * PG + 2] = 0x44;
	}
	/* mprotect and msync on unmapped pages of the mapping: ENOMEM. */
	errno = 0;
	ck_assert_int_eq(mprotect(p + 2 * PG, 2 * PG, PROT_READ), -1);
	ck_assert_int_eq(errno, ENOMEM);
	errno = 0;
	ck_assert_int_eq(msync(p + 3 * PG, PG, MS_SYNC), -1);
	ck_assert_int_eq(errno, ENOMEM);
	/* The rest goes with one call over the holes; then the whole view is released. */
	ck_assert_int_eq(munmap(p, pages * PG), 0);
	for (i = 0; i < pages; i++)
		ck_assert_uint_eq(query(p + i * PG).State, MEM_FREE);
}

START_TEST(munmap_first_middle_last_pages_leaves_the_rest_usable)
{
	char path[MAX_PATH];
	int fd = make_file(path, sizeof path, 2 * GR, O_RDWR);
	unsigned char *p;

	p = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 5 * PG);
	ck_assert_ptr_ne(p, MAP_FAILED);
	check_partial_munmap(p, 8, 5 * PG);
	p = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, GR);
	ck_assert_ptr_ne(p, MAP_FAILED);
	check_partial_munmap(p, 8, GR);
	p = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(p, MAP_FAILED);
	check_partial_munmap(p, 8, -1);
	remove_file(fd, path);
}
END_TEST

START_TEST(munmap_range_spanning_several_mappings_and_holes)
{
	unsigned char *base, *a, *b;

	/* Two anonymous mappings placed a granule apart, the gap between them unmapped. */
	base = mmap(NULL, 4 * GR, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(base, MAP_FAILED);
	ck_assert_int_eq(munmap(base, 4 * GR), 0);
	a = mmap(base, GR, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	b = mmap(base + 2 * GR, GR, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	ck_assert_ptr_eq(a, base);
	ck_assert_ptr_eq(b, base + 2 * GR);
	a[GR - 1] = 1;
	b[0] = 2;
	ck_assert_int_eq(munmap(base + GR / 2, 2 * GR), 0);
	ck_assert(writable(a));
	ck_assert(inaccessible(a + GR / 2));
	ck_assert(inaccessible(b));
	ck_assert(inaccessible(b + GR / 2 - PG));
	ck_assert(writable(b + GR / 2));
	b[GR - 1] = 3;
	ck_assert_int_eq(munmap(base, 4 * GR), 0);
	ck_assert_uint_eq(query(a).State, MEM_FREE);
	ck_assert_uint_eq(query(b + GR / 2).State, MEM_FREE);
}
END_TEST

START_TEST(munmap_of_unmapped_range_succeeds)
{
	unsigned char *p = mmap(NULL, GR, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ck_assert_ptr_ne(p, MAP_FAILED);
	ck_assert_int_eq(munmap(p, GR), 0);
	ck_assert_int_eq(munmap(p, GR), 0);
}
END_TEST

START_TEST(mmap_munmap_cycles_leak_no_handles_or_address_space)
{
	char path[MAX_PATH];
	int fd = make_file(path, sizeof path, 3 * GR, O_RDWR);
	DWORD before;
	unsigned char *p;
	int i;

	before = tu_handle_count();
	for (i = 0; i < 300; i++) {
		p = mmap(NULL, 5 * PG, PROT_READ | PROT_WRITE, i % 2 ? MAP_SHARED : MAP_PRIVATE,
			 fd, (off_t)((i % 20) * PG));
		ck_assert_ptr_ne(p, MAP_FAILED);
		p[PG] = (unsigned char)i;
		ck_assert_int_eq(munmap(p + 2 * PG, PG), 0);
		ck_assert_int_eq(munmap(p, 2 * PG), 0);
		ck_assert_int_eq(munmap(p + 3 * PG, 2 * PG), 0);
		ck_assert_uint_eq(query(p).State, MEM_FREE);
		p = mmap(NULL, 3 * GR + PG, PROT_READ, MAP_SHARED, fd, 2 * GR);
		ck_assert_ptr_ne(p, MAP_FAILED);
		ck_assert_int_eq(munmap(p, 3 * GR + PG), 0);
		ck_assert_uint_eq(query(p + 2 * GR).State, MEM_FREE);
		p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		ck_assert_ptr_ne(p, MAP_FAILED);
		ck_assert_int_eq(munmap(p, 2 * PG), 0);
	}
	ck_assert_uint_le(tu_handle_count(), before + 2);
	remove_file(fd, path);
}
END_TEST

/* ---------------------------------------------------------------- MAP_FIXED and hints */

START_TEST(map_fixed_replaces_anonymous_and_file_mappings_at_that_address)
{
	char path[MAX_PATH];
	int fd = make_file(path, sizeof path, 2 * GR, O_RDWR);
	unsigned char *p, *q;

	p = mmap(NULL, 2 * GR, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(p, MAP_FAILED);
	memset(p, 0x55, 2 * GR);
	/* Anonymous pages over part of an anonymous mapping: fresh zeros, neighbours kept. */
	q = mmap(p + PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	ck_assert_ptr_eq(q, p + PG);
	ck_assert_uint_eq(q[0], 0);
	ck_assert(!writable(q));
	ck_assert_uint_eq(p[0], 0x55);
	ck_assert_uint_eq(p[2 * PG], 0x55);
	/* A file over the whole anonymous mapping. */
	q = mmap(p, 2 * GR, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0);
	ck_assert_ptr_eq(q, p);
	ck_assert_uint_eq(p[PG + 3], pat(PG + 3));
	/* Anonymous memory over the file mapping, then the file again at an offset. */
	q = mmap(p, 2 * GR, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		 -1, 0);
	ck_assert_ptr_eq(q, p);
	ck_assert_uint_eq(p[PG + 3], 0);
	ck_assert_int_eq(munmap(p, 2 * GR), 0);
	q = mmap(p + 3 * PG, PG, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, GR + 3 * PG);
	ck_assert_ptr_eq(q, p + 3 * PG);
	ck_assert_uint_eq(q[9], pat(GR + 3 * PG + 9));
	ck_assert(inaccessible(p));
	ck_assert_int_eq(munmap(q, PG), 0);
	ck_assert_uint_eq(query(p).State, MEM_FREE);
	remove_file(fd, path);
}
END_TEST

START_TEST(map_fixed_file_views_into_reserved_range_make_a_ring)
{
	char path[MAX_PATH];
	int fd = make_file(path, sizeof path, GR, O_RDWR);
	unsigned char *p, *a, *b;
	volatile unsigned char *v;

	p = mmap(NULL, 2 * GR, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(p, MAP_FAILED);
	a = mmap(p, GR, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0);
	ck_assert_ptr_eq(a, p);
	ck_assert(inaccessible(p + GR));
	b = mmap(p + GR, GR, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0);
	ck_assert_ptr_eq(b, p + GR);
	/* volatile: the compiler may not know that the two addresses are one byte. */
	v = p;
	v[GR - 1] = 0x71;
	ck_assert_uint_eq(v[2 * GR - 1], 0x71);
	v[GR + 5] = 0x72;
	ck_assert_uint_eq(v[5], 0x72);
	ck_assert_int_eq(munmap(p, 2 * GR), 0);
	remove_file(fd, path);
}
END_TEST

/* Another thread allocating address space all the time (large mallocs, thread stacks);
 * when asked to pause it lets its allocation go first. */
struct allocator {
	volatile LONG stop, pause, paused;
};

static DWORD WINAPI allocator_main(LPVOID arg)
{
	struct allocator *al = arg;
	size_t size = 64 * 1024;
	char *p;

	while (!al->stop) {
		if (al->pause) {
			InterlockedExchange(&al->paused, 1);
			while (al->pause && !al->stop)
				Sleep(0);
			InterlockedExchange(&al->paused, 0);
			continue;
		}
		p = VirtualAlloc(NULL, size, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
		if (p != NULL) {
			p[0] = 1;
			VirtualFree(p, 0, MEM_RELEASE);
		}
		size = size >= 4 * 1024 * 1024 ? 64 * 1024 : size * 2;
	}
	return 0;
}

/* Is all of [p, p + len) taken (by the caller's reservation, nothing is free)? */
static int none_free(const char *p, size_t len)
{
	MEMORY_BASIC_INFORMATION mbi;
	const char *q;

	for (q = p; q < p + len; q = (const char *)mbi.BaseAddress + mbi.RegionSize)
		if (VirtualQuery(q, &mbi, sizeof mbi) == 0 || mbi.State == MEM_FREE)
			return 0;
	return 1;
}

/* Linux replaces the pages of a reservation atomically; here another thread's allocation
 * must never make the call fail or take part of the caller's range. */
START_TEST(map_fixed_file_view_into_reservation_while_another_thread_allocates)
{
	const size_t big = 256 * 1024 * 1024;
	struct allocator al = { 0, 0, 0 };
	char path[MAX_PATH];
	int fd = make_file(path, sizeof path, 4 * GR, O_RDWR), i, iters = 600, failed = 0;
	int lost = 0;
	unsigned char *p, *q;
	HANDLE t;

	t = CreateThread(NULL, 0, allocator_main, &al, 0, NULL);
	ck_assert_ptr_nonnull(t);
	for (i = 0; i < iters && !failed; i++) {
		p = mmap(NULL, big, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			failed = -1;
			break;
		}
		q = mmap(p + (size_t)(i % 64) * GR * 16, 4 * GR, PROT_READ, MAP_SHARED | MAP_FIXED,
			 fd, 0);
		if (q != p + (size_t)(i % 64) * GR * 16 || q[GR] != pat(GR))
			failed = i + 1;
		/* Let the allocator give back what it holds, then look: nothing of the range may
		 * have been given away. */
		InterlockedExchange(&al.pause, 1);
		while (!al.paused)
			Sleep(0);
		if (!failed && !none_free((const char *)p, big))
			lost = i + 1;
		munmap(p, big);
		InterlockedExchange(&al.pause, 0);
		if (lost)
			break;
	}
	InterlockedExchange(&al.stop, 1);
	WaitForSingleObject(t, INFINITE);
	CloseHandle(t);
	remove_file(fd, path);
	ck_assert_msg(failed == 0, "MAP_FIXED failed in iteration %d (errno %d)", failed, errno);
	ck_assert_msg(lost == 0, "part of the range was lost in iteration %d", lost);
}
END_TEST

START_TEST(map_fixed_where_windows_cannot_place_fails_without_moving)
{
	char path[MAX_PATH];
	int fd = make_file(path, sizeof path, GR, O_RDWR);
	unsigned char *p, *q;

	p = mmap(NULL, GR, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(p, MAP_FAILED);
	/* File offset and address disagree modulo 64 KiB: no view can start there. */
	errno = 0;
	q = mmap(p + PG, PG, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 2 * PG);
	ck_assert_ptr_eq(q, MAP_FAILED);
	ck_assert_int_eq(errno, EINVAL);
	/* A view cannot start inside committed anonymous memory it does not wholly replace. */
	p[0] = 0x12;
	errno = 0;
	q = mmap(p + GR / 2, PG, PROT_READ, MAP_SHARED | MAP_FIXED, fd, GR / 2);
	ck_assert_ptr_eq(q, MAP_FAILED);
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_uint_eq(p[0], 0x12);
	errno = 0;
	q = mmap(p + 1, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	ck_assert_ptr_eq(q, MAP_FAILED);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(munmap(p, GR), 0);
	remove_file(fd, path);
}
END_TEST

START_TEST(map_fixed_noreplace_fails_eexist_over_a_mapping)
{
	unsigned char *p, *q;

	p = mmap(NULL, 2 * GR, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(p, MAP_FAILED);
	p[GR] = 9;
	errno = 0;
	q = mmap(p + GR, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	ck_assert_ptr_eq(q, MAP_FAILED);
	ck_assert_int_eq(errno, EEXIST);
	ck_assert_uint_eq(p[GR], 9);
	/* Over its own hole it goes exactly where asked. */
	ck_assert_int_eq(munmap(p + GR, GR), 0);
	q = mmap(p + GR, GR, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS |
		 MAP_FIXED_NOREPLACE, -1, 0);
	ck_assert_ptr_eq(q, p + GR);
	ck_assert_uint_eq(q[0], 0);
	ck_assert_int_eq(munmap(p, 2 * GR), 0);
}
END_TEST

START_TEST(mmap_address_without_map_fixed_is_only_a_hint)
{
	unsigned char *p, *q, *r;

	p = mmap(NULL, GR, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(p, MAP_FAILED);
	p[0] = 1;
	q = mmap(p, GR, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(q, MAP_FAILED);
	ck_assert_ptr_ne(q, p);
	ck_assert_uint_eq(p[0], 1);
	/* An unaligned hint is no error either. */
	r = mmap(p + 1, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(r, MAP_FAILED);
	ck_assert_int_eq(munmap(r, PG), 0);
	ck_assert_int_eq(munmap(q, GR), 0);
	ck_assert_int_eq(munmap(p, GR), 0);
}
END_TEST

/* ---------------------------------------------------------------- mprotect */

START_TEST(mprotect_part_of_a_mapping_changes_only_those_pages)
{
	char path[MAX_PATH];
	int fd = make_file(path, sizeof path, GR, O_RDWR);
	unsigned char *maps[2];
	int k;

	maps[0] = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	maps[1] = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 3 * PG);
	for (k = 0; k < 2; k++) {
		unsigned char *p = maps[k];

		ck_assert_ptr_ne(p, MAP_FAILED);
		p[PG] = 0x10;
		ck_assert_int_eq(mprotect(p + PG, 2 * PG, PROT_NONE), 0);
		ck_assert(writable(p));
		ck_assert(inaccessible(p + PG));
		ck_assert(inaccessible(p + 2 * PG));
		ck_assert(writable(p + 3 * PG));
		ck_assert_int_eq(mprotect(p + PG, PG, PROT_READ), 0);
		ck_assert(readable(p + PG) && !writable(p + PG));
		ck_assert_uint_eq(p[PG], 0x10);
		ck_assert_int_eq(mprotect(p + PG, 2 * PG, PROT_READ | PROT_WRITE), 0);
		p[2 * PG] = 0x20;
		ck_assert_uint_eq(p[2 * PG], 0x20);
		ck_assert_int_eq(munmap(p, 4 * PG), 0);
	}
	ck_assert_int_eq(pread_byte(fd, 5 * PG), 0x20);
	remove_file(fd, path);
}
END_TEST

START_TEST(mprotect_write_on_private_file_mapping_copies_on_write)
{
	char path[MAX_PATH];
	int fd = make_file(path, sizeof path, GR, O_RDONLY);
	unsigned char *p;

	p = mmap(NULL, 2 * PG, PROT_READ, MAP_PRIVATE, fd, PG);
	ck_assert_ptr_ne(p, MAP_FAILED);
	ck_assert_int_eq(mprotect(p, 2 * PG, PROT_READ | PROT_WRITE), 0);
	p[PG] = (unsigned char)~pat(2 * PG);
	ck_assert_uint_eq(p[PG], (unsigned char)~pat(2 * PG));
	ck_assert_int_eq(pread_byte(fd, 2 * PG), pat(2 * PG));
	ck_assert_int_eq(munmap(p, 2 * PG), 0);
	ck_assert_int_eq(pread_byte(fd, 2 * PG), pat(2 * PG));
	remove_file(fd, path);
}
END_TEST

START_TEST(mprotect_write_on_shared_mapping_of_read_only_fd_fails_eacces)
{
	char path[MAX_PATH];
	int fd = make_file(path, sizeof path, GR, O_RDONLY);
	unsigned char *p;

	p = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0);
	ck_assert_ptr_ne(p, MAP_FAILED);
	errno = 0;
	ck_assert_int_eq(mprotect(p, PG, PROT_READ | PROT_WRITE), -1);
	ck_assert_int_eq(errno, EACCES);
	ck_assert(!writable(p));
	ck_assert_int_eq(munmap(p, PG), 0);
	remove_file(fd, path);
}
END_TEST

/* ---------------------------------------------------------------- msync */

START_TEST(msync_sync_makes_data_visible_to_read_and_flushes_it)
{
	char path[MAX_PATH];
	int fd = make_file(path, sizeof path, GR, O_RDWR);
	unsigned char *p;

	p = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 2 * PG);
	ck_assert_ptr_ne(p, MAP_FAILED);
	p[PG + 5] = 0xc1;
	ck_assert_int_eq(msync(p, 3 * PG, MS_SYNC), 0);
	ck_assert_int_eq(pread_byte(fd, 3 * PG + 5), 0xc1);
	p[6] = 0xc2;
	ck_assert_int_eq(msync(p, PG, MS_ASYNC), 0);
	ck_assert_int_eq(pread_byte(fd, 2 * PG + 6), 0xc2);
	ck_assert_int_eq(msync(p, PG, MS_INVALIDATE), 0);
	ck_assert_int_eq(msync(p, PG, MS_SYNC | MS_INVALIDATE), 0);
	ck_assert_int_eq(munmap(p, 3 * PG), 0);
	ck_assert_int_eq(close(fd), 0);
	/* After closing and reopening, the data is in the file itself. */
	fd = open(path, O_RDONLY | O_BINARY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread_byte(fd, 3 * PG + 5), 0xc1);
	remove_file(fd, path);
}
END_TEST

START_TEST(msync_rejects_bad_flags_and_addresses)
{
	unsigned char *p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ck_assert_ptr_ne(p, MAP_FAILED);
	errno = 0;
	ck_assert_int_eq(msync(p, PG, MS_SYNC | MS_ASYNC), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(msync(p, PG, 0x100), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(msync(p + 1, PG, MS_SYNC), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(msync(p, 2 * PG, MS_SYNC), 0);
	ck_assert_int_eq(munmap(p, 2 * PG), 0);
	errno = 0;
	ck_assert_int_eq(msync(p, PG, MS_SYNC), -1);
	ck_assert_int_eq(errno, ENOMEM);
}
END_TEST

/* ---------------------------------------------------------------- errors */

static void expect_mmap_error(void *addr, size_t len, int prot, int flags, int fd,
			      int64_t off, int e)
{
	errno = 0;
	ck_assert_ptr_eq(mmap64(addr, len, prot, flags, fd, off), MAP_FAILED);
	ck_assert_int_eq(errno, e);
}

START_TEST(mmap_of_file_with_length_of_2_63_or_more_is_enomem)
{
	/* SIZE_MAX / 2 + 1 is 2^63 where size_t has 64 bits (its top bit on i686). */
	static const size_t lens[] = { SIZE_MAX / 2 + 1, SIZE_MAX / 2 + 1 + 4096, SIZE_MAX - 8192,
				       SIZE_MAX };
	char path[MAX_PATH];
	size_t i;
	int fd;

	tu_path(path, sizeof path, "hugelen");
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "x", 1), 1);
	for (i = 0; i < sizeof lens / sizeof lens[0]; i++) {
		errno = 0;
		ck_assert_ptr_eq(mmap(NULL, lens[i], PROT_READ, MAP_SHARED, fd, 0), MAP_FAILED);
		ck_assert_msg(errno == ENOMEM, "length %zx: errno %d", lens[i], errno);
		errno = 0;
		ck_assert_ptr_eq(mmap(NULL, lens[i], PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1,
				      0), MAP_FAILED);
		ck_assert_int_eq(errno, ENOMEM);
	}
	close(fd);
	unlink(path);
}
END_TEST

START_TEST(mmap_errors_are_the_ones_linux_gives)
{
	char path[MAX_PATH];
	int fd = make_file(path, sizeof path, GR, O_RDWR), ro, wo, fds[2];

	ro = open(path, O_RDONLY | O_BINARY);
	wo = open(path, O_WRONLY | O_BINARY);
	ck_assert_int_ge(ro, 0);
	ck_assert_int_ge(wo, 0);
	ck_assert_int_eq(_pipe(fds, 4096, O_BINARY), 0);
	expect_mmap_error(NULL, 0, PROT_READ, MAP_SHARED, fd, 0, EINVAL);
	expect_mmap_error(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, EINVAL);
	expect_mmap_error(NULL, PG, PROT_READ, MAP_SHARED, fd, 100, EINVAL);
	expect_mmap_error(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 1, EINVAL);
	expect_mmap_error(NULL, PG, PROT_READ, 0, fd, 0, EINVAL);
	expect_mmap_error(NULL, PG, PROT_READ, MAP_ANONYMOUS, -1, 0, EINVAL);
	expect_mmap_error(NULL, PG, PROT_READ, MAP_SHARED_VALIDATE | 0x8000000, fd, 0,
			  EOPNOTSUPP);
	expect_mmap_error(NULL, PG, PROT_READ, MAP_SHARED, -1, 0, EBADF);
	expect_mmap_error(NULL, PG, PROT_READ, MAP_PRIVATE, 9999, 0, EBADF);
	expect_mmap_error(NULL, PG, PROT_READ, MAP_SHARED, fds[0], 0, ENODEV);
	expect_mmap_error(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0, EACCES);
	expect_mmap_error(NULL, PG, PROT_READ, MAP_SHARED, wo, 0, EACCES);
	expect_mmap_error(NULL, PG, PROT_READ, MAP_PRIVATE, wo, 0, EACCES);
	expect_mmap_error(NULL, PG, PROT_READ, MAP_SHARED, fd, -PG, EOVERFLOW);
	expect_mmap_error(NULL, 2 * PG, PROT_READ, MAP_SHARED, fd, INT64_MAX - PG + 1,
			  EOVERFLOW);
	expect_mmap_error(NULL, SIZE_MAX, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, ENOMEM);
	expect_mmap_error(NULL, SIZE_MAX / 4 + 1, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, ENOMEM);
	expect_mmap_error((void *)(uintptr_t)(GR + 1), PG, PROT_READ,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0, EINVAL);
	/* MAP_SHARED without MAP_SHARED_VALIDATE ignores unknown flags, as Linux does. */
	ck_assert_int_eq(munmap(mmap(NULL, PG, PROT_READ, MAP_SHARED | 0x8000000, fd, 0), PG),
			 0);
	ck_assert_int_eq(close(fds[0]), 0);
	ck_assert_int_eq(close(fds[1]), 0);
	ck_assert_int_eq(close(ro), 0);
	ck_assert_int_eq(close(wo), 0);
	remove_file(fd, path);
}
END_TEST

START_TEST(munmap_and_mprotect_errors_are_the_ones_linux_gives)
{
	unsigned char *p = mmap(NULL, 2 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ck_assert_ptr_ne(p, MAP_FAILED);
	errno = 0;
	ck_assert_int_eq(munmap(p + 1, PG), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(munmap(p, 0), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(munmap(p, SIZE_MAX - PG), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(mprotect(p + 1, PG, PROT_READ), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(mprotect(p, PG, 0x100), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(mprotect(p, 0, PROT_READ), 0);
	ck_assert_int_eq(munmap(p, 2 * PG), 0);
	errno = 0;
	ck_assert_int_eq(mprotect(p, PG, PROT_READ), -1);
	ck_assert_int_eq(errno, ENOMEM);
}
END_TEST

/* ---------------------------------------------------------------- threads */

struct worker {
	int fd;
	int id;
	int failures;
};

static DWORD WINAPI map_worker(LPVOID arg)
{
	struct worker *w = arg;
	unsigned char *p, *q;
	int i, k;

	for (i = 0; i < 150; i++) {
		k = (i + w->id) % 12;
		p = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, w->fd, (off_t)(k * PG));
		q = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED || q == MAP_FAILED) {
			w->failures++;
			continue;
		}
		if (p[PG + 1] != pat(k * PG + PG + 1) || q[PG] != 0)
			w->failures++;
		q[PG] = 1;
		if (munmap(p + PG, PG) || munmap(q, PG) || munmap(p, 4 * PG) ||
		    munmap(q + PG, 2 * PG))
			w->failures++;
	}
	return 0;
}

START_TEST(mmap_and_munmap_from_several_threads_at_once)
{
	char path[MAX_PATH];
	int fd = make_file(path, sizeof path, GR, O_RDWR), i;
	struct worker w[4];
	HANDLE t[4];

	for (i = 0; i < 4; i++) {
		w[i].fd = fd;
		w[i].id = i;
		w[i].failures = 0;
		t[i] = CreateThread(NULL, 0, map_worker, &w[i], 0, NULL);
		ck_assert_ptr_nonnull(t[i]);
	}
	ck_assert_uint_eq(WaitForMultipleObjects(4, t, TRUE, 60000), WAIT_OBJECT_0);
	for (i = 0; i < 4; i++) {
		CloseHandle(t[i]);
		ck_assert_int_eq(w[i].failures, 0);
	}
	remove_file(fd, path);
}
END_TEST

/* ---------------------------------------------------------------- madvise, mlock */

START_TEST(madvise_dontneed_zeroes_private_anonymous_memory)
{
	unsigned char *p = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ck_assert_ptr_ne(p, MAP_FAILED);
	memset(p, 0x5e, 4 * PG);
	ck_assert_int_eq(madvise(p + PG, 2 * PG, MADV_DONTNEED), 0);
	ck_assert_uint_eq(p[0], 0x5e);
	ck_assert_uint_eq(p[PG], 0);
	ck_assert_uint_eq(p[3 * PG - 1], 0);
	ck_assert_uint_eq(p[3 * PG], 0x5e);
	p[PG] = 1;
	ck_assert_int_eq(madvise(p, 4 * PG, MADV_WILLNEED), 0);
	ck_assert_int_eq(madvise(p, 4 * PG, MADV_SEQUENTIAL), 0);
	ck_assert_int_eq(madvise(p, 4 * PG, MADV_FREE), 0);
	ck_assert_int_eq(posix_madvise(p, 4 * PG, POSIX_MADV_DONTNEED), 0);
	ck_assert_int_eq(munmap(p, 4 * PG), 0);
}
END_TEST

START_TEST(madvise_rejects_unknown_advice_and_unaligned_address)
{
	unsigned char *p = mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ck_assert_ptr_ne(p, MAP_FAILED);
	errno = 0;
	ck_assert_int_eq(madvise(p, PG, 12345), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(madvise(p + 1, PG, MADV_NORMAL), -1);
	ck_assert_int_eq(errno, EINVAL);
	/* posix_madvise returns the error number and leaves errno alone. */
	errno = 0;
	ck_assert_int_eq(posix_madvise(p, PG, 12345), EINVAL);
	ck_assert_int_eq(posix_madvise(p + 1, PG, POSIX_MADV_NORMAL), EINVAL);
	ck_assert_int_eq(errno, 0);
	ck_assert_int_eq(munmap(p, PG), 0);
	errno = 0;
	ck_assert_int_eq(madvise(p, PG, MADV_NORMAL), -1);
	ck_assert_int_eq(errno, ENOMEM);
}
END_TEST

START_TEST(mlock_and_munlock_lock_pages_and_mlockall_is_enosys)
{
	unsigned char *p = mmap(NULL, 64 * PG, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ck_assert_ptr_ne(p, MAP_FAILED);
	ck_assert_int_eq(mlock(p + 10, 2 * PG), 0);
	ck_assert_int_eq(munlock(p + 10, 2 * PG), 0);
	/* Beyond the default minimum working set. */
	ck_assert_int_eq(mlock(p, 64 * PG), 0);
	ck_assert_int_eq(munlock(p, 64 * PG), 0);
	ck_assert_int_eq(munlock(p, PG), 0);
	ck_assert_int_eq(munmap(p, 64 * PG), 0);
	errno = 0;
	ck_assert_int_eq(mlock(p, PG), -1);
	ck_assert_int_eq(errno, ENOMEM);
	errno = 0;
	ck_assert_int_eq(mlockall(0), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(mlockall(MCL_CURRENT), -1);
	ck_assert_int_eq(errno, ENOSYS);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("mman");

	TU_ADD(s, mmap_unaligned_64k_offset_maps_requested_bytes);
	TU_ADD(s, mmap64_offset_above_4g_maps_that_offset);
	TU_ADD(s, mmap_longer_than_file_keeps_size_and_faults_past_eof);
	TU_ADD(s, mmap_empty_file_succeeds_and_pages_are_inaccessible);
	TU_ADD(s, map_shared_writes_reach_file_and_other_mappings);
	TU_ADD(s, map_shared_writes_are_seen_by_another_process);
	TU_ADD(s, map_shared_writes_survive_a_crashing_writer);
	TU_ADD(s, map_private_writes_never_reach_the_file);
	TU_ADD(s, native_win32_view_and_mmap_see_each_other);
	TU_ADD(s, map_anonymous_is_zero_filled_and_ignores_fd);
	TU_ADD(s, map_shared_anonymous_is_zero_filled_and_writable);
	TU_ADD(s, munmap_first_middle_last_pages_leaves_the_rest_usable);
	TU_ADD(s, munmap_range_spanning_several_mappings_and_holes);
	TU_ADD(s, munmap_of_unmapped_range_succeeds);
	TU_ADD(s, mmap_munmap_cycles_leak_no_handles_or_address_space);
	TU_ADD(s, map_fixed_replaces_anonymous_and_file_mappings_at_that_address);
	TU_ADD(s, map_fixed_file_views_into_reserved_range_make_a_ring);
	TU_ADD(s, map_fixed_where_windows_cannot_place_fails_without_moving);
	TU_ADD(s, map_fixed_file_view_into_reservation_while_another_thread_allocates);
	TU_ADD(s, map_fixed_noreplace_fails_eexist_over_a_mapping);
	TU_ADD(s, mmap_address_without_map_fixed_is_only_a_hint);
	TU_ADD(s, mprotect_part_of_a_mapping_changes_only_those_pages);
	TU_ADD(s, mprotect_write_on_private_file_mapping_copies_on_write);
	TU_ADD(s, mprotect_write_on_shared_mapping_of_read_only_fd_fails_eacces);
	TU_ADD(s, msync_sync_makes_data_visible_to_read_and_flushes_it);
	TU_ADD(s, msync_rejects_bad_flags_and_addresses);
	TU_ADD(s, mmap_errors_are_the_ones_linux_gives);
	TU_ADD(s, mmap_of_file_with_length_of_2_63_or_more_is_enomem);
	TU_ADD(s, munmap_and_mprotect_errors_are_the_ones_linux_gives);
	TU_ADD(s, mmap_and_munmap_from_several_threads_at_once);
	TU_ADD(s, madvise_dontneed_zeroes_private_anonymous_memory);
	TU_ADD(s, madvise_rejects_unknown_advice_and_unaligned_address);
	TU_ADD(s, mlock_and_munlock_lock_pages_and_mlockall_is_enosys);
	return tu_run(s);
}
