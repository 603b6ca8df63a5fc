/* Grows its resident memory by 1 MiB 40 times, burning 4 ms of its own CPU
 * time in between (about 160 ms in all, however loaded the host: a spin
 * timed on the wall clock got a share of that on a busy host), then exits
 * 0: a memory curve for the profile tests. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

static long cpu_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return t.tv_sec * 1000000000L + t.tv_nsec;
}

int main(void)
{
	static char *blocks[64];
	volatile unsigned long spin = 0;

	for (int i = 0; i < 40; i++) {
		blocks[i] = malloc(1 << 20);
		if (!blocks[i])
			return 1;
		memset(blocks[i], i + 1, 1 << 20);
		long t0 = cpu_ns();
		do {
			for (int k = 0; k < 10000; k++)
				spin++;
		} while (cpu_ns() - t0 < 4000000L);
	}
	return blocks[39][0] == 40 ? 0 : 2;
}
