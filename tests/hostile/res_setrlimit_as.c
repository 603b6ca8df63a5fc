/* Raise RLIMIT_AS to infinity (refused: EPERM), then allocate far beyond
 * the memory quota. ML. setrlimit succeeding is an escape. */
#include "hostile.h"
#include <stdlib.h>
#include <sys/resource.h>
int main(void)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	if (setrlimit(RLIMIT_AS, &rl) == 0)
		escaped("setrlimit(RLIMIT_AS, infinity) succeeded");
	for (;;) {
		char *p = malloc(1 << 20);
		if (!p)
			return 0;
		memset(p, 1, 1 << 20);
	}
}
