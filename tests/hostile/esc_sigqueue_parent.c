/* rt_sigqueueinfo to the supervisor: RF. */
#include "hostile.h"
#include <signal.h>
int main(void)
{
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	si.si_code = SI_QUEUE;
	MUST_NOT_RETURN(syscall(SYS_rt_sigqueueinfo, getppid(), SIGUSR2, &si));
}
