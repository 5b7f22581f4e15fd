/* Multibyte <-> wide conversion of paths and names, done the way the C runtime's own file
 * functions do it: through the ANSI (or, after SetFileApisToOEM, the OEM) code page. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

UINT pi_path_codepage(void)
{
	return AreFileApisANSI() ? CP_ACP : CP_OEMCP;
}

wchar_t *pi_path_to_wide(const char *path)
{
	UINT cp = pi_path_codepage();
	wchar_t *w;
	int n;

	if (path == NULL) {
		errno = EINVAL;
		return NULL;
	}
	n = MultiByteToWideChar(cp, 0, path, -1, NULL, 0);
	if (n <= 0) {
		pi_fail_win32(0);
		return NULL;
	}
	w = malloc((size_t)n * sizeof *w);
	if (w == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	if (MultiByteToWideChar(cp, 0, path, -1, w, n) != n) {
		free(w);
		pi_fail_win32(0);
		return NULL;
	}
	return w;
}

char *pi_path_from_wide(const wchar_t *wpath)
{
	UINT cp = pi_path_codepage();
	char *s;
	int n;

	if (wpath == NULL) {
		errno = EINVAL;
		return NULL;
	}
	n = WideCharToMultiByte(cp, 0, wpath, -1, NULL, 0, NULL, NULL);
	if (n <= 0) {
		pi_fail_win32(0);
		return NULL;
	}
	s = malloc((size_t)n);
	if (s == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	if (WideCharToMultiByte(cp, 0, wpath, -1, s, n, NULL, NULL) != n) {
		free(s);
		pi_fail_win32(0);
		return NULL;
	}
	return s;
}

int pi_wide_to_buf(const wchar_t *w, char *buf, size_t size)
{
	char *s = pi_path_from_wide(w);
	size_t n;

	if (s == NULL)
		return -1;
	n = strlen(s);
	if (n >= size) {
		free(s);
		return pi_fail(ERANGE);
	}
	memcpy(buf, s, n + 1);
	free(s);
	return 0;
}
