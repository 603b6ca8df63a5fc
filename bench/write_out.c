/*
 * bench/write_out MB [SIZE] -- write MB mebibytes (default 64) to standard
 * output in write() calls of SIZE bytes (default 65536, at most that) and
 * exit 0. The program of the output-capture cost section of `make bench`:
 * 64 KiB writes for the throughput, 8-byte writes for a program that
 * writes every line of its answer on its own.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static char buf[65536];
	long mb = argc > 1 ? atol(argv[1]) : 64;
	long size = argc > 2 ? atol(argv[2]) : (long)sizeof(buf);

	if (size < 1 || size > (long)sizeof(buf) || (1048576 % size) != 0)
		return 2;
	memset(buf, 'x', sizeof(buf));
	for (long i = 0; i < mb * (1048576 / size); i++) {
		size_t off = 0;
		while (off < (size_t)size) {
			ssize_t n = write(1, buf + off, (size_t)size - off);
			if (n <= 0)
				return 1;
			off += (size_t)n;
		}
	}
	return 0;
}
