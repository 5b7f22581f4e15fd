/* Cancellation points for the library's blocking calls: acting on a winpthreads pthread_cancel
 * without linking the threads library.  winpthreads' pthread_cancel sets a flag and a
 * per-thread manual-reset event (pthread_getevent); a wait that also waits on that event wakes,
 * and pthread_testcancel runs the cleanup handlers and ends the thread. */
#include "internal.h"

/* Weak stand-ins.  A program that links winpthreads statically (as -static or -all-static
 * programs do) replaces them with the real functions, whose object file the program pulls in
 * for pthread_create or pthread_cancel anyway.  With the stand-ins (the DLL build, or a
 * program that uses libwinpthread-1.dll) the functions are looked up in that DLL at run
 * time.  Not covered: a program linking winpthreads statically and posixipc as a DLL. */
void pthread_testcancel(void);
void *pthread_getevent(void);

__attribute__((weak)) void pthread_testcancel(void)
{
}

__attribute__((weak)) void *pthread_getevent(void)
{
	return NULL;
}

#define UNKNOWN 0
#define LINKED 1  /* the program's own winpthreads */
#define DLL 2     /* libwinpthread-1.dll */
#define ABSENT 3  /* neither (looked for again before each sleep) */

static volatile LONG source = UNKNOWN;
static void (*dll_testcancel)(void);
static void *(*dll_getevent)(void);

/* The real pthread_getevent never returns NULL for a thread it knows, and it knows them all
 * (it adopts threads it did not create). */
static LONG find_winpthreads(void)
{
	HMODULE m;
	FARPROC test, event;

	if (pthread_getevent() != NULL)
		return LINKED;
	m = GetModuleHandleW(L"libwinpthread-1.dll");
	if (m == NULL)
		return ABSENT;
	test = GetProcAddress(m, "pthread_testcancel");
	event = GetProcAddress(m, "pthread_getevent");
	if (test == NULL || event == NULL)
		return ABSENT;
	dll_testcancel = (void (*)(void))(void (*)(void))test;
	dll_getevent = (void *(*)(void))(void (*)(void))event;
	return DLL;
}

static LONG winpthreads(int again)
{
	LONG s = source;

	if (s == UNKNOWN || (s == ABSENT && again)) {
		s = find_winpthreads();
		/* The pointers are written before the state that publishes them. */
		InterlockedExchange(&source, s);
	}
	return s;
}

void pi_testcancel(void)
{
	switch (winpthreads(0)) {
	case LINKED:
		pthread_testcancel();
		break;
	case DLL:
		dll_testcancel();
		break;
	}
}

HANDLE pi_cancel_event(void)
{
	switch (winpthreads(1)) {
	case LINKED:
		return pthread_getevent();
	case DLL:
		return dll_getevent();
	}
	return NULL;
}

/* winpthreads' own waits do the same: clear the event, then act; if cancellation is disabled
 * the caller goes back to sleep, and the flag stays for the next cancellation point. */
void pi_cancel_woken(HANDLE event)
{
	ResetEvent(event);
	pi_testcancel();
}
