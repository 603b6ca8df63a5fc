/*
 * bench/open_files N -- open "bench-out.txt" in the working directory for
 * writing (creating it the first time) N times (default 5000), closing it
 * each time, and exit 0. The program of the file-rules section of `make
 * bench`: every open is a write open, which the default policy of 0.4.0
 * stopped for, and which now runs in the kernel (Landlock decides).
 */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 5000;

	for (long i = 0; i < n; i++) {
		int fd = open("bench-out.txt", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0 || close(fd) != 0)
			return 1;
	}
	return 0;
}
