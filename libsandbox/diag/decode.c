/*
 * sandbox_format_syscall(): a syscall as strace would print it, or as one
 * JSON object. The argument layouts are the table the path rules use too
 * (util/syscalls.c), keyed by name (so they hold for every ABI libseccomp
 * names).
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
	case SB_ARG_INT:
		put(o, "%" PRId64, is32 ? (int64_t)(int32_t)a : (int64_t)a);
		break;
	case SB_ARG_UINT:
		put(o, "%" PRIu64, is32 ? (uint64_t)(uint32_t)a : a);
		break;
	case SB_ARG_FD:
		put(o, "%d", (int)a);
		break;
	case SB_ARG_DIRFD:
		if ((int)a == AT_FDCWD)
			put_sym(o, "AT_FDCWD");
		else
			put(o, "%d", (int)a);
		break;
	case SB_ARG_PATH: put_path(o, ev, a, flags); break;
	case SB_ARG_BUF: put_buf(o, ev, a, i + 1 < 6 ? args[i + 1] : 0, flags); break;
	case SB_ARG_OFLAGS:
		put_flags(o, a, oflags,
		          (a & O_ACCMODE) == O_RDONLY ? "O_RDONLY" : NULL);
		break;
	case SB_ARG_MODE: put(o, o->json ? "\"%#o\"" : "%#o", (unsigned)a); break;
	case SB_ARG_PROT: put_flags(o, a, prot_flags, a ? NULL : "PROT_NONE"); break;
	case SB_ARG_MFLAGS: put_flags(o, a, map_flags, NULL); break;
	case SB_ARG_ATFLAGS: put_flags(o, a, at_flags, NULL); break;
	case SB_ARG_SIG: put_signal(o, (int)a); break;
	case SB_ARG_WHENCE: {
		static const char *const w[] = { "SEEK_SET", "SEEK_CUR", "SEEK_END",
		                                 "SEEK_DATA", "SEEK_HOLE" };
		if (a < SB_ARRAY_SIZE(w))
			put_sym(o, w[a]);
		else
			put(o, "%" PRIu64, a);
		break;
	}
	case SB_ARG_PTR: put_hex(o, a, true); break;
	default: /* SB_ARG_HEX */
		put_hex(o, a, false);
	}
}

/* ------------------------------------------------------------ the call */

static void put_args(struct out *o, const sandbox_event_t *ev,
                     const struct sb_sysinfo *l, int flags)
{
	for (unsigned i = 0; i < 6; i++) {
		int kind = l ? l->arg[i] : SB_ARG_HEX;
		if (kind == SB_ARG_END)
			break;
		/* open's mode means something only when it creates (strace) */
		if (kind == SB_ARG_MODE && i > 0 && l->arg[i - 1] == SB_ARG_OFLAGS &&
		    !(ev->syscall.args[i - 1] & (O_CREAT | O_TMPFILE)))
			break;
		if (i)
			put(o, o->json ? "," : ", ");
		put_arg(o, ev, kind, i, flags);
	}
}

static void put_ret(struct out *o, const sandbox_event_t *ev,
                    const struct sb_sysinfo *l)
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
	const struct sb_sysinfo *l = sb_sysinfo(name);
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
