/* kill() with the supervisor's pid in the low 32 bits and junk above: the
 * kernel only looks at the low 32 bits, so a check on the full 64-bit
 * argument must not let it through. RF. */
#include "hostile.h"
#include <signal.h>
int main(void)
{
	long pid = (long)getppid() | (1L << 32);
	MUST_NOT_RETURN(raw_syscall6(SYS_kill, pid, SIGUSR2, 0, 0, 0, 0));
}
