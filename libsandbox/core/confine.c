/*
 * How a run's file rules (policy layer 2) are enforced, decided at
 * sandbox_check() and prepared before the fork -- the child only enters
 * what is ready (core/child.c: landlock_restrict_self, or the mount view
 * the isolation layer replays):
 *
 *   1. Landlock, when the kernel has it (any ABI version: what an older
 *      one cannot control is refused by other means -- rename and link
 *      across directories fail with ABI 1, truncation by path is refused
 *      by the seccomp filter below ABI 3, policy/effective.c). The
 *      ruleset is built here (policy/landlock.c) and kept for the next
 *      runs while the policy, the sandbox's configuration and the files
 *      it names (working directory, program, interpreters, every path a
 *      rule resolved to or found missing) stay the same; every execute
 *      checks their identity (a stat each: a Landlock rule holds an
 *      inode) and rebuilds it when one changed.
 *   2. Else a private mount view (isolation/mounts.c): a mount namespace
 *      whose root holds only the rule paths, bound at the same places,
 *      read-only unless writable -- when the host has the namespaces and
 *      the sandbox has no box root or chroot of its own.
 *   3. Else an error naming the missing kernel feature (-ENOTSUP), or,
 *      with best effort, a run with file rules not enforced
 *      (S_FILES_NOT_ENFORCED in the stat).
 *
 * Paths: a rule names files as the program sees them; host_of() maps
 * them to the supervisor's view (through the chroot, or the box's
 * directories).
 */
#include "config.h"
#include "core/core.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The program, then at most two interpreters (a script's, and that
 * interpreter's ELF loader). */
#define NEXEC 3

static const char *const net_calls[] = { "socket", "socketcall", NULL };

void sb_confine_init(struct sb_confine *c)
{
	memset(c, 0, sizeof(*c));
	c->ll_fd = c->run_fd = -1;
}

void sb_confine_drop(struct sb_confine *c)
{
	if (c->ll_fd >= 0)
		close(c->ll_fd);
	c->ll_fd = -1;
	c->ll_features = 0;
	for (size_t i = 0; i < c->nid; i++)
		free(c->id[i].host);
	free(c->id);
	c->id = NULL;
	c->nid = c->capid = 0;
	c->id_lost = false;
	free(c->wd);
	c->wd = NULL;
	c->policy = NULL;
}

/* ------------------------------------------------------------ paths */

/* Whose view of the file system rule paths are in: the supervisor's
 * (pid 0), or, when the program has a root of its own (a chroot, a box),
 * the program's, through /proc/PID/root once it has entered it. */
struct where {
	const sandbox_t *sb;
	pid_t pid;
	struct sb_confine *keep; /* the cache notes each path seen, or NULL */
};

static char *join(const char *a, const char *b)
{
	char *s;
	size_t n = strlen(a);

	if (asprintf(&s, "%s%s%s", a, n && a[n - 1] == '/' ? "" : "/",
	             b[0] == '/' ? b + 1 : b) < 0)
		return NULL;
	return s;
}

/* The host path of a path as the program sees it (sb_files_where.host). */
static char *host_of(const char *inside, void *data)
{
	const struct where *w = data;
	char root[32];

	if (!w->pid)
		return strdup(inside);
	snprintf(root, sizeof(root), "/proc/%d/root", (int)w->pid);
	return join(root, inside);
}

/* Does the program get a root of its own (rules resolved per run)? */
static bool own_root(const sandbox_t *sb)
{
	return sb->chroot_dir || (sb->iso && (sb->iso->rootfs || sb->iso->ndirs ||
	                                      sb->iso->box));
}

/* The program's working directory as it sees it, absolute. */
static char *workdir_inside(const sandbox_t *sb)
{
	char cwd[4096];

	if (sb->workdir && sb->workdir[0] == '/')
		return strdup(sb->workdir);
	if (!sb->workdir && sb->iso && sb->iso->box)
		return strdup("/box"); /* the box's own (core/run.c) */
	if (own_root(sb))
		return join("/", sb->workdir ? sb->workdir : "");
	if (!getcwd(cwd, sizeof(cwd)))
		return NULL;
	return sb->workdir ? join(cwd, sb->workdir) : strdup(cwd);
}

/* Is `path` (a script's #! line, an ELF's PT_INTERP: what the file's
 * content names) beneath a system directory? Only such an interpreter
 * is granted by the engine: anything else the program's author could
 * point at -- a judge's reference solution, a checker -- stays out of
 * reach unless the policy's own rules grant it (exec-file). No "." or
 * ".." component and no empty one, so the text is where it leads. */
static bool system_file(const char *path)
{
	static const char *const dirs[] = { "/usr/bin/", "/bin/", "/usr/sbin/",
		"/sbin/", "/usr/lib/", "/lib/", "/usr/lib64/", "/lib64/",
		"/usr/libexec/", NULL };
	bool under = false;

	for (const char *const *d = dirs; *d; d++)
		under |= strncmp(path, *d, strlen(*d)) == 0;
	if (!under)
		return false;
	for (const char *c = path + 1; *c; ) {
		size_t len = strcspn(c, "/");
		if (len == 0 || (len == 1 && c[0] == '.') ||
		    (len == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		c += len;
		if (*c == '/')
			c++;
	}
	return true;
}

/* The rules the engine adds: the program and its interpreters (read,
 * execute; as long as they exist: else execve says what is wrong; an
 * interpreter only from a system directory, see system_file), and
 * the directories of a box (read, or write for rw and tmp ones). The
 * strings are owned by `own` (freed with free_more). */
struct more {
	struct sb_ll_more m;
	char *own[2 * SB_LL_MORE_MAX];
	size_t nown;
};

static const char *keep(struct more *mo, char *s)
{
	if (s && mo->nown < SB_ARRAY_SIZE(mo->own))
		mo->own[mo->nown++] = s;
	else
		free(s), s = NULL;
	return s;
}

static void push(struct more *mo, const char *inside, const char *host,
                 unsigned access)
{
	if (!inside || !host || mo->m.n >= SB_LL_MORE_MAX)
		return;
	mo->m.inside[mo->m.n] = inside;
	mo->m.host[mo->m.n] = host;
	mo->m.access[mo->m.n++] = access;
}

static void free_more(struct more *mo)
{
	for (size_t i = 0; i < mo->nown; i++)
		free(mo->own[i]);
	memset(mo, 0, sizeof(*mo));
}

static int engine_rules(const sandbox_t *sb, struct where *w, const char *wd,
                        struct more *mo)
{
	char interp[256];
	const char *inside, *host;
	struct stat st;

	memset(mo, 0, sizeof(*mo));
	inside = keep(mo, sb->argv[0][0] == '/' ? strdup(sb->argv[0])
	                                         : join(wd, sb->argv[0]));
	for (int n = 0; inside && n < NEXEC; n++) {
		if (!(host = keep(mo, host_of(inside, w))) || stat(host, &st) < 0)
			break;
		push(mo, inside, host, S_FILE_EXEC);
		if (sb_diag_interpreter(host, interp, sizeof(interp)) <= 0 ||
		    !system_file(interp))
			break;
		inside = keep(mo, strdup(interp));
	}
	for (size_t i = 0; sb->iso && i < sb->iso->ndirs; i++) {
		const struct sb_dir *d = &sb->iso->dirs[i];
		push(mo, d->inside, keep(mo, host_of(d->inside, w)),
		     d->mode == S_DIR_RO ? S_FILE_READ : S_FILE_WRITE);
	}
	return mo->nown == SB_ARRAY_SIZE(mo->own) ? -ENOMEM : 0;
}

/* ------------------------------------------------------------ Landlock */

/* Note what is at host now (st; NULL: nothing), for cache_fits: once
 * (a path several rules resolved to, the working directory a rule names
 * too, is checked once; a path seen with two answers is kept twice, and
 * one of them fails the next check). */
static void note_id(struct sb_confine *c, const char *host, bool nofollow,
                    const struct stat *st)
{
	struct sb_confine_id *id;

	for (size_t i = 0; i < c->nid; i++) {
		id = &c->id[i];
		if (id->nofollow == nofollow && id->absent == !st &&
		    (!st || (id->dev == st->st_dev && id->ino == st->st_ino)) &&
		    strcmp(id->host, host) == 0)
			return;
	}
	if (c->nid == c->capid) {
		size_t cap = c->capid ? 2 * c->capid : 32;
		if (!(id = realloc(c->id, cap * sizeof(*id)))) {
			c->id_lost = true;
			return;
		}
		c->id = id;
		c->capid = cap;
	}
	id = &c->id[c->nid];
	memset(id, 0, sizeof(*id));
	if (!(id->host = strdup(host))) {
		c->id_lost = true;
		return;
	}
	id->nofollow = nofollow;
	id->absent = !st;
	if (st) {
		id->dev = st->st_dev;
		id->ino = st->st_ino;
	}
	c->nid++;
}

static void keep_id(struct sb_confine *c, const char *host)
{
	struct stat st;

	if (stat(host, &st) < 0)
		c->id_lost = true; /* the next run rebuilds */
	else
		note_id(c, host, false, &st);
}

/* sb_files_where.seen of a cached build: every path a rule resolved to. */
static void seen_path(const char *host, bool nofollow, const struct stat *st,
                      void *data)
{
	struct where *w = data;

	if (w->keep)
		note_id(w->keep, host, nofollow, st);
}

/* Is what is at id->host still what the ruleset was built from? */
static bool same_id(const struct sb_confine_id *id)
{
	struct stat st;
	int rc = id->nofollow ? lstat(id->host, &st) : stat(id->host, &st);

	if (id->absent)
		return rc < 0 && errno == ENOENT;
	return rc == 0 && st.st_dev == id->dev && st.st_ino == id->ino;
}

/* net_calls' numbers per ABI, resolved once (a name is looked up in
 * libseccomp's tables one by one: too slow for every check). */
static long net_nr[S_ABI_COUNT][SB_ARRAY_SIZE(net_calls) - 1];
static pthread_once_t net_once = PTHREAD_ONCE_INIT;

static void net_init(void)
{
	for (int abi = 0; abi < S_ABI_COUNT; abi++)
		for (size_t i = 0; net_calls[i]; i++)
			net_nr[abi][i] = sb_syscall_number(abi, net_calls[i]);
}

/* Does the table (as compiled by the check) let no socket be made? */
static bool forbids_net(const sandbox_t *sb)
{
	const sandbox_policy_t *t = &sb->compiled.guarded.view;

	if (!sb->compiled.valid)
		return !sb_policy_may_call(sb->policy, net_calls);
	pthread_once(&net_once, net_init);
	for (int abi = 0; abi < S_ABI_COUNT; abi++)
		for (size_t i = 0; net_calls[i]; i++)
			if (sb_ruleset_may_run(t, &sb->compiled.rules, abi,
			                       net_nr[abi][i]))
				return false;
	return true;
}

/* The cached ruleset still fits: same policy and configuration (what
 * no_net and the Landlock version say: the compiled table's sockets, the
 * version the check found, are compared here, not trusted to a setter's
 * bump, api.h), and the files it names (working directory, program,
 * interpreters, every path a rule resolved to: a script named by an
 * argument, a policy's file) are the same files, and what was missing
 * still is (a replaced file is a new inode the old rule does not cover:
 * rebuild). One stat a path. */
static bool cache_fits(const sandbox_t *sb, const char *wd, bool no_net)
{
	const struct sb_confine *c = &sb->confine;

	if (c->ll_fd < 0 || c->policy != sb->policy ||
	    c->policy_gen != sb->policy->generation ||
	    c->config_gen != sb->config_gen || c->built_abi != c->ll_abi ||
	    c->built_no_net != no_net || !c->nid || c->id_lost ||
	    !c->wd || strcmp(c->wd, wd) != 0)
		return false;
	for (size_t i = 0; i < c->nid; i++)
		if (!same_id(&c->id[i]))
			return false;
	return true;
}

/* Fill ruleset fd with the rules of one run, paths seen through w. */
static int fill(sandbox_t *sb, int fd, struct where *w, struct more *mo,
                char **wd_host)
{
	struct sb_confine *c = &sb->confine;
	char *wd = workdir_inside(sb);
	const struct sb_files_where fw = {
		.workdir = wd, .args = sb->argv + 1, .host = host_of,
		.seen = seen_path, .data = w,
	};
	int rc;

	if (!wd)
		return errno ? -errno : -ENOMEM;
	if ((rc = engine_rules(sb, w, wd, mo)) == 0)
		rc = sb_landlock_fill(sb->policy, fd, c->ll_abi, &fw, &mo->m,
		                      c->msg, sizeof(c->msg));
	if (wd_host)
		*wd_host = host_of(wd, w);
	free(wd);
	return rc;
}

/* The supervisor's view: build the ruleset now, or keep the cached one
 * when nothing it was built from changed. */
static int build_landlock(sandbox_t *sb)
{
	struct sb_confine *c = &sb->confine;
	struct where w = { sb, 0, &sb->confine };
	struct more mo;
	char *wd = workdir_inside(sb), *wd_host;
	bool no_net = forbids_net(sb);
	int rc, fd = -1;

	if (!wd)
		return errno ? -errno : -ENOMEM;
	if (cache_fits(sb, wd, no_net)) {
		free(wd);
		return 0;
	}
	wd_host = host_of(wd, &w);
	sb_confine_drop(c);
	c->wd = wd; /* what the cache was built for (relative paths too) */
	c->msg[0] = '\0';
	memset(&mo, 0, sizeof(mo));
	if ((rc = sb_landlock_new(c->ll_abi, no_net, &fd, &c->ll_features,
	                          c->msg, sizeof(c->msg))) < 0)
		goto out;
	if ((rc = fill(sb, fd, &w, &mo, NULL)) < 0) {
		close(fd);
		c->ll_features = 0;
		goto out;
	}
	c->ll_fd = fd;
	c->policy = sb->policy;
	c->policy_gen = sb->policy->generation;
	c->config_gen = sb->config_gen;
	c->built_abi = c->ll_abi;
	c->built_no_net = no_net;
	for (size_t i = 0; i < mo.m.n; i++)
		keep_id(c, mo.m.host[i]);
	if (wd_host)
		keep_id(c, wd_host);
out:
	free_more(&mo);
	free(wd_host);
	return rc;
}

/* ------------------------------------------------------------ the view */

struct view_build {
	struct sb_dir *v;
	size_t n;
};

static int view_add(struct view_build *b, const char *host, bool writable)
{
	struct sb_dir *v = realloc(b->v, (b->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	b->v = v;
	memset(&v[b->n], 0, sizeof(v[b->n]));
	v[b->n].mode = writable ? S_DIR_RW : S_DIR_RO;
	if (!(v[b->n].inside = strdup(host)) || !(v[b->n].outside = strdup(host))) {
		free(v[b->n].inside);
		return -ENOMEM;
	}
	b->n++;
	return 0;
}

static int view_rule(const char *inside, const char *host, int fd,
                     const struct stat *st, unsigned access, void *data)
{
	(void)inside;
	(void)fd;
	(void)st;
	return view_add(data, host, access & S_FILE_WRITE);
}

/* Can this host give the program a private mount view? */
static bool view_possible(const sandbox_t *sb, char *why, size_t len)
{
	sandbox_probe_t p;
	unsigned need = S_NS_MOUNT | (geteuid() != 0 ? S_NS_USER : 0);

	if (sb->chroot_dir || (sb->iso && (sb->iso->rootfs || sb->iso->ndirs ||
	                                   sb->iso->box))) {
		snprintf(why, len, "the sandbox has its own %s, and a private "
		         "view cannot be combined with it",
		         sb->chroot_dir ? "chroot" : "box root");
		return false;
	}
	sb_iso_probe(&p, need);
	if ((p.available & need) == need)
		return true;
	snprintf(why, len, "no %s namespace for a private mount view%s",
	         (p.available & S_NS_MOUNT) ? "user" : "mount",
	         geteuid() != 0 ? " (an unprivileged caller needs a user "
	         "namespace)" : "");
	for (unsigned i = 0; i < p.nmissing; i++)
		if (p.missing[i].feature & need & ~p.available) {
			size_t o = strlen(why);
			snprintf(why + o, len - o, ": %s", p.missing[i].cause);
			break;
		}
	return false;
}

/* A standard stream that is a directory reaches, through openat(), the
 * files beneath it wherever they are: Landlock judges those files, a
 * mount view cannot. -EINVAL with a message, or 0. */
static int no_directory_streams(sandbox_t *sb)
{
	for (int i = 0; i < 3; i++) {
		const struct sb_stdio *s = &sb->stdio[i];
		int fd = s->fd >= 0 ? s->fd : s->path ? -1 : i; /* i: inherited */
		struct stat st;
		bool dir = fd >= 0 ? fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)
		         : stat(s->path, &st) == 0 && S_ISDIR(st.st_mode);
		if (dir) {
			snprintf(sb->confine.msg, sizeof(sb->confine.msg),
			         "standard stream %d is a directory: without Landlock "
			         "(a mount view holds the file rules) files beneath it "
			         "would be reachable through it", i);
			return -EINVAL;
		}
	}
	return 0;
}

static int plan_view(sandbox_t *sb)
{
	struct view_build b = { 0 };
	struct where w = { sb, 0, NULL };
	struct more mo;
	char *wd = workdir_inside(sb), cwd[4096];
	const struct sb_files_where fw = {
		.workdir = wd, .args = sb->argv + 1, .host = host_of, .data = &w,
	};
	const char *bad = NULL;
	int rc;

	struct stat st;

	if (!wd || !getcwd(cwd, sizeof(cwd))) {
		free(wd);
		return -ENOMEM;
	}
	if ((rc = no_directory_streams(sb)) < 0) {
		free(wd);
		return rc;
	}
	rc = engine_rules(sb, &w, wd, &mo);
	for (size_t i = 0; i < mo.m.n && rc == 0; i++)
		rc = view_add(&b, mo.m.host[i], false);
	/* A working directory that is not a directory stays what it is, so
	 * that the run fails at chdir as it would without the view. */
	if (rc == 0 && stat(wd, &st) == 0 && !S_ISDIR(st.st_mode))
		rc = view_add(&b, wd, false);
	if (rc == 0 && (rc = sb_files_resolve(sb->policy, &fw, view_rule, &b,
	                                      &bad)) < 0 && bad)
		snprintf(sb->confine.msg, sizeof(sb->confine.msg),
		         "file rule %s: %s", bad, sb_strerror(rc));
	if (rc == 0 && !sb->iso && !(sb->iso = sb_iso_new()))
		rc = -ENOMEM;
	if (rc == 0)
		rc = sb_iso_set_view(sb->iso, b.v, b.n, cwd, wd);
	else
		sb_dirs_free(b.v, b.n);
	free_more(&mo);
	free(wd);
	return rc;
}

/* ------------------------------------------------------------ check */

int sb_confine_plan(sandbox_t *sb)
{
	struct sb_confine *c = &sb->confine;
	char why[200];

	c->msg[0] = '\0';
	c->ll_abi = 0;
	c->guard_truncate = false;
	if (sb->iso)
		sb_iso_set_view(sb->iso, NULL, 0, NULL, NULL);
	if (!sb->policy->files) {
		c->mode = S_FILES_NONE;
		sb_confine_drop(c);
		return 0;
	}
	if ((c->ll_abi = sb_landlock_abi()) >= 1) {
		c->mode = S_FILES_LANDLOCK;
		c->guard_truncate = c->ll_abi < 3;
		return 0;
	}
	sb_confine_drop(c);
	if (view_possible(sb, why, sizeof(why))) {
		c->mode = S_FILES_MOUNT_VIEW;
		return plan_view(sb);
	}
	if (sb->iso && sb->iso->best_effort) {
		c->mode = S_FILES_NOT_ENFORCED;
		return 0;
	}
	snprintf(c->msg, sizeof(c->msg), "the policy's file rules need Landlock "
	         "(Linux 5.13+, \"landlock\" in the kernel's lsm= list), which "
	         "this kernel %s, or else %s; fix: enable Landlock, or allow "
	         "namespaces, or ask for best effort (--best-effort) to run "
	         "with file rules not enforced",
	         sb_landlock_abi_override() == 0 ? "is told not to use "
	         "(a test setting: sb_test_landlock_abi = 0)" : "does not offer", why);
	return -ENOTSUP;
}

int sb_confine_build(sandbox_t *sb)
{
	struct sb_confine *c = &sb->confine;

	c->per_run = false;
	if (c->mode != S_FILES_LANDLOCK)
		return 0;
	if (own_root(sb)) {
		/* Paths are the program's, once it is in its root: resolved at
		 * its first stop (sb_confine_first_stop). */
		sb_confine_drop(c);
		c->per_run = true;
		return 0;
	}
	return build_landlock(sb);
}

int sb_confine_run_begin(sandbox_t *sb, int *fd)
{
	struct sb_confine *c = &sb->confine;
	int rc;

	*fd = c->ll_fd;
	if (!c->per_run)
		return 0;
	/* Empty now; the child enters it after its first stop, by which
	 * time the rules are in (the same kernel object). */
	if ((rc = sb_landlock_new(c->ll_abi, forbids_net(sb), &c->run_fd,
	                          &c->ll_features, c->msg, sizeof(c->msg))) < 0)
		return rc;
	*fd = c->run_fd;
	return 0;
}

int sb_confine_first_stop(sandbox_t *sb, pid_t pid)
{
	struct sb_confine *c = &sb->confine;
	struct where w = { sb, pid, NULL };
	struct more mo;
	int rc;

	if (!c->per_run || c->run_fd < 0)
		return 0;
	rc = fill(sb, c->run_fd, &w, &mo, NULL);
	free_more(&mo);
	return rc;
}

bool sb_confine_needs_stop(const sandbox_t *sb)
{
	return sb->confine.per_run && sb->confine.run_fd >= 0;
}

void sb_confine_run_end(sandbox_t *sb)
{
	struct sb_confine *c = &sb->confine;

	if (c->run_fd >= 0)
		close(c->run_fd);
	c->run_fd = -1;
}

void sb_confine_stat(const sandbox_t *sb, sandbox_stat_t *st)
{
	const struct sb_confine *c = &sb->confine;

	st->file_rules = c->mode;
	st->landlock_abi = c->mode == S_FILES_LANDLOCK ? c->ll_abi : 0;
	st->landlock_features = c->mode == S_FILES_LANDLOCK ? c->ll_features : 0;
}
