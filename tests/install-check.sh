#!/bin/sh
# Installs the library into a temporary prefix and builds a program with nothing but
# pkg-config's flags, once against the DLL and once statically, then runs both; the same for a
# program that cancels a thread blocked in sem_wait.
set -eu
: "${top_builddir:?}" "${top_srcdir:?}"
work=$(mktemp -d "${TMPDIR:-/tmp}/posixipc-install.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/root
make -s -C "$top_builddir" install DESTDIR="$root" >"$work/install.log" 2>&1 ||
  { cat "$work/install.log"; exit 1; }
pc=$(find "$root" -name posixipc.pc | head -n 1)
[ -n "$pc" ] || { echo "posixipc.pc was not installed"; exit 1; }
libdir=$(dirname "$(dirname "$pc")")
prefix=$(dirname "$libdir")
# The files sit under DESTDIR, not where configure put them: posixipc.pc finds them from its
# own folder, with no sysroot to map the paths.
export PKG_CONFIG_LIBDIR="$libdir/pkgconfig" PKG_CONFIG_PATH=
unset PKG_CONFIG_SYSROOT_DIR
[ "$(cd "$(pkg-config --variable=prefix posixipc)" && pwd -P)" = "$(cd "$prefix" && pwd -P)" ] ||
  { echo "posixipc.pc does not find its prefix: $(pkg-config --variable=prefix posixipc)"; exit 1; }
for h in sys/mman.h semaphore.h sys/stat.h fcntl.h unistd.h; do
  [ -f "$prefix/include/posixipc/$h" ] || { echo "not installed: include/posixipc/$h"; exit 1; }
done
[ ! -e "$prefix/include/sys/mman.h" ] || { echo "sys/mman.h must not be on the default path"; exit 1; }
cat >"$work/prog.c" <<'PROG'
#include <posixipc.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
int main(void)
{
	char dir[512];
	if (strcmp(posixipc_version(), POSIXIPC_VERSION_STRING) != 0) return 1;
	if (posixipc_objects_dir(dir, sizeof dir) != 0) return 2;
	if (sysconf(_SC_PAGESIZE) != 4096) return 3;
	printf("linked posixipc %s\n", posixipc_version());
	return 0;
}
PROG
cflags=$(pkg-config --cflags posixipc)
# clang for mingw finds libgcc only where the mingw gcc keeps it.
ldflags=
case $CC in
*clang*) ldflags=-L$(dirname "$("${host_alias:-x86_64-w64-mingw32}-gcc" -print-libgcc-file-name)") ;;
esac
# shellcheck disable=SC2086
$CC $cflags -Wall -Wextra -Werror "$work/prog.c" -o "$work/prog-dll.exe" $ldflags $(pkg-config --libs posixipc)
# shellcheck disable=SC2086
$CC $cflags -Wall -Wextra -Werror "$work/prog.c" -o "$work/prog-static.exe" $ldflags -static $(pkg-config --static --libs posixipc)
"${host_alias:-x86_64-w64-mingw32}-objdump" -p "$work/prog-dll.exe" | grep -qi 'DLL Name: libposixipc' ||
  { echo "the DLL program does not import libposixipc's DLL"; exit 1; }
if "${host_alias:-x86_64-w64-mingw32}-objdump" -p "$work/prog-static.exe" 2>/dev/null | grep -qi 'libposixipc'; then
  echo "the static program still imports the DLL"; exit 1
fi
cp "$prefix"/bin/libposixipc*.dll "$work/"
run=$top_srcdir/build-aux/wine-run
sh "$run" "$work/prog-dll.exe"
sh "$run" "$work/prog-static.exe"

# A thread blocked in sem_wait is cancelled by winpthreads' pthread_cancel however the two
# libraries are linked: the DLL finds libwinpthread-1.dll at run time, the static library
# gets the statically linked winpthreads.
cat >"$work/cancel.c" <<'PROG'
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <windows.h>
static volatile LONG cleaned;
static void cleanup(void *arg) { (void)arg; InterlockedIncrement(&cleaned); }
static void *waiter(void *arg)
{
	int r;
	pthread_cleanup_push(cleanup, NULL);
	r = sem_wait(arg);
	pthread_cleanup_pop(0);
	return (void *)(intptr_t)r;
}
int main(void)
{
	void *ret = NULL;
	pthread_t t;
	sem_t s;
	int i, v = -1;
	if (sem_init(&s, 0, 0) || pthread_create(&t, NULL, waiter, &s)) return 1;
	Sleep(100);
	pthread_cancel(t);
	for (i = 0; i < 5000 && !cleaned; i++) Sleep(1);
	if (!cleaned) sem_post(&s);
	pthread_join(t, &ret);
	if (ret != PTHREAD_CANCELED || cleaned != 1) return 2;
	if (sem_getvalue(&s, &v) || v != 0 || sem_post(&s) || sem_getvalue(&s, &v) || v != 1) return 3;
	return 0;
}
PROG
# shellcheck disable=SC2086
$CC $cflags -Wall -Wextra -Werror "$work/cancel.c" -o "$work/cancel-dll.exe" $ldflags $(pkg-config --libs posixipc) -lpthread
# shellcheck disable=SC2086
$CC $cflags -Wall -Wextra -Werror "$work/cancel.c" -o "$work/cancel-static.exe" $ldflags -static $(pkg-config --static --libs posixipc) -lpthread
cp "$($CC -print-file-name=libwinpthread-1.dll)" "$work/"
sh "$run" "$work/cancel-dll.exe" || { echo "sem_wait not cancelled with the DLLs"; exit 1; }
sh "$run" "$work/cancel-static.exe" || { echo "sem_wait not cancelled, static"; exit 1; }

# A libdir deeper than prefix/lib: posixipc.pc climbs as many folders as there are, and
# the CMake package finds the DLL where libtool puts it (libdir/../bin).
root2=$work/root2
configured=${prefix#"$root"}
make -s -C "$top_builddir" install DESTDIR="$root2" libdir="$configured/lib/x64" >"$work/install2.log" 2>&1 ||
  { cat "$work/install2.log"; exit 1; }
pc2=$(find "$root2" -name posixipc.pc | head -n 1)
l=$(PKG_CONFIG_LIBDIR=$(dirname "$pc2") pkg-config --variable=libdir posixipc)
[ -f "$l/libposixipc.dll.a" ] && [ "$(cd "$l" && pwd -P)" = "$(cd "$root2$configured/lib/x64" && pwd -P)" ] ||
  { echo "with libdir=.../lib/x64, posixipc.pc's libdir is $l"; exit 1; }
i=$(PKG_CONFIG_LIBDIR=$(dirname "$pc2") pkg-config --variable=includedir posixipc)
[ -f "$i/posixipc/sys/mman.h" ] || { echo "with libdir=.../lib/x64, posixipc.pc's includedir is $i"; exit 1; }
grep -q 'CMAKE_CURRENT_LIST_DIR}/../../../.."' "$root2$configured/lib/x64/cmake/posixipc/posixipc-config.cmake" &&
  [ -f "$root2$configured/lib/bin/libposixipc-0.dll" ] ||
  { echo "with libdir=.../lib/x64, the CMake package does not find its prefix or the DLL"; exit 1; }
echo "PASS: pkg-config flags build and link against the DLL and the static library; sem_wait is a cancellation point in both"
