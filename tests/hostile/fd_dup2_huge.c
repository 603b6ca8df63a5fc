/* dup2 onto a huge descriptor number (grow the kernel's fd table past
 * RLIMIT_NOFILE): EBADF, exit 0. OK. */
#include "hostile.h"
int main(void)
{
	if (dup2(0, 1 << 30) >= 0)
		escaped("dup2 onto fd 2^30");
	printf("dup2: %s\n", strerror(errno));
	return 0;
}
