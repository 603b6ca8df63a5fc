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
	/* The syscalls that name a file (util/syscalls.c), and their numbers
	 * in each ABI (-1 when it has none). */
	size_t nsys;
	const struct sb_sysinfo **sys;
	long (*nr)[S_ABI_COUNT];
};

void sb_paths_free(struct sb_paths *L)
{
	if (!L)
		return;
	for (size_t i = 0; i < L->ndirs; i++)
		free(L->dirs[i].path);
	free(L->dirs);
	free(L->sys);
	free(L->nr);
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
                     const sandbox_event_t *ev, const struct sb_sysinfo *s,
                     int pa, int da, bool write)
{
	char abs[PATH_MAX];
	bool empty = false;
	int rc = resolve(ev, pa, da, abs, sizeof(abs), &empty);

	if (empty && da >= 0 && s->file == SB_FILE_READ &&
	    strcmp(s->name, "execveat") != 0)
		return 0; /* fstatat(fd, "", AT_EMPTY_PATH): the open fd itself */
	if (rc == -EFAULT || rc == -ENAMETOOLONG)
		return -rc;
	if (rc < 0)
		return EACCES;
	return allowed(L, run, abs, write) ? 0 : EACCES;
}

static int check_paths(const struct sb_paths *L, struct sb_paths_run *run,
                       const sandbox_event_t *ev, const struct sb_sysinfo *s)
{
	const uint64_t *a = ev->syscall.args;
	bool write = s->file == SB_FILE_WRITE;
	int pa, da, rc;

	if (s->file == SB_FILE_OTHER)
		return EACCES;
	if (s->file == SB_FILE_OPEN_HOW)
		return ENOSYS;
	if (s->file == SB_FILE_OPEN)
		write = (a[sb_sysinfo_arg(s, SB_ARG_OFLAGS)] &
		         (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND)) != 0;
	if (run->cwd_pid != ev->pid) {
		if (proc_link(ev->pid, "cwd", run->cwd0, sizeof(run->cwd0)) < 0)
			strcpy(run->cwd0, "/nonexistent");
		run->cwd_pid = ev->pid;
	}
	pa = sb_sysinfo_path(s, 0, &da);
	rc = check_one(L, run, ev, s, pa, da, write);
	if (rc == 0 && (pa = sb_sysinfo_path(s, 1, &da)) >= 0)
		rc = check_one(L, run, ev, s, pa, da, write);
	return rc;
}

/* ------------------------------------------------------------ deciding */

static const struct sb_sysinfo *find_sys(const struct sb_paths *L, int abi,
                                         long nr)
{
	for (size_t i = 0; i < L->nsys; i++)
		if (L->nr[i][abi] == nr)
			return L->sys[i];
	return NULL;
}

int sb_paths_decide(const sandbox_policy_t *p, struct sb_paths_run *run,
                    const sandbox_event_t *ev, int disp, int *err)
{
	const struct sb_paths *L = p->paths;
	const sandbox_syscall_t *sc = &ev->syscall;
	const struct sb_sysinfo *s;
	int base = disp & ~S_DISP_FLAG_EXIT, rc;

	if (!L || sc->abi < 0 || sc->abi >= S_ABI_COUNT ||
	    !(s = find_sys(L, sc->abi, sc->nr)))
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

	/* The table with the task guards (tasks.c), then the path rules. */
	if ((rc = sb_policy_guarded(p, eff)) < 0 || !L)
		return rc;
	cap = eff->view.nrules + 3 * L->nsys;
	if (!(v = malloc(cap * sizeof(*v)))) {
		sb_policy_effective_free(eff);
		return -ENOMEM;
	}
	if (eff->view.nrules)
		memcpy(v, eff->view.rules, eff->view.nrules * sizeof(*v));
	n = eff->view.nrules;
	sb_policy_effective_free(eff);
	/* The path syscalls stop, so that sb_paths_decide() sees them; their
	 * other ABIs' forms are killed. After every rule of the table, so
	 * that they replace it whatever it says ("Which rule wins"). */
	for (size_t i = 0; i < L->nsys && rc == 0; i++) {
		long nr = L->nr[i][S_ABI_X86_64];
		if (nr >= 0)
			rc = push_rule(&v, &n, &cap, S_ABI_X86_64, nr, S_DISP_TRACE |
			               (wants_exit(p, nr) ? S_DISP_FLAG_EXIT : 0));
		for (int abi = S_ABI_I386; abi < S_ABI_COUNT && rc == 0; abi++)
			if (L->nr[i][abi] >= 0)
				rc = push_rule(&v, &n, &cap, abi, L->nr[i][abi],
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

	if (!L || !(L->sys = calloc(sb_systab_len, sizeof(*L->sys))) ||
	    !(L->nr = calloc(sb_systab_len, sizeof(*L->nr)))) {
		sb_paths_free(L);
		return NULL;
	}
	for (size_t i = 0; i < sb_systab_len; i++) {
		const struct sb_sysinfo *s = &sb_systab[i];
		if (s->file == SB_FILE_NONE)
			continue;
		for (int abi = 0; abi < S_ABI_COUNT; abi++) {
			long nr = sb_syscall_number(abi, s->name);
			L->nr[L->nsys][abi] = nr < 0 ? -1 : nr;
		}
		L->sys[L->nsys++] = s;
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
	for (size_t i = 0; i < L->nsys; i++) {
		int e = 0, d;
		static const uint64_t zero[6];
		long nr = L->nr[i][S_ABI_X86_64];
		if (nr < 0)
			continue;
		d = sb_ruleset_eval(p, &rs, S_ABI_X86_64, nr, zero, 0, &e);
		if ((d & ~S_DISP_FLAG_EXIT) == S_DISP_KILL)
			continue;
		fprintf(f, "#     %-18s %s%s\n", L->sys[i]->name,
		        (d & ~S_DISP_FLAG_EXIT) == S_DISP_ALLOW ? "allow" :
		        (d & ~S_DISP_FLAG_EXIT) == S_DISP_TRACE ? "trace" :
		        "errno",
		        rs.first[S_ABI_X86_64][nr] >= 0 ?
		        " (zero arguments; has conditional rules)" : "");
	}
	sb_ruleset_free(&rs);
}
