/* both N: writes N lines "out NNNNNN\n" to stdout and N lines
 * "err NNNNNN\n" to stderr (11 bytes each), unbuffered, interleaved;
 * exits 0. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1;
	char line[32];

	for (long i = 0; i < n; i++) {
		int len = snprintf(line, sizeof(line), "out %06ld\n", i % 1000000);
		if (write(1, line, (size_t)len) != len)
			return 2;
		line[0] = 'e', line[1] = 'r', line[2] = 'r';
		if (write(2, line, (size_t)len) != len)
			return 2;
	}
	return 0;
}
