/* prlimit64(getpid(), RLIMIT_AS, infinity) by explicit pid, reading the
 * old value at the same time: EPERM, then allocate. ML. */
#include "hostile.h"
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
int main(void)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY }, old;
	if (prlimit(getpid(), RLIMIT_AS, &rl, &old) == 0)
		escaped("prlimit(getpid(), RLIMIT_AS) succeeded");
	for (;;) {
		void *p = mmap(NULL, 16 << 20, PROT_READ | PROT_WRITE,
		               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return 0;
		memset(p, 1, 16 << 20);
	}
}
