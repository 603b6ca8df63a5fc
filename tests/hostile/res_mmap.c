/* Anonymous mmap, 4 MiB at a time, touched. ML. */
#include "hostile.h"
#include <sys/mman.h>
int main(void)
{
	for (;;) {
		char *p = mmap(NULL, 4 << 20, PROT_READ | PROT_WRITE,
		               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return 1;
		memset(p, 1, 4 << 20);
	}
}
