/* writefile PATH: create PATH for writing. Exit 0 on success, 13 when a
 * step (open, write, fsync, close) fails with EACCES, 2 on any other error. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int fd;

	if (argc != 2)
		return 2;
	fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return errno == EACCES ? 13 : 2;
	if (write(fd, "x\n", 2) != 2)
		return errno == EACCES ? 13 : 2;
	if (fsync(fd) != 0)
		return errno == EACCES ? 13 : 2;
	if (close(fd) != 0)
		return errno == EACCES ? 13 : 2;
	return 0;
}
