/* Tasks under file rules (tests/check_file_rules.c): the program's
 * threads and its children are held by the same rules as its first task,
 * and a path buffer another task changes under a check gains nothing.
 *
 *   tasks thread-race N  a second thread flips byte 1 of a path buffer
 *                        ".\0../victim" between '\0' and '/' while the
 *                        first opens the buffer for writing N times
 *   tasks fork-race N    the same with the buffer in a shared anonymous
 *                        mapping: a forked child opens, the parent flips
 *   tasks child SECRET VICTIM
 *                        a forked child, and a thread of that child, each
 *                        read SECRET, append to VICTIM and create a file
 *                        beside it; then a grandchild does the same
 *
 * The races print "opened K of N" (opens that worked); "child" prints
 * "WHO read|append|create: OK" or the errno's name, one line each. ".",
 * the first form of the buffer, is a directory: opening it for writing
 * fails with EISDIR, so K counts only opens of "./../victim", outside the
 * working directory. Always exits 0 (2 on a set-up failure): the suite
 * judges the lines and the file system.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile char *buf;
static atomic_int stop;

static void *flipper(void *unused)
{
	(void)unused;
	for (unsigned long i = 0; !atomic_load_explicit(&stop,
	                                                memory_order_relaxed); i++)
		buf[1] = (i & 1) ? '/' : '\0';
	return NULL;
}

static long opens(long n)
{
	long worked = 0;

	for (long i = 0; i < n; i++) {
		int fd = open((const char *)buf, O_WRONLY | O_CREAT | O_CLOEXEC,
		              0644);
		if (fd >= 0) {
			worked++;
			close(fd);
		}
		/* Let the flipper run: on a busy host the two may never
		 * run at once, and each open should find either form. */
		sched_yield();
	}
	return worked;
}

static int thread_race(long n)
{
	static char path[64] = ".\0../victim";
	pthread_t t;

	buf = path;
	if (pthread_create(&t, NULL, flipper, NULL) != 0)
		return 2;
	long worked = opens(n);
	atomic_store(&stop, 1);
	pthread_join(t, NULL);
	printf("opened %ld of %ld\n", worked, n);
	return 0;
}

static int fork_race(long n)
{
	char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
	               MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int fds[2], status;
	long worked = -1;

	if (m == MAP_FAILED || pipe2(fds, O_CLOEXEC) < 0)
		return 2;
	memcpy(m, ".\0../victim", 12);
	buf = m;
	pid_t pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		long w = opens(n);
		_exit(write(fds[1], &w, sizeof(w)) == sizeof(w) ? 0 : 1);
	}
	close(fds[1]);
	/* Flip until the child has done its opens (its write, or its end,
	 * makes the pipe readable). */
	for (unsigned long i = 0;; i++) {
		buf[1] = (i & 1) ? '/' : '\0';
		struct pollfd pfd = { .fd = fds[0], .events = POLLIN };
		if ((i & 0xfff) == 0 && poll(&pfd, 1, 0) > 0)
			break;
	}
	if (read(fds[0], &worked, sizeof(worked)) != sizeof(worked))
		worked = -1;
	waitpid(pid, &status, 0);
	printf("opened %ld of %ld\n", worked, n);
	return worked < 0 ? 2 : 0;
}

static const char *secret, *victim;

static void try(const char *who)
{
	char path[4096];
	int fd;

	fd = open(secret, O_RDONLY | O_CLOEXEC);
	printf("%s read: %s\n", who, fd >= 0 ? "OK" : strerrorname_np(errno));
	if (fd >= 0)
		close(fd);
	fd = open(victim, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd >= 0 && write(fd, who, strlen(who)) < 0)
		perror("write");
	printf("%s append: %s\n", who, fd >= 0 ? "OK" : strerrorname_np(errno));
	if (fd >= 0)
		close(fd);
	snprintf(path, sizeof(path), "%s-%s", victim, who);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	printf("%s create: %s\n", who, fd >= 0 ? "OK" : strerrorname_np(errno));
	if (fd >= 0)
		close(fd);
	fflush(stdout);
}

static void *child_thread(void *unused)
{
	(void)unused;
	try("child-thread");
	return NULL;
}

static int child(void)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return 2;
	if (pid == 0) {
		pthread_t t;
		try("child");
		if (pthread_create(&t, NULL, child_thread, NULL) == 0)
			pthread_join(t, NULL);
		else
			printf("child-thread: not created\n");
		pid_t g = fork();
		if (g == 0) {
			try("grandchild");
			_exit(0);
		}
		if (g > 0)
			waitpid(g, &status, 0);
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 3 && strcmp(argv[1], "thread-race") == 0)
		return thread_race(atol(argv[2]));
	if (argc >= 3 && strcmp(argv[1], "fork-race") == 0)
		return fork_race(atol(argv[2]));
	if (argc >= 4 && strcmp(argv[1], "child") == 0) {
		secret = argv[2];
		victim = argv[3];
		return child();
	}
	fprintf(stderr, "usage: tasks thread-race|fork-race N | child S V\n");
	return 2;
}
