/* The compiler's and C library's own answers, from a file compiled without posixipc's headers
 * (limits_probe.c): <limits.h> values and the C runtime's stat, to compare with the compat
 * headers' results. */
#ifndef POSIXIPC_LIMITS_PROBE_H
#define POSIXIPC_LIMITS_PROBE_H

int probe_mb_len_max(void);
int probe_path_max(void);
long long probe_ssize_max(void);
long long probe_llong_max(void);
int probe_char_bit(void);
long long probe_int_max(void);
long long probe_long_max(void);

struct _stat64;
/* The C runtime's _stat64, not posixipc's. */
int probe_crt_stat64(const char *path, struct _stat64 *st);

#endif
