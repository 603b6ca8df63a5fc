/* Sleeps 10 s (wall-clock TL). With argument "pid", first prints its own
 * pid on stdout (flushed) so a test can find the sandboxed process. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec ts = { .tv_sec = 10, .tv_nsec = 0 };

	if (argc > 1 && strcmp(argv[1], "pid") == 0) {
		printf("%ld\n", (long)getpid());
		fflush(stdout);
	}
	while (nanosleep(&ts, &ts) != 0)
		;
	return 0;
}
