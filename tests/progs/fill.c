/*
 * fill DIR COUNT SIZE [OUT]: write COUNT files of SIZE bytes in DIR (f0,
 * f1, ...), whatever fails on the way (ENOSPC, EFBIG, SIGXFSZ ignored),
 * then say how many bytes went in and exit 0: a program that parks data
 * in files and pretends all is well. With OUT, first OUT bytes of 'x' to
 * stdout (what it fails to write is not retried).
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static char buf[1 << 16];
	long long total = 0;

	if (argc != 4 && argc != 5)
		return 2;
	int n = atoi(argv[2]);
	long long size = atoll(argv[3]);
	signal(SIGXFSZ, SIG_IGN);
	memset(buf, 'x', sizeof(buf));
	for (long long out = argc == 5 ? atoll(argv[4]) : 0; out > 0; ) {
		ssize_t w = write(1, buf, out < (long long)sizeof(buf)
		                          ? (size_t)out : sizeof(buf));
		if (w <= 0)
			break;
		out -= w;
	}
	for (int i = 0; i < n; i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/f%d", argv[1], i);
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0)
			continue;
		for (long long left = size; left > 0; ) {
			ssize_t w = write(fd, buf, left < (long long)sizeof(buf)
			                          ? (size_t)left : sizeof(buf));
			if (w <= 0)
				break;
			left -= w;
			total += w;
		}
		close(fd);
	}
	printf("wrote %lld\n", total);
	return 0;
}
