/* <mqueue.h> for Windows: POSIX message queues that persist in the objects' folder and work
 * across processes, with notification by thread (mq_notify SIGEV_THREAD and SIGEV_NONE). */
#ifndef POSIXIPC_MQUEUE_H
#define POSIXIPC_MQUEUE_H

#pragma GCC system_header

#include <posixipc_api.h>

#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A descriptor from the library's own table, an int as on Linux; (mqd_t)-1 is failure. */
typedef int mqd_t;

struct mq_attr {
	long mq_flags;   /* 0 or O_NONBLOCK */
	long mq_maxmsg;  /* messages the queue holds */
	long mq_msgsize; /* bytes in the longest message */
	long mq_curmsgs; /* messages in the queue now */
	long __pad[4];
};

#ifndef MQ_PRIO_MAX
#define MQ_PRIO_MAX 32768
#endif

/* mingw-w64 has no struct sigevent; the layout and values are glibc's.  Without signals on
 * Windows, mq_notify takes SIGEV_NONE and SIGEV_THREAD only. */
#ifndef POSIXIPC_SIGEVENT_DEFINED
#define POSIXIPC_SIGEVENT_DEFINED
union sigval {
	int sival_int;
	void *sival_ptr;
};

struct sigevent {
	union sigval sigev_value;
	int sigev_signo;
	int sigev_notify;
	void (*sigev_notify_function)(union sigval);
	void *sigev_notify_attributes; /* a pthread_attr_t *; not used */
};

#define SIGEV_SIGNAL 0
#define SIGEV_NONE   1
#define SIGEV_THREAD 2
#endif

POSIXIPC_API mqd_t posixipc_mq_open(const char *name, int oflag, ...);
POSIXIPC_API int posixipc_mq_close(mqd_t mqdes);
POSIXIPC_API int posixipc_mq_unlink(const char *name);
POSIXIPC_API int posixipc_mq_send(mqd_t mqdes, const char *msg_ptr, size_t msg_len, unsigned int msg_prio);
POSIXIPC_API int posixipc_mq_timedsend(mqd_t mqdes, const char *msg_ptr, size_t msg_len, unsigned int msg_prio, const struct timespec *abs_timeout);
POSIXIPC_API ssize_t posixipc_mq_receive(mqd_t mqdes, char *msg_ptr, size_t msg_len, unsigned int *msg_prio);
POSIXIPC_API ssize_t posixipc_mq_timedreceive(mqd_t mqdes, char *msg_ptr, size_t msg_len, unsigned int *msg_prio, const struct timespec *abs_timeout);
POSIXIPC_API int posixipc_mq_getattr(mqd_t mqdes, struct mq_attr *mqstat);
POSIXIPC_API int posixipc_mq_setattr(mqd_t mqdes, const struct mq_attr *mqstat, struct mq_attr *omqstat);
POSIXIPC_API int posixipc_mq_notify(mqd_t mqdes, const struct sigevent *notification);

POSIXIPC_API mqd_t mq_open(const char *, int, ...) POSIXIPC_REDIRECT(posixipc_mq_open);
POSIXIPC_API int mq_close(mqd_t) POSIXIPC_REDIRECT(posixipc_mq_close);
POSIXIPC_API int mq_unlink(const char *) POSIXIPC_REDIRECT(posixipc_mq_unlink);
POSIXIPC_API int mq_send(mqd_t, const char *, size_t, unsigned int)
	POSIXIPC_REDIRECT(posixipc_mq_send);
POSIXIPC_API int mq_timedsend(mqd_t, const char *, size_t, unsigned int, const struct timespec *)
	POSIXIPC_REDIRECT(posixipc_mq_timedsend);
POSIXIPC_API ssize_t mq_receive(mqd_t, char *, size_t, unsigned int *)
	POSIXIPC_REDIRECT(posixipc_mq_receive);
POSIXIPC_API ssize_t mq_timedreceive(mqd_t, char *, size_t, unsigned int *,
				     const struct timespec *)
	POSIXIPC_REDIRECT(posixipc_mq_timedreceive);
POSIXIPC_API int mq_getattr(mqd_t, struct mq_attr *) POSIXIPC_REDIRECT(posixipc_mq_getattr);
POSIXIPC_API int mq_setattr(mqd_t, const struct mq_attr *, struct mq_attr *)
	POSIXIPC_REDIRECT(posixipc_mq_setattr);
POSIXIPC_API int mq_notify(mqd_t, const struct sigevent *) POSIXIPC_REDIRECT(posixipc_mq_notify);

#ifdef __cplusplus
}
#endif

#endif
