/* Read files outside the trees the policy lets a program read: the
 * shadow and passwd files, through plain paths and "..". Any that opens
 * is an escape (as root, without kernel-enforced file rules, all do). */
#include "hostile.h"
#include <fcntl.h>
int main(void)
{
	static const char *const paths[] = { "/etc/shadow", "/etc/passwd",
		"../../../../../../../../etc/passwd", "/root/.bashrc" };
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		int fd = open(paths[i], O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			escaped("opened %s for reading", paths[i]);
		printf("%s: %s\n", paths[i], strerror(errno));
	}
	return 0;
}
