/* shm_open, shm_unlink and posixipc_shm_win32_path: descriptors, flags, lifetime across
 * processes, unlinking while open and mapped, names, modes, the native Win32 side. */
#include <aclapi.h>
#include <fcntl.h>
#include <io.h>
#include <posixipc.h>
#include <process.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "shm_shared.h"
#include "testutil.h"

static char name[64];

/* Process ids, and so tu_name's names, repeat across runs (Wine reuses them at once): an
 * object a failed run left behind must not fail this one. */
static void setup(void)
{
	tu_name(name, sizeof name, "shm");
	shm_unlink(name);
}

static int create(const char *n)
{
	int fd = shm_open(n, O_RDWR | O_CREAT | O_EXCL, 0600);

	ck_assert_msg(fd >= 0, "shm_open(%s): errno %d", n, errno);
	return fd;
}

static void put(int fd, off_t at, const char *text)
{
	ck_assert_int_eq(lseek(fd, at, SEEK_SET), at);
	ck_assert_int_eq(write(fd, text, strlen(text)), strlen(text));
}

static void expect(int fd, off_t at, const char *text)
{
	char buf[256] = { 0 };
	size_t n = strlen(text);

	ck_assert_int_eq(lseek(fd, at, SEEK_SET), at);
	ck_assert_int_eq(read(fd, buf, n), n);
	ck_assert_str_eq(buf, text);
}

static off_t size_of(int fd)
{
	struct stat st;

	ck_assert_int_eq(fstat(fd, &st), 0);
	return st.st_size;
}

static int exists(const char *n)
{
	int fd = shm_open(n, O_RDONLY, 0);

	if (fd >= 0) {
		close(fd);
		return 1;
	}
	ck_assert_int_eq(errno, ENOENT);
	return 0;
}

/* A writable view of fd's HANDLE made with raw Win32 calls, as a native program would. */
static char *win32_view(int fd, size_t len)
{
	HANDLE map = CreateFileMappingW((HANDLE)_get_osfhandle(fd), NULL, PAGE_READWRITE, 0, 0,
					NULL);
	char *p;

	ck_assert_msg(map != NULL, "CreateFileMapping: error %lu", (unsigned long)GetLastError());
	p = MapViewOfFile(map, FILE_MAP_WRITE, 0, 0, len);
	CloseHandle(map);
	ck_assert_ptr_nonnull(p);
	return p;
}

static char *posix_view(int fd, size_t len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	ck_assert_msg(p != MAP_FAILED, "mmap: errno %d", errno);
	return p;
}

/* ------------------------------------------------------------------ descriptors */

START_TEST(shm_open_returns_crt_descriptor_for_file_io)
{
	int fd = create(name);
	char buf[100];
	int i;

	ck_assert_int_ne(_get_osfhandle(fd), -1);
	ck_assert_int_eq(ftruncate(fd, 100), 0);
	ck_assert_int_eq(size_of(fd), 100);
	put(fd, 10, "abc");
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	ck_assert_int_eq(read(fd, buf, sizeof buf), 100);
	for (i = 0; i < 100; i++)
		ck_assert_int_eq(buf[i], i >= 10 && i < 13 ? "abc"[i - 10] : 0);
	ck_assert_int_eq(read(fd, buf, 1), 0);
	ck_assert_int_eq(close(fd), 0);
	ck_assert_int_eq(shm_unlink(name), 0);
}
END_TEST

START_TEST(shm_new_object_is_empty_and_reads_zeros_after_ftruncate)
{
	int fd = create(name);
	static char buf[8192];
	int i;

	ck_assert_int_eq(size_of(fd), 0);
	ck_assert_int_eq(read(fd, buf, 1), 0);
	ck_assert_int_eq(ftruncate(fd, sizeof buf), 0);
	ck_assert_int_eq(size_of(fd), sizeof buf);
	memset(buf, 0x55, sizeof buf);
	ck_assert_int_eq(read(fd, buf, sizeof buf), sizeof buf);
	for (i = 0; i < (int)sizeof buf; i++)
		ck_assert_int_eq(buf[i], 0);
	close(fd);
	shm_unlink(name);
}
END_TEST

START_TEST(shm_descriptor_is_close_on_exec)
{
	int fd = create(name);
	DWORD info;

	ck_assert_int_eq(fcntl(fd, F_GETFD), FD_CLOEXEC);
	ck_assert(GetHandleInformation((HANDLE)_get_osfhandle(fd), &info));
	ck_assert_int_eq(info & HANDLE_FLAG_INHERIT, 0);
	close(fd);
	shm_unlink(name);
}
END_TEST

static int child_has_fd(int fd)
{
	char args[32];

	snprintf(args, sizeof args, "inherited %d", fd);
	/* _spawn passes inheritable descriptors to the child, as exec keeps them. */
	return tu_wait(tu_spawn_fds("shm_helper", args), INFINITE);
}

START_TEST(shm_descriptor_is_not_inherited_by_child_processes)
{
	char path[MAX_PATH];
	int fd = create(name), plain;

	/* Control: a descriptor opened without O_CLOEXEC does reach the child. */
	tu_path(path, sizeof path, "plain");
	plain = _open(path, _O_RDWR | _O_CREAT | _O_BINARY, 0600);
	ck_assert_int_ge(plain, 0);
	ck_assert_int_eq(child_has_fd(plain), 1);
	ck_assert_int_eq(child_has_fd(fd), 0);
	_close(plain);
	DeleteFileA(path);
	close(fd);
	shm_unlink(name);
}
END_TEST

START_TEST(shm_descriptor_access_mode_follows_oflag)
{
	int rw = create(name), ro = shm_open(name, O_RDONLY, 0);

	ck_assert_int_ge(ro, 0);
	ck_assert_int_eq(fcntl(rw, F_GETFL) & O_ACCMODE, O_RDWR);
	ck_assert_int_eq(fcntl(ro, F_GETFL) & O_ACCMODE, O_RDONLY);
	close(rw);
	close(ro);
	shm_unlink(name);
}
END_TEST

START_TEST(shm_rdonly_descriptor_cannot_write)
{
	int rw = create(name), ro = shm_open(name, O_RDONLY, 0);

	ck_assert_int_ge(ro, 0);
	errno = 0;
	ck_assert_int_eq(write(ro, "x", 1), -1);
	ck_assert_int_eq(errno, EBADF);
	ck_assert_int_eq(size_of(rw), 0);
	close(rw);
	close(ro);
	shm_unlink(name);
}
END_TEST

/* ------------------------------------------------------------------ flags */

START_TEST(shm_open_excl_on_existing_object_is_eexist)
{
	int fd = create(name);

	errno = 0;
	ck_assert_int_eq(shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600), -1);
	ck_assert_int_eq(errno, EEXIST);
	close(fd);
	shm_unlink(name);
}
END_TEST

START_TEST(shm_open_missing_object_without_creat_is_enoent)
{
	errno = 0;
	ck_assert_int_eq(shm_open(name, O_RDWR, 0600), -1);
	ck_assert_int_eq(errno, ENOENT);
	errno = 0;
	ck_assert_int_eq(shm_open(name, O_RDONLY | O_TRUNC, 0600), -1);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(shm_open_wronly_and_unknown_flags_are_einval)
{
	static const int bad[] = { O_WRONLY | O_CREAT, O_ACCMODE | O_CREAT,
				   O_RDWR | O_CREAT | O_APPEND, O_RDWR | O_CREAT | _O_TEXT,
				   O_RDWR | O_CREAT | _O_TEMPORARY };
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		errno = 0;
		ck_assert_int_eq(shm_open(name, bad[i], 0600), -1);
		ck_assert_msg(errno == EINVAL, "flags %#x: errno %d", bad[i], errno);
	}
	ck_assert(!exists(name));
}
END_TEST

START_TEST(shm_open_creat_on_existing_object_keeps_contents)
{
	int fd = create(name), again;

	put(fd, 0, "kept");
	again = shm_open(name, O_RDWR | O_CREAT, 0600);
	ck_assert_int_ge(again, 0);
	ck_assert_int_eq(size_of(again), 4);
	expect(again, 0, "kept");
	close(again);
	close(fd);
	shm_unlink(name);
}
END_TEST

START_TEST(shm_open_trunc_empties_existing_object)
{
	int fd = create(name), again;

	put(fd, 0, "gone");
	again = shm_open(name, O_RDWR | O_TRUNC, 0);
	ck_assert_int_ge(again, 0);
	ck_assert_int_eq(size_of(again), 0);
	ck_assert_int_eq(size_of(fd), 0);
	close(again);
	close(fd);
	shm_unlink(name);
}
END_TEST

/* Undefined by POSIX; Linux truncates and hands out a read-only descriptor. */
START_TEST(shm_open_rdonly_trunc_truncates_and_stays_read_only)
{
	int fd = create(name), ro;

	put(fd, 0, "gone");
	ro = shm_open(name, O_RDONLY | O_TRUNC, 0);
	ck_assert_int_ge(ro, 0);
	ck_assert_int_eq(size_of(ro), 0);
	ck_assert_int_eq(fcntl(ro, F_GETFL) & O_ACCMODE, O_RDONLY);
	ck_assert_int_eq(write(ro, "x", 1), -1);
	close(ro);
	close(fd);
	shm_unlink(name);
}
END_TEST

/* Linux gives the creator the access it asked for whatever the new object's mode says. */
START_TEST(shm_creator_can_write_object_created_read_only)
{
	int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0400), again;

	ck_assert_int_ge(fd, 0);
	put(fd, 0, "mine");
	again = shm_open(name, O_RDONLY, 0);
	ck_assert_int_ge(again, 0);
	expect(again, 0, "mine");
	/* Wine 8.0 does not check a file's DACL when the file is opened; Windows does. */
	if (!tu_under_wine()) {
		errno = 0;
		ck_assert_int_eq(shm_open(name, O_RDWR, 0), -1);
		ck_assert_int_eq(errno, EACCES);
	}
	close(again);
	close(fd);
	ck_assert_int_eq(shm_unlink(name), 0);
}
END_TEST

/* fchmod on the descriptor changes who may open the object next, as on Linux; descriptors
 * already open keep their access. */
START_TEST(shm_fchmod_changes_who_may_open_it)
{
	int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600), again;
	struct stat st;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fchmod(fd, 0400), 0);
	again = shm_open(name, O_RDONLY, 0);
	ck_assert_int_ge(again, 0);
	put(fd, 0, "still");
	expect(again, 0, "still");
	/* Wine keeps no access list on files (fstat reports the C runtime's mode) and does not
	 * check one when a file is opened. */
	if (!tu_under_wine()) {
		errno = 0;
		ck_assert_int_eq(shm_open(name, O_RDWR, 0), -1);
		ck_assert_int_eq(errno, EACCES);
		ck_assert_int_eq(fstat(fd, &st), 0);
		ck_assert_int_eq(st.st_mode & 0777, 0400);
	}
	close(again);
	ck_assert_int_eq(fchmod(fd, 0640), 0);
	again = shm_open(name, O_RDWR, 0);
	ck_assert_int_ge(again, 0);
	if (!tu_under_wine()) {
		ck_assert_int_eq(fstat(again, &st), 0);
		ck_assert_int_eq(st.st_mode & 0777, 0640);
	}
	close(again);
	close(fd);
	errno = 0;
	ck_assert_int_eq(fchmod(fd, 0600), -1);
	ck_assert_int_eq(errno, EBADF);
	ck_assert_int_eq(shm_unlink(name), 0);
}
END_TEST

/* ------------------------------------------------------------------ lifetime */

START_TEST(shm_object_persists_after_last_descriptor_closes)
{
	int fd = create(name);

	ck_assert_int_eq(ftruncate(fd, SIZE), 0);
	put(fd, 100, "still here");
	ck_assert_int_eq(close(fd), 0);
	fd = shm_open(name, O_RDONLY, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(size_of(fd), SIZE);
	expect(fd, 100, "still here");
	close(fd);
	shm_unlink(name);
}
END_TEST

START_TEST(shm_object_persists_after_creating_process_exits)
{
	char args[128];
	int fd;

	snprintf(args, sizeof args, "create %s from-helper", name);
	ck_assert_int_eq(tu_wait(tu_spawn("shm_helper", args), 20000), 0);
	fd = shm_open(name, O_RDONLY, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(size_of(fd), SIZE);
	expect(fd, 0, "from-helper");
	close(fd);
	ck_assert_int_eq(shm_unlink(name), 0);
}
END_TEST

static void crash_keeps_data(const char *how)
{
	char args[128];
	int fd;

	snprintf(args, sizeof args, "crash %s %s crashed-writer", how, name);
	ck_assert_int_eq(tu_wait(tu_spawn("shm_helper", args), 20000), 0);
	fd = shm_open(name, O_RDONLY, 0);
	ck_assert_int_ge(fd, 0);
	expect(fd, 0, "crashed-writer");
	close(fd);
	ck_assert_int_eq(shm_unlink(name), 0);
}

START_TEST(shm_data_written_through_mapping_survives_writer_crash)
{
	crash_keeps_data("mmap");
}
END_TEST

START_TEST(shm_data_written_through_win32_view_survives_writer_crash)
{
	crash_keeps_data("raw");
}
END_TEST

/* ------------------------------------------------------------------ unlink */

START_TEST(shm_unlink_removes_name_while_descriptor_stays_usable)
{
	int fd = create(name);

	put(fd, 0, "before");
	ck_assert_int_eq(shm_unlink(name), 0);
	ck_assert(!exists(name));
	expect(fd, 0, "before");
	put(fd, 6, "+after");
	expect(fd, 0, "before+after");
	ck_assert_int_eq(ftruncate(fd, SIZE), 0);
	ck_assert_int_eq(size_of(fd), SIZE);
	ck_assert_int_eq(close(fd), 0);
}
END_TEST

START_TEST(shm_unlink_twice_is_enoent)
{
	close(create(name));
	ck_assert_int_eq(shm_unlink(name), 0);
	errno = 0;
	ck_assert_int_eq(shm_unlink(name), -1);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(shm_unlink_missing_object_is_enoent)
{
	errno = 0;
	ck_assert_int_eq(shm_unlink(name), -1);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(shm_open_excl_after_unlink_makes_new_empty_object)
{
	int old = create(name), fresh;

	put(old, 0, "old object");
	ck_assert_int_eq(shm_unlink(name), 0);
	fresh = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	ck_assert_msg(fresh >= 0, "shm_open after unlink: errno %d", errno);
	ck_assert_int_eq(size_of(fresh), 0);
	put(fresh, 0, "new");
	expect(old, 0, "old object");
	ck_assert_int_eq(size_of(old), 10);
	close(old);
	close(fresh);
	/* The new object is the one the name now reaches. */
	fresh = shm_open(name, O_RDONLY, 0);
	ck_assert_int_ge(fresh, 0);
	ck_assert_int_eq(size_of(fresh), 3);
	close(fresh);
	ck_assert_int_eq(shm_unlink(name), 0);
}
END_TEST

START_TEST(shm_unlink_while_mapped_keeps_memory)
{
	int fd = create(name), again;
	char *p, *q;

	ck_assert_int_eq(ftruncate(fd, SIZE), 0);
	p = posix_view(fd, SIZE);
	again = shm_open(name, O_RDWR, 0);
	ck_assert_int_ge(again, 0);
	q = posix_view(again, SIZE);
	close(again);
	ck_assert_int_eq(shm_unlink(name), 0);
	close(fd);
	strcpy(p, "through p");
	ck_assert_str_eq(q, "through p");
	/* msync of an object that has no name any more succeeds, as on Linux. */
	ck_assert_int_eq(msync(p, SIZE, MS_SYNC), 0);
	ck_assert_int_eq(munmap(p, SIZE), 0);
	strcpy(q + 100, "q alone");
	ck_assert_str_eq(q + 100, "q alone");
	ck_assert_int_eq(munmap(q, SIZE), 0);
	ck_assert(!exists(name));
}
END_TEST

static void unlink_while_shared(const char *how)
{
	char args[128];
	HANDLE helper;
	int fd = create(name);
	char *p;

	ck_assert_int_eq(ftruncate(fd, SIZE), 0);
	p = strcmp(how, "mmap") == 0 ? posix_view(fd, SIZE) : win32_view(fd, SIZE);
	snprintf(args, sizeof args, "share %s %s", how, name);
	helper = tu_spawn("shm_helper", args);
	if (wait_for(p + READY, "ready") < 0) {
		tu_wait(helper, 0);
		ck_abort_msg("helper did not map the object");
	}
	ck_assert_int_eq(shm_unlink(name), 0);
	close(fd);
	ck_assert(!exists(name));
	memcpy(p + GO, "go", 3);
	ck_assert_int_eq(tu_wait(helper, 20000), 0);
	ck_assert_str_eq(p + REPLY, "reply");
	if (strcmp(how, "mmap") == 0)
		munmap(p, SIZE);
	else
		UnmapViewOfFile(p);
}

START_TEST(shm_unlink_while_two_processes_map_it_keeps_them_sharing)
{
	unlink_while_shared("mmap");
}
END_TEST

START_TEST(shm_unlink_while_two_processes_hold_win32_views_keeps_them_sharing)
{
	unlink_while_shared("raw");
}
END_TEST

/* The folder may hold files unlinked while open; none of them may look like an object. */
START_TEST(shm_unlinked_files_never_show_up_as_objects)
{
	char dir[MAX_PATH], pattern[MAX_PATH + 8], decoded[PI_NAME_MAX + 2];
	int fd = create(name), seen_self = 0;
	WIN32_FIND_DATAA fd_data;
	HANDLE find;

	ck_assert_int_eq(posixipc_objects_dir(dir, sizeof dir), 0);
	snprintf(pattern, sizeof pattern, "%s\\shm\\*", dir);
	ck_assert_int_eq(shm_unlink(name), 0);
	find = FindFirstFileA(pattern, &fd_data);
	ck_assert_ptr_ne(find, INVALID_HANDLE_VALUE);
	do {
		if (strcmp(fd_data.cFileName, ".") == 0 || strcmp(fd_data.cFileName, "..") == 0)
			continue;
		if (pi_name_decode(fd_data.cFileName, decoded, sizeof decoded) == 0 &&
		    strcmp(decoded, name) == 0)
			seen_self = 1;
		if (fd_data.cFileName[0] == '~')
			ck_assert_int_eq(pi_name_decode(fd_data.cFileName, decoded,
							sizeof decoded), -1);
	} while (FindNextFileA(find, &fd_data));
	FindClose(find);
	ck_assert(!seen_self);
	close(fd);
}
END_TEST

/* A file unlinked while mapped cannot be deleted until its views go (Windows refuses to
 * delete mapped files); nothing of it may stay once they have gone. */
START_TEST(shm_storage_of_object_unlinked_while_mapped_is_reclaimed)
{
	char dir[MAX_PATH], other[64];
	int fd, left;
	char *p;

	tu_objects_private(dir, sizeof dir);
	fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || ftruncate(fd, SIZE) != 0)
		tu_objects_restore();
	ck_assert_int_ge(fd, 0);
	p = win32_view(fd, SIZE);
	close(fd);
	ck_assert_int_eq(shm_unlink(name), 0);
	strcpy(p, "unlinked but mapped");
	ck_assert_str_eq(p, "unlinked but mapped");
	UnmapViewOfFile(p);
	/* Any later unlink finishes what the first could not. */
	snprintf(other, sizeof other, "%s.other", name);
	fd = shm_open(other, O_RDWR | O_CREAT | O_EXCL, 0600);
	close(fd);
	ck_assert_int_eq(shm_unlink(other), 0);
	left = tu_files_in(dir, "shm");
	tu_objects_restore();
	ck_assert_int_eq(left, 0);
}
END_TEST

/* With every descriptor closed only the view holds the file: the name must still be free at
 * once, and the view keep the old memory. */
START_TEST(shm_open_excl_after_unlink_of_object_only_mapped_makes_new_object)
{
	int fd = create(name), fresh;
	char *p;

	ck_assert_int_eq(ftruncate(fd, SIZE), 0);
	p = posix_view(fd, SIZE);
	close(fd);
	strcpy(p, "old object");
	ck_assert_int_eq(shm_unlink(name), 0);
	fresh = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	ck_assert_msg(fresh >= 0, "shm_open after unlink: errno %d", errno);
	ck_assert_int_eq(size_of(fresh), 0);
	ck_assert_str_eq(p, "old object");
	ck_assert_int_eq(munmap(p, SIZE), 0);
	close(fresh);
	ck_assert_int_eq(shm_unlink(name), 0);
}
END_TEST

/* A file left behind by another process's unlink is reclaimed by this process's next unlink,
 * though this process has already unlinked in the folder before. */
START_TEST(shm_storage_left_by_another_process_is_reclaimed)
{
	char dir[MAX_PATH], other[64], args[128];
	int fd, left;
	char *p;

	tu_objects_private(dir, sizeof dir);
	snprintf(other, sizeof other, "%s.other", name);
	fd = shm_open(other, O_RDWR | O_CREAT | O_EXCL, 0600);
	close(fd);
	shm_unlink(other);
	fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || ftruncate(fd, SIZE) != 0)
		tu_objects_restore();
	ck_assert_int_ge(fd, 0);
	p = win32_view(fd, SIZE);
	close(fd);
	snprintf(args, sizeof args, "unlink %s", name);
	if (tu_wait(tu_spawn("shm_helper", args), 20000) != 0 || exists(name)) {
		tu_objects_restore();
		ck_abort_msg("the helper did not unlink the object");
	}
	UnmapViewOfFile(p);
	fd = shm_open(other, O_RDWR | O_CREAT | O_EXCL, 0600);
	close(fd);
	ck_assert_int_eq(shm_unlink(other), 0);
	left = tu_files_in(dir, "shm");
	tu_objects_restore();
	ck_assert_int_eq(left, 0);
}
END_TEST

/* Linux unlinks whatever the object's mode; nothing of the file may stay behind. */
START_TEST(shm_unlink_removes_read_only_object_completely)
{
	char dir[MAX_PATH];
	int fd, left;

	tu_objects_private(dir, sizeof dir);
	fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0400);
	if (fd < 0 || write(fd, "data", 4) != 4)
		tu_objects_restore();
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(shm_unlink(name), 0);
	left = tu_files_in(dir, "shm");
	tu_objects_restore();
	ck_assert_int_eq(left, 0);
}
END_TEST

START_TEST(shm_created_without_write_permission_unlinks_completely)
{
	static const mode_t modes[] = { 0, 0444 };
	char dir[MAX_PATH];
	size_t i;
	int fd, left = 0;
	void *p;

	tu_objects_private(dir, sizeof dir);
	for (i = 0; i < sizeof modes / sizeof modes[0] && left == 0; i++) {
		tu_name(name, sizeof name, "shm");
		fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, modes[i]);
		if (fd < 0)
			break;
		close(fd);
		if (shm_unlink(name) != 0)
			break;
		left = tu_files_in(dir, "shm");
		tu_name(name, sizeof name, "shm");
		fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, modes[i]);
		if (fd < 0 || ftruncate(fd, 4096) != 0)
			break;
		p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED || shm_unlink(name) != 0)
			break;
		close(fd);
		munmap(p, 4096);
		/* The storage of an object unlinked while mapped goes by the next unlink. */
		fd = shm_open("/sweep-trigger", O_RDWR | O_CREAT, 0600);
		close(fd);
		shm_unlink("/sweep-trigger");
		left += tu_files_in(dir, "shm");
	}
	tu_objects_restore();
	ck_assert_msg(i == sizeof modes / sizeof modes[0], "mode %03o: %s", (unsigned)modes[i],
		      strerror(errno));
	ck_assert_int_eq(left, 0);
}
END_TEST

START_TEST(shm_open_with_full_descriptor_table_is_emfile)
{
	struct tu_fd_fill fill;
	int fd, e;

	tu_fd_table_fill(&fill);
	errno = 0;
	fd = shm_open(name, O_RDWR | O_CREAT, 0600);
	e = errno;
	tu_fd_table_free(&fill);
	ck_assert_int_eq(fd, -1);
	ck_assert_int_eq(e, EMFILE);
	shm_unlink(name);
}
END_TEST

/* ------------------------------------------------------------------ names */

START_TEST(shm_name_with_and_without_slash_is_the_same_object)
{
	int fd = create(name), again;

	put(fd, 0, "same");
	again = shm_open(name + 1, O_RDONLY, 0);
	ck_assert_int_ge(again, 0);
	expect(again, 0, "same");
	close(again);
	close(fd);
	ck_assert_int_eq(shm_unlink(name + 1), 0);
	ck_assert(!exists(name));
}
END_TEST

START_TEST(shm_names_are_case_sensitive)
{
	char upper[64];
	int a, b;

	snprintf(upper, sizeof upper, "/SHM%s", name + 4);
	a = create(name);
	b = create(upper);
	put(a, 0, "lower");
	expect(b, 0, "");
	ck_assert_int_eq(size_of(b), 0);
	close(a);
	close(b);
	ck_assert_int_eq(shm_unlink(name), 0);
	ck_assert(exists(upper));
	ck_assert_int_eq(shm_unlink(upper), 0);
}
END_TEST

/* As glibc: EINVAL to open, ENOENT to unlink (no object can have such a name). */
START_TEST(shm_malformed_names_are_einval_to_open_and_enoent_to_unlink)
{
	static const char *const bad[] = { "", "/", "//", "/a/b", "a/b", "//a/", "/..", "/.", ".." };
	size_t i;

	errno = 0;
	ck_assert_int_eq(shm_open(NULL, O_RDWR | O_CREAT, 0600), -1);
	ck_assert_int_eq(errno, EINVAL);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		errno = 0;
		ck_assert_int_eq(shm_open(bad[i], O_RDWR | O_CREAT, 0600), -1);
		ck_assert_msg(errno == EINVAL, "shm_open(\"%s\"): errno %d", bad[i], errno);
		errno = 0;
		ck_assert_int_eq(shm_unlink(bad[i]), -1);
		ck_assert_msg(errno == ENOENT, "shm_unlink(\"%s\"): errno %d", bad[i], errno);
	}
}
END_TEST

START_TEST(shm_overlong_name_is_enametoolong)
{
	char longname[PI_NAME_MAX + 3];

	longname[0] = '/';
	memset(longname + 1, 'a', PI_NAME_MAX + 1);
	longname[PI_NAME_MAX + 2] = '\0';
	errno = 0;
	ck_assert_int_eq(shm_open(longname, O_RDWR | O_CREAT, 0600), -1);
	ck_assert_int_eq(errno, ENAMETOOLONG);
	errno = 0;
	ck_assert_int_eq(shm_unlink(longname), -1);
	ck_assert_int_eq(errno, ENAMETOOLONG);
}
END_TEST

/* Names that would be paths, drives, streams or devices to Windows are plain object names. */
START_TEST(shm_names_never_reach_outside_the_objects_folder)
{
	static const char *const odd[] = { "...", "a\\..\\..\\b", "\\x", "c:x", "a:stream",
					   "con", "NUL", "com1.txt", "lpt9", "dot.", "sp ace ",
					   "*?<>|\"", "~tilde" };
	char dir[MAX_PATH], prefix[MAX_PATH + 8], path[MAX_PATH * 2], n[64];
	size_t i, plen;
	DWORD attr;
	int fd;

	ck_assert_int_eq(posixipc_objects_dir(dir, sizeof dir), 0);
	plen = (size_t)snprintf(prefix, sizeof prefix, "%s\\shm\\", dir);
	for (i = 0; i < sizeof odd / sizeof odd[0]; i++) {
		snprintf(n, sizeof n, "%s%s", name, odd[i]);
		fd = shm_open(n, O_RDWR | O_CREAT | O_EXCL, 0600);
		ck_assert_msg(fd >= 0, "shm_open(\"%s\"): errno %d", n, errno);
		put(fd, 0, odd[i]);
		close(fd);
		ck_assert_int_eq(posixipc_shm_win32_path(n, path, sizeof path), 0);
		ck_assert_msg(strncmp(path, prefix, plen) == 0, "%s is outside %s", path, prefix);
		ck_assert_msg(strpbrk(path + plen, "\\/:*?\"<>| ~") == NULL, "bad file name %s",
			      path);
		attr = GetFileAttributesA(path);
		ck_assert_msg(attr != INVALID_FILE_ATTRIBUTES, "%s does not exist", path);
		ck_assert_int_eq(attr & FILE_ATTRIBUTE_DIRECTORY, 0);
		fd = shm_open(n, O_RDONLY, 0);
		ck_assert_int_ge(fd, 0);
		expect(fd, 0, odd[i]);
		close(fd);
		ck_assert_int_eq(shm_unlink(n), 0);
		ck_assert_int_eq(GetFileAttributesA(path), INVALID_FILE_ATTRIBUTES);
	}
}
END_TEST

/* ------------------------------------------------------------------ modes */

static PSID current_user(void)
{
	static union {
		TOKEN_USER user;
		char buf[256];
	} info;
	HANDLE token;
	DWORD n;

	ck_assert(OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token));
	ck_assert(GetTokenInformation(token, TokenUser, &info, sizeof info, &n));
	CloseHandle(token);
	return info.user.User.Sid;
}

/* The rights the object's DACL allows to Everyone; fails on any other stranger's entry. */
static DWORD rights_of_everyone(int fd)
{
	PACL dacl;
	PSECURITY_DESCRIPTOR sd;
	PSID user = current_user();
	DWORD everyone = 0, i;
	ACE_HEADER *ace;
	PSID sid;

	ck_assert_int_eq(GetSecurityInfo((HANDLE)_get_osfhandle(fd), SE_FILE_OBJECT,
					 DACL_SECURITY_INFORMATION, NULL, NULL, &dacl, NULL, &sd),
			 ERROR_SUCCESS);
	ck_assert_ptr_nonnull(dacl);
	for (i = 0; i < dacl->AceCount; i++) {
		ck_assert(GetAce(dacl, i, (void **)&ace));
		if (ace->AceType != ACCESS_ALLOWED_ACE_TYPE)
			continue;
		sid = &((ACCESS_ALLOWED_ACE *)ace)->SidStart;
		if (IsWellKnownSid(sid, WinWorldSid))
			everyone |= ((ACCESS_ALLOWED_ACE *)ace)->Mask;
		else
			ck_assert_msg(EqualSid(sid, user) || IsWellKnownSid(sid, WinLocalSystemSid),
				      "the DACL grants access to another account");
	}
	LocalFree(sd);
	return everyone;
}

START_TEST(shm_mode_0600_grants_other_users_nothing)
{
	int fd = create(name), again;

	ck_assert_int_eq(rights_of_everyone(fd), 0);
	again = shm_open(name, O_RDWR, 0);
	ck_assert_msg(again >= 0, "owner cannot reopen: errno %d", errno);
	close(again);
	close(fd);
	shm_unlink(name);
}
END_TEST

START_TEST(shm_mode_0644_grants_other_users_read_only)
{
	int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0644);
	DWORD rights;

	ck_assert_int_ge(fd, 0);
	rights = rights_of_everyone(fd);
	ck_assert_int_ne(rights & FILE_READ_DATA, 0);
	ck_assert_int_eq(rights & (FILE_WRITE_DATA | FILE_APPEND_DATA | DELETE | WRITE_DAC), 0);
	close(fd);
	shm_unlink(name);
}
END_TEST

START_TEST(shm_mode_is_masked_by_umask)
{
	int old = _umask(077), fd;

	fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0666);
	_umask(old);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(rights_of_everyone(fd), 0);
	close(fd);
	shm_unlink(name);
}
END_TEST

START_TEST(shm_rdonly_descriptor_cannot_be_mapped_shared_writable)
{
	int fd = create(name), ro;
	void *p;

	ck_assert_int_eq(ftruncate(fd, SIZE), 0);
	ro = shm_open(name, O_RDONLY, 0);
	ck_assert_int_ge(ro, 0);
	errno = 0;
	ck_assert_ptr_eq(mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0), MAP_FAILED);
	ck_assert_int_eq(errno, EACCES);
	p = mmap(NULL, SIZE, PROT_READ, MAP_SHARED, ro, 0);
	ck_assert_ptr_ne(p, MAP_FAILED);
	munmap(p, SIZE);
	close(ro);
	close(fd);
	shm_unlink(name);
}
END_TEST

START_TEST(shm_rdonly_handle_cannot_back_a_writable_win32_mapping)
{
	int fd = create(name), ro;
	HANDLE map;
	DWORD err;

	ck_assert_int_eq(ftruncate(fd, SIZE), 0);
	ro = shm_open(name, O_RDONLY, 0);
	ck_assert_int_ge(ro, 0);
	map = CreateFileMappingW((HANDLE)_get_osfhandle(ro), NULL, PAGE_READWRITE, 0, 0, NULL);
	err = GetLastError();
	ck_assert_ptr_null(map);
	ck_assert_int_eq(err, ERROR_ACCESS_DENIED);
	map = CreateFileMappingW((HANDLE)_get_osfhandle(ro), NULL, PAGE_READONLY, 0, 0, NULL);
	ck_assert_ptr_nonnull(map);
	CloseHandle(map);
	close(ro);
	close(fd);
	shm_unlink(name);
}
END_TEST

/* ------------------------------------------------------------------ mappings */

START_TEST(shm_mappings_and_file_io_see_the_same_memory)
{
	int fd = create(name), again;
	char *p, *q;

	ck_assert_int_eq(ftruncate(fd, SIZE), 0);
	again = shm_open(name, O_RDWR, 0);
	ck_assert_int_ge(again, 0);
	p = posix_view(fd, SIZE);
	q = posix_view(again, SIZE);
	strcpy(p, "mapped");
	ck_assert_str_eq(q, "mapped");
	expect(again, 0, "mapped");
	put(fd, 200, "written");
	ck_assert_str_eq(p + 200, "written");
	munmap(p, SIZE);
	munmap(q, SIZE);
	close(again);
	close(fd);
	shm_unlink(name);
}
END_TEST

/* ------------------------------------------------------------------ the Win32 side */

START_TEST(shm_win32_path_is_the_file_in_the_objects_folder)
{
	char dir[MAX_PATH], path[MAX_PATH * 2], want[MAX_PATH * 2], enc[PI_ENCODED_MAX + 1];
	int fd;

	ck_assert_int_eq(pi_name_encode(name, enc, sizeof enc), 0);
	tu_objects_private(dir, sizeof dir);
	fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	close(fd);
	posixipc_shm_win32_path(name, path, sizeof path);
	snprintf(want, sizeof want, "%s\\shm\\%s", dir, enc);
	if (fd < 0 || _stricmp(path, want) != 0 ||
	    GetFileAttributesA(path) == INVALID_FILE_ATTRIBUTES) {
		tu_objects_restore();
		ck_abort_msg("object at %s, want %s (errno %d)", path, want, errno);
	}
	ck_assert_int_eq(shm_unlink(name), 0);
	tu_objects_restore();
	ck_assert_int_eq(GetFileAttributesA(path), INVALID_FILE_ATTRIBUTES);
	/* Without POSIXIPC_DIR: "posixipc\shm" in the user's local application data. */
	tu_objects_private(dir, sizeof dir);
	SetEnvironmentVariableA("POSIXIPC_DIR", NULL);
	snprintf(want, sizeof want, "%s\\posixipc\\shm\\%s", getenv("LOCALAPPDATA"), enc);
	ck_assert_int_eq(posixipc_shm_win32_path(name, path, sizeof path), 0);
	tu_objects_restore();
	ck_assert_str_eq(path, want);
}
END_TEST

/* Peers started from different shells (MSYS2, cmd, a scheduled task) have different TMP and
 * TEMP; they must still meet, and a program that changes TMP keeps its objects. */
START_TEST(shm_objects_folder_does_not_follow_tmp_or_temp)
{
	char dir[MAX_PATH], before[MAX_PATH], after[MAX_PATH], args[256], buf[8] = "";
	struct tu_temp saved;
	int fd, again, code;

	tu_objects_private(dir, sizeof dir);
	SetEnvironmentVariableA("POSIXIPC_DIR", NULL);
	ck_assert_int_eq(posixipc_objects_dir(before, sizeof before), 0);
	fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "meet", 4), 4);
	tu_temp_move(&saved);
	ck_assert_int_eq(posixipc_objects_dir(after, sizeof after), 0);
	again = shm_open(name, O_RDONLY, 0);
	snprintf(args, sizeof args, "expect %s meet", name);
	code = tu_wait(tu_spawn("shm_helper", args), 20000);
	tu_temp_restore(&saved);
	tu_objects_restore();
	ck_assert_str_eq(after, before);
	ck_assert_int_ge(again, 0);
	ck_assert_int_eq(read(again, buf, 4), 4);
	ck_assert_str_eq(buf, "meet");
	ck_assert_int_eq(code, 0);
	close(again);
	close(fd);
	ck_assert_int_eq(shm_unlink(name), 0);
}
END_TEST

START_TEST(shm_win32_path_rejects_bad_arguments)
{
	char path[MAX_PATH * 2];

	errno = 0;
	ck_assert_int_eq(posixipc_shm_win32_path(name, NULL, 10), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(posixipc_shm_win32_path(name, path, 0), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(posixipc_shm_win32_path(name, path, 5), -1);
	ck_assert_int_eq(errno, ERANGE);
	errno = 0;
	ck_assert_int_eq(posixipc_shm_win32_path("/a/b", path, sizeof path), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(posixipc_shm_win32_path(NULL, path, sizeof path), -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(shm_native_win32_program_shares_memory_with_posix_side)
{
	char path[MAX_PATH * 2], *view;
	int fd = create(name);
	HANDLE file, map;

	ck_assert_int_eq(ftruncate(fd, SIZE), 0);
	put(fd, 0, "from posix");
	ck_assert_int_eq(posixipc_shm_win32_path(name, path, sizeof path), 0);
	file = CreateFileA(path, GENERIC_READ | GENERIC_WRITE,
			   FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
			   OPEN_EXISTING, 0, NULL);
	ck_assert_msg(file != INVALID_HANDLE_VALUE, "CreateFile(%s): error %lu", path,
		      (unsigned long)GetLastError());
	map = CreateFileMappingA(file, NULL, PAGE_READWRITE, 0, 0, NULL);
	ck_assert_ptr_nonnull(map);
	view = MapViewOfFile(map, FILE_MAP_WRITE, 0, 0, 0);
	ck_assert_ptr_nonnull(view);
	ck_assert_str_eq(view, "from posix");
	strcpy(view + 100, "from win32");
	expect(fd, 100, "from win32");
	UnmapViewOfFile(view);
	CloseHandle(map);
	CloseHandle(file);
	close(fd);
	ck_assert_int_eq(shm_unlink(name), 0);
}
END_TEST

START_TEST(shm_file_is_temporary_and_not_content_indexed)
{
	char path[MAX_PATH * 2];
	int fd = create(name);
	DWORD attr;

	ck_assert_int_eq(posixipc_shm_win32_path(name, path, sizeof path), 0);
	attr = GetFileAttributesA(path);
	ck_assert_int_ne(attr, INVALID_FILE_ATTRIBUTES);
	ck_assert_int_eq(attr & FILE_ATTRIBUTE_DIRECTORY, 0);
	/* Wine 8.0 keeps neither attribute (it stores only read-only, hidden and system);
	 * Windows keeps both. */
	if (!tu_under_wine()) {
		ck_assert_int_ne(attr & FILE_ATTRIBUTE_TEMPORARY, 0);
		ck_assert_int_ne(attr & FILE_ATTRIBUTE_NOT_CONTENT_INDEXED, 0);
	}
	close(fd);
	shm_unlink(name);
}
END_TEST

/* ------------------------------------------------------------------ threads and handles */

START_TEST(shm_open_close_cycles_leak_no_handles)
{
	DWORD before;
	int i, fd;

	close(create(name));
	shm_unlink(name);
	before = tu_handle_count();
	for (i = 0; i < 200; i++) {
		fd = shm_open(name, O_RDWR | O_CREAT, 0600);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(ftruncate(fd, 64), 0);
		if (i % 2)
			ck_assert_int_eq(shm_unlink(name), 0);
		ck_assert_int_eq(close(fd), 0);
	}
	shm_unlink(name);
	ck_assert_int_le(tu_handle_count(), before + 10);
}
END_TEST

#define THREADS 4

static volatile LONG winners, losers, failures;

static DWORD WINAPI race_excl(LPVOID arg)
{
	int fd = shm_open((const char *)arg, O_RDWR | O_CREAT | O_EXCL, 0600);

	if (fd >= 0) {
		InterlockedIncrement(&winners);
		close(fd);
	} else if (errno == EEXIST) {
		InterlockedIncrement(&losers);
	} else {
		InterlockedIncrement(&failures);
	}
	return 0;
}

START_TEST(shm_open_excl_race_has_exactly_one_winner)
{
	HANDLE t[THREADS];
	int round, i;

	for (round = 0; round < 10; round++) {
		winners = losers = failures = 0;
		for (i = 0; i < THREADS; i++) {
			t[i] = CreateThread(NULL, 0, race_excl, name, 0, NULL);
			ck_assert_ptr_nonnull(t[i]);
		}
		WaitForMultipleObjects(THREADS, t, TRUE, INFINITE);
		for (i = 0; i < THREADS; i++)
			CloseHandle(t[i]);
		ck_assert_int_eq(winners, 1);
		ck_assert_int_eq(losers, THREADS - 1);
		ck_assert_int_eq(failures, 0);
		ck_assert_int_eq(shm_unlink(name), 0);
	}
}
END_TEST

static DWORD WINAPI open_write_unlink(LPVOID arg)
{
	char n[64], buf[64];
	int i, fd, len;

	for (i = 0; i < 25; i++) {
		snprintf(n, sizeof n, "%s.%d.%d", (const char *)arg, (int)GetCurrentThreadId(), i);
		len = snprintf(buf, sizeof buf, "%s", n);
		fd = shm_open(n, O_RDWR | O_CREAT | O_EXCL, 0600);
		if (fd < 0 || write(fd, buf, (unsigned)len) != len || shm_unlink(n) != 0 ||
		    lseek(fd, 0, SEEK_SET) != 0 || read(fd, buf, sizeof buf) != len ||
		    strncmp(buf, n, (size_t)len) != 0 || close(fd) != 0)
			InterlockedIncrement(&failures);
	}
	return 0;
}

START_TEST(shm_calls_from_several_threads_do_not_interfere)
{
	HANDLE t[THREADS];
	int i;

	failures = 0;
	for (i = 0; i < THREADS; i++) {
		t[i] = CreateThread(NULL, 0, open_write_unlink, name, 0, NULL);
		ck_assert_ptr_nonnull(t[i]);
	}
	WaitForMultipleObjects(THREADS, t, TRUE, INFINITE);
	for (i = 0; i < THREADS; i++)
		CloseHandle(t[i]);
	ck_assert_int_eq(failures, 0);
}
END_TEST

/* Opening an existing name while other threads unlink and create it again: the name is
 * there or not, never refused. */
static volatile LONG stop_churn;

static DWORD WINAPI churn(LPVOID arg)
{
	int fd;

	while (!stop_churn) {
		fd = shm_open((const char *)arg, O_RDWR | O_CREAT, 0600);
		if (fd < 0)
			InterlockedIncrement(&failures);
		else
			close(fd);
		if (shm_unlink((const char *)arg) != 0 && errno != ENOENT)
			InterlockedIncrement(&failures);
	}
	return 0;
}

START_TEST(shm_open_during_unlink_is_the_object_or_enoent)
{
	HANDLE t[2];
	int i, fd;

	failures = stop_churn = 0;
	for (i = 0; i < 2; i++) {
		t[i] = CreateThread(NULL, 0, churn, name, 0, NULL);
		ck_assert_ptr_nonnull(t[i]);
	}
	for (i = 0; i < 2000; i++) {
		fd = shm_open(name, O_RDWR, 0);
		if (fd >= 0)
			close(fd);
		else if (errno != ENOENT)
			InterlockedIncrement(&failures);
	}
	stop_churn = 1;
	WaitForMultipleObjects(2, t, TRUE, INFINITE);
	for (i = 0; i < 2; i++)
		CloseHandle(t[i]);
	shm_unlink(name);
	ck_assert_int_eq(failures, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("shm");

	tu_fixture(setup, NULL);
	/* descriptors */
	TU_ADD(s, shm_open_returns_crt_descriptor_for_file_io);
	TU_ADD(s, shm_new_object_is_empty_and_reads_zeros_after_ftruncate);
	TU_ADD(s, shm_descriptor_is_close_on_exec);
	TU_ADD(s, shm_descriptor_is_not_inherited_by_child_processes);
	TU_ADD(s, shm_descriptor_access_mode_follows_oflag);
	TU_ADD(s, shm_rdonly_descriptor_cannot_write);

	/* flags */
	TU_ADD(s, shm_open_excl_on_existing_object_is_eexist);
	TU_ADD(s, shm_open_missing_object_without_creat_is_enoent);
	TU_ADD(s, shm_open_wronly_and_unknown_flags_are_einval);
	TU_ADD(s, shm_open_creat_on_existing_object_keeps_contents);
	TU_ADD(s, shm_open_trunc_empties_existing_object);
	TU_ADD(s, shm_open_rdonly_trunc_truncates_and_stays_read_only);
	TU_ADD(s, shm_creator_can_write_object_created_read_only);

	/* lifetime */
	TU_ADD(s, shm_object_persists_after_last_descriptor_closes);
	TU_ADD(s, shm_object_persists_after_creating_process_exits);
	TU_ADD(s, shm_data_written_through_mapping_survives_writer_crash);
	TU_ADD(s, shm_data_written_through_win32_view_survives_writer_crash);

	/* unlink */
	TU_ADD(s, shm_unlink_removes_name_while_descriptor_stays_usable);
	TU_ADD(s, shm_unlink_twice_is_enoent);
	TU_ADD(s, shm_unlink_missing_object_is_enoent);
	TU_ADD(s, shm_open_excl_after_unlink_makes_new_empty_object);
	TU_ADD(s, shm_unlink_while_mapped_keeps_memory);
	TU_ADD(s, shm_unlink_while_two_processes_map_it_keeps_them_sharing);
	TU_ADD(s, shm_unlink_while_two_processes_hold_win32_views_keeps_them_sharing);
	TU_ADD(s, shm_unlinked_files_never_show_up_as_objects);
	TU_ADD(s, shm_storage_of_object_unlinked_while_mapped_is_reclaimed);
	TU_ADD(s, shm_unlink_removes_read_only_object_completely);
	TU_ADD(s, shm_created_without_write_permission_unlinks_completely);
	TU_ADD(s, shm_open_with_full_descriptor_table_is_emfile);
	TU_ADD(s, shm_open_excl_after_unlink_of_object_only_mapped_makes_new_object);
	TU_ADD(s, shm_storage_left_by_another_process_is_reclaimed);

	/* names */
	TU_ADD(s, shm_name_with_and_without_slash_is_the_same_object);
	TU_ADD(s, shm_names_are_case_sensitive);
	TU_ADD(s, shm_malformed_names_are_einval_to_open_and_enoent_to_unlink);
	TU_ADD(s, shm_overlong_name_is_enametoolong);
	TU_ADD(s, shm_names_never_reach_outside_the_objects_folder);

	/* modes */
	TU_ADD(s, shm_mode_0600_grants_other_users_nothing);
	TU_ADD(s, shm_mode_0644_grants_other_users_read_only);
	TU_ADD(s, shm_mode_is_masked_by_umask);
	TU_ADD(s, shm_rdonly_descriptor_cannot_be_mapped_shared_writable);
	TU_ADD(s, shm_rdonly_handle_cannot_back_a_writable_win32_mapping);

	/* mappings */
	TU_ADD(s, shm_mappings_and_file_io_see_the_same_memory);

	/* win32 */
	TU_ADD(s, shm_win32_path_is_the_file_in_the_objects_folder);
	TU_ADD(s, shm_win32_path_rejects_bad_arguments);
	TU_ADD(s, shm_native_win32_program_shares_memory_with_posix_side);
	TU_ADD(s, shm_file_is_temporary_and_not_content_indexed);
	TU_ADD(s, shm_objects_folder_does_not_follow_tmp_or_temp);

	/* threads */
	TU_ADD(s, shm_open_close_cycles_leak_no_handles);
	TU_ADD(s, shm_fchmod_changes_who_may_open_it);
	TU_ADD(s, shm_open_excl_race_has_exactly_one_winner);
	TU_ADD(s, shm_calls_from_several_threads_do_not_interfere);
	TU_ADD(s, shm_open_during_unlink_is_the_object_or_enoent);
	return tu_run(s);
}
