/* Small questions about handles that only the NT object manager answers, asked the same way
 * everywhere (see winapi.h for the declarations). */
#include "internal.h"
#include "winapi.h"

DWORD pi_granted_access(HANDLE h)
{
	PUBLIC_OBJECT_BASIC_INFORMATION basic;
	ULONG n;

	if (NtQueryObject(h, ObjectBasicInformation, &basic, sizeof basic, &n) < 0)
		return 0;
	return basic.GrantedAccess;
}
