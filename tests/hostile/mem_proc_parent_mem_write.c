/* Open the supervisor's /proc/<ppid>/mem for writing: EACCES (ENOENT in a
 * mount view, which has no /proc). Verdict OK. (Nothing is written even
 * if the open succeeds.) */
#include "hostile.h"
#include <fcntl.h>
int main(void)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)getppid());
	int fd = open(path, O_WRONLY);
	if (fd >= 0)
		escaped("%s opened for writing", path);
	printf("refused: %s\n", strerror(errno));
	return errno == EACCES || errno == ENOENT ? 0 : 3;
}
