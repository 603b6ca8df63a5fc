/* Reach the host's files through /proc: the process's root and cwd
 * magic links, and /proc/1/root (another process's root). */
#include "hostile.h"
#include <fcntl.h>
int main(void)
{
	static const char *const paths[] = { "/proc/self/root/etc/passwd",
		"/proc/self/cwd/../../../../etc/passwd", "/proc/1/root/etc/passwd",
		"/proc/self/environ", "/proc/1/cmdline" };
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		int fd = open(paths[i], O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			escaped("opened %s", paths[i]);
		printf("%s: %s\n", paths[i], strerror(errno));
	}
	return 0;
}
