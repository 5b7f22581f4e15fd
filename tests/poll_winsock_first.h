/* select and poll as seen by a file that included <winsock2.h> first: 1 when fd is readable. */
#ifndef POSIXIPC_POLL_WINSOCK_FIRST_H
#define POSIXIPC_POLL_WINSOCK_FIRST_H

int select_after_winsock(int fd);
int poll_after_winsock(int fd);

#endif
