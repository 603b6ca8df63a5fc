/* Burns exactly-known CPU: spins until its own CPU clock reaches 300 ms
 * (or the number of ms in argv[1]), then exits 0. */
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
	long ms = argc > 1 ? atol(argv[1]) : 300;
	struct timespec ts;
	volatile unsigned long n = 0;

	for (;;) {
		for (int i = 0; i < 10000; i++)
			n++;
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
		if (ts.tv_sec * 1000L + ts.tv_nsec / 1000000L >= ms)
			return 0;
	}
}
