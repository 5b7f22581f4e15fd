#!/bin/sh
# Every compat header alone and all together, in several include orders with <windows.h>,
# <io.h>, <winsock2.h> and the C++ library, compiled with -Wall -Wextra -pedantic -Werror as
# C99, C11 and C++17, with and without -D_FILE_OFFSET_BITS=64: posixipc's headers must add no
# warning to a project that adds its flags.
set -eu
: "${top_srcdir:?}" "${CC:?}"
cxx=${CXX:-}
work=$(mktemp -d "${TMPDIR:-/tmp}/posixipc-headers.XXXXXX")
trap 'rm -rf "$work"' EXIT
inc="-I$top_srcdir/compat -I$top_srcdir/include"
fail=0
headers="limits.h fcntl.h unistd.h stdio.h string.h wchar.h semaphore.h mqueue.h poll.h signal.h sys/select.h sys/mman.h sys/stat.h sys/uio.h posixipc.h"

# Each compile is a job of its own, and the jobs run side by side (one per processor), so that
# the hundred-odd compiles do not make this the longest test of make check.
k=0
try() { # compiler, flags, file
	k=$((k + 1))
	cat >"$work/job$k.sh" <<JOB
if ! $1 $2 $inc -O2 -Wall -Wextra -pedantic -Werror -fsyntax-only "$3" >"$work/out$k" 2>&1; then
	echo "FAIL: $1 $2 \$(head -c 300 "$3" | tr '\\n' ' ')"
	cat "$work/out$k"
	exit 1
fi
JOB
}

n=0
gen() { # the includes, one per argument, then a body that uses every redirected name
	n=$((n + 1))
	f=$work/t$n.$ext
	for h in "$@"; do echo "#include <$h>"; done >"$f"
	cat >>"$f" <<'BODY'
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <poll.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#if defined(open) || defined(read) || defined(write) || defined(close) || defined(stat) || \
	defined(fstat) || defined(fopen) || defined(fclose) || defined(freopen) || \
	defined(dup) || defined(dup2) || defined(fcntl) || defined(mmap) || defined(sem_open) || \
	defined(mq_open) || defined(mq_send) || defined(mq_receive) || defined(poll) || \
	defined(ppoll) || defined(pselect) || defined(pipe) || defined(pipe2) || \
	defined(readv) || defined(writev) || defined(preadv) || defined(pwritev) || \
	defined(signal) || defined(raise)
#error "a POSIX name is a macro"
#endif
#if _POSIX_TIMEOUTS != 200809L || _POSIX_SEMAPHORES != 200809L || MB_LEN_MAX != 5
#error "winpthreads' or GCC's values came last"
#endif
int probe(const char **a, char *buf);
int probe(const char **a, char *buf)
{
	struct stat st;
	int i = 0, fd = open(a[0], O_RDONLY);
	int (*r)(int, void *, unsigned) = read;
	FILE *f = fopen(a[0], "r");
	char mb[MB_LEN_MAX + PATH_MAX + NAME_MAX + PIPE_BUF + IOV_MAX];
	struct iovec iov = { buf, 1 };
	(void)mb;
	if (stat(a[i++], &st) != 0 || fstat(fd, &st) != 0 || f == NULL)
		perror(strerror(errno));
	return r(fd, buf, 1) + write(fd, buf, 1) + close(fd) + (int)lseek(fd, 0, SEEK_SET) +
	       ftruncate(fd, 0) + truncate(a[1], 0) + (int)pread(fd, buf, 1, 0) + (int)pwrite(fd, buf, 1, 0) + (int)readv(fd, &iov, 1) + (int)writev(fd, &iov, 1) + (int)preadv(fd, &iov, 1, 0) + (int)pwritev(fd, &iov, 1, 0) + fsync(fd) + (int)sysconf(_SC_PAGESIZE) + fclose(f) + i +
	       (mmap(NULL, 1, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED) + sem_post(NULL) +
	       (signal(SIGPIPE, SIG_IGN) == SIG_ERR) + raise(SIGPIPE) +
	       mkfifo(a[1], 0600) + chmod(a[1], 0600) + fchmod(fd, 0600) + (int)pathconf(a[1], _PC_PIPE_BUF) + mq_send(mq_open(a[2], O_WRONLY), buf, 1, 0);
}
BODY
}

for ext in c cpp; do
	if [ $ext = c ]; then
		comps=$CC
		stds="-std=c99 -std=c11"
	else
		[ -n "$cxx" ] || continue
		comps=$cxx
		stds=-std=c++17
	fi
	for h in $headers; do gen "$h"; done
	gen winsock2.h windows.h io.h
	gen io.h stdio.h fcntl.h windows.h
	gen winsock2.h windows.h sys/stat.h
	gen sys/types.h wchar.h sys/stat.h
	gen pthread.h unistd.h
	gen unistd.h pthread.h semaphore.h
	[ $ext = cpp ] && gen fstream iostream cstdio string cstdlib cstring
	[ $ext = cpp ] && gen unistd.h fstream cstdio
	[ $ext = cpp ] && gen csignal cstdio unistd.h
	for std in $stds; do
		for fob in "" -D_FILE_OFFSET_BITS=64; do
			for f in "$work"/t*.$ext; do try "$comps" "$std $fob" "$f"; done
		done
	done
done
jobs=$(nproc 2>/dev/null || echo 2)
ls "$work"/job*.sh | xargs -P "$jobs" -n 1 sh || fail=1
exit $fail
