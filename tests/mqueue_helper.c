/* Second process for the message queue tests: sends, receives, blocks, registers for
 * notification, loops until killed, and runs one process's share of the stress test.  Exit
 * status 0 means the step did what the test expects. */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <process.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#include "mqueue_shared.h"

/* Send count messages "<text><i>" at prio, after waiting delay ms. */
static int send_n(const char *name, const char *text, int count, unsigned prio, int delay)
{
	mqd_t q = mq_open(name, O_WRONLY);
	char msg[256];
	int i;

	if (q == (mqd_t)-1)
		return 2;
	Sleep((DWORD)delay);
	for (i = 0; i < count; i++) {
		snprintf(msg, sizeof msg, "%s%d", text, i);
		if (mq_send(q, msg, strlen(msg), prio) != 0)
			return 3;
	}
	return mq_close(q) == 0 ? 0 : 4;
}

/* Create the queue, send count messages, exit without closing. */
static int create_and_exit(const char *name, int count)
{
	mqd_t q = mq_open(name, O_WRONLY | O_CREAT | O_EXCL, 0600, NULL);
	char msg[32];
	int i;

	if (q == (mqd_t)-1)
		return 2;
	for (i = 0; i < count; i++) {
		snprintf(msg, sizeof msg, "kept%d", i);
		if (mq_send(q, msg, strlen(msg), 0) != 0)
			return 3;
	}
	return 0;
}

/* Receive one message within ms and compare it with text; "-" expects ETIMEDOUT. */
static int receive_one(const char *name, const char *text, long ms)
{
	mqd_t q = mq_open(name, O_RDONLY);
	struct mq_attr a;
	struct timespec ts;
	char *buf;
	ssize_t n;

	if (q == (mqd_t)-1 || mq_getattr(q, &a) != 0)
		return 2;
	buf = malloc((size_t)a.mq_msgsize);
	ts = in_ms(ms);
	n = mq_timedreceive(q, buf, (size_t)a.mq_msgsize, NULL, &ts);
	if (strcmp(text, "-") == 0)
		return n < 0 && errno == ETIMEDOUT ? 0 : 3;
	if (n != (ssize_t)strlen(text) || memcmp(buf, text, (size_t)n) != 0)
		return 4;
	free(buf);
	return mq_close(q) == 0 ? 0 : 5;
}

/* Send into a full queue: blocks until the test makes room (within ms), or "-" expects
 * ETIMEDOUT. */
static int send_blocked(const char *name, const char *text, long ms)
{
	mqd_t q = mq_open(name, O_WRONLY);
	struct timespec ts = in_ms(ms);
	int r;

	if (q == (mqd_t)-1)
		return 2;
	r = mq_timedsend(q, text, strlen(text), 0, &ts);
	if (strcmp(text, "-") == 0)
		return r < 0 && errno == ETIMEDOUT ? 0 : 3;
	return r == 0 ? 0 : 4;
}

/* mq_notify from this process: exits with 0 when the result is the errno named ("0" for
 * success), and after success stays registered for ms before exiting (or closing). */
static int notify(const char *name, const char *expect, long ms)
{
	mqd_t q = mq_open(name, O_RDONLY);
	struct sigevent sev;
	int r, want = atoi(expect);

	if (q == (mqd_t)-1)
		return 2;
	memset(&sev, 0, sizeof sev);
	sev.sigev_notify = SIGEV_NONE;
	r = mq_notify(q, &sev);
	if (want == 0 ? r != 0 : (r == 0 || errno != want))
		return 3;
	Sleep((DWORD)ms);
	return 0;
}

/* Until killed: send messages carrying seq numbers from 0 (O_NONBLOCK off). */
static int sender_loop(const char *name)
{
	mqd_t q = mq_open(name, O_WRONLY);
	struct mq_attr a;
	unsigned char *msg;
	uint32_t seq;

	if (q == (mqd_t)-1 || mq_getattr(q, &a) != 0)
		return 2;
	msg = malloc((size_t)a.mq_msgsize);
	for (seq = 0;; seq++) {
		mqt_fill(msg, (size_t)a.mq_msgsize, 1, seq);
		if (mq_send(q, (char *)msg, (size_t)a.mq_msgsize, 1) != 0)
			return 3;
	}
}

/* Until killed: receive messages and check them; the last seq taken goes to report. */
static int receiver_loop(const char *name, const char *report)
{
	HANDLE map = OpenFileMappingA(FILE_MAP_WRITE, FALSE, report);
	struct mqt_report *rep = map ? MapViewOfFile(map, FILE_MAP_WRITE, 0, 0, 0) : NULL;
	mqd_t q = mq_open(name, O_RDONLY);
	struct mq_attr a;
	unsigned char *msg;
	uint32_t id, seq;
	ssize_t n;

	if (rep == NULL || q == (mqd_t)-1 || mq_getattr(q, &a) != 0)
		return 2;
	msg = malloc((size_t)a.mq_msgsize);
	for (;;) {
		n = mq_receive(q, (char *)msg, (size_t)a.mq_msgsize, NULL);
		if (n != a.mq_msgsize || mqt_check(msg, (size_t)n, &id, &seq) != 0)
			return 3;
		rep->last = (LONG)seq;
		InterlockedIncrement(&rep->count);
	}
}

/* ---------------------------------------------------------------- stress */

struct worker {
	mqd_t q;
	struct mqt_report *rep;
	int proc, thread, count, failed;
	size_t msgsize;
};

static unsigned __stdcall stress_sender(void *arg)
{
	struct worker *w = arg;
	unsigned char *msg = malloc(w->msgsize);
	struct timespec ts;
	int i;

	for (i = 0; i < w->count; i++) {
		mqt_fill(msg, w->msgsize, (uint32_t)(w->proc * MQT_THREADS + w->thread),
			 (uint32_t)i);
		ts = in_ms(60000);
		if (mq_timedsend(w->q, (char *)msg, w->msgsize, (unsigned)(i % 4), &ts) != 0)
			w->failed = 1;
	}
	free(msg);
	return 0;
}

static unsigned __stdcall stress_receiver(void *arg)
{
	struct worker *w = arg;
	unsigned char *msg = malloc(w->msgsize);
	struct timespec ts;
	uint32_t id, seq;
	ssize_t n;
	int i;

	for (i = 0; i < w->count; i++) {
		ts = in_ms(60000);
		n = mq_timedreceive(w->q, (char *)msg, w->msgsize, NULL, &ts);
		if (n != (ssize_t)w->msgsize || mqt_check(msg, (size_t)n, &id, &seq) != 0 ||
		    id >= MQT_PROCS * MQT_THREADS || seq >= (uint32_t)w->count) {
			w->failed = 1;
			continue;
		}
		InterlockedIncrement(&w->rep->seen[id * MQT_PER_THREAD + seq]);
	}
	free(msg);
	return 0;
}

/* One process of the stress test: MQT_THREADS / 2 senders, as many receivers; each sender
 * sends count messages, each receiver takes count. */
static int stress(const char *name, const char *report, int proc, int count)
{
	HANDLE map = OpenFileMappingA(FILE_MAP_WRITE, FALSE, report);
	struct mqt_report *rep = map ? MapViewOfFile(map, FILE_MAP_WRITE, 0, 0, 0) : NULL;
	mqd_t q = mq_open(name, O_RDWR);
	struct worker w[MQT_THREADS];
	HANDLE t[MQT_THREADS];
	struct mq_attr a;
	int i, failed = 0;

	if (rep == NULL || q == (mqd_t)-1 || mq_getattr(q, &a) != 0 || count > MQT_PER_THREAD)
		return 2;
	InterlockedIncrement(&rep->ready);
	while (rep->go == 0)
		Sleep(1);
	for (i = 0; i < MQT_THREADS; i++) {
		w[i].q = q;
		w[i].rep = rep;
		w[i].proc = proc;
		w[i].thread = i;
		w[i].count = count;
		w[i].failed = 0;
		w[i].msgsize = (size_t)a.mq_msgsize;
		t[i] = (HANDLE)_beginthreadex(NULL, 0, i % 2 ? stress_receiver : stress_sender,
					      &w[i], 0, NULL);
		if (t[i] == NULL)
			return 3;
	}
	WaitForMultipleObjects(MQT_THREADS, t, TRUE, INFINITE);
	for (i = 0; i < MQT_THREADS; i++) {
		CloseHandle(t[i]);
		failed |= w[i].failed;
	}
	return failed ? 4 : mq_close(q) == 0 ? 0 : 5;
}

int main(int argc, char **argv)
{
	if (argc == 6 && strcmp(argv[1], "send") == 0)
		return send_n(argv[2], argv[3], atoi(argv[4]), (unsigned)atoi(argv[5]), 0);
	if (argc == 5 && strcmp(argv[1], "send-later") == 0)
		return send_n(argv[2], argv[3], 1, 0, atoi(argv[4]));
	if (argc == 4 && strcmp(argv[1], "create-exit") == 0)
		return create_and_exit(argv[2], atoi(argv[3]));
	if (argc == 5 && strcmp(argv[1], "receive") == 0)
		return receive_one(argv[2], argv[3], atol(argv[4]));
	if (argc == 5 && strcmp(argv[1], "send-blocked") == 0)
		return send_blocked(argv[2], argv[3], atol(argv[4]));
	if (argc == 5 && strcmp(argv[1], "notify") == 0)
		return notify(argv[2], argv[3], atol(argv[4]));
	if (argc == 3 && strcmp(argv[1], "sender-loop") == 0)
		return sender_loop(argv[2]);
	if (argc == 4 && strcmp(argv[1], "receiver-loop") == 0)
		return receiver_loop(argv[2], argv[3]);
	if (argc == 6 && strcmp(argv[1], "stress") == 0)
		return stress(argv[2], argv[3], atoi(argv[4]), atoi(argv[5]));
	fprintf(stderr, "usage: mqueue_helper send|send-later|create-exit|receive|send-blocked|"
			"notify|sender-loop|receiver-loop|stress ...\n");
	return 100;
}
