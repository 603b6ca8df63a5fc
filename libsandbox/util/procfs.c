/*
 * The few /proc reads the supervisor makes: once at the exit stop (peaks,
 * pending signals, bytes written), and by the RSS sampler. Never per
 * syscall stop. Also reading the memory of a stopped program.
 */
#include "config.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
		ssize_t n = read(fd, buf + off, len - 1 - off);
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
	out->sig_pending = 0;
	n = read_small(pid, "status", buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	out->vm_peak = status_kb(buf, "VmPeak");
	out->vm_size = status_kb(buf, "VmSize");
	out->rss_peak = status_kb(buf, "VmHWM");
	out->sig_pending = status_hex(buf, "SigPnd") | status_hex(buf, "ShdPnd");
	n = read_small(pid, "io", buf, sizeof(buf));
	if (n > 0) {
		const char *w = strstr(buf, "wchar:");
		if (w)
			out->wchar = strtoll(w + 6, NULL, 10);
	}
	return 0;
}

/* statm: size resident shared ... in pages. */
static int64_t statm_field(pid_t pid, int field)
{
	char buf[256];
	ssize_t n = read_small(pid, "statm", buf, sizeof(buf));
	if (n < 0)
		return n;
	long long v[2];
	if (sscanf(buf, "%lld %lld", &v[0], &v[1]) != 2)
		return -EIO;
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
