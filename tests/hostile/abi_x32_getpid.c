/* x32 getpid (39 | 0x40000000): RF (x32 ABI). */
#include "hostile.h"
int main(void)
{
	MUST_NOT_RETURN(raw_syscall6(39 | X32_BIT, 0, 0, 0, 0, 0, 0));
}
