/*
 * A box's standard streams without host paths (review-box2 C10).
 *
 * A file the supervisor opened on the host keeps its host path: the
 * kernel renders /proc/self/fd/N of the program from the file's own mount,
 * which is outside the box's root -- readlink("/proc/self/fd/0") gave
 * "/judge/p123/tests/7.in", the problem and the test. Every built-in lets
 * the program readlink (Landlock has no right for it).
 *
 * Each stream that is a regular file is opened again, for the run, through
 * a detached copy of its mount made with open_tree(OPEN_TREE_CLONE) on the
 * file itself: the copy's root is the file, the copy is attached nowhere,
 * so the path the kernel renders is "/". Same file, same access mode and
 * status flags, same starting offset; a new open file description, whose
 * end offset is given back to the caller's description after the run (a
 * caller that goes on writing after the program's output still does).
 * stdout and stderr that shared one description share the new one.
 *
 * open_tree() on a mount of the host's namespace needs CAP_SYS_ADMIN there:
 * a root supervisor. An unprivileged one leaves the streams as they are
 * (docs/ISOLATION.md says so). Pipes, sockets and devices name nothing of
 * the host's files and are left alone. Only in a box: without one the
 * program sees the host's file system anyway.
 */
#include "config.h"
#include "isolation/isolation.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The status flags a new open keeps (O_NOATIME needs the owner: not it). */
#define KEPT (O_ACCMODE | O_APPEND | O_NONBLOCK | O_DSYNC | O_SYNC | O_DIRECT)

void sb_iso_hidden_init(struct sb_iso_hidden *h)
{
	for (int i = 0; i < 3; i++)
		h->caller[i] = h->mine[i] = -1;
}

/* `fd` opened again through a detached copy of its mount: the new
 * descriptor (close-on-exec), or -1. */
static int reopen_detached(int fd)
{
	char path[64];
	int fl = fcntl(fd, F_GETFL), t, nfd;
	off_t off = lseek(fd, 0, SEEK_CUR);

	if (fl < 0)
		return -1;
	t = (int)syscall(SYS_open_tree, fd, "", OPEN_TREE_CLONE |
	                 OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	if (t < 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", t);
	nfd = open(path, (fl & KEPT) | O_NOCTTY | O_CLOEXEC);
	close(t);
	if (nfd >= 0 && off > 0 && lseek(nfd, off, SEEK_SET) != off) {
		close(nfd);
		return -1;
	}
	return nfd;
}

void sb_iso_hide_streams(const struct sb_iso *iso, int fds[3],
                         struct sb_iso_hidden *h)
{
	struct stat st;

	sb_iso_hidden_init(h);
	if (!(iso->effective & S_ISO_BOX) || geteuid() != 0)
		return;
	for (int i = 0; i < 3; i++) {
		int src = fds[i] >= 0 ? fds[i] : i, nfd;
		if (fstat(src, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (i == 2 && h->mine[1] >= 0 && sb_same_description(src, h->caller[1]))
			nfd = fcntl(fds[1], F_DUPFD_CLOEXEC, 3);
		else
			nfd = reopen_detached(src);
		if (nfd < 0)
			continue; /* as it is: the host path shows */
		if ((h->caller[i] = fcntl(src, F_DUPFD_CLOEXEC, 3)) < 0 ||
		    (h->mine[i] = fcntl(nfd, F_DUPFD_CLOEXEC, 3)) < 0) {
			close(nfd);
			if (h->caller[i] >= 0)
				close(h->caller[i]);
			h->caller[i] = -1;
			continue;
		}
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = nfd;
	}
}

void sb_iso_hidden_end(struct sb_iso_hidden *h)
{
	for (int i = 0; i < 3; i++) {
		if (h->caller[i] >= 0 && h->mine[i] >= 0) {
			int fl = fcntl(h->caller[i], F_GETFL);
			off_t off = lseek(h->mine[i], 0, SEEK_CUR);
			if (fl >= 0 && !(fl & O_APPEND) && off >= 0)
				(void)lseek(h->caller[i], off, SEEK_SET);
		}
		if (h->caller[i] >= 0)
			close(h->caller[i]);
		if (h->mine[i] >= 0)
			close(h->mine[i]);
		h->caller[i] = h->mine[i] = -1;
	}
}
