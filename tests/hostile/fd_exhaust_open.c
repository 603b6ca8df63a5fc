/* Open /dev/null read-only until EMFILE; report and exit 0. OK. */
#include "hostile.h"
#include <fcntl.h>
int main(void)
{
	int n = 0;
	while (open("/dev/null", O_RDONLY) >= 0)
		n++;
	printf("%d descriptors, then %s\n", n, strerror(errno));
	return errno == EMFILE ? 0 : 3;
}
