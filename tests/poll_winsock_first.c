/* Compiled into the poll suite with <winsock2.h> included before <sys/select.h> and <poll.h>,
 * as a winsock program does: it must get the same select and poll as any other file. */
#include <winsock2.h>
#include <sys/select.h>
#include <poll.h>

#include "poll_winsock_first.h"

int select_after_winsock(int fd)
{
	struct timeval tv = { 0, 0 };
	fd_set rs;

	FD_ZERO(&rs);
	FD_SET(fd, &rs);
	if (select(fd + 1, &rs, NULL, NULL, &tv) != 1)
		return -1;
	return FD_ISSET(fd, &rs) ? 1 : 0;
}

int poll_after_winsock(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };

	return poll(&p, 1, 0) == 1 && p.revents == POLLIN ? 1 : 0;
}
