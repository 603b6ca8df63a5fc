/* Grows its resident memory by 1 MiB every 4 ms, 40 times, burning a bit
 * of CPU in between, then exits 0: a memory curve for the profile tests. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

int main(void)
{
	static char *blocks[64];
	volatile unsigned long spin = 0;

	for (int i = 0; i < 40; i++) {
		blocks[i] = malloc(1 << 20);
		if (!blocks[i])
			return 1;
		memset(blocks[i], i + 1, 1 << 20);
		struct timespec t0, t;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		do {
			spin++;
			clock_gettime(CLOCK_MONOTONIC, &t);
		} while ((t.tv_sec - t0.tv_sec) * 1000000000L +
		         (t.tv_nsec - t0.tv_nsec) < 4000000L);
	}
	return blocks[39][0] == 40 ? 0 : 2;
}
