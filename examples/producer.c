/* The demo's producer: it maps the consumer's ring buffer, puts records into it in batches
 * (a free slot from one semaphore, a filled one posted to the other) and announces each batch
 * with a line on the FIFO.
 *   producer FIFO BASE COUNT */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <semaphore.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "demo.h"

#define BATCH (DEMO_SLOTS / 2)

static struct demo_ring *ring;
static sem_t *items, *spaces;

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("producer: ", stdout);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
	va_end(ap);
}

static void die(const char *what)
{
	fprintf(stderr, "producer: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void wait_for(sem_t *sem, const char *name)
{
	struct timespec deadline = { time(NULL) + DEMO_WAIT, 0 };

	while (sem_timedwait(sem, &deadline) < 0)
		if (errno != EINTR)
			die(name);
}

static void open_ring(const char *name)
{
	int fd = shm_open(name, O_RDWR, 0);
	struct stat st;

	if (fd < 0)
		die("shm_open");
	if (fstat(fd, &st) < 0)
		die("fstat");
	if ((size_t)st.st_size < sizeof *ring) {
		fprintf(stderr, "producer: %s is too small for the ring\n", name);
		exit(1);
	}
	ring = mmap(NULL, sizeof *ring, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (ring == MAP_FAILED)
		die("mmap");
	close(fd);
	if (ring->magic != DEMO_MAGIC) {
		fprintf(stderr, "producer: %s holds no ring\n", name);
		exit(1);
	}
	say("shm_open(\"%s\") + mmap: the consumer's ring, %u records in it so far", name,
	    ring->head - ring->tail);
}

static sem_t *open_sem(const char *name)
{
	sem_t *sem = sem_open(name, 0);

	if (sem == SEM_FAILED)
		die("sem_open");
	return sem;
}

static void put(unsigned seq, unsigned count)
{
	struct demo_record *r;

	wait_for(spaces, "sem_timedwait spaces");
	r = &ring->slot[ring->head % DEMO_SLOTS];
	snprintf(r->text, sizeof r->text, "record %u of %u from process %ld", seq, count,
		 (long)getpid());
	r->sum = demo_sum(r->text);
	r->seq = ring->head + 1;
	ring->head++;
	if (sem_post(items) < 0)
		die("sem_post items");
}

/* One whole line per write(): up to PIPE_BUF bytes never mix with another writer's. */
static void announce(int fd, unsigned n, const char *text)
{
	char line[DEMO_LINE_MAX];
	int len = snprintf(line, sizeof line, "%u %s\n", n, text);

	if (write(fd, line, (size_t)len) != len)
		die("write fifo");
}

/* Make the queue and leave two messages in it, the routine one first. */
static int send_messages(const char *base)
{
	struct mq_attr attr = { 0 };
	char name[256];
	mqd_t q;

	if (demo_name(name, sizeof name, base, "-mq") < 0) {
		fputs("producer: base name too long\n", stderr);
		return 1;
	}
	attr.mq_maxmsg = 4;
	attr.mq_msgsize = DEMO_MQ_MSGSIZE;
	q = mq_open(name, O_WRONLY | O_CREAT | O_EXCL, 0600, &attr);
	if (q == (mqd_t)-1)
		die("mq_open");
	if (mq_send(q, DEMO_ROUTINE, sizeof DEMO_ROUTINE, DEMO_ROUTINE_PRIO) < 0 ||
	    mq_send(q, DEMO_URGENT, sizeof DEMO_URGENT, DEMO_URGENT_PRIO) < 0)
		die("mq_send");
	say("mq_open(\"%s\"), mq_send priority %d then %d; the queue outlives mq_close", name,
	    DEMO_ROUTINE_PRIO, DEMO_URGENT_PRIO);
	if (mq_close(q) < 0)
		die("mq_close");
	return 0;
}

int main(int argc, char **argv)
{
	char shm_name[256], items_name[256], spaces_name[256], text[64];
	unsigned long count;
	unsigned i, n;
	int fd;

	if (argc == 3 && strcmp(argv[1], "-q") == 0)
		return send_messages(argv[2]);
	if (argc != 4 || (count = strtoul(argv[3], NULL, 10)) == 0 || count > 1000) {
		fputs("usage: producer FIFO BASE COUNT (1 to 1000)\n"
		      "       producer -q BASE\n", stderr);
		return 2;
	}
	if (demo_name(shm_name, sizeof shm_name, argv[2], "") < 0 ||
	    demo_name(items_name, sizeof items_name, argv[2], "-items") < 0 ||
	    demo_name(spaces_name, sizeof spaces_name, argv[2], "-spaces") < 0) {
		fputs("producer: base name too long\n", stderr);
		return 1;
	}
	open_ring(shm_name);
	items = open_sem(items_name);
	spaces = open_sem(spaces_name);
	say("sem_open(\"%s\") and sem_open(\"%s\")", items_name, spaces_name);
	fd = open(argv[1], O_WRONLY);
	if (fd < 0)
		die("open fifo");
	say("open(\"%s\", O_WRONLY): the consumer is reading", argv[1]);
	for (i = 0; i < count; i += n) {
		n = count - i < BATCH ? (unsigned)(count - i) : BATCH;
		for (unsigned k = 1; k <= n; k++)
			put(i + k, (unsigned)count);
		say("records %u-%u are in the ring (sem_wait spaces, sem_post items)", i + 1,
		    i + n);
		snprintf(text, sizeof text, "producer %ld: records %u-%u", (long)getpid(), i + 1,
			 i + n);
		announce(fd, n, text);
	}
	announce(fd, 0, "bye");
	say("wrote %lu records and said bye", count);
	if (close(fd) < 0 || munmap(ring, sizeof *ring) < 0)
		die("close");
	sem_close(items);
	sem_close(spaces);
	return 0;
}
