/* Message queues: open flags and attributes, every errno, priority order, blocking and timed
 * calls across processes, mq_notify, unlink while open, persistence, killed senders and
 * receivers, and many threads in many processes. */
#include <aclapi.h>
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <posixipc.h>
#include <process.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mqueue_shared.h"
#include "testutil.h"

static char name[64];

static void setup(void)
{
	tu_name(name, sizeof name, "mq");
	mq_unlink(name);
}

static mqd_t create(const char *n, int flags, long maxmsg, long msgsize)
{
	struct mq_attr a;
	mqd_t q;

	memset(&a, 0, sizeof a);
	a.mq_maxmsg = maxmsg;
	a.mq_msgsize = msgsize;
	q = mq_open(n, flags | O_CREAT | O_EXCL, 0600, &a);
	ck_assert_msg(q != (mqd_t)-1, "mq_open(%s): errno %d", n, errno);
	return q;
}

static void send_text(mqd_t q, const char *text, unsigned prio)
{
	ck_assert_msg(mq_send(q, text, strlen(text), prio) == 0, "mq_send: errno %d", errno);
}

/* Receive one message (buffer of msgsize) and compare it with text and prio. */
static void expect_text(mqd_t q, const char *text, unsigned prio)
{
	struct mq_attr a;
	unsigned got = 12345;
	char *buf;
	ssize_t n;

	ck_assert_int_eq(mq_getattr(q, &a), 0);
	buf = malloc((size_t)a.mq_msgsize);
	n = mq_receive(q, buf, (size_t)a.mq_msgsize, &got);
	ck_assert_msg(n >= 0, "mq_receive: errno %d", errno);
	ck_assert_int_eq(n, strlen(text));
	ck_assert(memcmp(buf, text, (size_t)n) == 0);
	ck_assert_uint_eq(got, prio);
	free(buf);
}

static long curmsgs(mqd_t q)
{
	struct mq_attr a;

	ck_assert_int_eq(mq_getattr(q, &a), 0);
	return a.mq_curmsgs;
}

static void expect_errno(int r, int e)
{
	ck_assert_int_eq(r, -1);
	ck_assert_int_eq(errno, e);
}

static int helper(const char *args)
{
	return tu_wait(tu_spawn("mqueue_helper", args), 60000);
}

/* ------------------------------------------------------------------ open and attributes */

START_TEST(mq_open_defaults_are_linux_10_by_8192)
{
	mqd_t q = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, NULL);
	struct mq_attr a;

	ck_assert_int_ne(q, -1);
	ck_assert_int_eq(mq_getattr(q, &a), 0);
	ck_assert_int_eq(a.mq_maxmsg, 10);
	ck_assert_int_eq(a.mq_msgsize, 8192);
	ck_assert_int_eq(a.mq_curmsgs, 0);
	ck_assert_int_eq(a.mq_flags, 0);
	ck_assert_int_eq(mq_close(q), 0);
	ck_assert_int_eq(mq_unlink(name), 0);
}
END_TEST

START_TEST(mq_open_keeps_attributes_of_existing_queue)
{
	mqd_t q = create(name, O_RDWR, 3, 100), r;
	struct mq_attr a = { 0 };

	a.mq_maxmsg = 7;
	a.mq_msgsize = 50;
	r = mq_open(name, O_RDONLY | O_CREAT, 0600, &a);
	ck_assert_int_ne(r, -1);
	ck_assert_int_eq(mq_getattr(r, &a), 0);
	ck_assert_int_eq(a.mq_maxmsg, 3);
	ck_assert_int_eq(a.mq_msgsize, 100);
	/* An attribute that would be refused for a new queue is not looked at. */
	a.mq_maxmsg = 0;
	mq_close(r);
	r = mq_open(name, O_RDONLY | O_CREAT, 0600, &a);
	ck_assert_int_ne(r, -1);
	mq_close(r);
	mq_close(q);
	mq_unlink(name);
}
END_TEST

START_TEST(mq_open_bad_attributes_flags_and_names_fail_and_create_nothing)
{
	struct mq_attr a = { 0 };
	char longname[400];
	mqd_t q;

	expect_errno(mq_open(name, O_RDONLY), ENOENT);
	expect_errno(mq_open(name, O_RDWR | O_WRONLY | O_CREAT, 0600, NULL), EINVAL);
	a.mq_maxmsg = 0;
	a.mq_msgsize = 10;
	expect_errno(mq_open(name, O_RDWR | O_CREAT, 0600, &a), EINVAL);
	a.mq_maxmsg = 10;
	a.mq_msgsize = 0;
	expect_errno(mq_open(name, O_RDWR | O_CREAT, 0600, &a), EINVAL);
	a.mq_msgsize = -1;
	expect_errno(mq_open(name, O_RDWR | O_CREAT, 0600, &a), EINVAL);
	a.mq_maxmsg = 65537;
	a.mq_msgsize = 1;
	expect_errno(mq_open(name, O_RDWR | O_CREAT, 0600, &a), EINVAL);
	a.mq_maxmsg = 1;
	a.mq_msgsize = 16 * 1024 * 1024 + 1;
	expect_errno(mq_open(name, O_RDWR | O_CREAT, 0600, &a), EINVAL);
	a.mq_maxmsg = 1024;
	a.mq_msgsize = 16 * 1024 * 1024;
	expect_errno(mq_open(name, O_RDWR | O_CREAT, 0600, &a), EINVAL);
	expect_errno(mq_open(name, O_RDONLY), ENOENT); /* nothing was made */
	expect_errno(mq_open(NULL, O_RDONLY), EINVAL);
	expect_errno(mq_open("/", O_RDWR | O_CREAT, 0600, NULL), ENOENT);
	expect_errno(mq_open("/a/b", O_RDWR | O_CREAT, 0600, NULL), EACCES);
	expect_errno(mq_open("a/b", O_RDWR | O_CREAT, 0600, NULL), EINVAL);
	memset(longname, 'x', sizeof longname - 1);
	longname[0] = '/';
	longname[sizeof longname - 1] = '\0';
	expect_errno(mq_open(longname, O_RDWR | O_CREAT, 0600, NULL), ENAMETOOLONG);
	q = create(name, O_RDWR, 2, 16);
	expect_errno(mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, NULL), EEXIST);
	a.mq_maxmsg = 0;
	expect_errno(mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &a), EEXIST);
	mq_close(q);
	mq_unlink(name);
}
END_TEST

/* A queue descriptor is never 0 and never a C-runtime descriptor's number: close() on it
 * closes no file. */
START_TEST(mq_descriptors_are_not_zero_nor_file_descriptors)
{
	mqd_t q = create(name, O_RDWR, 2, 16);

	ck_assert_int_gt(q, 2);
	errno = 0;
	ck_assert_int_eq(_get_osfhandle(q), -1);
	send_text(q, "x", 0);
	expect_text(q, "x", 0);
	ck_assert_int_eq(mq_close(q), 0);
	mq_unlink(name);
}
END_TEST

START_TEST(mq_name_with_and_without_slash_is_the_same_queue)
{
	mqd_t q = create(name, O_RDWR, 2, 16), r = mq_open(name + 1, O_RDWR);

	ck_assert_int_ne(r, -1);
	send_text(r, "x", 0);
	ck_assert_int_eq(curmsgs(q), 1);
	mq_close(r);
	mq_close(q);
	mq_unlink(name);
}
END_TEST

START_TEST(mq_bad_descriptors_are_ebadf)
{
	mqd_t q = create(name, O_RDWR, 2, 16);
	struct mq_attr a = { 0 };
	struct sigevent sev = { 0 };
	char buf[16];

	ck_assert_int_eq(mq_close(q), 0);
	expect_errno(mq_close(q), EBADF);
	expect_errno(mq_send(q, "x", 1, 0), EBADF);
	expect_errno((int)mq_receive(q, buf, sizeof buf, NULL), EBADF);
	expect_errno(mq_getattr(q, &a), EBADF);
	expect_errno(mq_setattr(q, &a, NULL), EBADF);
	expect_errno(mq_notify(q, NULL), EBADF);
	expect_errno(mq_close(-1), EBADF);
	expect_errno(mq_send(12345, "x", 1, 0), EBADF);
	/* As Linux, bad flags and a bad kind of notification are EINVAL before the descriptor
	 * is looked at. */
	a.mq_flags = O_NONBLOCK | O_CREAT;
	expect_errno(mq_setattr(q, &a, NULL), EINVAL);
	sev.sigev_notify = 77;
	expect_errno(mq_notify(q, &sev), EINVAL);
	mq_unlink(name);
}
END_TEST

START_TEST(mq_wrong_direction_is_ebadf)
{
	mqd_t w = create(name, O_WRONLY, 2, 16), r = mq_open(name, O_RDONLY);
	char buf[16];

	ck_assert_int_ne(r, -1);
	expect_errno((int)mq_receive(w, buf, sizeof buf, NULL), EBADF);
	expect_errno(mq_send(r, "x", 1, 0), EBADF);
	send_text(w, "x", 0);
	expect_text(r, "x", 0);
	mq_close(r);
	mq_close(w);
	mq_unlink(name);
}
END_TEST

START_TEST(mq_message_sizes_are_emsgsize)
{
	mqd_t q = create(name, O_RDWR, 2, 16);
	char buf[32] = "0123456789abcdefg";

	expect_errno(mq_send(q, buf, 17, 0), EMSGSIZE);
	ck_assert_int_eq(mq_send(q, buf, 16, 0), 0);
	ck_assert_int_eq(mq_send(q, buf, 0, 0), 0);
	expect_errno((int)mq_receive(q, buf, 15, NULL), EMSGSIZE);
	ck_assert_int_eq(curmsgs(q), 2);
	ck_assert_int_eq(mq_receive(q, buf, 16, NULL), 16);
	ck_assert_int_eq(mq_receive(q, buf, 32, NULL), 0);
	mq_close(q);
	mq_unlink(name);
}
END_TEST

START_TEST(mq_priority_beyond_max_is_einval)
{
	mqd_t q = create(name, O_RDWR, 2, 16);

	expect_errno(mq_send(q, "x", 1, MQ_PRIO_MAX), EINVAL);
	ck_assert_int_eq(mq_send(q, "x", 1, MQ_PRIO_MAX - 1), 0);
	expect_text(q, "x", MQ_PRIO_MAX - 1);
	mq_close(q);
	mq_unlink(name);
}
END_TEST

START_TEST(mq_nonblocking_full_and_empty_are_eagain)
{
	mqd_t q = create(name, O_RDWR | O_NONBLOCK, 2, 16);
	char buf[16];

	expect_errno((int)mq_receive(q, buf, sizeof buf, NULL), EAGAIN);
	send_text(q, "a", 0);
	send_text(q, "b", 0);
	expect_errno(mq_send(q, "c", 1, 0), EAGAIN);
	ck_assert_int_eq(curmsgs(q), 2);
	expect_text(q, "a", 0);
	expect_text(q, "b", 0);
	mq_close(q);
	mq_unlink(name);
}
END_TEST

START_TEST(mq_setattr_changes_only_o_nonblock_of_that_descriptor)
{
	mqd_t q = create(name, O_RDWR, 2, 16), other = mq_open(name, O_RDWR);
	struct mq_attr a = { 0 }, old;
	char buf[16];

	a.mq_flags = O_NONBLOCK;
	a.mq_maxmsg = 99;
	a.mq_msgsize = 99;
	ck_assert_int_eq(mq_setattr(q, &a, &old), 0);
	ck_assert_int_eq(old.mq_flags, 0);
	ck_assert_int_eq(old.mq_maxmsg, 2);
	ck_assert_int_eq(mq_getattr(q, &a), 0);
	ck_assert_int_eq(a.mq_flags, O_NONBLOCK);
	ck_assert_int_eq(a.mq_maxmsg, 2);
	ck_assert_int_eq(a.mq_msgsize, 16);
	expect_errno((int)mq_receive(q, buf, sizeof buf, NULL), EAGAIN);
	ck_assert_int_eq(mq_getattr(other, &a), 0);
	ck_assert_int_eq(a.mq_flags, 0);
	a.mq_flags = O_NONBLOCK | O_CREAT;
	expect_errno(mq_setattr(q, &a, NULL), EINVAL);
	a.mq_flags = 0;
	ck_assert_int_eq(mq_setattr(q, &a, NULL), 0);
	ck_assert_int_eq(mq_getattr(q, &a), 0);
	ck_assert_int_eq(a.mq_flags, 0);
	mq_close(other);
	mq_close(q);
	mq_unlink(name);
}
END_TEST

START_TEST(mq_null_buffers_are_efault)
{
	mqd_t q = create(name, O_RDWR, 2, 16);

	expect_errno(mq_send(q, NULL, 1, 0), EFAULT);
	expect_errno((int)mq_receive(q, NULL, 16, NULL), EFAULT);
	expect_errno(mq_getattr(q, NULL), EFAULT);
	mq_close(q);
	mq_unlink(name);
}
END_TEST

START_TEST(mq_sysconf_agrees_with_feature_macro_and_prio_max)
{
	ck_assert_int_gt(_POSIX_MESSAGE_PASSING, 0);
	ck_assert_int_eq(sysconf(_SC_MESSAGE_PASSING), _POSIX_MESSAGE_PASSING);
	ck_assert_int_eq(sysconf(_SC_MQ_PRIO_MAX), 32768);
	ck_assert_int_eq(MQ_PRIO_MAX, 32768);
	ck_assert_int_ge(sysconf(_SC_MQ_OPEN_MAX), 8);
}
END_TEST

START_TEST(mq_descriptors_run_out_with_emfile_and_come_back)
{
	long max = sysconf(_SC_MQ_OPEN_MAX), i, n = 0;
	int e;
	mqd_t *all = calloc((size_t)max + 1, sizeof *all);
	mqd_t q = create(name, O_RDWR, 1, 8);

	ck_assert_ptr_nonnull(all);
	for (i = 0; i <= max; i++) {
		all[i] = mq_open(name, O_RDWR);
		if (all[i] == (mqd_t)-1)
			break;
		n++;
	}
	e = errno;
	for (i = 0; i < n; i++)
		ck_assert_int_eq(mq_close(all[i]), 0);
	ck_assert_int_eq(e, EMFILE);
	ck_assert_int_le(n, max - 1);
	ck_assert_int_gt(n, max - 8);
	all[0] = mq_open(name, O_RDWR);
	ck_assert_int_ne(all[0], -1);
	mq_close(all[0]);
	mq_close(q);
	mq_unlink(name);
	free(all);
}
END_TEST

/* ------------------------------------------------------------------ order */

START_TEST(mq_highest_priority_first_fifo_within_a_priority)
{
	mqd_t q = create(name, O_RDWR, 10, 16);

	send_text(q, "a1", 1);
	send_text(q, "b0", 0);
	send_text(q, "c5", 5);
	send_text(q, "d1", 1);
	send_text(q, "e5", 5);
	send_text(q, "f0", 0);
	send_text(q, "g9", 9);
	send_text(q, "h1", 1);
	expect_text(q, "g9", 9);
	expect_text(q, "c5", 5);
	expect_text(q, "e5", 5);
	expect_text(q, "a1", 1);
	/* Arrivals after some are taken still go behind their equals. */
	send_text(q, "i1", 1);
	send_text(q, "j5", 5);
	expect_text(q, "j5", 5);
	expect_text(q, "d1", 1);
	expect_text(q, "h1", 1);
	expect_text(q, "i1", 1);
	expect_text(q, "b0", 0);
	expect_text(q, "f0", 0);
	ck_assert_int_eq(curmsgs(q), 0);
	mq_close(q);
	mq_unlink(name);
}
END_TEST

START_TEST(mq_slots_are_reused_without_loss_over_many_rounds)
{
	mqd_t q = create(name, O_RDWR | O_NONBLOCK, 5, 32);
	char text[32];
	int i, j;

	for (i = 0; i < 200; i++) {
		for (j = 0; j < 5; j++) {
			snprintf(text, sizeof text, "%d.%d", i, j);
			send_text(q, text, (unsigned)(j % 2));
		}
		expect_errno(mq_send(q, "x", 1, 0), EAGAIN);
		for (j = 1; j < 5; j += 2) {
			snprintf(text, sizeof text, "%d.%d", i, j);
			expect_text(q, text, 1);
		}
		for (j = 0; j < 5; j += 2) {
			snprintf(text, sizeof text, "%d.%d", i, j);
			expect_text(q, text, 0);
		}
	}
	mq_close(q);
	mq_unlink(name);
}
END_TEST

/* ------------------------------------------------------------------ timed calls */

START_TEST(mq_timed_calls_time_out_with_etimedout)
{
	mqd_t q = create(name, O_RDWR, 1, 16);
	struct timespec ts = in_ms(150), start, end;
	char buf[16];

	clock_gettime(CLOCK_REALTIME, &start);
	expect_errno((int)mq_timedreceive(q, buf, sizeof buf, NULL, &ts), ETIMEDOUT);
	clock_gettime(CLOCK_REALTIME, &end);
	ck_assert(end.tv_sec > ts.tv_sec || (end.tv_sec == ts.tv_sec && end.tv_nsec >= ts.tv_nsec));
	send_text(q, "a", 0);
	ts = in_ms(100);
	expect_errno(mq_timedsend(q, "b", 1, 0, &ts), ETIMEDOUT);
	/* A deadline in the past still takes a message that is there. */
	ts.tv_sec = 0;
	ts.tv_nsec = 0;
	ck_assert_int_eq(mq_timedreceive(q, buf, sizeof buf, NULL, &ts), 1);
	expect_errno((int)mq_timedreceive(q, buf, sizeof buf, NULL, &ts), ETIMEDOUT);
	mq_close(q);
	mq_unlink(name);
}
END_TEST

/* The timeout is looked at only when the call would block (Linux looks first); then a
 * negative tv_sec is EINVAL, as Linux says of queues. */
START_TEST(mq_malformed_timeouts_are_einval_only_when_the_call_would_block)
{
	mqd_t q = create(name, O_RDWR, 1, 16);
	struct timespec ts = in_ms(1000);
	unsigned int prio = 7;
	char buf[16];

	/* Room and a message: the timeout is not looked at, as for sem_timedwait. */
	ts.tv_nsec = 1000000000L;
	ck_assert_int_eq(mq_timedsend(q, "a", 1, 3, &ts), 0);
	/* Full, and empty: now it would block, so a bad tv_nsec is EINVAL. */
	expect_errno(mq_timedsend(q, "b", 1, 0, &ts), EINVAL);
	ts.tv_nsec = -1;
	expect_errno(mq_timedsend(q, "b", 1, 0, &ts), EINVAL);
	ck_assert_int_eq(curmsgs(q), 1);
	ck_assert_int_eq(mq_timedreceive(q, buf, sizeof buf, &prio, &ts), 1);
	ck_assert_int_eq(prio, 3);
	expect_errno((int)mq_timedreceive(q, buf, sizeof buf, NULL, &ts), EINVAL);
	ts.tv_nsec = 1000000000L;
	expect_errno((int)mq_timedreceive(q, buf, sizeof buf, NULL, &ts), EINVAL);
	ts.tv_sec = -1;
	ts.tv_nsec = 0;
	expect_errno((int)mq_timedreceive(q, buf, sizeof buf, NULL, &ts), EINVAL);
	/* A deadline long past is valid: it times out. */
	ts.tv_sec = 1;
	expect_errno((int)mq_timedreceive(q, buf, sizeof buf, NULL, &ts), ETIMEDOUT);
	ts = in_ms(1000);
	ck_assert_int_eq(mq_timedsend(q, "a", 1, 0, &ts), 0);
	ck_assert_int_eq(mq_timedreceive(q, buf, sizeof buf, NULL, &ts), 1);
	mq_close(q);
	mq_unlink(name);
}
END_TEST

/* ------------------------------------------------------------------ across processes */

START_TEST(mq_receive_blocks_until_another_process_sends)
{
	mqd_t q = create(name, O_RDWR, 2, 64);
	char args[256], buf[64];
	HANDLE p;
	DWORD t0;
	ssize_t n;

	snprintf(args, sizeof args, "send-later %s hello 300", name);
	p = tu_spawn("mqueue_helper", args);
	t0 = GetTickCount();
	n = mq_receive(q, buf, sizeof buf, NULL);
	ck_assert_int_eq(n, 6);
	ck_assert(memcmp(buf, "hello0", 6) == 0);
	ck_assert_uint_ge(GetTickCount() - t0, 200);
	ck_assert_int_eq(tu_wait(p, 30000), 0);
	mq_close(q);
	mq_unlink(name);
}
END_TEST

START_TEST(mq_send_blocks_on_full_queue_until_another_process_receives)
{
	mqd_t q = create(name, O_RDWR, 1, 64);
	char args[256];
	HANDLE p;

	send_text(q, "first", 0);
	snprintf(args, sizeof args, "send-blocked %s second 20000", name);
	p = tu_spawn("mqueue_helper", args);
	Sleep(300);
	ck_assert_int_eq(WaitForSingleObject(p, 0), WAIT_TIMEOUT);
	expect_text(q, "first", 0);
	ck_assert_int_eq(tu_wait(p, 30000), 0);
	expect_text(q, "second", 0);
	mq_close(q);
	mq_unlink(name);
}
END_TEST

START_TEST(mq_timed_calls_time_out_in_another_process)
{
	mqd_t q = create(name, O_RDWR, 1, 64);
	char args[256];

	snprintf(args, sizeof args, "receive %s - 200", name);
	ck_assert_int_eq(helper(args), 0);
	send_text(q, "full", 0);
	snprintf(args, sizeof args, "send-blocked %s - 200", name);
	ck_assert_int_eq(helper(args), 0);
	ck_assert_int_eq(curmsgs(q), 1);
	mq_close(q);
	mq_unlink(name);
}
END_TEST

START_TEST(mq_priorities_hold_across_processes)
{
	mqd_t q = create(name, O_RDWR, 10, 64);
	char args[256];

	snprintf(args, sizeof args, "send %s low 3 1", name);
	ck_assert_int_eq(helper(args), 0);
	snprintf(args, sizeof args, "send %s high 2 7", name);
	ck_assert_int_eq(helper(args), 0);
	expect_text(q, "high0", 7);
	expect_text(q, "high1", 7);
	expect_text(q, "low0", 1);
	snprintf(args, sizeof args, "receive %s low1 5000", name);
	ck_assert_int_eq(helper(args), 0);
	expect_text(q, "low2", 1);
	mq_close(q);
	mq_unlink(name);
}
END_TEST

/* ------------------------------------------------------------------ lifetime */

START_TEST(mq_queue_and_messages_persist_after_every_process_closed)
{
	char args[256];
	mqd_t q;

	snprintf(args, sizeof args, "create-exit %s 3", name);
	ck_assert_int_eq(helper(args), 0);
	q = mq_open(name, O_RDONLY);
	ck_assert_int_ne(q, -1);
	ck_assert_int_eq(curmsgs(q), 3);
	expect_text(q, "kept0", 0);
	ck_assert_int_eq(mq_close(q), 0);
	q = mq_open(name, O_RDONLY);
	ck_assert_int_eq(curmsgs(q), 2);
	expect_text(q, "kept1", 0);
	expect_text(q, "kept2", 0);
	mq_close(q);
	ck_assert_int_eq(mq_unlink(name), 0);
}
END_TEST

START_TEST(mq_unlink_frees_the_name_at_once_and_descriptors_keep_working)
{
	mqd_t q = create(name, O_RDWR, 4, 16), r = mq_open(name, O_RDWR), fresh;

	ck_assert_int_ne(r, -1);
	send_text(q, "old", 3);
	ck_assert_int_eq(mq_unlink(name), 0);
	expect_errno(mq_open(name, O_RDWR), ENOENT);
	expect_errno(mq_unlink(name), ENOENT);
	fresh = create(name, O_RDWR, 2, 8);
	ck_assert_int_eq(curmsgs(fresh), 0);
	send_text(fresh, "new", 0);
	/* The unlinked queue is still whole, and still shared by its two descriptors. */
	send_text(r, "old2", 3);
	ck_assert_int_eq(curmsgs(q), 2);
	expect_text(r, "old", 3);
	expect_text(q, "old2", 3);
	expect_text(fresh, "new", 0);
	mq_close(q);
	mq_close(r);
	mq_close(fresh);
	ck_assert_int_eq(mq_unlink(name), 0);
}
END_TEST

START_TEST(mq_unlink_of_missing_or_invalid_name_fails)
{
	expect_errno(mq_unlink(name), ENOENT);
	expect_errno(mq_unlink(NULL), EINVAL);
	expect_errno(mq_unlink("/a/b"), EACCES);
	expect_errno(mq_unlink("/"), ENOENT);
	expect_errno(mq_unlink(""), EINVAL);
}
END_TEST

/* The file's DACL after the umask; the current user always gets in. */
START_TEST(mq_mode_becomes_the_access_list_after_the_umask)
{
	char dir[1024], path[1200];
	PACL dacl;
	PSECURITY_DESCRIPTOR sd;
	DWORD everyone = 0, i;
	ACE_HEADER *ace;
	int old = _umask(022);
	mqd_t q = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0666, NULL);

	_umask(old);
	ck_assert_int_ne(q, -1);
	ck_assert_int_eq(posixipc_objects_dir(dir, sizeof dir), 0);
	snprintf(path, sizeof path, "%s\\mq\\%s", dir, name + 1);
	ck_assert_int_eq(GetNamedSecurityInfoA(path, SE_FILE_OBJECT, DACL_SECURITY_INFORMATION,
					       NULL, NULL, &dacl, NULL, &sd),
			 ERROR_SUCCESS);
	for (i = 0; i < dacl->AceCount; i++) {
		ck_assert(GetAce(dacl, i, (void **)&ace));
		if (ace->AceType == ACCESS_ALLOWED_ACE_TYPE &&
		    IsWellKnownSid(&((ACCESS_ALLOWED_ACE *)ace)->SidStart, WinWorldSid))
			everyone |= ((ACCESS_ALLOWED_ACE *)ace)->Mask;
	}
	LocalFree(sd);
	ck_assert_int_ne(everyone & FILE_READ_DATA, 0);
	ck_assert_int_eq(everyone & FILE_WRITE_DATA, 0);
	mq_close(q);
	mq_unlink(name);
}
END_TEST

/* What a native program can do: see the file, and delete it, which removes the queue once
 * no descriptor has it open. */
START_TEST(mq_win32_path_is_the_queue_file_and_deleting_it_removes_the_queue_after_last_close)
{
	mqd_t q = create(name, O_RDWR, 3, 100);
	char path[1024];
	WIN32_FILE_ATTRIBUTE_DATA data;

	ck_assert_int_eq(posixipc_mq_win32_path(name, path, sizeof path), 0);
	ck_assert_ptr_nonnull(strstr(path, "\\mq\\"));
	ck_assert(GetFileAttributesExA(path, GetFileExInfoStandard, &data));
	ck_assert_uint_ge(data.nFileSizeLow, 3 * 100);
	ck_assert_msg(DeleteFileA(path), "DeleteFile: error %lu", (unsigned long)GetLastError());
	/* The file is only marked for deletion while a descriptor maps it: Windows then refuses
	 * to open it (delete pending), Wine 8.0 still opens it.  Open descriptors keep working,
	 * and the queue is gone once the last one closes. */
	send_text(q, "still", 0);
	expect_text(q, "still", 0);
	mq_close(q);
	expect_errno(mq_open(name, O_RDWR), ENOENT);
	ck_assert_uint_eq(GetFileAttributesA(path), INVALID_FILE_ATTRIBUTES);
}
END_TEST

START_TEST(mq_names_never_reach_outside_the_objects_folder)
{
	const char *bad[] = { "/..", "/.", "/a\\..\\..\\x", "/con", "/nul.txt" };
	size_t i;
	mqd_t q;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		q = mq_open(bad[i], O_RDWR | O_CREAT, 0600, NULL);
		if (q == (mqd_t)-1) {
			ck_assert(errno == EINVAL || errno == EACCES);
			continue;
		}
		/* Accepted names are encoded into one plain file in the folder. */
		send_text(q, "x", 0);
		expect_text(q, "x", 0);
		mq_close(q);
		ck_assert_int_eq(mq_unlink(bad[i]), 0);
	}
}
END_TEST

/* ------------------------------------------------------------------ mq_notify */

static volatile LONG notified;
static HANDLE notified_event;

static void on_message(union sigval v)
{
	InterlockedIncrement(&notified);
	ck_assert_int_eq(v.sival_int, 42);
	SetEvent(notified_event);
}

static void register_thread(mqd_t q)
{
	struct sigevent sev;

	memset(&sev, 0, sizeof sev);
	sev.sigev_notify = SIGEV_THREAD;
	sev.sigev_notify_function = on_message;
	sev.sigev_value.sival_int = 42;
	ck_assert_msg(mq_notify(q, &sev) == 0, "mq_notify: errno %d", errno);
}

static void notify_setup(void)
{
	setup();
	notified = 0;
	notified_event = CreateEventA(NULL, FALSE, FALSE, NULL);
}

static void notify_teardown(void)
{
	CloseHandle(notified_event);
}

START_TEST(mq_notify_fires_once_when_a_message_reaches_an_empty_queue)
{
	mqd_t q = create(name, O_RDWR, 4, 16);

	register_thread(q);
	send_text(q, "a", 0);
	ck_assert_int_eq(WaitForSingleObject(notified_event, 10000), WAIT_OBJECT_0);
	ck_assert_int_eq(notified, 1);
	expect_text(q, "a", 0);
	/* The registration went when it fired. */
	send_text(q, "b", 0);
	ck_assert_int_eq(WaitForSingleObject(notified_event, 300), WAIT_TIMEOUT);
	ck_assert_int_eq(notified, 1);
	expect_text(q, "b", 0);
	register_thread(q);
	send_text(q, "c", 0);
	ck_assert_int_eq(WaitForSingleObject(notified_event, 10000), WAIT_OBJECT_0);
	ck_assert_int_eq(notified, 2);
	mq_close(q);
	mq_unlink(name);
}
END_TEST

START_TEST(mq_notify_does_not_fire_for_a_queue_that_was_not_empty)
{
	mqd_t q = create(name, O_RDWR, 4, 16);

	send_text(q, "a", 0);
	register_thread(q);
	send_text(q, "b", 0);
	ck_assert_int_eq(WaitForSingleObject(notified_event, 300), WAIT_TIMEOUT);
	expect_text(q, "a", 0);
	expect_text(q, "b", 0);
	send_text(q, "c", 0);
	ck_assert_int_eq(WaitForSingleObject(notified_event, 10000), WAIT_OBJECT_0);
	ck_assert_int_eq(notified, 1);
	mq_close(q);
	mq_unlink(name);
}
END_TEST

static unsigned __stdcall blocked_receive(void *arg)
{
	mqd_t q = *(mqd_t *)arg;
	char buf[16];

	return mq_receive(q, buf, sizeof buf, NULL) == 1 ? 0 : 1;
}

START_TEST(mq_notify_waits_while_a_receiver_is_blocked)
{
	mqd_t q = create(name, O_RDWR, 4, 16);
	struct mq_attr a;
	HANDLE t;
	DWORD code = 9;

	register_thread(q);
	t = (HANDLE)_beginthreadex(NULL, 0, blocked_receive, &q, 0, NULL);
	ck_assert_ptr_nonnull(t);
	Sleep(300);
	send_text(q, "a", 0);
	ck_assert_int_eq(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
	GetExitCodeThread(t, &code);
	CloseHandle(t);
	ck_assert_int_eq(code, 0);
	ck_assert_int_eq(WaitForSingleObject(notified_event, 300), WAIT_TIMEOUT);
	ck_assert_int_eq(mq_getattr(q, &a), 0);
	ck_assert_int_eq(a.mq_curmsgs, 0);
	/* Still registered: the next arrival with nobody waiting fires it. */
	send_text(q, "b", 0);
	ck_assert_int_eq(WaitForSingleObject(notified_event, 10000), WAIT_OBJECT_0);
	ck_assert_int_eq(notified, 1);
	mq_close(q);
	mq_unlink(name);
}
END_TEST

START_TEST(mq_notify_is_one_process_at_a_time)
{
	mqd_t q = create(name, O_RDWR, 4, 16);
	struct sigevent sev;
	char args[256];

	register_thread(q);
	memset(&sev, 0, sizeof sev);
	sev.sigev_notify = SIGEV_NONE;
	expect_errno(mq_notify(q, &sev), EBUSY);
	snprintf(args, sizeof args, "notify %s %d 0", name, EBUSY);
	ck_assert_int_eq(helper(args), 0);
	/* Removed by its owner, then another process may register; one that ended while
	 * registered leaves the queue free. */
	ck_assert_int_eq(mq_notify(q, NULL), 0);
	snprintf(args, sizeof args, "notify %s 0 0", name);
	ck_assert_int_eq(helper(args), 0);
	register_thread(q);
	/* A message from another process fires this one's registration. */
	snprintf(args, sizeof args, "send %s x 1 0", name);
	ck_assert_int_eq(helper(args), 0);
	ck_assert_int_eq(WaitForSingleObject(notified_event, 10000), WAIT_OBJECT_0);
	mq_close(q);
	mq_unlink(name);
}
END_TEST

START_TEST(mq_notify_null_from_another_process_leaves_the_registration)
{
	mqd_t q = create(name, O_RDWR, 4, 16);
	struct sigevent sev;
	char args[256];
	HANDLE p;

	snprintf(args, sizeof args, "notify %s 0 1500", name);
	p = tu_spawn("mqueue_helper", args);
	Sleep(500);
	ck_assert_int_eq(mq_notify(q, NULL), 0);
	memset(&sev, 0, sizeof sev);
	sev.sigev_notify = SIGEV_NONE;
	expect_errno(mq_notify(q, &sev), EBUSY);
	ck_assert_int_eq(tu_wait(p, 30000), 0);
	register_thread(q);
	mq_close(q);
	mq_unlink(name);
}
END_TEST

START_TEST(mq_close_removes_the_registration)
{
	mqd_t q = create(name, O_RDWR, 4, 16), r = mq_open(name, O_RDWR);

	register_thread(q);
	ck_assert_int_eq(mq_close(q), 0);
	send_text(r, "a", 0);
	ck_assert_int_eq(WaitForSingleObject(notified_event, 300), WAIT_TIMEOUT);
	expect_text(r, "a", 0);
	register_thread(r);
	ck_assert_int_eq(mq_notify(r, NULL), 0);
	send_text(r, "b", 0);
	ck_assert_int_eq(WaitForSingleObject(notified_event, 300), WAIT_TIMEOUT);
	ck_assert_int_eq(notified, 0);
	mq_close(r);
	mq_unlink(name);
}
END_TEST

START_TEST(mq_notify_sigev_none_consumes_the_registration_silently)
{
	mqd_t q = create(name, O_RDWR, 4, 16);
	struct sigevent sev;

	memset(&sev, 0, sizeof sev);
	sev.sigev_notify = SIGEV_NONE;
	ck_assert_int_eq(mq_notify(q, &sev), 0);
	expect_errno(mq_notify(q, &sev), EBUSY);
	send_text(q, "a", 0);
	/* Gone once a message arrived: registering again works. */
	ck_assert_int_eq(mq_notify(q, &sev), 0);
	mq_close(q);
	mq_unlink(name);
}
END_TEST

static mqd_t rearm_queue;
static volatile LONG rearmed;

/* The usual pattern: register again from the callback, drain, and once close the queue
 * from inside the callback. */
static void rearm(union sigval v)
{
	struct sigevent sev;
	char buf[16];

	(void)v;
	memset(&sev, 0, sizeof sev);
	sev.sigev_notify = SIGEV_THREAD;
	sev.sigev_notify_function = rearm;
	if (InterlockedIncrement(&rearmed) < 3) {
		if (mq_notify(rearm_queue, &sev) != 0)
			InterlockedAdd(&rearmed, 100);
		while (mq_receive(rearm_queue, buf, sizeof buf, NULL) >= 0)
			;
	} else {
		mq_close(rearm_queue);
	}
	SetEvent(notified_event);
}

START_TEST(mq_notify_callback_may_register_again_and_close_the_queue)
{
	mqd_t w = create(name, O_RDWR, 4, 16);
	struct sigevent sev;
	int i;

	rearmed = 0;
	rearm_queue = mq_open(name, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ne(rearm_queue, -1);
	memset(&sev, 0, sizeof sev);
	sev.sigev_notify = SIGEV_THREAD;
	sev.sigev_notify_function = rearm;
	ck_assert_int_eq(mq_notify(rearm_queue, &sev), 0);
	for (i = 1; i <= 3; i++) {
		send_text(w, "m", 0);
		ck_assert_int_eq(WaitForSingleObject(notified_event, 10000), WAIT_OBJECT_0);
		ck_assert_int_eq(rearmed, i);
		while (i < 3 && curmsgs(w) > 0)
			Sleep(1);
	}
	expect_text(w, "m", 0);
	/* Closed by the third callback: the registration went with it. */
	expect_errno(mq_notify(rearm_queue, NULL), EBADF);
	ck_assert_int_eq(mq_notify(w, &sev), 0);
	ck_assert_int_eq(mq_notify(w, NULL), 0);
	mq_close(w);
	mq_unlink(name);
}
END_TEST

static mqd_t blocking_queue;

/* A callback that blocks on its own queue until the test sends again. */
static void block_in_callback(union sigval v)
{
	char buf[16];

	(void)v;
	SetEvent(notified_event);
	mq_receive(blocking_queue, buf, sizeof buf, NULL);
	mq_receive(blocking_queue, buf, sizeof buf, NULL);
	InterlockedIncrement(&notified);
	SetEvent(notified_event);
}

START_TEST(mq_close_does_not_wait_forever_for_a_blocked_callback)
{
	mqd_t w = create(name, O_RDWR, 4, 16);
	struct sigevent sev;
	DWORD t0;

	blocking_queue = mq_open(name, O_RDONLY);
	ck_assert_int_ne(blocking_queue, -1);
	memset(&sev, 0, sizeof sev);
	sev.sigev_notify = SIGEV_THREAD;
	sev.sigev_notify_function = block_in_callback;
	ck_assert_int_eq(mq_notify(blocking_queue, &sev), 0);
	send_text(w, "a", 0);
	ck_assert_int_eq(WaitForSingleObject(notified_event, 10000), WAIT_OBJECT_0);
	while (curmsgs(w) > 0)
		Sleep(1);
	t0 = GetTickCount();
	ck_assert_int_eq(mq_close(blocking_queue), 0);
	ck_assert_uint_lt(GetTickCount() - t0, 10000);
	/* The callback's receive still works on the queue it holds, and it ends. */
	ck_assert_int_eq(notified, 0);
	send_text(w, "b", 0);
	ck_assert_int_eq(WaitForSingleObject(notified_event, 10000), WAIT_OBJECT_0);
	ck_assert_int_eq(notified, 1);
	mq_close(w);
	mq_unlink(name);
}
END_TEST

START_TEST(mq_notify_refuses_signals_and_malformed_requests_without_registering)
{
	mqd_t q = create(name, O_RDWR, 4, 16);
	struct sigevent sev;

	memset(&sev, 0, sizeof sev);
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = 2;
	expect_errno(mq_notify(q, &sev), ENOTSUP);
	sev.sigev_notify = 77;
	expect_errno(mq_notify(q, &sev), EINVAL);
	sev.sigev_notify = SIGEV_THREAD;
	sev.sigev_notify_function = NULL;
	expect_errno(mq_notify(q, &sev), EINVAL);
	/* None of them registered. */
	register_thread(q);
	mq_close(q);
	mq_unlink(name);
}
END_TEST

/* ------------------------------------------------------------------ killed peers */

#define KILL_MSGSIZE (1024 * 1024)
#define KILL_ROUNDS 12

static HANDLE report_map;
static struct mqt_report *report;
static char report_name[96];

static void make_report(void)
{
	snprintf(report_name, sizeof report_name, "Local\\posixipc-test-%s", name + 1);
	report_map = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0,
					sizeof *report, report_name);
	ck_assert_ptr_nonnull(report_map);
	report = MapViewOfFile(report_map, FILE_MAP_WRITE, 0, 0, 0);
	ck_assert_ptr_nonnull(report);
	memset((void *)report, 0, sizeof *report);
}

static void drop_report(void)
{
	UnmapViewOfFile((void *)report);
	CloseHandle(report_map);
}

/* Every slot works: the queue takes exactly maxmsg messages and gives them back whole. */
static void assert_whole_queue(mqd_t q)
{
	struct mq_attr a, nb = { 0 };
	unsigned char *m;
	uint32_t id = 0, seq = 0;
	long i;

	ck_assert_int_eq(mq_getattr(q, &a), 0);
	nb.mq_flags = O_NONBLOCK;
	ck_assert_int_eq(mq_setattr(q, &nb, NULL), 0);
	m = malloc((size_t)a.mq_msgsize);
	ck_assert_int_eq(a.mq_curmsgs, 0);
	for (i = 0; i < a.mq_maxmsg; i++) {
		mqt_fill(m, (size_t)a.mq_msgsize, 9, (uint32_t)i);
		ck_assert_int_eq(mq_send(q, (char *)m, (size_t)a.mq_msgsize, 0), 0);
	}
	expect_errno(mq_send(q, (char *)m, 1, 0), EAGAIN);
	ck_assert_int_eq(curmsgs(q), a.mq_maxmsg);
	for (i = 0; i < a.mq_maxmsg; i++) {
		ck_assert_int_eq(mq_receive(q, (char *)m, (size_t)a.mq_msgsize, NULL),
				 a.mq_msgsize);
		ck_assert_int_eq(mqt_check(m, (size_t)a.mq_msgsize, &id, &seq), 0);
		ck_assert_uint_eq(seq, (uint32_t)i);
	}
	expect_errno((int)mq_receive(q, (char *)m, (size_t)a.mq_msgsize, NULL), EAGAIN);
	nb.mq_flags = 0;
	ck_assert_int_eq(mq_setattr(q, &nb, NULL), 0);
	free(m);
}

struct killer {
	HANDLE process;
	DWORD delay;
};

/* End the process after delay ms, whatever it is doing. */
static unsigned __stdcall kill_later(void *arg)
{
	struct killer *k = arg;

	Sleep(k->delay);
	TerminateProcess(k->process, 7);
	return 0;
}

static HANDLE start_killer(struct killer *k, HANDLE p)
{
	HANDLE t;

	k->process = p;
	k->delay = 30 + (DWORD)(rand() % 120);
	t = (HANDLE)_beginthreadex(NULL, 0, kill_later, k, 0, NULL);
	ck_assert_ptr_nonnull(t);
	return t;
}

static void reap(HANDLE killer, HANDLE p)
{
	if (killer == NULL)
		TerminateProcess(p, 8);
	ck_assert_msg(killer != NULL, "the helper never got going");
	WaitForSingleObject(killer, INFINITE);
	CloseHandle(killer);
	WaitForSingleObject(p, INFINITE);
	CloseHandle(p);
}

/* A sender killed at a random point while this process receives: what is queued is whole
 * and in order, seq numbers run on without a gap or a repeat, and receives never hang. */
START_TEST(mq_killed_sender_leaves_every_message_whole_or_absent)
{
	mqd_t q = create(name, O_RDWR, 4, KILL_MSGSIZE);
	unsigned char *m = malloc(KILL_MSGSIZE);
	uint32_t id = 0, seq = 0, next;
	struct timespec ts;
	struct killer k;
	char args[256];
	HANDLE p, t;
	int round;
	ssize_t n;

	srand((unsigned)GetTickCount());
	for (round = 0; round < KILL_ROUNDS; round++) {
		snprintf(args, sizeof args, "sender-loop %s", name);
		p = tu_spawn("mqueue_helper", args);
		t = NULL;
		for (next = 0;; next++) {
			/* Long enough for a helper that is still starting; it is killed once it
			 * runs. */
			ts = in_ms(next == 0 ? 20000 : 1000);
			n = mq_timedreceive(q, (char *)m, KILL_MSGSIZE, NULL, &ts);
			if (t == NULL)
				t = start_killer(&k, p);
			if (n < 0) {
				ck_assert_int_eq(errno, ETIMEDOUT);
				break;
			}
			ck_assert_int_eq(n, KILL_MSGSIZE);
			ck_assert_int_eq(mqt_check(m, (size_t)n, &id, &seq), 0);
			ck_assert_uint_eq(seq, next);
		}
		reap(t, p);
		ck_assert_uint_gt(next, 0);
		ck_assert_int_eq(curmsgs(q), 0);
		assert_whole_queue(q);
	}
	free(m);
	mq_close(q);
	mq_unlink(name);
}
END_TEST

/* A receiver killed at a random point while this process sends: what is left is whole, in
 * order, and runs on from what it took (the one it was taking when killed may be gone
 * uncounted); sends blocked on the full queue carry on or time out, never hang. */
START_TEST(mq_killed_receiver_leaves_every_message_queued_or_taken)
{
	mqd_t q = create(name, O_RDWR, 4, KILL_MSGSIZE);
	unsigned char *m = malloc(KILL_MSGSIZE);
	uint32_t id = 0, seq = 0, sent, next;
	struct timespec ts;
	struct killer k;
	char args[256];
	int round, first;
	HANDLE p, t;
	LONG taken;
	ssize_t n;

	make_report();
	srand((unsigned)GetTickCount() * 3);
	for (round = 0; round < KILL_ROUNDS; round++) {
		report->count = 0;
		report->last = -1;
		snprintf(args, sizeof args, "receiver-loop %s %s", name, report_name);
		p = tu_spawn("mqueue_helper", args);
		t = NULL;
		for (sent = 0;; sent++) {
			if (t == NULL && report->count > 0)
				t = start_killer(&k, p);
			mqt_fill(m, KILL_MSGSIZE, 1, sent);
			ts = in_ms(t == NULL ? 20000 : 1000);
			if (mq_timedsend(q, (char *)m, KILL_MSGSIZE, 0, &ts) != 0) {
				ck_assert_int_eq(errno, ETIMEDOUT);
				break;
			}
		}
		reap(t, p);
		taken = report->count;
		ck_assert_int_le(taken, (LONG)sent);
		next = (uint32_t)taken;
		first = 1;
		while (curmsgs(q) > 0) {
			ts = in_ms(5000);
			n = mq_timedreceive(q, (char *)m, KILL_MSGSIZE, NULL, &ts);
			ck_assert_msg(n == KILL_MSGSIZE, "receive: errno %d", errno);
			ck_assert_int_eq(mqt_check(m, (size_t)n, &id, &seq), 0);
			if (first && seq == next + 1)
				next++;
			ck_assert_uint_eq(seq, next);
			next++;
			first = 0;
		}
		ck_assert(next == sent || (first && next + 1 == sent));
		assert_whole_queue(q);
	}
	drop_report();
	free(m);
	mq_close(q);
	mq_unlink(name);
}
END_TEST

/* Processes killed while blocked take nothing with them: the message sent afterwards waits
 * for a live receiver, and a full queue's killed sender leaves no phantom message. */
START_TEST(mq_killed_blocked_peers_take_nothing_and_hold_nothing_up)
{
	mqd_t q = create(name, O_RDWR, 1, 64);
	char args[256], buf[64];
	struct timespec ts;
	HANDLE p;

	snprintf(args, sizeof args, "receive %s never 60000", name);
	p = tu_spawn("mqueue_helper", args);
	Sleep(500);
	TerminateProcess(p, 7);
	ck_assert_int_eq(tu_wait(p, 10000), 7);
	send_text(q, "kept", 0);
	snprintf(args, sizeof args, "receive %s kept 10000", name);
	ck_assert_int_eq(helper(args), 0);
	ck_assert_int_eq(curmsgs(q), 0);
	send_text(q, "full", 0);
	snprintf(args, sizeof args, "send-blocked %s phantom 60000", name);
	p = tu_spawn("mqueue_helper", args);
	Sleep(500);
	TerminateProcess(p, 7);
	ck_assert_int_eq(tu_wait(p, 10000), 7);
	expect_text(q, "full", 0);
	ts = in_ms(300);
	expect_errno((int)mq_timedreceive(q, buf, sizeof buf, NULL, &ts), ETIMEDOUT);
	send_text(q, "after", 0);
	expect_text(q, "after", 0);
	mq_close(q);
	mq_unlink(name);
}
END_TEST

/* ------------------------------------------------------------------ stress */

START_TEST(mq_eight_threads_in_four_processes_deliver_every_message_once)
{
	mqd_t q = create(name, O_RDWR, 16, 256);
	int count = 400, i, j, code;
	HANDLE p[MQT_PROCS];
	char args[256];

	make_report();
	for (i = 0; i < MQT_PROCS; i++) {
		snprintf(args, sizeof args, "stress %s %s %d %d", name, report_name, i, count);
		p[i] = tu_spawn("mqueue_helper", args);
	}
	for (i = 0; i < 1000 && report->ready < MQT_PROCS; i++)
		Sleep(20);
	ck_assert_int_eq(report->ready, MQT_PROCS);
	report->go = 1;
	for (i = 0; i < MQT_PROCS; i++) {
		code = tu_wait(p[i], 240000);
		ck_assert_msg(code == 0, "stress helper %d: status %d", i, code);
	}
	for (i = 0; i < MQT_PROCS * MQT_THREADS; i++)
		for (j = 0; j < count; j++)
			ck_assert_msg(report->seen[i * MQT_PER_THREAD + j] == (i % 2 ? 0 : 1),
				      "sender %d message %d seen %ld times", i, j,
				      (long)report->seen[i * MQT_PER_THREAD + j]);
	ck_assert_int_eq(curmsgs(q), 0);
	assert_whole_queue(q);
	drop_report();
	mq_close(q);
	mq_unlink(name);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("mqueue");

	tu_fixture(setup, NULL);
	/* open */
	TU_ADD(s, mq_open_defaults_are_linux_10_by_8192);
	TU_ADD(s, mq_open_keeps_attributes_of_existing_queue);
	TU_ADD(s, mq_open_bad_attributes_flags_and_names_fail_and_create_nothing);
	TU_ADD(s, mq_descriptors_are_not_zero_nor_file_descriptors);
	TU_ADD(s, mq_name_with_and_without_slash_is_the_same_queue);
	TU_ADD(s, mq_bad_descriptors_are_ebadf);
	TU_ADD(s, mq_wrong_direction_is_ebadf);
	TU_ADD(s, mq_message_sizes_are_emsgsize);
	TU_ADD(s, mq_priority_beyond_max_is_einval);
	TU_ADD(s, mq_nonblocking_full_and_empty_are_eagain);
	TU_ADD(s, mq_setattr_changes_only_o_nonblock_of_that_descriptor);
	TU_ADD(s, mq_null_buffers_are_efault);
	TU_ADD(s, mq_sysconf_agrees_with_feature_macro_and_prio_max);
	TU_ADD(s, mq_descriptors_run_out_with_emfile_and_come_back);

	/* order */
	TU_ADD(s, mq_highest_priority_first_fifo_within_a_priority);
	TU_ADD(s, mq_slots_are_reused_without_loss_over_many_rounds);

	/* timed */
	TU_ADD(s, mq_timed_calls_time_out_with_etimedout);
	TU_ADD(s, mq_malformed_timeouts_are_einval_only_when_the_call_would_block);

	/* processes */
	TU_ADD(s, mq_receive_blocks_until_another_process_sends);
	TU_ADD(s, mq_send_blocks_on_full_queue_until_another_process_receives);
	TU_ADD(s, mq_timed_calls_time_out_in_another_process);
	TU_ADD(s, mq_priorities_hold_across_processes);

	/* lifetime */
	TU_ADD(s, mq_queue_and_messages_persist_after_every_process_closed);
	TU_ADD(s, mq_unlink_frees_the_name_at_once_and_descriptors_keep_working);
	TU_ADD(s, mq_unlink_of_missing_or_invalid_name_fails);
	TU_ADD(s, mq_mode_becomes_the_access_list_after_the_umask);
	TU_ADD(s, mq_names_never_reach_outside_the_objects_folder);
	TU_ADD(s, mq_win32_path_is_the_queue_file_and_deleting_it_removes_the_queue_after_last_close);

	/* kill */
	TU_ADD(s, mq_killed_sender_leaves_every_message_whole_or_absent);
	TU_ADD(s, mq_killed_receiver_leaves_every_message_queued_or_taken);
	TU_ADD(s, mq_killed_blocked_peers_take_nothing_and_hold_nothing_up);

	/* stress */
	TU_ADD(s, mq_eight_threads_in_four_processes_deliver_every_message_once);

	tu_fixture(notify_setup, notify_teardown);
	/* notify */
	TU_ADD(s, mq_notify_fires_once_when_a_message_reaches_an_empty_queue);
	TU_ADD(s, mq_notify_does_not_fire_for_a_queue_that_was_not_empty);
	TU_ADD(s, mq_notify_waits_while_a_receiver_is_blocked);
	TU_ADD(s, mq_notify_is_one_process_at_a_time);
	TU_ADD(s, mq_notify_null_from_another_process_leaves_the_registration);
	TU_ADD(s, mq_close_removes_the_registration);
	TU_ADD(s, mq_notify_sigev_none_consumes_the_registration_silently);
	TU_ADD(s, mq_notify_refuses_signals_and_malformed_requests_without_registering);
	TU_ADD(s, mq_notify_callback_may_register_again_and_close_the_queue);
	TU_ADD(s, mq_close_does_not_wait_forever_for_a_blocked_callback);
	return tu_run(s);
}
