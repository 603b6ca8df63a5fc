/* The default policy lets a program open for writing any *relative* path
 * without "..": "in the working directory". When the working directory is
 * "/" (a daemon's usual cwd, and the default when sandbox_set_workdir() is
 * not called), "proc/<ppid>/mem" is such a path: write access to the
 * supervisor's memory. Run with workdir=/ (expected.tsv). The open must be
 * refused. Expected OK (refused, exit 0). Nothing is written. */
#include "hostile.h"
#include <fcntl.h>
int main(void)
{
	char path[64];
	snprintf(path, sizeof(path), "proc/%d/mem", (int)getppid());
	int fd = open(path, O_WRONLY);
	if (fd >= 0)
		escaped("%s (relative to cwd /) opened for writing", path);
	printf("refused: %s\n", strerror(errno));
	return 0;
}
