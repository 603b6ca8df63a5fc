/* Open /proc/self/mem for writing (a write open outside the working
 * directory): EACCES from the file rules (ENOENT in a mount view, which
 * has no /proc). Exit 0 when refused. Verdict OK. */
#include "hostile.h"
#include <fcntl.h>
int main(void)
{
	int fd = open("/proc/self/mem", O_RDWR);
	if (fd >= 0)
		escaped("/proc/self/mem opened read-write");
	printf("refused: %s\n", strerror(errno));
	return errno == EACCES || errno == ENOENT ? 0 : 3;
}
