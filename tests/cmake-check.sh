#!/bin/sh
# Builds tests/cmake, a CMake project, against posixipc installed into a DESTDIR: a mingw-w64
# toolchain file, find_package(posixipc 0.1 REQUIRED), the usual checks through the imported
# target, then the program linked to posixipc::posixipc (the DLL copied beside it from the
# target's IMPORTED_LOCATION) and to posixipc::posixipc_static, both run.
set -eu
: "${top_srcdir:?}"
. "$top_srcdir/tests/consumer-lib.sh"

step "make install DESTDIR=..."
root=$work/root
quiet make -s -C "$top_builddir" install DESTDIR="$root"
config=$(find "$root" -name posixipc-config.cmake | head -n 1)
[ -n "$config" ] || fail "posixipc-config.cmake was not installed"
[ -f "$(dirname "$config")/posixipc-config-version.cmake" ] ||
	fail "posixipc-config-version.cmake was not installed"
# The prefix under DESTDIR, from lib/cmake/posixipc.
prefix=$(realdir "$(dirname "$config")/../../..")

step "cmake with the mingw-w64 toolchain file, CMAKE_PREFIX_PATH=<DESTDIR prefix>"
cmake_consumer "$prefix" "$work/build"
echo "PASS: a CMake project finds posixipc and builds and runs with both targets"
