/* Copy /bin/true into a memfd and fexecve() it: RF at memfd_create (or
 * at the execveat should memfd_create ever be allowed). */
#include "hostile.h"
#include <fcntl.h>
#include <sys/mman.h>
int main(void)
{
	char buf[65536];
	char *argv[] = { "true", NULL };
	char *envp[] = { NULL };
	ssize_t n;
	int in, fd = memfd_create("payload", 0);

	if (fd < 0)
		escaped("memfd_create returned -1 (%s) instead of a kill",
		        strerror(errno));
	in = open("/bin/true", O_RDONLY);
	while (in >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(fd, buf, (size_t)n) != n)
			break;
	MUST_NOT_RETURN(fexecve(fd, argv, envp));
}
