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
#include <sys/xattr.h>
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

static bool in_range(unsigned long id, unsigned long first, unsigned count)
{
	return id >= first && id - first < count;
}

/* Might an ACL give more than the mode bits say? (Unknown: yes.) */
static bool may_have_acl(int fd)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ssize_t n = getxattr(path, "system.posix_acl_access", NULL, 0);
	return n >= 0 || (errno != ENODATA && errno != EOPNOTSUPP);
}

/* Can one of `who` make or replace names in the directory fd? Its owner
 * (who may chmod it), its group, anybody by the bits; an ACL counts as
 * open. `above`: a directory above the one holding the file, where only
 * replacing a name matters -- which the sticky bit keeps from anybody but
 * the name's owner (theirs is seen one step down: a directory of theirs). */
static bool dir_open_to(int fd, const struct stat *st,
                        const struct sb_planters *who, bool above)
{
	if (in_range(st->st_uid, who->first_uid, who->count))
		return true;
	if (above && (st->st_mode & S_ISVTX))
		return false;
	return (st->st_mode & S_IWOTH) ||
	       ((st->st_mode & S_IWGRP) &&
	        in_range(st->st_gid, who->first_gid, who->count)) ||
	       may_have_acl(fd);
}

/* Is a directory from dirfd up to the root open to `who`? A directory
 * that cannot be looked at counts as open. A name in a closed directory
 * under an open one is still theirs to move: the whole chain counts. */
static bool path_open_to(int dirfd, const struct sb_planters *who)
{
	int fd = openat(dirfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	bool open = true;

	for (int depth = 0; fd >= 0 && depth < 4096; depth++) {
		struct stat st, up;
		if (fstat(fd, &st) < 0 || dir_open_to(fd, &st, who, depth > 0))
			break;
		int parent = openat(fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (parent < 0 || fstat(parent, &up) < 0) {
			if (parent >= 0)
				close(parent);
			break;
		}
		close(fd);
		fd = parent;
		if (up.st_dev == st.st_dev && up.st_ino == st.st_ino) {
			open = false; /* the root, seen */
			break;
		}
	}
	if (fd >= 0)
		close(fd);
	return open;
}

int sb_check_opened(int fd, int dirfd, bool want_dir,
                    const struct sb_planters *who)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode) != want_dir)
		return want_dir ? -ENOTDIR : -EISDIR;
	if (!S_ISREG(st.st_mode) || geteuid() != 0)
		return 0;
	/* Root writes or reads what the program cannot. A file of the
	 * program's ids is the program's doing. */
	bool known = who && who->count > 0;
	if (known && in_range(st.st_uid, who->first_uid, who->count))
		return -EPERM;
	/* Where they may make names, a file of anybody but root, or with a
	 * second name, may be theirs: a link to what they could not open. */
	if (!known || dirfd < 0 || path_open_to(dirfd, who)) {
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
	return sb_open_file_as(path, how, mode, NULL);
}

int sb_open_file_as(const char *path, int how, mode_t mode,
                    const struct sb_planters *who)
{
	char base[NAME_MAX + 1];
	bool created;
	int dirfd, fd, rc;

	if (!path || !*path || how < SANDBOX_OPEN_READ || how > SANDBOX_OPEN_DIR)
		return -EINVAL;
	if (how == SANDBOX_OPEN_DIR) {
		fd = sb_open_dir(path);
		if (fd >= 0 && (rc = sb_check_opened(fd, -1, true, who)) < 0) {
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
		rc = sb_check_opened(fd, dirfd, false, who);
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
