/* The disk quota is per file (RLIMIT_FSIZE): 8 files of 512 KiB each stay
 * under a 1 MiB quota. Documented limit, not a bypass: verdict OK. */
#include "hostile.h"
#include <fcntl.h>
int main(void)
{
	static char buf[1 << 19];
	memset(buf, 'm', sizeof(buf));
	for (int i = 0; i < 8; i++) {
		char name[32];
		snprintf(name, sizeof(name), "part%d.out", i);
		int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			return 3;
		close(fd);
	}
	return 0;
}
