/* File operations for the file-rule suite (tests/check_files.c): runs the
 * operations named by its arguments, in order, and prints one line each,
 * "OP ARG = OK" or "OP ARG = ENAME", then what it read (a file's first
 * line, a directory's names). It always exits 0: the suite judges the
 * lines, and the file system afterwards.
 *
 *   read:P      open P read-only, print its first line
 *   write:P     create or truncate P, write "written\n"
 *   append:P    open P O_WRONLY|O_APPEND, write
 *   trunc:P     truncate(2) P to 0
 *   otrunc:P    open P O_RDONLY|O_TRUNC
 *   list:P      open the directory P, print its names
 *   mkdir:P  rmdir:P  unlink:P  mkfifo:P
 *   rename:A:B  link:A:B  symlink:TARGET:LINK
 *   at:FD:REL   openat(FD, REL) read-only (FD: one it was given)
 *   reopen:P    open P, then /proc/self/fd/N of it for writing
 *   exec:P      execve P (the policies here refuse it: RF)
 *   chmod:MODE:P  fchmod:MODE:P  fchmodat:MODE:P   MODE in octal
 *   create:MODE:P  open P with O_CREAT|O_EXCL and MODE (umask 0)
 *   fdchmod:MODE:N  fchmod(N, MODE)  dupchmod:MODE:N  fchmod(dup(N), MODE)
 *   futimens:N  futimens(N) to 1970   emptyutimes:N  utimensat(N, "",
 *               1970, AT_EMPTY_PATH)  utimes:P  utimensat(P) to 1970
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static void result(const char *op, const char *arg, int rc)
{
	printf("%s %s = %s\n", op, arg, rc < 0 ? strerrorname_np(errno) : "OK");
}

static int show(int fd)
{
	char buf[256];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);

	if (n < 0)
		return -1;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	printf("  content: %s\n", buf);
	return 0;
}

static int list(const char *path)
{
	char buf[4096];
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	long n;

	if (fd < 0)
		return -1;
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0)
		for (long off = 0; off < n;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);
			printf("  name: %s\n", d->d_name);
			off += d->d_reclen;
		}
	close(fd);
	return n < 0 ? -1 : 0;
}

static int with_mode(const char *op, mode_t mode, const char *path)
{
	int fd, rc;

	if (strcmp(op, "chmod") == 0)
		return chmod(path, mode);
	if (strcmp(op, "fchmodat") == 0)
		return fchmodat(AT_FDCWD, path, mode, 0);
	if (strcmp(op, "create") == 0) {
		umask(0);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
		return fd < 0 ? -1 : close(fd);
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	rc = fchmod(fd, mode);
	close(fd);
	return rc;
}

/* fchmod of descriptor N, or of a dup() of it. */
static int fd_mode(const char *op, mode_t mode, int fd)
{
	int d, rc;

	if (strcmp(op, "fdchmod") == 0)
		return fchmod(fd, mode);
	if ((d = dup(fd)) < 0)
		return -1;
	rc = fchmod(d, mode);
	close(d);
	return rc;
}

static const struct timespec epoch[2] = { { 0, 0 }, { 0, 0 } };

static int two(const char *op, char *arg)
{
	char *b = strchr(arg, ':');

	if (!b) {
		errno = EINVAL;
		return -1;
	}
	*b++ = '\0';
	if (strcmp(op, "rename") == 0)
		return rename(arg, b);
	if (strcmp(op, "link") == 0)
		return link(arg, b);
	if (strcmp(op, "symlink") == 0)
		return symlink(arg, b);
	if (strcmp(op, "chmod") == 0 || strcmp(op, "fchmod") == 0 ||
	    strcmp(op, "fchmodat") == 0 || strcmp(op, "create") == 0)
		return with_mode(op, (mode_t)strtoul(arg, NULL, 8), b);
	if (strcmp(op, "fdchmod") == 0 || strcmp(op, "dupchmod") == 0)
		return fd_mode(op, (mode_t)strtoul(arg, NULL, 8), atoi(b));
	if (strcmp(op, "at") == 0) {
		int fd = openat(atoi(arg), b, O_RDONLY | O_CLOEXEC), rc;
		if (fd < 0)
			return -1;
		rc = show(fd);
		close(fd);
		return rc;
	}
	errno = EINVAL;
	return -1;
}

static int one(const char *op, const char *arg)
{
	char proc[64];
	int fd, fd2, rc;

	if (strcmp(op, "read") == 0) {
		if ((fd = open(arg, O_RDONLY | O_CLOEXEC)) < 0)
			return -1;
		rc = show(fd);
		close(fd);
		return rc;
	}
	if (strcmp(op, "write") == 0 || strcmp(op, "append") == 0) {
		int fl = strcmp(op, "write") == 0 ? O_CREAT | O_TRUNC : O_APPEND;
		if ((fd = open(arg, O_WRONLY | O_CLOEXEC | fl, 0644)) < 0)
			return -1;
		rc = write(fd, "written\n", 8) == 8 ? 0 : -1;
		close(fd);
		return rc;
	}
	if (strcmp(op, "trunc") == 0)
		return truncate(arg, 0);
	if (strcmp(op, "otrunc") == 0) {
		if ((fd = open(arg, O_RDONLY | O_TRUNC | O_CLOEXEC)) < 0)
			return -1;
		return close(fd);
	}
	if (strcmp(op, "list") == 0)
		return list(arg);
	if (strcmp(op, "mkdir") == 0)
		return mkdir(arg, 0755);
	if (strcmp(op, "rmdir") == 0)
		return rmdir(arg);
	if (strcmp(op, "unlink") == 0)
		return unlink(arg);
	if (strcmp(op, "mkfifo") == 0)
		return mkfifo(arg, 0644);
	if (strcmp(op, "reopen") == 0) {
		if ((fd = open(arg, O_RDONLY | O_CLOEXEC)) < 0)
			return -1;
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		fd2 = open(proc, O_WRONLY | O_APPEND | O_CLOEXEC);
		close(fd);
		if (fd2 < 0)
			return -1;
		rc = write(fd2, "written\n", 8) == 8 ? 0 : -1;
		close(fd2);
		return rc;
	}
	if (strcmp(op, "futimens") == 0)
		return futimens(atoi(arg), epoch);
	if (strcmp(op, "emptyutimes") == 0)
		return utimensat(atoi(arg), "", epoch, AT_EMPTY_PATH);
	if (strcmp(op, "utimes") == 0)
		return utimensat(AT_FDCWD, arg, epoch, 0);
	if (strcmp(op, "exec") == 0) {
		char *argv[] = { (char *)arg, NULL };
		return execv(arg, argv);
	}
	errno = EINVAL;
	return -1;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 1; i < argc; i++) {
		char *op = strdup(argv[i]), *arg = strchr(op, ':');
		int rc;
		if (!arg) {
			result(op, "", (errno = EINVAL, -1));
			continue;
		}
		*arg++ = '\0';
		if (strcmp(op, "rename") == 0 || strcmp(op, "link") == 0 ||
		    strcmp(op, "symlink") == 0 || strcmp(op, "at") == 0 ||
		    strcmp(op, "chmod") == 0 || strcmp(op, "fchmod") == 0 ||
		    strcmp(op, "fchmodat") == 0 || strcmp(op, "create") == 0 ||
		    strcmp(op, "fdchmod") == 0 || strcmp(op, "dupchmod") == 0) {
			char *copy = strdup(arg);
			rc = two(op, copy);
			free(copy);
		} else {
			rc = one(op, arg);
		}
		result(op, arg, rc);
		free(op);
	}
	return 0;
}
