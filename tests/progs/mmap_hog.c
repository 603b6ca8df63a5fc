/* Maps anonymous memory 1 MB at a time and touches it. On failure calls
 * abort(). Stops at 1 GB (exit 0) as a safety net. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

int main(void)
{
	for (int mb = 0; mb < 1024; mb++) {
		void *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
		               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			abort();
		memset(p, 1, 1 << 20);
	}
	return 0;
}
