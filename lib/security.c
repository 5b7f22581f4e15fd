/* Security descriptors from POSIX modes, for every object the library creates (pipes,
 * semaphores, backing files), so that 0600 keeps other users out and 0666 lets them in. */
#include <io.h>
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

#include <sddl.h>

static INIT_ONCE user_once = INIT_ONCE_STATIC_INIT;
static wchar_t *user_sid;

static BOOL CALLBACK find_user_sid(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
	HANDLE token;
	union {
		TOKEN_USER user;
		char buf[256];
	} info;
	DWORD n;

	(void)once, (void)param, (void)ctx;
	if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token))
		return TRUE;
	if (GetTokenInformation(token, TokenUser, &info, sizeof info, &n))
		ConvertSidToStringSidW(info.user.User.Sid, &user_sid);
	CloseHandle(token);
	return TRUE;
}

/* The owner keeps DELETE and FILE_WRITE_ATTRIBUTES whatever the mode, so that it can always
 * unlink: Wine 8.0 turns an access list that denies the owner writing into the read-only
 * attribute (Windows does not), which refuses deletion until pi_clear_readonly() takes it
 * away.  On kernel objects other than files and pipes that bit names no right. */
int pi_sa_from_mode(mode_t mode, DWORD read_rights, DWORD write_rights, struct pi_sa *out)
{
	DWORD owner = READ_CONTROL | WRITE_DAC | DELETE | SYNCHRONIZE | FILE_WRITE_ATTRIBUTES;
	DWORD other = 0;
	wchar_t sddl[256];

	if (out == NULL)
		return pi_fail(EINVAL);
	InitOnceExecuteOnce(&user_once, find_user_sid, NULL, NULL);
	if (user_sid == NULL)
		return pi_fail(EACCES);
	if (mode & 0400)
		owner |= read_rights;
	if (mode & 0200)
		owner |= write_rights;
	if (mode & 0004)
		other |= read_rights;
	if (mode & 0002)
		other |= write_rights;
	if (other)
		other |= SYNCHRONIZE;
	/* SYSTEM keeps full access, as root does on Linux. */
	if (other)
		swprintf(sddl, 256, L"D:P(A;;0x%lx;;;%ls)(A;;0x%lx;;;WD)(A;;GA;;;SY)",
			 (unsigned long)owner, user_sid, (unsigned long)other);
	else
		swprintf(sddl, 256, L"D:P(A;;0x%lx;;;%ls)(A;;GA;;;SY)", (unsigned long)owner,
			 user_sid);
	if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, SDDL_REVISION_1, &out->sd,
								  NULL))
		return pi_fail_win32(0);
	out->sa.nLength = sizeof out->sa;
	out->sa.lpSecurityDescriptor = out->sd;
	out->sa.bInheritHandle = FALSE;
	return 0;
}

void pi_sa_free(struct pi_sa *sa)
{
	if (sa != NULL && sa->sd != NULL) {
		LocalFree(sa->sd);
		sa->sd = NULL;
	}
}

mode_t pi_umask(void)
{
	static SRWLOCK lock = SRWLOCK_INIT;
	int m;

	/* The C runtime reads the mask only by setting it: put it straight back, and keep two
	 * of the library's own readers from seeing each other's temporary zero. */
	AcquireSRWLockExclusive(&lock);
	m = _umask(0);
	_umask(m);
	ReleaseSRWLockExclusive(&lock);
	return (mode_t)m;
}

int pi_clear_readonly(HANDLE h)
{
	FILE_BASIC_INFO info;

	if (!GetFileInformationByHandleEx(h, FileBasicInfo, &info, sizeof info) ||
	    !(info.FileAttributes & FILE_ATTRIBUTE_READONLY))
		return 0;
	info.FileAttributes &= ~(DWORD)FILE_ATTRIBUTE_READONLY;
	if (info.FileAttributes == 0)
		info.FileAttributes = FILE_ATTRIBUTE_NORMAL;
	return SetFileInformationByHandle(h, FileBasicInfo, &info, sizeof info) != 0;
}
