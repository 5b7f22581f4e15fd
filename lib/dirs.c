/* Where shared memory objects and named semaphores live, and the namespace of the library's
 * Win32 kernel objects.  The folder is the user's own, found from the user's profile, so
 * every process of one user meets the same objects whatever its environment (TMP and TEMP
 * differ between an MSYS2 shell, cmd and a scheduled task); only an explicit POSIXIPC_DIR,
 * read at each call, moves it. */
#include <posixipc.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "internal.h"

static wchar_t *env_wide(const wchar_t *var)
{
	DWORD n = GetEnvironmentVariableW(var, NULL, 0);
	wchar_t *w;

	if (n == 0)
		return NULL;
	w = malloc(n * sizeof *w);
	if (w == NULL)
		return NULL;
	if (GetEnvironmentVariableW(var, w, n) + 1 != n || w[0] == L'\0') {
		free(w);
		return NULL;
	}
	return w;
}

wchar_t *pi_long_path(const wchar_t *path)
{
	DWORD n = GetFullPathNameW(path, 0, NULL, NULL);
	wchar_t *full, *out;
	size_t len;

	if (n == 0) {
		pi_fail_win32(0);
		return NULL;
	}
	full = malloc(n * sizeof *full);
	if (full == NULL || GetFullPathNameW(path, n, full, NULL) >= n) {
		free(full);
		errno = ENOMEM;
		return NULL;
	}
	len = wcslen(full);
	while (len > 3 && (full[len - 1] == L'\\' || full[len - 1] == L'/'))
		full[--len] = L'\0';
	out = malloc((len + 8) * sizeof *out);
	if (out == NULL) {
		free(full);
		errno = ENOMEM;
		return NULL;
	}
	if (wcsncmp(full, L"\\\\?\\", 4) == 0)
		wcscpy(out, full);
	else if (wcsncmp(full, L"\\\\", 2) == 0)
		swprintf(out, len + 8, L"\\\\?\\UNC\\%ls", full + 2);
	else
		swprintf(out, len + 8, L"\\\\?\\%ls", full);
	free(full);
	return out;
}

/* From <knownfolders.h> and <shlobj.h>, which need COM headers and libuuid. */
static const GUID local_app_data_id = { 0xf1b32785, 0x6fba, 0x4fcf,
					{ 0x9d, 0x55, 0x7b, 0x8e, 0x7f, 0x15, 0x70, 0x91 } };
#define KF_DONT_VERIFY 0x00004000

typedef HRESULT(WINAPI *known_folder_fn)(const GUID *, DWORD, HANDLE, PWSTR *);
typedef void(WINAPI *task_free_fn)(LPVOID);

static INIT_ONCE default_once = INIT_ONCE_STATIC_INIT;
static wchar_t *default_root;

/* The user's local application data folder, from the profile's registry entries (not from
 * the environment, which SHGetKnownFolderPath does not read for it; checked under Wine 8
 * too).  shell32 is loaded only here, once, so that programs that never create objects do
 * not pay for it. */
static wchar_t *local_app_data(void)
{
	HMODULE shell = LoadLibraryW(L"shell32.dll"), ole = LoadLibraryW(L"ole32.dll");
	known_folder_fn get = NULL;
	task_free_fn release = NULL;
	wchar_t *out = NULL;
	PWSTR w;

	if (shell != NULL)
		get = (known_folder_fn)(void (*)(void))GetProcAddress(shell,
								    "SHGetKnownFolderPath");
	if (ole != NULL)
		release = (task_free_fn)(void (*)(void))GetProcAddress(ole, "CoTaskMemFree");
	if (get != NULL && release != NULL &&
	    get(&local_app_data_id, KF_DONT_VERIFY, NULL, &w) == S_OK) {
		out = _wcsdup(w);
		release(w);
	}
	/* The modules stay loaded: FreeLibrary of shell32 at any time is known to be unsafe. */
	return out;
}

static BOOL CALLBACK find_default_root(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
	wchar_t *base = local_app_data(), *dir;
	wchar_t tmp[MAX_PATH + 16];
	size_t n;

	(void)once, (void)param, (void)ctx;
	/* Without a loaded profile (a process started with a bare token) there is no such
	 * folder: the temporary folder is the only per-user place left. */
	if (base == NULL && GetTempPathW(MAX_PATH + 1, tmp) != 0)
		base = _wcsdup(tmp);
	if (base == NULL)
		return TRUE;
	n = wcslen(base) + 16;
	dir = malloc(n * sizeof *dir);
	if (dir != NULL) {
		swprintf(dir, n, L"%ls\\posixipc", base);
		default_root = pi_long_path(dir);
		free(dir);
	}
	free(base);
	return TRUE;
}

wchar_t *pi_objects_root(void)
{
	wchar_t *env = env_wide(L"POSIXIPC_DIR"), *root;

	if (env != NULL) {
		root = pi_long_path(env);
		free(env);
		return root;
	}
	InitOnceExecuteOnce(&default_once, find_default_root, NULL, NULL);
	if (default_root == NULL)
		return pi_fail(ENOENT), NULL;
	root = _wcsdup(default_root);
	if (root == NULL)
		errno = ENOMEM;
	return root;
}

static int make_dir(const wchar_t *dir)
{
	if (CreateDirectoryW(dir, NULL) || GetLastError() == ERROR_ALREADY_EXISTS)
		return 0;
	return pi_fail_win32(0);
}

static wchar_t *build_path(const char *sub, const char *encoded, int make)
{
	wchar_t *root = pi_objects_root(), *path;
	size_t n;

	if (root == NULL)
		return NULL;
	n = wcslen(root) + strlen(sub) + strlen(encoded) + 3;
	path = malloc(n * sizeof *path);
	if (path == NULL) {
		free(root);
		errno = ENOMEM;
		return NULL;
	}
	swprintf(path, n, L"%ls\\%hs", root, sub);
	if (make && (make_dir(root) < 0 || make_dir(path) < 0)) {
		free(root);
		free(path);
		return NULL;
	}
	swprintf(path, n, L"%ls\\%hs\\%hs", root, sub, encoded);
	free(root);
	return path;
}

wchar_t *pi_object_path(const char *sub, const char *encoded)
{
	return build_path(sub, encoded, 1);
}

wchar_t *pi_object_path_only(const char *sub, const char *encoded)
{
	return build_path(sub, encoded, 0);
}

/* The same two CreateDirectoryW calls pi_object_path makes, so that a root that cannot hold
 * folders fails as it always has.  sub and encoded hold no backslash: cutting the last two
 * components of the path gives back exactly "<root>\<sub>" and "<root>". */
int pi_object_dirs(const wchar_t *path)
{
	wchar_t *dir = _wcsdup(path), *cut;
	DWORD err = 0;

	if (dir == NULL)
		return pi_fail(ENOMEM);
	cut = wcsrchr(dir, L'\\');
	*cut = L'\0';
	cut = wcsrchr(dir, L'\\');
	*cut = L'\0';
	if (make_dir(dir) < 0)
		err = GetLastError();
	*cut = L'\\';
	if (err == 0 && make_dir(dir) < 0)
		err = GetLastError();
	free(dir);
	if (err == 0)
		return 0;
	SetLastError(err);
	return pi_fail_win32(err);
}

const wchar_t *pi_object_namespace(void)
{
	wchar_t v[4];
	DWORD n = GetEnvironmentVariableW(L"POSIXIPC_GLOBAL", v, 4);

	return n == 1 && v[0] == L'1' ? L"Global\\" : L"Local\\";
}

int pi_display_path(const wchar_t *path, char *buf, size_t size)
{
	wchar_t *unc;
	int r;

	if (wcsncmp(path, L"\\\\?\\UNC\\", 8) == 0) {
		unc = _wcsdup(path + 6);
		if (unc == NULL)
			return pi_fail(ENOMEM);
		unc[0] = L'\\';
		r = pi_wide_to_buf(unc, buf, size);
		free(unc);
		return r;
	}
	return pi_wide_to_buf(wcsncmp(path, L"\\\\?\\", 4) == 0 ? path + 4 : path, buf, size);
}

wchar_t *pi_named_path(const char *sub, const char *name, int make)
{
	char encoded[PI_ENCODED_MAX + 1];

	if (pi_name_encode(name, encoded, sizeof encoded) < 0)
		return NULL;
	return make ? pi_object_path(sub, encoded) : pi_object_path_only(sub, encoded);
}

int pi_named_display_path(const char *sub, const char *name, char *buf, size_t size)
{
	wchar_t *path;
	int r;

	if (buf == NULL || size == 0)
		return pi_fail(EINVAL);
	path = pi_named_path(sub, name, 1);
	if (path == NULL)
		return -1;
	r = pi_display_path(path, buf, size);
	free(path);
	return r;
}

PI_EXPORT int posixipc_objects_dir(char *buf, size_t size)
{
	wchar_t *root;
	int r;

	if (buf == NULL || size == 0)
		return pi_fail(EINVAL);
	root = pi_objects_root();
	if (root == NULL)
		return -1;
	r = pi_display_path(root, buf, size);
	free(root);
	return r;
}
