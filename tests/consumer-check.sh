#!/bin/sh
# Builds tests/consumer, a small autotools package, as a user builds one against an installed
# posixipc: make install into a DESTDIR, autoreconf, configure --host with pkg-config and the
# usual header and function checks, then the program linked to the DLL and linked statically.
# Passes only if every check was found and both programs run successfully.
set -eu
: "${top_srcdir:?}"
. "$top_srcdir/tests/consumer-lib.sh"
needs autoreconf automake

step "make install DESTDIR=..."
root=$work/root
quiet make -s -C "$top_builddir" install DESTDIR="$root"
pc=$(find "$root" -name posixipc.pc | head -n 1)
[ -n "$pc" ] || { echo "FAIL: posixipc.pc was not installed"; exit 1; }
libdir=$(dirname "$(dirname "$pc")")
prefix=$(dirname "$libdir")
# The files sit under DESTDIR; posixipc.pc finds them from its own folder.
export PKG_CONFIG_LIBDIR="$libdir/pkgconfig" PKG_CONFIG_PATH=''
unset PKG_CONFIG_SYSROOT_DIR

step "autoreconf -fi in a copy of tests/consumer"
cp -R "$top_srcdir/tests/consumer" "$work/src"
# A distcheck source tree is read-only; the copy must not be.
chmod -R u+w "$work/src"
cd "$work/src"
quiet autoreconf -fi

step "./configure --host=$host"
quiet ./configure --host="$host" CC="$CC" LDFLAGS="$ldflags" PKG_CONFIG=pkg-config
missing=
for h in SYS_MMAN_H SEMAPHORE_H MKFIFO SEM_OPEN SEM_TIMEDWAIT SHM_OPEN SHM_UNLINK MMAP \
	MUNMAP MPROTECT MSYNC; do
	grep -q "^#define HAVE_$h 1" config.h || missing="$missing HAVE_$h"
done
[ -z "$missing" ] || { echo "FAIL: configure did not find:$missing"; exit 1; }
echo "configure found every header and function"

# A program that does not start at all usually misses a DLL: show what each one imports.
fail_run() {
	for f in consumer.exe libposixipc*.dll; do
		[ -f "$f" ] || continue
		printf '%s imports:' "$f"
		"$host-objdump" -p "$f" | sed -n 's/.*DLL Name: / /p' | tr -d '\n'
		echo
	done
	echo "FAIL: $*"
	exit 1
}

step "make: linked to the DLL"
quiet make
imports_dll consumer.exe || { echo "FAIL: consumer.exe does not import the DLL"; exit 1; }
cp "$prefix"/bin/libposixipc*.dll .
run ./consumer.exe || fail_run "the program linked to the DLL"

step "make LDFLAGS=-static: linked statically"
rm -f libposixipc*.dll
quiet make clean
quiet make LDFLAGS="$ldflags -static" POSIXIPC_LIBS="$(pkg-config --static --libs posixipc)"
! imports_dll consumer.exe || { echo "FAIL: the static program imports the DLL"; exit 1; }
run ./consumer.exe || fail_run "the static program"

echo "PASS: a consumer package configures, builds and runs against the installed posixipc"
