/* The shared-mapping race against path checks (tests/check_files.c).
 *
 *   race_map flip FILE      map FILE shared and writable; say "ready" (a
 *                           file in the working directory), then flip
 *                           byte 1 between '\0' and '/' until a file
 *                           "done" appears
 *   race_map open FILE N    map FILE shared, read-only, and open its
 *                           first bytes as a path for writing N times;
 *                           then create "done" and print how many opens
 *                           worked
 *
 * FILE holds ".\0../victim": "." (a directory: EISDIR) while byte 1 is
 * '\0', "./../victim" (outside the working directory) while it is '/'. A
 * supervisor that reads the path while the program is stopped and lets
 * the kernel read it again is raced by the other process.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void touch(const char *name)
{
	int fd = open(name, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
}

int main(int argc, char **argv)
{
	int flip = argc >= 3 && strcmp(argv[1], "flip") == 0;
	int fd = argc >= 3 ? open(argv[2], (flip ? O_RDWR : O_RDONLY) | O_CLOEXEC)
	                   : -1;
	volatile char *map;
	long n, worked = 0;

	if (fd < 0) {
		printf("open %s: %s\n", argc >= 3 ? argv[2] : "?", strerror(errno));
		return 2;
	}
	map = mmap(NULL, 4096, PROT_READ | (flip ? PROT_WRITE : 0), MAP_SHARED,
	           fd, 0);
	if (map == MAP_FAILED) {
		printf("mmap: %s\n", strerror(errno));
		return 2;
	}
	if (flip) {
		touch("ready");
		for (unsigned long i = 0;; i++) {
			map[1] = (i & 1) ? '/' : '\0';
			if ((i & 0xfff) == 0 && access("done", F_OK) == 0)
				return 0;
		}
	}
	n = argc >= 4 ? atol(argv[3]) : 1000;
	for (long i = 0; i < n; i++) {
		int w = open((const char *)map, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		if (w >= 0) {
			worked++;
			close(w);
		}
	}
	touch("done");
	printf("opened %ld of %ld\n", worked, n);
	return 0;
}
