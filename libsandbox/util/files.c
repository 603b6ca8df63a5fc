/*
 * Opening the files a supervisor reads or writes around a run (the
 * program's standard streams, reports, traces) so that nothing the program
 * may have planted redirects it: see sandbox_open_file() in sandbox.h for
 * the rules. The directory part is resolved with openat2(2) and
 * RESOLVE_NO_SYMLINKS; only when that meets a symbolic link is the path
 * walked again by hand, following only links the system itself owns (root
 * owns the link and the directory holding it, which nobody else may write:
 * /var/run -> /run, /lib -> usr/lib).
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

#define MAX_LINKS 40 /* like the kernel's own bound */

static int open_dir_no_links(int at, const char *dir)
{
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, at, dir, &how, sizeof(how));
	return fd < 0 ? -errno : fd;
}

/* A symbolic link the system owns: root owns it and the directory it sits
 * in, and that directory is writable by root only. */
static bool trusted_link(int dirfd, const struct stat *link)
{
	struct stat d;
	return link->st_uid == 0 && fstat(dirfd, &d) == 0 && d.st_uid == 0 &&
	       !(d.st_mode & (S_IWGRP | S_IWOTH));
}

static int walk(int at, const char *path, int *links);

/* Step from directory `cur` (owned, replaced) into component `name`. */
static int step(int *cur, const char *name, int *links)
{
	struct stat st;
	int fd = openat(*cur, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX];
		ssize_t n = readlinkat(fd, "", target, sizeof(target) - 1);
		close(fd);
		if (n < 0)
			return -errno;
		if (!trusted_link(*cur, &st) || ++*links > MAX_LINKS)
			return -ELOOP;
		target[n] = '\0';
		fd = walk(target[0] == '/' ? -1 : *cur, target, links);
		if (fd < 0)
			return fd;
	} else if (!S_ISDIR(st.st_mode)) {
		close(fd);
		return -ENOTDIR;
	}
	close(*cur);
	*cur = fd;
	return 0;
}

/* Resolve directory `path` from `at` (-1: the root for an absolute path)
 * component by component; returns an O_PATH descriptor or -errno. */
static int walk(int at, const char *path, int *links)
{
	char comp[NAME_MAX + 1];
	int cur = open(path[0] == '/' ? "/" : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (at >= 0 && path[0] != '/') {
		close(cur);
		cur = fcntl(at, F_DUPFD_CLOEXEC, 0);
	}
	if (cur < 0)
		return -errno;
	for (const char *p = path; *p; ) {
		size_t n = strcspn(p, "/");
		if (n >= sizeof(comp)) {
			close(cur);
			return -ENAMETOOLONG;
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		p += n;
		p += strspn(p, "/");
		if (n == 0 || strcmp(comp, ".") == 0)
			continue;
		int rc = step(&cur, comp, links);
		if (rc < 0) {
			close(cur);
			return rc;
		}
	}
	return cur;
}

int sb_open_dir(const char *dir)
{
	int fd = open_dir_no_links(AT_FDCWD, dir);
	if (fd == -ELOOP || fd == -ENOSYS) {
		int links = 0;
		fd = walk(-1, dir, &links);
	}
	return fd;
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
