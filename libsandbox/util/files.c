/*
 * Opening the files a supervisor reads or writes around a run (the
 * program's standard streams, reports, traces) so that nothing the program
 * may have planted redirects it: see sandbox_open_file() in sandbox.h for
 * the rules. The directory part is resolved with openat2(2) and
 * RESOLVE_NO_SYMLINKS: no symbolic link at all, not even one root owns
 * (a program left running as root could have made it).
 */
#include "config.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int sb_open_dir(const char *dir)
{
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, AT_FDCWD, dir, &how, sizeof(how));
	return fd < 0 ? -errno : fd;
}

int sb_open_parent(const char *path, char *base, size_t len)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	char dir[PATH_MAX];

	if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return -EISDIR;
	if (strlen(name) >= len || strlen(name) > NAME_MAX)
		return -ENAMETOOLONG;
	if (!slash)
		strcpy(dir, ".");
	else if (slash == path)
		strcpy(dir, "/");
	else if ((size_t)(slash - path) >= sizeof(dir))
		return -ENAMETOOLONG;
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	strcpy(base, name);
	return sb_open_dir(dir);
}

int sb_check_opened(int fd, bool want_dir)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode) != want_dir)
		return want_dir ? -ENOTDIR : -EISDIR;
	/* Root writes or reads what the program cannot: a regular file must
	 * be root's own, with no second name the program could have made. */
	if (S_ISREG(st.st_mode) && geteuid() == 0) {
		if (st.st_uid != 0)
			return -EPERM;
		if (st.st_nlink > 1)
			return -EMLINK;
	}
	return 0;
}

/* Open `name` in dirfd as asked; the descriptor, not yet checked. */
static int open_in(int dirfd, const char *name, int how, mode_t mode,
                   bool *created)
{
	const int common = O_NOFOLLOW | O_NOCTTY | O_CLOEXEC;
	int fd;

	*created = false;
	if (how == SANDBOX_OPEN_READ)
		return openat(dirfd, name, O_RDONLY | O_NONBLOCK | common);
	int wr = O_WRONLY | (how == SANDBOX_OPEN_APPEND ? O_APPEND : 0);
	/* A file that is not there is created, never found through a link
	 * (O_EXCL does not follow one). */
	fd = openat(dirfd, name, wr | O_CREAT | O_EXCL | common, mode);
	if (fd >= 0) {
		*created = true;
		return fd;
	}
	if (errno != EEXIST)
		return -1;
	/* O_NONBLOCK: a FIFO without a reader fails (ENXIO) instead of
	 * blocking the supervisor before the run. */
	return openat(dirfd, name, wr | O_NONBLOCK | common);
}

int sb_open_file(const char *path, int how, mode_t mode)
{
	char base[NAME_MAX + 1];
	bool created;
	int dirfd, fd, rc;

	if (!path || !*path || how < SANDBOX_OPEN_READ || how > SANDBOX_OPEN_DIR)
		return -EINVAL;
	if (how == SANDBOX_OPEN_DIR) {
		fd = sb_open_dir(path);
		if (fd >= 0 && (rc = sb_check_opened(fd, true)) < 0) {
			close(fd);
			return rc;
		}
		return fd;
	}
	dirfd = sb_open_parent(path, base, sizeof(base));
	if (dirfd < 0)
		return dirfd;
	fd = open_in(dirfd, base, how, mode, &created);
	rc = fd < 0 ? -errno : 0;
	if (rc == 0 && !created)
		rc = sb_check_opened(fd, false);
	if (rc == 0 && how == SANDBOX_OPEN_WRITE && !created) {
		struct stat st;
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
		    ftruncate(fd, 0) < 0)
			rc = -errno;
	}
	if (rc == 0) {
		int fl = fcntl(fd, F_GETFL);
		if (fl >= 0 && (fl & O_NONBLOCK))
			(void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	}
	if (rc < 0 && fd >= 0)
		close(fd);
	close(dirfd);
	return rc < 0 ? rc : fd;
}
