/* sysconf() and getpagesize(), which mingw-w64 lacks: the page size callers align mmap
 * offsets to, and the limits of the library's own facilities. */
#include <limits.h>
#include <mqueue.h>
#include <semaphore.h>
#include <unistd.h>

#include "internal.h"

#undef sysconf
#undef getpagesize

PI_EXPORT int posixipc_getpagesize(void)
{
	SYSTEM_INFO si;

	GetSystemInfo(&si);
	return (int)si.dwPageSize;
}

PI_EXPORT long posixipc_sysconf(int name)
{
	SYSTEM_INFO si;
	MEMORYSTATUSEX ms;

	switch (name) {
	case _SC_PAGESIZE:
		return posixipc_getpagesize();
	case _SC_NPROCESSORS_CONF:
	case _SC_NPROCESSORS_ONLN:
		GetSystemInfo(&si);
		return (long)si.dwNumberOfProcessors;
	case _SC_PHYS_PAGES:
		ms.dwLength = sizeof ms;
		if (!GlobalMemoryStatusEx(&ms))
			return pi_fail_win32(0);
		return (long)(ms.ullTotalPhys / (DWORDLONG)posixipc_getpagesize());
	case _SC_SEM_VALUE_MAX:
		return SEM_VALUE_MAX;
	case _SC_SEM_NSEMS_MAX:
		/* No fixed limit: POSIX says return -1 without changing errno. */
		return -1;
	case _SC_MESSAGE_PASSING:
		return _POSIX_MESSAGE_PASSING;
	case _SC_MQ_PRIO_MAX:
		return MQ_PRIO_MAX;
	case _SC_MQ_OPEN_MAX:
		return pi_mq_open_max();
	case _SC_IOV_MAX:
		return IOV_MAX;
	case _SC_OPEN_MAX:
		return PI_OPEN_MAX;
	case _SC_VERSION:
		return 200809L;
	/* One case per option <unistd.h> defines, with the same value. */
	case _SC_MAPPED_FILES:
		return _POSIX_MAPPED_FILES;
	case _SC_MEMORY_PROTECTION:
		return _POSIX_MEMORY_PROTECTION;
	case _SC_MEMLOCK_RANGE:
		return _POSIX_MEMLOCK_RANGE;
	case _SC_SEMAPHORES:
		return _POSIX_SEMAPHORES;
	case _SC_SHARED_MEMORY_OBJECTS:
		return _POSIX_SHARED_MEMORY_OBJECTS;
	case _SC_FSYNC:
		return _POSIX_FSYNC;
	case _SC_SYNCHRONIZED_IO:
		return _POSIX_SYNCHRONIZED_IO;
	case _SC_TIMEOUTS:
		return _POSIX_TIMEOUTS;
	/* mlockall cannot lock future mappings on Windows (ENOSYS). */
	case _SC_MEMLOCK:
		return -1;
	case _SC_CLK_TCK:
		return 1000;
	case _SC_ARG_MAX:
		return 32767;
	case _SC_CHILD_MAX:
	case _SC_NGROUPS_MAX:
		return -1;
	default:
		return pi_fail(EINVAL);
	}
}
