/* A thread tries what its process may not (tests/check_files.c): the
 * file rules hold for every thread. "threads PATH" opens PATH for
 * reading from a second thread and prints "thread: OK" or the errno's
 * name, then the same for writing "thread-escape" beside PATH. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *target;

static void *run(void *unused)
{
	char path[4096];
	int fd = open(target, O_RDONLY | O_CLOEXEC);

	(void)unused;
	printf("thread read: %s\n", fd >= 0 ? "OK" : strerrorname_np(errno));
	if (fd >= 0)
		close(fd);
	snprintf(path, sizeof(path), "%s-thread-escape", target);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	printf("thread write: %s\n", fd >= 0 ? "OK" : strerrorname_np(errno));
	if (fd >= 0)
		close(fd);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t;

	if (argc < 2)
		return 2;
	target = argv[1];
	if (pthread_create(&t, NULL, run, NULL) != 0)
		return 3;
	pthread_join(t, NULL);
	return 0;
}
