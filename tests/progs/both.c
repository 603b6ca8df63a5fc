/* both N: writes N lines "out NNNNNN\n" to stdout and N lines
 * "err NNNNNN\n" to stderr (11 bytes each), unbuffered, interleaved;
 * exits 0. both N threads: the same lines in the same order, stdout's
 * written by one thread and stderr's by another, taking turns (a
 * mutex and a condition variable: the order is fixed). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long n;
static long turn; /* 2 * line + (0: stdout's turn, 1: stderr's) */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;

static int put(int fd, long i)
{
	char line[32];
	int len = snprintf(line, sizeof(line), "%s %06ld\n",
	                   fd == 1 ? "out" : "err", i % 1000000);
	return write(fd, line, (size_t)len) == len ? 0 : 2;
}

static void *writer(void *arg)
{
	long fd = (long)arg, rc = 0;

	for (long i = 0; i < n && !rc; i++) {
		pthread_mutex_lock(&lock);
		while (turn != 2 * i + fd - 1)
			pthread_cond_wait(&changed, &lock);
		rc = put((int)fd, i);
		turn++;
		pthread_cond_broadcast(&changed);
		pthread_mutex_unlock(&lock);
	}
	return (void *)rc;
}

int main(int argc, char **argv)
{
	n = argc > 1 ? atol(argv[1]) : 1;
	if (argc > 2 && strcmp(argv[2], "threads") == 0) {
		pthread_t t[2];
		void *rc[2];
		for (long k = 0; k < 2; k++)
			if (pthread_create(&t[k], NULL, writer, (void *)(k + 1)))
				return 3;
		for (int k = 0; k < 2; k++)
			pthread_join(t[k], &rc[k]);
		return rc[0] || rc[1] ? 2 : 0;
	}
	for (long i = 0; i < n; i++)
		if (put(1, i) || put(2, i))
			return 2;
	return 0;
}
