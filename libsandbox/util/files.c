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

/* path split into its directory (dir, PATH_MAX bytes) and its last
 * component (base, len bytes): 0 or -errno as sb_open_parent(). */
static int split_parent(const char *path, char *dir, char *base, size_t len)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;

	if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return -EISDIR;
	if (strlen(name) >= len || strlen(name) > NAME_MAX)
		return -ENAMETOOLONG;
	if (!slash)
		strcpy(dir, ".");
	else if (slash == path)
		strcpy(dir, "/");
	else if ((size_t)(slash - path) >= PATH_MAX)
		return -ENAMETOOLONG;
	else
		snprintf(dir, PATH_MAX, "%.*s", (int)(slash - path), path);
	strcpy(base, name);
	return 0;
}

int sb_open_parent(const char *path, char *base, size_t len)
{
	char dir[PATH_MAX];
	int rc = split_parent(path, dir, base, len);

	return rc < 0 ? rc : sb_open_dir(dir);
}

void sb_open_batch_init(struct sb_open_batch *b)
{
	memset(b, 0, sizeof(*b));
	b->dirfd = -1;
}

void sb_open_batch_end(struct sb_open_batch *b)
{
	if (b->dirfd >= 0)
		close(b->dirfd);
	sb_open_batch_init(b);
}

/* The descriptor of path's directory, base its last component: the
 * batch's when the directory string is the one it resolved (kept open
 * there: not the caller's to close), else a new one (*own set). */
static int batch_parent(struct sb_open_batch *b, const char *path,
                        char *base, size_t len, bool *own)
{
	char dir[PATH_MAX];
	int rc = split_parent(path, dir, base, len), fd;
	size_t n;

	*own = true;
	if (rc < 0)
		return rc;
	if (b && b->dirfd >= 0 && strcmp(b->dir, dir) == 0) {
		*own = false;
		return b->dirfd;
	}
	n = strlen(dir);
	if ((fd = sb_open_dir(dir)) < 0 || !b || n >= sizeof(b->dir))
		return fd;
	/* The batch's directory from now on (the walk it keeps was of
	 * another one). */
	if (b->dirfd >= 0)
		close(b->dirfd);
	b->dirfd = fd;
	b->walked = false;
	memcpy(b->dir, dir, n + 1);
	*own = false;
	return fd;
}

static bool in_range(unsigned long id, unsigned long first, unsigned count)
{
	return id >= first && id - first < count;
}

/* Might an ACL let somebody but the owner make names in the directory
 * fd? Only one whose mask allows writing: a POSIX ACL's named users and
 * groups and its owning group get at most its mask, which is what the
 * mode's group bits show (the kernel keeps the two equal), and its other
 * entry is the mode's other bits. So without S_IWGRP no ACL can open the
 * directory, and there is nothing to read. (Unknown: yes.) */
static bool may_have_acl(int fd, const struct stat *st)
{
	char path[64];

	if (!(st->st_mode & S_IWGRP))
		return false;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ssize_t n = getxattr(path, "system.posix_acl_access", NULL, 0);
	return n >= 0 || (errno != ENODATA && errno != EOPNOTSUPP);
}

/* Does `uid` stand for an owner outside our user namespace? The kernel
 * shows ids the namespace does not map as the overflow uid (65534 by
 * default): in a container those are the host's files and devices
 * (/dev/null of a rootless container), which nobody inside made. In the
 * initial namespace every id is mapped and 65534 is a user like others. */
static bool outside_owner(unsigned long uid)
{
	struct stat st;

	return uid == 65534 && stat("/proc/self/ns/user", &st) == 0 &&
	       st.st_ino != 0xEFFFFFFDU; /* PROC_USER_INIT_INO */
}

/* One question about the directories from a file up to the root: are
 * they open to `who` (NULL: to anybody but root, `self` -- the caller's
 * euid -- and `trusted`, a file's own owner, whose directories are theirs
 * to fill)? `open` is the answer, once `decided`. */
struct open_to {
	const struct sb_planters *who;
	uid_t self, trusted;
	bool decided, open;
};

/* Is `uid` one of the ids that could have planted something? */
static bool planter_uid(unsigned long uid, const struct open_to *q)
{
	if (q->who)
		return in_range(uid, q->who->first_uid, q->who->count);
	return uid != 0 && uid != q->self && uid != q->trusted &&
	       !outside_owner(uid);
}

/* Can one of q's planters make or replace names in the directory fd? Its
 * owner (who may chmod it), its group, anybody by the bits; an ACL
 * counts as open (*acl: -1 until read, for the questions that share the
 * walk). `above`: a directory above the one holding the file, where only
 * replacing a name matters -- which the sticky bit keeps from anybody but
 * the name's owner (theirs is seen one step down: a directory of
 * theirs). */
static bool dir_open_to(int fd, const struct stat *st, const struct open_to *q,
                        bool above, int *acl)
{
	if (planter_uid(st->st_uid, q))
		return true;
	if (above && (st->st_mode & S_ISVTX))
		return false;
	/* Without a range, any group but root's may hold somebody else. */
	bool group = q->who ? in_range(st->st_gid, q->who->first_gid,
	                               q->who->count)
	                    : st->st_gid != 0;
	if ((st->st_mode & S_IWOTH) || ((st->st_mode & S_IWGRP) && group))
		return true;
	if (*acl < 0)
		*acl = may_have_acl(fd, st);
	return *acl;
}

/* Answer the n questions q[] in one walk from dirfd up to the root. A
 * directory that cannot be looked at counts as open. A name in a closed
 * directory under an open one is still theirs to move: the whole chain
 * counts. */
static void path_open_to(int dirfd, const struct stat *from, struct open_to *q,
                         int n)
{
	int fd = dirfd; /* ours to close once it is not dirfd */
	int left = n;
	struct stat st = *from, up;

	for (int i = 0; i < n; i++)
		q[i].decided = q[i].open = false;
	for (int depth = 0; depth < 4096; depth++) {
		int acl = -1;
		for (int i = 0; i < n; i++) {
			if (!q[i].decided &&
			    dir_open_to(fd, &st, &q[i], depth > 0, &acl)) {
				q[i].decided = q[i].open = true;
				left--;
			}
		}
		if (left == 0)
			break;
		int parent = openat(fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (parent < 0 || fstat(parent, &up) < 0) {
			if (parent >= 0)
				close(parent);
			break;
		}
		if (fd != dirfd)
			close(fd);
		fd = parent;
		if (up.st_dev == st.st_dev && up.st_ino == st.st_ino) {
			/* the root, seen: what is left is closed */
			for (int i = 0; i < n; i++)
				q[i].decided = true;
			break;
		}
		st = up;
	}
	if (fd != dirfd)
		close(fd);
	for (int i = 0; i < n; i++)
		if (!q[i].decided)
			q[i].decided = q[i].open = true;
}

/* The walk of check_object: questions q[i] for each bit i of `asked`
 * (1, 2 or 3). A batch (b) keeps its answers for the next file of the
 * same directory that asks the same: a directory closed to every
 * planter stays so until somebody who is no planter (root, the caller,
 * the owner trusted) opens it, which a walk made a moment later could
 * not tell from one made before either. A directory that cannot be
 * looked at counts as open, and is not kept. */
static void walk(int dirfd, struct open_to q[2], unsigned asked,
                 struct sb_open_batch *b)
{
	struct open_to *first = asked == 2 ? &q[1] : &q[0];
	int n = asked == 3 ? 2 : 1;
	struct stat st;

	if (fstat(dirfd, &st) < 0) {
		for (int i = 0; i < 2; i++)
			q[i].decided = q[i].open = true;
		return;
	}
	if (b && b->walked && b->dev == st.st_dev && b->ino == st.st_ino &&
	    b->asked == asked && b->self == q[0].self &&
	    b->trusted == q[0].trusted && b->has_who == (q[1].who != NULL) &&
	    (!q[1].who || (b->who.first_uid == q[1].who->first_uid &&
	                   b->who.first_gid == q[1].who->first_gid &&
	                   b->who.count == q[1].who->count))) {
		for (int i = 0; i < 2; i++) {
			q[i].decided = true;
			q[i].open = b->open[i];
		}
		return;
	}
	path_open_to(dirfd, &st, first, n);
	if (!b)
		return;
	b->walked = true;
	b->dev = st.st_dev;
	b->ino = st.st_ino;
	b->asked = asked;
	b->self = q[0].self;
	b->trusted = q[0].trusted;
	b->has_who = q[1].who != NULL;
	if (q[1].who)
		b->who = *q[1].who;
	for (int i = 0; i < 2; i++)
		b->open[i] = q[i].open;
}

/* Any caller: an object of a third user where somebody but its owner,
 * root and the caller may make names is refused -- what the kernel's
 * protected_regular/protected_fifos=2 do for O_CREAT opens in sticky
 * directories, here for every type and every open directory (the open
 * without O_CREAT after O_EXCL failed would sidestep the kernel's). A
 * device must be root's (or the caller's: its terminal) where nobody
 * else may make names: /dev/null is, a node planted by a program left
 * running as root in its working directory is not.
 *   Root: an object of the program's ids is the program's doing; where
 * they may make names, an object of anybody but root, or with a second
 * name, may be theirs: a link to what they could not open. Both walks up
 * the directories are made as one. */
static int check_object(const struct stat *st, int dirfd,
                        const struct sb_planters *who, struct sb_open_batch *b)
{
	uid_t self = geteuid();
	bool insider = st->st_uid != 0 && st->st_uid != self &&
	               !outside_owner(st->st_uid);
	bool device = S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode);
	bool known = who && who->count > 0;
	struct open_to q[2] = {
		{ .who = NULL, .self = self,
		  .trusted = device ? 0 : st->st_uid },
		{ .who = who, .self = self },
	};
	/* Which walks the rules below read: q[0] (any caller), q[1]
	 * (root, for the program's ids). */
	bool any = dirfd >= 0 && (device ? !insider : insider);
	bool mine = self == 0 && known && dirfd >= 0 &&
	            !in_range(st->st_uid, who->first_uid, who->count);

	if (device && insider && dirfd >= 0)
		return -EPERM;
	if (any || mine)
		walk(dirfd, q, (any ? 1u : 0) | (mine ? 2u : 0), b);
	if (any && q[0].open)
		return -EPERM;
	if (self != 0)
		return 0;
	if (known && in_range(st->st_uid, who->first_uid, who->count))
		return -EPERM;
	if (!known || dirfd < 0 || q[1].open) {
		if (st->st_uid != 0 && !outside_owner(st->st_uid))
			return -EPERM;
		if (st->st_nlink > 1)
			return -EMLINK;
	}
	return 0;
}

static int check_opened(int fd, int dirfd, bool want_dir,
                        const struct sb_planters *who, struct stat *st,
                        struct sb_open_batch *b)
{
	if (fstat(fd, st) < 0)
		return -errno;
	if (S_ISDIR(st->st_mode) != want_dir)
		return want_dir ? -ENOTDIR : -EISDIR;
	if (want_dir)
		return 0;
	/* Every other type alike: a FIFO, a socket or a device planted
	 * under the judge's name hands the program's input or output to
	 * whoever planted it. */
	return check_object(st, dirfd, who, b);
}

int sb_check_opened(int fd, int dirfd, bool want_dir,
                    const struct sb_planters *who)
{
	struct stat st;
	return check_opened(fd, dirfd, want_dir, who, &st, NULL);
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
	return sb_open_file_in(NULL, path, how, mode, who);
}

int sb_open_file_in(struct sb_open_batch *b, const char *path, int how,
                    mode_t mode, const struct sb_planters *who)
{
	char base[NAME_MAX + 1];
	bool created, own;
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
	dirfd = batch_parent(b, path, base, sizeof(base), &own);
	if (dirfd < 0)
		return dirfd;
	fd = open_in(dirfd, base, how, mode, &created);
	rc = fd < 0 ? -errno : 0;
	if (rc == 0 && !created) {
		struct stat st;
		rc = check_opened(fd, dirfd, false, who, &st, b);
		if (rc == 0 && how == SANDBOX_OPEN_WRITE && S_ISREG(st.st_mode) &&
		    ftruncate(fd, 0) < 0)
			rc = -errno;
		/* Found, it was opened O_NONBLOCK (open_in): clear that. The
		 * other flags F_SETFL sets are never ours but O_APPEND. */
		if (rc == 0)
			(void)fcntl(fd, F_SETFL,
			            how == SANDBOX_OPEN_APPEND ? O_APPEND : 0);
	}
	if (rc < 0 && fd >= 0)
		close(fd);
	if (own)
		close(dirfd);
	return rc < 0 ? rc : fd;
}
