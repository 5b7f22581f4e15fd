/* The version of the library that is actually linked. */
#include <posixipc.h>

#include "internal.h"

PI_EXPORT const char *posixipc_version(void)
{
	return POSIXIPC_VERSION_STRING;
}
