/* writefile PATH [MODE]: create PATH (octal MODE, else 0644) for writing. Exit 0 on success, 13 when a
 * step (open, write, fsync, close) fails with EACCES, 2 on any other error. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int fd;

	if (argc != 2 && argc != 3)
		return 2;
	mode_t mode = argc == 3 ? (mode_t)strtoul(argv[2], NULL, 8) : 0644;
	fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, mode);
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
