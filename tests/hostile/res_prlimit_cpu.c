/* prlimit64(0, RLIMIT_CPU, infinity): EPERM, then spin. TL (CPU). */
#include "hostile.h"
#include <sys/resource.h>
int main(void)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	if (prlimit(0, RLIMIT_CPU, &rl, NULL) == 0)
		escaped("prlimit(RLIMIT_CPU, infinity) succeeded");
	spin();
}
