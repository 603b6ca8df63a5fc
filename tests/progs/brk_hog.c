/* Grows the heap with sbrk() 1 MB at a time, touching every page. On
 * failure exits 2. Stops at 1 GB (exit 0) as a safety net. */
#include <stdint.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	for (int mb = 0; mb < 1024; mb++) {
		void *p = sbrk(1 << 20);
		if (p == (void *)-1)
			return 2;
		memset(p, 1, 1 << 20);
	}
	return 0;
}
