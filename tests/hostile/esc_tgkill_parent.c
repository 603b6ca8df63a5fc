/* tgkill(ppid, ppid, SIGKILL): RF. */
#include "hostile.h"
#include <signal.h>
int main(void)
{
	MUST_NOT_RETURN(syscall(SYS_tgkill, getppid(), getppid(), SIGKILL));
}
