/* Ignore SIGXFSZ, write until EFBIG, then exit 0. OL. */
#include "hostile.h"
#include <signal.h>
int main(void)
{
	static char buf[1 << 16];
	signal(SIGXFSZ, SIG_IGN);
	memset(buf, 'i', sizeof(buf));
	for (int i = 0; i < 1024; i++)
		if (write(1, buf, sizeof(buf)) < 0)
			return 0;
	return 0;
}
