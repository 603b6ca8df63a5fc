/* sched_yield in a loop (CPU time mostly in the kernel). TL (CPU). */
#include "hostile.h"
#include <sched.h>
int main(void)
{
	for (;;)
		sched_yield();
}
