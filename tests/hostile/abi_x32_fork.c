/* x32 fork (57 | 0x40000000): RF. */
#include "hostile.h"
int main(void)
{
	long r = raw_syscall6(57 | X32_BIT, 0, 0, 0, 0, 0, 0);
	if (r == 0)
		_exit(0);
	MUST_NOT_RETURN(r);
}
