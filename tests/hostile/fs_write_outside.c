/* Create files outside the working directory: beside it (".."), in /tmp,
 * through /proc/self/cwd/.., and through a directory descriptor of the
 * parent. Each that gets created is removed and reported. */
#include "hostile.h"
#include <fcntl.h>
static void try(int dirfd, const char *path)
{
	int fd = openat(dirfd, path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd >= 0) {
		unlinkat(dirfd, path, 0);
		escaped("created %s", path);
	}
	printf("%s: %s\n", path, strerror(errno));
}
int main(void)
{
	char name[64];
	snprintf(name, sizeof(name), "/tmp/hostile-escape-%d", (int)getpid());
	try(AT_FDCWD, "../hostile-escape");
	try(AT_FDCWD, name);
	try(AT_FDCWD, "/proc/self/cwd/../hostile-escape-proc");
	int up = open("..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (up >= 0)
		try(up, "hostile-escape-dirfd");
	else
		printf("open ..: %s\n", strerror(errno));
	return 0;
}
