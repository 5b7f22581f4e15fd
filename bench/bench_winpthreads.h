/* What bench.c calls in bench_winpthreads.c: timed loops on winpthreads' own semaphores.
 * Each returns 0 or an errno value and stores the time per round in *ns. */
#ifndef POSIXIPC_BENCH_WINPTHREADS_H
#define POSIXIPC_BENCH_WINPTHREADS_H

/* sem_post+sem_wait on one sem_init(0) semaphore, n times after warm untimed rounds. */
int wp_post_wait(long n, long warm, double *ns);
/* Two threads answering each other through two sem_init(0) semaphores. */
int wp_pingpong(long n, long warm, double *ns);

#endif
