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

/* Flags shm_open takes besides the access mode.  glibc adds O_CLOEXEC and O_NONBLOCK to
 * every shm_open itself; here descriptors are always close-on-exec and never block. */
#define SHM_FLAGS (O_ACCMODE | O_CREAT | O_EXCL | O_TRUNC | O_CLOEXEC | O_NONBLOCK | _O_BINARY)

/* r in the mode grants reading and mapping, for execution too (Linux maps a readable
 * descriptor PROT_EXEC); w grants writing. */
#define SHM_READ_RIGHTS (FILE_GENERIC_READ | FILE_EXECUTE)
#define SHM_WRITE_RIGHTS FILE_GENERIC_WRITE

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

int pi_shm_fchmod(HANDLE h, mode_t mode)
{
	HANDLE w = pi_reopen_to_change(h, READ_CONTROL | WRITE_DAC);
	struct pi_sa sa;
	DWORD err = 0;

	if (w == INVALID_HANDLE_VALUE)
		return -1;
	if (pi_sa_from_mode(mode & 0777, SHM_READ_RIGHTS, SHM_WRITE_RIGHTS, &sa) < 0) {
		err = (DWORD)errno;
		CloseHandle(w);
		return pi_fail((int)err);
	}
	if (!SetKernelObjectSecurity(w, DACL_SECURITY_INFORMATION, sa.sd))
		err = GetLastError();
	pi_sa_free(&sa);
	CloseHandle(w);
	return err ? pi_fail_win32(err) : 0;
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

PI_EXPORT int posixipc_shm_unlink(const char *name)
{
	return pi_object_unlink_name("shm", name);
}

PI_EXPORT int posixipc_shm_win32_path(const char *name, char *buf, size_t size)
{
	return pi_named_display_path("shm", name, buf, size);
}
