/* Shared memory objects (shm_open, shm_unlink): each object is an ordinary file in the
 * objects' "shm" folder that lives until shm_unlink.  Unlinking frees the name at once;
 * descriptors and mappings keep the file, and so the memory, until the last of them goes. */
#include <fcntl.h>
#include <io.h>
#include <posixipc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <wchar.h>

#include "internal.h"

#include <winternl.h>

/* Flags shm_open takes besides the access mode.  glibc adds O_CLOEXEC and O_NONBLOCK to
 * every shm_open itself; here descriptors are always close-on-exec and never block. */
#define SHM_FLAGS (O_ACCMODE | O_CREAT | O_EXCL | O_TRUNC | O_CLOEXEC | O_NONBLOCK | _O_BINARY)

/* r in the mode grants reading and mapping, for execution too (Linux maps a readable
 * descriptor PROT_EXEC); w grants writing. */
#define SHM_READ_RIGHTS (FILE_GENERIC_READ | FILE_EXECUTE)
#define SHM_WRITE_RIGHTS FILE_GENERIC_WRITE

/* A temporary file stays in the cache and is written out only under memory pressure, as
 * tmpfs pages are swapped (Wine 8.0 does not keep either attribute; Windows does);
 * FILE_SHARE_DELETE lets shm_unlink rename and delete the file while it is open and mapped. */
#define SHM_ATTRIBUTES (FILE_ATTRIBUTE_TEMPORARY | FILE_ATTRIBUTE_NOT_CONTENT_INDEXED)
#define SHM_SHARE (FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)

/* NtSetInformationFile classes and flags that mingw-w64's winternl.h lacks. */
#define SHM_FILE_DISPOSITION_INFORMATION_EX 64
#define SHM_DISPOSITION_DELETE 0x1
#define SHM_DISPOSITION_POSIX_SEMANTICS 0x2

static wchar_t *object_path(const char *name)
{
	char encoded[PI_ENCODED_MAX + 1];

	if (pi_name_encode(name, encoded, sizeof encoded) < 0)
		return NULL;
	return pi_object_path("shm", encoded);
}

static int valid_flags(int oflag)
{
	int acc = oflag & O_ACCMODE;

	return (oflag & ~SHM_FLAGS) == 0 && (acc == O_RDONLY || acc == O_RDWR);
}

/* O_TRUNC needs write access even on a descriptor opened O_RDONLY (Linux truncates then). */
static DWORD wanted_access(int oflag)
{
	DWORD access = FILE_GENERIC_READ;

	if ((oflag & O_ACCMODE) == O_RDWR || (oflag & O_TRUNC))
		access |= FILE_GENERIC_WRITE;
	return access;
}

static DWORD disposition(int oflag)
{
	if ((oflag & O_CREAT) && (oflag & O_EXCL))
		return CREATE_NEW;
	return (oflag & O_CREAT) ? OPEN_ALWAYS : OPEN_EXISTING;
}

/* Open or create the file; *granted receives the access the handle holds.  FILE_EXECUTE is
 * asked for first so that PROT_EXEC mappings work, and dropped for files whose security
 * does not grant it (made by a native program, say).  The new file's DACL comes from mode;
 * its creator gets the access it asked for, as on Linux.  (Wine 8.0 stores the DACL but does
 * not check it when a file is opened; Windows does.) */
static HANDLE open_file(const wchar_t *path, int oflag, mode_t mode, DWORD *granted)
{
	DWORD access = wanted_access(oflag), err;
	struct pi_sa sa = { { sizeof sa.sa, NULL, FALSE }, NULL };
	HANDLE h;

	if ((oflag & O_CREAT) &&
	    pi_sa_from_mode(mode & 0777 & ~pi_umask(), SHM_READ_RIGHTS, SHM_WRITE_RIGHTS,
			    &sa) < 0)
		return INVALID_HANDLE_VALUE;
	*granted = access | FILE_EXECUTE;
	h = CreateFileW(path, *granted, SHM_SHARE, &sa.sa, disposition(oflag), SHM_ATTRIBUTES,
			NULL);
	if (h == INVALID_HANDLE_VALUE && GetLastError() == ERROR_ACCESS_DENIED) {
		*granted = access;
		h = CreateFileW(path, *granted, SHM_SHARE, &sa.sa, disposition(oflag),
				SHM_ATTRIBUTES, NULL);
	}
	err = GetLastError();
	pi_sa_free(&sa);
	if (h == INVALID_HANDLE_VALUE)
		pi_fail_win32(err);
	return h;
}

static int truncate_file(HANDLE h)
{
	FILE_END_OF_FILE_INFO eof;

	eof.EndOfFile.QuadPart = 0;
	if (!SetFileInformationByHandle(h, FileEndOfFileInfo, &eof, sizeof eof))
		return pi_fail_win32(0);
	return 0;
}

/* A handle without the write access that only O_TRUNC needed.  DUPLICATE_CLOSE_SOURCE
 * closes h whether or not the call succeeds. */
static HANDLE drop_write(HANDLE h, DWORD granted)
{
	HANDLE self = GetCurrentProcess(), ro;

	if (!DuplicateHandle(self, h, self, &ro, FILE_GENERIC_READ | (granted & FILE_EXECUTE),
			     FALSE, DUPLICATE_CLOSE_SOURCE)) {
		pi_fail_win32(0);
		return INVALID_HANDLE_VALUE;
	}
	return ro;
}

static HANDLE open_object(const wchar_t *path, int oflag, mode_t mode)
{
	DWORD granted;
	HANDLE h = open_file(path, oflag, mode, &granted);

	if (h == INVALID_HANDLE_VALUE || !(oflag & O_TRUNC))
		return h;
	if (truncate_file(h) < 0) {
		CloseHandle(h);
		return INVALID_HANDLE_VALUE;
	}
	if ((oflag & O_ACCMODE) == O_RDONLY)
		h = drop_write(h, granted);
	return h;
}

/* The descriptor owns h from here on; _O_NOINHERIT keeps the C runtime from passing it to
 * children, as FD_CLOEXEC does. */
static int wrap_handle(HANDLE h)
{
	int fd;

	errno = 0;
	fd = _open_osfhandle((intptr_t)h, _O_BINARY | _O_NOINHERIT);
	if (fd < 0) {
		CloseHandle(h);
		return pi_fail(errno ? errno : EMFILE);
	}
	return fd;
}

PI_EXPORT int posixipc_shm_open(const char *name, int oflag, mode_t mode)
{
	wchar_t *path;
	HANDLE h;
	char encoded[PI_ENCODED_MAX + 1];

	if (pi_name_encode(name, encoded, sizeof encoded) < 0)
		return -1;
	if (!valid_flags(oflag))
		return pi_fail(EINVAL);
	path = pi_object_path("shm", encoded);
	if (path == NULL)
		return -1;
	h = open_object(path, oflag, mode);
	free(path);
	if (h == INVALID_HANDLE_VALUE)
		return -1;
	return wrap_handle(h);
}

static int set_file_info(HANDLE h, void *info, ULONG size, int cls)
{
	IO_STATUS_BLOCK io;
	NTSTATUS st = NtSetInformationFile(h, &io, info, size, (FILE_INFORMATION_CLASS)cls);

	if (!NT_SUCCESS(st))
		return pi_fail_win32(RtlNtStatusToDosError(st));
	return 0;
}

/* Windows 10 1709 and later on NTFS remove the name at once and keep the file for those
 * who have it open or mapped, exactly as unlink(2) does. */
static int delete_posix(HANDLE h)
{
	ULONG flags = SHM_DISPOSITION_DELETE | SHM_DISPOSITION_POSIX_SEMANTICS;

	return set_file_info(h, &flags, sizeof flags, SHM_FILE_DISPOSITION_INFORMATION_EX);
}

/* "\??\<folder>\~<random>": the object's own folder (a rename cannot leave the volume), as
 * an NT path, and a name with '~', which pi_name_encode never produces, so the file can never
 * again be opened as an object.  path is the \\?\ form pi_object_path returns. */
static wchar_t *aside_path(const wchar_t *path)
{
	const wchar_t *slash = wcsrchr(path, L'\\');
	size_t dir = (size_t)(slash - path) + 1, n = dir + 18;
	uint64_t id = pi_random64();
	wchar_t *out = malloc(n * sizeof *out);

	if (out == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	memcpy(out, path, dir * sizeof *out);
	swprintf(out + dir, n - dir, L"~%08lx%08lx", (unsigned long)(id >> 32),
		 (unsigned long)(id & 0xffffffffu));
	out[1] = L'?';
	return out;
}

static int rename_aside(HANDLE h, const wchar_t *path)
{
	wchar_t *target = aside_path(path);
	FILE_RENAME_INFORMATION *info;
	ULONG len, size;
	int r;

	if (target == NULL)
		return -1;
	len = (ULONG)(wcslen(target) * sizeof(wchar_t));
	size = (ULONG)offsetof(FILE_RENAME_INFORMATION, FileName) + len + sizeof(wchar_t);
	info = calloc(1, size);
	if (info == NULL) {
		free(target);
		return pi_fail(ENOMEM);
	}
	info->ReplaceIfExists = FALSE;
	info->RootDirectory = NULL;
	info->FileNameLength = len;
	memcpy(info->FileName, target, len);
	r = set_file_info(h, info, size, FileRenameInformation);
	free(info);
	free(target);
	return r;
}

/* A read-only attribute would refuse deletion.  Wine 8.0 sets it on every file whose DACL
 * denies the owner writing (a 0400 object); Windows leaves attributes alone. */
static void clear_readonly(HANDLE h)
{
	FILE_BASIC_INFO info;

	if (!GetFileInformationByHandleEx(h, FileBasicInfo, &info, sizeof info) ||
	    !(info.FileAttributes & FILE_ATTRIBUTE_READONLY))
		return;
	info.FileAttributes &= ~(DWORD)FILE_ATTRIBUTE_READONLY;
	if (info.FileAttributes == 0)
		info.FileAttributes = FILE_ATTRIBUTE_NORMAL;
	SetFileInformationByHandle(h, FileBasicInfo, &info, sizeof info);
}

/* The file goes when its last handle closes.  Windows refuses this while the file is mapped
 * (STATUS_CANNOT_DELETE), and so does Wine 8.0; sweep_aside() deletes it later. */
static void delete_on_close(HANDLE h)
{
	FILE_DISPOSITION_INFO info;

	clear_readonly(h);
	info.DeleteFile = TRUE;
	SetFileInformationByHandle(h, FileDispositionInfo, &info, sizeof info);
}

/* FILE_WRITE_ATTRIBUTES is for clear_readonly(), asked for only where the file's security
 * grants it.  FILE_FLAG_OPEN_REPARSE_POINT: a link in the folder goes, not its target. */
static HANDLE open_for_delete(const wchar_t *path)
{
	DWORD access = DELETE | SYNCHRONIZE | FILE_READ_ATTRIBUTES;
	HANDLE h;

	h = CreateFileW(path, access | FILE_WRITE_ATTRIBUTES, SHM_SHARE, NULL, OPEN_EXISTING,
			FILE_FLAG_OPEN_REPARSE_POINT, NULL);
	if (h == INVALID_HANDLE_VALUE && GetLastError() == ERROR_ACCESS_DENIED)
		h = CreateFileW(path, access, SHM_SHARE, NULL, OPEN_EXISTING,
				FILE_FLAG_OPEN_REPARSE_POINT, NULL);
	return h;
}

/* Where POSIX deletion is refused (Windows before 10 1709, file systems other than NTFS;
 * Wine 8.0 does not implement FileDispositionInformationEx at all), rename the file aside,
 * which frees the name at once even while the file is mapped, and let it go when its last
 * handle closes. */
static int remove_name(HANDLE h, const wchar_t *path)
{
	if (delete_posix(h) == 0)
		return 0;
	if (rename_aside(h, path) < 0)
		return -1;
	delete_on_close(h);
	return 0;
}

/* Files renamed aside while mapped stay behind when their last view goes.  Each unlink
 * deletes those it can: a file still mapped refuses, one merely open goes when it is
 * closed.  Every '~' file is already unlinked, so deleting one is always right. */
static void sweep_aside(const wchar_t *path)
{
	const wchar_t *slash = wcsrchr(path, L'\\');
	size_t dir = (size_t)(slash - path) + 1, n = dir + MAX_PATH + 1;
	wchar_t *full = malloc(n * sizeof *full);
	WIN32_FIND_DATAW data;
	HANDLE find, h;

	if (full == NULL)
		return;
	memcpy(full, path, dir * sizeof *full);
	wcscpy(full + dir, L"~*");
	find = FindFirstFileExW(full, FindExInfoBasic, &data, FindExSearchNameMatch, NULL, 0);
	if (find != INVALID_HANDLE_VALUE) {
		do {
			if (data.cFileName[0] != L'~' ||
			    (data.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY))
				continue;
			wcscpy(full + dir, data.cFileName);
			h = open_for_delete(full);
			if (h != INVALID_HANDLE_VALUE) {
				delete_on_close(h);
				CloseHandle(h);
			}
		} while (FindNextFileW(find, &data));
		FindClose(find);
	}
	free(full);
}

PI_EXPORT int posixipc_shm_unlink(const char *name)
{
	wchar_t *path = object_path(name);
	HANDLE h;
	int r;

	if (path == NULL)
		return -1;
	h = open_for_delete(path);
	if (h == INVALID_HANDLE_VALUE) {
		free(path);
		return pi_fail_win32(0);
	}
	r = remove_name(h, path);
	CloseHandle(h);
	if (r == 0)
		sweep_aside(path);
	free(path);
	return r;
}

PI_EXPORT int posixipc_shm_win32_path(const char *name, char *buf, size_t size)
{
	wchar_t *path;
	int r;

	if (buf == NULL || size == 0)
		return pi_fail(EINVAL);
	path = object_path(name);
	if (path == NULL)
		return -1;
	r = pi_display_path(path, buf, size);
	free(path);
	return r;
}
