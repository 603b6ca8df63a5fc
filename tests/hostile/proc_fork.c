/* fork() through glibc (clone with SIGCHLD): RF at clone. */
#include "hostile.h"
#include <sys/wait.h>
int main(void)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	MUST_NOT_RETURN(pid);
}
