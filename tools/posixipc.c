/* The posixipc command: what ipcs, ipcrm, ls /dev/shm and /dev/mqueue are for System V and
 * Linux, for the library's POSIX shared memory objects, named semaphores and message queues,
 * plus the Win32 names behind them.  It only reads and removes; programs create objects. */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <posixipc.h>

#include "internal.h"

#include <aclapi.h>
#include <sddl.h>

enum { OK = 0, FAILURE = 1, USAGE = 2 };

static const char usage_text[] =
	"usage: posixipc list [shm|sem|mq]\n"
	"       posixipc rm shm|sem|mq NAME...\n"
	"       posixipc name shm|sem|mq NAME\n"
	"       posixipc name fifo|fifo-reader|fifo-event|fifo-reader-event PATH\n"
	"       posixipc mkfifo [-m MODE] PATH [PIPE]\n"
	"       posixipc dir\n"
	"       posixipc --help | --version\n";

static const char help_text[] =
	"\n"
	"Lists and removes POSIX shared memory objects (shm_open), named semaphores\n"
	"(sem_open) and message queues (mq_open), and prints the Win32 names behind POSIX\n"
	"objects for native programs.\n"
	"\n"
	"  list [shm|sem|mq]   each object's type, size (shm), value (sem) or messages\n"
	"                      queued/mq_maxmsg x mq_msgsize (mq), owner and name\n"
	"  rm shm NAME...      shm_unlink each NAME\n"
	"  rm sem NAME...      sem_unlink each NAME\n"
	"  rm mq NAME...       mq_unlink each NAME\n"
	"  name shm NAME       the file that holds a shared memory object\n"
	"  name mq NAME        the file that holds a message queue\n"
	"  name sem NAME       the Win32 semaphore behind a named semaphore (which must exist)\n"
	"  name fifo PATH      the Win32 named pipe a native program writes into a FIFO by\n"
	"  name fifo-reader PATH  the one a native program reads from the FIFO by\n"
	"  name fifo-event PATH   the named event set while the first of these exists\n"
	"  name fifo-reader-event PATH  the one set while the second exists\n"
	"  mkfifo [-m MODE] PATH [PIPE]  make a FIFO (mode 0666 less the umask by default),\n"
	"                      native peers connecting by the pipe name PIPE (\\\\.\\pipe\\NAME)\n"
	"  dir                 the folder that holds the objects: POSIXIPC_DIR if set,\n"
	"                      else posixipc in the temporary folder\n"
	"\n"
	"Exit status: 0 success, 1 failure (such as no such object), 2 usage error.\n";

static int usage(const char *why)
{
	if (why != NULL)
		fprintf(stderr, "posixipc: %s\n", why);
	fputs(usage_text, stderr);
	fputs("Try 'posixipc --help' for more information.\n", stderr);
	return USAGE;
}

/* "posixipc: rm shm /name: No such file or directory", from errno. */
static int failed(const char *cmd, const char *type, const char *name)
{
	fprintf(stderr, "posixipc: %s %s%s%s: %s\n", cmd, type, *name ? " " : "", name,
		strerror(errno));
	return FAILURE;
}

/* ---------------------------------------------------------------- list */

struct entry {
	const char *type;
	char name[PI_NAME_MAX + 2];
	char amount[32];
	char owner[128];
};

struct listing {
	struct entry *v;
	size_t n, cap;
};

static struct entry *add_entry(struct listing *l)
{
	struct entry *v;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		v = realloc(l->v, l->cap * sizeof *v);
		if (v == NULL) {
			fputs("posixipc: out of memory\n", stderr);
			exit(FAILURE);
		}
		l->v = v;
	}
	memset(&l->v[l->n], 0, sizeof *l->v);
	return &l->v[l->n++];
}

/* The account that owns a file, as "name", or its SID string when the name is unknown. */
static void file_owner(const wchar_t *path, char *buf, size_t size)
{
	PSECURITY_DESCRIPTOR sd = NULL;
	PSID sid = NULL;
	char user[256], domain[256], *str;
	DWORD un = sizeof user, dn = sizeof domain;
	SID_NAME_USE use;

	snprintf(buf, size, "?");
	if (GetNamedSecurityInfoW(path, SE_FILE_OBJECT, OWNER_SECURITY_INFORMATION, &sid, NULL,
				  NULL, NULL, &sd) != ERROR_SUCCESS)
		return;
	if (LookupAccountSidA(NULL, sid, user, &un, domain, &dn, &use))
		snprintf(buf, size, "%s", user);
	else if (ConvertSidToStringSidA(sid, &str)) {
		snprintf(buf, size, "%s", str);
		LocalFree(str);
	}
	LocalFree(sd);
}

/* A directory entry's POSIX name, or -1 for files the library did not name. */
static int posix_name(const wchar_t *file, char *out, size_t size)
{
	char encoded[PI_ENCODED_MAX + 1];
	size_t i;

	for (i = 0; file[i] != L'\0'; i++) {
		/* Encoded names are plain ASCII. */
		if (file[i] > 0x7e || i == PI_ENCODED_MAX)
			return -1;
		encoded[i] = (char)file[i];
	}
	encoded[i] = '\0';
	return pi_name_decode(encoded, out, size);
}

static void sem_amount(const char *name, char *buf, size_t size)
{
	sem_t *sem = sem_open(name, 0);
	int value;

	snprintf(buf, size, "?");
	if (sem == SEM_FAILED)
		return;
	if (sem_getvalue(sem, &value) == 0)
		snprintf(buf, size, "%d", value);
	sem_close(sem);
}

/* "queued/maxmsg x msgsize", as /dev/mqueue's QSIZE and the attributes tell on Linux. */
static void mq_amount(const char *name, char *buf, size_t size)
{
	mqd_t q = mq_open(name, O_RDONLY | O_NONBLOCK);
	struct mq_attr a;

	snprintf(buf, size, "?");
	if (q == (mqd_t)-1)
		return;
	if (mq_getattr(q, &a) == 0)
		snprintf(buf, size, "%ld/%ldx%ld", a.mq_curmsgs, a.mq_maxmsg, a.mq_msgsize);
	mq_close(q);
}

static void add_file(struct listing *l, const char *type, const wchar_t *dir,
		     const WIN32_FIND_DATAW *fd)
{
	char name[PI_NAME_MAX + 2];
	struct entry *e;
	wchar_t *path;
	size_t n;

	if ((fd->dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) ||
	    posix_name(fd->cFileName, name, sizeof name) < 0)
		return;
	e = add_entry(l);
	e->type = type;
	memcpy(e->name, name, sizeof name);
	if (strcmp(type, "shm") == 0)
		snprintf(e->amount, sizeof e->amount, "%llu",
			 ((unsigned long long)fd->nFileSizeHigh << 32) | fd->nFileSizeLow);
	else if (strcmp(type, "mq") == 0)
		mq_amount(name, e->amount, sizeof e->amount);
	else
		sem_amount(name, e->amount, sizeof e->amount);
	n = wcslen(dir) + wcslen(fd->cFileName) + 2;
	path = malloc(n * sizeof *path);
	if (path == NULL) {
		snprintf(e->owner, sizeof e->owner, "?");
		return;
	}
	swprintf(path, n, L"%ls\\%ls", dir, fd->cFileName);
	file_owner(path, e->owner, sizeof e->owner);
	free(path);
}

/* Collect the objects of one type (also the name of their folder).  A missing folder is no
 * error: nothing has been created yet. */
static int collect(struct listing *l, const char *type)
{
	WIN32_FIND_DATAW fd;
	wchar_t *root = pi_objects_root(), *dir;
	size_t n, len;
	HANDLE h;
	DWORD err;

	if (root == NULL)
		return failed("list", type, "");
	n = wcslen(root) + strlen(type) + 4;
	dir = malloc(n * sizeof *dir);
	if (dir == NULL) {
		free(root);
		errno = ENOMEM;
		return failed("list", type, "");
	}
	swprintf(dir, n, L"%ls\\%hs\\*", root, type);
	free(root);
	h = FindFirstFileW(dir, &fd);
	/* From here on dir is the folder itself. */
	len = wcslen(dir);
	dir[len - 2] = L'\0';
	if (h == INVALID_HANDLE_VALUE) {
		err = GetLastError();
		free(dir);
		if (err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND)
			return OK;
		errno = pi_errno_from_win32(err);
		return failed("list", type, "");
	}
	do
		add_file(l, type, dir, &fd);
	while (FindNextFileW(h, &fd));
	FindClose(h);
	free(dir);
	return OK;
}

static int by_name(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = strcmp(x->type, y->type);

	return c != 0 ? c : strcmp(x->name, y->name);
}

/* Names may hold any byte; keep control characters off the terminal. */
static void print_name(const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f || c == '\\')
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	putchar('\n');
}

static int list(int argc, char **argv)
{
	struct listing l = { NULL, 0, 0 };
	int want_shm = 1, want_sem = 1, want_mq = 1, status = OK;
	size_t i;

	if (argc > 1)
		return usage("list takes at most one type");
	if (argc == 1) {
		want_shm = strcmp(argv[0], "shm") == 0;
		want_sem = strcmp(argv[0], "sem") == 0;
		want_mq = strcmp(argv[0], "mq") == 0;
		if (!want_shm && !want_sem && !want_mq)
			return usage("list: the type is shm, sem or mq");
	}
	if (want_shm)
		status |= collect(&l, "shm");
	if (want_sem)
		status |= collect(&l, "sem");
	if (want_mq)
		status |= collect(&l, "mq");
	if (l.n > 0)
		qsort(l.v, l.n, sizeof *l.v, by_name);
	printf("%-4s %12s  %-16s %s\n", "TYPE", "SIZE/VALUE", "OWNER", "NAME");
	for (i = 0; i < l.n; i++) {
		printf("%-4s %12s  %-16s ", l.v[i].type, l.v[i].amount, l.v[i].owner);
		print_name(l.v[i].name);
	}
	free(l.v);
	return fflush(stdout) == 0 ? status : FAILURE;
}

/* ---------------------------------------------------------------- rm, name, dir */

static int rm(int argc, char **argv)
{
	int (*unlink_fn)(const char *), status = OK, i;

	if (argc < 2)
		return usage("rm needs a type (shm, sem or mq) and at least one name");
	if (strcmp(argv[0], "shm") == 0)
		unlink_fn = shm_unlink;
	else if (strcmp(argv[0], "sem") == 0)
		unlink_fn = sem_unlink;
	else if (strcmp(argv[0], "mq") == 0)
		unlink_fn = mq_unlink;
	else
		return usage("rm: the type is shm, sem or mq");
	for (i = 1; i < argc; i++)
		if (unlink_fn(argv[i]) < 0)
			status = failed("rm", argv[0], argv[i]);
	return status;
}

static int name(int argc, char **argv)
{
	int (*lookup)(const char *, char *, size_t);
	char buf[1024];

	if (argc != 2)
		return usage("name needs a type (shm, sem, mq or fifo...) and one name");
	if (strcmp(argv[0], "shm") == 0)
		lookup = posixipc_shm_win32_path;
	else if (strcmp(argv[0], "sem") == 0)
		lookup = posixipc_sem_win32_name;
	else if (strcmp(argv[0], "mq") == 0)
		lookup = posixipc_mq_win32_path;
	else if (strcmp(argv[0], "fifo") == 0)
		lookup = posixipc_fifo_pipe_name;
	else if (strcmp(argv[0], "fifo-reader") == 0)
		lookup = posixipc_fifo_reader_pipe_name;
	else if (strcmp(argv[0], "fifo-event") == 0)
		lookup = posixipc_fifo_event_name;
	else if (strcmp(argv[0], "fifo-reader-event") == 0)
		lookup = posixipc_fifo_reader_event_name;
	else
		return usage("name: the type is shm, sem, mq, fifo, fifo-reader, fifo-event or fifo-reader-event");
	if (lookup(argv[1], buf, sizeof buf) < 0)
		return failed("name", argv[0], argv[1]);
	puts(buf);
	return fflush(stdout) == 0 ? OK : FAILURE;
}

static int make_fifo(int argc, char **argv)
{
	unsigned long mode = 0666;
	char *end;
	int r;

	if (argc >= 2 && strcmp(argv[0], "-m") == 0) {
		mode = strtoul(argv[1], &end, 8);
		if (*argv[1] == '\0' || *end != '\0' || mode > 07777)
			return usage("mkfifo: MODE is an octal number");
		argc -= 2;
		argv += 2;
	}
	if (argc != 1 && argc != 2)
		return usage("mkfifo needs a path and at most one pipe name");
	r = argc == 2 ? posixipc_mkfifo_named(argv[0], (mode_t)mode, argv[1]) :
			mkfifo(argv[0], (mode_t)mode);
	if (r < 0) {
		fprintf(stderr, "posixipc: mkfifo %s: %s\n", argv[0], strerror(errno));
		return FAILURE;
	}
	return OK;
}

static int dir(int argc)
{
	char buf[1024];

	if (argc != 0)
		return usage("dir takes no arguments");
	if (posixipc_objects_dir(buf, sizeof buf) < 0) {
		fprintf(stderr, "posixipc: dir: %s\n", strerror(errno));
		return FAILURE;
	}
	puts(buf);
	return fflush(stdout) == 0 ? OK : FAILURE;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (cmd == NULL)
		return usage(NULL);
	argc -= 2;
	argv += 2;
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		fputs(usage_text, stdout);
		fputs(help_text, stdout);
		return OK;
	}
	if (strcmp(cmd, "--version") == 0) {
		printf("posixipc %s\n", posixipc_version());
		return OK;
	}
	if (strcmp(cmd, "list") == 0)
		return list(argc, argv);
	if (strcmp(cmd, "rm") == 0)
		return rm(argc, argv);
	if (strcmp(cmd, "name") == 0)
		return name(argc, argv);
	if (strcmp(cmd, "mkfifo") == 0)
		return make_fifo(argc, argv);
	if (strcmp(cmd, "dir") == 0)
		return dir(argc);
	fprintf(stderr, "posixipc: unknown command '%s'\n", cmd);
	return usage(NULL);
}
