/* The measurement every timed row makes, one loop for bench.c and bench_winpthreads.c: the
 * body `warm` times untimed, then n times timed, either loop stopping once the body has set
 * the error e; ns gets the nanoseconds per timed round, read from now().  The body is pasted
 * into the loops rather than called through a pointer, and the timed loop tests no round
 * number, so that it costs only what it measures: rows of a few nanoseconds would show
 * either. */
#ifndef POSIXIPC_BENCH_LOOP_H
#define POSIXIPC_BENCH_LOOP_H

#define BENCH_TIMED(now, warm, n, e, ns, ...)                                  \
	do {                                                                   \
		long bench_i_;                                                 \
		double bench_t0_;                                              \
									       \
		for (bench_i_ = 0; bench_i_ < (warm) && !(e); bench_i_++) {    \
			__VA_ARGS__                                            \
		}                                                              \
		bench_t0_ = now();                                             \
		for (bench_i_ = 0; bench_i_ < (n) && !(e); bench_i_++) {       \
			__VA_ARGS__                                            \
		}                                                              \
		(ns) = (now() - bench_t0_) / (double)(n);                      \
	} while (0)

#endif
