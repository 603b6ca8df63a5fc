/*
 * The small cgroup file helpers cgroup.c and both versions use: write a
 * value, read a number or a "key value" line, create a path, and kill a
 * group's processes until it can be removed.
 */
#include "config.h"
#include "isolation/isolation.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int path_of(char *out, size_t len, const char *dir, const char *file)
{
	int n = snprintf(out, len, "%s/%s", dir, file);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int sb_cg_write(const char *dir, const char *file, const char *val)
{
	char path[512];
	int rc;

	if ((rc = path_of(path, sizeof(path), dir, file)) < 0)
		return rc;
	return sb_write_file(path, val);
}

ssize_t sb_cg_read_text(const char *dir, const char *file, char *buf,
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
	if (sb_cg_read_text(dir, file, buf, sizeof(buf)) <= 0)
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

	if (sb_cg_read_text(dir, file, buf, sizeof(buf)) <= 0)
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
	if (sb_cg_read_text(dir, "cgroup.procs", buf, sizeof(buf)) <= 0)
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
