/*
 * The box's files (sandbox_set_box): the work directory's copies in and
 * out, and the figures of the writable space.
 *
 * Nothing of the box exists on the host. The writable space is a tmpfs
 * the child mounts in its own mount namespace (mounts.c); the supervisor
 * reaches it through the child's root, at the child's first stop (before
 * exec: no code of the program has run), and keeps descriptors on /box and
 * /tmp: the copies in are made there, and after the run -- the namespace
 * gone with the program -- the descriptors still hold the tmpfs, so the
 * copies out are read there, and the space measured. Closing them frees
 * everything; a supervisor that dies closes them too.
 *
 * The host side: every file is opened before the child exists, as
 * sandbox_open_file() opens it (so a bad path stops the run before it
 * starts, and an output file never keeps an earlier run's content). The
 * box side: names are single components, opened with O_NOFOLLOW, and only
 * a regular file is copied out; what the program left there is its own
 * anyway (a private tmpfs: no link to anything of the host can be made
 * in it).
 */
#include "config.h"
#include "isolation/isolation.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAGE 4096ULL

static uint64_t pages(uint64_t bytes)
{
	return (bytes + PAGE - 1) / PAGE * PAGE;
}

void sb_box_close(struct sb_iso_run *run)
{
	for (size_t i = 0; i < run->ncopy_fd; i++)
		if (run->copy_fd[i] >= 0)
			close(run->copy_fd[i]);
	free(run->copy_fd);
	run->copy_fd = NULL;
	run->ncopy_fd = 0;
	if (run->box_fd >= 0)
		close(run->box_fd);
	if (run->space_fd >= 0)
		close(run->space_fd);
	run->box_fd = run->space_fd = -1;
}

int sb_box_open_copies(struct sb_iso *iso)
{
	struct sb_iso_run *run = &iso->run;
	struct stat st;

	run->box_inputs = 0;
	run->box_missing = 0;
	if (!iso->ncopies)
		return 0;
	if (!(run->copy_fd = malloc(iso->ncopies * sizeof(int))))
		return -ENOMEM;
	run->ncopy_fd = iso->ncopies;
	for (size_t i = 0; i < iso->ncopies; i++)
		run->copy_fd[i] = -1;
	for (size_t i = 0; i < iso->ncopies; i++) {
		const struct sb_copy *c = &iso->copies[i];
		int fd = sb_open_file_as(c->host, c->out ? SANDBOX_OPEN_WRITE
		                                         : SANDBOX_OPEN_READ,
		                         0644, &run->planters);
		if (fd >= 0 && !c->out && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))) {
			close(fd);
			fd = -EINVAL; /* a FIFO, a device: nothing to copy */
		}
		if (fd < 0) {
			snprintf(iso->msg, sizeof(iso->msg), "box %s %s: %s",
			         c->out ? "output" : "input", c->host, strerror(-fd));
			return fd;
		}
		run->copy_fd[i] = fd;
		if (!c->out)
			run->box_inputs += pages((uint64_t)st.st_size);
	}
	return 0;
}

/* A directory of the child's root, before exec: /box or /tmp. */
static int open_in_root(pid_t pid, const char *dir)
{
	struct open_how how = {
		.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	char path[64];
	struct statfs sf;
	int root, fd;

	snprintf(path, sizeof(path), "/proc/%ld/root", (long)pid);
	if ((root = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -errno;
	fd = (int)syscall(SYS_openat2, root, dir, &how, sizeof(how));
	if (fd < 0)
		fd = -errno;
	close(root);
	if (fd >= 0 && (fstatfs(fd, &sf) < 0 || sf.f_type != TMPFS_MAGIC)) {
		close(fd);
		return -EXDEV; /* not the space the plan made */
	}
	return fd;
}

/* Copy `in` (from offset 0) to `out`: at most `max` bytes, and no more
 * than there are. 0 or -errno. */
static int copy_all(int in, int out, uint64_t max)
{
	off_t off = 0;

	while ((uint64_t)off < max) {
		uint64_t left = max - (uint64_t)off;
		ssize_t n = sendfile(out, in, &off, left < (1 << 20) ? left : (1 << 20));
		if (n == 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return -errno;
	}
	return 0;
}

static int copy_in(const struct sb_iso *iso, const struct sb_copy *c, int src)
{
	const struct sb_iso_run *run = &iso->run;
	struct stat st;
	int rc = 0;

	if (fstat(src, &st) < 0)
		return -errno;
	mode_t mode = (st.st_mode & S_IXUSR) ? 0755 : 0644;
	int dst = openat(run->box_fd, c->name,
	                 O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (dst < 0)
		return -errno;
	/* The program's, whoever it is (root made it, or our own uid did,
	 * which the user namespace maps to the program's). */
	if (run->priv && fchown(dst, run->box_host_uid, run->box_host_gid) < 0)
		rc = -errno;
	if (rc == 0 && fchmod(dst, mode) < 0)
		rc = -errno;
	if (rc == 0)
		rc = copy_all(src, dst, (uint64_t)st.st_size);
	close(dst);
	return rc;
}

int sb_box_enter(struct sb_iso *iso, pid_t pid)
{
	struct sb_iso_run *run = &iso->run;
	int rc;

	if ((rc = open_in_root(pid, "tmp")) < 0) {
		snprintf(iso->msg, sizeof(iso->msg), "the box's /tmp: %s",
		         strerror(-rc));
		return rc;
	}
	run->space_fd = rc;
	if (!(iso->effective & S_ISO_BOX))
		return 0;
	if ((rc = open_in_root(pid, "box")) < 0) {
		snprintf(iso->msg, sizeof(iso->msg), "the box's /box: %s",
		         strerror(-rc));
		return rc;
	}
	run->box_fd = rc;
	for (size_t i = 0; i < iso->ncopies; i++) {
		if (iso->copies[i].out)
			continue;
		if ((rc = copy_in(iso, &iso->copies[i], run->copy_fd[i])) < 0) {
			snprintf(iso->msg, sizeof(iso->msg), "copy of %s into /box: %s",
			         iso->copies[i].host, strerror(-rc));
			return rc;
		}
	}
	return 0;
}

/* /box/NAME to dst. What the program did not leave (or left as anything
 * but a regular file: a symbolic link, a FIFO, a directory) counts in
 * box_missing; a file larger than the box's bound is not copied (a
 * sparse one costs the tmpfs nothing, and would be written out at its
 * size) and counts in box_refused -- over the quota that sets the bound,
 * facts say so; at most the size seen first is copied, never more than
 * the bound. A copy that failed on the host side (a full disk) leaves
 * an empty file and its errno in box_error: the supervisor's failure,
 * not the program's. */
static void copy_out(struct sb_iso *iso, const struct sb_copy *c, int dst,
                     struct sb_iso_facts *facts)
{
	struct sb_iso_run *run = &iso->run;
	struct stat st;
	int src = openat(run->box_fd, c->name,
	                 O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	int rc;

	if (src < 0 || fstat(src, &st) < 0 || !S_ISREG(st.st_mode)) {
		run->box_missing++;
	} else if ((uint64_t)st.st_size > iso->box_limit) {
		iso->stat.box_refused++;
		if (iso->box_limit_quota >= 0)
			facts->space_over_quota = iso->box_limit_quota;
	} else if ((rc = copy_all(src, dst, (uint64_t)st.st_size)) < 0) {
		if (ftruncate(dst, 0) < 0) /* never half an output */
			(void)lseek(dst, 0, SEEK_SET);
		if (!iso->stat.box_error)
			iso->stat.box_error = -rc;
	}
	if (src >= 0)
		close(src);
}

void sb_box_leave(struct sb_iso *iso, struct sb_iso_facts *facts)
{
	struct sb_iso_run *run = &iso->run;
	struct statfs sf;

	iso->stat.box_bytes = -1;
	iso->stat.box_error = 0;
	iso->stat.box_refused = 0;
	iso->stat.box_limit = (int64_t)iso->box_limit;
	iso->stat.box_limit_quota = iso->box_limit_quota;
	facts->space_over_quota = -1;
	if (run->space_fd >= 0 && fstatfs(run->space_fd, &sf) == 0) {
		uint64_t used = (uint64_t)(sf.f_blocks - sf.f_bfree) * sf.f_bsize;
		uint64_t own = used > run->box_inputs ? used - run->box_inputs : 0;
		iso->stat.box_bytes = (int64_t)used;
		/* The plan gave one page more than the limit: a program that
		 * used it wanted more than its quota allows. */
		if (own > iso->box_limit && iso->box_limit_quota >= 0)
			facts->space_over_quota = iso->box_limit_quota;
	}
	if (run->box_fd >= 0)
		for (size_t i = 0; i < iso->ncopies; i++)
			if (iso->copies[i].out)
				copy_out(iso, &iso->copies[i], run->copy_fd[i], facts);
	iso->stat.box_missing = run->box_missing;
	sb_box_close(run);
}

uint64_t sb_box_space_size(const struct sb_iso *iso)
{
	return pages(iso->box_limit) + iso->run.box_inputs + PAGE;
}
