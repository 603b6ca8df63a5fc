/*
 * The few /proc reads the supervisor makes: once at the exit stop (peaks,
 * pending signals, bytes written), and by the RSS sampler. Never per
 * syscall stop. Also reading the memory of a stopped program, and, for an
 * interaction, whether a process is exiting and what its tasks wait for.
 */
#include "config.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <linux/kcmp.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

/* Read a small /proc file into buf (NUL-terminated). */
static ssize_t read_small(pid_t pid, const char *what, char *buf, size_t len)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, what);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t off = 0;
	while (off + 1 < len) {
		size_t want = len - 1 - off;
		ssize_t n = read(fd, buf + off, want);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = -errno;
			close(fd);
			return e;
		}
		if (n == 0)
			break;
		off += (size_t)n;
		/* These files are seq_files: a read fills the buffer up to its
		 * end, so a short one was the last (no read of 0 bytes more). */
		if ((size_t)n < want)
			break;
	}
	buf[off] = '\0';
	close(fd);
	return (ssize_t)off;
}

/* Value of "Key:   123 kB" lines, in bytes; -1 if absent. */
static int64_t status_kb(const char *buf, const char *key)
{
	size_t kl = strlen(key);
	for (const char *l = buf; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		if (strncmp(l, key, kl) == 0 && l[kl] == ':')
			return strtoll(l + kl + 1, NULL, 10) * 1024;
	}
	return -1;
}

static uint64_t status_hex(const char *buf, const char *key)
{
	size_t kl = strlen(key);
	for (const char *l = buf; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		if (strncmp(l, key, kl) == 0 && l[kl] == ':')
			return strtoull(l + kl + 1, NULL, 16);
	}
	return 0;
}

int sb_proc_read_exit(pid_t pid, struct sb_proc_exit *out)
{
	char buf[4096];
	ssize_t n;

	out->vm_peak = out->rss_peak = out->vm_size = out->wchar = -1;
	out->rss = out->pte = -1;
	out->sig_pending = 0;
	n = read_small(pid, "status", buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	out->vm_peak = status_kb(buf, "VmPeak");
	out->vm_size = status_kb(buf, "VmSize");
	out->rss_peak = status_kb(buf, "VmHWM");
	out->rss = status_kb(buf, "VmRSS");
	out->pte = status_kb(buf, "VmPTE");
	out->sig_pending = status_hex(buf, "SigPnd") | status_hex(buf, "ShdPnd");
	out->wchar = sb_proc_wchar(pid);
	return 0;
}

int64_t sb_proc_wchar(pid_t pid)
{
	char buf[1024];
	ssize_t n = read_small(pid, "io", buf, sizeof(buf));
	const char *w = n > 0 ? strstr(buf, "wchar:") : NULL;

	return w ? strtoll(w + 6, NULL, 10) : -1;
}

/* statm: size resident shared ... in pages (v[0], v[1]). */
static int read_statm(pid_t pid, long long v[2])
{
	char buf[256];
	ssize_t n = read_small(pid, "statm", buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	return sscanf(buf, "%lld %lld", &v[0], &v[1]) == 2 ? 0 : -EIO;
}

pid_t sb_proc_mm_holder(pid_t pid)
{
	long long v[2];
	char path[64];
	struct dirent *e;
	pid_t found = pid;

	if (read_statm(pid, v) < 0 || v[0] > 0)
		return pid;
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	DIR *d = opendir(path);
	if (!d)
		return pid;
	while ((e = readdir(d))) {
		pid_t tid = (pid_t)atoi(e->d_name);
		if (tid > 0 && tid != pid && read_statm(tid, v) == 0 && v[0] > 0) {
			found = tid;
			break;
		}
	}
	closedir(d);
	return found;
}

static int64_t statm_field(pid_t pid, int field)
{
	long long v[2];
	int rc = read_statm(pid, v);
	if (rc == 0 && v[0] == 0) {
		pid_t holder = sb_proc_mm_holder(pid);
		if (holder != pid)
			rc = read_statm(holder, v);
	}
	if (rc < 0)
		return rc;
	return (int64_t)v[field] * sysconf(_SC_PAGESIZE);
}

int64_t sb_proc_rss(pid_t pid)
{
	return statm_field(pid, 1);
}

int64_t sb_proc_vm_size(pid_t pid)
{
	return statm_field(pid, 0);
}

int64_t sb_proc_rss_pte(pid_t pid, int64_t *pte)
{
	char buf[4096];
	ssize_t n = read_small(pid, "status", buf, sizeof(buf));

	*pte = -1;
	if (n < 0)
		return n;
	if (status_kb(buf, "VmRSS") < 0) {
		/* No Vm lines: a main thread gone ahead of its other threads. */
		pid_t holder = sb_proc_mm_holder(pid);
		if (holder == pid)
			return -ESRCH;
		if ((n = read_small(holder, "status", buf, sizeof(buf))) < 0)
			return n;
	}
	int64_t rss = status_kb(buf, "VmRSS");
	if (rss < 0)
		return -ESRCH;
	*pte = status_kb(buf, "VmPTE");
	return rss;
}

int64_t sb_proc_pss(pid_t pid)
{
	char buf[2048];
	ssize_t n = read_small(pid, "smaps_rollup", buf, sizeof(buf));
	if (n < 0)
		return n;
	const char *l = strstr(buf, "\nPss:");
	if (!l)
		return -EIO;
	return (int64_t)strtoll(l + 5, NULL, 10) * 1024;
}

int sb_proc_cmp_vm(pid_t a, pid_t b)
{
	long r = syscall(SYS_kcmp, a, b, KCMP_VM, 0UL, 0UL);
	if (r < 0)
		return -errno;
	return r == 0 ? 0 : r == 1 ? -1 : r == 2 ? 1 : -EINVAL;
}

bool sb_proc_stack_growth(pid_t pid, uint64_t addr, int64_t *grow,
                          int64_t *size)
{
	char path[64], line[512];
	unsigned long long prev_hi = 0;
	bool found = false;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long lo, hi;
		if (sscanf(line, "%llx-%llx", &lo, &hi) != 2)
			continue;
		if (lo > addr) {
			/* The first mapping above the fault: is it the stack, with
			 * the fault above the mapping before it? */
			if (strstr(line, "[stack]") && addr >= prev_hi) {
				*grow = (int64_t)(lo - (addr & ~4095ULL));
				*size = (int64_t)(hi - (addr & ~4095ULL));
				found = true;
			}
			break;
		}
		prev_hi = hi;
	}
	fclose(f);
	return found;
}

int sb_proc_limit(pid_t pid, const char *name, uint64_t *soft)
{
	char buf[4096];
	ssize_t n = read_small(pid, "limits", buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	size_t len = strlen(name);
	for (const char *l = buf; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		if (strncmp(l, name, len) != 0 || l[len] != ' ')
			continue;
		const char *v = l + len;
		while (*v == ' ')
			v++;
		if (strncmp(v, "unlimited", 9) == 0) {
			*soft = UINT64_MAX;
			return 0;
		}
		char *e;
		errno = 0;
		unsigned long long x = strtoull(v, &e, 10);
		if (e == v || errno)
			return -EIO;
		*soft = x;
		return 0;
	}
	return -ENOENT;
}

ssize_t sb_mem_read(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	if (pid <= 0)
		return -ESRCH;
	if (len == 0)
		return 0;
	struct iovec local = { .iov_base = buf, .iov_len = len };
	struct iovec remote = { .iov_base = (void *)(uintptr_t)addr, .iov_len = len };
	ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
	return n < 0 ? -errno : n;
}

ssize_t sb_mem_read_string(pid_t pid, uint64_t addr, char *buf, size_t len)
{
	size_t got = 0;

	if (!buf || len == 0)
		return -EINVAL;
	/* Read page by page so that a string ending just before an unmapped
	 * page is still read completely. */
	while (got < len) {
		size_t page_left = 4096 - ((addr + got) & 4095);
		size_t want = len - got < page_left ? len - got : page_left;
		ssize_t n = sb_mem_read(pid, addr + got, buf + got, want);
		if (n <= 0)
			return n < 0 ? n : -EFAULT;
		char *nul = memchr(buf + got, '\0', (size_t)n);
		if (nul)
			return nul - buf;
		got += (size_t)n;
	}
	buf[len - 1] = '\0';
	return -ENAMETOOLONG;
}

/* /proc/PID[/task/TID]/stat: the state letter and the flags word (the
 * comm field may hold spaces and parentheses: parse after the last ')'). */
static int stat_state(pid_t pid, const char *what, char *state,
                      unsigned long *flags)
{
	char buf[1024];
	ssize_t n = read_small(pid, what, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	const char *p = strrchr(buf, ')');
	int ppid, pgrp, session, tty, tpgid;
	if (!p || sscanf(p + 1, " %c %d %d %d %d %d %lu", state, &ppid, &pgrp,
	                 &session, &tty, &tpgid, flags) != 7)
		return -EIO;
	return 0;
}

#define PF_EXITING_FLAG 0x4ul /* include/linux/sched.h: PF_EXITING */

int sb_proc_task_ending(pid_t tid)
{
	char state;
	unsigned long flags;
	int rc = stat_state(tid, "stat", &state, &flags);
	if (rc == -ENOENT || rc == -ESRCH)
		return 1; /* reaped */
	if (rc < 0)
		return rc;
	return state == 'Z' || state == 'X' || (flags & PF_EXITING_FLAG);
}

bool sb_proc_exiting(pid_t pid)
{
	/* Unreadable: gone (reaped), certainly not running any more. */
	return pid <= 0 || sb_proc_task_ending(pid) != 0;
}

static uint64_t status_mask(const char *text, const char *key)
{
	const char *p = strstr(text, key);
	return p ? strtoull(p + strlen(key), NULL, 16) : 0;
}

int sb_proc_sig_action(pid_t pid, int sig)
{
	char buf[4096];
	ssize_t n = read_small(pid, "status", buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	uint64_t bit = 1ULL << (sig - 1);
	if (status_mask(buf, "\nSigCgt:") & bit)
		return SB_SIG_CAUGHT;
	return (status_mask(buf, "\nSigIgn:") & bit) ? SB_SIG_IGNORED
	                                             : SB_SIG_DEFAULT;
}

/* The syscall numbers that read a descriptor (read, readv) and write one
 * (write, writev): x86_64 and x32 (the x32 bit masked off), and i386,
 * whose numbers are, as x86_64 ones, calls that never block for long
 * (close, stat, sched_getscheduler, sched_get_priority_max). */
static bool is_read_call(long nr)
{
	nr &= ~0x40000000L;
	return nr == 0 || nr == 19 || nr == 515 || nr == 3 || nr == 145;
}

static bool is_write_call(long nr)
{
	nr &= ~0x40000000L;
	return nr == 1 || nr == 20 || nr == 516 || nr == 4 || nr == 146;
}

/* One task: SB_WAIT_* from its state and, asleep, its syscall. */
static int task_wait(pid_t pid, const char *tid)
{
	char what[320], buf[256], state;
	unsigned long flags;
	long nr;
	unsigned long long fd;

	snprintf(what, sizeof(what), "task/%s/stat", tid);
	if (stat_state(pid, what, &state, &flags) < 0)
		return SB_WAIT_ENDED; /* the task went away meanwhile */
	if (state == 'Z' || state == 'X')
		return SB_WAIT_ENDED;
	if (state != 'S')
		return SB_WAIT_RUNNING; /* R, D, or stopped by its tracer */
	snprintf(what, sizeof(what), "task/%s/syscall", tid);
	if (read_small(pid, what, buf, sizeof(buf)) < 0 ||
	    sscanf(buf, "%ld %llx", &nr, &fd) != 2)
		return SB_WAIT_SLEEPING; /* "running", "-1 ...": not in a call */
	if (fd == 0 && is_read_call(nr))
		return SB_WAIT_READING;
	if (fd == 1 && is_write_call(nr))
		return SB_WAIT_WRITING;
	return SB_WAIT_SLEEPING;
}

int sb_proc_stdio_wait(pid_t pid)
{
	char path[64];
	bool seen[SB_WAIT_COUNT] = { false };

	if (pid <= 0)
		return SB_WAIT_ENDED;
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	DIR *d = opendir(path);
	if (!d)
		return SB_WAIT_ENDED;
	for (struct dirent *e; (e = readdir(d)); ) {
		if (e->d_name[0] == '.')
			continue;
		int w = task_wait(pid, e->d_name);
		seen[w] = true;
		if (w == SB_WAIT_RUNNING)
			break;
	}
	closedir(d);
	/* Any task running means progress is possible; then a task waiting
	 * on a standard stream says what the process waits for. */
	static const int order[] = { SB_WAIT_RUNNING, SB_WAIT_READING,
	                             SB_WAIT_WRITING, SB_WAIT_SLEEPING };
	for (size_t i = 0; i < SB_ARRAY_SIZE(order); i++)
		if (seen[order[i]])
			return order[i];
	return SB_WAIT_ENDED;
}
