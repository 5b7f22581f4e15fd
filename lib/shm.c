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
#define SHM_ATTRIBUTES PI_SHM_ATTRIBUTES
#define SHM_SHARE (FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)

/* NtSetInformationFile classes and flags that mingw-w64's winternl.h lacks. */
#define SHM_FILE_DISPOSITION_INFORMATION_EX 64
#define SHM_DISPOSITION_DELETE 0x1
#define SHM_DISPOSITION_POSIX_SEMANTICS 0x2

/* make: create the folders too, for callers that do not open the file themselves. */
static wchar_t *object_path(const char *name, int make)
{
	char encoded[PI_ENCODED_MAX + 1];

	if (pi_name_encode(name, encoded, sizeof encoded) < 0)
		return NULL;
	return make ? pi_object_path("shm", encoded) : pi_object_path_only("shm", encoded);
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

/* The library opens an object's file without sharing only in shm_unlink, and only for the
 * two requests that mark it deleted, so a sharing violation is over at once: yield and try
 * again, ten times, then wait up to ten clock ticks for a foreign program's handle. */
#define SHM_BUSY_TRIES 20

static int busy_wait(int tries)
{
	if (GetLastError() != ERROR_SHARING_VIOLATION || tries >= SHM_BUSY_TRIES)
		return 0;
	Sleep(tries < 10 ? 0 : 1);
	return 1;
}

/* The object's folders are made only when the file cannot be reached without them, which
 * saves two CreateDirectoryW calls on every open.  The Win32 error stays in GetLastError(). */
HANDLE pi_object_file(const wchar_t *path, DWORD access, SECURITY_ATTRIBUTES *sa, DWORD disp)
{
	HANDLE h;
	int made = 0, tries = 0;

	do {
		h = CreateFileW(path, access, SHM_SHARE, sa, disp, SHM_ATTRIBUTES, NULL);
		if (h != INVALID_HANDLE_VALUE)
			return h;
		if (GetLastError() == ERROR_PATH_NOT_FOUND && !made) {
			made = 1;
			if (pi_object_dirs(path) < 0)
				return INVALID_HANDLE_VALUE;
			h = CreateFileW(path, access, SHM_SHARE, sa, disp, SHM_ATTRIBUTES, NULL);
			if (h != INVALID_HANDLE_VALUE)
				return h;
		}
	} while (busy_wait(tries++));
	return INVALID_HANDLE_VALUE;
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
	h = pi_object_file(path, *granted, &sa.sa, disposition(oflag));
	if (h == INVALID_HANDLE_VALUE && GetLastError() == ERROR_ACCESS_DENIED) {
		*granted = access;
		h = pi_object_file(path, *granted, &sa.sa, disposition(oflag));
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
	return pi_fd_wrap(h, _O_BINARY | _O_NOINHERIT);
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
	path = pi_object_path_only("shm", encoded);
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
 * again be opened as an object.  path is the \\?\ form pi_object_path builds. */
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

static int mark_delete(HANDLE h)
{
	FILE_DISPOSITION_INFO info;

	info.DeleteFile = TRUE;
	return SetFileInformationByHandle(h, FileDispositionInfo, &info, sizeof info) ? 0 : -1;
}

/* The file goes when its last handle closes.  Windows refuses this while the file is mapped
 * (STATUS_CANNOT_DELETE), and so does Wine 8.0; the sweep deletes it later.  The attributes
 * are looked at only when the plain request fails, which saves a request under Wine. */
static int delete_on_close(HANDLE h)
{
	if (mark_delete(h) == 0)
		return 0;
	return pi_clear_readonly(h) ? mark_delete(h) : -1;
}

/* FILE_WRITE_ATTRIBUTES is for pi_clear_readonly(), asked for only where the file's security
 * grants it.  FILE_FLAG_OPEN_REPARSE_POINT: a link in the folder goes, not its target. */
static HANDLE open_for_delete(const wchar_t *path, DWORD share)
{
	DWORD access = DELETE | SYNCHRONIZE | FILE_READ_ATTRIBUTES;
	HANDLE h;

	h = CreateFileW(path, access | FILE_WRITE_ATTRIBUTES, share, NULL, OPEN_EXISTING,
			FILE_FLAG_OPEN_REPARSE_POINT, NULL);
	if (h == INVALID_HANDLE_VALUE && GetLastError() == ERROR_ACCESS_DENIED)
		h = CreateFileW(path, access, share, NULL, OPEN_EXISTING,
				FILE_FLAG_OPEN_REPARSE_POINT, NULL);
	return h;
}

/* Where POSIX deletion is refused (Windows before 10 1709, file systems other than NTFS;
 * Wine 8.0 does not implement FileDispositionInformationEx at all), rename the file aside,
 * which frees the name at once even while the file is mapped, and let it go when its last
 * handle closes.  *left: the file is mapped and stays behind for the sweep. */
static int rename_and_delete(HANDLE h, const wchar_t *path, int *left)
{
	if (rename_aside(h, path) < 0)
		return -1;
	*left = delete_on_close(h) < 0;
	return 0;
}

static int remove_name(HANDLE h, const wchar_t *path, int *left)
{
	if (delete_posix(h) == 0)
		return 0;
	return rename_and_delete(h, path, left);
}

/* Opened without sharing, the handle is the file's only one that reads, writes or deletes:
 * no descriptor, section or view has it (Wine counts a section as an open of the file;
 * Windows counts its file object until the last handle closes, but refuses deletion while
 * a view is left).  Marked for deletion, it goes when this handle closes, so the name is
 * free at once without a rename.  POSIX deletion still comes first where there is one: a
 * handle that holds no data access (attributes only) would keep a name marked the old way. */
static int remove_alone(HANDLE h, const wchar_t *path, int *left)
{
	if (delete_posix(h) == 0 || delete_on_close(h) == 0)
		return 0;
	return rename_and_delete(h, path, left);
}

/* Files renamed aside while mapped stay behind when their last view goes.  An unlink that
 * leaves one says so with a marker file beside it, so that any process's next unlink in the
 * folder sweeps; every process also sweeps at its first unlink in a folder, for files whose
 * unlink never got as far as the marker.  Listing the folder on every unlink would cost more
 * than the rest of the unlink. */
#define SHM_MARKER L"~sweep"

static SRWLOCK sweep_lock = SRWLOCK_INIT;
static wchar_t *swept_dir;

/* "<folder>\<file>" for the folder of path, with room for any file name. */
static wchar_t *in_folder(const wchar_t *path, const wchar_t *file, size_t *dir)
{
	const wchar_t *slash = wcsrchr(path, L'\\');
	size_t n;
	wchar_t *full;

	*dir = (size_t)(slash - path) + 1;
	n = *dir + MAX_PATH + 1;
	full = malloc(n * sizeof *full);
	if (full == NULL)
		return NULL;
	memcpy(full, path, *dir * sizeof *full);
	wcscpy(full + *dir, file);
	return full;
}

static void put_marker(const wchar_t *path)
{
	size_t dir;
	wchar_t *marker = in_folder(path, SHM_MARKER, &dir);
	HANDLE h;

	if (marker == NULL)
		return;
	h = CreateFileW(marker, FILE_READ_ATTRIBUTES, SHM_SHARE, NULL, OPEN_ALWAYS,
			FILE_ATTRIBUTE_NORMAL, NULL);
	if (h != INVALID_HANDLE_VALUE)
		CloseHandle(h);
	free(marker);
}

/* Is this the process's first unlink in the folder of path, or has a marker been left? */
static int sweep_due(const wchar_t *path)
{
	size_t dir;
	wchar_t *marker = in_folder(path, SHM_MARKER, &dir);
	int due;

	if (marker == NULL)
		return 0;
	AcquireSRWLockExclusive(&sweep_lock);
	due = swept_dir == NULL || wcslen(swept_dir) != dir ||
	      wcsncmp(swept_dir, marker, dir) != 0;
	if (due) {
		free(swept_dir);
		swept_dir = marker;
		marker[dir] = L'\0';
		marker = NULL;
	}
	ReleaseSRWLockExclusive(&sweep_lock);
	if (!due)
		due = GetFileAttributesW(marker) != INVALID_FILE_ATTRIBUTES;
	free(marker);
	return due;
}

/* Deletes what it can: a file still mapped refuses, one merely open goes when it is closed.
 * Every '~' file is already unlinked, so deleting one is always right.  The marker goes
 * first, so that one put by an unlink meanwhile is never lost; it is put back for files
 * that stay.  Returns 1 when any stays. */
static int sweep_aside(const wchar_t *path)
{
	size_t dir;
	wchar_t *full = in_folder(path, L"~*", &dir);
	WIN32_FIND_DATAW data;
	HANDLE find, h;
	int stays = 0;

	if (full == NULL)
		return 0;
	wcscpy(full + dir, SHM_MARKER);
	DeleteFileW(full);
	wcscpy(full + dir, L"~*");
	find = FindFirstFileExW(full, FindExInfoBasic, &data, FindExSearchNameMatch, NULL, 0);
	if (find != INVALID_HANDLE_VALUE) {
		do {
			if (data.cFileName[0] != L'~' || wcscmp(data.cFileName, SHM_MARKER) == 0 ||
			    (data.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY))
				continue;
			wcscpy(full + dir, data.cFileName);
			h = open_for_delete(full, SHM_SHARE);
			if (h == INVALID_HANDLE_VALUE) {
				stays |= GetLastError() != ERROR_FILE_NOT_FOUND;
				continue;
			}
			stays |= delete_on_close(h) < 0;
			CloseHandle(h);
		} while (FindNextFileW(find, &data));
		FindClose(find);
	}
	free(full);
	return stays;
}

/* Take the file alone if nothing else has it open, else shared as it is; the name goes
 * either way.  A sharing violation on both is another unlink of the same name holding the
 * file alone: try again, and find the name gone.  A missing folder is made, as it always
 * was, so that a root that cannot hold one fails as it always has. */
static int unlink_file(const wchar_t *path, int *left)
{
	HANDLE h;
	int tries = 0, made = 0, r;

	for (;;) {
		h = open_for_delete(path, 0);
		if (h != INVALID_HANDLE_VALUE) {
			r = remove_alone(h, path, left);
			break;
		}
		if (GetLastError() == ERROR_SHARING_VIOLATION)
			h = open_for_delete(path, SHM_SHARE);
		if (h != INVALID_HANDLE_VALUE) {
			r = remove_name(h, path, left);
			break;
		}
		if (GetLastError() == ERROR_PATH_NOT_FOUND && !made) {
			made = 1;
			if (pi_object_dirs(path) < 0)
				return -1;
			continue;
		}
		if (!busy_wait(tries++))
			return pi_fail_win32(0);
	}
	CloseHandle(h);
	return r;
}

int pi_object_unlink(const wchar_t *path)
{
	int r, left = 0;

	r = unlink_file(path, &left);
	if (r == 0) {
		if (sweep_due(path))
			left = sweep_aside(path);
		if (left)
			put_marker(path);
	}
	return r;
}

PI_EXPORT int posixipc_shm_unlink(const char *name)
{
	wchar_t *path = object_path(name, 0);
	int r;

	if (path == NULL)
		return -1;
	r = pi_object_unlink(path);
	free(path);
	return r;
}

PI_EXPORT int posixipc_shm_win32_path(const char *name, char *buf, size_t size)
{
	wchar_t *path;
	int r;

	if (buf == NULL || size == 0)
		return pi_fail(EINVAL);
	path = object_path(name, 1);
	if (path == NULL)
		return -1;
	r = pi_display_path(path, buf, size);
	free(path);
	return r;
}
