/* Read the supervisor's memory through /proc/<ppid>/mem (a judge keeps the
 * expected answers there). A read-only open is allowed by the default
 * policy; the kernel must refuse it: the program has no capability left
 * (the supervisor has CAP_SYS_PTRACE's superset), and under another uid
 * (uid=65534 in expected.tsv) it is not even the owner. Expected OK
 * (refused, exit 0). */
#include "hostile.h"
#include <fcntl.h>
int main(void)
{
	char path[64], buf[64];
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)getppid());
	int fd = open(path, O_RDONLY);
	if (fd >= 0 && pread(fd, buf, sizeof(buf), 0x400000) >= 0)
		escaped("read the supervisor's memory");
	printf("refused: %s\n", strerror(errno));
	return 0;
}
