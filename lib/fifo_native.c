/* Native Win32 peers of FIFOs: the public pipes that programs without the library open, and
 * the relays that carry their data into and out of the FIFO.
 *
 * Overview.  A FIFO's own pipe (fifo.c) is one connection whose ends every POSIX reader and
 * writer share by handle duplication, which a native program cannot take part in.  So the
 * processes that have the FIFO open listen on two multi-instance pipes with public names:
 * NAME, the FIFO's pipe name, for native writers, in every process that has the FIFO open for
 * reading, and NAME.reader for native readers, in every process that has it open for writing
 * (the gateway: waits of the process's thread pool, so that opening costs no thread).  Each
 * native connection gets a relay thread holding a FIFO descriptor of its own, opened through
 * the library like any other, so it counts as a writer or a reader for end of file, EPIPE
 * and the blocking open:
 * - a writer's pipe is in message mode, so each WriteFile arrives as one message that its
 *   relay writes whole into the FIFO: writes of up to PIPE_BUF stay unmixed whoever wrote;
 * - a reader's pipe has no outbound buffer, so a relay's write completes only once the native
 *   program has read it: the relay takes at most one read's worth ahead of its reader, and
 *   the readers share the data as POSIX readers do.
 * A relay ends when its native peer closes or dies; a writer's relay also when no reader is
 * left (the native program's next write fails), a reader's relay at end of file.  A writer
 * that comes while the FIFO has no reader waits for one, as a blocking open() does.  Relays
 * outlive the descriptors that started their gateway but not their process.
 * Each public pipe has a named event (pi_fifo_event_name), set while some process listens on
 * it, so that a native program that comes first can wait for it. */
#include <fcntl.h>
#include <io.h>
#include <poll.h>
#include <posixipc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "winapi.h"

#define ROLES 2
#define NATIVE_WRITERS 0	/* NAME: data comes in */
#define NATIVE_READERS 1	/* NAME.reader: data goes out */
#define IN_BUFSIZE 65536
#define OUT_CHUNK 4096
/* How often an idle relay looks whether its native peer, or the FIFO's other side, is gone. */
#define CHECK_MS 50
#define RETRY_MS 100
#define RETRIES 50

struct gateway;

struct listener {
	struct gateway *g;
	int role;
	int users;		/* opens of this process that keep it listening */
	struct pi_sa sa;
	HANDLE pipe;		/* the instance waiting for a client, or NULL */
	OVERLAPPED ov;
	SRWLOCK lock;		/* held by the callback */
	HANDLE wait;		/* the thread pool's wait for ov.hEvent */
	HANDLE event;		/* the named event native programs wait for */
};

struct gateway {
	struct gateway *next;
	struct pi_fifo_ref ref;
	struct listener l[ROLES];
};

struct relay {
	struct pi_fifo_ref ref;
	HANDLE pipe;
	int role;
	OVERLAPPED ov;
};

static SRWLOCK gateways_lock = SRWLOCK_INIT;
static struct gateway *gateways;

/* This process's running relays by FIFO: the public pipe instances they hold are ours, also
 * after the gateway that started them has gone, so a new gateway must not take them for a
 * squatter's. */
struct relay_count {
	struct relay_count *next;
	char id[17];
	LONG n;
};

static SRWLOCK relays_lock = SRWLOCK_INIT;
static struct relay_count *relay_counts;

static void count_relay(const char *id, LONG delta)
{
	struct relay_count **p, *c;

	AcquireSRWLockExclusive(&relays_lock);
	for (p = &relay_counts; *p != NULL && strcmp((*p)->id, id) != 0; p = &(*p)->next)
		;
	if (*p == NULL && delta > 0 && (*p = calloc(1, sizeof **p)) != NULL)
		strcpy((*p)->id, id);
	if ((c = *p) != NULL && (c->n += delta) <= 0) {
		*p = c->next;
		free(c);
	}
	ReleaseSRWLockExclusive(&relays_lock);
}

static int has_relays(const char *id)
{
	struct relay_count *c;

	AcquireSRWLockShared(&relays_lock);
	for (c = relay_counts; c != NULL && strcmp(c->id, id) != 0; c = c->next)
		;
	ReleaseSRWLockShared(&relays_lock);
	return c != NULL;
}

void pi_fifo_event_name(const struct pi_fifo_ref *ref, int readers, char *out, size_t size)
{
	snprintf(out, size, "%lsposixipc.open.%s%s", pi_object_namespace(), ref->pipe + 9,
		 readers ? PI_FIFO_READER_SUFFIX : "");
}

static void public_name(const struct pi_fifo_ref *ref, int role, wchar_t *out, size_t n)
{
	swprintf(out, n, L"%hs%hs", ref->pipe, role == NATIVE_READERS ? PI_FIFO_READER_SUFFIX : "");
}

/* Wait for an overlapped request that ReadFile, WriteFile or ConnectNamedPipe started. */
static BOOL finish(HANDLE h, OVERLAPPED *ov, BOOL ok, DWORD *n)
{
	if (!ok && GetLastError() == ERROR_IO_PENDING)
		ok = GetOverlappedResult(h, ov, n, TRUE);
	return ok;
}

/* ------------------------------------------------------------------ relays */

static int write_all(int fd, const char *p, DWORD n)
{
	ssize_t w;

	while (n > 0) {
		w = posixipc_write(fd, p, n);
		if (w < 0)
			return -1;
		p += w;
		n -= (DWORD)w;
	}
	return 0;
}

/* Is there still a reader for a writer's relay to write to?  POLLERR says there is none. */
static int has_reader(int fd)
{
	struct posixipc_pollfd p = { fd, POLLOUT, 0 };

	return posixipc_poll(&p, 1, 0) >= 0 && !(p.revents & (POLLERR | POLLNVAL));
}

/* A native writer's messages into the FIFO.  Its relay opens as a blocking POSIX writer does,
 * waiting for a reader; meanwhile the native program's writes wait in its pipe's buffer. */
static void relay_in(struct relay *r, char *buf)
{
	int fd = pi_fifo_open_ref(&r->ref, O_WRONLY | _O_NOINHERIT | PI_O_RELAY);
	DWORD n = 0;
	BOOL ok;

	if (fd < 0)
		return;
	for (;;) {
		/* A message longer than the buffer comes in pieces, each ERROR_MORE_DATA; the
		 * count of an overlapped read is only ever taken from its result. */
		if (!ReadFile(r->pipe, buf, IN_BUFSIZE, NULL, &r->ov) &&
		    GetLastError() != ERROR_MORE_DATA) {
			if (GetLastError() != ERROR_IO_PENDING)
				break;
			while (WaitForSingleObject(r->ov.hEvent, CHECK_MS) == WAIT_TIMEOUT)
				if (!has_reader(fd))
					CancelIoEx(r->pipe, &r->ov);
		}
		n = 0;
		ok = GetOverlappedResult(r->pipe, &r->ov, &n, TRUE);
		if (!ok && GetLastError() != ERROR_MORE_DATA)
			break;
		if (n > 0 && write_all(fd, buf, n) < 0)
			break;
	}
	posixipc_close(fd);
}

/* The FIFO's data out to a native reader, until end of file.  The relay opens without
 * waiting, as a blocking open could outlast the reader; it reads only when poll says data
 * (or end of file after a writer came) is there. */
static void relay_out(struct relay *r, char *buf)
{
	int fd = pi_fifo_open_ref(&r->ref, O_RDONLY | O_NONBLOCK | _O_NOINHERIT | PI_O_RELAY);
	struct posixipc_pollfd p;
	ssize_t got;
	DWORD n;

	if (fd < 0)
		return;
	while (pi_pipe_state(r->pipe, NULL) == PI_PIPE_CONNECTED) {
		p.fd = fd;
		p.events = POLLIN;
		p.revents = 0;
		if (posixipc_poll(&p, 1, CHECK_MS) <= 0)
			continue;
		got = posixipc_read(fd, buf, OUT_CHUNK);
		if (got < 0 && errno == EAGAIN)
			continue;
		/* End of file: every writer has gone.  A write that fails lost its reader, and
		 * the bytes taken for it with it. */
		if (got <= 0 || !finish(r->pipe, &r->ov, WriteFile(r->pipe, buf, (DWORD)got, &n,
								    &r->ov), &n))
			break;
	}
	posixipc_close(fd);
}

static DWORD WINAPI relay_main(LPVOID arg)
{
	struct relay *r = arg;
	char *buf = malloc(IN_BUFSIZE);

	if (buf != NULL && r->role == NATIVE_WRITERS)
		relay_in(r, buf);
	else if (buf != NULL)
		relay_out(r, buf);
	/* Closing the server end tells the native program: end of file for a reader,
	 * ERROR_NO_DATA on the next write for a writer. */
	CloseHandle(r->pipe);
	count_relay(r->ref.id, -1);
	CloseHandle(r->ov.hEvent);
	free(buf);
	free(r);
	return 0;
}

static void start_relay(struct gateway *g, int role, HANDLE pipe)
{
	struct relay *r = calloc(1, sizeof *r);
	HANDLE t = NULL;

	if (r != NULL) {
		r->ref = g->ref;
		r->pipe = pipe;
		r->role = role;
		r->ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
		count_relay(g->ref.id, 1);
		if (r->ov.hEvent != NULL)
			t = CreateThread(NULL, 64 * 1024, relay_main, r,
					 STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);
		if (t == NULL)
			count_relay(g->ref.id, -1);
	}
	if (t != NULL) {
		CloseHandle(t);
		return;
	}
	if (r != NULL && r->ov.hEvent != NULL)
		CloseHandle(r->ov.hEvent);
	free(r);
	CloseHandle(pipe);
}

/* ------------------------------------------------------------------ listening */

static HANDLE create_instance(struct gateway *g, int role, int first)
{
	wchar_t name[PI_FIFO_NAME_MAX + 16];
	/* Both pipes are duplex: many native writers open a pipe for reading and writing, and an
	 * outbound-only server end may not even ask its own state.  Nothing is ever sent to a
	 * writer, and what a reader writes is never read. */
	DWORD open = PIPE_ACCESS_DUPLEX;
	DWORD type = role == NATIVE_WRITERS ? PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE :
					      PIPE_TYPE_BYTE | PIPE_READMODE_BYTE;

	public_name(&g->ref, role, name, sizeof name / sizeof *name);
	return CreateNamedPipeW(name, open | FILE_FLAG_OVERLAPPED |
				(first ? FILE_FLAG_FIRST_PIPE_INSTANCE : 0),
				type | PIPE_WAIT | PIPE_REJECT_REMOTE_CLIENTS,
				PIPE_UNLIMITED_INSTANCES, 0,
				role == NATIVE_WRITERS ? IN_BUFSIZE : 0, 0, &g->l[role].sa.sa);
}

/* A new instance of the role's pipe, waiting for a client: 0 while it waits, 1 when a client
 * was already there (Windows then signals nothing), -1 on failure (GetLastError says). */
static int listen_on(struct listener *l, int first)
{
	DWORD err;

	l->pipe = create_instance(l->g, l->role, first);
	if (l->pipe == INVALID_HANDLE_VALUE) {
		l->pipe = NULL;
		return -1;
	}
	if (ConnectNamedPipe(l->pipe, &l->ov))
		return 0;
	err = GetLastError();
	if (err == ERROR_IO_PENDING)
		return 0;
	if (err == ERROR_PIPE_CONNECTED)
		return 1;
	CloseHandle(l->pipe);
	l->pipe = NULL;
	SetLastError(err);
	return -1;
}

/* Hand the connected instance to a relay and listen on new ones until one waits.  Creating
 * one can fail for a moment (resources); a listener that stays down only turns native peers
 * away with ERROR_FILE_NOT_FOUND or ERROR_PIPE_BUSY. */
static void listen_again(struct listener *l)
{
	int r, tries = 0;

	for (;;) {
		if (l->pipe != NULL) {
			start_relay(l->g, l->role, l->pipe);
			l->pipe = NULL;
		}
		r = listen_on(l, 0);
		if (r == 0)
			return;
		if (r < 0) {
			if (++tries > RETRIES)
				return;
			Sleep(RETRY_MS);
		}
	}
}

static void stop_listening(struct listener *l)
{
	DWORD n;

	if (l->pipe == NULL)
		return;
	CancelIoEx(l->pipe, &l->ov);
	GetOverlappedResult(l->pipe, &l->ov, &n, TRUE);
	CloseHandle(l->pipe);
	l->pipe = NULL;
}

/* The pool's wait saw the instance's event: a client connected, or the instance failed.  The
 * lock keeps two callbacks of one listener apart; an event left over from an earlier
 * instance finds the current one still waiting and changes nothing. */
static VOID CALLBACK on_connect(PVOID arg, BOOLEAN timed_out)
{
	struct listener *l = arg;
	DWORD n;

	(void)timed_out;
	AcquireSRWLockExclusive(&l->lock);
	if (l->pipe != NULL && !GetOverlappedResult(l->pipe, &l->ov, &n, FALSE)) {
		if (GetLastError() == ERROR_IO_INCOMPLETE) {
			ReleaseSRWLockExclusive(&l->lock);
			return;
		}
		CloseHandle(l->pipe);
		l->pipe = NULL;
	}
	listen_again(l);
	ReleaseSRWLockExclusive(&l->lock);
}

/* The side of the FIFO whose processes listen for a role's native peers: readers for native
 * writers, writers for native readers, so that each native peer is served by a process of
 * the side its data goes to or comes from. */
static int host_side(int role)
{
	return role == NATIVE_WRITERS ? 1 : 2;
}

/* The first instance of a public pipe in this process.  The name may already exist: made by
 * another process that has the FIFO open (then this one adds instances), or by a program
 * that is none of ours, which must not get the data. */
static int listen_first(struct listener *l, struct pi_holders *t)
{
	int r = listen_on(l, 1), ours;

	/* FILE_FLAG_FIRST_PIPE_INSTANCE makes Windows refuse a name that exists; Wine 8.0
	 * ignores the flag and joins the existing pipe, so the instance count is checked as
	 * well. */
	if (r == 0 && pi_pipe_only_instance(l->pipe, 0))
		return 0;
	if (r < 0 && GetLastError() != ERROR_ACCESS_DENIED && GetLastError() != ERROR_PIPE_BUSY)
		return pi_fail_win32(0);
	pi_holders_lock(t);
	ours = pi_holders_other_process(t, 0) || has_relays(l->g->ref.id);
	pi_holders_unlock(t);
	if (!ours) {
		stop_listening(l);
		return pi_fail(EACCES);
	}
	if (r < 0)
		r = listen_on(l, 0);
	if (r < 0)
		return pi_fail_win32(0);
	/* A client already waiting for an instance took this one. */
	if (r > 0)
		listen_again(l);
	return 0;
}

/* Native writers need write access to NAME, native readers read access to NAME.reader, as
 * the mode grants; every process that may open the FIFO may add instances. */
static int make_security(struct listener *l)
{
	mode_t m = l->g->ref.mode;

	if (l->role == NATIVE_WRITERS)
		return pi_sa_from_mode(m, FILE_CREATE_PIPE_INSTANCE,
				       GENERIC_WRITE | FILE_READ_ATTRIBUTES |
					       FILE_CREATE_PIPE_INSTANCE, &l->sa);
	return pi_sa_from_mode(m, GENERIC_READ | FILE_WRITE_ATTRIBUTES | FILE_CREATE_PIPE_INSTANCE,
			       FILE_CREATE_PIPE_INSTANCE, &l->sa);
}

/* Stop listening.  The named event is left to events_close(). */
static void listener_stop(struct listener *l)
{
	/* Waits for a callback that is running. */
	if (l->wait != NULL)
		UnregisterWaitEx(l->wait, INVALID_HANDLE_VALUE);
	l->wait = NULL;
	stop_listening(l);
	if (l->ov.hEvent != NULL)
		CloseHandle(l->ov.hEvent);
	l->ov.hEvent = NULL;
	pi_sa_free(&l->sa);
}

/* Listen; the named event is opened here and set by events_set() once every role this open
 * hosts listens. */
static int listener_start(struct listener *l, struct pi_holders *t)
{
	char event[PI_FIFO_NAME_MAX + 64];
	int err;

	pi_fifo_event_name(&l->g->ref, l->role == NATIVE_READERS, event, sizeof event);
	/* Auto-reset: the pool's wait consumes each signal, so one connection makes one
	 * callback. */
	l->ov.hEvent = CreateEventW(NULL, FALSE, FALSE, NULL);
	l->event = CreateEventA(NULL, TRUE, FALSE, event);
	if (l->ov.hEvent == NULL || l->event == NULL) {
		pi_fail_win32(0);
		goto fail;
	}
	if (make_security(l) < 0 || listen_first(l, t) < 0)
		goto fail;
	/* WT_EXECUTELONGFUNCTION: a callback may wait a while to listen again. */
	if (!RegisterWaitForSingleObject(&l->wait, l->ov.hEvent, on_connect, l, INFINITE,
					 WT_EXECUTELONGFUNCTION)) {
		l->wait = NULL;
		pi_fail_win32(0);
		goto fail;
	}
	return 0;
fail:
	err = errno;
	/* Not set by this process: leave it as the others left it. */
	if (l->event != NULL)
		CloseHandle(l->event);
	l->event = NULL;
	listener_stop(l);
	errno = err;
	return -1;
}

/* The named events of the roles in mask (a bit per role) are set and reset with the table's
 * lock held, once for all of them, so that a process closing the FIFO never resets an event
 * that another has just set for its own listener. */
static void events_set(struct gateway *g, int mask, struct pi_holders *t)
{
	int role;

	if (mask == 0)
		return;
	pi_holders_lock(t);
	for (role = 0; role < ROLES; role++)
		if (mask & (1 << role))
			SetEvent(g->l[role].event);
	pi_holders_unlock(t);
}

/* Close the events of roles that stopped listening.  One that this process set stays set
 * while another process of the host side has the FIFO open; one that a killed process set
 * stays set until every handle to it is closed, so native programs take it as a hint. */
static void events_close(struct gateway *g, int mask, int were_set, struct pi_holders *t)
{
	int role;

	if (mask == 0)
		return;
	if (were_set) {
		pi_holders_lock(t);
		for (role = 0; role < ROLES; role++)
			if ((mask & (1 << role)) && !pi_holders_other_process(t, host_side(role)))
				ResetEvent(g->l[role].event);
		pi_holders_unlock(t);
	}
	for (role = 0; role < ROLES; role++)
		if (mask & (1 << role)) {
			CloseHandle(g->l[role].event);
			g->l[role].event = NULL;
		}
}

/* The roles an open with access mode acc hosts. */
static int wants(int acc, int role)
{
	return acc == O_RDWR || (role == NATIVE_WRITERS ? acc == O_RDONLY : acc == O_WRONLY);
}

static struct gateway **find(const char *id)
{
	struct gateway **p;

	for (p = &gateways; *p != NULL && strcmp((*p)->ref.id, id) != 0; p = &(*p)->next)
		;
	return p;
}

/* The roles below upto that acc hosts lose a user; those left without one stop.  were_set:
 * their events were set (not for an open that failed half-way). */
static void drop_roles(struct gateway **p, int acc, int upto, int were_set,
		       struct pi_holders *t)
{
	struct gateway *g = *p;
	int role, stopped = 0;

	for (role = 0; role < upto; role++)
		if (wants(acc, role) && --g->l[role].users == 0) {
			listener_stop(&g->l[role]);
			stopped |= 1 << role;
		}
	events_close(g, stopped, were_set, t);
	if (g->l[0].users == 0 && g->l[1].users == 0) {
		*p = g->next;
		free(g);
	}
}

int pi_native_hold(const struct pi_fifo_ref *ref, struct pi_holders *t, int acc)
{
	struct gateway **p, *g;
	int role, r = 0, started = 0;

	AcquireSRWLockExclusive(&gateways_lock);
	p = find(ref->id);
	if (*p == NULL) {
		g = calloc(1, sizeof *g);
		if (g == NULL) {
			ReleaseSRWLockExclusive(&gateways_lock);
			return pi_fail(ENOMEM);
		}
		g->ref = *ref;
		for (role = 0; role < ROLES; role++) {
			g->l[role].g = g;
			g->l[role].role = role;
		}
		*p = g;
	}
	g = *p;
	for (role = 0; role < ROLES && r == 0; role++)
		if (wants(acc, role) && g->l[role].users++ == 0) {
			if ((r = listener_start(&g->l[role], t)) < 0)
				g->l[role].users--;
			else
				started |= 1 << role;
		}
	if (r < 0) {
		r = errno;
		drop_roles(p, acc, role - 1, 0, t);
		errno = r;
		r = -1;
	} else {
		events_set(g, started, t);
	}
	ReleaseSRWLockExclusive(&gateways_lock);
	return r;
}

void pi_native_release(const struct pi_fifo_ref *ref, struct pi_holders *t, int acc)
{
	struct gateway **p;

	AcquireSRWLockExclusive(&gateways_lock);
	p = find(ref->id);
	if (*p != NULL)
		drop_roles(p, acc, ROLES, 1, t);
	ReleaseSRWLockExclusive(&gateways_lock);
}
