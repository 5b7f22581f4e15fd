#!/bin/sh
# Checks the posixipc command under Wine (or on Windows): creates objects with a small
# program linked against the built library, then lists, names and removes them with the
# command, and checks outputs, messages and exit codes, errors included.
set -u
: "${top_builddir:?}" "${top_srcdir:?}" "${CC:?}"
tool=$top_builddir/tools/posixipc.exe
run=$top_srcdir/build-aux/wine-run
[ -f "$tool" ] || { echo "SKIP: $tool is not built"; exit 77; }
case $(uname -s) in
MINGW* | MSYS* | CYGWIN*) ;;
*) command -v "${WINE:-wine}" >/dev/null 2>&1 || { echo "SKIP: no wine"; exit 77; } ;;
esac

# clang for mingw finds libgcc only where the mingw gcc keeps it: the LDFLAGS the build was
# configured with, which the tests do not see.
ldflags=''
case $CC in
*clang*)
	libgcc=$("${host_alias:-x86_64-w64-mingw32}-gcc" -print-libgcc-file-name)
	ldflags=-L$(dirname "$libgcc")
	;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/posixipc-tool.XXXXXX")
trap 'rm -rf "$work"' EXIT
failures=0

# The objects live in a folder of this test's own, given in Windows form.
mkdir "$work/objects"
case $(uname -s) in
MINGW* | MSYS* | CYGWIN*) POSIXIPC_DIR=$(cygpath -w "$work/objects") ;;
*) POSIXIPC_DIR=Z:$(printf '%s' "$work/objects" | tr / \\\\) ;;
esac
export POSIXIPC_DIR

cat >"$work/mkobj.c" <<'EOF'
/* Makes objects for the posixipc command to find:
 *   mkobj shm NAME SIZE | sem NAME VALUE | mq NAME MAXMSG MSGSIZE QUEUED | fifo PATH */
#include <fcntl.h>
#include <mqueue.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct mq_attr attr = { 0 };
	sem_t *sem;
	mqd_t q;
	int fd, i;

	if (argc == 4 && strcmp(argv[1], "shm") == 0) {
		fd = shm_open(argv[2], O_RDWR | O_CREAT | O_EXCL, 0600);
		if (fd < 0 || ftruncate(fd, atol(argv[3])) < 0 || close(fd) < 0) {
			perror("mkobj: shm");
			return 1;
		}
	} else if (argc == 4 && strcmp(argv[1], "sem") == 0) {
		sem = sem_open(argv[2], O_CREAT | O_EXCL, 0600, (unsigned)atoi(argv[3]));
		if (sem == SEM_FAILED || sem_close(sem) < 0) {
			perror("mkobj: sem");
			return 1;
		}
	} else if (argc == 6 && strcmp(argv[1], "mq") == 0) {
		attr.mq_maxmsg = atol(argv[3]);
		attr.mq_msgsize = atol(argv[4]);
		q = mq_open(argv[2], O_WRONLY | O_CREAT | O_EXCL, 0600, &attr);
		for (i = 0; q != (mqd_t)-1 && i < atoi(argv[5]); i++)
			if (mq_send(q, "m", 1, 0) < 0)
				break;
		if (q == (mqd_t)-1 || i < atoi(argv[5]) || mq_close(q) < 0) {
			perror("mkobj: mq");
			return 1;
		}
	} else if (argc == 3 && strcmp(argv[1], "fifo") == 0) {
		if (mkfifo(argv[2], 0600) < 0) {
			perror("mkobj: fifo");
			return 1;
		}
	} else {
		fputs("usage: mkobj shm NAME SIZE | sem NAME VALUE | mq NAME MAXMSG MSGSIZE QUEUED"
		      " | fifo PATH\n", stderr);
		return 2;
	}
	return 0;
}
EOF
# CC and ldflags may hold several words.
# shellcheck disable=SC2086
"$top_builddir/libtool" --quiet --tag=CC --mode=link $CC -std=gnu11 -Wall -Wextra -Werror \
	-I"$top_srcdir/compat" -I"$top_srcdir/include" $ldflags -all-static -o "$work/mkobj.exe" \
	"$work/mkobj.c" "$top_builddir/lib/libposixipc.la" >"$work/link.log" 2>&1 ||
	{ cat "$work/link.log"; echo "FAIL: could not build the helper"; exit 1; }

mkobj() {
	timeout 60 sh "$run" "$work/mkobj.exe" "$@" || { echo "FAIL: mkobj $*"; exit 1; }
}

# Run the command; its status goes to $status, its output (without the CRs a Windows
# console adds) to $out and $err.
posixipc() {
	timeout 60 sh "$run" "$tool" "$@" >"$work/out" 2>"$work/err"
	status=$?
	# Wine's server can drop a client while another program shuts it down, and under
	# load a run was once seen to end with status 1 and no output at all, having done
	# nothing. Neither is a verdict on the command, which reports every failure on
	# stderr, so it runs once more; the log says so.
	if grep -q '^wine client error' "$work/err" ||
	   { [ "$status" -ne 0 ] && [ "$status" -ne 124 ] && [ ! -s "$work/out" ] && [ ! -s "$work/err" ]; }; then
		echo "note: posixipc $* ended with status $status and $(wc -c <"$work/err") bytes on stderr under Wine; running it once more"
		timeout 60 sh "$run" "$tool" "$@" >"$work/out" 2>"$work/err"
		status=$?
	fi
	out=$(tr -d '\r' <"$work/out")
	err=$(tr -d '\r' <"$work/err")
}

bad() {
	echo "FAIL: posixipc $*"
	echo "  status: $status"
	printf "%s\n" "$out" | sed 's/^/  stdout: /'
	printf "%s\n" "$err" | sed 's/^/  stderr: /'
	failures=$((failures + 1))
}

# expect STATUS OUT-RE ERR-RE ARGS...: the command exits with STATUS, and a line of its
# stdout (stderr) matches OUT-RE (ERR-RE), an extended regex; "" means the stream is empty.
expect() {
	want=$1 want_out=$2 want_err=$3
	shift 3
	posixipc "$@"
	if [ "$status" -ne "$want" ]; then
		bad "$@"
	elif [ -z "$want_out" ] && [ -n "$out" ]; then
		bad "$@"
	elif [ -n "$want_out" ] && ! printf '%s\n' "$out" | grep -Eq -- "$want_out"; then
		bad "$@"
	elif [ -z "$want_err" ] && [ -n "$err" ]; then
		bad "$@"
	elif [ -n "$want_err" ] && ! printf '%s\n' "$err" | grep -Eq -- "$want_err"; then
		bad "$@"
	else
		echo "ok: posixipc $* -> $status"
	fi
}

# lists NAME...: the last listing shows exactly these names, in this order.
lists() {
	got=$(printf '%s\n' "$out" | sed 1d | sed -E 's/^[^ ]+ +[^ ]+ +[^ ]+ +//' | tr '\n' '|')
	names=
	for n; do names="$names$n|"; done
	if [ "$got" != "$names" ]; then
		echo "FAIL: listed '$got', expected '$names'"
		failures=$((failures + 1))
	fi
}

usage='^usage: posixipc list'
header='^TYPE +SIZE/VALUE +OWNER +NAME$'

# Usage errors: status 2, usage on stderr, nothing on stdout.
expect 2 "" "$usage"
expect 2 "" "unknown command 'frob'" frob
expect 2 "" "$usage" list bogus
expect 2 "" "$usage" list shm sem
expect 2 "" "$usage" rm shm
expect 2 "" "$usage" rm fifo /x
expect 2 "" "$usage" name shm
expect 2 "" "$usage" name pipe /x
expect 2 "" "$usage" dir extra
# Help and version go to stdout.
expect 0 "$usage" "" --help
expect 0 "^posixipc [0-9]+\.[0-9]+\.[0-9]+$" "" --version

# An empty folder, or none at all, lists nothing.
expect 0 "$header" "" list
lists
# A literal string as an extended regular expression.
literal() { printf '%s' "$1" | sed 's/[][\\.*^$+?(){}|]/\\&/g'; }
dir_re=$(literal "$POSIXIPC_DIR")
expect 0 "^$dir_re$" "" dir

mkobj shm /tool-a 1000
mkobj shm "/Tool b" 8192
mkobj sem /tool-s 3
mkobj fifo "$work/fifo"
mkobj mq /tool-q 5 100 3
# Files the library did not name are not objects.
: >"$work/objects/shm/Not-encoded"
: >"$work/objects/shm/bad%zz"
mkdir "$work/objects/shm/folder"

expect 0 "^sem +3 +[^ ]+ +/tool-s$" "" list
lists /tool-q /tool-s "/Tool b" /tool-a
expect 0 "^mq +3/5x100 +[^ ]+ +/tool-q$" "" list mq
lists /tool-q
expect 0 "^shm +1000 +[^ ]+ +/tool-a$" "" list shm
lists "/Tool b" /tool-a
expect 0 "^shm +8192 +[^ ]+ +/Tool b$" "" list shm
expect 0 "^sem +3 +[^ ]+ +/tool-s$" "" list sem
lists /tool-s

expect 0 "^$dir_re$(literal '\shm\tool-a')$" "" name shm /tool-a
expect 0 "^$dir_re$(literal '\shm\%54ool%20b')$" "" name shm "/Tool b"
expect 0 "^.+$" "" name sem /tool-s
expect 0 "^$dir_re$(literal '\mq\tool-q')$" "" name mq /tool-q
expect 1 "" "^posixipc: name sem /nope: No such file or directory$" name sem /nope
expect 0 "^$(literal "\\\\.\\pipe\\")" "" name fifo "$work/fifo"
expect 1 "" "^posixipc: name fifo .*: No such file or directory$" name fifo "$work/nope"
expect 0 "^$(literal "\\\\.\\pipe\\").*$(literal ".reader")$" "" name fifo-reader "$work/fifo"
expect 0 "^$(literal "Local\\posixipc.open.")" "" name fifo-event "$work/fifo"
expect 0 "^$(literal "Local\\posixipc.open.").*$(literal ".reader")$" "" name fifo-reader-event "$work/fifo"
expect 0 "" "" mkfifo -m 600 "$work/named" '\\.\pipe\posixipc-tool-check'
expect 0 "^$(literal '\\.\pipe\posixipc-tool-check')$" "" name fifo "$work/named"
expect 1 "" "^posixipc: mkfifo .*: File exists$" mkfifo "$work/named"
expect 1 "" "^posixipc: mkfifo .*: Invalid argument$" mkfifo "$work/bad" not-a-pipe
expect 2 "" "$usage" mkfifo -m 9x "$work/bad"
expect 1 "" "^posixipc: name shm: Invalid argument$" name shm ""
expect 1 "" "^posixipc: name shm /a/b: Invalid argument$" name shm /a/b

expect 0 "" "" rm mq /tool-q
expect 1 "" "^posixipc: rm mq /tool-q: No such file or directory$" rm mq /tool-q
expect 0 "$header" "" list mq
lists
expect 0 "" "" rm shm /tool-a
expect 1 "" "^posixipc: rm shm /tool-a: No such file or directory$" rm shm /tool-a
expect 0 "$header" "" list
lists /tool-s "/Tool b"
# One missing name fails the command but does not stop the others.
expect 1 "" "^posixipc: rm shm /tool-a: No such file or directory$" rm shm /tool-a "/Tool b"
expect 0 "" "" rm sem /tool-s
expect 1 "" "^posixipc: rm sem /tool-s: No such file or directory$" rm sem /tool-s
expect 0 "$header" "" list
lists

if [ "$failures" -ne 0 ]; then
	echo "FAIL: $failures check(s) failed"
	exit 1
fi
echo "PASS: the posixipc command lists, names and removes objects, with exit codes 0/1/2"
