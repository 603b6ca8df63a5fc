/* Unbounded recursion with a big frame. ML (the stack could not grow
 * within the quota). */
#include "hostile.h"
static volatile int forever = 1;
static int deep(int n)
{
	volatile char frame[4096];
	frame[0] = (char)n;
	if (!forever)
		return 0;
	return deep(n + 1) + frame[0];
}
int main(void)
{
	return deep(0);
}
