/* Seek 1 GiB into its own file and write one byte (a sparse file uses
 * no disk but its size is over the quota). OL. */
#include "hostile.h"
#include <fcntl.h>
int main(void)
{
	int fd = open("sparse.out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return 3;
	if (lseek(fd, 1L << 30, SEEK_SET) < 0)
		return 3;
	if (write(fd, "x", 1) == 1)
		escaped("wrote at offset 1 GiB under a disk quota");
	return 0;
}
