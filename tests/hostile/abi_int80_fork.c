/* i386 fork (2): RF. */
#include "hostile.h"
int main(void)
{
	long r = int80(2, 0, 0, 0);
	if (r == 0)
		_exit(0);
	MUST_NOT_RETURN(r);
}
