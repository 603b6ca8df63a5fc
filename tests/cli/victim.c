/*
 * The program the sandbox-run end-to-end tests (tests/cli/e2e.py) run:
 * one behaviour per verdict, chosen by argv[1].
 *   ok            print "hello" and exit 0
 *   exit N        exit with status N
 *   segv          dereference NULL (SIGSEGV)
 *   spin          burn CPU forever
 *   sleep SEC     sleep, then exit 0
 *   hog MIB       allocate and touch MIB mebibytes, then exit 0
 *   fork          call fork() (forbidden by the default policy)
 *   write BYTES   write BYTES bytes to stdout
 *   cat           copy stdin to stdout
 *   env           print the environment, one variable a line
 *   create NAME   create (truncate) the file NAME; exit 7 if refused
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "ok";
	long n = argc > 2 ? strtol(argv[2], NULL, 10) : 0;

	if (strcmp(what, "ok") == 0) {
		fputs("hello\n", stdout);
		return 0;
	}
	if (strcmp(what, "exit") == 0)
		return (int)n;
	if (strcmp(what, "segv") == 0) {
		volatile int *p = NULL;
		return *p;
	}
	if (strcmp(what, "spin") == 0) {
		for (volatile unsigned long i = 0;; i++)
			;
	}
	if (strcmp(what, "sleep") == 0) {
		struct timespec ts = { .tv_sec = n };
		while (nanosleep(&ts, &ts) != 0)
			;
		return 0;
	}
	if (strcmp(what, "hog") == 0) {
		size_t len = (size_t)n << 20;
		char *p = malloc(len);
		if (!p)
			return 3;
		for (size_t i = 0; i < len; i += 4096)
			p[i] = 1;
		free(p);
		return 0;
	}
	if (strcmp(what, "fork") == 0) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
		return pid < 0 ? 4 : 0;
	}
	if (strcmp(what, "write") == 0) {
		char buf[4096];
		memset(buf, 'x', sizeof(buf));
		while (n > 0) {
			size_t k = n < (long)sizeof(buf) ? (size_t)n : sizeof(buf);
			ssize_t w = write(1, buf, k);
			if (w <= 0)
				return 5;
			n -= w;
		}
		return 0;
	}
	if (strcmp(what, "cat") == 0) {
		char buf[4096];
		ssize_t r;
		while ((r = read(0, buf, sizeof(buf))) > 0)
			if (write(1, buf, (size_t)r) != r)
				return 5;
		return r < 0 ? 6 : 0;
	}
	if (strcmp(what, "create") == 0) {
		int fd = argc > 2 ? open(argv[2], O_WRONLY | O_CREAT | O_TRUNC,
		                         0644) : -1;
		return fd < 0 ? 7 : close(fd);
	}
	if (strcmp(what, "env") == 0) {
		for (char **e = environ; *e; e++)
			puts(*e);
		return 0;
	}
	fprintf(stderr, "victim: unknown behaviour '%s'\n", what);
	return 99;
}
