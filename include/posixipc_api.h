/* How posixipc's headers mark the library's functions: exported from the DLL while the library
 * itself is built, plain declarations for programs that use it (the linker imports them). */
#ifndef POSIXIPC_API_H
#define POSIXIPC_API_H

#if defined(POSIXIPC_BUILDING) && defined(DLL_EXPORT)
#define POSIXIPC_API __declspec(dllexport)
#else
#define POSIXIPC_API
#endif

#endif
