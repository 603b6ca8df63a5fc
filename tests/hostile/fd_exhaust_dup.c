/* dup() until EMFILE, then report failure with exit 1. AT. */
#include "hostile.h"
int main(void)
{
	int n = 0;
	while (dup(0) >= 0)
		n++;
	fprintf(stderr, "%d dups, then %s\n", n, strerror(errno));
	return errno == EMFILE ? 1 : 3;
}
