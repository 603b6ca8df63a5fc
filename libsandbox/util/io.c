/*
 * Writing: a whole buffer to a descriptor, and the record a child that
 * failed before exec sends to its parent.
 */
#include "config.h"
#include "util/util.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

int sb_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

_Noreturn void sb_child_fail(int errfd, int err, const char *step)
{
	struct sb_child_error e;

	memset(&e, 0, sizeof(e));
	e.err = err ? err : EINVAL;
	for (size_t i = 0; step[i] && i + 1 < sizeof(e.step); i++)
		e.step[i] = step[i];
	/* One write below PIPE_BUF into a pipe is never short. */
	while (write(errfd, &e, sizeof(e)) < 0 && errno == EINTR)
		;
	_exit(127);
}
