/* Built without posixipc's include folders: what <limits.h> says on its own. */
#include <limits.h>
#include <sys/stat.h>

#include "limits_probe.h"

int probe_mb_len_max(void) { return MB_LEN_MAX; }
int probe_path_max(void) { return PATH_MAX; }
long long probe_ssize_max(void) { return SSIZE_MAX; }
long long probe_llong_max(void) { return LLONG_MAX; }
int probe_char_bit(void) { return CHAR_BIT; }
long long probe_int_max(void) { return INT_MAX; }
long long probe_long_max(void) { return LONG_MAX; }
int probe_crt_stat64(const char *path, struct _stat64 *st) { return _stat64(path, st); }
