/* pidfd_open(ppid) then pidfd_send_signal: RF at pidfd_open. */
#include "hostile.h"
#include <signal.h>
int main(void)
{
	int fd = (int)syscall(SYS_pidfd_open, getppid(), 0);
	if (fd >= 0)
		MUST_NOT_RETURN(syscall(SYS_pidfd_send_signal, fd, SIGUSR2, NULL, 0));
	MUST_NOT_RETURN(fd);
}
