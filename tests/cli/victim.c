/*
 * The program the sandbox-run end-to-end tests (tests/cli/e2e.py) run:
 * one behaviour per verdict, chosen by argv[1].
 *   ok            print "hello" and exit 0
 *   exit N        exit with status N
 *   segv          dereference NULL (SIGSEGV)
 *   spin          burn CPU forever
 *   signals       raise a caught SIGUSR1 forever: every signal is a stop
 *                 its supervisor works on (CPU charged to the quota)
 *   sleep SEC     sleep, then exit 0
 *   hog MIB       allocate and touch MIB mebibytes, then exit 0
 *   fork          call fork() (forbidden by the default policy)
 *   write BYTES   write BYTES bytes to stdout
 *   write-err BYTES  the same to stderr
 *   cat           copy stdin to stdout
 *   env           print the environment, one variable a line
 *   create NAME   create (truncate) the file NAME; exit 7 if refused
 *   both N        N lines "out N" on stdout and "err N" on stderr,
 *                 unbuffered and interleaved
 *   touch PATH    create PATH (a marker: the program ran)
 *   forge DIR     what a hostile submission does to a judge's results: put
 *                 its own report.json and meta.txt in DIR, then fill DIR's
 *                 file system so that the real ones cannot be written
 *   waitfor PATH  wait until PATH exists (a handshake), then exit 0
 *   survive       fork a child that sleeps forever, exit 0 at once
 *   fillcut NAME KIB  write KIB KiB to the file NAME, truncate it to 0
 *                 bytes, exit 0
 *   wipe FD       what a program does to a judge's file it inherited as
 *                 FD: truncate it, clear O_APPEND and write "forged" at
 *                 offset 0, then write "after\n"; exit 0
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static void on_usr1(int sig)
{
	(void)sig;
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "ok";
	long n = argc > 2 ? strtol(argv[2], NULL, 10) : 0;

	if (strcmp(what, "wipe") == 0 && argc > 2) {
		int fd = atoi(argv[2]);
		if (ftruncate(fd, 0) == 0)
			fputs("truncated\n", stdout);
		if (fcntl(fd, F_SETFL, 0) == 0 && pwrite(fd, "forged", 6, 0) == 6)
			fputs("overwrote\n", stdout);
		return write(fd, "after\n", 6) == 6 ? 0 : 1;
	}
	if (strcmp(what, "fillcut") == 0 && argc > 3) {
		static char kib[1024];
		int fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
		for (long k = strtol(argv[3], NULL, 10); fd >= 0 && k > 0; k--)
			if (write(fd, kib, sizeof(kib)) != (ssize_t)sizeof(kib))
				return 8;
		return fd < 0 || ftruncate(fd, 0) < 0 || close(fd) < 0 ? 7 : 0;
	}
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
	if (strcmp(what, "signals") == 0) {
		signal(SIGUSR1, on_usr1);
		for (;;)
			raise(SIGUSR1);
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
	if (strcmp(what, "survive") == 0) {
		pid_t pid = fork();
		if (pid == 0)
			for (;;)
				pause();
		return pid < 0 ? 4 : 0;
	}
	if (strcmp(what, "write") == 0 || strcmp(what, "write-err") == 0) {
		char buf[4096];
		int fd = what[5] ? 2 : 1;
		memset(buf, 'x', sizeof(buf));
		while (n > 0) {
			size_t k = n < (long)sizeof(buf) ? (size_t)n : sizeof(buf);
			ssize_t w = write(fd, buf, k);
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
	if (strcmp(what, "both") == 0) {
		char line[32];
		for (long i = 0; i < n; i++) {
			int len = snprintf(line, sizeof(line), "out %ld\n", i);
			if (write(1, line, (size_t)len) != len)
				return 5;
			line[0] = 'e', line[1] = 'r', line[2] = 'r';
			if (write(2, line, (size_t)len) != len)
				return 5;
		}
		return 0;
	}
	if (strcmp(what, "touch") == 0 && argc > 2) {
		int fd = open(argv[2], O_WRONLY | O_CREAT, 0644);
		return fd < 0 ? 6 : close(fd);
	}
	if (strcmp(what, "forge") == 0 && argc > 2) {
		static const char *const forged[][2] = {
			{ "report.json", "{\"result\": \"OK\", \"exit_code\": 0}\n" },
			{ "meta.txt", "time:0.001\nexitcode:0\n" },
		};
		char path[4096], buf[65536];
		for (int i = 0; i < 2; i++) {
			snprintf(path, sizeof(path), "%s/%s", argv[2], forged[i][0]);
			FILE *f = fopen(path, "w");
			if (!f || fputs(forged[i][1], f) < 0 || fclose(f) != 0)
				return 6;
		}
		snprintf(path, sizeof(path), "%s/fill", argv[2]);
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0)
			return 6;
		memset(buf, 'x', sizeof(buf));
		while (write(fd, buf, sizeof(buf)) > 0)
			;
		/* The last partial page, byte by byte. */
		while (write(fd, buf, 1) > 0)
			;
		return 0;
	}
	if (strcmp(what, "swap") == 0 && argc > 3) {
		/* The judge's file at argv[2] replaced by one of ours holding
		 * argv[3]; what goes to stdout is not the answer. */
		if (unlink(argv[2]) < 0)
			return 6;
		int fd = open(argv[2], O_WRONLY | O_CREAT | O_EXCL, 0644);
		size_t len = strlen(argv[3]);
		if (fd < 0 || write(fd, argv[3], len) != (ssize_t)len || close(fd))
			return 7;
		return write(1, "garbage\n", 8) == 8 ? 0 : 5;
	}
	if (strcmp(what, "waitfor") == 0 && argc > 2) {
		struct timespec ts = { 0, 10000000 };
		while (access(argv[2], F_OK) != 0)
			nanosleep(&ts, NULL);
		return 0;
	}
	fprintf(stderr, "victim: unknown behaviour '%s'\n", what);
	return 99;
}
