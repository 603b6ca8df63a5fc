/* ftruncate its own file to 1 GiB. OL. */
#include "hostile.h"
#include <fcntl.h>
int main(void)
{
	int fd = open("trunc.out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return 3;
	if (ftruncate(fd, 1L << 30) == 0)
		escaped("ftruncate to 1 GiB under a disk quota");
	return 0;
}
