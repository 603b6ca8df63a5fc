/* Block SIGXFSZ, write until EFBIG, then exit 0. OL. */
#include "hostile.h"
#include <signal.h>
int main(void)
{
	static char buf[1 << 16];
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGXFSZ);
	sigprocmask(SIG_BLOCK, &s, NULL);
	memset(buf, 'b', sizeof(buf));
	for (int i = 0; i < 1024; i++)
		if (write(1, buf, sizeof(buf)) < 0)
			return 0;
	return 0;
}
