/* poll(), ppoll(), select() and pselect() over FIFO and pipe() descriptors, other C runtime
 * descriptors (files are always ready, pipes are asked) and winsock sockets.
 * Readiness comes from each pipe's state.  A caller that has to wait hands every pipe read end
 * to a waiter thread blocked in a zero-byte ReadFile (ConnectNamedPipe on a server end still
 * listening for a writer), which returns as data, a hang-up or a new writer arrives; the
 * waiters still blocked are cancelled with CancelSynchronousIo before poll returns, as libuv
 * does for synchronous pipe handles.  Sockets wait in WSAPoll on a waiter thread of their own,
 * woken through a loopback datagram.  Nothing polls on a timer except a write end waiting for
 * room, for which Windows signals nothing. */
#include <winsock2.h>
#include <fcntl.h>
#include <io.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>

#include "internal.h"
#include "winapi.h"

#define PIPE_ATOMIC 4096
/* How often a write end without room is looked at again. */
#define RECHECK_MS 2

enum kind { K_NONE, K_NVAL, K_FILE, K_PIPE, K_SOCK };
enum wait { W_NONE, W_READ, W_CONNECT, W_SOCKETS, W_RECHECK };

struct item {
	enum kind kind;
	int fd;
	HANDLE rh, wh;
	int fifo;
	/* A parked waiter is still blocked on rh: nothing to read yet. */
	int idle;
	struct pi_fifo_view v;
};

/* ------------------------------------------------------------------ winsock, if loaded
 * A program that has sockets has ws2_32.dll loaded; the library does not link it. */

struct ws {
	int (WSAAPI *poll)(WSAPOLLFD *fds, ULONG n, INT timeout);
	int (WSAAPI *getsockopt)(SOCKET s, int level, int name, char *val, int *len);
	SOCKET (WSAAPI *socket)(int af, int type, int protocol);
	int (WSAAPI *bind)(SOCKET s, const struct sockaddr *a, int len);
	int (WSAAPI *getsockname)(SOCKET s, struct sockaddr *a, int *len);
	int (WSAAPI *sendto)(SOCKET s, const char *b, int n, int f, const struct sockaddr *a,
			     int len);
	int (WSAAPI *recv)(SOCKET s, char *b, int n, int f);
	int (WSAAPI *ioctlsocket)(SOCKET s, long cmd, u_long *arg);
	int (WSAAPI *closesocket)(SOCKET s);
};

static struct ws ws;
static INIT_ONCE ws_once = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK ws_load(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
	HMODULE m = GetModuleHandleW(L"ws2_32.dll");
	FARPROC p[9];
	const char *names[9] = { "WSAPoll", "getsockopt", "socket", "bind", "getsockname",
				 "sendto", "recv", "ioctlsocket", "closesocket" };
	int i;

	(void)once;
	(void)param;
	(void)ctx;
	if (m == NULL)
		return TRUE;
	for (i = 0; i < 9; i++)
		if ((p[i] = GetProcAddress(m, names[i])) == NULL)
			return TRUE;
	memcpy(&ws, p, sizeof ws);
	return TRUE;
}

static int is_socket(int fd)
{
	int type, len = sizeof type;

	InitOnceExecuteOnce(&ws_once, ws_load, NULL, NULL);
	return ws.poll != NULL && fd >= 0 &&
	       ws.getsockopt((SOCKET)(unsigned)fd, SOL_SOCKET, SO_TYPE, (char *)&type, &len) == 0;
}

/* ------------------------------------------------------------------ what a descriptor is */

/* Descriptors are looked at first: a socket whose value is also an open descriptor's number is
 * taken for the descriptor. */
static void classify(struct item *it, int fd)
{
	HANDLE h;
	DWORD acc;
	int flags;

	memset(it, 0, sizeof *it);
	it->fd = fd;
	if (fd < 0)
		return;
	if (pi_fifo_view(fd, &it->v)) {
		it->kind = K_PIPE;
		it->fifo = 1;
		it->rh = it->v.rh;
		it->wh = it->v.wh;
		return;
	}
	h = pi_fd_handle(fd);
	if (h == INVALID_HANDLE_VALUE) {
		it->kind = is_socket(fd) ? K_SOCK : K_NVAL;
		return;
	}
	if (GetFileType(h) != FILE_TYPE_PIPE) {
		it->kind = K_FILE;
		return;
	}
	it->kind = K_PIPE;
	if (pi_pipe_is_end(fd, &flags)) {
		acc = (flags & O_ACCMODE) == O_RDONLY ? FILE_READ_DATA :
		      (flags & O_ACCMODE) == O_WRONLY ? FILE_WRITE_DATA :
							FILE_READ_DATA | FILE_WRITE_DATA;
	} else {
		acc = pi_granted_access(h);
	}
	it->rh = (acc & FILE_READ_DATA) ? h : NULL;
	it->wh = (acc & (FILE_WRITE_DATA | FILE_APPEND_DATA)) ? h : NULL;
}

static void release(struct item *items, nfds_t n)
{
	nfds_t i;

	for (i = 0; i < n; i++)
		if (items[i].fifo)
			pi_fifo_view_end(&items[i].v);
}

/* ------------------------------------------------------------------ readiness */

/* The other side is gone.  Linux: a FIFO reader opened without a writer sees no POLLHUP
 * until a writer has come, and none while any writer still holds the FIFO. */
static int hung_up(const struct item *it)
{
	return !it->fifo || (it->v.writer_came && !pi_fifo_has_holder(&it->v, 2));
}

static short read_ready(const struct item *it, enum wait *wait)
{
	DWORD avail = 0, err = 0;
	int state;

	/* PeekNamedPipe succeeds only on a connected end or one with data left; a broken one
	 * fails with ERROR_BROKEN_PIPE, a listening or disconnected server end with
	 * ERROR_BAD_PIPE (Wine 8.0 and Windows alike). */
	if (PeekNamedPipe(it->rh, NULL, 0, NULL, &avail, NULL)) {
		/* Data a departed writer left: POLLIN and POLLHUP, as on Linux. */
		if (avail > 0) {
			state = pi_pipe_state(it->rh, NULL);
			return POLLIN | POLLRDNORM |
			       (state != 0 && state != PI_PIPE_CONNECTED && hung_up(it) ? POLLHUP : 0);
		}
		*wait = W_READ;
		return 0;
	}
	err = GetLastError();
	if (hung_up(it))
		return POLLHUP;
	/* A server end waits for its next writer to connect.  A FIFO writer whose connection
	 * went with an earlier pipe instance joins when it next writes. */
	*wait = err == ERROR_BAD_PIPE || err == ERROR_PIPE_LISTENING ? W_CONNECT : W_RECHECK;
	return 0;
}

static int under_wine(void)
{
	static volatile LONG known;
	HMODULE ntdll;

	if (known == 0) {
		ntdll = GetModuleHandleW(L"ntdll.dll");
		InterlockedExchange(&known, ntdll && GetProcAddress(ntdll, "wine_get_version") ?
							     1 : 2);
	}
	return known == 1;
}

/* Room for a PIPE_BUF write (or the whole buffer, if smaller).  Wine 8.0 always reports a
 * WriteQuotaAvailable of 0 (Windows reports the room), so there the room is asked of a read
 * end of the same pipe where this process holds one; where it holds none, a connected write
 * end counts as writable, and a full pipe is only found by the write itself (EAGAIN when
 * non-blocking). */
static int has_room(const struct item *it, const FILE_PIPE_LOCAL_INFORMATION *info)
{
	ULONG want = info->OutboundQuota && info->OutboundQuota < PIPE_ATOMIC ?
			     info->OutboundQuota : PIPE_ATOMIC;
	DWORD room;

	if (!under_wine())
		return info->WriteQuotaAvailable >= want;
	if (it->fifo ? pi_fifo_room(&it->v, &room) : pi_pipe_end_room(it->fd, &room))
		return room >= want;
	return 1;
}

static short write_ready(const struct item *it, enum wait *wait)
{
	FILE_PIPE_LOCAL_INFORMATION info;

	if (pi_pipe_info(it->wh, &info) && info.NamedPipeState == PI_PIPE_CONNECTED) {
		if (has_room(it, &info))
			return POLLOUT | POLLWRNORM;
		*wait = W_RECHECK;
		return 0;
	}
	/* A FIFO writer whose reader went with an earlier pipe instance joins it again when it
	 * writes; otherwise the write would fail with EPIPE at once. */
	if (it->fifo && pi_fifo_has_holder(&it->v, 1))
		return POLLOUT | POLLWRNORM;
	return POLLOUT | POLLWRNORM | POLLERR;
}

#define WANT_IN (POLLIN | POLLRDNORM)
#define WANT_OUT (POLLOUT | POLLWRNORM)

/* A pipe's events, and what to wait on for the ones still to come: the read end's waiter, or
 * a look again soon (*recheck) where Windows signals nothing. */
static short pipe_ready(const struct item *it, short events, enum wait *wait, int *recheck)
{
	enum wait ww = W_NONE;
	short r = 0, x;

	if (it->rh != NULL && !it->idle) {
		x = read_ready(it, wait);
		/* Data nobody asked for: a hang-up can still come, but a read waiter would
		 * return at once. */
		if ((x & WANT_IN) && !(events & WANT_IN))
			*recheck = 1;
		if (*wait == W_RECHECK) {
			*wait = W_NONE;
			*recheck = 1;
		}
		r |= x;
	}
	if (it->wh != NULL) {
		r |= write_ready(it, &ww);
		if (ww == W_RECHECK && (events & WANT_OUT))
			*recheck = 1;
	}
	return r;
}

/* Linux reports the events asked for, and POLLERR, POLLHUP and POLLNVAL always. */
static short item_ready(const struct item *it, short events, enum wait *wait, int *recheck)
{
	short r = 0;

	*wait = W_NONE;
	switch (it->kind) {
	case K_NONE:
	case K_SOCK:
		return 0;
	case K_NVAL:
		return POLLNVAL;
	case K_FILE:
		r = WANT_IN | WANT_OUT;
		break;
	case K_PIPE:
		r = pipe_ready(it, events, wait, recheck);
		break;
	}
	return r & (events | POLLERR | POLLHUP | POLLNVAL);
}

/* ------------------------------------------------------------------ waiter threads */

/* A thread blocked in a call of its own, which others end with CancelSynchronousIo while
 * busy is set: they keep cancelling until the call is over, since it may not have started
 * when they first try, and the thread waits for them before it does any other I/O. */
struct self {
	HANDLE thread;
	volatile LONG busy;
};

static void kick(struct self *me)
{
	while (me->busy) {
		CancelSynchronousIo(me->thread);
		if (me->busy)
			Sleep(1);
	}
}

struct round;

struct waiter {
	struct waiter *next;
	/* done is auto-reset: each return is taken by the one call that ends the waiter's use,
	 * waiter_stop() or adopt(), so starting the waiter needs no ResetEvent. */
	HANDLE thread, go, done;
	/* The poll waiting for this waiter, or NULL (pool_lock). */
	struct round *owner;
	HANDLE h;
	enum wait kind;
	volatile LONG cancel;
	/* Parked: left blocked on an idle read end after its poll returned (pool_lock). */
	struct waiter *pnext;
	/* The owning poll's thread, when it waits in a call of its own (pool_lock). */
	struct self *kick;
	int finished;
	/* W_SOCKETS: the sockets, the last one this waiter's own wake-up socket. */
	WSAPOLLFD *socks;
	ULONG nsocks;
	SOCKET wake;
	struct sockaddr_in wake_addr;
};

static SRWLOCK pool_lock = SRWLOCK_INIT;
static struct waiter *pool;
/* Parked waiters by their handle's bucket: every poll looks up each of its read ends, and
 * every read and write its descriptor's, so a loop over many FIFOs must not walk them all. */
#define PARK_BUCKETS 256
static struct waiter *parked[PARK_BUCKETS];
static volatile LONG nparked;

struct round {
	/* Set by a waiter of this poll's when it returns; ev too, once the poll has made one to
	 * block on (pool_lock).  A poll that waits in a call of its own needs no event. */
	volatile LONG woken;
	HANDLE ev;
	struct waiter **w;
	int nw;
	/* Parked waiters this poll owns (their owner is this round, their kick &me), room for
	 * cap of them. */
	struct waiter **own;
	int nown, cap;
	struct self me;
	int recheck;
	WSAPOLLFD *socks;
	ULONG nsocks;
};

/* Called by a returning waiter, with pool_lock held.  The exchange orders the flag before
 * the look at me.busy in kick(), against wait_self() setting busy before it looks at the
 * flag: one of the two sees the other. */
static void wake_owner(struct round *r)
{
	InterlockedExchange(&r->woken, 1);
	if (r->ev != NULL)
		SetEvent(r->ev);
}

static DWORD WINAPI waiter_main(LPVOID arg)
{
	struct waiter *w = arg;
	DWORD n;
	char c;

	for (;;) {
		WaitForSingleObject(w->go, INFINITE);
		if (!w->cancel) {
			if (w->kind == W_CONNECT)
				ConnectNamedPipe(w->h, NULL);
			else if (w->kind == W_SOCKETS)
				ws.poll(w->socks, w->nsocks, -1);
			else
				ReadFile(w->h, &c, 0, &n, NULL);
		}
		/* The poll first: once done is set, it may be gone. */
		AcquireSRWLockExclusive(&pool_lock);
		w->finished = 1;
		if (w->owner != NULL)
			wake_owner(w->owner);
		if (w->kick != NULL)
			kick(w->kick);
		ReleaseSRWLockExclusive(&pool_lock);
		SetEvent(w->done);
	}
	return 0;
}

static struct waiter *waiter_get(void)
{
	struct waiter *w;

	AcquireSRWLockExclusive(&pool_lock);
	w = pool;
	if (w != NULL)
		pool = w->next;
	ReleaseSRWLockExclusive(&pool_lock);
	if (w != NULL)
		return w;
	w = calloc(1, sizeof *w);
	if (w == NULL)
		return NULL;
	w->wake = INVALID_SOCKET;
	w->go = CreateEventW(NULL, FALSE, FALSE, NULL);
	w->done = CreateEventW(NULL, FALSE, FALSE, NULL);
	if (w->go != NULL && w->done != NULL)
		w->thread = CreateThread(NULL, 64 * 1024, waiter_main, w,
					 STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);
	if (w->thread == NULL) {
		if (w->go != NULL)
			CloseHandle(w->go);
		if (w->done != NULL)
			CloseHandle(w->done);
		free(w);
		return NULL;
	}
	return w;
}

/* Waiters stay for the next poll (a thread costs more than the whole wait). */
static void waiter_put(struct waiter *w)
{
	AcquireSRWLockExclusive(&pool_lock);
	w->next = pool;
	pool = w;
	ReleaseSRWLockExclusive(&pool_lock);
}

static void waiter_start(struct waiter *w, enum wait kind, HANDLE h, struct round *owner)
{
	w->kind = kind;
	w->h = h;
	w->owner = owner;
	w->cancel = 0;
	w->finished = 0;
	w->kick = NULL;
	SetEvent(w->go);
}

static void wake_sockets(struct waiter *w)
{
	ws.sendto(w->wake, "", 1, 0, (struct sockaddr *)&w->wake_addr, sizeof w->wake_addr);
}

/* Until the waiter is back: it may not have reached its call yet when first cancelled. */
static void waiter_stop(struct waiter *w)
{
	char buf[16];
	DWORD ms = 0;

	w->cancel = 1;
	while (WaitForSingleObject(w->done, ms) == WAIT_TIMEOUT) {
		if (w->kind == W_SOCKETS)
			wake_sockets(w);
		else
			CancelSynchronousIo(w->thread);
		ms = 1;
	}
	if (w->kind == W_SOCKETS)
		while (ws.recv(w->wake, buf, sizeof buf, 0) > 0)
			;
	waiter_put(w);
}

/* A non-blocking UDP socket on the loopback address to which the waiter sends itself a
 * datagram to end its WSAPoll. */
static int wake_socket(struct waiter *w)
{
	int len = sizeof w->wake_addr;
	u_long on = 1;

	if (w->wake != INVALID_SOCKET)
		return 0;
	w->wake = ws.socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
	if (w->wake == INVALID_SOCKET)
		return -1;
	memset(&w->wake_addr, 0, sizeof w->wake_addr);
	w->wake_addr.sin_family = AF_INET;
	/* 127.0.0.1 in network byte order, without ws2_32's htonl. */
	w->wake_addr.sin_addr.S_un.S_un_b.s_b1 = 127;
	w->wake_addr.sin_addr.S_un.S_un_b.s_b4 = 1;
	if (ws.bind(w->wake, (struct sockaddr *)&w->wake_addr, len) != 0 ||
	    ws.getsockname(w->wake, (struct sockaddr *)&w->wake_addr, &len) != 0 ||
	    ws.ioctlsocket(w->wake, FIONBIO, &on) != 0) {
		ws.closesocket(w->wake);
		w->wake = INVALID_SOCKET;
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ parked waiters
 * A waiter whose read end stayed idle is not cancelled when its poll returns: the next poll
 * over the same end finds it still blocked, which proves the end idle without asking the
 * pipe, and waits on it again.  So a loop over many idle FIFOs costs nothing per idle FIFO.
 * Before the library reads, writes or closes the descriptor, pi_poll_forget() cancels it. */

/* Handle values are multiples of 4. */
static struct waiter **bucket(HANDLE h)
{
	return &parked[((uintptr_t)h >> 2) % PARK_BUCKETS];
}

static void unpark_locked(struct waiter *w)
{
	struct waiter **p;

	for (p = bucket(w->h); *p != NULL; p = &(*p)->pnext)
		if (*p == w) {
			*p = w->pnext;
			InterlockedDecrement(&nparked);
			return;
		}
}

static void own_drop(struct round *r, struct waiter *w)
{
	int i;

	for (i = 0; i < r->nown; i++)
		if (r->own[i] == w) {
			r->own[i] = r->own[--r->nown];
			return;
		}
}

/* The event a poll blocks on while several waiters wait for it, made when first needed:
 * a poll that waits in a call of its own, or not at all, makes none.  Waiters that returned
 * before it was there left woken set. */
static HANDLE round_event(struct round *r)
{
	HANDLE ev;

	if (r->ev != NULL)
		return r->ev;
	ev = CreateEventW(NULL, FALSE, FALSE, NULL);
	AcquireSRWLockExclusive(&pool_lock);
	r->ev = ev;
	ReleaseSRWLockExclusive(&pool_lock);
	return ev;
}

/* The parked waiter on h this poll may use: its own, else one no poll owns.  Polls in
 * several threads over the same end each park a waiter on it; a poll that took another
 * unowned one while it has its own would own more waiters than it has entries. */
static struct waiter *find_parked(HANDLE h, const struct round *r)
{
	struct waiter *w, *unowned = NULL;

	for (w = *bucket(h); w != NULL; w = w->pnext) {
		if (w->h != h)
			continue;
		if (r != NULL && w->owner == r)
			return w;
		if (w->owner == NULL && unowned == NULL)
			unowned = w;
	}
	return unowned;
}

/* Read ends on which a parked waiter, now this poll's, is still blocked are idle; waiters
 * that returned are taken back.  All under one hold of the lock: under Wine, taking an SRW
 * lock costs more than the rest of the look at an idle end. */
static void adopt(struct item *items, nfds_t n, struct round *r)
{
	struct waiter *w, *gone = NULL;
	nfds_t i;

	for (i = 0; i < n; i++)
		items[i].idle = 0;
	if (nparked == 0)
		return;
	AcquireSRWLockExclusive(&pool_lock);
	for (i = 0; i < n; i++) {
		if (items[i].kind != K_PIPE || items[i].rh == NULL ||
		    (w = find_parked(items[i].rh, r)) == NULL)
			continue;
		if (w->finished) {
			unpark_locked(w);
			w->pnext = gone;
			gone = w;
			continue;
		}
		if (w->owner == NULL) {
			if (r->nown == r->cap)
				continue;
			w->owner = r;
			w->kick = &r->me;
			r->own[r->nown++] = w;
		}
		items[i].idle = 1;
	}
	ReleaseSRWLockExclusive(&pool_lock);
	while ((w = gone) != NULL) {
		gone = w->pnext;
		own_drop(r, w);
		WaitForSingleObject(w->done, INFINITE);
		waiter_put(w);
	}
}

/* Whether a waiter on the item's read end may stay parked after the poll.  Not on an end
 * that is its write end too (a descriptor on a duplex native pipe), whose state every poll
 * asks: Windows serialises all requests on a synchronous handle, so the parked read would
 * hold that query up until data came (Wine does not serialise them). */
static int parkable(const struct item *it)
{
	return it->rh != it->wh;
}

/* r: the poll that started w and owns it, or NULL for none. */
static void park(struct waiter *w, struct round *r)
{
	struct waiter **b = bucket(w->h);

	AcquireSRWLockExclusive(&pool_lock);
	w->pnext = *b;
	w->kick = r != NULL ? &r->me : NULL;
	*b = w;
	InterlockedIncrement(&nparked);
	ReleaseSRWLockExclusive(&pool_lock);
	if (r != NULL)
		r->own[r->nown++] = w;
}

/* At the end of a poll: parked waiters wait for the next one. */
static void disown(struct round *r)
{
	AcquireSRWLockExclusive(&pool_lock);
	while (r->nown > 0) {
		r->own[--r->nown]->owner = NULL;
		r->own[r->nown]->kick = NULL;
	}
	ReleaseSRWLockExclusive(&pool_lock);
}

void pi_poll_forget(int fd)
{
	struct waiter *w;
	HANDLE h;

	if (nparked == 0)
		return;
	h = pi_fd_handle(fd);
	for (;;) {
		AcquireSRWLockExclusive(&pool_lock);
		w = find_parked(h, NULL);
		if (w != NULL)
			unpark_locked(w);
		ReleaseSRWLockExclusive(&pool_lock);
		if (w == NULL)
			return;
		waiter_stop(w);
	}
}

/* ------------------------------------------------------------------ the loop */

static int64_t now_ns(void)
{
	static LARGE_INTEGER freq;
	LARGE_INTEGER t;

	if (freq.QuadPart == 0)
		QueryPerformanceFrequency(&freq);
	QueryPerformanceCounter(&t);
	return (int64_t)((double)t.QuadPart * 1e9 / (double)freq.QuadPart);
}


/* Sockets' readiness now (WSAPoll with no wait); their revents use the same values. */
static int sockets_now(struct posixipc_pollfd *fds, const struct item *items, nfds_t n,
		       struct round *r)
{
	nfds_t i;
	ULONG k = 0;
	int ready = 0;

	for (i = 0; i < n; i++)
		if (items[i].kind == K_SOCK) {
			r->socks[k].fd = (SOCKET)(unsigned)fds[i].fd;
			/* WSAPoll refuses POLLPRI, which Microsoft's provider does not support. */
			r->socks[k].events = fds[i].events & (POLLRDNORM | POLLRDBAND | POLLWRNORM |
							      POLLWRBAND);
			r->socks[k].revents = 0;
			k++;
		}
	r->nsocks = k;
	if (k == 0)
		return 0;
	if (ws.poll(r->socks, k, 0) < 0)
		return 0;
	for (i = 0, k = 0; i < n; i++)
		if (items[i].kind == K_SOCK) {
			fds[i].revents = r->socks[k++].revents;
			/* POLLIN is POLLRDNORM | POLLRDBAND in winsock's values: pipes report both
			 * bits for it, and so do sockets. */
			if (fds[i].revents & POLLRDNORM)
				fds[i].revents |= POLLIN;
			fds[i].revents &= fds[i].events | POLLERR | POLLHUP | POLLNVAL;
			ready += fds[i].revents != 0;
		}
	return ready;
}

/* Hand what may become ready to waiters. */
static void start_waits(const struct item *items, const enum wait *waits, nfds_t n,
			struct round *r)
{
	struct waiter *w;
	nfds_t i;

	if (round_event(r) == NULL) {
		r->recheck = 1;
		return;
	}
	for (i = 0; i < n; i++) {
		if (waits[i] != W_READ && waits[i] != W_CONNECT)
			continue;
		w = waiter_get();
		if (w == NULL) {
			r->recheck = 1;
			continue;
		}
		waiter_start(w, waits[i], items[i].rh, r);
		/* A listening server end is left to the FIFO's own calls between polls. */
		if (waits[i] == W_READ && parkable(&items[i]) && r->nown < r->cap)
			park(w, r);
		else
			r->w[r->nw++] = w;
	}
	if (r->nsocks == 0)
		return;
	w = waiter_get();
	if (w == NULL || wake_socket(w) < 0) {
		if (w != NULL)
			waiter_put(w);
		r->recheck = 1;
		return;
	}
	r->socks[r->nsocks].fd = w->wake;
	r->socks[r->nsocks].events = POLLRDNORM;
	w->socks = r->socks;
	w->nsocks = r->nsocks + 1;
	r->w[r->nw++] = w;
	waiter_start(w, W_SOCKETS, NULL, r);
}

/* The common case of a single pipe to wait on: the calling thread makes the call itself,
 * sparing a thread switch on every wake-up.  A timer-queue timer ends it at the timeout, and
 * parked waiters this poll owns end it when they return (they set woken first). */
static VOID CALLBACK self_timeout(PVOID arg, BOOLEAN fired)
{
	(void)fired;
	kick(arg);
}

/* What a thread's polls keep between calls, in fiber local storage so that it goes when the
 * thread ends: a handle to the thread for others to cancel its call (duplicating one per
 * poll would cost a server request each time), and the read ends its last poll found idle
 * without a waiter, by their place in the array. */
struct per_thread {
	HANDLE thread;
	HANDLE *seen;
	nfds_t nseen;
};

static DWORD fls = FLS_OUT_OF_INDEXES;
static INIT_ONCE fls_once = INIT_ONCE_STATIC_INIT;

static VOID WINAPI fls_close(PVOID p)
{
	struct per_thread *pt = p;

	if (pt == NULL)
		return;
	if (pt->thread != NULL)
		CloseHandle(pt->thread);
	free(pt->seen);
	free(pt);
}

static BOOL CALLBACK fls_init(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
	(void)once;
	(void)param;
	(void)ctx;
	fls = FlsAlloc(fls_close);
	return TRUE;
}

static struct per_thread *per_thread(void)
{
	struct per_thread *pt;

	InitOnceExecuteOnce(&fls_once, fls_init, NULL, NULL);
	if (fls == FLS_OUT_OF_INDEXES)
		return NULL;
	pt = FlsGetValue(fls);
	if (pt == NULL && (pt = calloc(1, sizeof *pt)) != NULL && !FlsSetValue(fls, pt)) {
		free(pt);
		pt = NULL;
	}
	return pt;
}

static HANDLE this_thread(void)
{
	struct per_thread *pt = per_thread();
	HANDLE h;

	if (pt == NULL)
		return NULL;
	if (pt->thread == NULL &&
	    DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(), &h, 0,
			    FALSE, DUPLICATE_SAME_ACCESS))
		pt->thread = h;
	return pt->thread;
}

/* Room in pt->seen for n entries, new ones NULL. */
static int seen_room(struct per_thread *pt, nfds_t n)
{
	HANDLE *seen;

	if (n <= pt->nseen)
		return 0;
	seen = realloc(pt->seen, (size_t)n * sizeof *seen);
	if (seen == NULL)
		return -1;
	memset(seen + pt->nseen, 0, (size_t)(n - pt->nseen) * sizeof *seen);
	pt->seen = seen;
	pt->nseen = n;
	return 0;
}

/* A poll that returns without waiting starts no waiters, so a loop that always finds some
 * descriptor ready would ask every idle one again on every call.  Read ends this thread's
 * previous poll found idle too, at the same place, get a waiter parked on them, as a poll
 * that waits leaves them, and cost nothing from the next poll on (adopt).  An end seen idle
 * once is only remembered: one that is read between polls would cancel its waiter at once. */
static void park_idle(const struct item *items, const enum wait *waits, nfds_t n)
{
	struct per_thread *pt = per_thread();
	struct waiter *w;
	HANDLE h;
	nfds_t i;

	if (pt == NULL || seen_room(pt, n) < 0)
		return;
	for (i = 0; i < n; i++) {
		h = waits[i] == W_READ && parkable(&items[i]) ? items[i].rh : NULL;
		if (h != NULL && pt->seen[i] == h && (w = waiter_get()) != NULL) {
			waiter_start(w, W_READ, h, NULL);
			park(w, NULL);
			h = NULL;
		}
		pt->seen[i] = h;
	}
}

/* 1 when a zero-byte read completed: data has come. */
static int wait_self(enum wait kind, HANDLE h, DWORD ms, struct round *r)
{
	HANDLE timer = NULL;
	BOOL data = FALSE;
	DWORD n;
	char c;

	if ((ms != INFINITE || r->nown > 0) && r->me.thread == NULL)
		r->me.thread = this_thread();
	InterlockedExchange(&r->me.busy, 1);
	if ((ms != INFINITE || r->nown > 0) &&
	    (r->me.thread == NULL || (ms != INFINITE &&
				      !CreateTimerQueueTimer(&timer, NULL, self_timeout, &r->me,
							     ms, 0, WT_EXECUTEINTIMERTHREAD)))) {
		InterlockedExchange(&r->me.busy, 0);
		Sleep(ms < RECHECK_MS ? ms : RECHECK_MS);
		return 0;
	}
	if (!r->woken) {
		if (kind == W_CONNECT)
			ConnectNamedPipe(h, NULL);
		else
			data = ReadFile(h, &c, 0, &n, NULL);
	}
	InterlockedExchange(&r->me.busy, 0);
	if (timer != NULL)
		DeleteTimerQueueTimer(NULL, timer, INVALID_HANDLE_VALUE);
	/* A waiter still cancelling holds the lock until it sees busy cleared. */
	AcquireSRWLockExclusive(&pool_lock);
	ReleaseSRWLockExclusive(&pool_lock);
	return data;
}

/* The one entry to wait on, if there is exactly one and nothing else. */
static int single_wait(const enum wait *waits, nfds_t n, const struct round *r, nfds_t *at)
{
	nfds_t i;
	int k = 0;

	if (r->recheck || r->nsocks > 0)
		return 0;
	for (i = 0; i < n; i++)
		if (waits[i] == W_READ || waits[i] == W_CONNECT) {
			*at = i;
			k++;
		}
	return k == 1;
}

static void stop_waits(struct round *r)
{
	while (r->nw > 0)
		waiter_stop(r->w[--r->nw]);
}

/* One look at every entry: the number with events. */
static int scan(struct posixipc_pollfd *fds, struct item *items, enum wait *waits, nfds_t n,
		struct round *r)
{
	int ready = 0;
	nfds_t i;

	adopt(items, n, r);
	for (i = 0; i < n; i++) {
		if (items[i].kind == K_SOCK)
			continue;
		fds[i].revents = item_ready(&items[i], fds[i].events, &waits[i], &r->recheck);
		ready += fds[i].revents != 0;
	}
	return ready + sockets_now(fds, items, n, r);
}

/* Rounded up: never back before the timeout. */
static DWORD ms_left(int64_t deadline)
{
	int64_t left = deadline - now_ns();

	if (left <= 0)
		return 0;
	return left >= (int64_t)0x7fffffff * 1000000 ? 0x7fffffff :
						       (DWORD)((left + 999999) / 1000000);
}

/* timeout in nanoseconds, -1 for none. */
static int poll_ns(struct posixipc_pollfd *fds, nfds_t n, int64_t timeout)
{
	int64_t deadline = timeout > 0 ? now_ns() + timeout : 0, left;
	struct round r = { 0 };
	struct item *items;
	enum wait *waits;
	int ready = -1, first = 1;
	DWORD ms;
	nfds_t i;

	if (n > PI_OPEN_MAX)
		return pi_fail(EINVAL);
	if (fds == NULL && n > 0)
		return pi_fail(EFAULT);
	items = calloc(n + 1, sizeof *items);
	waits = calloc(n + 1, sizeof *waits);
	r.w = calloc(n + 1, sizeof *r.w);
	r.socks = calloc(n + 1, sizeof *r.socks);
	r.own = calloc(n + 1, sizeof *r.own);
	r.cap = (int)n + 1;
	if (items == NULL || waits == NULL || r.w == NULL || r.socks == NULL || r.own == NULL) {
		errno = ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++)
		classify(&items[i], fds[i].fd);
	for (;;) {
		r.recheck = 0;
		/* Waiters that return from here on are seen by the scan or end the wait. */
		InterlockedExchange(&r.woken, 0);
		ready = scan(fds, items, waits, n, &r);
		if (ready > 0 || timeout == 0) {
			if (first)
				park_idle(items, waits, n);
			break;
		}
		first = 0;
		left = timeout < 0 ? -1 : deadline - now_ns();
		if (timeout > 0 && left <= 0)
			break;
		ms = left < 0 ? INFINITE : ms_left(deadline);
		if (single_wait(waits, n, &r, &i)) {
			/* Nothing else was ready.  Data that woke the wait is reported as it
			 * came, without a second look: any request right after the wake-up is
			 * on the critical path (a writer that closed at once after writing shows
			 * as POLLHUP in the next poll, as when Linux wakes between the two). */
			if (wait_self(waits[i], items[i].rh, ms, &r) && (fds[i].events & WANT_IN)) {
				fds[i].revents = fds[i].events & WANT_IN;
				ready = 1;
				break;
			}
			continue;
		}
		start_waits(items, waits, n, &r);
		if (r.recheck && ms > RECHECK_MS)
			ms = RECHECK_MS;
		if (r.ev != NULL && !r.woken)
			WaitForSingleObject(r.ev, ms);
		else if (r.ev == NULL)
			Sleep(ms);
		stop_waits(&r);
	}
out:
	disown(&r);
	if (items != NULL)
		release(items, n);
	if (r.ev != NULL)
		CloseHandle(r.ev);
	free(items);
	free(waits);
	free(r.w);
	free(r.socks);
	free(r.own);
	return ready;
}

/* A ppoll/pselect timeout in nanoseconds (-1: none), or -2 with errno set.  Windows has no
 * signal masks to swap in, so only a NULL sigmask is served. */
static int64_t timeout_ns(const struct timespec *ts, const _sigset_t *sigmask)
{
	int64_t sec;

	if (ts != NULL && (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000)) {
		errno = EINVAL;
		return -2;
	}
	if (sigmask != NULL) {
		errno = ENOTSUP;
		return -2;
	}
	if (ts == NULL)
		return -1;
	/* Through int64_t: time_t is 32 bits on i686, where the comparison could never hold. */
	sec = ts->tv_sec;
	if (sec > INT64_MAX / 1000000000 - 1)
		return -1;
	return sec * 1000000000 + ts->tv_nsec;
}

PI_EXPORT int posixipc_poll(struct posixipc_pollfd *fds, nfds_t nfds, int timeout)
{
	return poll_ns(fds, nfds, timeout < 0 ? -1 : (int64_t)timeout * 1000000);
}

PI_EXPORT int posixipc_ppoll(struct posixipc_pollfd *fds, nfds_t nfds,
			     const struct timespec *timeout, const _sigset_t *sigmask)
{
	int64_t ns = timeout_ns(timeout, sigmask);

	return ns == -2 ? -1 : poll_ns(fds, nfds, ns);
}

/* ------------------------------------------------------------------ select */

PI_EXPORT int posixipc_fd_isset(int fd, const fd_set *set)
{
	u_int i;

	for (i = 0; set != NULL && i < set->fd_count; i++)
		if (set->fd_array[i] == (SOCKET)(unsigned)fd)
			return 1;
	return 0;
}

/* Add each member of set to the poll list with the events select means by it. */
static void add_set(fd_set *set, short events, int nfds, struct posixipc_pollfd *p, u_int *n)
{
	u_int i, j;
	int fd;

	for (i = 0; set != NULL && i < set->fd_count; i++) {
		fd = (int)set->fd_array[i];
		/* POSIX looks only below nfds; winsock programs pass any nfds for sockets. */
		if (fd >= nfds && pi_fd_handle(fd) != INVALID_HANDLE_VALUE)
			continue;
		for (j = 0; j < *n && p[j].fd != fd; j++)
			;
		if (j == *n) {
			p[j].fd = fd;
			p[j].events = 0;
			++*n;
		}
		p[j].events |= events;
	}
}

/* Keep the members whose events came; the count of members kept. */
static int keep(fd_set *set, short want, const struct posixipc_pollfd *p, u_int n)
{
	u_int i, j, k = 0;

	if (set == NULL)
		return 0;
	for (i = 0; i < set->fd_count; i++) {
		for (j = 0; j < n && p[j].fd != (int)set->fd_array[i]; j++)
			;
		if (j < n && (p[j].revents & want))
			set->fd_array[k++] = set->fd_array[i];
	}
	set->fd_count = k;
	return (int)k;
}

static int select_ns(int nfds, fd_set *rs, fd_set *wset, fd_set *es, int64_t timeout)
{
	u_int total = (rs ? rs->fd_count : 0) + (wset ? wset->fd_count : 0) +
		      (es ? es->fd_count : 0), n = 0, i;
	struct posixipc_pollfd *p;
	int r;

	if (nfds < 0)
		return pi_fail(EINVAL);
	p = calloc(total + 1, sizeof *p);
	if (p == NULL)
		return pi_fail(ENOMEM);
	add_set(rs, POLLIN, nfds, p, &n);
	add_set(wset, POLLOUT, nfds, p, &n);
	add_set(es, POLLPRI, nfds, p, &n);
	r = poll_ns(p, n, timeout);
	for (i = 0; r >= 0 && i < n; i++)
		if (p[i].revents & POLLNVAL) {
			free(p);
			return pi_fail(EBADF);
		}
	if (r >= 0) {
		/* Linux's select counts end of file and errors as readable or writable. */
		r = keep(rs, POLLIN | POLLHUP | POLLERR, p, n) +
		    keep(wset, POLLOUT | POLLERR, p, n) + keep(es, POLLPRI, p, n);
	}
	free(p);
	return r;
}

PI_EXPORT int posixipc_select(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds,
			      struct timeval *timeout)
{
	int64_t ns = -1, start = now_ns(), left;
	int r;

	if (timeout != NULL) {
		if (timeout->tv_sec < 0 || timeout->tv_usec < 0 || timeout->tv_usec >= 1000000)
			return pi_fail(EINVAL);
		ns = (int64_t)timeout->tv_sec * 1000000000 + (int64_t)timeout->tv_usec * 1000;
	}
	r = select_ns(nfds, readfds, writefds, exceptfds, ns);
	/* Linux leaves the time not slept in *timeout. */
	if (timeout != NULL && r >= 0) {
		left = ns - (now_ns() - start);
		if (left < 0 || r == 0)
			left = 0;
		timeout->tv_sec = (long)(left / 1000000000);
		timeout->tv_usec = (long)(left % 1000000000 / 1000);
	}
	return r;
}

PI_EXPORT int posixipc_pselect(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds,
			       const struct timespec *timeout, const _sigset_t *sigmask)
{
	int64_t ns = timeout_ns(timeout, sigmask);

	return ns == -2 ? -1 : select_ns(nfds, readfds, writefds, exceptfds, ns);
}
