/* SIGPIPE, which Windows has no such signal for: what signal() set for it, raise(SIGPIPE),
 * and the delivery a write to a pipe or FIFO without a reader makes before it fails with
 * EPIPE.  Every other signal goes to the C runtime. */
#include <signal.h>
#include <stdlib.h>

#include "internal.h"

static SRWLOCK lock = SRWLOCK_INIT;
static __p_sig_fn_t action = SIG_DFL;

static __p_sig_fn_t current(void)
{
	__p_sig_fn_t f;

	AcquireSRWLockShared(&lock);
	f = action;
	ReleaseSRWLockShared(&lock);
	return f;
}

/* glibc's signal() keeps a handler installed after it runs (BSD semantics); so does this. */
PI_EXPORT __p_sig_fn_t posixipc_signal(int sig, __p_sig_fn_t func)
{
	__p_sig_fn_t old;

	if (sig != SIGPIPE)
		return signal(sig, func);
	if (func == SIG_ERR || func == SIG_GET || func == SIG_SGE || func == SIG_ACK) {
		errno = EINVAL;
		return SIG_ERR;
	}
	AcquireSRWLockExclusive(&lock);
	old = action;
	action = func;
	ReleaseSRWLockExclusive(&lock);
	return old;
}

/* SIGPIPE's default action ends the process, as the C runtime ends it for its own signals
 * (exit status 3). */
PI_EXPORT int posixipc_raise(int sig)
{
	__p_sig_fn_t f;

	if (sig != SIGPIPE)
		return raise(sig);
	f = current();
	if (f == SIG_DFL)
		_exit(3);
	if (f != SIG_IGN)
		f(SIGPIPE);
	return 0;
}

int pi_epipe(void)
{
	__p_sig_fn_t f = current();

	if (f != SIG_DFL && f != SIG_IGN)
		f(SIGPIPE);
	return pi_fail(EPIPE);
}
