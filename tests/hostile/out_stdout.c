/* 64 MiB to stdout (a file, or the capture pipe). OL. */
#include "hostile.h"
int main(void)
{
	static char buf[1 << 16];
	memset(buf, 'y', sizeof(buf));
	for (int i = 0; i < 1024; i++)
		if (write(1, buf, sizeof(buf)) < 0)
			return 1;
	return 0;
}
