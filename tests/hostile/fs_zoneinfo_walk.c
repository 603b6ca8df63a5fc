/* A ".." walk through symbolic links of zoneinfo (posix/America is
 * ../America): each "posix/America/../" leaves the kernel where it was
 * and a textual normaliser one level deeper, so the path below reaches
 * /etc/passwd while it reads as a file under /usr/share/zoneinfo. Path
 * rules that normalise text let it through; the kernel's do not. */
#include "hostile.h"
#include <fcntl.h>
int main(void)
{
	const char *p = "/usr/share/zoneinfo/posix/America/../posix/America/.."
	                "/posix/America/../../../../etc/passwd";
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		escaped("opened %s", p);
	printf("%s: %s\n", p, strerror(errno));
	return 0;
}
