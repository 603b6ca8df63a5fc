/* prlimit64 on the supervisor (lower its RLIMIT_NOFILE to 0 so it can no
 * longer open anything): refused with EPERM. Exit 0. Verdict OK. */
#include "hostile.h"
#include <sys/resource.h>
int main(void)
{
	struct rlimit rl = { 0, 0 };
	if (prlimit(getppid(), RLIMIT_NOFILE, &rl, NULL) == 0)
		escaped("changed the supervisor's RLIMIT_NOFILE");
	printf("refused: %s\n", strerror(errno));
	return 0;
}
