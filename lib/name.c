/* POSIX IPC names (shm_open, sem_open): validation, and the reversible encoding that turns a
 * name into something both a file name and a Win32 object name can hold unchanged. */
#include <string.h>

#include "internal.h"

static int is_plain(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
	       c == '.';
}

/* DOS device names (con, nul, com1, lpt1, ...) open a device whatever follows a dot. */
static int is_device_name(const char *s, size_t n)
{
	static const char *const devices[] = { "con", "prn", "aux", "nul", "conin$", "conout$" };
	size_t stem = 0, i;

	while (stem < n && s[stem] != '.')
		stem++;
	for (i = 0; i < sizeof devices / sizeof devices[0]; i++)
		if (strlen(devices[i]) == stem && _strnicmp(s, devices[i], stem) == 0)
			return 1;
	if (stem == 4 && (_strnicmp(s, "com", 3) == 0 || _strnicmp(s, "lpt", 3) == 0) &&
	    s[3] >= '0' && s[3] <= '9')
		return 1;
	return 0;
}

int pi_name_encode(const char *name, char *out, size_t outsz)
{
	static const char hex[] = "0123456789abcdef";
	size_t n, i, o = 0;

	if (name == NULL)
		return pi_fail(EINVAL);
	/* Every leading '/' goes, as glibc strips them: "//x" is "/x". */
	while (name[0] == '/')
		name++;
	n = strlen(name);
	if (n == 0 || memchr(name, '/', n) != NULL || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0)
		return pi_fail(EINVAL);
	if (n > PI_NAME_MAX)
		return pi_fail(ENAMETOOLONG);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		int escape = !is_plain(c) || (i == n - 1 && c == '.') ||
			     (i == 0 && is_device_name(name, n));

		if (o + (escape ? 3 : 1) > PI_ENCODED_MAX)
			return pi_fail(ENAMETOOLONG);
		if (escape) {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		} else {
			out[o++] = (char)c;
		}
	}
	if (o >= outsz)
		return pi_fail(ENAMETOOLONG);
	out[o] = '\0';
	return 0;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int pi_name_decode(const char *encoded, char *out, size_t outsz)
{
	size_t o = 0;

	if (encoded == NULL || outsz < 2)
		return pi_fail(EINVAL);
	out[o++] = '/';
	while (*encoded) {
		int c = (unsigned char)*encoded++;

		if (c == '%') {
			int hi = hex_value(encoded[0]), lo = hi < 0 ? -1 : hex_value(encoded[1]);

			if (lo < 0)
				return pi_fail(EINVAL);
			c = hi * 16 + lo;
			encoded += 2;
			if (c == 0 || c == '/')
				return pi_fail(EINVAL);
		} else if (!is_plain((unsigned char)c)) {
			return pi_fail(EINVAL);
		}
		if (o + 1 >= outsz)
			return pi_fail(ERANGE);
		out[o++] = (char)c;
	}
	if (o == 1)
		return pi_fail(EINVAL);
	out[o] = '\0';
	return 0;
}
