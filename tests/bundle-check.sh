#!/bin/sh
# Builds the release bundle (make dist-win), checks its checksum and contents, unpacks it
# into one folder and moves it to another, then builds a program against the moved copy with
# pkg-config's flags, with Meson and with CMake, each linked to the DLL and statically, and
# runs them.
set -eu
: "${top_srcdir:?}"
. "$top_srcdir/tests/consumer-lib.sh"
needs unzip sha256sum

step "make dist-win"
mkdir "$work/out"
quiet make -s -C "$top_builddir" dist-win distwindir="$work/out"
zip=$(ls "$work"/out/posixipc-*-"$host".zip)
[ -f "$zip.sha256" ] || fail "no checksum beside $zip"
(cd "$work/out" && sha256sum -c "$(basename "$zip").sha256") >"$log" 2>&1 ||
	{ cat "$log"; fail "the checksum does not match the zip"; }
name=$(basename "$zip" .zip)

step "unzip, then move the folder elsewhere"
mkdir "$work/unpacked" "$work/moved"
quiet unzip -q "$zip" -d "$work/unpacked"
mv "$work/unpacked/$name" "$work/moved/"
rm -rf "$work/unpacked" "$work/out"
b=$work/moved/$name
for f in bin/libposixipc-0.dll bin/posixipc.exe lib/libposixipc.dll.a lib/libposixipc.a \
	lib/pkgconfig/posixipc.pc lib/cmake/posixipc/posixipc-config.cmake \
	lib/cmake/posixipc/posixipc-config-version.cmake include/posixipc.h include/posixipc_api.h \
	include/posixipc/sys/mman.h include/posixipc/sys/stat.h include/posixipc/semaphore.h \
	include/posixipc/fcntl.h include/posixipc/unistd.h include/posixipc/stdio.h \
	include/posixipc/limits.h share/doc/posixipc/README.md share/doc/posixipc/LICENSE \
	share/doc/posixipc/differences-from-linux.md; do
	[ -f "$b/$f" ] || fail "the bundle lacks $f"
done
extra=$(cd "$b" && find . -name '*.la')
[ -z "$extra" ] || fail "the bundle holds libtool files: $extra"
grep -q '^### Semaphores' "$b/share/doc/posixipc/differences-from-linux.md" ||
	fail "differences-from-linux.md lacks the function tables"
# Nothing may name the folder the bundle was made in.
if grep -rl "$work/out" "$b/lib/pkgconfig" "$b/lib/cmake"; then
	fail "the package files name the folder the bundle was built in"
fi
[ "$(realdir "$(PKG_CONFIG_LIBDIR=$b/lib/pkgconfig PKG_CONFIG_PATH='' \
	pkg-config --variable=prefix posixipc)")" = "$(realdir "$b")" ] ||
	fail "posixipc.pc does not find the moved folder"
# The command runs as it is, without the DLL.
(cd "$work" && run "$b/bin/posixipc.exe" --version) >"$log" 2>&1 ||
	{ cat "$log"; fail "bin/posixipc.exe --version"; }

step "pkg-config: PKG_CONFIG_PATH=<bundle>/lib/pkgconfig, the DLL on the DLL path"
dll_path "$b/bin"
pc_consumer "$b/lib/pkgconfig" "$work/pc"

step "Meson: the cross file, pkg-config in <bundle>/lib/pkgconfig"
meson_consumer "$b/lib/pkgconfig" "$work/meson"

# CMake quotes every path: the folder may have spaces in its name, as C:\Program Files has.
step "CMake: CMAKE_PREFIX_PATH=<bundle>, moved once more to a folder with a space"
mkdir "$work/with space"
mv "$b" "$work/with space/"
cmake_consumer "$work/with space/$name" "$work/cmake"
echo "PASS: the release bundle works from wherever it is unpacked, with pkg-config, Meson and CMake"
