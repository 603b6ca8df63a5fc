/* Helper of tests/check_faults.c (not part of the corpus). argv[1]:
 *   hello    print "hello", exit 0
 *   pid      print the pid, then sleep until killed
 *   getppid  print the pid, wait for one byte on stdin, call getppid()
 *            (the call the fault tests' policy traces), then exit 0
 *   signal   raise SIGUSR1 (handled), then exit 0 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void on_usr1(int sig)
{
	(void)sig;
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "hello";
	char c;

	if (strcmp(what, "hello") == 0) {
		puts("hello");
		return 0;
	}
	if (strcmp(what, "signal") == 0) {
		signal(SIGUSR1, on_usr1);
		raise(SIGUSR1);
		return 0;
	}
	printf("%d\n", (int)getpid());
	fflush(stdout);
	if (strcmp(what, "pid") == 0)
		for (;;)
			pause();
	if (read(0, &c, 1) != 1)
		return 3;
	(void)getppid();
	return 0;
}
