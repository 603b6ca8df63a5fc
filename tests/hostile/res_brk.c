/* Grow the heap with sbrk in 1 MiB steps and touch it. ML. */
#include "hostile.h"
int main(void)
{
	for (;;) {
		char *p = sbrk(1 << 20);
		if (p == (void *)-1)
			return 1;
		memset(p, 1, 1 << 20);
	}
}
