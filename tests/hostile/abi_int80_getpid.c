/* i386 getpid (20) through int $0x80: RF (i386 ABI, even harmless). */
#include "hostile.h"
int main(void)
{
	MUST_NOT_RETURN(int80(20, 0, 0, 0));
}
