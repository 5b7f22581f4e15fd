/* NT-level declarations the library uses and mingw-w64's headers lack or hide (ntdll calls,
 * information classes, flags and values from the Windows driver kit), in one place.  Include
 * it after internal.h; it brings <winternl.h>. */
#ifndef POSIXIPC_WINAPI_H
#define POSIXIPC_WINAPI_H

#include <winternl.h>

/* NtSetInformationFile: FileDispositionInformationEx (Windows 10 1709) and its flags, which
 * winternl.h lacks (winbase.h has the flags only for _WIN32_WINNT >= 0x0A000002). */
#define PI_FILE_DISPOSITION_INFORMATION_EX 64
#define PI_DISPOSITION_DELETE 0x1
#define PI_DISPOSITION_POSIX_SEMANTICS 0x2

/* The right to read a semaphore's count, and the call that reads it (ntdll, documented in
 * the Windows driver kit). */
#ifndef SEMAPHORE_QUERY_STATE
#define SEMAPHORE_QUERY_STATE 0x0001
#endif
#define PI_SEMAPHORE_BASIC_INFORMATION 0
struct pi_semaphore_basic_information {
	LONG current;
	LONG maximum;
};
NTSTATUS NTAPI NtQuerySemaphore(HANDLE semaphore, int info_class, PVOID info, ULONG size,
				PULONG returned);

/* NTSTATUS values of a name that no longer leads to a file (ntstatus.h, which clashes with
 * winnt.h's subset). */
#define PI_STATUS_OBJECT_NAME_NOT_FOUND ((NTSTATUS)0xC0000034L)
#define PI_STATUS_OBJECT_PATH_NOT_FOUND ((NTSTATUS)0xC000003AL)
#define PI_STATUS_DELETE_PENDING ((NTSTATUS)0xC0000056L)

/* NamedPipeState values of FILE_PIPE_LOCAL_INFORMATION (WDK ntifs.h). */
#define PI_PIPE_DISCONNECTED 1
#define PI_PIPE_LISTENING 2
#define PI_PIPE_CONNECTED 3
#define PI_PIPE_CLOSING 4

/* FilePipeLocalInformation of a pipe end (NtQueryInformationFile): 1, or 0 if it cannot be
 * asked.  pi_pipe_state (internal.h) reads its state and bytes available from it. */
int pi_pipe_info(HANDLE h, FILE_PIPE_LOCAL_INFORMATION *info);
/* Is the pipe end h its pipe's one instance, and (max > 0) was the pipe made for max
 * instances?  From one FilePipeLocalInformation query. */
int pi_pipe_only_instance(HANDLE h, ULONG max);

#endif
