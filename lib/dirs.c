/* Where shared memory objects and named semaphores live, and the namespace of the library's
 * Win32 kernel objects.  Both are read from the environment at each call, so a program (or a
 * test) may change them before it creates objects. */
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

/* An absolute path with the \\?\ prefix, so that long paths and names ending in dots or
 * spaces reach the file system unchanged. */
static wchar_t *long_path(const wchar_t *path)
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

wchar_t *pi_objects_root(void)
{
	wchar_t *env = env_wide(L"POSIXIPC_DIR"), *root;
	wchar_t tmp[MAX_PATH + 16];

	if (env != NULL) {
		root = long_path(env);
		free(env);
		return root;
	}
	if (GetTempPathW(MAX_PATH + 1, tmp) == 0) {
		pi_fail_win32(0);
		return NULL;
	}
	wcscat(tmp, L"posixipc");
	return long_path(tmp);
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
