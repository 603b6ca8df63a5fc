/* execveat(fd, "", AT_EMPTY_PATH) of a binary opened read-only: RF. */
#include "hostile.h"
#include <fcntl.h>
int main(void)
{
	char *argv[] = { "true", NULL };
	char *envp[] = { NULL };
	int fd = open("/bin/true", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror("open /bin/true");
		return 3;
	}
	MUST_NOT_RETURN(syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH));
}
