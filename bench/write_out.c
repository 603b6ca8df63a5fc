/*
 * bench/write_out MB -- write MB mebibytes (default 64) to standard output
 * in 64 KiB write() calls and exit 0. The program of the output-capture
 * cost section of `make bench`.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static char buf[65536];
	long mb = argc > 1 ? atol(argv[1]) : 64;

	memset(buf, 'x', sizeof(buf));
	for (long i = 0; i < mb * 16; i++) {
		size_t off = 0;
		while (off < sizeof(buf)) {
			ssize_t n = write(1, buf + off, sizeof(buf) - off);
			if (n <= 0)
				return 1;
			off += (size_t)n;
		}
	}
	return 0;
}
