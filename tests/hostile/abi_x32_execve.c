/* x32 execve (520 | 0x40000000, the x32-only entry): RF. */
#include "hostile.h"
int main(void)
{
	char *argv[] = { "/bin/sh", NULL };
	MUST_NOT_RETURN(raw_syscall6(520 | X32_BIT, (long)"/bin/sh", (long)argv,
	                             0, 0, 0, 0));
}
