# Shared by the consumer tests (sourced): the host tools, a work folder, quiet steps, and the
# two ways a user builds tests/consumer/consumer.c against an install of posixipc: with
# pkg-config's flags, and with CMake's find_package through a mingw-w64 toolchain file.
: "${top_builddir:?}" "${top_srcdir:?}" "${CC:?}"
host=${host_alias:-x86_64-w64-mingw32}
case $(uname -s) in
MINGW* | MSYS* | CYGWIN*) on_windows=yes ;;
*) on_windows=no ;;
esac

# needs TOOL...: fail, naming what is missing (build-aux/setup installs all of them).
needs() {
	for t; do
		command -v "$t" >/dev/null 2>&1 ||
			{ echo "FAIL: $t is not installed (build-aux/setup installs it)"; exit 1; }
	done
}
needs pkg-config "$host-objdump"
[ "$on_windows" = yes ] || needs "${WINE:-wine}"

# clang for mingw finds libgcc only where the mingw gcc keeps it: the LDFLAGS the build was
# configured with, which the tests do not see.
ldflags=''
case $CC in
*clang*) ldflags=-L$(dirname "$("$host-gcc" -print-libgcc-file-name)") ;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/posixipc-consumer.XXXXXX")
trap 'rm -rf "$work"' EXIT
log=$work/log
step() { echo "== $*"; }
# Run a command quietly; show its output only when it fails.
quiet() {
	"$@" >"$log" 2>&1 || { cat "$log"; echo "FAIL: $*"; exit 1; }
}
fail() { echo "FAIL: $*"; exit 1; }
run() { timeout 60 sh "$top_srcdir/build-aux/wine-run" "$@"; }
imports_dll() { "$host-objdump" -p "$1" | grep -qi 'DLL Name: libposixipc'; }
realdir() { (cd "$1" && pwd -P); }

# check_programs DLL-PROGRAM STATIC-PROGRAM: the first imports the DLL, the second does not,
# and both run and pass their checks (the DLL is beside the first or on the DLL path).
check_programs() {
	imports_dll "$1" || fail "$1 does not import libposixipc's DLL"
	! imports_dll "$2" || fail "$2 imports libposixipc's DLL"
	for p in "$1" "$2"; do
		(cd "$(dirname "$p")" && run "./$(basename "$p")") >"$log" 2>&1 ||
			{ cat "$log"; fail "$p did not run successfully"; }
		grep -q 'all checks passed' "$log" || { cat "$log"; fail "$p"; }
	done
}

# A Windows program finds DLLs through PATH; under Wine, WINEPATH holds Windows paths.
dll_path() {
	if [ "$on_windows" = yes ]; then
		PATH=$1:$PATH
		export PATH
	else
		WINEPATH="Z:$(printf '%s' "$1" | tr / \\\\)${WINEPATH:+;$WINEPATH}"
		export WINEPATH
	fi
}

# pc_consumer PKGCONFIGDIR OUT: consumer.c built with nothing but pkg-config's flags from
# PKGCONFIGDIR, linked to the DLL and statically; no sysroot, since posixipc.pc finds its
# files from its own folder.  Runs both, the DLL found on the DLL path.
pc_consumer() {
	mkdir -p "$2"
	# What configure would find (tests/consumer-check.sh runs those checks): consumer.c
	# insists on these, and fails to build if the headers or the functions are not there.
	for h in SYS_MMAN_H SEMAPHORE_H MKFIFO SEM_OPEN SEM_TIMEDWAIT SHM_OPEN SHM_UNLINK MMAP; do
		echo "#define HAVE_$h 1"
	done >"$2/config.h"
	cflags=$(PKG_CONFIG_LIBDIR=$1 PKG_CONFIG_PATH='' PKG_CONFIG_SYSROOT_DIR='' \
		pkg-config --cflags posixipc) || fail "pkg-config --cflags posixipc"
	libs=$(PKG_CONFIG_LIBDIR=$1 PKG_CONFIG_PATH='' PKG_CONFIG_SYSROOT_DIR='' \
		pkg-config --libs posixipc)
	static=$(PKG_CONFIG_LIBDIR=$1 PKG_CONFIG_PATH='' PKG_CONFIG_SYSROOT_DIR='' \
		pkg-config --static --libs posixipc)
	src=$top_srcdir/tests/consumer/consumer.c
	# CC, the flags and ldflags may hold several words.
	# shellcheck disable=SC2086
	quiet $CC $cflags -I"$2" -Wall -Wextra -Werror "$src" -o "$2/consumer-dll.exe" $ldflags $libs
	# shellcheck disable=SC2086
	quiet $CC $cflags -I"$2" -Wall -Wextra -Werror "$src" -o "$2/consumer-static.exe" \
		$ldflags -static $static
	check_programs "$2/consumer-dll.exe" "$2/consumer-static.exe"
}

# all_found CONFIG-H WHO: the header says every header and function was found.
all_found() {
	missing=
	for h in SYS_MMAN_H SEMAPHORE_H MKFIFO SEM_OPEN SEM_TIMEDWAIT SHM_OPEN SHM_UNLINK MMAP \
		MUNMAP MPROTECT MSYNC; do
		grep -q "^#define HAVE_$h 1" "$1" || missing="$missing HAVE_$h"
	done
	[ -z "$missing" ] || fail "$2 did not find:$missing"
}

# meson_consumer PKGCONFIGDIR OUT: tests/meson built in OUT with the mingw-w64 cross file and
# pkg-config looking in PKGCONFIGDIR only; its checks must find every header and function.
# Runs both programs, the DLL found on the DLL path.
meson_consumer() {
	needs meson ninja
	# The compiler this build uses, and where pkg-config looks, over the cross file's.
	{
		echo '[binaries]'
		printf "c = ['%s'" "${CC%% *}"
		for w in ${CC#"${CC%% *}"}; do printf ", '%s'" "$w"; done
		echo ']'
		echo '[built-in options]'
		printf 'c_link_args = ['
		for w in $ldflags; do printf "'%s', " "$w"; done
		echo ']'
		echo '[properties]'
		echo "pkg_config_libdir = ['$1']"
	} >"$work/meson-local.ini"
	quiet env PKG_CONFIG_PATH='' PKG_CONFIG_SYSROOT_DIR='' meson setup \
		--cross-file "$top_srcdir/tests/meson/mingw-w64.ini" --cross-file "$work/meson-local.ini" \
		-Dwerror=true -Dwarning_level=2 "$2" "$top_srcdir/tests/meson"
	all_found "$2/config.h" "Meson's checks"
	quiet ninja -C "$2"
	check_programs "$2/consumer_dll.exe" "$2/consumer_static.exe"
}

# cmake_consumer PREFIX OUT: tests/cmake built in OUT with the mingw-w64 toolchain file and
# CMAKE_PREFIX_PATH=PREFIX, which must hold the package of this version; its checks must find
# every header and function, and its definitions must be pkg-config's.  Runs both programs.
cmake_consumer() {
	needs cmake
	version=$(PKG_CONFIG_LIBDIR=$1/lib/pkgconfig PKG_CONFIG_PATH='' \
		pkg-config --modversion posixipc) || fail "no posixipc.pc in $1/lib/pkgconfig"
	case $CC in
	clang* | *' clang'* | */clang*)
		compiler="-DCMAKE_C_COMPILER=${CC%% *} -DCMAKE_C_COMPILER_TARGET=$host" ;;
	*) compiler="-DCMAKE_C_COMPILER=${CC%% *}" ;;
	esac
	# shellcheck disable=SC2086
	quiet cmake -S "$top_srcdir/tests/cmake" -B "$2" \
		-DCMAKE_TOOLCHAIN_FILE="$top_srcdir/tests/cmake/mingw-w64.cmake" \
		-DMINGW_TRIPLE="$host" $compiler -DCMAKE_EXE_LINKER_FLAGS="$ldflags" \
		-DCMAKE_PREFIX_PATH="$1" -DPOSIXIPC_EXPECT_PREFIX="$1" \
		-DPOSIXIPC_EXPECT_VERSION="$version" -DCMAKE_C_FLAGS="-Wall -Wextra -Werror"
	all_found "$2/config.h" "CMake's checks"
	# The compile definitions are the -D flags of posixipc.pc's Cflags, in the same order.
	want=$(PKG_CONFIG_LIBDIR=$1/lib/pkgconfig PKG_CONFIG_PATH='' pkg-config --cflags posixipc |
		tr ' ' '\n' | sed -n 's/^-D//p' | tr '\n' ';')
	got=$(sed -e 's/_defs-NOTFOUND//' "$2/definitions.txt" | tr -d '\n')
	[ "$got" = "${want%;}" ] ||
		fail "CMake's definitions '$got' are not pkg-config's '${want%;}'"
	quiet cmake --build "$2"
	ls "$2"/libposixipc*.dll >/dev/null 2>&1 ||
		fail "the DLL was not copied beside the program from IMPORTED_LOCATION"
	check_programs "$2/consumer_dll.exe" "$2/consumer_static.exe"
}
