/*
 * Path rules: readable and writable directories, everything else denied,
 * checked by the policy callback at every syscall that names a file.
 *
 * The layer sits on top of a policy. It keeps a copy of the policy's own
 * table ("inner": what the rules say without path checks, plus the
 * callback the policy had) and replaces the rules of the path syscalls
 * with TRACE, so each of them stops and reaches paths_callback(), which:
 *   1. evaluates the inner table for the call: KILL and ERRNO stand;
 *   2. reads the path from the program (sandbox_read_string), makes it
 *      absolute against the directory it is relative to (the program's
 *      working directory, or the directory behind its dirfd, both read
 *      from /proc/PID) and normalises it lexically ("." and ".." and "//"
 *      are resolved as text; symbolic links are not followed);
 *   3. allows the call when the path lies in a readable directory (reads)
 *      or a writable one (writes: creating, truncating, removing,
 *      renaming, changing modes), else fails it with EACCES;
 *   4. defers to the inner callback when the inner table said TRACE.
 *
 * Why this is race-free: the path is read while the program is stopped,
 * and the kernel reads it again after we resume it. Only another thread
 * of the program (or another process sharing its memory or its files)
 * could change the string or the directories in between, so path rules
 * are refused (-EINVAL) unless the policy kills or denies every way to
 * create a thread or a process: clone, clone3, fork, vfork, in every ABI.
 * Linking and symlinking are refused under path rules (EACCES), so the
 * program cannot plant a link that leads out of its directories; links
 * that already exist in the listed directories are trusted.
 *
 * The i386 and x32 forms of the path syscalls are killed (RF): their
 * argument layouts are not checked here.
 */
#include "config.h"
#include "policy/policy.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum pk { PK_OPEN, PK_READ, PK_WRITE, PK_DENY, PK_ENOSYS };

/* One path syscall (x86_64): where its path is, where its dirfd is (-1:
 * AT_FDCWD implied), where its open flags are (-1: none), what it does.
 * Syscalls with two paths (rename*) have path2/dirfd2. */
struct psys {
	const char *name;
	signed char path, dirfd, flags, path2, dirfd2;
	unsigned char kind;
};

static const struct psys psys[] = {
	{ "open", 0, -1, 1, -1, -1, PK_OPEN },
	{ "openat", 1, 0, 2, -1, -1, PK_OPEN },
	{ "creat", 0, -1, -1, -1, -1, PK_WRITE },
	{ "openat2", 1, 0, -1, -1, -1, PK_ENOSYS },
	{ "stat", 0, -1, -1, -1, -1, PK_READ },
	{ "lstat", 0, -1, -1, -1, -1, PK_READ },
	{ "newfstatat", 1, 0, -1, -1, -1, PK_READ },
	{ "statx", 1, 0, -1, -1, -1, PK_READ },
	{ "access", 0, -1, -1, -1, -1, PK_READ },
	{ "faccessat", 1, 0, -1, -1, -1, PK_READ },
	{ "faccessat2", 1, 0, -1, -1, -1, PK_READ },
	{ "readlink", 0, -1, -1, -1, -1, PK_READ },
	{ "readlinkat", 1, 0, -1, -1, -1, PK_READ },
	{ "execve", 0, -1, -1, -1, -1, PK_READ },
	{ "execveat", 1, 0, -1, -1, -1, PK_READ },
	{ "chdir", 0, -1, -1, -1, -1, PK_READ },
	{ "statfs", 0, -1, -1, -1, -1, PK_READ },
	{ "truncate", 0, -1, -1, -1, -1, PK_WRITE },
	{ "mkdir", 0, -1, -1, -1, -1, PK_WRITE },
	{ "mkdirat", 1, 0, -1, -1, -1, PK_WRITE },
	{ "rmdir", 0, -1, -1, -1, -1, PK_WRITE },
	{ "unlink", 0, -1, -1, -1, -1, PK_WRITE },
	{ "unlinkat", 1, 0, -1, -1, -1, PK_WRITE },
	{ "rename", 0, -1, -1, 1, -1, PK_WRITE },
	{ "renameat", 1, 0, -1, 3, 2, PK_WRITE },
	{ "renameat2", 1, 0, -1, 3, 2, PK_WRITE },
	{ "chmod", 0, -1, -1, -1, -1, PK_WRITE },
	{ "fchmodat", 1, 0, -1, -1, -1, PK_WRITE },
	{ "chown", 0, -1, -1, -1, -1, PK_WRITE },
	{ "lchown", 0, -1, -1, -1, -1, PK_WRITE },
	{ "fchownat", 1, 0, -1, -1, -1, PK_WRITE },
	{ "utimensat", 1, 0, -1, -1, -1, PK_WRITE },
	{ "mknod", 0, -1, -1, -1, -1, PK_WRITE },
	{ "mknodat", 1, 0, -1, -1, -1, PK_WRITE },
	/* refused outright under path rules (when the table allows them) */
	{ "link", -1, -1, -1, -1, -1, PK_DENY },
	{ "linkat", -1, -1, -1, -1, -1, PK_DENY },
	{ "symlink", -1, -1, -1, -1, -1, PK_DENY },
	{ "symlinkat", -1, -1, -1, -1, -1, PK_DENY },
	{ "utime", -1, -1, -1, -1, -1, PK_DENY },
	{ "utimes", -1, -1, -1, -1, -1, PK_DENY },
	{ "futimesat", -1, -1, -1, -1, -1, PK_DENY },
	{ "getxattr", -1, -1, -1, -1, -1, PK_DENY },
	{ "lgetxattr", -1, -1, -1, -1, -1, PK_DENY },
	{ "setxattr", -1, -1, -1, -1, -1, PK_DENY },
	{ "lsetxattr", -1, -1, -1, -1, -1, PK_DENY },
	{ "listxattr", -1, -1, -1, -1, -1, PK_DENY },
	{ "llistxattr", -1, -1, -1, -1, -1, PK_DENY },
	{ "removexattr", -1, -1, -1, -1, -1, PK_DENY },
	{ "lremovexattr", -1, -1, -1, -1, -1, PK_DENY },
	{ "inotify_add_watch", -1, -1, -1, -1, -1, PK_DENY },
	{ "name_to_handle_at", -1, -1, -1, -1, -1, PK_DENY },
	{ "uselib", -1, -1, -1, -1, -1, PK_DENY },
	{ "chroot", -1, -1, -1, -1, -1, PK_DENY },
	{ "open_tree", -1, -1, -1, -1, -1, PK_DENY },
};
#define NPSYS SB_ARRAY_SIZE(psys)

struct sb_path_dir {
	char *path;     /* normalised; relative ones are relative to the
	                 * program's first working directory */
	bool writable;
};

struct sb_paths {
	sandbox_policy_t *inner; /* the table and callback without the layer */
	struct sb_ruleset rs;
	bool rs_valid;
	size_t seen;             /* rules of the outer policy already copied */
	struct sb_path_dir *dirs;
	size_t ndirs;
	long nr[NPSYS];          /* x86_64 numbers, -1 when absent */
	pid_t cwd_pid;           /* run whose first working directory... */
	char cwd0[PATH_MAX];     /* ...this is */
};

static void paths_callback(const sandbox_event_t *ev, sandbox_action_t *act,
                           void *data);

static void paths_free(void *data)
{
	struct sb_paths *L = data;
	if (!L)
		return;
	if (L->rs_valid)
		sb_ruleset_free(&L->rs);
	sb_policy_unref(L->inner);
	for (size_t i = 0; i < L->ndirs; i++)
		free(L->dirs[i].path);
	free(L->dirs);
	free(L);
}

bool sb_paths_active(const sandbox_policy_t *p)
{
	return p && p->fn == paths_callback;
}

sandbox_policy_t *sb_paths_inner(sandbox_policy_t *p)
{
	return sb_paths_active(p) ? ((struct sb_paths *)p->data)->inner : p;
}

/* ------------------------------------------------------------ paths */

/* Normalise `in` (absolute) lexically into out. */
static int normalise(const char *in, char *out, size_t outlen)
{
	size_t n = 0;

	if (in[0] != '/')
		return -EINVAL;
	for (const char *p = in; *p;) {
		while (*p == '/')
			p++;
		const char *e = strchrnul(p, '/');
		size_t len = (size_t)(e - p);
		if (len == 0 || (len == 1 && p[0] == '.')) {
			/* nothing */
		} else if (len == 2 && p[0] == '.' && p[1] == '.') {
			while (n > 0 && out[n - 1] != '/')
				n--;
			if (n > 0)
				n--; /* the slash */
		} else {
			if (n + 1 + len + 1 > outlen)
				return -ENAMETOOLONG;
			out[n++] = '/';
			memcpy(out + n, p, len);
			n += len;
		}
		p = e;
	}
	if (n == 0)
		out[n++] = '/';
	out[n] = '\0';
	return 0;
}

static int join(const char *base, const char *rel, char *out, size_t outlen)
{
	char tmp[2 * PATH_MAX + 2];
	if (snprintf(tmp, sizeof(tmp), "%s/%s", base, rel) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	return normalise(tmp, out, outlen);
}

static int proc_link(pid_t pid, const char *what, char *out, size_t outlen)
{
	char link[64];
	snprintf(link, sizeof(link), "/proc/%d/%s", (int)pid, what);
	ssize_t n = readlink(link, out, outlen - 1);
	if (n < 0)
		return -errno;
	out[n] = '\0';
	return out[0] == '/' ? 0 : -EBADF; /* a pipe or socket: no path */
}

static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	if (n == 1 && dir[0] == '/')
		return true;
	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static bool allowed(struct sb_paths *L, const char *abs, bool write)
{
	char d[PATH_MAX];
	for (size_t i = 0; i < L->ndirs; i++) {
		const char *dir = L->dirs[i].path;
		if (write && !L->dirs[i].writable)
			continue;
		if (dir[0] != '/') {
			if (join(L->cwd0, dir, d, sizeof(d)) < 0)
				continue;
			dir = d;
		}
		if (under(abs, dir))
			return true;
	}
	return false;
}

/* Make the path argument `pa` (dirfd argument `da`) absolute. */
static int resolve(const sandbox_event_t *ev, int pa, int da, char *out,
                   size_t outlen, bool *empty)
{
	const sandbox_syscall_t *sc = &ev->syscall;
	char path[PATH_MAX], base[PATH_MAX];
	ssize_t n = sb_mem_read_string(ev->pid, sc->args[pa], path,
	                               sizeof(path));
	int rc;

	if (n < 0)
		return (int)n;
	*empty = n == 0;
	if (path[0] == '/')
		return normalise(path, out, outlen);
	if (da < 0 || (int)sc->args[da] == AT_FDCWD) {
		rc = proc_link(ev->pid, "cwd", base, sizeof(base));
	} else {
		char fd[32];
		snprintf(fd, sizeof(fd), "fd/%d", (int)sc->args[da]);
		rc = proc_link(ev->pid, fd, base, sizeof(base));
	}
	if (rc < 0)
		return rc;
	return join(base, path, out, outlen);
}

/* The access check of one path argument: 0 or an errno to fail with. */
static int check_one(struct sb_paths *L, const sandbox_event_t *ev,
                     const struct psys *s, int pa, int da, bool write)
{
	char abs[PATH_MAX];
	bool empty = false;
	int rc = resolve(ev, pa, da, abs, sizeof(abs), &empty);

	if (empty && da >= 0 && s->kind == PK_READ &&
	    strcmp(s->name, "execveat") != 0)
		return 0; /* fstatat(fd, "", AT_EMPTY_PATH): the open fd itself */
	if (rc == -EFAULT || rc == -ENAMETOOLONG)
		return -rc;
	if (rc < 0)
		return EACCES;
	return allowed(L, abs, write) ? 0 : EACCES;
}

static int check_paths(struct sb_paths *L, const sandbox_event_t *ev,
                       const struct psys *s)
{
	const uint64_t *a = ev->syscall.args;
	bool write = s->kind == PK_WRITE;
	int rc;

	if (s->kind == PK_DENY)
		return EACCES;
	if (s->kind == PK_ENOSYS)
		return ENOSYS;
	if (s->kind == PK_OPEN)
		write = (a[(int)s->flags] &
		         (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND)) != 0;
	if (L->cwd_pid != ev->pid) {
		if (proc_link(ev->pid, "cwd", L->cwd0, sizeof(L->cwd0)) < 0)
			strcpy(L->cwd0, "/nonexistent");
		L->cwd_pid = ev->pid;
	}
	rc = check_one(L, ev, s, s->path, s->dirfd, write);
	if (rc == 0 && s->path2 >= 0)
		rc = check_one(L, ev, s, s->path2, s->dirfd2, write);
	return rc;
}

/* ------------------------------------------------------------ callback */

static void delegate(struct sb_paths *L, const sandbox_event_t *ev,
                     sandbox_action_t *act)
{
	if (L->inner->fn) {
		L->inner->fn(ev, act, L->inner->data);
		return;
	}
	/* No callback of its own: what the engine does without one. */
	if (!(ev->type == S_EVENT_SYSCALL && ev->disposition == S_DISP_TRACE))
		act->type = S_ACTION_CONT;
}

static const struct psys *find_psys(const struct sb_paths *L, long nr)
{
	for (size_t i = 0; i < NPSYS; i++)
		if (L->nr[i] == nr)
			return &psys[i];
	return NULL;
}

static void paths_callback(const sandbox_event_t *ev, sandbox_action_t *act,
                           void *data)
{
	struct sb_paths *L = data;
	const sandbox_syscall_t *sc = &ev->syscall;
	const struct psys *s;
	int err = 0, disp, rc;

	if (ev->type != S_EVENT_SYSCALL || ev->disposition != S_DISP_TRACE ||
	    sc->abi != S_ABI_X86_64 || !(s = find_psys(L, sc->nr))) {
		delegate(L, ev, act);
		return;
	}
	disp = sb_ruleset_eval(L->inner, &L->rs, sc->abi, sc->nr, sc->args,
	                       ev->pid, &err) & ~S_DISP_FLAG_EXIT;
	if (disp == S_DISP_KILL) {
		act->type = S_ACTION_KILL;
		return;
	}
	if (disp == S_DISP_ERRNO) {
		act->type = S_ACTION_DENY;
		act->data = err;
		return;
	}
	if ((rc = check_paths(L, ev, s)) != 0) {
		act->type = S_ACTION_DENY;
		act->data = rc;
		return;
	}
	if (disp == S_DISP_TRACE)
		delegate(L, ev, act);
	else
		act->type = S_ACTION_CONT;
}

/* ------------------------------------------------------------ setup */

/* Does the table let the program create a thread or a process? */
static const char *forks(const sandbox_policy_t *p, const struct sb_ruleset *rs)
{
	static const char *const names[] = { "clone", "clone3", "fork", "vfork" };
	for (int abi = 0; abi < S_ABI_COUNT; abi++) {
		for (size_t i = 0; i < SB_ARRAY_SIZE(names); i++) {
			long nr = sb_syscall_number(abi, names[i]);
			int d, e;
			if (nr < 0)
				continue;
			sb_ruleset_base(p, rs, abi, nr, &d, &e);
			d &= ~S_DISP_FLAG_EXIT;
			if (d == S_DISP_ALLOW || d == S_DISP_TRACE)
				return names[i];
			for (int32_t r = rs->first[abi][nr]; r >= 0; r = rs->next[r]) {
				d = p->rules[r].disp & ~S_DISP_FLAG_EXIT;
				if (d == S_DISP_ALLOW || d == S_DISP_TRACE)
					return names[i];
			}
		}
	}
	return NULL;
}

/* Copy the outer rules added since the last time into the inner table. */
static int absorb(struct sb_paths *L, sandbox_policy_t *p)
{
	for (size_t i = L->seen; i < p->nrules; i++) {
		const struct sb_rule *r = &p->rules[i];
		int rc = sb_policy_add_rule(L->inner, r->abi, r->nr, r->disp,
		                            r->err, r->cond, r->ncond);
		if (rc < 0)
			return rc;
	}
	for (int abi = 0; abi < S_ABI_COUNT; abi++) {
		L->inner->def_disp[abi] = p->def_disp[abi];
		L->inner->def_err[abi] = p->def_err[abi];
	}
	if (L->rs_valid)
		sb_ruleset_free(&L->rs);
	L->rs_valid = false;
	int rc = sb_ruleset_build(L->inner, &L->rs);
	if (rc == 0)
		L->rs_valid = true;
	return rc;
}

/* Does the inner table ask for the exit of this syscall anywhere? */
static bool wants_exit(const struct sb_paths *L, long nr)
{
	for (size_t i = 0; i < L->inner->nrules; i++)
		if (L->inner->rules[i].abi == S_ABI_X86_64 &&
		    L->inner->rules[i].nr == nr &&
		    (L->inner->rules[i].disp & S_DISP_FLAG_EXIT))
			return true;
	return false;
}

/* The layer's own rules on the outer policy. */
static int install_rules(struct sb_paths *L, sandbox_policy_t *p)
{
	int rc;
	for (size_t i = 0; i < NPSYS; i++) {
		if (L->nr[i] >= 0) {
			int d = S_DISP_TRACE |
			        (wants_exit(L, L->nr[i]) ? S_DISP_FLAG_EXIT : 0);
			if ((rc = sb_policy_add_rule(p, S_ABI_X86_64, L->nr[i],
			                             d, 0, NULL, 0)) < 0)
				return rc;
		}
		rc = sb_policy_add_rule_name(p, (1u << S_ABI_I386) |
		                             (1u << S_ABI_X32), psys[i].name,
		                             S_DISP_KILL, 0, NULL, 0);
		if (rc < 0 && rc != -ENOENT)
			return rc;
	}
	L->seen = p->nrules;
	return 0;
}

static struct sb_paths *layer_new(void)
{
	struct sb_paths *L = calloc(1, sizeof(*L));
	if (!L)
		return NULL;
	if (!(L->inner = sb_policy_new())) {
		free(L);
		return NULL;
	}
	for (size_t i = 0; i < NPSYS; i++) {
		L->nr[i] = sb_syscall_number(S_ABI_X86_64, psys[i].name);
		if (L->nr[i] < 0)
			L->nr[i] = -1;
	}
	L->cwd_pid = -1;
	return L;
}

/* Absorb new rules, check threads, re-install. On a new layer, take over
 * the policy's callback only once everything else succeeded. */
static int apply(sandbox_policy_t *p, struct sb_paths *L, bool fresh,
                 char *err, size_t errlen)
{
	const char *bad;
	int rc = absorb(L, p);

	if (rc < 0) {
		sb_errf(err, errlen, "path rules: %s", sb_strerror(rc));
		return rc;
	}
	if ((bad = forks(L->inner, &L->rs))) {
		sb_errf(err, errlen,
		        "path rules need a single-threaded program, but the policy "
		        "allows %s (threads or processes could change a path "
		        "between the check and its use)", bad);
		return -EINVAL;
	}
	if (fresh) {
		L->inner->fn = p->fn;
		L->inner->data = p->data;
		L->inner->cleanup = p->cleanup;
		p->fn = paths_callback;
		p->data = L;
		p->cleanup = paths_free;
	}
	if ((rc = install_rules(L, p)) < 0)
		sb_errf(err, errlen, "path rules: %s", sb_strerror(rc));
	return rc;
}

int sb_paths_refresh(sandbox_policy_t *p, char *err, size_t errlen)
{
	if (!sb_paths_active(p) || ((struct sb_paths *)p->data)->seen == p->nrules)
		return 0;
	return apply(p, p->data, false, err, errlen);
}

static int add_dir(struct sb_paths *L, const char *dir, bool writable)
{
	char norm[PATH_MAX];
	int rc;

	if (dir[0] == '/') {
		if ((rc = normalise(dir, norm, sizeof(norm))) < 0)
			return rc;
	} else {
		/* Relative: kept relative ("." is the working directory). */
		if ((rc = join("/", dir, norm, sizeof(norm))) < 0)
			return rc;
		memmove(norm, norm + 1, strlen(norm));
		if (!norm[0])
			strcpy(norm, ".");
		if (strstr(dir, ".."))
			return -EINVAL;
	}
	struct sb_path_dir *d = realloc(L->dirs, (L->ndirs + 1) * sizeof(*d));
	if (!d)
		return -ENOMEM;
	L->dirs = d;
	if (!(d[L->ndirs].path = strdup(norm)))
		return -ENOMEM;
	d[L->ndirs++].writable = writable;
	return 0;
}

int sb_paths_add(sandbox_policy_t *p, const char *dir, bool writable,
                 char *err, size_t errlen)
{
	bool fresh = !sb_paths_active(p);
	struct sb_paths *L = fresh ? layer_new() : p->data;
	int rc;

	if (!L)
		return -ENOMEM;
	if (!dir || !dir[0] || (rc = add_dir(L, dir, writable)) < 0) {
		rc = -EINVAL;
		sb_errf(err, errlen, "bad directory \"%s\" (absolute, or relative "
		        "without \"..\")", dir ? dir : "");
		goto out;
	}
	rc = apply(p, L, fresh, err, errlen);
out:
	if (rc < 0 && fresh)
		paths_free(L);
	return rc;
}

/* ------------------------------------------------------------ explain */

void sb_paths_explain(const sandbox_policy_t *p, FILE *f)
{
	if (!sb_paths_active(p))
		return;
	const struct sb_paths *L = p->data;
	fputs("# path rules (x86_64; i386/x32 forms of these calls: kill):"
	      " every call naming a file is checked after the table above"
	      " (\"trace\" lines of path calls are the checks)\n", f);
	for (size_t i = 0; i < L->ndirs; i++)
		fprintf(f, "#   %s %s%s\n",
		        L->dirs[i].writable ? "write-dir" : "read-dir ",
		        L->dirs[i].path,
		        L->dirs[i].path[0] == '/' ? "" :
		        "  (relative to the program's working directory)");
	fputs("#   other paths: EACCES; link, symlink, xattr calls: EACCES;"
	      " openat2: ENOSYS\n", f);
	fputs("#   table without the path layer:\n", f);
	for (size_t i = 0; i < NPSYS; i++) {
		int e = 0, d;
		static const uint64_t zero[6];
		if (L->nr[i] < 0)
			continue;
		d = sb_ruleset_eval(L->inner, &L->rs, S_ABI_X86_64, L->nr[i],
		                    zero, 0, &e);
		if ((d & ~S_DISP_FLAG_EXIT) == S_DISP_KILL)
			continue;
		fprintf(f, "#     %-18s %s%s\n", psys[i].name,
		        (d & ~S_DISP_FLAG_EXIT) == S_DISP_ALLOW ? "allow" :
		        (d & ~S_DISP_FLAG_EXIT) == S_DISP_TRACE ? "trace" :
		        "errno",
		        L->rs.first[S_ABI_X86_64][L->nr[i]] >= 0 ?
		        " (zero arguments; has conditional rules)" : "");
	}
}
