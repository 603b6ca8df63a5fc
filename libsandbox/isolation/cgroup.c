/*
 * Per-run cgroups, common part: where the hierarchies are, the run's
 * group (a random name, locked by its supervisor), removal of groups whose
 * supervisor is gone. The small file helpers both versions use are in
 * cgroup_files.c.
 */
#include "config.h"
#include "isolation/isolation.h"

#include <dirent.h>
#include <stdatomic.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *const ctl_name[SB_CG_NCTL] = { "memory", "pids", "cpu" };
static atomic_uint run_counter;

/* ------------------------------------------------------------ detection */

static bool has_token(const char *list, const char *tok)
{
	size_t n = strlen(tok);
	for (const char *p = list; p && *p;) {
		if (strncmp(p, tok, n) == 0 && (p[n] == ',' || p[n] == '\0' ||
		                                p[n] == ' ' || p[n] == '\n'))
			return true;
		p = strpbrk(p, ", ");
		if (p)
			p++;
	}
	return false;
}

static void note_mount(struct sb_cg_roots *v1, struct sb_cg_roots *v2,
                       const char *mnt, const char *opts, const char *fs,
                       const char *super)
{
	bool ro = has_token(opts, "ro");
	if (strcmp(fs, "cgroup2") == 0 && !v2->root[0][0]) {
		for (int c = 0; c < SB_CG_NCTL; c++) {
			snprintf(v2->root[c], sizeof(v2->root[c]), "%s", mnt);
			v2->ro[c] = ro;
		}
		return;
	}
	if (strcmp(fs, "cgroup") != 0)
		return;
	for (int c = 0; c < SB_CG_NCTL; c++) {
		if (!v1->root[c][0] && has_token(super, ctl_name[c])) {
			snprintf(v1->root[c], sizeof(v1->root[c]), "%s", mnt);
			v1->ro[c] = ro;
		}
	}
}

static void read_mounts(struct sb_cg_roots *v1, struct sb_cg_roots *v2)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[1024];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char mnt[256], opts[256], fs[32], super[512];
		char *dash = strstr(line, " - ");
		if (!dash ||
		    sscanf(line, "%*s %*s %*s %*s %255s %255s", mnt, opts) != 2 ||
		    sscanf(dash + 3, "%31s %*s %511s", fs, super) != 2)
			continue;
		note_mount(v1, v2, mnt, opts, fs, super);
	}
	fclose(f);
}

static void read_self(struct sb_cg_roots *v1, struct sb_cg_roots *v2)
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	char line[1024];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = '\0';
		line[strcspn(line, "\n")] = '\0';
		char *path = c2 + 1;
		path[strcspn(path, "\n")] = '\0';
		for (int c = 0; c < SB_CG_NCTL; c++) {
			if (c1[1] == '\0')
				snprintf(v2->self[c], sizeof(v2->self[c]), "%s", path);
			else if (has_token(c1 + 1, ctl_name[c]))
				snprintf(v1->self[c], sizeof(v1->self[c]), "%s", path);
		}
	}
	fclose(f);
}

int sb_cg_detect(struct sb_cg_roots *v1, struct sb_cg_roots *v2,
                 unsigned *v2_controllers)
{
	char buf[512];

	memset(v1, 0, sizeof(*v1));
	memset(v2, 0, sizeof(*v2));
	v1->version = 1;
	v2->version = 2;
	*v2_controllers = 0;
	read_mounts(v1, v2);
	read_self(v1, v2);
	if (v2->root[0][0] &&
	    sb_cg_read_text(v2->root[0], "cgroup.controllers", buf,
	                    sizeof(buf)) >= 0) {
		for (int c = 0; c < SB_CG_NCTL; c++)
			if (has_token(buf, ctl_name[c]))
				*v2_controllers |= 1u << c;
	}
	return v1->root[0][0] || v1->root[1][0] || v1->root[2][0] ||
	       v2->root[0][0] ? 0 : -ENOENT;
}

int sb_cg_parent_dir(const struct sb_cg_roots *r, int c, const char *parent,
                     char *out, size_t len)
{
	int n;
	if (!r->root[c][0])
		return -ENOENT;
	if (parent[0] == '/')
		n = snprintf(out, len, "%s%s", r->root[c], parent);
	else
		n = snprintf(out, len, "%s%s%s/%s", r->root[c],
		             r->self[c][0] == '/' ? "" : "/", r->self[c], parent);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	/* "//" from a root self path is harmless but ugly: squeeze it. */
	for (char *p = out; (p = strstr(p, "//"));)
		memmove(p, p + 1, strlen(p));
	return 0;
}

/* ------------------------------------------------------------ the run */

/*
 * Names and owners. A run's group is "libsandbox-run-<16 hex digits>",
 * the digits random, so no two supervisors pick the same name whatever pid
 * namespace or container they run in (a pid says nothing across them).
 * The creator holds an exclusive flock on the group directory for the
 * whole run, through a close-on-exec descriptor the program never gets;
 * the kernel drops it when the supervisor dies, however it dies. A sweeper
 * reaps a group only after taking that lock itself without waiting: its
 * owner is then provably gone.
 *
 * Between its mkdir and its flock a new group is unlocked, and a sweeper
 * may take it for a dead one and remove it (it is still empty). The
 * creator sees that -- its flock fails, or the directory it locked is no
 * longer the one at the path -- and starts again under a fresh name, as
 * it does when mkdir says EEXIST.
 */
#define GROUP_PREFIX "libsandbox-run-"
#define GROUP_DIGITS 16
#define NAME_TRIES 16

static void group_name(char *out, size_t len)
{
	uint64_t r;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r)) {
		/* No entropy yet (early boot): unlikely to clash, and a
		 * clash only costs a retry. */
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		r = (uint64_t)ts.tv_nsec << 34 ^ (uint64_t)ts.tv_sec << 20 ^
		    (uint64_t)getpid() << 8 ^ atomic_fetch_add(&run_counter, 1);
	}
	snprintf(out, len, GROUP_PREFIX "%016llx", (unsigned long long)r);
}

static bool is_group_name(const char *name)
{
	size_t n = strlen(GROUP_PREFIX);

	if (strncmp(name, GROUP_PREFIX, n) != 0 ||
	    strlen(name + n) != GROUP_DIGITS)
		return false;
	return strspn(name + n, "0123456789abcdef") == GROUP_DIGITS;
}

/* Lock the group just made at path. Returns the descriptor holding the
 * lock, -EAGAIN when a sweeper got there first (it removes the group:
 * start again under another name), or -errno. */
static int claim(const char *path)
{
	struct stat held, now;
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return errno == ENOENT ? -EAGAIN : -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;
		close(fd);
		return e == EWOULDBLOCK ? -EAGAIN : -e;
	}
	if (fstat(fd, &held) < 0 || stat(path, &now) < 0 ||
	    held.st_ino != now.st_ino || held.st_dev != now.st_dev) {
		close(fd);
		return -EAGAIN;
	}
	return fd;
}

/* The controller whose parent directory is the same as c's, if an
 * earlier one has it (v1 controllers mounted together), else -1. */
static int same_parent(char pdir[][512], int c)
{
	for (int o = 0; o < c; o++)
		if (pdir[o][0] && strcmp(pdir[o], pdir[c]) == 0)
			return o;
	return -1;
}

/* One directory per hierarchy in use (v2: [0] only), made if missing,
 * leftovers of dead supervisors swept; "" for the others. */
static int prepare_parents(const struct sb_cg *cg, const struct sb_cg_roots *r,
                           const char *parent, char pdir[][512])
{
	bool any = false;
	int rc;

	for (int c = 0; c < SB_CG_NCTL; c++) {
		pdir[c][0] = '\0';
		any |= cg->want[c];
	}
	for (int c = 0; c < SB_CG_NCTL; c++) {
		if (r->version == 2 ? c != 0 || !any : !cg->want[c])
			continue;
		if ((rc = sb_cg_parent_dir(r, c, parent, pdir[c], 512)) < 0 ||
		    (rc = sb_cg_mkdir_p(pdir[c])) < 0 ||
		    (r->version == 2 && (rc = sb_cg2_enable(pdir[c], cg->want)) < 0))
			return rc;
		if (same_parent(pdir, c) < 0)
			(void)sb_cg_sweep_dir(pdir[c]);
	}
	return 0;
}

/* Make and lock group `name` in every parent. -EAGAIN: the name is taken
 * or was lost to a sweeper; what was made is destroyed by the caller. */
static int make_groups(struct sb_cg *cg, char pdir[][512], const char *name)
{
	for (int c = 0; c < SB_CG_NCTL; c++) {
		int o = pdir[c][0] ? same_parent(pdir, c) : -1;
		char *dir;

		if (!pdir[c][0])
			continue;
		if (o >= 0) { /* the same directory serves both */
			if (!(cg->dir[c] = strdup(cg->dir[o])))
				return -ENOMEM;
			continue;
		}
		if (asprintf(&dir, "%s/%s", pdir[c], name) < 0)
			return -ENOMEM;
		/* Owner only: nobody else can open it, so nobody else can
		 * lock it while it is being made. */
		if (mkdir(dir, 0700) < 0) {
			int e = errno;
			free(dir);
			return e == EEXIST ? -EAGAIN : -e;
		}
		int fd = claim(dir);
		if (fd < 0) { /* not ours any more: leave it to the sweeper */
			free(dir);
			return fd;
		}
		cg->dir[c] = dir;
		cg->lock[c] = fd;
	}
	return 0;
}

static int setup_limits(const struct sb_cg *cg, const struct sb_cg_limits *lim)
{
	int rc;

	if (cg->version == 2)
		return sb_cg2_setup(cg->dir[0], lim);
	for (int c = 0; c < SB_CG_NCTL; c++)
		if (cg->dir[c] && (rc = sb_cg1_setup(cg->dir[c], c, lim)) < 0)
			return rc;
	return 0;
}

int sb_cg_create(struct sb_cg *cg, const struct sb_cg_roots *r,
                 const char *parent, const struct sb_cg_limits *lim)
{
	char name[64], pdir[SB_CG_NCTL][512];
	int rc;

	for (int c = 0; c < SB_CG_NCTL; c++) {
		cg->dir[c] = NULL;
		cg->lock[c] = -1;
	}
	cg->version = r->version;
	if ((rc = prepare_parents(cg, r, parent, pdir)) < 0)
		goto out;
	rc = -EAGAIN;
	for (int i = 0; i < NAME_TRIES && rc == -EAGAIN; i++) {
		group_name(name, sizeof(name));
		if ((rc = make_groups(cg, pdir, name)) < 0)
			sb_cg_destroy(cg);
		cg->version = r->version;
	}
	if (rc == 0)
		rc = setup_limits(cg, lim);
out:
	if (rc < 0)
		sb_cg_destroy(cg);
	return rc;
}

int sb_cg_attach(const struct sb_cg *cg, pid_t pid)
{
	char buf[24];
	int rc;

	snprintf(buf, sizeof(buf), "%ld", (long)pid);
	for (int c = 0; c < SB_CG_NCTL; c++)
		if (cg->dir[c] && (rc = sb_cg_write(cg->dir[c], "cgroup.procs", buf)) < 0)
			return rc;
	return 0;
}

void sb_cg_read(const struct sb_cg *cg, struct sb_cg_figures *f)
{
	f->memory_peak = f->oom_kills = f->pids_refused = f->cpu_throttled_us = -1;
	if (cg->version == 1)
		sb_cg1_read(cg, f);
	else if (cg->version == 2 && cg->dir[0])
		sb_cg2_read(cg->dir[0], f);
}

int sb_cg_destroy(struct sb_cg *cg)
{
	int rc = 0, r;

	for (int c = 0; c < SB_CG_NCTL; c++) {
		if (!cg->dir[c])
			continue;
		/* Removed while still locked: never reaped from under us. */
		if ((r = sb_cg_kill_and_rmdir(cg->dir[c])) < 0 && rc == 0)
			rc = r;
		if (cg->lock[c] >= 0)
			close(cg->lock[c]);
		cg->lock[c] = -1;
		free(cg->dir[c]);
		cg->dir[c] = NULL;
	}
	cg->version = 0;
	return rc;
}

int sb_cg_sweep_dir(const char *parent_dir)
{
	DIR *d = opendir(parent_dir);
	struct dirent *e;
	char path[512];
	int removed = 0;

	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		if (e->d_type != DT_DIR || !is_group_name(e->d_name))
			continue;
		int fd = openat(dirfd(d), e->d_name,
		                O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue;
		/* Locked: its supervisor is alive (or another sweeper has it). */
		if (flock(fd, LOCK_EX | LOCK_NB) == 0 &&
		    snprintf(path, sizeof(path), "%s/%s", parent_dir,
		             e->d_name) < (int)sizeof(path) &&
		    sb_cg_kill_and_rmdir(path) == 0)
			removed++;
		close(fd);
	}
	closedir(d);
	return removed;
}
