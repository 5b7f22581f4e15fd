/* How posixipc's headers mark the library's functions: exported from the DLL while the library
 * itself is built, plain declarations for programs that use it (the linker imports them), and
 * how the compat headers bind a POSIX name to the library's function without a macro. */
#ifndef POSIXIPC_API_H
#define POSIXIPC_API_H

#pragma GCC system_header

#if defined(POSIXIPC_BUILDING) && defined(DLL_EXPORT)
#define POSIXIPC_API __declspec(dllexport)
#else
#define POSIXIPC_API
#endif

/* POSIXIPC_REDIRECT(posixipc_read) on a declaration of read() makes every call, address and
 * std:: using-declaration of read bind to the symbol posixipc_read: an asm label, as mingw-w64's
 * own __MINGW_ASM_CALL, with the target's user label prefix ("_" on i686, none on x86_64).
 * The library's own sources (and code that defines POSIXIPC_NO_REDIRECT) get plain
 * declarations: they mean the C runtime's functions. */
#define POSIXIPC_STR_(x) #x
#define POSIXIPC_STR(x) POSIXIPC_STR_(x)
#if defined(POSIXIPC_BUILDING) || defined(POSIXIPC_NO_REDIRECT)
#define POSIXIPC_REDIRECT(sym)
#else
#define POSIXIPC_REDIRECT(sym) __asm__(POSIXIPC_STR(__USER_LABEL_PREFIX__) #sym)
#endif

#endif
