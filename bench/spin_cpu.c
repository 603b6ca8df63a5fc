/*
 * bench/spin_cpu MS -- burn MS milliseconds of user CPU time (measured with
 * CLOCK_PROCESS_CPUTIME_ID, default 200) and exit 0. The reference program
 * of the CPU-time accuracy check of `make bench`.
 */
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
	long ms = argc > 1 ? atol(argv[1]) : 200;
	long long target = (long long)ms * 1000000LL;
	struct timespec ts;
	volatile unsigned long x = 0;

	for (;;) {
		for (int i = 0; i < 10000; i++)
			x += (unsigned long)i * 2654435761u;
		/* clock_gettime(CLOCK_PROCESS_CPUTIME_ID) goes to the kernel:
		 * about one syscall per 10k iterations (a few us of work). */
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
		if ((long long)ts.tv_sec * 1000000000LL + ts.tv_nsec >= target)
			break;
	}
	return 0;
}
