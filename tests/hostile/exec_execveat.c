/* execveat(fd, "", AT_EMPTY_PATH) of a binary opened read-only (the
 * program's own: the only one the default policy's file rules let it
 * read and execute): RF. */
#include "hostile.h"
#include <fcntl.h>
int main(int argc, char **argv0)
{
	char *argv[] = { "true", NULL };
	char *envp[] = { NULL };
	int fd = argc > 0 ? open(argv0[0], O_RDONLY | O_CLOEXEC) : -1;
	if (fd < 0) {
		perror("open argv[0]");
		return 3;
	}
	MUST_NOT_RETURN(syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH));
}
