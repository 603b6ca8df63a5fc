/* Prints the numbers of its open file descriptors (probing 0..1023 with
 * fcntl, so it needs no open()), space separated, then a newline. */
#include <fcntl.h>
#include <stdio.h>

int main(void)
{
	const char *sep = "";

	for (int fd = 0; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) != -1) {
			printf("%s%d", sep, fd);
			sep = " ";
		}
	putchar('\n');
	return 0;
}
