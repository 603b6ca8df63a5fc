/* vfork(): RF at vfork. */
#include "hostile.h"
int main(void)
{
	pid_t pid = vfork();
	if (pid == 0)
		_exit(0);
	MUST_NOT_RETURN(pid);
}
