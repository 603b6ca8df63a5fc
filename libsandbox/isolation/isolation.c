/*
 * Isolation layer: public setters, validation against the host probe,
 * and the hooks the engine calls (only when sb->iso != NULL):
 *   sandbox_check   -> sb_iso_check            decide what is in effect
 *   sb_trace_run    -> sb_iso_spawn            clone + maps + cgroup made
 *   first_stop      -> sb_iso_first_stop       join the cgroup before exec
 *   sb_child_run    -> sb_iso_child_post_creds rlimits, capabilities
 *   on_signal       -> sb_iso_init_fatal       pid-1 signal emulation
 *   sb_trace_run    -> sb_iso_finish           figures, verdict, teardown
 */
#include "config.h"
#include "isolation/isolation.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* ------------------------------------------------------------ object */

static struct sb_iso *iso_get(sandbox_t *sb, int *rc)
{
	*rc = 0;
	if (!sb) {
		*rc = -EINVAL;
		return NULL;
	}
	if (sb->status == S_STATUS_EXE || sb->status == S_STATUS_BLK) {
		*rc = -EBUSY;
		return NULL;
	}
	if (sb->status == S_STATUS_RDY)
		sb->status = S_STATUS_PRE;
	if (!sb->iso) {
		struct sb_iso *iso = calloc(1, sizeof(*iso));
		if (!iso) {
			*rc = -ENOMEM;
			return NULL;
		}
		iso->in_uid = iso->out_uid = (uid_t)-1;
		iso->in_gid = iso->out_gid = (gid_t)-1;
		iso->tmp_size = 64ULL << 20;
		iso->cg_lim.memory = iso->cg_lim.pids = SANDBOX_UNLIMITED;
		iso->drop_caps = true;
		iso->run.sync_w = iso->run.sync_r = -1;
		sb->iso = iso;
	}
	return sb->iso;
}

void sb_iso_free(struct sb_iso *iso)
{
	if (!iso)
		return;
	free(iso->hostname);
	free(iso->rootfs);
	for (size_t i = 0; i < iso->ndirs; i++) {
		free(iso->dirs[i].inside);
		free(iso->dirs[i].outside);
	}
	free(iso->dirs);
	free(iso->cg_parent);
	sb_strv_free(iso->env_pass);
	sb_strv_free(iso->env_strip);
	free(iso);
}

/* ------------------------------------------------------------ setters */

SB_EXPORT int sandbox_set_namespaces(sandbox_t *sb, unsigned ns)
{
	int rc;
	if (ns & ~S_NS_ALL)
		return sb ? -EINVAL : -EINVAL;
	struct sb_iso *iso = iso_get(sb, &rc);
	if (!iso)
		return rc;
	iso->ns = ns;
	return 0;
}

SB_EXPORT int sandbox_set_hostname(sandbox_t *sb, const char *name)
{
	int rc;
	if (name && (!name[0] || strlen(name) > 64))
		return -EINVAL;
	struct sb_iso *iso = iso_get(sb, &rc);
	return iso ? sb_set_str(&iso->hostname, name) : rc;
}

SB_EXPORT int sandbox_set_id_map(sandbox_t *sb, uid_t inside_uid,
                                 gid_t inside_gid, uid_t outside_uid,
                                 gid_t outside_gid)
{
	int rc;
	struct sb_iso *iso = iso_get(sb, &rc);
	if (!iso)
		return rc;
	iso->in_uid = inside_uid;
	iso->in_gid = inside_gid;
	iso->out_uid = outside_uid;
	iso->out_gid = outside_gid;
	return 0;
}

SB_EXPORT int sandbox_set_rootfs(sandbox_t *sb, const char *dir, bool writable)
{
	int rc;
	if (dir && dir[0] != '/')
		return -EINVAL;
	struct sb_iso *iso = iso_get(sb, &rc);
	if (!iso)
		return rc;
	iso->rootfs_rw = writable;
	return sb_set_str(&iso->rootfs, dir);
}

static bool good_inside(const char *p)
{
	if (!p || p[0] != '/' || strcmp(p, "/") == 0)
		return false;
	for (const char *s = p; (s = strstr(s, "..")); s += 2)
		if ((s == p || s[-1] == '/') && (s[2] == '/' || s[2] == '\0'))
			return false;
	return true;
}

SB_EXPORT int sandbox_add_dir(sandbox_t *sb, const char *inside,
                              const char *outside, int mode)
{
	int rc;
	if (!good_inside(inside) || mode < S_DIR_RO || mode > S_DIR_TMP ||
	    (mode != S_DIR_TMP && (!outside || outside[0] != '/')))
		return -EINVAL;
	struct sb_iso *iso = iso_get(sb, &rc);
	if (!iso)
		return rc;
	struct sb_dir *d = realloc(iso->dirs, (iso->ndirs + 1) * sizeof(*d));
	if (!d)
		return -ENOMEM;
	iso->dirs = d;
	d = &iso->dirs[iso->ndirs];
	d->mode = mode;
	d->inside = strdup(inside);
	d->outside = mode == S_DIR_TMP ? NULL : strdup(outside);
	if (!d->inside || (mode != S_DIR_TMP && !d->outside)) {
		free(d->inside);
		free(d->outside);
		return -ENOMEM;
	}
	iso->ndirs++;
	return 0;
}

SB_EXPORT int sandbox_add_dir_spec(sandbox_t *sb, const char *spec)
{
	char buf[4096], *eq, *colon;
	int mode = S_DIR_RO;

	if (!spec || strlen(spec) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, spec);
	colon = strrchr(buf, ':');
	if (colon && (!strcmp(colon, ":ro") || !strcmp(colon, ":rw") ||
	              !strcmp(colon, ":tmp"))) {
		mode = !strcmp(colon, ":rw") ? S_DIR_RW
		     : !strcmp(colon, ":tmp") ? S_DIR_TMP : S_DIR_RO;
		*colon = '\0';
	}
	eq = strchr(buf, '=');
	if (eq)
		*eq = '\0';
	return sandbox_add_dir(sb, buf, eq ? eq + 1 : buf, mode);
}

SB_EXPORT int sandbox_clear_dirs(sandbox_t *sb)
{
	int rc;
	struct sb_iso *iso = iso_get(sb, &rc);
	if (!iso)
		return rc;
	for (size_t i = 0; i < iso->ndirs; i++) {
		free(iso->dirs[i].inside);
		free(iso->dirs[i].outside);
	}
	free(iso->dirs);
	iso->dirs = NULL;
	iso->ndirs = 0;
	return 0;
}

SB_EXPORT int sandbox_set_tmpfs_size(sandbox_t *sb, uint64_t bytes)
{
	int rc;
	if (bytes < 4096)
		return -EINVAL;
	struct sb_iso *iso = iso_get(sb, &rc);
	if (!iso)
		return rc;
	iso->tmp_size = bytes;
	return 0;
}

SB_EXPORT int sandbox_set_cgroup_parent(sandbox_t *sb, const char *parent)
{
	int rc;
	if (parent && (!parent[0] || strstr(parent, "..")))
		return -EINVAL;
	struct sb_iso *iso = iso_get(sb, &rc);
	return iso ? sb_set_str(&iso->cg_parent, parent) : rc;
}

SB_EXPORT int sandbox_set_cgroup_limits(sandbox_t *sb, uint64_t memory,
                                        uint64_t pids, unsigned cpu_percent)
{
	int rc;
	if (memory == 0 || pids == 0 || cpu_percent > 100000)
		return -EINVAL;
	struct sb_iso *iso = iso_get(sb, &rc);
	if (!iso)
		return rc;
	iso->cg_lim.memory = memory;
	iso->cg_lim.pids = pids;
	iso->cg_lim.cpu_percent = cpu_percent;
	return 0;
}

SB_EXPORT int sandbox_set_cgroup_version(sandbox_t *sb, int version)
{
	int rc;
	if (version < 0 || version > 2)
		return -EINVAL;
	struct sb_iso *iso = iso_get(sb, &rc);
	if (!iso)
		return rc;
	iso->cg_version = version;
	return 0;
}

SB_EXPORT int sandbox_cgroup_sweep(const char *parent)
{
	struct sb_cg_roots v1, v2;
	unsigned v2ctl;
	char dir[512];
	int total = 0;

	if (sb_cg_detect(&v1, &v2, &v2ctl) < 0)
		return -ENOENT;
	for (int c = 0; c <= SB_CG_NCTL; c++) {
		const struct sb_cg_roots *r = c < SB_CG_NCTL ? &v1 : &v2;
		int n;
		if (sb_cg_parent_dir(r, c < SB_CG_NCTL ? c : 0,
		                     parent ? parent : "libsandbox", dir,
		                     sizeof(dir)) == 0 &&
		    (n = sb_cg_sweep_dir(dir)) > 0)
			total += n;
	}
	return total;
}

SB_EXPORT int sandbox_set_rlimit(sandbox_t *sb, int resource, uint64_t value)
{
	int rc;
	if (resource < 0 || resource >= RLIM_NLIMITS)
		return -EINVAL;
	struct sb_iso *iso = iso_get(sb, &rc);
	if (!iso)
		return rc;
	for (size_t i = 0; i < iso->nrl; i++)
		if (iso->rl[i].res == resource) {
			iso->rl[i].val = value;
			return 0;
		}
	if (iso->nrl == SB_ARRAY_SIZE(iso->rl))
		return -ENOSPC;
	iso->rl[iso->nrl].res = resource;
	iso->rl[iso->nrl++].val = value;
	return 0;
}

SB_EXPORT int sandbox_set_drop_caps(sandbox_t *sb, bool drop)
{
	int rc;
	struct sb_iso *iso = iso_get(sb, &rc);
	if (!iso)
		return rc;
	iso->drop_caps = drop;
	return 0;
}

SB_EXPORT int sandbox_set_env_pass(sandbox_t *sb, const char *const names[])
{
	int rc;
	char **v;
	struct sb_iso *iso = iso_get(sb, &rc);
	if (!iso)
		return rc;
	if ((rc = sb_strv_dup(names, true, &v)) < 0)
		return rc;
	sb_strv_free(iso->env_pass);
	iso->env_pass = v;
	return 0;
}

SB_EXPORT int sandbox_set_env_strip(sandbox_t *sb, const char *const patterns[])
{
	int rc;
	char **v;
	struct sb_iso *iso = iso_get(sb, &rc);
	if (!iso)
		return rc;
	if ((rc = sb_strv_dup(patterns, true, &v)) < 0)
		return rc;
	sb_strv_free(iso->env_strip);
	iso->env_strip = v;
	return 0;
}

SB_EXPORT int sandbox_set_best_effort(sandbox_t *sb, bool on)
{
	int rc;
	struct sb_iso *iso = iso_get(sb, &rc);
	if (!iso)
		return rc;
	iso->best_effort = on;
	return 0;
}

SB_EXPORT unsigned sandbox_isolation_in_effect(const sandbox_t *sb)
{
	if (!sb || !sb->iso)
		return 0;
	return sb->status == S_STATUS_FIN ? sb->iso->stat.in_effect
	                                  : sb->iso->effective;
}

SB_EXPORT const char *sandbox_isolation_message(const sandbox_t *sb)
{
	if (!sb || !sb->iso || !sb->iso->msg[0])
		return NULL;
	return sb->iso->msg;
}

SB_EXPORT int sandbox_get_isolation_stat(const sandbox_t *sb,
                                         sandbox_iso_stat_t *st, size_t size)
{
	sandbox_iso_stat_t none = { .cg_memory_peak = -1, .cg_oom_kills = -1,
	                            .cg_pids_refused = -1,
	                            .cg_cpu_throttled_us = -1 };
	if (!sb || !st || size == 0)
		return -EINVAL;
	const sandbox_iso_stat_t *src = sb->iso ? &sb->iso->stat : &none;
	memcpy(st, src, size < sizeof(*st) ? size : sizeof(*st));
	return 0;
}

/* ------------------------------------------------------------ probe */

static pthread_mutex_t probe_lock = PTHREAD_MUTEX_INITIALIZER;
static sandbox_probe_t probe_cache;
static uid_t probe_uid = (uid_t)-1;

/* Probe once per effective uid: sandbox_check() runs at every execute. */
static void cached_probe(sandbox_probe_t *p)
{
	pthread_mutex_lock(&probe_lock);
	if (probe_uid != geteuid()) {
		sb_probe_host(&probe_cache);
		probe_uid = geteuid();
	}
	*p = probe_cache;
	pthread_mutex_unlock(&probe_lock);
}

SB_EXPORT int sandbox_probe(sandbox_probe_t *p, size_t size)
{
	sandbox_probe_t tmp;
	if (!p || size == 0)
		return -EINVAL;
	sb_probe_host(&tmp);
	memcpy(p, &tmp, size < sizeof(tmp) ? size : sizeof(tmp));
	return 0;
}

SB_EXPORT int sandbox_probe_print(const sandbox_probe_t *p, int fd)
{
	static const struct { unsigned bit; const char *name; } f[] = {
		{ S_NS_PID, "pid namespace" }, { S_NS_IPC, "ipc namespace" },
		{ S_NS_UTS, "uts namespace" }, { S_NS_NET, "net namespace" },
		{ S_NS_MOUNT, "mount namespace" }, { S_NS_USER, "user namespace" },
		{ S_ISO_FS, "box root" }, { S_ISO_PIVOT, "pivot_root" },
		{ S_ISO_CG_MEMORY, "cgroup memory" }, { S_ISO_CG_PIDS, "cgroup pids" },
		{ S_ISO_CG_CPU, "cgroup cpu" }, { S_ISO_CAPS, "capability drop" },
	};
	if (!p || fd < 0)
		return -EINVAL;
	dprintf(fd, "ptrace: %s\nseccomp: %s\n", p->ptrace ? "yes" : "no",
	        p->seccomp ? "yes" : "no");
	for (size_t i = 0; i < SB_ARRAY_SIZE(f); i++)
		dprintf(fd, "%s: %s\n", f[i].name,
		        (p->available & f[i].bit) ? "yes" : "no");
	dprintf(fd, "cgroups: v1 %s, v2 %s, used: %s%s%s\n",
	        p->cgroup_v1 ? "mounted" : "absent", p->cgroup_v2 ? "mounted" : "absent",
	        p->cgroup_version == 2 ? "v2" : p->cgroup_version == 1 ? "v1" : "none",
	        p->cgroup_root[0] ? " at " : "", p->cgroup_root);
	for (unsigned i = 0; i < p->nmissing && i < SANDBOX_PROBE_MAX; i++)
		dprintf(fd, "missing %s: %s\n  fix: %s\n", p->missing[i].what,
		        p->missing[i].cause, p->missing[i].fix);
	dprintf(fd, "strongest containment: %s\n", p->strongest);
	return 0;
}

/* ------------------------------------------------------------ check */

static unsigned requested_mask(const sandbox_t *sb)
{
	const struct sb_iso *iso = sb->iso;
	unsigned m = iso->ns;

	if (iso->rootfs || iso->ndirs)
		m |= S_ISO_FS | S_ISO_PIVOT | S_NS_MOUNT;
	if (m & S_NS_PID)
		m |= S_NS_MOUNT;
	if (iso->cg_lim.memory != SANDBOX_UNLIMITED)
		m |= S_ISO_CG_MEMORY;
	if (iso->cg_lim.pids != SANDBOX_UNLIMITED)
		m |= S_ISO_CG_PIDS;
	if (iso->cg_lim.cpu_percent)
		m |= S_ISO_CG_CPU;
	if (iso->drop_caps)
		m |= S_ISO_CAPS;
	if (sb->env_inherit)
		m |= S_ISO_ENV_STRIP;
	return m;
}

static int config_error(struct sb_iso *iso, int err, const char *what)
{
	snprintf(iso->msg, sizeof(iso->msg), "%s", what);
	return err;
}

static int check_config(const sandbox_t *sb, struct sb_iso *iso)
{
	uid_t iu, ou;
	gid_t ig, og;

	if ((iso->requested & S_ISO_FS) && sb->chroot_dir)
		return config_error(iso, -EINVAL, "a box root and sandbox_set_chroot() exclude each other");
	if ((iso->requested & S_NS_USER) && sb->set_creds)
		return config_error(iso, -EINVAL, "with a user namespace the program's ids come from sandbox_set_id_map(), not sandbox_set_credentials()");
	sb_ns_default_ids(iso, &iu, &ig, &ou, &og);
	if ((iso->requested & S_NS_USER) && geteuid() != 0 &&
	    (ou != geteuid() || og != getegid()))
		return config_error(iso, -EPERM, "an unprivileged caller can only map its own uid and gid");
	for (size_t i = 0; i < iso->ndirs; i++) {
		struct stat st;
		if (iso->dirs[i].outside && stat(iso->dirs[i].outside, &st) < 0) {
			int e = -errno;
			snprintf(iso->msg, sizeof(iso->msg), "dir %s: %s",
			         iso->dirs[i].outside, strerror(-e));
			return e;
		}
	}
	return 0;
}

/* Which cgroup hierarchy will serve this sandbox. */
static int choose_cgroup(struct sb_iso *iso)
{
	struct sb_cg_roots v1, v2;
	unsigned v2ctl;
	bool want2;

	if (!(iso->requested & (S_ISO_CG_MEMORY | S_ISO_CG_PIDS | S_ISO_CG_CPU)))
		return 0;
	if (sb_cg_detect(&v1, &v2, &v2ctl) < 0)
		return -ENOTSUP;
	want2 = iso->cg_version == 2 ||
	        (iso->cg_version == 0 && v2.root[0][0] && (v2ctl & 1u));
	iso->roots = want2 ? v2 : v1;
	if (iso->cg_version == 1 && !v1.root[0][0] && !v1.root[1][0])
		return -ENOTSUP;
	if (want2 && !v2.root[0][0])
		return -ENOTSUP;
	return 0;
}

static void describe_missing(struct sb_iso *iso, const sandbox_probe_t *p,
                             unsigned miss)
{
	size_t off = strlen(iso->msg);
	for (unsigned i = 0; i < p->nmissing && off < sizeof(iso->msg); i++) {
		if (!(p->missing[i].feature & miss))
			continue;
		int n = snprintf(iso->msg + off, sizeof(iso->msg) - off,
		                 "%s%s: %s; fix: %s", off ? " | " : "",
		                 p->missing[i].what, p->missing[i].cause,
		                 p->missing[i].fix);
		if (n < 0)
			break;
		off += (size_t)n;
	}
	if (!iso->msg[0])
		snprintf(iso->msg, sizeof(iso->msg), "isolation feature(s) %#x unavailable", miss);
}

/* Returns 1 when the program was checked here (box root), 0 when the
 * engine should check it as usual, or -errno. */
int sb_iso_check(sandbox_t *sb)
{
	struct sb_iso *iso = sb->iso;
	sandbox_probe_t p;
	int rc;

	iso->msg[0] = '\0';
	iso->requested = requested_mask(sb);
	if ((rc = check_config(sb, iso)) < 0)
		return rc;
	cached_probe(&p);
	unsigned avail = p.available;
	/* Unprivileged: the other namespaces come through a user namespace. */
	if (geteuid() != 0 && (iso->requested & (S_NS_ALL & ~S_NS_USER)) &&
	    !(iso->requested & S_NS_USER)) {
		avail &= ~(S_NS_ALL & ~S_NS_USER) & ~S_ISO_FS & ~S_ISO_PIVOT;
		snprintf(iso->msg, sizeof(iso->msg), "namespaces need root or a user namespace; fix: add S_NS_USER (--ns=user)%s",
		         (p.available & S_NS_USER) ? "" : " -- which this host refuses too");
	}
	/* pivot_root is wished, chroot is the fallback: never an error. */
	unsigned miss = iso->requested & ~avail & ~S_ISO_PIVOT;
	if (choose_cgroup(iso) < 0)
		miss |= iso->requested & (S_ISO_CG_MEMORY | S_ISO_CG_PIDS | S_ISO_CG_CPU);
	iso->effective = iso->requested & (avail | ~(S_ISO_PIVOT));
	if (miss) {
		describe_missing(iso, &p, miss);
		if (!iso->best_effort)
			return geteuid() != 0 ? -EPERM : -ENOTSUP;
		iso->effective &= ~miss;
		if (!(iso->effective & S_NS_MOUNT))
			iso->effective &= ~(S_ISO_FS | S_ISO_PIVOT);
	}
	if (!(iso->effective & S_ISO_FS))
		return 0;
	return (rc = sb_iso_check_program(sb)) < 0 ? rc : 1;
}

int sb_iso_check_program(const sandbox_t *sb)
{
	const char *p = sb->argv[0];
	char *rel = NULL, *host;
	struct stat st;
	int rc = 0;

	if (p[0] != '/') {
		if (asprintf(&rel, "%s/%s", sb->workdir ? sb->workdir : "", p) < 0)
			return -ENOMEM;
		p = rel;
	}
	host = sb_mounts_host_path(sb, p);
	free(rel);
	if (!host)
		return errno == ENOMEM ? -ENOMEM : -ENOENT;
	if (stat(host, &st) < 0)
		rc = -errno;
	else if (!S_ISREG(st.st_mode))
		rc = S_ISDIR(st.st_mode) ? -EISDIR : -ENOEXEC;
	free(host);
	return rc;
}

/* ------------------------------------------------------------ spawn */

static unsigned clone_flags(unsigned eff)
{
	unsigned f = 0;
	if (eff & S_NS_USER)  f |= CLONE_NEWUSER;
	if (eff & S_NS_PID)   f |= CLONE_NEWPID;
	if (eff & S_NS_IPC)   f |= CLONE_NEWIPC;
	if (eff & S_NS_UTS)   f |= CLONE_NEWUTS;
	if (eff & S_NS_NET)   f |= CLONE_NEWNET;
	if (eff & S_NS_MOUNT) f |= CLONE_NEWNS;
	return f;
}

_Noreturn void sb_iso_child_fail(int errfd, int err, const char *step)
{
	struct sb_child_error e;
	memset(&e, 0, sizeof(e));
	e.err = err ? err : EINVAL;
	for (size_t i = 0; step[i] && i + 1 < sizeof(e.step); i++)
		e.step[i] = step[i];
	while (write(errfd, &e, sizeof(e)) < 0 && errno == EINTR)
		;
	_exit(127);
}

/* Child side of the spawn, before sb_child_run(): wait for the maps, then
 * the namespace steps. Async-signal-safe. */
static void child_pre(const sandbox_t *sb, const struct sb_child_plan *plan)
{
	const struct sb_iso_run *run = &sb->iso->run;
	const char *step = "isolation";
	char go;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		sb_iso_child_fail(plan->errfd, errno, "prctl");
	if (run->sync_r >= 0) {
		close(run->sync_w);
		if (read(run->sync_r, &go, 1) != 1)
			_exit(127); /* the supervisor gave up (or died) */
		close(run->sync_r);
	}
	int rc = sb_ns_child_setup(sb, &step);
	if (rc < 0)
		sb_iso_child_fail(plan->errfd, -rc, step);
}

static void reap(pid_t pid)
{
	int st;
	kill(pid, SIGKILL);
	while (waitpid(pid, &st, __WALL) < 0 && errno == EINTR)
		;
}

static int spawn_prepare(sandbox_t *sb)
{
	struct sb_iso *iso = sb->iso;
	struct sb_iso_run *run = &iso->run;
	int rc;

	sb_ns_default_ids(iso, &run->iu, &run->ig, &run->ou, &run->og);
	run->priv = geteuid() == 0;
	run->clone_flags = clone_flags(iso->effective);
	if ((rc = sb_mounts_prepare(sb, &run->mp)) < 0) {
		sb->failed_step = "mounts";
		return rc;
	}
	if (iso->effective & (S_ISO_CG_MEMORY | S_ISO_CG_PIDS | S_ISO_CG_CPU)) {
		run->cg.want[SB_CG_MEMORY] = iso->effective & S_ISO_CG_MEMORY;
		run->cg.want[SB_CG_PIDS] = iso->effective & S_ISO_CG_PIDS;
		run->cg.want[SB_CG_CPU] = iso->effective & S_ISO_CG_CPU;
		rc = sb_cg_create(&run->cg, &iso->roots,
		                  iso->cg_parent ? iso->cg_parent : "libsandbox",
		                  &iso->cg_lim);
		if (rc < 0) {
			snprintf(iso->msg, sizeof(iso->msg),
			         "cannot create the run's cgroup under %s: %s",
			         iso->cg_parent ? iso->cg_parent : "libsandbox",
			         strerror(-rc));
			sb->failed_step = "cgroup";
			return rc;
		}
	}
	if (run->clone_flags & CLONE_NEWUSER) {
		int p[2];
		if (pipe2(p, O_CLOEXEC) < 0)
			return -errno;
		run->sync_r = p[0];
		run->sync_w = p[1];
	}
	return 0;
}

/* Replaces fork() in sb_trace_run. Returns the child's pid (host view),
 * 0 in the child, or -1 with errno. */
pid_t sb_iso_spawn(sandbox_t *sb, const struct sb_child_plan *plan)
{
	struct sb_iso_run *run = &sb->iso->run;
	int rc;

	memset(&sb->iso->stat, 0, sizeof(sb->iso->stat));
	run->init_signal = 0;
	run->pivoted = false;
	if ((rc = spawn_prepare(sb)) < 0) {
		errno = -rc;
		return -1;
	}
	pid_t pid = (pid_t)syscall(SYS_clone, run->clone_flags | SIGCHLD, 0,
	                           NULL, NULL, 0);
	if (pid == 0) {
		child_pre(sb, plan);
		return 0;
	}
	if (pid < 0) {
		sb->failed_step = "clone";
		return -1;
	}
	if (run->sync_r >= 0) {
		close(run->sync_r);
		run->sync_r = -1;
		if ((rc = sb_ns_write_maps(sb->iso, pid)) < 0 ||
		    write(run->sync_w, "g", 1) != 1) {
			rc = rc < 0 ? rc : -errno;
			reap(pid);
			sb->failed_step = "id_map";
			errno = -rc;
			return -1;
		}
		close(run->sync_w);
		run->sync_w = -1;
	}
	return pid;
}

int sb_iso_first_stop(sandbox_t *sb, pid_t pid)
{
	struct sb_iso_run *run = &sb->iso->run;
	char path[64], root[256];
	ssize_t n;
	int rc;

	if (run->cg.version && (rc = sb_cg_attach(&run->cg, pid)) < 0) {
		sb->failed_step = "cgroup";
		return rc;
	}
	/* pivot_root leaves a root the supervisor cannot name ("/"); after
	 * the chroot fallback the root is the stage directory. */
	snprintf(path, sizeof(path), "/proc/%ld/root", (long)pid);
	if ((sb->iso->effective & S_ISO_FS) &&
	    (n = readlink(path, root, sizeof(root) - 1)) > 0) {
		root[n] = '\0';
		run->pivoted = !run->mp.stage || strcmp(root, run->mp.stage) != 0;
	}
	/* After pivot_root nothing is mounted on the stage any more, in any
	 * namespace: remove it now, so that a supervisor killed during the
	 * run leaves no directory behind (rmdir refuses a non-empty one). */
	if (run->pivoted && run->mp.stage && rmdir(run->mp.stage) == 0) {
		free(run->mp.stage);
		run->mp.stage = NULL;
	}
	return 0;
}

/* ------------------------------------------------------------ child */

void sb_iso_child_post_creds(const struct sb_child_plan *plan)
{
	const struct sb_iso *iso = plan->sb->iso;

	for (size_t i = 0; i < iso->nrl; i++) {
		rlim_t v = iso->rl[i].val == SANDBOX_UNLIMITED ? RLIM_INFINITY
		                                                : iso->rl[i].val;
		struct rlimit rl = { .rlim_cur = v, .rlim_max = v };
		if (setrlimit(iso->rl[i].res, &rl) < 0)
			sb_iso_child_fail(plan->errfd, errno, "setrlimit");
	}
}

/* ------------------------------------------------------------ run end */

pid_t sb_iso_self_pid(const sandbox_t *sb, pid_t host_pid)
{
	return (sb->iso->effective & S_NS_PID) ? 1 : host_pid;
}

bool sb_iso_init_fatal(sandbox_t *sb, pid_t pid, int sig)
{
	struct sb_iso *iso = sb->iso;
	if (!(iso->effective & S_NS_PID) || !sb_ns_default_fatal(pid, sig))
		return false;
	iso->run.init_signal = sig;
	return true;
}

static void judge(sandbox_t *sb, const struct sb_cg_figures *f)
{
	struct sb_iso *iso = sb->iso;
	sandbox_stat_t *st = &sb->stat;

	if (iso->run.init_signal && st->result == S_RESULT_RT &&
	    st->signal == SIGKILL) {
		st->signal = iso->run.init_signal;
		iso->stat.init_signal = iso->run.init_signal;
	}
	/* An OOM kill in the run's own group is ML, whatever the program
	 * did (it was killed by the kernel, or lost a child). */
	if (f->oom_kills > 0 && (st->result == S_RESULT_RT ||
	                         st->result == S_RESULT_OK ||
	                         st->result == S_RESULT_AT)) {
		st->result = S_RESULT_ML;
		st->quota_exceeded = S_QUOTA_MEMORY;
	}
}

/* After the run, on every path (verdict or error): figures, verdict
 * adjustments, then nothing left behind. */
void sb_iso_finish(sandbox_t *sb, int rc)
{
	struct sb_iso *iso = sb->iso;
	struct sb_iso_run *run = &iso->run;
	struct sb_cg_figures f = { -1, -1, -1, -1 };

	if (run->cg.version)
		sb_cg_read(&run->cg, &f);
	if (rc == 0)
		judge(sb, &f);
	iso->stat.requested = iso->requested;
	iso->stat.in_effect = iso->effective;
	if ((iso->effective & S_ISO_FS) && !run->pivoted)
		iso->stat.in_effect &= ~S_ISO_PIVOT;
	iso->stat.cgroup_version = run->cg.version;
	iso->stat.cg_memory_peak = f.memory_peak;
	iso->stat.cg_oom_kills = f.oom_kills;
	iso->stat.cg_pids_refused = f.pids_refused;
	iso->stat.cg_cpu_throttled_us = f.cpu_throttled_us;
	sb_cg_destroy(&run->cg);
	memset(&run->cg, 0, sizeof(run->cg));
	sb_mounts_free(&run->mp);
	if (run->sync_r >= 0)
		close(run->sync_r);
	if (run->sync_w >= 0)
		close(run->sync_w);
	run->sync_r = run->sync_w = -1;
}
