/*
 * bench/threads_loop -- the multi-threaded programs of `make bench`.
 *
 *   threads_loop loop T N   T threads (not the first), each calling
 *                           getppid() N times through syscall(2); exit 0
 *   threads_loop storm N    create and join N threads that do nothing,
 *                           8 at a time; exit 0
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static void *loop(void *arg)
{
	long n = (long)(intptr_t)arg, acc = 0;

	for (long i = 0; i < n; i++)
		acc += syscall(SYS_getppid);
	return (void *)(intptr_t)(acc == 42); /* keeps the loop */
}

static void *nothing(void *arg)
{
	return arg;
}

int main(int argc, char **argv)
{
	pthread_t t[64];

	if (argc == 4 && strcmp(argv[1], "loop") == 0) {
		int k = atoi(argv[2]);
		long n = atol(argv[3]);
		if (k < 1 || k > 64)
			return 2;
		for (int i = 0; i < k; i++)
			if (pthread_create(&t[i], NULL, loop, (void *)(intptr_t)n))
				return 1;
		for (int i = 0; i < k; i++)
			pthread_join(t[i], NULL);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "storm") == 0) {
		long n = atol(argv[2]);
		for (long done = 0; done < n;) {
			int k = n - done < 8 ? (int)(n - done) : 8;
			for (int i = 0; i < k; i++)
				if (pthread_create(&t[i], NULL, nothing, NULL))
					return 1;
			for (int i = 0; i < k; i++)
				pthread_join(t[i], NULL);
			done += k;
		}
		return 0;
	}
	return 2;
}
