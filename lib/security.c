/* Security descriptors from POSIX modes, for every object the library creates (pipes,
 * semaphores, backing files), so that 0600 keeps other users out and 0666 lets them in. */
#include <io.h>
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

#include <aclapi.h>
#include <sddl.h>

static INIT_ONCE user_once = INIT_ONCE_STATIC_INIT;
static wchar_t *user_sid;
/* The token's primary group carries the group bits, as Cygwin maps them; NULL when it is the
 * user itself (then group bits have nowhere distinct to go). */
static wchar_t *group_sid;

static BOOL CALLBACK find_user_sid(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
	HANDLE token;
	union {
		TOKEN_USER user;
		TOKEN_PRIMARY_GROUP group;
		char buf[256];
	} info;
	DWORD n;

	(void)once, (void)param, (void)ctx;
	if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token))
		return TRUE;
	if (GetTokenInformation(token, TokenUser, &info, sizeof info, &n))
		ConvertSidToStringSidW(info.user.User.Sid, &user_sid);
	if (user_sid != NULL &&
	    GetTokenInformation(token, TokenPrimaryGroup, &info, sizeof info, &n) &&
	    ConvertSidToStringSidW(info.group.PrimaryGroup, &group_sid) &&
	    wcscmp(group_sid, user_sid) == 0) {
		LocalFree(group_sid);
		group_sid = NULL;
	}
	CloseHandle(token);
	return TRUE;
}

static size_t add_ace(wchar_t *sddl, size_t at, size_t size, DWORD rights, const wchar_t *sid)
{
	int n = swprintf(sddl + at, size - at, L"(A;;0x%lx;;;%ls)", (unsigned long)rights, sid);

	return n < 0 ? size : at + (size_t)n;
}

/* The owner keeps DELETE and FILE_WRITE_ATTRIBUTES whatever the mode, so that it can always
 * unlink: Wine 8.0 turns an access list that denies the owner writing into the read-only
 * attribute (Windows does not), which refuses deletion until pi_set_readonly() takes it
 * away.  On kernel objects other than files and pipes that bit names no right. */
int pi_sa_from_mode(mode_t mode, DWORD read_rights, DWORD write_rights, struct pi_sa *out)
{
	DWORD owner = READ_CONTROL | WRITE_DAC | DELETE | SYNCHRONIZE | FILE_WRITE_ATTRIBUTES;
	DWORD group = 0, other = 0;
	wchar_t sddl[512];
	size_t at;

	if (out == NULL)
		return pi_fail(EINVAL);
	InitOnceExecuteOnce(&user_once, find_user_sid, NULL, NULL);
	if (user_sid == NULL)
		return pi_fail(EACCES);
	if (mode & 0400)
		owner |= read_rights;
	if (mode & 0200)
		owner |= write_rights;
	if (mode & 0040)
		group |= read_rights;
	if (mode & 0020)
		group |= write_rights;
	if (mode & 0004)
		other |= read_rights;
	if (mode & 0002)
		other |= write_rights;
	wcscpy(sddl, L"D:P");
	at = 3;
	at = add_ace(sddl, at, 512, owner, user_sid);
	if (group && group_sid != NULL)
		at = add_ace(sddl, at, 512, group | SYNCHRONIZE, group_sid);
	if (other)
		at = add_ace(sddl, at, 512, other | SYNCHRONIZE, L"WD");
	/* SYSTEM keeps full access, as root does on Linux. */
	if (at >= 512 || swprintf(sddl + at, 512 - at, L"(A;;GA;;;SY)") < 0)
		return pi_fail(ENOMEM);
	if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, SDDL_REVISION_1, &out->sd,
								  NULL))
		return pi_fail_win32(0);
	out->sa.nLength = sizeof out->sa;
	out->sa.lpSecurityDescriptor = out->sd;
	out->sa.bInheritHandle = FALSE;
	return 0;
}

static int sid_is(PSID sid, const wchar_t *want)
{
	wchar_t *s;
	int same;

	if (want == NULL || !ConvertSidToStringSidW(sid, &s))
		return 0;
	same = wcscmp(s, want) == 0;
	LocalFree(s);
	return same;
}

static mode_t bits(DWORD mask, DWORD read_rights, DWORD write_rights)
{
	return (mode_t)(((mask & read_rights) ? 4 : 0) | ((mask & write_rights) ? 2 : 0));
}

int pi_mode_from_handle(HANDLE h, mode_t *mode)
{
	const DWORD r = FILE_READ_DATA | GENERIC_READ, w = FILE_WRITE_DATA | GENERIC_WRITE;
	PSECURITY_DESCRIPTOR sd = NULL;
	SECURITY_DESCRIPTOR_CONTROL ctl;
	DWORD rev, i;
	PACL dacl = NULL;
	mode_t m = 0;
	int ours = 1;

	InitOnceExecuteOnce(&user_once, find_user_sid, NULL, NULL);
	if (user_sid == NULL ||
	    GetSecurityInfo(h, SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, NULL, NULL, &dacl, NULL,
			    &sd) != ERROR_SUCCESS)
		return -1;
	if (dacl == NULL || !GetSecurityDescriptorControl(sd, &ctl, &rev) ||
	    !(ctl & SE_DACL_PROTECTED))
		ours = 0;
	for (i = 0; ours && i < dacl->AceCount; i++) {
		ACCESS_ALLOWED_ACE *ace;
		PSID sid;

		if (!GetAce(dacl, i, (void **)&ace) ||
		    ace->Header.AceType != ACCESS_ALLOWED_ACE_TYPE) {
			ours = 0;
			break;
		}
		sid = (PSID)&ace->SidStart;
		if (sid_is(sid, user_sid))
			m |= (mode_t)(bits(ace->Mask, r, w) << 6);
		else if (sid_is(sid, group_sid))
			m |= (mode_t)(bits(ace->Mask, r, w) << 3);
		else if (sid_is(sid, L"S-1-1-0"))
			m |= bits(ace->Mask, r, w);
		else if (!sid_is(sid, L"S-1-5-18"))
			ours = 0;
	}
	LocalFree(sd);
	if (!ours)
		return -1;
	*mode = m;
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

int pi_set_readonly(HANDLE h, int on)
{
	FILE_BASIC_INFO info;

	if (!GetFileInformationByHandleEx(h, FileBasicInfo, &info, sizeof info))
		return -1;
	if (!(info.FileAttributes & FILE_ATTRIBUTE_READONLY) == !on)
		return 0;
	info.FileAttributes ^= FILE_ATTRIBUTE_READONLY;
	if (info.FileAttributes == 0)
		info.FileAttributes = FILE_ATTRIBUTE_NORMAL;
	return SetFileInformationByHandle(h, FileBasicInfo, &info, sizeof info) ? 1 : -1;
}

HANDLE pi_reopen_to_change(HANDLE h, DWORD access)
{
	HANDLE w = ReOpenFile(h, access, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, 0);
	DWORD err;

	if (w == INVALID_HANDLE_VALUE) {
		err = GetLastError();
		/* POSIX: only the owner may change the mode. */
		pi_fail(err == ERROR_ACCESS_DENIED ? EPERM : pi_errno_from_win32(err));
	}
	return w;
}
