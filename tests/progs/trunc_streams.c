/* trunc_streams KIB [keep]: writes KIB KiB to stdout and KIB KiB to
 * stderr, then truncates both to 0 bytes (ftruncate; fails on a pipe),
 * unless "keep"; exits 0 either way. What a program does to leave less
 * in its output files than it wrote (review-box2 C9). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static char kib[1024];
	long n = argc > 1 ? atol(argv[1]) : 1;

	memset(kib, 'x', sizeof(kib));
	for (int fd = 1; fd <= 2; fd++)
		for (long k = 0; k < n; k++)
			if (write(fd, kib, sizeof(kib)) != (ssize_t)sizeof(kib))
				return 2;
	if (argc > 2 && strcmp(argv[2], "keep") == 0)
		return 0;
	(void)!ftruncate(1, 0);
	(void)!ftruncate(2, 0);
	return 0;
}
