/*
 * Host-wide claims: a run owns a numbered resource -- a CPU it is pinned
 * to, the uid it runs the program as -- and no other run holds the same
 * one at the same time, whether it is a sandbox of the same process or of
 * another, of the same user or of another, in any PID or mount namespace.
 *
 * One lock file per resource, /dev/shm/libsandbox-<kind>-<N> (kinds "cpu"
 * and "uid"), never removed (an unlink while someone holds the lock would
 * let a newcomer lock a new file of the same name). A run owns resource N
 * while it holds an exclusive flock on an open file description of its own
 * of that file: separate opens conflict even inside one process, so
 * sandboxes in threads of one process are kept apart too. The kernel drops
 * the lock when the descriptor goes, at the end of the run or when the
 * supervisor dies, however it dies: a crashed supervisor never keeps a
 * claim. Descriptors are close-on-exec, so a program never holds one.
 *
 * Why /dev/shm: every glibc system has it (POSIX shared memory), it is
 * world-writable with the sticky bit (every user may add a file, nobody
 * may remove another's), a tmpfs (it starts empty at boot, when no claim
 * can be alive), and mount namespaces and systemd's PrivateTmp keep the
 * host's (unlike /tmp; /run/lock is writable by root only on some
 * distributions). A container with a /dev/shm of its own coordinates with
 * itself only; docs/PERFORMANCE.md and docs/ISOLATION.md say what to do
 * about that.
 *
 * Files somebody else made are opened without O_CREAT (the kernel's
 * protected_regular refuses O_CREAT on another user's file in a sticky
 * directory), with O_NOFOLLOW and O_NONBLOCK (a symlink or a FIFO planted
 * under the name can neither redirect nor block us), and must be regular
 * files. Read access is all flock needs; nothing is read or written.
 */
#include "config.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const kind_name[SB_CLAIM_KINDS] = { "cpu", "uid" };

/* The lock file, opened (made if missing). -errno when it cannot be used:
 * then that resource cannot be coordinated. */
static int open_lock_file(const char *path)
{
	const int flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
	struct stat st;
	int fd = -1;

	for (int i = 0; i < 4 && fd < 0; i++) {
		if ((fd = open(path, flags)) >= 0 || errno != ENOENT)
			break;
		if ((fd = open(path, flags | O_CREAT | O_EXCL, 0444)) >= 0) {
			/* Whatever our umask: others must be able to open it. */
			(void)fchmod(fd, 0444);
			break;
		}
		if (errno != EEXIST)
			break;
		/* Made by someone else meanwhile: open theirs. */
	}
	if (fd < 0)
		return errno == EEXIST ? -EAGAIN : -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	return fd;
}

int sb_claim(int kind, unsigned long n)
{
	char path[64];
	int fd;

	if (kind < 0 || kind >= SB_CLAIM_KINDS)
		return -EINVAL;
	snprintf(path, sizeof(path), "/dev/shm/libsandbox-%s-%lu",
	         kind_name[kind], n);
	if ((fd = open_lock_file(path)) < 0)
		return fd;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;
		close(fd);
		return e == EWOULDBLOCK ? -EBUSY : -e;
	}
	return fd;
}

void sb_claim_release(int fd)
{
	if (fd >= 0)
		close(fd); /* drops the lock */
}
