/* The benchmark behind `make bench`: every facility through the POSIX API against the same
 * work done with raw Win32 calls, interleaved in one run, reported as medians and ratios.
 * Built for Linux (make bench-native) the same source runs the POSIX half alone. */
#ifndef _WIN32
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <poll.h>
#include <semaphore.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "bench_loop.h"

#ifdef _WIN32
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#include <io.h>
#include <posixipc.h>
#include "bench_winpthreads.h"
#define RAW(fn) fn
#else
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#define RAW(fn) NULL
#endif

#ifndef O_BINARY
#define O_BINARY 0
#endif

#define MAXREP 101
#define MAXPEERS 4
/* FIFO readers use this buffer; raw pipes get the buffer sizes the library gives its own. */
#define IOBUF 65536
#define PAGE 4096
#define MSG_SIZE 64
/* Messages of the queue rows: room for the 1 KiB throughput row. */
#define MQ_MSGSIZE 1024
#define WARM_ROUNDS 50
/* A row's timed loop (bench_loop.h): WARM_ROUNDS untimed rounds first. */
#define TIMED(n, e, ns, ...) BENCH_TIMED(now_ns, WARM_ROUNDS, n, e, ns, __VA_ARGS__)
#define PATHLEN 512

/* ------------------------------------------------------------------ options */

static struct {
	int reps;
	double scale;
	const char *csv;
	const char *only;
	size_t fifo_bytes;
	size_t shm_size;
	size_t touch_size;
	size_t map_size;
} opt = { 7, 1.0, NULL, NULL, 32u << 20, 64u << 10, 64u << 20, 1u << 20 };

/* A count scaled by --quick / --long, never below 1. */
static long count(long base)
{
	long n = (long)((double)base * opt.scale);

	return n < 1 ? 1 : n;
}

/* ------------------------------------------------------------------ clock, names, helpers */

static double now_ns(void)
{
#ifdef _WIN32
	static double scale;
	LARGE_INTEGER t, f;

	if (scale == 0) {
		QueryPerformanceFrequency(&f);
		scale = 1e9 / (double)f.QuadPart;
	}
	QueryPerformanceCounter(&t);
	return (double)t.QuadPart * scale;
#else
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
#endif
}

static unsigned long self_id(void)
{
#ifdef _WIN32
	return (unsigned long)GetCurrentProcessId();
#else
	return (unsigned long)getpid();
#endif
}

/* Operations per sample in the single-process rows, set by calibrate(). */
static long ops = 1;

/* Every object a sample makes gets a fresh name, so no sample meets another's leftovers. */
static unsigned long seq;

static void seqname(char *buf, size_t size, const char *base, unsigned long n, const char *tag)
{
	snprintf(buf, size, "%s.%lu%s", base, n, tag);
}

static void temp_path(char *buf, size_t size, const char *tag)
{
#ifdef _WIN32
	char dir[MAX_PATH + 1];
	DWORD n = GetTempPathA(sizeof dir, dir);

	if (n == 0 || n >= sizeof dir)
		strcpy(dir, ".\\");
	snprintf(buf, size, "%sposixipc-bench.%lu.%s", dir, self_id(), tag);
#else
	const char *dir = getenv("TMPDIR");

	snprintf(buf, size, "%s/posixipc-bench.%lu.%s", dir && *dir ? dir : "/tmp", self_id(),
		 tag);
#endif
}

static int fd_read_full(int fd, void *buf, size_t n)
{
	char *p = buf;
	ssize_t r;

	while (n > 0) {
		r = read(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? errno : EIO;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

static int fd_write_full(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	ssize_t r;

	while (n > 0) {
		r = write(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? errno : EIO;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

#ifdef _WIN32
/* Raw Win32 failures are reported as EIO with the Win32 code on stderr: the code, not a
 * guessed errno, is what tells what went wrong. */
static int win_fail(const char *what)
{
	fprintf(stderr, "bench: %s failed: Win32 error %lu\n", what,
		(unsigned long)GetLastError());
	return EIO;
}

static int h_read_full(HANDLE h, void *buf, size_t n)
{
	char *p = buf;
	DWORD got;

	while (n > 0) {
		if (!ReadFile(h, p, (DWORD)n, &got, NULL) || got == 0)
			return EIO;
		p += got;
		n -= got;
	}
	return 0;
}

static int h_write_full(HANDLE h, const void *buf, size_t n)
{
	const char *p = buf;
	DWORD put;

	while (n > 0) {
		if (!WriteFile(h, p, (DWORD)n, &put, NULL) || put == 0)
			return EIO;
		p += put;
		n -= put;
	}
	return 0;
}

/* The server end of a raw pipe, made as the library makes a FIFO's pipe. */
static HANDLE pipe_server(const char *name)
{
	return CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX,
				PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT |
					PIPE_REJECT_REMOTE_CLIENTS,
				1, IOBUF, IOBUF, 0, NULL);
}

static int pipe_accept(HANDLE srv)
{
	if (ConnectNamedPipe(srv, NULL) || GetLastError() == ERROR_PIPE_CONNECTED)
		return 0;
	return win_fail("ConnectNamedPipe");
}

/* A client end; the server may not be there yet when a peer gets its command first. */
static HANDLE pipe_connect(const char *name, DWORD access)
{
	HANDLE h;
	int i;

	for (i = 0; i < 10000; i++) {
		h = CreateFileA(name, access, 0, NULL, OPEN_EXISTING, 0, NULL);
		if (h != INVALID_HANDLE_VALUE)
			return h;
		if (GetLastError() != ERROR_FILE_NOT_FOUND && GetLastError() != ERROR_PIPE_BUSY)
			break;
		Sleep(1);
	}
	return INVALID_HANDLE_VALUE;
}
#endif

/* ------------------------------------------------------------------ peer processes */

/* Commands go to a peer and replies come back over a pair of anonymous pipes.  A sample is:
 * command ('P' POSIX or 'R' raw), the peer's ready, go, the timed work, the peer's done. */
struct msg {
	int32_t op;
	int32_t err;
	uint64_t arg;
	uint64_t seq;
};

struct peer {
#ifdef _WIN32
	HANDLE proc, to, from;
#else
	pid_t pid;
	int to, from;
#endif
};

static struct peer peers[MAXPEERS];
static int npeers;
/* What the peers were started with, to start them again after a failed sample. */
static char peer_args[8][PATHLEN];
static int peer_nargs;

#ifdef _WIN32
typedef HANDLE chan;
static HANDLE job;

static int chan_io(HANDLE h, void *buf, size_t n, int out)
{
	char *p = buf;
	DWORD k;
	BOOL ok;

	while (n > 0) {
		ok = out ? WriteFile(h, p, (DWORD)n, &k, NULL) : ReadFile(h, p, (DWORD)n, &k, NULL);
		if (!ok || k == 0)
			return EPIPE;
		p += k;
		n -= k;
	}
	return 0;
}
#else
typedef int chan;

static int chan_io(int fd, void *buf, size_t n, int out)
{
	return out ? fd_write_full(fd, buf, n) : fd_read_full(fd, buf, n);
}
#endif

static int chan_send(chan c, int op, int err, uint64_t arg, uint64_t n)
{
	struct msg m = { op, err, arg, n };

	return chan_io(c, &m, sizeof m, 1);
}

static int chan_recv(chan c, struct msg *m)
{
	return chan_io(c, m, sizeof *m, 0);
}

static int peer_main(chan in, chan out, int argc, char **argv);

#ifdef _WIN32
static int child_pipe(HANDLE *rd, HANDLE *wr, int child_reads)
{
	SECURITY_ATTRIBUTES sa = { sizeof sa, NULL, TRUE };

	if (!CreatePipe(rd, wr, &sa, 0))
		return win_fail("CreatePipe");
	SetHandleInformation(child_reads ? *wr : *rd, HANDLE_FLAG_INHERIT, 0);
	return 0;
}

/* Peers run in a job that dies with this process, so none outlives a crashed run. */
static void make_job(void)
{
	JOBOBJECT_EXTENDED_LIMIT_INFORMATION li;

	if (job != NULL)
		return;
	job = CreateJobObjectA(NULL, NULL);
	if (job == NULL)
		return;
	memset(&li, 0, sizeof li);
	li.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
	SetInformationJobObject(job, JobObjectExtendedLimitInformation, &li, sizeof li);
}

static int peer_start(struct peer *p)
{
	char exe[MAX_PATH + 1], cmd[8192];
	STARTUPINFOA si;
	PROCESS_INFORMATION pi;
	HANDLE in_r, in_w, out_r, out_w;
	size_t len;
	BOOL ok;
	int i;

	if (GetModuleFileNameA(NULL, exe, sizeof exe) >= sizeof exe)
		return ENAMETOOLONG;
	len = (size_t)snprintf(cmd, sizeof cmd, "\"%s\" --peer", exe);
	for (i = 0; i < peer_nargs && len < sizeof cmd; i++)
		len += (size_t)snprintf(cmd + len, sizeof cmd - len, " \"%s\"", peer_args[i]);
	if (len >= sizeof cmd)
		return E2BIG;
	if (child_pipe(&in_r, &in_w, 1))
		return EIO;
	if (child_pipe(&out_r, &out_w, 0)) {
		CloseHandle(in_r);
		CloseHandle(in_w);
		return EIO;
	}
	memset(&si, 0, sizeof si);
	si.cb = sizeof si;
	si.dwFlags = STARTF_USESTDHANDLES;
	si.hStdInput = in_r;
	si.hStdOutput = out_w;
	si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
	make_job();
	ok = CreateProcessA(exe, cmd, NULL, NULL, TRUE, CREATE_SUSPENDED, NULL, NULL, &si, &pi);
	CloseHandle(in_r);
	CloseHandle(out_w);
	if (!ok) {
		CloseHandle(in_w);
		CloseHandle(out_r);
		return win_fail("CreateProcess");
	}
	if (job != NULL)
		AssignProcessToJobObject(job, pi.hProcess);
	ResumeThread(pi.hThread);
	CloseHandle(pi.hThread);
	p->proc = pi.hProcess;
	p->to = in_w;
	p->from = out_r;
	return 0;
}

static void peer_reap(struct peer *p, int force)
{
	if (force || WaitForSingleObject(p->proc, 10000) != WAIT_OBJECT_0)
		TerminateProcess(p->proc, 1);
	WaitForSingleObject(p->proc, 10000);
	CloseHandle(p->proc);
	CloseHandle(p->to);
	CloseHandle(p->from);
}
#else
static int peer_start(struct peer *p)
{
	char *argv[9];
	int a[2], b[2], i;
	pid_t pid;

	if (pipe(a) < 0)
		return errno;
	if (pipe(b) < 0) {
		close(a[0]);
		close(a[1]);
		return errno;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(a[1]);
		close(b[0]);
		for (i = 0; i < peer_nargs; i++)
			argv[i] = peer_args[i];
		argv[i] = NULL;
		_exit(peer_main(a[0], b[1], peer_nargs, argv));
	}
	close(a[0]);
	close(b[1]);
	if (pid < 0) {
		close(a[1]);
		close(b[0]);
		return errno;
	}
	p->pid = pid;
	p->to = a[1];
	p->from = b[0];
	return 0;
}

static void peer_reap(struct peer *p, int force)
{
	if (force)
		kill(p->pid, SIGKILL);
	close(p->to);
	close(p->from);
	waitpid(p->pid, NULL, 0);
}
#endif

/* Start n peers running `role` with the given arguments (NULL-terminated). */
static int peers_start(int n, const char *role, ...)
{
	const char *s;
	va_list ap;
	int e;

	peer_nargs = 0;
	snprintf(peer_args[peer_nargs++], PATHLEN, "%s", role);
	va_start(ap, role);
	while ((s = va_arg(ap, const char *)) != NULL && peer_nargs < 8)
		snprintf(peer_args[peer_nargs++], PATHLEN, "%s", s);
	va_end(ap);
	for (npeers = 0; npeers < n; npeers++) {
		e = peer_start(&peers[npeers]);
		if (e)
			return e;
	}
	return 0;
}

/* Ask the peers to quit, or with force end them outright. */
static void peers_stop(int force)
{
	int i;

	for (i = 0; i < npeers; i++) {
		if (!force)
			chan_send(peers[i].to, 'Q', 0, 0, 0);
		peer_reap(&peers[i], force);
	}
	npeers = 0;
}

/* After a failed sample the peers' state is unknown: start them afresh. */
static void peers_restart(void)
{
	int i, n = npeers;

	peers_stop(1);
	for (i = 0; i < n; i++) {
		if (peer_start(&peers[i]))
			break;
		npeers++;
	}
}

static int peers_cmd(int op, uint64_t arg)
{
	int i, e;

	for (i = 0; i < npeers; i++) {
		e = chan_send(peers[i].to, op, 0, arg, seq);
		if (e)
			return e;
	}
	return 0;
}

/* Collect one reply of kind `op` from every peer: the first error any of them had. */
static int peers_wait(int op)
{
	struct msg m;
	int i, e = 0;

	for (i = 0; i < npeers; i++) {
		if (chan_recv(peers[i].from, &m))
			return EPIPE;
		if (m.op != op)
			return EIO;
		if (m.err && !e)
			e = m.err;
	}
	return e;
}

static void peers_go(void)
{
	peers_cmd('g', 0);
}

/* ------------------------------------------------------------------ the peers' side */

/* Tell the parent this side is set up (or why not), then wait for its go. */
static int peer_ready(chan in, chan out, int err)
{
	struct msg m;

	if (chan_send(out, 'r', err, 0, 0))
		return EPIPE;
	if (err)
		return err;
	if (chan_recv(in, &m) || m.op != 'g')
		return EPIPE;
	return 0;
}

/* sem POSIX-BASE RAW-BASE ROUNDS: answer each post on "a" with a post on "b" (named
 * semaphores; 'S': the two pshared sem_t in shm object "s"). */
static int serve_sem(chan in, chan out, const struct msg *m, char **args)
{
	long rounds = atol(args[2]), i;
	char na[PATHLEN], nb[PATHLEN];
	int e = 0;

	if (m->op == 'S') {
		sem_t *a = NULL, *b = NULL;
		char *p = MAP_FAILED;
		int fd;

		seqname(na, sizeof na, args[0], (unsigned long)m->seq, "s");
		fd = shm_open(na, O_RDWR, 0);
		if (fd >= 0) {
			p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
			close(fd);
		}
		if (p == MAP_FAILED)
			e = errno;
		else
			a = (sem_t *)p, b = (sem_t *)(p + 64);
		if (peer_ready(in, out, e) == 0)
			for (i = 0; i < rounds && !e; i++)
				if (sem_wait(a) || sem_post(b))
					e = errno;
		if (p != MAP_FAILED)
			munmap(p, PAGE);
	} else if (m->op == 'P') {
		sem_t *a, *b = SEM_FAILED;

		seqname(na, sizeof na, args[0], (unsigned long)m->seq, "a");
		seqname(nb, sizeof nb, args[0], (unsigned long)m->seq, "b");
		a = sem_open(na, 0);
		if (a != SEM_FAILED)
			b = sem_open(nb, 0);
		if (a == SEM_FAILED || b == SEM_FAILED)
			e = errno;
		if (peer_ready(in, out, e) == 0)
			for (i = 0; i < rounds && !e; i++)
				if (sem_wait(a) || sem_post(b))
					e = errno;
		if (b != SEM_FAILED)
			sem_close(b);
		if (a != SEM_FAILED)
			sem_close(a);
	}
#ifdef _WIN32
	else {
		HANDLE a, b = NULL;
		DWORD acc = SEMAPHORE_MODIFY_STATE | SYNCHRONIZE;

		seqname(na, sizeof na, args[1], (unsigned long)m->seq, "a");
		seqname(nb, sizeof nb, args[1], (unsigned long)m->seq, "b");
		a = OpenSemaphoreA(acc, FALSE, na);
		if (a != NULL)
			b = OpenSemaphoreA(acc, FALSE, nb);
		if (a == NULL || b == NULL)
			e = win_fail("OpenSemaphore");
		if (peer_ready(in, out, e) == 0)
			for (i = 0; i < rounds && !e; i++)
				if (WaitForSingleObject(a, INFINITE) != WAIT_OBJECT_0 ||
				    !ReleaseSemaphore(b, 1, NULL))
					e = win_fail("semaphore");
		if (b != NULL)
			CloseHandle(b);
		if (a != NULL)
			CloseHandle(a);
	}
#endif
	return chan_send(out, 'd', e, 0, 0);
}

/* writer FIFO PIPE-BASE WRITE-SIZE BYTES: write BYTES in WRITE-SIZE pieces, then close.  A
 * raw sample writes to the pipe handle in the command, or else connects by name. */
static int serve_writer(chan in, chan out, const struct msg *m, char **args)
{
	size_t wsize = (size_t)atol(args[2]), total = (size_t)atoll(args[3]), done;
	char *buf = malloc(wsize);
	int e = buf == NULL ? ENOMEM : 0;

	if (buf != NULL)
		memset(buf, 'x', wsize);
	if (m->op == 'P') {
		int fd = e ? -1 : open(args[0], O_WRONLY);

		if (fd < 0 && !e)
			e = errno;
		if (peer_ready(in, out, e) == 0)
			for (done = 0; done < total && !e; done += wsize)
				e = fd_write_full(fd, buf, wsize);
		if (fd >= 0)
			close(fd);
	}
#ifdef _WIN32
	else {
		char name[PATHLEN];
		HANDLE h = (HANDLE)(uintptr_t)m->arg;

		seqname(name, sizeof name, args[1], (unsigned long)m->seq, "");
		if (h == NULL)
			h = pipe_connect(name, GENERIC_WRITE);
		if (h == INVALID_HANDLE_VALUE && !e)
			e = win_fail("CreateFile(pipe)");
		if (peer_ready(in, out, e) == 0)
			for (done = 0; done < total && !e; done += wsize)
				e = h_write_full(h, buf, wsize);
		if (h != INVALID_HANDLE_VALUE)
			CloseHandle(h);
	}
#endif
	free(buf);
	return chan_send(out, 'd', e, 0, 0);
}

/* echo FIFO-IN FIFO-OUT PIPE-BASE ROUNDS: send every message straight back. */
static int serve_echo(chan in, chan out, const struct msg *m, char **args)
{
	long rounds = atol(args[3]), i;
	char buf[MSG_SIZE];
	int e = 0;

	if (m->op == 'P') {
		int rd = open(args[0], O_RDONLY), wr = -1;

		if (rd >= 0)
			wr = open(args[1], O_WRONLY);
		if (rd < 0 || wr < 0)
			e = errno;
		if (peer_ready(in, out, e) == 0)
			for (i = 0; i < rounds && !e; i++) {
				e = fd_read_full(rd, buf, sizeof buf);
				if (!e)
					e = fd_write_full(wr, buf, sizeof buf);
			}
		if (wr >= 0)
			close(wr);
		if (rd >= 0)
			close(rd);
	}
#ifdef _WIN32
	else {
		char nin[PATHLEN], nout[PATHLEN];
		HANDLE rd, wr = INVALID_HANDLE_VALUE;

		seqname(nin, sizeof nin, args[2], (unsigned long)m->seq, ".in");
		seqname(nout, sizeof nout, args[2], (unsigned long)m->seq, ".out");
		rd = pipe_connect(nin, GENERIC_READ);
		if (rd != INVALID_HANDLE_VALUE)
			wr = pipe_connect(nout, GENERIC_WRITE);
		if (rd == INVALID_HANDLE_VALUE || wr == INVALID_HANDLE_VALUE)
			e = win_fail("CreateFile(pipe)");
		if (peer_ready(in, out, e) == 0)
			for (i = 0; i < rounds && !e; i++) {
				e = h_read_full(rd, buf, sizeof buf);
				if (!e)
					e = h_write_full(wr, buf, sizeof buf);
			}
		if (wr != INVALID_HANDLE_VALUE)
			CloseHandle(wr);
		if (rd != INVALID_HANDLE_VALUE)
			CloseHandle(rd);
	}
#endif
	return chan_send(out, 'd', e, 0, 0);
}

/* "<base>.<seq><tag>": the queues of one sample. */
static mqd_t mq_sample(const char *base, uint64_t n, const char *tag, int flags)
{
	char name[PATHLEN];
	struct mq_attr a;

	memset(&a, 0, sizeof a);
	a.mq_maxmsg = 10;
	a.mq_msgsize = MQ_MSGSIZE;
	seqname(name, sizeof name, base, (unsigned long)n, tag);
	return mq_open(name, flags, 0600, &a);
}

/* mqecho FIFO-IN FIFO-OUT PIPE-BASE ROUNDS MQ-BASE: 'P' sends every message on queue "a"
 * straight back on queue "b"; 'R' does the same over the two FIFOs (the baseline). */
static int serve_mqecho(chan in, chan out, const struct msg *m, char **args)
{
	long rounds = atol(args[3]), i;
	char buf[MQ_MSGSIZE];
	struct msg fifo;
	mqd_t a, b = (mqd_t)-1;
	ssize_t n;
	int e = 0;

	if (m->op == 'R') {
		fifo = *m;
		fifo.op = 'P';
		return serve_echo(in, out, &fifo, args);
	}
	a = mq_sample(args[4], m->seq, "a", O_RDONLY);
	if (a != (mqd_t)-1)
		b = mq_sample(args[4], m->seq, "b", O_WRONLY);
	if (a == (mqd_t)-1 || b == (mqd_t)-1)
		e = errno;
	if (peer_ready(in, out, e) == 0)
		for (i = 0; i < rounds && !e; i++) {
			n = mq_receive(a, buf, sizeof buf, NULL);
			if (n < 0 || mq_send(b, buf, (size_t)n, 0) < 0)
				e = errno;
		}
	if (b != (mqd_t)-1)
		mq_close(b);
	if (a != (mqd_t)-1)
		mq_close(a);
	return chan_send(out, 'd', e, 0, 0);
}

/* mqwriter FIFO PIPE-BASE WRITE-SIZE BYTES MQ-BASE: 'P' sends BYTES in WRITE-SIZE messages
 * on queue "a"; 'R' writes them to the FIFO (the baseline). */
static int serve_mqwriter(chan in, chan out, const struct msg *m, char **args)
{
	size_t wsize = (size_t)atol(args[2]), total = (size_t)atoll(args[3]), done;
	char buf[MQ_MSGSIZE];
	struct msg fifo;
	mqd_t a;
	int e = 0;

	if (m->op == 'R') {
		fifo = *m;
		fifo.op = 'P';
		return serve_writer(in, out, &fifo, args);
	}
	memset(buf, 'x', sizeof buf);
	a = mq_sample(args[4], m->seq, "a", O_WRONLY);
	if (a == (mqd_t)-1 || wsize > sizeof buf)
		e = a == (mqd_t)-1 ? errno : EINVAL;
	if (peer_ready(in, out, e) == 0)
		for (done = 0; done < total && !e; done += wsize)
			if (mq_send(a, buf, wsize, 0) < 0)
				e = errno;
	if (a != (mqd_t)-1)
		mq_close(a);
	return chan_send(out, 'd', e, 0, 0);
}

static int peer_main(chan in, chan out, int argc, char **argv)
{
	int (*serve)(chan, chan, const struct msg *, char **) = NULL;
	struct msg m;

	if (argc >= 4 && strcmp(argv[0], "sem") == 0)
		serve = serve_sem;
	else if (argc >= 5 && strcmp(argv[0], "writer") == 0)
		serve = serve_writer;
	else if (argc >= 5 && strcmp(argv[0], "echo") == 0)
		serve = serve_echo;
	else if (argc >= 6 && strcmp(argv[0], "mqecho") == 0)
		serve = serve_mqecho;
	else if (argc >= 6 && strcmp(argv[0], "mqwriter") == 0)
		serve = serve_mqwriter;
	if (serve == NULL) {
		fprintf(stderr, "bench: bad peer arguments\n");
		return 2;
	}
	while (chan_recv(in, &m) == 0 && m.op != 'Q')
		if (serve(in, out, &m, argv + 1))
			return 1;
	return 0;
}

/* ------------------------------------------------------------------ semaphore rows */

static char sem_base[64], raw_base[96];

static void sem_names(void)
{
	snprintf(sem_base, sizeof sem_base, "/posixipc-bench.%lu", self_id());
	snprintf(raw_base, sizeof raw_base, "Local\\posixipc-bench.%lu", self_id());
}

static int sem_named_posix(double *out)
{
	long n = ops;
	char name[PATHLEN];
	double ns = 0;
	sem_t *s;
	int e = 0;

	seqname(name, sizeof name, sem_base, ++seq, "");
	s = sem_open(name, O_CREAT | O_EXCL, 0600, 0);
	if (s == SEM_FAILED)
		return errno;
	TIMED(n, e, ns, {
		if (sem_post(s) || sem_wait(s))
			e = errno;
	});
	sem_close(s);
	sem_unlink(name);
	out[0] = ns;
	return e;
}

static int unnamed_loop(int pshared, double *out)
{
	long n = ops;
	double ns = 0;
	sem_t s;
	int e = 0;

	if (sem_init(&s, pshared, 0))
		return errno;
	TIMED(n, e, ns, {
		if (sem_post(&s) || sem_wait(&s))
			e = errno;
	});
	sem_destroy(&s);
	out[0] = ns;
	return e;
}

static int sem_unnamed_posix(double *out)
{
	return unnamed_loop(0, out);
}

static int sem_pshared_posix(double *out)
{
	return unnamed_loop(1, out);
}

/* Two threads answering each other through two sem_init(0) semaphores. */
struct pong {
	sem_t a, b;
	long rounds;
	volatile int err;
};

#ifdef _WIN32
static DWORD WINAPI answer(void *arg)
#else
static void *answer(void *arg)
#endif
{
	struct pong *p = arg;
	long i;

	for (i = 0; i < p->rounds; i++)
		if (sem_wait(&p->a) || sem_post(&p->b)) {
			p->err = errno;
			break;
		}
	return 0;
}

static int threads_posix(double *out)
{
	long n = count(20000);
	struct pong p;
	double ns = 0;
	int e = 0;
#ifdef _WIN32
	HANDLE t;
#else
	pthread_t t;
#endif

	if (sem_init(&p.a, 0, 0) || sem_init(&p.b, 0, 0))
		return errno;
	p.rounds = WARM_ROUNDS + n;
	p.err = 0;
#ifdef _WIN32
	t = CreateThread(NULL, 0, answer, &p, 0, NULL);
	if (t == NULL)
		return EAGAIN;
#else
	if (pthread_create(&t, NULL, answer, &p))
		return EAGAIN;
#endif
	TIMED(n, e, ns, {
		if (sem_post(&p.a) || sem_wait(&p.b))
			e = errno;
	});
#ifdef _WIN32
	if (e)
		TerminateThread(t, 1);
	WaitForSingleObject(t, INFINITE);
	CloseHandle(t);
#else
	if (!e)
		pthread_join(t, NULL);
#endif
	if (!e && p.err)
		e = p.err;
	sem_destroy(&p.b);
	sem_destroy(&p.a);
	out[0] = ns;
	return e;
}

static int pingpong_start(void)
{
	char rounds[32];

	snprintf(rounds, sizeof rounds, "%ld", count(2000) + WARM_ROUNDS);
	return peers_start(1, "sem", sem_base, raw_base, rounds, (char *)NULL);
}

static int pingpong_posix(double *out)
{
	long n = count(2000);
	char na[PATHLEN], nb[PATHLEN];
	sem_t *a, *b;
	double ns = 0;
	int e;

	seqname(na, sizeof na, sem_base, ++seq, "a");
	seqname(nb, sizeof nb, sem_base, seq, "b");
	a = sem_open(na, O_CREAT | O_EXCL, 0600, 0);
	if (a == SEM_FAILED)
		return errno;
	b = sem_open(nb, O_CREAT | O_EXCL, 0600, 0);
	if (b == SEM_FAILED) {
		e = errno;
		sem_close(a);
		sem_unlink(na);
		return e;
	}
	e = peers_cmd('P', 0);
	if (!e)
		e = peers_wait('r');
	if (!e) {
		peers_go();
		TIMED(n, e, ns, {
			if (sem_post(a) || sem_wait(b))
				e = errno;
		});
		if (!e)
			e = peers_wait('d');
	}
	sem_close(b);
	sem_close(a);
	sem_unlink(nb);
	sem_unlink(na);
	out[0] = ns;
	return e;
}

/* The same through two pshared sem_t in one shm_open object, 64 bytes apart. */
static int pingpong_shared_posix(double *out)
{
	long n = count(2000);
	char name[PATHLEN];
	double ns = 0;
	char *m = MAP_FAILED;
	sem_t *a, *b;
	int fd, e = 0;

	seqname(name, sizeof name, sem_base, ++seq, "s");
	fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		return errno;
	if (ftruncate(fd, PAGE) == 0)
		m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		e = errno;
	close(fd);
	a = (sem_t *)m;
	b = (sem_t *)(m + 64);
	if (!e && (sem_init(a, 1, 0) || sem_init(b, 1, 0)))
		e = errno;
	if (!e)
		e = peers_cmd('S', 0);
	if (!e)
		e = peers_wait('r');
	if (!e) {
		peers_go();
		TIMED(n, e, ns, {
			if (sem_post(a) || sem_wait(b))
				e = errno;
		});
		if (!e)
			e = peers_wait('d');
	}
	if (m != MAP_FAILED) {
		sem_destroy(b);
		sem_destroy(a);
		munmap(m, PAGE);
	}
	shm_unlink(name);
	out[0] = ns;
	return e;
}

#ifdef _WIN32
static int sem_named_raw(double *out)
{
	long n = ops;
	char name[PATHLEN];
	double ns = 0;
	HANDLE s;
	int e = 0;

	seqname(name, sizeof name, raw_base, ++seq, "");
	s = CreateSemaphoreA(NULL, 0, LONG_MAX, name);
	if (s == NULL)
		return win_fail("CreateSemaphore");
	TIMED(n, e, ns, {
		if (!ReleaseSemaphore(s, 1, NULL) || WaitForSingleObject(s, INFINITE))
			e = win_fail("semaphore");
	});
	CloseHandle(s);
	out[0] = ns;
	return e;
}

/* What a user-space semaphore cannot beat: one atomic increment and one decrement. */
static int interlocked_raw(double *out)
{
	static volatile LONG word;
	long n = ops;
	double ns = 0;

	TIMED(n, 0, ns, {
		InterlockedIncrement(&word);
		InterlockedDecrement(&word);
	});
	out[0] = ns;
	return 0;
}

static int sem_unnamed_wp(double *out)
{
	return wp_post_wait(ops, WARM_ROUNDS, out);
}

static int threads_wp(double *out)
{
	return wp_pingpong(count(20000), WARM_ROUNDS, out);
}

static int pingpong_raw(double *out)
{
	long n = count(2000);
	char na[PATHLEN], nb[PATHLEN];
	HANDLE a, b;
	double ns = 0;
	int e;

	seqname(na, sizeof na, raw_base, ++seq, "a");
	seqname(nb, sizeof nb, raw_base, seq, "b");
	a = CreateSemaphoreA(NULL, 0, LONG_MAX, na);
	b = CreateSemaphoreA(NULL, 0, LONG_MAX, nb);
	e = a == NULL || b == NULL ? win_fail("CreateSemaphore") : 0;
	if (!e)
		e = peers_cmd('R', 0);
	if (!e)
		e = peers_wait('r');
	if (!e) {
		peers_go();
		TIMED(n, e, ns, {
			if (!ReleaseSemaphore(a, 1, NULL) || WaitForSingleObject(b, INFINITE))
				e = win_fail("semaphore");
		});
		if (!e)
			e = peers_wait('d');
	}
	if (b != NULL)
		CloseHandle(b);
	if (a != NULL)
		CloseHandle(a);
	out[0] = ns;
	return e;
}
#endif

/* ------------------------------------------------------------------ FIFO rows */

static char fifo_a[PATHLEN], fifo_b[PATHLEN], pipe_base[PATHLEN];
static size_t fifo_wsize, fifo_total;
static int fifo_writers;

/* mkfifo's failure is the POSIX half's failure only: the raw half still runs. */
static int fifo_posix_err;
/* The command that sends a FIFO peer to its FIFOs: 'P', or 'R' where the peer serves a
 * message queue row and the FIFO is the baseline. */
static int fifo_cmd = 'P';

static void fifo_make(void)
{
	temp_path(fifo_a, sizeof fifo_a, "fifo-a");
	temp_path(fifo_b, sizeof fifo_b, "fifo-b");
	unlink(fifo_a);
	unlink(fifo_b);
	fifo_posix_err = 0;
	if (mkfifo(fifo_a, 0600) || mkfifo(fifo_b, 0600))
		fifo_posix_err = errno;
	snprintf(pipe_base, sizeof pipe_base, "\\\\.\\pipe\\posixipc-bench.%lu", self_id());
}

static void fifo_stop(void)
{
	peers_stop(0);
	unlink(fifo_a);
	unlink(fifo_b);
}

static int tput_start(int writers, size_t wsize)
{
	char ws[32], bytes[32];
	size_t unit = wsize * (size_t)writers;

	fifo_make();
	fifo_writers = writers;
	fifo_wsize = wsize;
	fifo_total = (size_t)count((long)(opt.fifo_bytes / unit)) * unit;
	snprintf(ws, sizeof ws, "%zu", wsize);
	snprintf(bytes, sizeof bytes, "%zu", fifo_total / (size_t)writers);
	return peers_start(writers, "writer", fifo_a, pipe_base, ws, bytes, (char *)NULL);
}

static int tput4k_start(void)
{
	return tput_start(1, 4096);
}

static int tput64k_start(void)
{
	return tput_start(1, 65536);
}

static int tput4w_start(void)
{
	return tput_start(4, 4096);
}

static int tput_posix(double *out)
{
	static char buf[IOBUF];
	size_t got = 0;
	ssize_t r = 0;
	double t0, t1;
	int fd, e;

	if (fifo_posix_err)
		return fifo_posix_err;
	++seq;
	e = peers_cmd(fifo_cmd, 0);
	if (e)
		return e;
	fd = open(fifo_a, O_RDONLY);
	if (fd < 0)
		return errno;
	e = peers_wait('r');
	if (e) {
		close(fd);
		return e;
	}
	t0 = now_ns();
	peers_go();
	while ((r = read(fd, buf, sizeof buf)) > 0)
		got += (size_t)r;
	t1 = now_ns();
	e = r < 0 ? errno : 0;
	close(fd);
	if (!e)
		e = peers_wait('d');
	if (!e && got != fifo_total)
		e = EIO;
	out[0] = (t1 - t0) / (double)got;
	return e;
}

static int echo_start(void)
{
	char rounds[32];

	fifo_make();
	snprintf(rounds, sizeof rounds, "%ld", count(2000) + WARM_ROUNDS);
	return peers_start(1, "echo", fifo_a, fifo_b, pipe_base, rounds, (char *)NULL);
}

/* Before each read: nothing (0), a poll on the reply FIFO (1), or a poll over it and
 * IDLE_FIFOS idle ones (2). */
static int echo_poll;
#define IDLE_FIFOS 64
static char idle_path[IDLE_FIFOS][PATHLEN];
static int idle_rd[IDLE_FIFOS], idle_wr[IDLE_FIFOS];

static int wait_reply(int rd)
{
	struct pollfd p[IDLE_FIFOS + 1];
	int i, n = echo_poll == 2 ? IDLE_FIFOS : 0;

	for (i = 0; i < n; i++) {
		p[i].fd = idle_rd[i];
		p[i].events = POLLIN;
	}
	p[n].fd = rd;
	p[n].events = POLLIN;
	/* The last reply comes with POLLHUP: the peer closes right after it. */
	if (poll(p, (nfds_t)n + 1, -1) != 1 || !(p[n].revents & POLLIN))
		return errno ? errno : EIO;
	return 0;
}

static int poll_start(void)
{
	echo_poll = 1;
	return echo_start();
}

/* Idle FIFOs, each with a writer of our own so that none reports POLLHUP. */
static int poll64_start(void)
{
	char base[PATHLEN];
	int i;

	echo_poll = 2;
	temp_path(base, sizeof base, "fifo-idle");
	for (i = 0; i < IDLE_FIFOS; i++) {
		seqname(idle_path[i], sizeof idle_path[i], base, (unsigned long)i, "");
		unlink(idle_path[i]);
		idle_rd[i] = idle_wr[i] = -1;
		if (mkfifo(idle_path[i], 0600) < 0 ||
		    (idle_rd[i] = open(idle_path[i], O_RDONLY | O_NONBLOCK)) < 0 ||
		    (idle_wr[i] = open(idle_path[i], O_WRONLY | O_NONBLOCK)) < 0)
			return errno;
	}
	return echo_start();
}

static void poll_stop(void)
{
	int i;

	if (echo_poll == 2)
		for (i = 0; i < IDLE_FIFOS; i++) {
			if (idle_rd[i] >= 0)
				close(idle_rd[i]);
			if (idle_wr[i] >= 0)
				close(idle_wr[i]);
			unlink(idle_path[i]);
		}
	echo_poll = 0;
	fifo_stop();
}

static int echo_posix(double *out)
{
	long n = count(2000);
	char buf[MSG_SIZE];
	double ns = 0;
	int wr, rd = -1, e;

	if (fifo_posix_err)
		return fifo_posix_err;
	memset(buf, 'm', sizeof buf);
	++seq;
	e = peers_cmd(fifo_cmd, 0);
	if (e)
		return e;
	wr = open(fifo_a, O_WRONLY);
	if (wr >= 0)
		rd = open(fifo_b, O_RDONLY);
	if (wr < 0 || rd < 0) {
		e = errno;
		if (wr >= 0)
			close(wr);
		return e;
	}
	e = peers_wait('r');
	if (!e) {
		peers_go();
		TIMED(n, e, ns, {
			e = fd_write_full(wr, buf, sizeof buf);
			if (!e && echo_poll)
				e = wait_reply(rd);
			if (!e)
				e = fd_read_full(rd, buf, sizeof buf);
		});
	}
	close(rd);
	close(wr);
	if (!e)
		e = peers_wait('d');
	out[0] = ns;
	return e;
}

/* The single-FIFO blocking read the poll rows compare with. */
static int echo_posix_plain(double *out)
{
	int e, saved = echo_poll;

	echo_poll = 0;
	e = echo_posix(out);
	echo_poll = saved;
	return e;
}

/* pipe() throughput: a thread writes 4 KiB pieces, this one reads to end of file. */
static size_t pipe_total;

struct pipe_writer {
	int fd;
#ifdef _WIN32
	HANDLE h;
#endif
	int err;
};

#ifdef _WIN32
static DWORD WINAPI pipe_writer_main(LPVOID arg)
#else
static void *pipe_writer_main(void *arg)
#endif
{
	struct pipe_writer *w = arg;
	static char buf[4096];
	size_t done;

	memset(buf, 'p', sizeof buf);
	for (done = 0; done < pipe_total && !w->err; done += sizeof buf) {
#ifdef _WIN32
		if (w->h != NULL) {
			w->err = h_write_full(w->h, buf, sizeof buf);
			continue;
		}
#endif
		w->err = fd_write_full(w->fd, buf, sizeof buf);
	}
#ifdef _WIN32
	if (w->h != NULL)
		CloseHandle(w->h);
	else
#endif
		close(w->fd);
	return 0;
}

static int pipe_tput_start(void)
{
	pipe_total = (size_t)count((long)(opt.fifo_bytes / 4096)) * 4096;
	return 0;
}

static int pipe_tput_posix(double *out)
{
	static char buf[IOBUF];
	struct pipe_writer w;
	size_t got = 0;
	ssize_t r;
	double t0, t1;
	int fds[2], e;
#ifdef _WIN32
	HANDLE t;
#else
	pthread_t t;
#endif

	memset(&w, 0, sizeof w);
	if (pipe(fds) < 0)
		return errno;
	w.fd = fds[1];
	t0 = now_ns();
#ifdef _WIN32
	t = CreateThread(NULL, 0, pipe_writer_main, &w, 0, NULL);
	if (t == NULL)
		return win_fail("CreateThread");
#else
	if (pthread_create(&t, NULL, pipe_writer_main, &w) != 0)
		return EAGAIN;
#endif
	while ((r = read(fds[0], buf, sizeof buf)) > 0)
		got += (size_t)r;
	t1 = now_ns();
	e = r < 0 ? errno : 0;
#ifdef _WIN32
	WaitForSingleObject(t, INFINITE);
	CloseHandle(t);
#else
	pthread_join(t, NULL);
#endif
	close(fds[0]);
	if (!e)
		e = w.err;
	if (!e && got != pipe_total)
		e = EIO;
	out[0] = (t1 - t0) / (double)got;
	return e;
}

#ifdef _WIN32
static int pipe_tput_raw(double *out)
{
	static char buf[IOBUF];
	struct pipe_writer w;
	size_t got = 0;
	double t0, t1;
	HANDLE r, t;
	DWORD n;
	int e = 0;

	memset(&w, 0, sizeof w);
	if (!CreatePipe(&r, &w.h, NULL, IOBUF))
		return win_fail("CreatePipe");
	t0 = now_ns();
	t = CreateThread(NULL, 0, pipe_writer_main, &w, 0, NULL);
	if (t == NULL)
		return win_fail("CreateThread");
	while (ReadFile(r, buf, sizeof buf, &n, NULL))
		got += n;
	t1 = now_ns();
	if (GetLastError() != ERROR_BROKEN_PIPE)
		e = win_fail("ReadFile");
	WaitForSingleObject(t, INFINITE);
	CloseHandle(t);
	CloseHandle(r);
	if (!e)
		e = w.err;
	if (!e && got != pipe_total)
		e = EIO;
	out[0] = (t1 - t0) / (double)got;
	return e;
}

/* The raw reader: one pipe, read to end of file.  With several writers the client end is
 * opened here and a copy handed to each, as the FIFO's writers share one end. */
static int tput_raw(double *out)
{
	static char buf[IOBUF];
	char name[PATHLEN];
	HANDLE srv, cl, dup;
	size_t got = 0;
	DWORD n;
	double t0, t1;
	int e = 0, i;

	seqname(name, sizeof name, pipe_base, ++seq, "");
	srv = pipe_server(name);
	if (srv == INVALID_HANDLE_VALUE)
		return win_fail("CreateNamedPipe");
	if (fifo_writers == 1) {
		e = peers_cmd('R', 0);
		if (!e)
			e = pipe_accept(srv);
	} else {
		cl = CreateFileA(name, GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
		if (cl == INVALID_HANDLE_VALUE)
			e = win_fail("CreateFile(pipe)");
		if (!e)
			e = pipe_accept(srv);
		for (i = 0; i < npeers && !e; i++) {
			if (!DuplicateHandle(GetCurrentProcess(), cl, peers[i].proc, &dup, 0, FALSE,
					     DUPLICATE_SAME_ACCESS))
				e = win_fail("DuplicateHandle");
			else
				e = chan_send(peers[i].to, 'R', 0, (uint64_t)(uintptr_t)dup, seq);
		}
		if (cl != INVALID_HANDLE_VALUE)
			CloseHandle(cl);
	}
	if (!e)
		e = peers_wait('r');
	if (e) {
		CloseHandle(srv);
		return e;
	}
	t0 = now_ns();
	peers_go();
	while (ReadFile(srv, buf, sizeof buf, &n, NULL))
		got += n;
	t1 = now_ns();
	if (GetLastError() != ERROR_BROKEN_PIPE)
		e = win_fail("ReadFile");
	CloseHandle(srv);
	if (!e)
		e = peers_wait('d');
	if (!e && got != fifo_total)
		e = EIO;
	out[0] = (t1 - t0) / (double)got;
	return e;
}

static int echo_raw(double *out)
{
	long n = count(2000);
	char nin[PATHLEN], nout[PATHLEN], buf[MSG_SIZE];
	double ns = 0;
	HANDLE wr, rd;
	int e = 0;

	memset(buf, 'm', sizeof buf);
	seqname(nin, sizeof nin, pipe_base, ++seq, ".in");
	seqname(nout, sizeof nout, pipe_base, seq, ".out");
	wr = pipe_server(nin);
	rd = pipe_server(nout);
	if (wr == INVALID_HANDLE_VALUE || rd == INVALID_HANDLE_VALUE)
		e = win_fail("CreateNamedPipe");
	if (!e)
		e = peers_cmd('R', 0);
	if (!e)
		e = pipe_accept(wr);
	if (!e)
		e = pipe_accept(rd);
	if (!e)
		e = peers_wait('r');
	if (!e) {
		peers_go();
		TIMED(n, e, ns, {
			e = h_write_full(wr, buf, sizeof buf);
			if (!e)
				e = h_read_full(rd, buf, sizeof buf);
		});
		if (!e)
			e = peers_wait('d');
	}
	if (rd != INVALID_HANDLE_VALUE)
		CloseHandle(rd);
	if (wr != INVALID_HANDLE_VALUE)
		CloseHandle(wr);
	out[0] = ns;
	return e;
}
#endif

/* ------------------------------------------------------------------ shared memory rows */

static char shm_name[64];

static int shm_cycle_start(void)
{
	snprintf(shm_name, sizeof shm_name, "/posixipc-bench.%lu.shm", self_id());
	return 0;
}

static int shm_cycle_posix(double *out)
{
	long n = ops, i;
	size_t size = opt.shm_size;
	double t0, t1;
	void *p;
	int fd, e = 0;

	t0 = now_ns();
	for (i = 0; i < n && !e; i++) {
		fd = shm_open(shm_name, O_CREAT | O_EXCL | O_RDWR, 0600);
		if (fd < 0)
			return errno;
		p = MAP_FAILED;
		if (ftruncate(fd, (off_t)size) == 0)
			p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED || munmap(p, size))
			e = errno;
		if (close(fd) && !e)
			e = errno;
		if (shm_unlink(shm_name) && !e)
			e = errno;
	}
	t1 = now_ns();
	out[0] = (t1 - t0) / (double)n;
	return e;
}

/* The FIFO life cycle a server pays per request when it opens a FIFO per client. */
static char cycle_path[PATHLEN];

static int fifo_cycle_start(void)
{
	temp_path(cycle_path, sizeof cycle_path, "fifo-cycle");
	unlink(cycle_path);
	return 0;
}

static int fifo_cycle_posix(double *out)
{
	long n = ops, i;
	double t0, t1;
	int fd, e = 0;

	t0 = now_ns();
	for (i = 0; i < n && !e; i++) {
		if (mkfifo(cycle_path, 0600) < 0)
			return errno;
		fd = open(cycle_path, O_RDWR);
		if (fd < 0 || close(fd) < 0)
			e = errno;
		if (unlink(cycle_path) < 0 && !e)
			e = errno;
	}
	t1 = now_ns();
	out[0] = (t1 - t0) / (double)n;
	return e;
}

/* Both passes write one byte in every page: the first faults the pages in. */
static double touch(volatile char *p, size_t size)
{
	double t0 = now_ns();
	size_t i;

	for (i = 0; i < size; i += PAGE)
		p[i] = (char)i;
	return now_ns() - t0;
}

/* The first pass, then the mean of four more: one pass over resident pages is too short to
 * time on a busy machine. */
static void touch_passes(char *p, size_t size, double *out)
{
	int i;

	out[0] = touch(p, size);
	out[1] = 0;
	for (i = 0; i < 4; i++)
		out[1] += touch(p, size) / 4;
}

static int touch_posix(double *out)
{
	size_t size = opt.touch_size;
	char *p;
	int fd, e = 0;

	fd = shm_open(shm_name, O_CREAT | O_EXCL | O_RDWR, 0600);
	if (fd < 0)
		return errno;
	p = MAP_FAILED;
	if (ftruncate(fd, (off_t)size) == 0)
		p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		e = errno;
	} else {
		touch_passes(p, size, out);
		munmap(p, size);
	}
	close(fd);
	shm_unlink(shm_name);
	return e;
}

static char map_path[PATHLEN];
static int map_fd = -1;

static int map_start(void)
{
	temp_path(map_path, sizeof map_path, "map");
	unlink(map_path);
	map_fd = open(map_path, O_RDWR | O_CREAT | O_EXCL | O_BINARY, 0600);
	if (map_fd < 0)
		return errno;
	if (ftruncate(map_fd, (off_t)(opt.map_size + 2 * 65536)))
		return errno;
	return 0;
}

static void map_stop(void)
{
	if (map_fd >= 0)
		close(map_fd);
	map_fd = -1;
	unlink(map_path);
}

/* A page-aligned offset that is not a multiple of the 64 KiB allocation granularity. */
static int map_posix(double *out)
{
	long n = ops, i;
	double t0, t1;
	void *p;
	int e = 0;

	t0 = now_ns();
	for (i = 0; i < n && !e; i++) {
		p = mmap(NULL, opt.map_size, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, PAGE);
		if (p == MAP_FAILED || munmap(p, opt.map_size))
			e = errno;
	}
	t1 = now_ns();
	out[0] = (t1 - t0) / (double)n;
	return e;
}

#ifdef _WIN32
static int shm_cycle_raw(double *out)
{
	long n = ops, i;
	size_t size = opt.shm_size;
	char name[PATHLEN];
	double t0, t1;
	HANDLE m;
	void *p;
	int e = 0;

	seqname(name, sizeof name, raw_base, ++seq, ".shm");
	t0 = now_ns();
	for (i = 0; i < n && !e; i++) {
		m = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, (DWORD)size,
				       name);
		if (m == NULL)
			return win_fail("CreateFileMapping");
		p = MapViewOfFile(m, FILE_MAP_WRITE, 0, 0, size);
		if (p == NULL || !UnmapViewOfFile(p))
			e = win_fail("MapViewOfFile");
		CloseHandle(m);
	}
	t1 = now_ns();
	out[0] = (t1 - t0) / (double)n;
	return e;
}

/* A new pipe name for each raw cycle, as each FIFO has its own. */
static void cycle_pipe_name(char *name, size_t size)
{
	snprintf(name, size, "\\\\.\\pipe\\posixipc-bench-cycle.%lu.%lu", self_id(), ++seq);
}

static int fifo_cycle_raw(double *out)
{
	long n = ops, i;
	char name[PATHLEN];
	double t0, t1;
	HANDLE h;

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		cycle_pipe_name(name, sizeof name);
		h = pipe_server(name);
		if (h == INVALID_HANDLE_VALUE)
			return win_fail("CreateNamedPipe");
		CloseHandle(h);
	}
	t1 = now_ns();
	out[0] = (t1 - t0) / (double)n;
	return 0;
}

/* The least a FIFO that lives in the file system costs in raw calls: mkfifo writes a small
 * file, open reads it and makes the pipe's two ends, close closes them, unlink deletes the
 * file.  This row's ratio is what the library adds to that; its raw time over fifo-cycle's
 * is what a file system entry adds to a bare pipe. */
static int fifo_cycle_file_raw(double *out)
{
	static const char text[] = "posixipc-fifo 1\n\\\\.\\pipe\\x\n600\n0123456789abcdef\n";
	long n = ops, i;
	char path[PATHLEN], name[PATHLEN], buf[512];
	double t0, t1;
	HANDLE f, srv, cli;
	DWORD done;
	int e = 0;

	temp_path(path, sizeof path, "fifo-cycle-raw");
	DeleteFileA(path);
	t0 = now_ns();
	for (i = 0; i < n && !e; i++) {
		f = CreateFileA(path, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_DELETE, NULL,
				CREATE_NEW, FILE_ATTRIBUTE_SYSTEM, NULL);
		if (f == INVALID_HANDLE_VALUE)
			return win_fail("CreateFile");
		if (!WriteFile(f, text, sizeof text - 1, &done, NULL))
			e = win_fail("WriteFile");
		CloseHandle(f);
		f = CreateFileA(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE |
				FILE_SHARE_DELETE, NULL, OPEN_EXISTING, 0, NULL);
		if (f == INVALID_HANDLE_VALUE || !ReadFile(f, buf, sizeof buf, &done, NULL))
			e = win_fail("CreateFile/ReadFile");
		if (f != INVALID_HANDLE_VALUE)
			CloseHandle(f);
		cycle_pipe_name(name, sizeof name);
		srv = pipe_server(name);
		if (srv == INVALID_HANDLE_VALUE)
			return win_fail("CreateNamedPipe");
		cli = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0,
				  NULL);
		if (cli == INVALID_HANDLE_VALUE)
			e = win_fail("CreateFile(pipe)");
		else
			CloseHandle(cli);
		CloseHandle(srv);
		if (!DeleteFileA(path) && !e)
			e = win_fail("DeleteFile");
	}
	t1 = now_ns();
	out[0] = (t1 - t0) / (double)n;
	return e;
}

/* The file-backed counterpart: a temporary file beside the library's own objects. */
static int shm_file_raw(double *out)
{
	long n = ops, i;
	size_t size = opt.shm_size;
	char dir[PATHLEN], path[PATHLEN + 64];
	double t0, t1;
	HANDLE f, m;
	void *p;
	int e = 0;

	if (posixipc_objects_dir(dir, sizeof dir) == 0) {
		CreateDirectoryA(dir, NULL);
		snprintf(path, sizeof path, "%s\\bench-raw.%lu", dir, self_id());
	} else {
		temp_path(path, sizeof path, "raw");
	}
	t0 = now_ns();
	for (i = 0; i < n && !e; i++) {
		f = CreateFileA(path, GENERIC_READ | GENERIC_WRITE,
				FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
				CREATE_NEW, FILE_ATTRIBUTE_TEMPORARY | FILE_FLAG_DELETE_ON_CLOSE,
				NULL);
		if (f == INVALID_HANDLE_VALUE)
			return win_fail("CreateFile");
		m = CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, (DWORD)size, NULL);
		p = m == NULL ? NULL : MapViewOfFile(m, FILE_MAP_WRITE, 0, 0, size);
		if (p == NULL || !UnmapViewOfFile(p))
			e = win_fail("CreateFileMapping/MapViewOfFile");
		if (m != NULL)
			CloseHandle(m);
		CloseHandle(f);
	}
	t1 = now_ns();
	out[0] = (t1 - t0) / (double)n;
	return e;
}

static int touch_raw(double *out)
{
	size_t size = opt.touch_size;
	HANDLE m;
	char *p;

	m = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, (DWORD)(size >> 31 >> 1),
			       (DWORD)size, NULL);
	if (m == NULL)
		return win_fail("CreateFileMapping");
	p = MapViewOfFile(m, FILE_MAP_WRITE, 0, 0, size);
	if (p == NULL) {
		CloseHandle(m);
		return win_fail("MapViewOfFile");
	}
	touch_passes(p, size, out);
	UnmapViewOfFile(p);
	CloseHandle(m);
	return 0;
}

/* What mmap of a descriptor has to do on Win32: a section for the file, then a view, at an
 * offset the allocation granularity allows. */
static int map_raw(double *out)
{
	long n = ops, i;
	HANDLE f = (HANDLE)_get_osfhandle(map_fd), m;
	double t0, t1;
	void *p;
	int e = 0;

	t0 = now_ns();
	for (i = 0; i < n && !e; i++) {
		m = CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, 0, NULL);
		if (m == NULL)
			return win_fail("CreateFileMapping");
		p = MapViewOfFile(m, FILE_MAP_WRITE, 0, 65536, opt.map_size);
		if (p == NULL || !UnmapViewOfFile(p))
			e = win_fail("MapViewOfFile");
		CloseHandle(m);
	}
	t1 = now_ns();
	out[0] = (t1 - t0) / (double)n;
	return e;
}
#endif

/* ------------------------------------------------------------------ message queue rows */

/* Each queue row's baseline is the best the same program could do without queues: posixipc
 * FIFOs (the "raw" column), on Windows and Linux alike. */
static char mq_base[64];

static void mq_names(void)
{
	snprintf(mq_base, sizeof mq_base, "/posixipc-bench.%lu.mq", self_id());
}

static void mq_unlink_sample(uint64_t n)
{
	char name[PATHLEN];

	seqname(name, sizeof name, mq_base, (unsigned long)n, "a");
	mq_unlink(name);
	seqname(name, sizeof name, mq_base, (unsigned long)n, "b");
	mq_unlink(name);
}

static int mq_echo_start(void)
{
	char rounds[32];

	mq_names();
	fifo_make();
	fifo_cmd = 'R';
	snprintf(rounds, sizeof rounds, "%ld", count(2000) + WARM_ROUNDS);
	return peers_start(1, "mqecho", fifo_a, fifo_b, pipe_base, rounds, mq_base, (char *)NULL);
}

static void mq_fifo_stop(void)
{
	fifo_cmd = 'P';
	fifo_stop();
}

static int mq_echo_posix(double *out)
{
	long n = count(2000);
	char buf[MQ_MSGSIZE];
	double ns = 0;
	mqd_t a, b = (mqd_t)-1;
	int e;

	memset(buf, 'm', sizeof buf);
	++seq;
	a = mq_sample(mq_base, seq, "a", O_WRONLY | O_CREAT | O_EXCL);
	if (a != (mqd_t)-1)
		b = mq_sample(mq_base, seq, "b", O_RDONLY | O_CREAT | O_EXCL);
	e = a == (mqd_t)-1 || b == (mqd_t)-1 ? errno : 0;
	if (!e)
		e = peers_cmd('P', 0);
	if (!e)
		e = peers_wait('r');
	if (!e) {
		peers_go();
		TIMED(n, e, ns, {
			if (mq_send(a, buf, MSG_SIZE, 0) < 0 ||
			    mq_receive(b, buf, sizeof buf, NULL) != MSG_SIZE)
				e = errno ? errno : EIO;
		});
		if (!e)
			e = peers_wait('d');
	}
	if (b != (mqd_t)-1)
		mq_close(b);
	if (a != (mqd_t)-1)
		mq_close(a);
	mq_unlink_sample(seq);
	out[0] = ns;
	return e;
}

static int mq_tput_start(void)
{
	char ws[32], bytes[32];

	mq_names();
	fifo_make();
	fifo_cmd = 'R';
	fifo_writers = 1;
	fifo_wsize = MQ_MSGSIZE;
	fifo_total = (size_t)count((long)(opt.fifo_bytes / 4 / MQ_MSGSIZE)) * MQ_MSGSIZE;
	snprintf(ws, sizeof ws, "%d", MQ_MSGSIZE);
	snprintf(bytes, sizeof bytes, "%zu", fifo_total);
	return peers_start(1, "mqwriter", fifo_a, pipe_base, ws, bytes, mq_base, (char *)NULL);
}

static int mq_tput_posix(double *out)
{
	char buf[MQ_MSGSIZE];
	size_t got = 0;
	double t0 = 0, t1 = 0;
	ssize_t r;
	mqd_t a;
	int e;

	++seq;
	a = mq_sample(mq_base, seq, "a", O_RDONLY | O_CREAT | O_EXCL);
	if (a == (mqd_t)-1)
		return errno;
	e = peers_cmd('P', 0);
	if (!e)
		e = peers_wait('r');
	if (!e) {
		t0 = now_ns();
		peers_go();
		while (got < fifo_total && !e) {
			r = mq_receive(a, buf, sizeof buf, NULL);
			if (r < 0)
				e = errno;
			else
				got += (size_t)r;
		}
		t1 = now_ns();
		if (!e)
			e = peers_wait('d');
	}
	mq_close(a);
	mq_unlink_sample(seq);
	out[0] = (t1 - t0) / (double)(got ? got : 1);
	return e;
}

/* One process, room in the queue: the lock is taken and released twice, with no waiter to
 * wake.  The baseline is one lock and one unlock of a kernel mutex. */
static int mq_pair_posix(double *out)
{
	long n = ops;
	char buf[MQ_MSGSIZE];
	double ns = 0;
	mqd_t q;
	int e = 0;

	memset(buf, 'm', MSG_SIZE);
	mq_names();
	++seq;
	q = mq_sample(mq_base, seq, "a", O_RDWR | O_CREAT | O_EXCL);
	if (q == (mqd_t)-1)
		return errno;
	TIMED(n, e, ns, {
		if (mq_send(q, buf, MSG_SIZE, 0) < 0 || mq_receive(q, buf, sizeof buf, NULL) < 0)
			e = errno;
	});
	mq_close(q);
	mq_unlink_sample(seq);
	out[0] = ns;
	return e;
}

/* ------------------------------------------------------------------ ordinary files */

/* The same calls on a regular file through posixipc's headers and through the C runtime's own
 * functions: what a program pays for adding the headers to code that never meets a FIFO. */
static char plain_path[PATHLEN];
static char iobuf4k[4096];

#define PLAIN_SIZE (1 << 20)

static int plain_start(void)
{
	int fd, i;

	temp_path(plain_path, sizeof plain_path, "plain");
	unlink(plain_path);
	fd = open(plain_path, O_RDWR | O_CREAT | O_EXCL | O_BINARY, 0600);
	if (fd < 0)
		return errno;
	for (i = 0; i < PLAIN_SIZE / 4096; i++)
		if (write(fd, iobuf4k, sizeof iobuf4k) != (ssize_t)sizeof iobuf4k)
			return errno;
	return close(fd) ? errno : 0;
}

static void plain_stop(void)
{
	unlink(plain_path);
}

static int open_posix(double *out)
{
	long n = ops, i;
	double t0, t1;
	int e = 0, fd;

	t0 = now_ns();
	for (i = 0; i < n && !e; i++) {
		fd = open(plain_path, O_RDONLY | O_BINARY);
		if (fd < 0 || close(fd))
			e = errno;
	}
	t1 = now_ns();
	out[0] = (t1 - t0) / (double)n;
	return e;
}

static int stat_posix(double *out)
{
	long n = ops, i;
	struct stat st;
	double t0, t1;
	int e = 0;

	t0 = now_ns();
	for (i = 0; i < n && !e; i++)
		if (stat(plain_path, &st))
			e = errno;
	t1 = now_ns();
	out[0] = (t1 - t0) / (double)n;
	return e;
}

#ifdef _WIN32
static int mutex_pair_raw(double *out)
{
	long n = ops;
	char name[PATHLEN];
	double ns = 0;
	HANDLE m;
	int e = 0;

	seqname(name, sizeof name, raw_base, ++seq, "m");
	m = CreateMutexA(NULL, FALSE, name);
	if (m == NULL)
		return win_fail("CreateMutex");
	TIMED(n, e, ns, {
		if (WaitForSingleObject(m, INFINITE) != WAIT_OBJECT_0 || !ReleaseMutex(m))
			e = win_fail("mutex");
	});
	CloseHandle(m);
	out[0] = ns;
	return e;
}
#endif

static int fopen_posix(double *out)
{
	long n = ops, i;
	double t0, t1;
	FILE *f;
	int e = 0;

	t0 = now_ns();
	for (i = 0; i < n && !e; i++) {
		f = fopen(plain_path, "rb");
		if (f == NULL || fclose(f))
			e = errno;
	}
	t1 = now_ns();
	out[0] = (t1 - t0) / (double)n;
	return e;
}

/* 4 KiB reads (out[0]) and writes (out[1]) through the whole file, back to the start.  Both
 * halves rewind with the C runtime's own seek: the row measures read and write (posixipc's
 * lseek adds a GetFileType query, to tell pipes apart). */
#ifdef _WIN32
#define REWIND(fd) _lseeki64((fd), 0, SEEK_SET)
#else
#define REWIND(fd) lseek((fd), 0, SEEK_SET)
#endif
static int rw_posix(double *out)
{
	long n = ops, i;
	double t0, t1, t2;
	int e = 0, fd = open(plain_path, O_RDWR | O_BINARY);

	if (fd < 0)
		return errno;
	t0 = now_ns();
	for (i = 0; i < n && !e; i++) {
		if (i % (PLAIN_SIZE / 4096) == 0 && REWIND(fd) != 0)
			e = errno;
		if (read(fd, iobuf4k, sizeof iobuf4k) != (ssize_t)sizeof iobuf4k)
			e = errno ? errno : EIO;
	}
	t1 = now_ns();
	for (i = 0; i < n && !e; i++) {
		if (i % (PLAIN_SIZE / 4096) == 0 && REWIND(fd) != 0)
			e = errno;
		if (write(fd, iobuf4k, sizeof iobuf4k) != (ssize_t)sizeof iobuf4k)
			e = errno ? errno : EIO;
	}
	t2 = now_ns();
	close(fd);
	out[0] = (t1 - t0) / (double)n;
	out[1] = (t2 - t1) / (double)n;
	return e;
}

#ifdef _WIN32
/* The C runtime's own functions, whatever the compat headers bind the POSIX names to. */
#define BENCH_STR_(x) #x
#define BENCH_STR(x) BENCH_STR_(x)
#define CRT_NAME(x) __asm__(BENCH_STR(__USER_LABEL_PREFIX__) #x)
FILE *crt_fopen(const char *, const char *) CRT_NAME(fopen);
int crt_fclose(FILE *) CRT_NAME(fclose);
int crt_stat64(const char *, struct _stat64 *) CRT_NAME(_stat64);

static int open_raw(double *out)
{
	long n = ops, i;
	double t0, t1;
	int e = 0, fd;

	t0 = now_ns();
	for (i = 0; i < n && !e; i++) {
		fd = _open(plain_path, _O_RDONLY | _O_BINARY);
		if (fd < 0 || _close(fd))
			e = errno;
	}
	t1 = now_ns();
	out[0] = (t1 - t0) / (double)n;
	return e;
}

static int stat_raw(double *out)
{
	long n = ops, i;
	struct _stat64 st;
	double t0, t1;
	int e = 0;

	t0 = now_ns();
	for (i = 0; i < n && !e; i++)
		if (crt_stat64(plain_path, &st))
			e = errno;
	t1 = now_ns();
	out[0] = (t1 - t0) / (double)n;
	return e;
}

static int fopen_raw(double *out)
{
	long n = ops, i;
	double t0, t1;
	FILE *f;
	int e = 0;

	t0 = now_ns();
	for (i = 0; i < n && !e; i++) {
		f = crt_fopen(plain_path, "rb");
		if (f == NULL || crt_fclose(f))
			e = errno;
	}
	t1 = now_ns();
	out[0] = (t1 - t0) / (double)n;
	return e;
}

static int rw_raw(double *out)
{
	long n = ops, i;
	double t0, t1, t2;
	int e = 0, fd = _open(plain_path, _O_RDWR | _O_BINARY);

	if (fd < 0)
		return errno;
	t0 = now_ns();
	for (i = 0; i < n && !e; i++) {
		if (i % (PLAIN_SIZE / 4096) == 0 && REWIND(fd) != 0)
			e = errno;
		if (_read(fd, iobuf4k, sizeof iobuf4k) != (int)sizeof iobuf4k)
			e = errno ? errno : EIO;
	}
	t1 = now_ns();
	for (i = 0; i < n && !e; i++) {
		if (i % (PLAIN_SIZE / 4096) == 0 && REWIND(fd) != 0)
			e = errno;
		if (_write(fd, iobuf4k, sizeof iobuf4k) != (int)sizeof iobuf4k)
			e = errno ? errno : EIO;
	}
	t2 = now_ns();
	_close(fd);
	out[0] = (t1 - t0) / (double)n;
	out[1] = (t2 - t1) / (double)n;
	return e;
}
#endif

/* ------------------------------------------------------------------ the rows */

enum unit { TIME, RATE, BW };

struct row {
	const char *name;
	const char *what[2];
	int nout;
	enum unit unit;
	/* The project's limit on the POSIX/raw time ratio; 0: none. */
	double target;
	int (*start)(void);
	void (*stop)(void);
	int (*posix)(double *out);
	int (*raw)(double *out);
	/* A loop of `ops` operations: calibrate() sizes it. */
	int loop;
};

static void peers_quit(void)
{
	peers_stop(0);
}

static const struct row rows[] = {
	{ "sem-named", { "sem_post+sem_wait, sem_open" }, 1, TIME, 1.10,
	  NULL, NULL, sem_named_posix, RAW(sem_named_raw), 1 },
	{ "sem-unnamed", { "post+wait, sem_init(0) / winpthreads" }, 1, TIME, 1.50,
	  NULL, NULL, sem_unnamed_posix, RAW(sem_unnamed_wp), 1 },
	{ "sem-atomic", { "post+wait, sem_init(0) / 2 Interlocked" }, 1, TIME, 3.00,
	  NULL, NULL, sem_unnamed_posix, RAW(interlocked_raw), 1 },
	{ "sem-pshared", { "post+wait, sem_init(1) / winpthreads" }, 1, TIME, 1.50,
	  NULL, NULL, sem_pshared_posix, RAW(sem_unnamed_wp), 1 },
	{ "sem-threads", { "2-thread ping-pong / winpthreads" }, 1, RATE, 1.20,
	  NULL, NULL, threads_posix, RAW(threads_wp), 0 },
	{ "sem-pingpong", { "2-process ping-pong, named" }, 1, RATE, 1.10,
	  pingpong_start, peers_quit, pingpong_posix, RAW(pingpong_raw), 0 },
	{ "sem-shm-pong", { "2-process ping-pong, pshared=1" }, 1, RATE, 1.10,
	  pingpong_start, peers_quit, pingpong_shared_posix, RAW(pingpong_raw), 0 },
	{ "fifo-4k", { "1 writer, 4 KiB writes" }, 1, BW, 1 / 0.9,
	  tput4k_start, fifo_stop, tput_posix, RAW(tput_raw), 0 },
	{ "fifo-64k", { "1 writer, 64 KiB writes" }, 1, BW, 1 / 0.9,
	  tput64k_start, fifo_stop, tput_posix, RAW(tput_raw), 0 },
	{ "fifo-4writers", { "4 writers, 4 KiB writes" }, 1, BW, 0,
	  tput4w_start, fifo_stop, tput_posix, RAW(tput_raw), 0 },
	{ "fifo-latency", { "64 B round trip, 2 FIFOs" }, 1, TIME, 1.20,
	  echo_start, fifo_stop, echo_posix, RAW(echo_raw), 0 },
	{ "poll-latency", { "64 B round trip, poll before read" }, 1, TIME, 1.20,
	  poll_start, poll_stop, echo_posix, RAW(echo_raw), 0 },
	{ "poll-64idle", { "64 B round trip, poll over 65 FIFOs vs read" }, 1, TIME, 1 / 0.8,
	  poll64_start, poll_stop, echo_posix, RAW(echo_posix_plain), 0 },
	{ "pipe-4k", { "pipe(), 4 KiB writes vs anonymous pipe" }, 1, BW, 1 / 0.9,
	  pipe_tput_start, NULL, pipe_tput_posix, RAW(pipe_tput_raw), 0 },
	{ "fifo-cycle", { "mkfifo+open(O_RDWR)+close+unlink vs CreateNamedPipe" }, 1, TIME, 8.0,
	  fifo_cycle_start, NULL, fifo_cycle_posix, RAW(fifo_cycle_raw), 1 },
	{ "fifo-cycle-file", { "the same vs marker file + pipe ends, raw" }, 1, TIME, 0,
	  fifo_cycle_start, NULL, fifo_cycle_posix, RAW(fifo_cycle_file_raw), 1 },
	{ "shm-cycle", { "shm_open..shm_unlink vs pagefile" }, 1, TIME, 1.20,
	  shm_cycle_start, NULL, shm_cycle_posix, RAW(shm_cycle_raw), 1 },
	{ "shm-cycle-file", { "shm_open..shm_unlink vs temp file" }, 1, TIME, 1.20,
	  shm_cycle_start, NULL, shm_cycle_posix, RAW(shm_file_raw), 1 },
	{ "shm-touch", { "touch every page, first pass", "touch again (mean of 4 passes)" }, 2,
	  TIME, 0,
	  shm_cycle_start, NULL, touch_posix, RAW(touch_raw), 0 },
	{ "mmap-offset", { "1 MiB view at page offset" }, 1, TIME, 1.20,
	  map_start, map_stop, map_posix, RAW(map_raw), 1 },
	{ "mq-latency", { "64 B round trip, mq vs 2 FIFOs" }, 1, TIME, 1.20,
	  mq_echo_start, mq_fifo_stop, mq_echo_posix, echo_posix, 0 },
	{ "mq-1k", { "1 KiB messages, mq vs 1 FIFO" }, 1, BW, 1 / 0.8,
	  mq_tput_start, mq_fifo_stop, mq_tput_posix, tput_posix, 0 },
	{ "mq-pair", { "mq_send+mq_receive vs mutex lock" }, 1, TIME, 1.00,
	  NULL, NULL, mq_pair_posix, RAW(mutex_pair_raw), 1 },
	{ "file-open", { "open+close, regular file (vs C runtime)" }, 1, TIME, 1.05,
	  plain_start, plain_stop, open_posix, RAW(open_raw), 1 },
	{ "file-stat", { "stat, regular file (vs C runtime)" }, 1, TIME, 1.05,
	  plain_start, plain_stop, stat_posix, RAW(stat_raw), 1 },
	{ "file-fopen", { "fopen+fclose, regular file (vs C runtime)" }, 1, TIME, 1.05,
	  plain_start, plain_stop, fopen_posix, RAW(fopen_raw), 1 },
	{ "file-rw-4k", { "4 KiB read, regular file", "4 KiB write, regular file" }, 2, TIME,
	  1.05, plain_start, plain_stop, rw_posix, RAW(rw_raw), 1 },
};

#define NROWS (sizeof rows / sizeof rows[0])

/* ------------------------------------------------------------------ statistics, output */

struct series {
	double v[MAXREP];
	int n;
};

struct summary {
	double min, p25, med, p75, max;
	int n;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double quantile(const double *s, int n, double q)
{
	double k = q * (n - 1);
	int i = (int)k;

	if (i + 1 >= n)
		return s[n - 1];
	return s[i] + (k - i) * (s[i + 1] - s[i]);
}

static struct summary summarize(const struct series *x)
{
	struct summary s = { 0, 0, 0, 0, 0, x->n };
	double v[MAXREP];

	if (x->n == 0)
		return s;
	memcpy(v, x->v, sizeof v[0] * (size_t)x->n);
	qsort(v, (size_t)x->n, sizeof v[0], cmp_double);
	s.min = v[0];
	s.p25 = quantile(v, x->n, 0.25);
	s.med = quantile(v, x->n, 0.5);
	s.p75 = quantile(v, x->n, 0.75);
	s.max = v[x->n - 1];
	return s;
}

/* A time in ns as the row's unit shows it: a time, operations per second, or MiB/s. */
static double shown(enum unit u, double ns)
{
	if (u == RATE)
		return 1e9 / ns;
	if (u == BW)
		return 1e9 / ns / 1048576.0;
	return ns;
}

static const char *unit_name(enum unit u)
{
	return u == RATE ? "ops/s" : u == BW ? "MiB/s" : "ns";
}

static void fmt_value(char *buf, size_t size, enum unit u, double ns)
{
	double v = shown(u, ns);

	if (u == RATE)
		snprintf(buf, size, "%.0f rt/s", v);
	else if (u == BW)
		snprintf(buf, size, "%.0f MiB/s", v);
	else if (ns < 1e4)
		snprintf(buf, size, "%.0f ns", ns);
	else if (ns < 1e7)
		snprintf(buf, size, "%.1f us", ns / 1e3);
	else
		snprintf(buf, size, "%.1f ms", ns / 1e6);
}

static const char *errno_name(int e)
{
	static char buf[32];

	switch (e) {
	case ENOSYS: return "ENOSYS";
	case ENOENT: return "ENOENT";
	case EACCES: return "EACCES";
	case EINVAL: return "EINVAL";
	case EEXIST: return "EEXIST";
	case ENOMEM: return "ENOMEM";
	case EIO: return "EIO";
	case EPIPE: return "EPIPE";
	case ENXIO: return "ENXIO";
	case EBADF: return "EBADF";
	case EAGAIN: return "EAGAIN";
	}
	snprintf(buf, sizeof buf, "errno %d", e);
	return buf;
}

/* Median and spread of one side: "12.3 us +-4%", the spread being half the IQR. */
static void fmt_side(char *buf, size_t size, enum unit u, const struct summary *s, int err,
		     int absent)
{
	char v[32];

	if (absent) {
		snprintf(buf, size, "-");
	} else if (err) {
		snprintf(buf, size, "n/a %s", errno_name(err));
	} else if (s->n == 0) {
		snprintf(buf, size, "n/a");
	} else {
		fmt_value(v, sizeof v, u, s->med);
		snprintf(buf, size, "%s +-%.0f%%", v, 50.0 * (s->p75 - s->p25) / s->med);
	}
}

static FILE *csv;

static void print_header(void)
{
#ifdef _WIN32
	printf("posixipc benchmark: %d repetitions per row, POSIX and raw Win32 interleaved\n",
	       opt.reps);
#else
	printf("posixipc benchmark, Linux reference figures: %d repetitions per row, POSIX only\n",
	       opt.reps);
#endif
	printf("ratio = POSIX time / raw Win32 time (for rt/s and MiB/s rows: raw throughput / "
	       "POSIX throughput),\n"
	       "        the median of the per-repetition ratios: 1.00 = same, higher = POSIX "
	       "slower;\n"
	       "        rows whose operation names \"/ X\" compare with X instead of raw Win32\n"
	       "+-     = half the interquartile range of the repetitions, relative to the "
	       "median\n\n");
	printf("%-14s %-38s %-18s %-18s %6s %-11s %3s  %s\n", "row", "operation", "POSIX median",
	       "raw Win32 median", "ratio", "ratio IQR", "n", "target");
	if (csv != NULL)
		fprintf(csv, "row,operation,unit,posix_median,posix_min,posix_max,posix_p25,"
			     "posix_p75,raw_median,raw_min,raw_max,raw_p25,raw_p75,ratio_median,"
			     "ratio_p25,ratio_p75,repeats,target_max_ratio,verdict,posix_error,"
			     "raw_error\n");
}

static void csv_side(enum unit u, const struct summary *s)
{
	/* Throughput turns the slowest time into the lowest value: min and max swap. */
	int inv = u != TIME;

	if (s->n == 0) {
		fprintf(csv, ",,,,,");
		return;
	}
	fprintf(csv, ",%.6g,%.6g,%.6g,%.6g,%.6g", shown(u, s->med),
		shown(u, inv ? s->max : s->min), shown(u, inv ? s->min : s->max),
		shown(u, inv ? s->p75 : s->p25), shown(u, inv ? s->p25 : s->p75));
}

static void report(const struct row *r, int k, const struct series *px, const struct series *rw,
		   int perr, int rerr)
{
	struct series ratio = { { 0 }, 0 };
	struct summary sp = summarize(px), sr = summarize(rw), sq;
	char a[48], b[48], q[16], iqr[24], tgt[24];
	const char *verdict = "n/a";
	int i, absent = r->raw == NULL;

	for (i = 0; i < px->n && i < rw->n; i++)
		ratio.v[ratio.n++] = px->v[i] / rw->v[i];
	sq = summarize(&ratio);
	fmt_side(a, sizeof a, r->unit, &sp, perr, 0);
	fmt_side(b, sizeof b, r->unit, &sr, rerr, absent);
	snprintf(q, sizeof q, "-");
	snprintf(iqr, sizeof iqr, "-");
	if (sq.n > 0) {
		snprintf(q, sizeof q, "%.2f", sq.med);
		snprintf(iqr, sizeof iqr, "%.2f-%.2f", sq.p25, sq.p75);
		if (r->target > 0)
			verdict = sq.med <= r->target ? "met" : "MISSED";
	}
	tgt[0] = 0;
	if (r->target > 0 && !absent)
		snprintf(tgt, sizeof tgt, "<=%.2f %s", r->target, verdict);
	printf("%-14s %-38s %-18s %-18s %6s %-11s %3d  %s\n", k == 0 ? r->name : "",
	       r->what[k], a, b, q, iqr, sp.n > sr.n ? sp.n : sr.n, tgt);
	fflush(stdout);
	if (csv == NULL)
		return;
	fprintf(csv, "%s,\"%s\",%s", r->name, r->what[k], unit_name(r->unit));
	csv_side(r->unit, &sp);
	csv_side(r->unit, &sr);
	if (sq.n > 0)
		fprintf(csv, ",%.4f,%.4f,%.4f", sq.med, sq.p25, sq.p75);
	else
		fprintf(csv, ",,,");
	fprintf(csv, ",%d,", sp.n > sr.n ? sp.n : sr.n);
	if (r->target > 0)
		fprintf(csv, "%.3f", r->target);
	fprintf(csv, ",%s,%s,%s\n", r->target > 0 && !absent ? verdict : "",
		perr ? errno_name(perr) : "",
		rerr ? errno_name(rerr) : "");
	fflush(csv);
}

/* ------------------------------------------------------------------ running a row */

/* A sample that never finishes (a peer that died, a FIFO open that never returns) must not
 * hang the whole run: a watchdog ends it when no sample has finished for too long. */
static volatile long long deadline_ms;
static const char *volatile current_row = "";

static void progress(void)
{
	deadline_ms = (long long)(now_ns() / 1e6) + (long long)(120000 * (opt.scale < 1 ? 1 :
									  opt.scale));
}

static void watchdog_fire(void)
{
	fprintf(stderr, "bench: row %s made no progress for too long; giving up\n", current_row);
	if (csv != NULL)
		fflush(csv);
	peers_stop(1);
	_exit(3);
}

#ifdef _WIN32
static DWORD WINAPI watchdog(void *arg)
#else
static void *watchdog(void *arg)
#endif
{
	(void)arg;
	for (;;) {
#ifdef _WIN32
		Sleep(1000);
#else
		sleep(1);
#endif
		if (deadline_ms != 0 && (long long)(now_ns() / 1e6) > deadline_ms)
			watchdog_fire();
	}
	return 0;
}

static void start_watchdog(void)
{
#ifdef _WIN32
	HANDLE t = CreateThread(NULL, 0, watchdog, NULL, 0, NULL);

	if (t != NULL)
		CloseHandle(t);
#else
	pthread_t t;

	if (pthread_create(&t, NULL, watchdog, NULL) == 0)
		pthread_detach(t);
#endif
}

/* Size the loop of a single-process row so that one sample lasts about 100 ms (25 ms with
 * --quick, 400 ms with --long): long enough for the clock, short enough for the run.  The
 * slower half decides, so neither half's sample gets too short to time. */
static void calibrate(const struct row *r)
{
	double want = 1e8 * opt.scale, took, out[2];
	int (*fn[2])(double *) = { r->posix, r->raw };
	int k;

	for (ops = 16;;) {
		took = 0;
		for (k = 0; k < 2; k++)
			if (fn[k] != NULL && fn[k](out) == 0 && out[0] * (double)ops > took)
				took = out[0] * (double)ops;
		if (took <= 0 || took >= want / 2 || ops >= 100000000)
			break;
		ops = (long)((double)ops * (took * 20 < want ? 10 : 1.2 * want / took));
	}
}

/* Repetition -1 warms up and is not kept.  Odd repetitions run the raw half first, so that
 * a drift in load hits both halves alike. */
static void run_row(const struct row *r)
{
	struct series px[2], rw[2];
	int perr = 0, rerr = 0, i, j, k, e, posix;
	double out[2];

	memset(px, 0, sizeof px);
	memset(rw, 0, sizeof rw);
	current_row = r->name;
	progress();
	e = r->start != NULL ? r->start() : 0;
	if (e)
		perr = rerr = e;
	else if (r->loop)
		calibrate(r);
	for (i = -1; i < opt.reps && !(perr && rerr); i++) {
		for (k = 0; k < 2; k++) {
			posix = (i & 1) ? k == 1 : k == 0;
			if (posix ? perr != 0 : (r->raw == NULL || rerr != 0))
				continue;
			e = (posix ? r->posix : r->raw)(out);
			progress();
			if (e) {
				*(posix ? &perr : &rerr) = e;
				if (npeers > 0)
					peers_restart();
				continue;
			}
			for (j = 0; i >= 0 && j < r->nout; j++) {
				struct series *s = posix ? &px[j] : &rw[j];

				s->v[s->n++] = out[j];
			}
		}
		if (r->raw == NULL && perr)
			break;
	}
	if (r->stop != NULL)
		r->stop();
	peers_stop(1);
	deadline_ms = 0;
	for (j = 0; j < r->nout; j++)
		report(r, j, &px[j], &rw[j], perr, r->raw == NULL ? 0 : rerr);
}

/* ------------------------------------------------------------------ command line */

static void usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"usage: bench [options]\n"
		"Times each POSIX IPC facility against the same work in raw Win32 calls.\n\n"
		"  --repeat N       repetitions per row (default 7; --quick 3, --long 15)\n"
		"  --quick          fewer and shorter repetitions\n"
		"  --long           more and longer repetitions\n"
		"  --only ROW[,ROW] run only these rows (see --list)\n"
		"  --list           list the rows\n"
		"  --csv PATH       also write the results as CSV to PATH\n"
		"  --fifo-bytes N   bytes per FIFO throughput sample (default 32M)\n"
		"  --shm-size N     object size in the shm cycle rows (default 64K)\n"
		"  --touch-size N   mapping size in shm-touch (default 64M)\n"
		"  --map-size N     view size in mmap-offset (default 1M)\n"
		"  --help           this text\n"
		"Sizes take a K, M or G suffix.\n\nrows:");
	for (i = 0; i < NROWS; i++)
		fprintf(f, " %s", rows[i].name);
	fprintf(f, "\n");
}

static int parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	switch (*end) {
	case 'G': case 'g': v <<= 10; /* fall through */
	case 'M': case 'm': v <<= 10; /* fall through */
	case 'K': case 'k': v <<= 10; end++; break;
	}
	if (end == s || *end != 0 || v == 0 || v > (1ull << 40))
		return -1;
	*out = (size_t)v;
	return 0;
}

static int selected(const char *name)
{
	const char *p = opt.only;
	size_t n = strlen(name);

	if (p == NULL)
		return 1;
	while (*p) {
		if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == 0))
			return 1;
		p = strchr(p, ',');
		if (p == NULL)
			break;
		p++;
	}
	return 0;
}

static int parse_args(int argc, char **argv)
{
	const char *a = NULL;
	int i, reps = 0;
	size_t k;

	for (i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		size_t *size = NULL;

		a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			exit(0);
		} else if (strcmp(a, "--list") == 0) {
			for (k = 0; k < NROWS; k++)
				printf("%-14s %s\n", rows[k].name, rows[k].what[0]);
			exit(0);
		} else if (strcmp(a, "--quick") == 0) {
			opt.scale = 0.25;
			opt.reps = 3;
			continue;
		} else if (strcmp(a, "--long") == 0) {
			opt.scale = 4;
			opt.reps = 15;
			continue;
		}
		if (v == NULL)
			goto bad;
		i++;
		if (strcmp(a, "--repeat") == 0) {
			reps = atoi(v);
			if (reps < 1 || reps > MAXREP - 1)
				goto bad;
		} else if (strcmp(a, "--only") == 0) {
			opt.only = v;
		} else if (strcmp(a, "--csv") == 0) {
			opt.csv = v;
		} else if (strcmp(a, "--fifo-bytes") == 0) {
			size = &opt.fifo_bytes;
		} else if (strcmp(a, "--shm-size") == 0) {
			size = &opt.shm_size;
		} else if (strcmp(a, "--touch-size") == 0) {
			size = &opt.touch_size;
		} else if (strcmp(a, "--map-size") == 0) {
			size = &opt.map_size;
		} else {
			goto bad;
		}
		if (size != NULL && parse_size(v, size))
			goto bad;
	}
	if (reps)
		opt.reps = reps;
	return 0;
bad:
	fprintf(stderr, "bench: bad or incomplete option %s\n", a);
	usage(stderr);
	return -1;
}

int main(int argc, char **argv)
{
	size_t i;
	int any = 0;

	if (argc >= 2 && strcmp(argv[1], "--peer") == 0) {
#ifdef _WIN32
		return peer_main(GetStdHandle(STD_INPUT_HANDLE), GetStdHandle(STD_OUTPUT_HANDLE),
				 argc - 2, argv + 2);
#else
		return 2;
#endif
	}
	if (parse_args(argc, argv))
		return 2;
#ifndef _WIN32
	signal(SIGPIPE, SIG_IGN);
#endif
	if (opt.csv != NULL) {
		csv = fopen(opt.csv, "w");
		if (csv == NULL)
			fprintf(stderr, "bench: cannot write %s: %s\n", opt.csv, strerror(errno));
	}
	sem_names();
	print_header();
	start_watchdog();
	for (i = 0; i < NROWS; i++) {
		if (!selected(rows[i].name))
			continue;
		any = 1;
		run_row(&rows[i]);
	}
	if (!any)
		fprintf(stderr, "bench: no row matches %s (see --list)\n", opt.only);
	if (csv != NULL)
		fclose(csv);
	return any ? 0 : 2;
}
