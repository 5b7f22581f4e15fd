# A toolchain file for cross-compiling with mingw-w64, as projects ported to Windows use one:
#   cmake -DCMAKE_TOOLCHAIN_FILE=mingw-w64.cmake -DCMAKE_PREFIX_PATH=<posixipc's prefix> ...
# MINGW_TRIPLE chooses the toolchain (default x86_64-w64-mingw32); for clang, give
# -DCMAKE_C_COMPILER=clang -DCMAKE_C_COMPILER_TARGET=x86_64-w64-mingw32.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
if(NOT MINGW_TRIPLE)
  set(MINGW_TRIPLE x86_64-w64-mingw32)
endif()
if(NOT CMAKE_C_COMPILER)
  set(CMAKE_C_COMPILER ${MINGW_TRIPLE}-gcc)
endif()
set(CMAKE_RC_COMPILER ${MINGW_TRIPLE}-windres)
set(CMAKE_FIND_ROOT_PATH /usr/${MINGW_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
# Packages are looked for in CMAKE_PREFIX_PATH as given, not only below the toolchain's root.
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
