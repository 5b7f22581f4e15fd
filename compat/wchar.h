/* <wchar.h>: mingw-w64's, with posixipc's stat structures (it defines them too, and whichever
 * header comes first decides what `struct stat` is). */
#ifndef POSIXIPC_WCHAR_H
#define POSIXIPC_WCHAR_H

#pragma GCC system_header

#include <posixipc_stat.h>

#include_next <wchar.h>

#endif
