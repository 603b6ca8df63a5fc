/*
 * Path rules: readable and writable directories, everything else denied,
 * checked at every syscall that names a file.
 *
 * The layer is the second of a policy's layers (policy.h): after the rule
 * table, before the callbacks. The kernel filter is compiled from the
 * table with the rules of the path syscalls replaced by TRACE (their
 * i386/x32 forms by KILL: sb_policy_effective()), so each of them stops
 * and reaches sb_paths_decide(), which, given what the table says:
 *   1. lets KILL and ERRNO stand;
 *   2. reads the path from the program (sb_mem_read_string), makes it
 *      absolute against the directory it is relative to (the program's
 *      working directory, or the directory behind its dirfd, both read
 *      from /proc/PID) and normalises it lexically ("." and ".." and "//"
 *      are resolved as text; symbolic links are not followed);
 *   3. allows the call when the path lies in a readable directory (reads)
 *      or a writable one (writes: creating, truncating, removing,
 *      renaming, changing modes), else fails it with EACCES;
 *   4. leaves TRACE to the callbacks (a later layer), and ALLOW allowed.
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

/* The layer: directories only. What a run learns (the program's first
 * working directory) is in the run's struct sb_paths_run, never here: a
 * policy is shared by sandboxes and runs. */
struct sb_paths {
	struct sb_path_dir *dirs;
	size_t ndirs;
	long nr[S_ABI_COUNT][NPSYS]; /* numbers in each ABI, -1 when absent */
};

void sb_paths_free(struct sb_paths *L)
{
	if (!L)
		return;
	for (size_t i = 0; i < L->ndirs; i++)
		free(L->dirs[i].path);
	free(L->dirs);
	free(L);
}

void sb_paths_run_init(struct sb_paths_run *run)
{
	run->cwd_pid = -1;
	run->cwd0[0] = '\0';
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

static bool allowed(const struct sb_paths *L, const struct sb_paths_run *run,
                    const char *abs, bool write)
{
	char d[PATH_MAX];
	for (size_t i = 0; i < L->ndirs; i++) {
		const char *dir = L->dirs[i].path;
		if (write && !L->dirs[i].writable)
			continue;
		if (dir[0] != '/') {
			if (join(run->cwd0, dir, d, sizeof(d)) < 0)
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
static int check_one(const struct sb_paths *L, const struct sb_paths_run *run,
                     const sandbox_event_t *ev, const struct psys *s, int pa,
                     int da, bool write)
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
	return allowed(L, run, abs, write) ? 0 : EACCES;
}

static int check_paths(const struct sb_paths *L, struct sb_paths_run *run,
                       const sandbox_event_t *ev, const struct psys *s)
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
	if (run->cwd_pid != ev->pid) {
		if (proc_link(ev->pid, "cwd", run->cwd0, sizeof(run->cwd0)) < 0)
			strcpy(run->cwd0, "/nonexistent");
		run->cwd_pid = ev->pid;
	}
	rc = check_one(L, run, ev, s, s->path, s->dirfd, write);
	if (rc == 0 && s->path2 >= 0)
		rc = check_one(L, run, ev, s, s->path2, s->dirfd2, write);
	return rc;
}

/* ------------------------------------------------------------ deciding */

static const struct psys *find_psys(const struct sb_paths *L, int abi, long nr)
{
	for (size_t i = 0; i < NPSYS; i++)
		if (L->nr[abi][i] == nr)
			return &psys[i];
	return NULL;
}

int sb_paths_decide(const sandbox_policy_t *p, struct sb_paths_run *run,
                    const sandbox_event_t *ev, int disp, int *err)
{
	const struct sb_paths *L = p->paths;
	const sandbox_syscall_t *sc = &ev->syscall;
	const struct psys *s;
	int base = disp & ~S_DISP_FLAG_EXIT, rc;

	if (!L || sc->abi < 0 || sc->abi >= S_ABI_COUNT ||
	    !(s = find_psys(L, sc->abi, sc->nr)))
		return disp;
	/* Their argument layouts are not checked here: killed (RF). */
	if (sc->abi != S_ABI_X86_64)
		return S_DISP_KILL;
	if (base == S_DISP_KILL || base == S_DISP_ERRNO)
		return disp;
	if ((rc = check_paths(L, run, ev, s)) != 0) {
		*err = rc;
		return S_DISP_ERRNO;
	}
	return disp;
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

int sb_paths_check(const sandbox_policy_t *p, char *err, size_t errlen)
{
	struct sb_ruleset rs;
	const char *bad;
	int rc;

	if (!p->paths)
		return 0;
	if ((rc = sb_ruleset_build(p, &rs)) < 0) {
		sb_errf(err, errlen, "path rules: %s", sb_strerror(rc));
		return rc;
	}
	bad = forks(p, &rs);
	sb_ruleset_free(&rs);
	if (bad) {
		sb_errf(err, errlen,
		        "path rules need a single-threaded program, but the policy "
		        "allows %s (threads or processes could change a path "
		        "between the check and its use)", bad);
		return -EINVAL;
	}
	return 0;
}

/* Does the table ask for the exit of this syscall anywhere? */
static bool wants_exit(const sandbox_policy_t *p, long nr)
{
	for (size_t i = 0; i < p->nrules; i++)
		if (p->rules[i].abi == S_ABI_X86_64 && p->rules[i].nr == nr &&
		    (p->rules[i].disp & S_DISP_FLAG_EXIT))
			return true;
	return false;
}

static int push_rule(struct sb_rule **v, size_t *n, size_t *cap, int abi,
                     long nr, int disp)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 128;
		struct sb_rule *r = realloc(*v, c * sizeof(*r));
		if (!r)
			return -ENOMEM;
		*v = r;
		*cap = c;
	}
	memset(&(*v)[*n], 0, sizeof(**v));
	(*v)[*n].abi = abi;
	(*v)[*n].nr = nr;
	(*v)[*n].disp = disp;
	(*n)++;
	return 0;
}

int sb_policy_effective(const sandbox_policy_t *p, struct sb_effective *eff)
{
	const struct sb_paths *L = p->paths;
	size_t n = 0, cap = 0;
	struct sb_rule *v = NULL;
	int rc = 0;

	memset(eff, 0, sizeof(*eff));
	/* A table only: no layers, never freed as a policy. */
	atomic_init(&eff->view.refs, 1);
	eff->view.generation = p->generation;
	memcpy(eff->view.def_disp, p->def_disp, sizeof(p->def_disp));
	memcpy(eff->view.def_err, p->def_err, sizeof(p->def_err));
	eff->view.rules = p->rules;
	eff->view.nrules = eff->view.cap = p->nrules;
	if (!L)
		return 0;
	cap = p->nrules + 3 * NPSYS;
	if (!(v = malloc(cap * sizeof(*v))))
		return -ENOMEM;
	if (p->nrules)
		memcpy(v, p->rules, p->nrules * sizeof(*v));
	n = p->nrules;
	/* The path syscalls stop, so that sb_paths_decide() sees them; their
	 * other ABIs' forms are killed. After every rule of the table, so
	 * that they replace it whatever it says ("Which rule wins"). */
	for (size_t i = 0; i < NPSYS && rc == 0; i++) {
		long nr = L->nr[S_ABI_X86_64][i];
		if (nr >= 0)
			rc = push_rule(&v, &n, &cap, S_ABI_X86_64, nr, S_DISP_TRACE |
			               (wants_exit(p, nr) ? S_DISP_FLAG_EXIT : 0));
		for (int abi = S_ABI_I386; abi < S_ABI_COUNT && rc == 0; abi++)
			if (L->nr[abi][i] >= 0)
				rc = push_rule(&v, &n, &cap, abi, L->nr[abi][i],
				               S_DISP_KILL);
	}
	if (rc < 0) {
		free(v);
		return rc;
	}
	eff->owned = v;
	eff->view.rules = v;
	eff->view.nrules = n;
	eff->view.cap = n;
	return 0;
}

void sb_policy_effective_free(struct sb_effective *eff)
{
	free(eff->owned);
	eff->owned = NULL;
}

static struct sb_paths *layer_new(void)
{
	struct sb_paths *L = calloc(1, sizeof(*L));
	if (!L)
		return NULL;
	for (int abi = 0; abi < S_ABI_COUNT; abi++) {
		for (size_t i = 0; i < NPSYS; i++) {
			long nr = sb_syscall_number(abi, psys[i].name);
			L->nr[abi][i] = nr < 0 ? -1 : nr;
		}
	}
	return L;
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
	struct sb_paths *L = p->paths;
	bool fresh = !L;
	int rc;

	if (fresh && !(L = layer_new()))
		return -ENOMEM;
	if (!dir || !dir[0] || (rc = add_dir(L, dir, writable)) < 0) {
		rc = -EINVAL;
		sb_errf(err, errlen, "bad directory \"%s\" (absolute, or relative "
		        "without \"..\")", dir ? dir : "");
		goto out;
	}
	p->paths = L;
	if ((rc = sb_paths_check(p, err, errlen)) < 0) {
		/* Take the directory back: the policy stays as it was. */
		free(L->dirs[--L->ndirs].path);
		if (fresh)
			p->paths = NULL;
		goto out;
	}
	p->generation++;
	return 0;
out:
	if (fresh)
		sb_paths_free(L);
	return rc;
}

/* ------------------------------------------------------------ explain */

void sb_paths_explain(const sandbox_policy_t *p, FILE *f)
{
	const struct sb_paths *L = p->paths;
	struct sb_ruleset rs;

	if (!L || sb_ruleset_build(p, &rs) < 0)
		return;
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
		long nr = L->nr[S_ABI_X86_64][i];
		if (nr < 0)
			continue;
		d = sb_ruleset_eval(p, &rs, S_ABI_X86_64, nr, zero, 0, &e);
		if ((d & ~S_DISP_FLAG_EXIT) == S_DISP_KILL)
			continue;
		fprintf(f, "#     %-18s %s%s\n", psys[i].name,
		        (d & ~S_DISP_FLAG_EXIT) == S_DISP_ALLOW ? "allow" :
		        (d & ~S_DISP_FLAG_EXIT) == S_DISP_TRACE ? "trace" :
		        "errno",
		        rs.first[S_ABI_X86_64][nr] >= 0 ?
		        " (zero arguments; has conditional rules)" : "");
	}
	sb_ruleset_free(&rs);
}
