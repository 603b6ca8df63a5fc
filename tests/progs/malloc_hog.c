/* Allocates and touches memory in 1 MB steps with malloc(). When malloc
 * fails it does what argv[1] says: "crash" (default: writes through the
 * null pointer), "exit" (exit 1) or "abort". Safety net: stops at 1 GB and
 * exits 0, so a broken quota cannot eat the host. */
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	const char *how = argc > 1 ? argv[1] : "crash";

	for (int mb = 0; mb < 1024; mb++) {
		char *p = malloc(1 << 20);
		if (p == NULL) {
			if (strcmp(how, "exit") == 0)
				exit(1);
			if (strcmp(how, "abort") == 0)
				abort();
			*(volatile char *)p = 1;
			return 2;
		}
		memset(p, mb & 0xff, 1 << 20);
	}
	return 0;
}
