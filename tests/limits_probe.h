/* The compiler's and C library's own <limits.h> values, from a file compiled without
 * posixipc's headers (limits_probe.c), to compare with what the compat <limits.h> gives. */
#ifndef POSIXIPC_LIMITS_PROBE_H
#define POSIXIPC_LIMITS_PROBE_H

int probe_mb_len_max(void);
int probe_path_max(void);
long long probe_ssize_max(void);
long long probe_llong_max(void);
int probe_char_bit(void);
long long probe_int_max(void);
long long probe_long_max(void);

#endif
