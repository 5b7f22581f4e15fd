/* The life of the library's files: opening and creating object files, publishing a file whole
 * under its name (written beside it, then renamed into place without replacing), and unlinking
 * one that may still be open or mapped, with one sweep of what such unlinks leave behind.
 * Shared memory, named semaphores and message queues all go through here. */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "internal.h"
#include "winapi.h"

/* FILE_SHARE_DELETE lets an unlink rename and delete a file while it is open and mapped. */
#define SHARE_ALL (FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)

/* A temporary file stays in the cache and is written out only under memory pressure, as
 * tmpfs pages are swapped (Wine 8.0 does not keep either attribute; Windows does). */
#define OBJECT_ATTRIBUTES (FILE_ATTRIBUTE_TEMPORARY | FILE_ATTRIBUTE_NOT_CONTENT_INDEXED)

/* The names the library gives files beside an object; pi_name_encode never makes '~' or '+',
 * so none of them can be opened as an object.  A file being published is "+new.<hex>", one
 * unlinked while open is "~<hex>" (every '~' file but the marker is unlinked, and the sweep
 * takes them all, also the "~unlinked.<hex>" of earlier versions), and "~sweep" says that a
 * sweep is due. */
#define PUBLISH_PREFIX L"+new."
#define ASIDE_PREFIX L"~"
#define MARKER L"~sweep"

/* ---------------------------------------------------------------- names */

/* Where path's last component starts; a caller's path may use '/' too. */
static size_t folder_len(const wchar_t *path)
{
	size_t i = wcslen(path);

	while (i > 0 && path[i - 1] != L'\\' && path[i - 1] != L'/')
		i--;
	return i;
}

/* "<folder of path>\<prefix><16 hex digits>", or with hex 0 "<folder of path>\<prefix>". */
static wchar_t *beside(const wchar_t *path, const wchar_t *prefix, int hex)
{
	size_t dir = folder_len(path), n = dir + wcslen(prefix) + 17;
	uint64_t id = pi_random64();
	wchar_t *out = malloc(n * sizeof *out);

	if (out == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	wmemcpy(out, path, dir);
	if (hex)
		swprintf(out + dir, n - dir, L"%ls%08lx%08lx", prefix, (unsigned long)(id >> 32),
			 (unsigned long)(id & 0xffffffffu));
	else
		wcscpy(out + dir, prefix);
	return out;
}

/* The NT form of a Win32 path (\??\C:\..., \??\UNC\server\...), as the rename request
 * takes it. */
static wchar_t *nt_path(const wchar_t *path)
{
	wchar_t *out = pi_long_path(path);

	if (out != NULL)
		out[1] = L'?';
	return out;
}

/* ---------------------------------------------------------------- requests on a handle */

static int set_file_info(HANDLE h, void *info, ULONG size, int cls)
{
	IO_STATUS_BLOCK io;
	NTSTATUS st = NtSetInformationFile(h, &io, info, size, (FILE_INFORMATION_CLASS)cls);

	if (!NT_SUCCESS(st))
		return pi_fail_nt(st);
	return 0;
}

int pi_rename_noreplace(HANDLE h, const wchar_t *path)
{
	wchar_t *target = nt_path(path);
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

/* Windows 10 1709 and later on NTFS remove the name at once and keep the file for those
 * who have it open or mapped, exactly as unlink(2) does. */
static int delete_posix(HANDLE h)
{
	ULONG flags = PI_DISPOSITION_DELETE | PI_DISPOSITION_POSIX_SEMANTICS;

	return set_file_info(h, &flags, sizeof flags, PI_FILE_DISPOSITION_INFORMATION_EX);
}

static int mark_delete(HANDLE h)
{
	FILE_DISPOSITION_INFO info;

	info.DeleteFile = TRUE;
	return SetFileInformationByHandle(h, FileDispositionInfo, &info, sizeof info) ? 0 : -1;
}

/* The file goes when its last handle closes.  Windows refuses this while the file is mapped
 * (STATUS_CANNOT_DELETE), and so does Wine 8.0; the sweep deletes it later.  Wine 8.0 also
 * refuses a file made with a mode that denies the owner writing, which it marks read-only
 * (Windows does not).  The attributes are looked at only when the plain request fails,
 * which saves a request under Wine. */
static int delete_on_close(HANDLE h)
{
	if (mark_delete(h) == 0)
		return 0;
	return pi_set_readonly(h, 0) == 1 ? mark_delete(h) : -1;
}

void pi_file_discard(HANDLE h)
{
	delete_on_close(h);
	CloseHandle(h);
}

/* ---------------------------------------------------------------- opening and publishing */

/* The library opens an object's file without sharing only in an unlink, and only for the
 * two requests that mark it deleted, so a sharing violation is over at once: yield and try
 * again, ten times, then wait up to ten clock ticks for a foreign program's handle. */
#define BUSY_TRIES 20

static int busy_wait(int tries)
{
	if (GetLastError() != ERROR_SHARING_VIOLATION || tries >= BUSY_TRIES)
		return 0;
	Sleep(tries < 10 ? 0 : 1);
	return 1;
}

/* The folders are made only when the file cannot be reached without them, which saves two
 * CreateDirectoryW calls on every open.  The Win32 error stays in GetLastError(). */
static HANDLE object_file(const wchar_t *path, DWORD access, SECURITY_ATTRIBUTES *sa,
			  DWORD disp, DWORD attrs, int make_dirs)
{
	HANDLE h;
	int made = !make_dirs, tries = 0;

	do {
		h = CreateFileW(path, access, SHARE_ALL, sa, disp, attrs, NULL);
		if (h != INVALID_HANDLE_VALUE)
			return h;
		if (GetLastError() == ERROR_PATH_NOT_FOUND && !made) {
			made = 1;
			if (pi_object_dirs(path) < 0)
				return INVALID_HANDLE_VALUE;
			h = CreateFileW(path, access, SHARE_ALL, sa, disp, attrs, NULL);
			if (h != INVALID_HANDLE_VALUE)
				return h;
		}
	} while (busy_wait(tries++));
	return INVALID_HANDLE_VALUE;
}

HANDLE pi_object_file(const wchar_t *path, DWORD access, SECURITY_ATTRIBUTES *sa, DWORD disp)
{
	return object_file(path, access, sa, disp, OBJECT_ATTRIBUTES, 1);
}

static int write_contents(HANDLE file, const struct pi_publish *p)
{
	OVERLAPPED ov;
	DWORD n = 0;

	if (p->size == 0)
		return 0;
	memset(&ov, 0, sizeof ov);
	if (!WriteFile(file, p->data, p->size, &n, &ov))
		return pi_fail_win32(0);
	return n == p->size ? 0 : pi_fail(EIO);
}

/* Best effort: a file left with its attributes while written (hidden, say) still works. */
static void set_final_attributes(HANDLE file, DWORD attrs)
{
	FILE_BASIC_INFO info;

	if (attrs == 0)
		return;
	memset(&info, 0, sizeof info);
	info.FileAttributes = attrs;
	SetFileInformationByHandle(file, FileBasicInfo, &info, sizeof info);
}

/* Other processes see a whole file under the name or none, and a process killed half-way
 * leaves nothing there (only a "+new." file beside it, which no name decodes to). */
HANDLE pi_file_publish(const wchar_t *path, const struct pi_publish *p)
{
	wchar_t *tmp = beside(path, PUBLISH_PREFIX, 1);
	HANDLE file;
	DWORD err;
	int e;

	if (tmp == NULL)
		return INVALID_HANDLE_VALUE;
	file = object_file(tmp, p->access | DELETE, p->sa, CREATE_NEW,
			   p->attributes ? p->attributes : FILE_ATTRIBUTE_NORMAL, p->make_dirs);
	err = GetLastError();
	free(tmp);
	if (file == INVALID_HANDLE_VALUE) {
		pi_fail_win32(err);
		return INVALID_HANDLE_VALUE;
	}
	if (write_contents(file, p) < 0 || (p->fill != NULL && p->fill(file, p->ctx) < 0) ||
	    pi_rename_noreplace(file, path) < 0) {
		e = errno;
		pi_file_discard(file);
		errno = e;
		return INVALID_HANDLE_VALUE;
	}
	set_final_attributes(file, p->final_attributes);
	return file;
}

/* ---------------------------------------------------------------- the sweep */

/* Files renamed aside while mapped stay behind when their last view goes.  An unlink that
 * leaves one says so with a marker file beside it, so that any process's next unlink in the
 * folder sweeps; every process also sweeps at its first unlink in a folder, for files whose
 * unlink never got as far as the marker, and a holder that closes a file renamed aside
 * sweeps too.  Listing the folder on every unlink would cost more than the rest of the
 * unlink. */
static SRWLOCK sweep_lock = SRWLOCK_INIT;
static wchar_t *swept_dir;

/* FILE_WRITE_ATTRIBUTES is for pi_set_readonly(), asked for only where the file's security
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
	wchar_t *marker = beside(path, MARKER, 0);
	HANDLE h;

	if (marker == NULL)
		return;
	h = CreateFileW(marker, FILE_READ_ATTRIBUTES, SHARE_ALL, NULL, OPEN_ALWAYS,
			FILE_ATTRIBUTE_NORMAL, NULL);
	if (h != INVALID_HANDLE_VALUE)
		CloseHandle(h);
	free(marker);
}

/* Is this the process's first unlink in the folder of path, or has a marker been left? */
static int sweep_due(const wchar_t *path)
{
	size_t dir;
	wchar_t *marker = in_folder(path, MARKER, &dir);
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
 * Every '~' file is already unlinked, so deleting one is always right; it is opened under
 * its aside name, since Wine deletes the name the asking handle was opened with.  The
 * marker goes first, so that one put by an unlink meanwhile is never lost; it is put back
 * for files that stay. */
static void sweep(const wchar_t *path)
{
	size_t dir;
	wchar_t *full = in_folder(path, MARKER, &dir);
	WIN32_FIND_DATAW data;
	HANDLE find, h;
	int stays = 0;

	if (full == NULL)
		return;
	DeleteFileW(full);
	wcscpy(full + dir, ASIDE_PREFIX L"*");
	find = FindFirstFileExW(full, FindExInfoBasic, &data, FindExSearchNameMatch, NULL, 0);
	if (find != INVALID_HANDLE_VALUE) {
		do {
			/* The pattern also matches 8.3 short names.  "~new." is a semaphore
			 * that an earlier version of the library is still writing. */
			if (data.cFileName[0] != L'~' || wcscmp(data.cFileName, MARKER) == 0 ||
			    wcsncmp(data.cFileName, L"~new.", 5) == 0 ||
			    (data.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY))
				continue;
			wcscpy(full + dir, data.cFileName);
			h = open_for_delete(full, SHARE_ALL);
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
	if (stays)
		put_marker(path);
}

/* Is the file open as file no longer the one under path?  Wine keeps the name a handle was
 * opened with through renames made by other handles, so the file is compared, not names. */
static int renamed_away(HANDLE file, const wchar_t *path)
{
	BY_HANDLE_FILE_INFORMATION a, b;
	HANDLE h = CreateFileW(path, 0, SHARE_ALL, NULL, OPEN_EXISTING, 0, NULL);
	DWORD err;
	int away;

	if (h == INVALID_HANDLE_VALUE) {
		err = GetLastError();
		return err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND;
	}
	away = GetFileInformationByHandle(file, &a) && GetFileInformationByHandle(h, &b) &&
	       (a.dwVolumeSerialNumber != b.dwVolumeSerialNumber ||
		a.nFileIndexHigh != b.nFileIndexHigh || a.nFileIndexLow != b.nFileIndexLow);
	CloseHandle(h);
	return away;
}

/* An unlink renames before it tries to delete, so either it finds this process's view gone
 * or this finds the rename; another holder's view refuses, and its own close tries again. */
void pi_object_reclaim(HANDLE file, const wchar_t *path)
{
	if (renamed_away(file, path))
		sweep(path);
}

/* ---------------------------------------------------------------- unlink */

/* Where POSIX deletion is refused (Windows before 10 1709, file systems other than NTFS;
 * Wine 8.0 does not implement FileDispositionInformationEx at all), rename the file aside,
 * which frees the name at once even while the file is mapped, and let it go when its last
 * handle closes.  *left: the file is mapped and stays behind for the sweep. */
static int rename_and_delete(HANDLE h, const wchar_t *path, int *left)
{
	wchar_t *aside = beside(path, ASIDE_PREFIX, 1);
	int r;

	if (aside == NULL)
		return -1;
	r = pi_rename_noreplace(h, aside);
	free(aside);
	if (r < 0)
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

/* Take the file alone if nothing else has it open, else shared as it is; the name goes
 * either way.  A sharing violation on both is another unlink of the same name holding the
 * file alone: try again, and find the name gone.  A missing folder is made, so that a root
 * that cannot hold one fails as it always has. */
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
			h = open_for_delete(path, SHARE_ALL);
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
			sweep(path);
		else if (left)
			put_marker(path);
	}
	return r;
}

int pi_object_unlink_name(const char *sub, const char *name)
{
	wchar_t *path = pi_named_path(sub, name, 0);
	int r;

	/* A name no object can have names none to unlink: ENOENT, as glibc says (POSIX lists
	 * no EINVAL for the unlink calls). */
	if (path == NULL)
		return errno == EINVAL && name != NULL ? pi_fail(ENOENT) : -1;
	r = pi_object_unlink(path);
	free(path);
	return r;
}
