/* Grow one mapping with mremap(MREMAP_MAYMOVE) until it fails. ML. */
#include "hostile.h"
#include <sys/mman.h>
int main(void)
{
	size_t len = 1 << 20;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 3;
	for (;;) {
		char *q = mremap(p, len, len * 2, MREMAP_MAYMOVE);
		if (q == MAP_FAILED)
			return 0;
		p = q;
		len *= 2;
		memset(p, 1, len);
	}
}
