/*
 * Per-run cgroups, common part: where the hierarchies are, the run's
 * group (libsandbox-<supervisor pid>-<n>), removal of leftovers, and the
 * small file helpers both versions use.
 */
#include "config.h"
#include "isolation.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *const ctl_name[SB_CG_NCTL] = { "memory", "pids", "cpu" };
static atomic_uint run_counter;

/* ------------------------------------------------------------ files */

static int path_of(char *out, size_t len, const char *dir, const char *file)
{
	int n = snprintf(out, len, "%s/%s", dir, file);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int sb_cg_write(const char *dir, const char *file, const char *val)
{
	char path[512];
	int fd, rc = 0;
	size_t len = strlen(val);

	if ((rc = path_of(path, sizeof(path), dir, file)) < 0)
		return rc;
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0)
		return -errno;
	if (write(fd, val, len) != (ssize_t)len)
		rc = -errno;
	close(fd);
	return rc;
}

static ssize_t read_text(const char *dir, const char *file, char *buf,
                         size_t len)
{
	char path[512];
	ssize_t n;
	int fd;

	if (path_of(path, sizeof(path), dir, file) < 0)
		return -ENAMETOOLONG;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

int64_t sb_cg_read_i64(const char *dir, const char *file)
{
	char buf[64];
	if (read_text(dir, file, buf, sizeof(buf)) <= 0)
		return -1;
	if (strncmp(buf, "max", 3) == 0)
		return INT64_MAX;
	return strtoll(buf, NULL, 10);
}

/* "key value" lines (memory.events, pids.events, cpu.stat, oom_control). */
int64_t sb_cg_read_key(const char *dir, const char *file, const char *key)
{
	char buf[4096];
	size_t klen = strlen(key);

	if (read_text(dir, file, buf, sizeof(buf)) <= 0)
		return -1;
	for (char *line = buf; line && *line;) {
		char *nl = strchr(line, '\n');
		if (strncmp(line, key, klen) == 0 && line[klen] == ' ')
			return strtoll(line + klen + 1, NULL, 10);
		line = nl ? nl + 1 : NULL;
	}
	return -1;
}

bool sb_cg_exists(const char *dir, const char *file)
{
	char path[512];
	return path_of(path, sizeof(path), dir, file) == 0 &&
	       access(path, F_OK) == 0;
}

int sb_cg_mkdir_p(const char *path)
{
	char buf[512];
	size_t n = strlen(path);

	if (n >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		char c = buf[i];
		buf[i] = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		buf[i] = c;
	}
	return 0;
}

/* Kill every process of the group, until rmdir succeeds (bounded). */
static void kill_members(const char *dir)
{
	char buf[4096];

	if (sb_cg_exists(dir, "cgroup.kill"))
		(void)sb_cg_write(dir, "cgroup.kill", "1");
	if (read_text(dir, "cgroup.procs", buf, sizeof(buf)) <= 0)
		return;
	for (char *p = buf; *p;) {
		char *end;
		long pid = strtol(p, &end, 10);
		if (end == p)
			break;
		if (pid > 0)
			kill((pid_t)pid, SIGKILL);
		p = end;
		while (*p == '\n')
			p++;
	}
}

int sb_cg_kill_and_rmdir(const char *dir)
{
	struct timespec ms = { 0, 2 * 1000 * 1000 };

	for (int i = 0; i < 1000; i++) { /* ~2 s at most */
		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			return -errno;
		kill_members(dir);
		nanosleep(&ms, NULL);
	}
	return -EBUSY;
}

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
	    read_text(v2->root[0], "cgroup.controllers", buf, sizeof(buf)) >= 0) {
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

static int make_group(struct sb_cg *cg, int c, const char *pdir,
                      const char *name)
{
	char *dir;
	int rc;

	if ((rc = sb_cg_mkdir_p(pdir)) < 0)
		return rc;
	(void)sb_cg_sweep_dir(pdir);
	if (asprintf(&dir, "%s/%s", pdir, name) < 0)
		return -ENOMEM;
	if (mkdir(dir, 0755) < 0) {
		rc = -errno;
		free(dir);
		return rc;
	}
	cg->dir[c] = dir;
	return 0;
}

static int create_v1(struct sb_cg *cg, const struct sb_cg_roots *r,
                     const char *parent, const char *name,
                     const struct sb_cg_limits *lim)
{
	char pdir[512];
	int rc;

	for (int c = 0; c < SB_CG_NCTL; c++) {
		if (!cg->want[c])
			continue;
		if ((rc = sb_cg_parent_dir(r, c, parent, pdir, sizeof(pdir))) < 0 ||
		    (rc = make_group(cg, c, pdir, name)) < 0 ||
		    (rc = sb_cg1_setup(cg->dir[c], c, lim)) < 0)
			return rc;
	}
	return 0;
}

static int create_v2(struct sb_cg *cg, const struct sb_cg_roots *r,
                     const char *parent, const char *name,
                     const struct sb_cg_limits *lim)
{
	char pdir[512];
	int rc;

	if ((rc = sb_cg_parent_dir(r, 0, parent, pdir, sizeof(pdir))) < 0 ||
	    (rc = sb_cg_mkdir_p(pdir)) < 0 ||
	    (rc = sb_cg2_enable(pdir, cg->want)) < 0 ||
	    (rc = make_group(cg, 0, pdir, name)) < 0)
		return rc;
	return sb_cg2_setup(cg->dir[0], lim);
}

int sb_cg_create(struct sb_cg *cg, const struct sb_cg_roots *r,
                 const char *parent, const struct sb_cg_limits *lim)
{
	char name[64];
	int rc;

	snprintf(name, sizeof(name), "libsandbox-%ld-%u", (long)getpid(),
	         atomic_fetch_add(&run_counter, 1));
	cg->version = r->version;
	rc = r->version == 2 ? create_v2(cg, r, parent, name, lim)
	                     : create_v1(cg, r, parent, name, lim);
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
		if ((r = sb_cg_kill_and_rmdir(cg->dir[c])) < 0 && rc == 0)
			rc = r;
		free(cg->dir[c]);
		cg->dir[c] = NULL;
	}
	cg->version = 0;
	return rc;
}

/* A group named libsandbox-<pid>-<n> whose supervisor is gone. */
static bool is_orphan(const char *name)
{
	long pid;
	unsigned n;
	char tail;

	if (sscanf(name, "libsandbox-%ld-%u%c", &pid, &n, &tail) != 2 || pid <= 0)
		return false;
	if (pid == (long)getpid())
		return false;
	return kill((pid_t)pid, 0) < 0 && errno == ESRCH;
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
		if (e->d_type != DT_DIR || !is_orphan(e->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", parent_dir, e->d_name);
		if (sb_cg_kill_and_rmdir(path) == 0)
			removed++;
	}
	closedir(d);
	return removed;
}
