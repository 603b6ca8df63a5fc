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
 * starts), and an output is emptied at the first stop (it never keeps an
 * earlier run's content) -- unless it is also an input, which keeps its
 * content until the new one exists. After the run an output's content is
 * written to a new file in its directory and renamed over it (same owner
 * and mode; where that cannot be done -- a directory the supervisor may
 * not write, another owner, a second hard link -- it is written in
 * place): a supervisor killed at any moment leaves the old file or the
 * new one whole, never an empty in-place file. The
 * box side: names are single components, opened with O_NOFOLLOW, and only
 * a regular file is copied out; what the program left there is its own
 * anyway (a private tmpfs: no link to anything of the host can be made
 * in it).
 */
#include "config.h"
#include "isolation/isolation.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/random.h>
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
	for (size_t i = 0; i < run->ncopy_fd; i++) {
		if (run->copy_fd[i] >= 0)
			close(run->copy_fd[i]);
		if (run->copy_dir[i] >= 0)
			close(run->copy_dir[i]);
	}
	free(run->copy_fd);
	free(run->copy_dir);
	free(run->copy_size);
	free(run->copy_mode);
	run->copy_fd = NULL;
	run->copy_dir = NULL;
	run->copy_size = NULL;
	run->copy_mode = NULL;
	run->ncopy_fd = 0;
	if (run->box_fd >= 0)
		close(run->box_fd);
	if (run->space_fd >= 0)
		close(run->space_fd);
	run->box_fd = run->space_fd = -1;
}

bool sb_box_is_output(const struct sb_iso *iso, const char *name)
{
	for (size_t i = 0; i < iso->ncopies; i++)
		if (iso->copies[i].out && strcmp(iso->copies[i].name, name) == 0)
			return true;
	return false;
}

size_t sb_box_ro_inputs(const struct sb_iso *iso)
{
	size_t n = 0;
	for (size_t i = 0; i < iso->ncopies; i++)
		if (!iso->copies[i].out && !sb_box_is_output(iso, iso->copies[i].name))
			n++;
	return n;
}

static bool same_file(const struct stat *a, int fd)
{
	struct stat b;
	return fd >= 0 && fstat(fd, &b) == 0 && a->st_dev == b.st_dev &&
	       a->st_ino == b.st_ino;
}

/* An output is opened without truncation (an input may be the same file:
 * the child copies it first) and without O_APPEND (sendfile refuses it);
 * sb_box_enter truncates it. Never the program's standard input: that
 * file would be emptied under the program before it read it. */
static int open_output(struct sb_iso *iso, const struct sb_copy *c, size_t i)
{
	char base[NAME_MAX + 1];
	struct stat st;
	int fd = sb_open_file_as(c->host, SANDBOX_OPEN_APPEND, 0644,
	                         &iso->run.planters);
	if (fd < 0)
		return fd;
	/* Its directory, for the rename at the end (none: in place). */
	iso->run.copy_dir[i] = sb_open_parent(c->host, base, sizeof(base));
	if (iso->run.copy_dir[i] < 0)
		iso->run.copy_dir[i] = -1;
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_APPEND) < 0 ||
	    fstat(fd, &st) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	if (same_file(&st, iso->run.stdin_fd)) {
		close(fd);
		snprintf(iso->run.fail, sizeof(iso->run.fail), "box output %s is also the program's standard input: it would be emptied before the program read it; copy it in (--copy-in) or choose another file",
		         c->host);
		return -EINVAL;
	}
	return fd;
}

static int open_input(struct sb_iso *iso, const struct sb_copy *c, size_t i)
{
	struct stat st;
	int fd = sb_open_file_as(c->host, SANDBOX_OPEN_READ, 0644,
	                         &iso->run.planters);
	if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))) {
		close(fd);
		fd = -EINVAL; /* a FIFO, a device: nothing to copy */
	}
	if (fd >= 0) {
		iso->run.copy_size[i] = (uint64_t)st.st_size;
		iso->run.copy_mode[i] = (st.st_mode & S_IXUSR) ? 0755 : 0644;
	}
	return fd;
}

int sb_box_open_copies(struct sb_iso *iso)
{
	struct sb_iso_run *run = &iso->run;
	size_t n = iso->ncopies;

	run->box_missing = 0;
	run->outputs_cut = false;
	if (!n)
		return 0;
	run->copy_fd = malloc(n * sizeof(int));
	run->copy_dir = malloc(n * sizeof(int));
	run->copy_size = calloc(n, sizeof(uint64_t));
	run->copy_mode = calloc(n, sizeof(mode_t));
	if (!run->copy_fd || !run->copy_dir || !run->copy_size ||
	    !run->copy_mode) {
		free(run->copy_fd);
		free(run->copy_dir);
		run->copy_fd = run->copy_dir = NULL;
		return -ENOMEM; /* sb_box_close frees the others */
	}
	run->ncopy_fd = n;
	for (size_t i = 0; i < n; i++)
		run->copy_fd[i] = run->copy_dir[i] = -1;
	for (size_t i = 0; i < n; i++) {
		const struct sb_copy *c = &iso->copies[i];
		int fd = c->out ? open_output(iso, c, i) : open_input(iso, c, i);
		if (fd < 0) {
			if (!iso->run.fail[0])
				snprintf(iso->run.fail, sizeof(iso->run.fail), "box %s %s: %s",
				         c->out ? "output" : "input", c->host,
				         strerror(-fd));
			return fd;
		}
		run->copy_fd[i] = fd;
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

/* Copy in number i into the directory dir (of the child's root): a new
 * file, the host file's bytes up to its size when opened, mode 0755 or
 * 0644 whatever the umask. `own`: the program's file (an input also
 * copied out), else root's where the supervisor is root -- read-only to
 * the program in any case (the inputs' space is). Where the program has
 * a user namespace of root's making, root's own ids have no mapping in
 * it (the kernel refuses such an owner: EOVERFLOW), so the file is made
 * with the filesystem ids of the map's outside ids -- this thread's
 * only. */
static int copy_in(const struct sb_iso *iso, size_t i, int dir, bool own)
{
	const struct sb_iso_run *run = &iso->run;
	const struct sb_copy *c = &iso->copies[i];
	bool mapped = run->priv && (iso->effective & S_NS_USER);
	mode_t mode = run->copy_mode[i];
	int dst, rc = 0;

	if (mapped) {
		syscall(SYS_setfsgid, run->box_host_gid);
		syscall(SYS_setfsuid, run->box_host_uid);
	}
	dst = openat(dir, c->name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	             O_CLOEXEC, mode);
	if (dst < 0)
		rc = -errno;
	if (mapped) {
		syscall(SYS_setfsuid, geteuid());
		syscall(SYS_setfsgid, getegid());
	}
	if (rc < 0)
		return rc;
	if (own && run->priv && !mapped &&
	    fchown(dst, run->box_host_uid, run->box_host_gid) < 0)
		rc = -errno;
	if (rc == 0 && fchmod(dst, mode) < 0)
		rc = -errno;
	if (rc == 0)
		rc = copy_all(run->copy_fd[i], dst, run->copy_size[i]);
	close(dst);
	return rc;
}

/* The copies in, either kind, into dir. */
static int copy_inputs(struct sb_iso *iso, int dir, bool ro)
{
	for (size_t i = 0; i < iso->ncopies; i++) {
		const struct sb_copy *c = &iso->copies[i];
		if (c->out || sb_box_is_output(iso, c->name) != !ro)
			continue;
		int rc = copy_in(iso, i, dir, !ro);
		if (rc < 0) {
			snprintf(iso->run.fail, sizeof(iso->run.fail),
			         "copy of %s into /box: %s", c->host, strerror(-rc));
			return rc;
		}
	}
	return 0;
}

int sb_box_fill_inputs(struct sb_iso *iso, pid_t pid)
{
	char rel[PATH_MAX];
	int dir, rc;

	snprintf(rel, sizeof(rel), "%s/.in", iso->run.mp.stage + 1);
	if ((dir = open_in_root(pid, rel)) < 0) {
		snprintf(iso->run.fail, sizeof(iso->run.fail),
		         "the box's inputs: %s", strerror(-dir));
		return dir;
	}
	rc = copy_inputs(iso, dir, true);
	close(dir);
	return rc;
}

/* Is the file st one of the copies in (an output written in place)? */
static bool is_input(const struct sb_iso *iso, const struct stat *st)
{
	for (size_t i = 0; i < iso->ncopies && i < iso->run.ncopy_fd; i++)
		if (!iso->copies[i].out && same_file(st, iso->run.copy_fd[i]))
			return true;
	return false;
}

/* The outputs, truncated now, before any code of the program runs -- but
 * for one that is also an input (the child copied it in before its first
 * stop), which keeps its content until copy_out replaces it. */
static int cut_outputs(struct sb_iso *iso)
{
	struct sb_iso_run *run = &iso->run;
	struct stat st;

	for (size_t i = 0; i < iso->ncopies && i < run->ncopy_fd; i++) {
		int fd = run->copy_fd[i];
		if (!iso->copies[i].out || fd < 0 || fstat(fd, &st) < 0 ||
		    !S_ISREG(st.st_mode) || is_input(iso, &st))
			continue;
		if (ftruncate(fd, 0) < 0) {
			int e = -errno;
			snprintf(iso->run.fail, sizeof(iso->run.fail), "box output %s: %s",
			         iso->copies[i].host, strerror(-e));
			return e;
		}
	}
	run->outputs_cut = true;
	return 0;
}

int sb_box_enter(struct sb_iso *iso, pid_t pid)
{
	struct sb_iso_run *run = &iso->run;
	int rc;

	if ((rc = open_in_root(pid, "tmp")) < 0) {
		snprintf(iso->run.fail, sizeof(iso->run.fail), "the box's /tmp: %s",
		         strerror(-rc));
		return rc;
	}
	run->space_fd = rc;
	if (!(iso->effective & S_ISO_BOX))
		return 0;
	if ((rc = open_in_root(pid, "box")) < 0) {
		snprintf(iso->run.fail, sizeof(iso->run.fail), "the box's /box: %s",
		         strerror(-rc));
		return rc;
	}
	run->box_fd = rc;
	if ((rc = copy_inputs(iso, run->box_fd, false)) < 0)
		return rc;
	return cut_outputs(iso);
}

/* What the space holds now: every byte of it is the program's (the
 * copies in that are not also outputs live in a read-only space of
 * their own). */
static int64_t space_used(const struct sb_iso_run *run)
{
	struct statfs sf;

	if (run->space_fd < 0 || fstatfs(run->space_fd, &sf) < 0)
		return -1;
	return (int64_t)((uint64_t)(sf.f_blocks - sf.f_bfree) * sf.f_bsize);
}

void sb_iso_space_sample(struct sb_iso *iso)
{
	if (iso->run.space_fd < 0 || iso->box_limit_quota < 0)
		return; /* no space yet, or no verdict rests on it */
	int64_t used = space_used(&iso->run);
	if (used > (int64_t)iso->run.space_peak)
		iso->run.space_peak = (uint64_t)used;
}

/* A new file beside output i, to be renamed over it: the output's owner
 * and permission bits (never a set-id bit), made without following
 * anything (O_EXCL, O_NOFOLLOW, in the directory opened with the
 * output). Its descriptor with its name in tmp, or -1: write in place --
 * no directory, a file with a second name (a rename would split them),
 * or an owner the supervisor cannot give it. */
static int replacement(const struct sb_iso_run *run, size_t i, char *tmp,
                       size_t len, const char *base)
{
	struct stat st;
	int dir = run->copy_dir[i], fd = -1;

	if (dir < 0 || fstat(run->copy_fd[i], &st) < 0 || st.st_nlink != 1 ||
	    (geteuid() != 0 && st.st_uid != geteuid()))
		return -1;
	for (int tries = 0; fd < 0 && tries < 8; tries++) {
		uint32_t r;
		if (getrandom(&r, sizeof(r), 0) != sizeof(r))
			return -1;
		snprintf(tmp, len, ".%.200s.%08x.sbtmp", base, r);
		fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		            O_NOCTTY | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			return -1;
	}
	if (fd < 0)
		return -1;
	if ((st.st_uid != geteuid() || st.st_gid != getegid()) &&
	    fchown(fd, st.st_uid, st.st_gid) < 0)
		goto undo;
	if (fchmod(fd, st.st_mode & 0777) < 0)
		goto undo;
	return fd;
undo:
	close(fd);
	unlinkat(dir, tmp, 0);
	return -1;
}

/* Rename tmp (open at fd) over output i: only while both names are
 * still the files they were (nobody put anything at either meanwhile).
 * 0, or -1 (tmp removed). */
static int replace(const struct sb_iso_run *run, size_t i, int fd,
                   const char *tmp, const char *base)
{
	struct stat a, b;
	int dir = run->copy_dir[i];

	if (fstat(fd, &a) == 0 && fstatat(dir, tmp, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino &&
	    fstatat(dir, base, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
	    same_file(&b, run->copy_fd[i]) && renameat(dir, tmp, dir, base) == 0)
		return 0;
	unlinkat(dir, tmp, 0);
	return -1;
}

/* /box/NAME to output i. What the program did not leave (or left as
 * anything but a regular file: a symbolic link, a FIFO, a directory)
 * counts in box_missing; a file larger than the box's bound is not copied
 * (a sparse one costs the tmpfs nothing, and would be written out at its
 * size) and counts in box_refused -- over the quota that sets the bound,
 * facts say so; at most the size seen first is copied, never more than
 * the bound. Either way the output is then empty. A copy that failed on
 * the host side (a full disk) leaves an empty file and its errno in
 * box_error: the supervisor's failure, not the program's. */
static void copy_out(struct sb_iso *iso, size_t i, struct sb_iso_facts *facts)
{
	struct sb_iso_run *run = &iso->run;
	const struct sb_copy *c = &iso->copies[i];
	const char *slash = strrchr(c->host, '/');
	const char *base = slash ? slash + 1 : c->host;
	char tmp[NAME_MAX + 1];
	struct stat st;
	int dst = run->copy_fd[i];
	int src = openat(run->box_fd, c->name,
	                 O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	uint64_t size = 0;
	int rc = 0, fd;

	if (src < 0 || fstat(src, &st) < 0 || !S_ISREG(st.st_mode)) {
		run->box_missing++;
	} else if ((uint64_t)st.st_size > iso->box_limit) {
		iso->stat.box_refused++;
		if (iso->box_limit_quota >= 0)
			facts->space_over_quota = iso->box_limit_quota;
	} else {
		size = (uint64_t)st.st_size;
	}
	fd = replacement(run, i, tmp, sizeof(tmp), base);
	if (fd >= 0) {
		if ((!size || (rc = copy_all(src, fd, size)) == 0) &&
		    replace(run, i, fd, tmp, base) == 0)
			goto out;
		if (rc < 0)
			unlinkat(run->copy_dir[i], tmp, 0);
	}
	/* In place. */
	if (rc == 0 && ftruncate(dst, 0) == 0 && lseek(dst, 0, SEEK_SET) == 0 &&
	    size)
		rc = copy_all(src, dst, size);
	if (rc < 0) {
		if (ftruncate(dst, 0) < 0) /* never half an output */
			(void)lseek(dst, 0, SEEK_SET);
		if (!iso->stat.box_error)
			iso->stat.box_error = -rc;
	}
out:
	if (fd >= 0)
		close(fd);
	if (src >= 0)
		close(src);
}

void sb_box_leave(struct sb_iso *iso, struct sb_iso_facts *facts)
{
	struct sb_iso_run *run = &iso->run;

	iso->stat.box_bytes = -1;
	iso->stat.box_peak_bytes = -1;
	iso->stat.box_error = 0;
	iso->stat.box_refused = 0;
	iso->stat.box_limit = (int64_t)iso->box_limit;
	iso->stat.box_limit_quota = iso->box_limit_quota;
	facts->space_over_quota = -1;
	facts->space_peak = -1;
	int64_t used = space_used(run);
	if (used >= 0) {
		if ((uint64_t)used > run->space_peak)
			run->space_peak = (uint64_t)used;
		iso->stat.box_bytes = used;
		iso->stat.box_peak_bytes = (int64_t)run->space_peak;
		facts->space_peak = (int64_t)run->space_peak;
		/* The plan gave one page more than the limit: a program that
		 * used it -- at the end, or at any stop of the run -- wanted
		 * more than its quota allows, whatever it removed later. */
		if (run->space_peak > iso->box_limit && iso->box_limit_quota >= 0)
			facts->space_over_quota = iso->box_limit_quota;
	}
	/* The copies out only after a run that started (its outputs were
	 * truncated then); a run that failed before leaves them as they
	 * were -- one may be an input too. */
	if (run->box_fd >= 0 && run->outputs_cut)
		for (size_t i = 0; i < iso->ncopies; i++)
			if (iso->copies[i].out)
				copy_out(iso, i, facts);
	iso->stat.box_missing = run->box_missing;
	sb_box_close(run);
}

uint64_t sb_box_space_size(const struct sb_iso *iso)
{
	return pages(iso->box_limit) + PAGE;
}

uint64_t sb_box_inputs_size(const struct sb_iso *iso)
{
	uint64_t total = 0;
	for (size_t i = 0; i < iso->ncopies && i < iso->run.ncopy_fd; i++)
		if (!iso->copies[i].out &&
		    !sb_box_is_output(iso, iso->copies[i].name))
			total += pages(iso->run.copy_size[i]);
	return total + PAGE;
}
