/*
 * Solutions of the test interactor's game (interactor.c), one behaviour
 * per argument:
 *
 *   correct  binary search, "! x" when found
 *   wrong    the same, then answers x + 1
 *   slow     reads N, then computes forever (CPU time limit)
 *   crash    one query, then SIGSEGV
 *   noread   reads N, then asks "? 1" forever without reading a reply
 *   nowrite  reads N, then waits for more (nobody will write): idle
 *   noflush  binary search through stdio without flushing: idle
 *   closeout reads N, closes its stdout, reads its stdin to the end
 *   sigpipe  reads N, raises SIGPIPE
 *   extra    correct, then writes 1 MiB more and ends well
 *   stderr   correct, writing 8 MiB to its stderr on the way
 *   threaded a second thread (asleep), then wrong, then reads its stdin to
 *            the end: the interactor ends while the program has two tasks
 *   flood N  sends N bytes (byte i is (i*131+7) & 255) 64 KiB at a time,
 *            reading each chunk's echo (xor 0xa5) before the next; checks
 *            every byte; then closes stdout and expects end of file
 */
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long read_long(void)
{
	long v;
	if (scanf("%ld", &v) != 1)
		exit(4);
	return v;
}

/* Binary search over 1..n, flushing each query unless told not to. */
static long search(long n, bool flush)
{
	long lo = 1, hi = n;
	char r[8];

	while (lo < hi) {
		long mid = lo + (hi - lo) / 2;
		printf("? %ld\n", mid);
		if (flush)
			fflush(stdout);
		if (scanf("%7s", r) != 1)
			exit(5);
		if (!strcmp(r, "="))
			return mid;
		if (!strcmp(r, "<"))
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	return lo;
}

static int flood(long n)
{
	static unsigned char out[65536], in[65536];
	long sent = 0;

	while (sent < n) {
		size_t len = n - sent < (long)sizeof(out) ? (size_t)(n - sent)
		                                          : sizeof(out);
		for (size_t i = 0; i < len; i++)
			out[i] = (unsigned char)(((sent + (long)i) * 131 + 7) & 255);
		for (size_t off = 0; off < len; ) {
			ssize_t w = write(1, out + off, len - off);
			if (w <= 0)
				return 6;
			off += (size_t)w;
		}
		for (size_t off = 0; off < len; ) {
			ssize_t r = read(0, in + off, len - off);
			if (r <= 0)
				return 7;
			off += (size_t)r;
		}
		for (size_t i = 0; i < len; i++)
			if (in[i] != (out[i] ^ 0xa5))
				return 8;
		sent += (long)len;
	}
	close(1);
	return read(0, in, 1) == 0 ? 0 : 9;
}

static void *asleep(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "correct";
	static char big[1 << 20];

	if (!strcmp(mode, "flood"))
		return flood(argc > 2 ? atol(argv[2]) : 0);
	if (!strcmp(mode, "threaded")) {
		pthread_t t;
		if (pthread_create(&t, NULL, asleep, NULL) != 0)
			return 10;
	}
	long n = read_long();
	if (!strcmp(mode, "slow"))
		for (volatile unsigned long i = 0;; i++)
			;
	if (!strcmp(mode, "nowrite"))
		return (int)read_long();
	if (!strcmp(mode, "sigpipe"))
		raise(SIGPIPE);
	if (!strcmp(mode, "noread"))
		for (;;) {
			printf("? 1\n");
			fflush(stdout);
		}
	if (!strcmp(mode, "closeout")) {
		char c;
		fclose(stdout);
		while (read(0, &c, 1) > 0)
			;
		return 0;
	}
	if (!strcmp(mode, "crash")) {
		char r[8];
		printf("? 1\n");
		fflush(stdout);
		if (scanf("%7s", r) == 1)
			raise(SIGSEGV);
		return 3;
	}
	if (!strcmp(mode, "stderr"))
		for (int i = 0; i < 8; i++)
			fwrite(big, 1, sizeof(big), stderr);
	long x = search(n, strcmp(mode, "noflush") != 0);
	printf("! %ld\n", !strcmp(mode, "wrong") || !strcmp(mode, "threaded")
	                   ? x + 1 : x);
	fflush(stdout);
	if (!strcmp(mode, "threaded"))
		while (getchar() != EOF)
			;
	if (!strcmp(mode, "extra"))
		fwrite(big, 1, sizeof(big), stdout);
	return 0;
}
