/* <signal.h> for Windows: SIGPIPE, which the C runtime lacks, with Linux's number.  signal()
 * and raise() accept it, and a write to a pipe or FIFO that has no reader runs a handler set
 * for it before failing with EPIPE, as on Linux.  Under the default action such a write only
 * fails (Linux would end the process); raise(SIGPIPE) ends it.  Every other signal is the C
 * runtime's. */
#ifndef POSIXIPC_SIGNAL_H
#define POSIXIPC_SIGNAL_H

#pragma GCC system_header

#include <posixipc_api.h>

#include_next <signal.h>

#ifndef SIGPIPE
#define SIGPIPE 13
#endif

#ifdef __cplusplus
extern "C" {
#endif

POSIXIPC_API __p_sig_fn_t posixipc_signal(int sig, __p_sig_fn_t func);
POSIXIPC_API int posixipc_raise(int sig);

__p_sig_fn_t __cdecl signal(int, __p_sig_fn_t) POSIXIPC_REDIRECT(posixipc_signal);
int __cdecl raise(int) POSIXIPC_REDIRECT(posixipc_raise);

#ifdef __cplusplus
}
#endif

#endif
