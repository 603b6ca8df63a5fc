/* 64 MiB to a file it creates in its working directory. OL. */
#include "hostile.h"
#include <fcntl.h>
int main(void)
{
	static char buf[1 << 16];
	int fd = open("big.out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		printf("open: %s\n", strerror(errno));
		return 3;
	}
	memset(buf, 'z', sizeof(buf));
	for (int i = 0; i < 1024; i++)
		if (write(fd, buf, sizeof(buf)) < 0)
			return 1;
	return 0;
}
