/*
 * The box root. The parent turns the configuration into a list of mount
 * operations (every path and option string made here, before fork); the
 * child, inside its new mount namespace, replays the list with bare
 * syscalls only (async-signal-safe) and enters the box with pivot_root.
 *
 * Two kinds of box: the one the caller configured (a root directory
 * and/or directories, with /proc, /dev and /tmp), and the view of a
 * policy's file rules on a kernel without Landlock (core/confine.c): an
 * empty read-only root holding only the rule paths, each bound at its own
 * place, read-only unless the rule writes -- no /proc, /dev or /tmp
 * unless a rule names them.
 */
#include "config.h"
#include "isolation/isolation.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

static int add(struct sb_mount_plan *mp, int kind, const char *src,
               const char *dst, const char *fstype, unsigned long flags,
               const char *data)
{
	if (mp->n == mp->cap) {
		size_t cap = mp->cap ? mp->cap * 2 : 32;
		struct sb_mnt *o = realloc(mp->ops, cap * sizeof(*o));
		if (!o)
			return -ENOMEM;
		mp->ops = o;
		mp->cap = cap;
	}
	struct sb_mnt *m = &mp->ops[mp->n];
	memset(m, 0, sizeof(*m));
	m->kind = kind;
	m->flags = flags;
	if ((src && !(m->src = strdup(src))) || (dst && !(m->dst = strdup(dst))) ||
	    (fstype && !(m->fstype = strdup(fstype))) ||
	    (data && !(m->data = strdup(data)))) {
		free(m->src);
		free(m->dst);
		free(m->fstype);
		return -ENOMEM;
	}
	mp->n++;
	return 0;
}

static char *join(const char *a, const char *b)
{
	char *p;
	while (*b == '/')
		b++;
	if (asprintf(&p, "%s/%s", a, b) < 0)
		return NULL;
	return p;
}

/* mkdir -p of stage+inside, one MKDIR per component. */
static int add_mkdirs(struct sb_mount_plan *mp, const char *inside,
                      bool last_is_file)
{
	char *path = join(mp->stage, inside);
	size_t base = strlen(mp->stage);
	int rc = 0;

	if (!path)
		return -ENOMEM;
	for (size_t i = base + 1; path[i] && rc == 0; i++) {
		if (path[i] != '/')
			continue;
		path[i] = '\0';
		rc = add(mp, SB_MNT_MKDIR, NULL, path, NULL, 0, NULL);
		path[i] = '/';
	}
	if (rc == 0)
		rc = add(mp, last_is_file ? SB_MNT_MKFILE : SB_MNT_MKDIR, NULL,
		         path, NULL, 0, NULL);
	free(path);
	return rc;
}

static int add_at(struct sb_mount_plan *mp, int kind, const char *src,
                  const char *inside, const char *fstype,
                  unsigned long flags, const char *data)
{
	char *dst = join(mp->stage, inside);
	if (!dst)
		return -ENOMEM;
	int rc = add(mp, kind, src, dst, fstype, flags, data);
	free(dst);
	return rc;
}

static int add_proc(struct sb_mount_plan *mp, bool pidns)
{
	int rc = add_mkdirs(mp, "/proc", false);
	if (rc < 0)
		return rc;
	if (pidns)
		return add_at(mp, SB_MNT_MOUNT, "proc", "/proc", "proc",
		              MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	return add_at(mp, SB_MNT_MOUNT, "/proc", "/proc", NULL,
	              MS_BIND | MS_REC, NULL);
}

static int add_dev(struct sb_mount_plan *mp)
{
	static const char *const nodes[] = { "null", "zero", "random", "urandom" };
	static const char *const links[][2] = {
		{ "/proc/self/fd", "/dev/fd" }, { "/proc/self/fd/0", "/dev/stdin" },
		{ "/proc/self/fd/1", "/dev/stdout" }, { "/proc/self/fd/2", "/dev/stderr" },
	};
	char host[32], inside[32];
	int rc;

	if ((rc = add_mkdirs(mp, "/dev", false)) < 0 ||
	    (rc = add_at(mp, SB_MNT_MOUNT, "tmpfs", "/dev", "tmpfs",
	                 MS_NOSUID | MS_NOEXEC, "size=64k,mode=0755")) < 0)
		return rc;
	for (size_t i = 0; i < SB_ARRAY_SIZE(nodes); i++) {
		snprintf(host, sizeof(host), "/dev/%s", nodes[i]);
		snprintf(inside, sizeof(inside), "/dev/%s", nodes[i]);
		if ((rc = add_mkdirs(mp, inside, true)) < 0 ||
		    (rc = add_at(mp, SB_MNT_MOUNT, host, inside, NULL, MS_BIND,
		                 NULL)) < 0)
			return rc;
	}
	for (size_t i = 0; i < SB_ARRAY_SIZE(links); i++)
		if ((rc = add_at(mp, SB_MNT_SYMLINK, links[i][0], links[i][1],
		                 NULL, 0, NULL)) < 0)
			return rc;
	return add_at(mp, SB_MNT_REMOUNT_RO, NULL, "/dev", NULL, 0, NULL);
}

/* The writable space: one tmpfs at /tmp, of the size the quotas allow
 * (box.c), so that what the program parks in RAM-backed files stays
 * within them; /box and the S_DIR_TMP dirs are directories of it, bound
 * where they belong. */
static int add_space(const struct sb_iso *iso, struct sb_mount_plan *mp)
{
	char data[96];
	int rc;

	snprintf(data, sizeof(data), "size=%llu,nr_inodes=%zu,mode=1777",
	         (unsigned long long)sb_box_space_size(iso), 4096 + iso->ncopies);
	if ((rc = add_mkdirs(mp, "/tmp", false)) < 0)
		return rc;
	return add_at(mp, SB_MNT_MOUNT, "tmpfs", "/tmp", "tmpfs",
	              MS_NOSUID | MS_NODEV, data);
}

/* Directory /tmp/NAME of the writable space, owned and with mode as
 * given, bound at `inside`. */
static int add_space_dir(struct sb_mount_plan *mp, const char *name,
                         const char *inside, uid_t uid, gid_t gid,
                         mode_t mode)
{
	char in_tmp[64];
	char *src;
	int rc;

	snprintf(in_tmp, sizeof(in_tmp), "/tmp/%s", name);
	if ((rc = add_at(mp, SB_MNT_MKDIR, NULL, in_tmp, NULL, 0, NULL)) < 0 ||
	    (rc = add_at(mp, SB_MNT_OWN, NULL, in_tmp, NULL, 0, NULL)) < 0)
		return rc;
	struct sb_mnt *own = &mp->ops[mp->n - 1];
	own->uid = uid;
	own->gid = gid;
	own->mode = mode;
	if ((rc = add_mkdirs(mp, inside, false)) < 0)
		return rc;
	if (!(src = join(mp->stage, in_tmp)))
		return -ENOMEM;
	rc = add_at(mp, SB_MNT_MOUNT, src, inside, NULL, MS_BIND, NULL);
	free(src);
	return rc;
}

/* The system trees of the box, read-only at their own paths: what the
 * host has of them, a directory bound, a symbolic link copied. */
static const char *const box_trees[] = {
	"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32",
	"/etc/ld.so.cache", "/etc/alternatives",
};

static int add_tree(struct sb_mount_plan *mp, const char *tree)
{
	char target[PATH_MAX];
	struct stat st;
	ssize_t n;
	int rc;

	if (lstat(tree, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (S_ISLNK(st.st_mode)) {
		if ((n = readlink(tree, target, sizeof(target) - 1)) < 0)
			return -errno;
		target[n] = '\0';
		return add_at(mp, SB_MNT_SYMLINK, target, tree, NULL, 0, NULL);
	}
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
		return 0;
	if ((rc = add_mkdirs(mp, tree, !S_ISDIR(st.st_mode))) < 0 ||
	    (rc = add_at(mp, SB_MNT_MOUNT, tree, tree, NULL, MS_BIND | MS_REC,
	                 NULL)) < 0)
		return rc;
	return add_at(mp, SB_MNT_REMOUNT_RO, NULL, tree, NULL, 0, NULL);
}

static int add_dir(struct sb_mount_plan *mp, const struct sb_dir *d,
                   size_t i)
{
	struct stat st;
	char name[32];
	int rc;

	if (d->mode == S_DIR_TMP) {
		snprintf(name, sizeof(name), ".dir%zu", i);
		return add_space_dir(mp, name, d->inside, (uid_t)-1, (gid_t)-1,
		                     01777);
	}
	if (stat(d->outside, &st) < 0)
		return -errno;
	if ((rc = add_mkdirs(mp, d->inside, !S_ISDIR(st.st_mode))) < 0 ||
	    (rc = add_at(mp, SB_MNT_MOUNT, d->outside, d->inside, NULL,
	                 MS_BIND | MS_REC, NULL)) < 0)
		return rc;
	if (d->mode == S_DIR_RO)
		rc = add_at(mp, SB_MNT_REMOUNT_RO, NULL, d->inside, NULL, 0, NULL);
	return rc;
}

/* Where the stage directory is made: somewhere no other user can fill
 * (every box needed a fresh directory in the world-writable /tmp, so a
 * local user who filled /tmp's inodes stopped every box: review B4).
 * Root: its own /run/libsandbox (checked to be root's alone); another
 * caller: its $XDG_RUNTIME_DIR when that is a directory of its own that
 * nobody else may write (systemd's /run/user/UID), else /tmp. */
static const char *stage_parent(void)
{
	const char *x = getenv("XDG_RUNTIME_DIR");
	struct stat st;

	if (geteuid() == 0)
		return sb_root_dir();
	if (x && x[0] == '/' && strlen(x) < PATH_MAX - 64 && lstat(x, &st) == 0 &&
	    S_ISDIR(st.st_mode) && st.st_uid == geteuid() &&
	    !(st.st_mode & 022))
		return x;
	return "/tmp";
}

static int make_stage(struct sb_mount_plan *mp)
{
	char tmpl[PATH_MAX];
	const char *parent = stage_parent();

	if (!parent)
		return -errno;
	snprintf(tmpl, sizeof(tmpl), "%s/libsandbox-%ld-XXXXXX", parent,
	         (long)getpid());
	if (!mkdtemp(tmpl))
		return -errno;
	if (!(mp->stage = strdup(tmpl))) {
		rmdir(tmpl);
		return -ENOMEM;
	}
	return 0;
}

static int by_length(const void *a, const void *b)
{
	size_t la = strlen(((const struct sb_dir *)a)->inside);
	size_t lb = strlen(((const struct sb_dir *)b)->inside);
	return (la > lb) - (la < lb);
}

/* The view of file rules. Shorter paths first, so that a path inside
 * another one is bound on top of it, not hidden by it. */
static int prepare_view(const struct sb_iso *iso, struct sb_mount_plan *mp)
{
	struct sb_dir *v = malloc(iso->nview * sizeof(*v));
	struct stat st;
	int rc;

	if (!v)
		return -ENOMEM;
	memcpy(v, iso->view, iso->nview * sizeof(*v));
	qsort(v, iso->nview, sizeof(*v), by_length);
	if ((rc = make_stage(mp)) < 0 ||
	    (rc = add(mp, SB_MNT_MOUNT, "tmpfs", mp->stage, "tmpfs",
	              MS_NOSUID | MS_NODEV, "size=1m,mode=0755")) < 0)
		goto out;
	for (size_t i = 0; i < iso->nview && rc == 0; i++)
		rc = add_dir(mp, &v[i], 0);
	/* The program starts where the supervisor is (a relative working
	 * directory is relative to it), then goes to its working directory:
	 * both exist, empty unless a rule names them (a directory the host
	 * has, nothing otherwise: chdir fails as it would). */
	if (rc == 0)
		rc = add_mkdirs(mp, iso->view_cwd, false);
	if (rc == 0 && iso->view_wd && stat(iso->view_wd, &st) == 0 &&
	    S_ISDIR(st.st_mode))
		rc = add_mkdirs(mp, iso->view_wd, false);
	if (rc == 0)
		rc = add(mp, SB_MNT_REMOUNT_RO, NULL, mp->stage, NULL, 0, NULL);
	if (rc == 0)
		rc = add(mp, SB_MNT_ROOT, iso->view_cwd, mp->stage, NULL, 0, NULL);
out:
	free(v);
	return rc;
}

/* The copies in that are not also outputs live in a tmpfs of their own
 * (the inputs' space), never in the writable space: the child mounts it,
 * hands it over to the supervisor (which copies the host files in, as
 * itself: the program's CPU time and I/O are not charged), binds each
 * file at /box/NAME, makes each bind read-only, and detaches the space.
 * The program reads and runs its inputs, but can neither change, remove
 * nor replace them (a read-only mount point): truncating one frees
 * nothing for its own files.
 *
 * The space itself is never made read-only: the supervisor wrote its
 * files through that mount, and a copy of one of those descriptors may
 * live on anywhere the supervisor's descriptor table was copied while
 * the file was open -- the child of another run a thread of the
 * supervisor started at that moment (until its first step closes it),
 * a child the host program forked (until its exec). While one exists
 * the kernel refuses to make that mount read-only (EBUSY): 1 boxed run
 * in ~200 failed to start with six threads running boxes in one process
 * (verify23 V8). A bind is a mount of its own that nobody ever opened a
 * file through: its remount cannot be refused, however long such a copy
 * lives. Nothing else can reach the space: the program's view has only
 * the binds.
 *
 * An input whose name is also an output's is the program's to change:
 * box.c copies it into /box at the first stop. */
static int add_inputs(const struct sb_iso *iso, struct sb_mount_plan *mp)
{
	char data[96], in[PATH_MAX], box[PATH_MAX];
	int rc;

	if (!sb_box_ro_inputs(iso))
		return 0;
	snprintf(data, sizeof(data), "size=%llu,nr_inodes=%zu,mode=0755",
	         (unsigned long long)sb_box_inputs_size(iso), iso->ncopies + 1);
	if ((rc = add_mkdirs(mp, "/.in", false)) < 0 ||
	    (rc = add_at(mp, SB_MNT_MOUNT, "tmpfs", "/.in", "tmpfs",
	                 MS_NOSUID | MS_NODEV, data)) < 0 ||
	    (rc = add_at(mp, SB_MNT_HANDOFF, NULL, "/.in", NULL, 0, NULL)) < 0)
		return rc;
	mp->ops[mp->n - 1].fd = iso->run.sync_r;
	mp->handoff = true;
	for (size_t i = 0; i < iso->ncopies; i++) {
		const struct sb_copy *c = &iso->copies[i];
		if (c->out || sb_box_is_output(iso, c->name))
			continue;
		snprintf(in, sizeof(in), "%s/.in/%s", mp->stage, c->name);
		snprintf(box, sizeof(box), "%s/box/%s", mp->stage, c->name);
		if ((rc = add(mp, SB_MNT_MKFILE, NULL, box, NULL, 0, NULL)) < 0 ||
		    (rc = add(mp, SB_MNT_MOUNT, in, box, NULL, MS_BIND, NULL)) < 0 ||
		    (rc = add(mp, SB_MNT_REMOUNT_RO, NULL, box, NULL, 0, NULL)) < 0)
			return rc;
	}
	return add_at(mp, SB_MNT_UMOUNT, NULL, "/.in", NULL, 0, NULL);
}

static int prepare_box(const struct sb_iso *iso, struct sb_mount_plan *mp)
{
	const struct sb_iso_run *run = &iso->run;
	int rc;

	if ((rc = make_stage(mp)) < 0)
		return rc;
	if (iso->rootfs)
		rc = add(mp, SB_MNT_MOUNT, iso->rootfs, mp->stage, NULL,
		         MS_BIND | MS_REC, NULL);
	else
		rc = add(mp, SB_MNT_MOUNT, "tmpfs", mp->stage, "tmpfs",
		         MS_NOSUID | MS_NODEV, "size=1m,mode=0755");
	for (size_t i = 0; rc == 0 && (iso->effective & S_ISO_BOX) &&
	                   i < SB_ARRAY_SIZE(box_trees); i++)
		rc = add_tree(mp, box_trees[i]);
	if (rc < 0 || (rc = add_proc(mp, iso->effective & S_NS_PID)) < 0 ||
	    (rc = add_dev(mp)) < 0 || (rc = add_space(iso, mp)) < 0)
		return rc;
	if ((iso->effective & S_ISO_BOX) &&
	    ((rc = add_space_dir(mp, "box", "/box", run->box_uid, run->box_gid,
	                         0700)) < 0 || (rc = add_inputs(iso, mp)) < 0))
		return rc;
	for (size_t i = 0; i < iso->ndirs; i++)
		if ((rc = add_dir(mp, &iso->dirs[i], i)) < 0)
			return rc;
	if (!(iso->rootfs && iso->rootfs_rw) &&
	    (rc = add(mp, SB_MNT_REMOUNT_RO, NULL, mp->stage, NULL, 0, NULL)) < 0)
		return rc;
	return add(mp, SB_MNT_ROOT, NULL, mp->stage, NULL, 0, NULL);
}

int sb_mounts_prepare(const struct sb_iso *iso, struct sb_mount_plan *mp)
{
	int rc;

	memset(mp, 0, sizeof(*mp));
	if (!(iso->effective & S_NS_MOUNT))
		return 0;
	/* Nothing we do may propagate back to the host. */
	if ((rc = add(mp, SB_MNT_MOUNT, NULL, "/", NULL, MS_REC | MS_PRIVATE,
	              NULL)) < 0)
		goto fail;
	if ((iso->effective & S_ISO_FS) && iso->nview)
		rc = prepare_view(iso, mp);
	else if (iso->effective & S_ISO_FS)
		rc = prepare_box(iso, mp);
	else if (iso->effective & S_NS_PID)
		rc = add(mp, SB_MNT_MOUNT, "proc", "/proc", "proc",
		         MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	if (rc == 0)
		return 0;
fail:
	sb_mounts_free(mp);
	return rc;
}

void sb_mounts_free(struct sb_mount_plan *mp)
{
	for (size_t i = 0; i < mp->n; i++) {
		free(mp->ops[i].src);
		free(mp->ops[i].dst);
		free(mp->ops[i].fstype);
		free(mp->ops[i].data);
	}
	free(mp->ops);
	if (mp->stage) {
		rmdir(mp->stage); /* empty on the host side */
		free(mp->stage);
	}
	memset(mp, 0, sizeof(*mp));
}

/* ------------------------------------------------------------ child side */

/* Bind-remount read-only, keeping the flags a user namespace may not clear
 * (they are locked when the mount came from a more privileged namespace). */
static int remount_ro(const char *dst)
{
	struct statvfs sv;
	unsigned long fl = MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID;

	if (statvfs(dst, &sv) < 0)
		return -errno;
	if (sv.f_flag & ST_NODEV)
		fl |= MS_NODEV;
	if (sv.f_flag & ST_NOEXEC)
		fl |= MS_NOEXEC;
	if (sv.f_flag & ST_NOATIME)
		fl |= MS_NOATIME;
	if (sv.f_flag & ST_NODIRATIME)
		fl |= MS_NODIRATIME;
	if (sv.f_flag & ST_RELATIME)
		fl |= MS_RELATIME;
	/* EBUSY while a file is open for writing through this very mount
	 * (the count is the mount's, not the filesystem's): the plan makes
	 * read-only only mounts nobody but this child has reached --
	 * add_inputs() says why. */
	if (mount(NULL, dst, NULL, fl, NULL) < 0)
		return -errno;
	return 0;
}

static int enter_root(const char *dir, const char *cwd, bool allow_pivot,
                      bool *pivoted)
{
	if (chdir(dir) < 0)
		return -errno;
	if (allow_pivot && syscall(SYS_pivot_root, ".", ".") == 0) {
		/* The old root is now stacked on "."; detach it. */
		if (umount2(".", MNT_DETACH) < 0)
			return -errno;
		*pivoted = true;
	} else if (chroot(".") < 0) {
		return -errno;
	}
	if (chdir(cwd ? cwd : "/") < 0)
		return -errno;
	return 0;
}

/* The supervisor's turn (box.c fills the inputs' space): "c", then wait
 * for its "d". A supervisor that is gone or failed ends the child. Sent
 * by send(2): not counted in the program's output_bytes (wchar). */
static int handoff(const struct sb_mnt *m)
{
	char done;

	if (send(m->fd, "c", 1, MSG_NOSIGNAL) != 1 || read(m->fd, &done, 1) != 1 ||
	    done != 'd')
		return -ECANCELED;
	return 0;
}

static int apply_one(const struct sb_mnt *m, bool allow_pivot, bool *pivoted)
{
	int fd;

	switch (m->kind) {
	case SB_MNT_MKDIR:
		if (mkdir(m->dst, 0755) < 0 && errno != EEXIST)
			return -errno;
		return 0;
	case SB_MNT_MKFILE:
		/* Never opens an existing file (it may be a host file under a
		 * bound directory, not ours to open for writing). */
		fd = open(m->dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd < 0)
			return errno == EEXIST || errno == EROFS ? 0 : -errno;
		close(fd);
		return 0;
	case SB_MNT_MOUNT:
		if (mount(m->src, m->dst, m->fstype, m->flags, m->data) < 0)
			return -errno;
		return 0;
	case SB_MNT_REMOUNT_RO:
		return remount_ro(m->dst);
	case SB_MNT_SYMLINK:
		if (symlink(m->src, m->dst) < 0 && errno != EEXIST)
			return -errno;
		return 0;
	case SB_MNT_ROOT:
		return enter_root(m->dst, m->src, allow_pivot, pivoted);
	case SB_MNT_OWN: /* (uid_t)-1: keep the owner (the child's ids) */
		if ((m->uid != (uid_t)-1 && chown(m->dst, m->uid, m->gid) < 0) ||
		    chmod(m->dst, m->mode) < 0)
			return -errno;
		return 0;
	case SB_MNT_HANDOFF:
		return handoff(m);
	case SB_MNT_UMOUNT:
		if (umount2(m->dst, MNT_DETACH) < 0)
			return -errno;
		(void)rmdir(m->dst); /* the box root's, still writable */
		return 0;
	default:
		return -EINVAL;
	}
}

int sb_mounts_apply(const struct sb_mount_plan *mp, bool allow_pivot,
                    bool *pivoted, int *step)
{
	static const int steps[] = {
		[SB_MNT_MKDIR] = SB_STEP_MKDIR, [SB_MNT_MKFILE] = SB_STEP_MKFILE,
		[SB_MNT_MOUNT] = SB_STEP_MOUNT,
		[SB_MNT_REMOUNT_RO] = SB_STEP_REMOUNT_RO,
		[SB_MNT_SYMLINK] = SB_STEP_SYMLINK, [SB_MNT_ROOT] = SB_STEP_PIVOT_ROOT,
		[SB_MNT_OWN] = SB_STEP_CHOWN, [SB_MNT_HANDOFF] = SB_STEP_BOX,
		[SB_MNT_UMOUNT] = SB_STEP_MOUNT,
	};

	for (size_t i = 0; i < mp->n; i++) {
		int rc = apply_one(&mp->ops[i], allow_pivot, pivoted);
		if (rc < 0 && !mp->ops[i].optional) {
			*step = steps[mp->ops[i].kind];
			return rc;
		}
	}
	return 0;
}

/* ------------------------------------------------------------ check */

/* In the box: /box/NAME is the host file of its copy in; a path in a
 * system tree is the same path on the host. NULL when neither. */
static char *box_host_path(const struct sb_iso *iso, const char *inside)
{
	if (strncmp(inside, "/box/", 5) == 0) {
		for (size_t i = 0; i < iso->ncopies; i++)
			if (!iso->copies[i].out &&
			    strcmp(inside + 5, iso->copies[i].name) == 0)
				return strdup(iso->copies[i].host);
		return NULL;
	}
	for (size_t i = 0; i < SB_ARRAY_SIZE(box_trees); i++) {
		size_t n = strlen(box_trees[i]);
		if (strncmp(inside, box_trees[i], n) == 0 &&
		    (inside[n] == '/' || inside[n] == '\0'))
			return strdup(inside);
	}
	return NULL;
}

char *sb_mounts_host_path(const struct sb_iso *iso, const char *inside)
{
	const struct sb_dir *best = NULL;
	size_t best_len = 0;
	char *p;

	for (size_t i = 0; i < iso->ndirs; i++) {
		const struct sb_dir *d = &iso->dirs[i];
		size_t n = strlen(d->inside);
		while (n > 1 && d->inside[n - 1] == '/')
			n--;
		if (d->mode == S_DIR_TMP || strncmp(inside, d->inside, n) != 0 ||
		    (inside[n] != '/' && inside[n] != '\0' && n > 1))
			continue;
		if (n >= best_len) {
			best = d;
			best_len = n;
		}
	}
	if (best) {
		if (asprintf(&p, "%s%s", best->outside,
		             best_len > 1 ? inside + best_len : inside) < 0)
			return NULL;
		return p;
	}
	/* The box root's /tmp is its writable space, never the host's or
	 * the root file system's: the program is not there at the start
	 * (a --rootfs=/ run of /tmp/x/prog was checked as the host's file
	 * and failed at execve). */
	if (strncmp(inside, "/tmp", 4) == 0 &&
	    (inside[4] == '/' || inside[4] == '\0')) {
		errno = ENOENT;
		return NULL;
	}
	if (iso->box && (p = box_host_path(iso, inside)))
		return p;
	if (iso->rootfs)
		return join(iso->rootfs, inside);
	errno = ENOENT;
	return NULL;
}
