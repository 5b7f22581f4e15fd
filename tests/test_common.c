/* The shared internals: Win32 error -> errno, POSIX IPC names, path conversion as the C
 * runtime does it, security descriptors from modes, the objects folder, the descriptor
 * table, sysconf. */
#include <aclapi.h>
#include <fcntl.h>
#include <io.h>
#include <posixipc.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "testutil.h"

START_TEST(errno_from_win32_maps_common_errors)
{
	static const struct {
		DWORD win32;
		int posix;
	} cases[] = {
		{ ERROR_FILE_NOT_FOUND, ENOENT },     { ERROR_PATH_NOT_FOUND, ENOENT },
		{ ERROR_ACCESS_DENIED, EACCES },      { ERROR_ALREADY_EXISTS, EEXIST },
		{ ERROR_FILE_EXISTS, EEXIST },        { ERROR_INVALID_NAME, EINVAL },
		{ ERROR_FILENAME_EXCED_RANGE, ENAMETOOLONG },
		{ ERROR_BROKEN_PIPE, EPIPE },         { ERROR_NO_DATA, EPIPE },
		{ ERROR_PIPE_BUSY, EBUSY },           { ERROR_NOT_ENOUGH_MEMORY, ENOMEM },
		{ ERROR_OUTOFMEMORY, ENOMEM },        { ERROR_COMMITMENT_LIMIT, ENOMEM },
		{ ERROR_TOO_MANY_OPEN_FILES, EMFILE }, { ERROR_INVALID_HANDLE, EBADF },
		{ ERROR_INVALID_PARAMETER, EINVAL },  { ERROR_TOO_MANY_POSTS, EOVERFLOW },
		{ ERROR_SHARING_VIOLATION, EACCES },  { ERROR_DISK_FULL, ENOSPC },
		{ ERROR_NOT_SUPPORTED, ENOTSUP },     { ERROR_CALL_NOT_IMPLEMENTED, ENOSYS },
		{ WAIT_TIMEOUT, ETIMEDOUT },          { ERROR_PRIVILEGE_NOT_HELD, EPERM },
		{ ERROR_DIR_NOT_EMPTY, ENOTEMPTY },   { ERROR_DIRECTORY, ENOTDIR },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		ck_assert_msg(pi_errno_from_win32(cases[i].win32) == cases[i].posix,
			      "Win32 error %lu mapped to %d, want %d",
			      (unsigned long)cases[i].win32, pi_errno_from_win32(cases[i].win32),
			      cases[i].posix);
}
END_TEST

START_TEST(errno_from_win32_unknown_is_eio)
{
	ck_assert_int_eq(pi_errno_from_win32(0x7fff1234), EIO);
}
END_TEST

START_TEST(fail_win32_sets_errno_and_returns_minus_one)
{
	errno = 0;
	ck_assert_int_eq(pi_fail_win32(ERROR_FILE_NOT_FOUND), -1);
	ck_assert_int_eq(errno, ENOENT);
	SetLastError(ERROR_ACCESS_DENIED);
	ck_assert_int_eq(pi_fail_win32(0), -1);
	ck_assert_int_eq(errno, EACCES);
}
END_TEST

static char enc[512];

START_TEST(name_with_and_without_slash_are_the_same)
{
	char other[512];

	ck_assert_int_eq(pi_name_encode("/queue", enc, sizeof enc), 0);
	ck_assert_int_eq(pi_name_encode("queue", other, sizeof other), 0);
	ck_assert_str_eq(enc, other);
	ck_assert_str_eq(enc, "queue");
}
END_TEST

START_TEST(name_empty_slash_and_nested_are_einval)
{
	static const char *const bad[] = { "", "/", "//", "/a/b", "a/b", "/.", "/..", "//a/b" };
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		errno = 0;
		ck_assert_msg(pi_name_encode(bad[i], enc, sizeof enc) == -1 && errno == EINVAL,
			      "name \"%s\" gave errno %d", bad[i], errno);
	}
	errno = 0;
	ck_assert_int_eq(pi_name_encode(NULL, enc, sizeof enc), -1);
	ck_assert_int_eq(errno, EINVAL);
	/* Every leading '/' goes, as glibc strips them. */
	ck_assert_int_eq(pi_name_encode("//a", enc, sizeof enc), 0);
	ck_assert_str_eq(enc, "a");
}
END_TEST

START_TEST(name_longer_than_name_max_is_enametoolong)
{
	char name[PI_NAME_MAX + 3];

	memset(name, 'a', sizeof name);
	name[0] = '/';
	name[PI_NAME_MAX + 2] = '\0';
	errno = 0;
	ck_assert_int_eq(pi_name_encode(name, enc, sizeof enc), -1);
	ck_assert_int_eq(errno, ENAMETOOLONG);
	/* A name that fits after encoding is accepted. */
	name[200] = '\0';
	ck_assert_int_eq(pi_name_encode(name, enc, sizeof enc), 0);
}
END_TEST

START_TEST(name_special_characters_are_encoded_reversibly)
{
	static const char *const names[] = {
		"/a\\b", "/c:d", "/ctl\x01\x1f", "/Upper", "/upper", "/100%", "/dot.",
		"/con", "/NUL.txt", "/com1", "/sp ace", "/\xc3\xa9t\xc3\xa9", "/..x", "/a*?<>|\"",
	};
	char back[512];
	size_t i, j;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		ck_assert_int_eq(pi_name_encode(names[i], enc, sizeof enc), 0);
		for (j = 0; enc[j]; j++)
			ck_assert_msg(strchr("abcdefghijklmnopqrstuvwxyz0123456789_.-%", enc[j]),
				      "\"%s\" encoded to \"%s\"", names[i], enc);
		ck_assert_int_eq(pi_name_decode(enc, back, sizeof back), 0);
		ck_assert_str_eq(back, names[i]);
	}
}
END_TEST

START_TEST(name_encoding_keeps_case_distinct)
{
	char lower[512];

	ck_assert_int_eq(pi_name_encode("/Foo", enc, sizeof enc), 0);
	ck_assert_int_eq(pi_name_encode("/foo", lower, sizeof lower), 0);
	ck_assert_str_ne(enc, lower);
	ck_assert_int_ne(_stricmp(enc, lower), 0);
}
END_TEST

START_TEST(name_device_names_and_trailing_dot_never_reach_win32)
{
	ck_assert_int_eq(pi_name_encode("/con", enc, sizeof enc), 0);
	ck_assert_str_ne(enc, "con");
	ck_assert_int_eq(pi_name_encode("/lpt1.log", enc, sizeof enc), 0);
	ck_assert_int_ne(strncmp(enc, "lpt1", 4), 0);
	ck_assert_int_eq(pi_name_encode("/x.", enc, sizeof enc), 0);
	ck_assert_int_ne(enc[strlen(enc) - 1], '.');
}
END_TEST

START_TEST(name_decode_rejects_foreign_files)
{
	char back[64];

	ck_assert_int_eq(pi_name_decode("Foo", back, sizeof back), -1);
	ck_assert_int_eq(pi_name_decode("a%2", back, sizeof back), -1);
	ck_assert_int_eq(pi_name_decode("a%2f", back, sizeof back), -1);
	ck_assert_int_eq(pi_name_decode("", back, sizeof back), -1);
}
END_TEST

/* A non-ASCII name made of characters the active code page has, as a program would pass it. */
static int acp_string(const wchar_t *w, char *buf, size_t size)
{
	BOOL lossy = FALSE;
	int n = WideCharToMultiByte(CP_ACP, 0, w, -1, buf, (int)size, NULL, &lossy);

	return n > 0 && !lossy;
}

START_TEST(path_conversion_matches_the_crt_open)
{
	char dir[MAX_PATH], path[MAX_PATH], name[64];
	wchar_t *w;
	int fd;

	if (!acp_string(L"caf\u00e9-\u00fc", name, sizeof name) &&
	    !acp_string(L"caf\u00e9", name, sizeof name))
		ck_abort_msg("the active code page has no accented Latin letters");
	tu_path(dir, sizeof dir, "pathconv");
	ck_assert(CreateDirectoryA(dir, NULL));
	snprintf(path, sizeof path, "%s\\%s", dir, name);
	fd = _open(path, _O_CREAT | _O_WRONLY | _O_BINARY, 0600);
	ck_assert_int_ge(fd, 0);
	_close(fd);
	w = pi_path_to_wide(path);
	ck_assert_ptr_nonnull(w);
	ck_assert_msg(GetFileAttributesW(w) != INVALID_FILE_ATTRIBUTES,
		      "the converted path does not name the file the CRT created");
	ck_assert(wcsstr(w, L"caf\u00e9") != NULL);
	{
		char *back = pi_path_from_wide(w);

		ck_assert_ptr_nonnull(back);
		ck_assert_str_eq(back, path);
		free(back);
	}
	DeleteFileW(w);
	free(w);
	RemoveDirectoryA(dir);
}
END_TEST

START_TEST(path_conversion_follows_oem_switch)
{
	ck_assert_uint_eq(pi_path_codepage(), CP_ACP);
	SetFileApisToOEM();
	ck_assert_uint_eq(pi_path_codepage(), CP_OEMCP);
	SetFileApisToANSI();
	ck_assert_uint_eq(pi_path_codepage(), CP_ACP);
}
END_TEST

START_TEST(wide_to_buf_reports_erange)
{
	char small[4];

	errno = 0;
	ck_assert_int_eq(pi_wide_to_buf(L"toolong", small, sizeof small), -1);
	ck_assert_int_eq(errno, ERANGE);
	ck_assert_int_eq(pi_wide_to_buf(L"abc", small, sizeof small), 0);
	ck_assert_str_eq(small, "abc");
}
END_TEST

START_TEST(objects_dir_follows_environment)
{
	char dir[MAX_PATH], got[MAX_PATH];
	wchar_t *p;

	tu_path(dir, sizeof dir, "objects");
	ck_assert(SetEnvironmentVariableA("POSIXIPC_DIR", dir));
	ck_assert_int_eq(posixipc_objects_dir(got, sizeof got), 0);
	ck_assert_str_eq(got, dir);
	p = pi_object_path("shm", "abc");
	ck_assert_ptr_nonnull(p);
	ck_assert(wcsncmp(p, L"\\\\?\\", 4) == 0);
	ck_assert(wcsstr(p, L"\\shm\\abc") != NULL);
	free(p);
	strcat(dir, "\\shm");
	ck_assert_msg(GetFileAttributesA(dir) & FILE_ATTRIBUTE_DIRECTORY, "shm folder missing");
	SetEnvironmentVariableA("POSIXIPC_DIR", NULL);
	ck_assert_int_eq(posixipc_objects_dir(got, sizeof got), 0);
	ck_assert(strstr(got, "posixipc") != NULL);
	errno = 0;
	ck_assert_int_eq(posixipc_objects_dir(got, 2), -1);
	ck_assert_int_eq(errno, ERANGE);
	ck_assert_int_eq(posixipc_objects_dir(NULL, 10), -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(object_namespace_is_local_unless_global_asked)
{
	ck_assert(wcscmp(pi_object_namespace(), L"Local\\") == 0);
	SetEnvironmentVariableA("POSIXIPC_GLOBAL", "1");
	ck_assert(wcscmp(pi_object_namespace(), L"Global\\") == 0);
	SetEnvironmentVariableA("POSIXIPC_GLOBAL", NULL);
}
END_TEST

/* The rights the descriptor grants to Everyone (S-1-1-0). */
static DWORD everyone_rights(PSECURITY_DESCRIPTOR sd)
{
	SID_IDENTIFIER_AUTHORITY world = { SECURITY_WORLD_SID_AUTHORITY };
	PSID everyone;
	BOOL present, defaulted;
	PACL dacl;
	DWORD i, rights = 0;

	ck_assert(AllocateAndInitializeSid(&world, 1, SECURITY_WORLD_RID, 0, 0, 0, 0, 0, 0, 0,
					   &everyone));
	ck_assert(GetSecurityDescriptorDacl(sd, &present, &dacl, &defaulted));
	ck_assert(present && dacl != NULL);
	for (i = 0; i < dacl->AceCount; i++) {
		ACCESS_ALLOWED_ACE *ace;

		ck_assert(GetAce(dacl, i, (void **)&ace));
		if (ace->Header.AceType == ACCESS_ALLOWED_ACE_TYPE &&
		    EqualSid((PSID)&ace->SidStart, everyone))
			rights |= ace->Mask;
	}
	FreeSid(everyone);
	return rights;
}

START_TEST(security_0600_grants_others_nothing)
{
	struct pi_sa sa;

	ck_assert_int_eq(pi_sa_from_mode(0600, GENERIC_READ, GENERIC_WRITE, &sa), 0);
	ck_assert_ptr_eq(sa.sa.lpSecurityDescriptor, sa.sd);
	ck_assert(!sa.sa.bInheritHandle);
	ck_assert_uint_eq(everyone_rights(sa.sd), 0);
	pi_sa_free(&sa);
}
END_TEST

START_TEST(security_0666_grants_others_read_and_write)
{
	struct pi_sa sa;
	DWORD r;

	ck_assert_int_eq(pi_sa_from_mode(0666, FILE_GENERIC_READ, FILE_GENERIC_WRITE, &sa), 0);
	r = everyone_rights(sa.sd);
	ck_assert_uint_eq(r & FILE_GENERIC_READ, FILE_GENERIC_READ);
	ck_assert_uint_eq(r & FILE_GENERIC_WRITE, FILE_GENERIC_WRITE);
	pi_sa_free(&sa);
	ck_assert_int_eq(pi_sa_from_mode(0644, FILE_GENERIC_READ, FILE_GENERIC_WRITE, &sa), 0);
	r = everyone_rights(sa.sd);
	ck_assert_uint_eq(r & FILE_GENERIC_READ, FILE_GENERIC_READ);
	ck_assert_uint_eq(r & FILE_WRITE_DATA, 0);
	pi_sa_free(&sa);
}
END_TEST

START_TEST(security_mode_protects_a_real_file)
{
	char path[MAX_PATH];
	struct pi_sa sa;
	HANDLE h;
	PSECURITY_DESCRIPTOR sd;
	PACL dacl;

	tu_path(path, sizeof path, "secfile");
	ck_assert_int_eq(pi_sa_from_mode(0600, FILE_GENERIC_READ, FILE_GENERIC_WRITE, &sa), 0);
	h = CreateFileA(path, GENERIC_READ | GENERIC_WRITE, 0, &sa.sa, CREATE_NEW,
			FILE_ATTRIBUTE_NORMAL | FILE_FLAG_DELETE_ON_CLOSE, NULL);
	pi_sa_free(&sa);
	ck_assert(h != INVALID_HANDLE_VALUE);
	ck_assert_uint_eq(GetSecurityInfo(h, SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, NULL,
					  NULL, &dacl, NULL, &sd),
			  ERROR_SUCCESS);
	ck_assert_uint_eq(everyone_rights(sd), 0);
	LocalFree(sd);
	CloseHandle(h);
}
END_TEST

START_TEST(random_ids_differ)
{
	uint64_t a = pi_random64(), b = pi_random64();

	ck_assert(a != b);
}
END_TEST

static LONG refs;
static void obj_ref(void *o) { (void)o; InterlockedIncrement(&refs); }
static void obj_unref(void *o) { (void)o; InterlockedDecrement(&refs); }
static const struct pi_fd_ops test_ops = { obj_ref, obj_unref, NULL, NULL, NULL, NULL, NULL,
					    NULL };

START_TEST(fdtable_entry_dies_with_its_handle)
{
	char path[MAX_PATH];
	static int obj;
	const struct pi_fd_ops *ops;
	int fd, other;

	tu_path(path, sizeof path, "fdtable");
	fd = _open(path, _O_CREAT | _O_RDWR | _O_BINARY, 0600);
	other = _open(path, _O_RDWR | _O_BINARY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_ge(other, 0);
	refs = 1;
	ck_assert_int_eq(pi_fd_register(fd, (HANDLE)_get_osfhandle(fd), &test_ops, &obj), 0);
	ck_assert_ptr_eq(pi_fd_acquire(fd, &ops), &obj);
	ck_assert_ptr_eq(ops, &test_ops);
	ck_assert_int_eq(refs, 2);
	pi_fd_release(ops, &obj);
	ck_assert_int_eq(refs, 1);
	/* The runtime gives the descriptor another HANDLE behind the library's back: the
	 * entry no longer applies, and removing it drops its reference. */
	ck_assert_int_eq(_dup2(other, fd), 0);
	ck_assert_ptr_null(pi_fd_acquire(fd, &ops));
	ck_assert_ptr_null(pi_fd_unregister(fd, &ops));
	ck_assert_int_eq(refs, 0);
	_close(fd);
	_close(other);
	_unlink(path);
}
END_TEST

START_TEST(fdtable_unregister_returns_the_object)
{
	char path[MAX_PATH];
	static int obj;
	const struct pi_fd_ops *ops = NULL;
	int fd;

	tu_path(path, sizeof path, "fdtable2");
	fd = _open(path, _O_CREAT | _O_RDWR | _O_BINARY, 0600);
	ck_assert_int_ge(fd, 0);
	refs = 1;
	ck_assert_int_eq(pi_fd_register(fd, (HANDLE)_get_osfhandle(fd), &test_ops, &obj), 0);
	ck_assert_ptr_eq(pi_fd_unregister(fd, &ops), &obj);
	ck_assert_ptr_eq(ops, &test_ops);
	ck_assert_int_eq(refs, 1);
	ck_assert_ptr_null(pi_fd_acquire(fd, &ops));
	_close(fd);
	_unlink(path);
}
END_TEST

START_TEST(sysconf_reports_page_size)
{
	ck_assert_int_eq(sysconf(_SC_PAGESIZE), 4096);
	ck_assert_int_eq(sysconf(_SC_PAGE_SIZE), 4096);
	ck_assert_int_eq(getpagesize(), 4096);
	ck_assert_int_ge(sysconf(_SC_NPROCESSORS_ONLN), 1);
	ck_assert_int_eq(sysconf(_SC_SEM_VALUE_MAX), 2147483647);
	errno = 0;
	ck_assert_int_eq(sysconf(-12345), -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(fcntl_setfd_cloexec_reads_back_and_getfl_gives_access_mode)
{
	char path[MAX_PATH];
	int fd;

	tu_path(path, sizeof path, "fcntl");
	fd = _open(path, _O_CREAT | _O_RDWR | _O_BINARY, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fcntl(fd, F_SETFD, FD_CLOEXEC), 0);
	ck_assert_int_eq(fcntl(fd, F_GETFD), FD_CLOEXEC);
	ck_assert_int_eq(fcntl(fd, F_SETFD, 0), 0);
	ck_assert_int_eq(fcntl(fd, F_GETFD), 0);
	ck_assert_int_eq(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
	ck_assert_int_eq(close(fd), 0);
	errno = 0;
	ck_assert_int_eq(fcntl(fd, F_GETFD), -1);
	ck_assert_int_eq(errno, EBADF);
	fd = _open(path, _O_RDONLY | _O_BINARY);
	ck_assert_int_eq(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDONLY);
	close(fd);
	_unlink(path);
}
END_TEST

/* A thread that opens a file of its own again and again and checks that each descriptor it
 * gets still reads that file, while another thread calls fcntl(F_DUPFD). */
struct opener_loop {
	const char *path;
	volatile LONG stop;
	volatile LONG opens, wrong;
};

static DWORD WINAPI opener_loop_main(LPVOID arg)
{
	struct opener_loop *o = arg;
	char c;
	int fd;

	while (!o->stop) {
		fd = _open(o->path, _O_RDONLY | _O_BINARY);
		if (fd < 0)
			continue;
		/* Let the other thread's F_DUPFD run between open and use. */
		SwitchToThread();
		if (_lseek(fd, 0, SEEK_SET) != 0 || _read(fd, &c, 1) != 1 || c != 'B')
			InterlockedIncrement(&o->wrong);
		_close(fd);
		InterlockedIncrement(&o->opens);
	}
	return 0;
}

static void write_file(const char *path, const char *text)
{
	int fd = _open(path, _O_CREAT | _O_TRUNC | _O_WRONLY | _O_BINARY, 0600);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(_write(fd, text, (unsigned)strlen(text)), (int)strlen(text));
	_close(fd);
}

START_TEST(fcntl_dupfd_never_replaces_another_threads_descriptor)
{
	char a[MAX_PATH], b[MAX_PATH], c;
	struct opener_loop o = { b, 0, 0, 0 };
	HANDLE t;
	int fd, low, d, i;

	tu_path(a, sizeof a, "dupfd-a");
	tu_path(b, sizeof b, "dupfd-b");
	write_file(a, "A");
	write_file(b, "B");
	fd = _open(a, _O_RDONLY | _O_BINARY);
	ck_assert_int_ge(fd, 0);
	low = _dup(fd);
	ck_assert_int_ge(low, 0);
	_close(low);
	t = CreateThread(NULL, 0, opener_loop_main, &o, 0, NULL);
	ck_assert_ptr_nonnull(t);
	for (i = 0; i < 20000 && (i < 2000 || o.opens < 2000); i++) {
		d = fcntl(fd, i % 2 ? F_DUPFD_CLOEXEC : F_DUPFD, low);
		ck_assert_int_ge(d, low);
		ck_assert_int_eq(_lseek(d, 0, SEEK_SET), 0);
		ck_assert_int_eq(_read(d, &c, 1), 1);
		ck_assert_int_eq(c, 'A');
		ck_assert_int_eq(_close(d), 0);
	}
	o.stop = 1;
	ck_assert_int_eq(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
	CloseHandle(t);
	ck_assert_int_gt(o.opens, 0);
	ck_assert_msg(o.wrong == 0, "%ld of %ld descriptors were replaced by F_DUPFD",
		      (long)o.wrong, (long)o.opens);
	close(fd);
	_unlink(a);
	_unlink(b);
}
END_TEST

START_TEST(fcntl_dupfd_gives_lowest_free_at_or_above_minfd)
{
	int fd = _open("NUL", _O_RDONLY), d, e;

	ck_assert_int_ge(fd, 0);
	d = fcntl(fd, F_DUPFD, 100);
	ck_assert_int_eq(d, 100);
	e = fcntl(fd, F_DUPFD, 100);
	ck_assert_int_eq(e, 101);
	close(d);
	d = fcntl(fd, F_DUPFD_CLOEXEC, 100);
	ck_assert_int_eq(d, 100);
	ck_assert_int_eq(fcntl(d, F_GETFD), FD_CLOEXEC);
	close(d);
	close(e);
	/* The descriptors made on the way up are closed again. */
	ck_assert_int_eq(_dup(fd), fd + 1);
	close(fd + 1);
	errno = 0;
	ck_assert_int_eq(fcntl(fd, F_DUPFD, -1), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(fcntl(fd, F_DUPFD, (int)sysconf(_SC_OPEN_MAX)), -1);
	ck_assert_int_eq(errno, EINVAL);
	close(fd);
}
END_TEST

/* Linux says EMFILE when the process has no descriptor left, for every call that makes
 * one; Wine's msvcrt says ENFILE. */
START_TEST(full_descriptor_table_is_emfile_for_open_dup_and_fcntl)
{
	char path[MAX_PATH];
	struct tu_fd_fill fill;
	int fd;

	tu_path(path, sizeof path, "emfile");
	write_file(path, "x");
	fd = _open(path, _O_RDONLY);
	ck_assert_int_ge(fd, 0);
	tu_fd_table_fill(&fill);
	errno = 0;
	ck_assert_int_eq(open(path, O_RDONLY), -1);
	ck_assert_int_eq(errno, EMFILE);
	errno = 0;
	ck_assert_int_eq(dup(fd), -1);
	ck_assert_int_eq(errno, EMFILE);
	errno = 0;
	ck_assert_int_eq(fcntl(fd, F_DUPFD, 0), -1);
	ck_assert_int_eq(errno, EMFILE);
	errno = 0;
	ck_assert_int_eq(fcntl(fd, F_DUPFD_CLOEXEC, 10), -1);
	ck_assert_int_eq(errno, EMFILE);
	tu_fd_table_free(&fill);
	close(fd);
	_unlink(path);
}
END_TEST

START_TEST(version_matches_header)
{
	ck_assert_str_eq(posixipc_version(), POSIXIPC_VERSION_STRING);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("common");

	TU_ADD(s, errno_from_win32_maps_common_errors);
	TU_ADD(s, errno_from_win32_unknown_is_eio);
	TU_ADD(s, fail_win32_sets_errno_and_returns_minus_one);
	TU_ADD(s, name_with_and_without_slash_are_the_same);
	TU_ADD(s, name_empty_slash_and_nested_are_einval);
	TU_ADD(s, name_longer_than_name_max_is_enametoolong);
	TU_ADD(s, name_special_characters_are_encoded_reversibly);
	TU_ADD(s, name_encoding_keeps_case_distinct);
	TU_ADD(s, name_device_names_and_trailing_dot_never_reach_win32);
	TU_ADD(s, name_decode_rejects_foreign_files);
	TU_ADD(s, path_conversion_matches_the_crt_open);
	TU_ADD(s, path_conversion_follows_oem_switch);
	TU_ADD(s, wide_to_buf_reports_erange);
	TU_ADD(s, objects_dir_follows_environment);
	TU_ADD(s, object_namespace_is_local_unless_global_asked);
	TU_ADD(s, security_0600_grants_others_nothing);
	TU_ADD(s, security_0666_grants_others_read_and_write);
	TU_ADD(s, security_mode_protects_a_real_file);
	TU_ADD(s, random_ids_differ);
	TU_ADD(s, fdtable_entry_dies_with_its_handle);
	TU_ADD(s, fdtable_unregister_returns_the_object);
	TU_ADD(s, sysconf_reports_page_size);
	TU_ADD(s, fcntl_setfd_cloexec_reads_back_and_getfl_gives_access_mode);
	TU_ADD(s, fcntl_dupfd_never_replaces_another_threads_descriptor);
	TU_ADD(s, fcntl_dupfd_gives_lowest_free_at_or_above_minfd);
	TU_ADD(s, full_descriptor_table_is_emfile_for_open_dup_and_fcntl);
	TU_ADD(s, version_matches_header);
	return tu_run(s);
}
