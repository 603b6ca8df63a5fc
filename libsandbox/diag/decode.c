/*
 * sandbox_format_syscall(): a syscall as strace would print it, or as one
 * JSON object. Argument layouts of the common syscalls are in one table,
 * keyed by name (so they hold for every ABI libseccomp names).
 */
#include "config.h"
#include "diag/diag.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Argument kinds. */
enum {
	A_END = 0, A_INT, A_UINT, A_HEX, A_PTR, A_FD, A_DIRFD, A_PATH, A_OFLAGS,
	A_MODE, A_PROT, A_MFLAGS, A_SIG, A_ATFLAGS, A_WHENCE, A_BUF,
};

struct layout {
	const char *name;
	unsigned char arg[6];
	bool ret_hex; /* addresses (mmap, brk) */
};

static const struct layout layouts[] = {
	{ "read", { A_FD, A_PTR, A_UINT }, false },
	{ "write", { A_FD, A_BUF, A_UINT }, false },
	{ "pread64", { A_FD, A_PTR, A_UINT, A_INT }, false },
	{ "pwrite64", { A_FD, A_BUF, A_UINT, A_INT }, false },
	{ "readv", { A_FD, A_PTR, A_INT }, false },
	{ "writev", { A_FD, A_PTR, A_INT }, false },
	{ "open", { A_PATH, A_OFLAGS, A_MODE }, false },
	{ "openat", { A_DIRFD, A_PATH, A_OFLAGS, A_MODE }, false },
	{ "creat", { A_PATH, A_MODE }, false },
	{ "close", { A_FD }, false },
	{ "dup", { A_FD }, false },
	{ "dup2", { A_FD, A_FD }, false },
	{ "dup3", { A_FD, A_FD, A_OFLAGS }, false },
	{ "lseek", { A_FD, A_INT, A_WHENCE }, false },
	{ "stat", { A_PATH, A_PTR }, false },
	{ "lstat", { A_PATH, A_PTR }, false },
	{ "fstat", { A_FD, A_PTR }, false },
	{ "newfstatat", { A_DIRFD, A_PATH, A_PTR, A_ATFLAGS }, false },
	{ "statx", { A_DIRFD, A_PATH, A_ATFLAGS, A_HEX, A_PTR }, false },
	{ "access", { A_PATH, A_INT }, false },
	{ "faccessat", { A_DIRFD, A_PATH, A_INT }, false },
	{ "faccessat2", { A_DIRFD, A_PATH, A_INT, A_ATFLAGS }, false },
	{ "readlink", { A_PATH, A_PTR, A_UINT }, false },
	{ "readlinkat", { A_DIRFD, A_PATH, A_PTR, A_UINT }, false },
	{ "unlink", { A_PATH }, false },
	{ "unlinkat", { A_DIRFD, A_PATH, A_ATFLAGS }, false },
	{ "mkdir", { A_PATH, A_MODE }, false },
	{ "mkdirat", { A_DIRFD, A_PATH, A_MODE }, false },
	{ "rmdir", { A_PATH }, false },
	{ "rename", { A_PATH, A_PATH }, false },
	{ "renameat", { A_DIRFD, A_PATH, A_DIRFD, A_PATH }, false },
	{ "chdir", { A_PATH }, false },
	{ "chmod", { A_PATH, A_MODE }, false },
	{ "truncate", { A_PATH, A_INT }, false },
	{ "ftruncate", { A_FD, A_INT }, false },
	{ "execve", { A_PATH, A_PTR, A_PTR }, false },
	{ "execveat", { A_DIRFD, A_PATH, A_PTR, A_PTR, A_ATFLAGS }, false },
	{ "chroot", { A_PATH }, false },
	{ "getdents64", { A_FD, A_PTR, A_UINT }, false },
	{ "fcntl", { A_FD, A_INT, A_HEX }, false },
	{ "ioctl", { A_FD, A_HEX, A_HEX }, false },
	{ "fsync", { A_FD }, false },
	{ "pipe", { A_PTR }, false },
	{ "pipe2", { A_PTR, A_OFLAGS }, false },
	{ "mmap", { A_PTR, A_UINT, A_PROT, A_MFLAGS, A_FD, A_HEX }, true },
	{ "mmap2", { A_PTR, A_UINT, A_PROT, A_MFLAGS, A_FD, A_HEX }, true },
	{ "mprotect", { A_PTR, A_UINT, A_PROT }, false },
	{ "munmap", { A_PTR, A_UINT }, false },
	{ "mremap", { A_PTR, A_UINT, A_UINT, A_HEX, A_PTR }, true },
	{ "madvise", { A_PTR, A_UINT, A_INT }, false },
	{ "brk", { A_PTR }, true },
	{ "kill", { A_INT, A_SIG }, false },
	{ "tkill", { A_INT, A_SIG }, false },
	{ "tgkill", { A_INT, A_INT, A_SIG }, false },
	{ "rt_sigaction", { A_SIG, A_PTR, A_PTR, A_UINT }, false },
	{ "rt_sigprocmask", { A_INT, A_PTR, A_PTR, A_UINT }, false },
	{ "exit", { A_INT }, false },
	{ "exit_group", { A_INT }, false },
	{ "socket", { A_INT, A_INT, A_INT }, false },
	{ "connect", { A_FD, A_PTR, A_UINT }, false },
	{ "bind", { A_FD, A_PTR, A_UINT }, false },
	{ "nanosleep", { A_PTR, A_PTR }, false },
	{ "clock_nanosleep", { A_INT, A_INT, A_PTR, A_PTR }, false },
	{ "clock_gettime", { A_INT, A_PTR }, false },
	{ "arch_prctl", { A_HEX, A_HEX }, false },
	{ "prctl", { A_INT, A_HEX, A_HEX, A_HEX, A_HEX }, false },
	{ "set_tid_address", { A_PTR }, false },
	{ "futex", { A_PTR, A_INT, A_INT, A_PTR, A_PTR, A_INT }, false },
	{ "getrandom", { A_PTR, A_UINT, A_HEX }, false },
	{ "prlimit64", { A_INT, A_INT, A_PTR, A_PTR }, false },
	{ "uname", { A_PTR }, false },
	{ "clone", { A_HEX, A_PTR, A_PTR, A_PTR, A_HEX }, false },
	{ "wait4", { A_INT, A_PTR, A_HEX, A_PTR }, false },
	{ "ptrace", { A_INT, A_INT, A_PTR, A_PTR }, false },
};

struct flag_name {
	uint64_t bit;
	const char *name;
};

static const struct flag_name oflags[] = {
	/* compound flags before their parts */
	{ O_SYNC, "O_SYNC" }, { O_TMPFILE, "O_TMPFILE" },
	{ O_WRONLY, "O_WRONLY" }, { O_RDWR, "O_RDWR" }, { O_CREAT, "O_CREAT" },
	{ O_EXCL, "O_EXCL" }, { O_NOCTTY, "O_NOCTTY" }, { O_TRUNC, "O_TRUNC" },
	{ O_APPEND, "O_APPEND" }, { O_NONBLOCK, "O_NONBLOCK" },
	{ O_DSYNC, "O_DSYNC" }, { O_DIRECT, "O_DIRECT" },
	{ O_LARGEFILE, "O_LARGEFILE" }, { O_DIRECTORY, "O_DIRECTORY" },
	{ O_NOFOLLOW, "O_NOFOLLOW" }, { O_NOATIME, "O_NOATIME" },
	{ O_CLOEXEC, "O_CLOEXEC" }, { O_PATH, "O_PATH" }, { 0, NULL },
};

static const struct flag_name prot_flags[] = {
	{ PROT_READ, "PROT_READ" }, { PROT_WRITE, "PROT_WRITE" },
	{ PROT_EXEC, "PROT_EXEC" }, { PROT_GROWSDOWN, "PROT_GROWSDOWN" },
	{ PROT_GROWSUP, "PROT_GROWSUP" }, { 0, NULL },
};

static const struct flag_name map_flags[] = {
	{ MAP_SHARED, "MAP_SHARED" }, { MAP_PRIVATE, "MAP_PRIVATE" },
	{ MAP_FIXED, "MAP_FIXED" }, { MAP_ANONYMOUS, "MAP_ANONYMOUS" },
	{ MAP_32BIT, "MAP_32BIT" }, { MAP_GROWSDOWN, "MAP_GROWSDOWN" },
	{ MAP_DENYWRITE, "MAP_DENYWRITE" }, { MAP_EXECUTABLE, "MAP_EXECUTABLE" },
	{ MAP_LOCKED, "MAP_LOCKED" }, { MAP_NORESERVE, "MAP_NORESERVE" },
	{ MAP_POPULATE, "MAP_POPULATE" }, { MAP_NONBLOCK, "MAP_NONBLOCK" },
	{ MAP_STACK, "MAP_STACK" }, { MAP_HUGETLB, "MAP_HUGETLB" },
	{ MAP_FIXED_NOREPLACE, "MAP_FIXED_NOREPLACE" }, { 0, NULL },
};

static const struct flag_name at_flags[] = {
	{ AT_SYMLINK_NOFOLLOW, "AT_SYMLINK_NOFOLLOW" },
	{ AT_REMOVEDIR, "AT_REMOVEDIR" }, { AT_SYMLINK_FOLLOW, "AT_SYMLINK_FOLLOW" },
	{ AT_NO_AUTOMOUNT, "AT_NO_AUTOMOUNT" }, { AT_EMPTY_PATH, "AT_EMPTY_PATH" },
	{ 0, NULL },
};

/* ------------------------------------------------------------ output */

/* Bounded output that counts what it could not store, like snprintf. */
struct out {
	char *buf;
	size_t len, pos;
	bool json;
	pid_t mem_pid; /* whose memory paths and buffers are read; <= 0: none */
};

static void __attribute__((format(printf, 2, 3)))
put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	char *dst = o->pos < o->len ? o->buf + o->pos : NULL;
	size_t room = o->pos < o->len ? o->len - o->pos : 0;

	va_start(ap, fmt);
	int n = vsnprintf(dst, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->pos += (size_t)n;
}

/* A quoted string: C escapes for text, JSON escapes for JSON. */
static void put_quoted(struct out *o, const char *s, size_t n, bool more)
{
	put(o, "\"");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			put(o, "\\%c", c);
		else if (c == '\n')
			put(o, "\\n");
		else if (c == '\t')
			put(o, "\\t");
		else if (c < 0x20 || c == 0x7f || (c >= 0x80 && !o->json))
			put(o, o->json ? "\\u%04x" : "\\x%02x", c);
		else
			put(o, "%c", c);
	}
	put(o, "\"%s", more ? "..." : "");
}

/* Symbolic text goes in quotes in JSON, bare in text. */
static void put_sym(struct out *o, const char *s)
{
	put(o, o->json ? "\"%s\"" : "%s", s);
}

static void put_flags(struct out *o, uint64_t v, const struct flag_name *t,
                      const char *zero)
{
	char tmp[256];
	size_t n = 0;

	tmp[0] = '\0';
	if (zero)
		n += (size_t)snprintf(tmp, sizeof(tmp), "%s", zero);
	for (; t->name; t++) {
		if ((v & t->bit) != t->bit || !t->bit)
			continue;
		v &= ~t->bit;
		if (n < sizeof(tmp))
			n += (size_t)snprintf(tmp + n, sizeof(tmp) - n, "%s%s",
			                      n ? "|" : "", t->name);
	}
	if (v && n < sizeof(tmp))
		n += (size_t)snprintf(tmp + n, sizeof(tmp) - n, "%s%#" PRIx64,
		                      n ? "|" : "", v);
	if (!n)
		snprintf(tmp, sizeof(tmp), "0");
	put_sym(o, tmp);
}

/* ------------------------------------------------------------ arguments */

/* Hex text ("0x1f"); a null pointer is NULL, a zero value 0. */
static void put_hex(struct out *o, uint64_t v, bool ptr)
{
	char tmp[24];
	snprintf(tmp, sizeof(tmp), "%#" PRIx64, v);
	if (v == 0)
		put(o, "%s", ptr ? (o->json ? "\"NULL\"" : "NULL")
		                 : (o->json ? "\"0\"" : "0"));
	else
		put_sym(o, tmp);
}

static void put_path(struct out *o, const sandbox_event_t *ev, uint64_t a,
                     int flags)
{
	char path[4096];

	if (a == 0) {
		put(o, "%s", o->json ? "null" : "NULL");
		return;
	}
	ssize_t n = (flags & SANDBOX_FORMAT_NO_MEMORY) || o->mem_pid <= 0
	            ? -EFAULT
	            : sb_mem_read_string(o->mem_pid, a, path, sizeof(path));
	if (n == -ENAMETOOLONG)
		put_quoted(o, path, strlen(path), true);
	else if (n >= 0)
		put_quoted(o, path, (size_t)n, false);
	else
		put_hex(o, a, true);
}

/* write(2)'s buffer: the first 32 bytes, quoted. */
static void put_buf(struct out *o, const sandbox_event_t *ev, uint64_t a,
                    uint64_t len, int flags)
{
	char data[32];
	size_t want = len < sizeof(data) ? (size_t)len : sizeof(data);
	ssize_t n = (flags & SANDBOX_FORMAT_NO_MEMORY) || o->mem_pid <= 0
	            ? -EFAULT
	            : sb_mem_read(o->mem_pid, a, data, want);
	if (n < 0 || (size_t)n != want)
		put_hex(o, a, true);
	else
		put_quoted(o, data, want, len > want);
}

static void put_signal(struct out *o, int sig)
{
	const char *abbrev = sig > 0 && sig < NSIG ? sigabbrev_np(sig) : NULL;
	char tmp[32];

	if (!abbrev) {
		put(o, "%d", sig);
		return;
	}
	snprintf(tmp, sizeof(tmp), "SIG%s", abbrev);
	put_sym(o, tmp);
}

static void put_arg(struct out *o, const sandbox_event_t *ev, int kind,
                    unsigned i, int flags)
{
	const uint64_t *args = ev->syscall.args;
	uint64_t a = args[i];
	bool is32 = ev->syscall.abi == S_ABI_I386;

	switch (kind) {
	case A_INT:
		put(o, "%" PRId64, is32 ? (int64_t)(int32_t)a : (int64_t)a);
		break;
	case A_UINT:
		put(o, "%" PRIu64, is32 ? (uint64_t)(uint32_t)a : a);
		break;
	case A_FD:
		put(o, "%d", (int)a);
		break;
	case A_DIRFD:
		if ((int)a == AT_FDCWD)
			put_sym(o, "AT_FDCWD");
		else
			put(o, "%d", (int)a);
		break;
	case A_PATH: put_path(o, ev, a, flags); break;
	case A_BUF: put_buf(o, ev, a, i + 1 < 6 ? args[i + 1] : 0, flags); break;
	case A_OFLAGS:
		put_flags(o, a, oflags,
		          (a & O_ACCMODE) == O_RDONLY ? "O_RDONLY" : NULL);
		break;
	case A_MODE: put(o, o->json ? "\"%#o\"" : "%#o", (unsigned)a); break;
	case A_PROT: put_flags(o, a, prot_flags, a ? NULL : "PROT_NONE"); break;
	case A_MFLAGS: put_flags(o, a, map_flags, NULL); break;
	case A_ATFLAGS: put_flags(o, a, at_flags, NULL); break;
	case A_SIG: put_signal(o, (int)a); break;
	case A_WHENCE: {
		static const char *const w[] = { "SEEK_SET", "SEEK_CUR", "SEEK_END",
		                                 "SEEK_DATA", "SEEK_HOLE" };
		if (a < SB_ARRAY_SIZE(w))
			put_sym(o, w[a]);
		else
			put(o, "%" PRIu64, a);
		break;
	}
	case A_PTR: put_hex(o, a, true); break;
	default: /* A_HEX */
		put_hex(o, a, false);
	}
}

static const struct layout *find_layout(const char *name)
{
	for (size_t i = 0; i < SB_ARRAY_SIZE(layouts); i++)
		if (strcmp(layouts[i].name, name) == 0)
			return &layouts[i];
	return NULL;
}

/* ------------------------------------------------------------ the call */

static void put_args(struct out *o, const sandbox_event_t *ev,
                     const struct layout *l, int flags)
{
	for (unsigned i = 0; i < 6; i++) {
		int kind = l ? l->arg[i] : A_HEX;
		if (kind == A_END)
			break;
		/* open's mode means something only when it creates (strace) */
		if (kind == A_MODE && i > 0 && l->arg[i - 1] == A_OFLAGS &&
		    !(ev->syscall.args[i - 1] & (O_CREAT | O_TMPFILE)))
			break;
		if (i)
			put(o, o->json ? "," : ", ");
		put_arg(o, ev, kind, i, flags);
	}
}

static void put_ret(struct out *o, const sandbox_event_t *ev,
                    const struct layout *l)
{
	int64_t r = ev->syscall.ret;

	if (r < 0 && r >= -4095) {
		const char *name = strerrorname_np((int)-r);
		const char *desc = strerrordesc_np((int)-r);
		if (o->json)
			put(o, ",\"ret\":%" PRId64 ",\"errno\":\"%s\"", r,
			    name ? name : "?");
		else
			put(o, " = -1 %s (%s)", name ? name : "?", desc ? desc : "?");
	} else if (l && l->ret_hex) {
		put(o, o->json ? ",\"ret\":%" PRId64 : " = %#" PRIx64, r);
	} else {
		put(o, o->json ? ",\"ret\":%" PRId64 : " = %" PRId64, r);
	}
}

size_t sb_diag_format_syscall(const sandbox_event_t *ev, pid_t mem_pid,
                              char *buf, size_t len, int flags)
{
	struct out o = { .buf = buf, .len = buf ? len : 0,
	                 .json = flags & SANDBOX_FORMAT_JSON, .mem_pid = mem_pid };
	char name[64];

	if (buf && len)
		buf[0] = '\0';
	if (!ev || (ev->type != S_EVENT_SYSCALL && ev->type != S_EVENT_SYSRET))
		return 0;
	bool ret = ev->type == S_EVENT_SYSRET;
	sb_syscall_name(ev->syscall.abi, ev->syscall.nr, name, sizeof(name));
	const struct layout *l = find_layout(name);
	if (o.json) {
		put(&o, "{\"event\":\"%s\",\"pid\":%d,\"abi\":\"%s\",\"nr\":%ld,"
		    "\"name\":\"%s\",\"args\":[", ret ? "sysret" : "syscall",
		    (int)ev->pid, sb_abi_name(ev->syscall.abi), ev->syscall.nr,
		    name);
		put_args(&o, ev, l, flags);
		put(&o, "],\"raw\":[");
		for (int i = 0; i < 6; i++)
			put(&o, "%s%" PRIu64, i ? "," : "", ev->syscall.args[i]);
		put(&o, "]");
		if (ret)
			put_ret(&o, ev, l);
		put(&o, "}");
	} else {
		put(&o, "%s(", name);
		put_args(&o, ev, l, flags);
		put(&o, ")");
		if (ret)
			put_ret(&o, ev, l);
		else
			put(&o, " ...");
	}
	return o.pos;
}
