/* Bring a file from outside into the working directory under another
 * name: a hard link (io-heavy allows link(2)). Reading it there would
 * bypass the read rules. (Renames in: tests/check_files.c, on files of
 * its own.) */
#include "hostile.h"
#include <fcntl.h>
int main(void)
{
	if (link("/etc/passwd", "passwd-link") == 0) {
		unlink("passwd-link");
		escaped("hard-linked /etc/passwd into the working directory");
	}
	printf("link: %s\n", strerror(errno));
	return 0;
}
