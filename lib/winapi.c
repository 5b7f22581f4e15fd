/* Small questions about handles that only NT answers (the object manager, the named pipe
 * file system), asked the same way everywhere (see winapi.h for the declarations). */
#include "internal.h"
#include "winapi.h"

DWORD pi_granted_access_or(HANDLE h, DWORD unknown)
{
	PUBLIC_OBJECT_BASIC_INFORMATION basic;
	ULONG n;

	if (NtQueryObject(h, ObjectBasicInformation, &basic, sizeof basic, &n) < 0)
		return unknown;
	return basic.GrantedAccess;
}

DWORD pi_granted_access(HANDLE h)
{
	return pi_granted_access_or(h, 0);
}

int pi_pipe_info(HANDLE h, FILE_PIPE_LOCAL_INFORMATION *info)
{
	IO_STATUS_BLOCK io;

	return NtQueryInformationFile(h, &io, info, sizeof *info, FilePipeLocalInformation) >= 0;
}

int pi_pipe_state(HANDLE h, ULONG *avail)
{
	FILE_PIPE_LOCAL_INFORMATION info;

	if (!pi_pipe_info(h, &info))
		return 0;
	if (avail != NULL)
		*avail = info.ReadDataAvailable;
	return (int)info.NamedPipeState;
}

int pi_pipe_only_instance(HANDLE h, ULONG max)
{
	FILE_PIPE_LOCAL_INFORMATION info;

	return pi_pipe_info(h, &info) && info.CurrentInstances == 1 &&
	       (max == 0 || info.MaximumInstances == max);
}
