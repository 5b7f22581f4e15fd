/* The benchmark's comparison rows for unnamed semaphores: winpthreads' own sem_init semaphores,
 * which a mingw-w64 program used before posixipc.  Built without posixipc's compat folder, so
 * <semaphore.h> here is winpthreads' header (bench.c sees posixipc's), and linked against
 * winpthreads before the library, so these sem_* calls bind to winpthreads. */
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#include <errno.h>
#include <time.h>
#include <semaphore.h>

#include "bench_loop.h"
#include "bench_winpthreads.h"

#ifndef WIN_PTHREADS_SEMAPHORE_H
#error "bench_winpthreads.c must see winpthreads' <semaphore.h>, not posixipc's"
#endif

static double wp_now_ns(void)
{
	static double scale;
	LARGE_INTEGER t, f;

	if (scale == 0) {
		QueryPerformanceFrequency(&f);
		scale = 1e9 / (double)f.QuadPart;
	}
	QueryPerformanceCounter(&t);
	return (double)t.QuadPart * scale;
}

int wp_post_wait(long n, long warm, double *ns)
{
	double t = 0;
	sem_t s;
	int e = 0;

	if (sem_init(&s, 0, 0))
		return errno;
	BENCH_TIMED(wp_now_ns, warm, n, e, t, {
		if (sem_post(&s) || sem_wait(&s))
			e = errno;
	});
	sem_destroy(&s);
	*ns = t;
	return e;
}

struct pong {
	sem_t a, b;
	long rounds;
	volatile LONG err;
};

static DWORD WINAPI answer(void *arg)
{
	struct pong *p = arg;
	long i;

	for (i = 0; i < p->rounds; i++)
		if (sem_wait(&p->a) || sem_post(&p->b)) {
			p->err = errno;
			return 1;
		}
	return 0;
}

int wp_pingpong(long n, long warm, double *ns)
{
	struct pong p;
	double tns = 0;
	HANDLE t;
	int e = 0;

	if (sem_init(&p.a, 0, 0))
		return errno;
	if (sem_init(&p.b, 0, 0)) {
		e = errno;
		sem_destroy(&p.a);
		return e;
	}
	p.rounds = warm + n;
	p.err = 0;
	t = CreateThread(NULL, 0, answer, &p, 0, NULL);
	if (t == NULL)
		e = EAGAIN;
	BENCH_TIMED(wp_now_ns, warm, n, e, tns, {
		if (sem_post(&p.a) || sem_wait(&p.b))
			e = errno;
	});
	if (t != NULL) {
		if (e)
			TerminateThread(t, 1);
		WaitForSingleObject(t, INFINITE);
		CloseHandle(t);
	}
	if (!e && p.err)
		e = p.err;
	sem_destroy(&p.b);
	sem_destroy(&p.a);
	*ns = tns;
	return e;
}
