/* execveat(fd, "", AT_EMPTY_PATH) of a binary opened read-only (the
 * program's own: the only one the default policy's file rules let it
 * read and execute): RF. */
#include "hostile.h"
#include <fcntl.h>
int main(void)
{
	char *argv[] = { "true", NULL };
	char *envp[] = { NULL };
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror("open /proc/self/exe");
		return 3;
	}
	MUST_NOT_RETURN(syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH));
}
