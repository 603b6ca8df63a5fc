/*
 * Isolation layer: validation against the host probe, and the hooks the
 * engine calls (only when it has a struct sb_iso; the public setters are
 * in api/isolation.c):
 *   sandbox_check   -> sb_iso_check            decide what is in effect
 *   sb_trace_run    -> sb_iso_spawn            clone + maps + cgroup made
 *   first_stop      -> sb_iso_first_stop       join the cgroup before exec
 *   sb_child_run    -> sb_iso_child_rlimits    the rlimits asked for
 *   on_signal       -> sb_iso_init_fatal       pid-1 signal emulation
 *   sb_trace_run    -> sb_iso_finish           figures, facts, teardown
 */
#include "config.h"
#include "isolation/isolation.h"
#include "util/rawsys.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* ------------------------------------------------------------ object */

struct sb_iso *sb_iso_new(void)
{
	struct sb_iso *iso = calloc(1, sizeof(*iso));
	if (!iso)
		return NULL;
	iso->in_uid = iso->out_uid = (uid_t)-1;
	iso->in_gid = iso->out_gid = (gid_t)-1;
	iso->tmp_size = 64ULL << 20;
	iso->cg_lim.memory = iso->cg_lim.pids = SANDBOX_UNLIMITED;
	iso->drop_caps = true;
	iso->box_limit_quota = -1;
	iso->run.sync_w = iso->run.sync_r = -1;
	iso->run.box_fd = iso->run.space_fd = -1;
	iso->run.stdin_fd = -1;
	return iso;
}

void sb_dirs_free(struct sb_dir *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].inside);
		free(v[i].outside);
	}
	free(v);
}

int sb_iso_set_view(struct sb_iso *iso, struct sb_dir *v, size_t n,
                    const char *cwd, const char *wd)
{
	char *c = NULL, *w = NULL;

	if (v && (!(c = strdup(cwd ? cwd : "/")) || (wd && !(w = strdup(wd))))) {
		free(c);
		sb_dirs_free(v, n);
		return -ENOMEM;
	}
	sb_dirs_free(iso->view, iso->nview);
	free(iso->view_cwd);
	free(iso->view_wd);
	iso->view = v;
	iso->nview = v ? n : 0;
	iso->view_cwd = c;
	iso->view_wd = w;
	return 0;
}

void sb_iso_clear_copies(struct sb_iso *iso)
{
	for (size_t i = 0; i < iso->ncopies; i++) {
		free(iso->copies[i].name);
		free(iso->copies[i].host);
	}
	free(iso->copies);
	iso->copies = NULL;
	iso->ncopies = 0;
}

void sb_iso_free(struct sb_iso *iso)
{
	if (!iso)
		return;
	free(iso->hostname);
	free(iso->rootfs);
	sb_dirs_free(iso->dirs, iso->ndirs);
	sb_iso_set_view(iso, NULL, 0, NULL, NULL);
	free(iso->cg_parent);
	sb_strv_free(iso->env_pass);
	sb_strv_free(iso->env_strip);
	sb_iso_clear_copies(iso);
	free(iso);
}

/* ------------------------------------------------------------ cgroups */

int sb_iso_cgroup_sweep(const char *parent)
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

/* ------------------------------------------------------------ probe */

static pthread_mutex_t probe_lock = PTHREAD_MUTEX_INITIALIZER;
static sandbox_probe_t probe_cache;
static unsigned probe_done;     /* the bits probe_cache has settled */
static uid_t probe_uid = (uid_t)-1;

/* What the host allows, for the bits of `want` (and what they lean on):
 * probed once per effective uid and bit, since sandbox_check() runs at
 * every execute; a run that asks for no namespace, box or cgroup forks
 * no probe at all. */
static void cached_probe(sandbox_probe_t *p, unsigned want)
{
	pthread_mutex_lock(&probe_lock);
	if (probe_uid != geteuid()) {
		memset(&probe_cache, 0, sizeof(probe_cache));
		probe_done = 0;
		probe_uid = geteuid();
	}
	if (want & ~probe_done)
		sb_probe_host_part(&probe_cache, want, &probe_done);
	*p = probe_cache;
	pthread_mutex_unlock(&probe_lock);
}

void sb_iso_probe(sandbox_probe_t *p, unsigned want)
{
	cached_probe(p, want);
}

/* ------------------------------------------------------------ check */

static unsigned requested_mask(const struct sb_iso *iso,
                               const struct sb_iso_prog *prog)
{
	unsigned m = iso->ns;

	if (iso->rootfs || iso->ndirs || iso->nview)
		m |= S_ISO_FS | S_ISO_PIVOT | S_NS_MOUNT;
	/* An unprivileged caller gets a mount namespace through a user
	 * namespace: the view asks for it itself. */
	if (iso->nview && geteuid() != 0)
		m |= S_NS_USER;
	/* The box: a root of its own, its own processes, IPC and name;
	 * through a user namespace when the caller is not root. */
	if (iso->box)
		m |= S_ISO_BOX | S_ISO_FS | S_ISO_PIVOT | S_NS_MOUNT | S_NS_PID |
		     S_NS_IPC | S_NS_UTS | (geteuid() != 0 ? S_NS_USER : 0);
	/* and its own network (a loopback only) when its policy lets it make
	 * sockets: two boxes' programs, or a box and the host's loopback
	 * services, never meet. A policy without sockets pays nothing. */
	if (iso->box && prog->sockets)
		m |= S_NS_NET;
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
	if (prog->env_inherit)
		m |= S_ISO_ENV_STRIP;
	return m;
}

static int config_error(struct sb_iso *iso, int err, const char *what)
{
	snprintf(iso->msg, sizeof(iso->msg), "%s", what);
	return err;
}

/* Append to iso->msg (cut at its size). */
static void msg_append(struct sb_iso *iso, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void msg_append(struct sb_iso *iso, const char *fmt, ...)
{
	size_t n = strlen(iso->msg);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(iso->msg + n, sizeof(iso->msg) - n, fmt, ap);
	va_end(ap);
}

/* `inside` without empty and "." components ("//tmp/./x/" -> "/tmp/x"). */
static void normal_path(const char *inside, char *out, size_t len)
{
	size_t n = 0;

	out[0] = '\0';
	for (const char *p = inside; *p; ) {
		while (*p == '/')
			p++;
		size_t k = strcspn(p, "/");
		if (k && !(k == 1 && p[0] == '.') && n + k + 2 < len) {
			out[n++] = '/';
			memcpy(out + n, p, k);
			n += k;
			out[n] = '\0';
		}
		p += k;
	}
}

static bool at_or_below(const char *path, const char *top)
{
	size_t n = strlen(top);
	return strncmp(path, top, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* A box root's /tmp is its writable space (and /box the box's work
 * directory, a directory of it): a directory given there would hide it,
 * or -- a host tmpfs bound there -- make the supervisor measure, copy in
 * and copy out a host directory (review R10). */
static int check_dirs(struct sb_iso *iso)
{
	char p[PATH_MAX];

	for (size_t i = 0; i < iso->ndirs; i++) {
		normal_path(iso->dirs[i].inside, p, sizeof(p));
		bool tmp = at_or_below(p, "/tmp");
		if (tmp || (iso->box && at_or_below(p, "/box"))) {
			const char *out = iso->dirs[i].outside;
			iso->msg[0] = '\0';
			msg_append(iso, "sandbox_add_dir (--dir) at %s: %s is the box's own%s; choose another path inside",
			           iso->dirs[i].inside, tmp ? "/tmp" : "/box",
			           tmp ? " writable space" : " working directory");
			/* A directory under the host's /tmp bound at its own
			 * path: say how to bind it, and how a box takes a file. */
			if (out)
				msg_append(iso, ", e.g. --dir=/data=%s, and name what is there by its path inside (/data/...)%s",
				           out, iso->box ? "; or copy a file into /box (--copy-in)" : "");
			else
				msg_append(iso, " (e.g. /data)");
			return -EINVAL;
		}
	}
	return 0;
}

static int check_config(const struct sb_iso_prog *prog, struct sb_iso *iso)
{
	uid_t iu, ou;
	gid_t ig, og;

	if ((iso->requested & S_ISO_FS) && prog->chroot)
		return config_error(iso, -EINVAL, "a box root and sandbox_set_chroot() exclude each other");
	/* (the user namespace of a file-rule view is not the caller's: its
	 * credentials then fail as they would without it) */
	if ((iso->ns & S_NS_USER) && prog->set_creds)
		return config_error(iso, -EINVAL, "with a user namespace the program's ids come from sandbox_set_id_map(), not sandbox_set_credentials()");
	sb_ns_default_ids(iso, &iu, &ig, &ou, &og);
	if ((iso->requested & S_NS_USER) && geteuid() != 0 &&
	    (ou != geteuid() || og != getegid()))
		return config_error(iso, -EPERM, "an unprivileged caller can only map its own uid and gid");
	if ((iso->requested & S_ISO_FS) && !iso->nview && check_dirs(iso) < 0)
		return -EINVAL;
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
/* What the box root's writable space may hold of the program's: its
 * files are output (the disk quota) and RAM (the memory quota), so the
 * smaller of the two -- the disk quota when they are equal -- else the
 * tmpfs size; a size set explicitly is a cap. (0.5 took the disk quota
 * whenever there was one: --output=2G --memory=64M let a program park
 * 1.5 GiB of the host's RAM in /box, OK: review R1.) */
static void box_limit(struct sb_iso *iso, const struct sb_iso_prog *prog)
{
	iso->box_limit = iso->tmp_size;
	iso->box_limit_quota = -1;
	if (prog->disk_quota != SANDBOX_UNLIMITED) {
		iso->box_limit = prog->disk_quota;
		iso->box_limit_quota = S_QUOTA_DISK;
	}
	if (prog->memory_quota != SANDBOX_UNLIMITED &&
	    (prog->disk_quota == SANDBOX_UNLIMITED ||
	     prog->memory_quota < prog->disk_quota)) {
		iso->box_limit = prog->memory_quota;
		iso->box_limit_quota = S_QUOTA_MEMORY;
	}
	if (iso->tmp_size_set && iso->tmp_size < iso->box_limit) {
		iso->box_limit = iso->tmp_size;
		iso->box_limit_quota = -1;
	}
}

/* A program the box root does not hold at the path it is given by, that
 * the host has there: say why and what to do (a user whose program lives
 * under /tmp was told only "No such file or directory"). */
static void explain_missing_program(struct sb_iso *iso, const char *argv0)
{
	char p[PATH_MAX];
	struct stat st;

	if (argv0[0] != '/' || stat(argv0, &st) < 0)
		return;
	normal_path(argv0, p, sizeof(p));
	char *name = strrchr(p, '/');
	*name++ = '\0';
	iso->msg[0] = '\0';
	msg_append(iso, "%s: a file of the host's that the box root does not hold%s; ",
	           argv0, at_or_below(p, "/tmp") ? " (its /tmp is the box's own writable space)" : "");
	if (iso->box)
		msg_append(iso, "copy it into /box (sandbox_box_copy_in, --copy-in=%s) and run ./%s",
		           argv0, name);
	else
		msg_append(iso, "bind its directory at a path of its own inside (sandbox_add_dir, --dir=/data=%s) and run /data/%s",
		           p[0] ? p : "/", name);
}

int sb_iso_check(struct sb_iso *iso, const struct sb_iso_prog *prog)
{
	sandbox_probe_t p;
	int rc;

	iso->msg[0] = '\0';
	iso->requested = requested_mask(iso, prog);
	if ((rc = check_config(prog, iso)) < 0)
		return rc;
	cached_probe(&p, iso->requested);
	unsigned avail = p.available;
	if (avail & S_ISO_FS)
		avail |= S_ISO_BOX; /* a box root with a preset */
	box_limit(iso, prog);
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
	/* A view keeps the host's paths: the engine checks the program. */
	if (!(iso->effective & S_ISO_FS) || iso->nview)
		return 0;
	if ((rc = sb_iso_check_program(iso, prog)) == -ENOENT)
		explain_missing_program(iso, prog->argv0);
	return rc < 0 ? rc : 1;
}

bool sb_iso_watches_space(const struct sb_iso *iso)
{
	return (iso->effective & S_ISO_FS) && !iso->nview &&
	       iso->box_limit_quota >= 0;
}

int sb_iso_check_program(const struct sb_iso *iso,
                         const struct sb_iso_prog *prog)
{
	const char *p = prog->argv0;
	char *rel = NULL, *host;
	struct stat st;
	int rc = 0;

	if (p[0] != '/') {
		const char *wd = prog->workdir ? prog->workdir
		               : (iso->effective & S_ISO_BOX) ? "/box" : "";
		while (strncmp(p, "./", 2) == 0)
			p += 2 + strspn(p + 2, "/");
		if (asprintf(&rel, "%s/%s", wd, p) < 0)
			return -ENOMEM;
		p = rel;
	}
	host = sb_mounts_host_path(iso, p);
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

/* Child side of the spawn, before sb_child_run(): drop what it inherited,
 * wait for the maps, then the namespace steps. Async-signal-safe. */
static void child_pre(const struct sb_iso *iso, int errfd, const int *keep,
                      size_t nkeep)
{
	const struct sb_iso_run *run = &iso->run;
	int step = SB_STEP_ISOLATION, mine[2 + SB_ISO_SPAWN_KEEP];
	size_t n = 0;
	int rc;
	char go;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		sb_child_fail(errfd, errno, SB_STEP_PRCTL);
	/* The clone copied every descriptor of the whole process: other
	 * threads' too -- another run's pipes and files, the box inputs'
	 * fill of another run open for writing, locks. Closed now, before
	 * the steps that wait (the maps, the mounts, our own inputs'
	 * handoff): held until then they kept another run's pipe from its
	 * end of file, its lock from the next run (verify23 V8). Kept: the
	 * error pipe, the sync socket, what the engine's steps need. */
	mine[n++] = errfd;
	mine[n++] = run->sync_r;
	for (size_t i = 0; i < nkeep && i < SB_ISO_SPAWN_KEEP; i++)
		mine[n++] = keep[i];
	if ((rc = sb_close_fds_except(mine, n)) < 0)
		sb_child_fail(errfd, -rc, SB_STEP_CLOSE_RANGE);
	if (run->clone_flags & CLONE_NEWUSER) {
		/* The supervisor writes our uid_map and gid_map, which /proc
		 * lets it do only when we are dumpable (else the files are
		 * root's): a supervisor that made itself non-dumpable, as
		 * sandbox-run does, passed that on to us. exec makes the
		 * program dumpable in any case. Then say we are ready --
		 * by send(2), which the kernel's count of our writes (wchar,
		 * the program's output_bytes) leaves out: the set-up's
		 * bytes are not the program's. */
		if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
			sb_child_fail(errfd, errno, SB_STEP_PRCTL);
		if (send(run->sync_r, "r", 1, MSG_NOSIGNAL) != 1 ||
		    read(run->sync_r, &go, 1) != 1)
			_exit(127); /* the supervisor gave up (or died) */
	}
	/* The socket serves the mount plan's handoff too (the box's
	 * inputs); close-on-exec otherwise. */
	if (run->sync_r >= 0 && !run->mp.handoff)
		close(run->sync_r);
	if ((rc = sb_ns_child_setup(iso, &step)) < 0)
		sb_child_fail(errfd, -rc, step);
}

static void reap(pid_t pid)
{
	int st;
	kill(pid, SIGKILL);
	while (waitpid(pid, &st, __WALL) < 0 && errno == EINTR)
		;
}

static int spawn_prepare(struct sb_iso *iso, int *step)
{
	struct sb_iso_run *run = &iso->run;
	int rc;

	sb_ns_default_ids(iso, &run->iu, &run->ig, &run->ou, &run->og);
	run->priv = geteuid() == 0;
	run->clone_flags = clone_flags(iso->effective);
	/* /box belongs to the program: its host ids, which the child sees
	 * as the map's inside ids in a user namespace. */
	run->box_host_uid = run->ident_uid;
	run->box_host_gid = run->ident_gid;
	bool userns = iso->effective & S_NS_USER;
	run->box_uid = userns ? run->iu : run->ident_uid;
	run->box_gid = userns ? run->ig : run->ident_gid;
	if ((iso->effective & S_ISO_BOX) && (rc = sb_box_open_copies(iso)) < 0) {
		*step = SB_STEP_BOX;
		return rc;
	}
	/* Both ways: the child says it is ready, we say the maps are
	 * written; the child says the box's inputs' space is there, we say
	 * they are copied. */
	if ((run->clone_flags & CLONE_NEWUSER) ||
	    ((iso->effective & S_ISO_BOX) && sb_box_ro_inputs(iso))) {
		int p[2];
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p) < 0)
			return -errno;
		run->sync_r = p[0];
		run->sync_w = p[1];
	}
	if ((rc = sb_mounts_prepare(iso, &run->mp)) < 0) {
		snprintf(run->fail, sizeof(run->fail), "%s: the stage directory of its root (in /run/libsandbox for root, else $XDG_RUNTIME_DIR or /tmp), or a --dir path: %s",
		         (iso->effective & S_ISO_BOX) ? "the box" : "the box root",
		         strerror(-rc));
		*step = SB_STEP_MOUNTS;
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
			*step = SB_STEP_CGROUP;
			return rc;
		}
	}
	return 0;
}

/* The child's mount plan hands the inputs' space over (box.c): copy the
 * inputs in, then let it go on. A child that died before (a failed mount
 * step) has written its error: the engine reads it. */
static int fill_inputs(struct sb_iso *iso, pid_t pid)
{
	struct sb_iso_run *run = &iso->run;
	char c;

	if (read(run->sync_w, &c, 1) != 1 || c != 'c')
		return 0;
	int rc = sb_box_fill_inputs(iso, pid);
	if (rc < 0)
		return rc;
	(void)sb_write_once(run->sync_w, "d", 1); /* or it died meanwhile */
	return 0;
}

bool sb_iso_spawn_shared(const struct sb_iso *iso)
{
	/* Not into a cgroup either: the child joins it at its first stop,
	 * still sharing our memory, and an OOM kill in the cgroup during its
	 * exec kills every process that shares the victim's memory -- the
	 * supervisor too. */
	return clone_flags(iso->effective) == 0 &&
	       !(iso->effective & (S_ISO_CG_MEMORY | S_ISO_CG_PIDS |
	                           S_ISO_CG_CPU));
}

int sb_iso_spawn_begin(struct sb_iso *iso, int *step)
{
	struct sb_iso_run *run = &iso->run;

	memset(&iso->stat, 0, sizeof(iso->stat));
	run->fail[0] = '\0';
	run->space_peak = 0;
	run->init_signal = 0;
	run->pivoted = false;
	return spawn_prepare(iso, step);
}

SB_CHILD_CODE
int sb_iso_child_shared(const struct sb_iso *iso, int *step)
{
	int rc;

	/* What sb_ns_child_setup() does without a namespace. */
	if (iso->drop_caps && (rc = sb_drop_bounding_set()) < 0) {
		*step = SB_STEP_CAPBSET;
		return rc;
	}
	return 0;
}

/* Replaces fork() in sb_trace_run. Returns the child's pid (host view),
 * 0 in the child, or -1 with errno. */
pid_t sb_iso_spawn(struct sb_iso *iso, int errfd, const int *keep,
                   size_t nkeep, int *step)
{
	struct sb_iso_run *run = &iso->run;
	int rc;

	if ((rc = sb_iso_spawn_begin(iso, step)) < 0) {
		errno = -rc;
		return -1;
	}
	pid_t pid = (pid_t)syscall(SYS_clone, run->clone_flags | SIGCHLD, 0,
	                           NULL, NULL, 0);
	if (pid == 0) {
		child_pre(iso, errfd, keep, nkeep);
		return 0;
	}
	if (pid < 0) {
		*step = SB_STEP_CLONE;
		return -1;
	}
	if (run->sync_r >= 0) {
		close(run->sync_r);
		run->sync_r = -1;
	}
	if (run->clone_flags & CLONE_NEWUSER) {
		char ready;
		if (read(run->sync_w, &ready, 1) != 1)
			rc = -ECHILD; /* it died before it was ready */
		else
			rc = 0;
		if (rc < 0 || (rc = sb_ns_write_maps(iso, pid)) < 0 ||
		    (rc = sb_write_once(run->sync_w, "g", 1)) < 0) {
			reap(pid);
			*step = SB_STEP_ID_MAP;
			errno = -rc;
			return -1;
		}
	}
	if (run->mp.handoff && (rc = fill_inputs(iso, pid)) < 0) {
		reap(pid);
		*step = SB_STEP_BOX;
		errno = -rc;
		return -1;
	}
	if (run->sync_w >= 0) {
		close(run->sync_w);
		run->sync_w = -1;
	}
	return pid;
}

const char *sb_iso_failed_message(const struct sb_iso *iso)
{
	return iso->run.fail[0] ? iso->run.fail : NULL;
}

void sb_iso_set_stdin(struct sb_iso *iso, int fd)
{
	iso->run.stdin_fd = fd;
}

void sb_iso_set_identity(struct sb_iso *iso, bool on, uid_t uid, gid_t gid,
                         const struct sb_planters *who)
{
	iso->run.ident = on;
	iso->run.ident_uid = uid;
	iso->run.ident_gid = gid;
	iso->run.planters = *who;
}

int sb_iso_first_stop(struct sb_iso *iso, pid_t pid, int *step)
{
	struct sb_iso_run *run = &iso->run;
	char path[64], root[256];
	ssize_t n;
	int rc;

	if (run->cg.version && (rc = sb_cg_attach(&run->cg, pid)) < 0) {
		*step = SB_STEP_CGROUP;
		return rc;
	}
	/* pivot_root leaves a root the supervisor cannot name ("/"); after
	 * the chroot fallback the root is the stage directory. */
	snprintf(path, sizeof(path), "/proc/%ld/root", (long)pid);
	if ((iso->effective & S_ISO_FS) &&
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
	/* The writable space and the work directory, the copies in: a root
	 * the plan made (a box, a root of --rootfs/--dir) has them; the file
	 * rules' view (nview) is the host's own trees and has none. */
	if ((iso->effective & S_ISO_FS) && !iso->nview &&
	    (rc = sb_box_enter(iso, pid)) < 0) {
		*step = SB_STEP_BOX;
		return rc;
	}
	return 0;
}

/* ------------------------------------------------------------ child */

SB_CHILD_CODE
bool sb_iso_sets_rlimit(const struct sb_iso *iso, int resource)
{
	for (size_t i = 0; i < iso->nrl; i++)
		if (iso->rl[i].res == resource)
			return true;
	return false;
}

SB_CHILD_CODE
int sb_iso_child_rlimits(const struct sb_iso *iso)
{
	int rc;

	/* Exactly (no clamp); raw system calls, like the child's others. */
	for (size_t i = 0; i < iso->nrl; i++)
		if ((rc = sb_setrlimit(iso->rl[i].res, iso->rl[i].val,
		                       iso->rl[i].val, false)) < 0)
			return rc;
	return 0;
}

/* ------------------------------------------------------------ run end */

pid_t sb_iso_self_pid(const struct sb_iso *iso, pid_t host_pid,
                      pid_t first_pid)
{
	char path[64], buf[2048];
	ssize_t n;
	int fd;

	if (!(iso->effective & S_NS_PID))
		return host_pid;
	if (host_pid == first_pid)
		return 1; /* the namespace's init */
	/* NSpid: the pid in each namespace, the program's own last. */
	snprintf(path, sizeof(path), "/proc/%d/status", (int)host_pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	const char *l = strstr(buf, "\nNSpid:");
	if (!l)
		return 0;
	l += 8;
	pid_t last = 0;
	for (char *end; *l && *l != '\n'; l = end) {
		long v = strtol(l, &end, 10);
		if (end == l)
			break;
		last = (pid_t)v;
	}
	return last;
}

bool sb_iso_init_fatal(struct sb_iso *iso, pid_t pid, int sig)
{
	if (!(iso->effective & S_NS_PID) || !sb_ns_default_fatal(pid, sig))
		return false;
	iso->run.init_signal = sig;
	return true;
}

/* After the run, on every path (verdict or error): the figures, the facts
 * the verdict needs, then nothing left behind. */
void sb_iso_finish(struct sb_iso *iso, struct sb_iso_facts *facts)
{
	struct sb_iso_run *run = &iso->run;
	struct sb_cg_figures f = { -1, -1, -1, -1 };

	if (run->cg.version)
		sb_cg_read(&run->cg, &f);
	facts->init_signal = run->init_signal;
	facts->oom_kills = f.oom_kills;
	iso->stat.requested = iso->requested;
	iso->stat.in_effect = iso->effective;
	if ((iso->effective & S_ISO_FS) && !run->pivoted)
		iso->stat.in_effect &= ~S_ISO_PIVOT;
	iso->stat.cgroup_version = run->cg.version;
	iso->stat.cg_memory_peak = f.memory_peak;
	iso->stat.cg_oom_kills = f.oom_kills;
	iso->stat.cg_pids_refused = f.pids_refused;
	iso->stat.cg_cpu_throttled_us = f.cpu_throttled_us;
	sb_box_leave(iso, facts); /* figures, copies out, descriptors */
	sb_cg_destroy(&run->cg);
	memset(&run->cg, 0, sizeof(run->cg));
	sb_mounts_free(&run->mp);
	if (run->sync_r >= 0)
		close(run->sync_r);
	if (run->sync_w >= 0)
		close(run->sync_w);
	run->sync_r = run->sync_w = -1;
}
