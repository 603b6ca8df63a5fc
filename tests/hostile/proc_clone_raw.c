/* clone(SIGCHLD) as a raw syscall: RF at clone. */
#include "hostile.h"
#include <signal.h>
int main(void)
{
	long pid = raw_syscall6(SYS_clone, SIGCHLD, 0, 0, 0, 0, 0);
	if (pid == 0)
		_exit(0);
	MUST_NOT_RETURN(pid);
}
