/* One huge MAP_NORESERVE mapping (64 GiB, never touched): vsize quota
 * refuses it; the program exits 0 on the failure. ML. */
#include "hostile.h"
#include <sys/mman.h>
int main(void)
{
	void *p = mmap(NULL, 64UL << 30, PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p != MAP_FAILED)
		escaped("64 GiB mapped under a memory quota");
	return 0;
}
