#!/bin/sh
# Runs the posixipc demo: a consumer and a producer process share a ring buffer (shm_open +
# mmap), coordinate with named semaphores and talk through a FIFO; with Windows programs a
# two native Win32 writers write into the FIFO beside the POSIX producer and a native Win32
# peer joins the ring; last, a message passes through a POSIX message queue.  Exits 0 when every process succeeded; always cleans up.
#   sh examples/demo.sh DIR
# DIR holds consumer.exe, producer.exe and native_peer.exe (run under Wine when this is not
# Windows), or Linux builds named consumer and producer:
#   cc -o DIR/producer examples/producer.c -lpthread -lrt
#   cc -o DIR/consumer examples/consumer.c -lpthread -lrt
# DEMO_TIMEOUT (seconds, default 60) bounds every process.
set -u

here=$(cd "$(dirname "$0")" && pwd)
[ $# -eq 1 ] || { echo "usage: sh demo.sh DIR" >&2; exit 2; }
bin=$(cd "$1" && pwd) || exit 2
limit=${DEMO_TIMEOUT:-60}

if [ -f "$bin/consumer.exe" ]; then
	exe=.exe writers=4
	case $(uname -s) in
	MINGW* | MSYS* | CYGWIN*) wine='' ;;
	*) wine=$here/../build-aux/wine-run ;;
	esac
elif [ -x "$bin/consumer" ]; then
	exe='' writers=1 wine=''
else
	echo "demo: no consumer program in $bin" >&2
	exit 2
fi

step() { printf '\n== %s\n' "$*"; }

# Run one of the programs with a time limit.  It execs, so that "prog &" leaves $! naming
# the process to wait for or stop.
prog() {
	p=$bin/$1$exe
	shift
	if [ -n "$wine" ]; then
		exec timeout -k 2 "$limit" sh "$wine" "$p" "$@"
	fi
	exec timeout -k 2 "$limit" "$p" "$@"
}

# The FIFO lives in a folder of its own; the other objects get a name no other run uses.
work=$(mktemp -d "${TMPDIR:-/tmp}/posixipc-demo.XXXXXX") || exit 1
cd "$work" || exit 1
fifo=demo.fifo
base=posixipc-demo-$$
consumer=

cleanup() {
	[ -z "$consumer" ] || kill "$consumer" 2>/dev/null
	[ -z "$consumer" ] || wait "$consumer" 2>/dev/null
	(prog consumer -u "$fifo" "$base")
	cd / && rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

fail() {
	echo "demo: FAILED: $*" >&2
	exit 1
}

# ran WHO STATUS: stop the demo unless a program exited 0 (timeout's status is 124).
ran() {
	[ "$2" -eq 0 ] && return 0
	[ "$2" -eq 124 ] && fail "$1 did not finish within $limit seconds"
	fail "$1 exited with status $2"
}

step "1. the consumer creates a ring buffer in shared memory, two semaphores and a FIFO"
prog consumer "$fifo" "$base" "$writers" &
consumer=$!
# The FIFO is the last object the consumer makes.
tries=0
until [ -e "$fifo" ]; do
	kill -0 "$consumer" 2>/dev/null || fail "the consumer stopped before making the FIFO"
	tries=$((tries + 1))
	[ "$tries" -le $((limit * 10)) ] || fail "no FIFO after $limit seconds"
	sleep 0.1
done

names=''
if [ -n "$exe" ]; then
	names=$( (prog consumer -w "$fifo" "$base") | tr -d '\r')
	pipe='' items='' spaces='' file='' event=''
	while read -r key value; do
		case $key in
		pipe) pipe=$value ;;
		event) event=$value ;;
		items) items=$value ;;
		spaces) spaces=$value ;;
		file) file=$value ;;
		esac
	done <<EOF
$names
EOF
	if [ -z "$pipe" ] || [ -z "$event" ] || [ -z "$items" ] || [ -z "$spaces" ] || [ -z "$file" ]; then
		fail "the Win32 names could not be looked up"
	fi
fi

natives=''
if [ -n "$exe" ]; then
	step "2. a POSIX producer fills the ring and announces each batch on the FIFO, while two native Win32 writers write lines into the same FIFO"
	printf '%s\n' "$names" | sed 's/^/  /'
	for n in 1 2; do
		prog native_peer -f "$pipe" "$event" 4 &
		natives="$natives $!"
	done
else
	step "2. a POSIX producer fills the ring and announces each batch on the FIFO"
fi
(prog producer "$fifo" "$base" 10)
ran "the producer" $?
for p in $natives; do
	wait "$p"
	ran "a native writer" $?
done

if [ -n "$exe" ]; then
	step "3. a native Win32 program puts a record into the ring with the Win32 semaphores and announces it on the FIFO"
	(prog native_peer "$pipe" "$items" "$spaces" "$file")
	ran "the native peer" $?
fi

wait "$consumer"
status=$?
consumer=''
ran "the consumer" "$status"

step "4. the producer leaves two messages in a message queue and exits; the consumer takes the urgent one first"
(prog producer -q "$base")
ran "the producer" $?
(prog consumer -q "$fifo" "$base")
ran "the consumer" $?
printf '\ndemo: OK: every record arrived in order and no object is left behind\n'
