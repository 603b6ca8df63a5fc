/*
 * Writing: a whole buffer to a descriptor (as many writes as it takes), or
 * a control file that must get its text in one write (/proc, cgroupfs).
 * A short write is -EIO, never a stale errno. And a way to write to a
 * caller's pipe or terminal without ever blocking. And whether two
 * descriptors write to one place in one order.
 */
#include "config.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/kcmp.h>
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

int sb_write_once(int fd, const void *buf, size_t len)
{
	ssize_t n;

	do
		n = write(fd, buf, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

int sb_write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return -errno;
	rc = sb_write_once(fd, text, strlen(text));
	close(fd);
	return rc;
}

int sb_open_nonblocking(int fd, bool *own)
{
	struct stat st;
	char path[32];
	int fl;

	*own = false;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISFIFO(st.st_mode) && !S_ISCHR(st.st_mode))
		return fd; /* regular files do not block; sockets: MSG_DONTWAIT */
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || (fl & O_NONBLOCK))
		return fd;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	int n = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (n < 0)
		return fd; /* no /proc: the caller's descriptor, may block */
	*own = true;
	return n;
}

bool sb_same_description_guess(int a, int b)
{
	struct stat sa, sb;
	int fa = fcntl(a, F_GETFL), fb = fcntl(b, F_GETFL);

	if (fa < 0 || fa != fb || fstat(a, &sa) < 0 || fstat(b, &sb) < 0 ||
	    sa.st_dev != sb.st_dev || sa.st_ino != sb.st_ino)
		return false;
	off_t oa = lseek(a, 0, SEEK_CUR), ob = lseek(b, 0, SEEK_CUR);
	return oa == ob; /* both -1 (ESPIPE) for a pipe, a socket */
}

bool sb_same_description(int a, int b)
{
	pid_t me = getpid();
	long r = syscall(SYS_kcmp, me, me, KCMP_FILE, a, b);

	if (r >= 0)
		return r == 0;
	if (errno == EBADF)
		return false;
	return sb_same_description_guess(a, b);
}

bool sb_same_stream(int a, int b)
{
	struct stat sa, sb;

	if (fstat(a, &sa) < 0 || fstat(b, &sb) < 0 ||
	    sa.st_dev != sb.st_dev || sa.st_ino != sb.st_ino)
		return false;
	if (!S_ISREG(sa.st_mode) && !S_ISBLK(sa.st_mode))
		return true;
	int fa = fcntl(a, F_GETFL), fb = fcntl(b, F_GETFL);
	if (fa >= 0 && fb >= 0 && (fa & fb & O_APPEND))
		return true;
	return sb_same_description(a, b);
}
