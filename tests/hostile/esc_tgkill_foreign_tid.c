/* tgkill(self, <the supervisor's tid>, SIGUSR2): the first argument is its
 * own pid, which the policy allows; the kernel must then refuse the
 * foreign thread (ESRCH). Verdict OK; the supervisor must get nothing. */
#include "hostile.h"
#include <signal.h>
int main(void)
{
	long r = syscall(SYS_tgkill, getpid(), getppid(), SIGUSR2);
	if (r == 0)
		escaped("tgkill reached the supervisor");
	printf("tgkill: %s\n", strerror(errno));
	return 0;
}
