/*
 * A test interactor with testlib's conventions:
 *
 *   interactor INPUT OUTPUT [ANSWER]
 *
 * exit 0 accepted, 1 wrong answer, 2 presentation error, 3 judge failure,
 * 7 points; the comment goes to standard error ("ok ...", "wrong answer
 * ...", "points 0.5 ..."), the number of queries to OUTPUT.
 *
 * INPUT holds "MODE N SECRET MAXQ" (N, SECRET, MAXQ for the game):
 *   guess   the game: send N; "? x" gets "<" (the secret is smaller),
 *           ">" or "="; "! x" is the answer, right within MAXQ queries or
 *           wrong; end of file before it is a wrong answer
 *   points  the game, a right answer gives "points 0.5" (exit 7)
 *   hang    the game, then never ends (sleeps; end of file changes nothing)
 *   deaf    never reads, never ends (sleeps)
 *   spin    never reads, never ends: getppid() in a loop (each call a
 *           stop for a classic-mode tracer: CPU its supervisor spends)
 *   crash   SIGSEGV at the first query      fail  exit 3 at the first query
 *   pe      exit 2 at the first query       quiet accept at once (exit 0)
 *   sigpipe SIGPIPE at the first query
 *   chatty  the game, after 1 MiB of 'x' on standard error
 *   echo    N bytes come in, each byte i is (i*131+7) & 255; send each back
 *           xor 0xa5 as it arrives; all of them and nothing more: ok
 * ANSWER, when given, holds the secret again: a different one is FAIL.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static FILE *out;

static void put(long v)
{
	printf("%ld\n", v);
	fflush(stdout);
}

static void finish(int code, const char *what, long queries)
{
	if (out) {
		fprintf(out, "queries %ld\n", queries);
		fclose(out);
	}
	fprintf(stderr, "%s\n", what);
	exit(code);
}

static void at_first_query(const char *mode)
{
	if (!strcmp(mode, "crash"))
		raise(SIGSEGV);
	if (!strcmp(mode, "sigpipe"))
		raise(SIGPIPE);
	if (!strcmp(mode, "fail"))
		finish(3, "FAIL the test is broken", 1);
	if (!strcmp(mode, "pe"))
		finish(2, "wrong output format expected ? or !", 1);
}

static int echo(long n)
{
	static unsigned char buf[65536];
	long got = 0;
	ssize_t r;

	while ((r = read(0, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < r; i++, got++) {
			if (got >= n || buf[i] != (unsigned char)((got * 131 + 7) & 255))
				finish(1, "wrong answer byte out of pattern", got);
			buf[i] ^= 0xa5;
		}
		for (ssize_t off = 0; off < r; ) {
			ssize_t w = write(1, buf + off, (size_t)(r - off));
			if (w < 0)
				finish(3, "FAIL write", got);
			off += w;
		}
	}
	if (got != n)
		finish(1, "wrong answer fewer bytes than expected", got);
	finish(0, "ok all bytes", got);
	return 0;
}

int main(int argc, char **argv)
{
	char mode[32], cmd[8];
	long n = 0, secret = 0, maxq = 0, x, queries = 0;
	FILE *in;

	if (argc < 3 || !(in = fopen(argv[1], "r")))
		finish(3, "FAIL usage: interactor INPUT OUTPUT [ANSWER]", 0);
	if (fscanf(in, "%31s %ld %ld %ld", mode, &n, &secret, &maxq) < 2)
		finish(3, "FAIL bad input file", 0);
	fclose(in);
	if (!(out = fopen(argv[2], "w")))
		finish(3, "FAIL cannot write the output file", 0);
	if (argc > 3) {
		long a;
		FILE *ans = fopen(argv[3], "r");
		if (!ans || fscanf(ans, "%ld", &a) != 1 || a != secret)
			finish(3, "FAIL the answer file disagrees", 0);
		fclose(ans);
	}
	if (!strcmp(mode, "echo"))
		return echo(n);
	if (!strcmp(mode, "chatty")) {
		static char xs[1 << 20];
		memset(xs, 'x', sizeof(xs));
		if (fwrite(xs, 1, sizeof(xs), stderr) != sizeof(xs))
			finish(3, "FAIL stderr", 0);
	}
	if (!strcmp(mode, "deaf"))
		for (;;)
			pause();
	if (!strcmp(mode, "spin"))
		for (;;)
			getppid();
	put(n);
	if (!strcmp(mode, "quiet"))
		finish(0, "ok accepted without a question", 0);
	for (;;) {
		if (scanf("%7s %ld", cmd, &x) != 2)
			finish(1, "wrong answer unexpected end of file", queries);
		at_first_query(mode);
		if (!strcmp(cmd, "!"))
			break;
		if (strcmp(cmd, "?"))
			finish(2, "wrong output format expected ? or !", queries);
		if (++queries > maxq)
			finish(1, "wrong answer too many queries", queries);
		printf("%s\n", secret < x ? "<" : secret > x ? ">" : "=");
		fflush(stdout);
	}
	if (x != secret)
		finish(1, "wrong answer not the secret", queries);
	if (!strcmp(mode, "points"))
		finish(7, "points 0.5 found it, slowly", queries);
	if (!strcmp(mode, "hang"))
		for (;;)
			pause();
	finish(0, "ok found in time", queries);
	return 0;
}
