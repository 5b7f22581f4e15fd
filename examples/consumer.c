/* The demo's consumer, which owns the IPC objects: it creates the ring buffer (shm_open +
 * mmap), the two semaphores and the FIFO, then reads lines from the FIFO and takes the
 * records they announce out of the ring until every writer has said bye.
 *   consumer FIFO BASE WRITERS   the reading side of the demo
 *   consumer -w FIFO BASE        print the Win32 names of the objects (Windows only)
 *   consumer -q FIFO BASE        receive the producer's two queued messages, urgent first
 *   consumer -u FIFO BASE        remove whatever objects a failed run left behind */
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
#ifdef _WIN32
#include <posixipc.h>
#endif

#include "demo.h"

static const char *fifo;
static char shm_name[256], items_name[256], spaces_name[256], mq_name[256];
static struct demo_ring *ring;
static sem_t *items, *spaces;
static unsigned records, messages;

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("consumer: ", stdout);
	vprintf(fmt, ap);
	putchar('\n');
	/* Flush each line whole: the other processes write to the same terminal. */
	fflush(stdout);
	va_end(ap);
}

static void die(const char *what)
{
	fprintf(stderr, "consumer: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void fail(const char *what)
{
	fprintf(stderr, "consumer: %s\n", what);
	exit(1);
}

/* sem_wait that gives up after DEMO_WAIT seconds, so a lost writer cannot hang the demo. */
static void wait_for(sem_t *sem, const char *name)
{
	struct timespec deadline = { time(NULL) + DEMO_WAIT, 0 };

	while (sem_timedwait(sem, &deadline) < 0)
		if (errno != EINTR)
			die(name);
}

static void create_ring(void)
{
	int fd = shm_open(shm_name, O_RDWR | O_CREAT | O_EXCL, 0600);

	if (fd < 0)
		die("shm_open");
	if (ftruncate(fd, sizeof *ring) < 0)
		die("ftruncate");
	ring = mmap(NULL, sizeof *ring, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (ring == MAP_FAILED)
		die("mmap");
	/* The mapping keeps the memory; the descriptor is no longer needed. */
	close(fd);
	ring->slots = DEMO_SLOTS;
	ring->head = ring->tail = 0;
	ring->magic = DEMO_MAGIC;
	say("shm_open(\"%s\") + ftruncate(%u) + mmap: a ring of %d slots", shm_name,
	    (unsigned)sizeof *ring, DEMO_SLOTS);
}

static void create_objects(void)
{
	create_ring();
	items = sem_open(items_name, O_CREAT | O_EXCL, 0600, 0);
	if (items == SEM_FAILED)
		die("sem_open items");
	spaces = sem_open(spaces_name, O_CREAT | O_EXCL, 0600, DEMO_SLOTS);
	if (spaces == SEM_FAILED)
		die("sem_open spaces");
	say("sem_open(\"%s\", 0) counts filled slots, sem_open(\"%s\", %d) free ones",
	    items_name, spaces_name, DEMO_SLOTS);
	/* The FIFO comes last: its appearance tells the writers everything else is ready. */
	if (mkfifo(fifo, 0600) < 0)
		die("mkfifo");
	say("mkfifo(\"%s\")", fifo);
}

/* Take n records out of the ring, checking that none is lost, repeated or torn. */
static void take(unsigned long n)
{
	struct demo_record *r;

	while (n-- > 0) {
		wait_for(items, "sem_timedwait items");
		r = &ring->slot[ring->tail % DEMO_SLOTS];
		r->text[DEMO_TEXT - 1] = '\0';
		if (r->seq != ring->tail + 1 || r->sum != demo_sum(r->text))
			fail("the ring holds a record out of order or torn");
		say("  ring slot %u: #%u \"%s\"", ring->tail % DEMO_SLOTS, r->seq, r->text);
		ring->tail++;
		records++;
		if (sem_post(spaces) < 0)
			die("sem_post spaces");
	}
}

/* One "<n> <text>" line; returns 1 when it is a writer's bye. */
static int handle(char *line)
{
	unsigned long n;
	char *text;
	size_t len = strlen(line);

	if (len > 0 && line[len - 1] == '\r')
		line[len - 1] = '\0';
	n = strtoul(line, &text, 10);
	if (text == line || *text != ' ' || n > DEMO_SLOTS)
		fail("malformed line on the FIFO");
	text++;
	messages++;
	if (strcmp(text, "bye") == 0) {
		say("fifo: bye");
		return 1;
	}
	say("fifo: \"%s\" (%lu new record%s)", text, n, n == 1 ? "" : "s");
	take(n);
	return 0;
}

/* Read the FIFO until `writers` writers have said bye.  End of file only means that no
 * writer has it open at the moment: open it again and wait for the next one. */
static void serve(unsigned writers)
{
	char buf[4 * DEMO_LINE_MAX], *nl;
	size_t len = 0;
	unsigned byes = 0;
	ssize_t r;
	int fd = -1;

	while (byes < writers) {
		if (fd < 0) {
			say("open(\"%s\", O_RDONLY) waits for a writer", fifo);
			fd = open(fifo, O_RDONLY);
			if (fd < 0)
				die("open fifo");
		}
		r = read(fd, buf + len, sizeof buf - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die("read fifo");
		if (r == 0) {
			say("read: end of file, no writer has the FIFO open");
			close(fd);
			fd = -1;
			continue;
		}
		len += (size_t)r;
		while ((nl = memchr(buf, '\n', len)) != NULL) {
			*nl = '\0';
			byes += handle(buf);
			len -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, len);
		}
		if (len == sizeof buf)
			fail("over-long line on the FIFO");
	}
	close(fd);
}

static void remove_objects(void)
{
	int free_slots = -1;

	if (sem_getvalue(spaces, &free_slots) < 0)
		die("sem_getvalue");
	say("done: %u records and %u messages, all in order; %d of %d slots free", records,
	    messages, free_slots, DEMO_SLOTS);
	if (munmap(ring, sizeof *ring) < 0)
		die("munmap");
	if (sem_close(items) < 0 || sem_close(spaces) < 0)
		die("sem_close");
	if (sem_unlink(items_name) < 0 || sem_unlink(spaces_name) < 0)
		die("sem_unlink");
	if (shm_unlink(shm_name) < 0)
		die("shm_unlink");
	if (unlink(fifo) < 0)
		die("unlink fifo");
	say("sem_unlink, shm_unlink, unlink(\"%s\"): nothing left behind", fifo);
}

static void expect_message(mqd_t q, const char *text, unsigned prio)
{
	struct timespec deadline = { time(NULL) + DEMO_WAIT, 0 };
	char buf[DEMO_MQ_MSGSIZE];
	unsigned got;
	ssize_t n = mq_timedreceive(q, buf, sizeof buf, &got, &deadline);

	if (n < 0)
		die("mq_timedreceive");
	if ((size_t)n != strlen(text) + 1 || memcmp(buf, text, (size_t)n) != 0 || got != prio)
		fail("the queue gave the wrong message");
	say("mq_receive: \"%s\" (priority %u)", buf, got);
}

/* Highest priority first, whatever order the messages were sent in. */
static int receive_messages(void)
{
	mqd_t q = mq_open(mq_name, O_RDONLY);

	if (q == (mqd_t)-1)
		die("mq_open");
	expect_message(q, DEMO_URGENT, DEMO_URGENT_PRIO);
	expect_message(q, DEMO_ROUTINE, DEMO_ROUTINE_PRIO);
	if (mq_close(q) < 0 || mq_unlink(mq_name) < 0)
		die("mq_unlink");
	say("mq_close, mq_unlink(\"%s\")", mq_name);
	return 0;
}

/* After a failed run: remove what exists, quietly skip what does not. */
static int remove_leftovers(void)
{
	int bad = 0;

	if (sem_unlink(items_name) == 0)
		say("removed leftover semaphore %s", items_name);
	else
		bad |= errno != ENOENT;
	if (sem_unlink(spaces_name) == 0)
		say("removed leftover semaphore %s", spaces_name);
	else
		bad |= errno != ENOENT;
	if (shm_unlink(shm_name) == 0)
		say("removed leftover shared memory %s", shm_name);
	else
		bad |= errno != ENOENT;
	if (unlink(fifo) == 0)
		say("removed leftover FIFO %s", fifo);
	else
		bad |= errno != ENOENT;
	if (mq_unlink(mq_name) == 0)
		say("removed leftover message queue %s", mq_name);
	else
		bad |= errno != ENOENT;
	return bad;
}

#ifdef _WIN32
/* What a native Win32 program opens to join in: one "key value" line per object. */
static int print_win32_names(void)
{
	char buf[1024];

	if (posixipc_fifo_pipe_name(fifo, buf, sizeof buf) < 0)
		die("posixipc_fifo_pipe_name");
	printf("pipe %s\n", buf);
	if (posixipc_fifo_event_name(fifo, buf, sizeof buf) < 0)
		die("posixipc_fifo_event_name");
	printf("event %s\n", buf);
	if (posixipc_sem_win32_name(items_name, buf, sizeof buf) < 0)
		die("posixipc_sem_win32_name");
	printf("items %s\n", buf);
	if (posixipc_sem_win32_name(spaces_name, buf, sizeof buf) < 0)
		die("posixipc_sem_win32_name");
	printf("spaces %s\n", buf);
	if (posixipc_shm_win32_path(shm_name, buf, sizeof buf) < 0)
		die("posixipc_shm_win32_path");
	printf("file %s\n", buf);
	return fflush(stdout) == 0 ? 0 : 1;
}
#else
static int print_win32_names(void)
{
	fail("-w: Win32 names exist only on Windows");
	return 1;
}
#endif

static void usage(void)
{
	fputs("usage: consumer FIFO BASE WRITERS\n"
	      "       consumer -w|-q|-u FIFO BASE\n", stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	const char *mode = NULL, *base;
	unsigned long writers = 0;

	if (argc == 4 && argv[1][0] == '-') {
		mode = argv[1];
		argv++;
	} else if (argc == 4) {
		writers = strtoul(argv[3], NULL, 10);
		if (writers == 0)
			usage();
	} else {
		usage();
	}
	fifo = argv[1];
	base = argv[2];
	if (demo_name(shm_name, sizeof shm_name, base, "") < 0 ||
	    demo_name(items_name, sizeof items_name, base, "-items") < 0 ||
	    demo_name(spaces_name, sizeof spaces_name, base, "-spaces") < 0 ||
	    demo_name(mq_name, sizeof mq_name, base, "-mq") < 0)
		fail("base name too long");
	if (mode != NULL && strcmp(mode, "-w") == 0)
		return print_win32_names();
	if (mode != NULL && strcmp(mode, "-u") == 0)
		return remove_leftovers();
	if (mode != NULL && strcmp(mode, "-q") == 0)
		return receive_messages();
	if (mode != NULL)
		usage();
	create_objects();
	serve((unsigned)writers);
	remove_objects();
	return 0;
}
