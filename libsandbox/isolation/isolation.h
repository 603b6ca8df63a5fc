/*
 * isolation/: namespaces, box root, cgroups, credentials, environment.
 * Not installed. The public side is the "Isolation" section of sandbox.h
 * (set through api/isolation.c); docs/ISOLATION.md explains the design.
 * Below the engine: nothing here knows a sandbox or a policy.
 *
 * Who does what:
 *   isolation.c  validation against the host probe, and
 *                the engine hooks (spawn, first stop, child, finish)
 *   ns.c         clone with namespace flags, uid/gid maps, the child's
 *                namespace steps, the namespace-init signal emulation
 *   mounts.c     the box root: a list of mount operations prepared in the
 *                parent and replayed by the child
 *   box.c        the box's work directory: copies in and out, the
 *                figures of its writable space
 *   cgroup.c     per-run cgroups: naming, creation, sweep
 *   cgroup_files.c  the small file helpers both versions use
 *   cgroup_v1.c  the v1 controllers (memory, pids, cpu)
 *   cgroup_v2.c  the unified hierarchy
 *   env.c        the program's environment (pass-through, secret strip)
 *   probe.c      what the host supports, and why not
 *
 * The engine (core/) holds a `struct sb_iso *iso`, NULL when nothing of
 * this layer was asked for: then it takes none of these paths.
 */
#ifndef LIBSANDBOX_ISOLATION_H
#define LIBSANDBOX_ISOLATION_H

#include "util/util.h"

#include <sys/types.h>

/* One directory of the box (sandbox_add_dir). */
struct sb_dir {
	char *inside;
	char *outside; /* NULL for S_DIR_TMP */
	int mode;      /* sandbox_dir_mode_t */
};

/* One copy of the box (sandbox_box_copy_in/out). */
struct sb_copy {
	char *name;    /* in /box: one component */
	char *host;
	bool out;      /* copied out after the run, else in before it */
};

/* ------------------------------------------------------------ mounts */

/* One step of building the box, replayed by the child in order. All
 * strings are owned by the plan (prepared in the parent). */
enum sb_mnt_kind {
	SB_MNT_MKDIR,     /* mkdir(dst), EEXIST is fine */
	SB_MNT_MKFILE,    /* create an empty file dst (a bind target) */
	SB_MNT_MOUNT,     /* mount(src, dst, fstype, flags, data) */
	SB_MNT_REMOUNT_RO,/* bind-remount dst read-only, keeping locked flags */
	SB_MNT_SYMLINK,   /* symlink(src, dst), EEXIST is fine */
	SB_MNT_ROOT,      /* pivot_root (or chroot) into dst, then chdir to
	                   * src (NULL: "/") */
	SB_MNT_OWN,       /* chown(dst, uid, gid) unless uid is -1, then
	                   * chmod(dst, mode) */
	SB_MNT_HANDOFF,   /* tell the supervisor (sync socket `fd`) that dst
	                   * is ready for it, wait until it is done */
	SB_MNT_UMOUNT,    /* detach the mount at dst, remove the directory */
};

struct sb_mnt {
	int kind;
	char *src, *dst, *fstype, *data;
	unsigned long flags;
	bool optional;    /* failure is not an error (e.g. /dev/urandom) */
	uid_t uid;        /* SB_MNT_OWN */
	gid_t gid;
	mode_t mode;      /* SB_MNT_OWN */
	int fd;           /* SB_MNT_HANDOFF: the child's end of the socket */
};

struct sb_mount_plan {
	struct sb_mnt *ops;
	size_t n, cap;
	char *stage;      /* host temp dir the box root is mounted on */
	bool handoff;     /* has an SB_MNT_HANDOFF (the inputs' space) */
};

struct sb_iso;
int sb_mounts_prepare(const struct sb_iso *iso, struct sb_mount_plan *mp);
void sb_mounts_free(struct sb_mount_plan *mp);
/* Child: run the plan. Returns 0 or -errno; *step (SB_STEP_*) names the
 * failure. */
int sb_mounts_apply(const struct sb_mount_plan *mp, bool allow_pivot,
                    bool *pivoted, int *step);
/* Where argv[0] lives on the host when a box root is used (fresh string,
 * or NULL with errno). */
char *sb_mounts_host_path(const struct sb_iso *iso, const char *inside);

/* ------------------------------------------------------------ cgroups */

enum { SB_CG_MEMORY = 0, SB_CG_PIDS, SB_CG_CPU, SB_CG_NCTL };

struct sb_cg_limits {
	uint64_t memory;     /* bytes, SANDBOX_UNLIMITED: none */
	uint64_t pids;       /* SANDBOX_UNLIMITED: none */
	unsigned cpu_percent;/* 0: none */
};

/* One per-run group. v1: one directory per controller hierarchy used;
 * v2: dir[0] only. While dir[c] is set, lock[c] is the descriptor holding
 * the flock that says its supervisor is alive (-1 when dir[c] is the
 * same directory as an earlier controller's). */
struct sb_cg {
	int version;               /* 0: none, 1, 2 */
	char *dir[SB_CG_NCTL];
	int lock[SB_CG_NCTL];
	bool want[SB_CG_NCTL];     /* controllers in use */
};

/* Figures of one run read from its group. -1 when unknown. */
struct sb_cg_figures {
	int64_t memory_peak, oom_kills, pids_refused, cpu_throttled_us;
};

/* Where the hierarchies are: for v1 the mount point of each controller,
 * for v2 the unified mount (root[0]). Found in /proc/self/mountinfo, or
 * given by tests (a fake tree). */
struct sb_cg_roots {
	int version;                  /* 1 or 2 */
	char root[SB_CG_NCTL][256];   /* "" when absent */
	char self[SB_CG_NCTL][256];   /* the supervisor's own group, relative */
	bool ro[SB_CG_NCTL];          /* mounted read-only */
};

/* Detect: fills v1 and v2 descriptions; returns 0 or -ENOENT when no
 * cgroup hierarchy is mounted. v2->root[0] holds the unified mount. */
int sb_cg_detect(struct sb_cg_roots *v1, struct sb_cg_roots *v2,
                 unsigned *v2_controllers);
/* Absolute parent directory for controller c (parent: absolute = from the
 * hierarchy root, relative = from the supervisor's own group). */
int sb_cg_parent_dir(const struct sb_cg_roots *r, int c, const char *parent,
                     char *out, size_t len);
/* Create the run's group(s) under a fresh random name, locked for the
 * run, and set the limits. Sweeps the parents first. */
int sb_cg_create(struct sb_cg *cg, const struct sb_cg_roots *r,
                 const char *parent, const struct sb_cg_limits *lim);
int sb_cg_attach(const struct sb_cg *cg, pid_t pid);
void sb_cg_read(const struct sb_cg *cg, struct sb_cg_figures *f);
/* Kill what is left in the group, remove it. Returns 0 or -errno. */
int sb_cg_destroy(struct sb_cg *cg);
/* Remove the groups whose supervisor is gone (their lock is free);
 * returns how many, or -errno when parent_dir cannot be read. */
int sb_cg_sweep_dir(const char *parent_dir);

/* cgroup.c helpers shared by the two versions */
int sb_cg_write(const char *dir, const char *file, const char *val);
/* Read a small file into buf (NUL-terminated): its length or -errno. */
ssize_t sb_cg_read_text(const char *dir, const char *file, char *buf,
                        size_t len);
int64_t sb_cg_read_i64(const char *dir, const char *file);
int64_t sb_cg_read_key(const char *dir, const char *file, const char *key);
int sb_cg_mkdir_p(const char *path);
int sb_cg_kill_and_rmdir(const char *dir);
bool sb_cg_exists(const char *dir, const char *file);

/* cgroup_v1.c / cgroup_v2.c */
int sb_cg1_setup(const char *dir, int c, const struct sb_cg_limits *lim);
void sb_cg1_read(const struct sb_cg *cg, struct sb_cg_figures *f);
int sb_cg2_enable(const char *parent_dir, const bool want[SB_CG_NCTL]);
int sb_cg2_setup(const char *dir, const struct sb_cg_limits *lim);
void sb_cg2_read(const char *dir, struct sb_cg_figures *f);
/* Format of v2's cpu.max for a percentage of one core. */
void sb_cg2_cpu_max(unsigned percent, char *buf, size_t len);

/* ------------------------------------------------------------ the object */

struct sb_rlim {
	int res;
	uint64_t val;
};

/* Per-run state, owned by the tracer thread. */
struct sb_iso_run {
	unsigned clone_flags;
	int sync_w;            /* parent's end of the ready/go socket, -1 */
	int sync_r;            /* child's end */
	struct sb_mount_plan mp;
	struct sb_cg cg;
	char **envp;           /* built by env.c, or NULL */
	int init_signal;       /* emulated fatal signal of the ns init */
	bool pivoted;
	bool priv;             /* the caller is root in the initial userns */
	uid_t iu, ou;          /* the map, decided by the parent */
	gid_t ig, og;
	bool ident;            /* the engine's run slot: ids of the program */
	uid_t ident_uid;
	gid_t ident_gid;
	struct sb_planters planters; /* ids the box's host files must be
	                        * safe from (sb_open_file_as) */
	/* the box (box.c): who owns /box, as the host and as the child's
	 * namespace see it; descriptors on /box and /tmp from the first
	 * stop on; the host files of the copies (iso->copies order) */
	uid_t box_host_uid, box_uid;
	gid_t box_host_gid, box_gid;
	int box_fd, space_fd;
	int *copy_fd;
	int *copy_dir;         /* an output's directory (O_PATH), or -1: its
	                        * new content is written to a temporary name
	                        * there and renamed over it at the end */
	uint64_t *copy_size;   /* an input's size when opened */
	mode_t *copy_mode;     /* its mode in /box (0755 or 0644) */
	size_t ncopy_fd;
	bool outputs_cut;      /* the outputs were truncated (first stop) */
	uint64_t space_peak;   /* the most the space held at a stop */
	int stdin_fd;          /* the program's stdin (not ours), or -1 */
	char fail[320];        /* why the run could not start (the box's
	                        * steps), or "": sb_iso_failed_message() */
	int box_missing;
};

struct sb_iso {
	/* configuration */
	unsigned ns;            /* S_NS_* */
	char *hostname;
	uid_t in_uid, out_uid;  /* (uid_t)-1: default */
	gid_t in_gid, out_gid;
	char *rootfs;
	bool rootfs_rw;
	struct sb_dir *dirs;
	size_t ndirs;
	uint64_t tmp_size;
	bool keep_net;          /* S_NS_NET off on purpose (documented) */
	char *cg_parent;
	int cg_version;         /* 0 auto, 1, 2 */
	struct sb_cg_limits cg_lim;
	struct sb_rlim rl[16];
	size_t nrl;
	bool drop_caps;
	bool best_effort;
	char **env_pass;
	char **env_strip;       /* NULL: the default patterns */
	/* The file rules' private mount view (core/confine.c), used when the
	 * kernel has no Landlock: host paths bound at the same place, the
	 * program started in view_cwd; its working directory view_wd exists
	 * (empty unless a rule names it). nview 0: none. */
	struct sb_dir *view;
	size_t nview;
	char *view_cwd, *view_wd;
	bool box;               /* sandbox_set_box() */
	bool tmp_size_set;      /* sandbox_set_tmpfs_size() was called */
	struct sb_copy *copies;
	size_t ncopies;

	/* decided by sb_iso_check() */
	unsigned requested;     /* S_NS_* | S_ISO_* asked for */
	unsigned effective;     /* what the next run will do */
	struct sb_cg_roots roots;
	uint64_t box_limit;     /* what the writable space may hold of the
	                         * program's (sandbox_set_tmpfs_size) */
	int box_limit_quota;    /* the quota that set it, or -1 */
	char msg[512];

	/* results of the last run */
	sandbox_iso_stat_t stat;
	struct sb_iso_run run;
};

/* What isolation needs to know of the rest of the configuration. */
struct sb_iso_prog {
	const char *argv0;
	const char *workdir;  /* NULL: the caller's */
	const char *chroot;   /* sandbox_set_chroot(), or NULL */
	bool set_creds;       /* sandbox_set_credentials() was called */
	bool env_inherit;
	uint64_t disk_quota;  /* S_QUOTA_DISK, S_QUOTA_MEMORY (the box's */
	uint64_t memory_quota;/* writable space is bounded by them) */
	bool sockets;         /* the policy lets the program make sockets */
};

/* What the verdict needs to know of a run's isolation (core/verdict.c). */
struct sb_iso_facts {
	int init_signal;      /* fatal signal emulated for the pid-1 program */
	int64_t oom_kills;    /* OOM kills in the run's cgroup, -1: unknown */
	int space_over_quota; /* the box's writable space held more of the
	                       * program's than this quota allows, or -1 */
	int64_t space_peak;   /* the most that space held (bytes), or -1
	                       * without one */
};

/* isolation.c: the object (defaults set) and the hooks of the engine. */
struct sb_iso *sb_iso_new(void);
void sb_iso_free(struct sb_iso *iso);
/* Forget the box's copies (sandbox_box_clear_copies). */
void sb_iso_clear_copies(struct sb_iso *iso);
/* Decide what is in effect. 1 when the program was checked here (box
 * root), 0 when the engine checks it as usual, or -errno (iso->msg). */
int sb_iso_check(struct sb_iso *iso, const struct sb_iso_prog *prog);
int sb_iso_check_program(const struct sb_iso *iso,
                         const struct sb_iso_prog *prog);
/* Replaces fork(): the child's pid (host view), 0 in the child (which
 * then runs the engine's child code), or -1 with errno and *step
 * (SB_STEP_*). The child closes every descriptor from 3 up at once but
 * errfd and the nkeep (at most SB_ISO_SPAWN_KEEP) of keep. */
#define SB_ISO_SPAWN_KEEP 4
pid_t sb_iso_spawn(struct sb_iso *iso, int errfd, const int *keep,
                   size_t nkeep, int *step);
/* A run in no namespace and no cgroup (after sb_iso_check): its child
 * has nothing to wait for, nothing to mount, and cannot be OOM-killed
 * with the supervisor before its exec; the engine may start it itself,
 * sharing its memory (core/spawn.c), instead of sb_iso_spawn(): then
 * sb_iso_spawn_begin() before (the parent's part: the run's cgroup; 0 or
 * -errno with *step), and in the child sb_iso_child_shared() (raw system
 * calls: the bounding set; 0 or -errno with *step). */
bool sb_iso_spawn_shared(const struct sb_iso *iso);
int sb_iso_spawn_begin(struct sb_iso *iso, int *step);
int sb_iso_child_shared(const struct sb_iso *iso, int *step);
/* Before sb_iso_spawn(): the ids of the run's slot (on) become the
 * outside ids of a user namespace map, unless the caller gave those;
 * `who`: the ids the box's host files are opened against. */
void sb_iso_set_identity(struct sb_iso *iso, bool on, uid_t uid, gid_t gid,
                         const struct sb_planters *who);
/* At the child's first stop, before exec: join the cgroup. */
int sb_iso_first_stop(struct sb_iso *iso, pid_t pid, int *step);
/* Child, after the credentials: the rlimits asked for. 0 or -errno. */
int sb_iso_child_rlimits(const struct sb_iso *iso);
/* Was rlimit `resource` asked for (sandbox_set_rlimit)? Async-signal-safe. */
bool sb_iso_sets_rlimit(const struct sb_iso *iso, int resource);
/* After the run, on every path: figures, facts, teardown. */
void sb_iso_finish(struct sb_iso *iso, struct sb_iso_facts *facts);
/* At a signal-delivery stop: true when the program is a namespace init
 * and `sig` would kill any other process (the engine then kills it). */
bool sb_iso_init_fatal(struct sb_iso *iso, pid_t pid, int sig);
/* A process's pid as the program sees it: in its own PID namespace 1 for
 * the first one (first_pid), the namespace's number (/proc NSpid) for
 * another; 0 when unreadable. */
pid_t sb_iso_self_pid(const struct sb_iso *iso, pid_t host_pid,
                      pid_t first_pid);
/* sandbox_cgroup_sweep(). */
int sb_iso_cgroup_sweep(const char *parent);

/* box.c: the box's copies and its writable space. Before the spawn:
 * open the host files of the copies (0 or -errno, iso->msg). At the first
 * stop: take /tmp (and /box) of the child's root, copy the inputs in. At
 * the end: the figures and the facts, the copies out, every descriptor
 * closed. sb_box_close: the descriptors only (error paths). */
int sb_box_open_copies(struct sb_iso *iso);
int sb_box_enter(struct sb_iso *iso, pid_t pid);
void sb_box_leave(struct sb_iso *iso, struct sb_iso_facts *facts);
void sb_box_close(struct sb_iso_run *run);
/* The tmpfs size of the writable space: the limit and a page. */
uint64_t sb_box_space_size(const struct sb_iso *iso);
/* The tmpfs size of the read-only inputs (those not also outputs). */
uint64_t sb_box_inputs_size(const struct sb_iso *iso);
/* Is NAME also the name of a copy out (an input the program may change)? */
bool sb_box_is_output(const struct sb_iso *iso, const char *name);
/* How many copies in are read-only inputs (not also outputs)? */
size_t sb_box_ro_inputs(const struct sb_iso *iso);
/* The supervisor's side of SB_MNT_HANDOFF: the read-only inputs copied
 * into the inputs' space of the child (not yet read-only). 0 or -errno
 * (run->fail). */
int sb_box_fill_inputs(struct sb_iso *iso, pid_t pid);
/* At a stop of the program (tracer): what the writable space holds now
 * goes into its peak. One fstatfs; nothing before the first stop, nor
 * where no quota judges the space. */
void sb_iso_space_sample(struct sb_iso *iso);
/* After sb_iso_check(): is there a writable space a quota judges (its
 * peak must be watched: the filter stops the calls that can free it)? */
bool sb_iso_watches_space(const struct sb_iso *iso);
/* Before sb_iso_spawn(): the program's stdin (not owned), which no copy
 * out may name; -1 for none. */
void sb_iso_set_stdin(struct sb_iso *iso, int fd);

/* hidepath.c: in a box, under a root supervisor, each standard stream
 * that is a regular file opened again through a detached copy of its
 * mount, so that the program's /proc/self/fd/N names no host path. fds[i]
 * (ours; -1: the caller's fd i, inherited) is replaced by the new
 * descriptor (ours) where that worked; h keeps what sb_iso_hidden_end()
 * needs to give the caller's description the offset the program's ended
 * at (call it after the run, also when nothing was hidden). */
struct sb_iso_hidden {
	int caller[3], mine[3];
};
void sb_iso_hidden_init(struct sb_iso_hidden *h);
void sb_iso_hide_streams(const struct sb_iso *iso, int fds[3],
                         struct sb_iso_hidden *h);
void sb_iso_hidden_end(struct sb_iso_hidden *h);
/* What the last failed spawn or first stop met (a file, the option), or
 * NULL. */
const char *sb_iso_failed_message(const struct sb_iso *iso);

/* ns.c */
int sb_ns_write_maps(const struct sb_iso *iso, pid_t pid);
int sb_ns_child_setup(const struct sb_iso *iso, int *step);
bool sb_ns_default_fatal(pid_t pid, int sig);
void sb_ns_default_ids(const struct sb_iso *iso, uid_t *iu, gid_t *ig,
                       uid_t *ou, gid_t *og);

/* env.c: the program's environment for this run (NULL-terminated, owned
 * by the caller: free with sb_env_free): from host_env when `inherit`
 * (secrets stripped) or the pass-through list of iso (may be NULL), then
 * the explicit entries envp, then each of `defaults` (may be NULL) whose
 * name is not there yet. NULL with errno ENOMEM. */
char **sb_env_build(const struct sb_iso *iso, char *const *envp, bool inherit,
                    char *const *host_env, char *const *defaults);
void sb_env_free(char **envp);
/* Is the inherited entry NAME=VALUE a secret by the rule of sandbox.h
 * (sandbox_set_env_strip) or one of iso's extra patterns? */
bool sb_env_is_secret(const struct sb_iso *iso, const char *entry);

/* probe.c: everything (sandbox_probe), or the parts of it that settle
 * the S_NS_* | S_ISO_* bits of `want` not yet in *probed -- forking only
 * for namespaces asked for -- added to *p (available, missing); *probed
 * gets the bits settled. */
void sb_probe_host(sandbox_probe_t *p);
void sb_probe_host_part(sandbox_probe_t *p, unsigned want, unsigned *probed);
/* isolation.c: the probe of the features in `want` (what they lean on
 * too), made once per effective uid. */
void sb_iso_probe(sandbox_probe_t *p, unsigned want);
/* The mount view of file rules (takes the n entries of v, and frees what
 * it replaces; v NULL: none). 0 or -ENOMEM (v freed). */
int sb_iso_set_view(struct sb_iso *iso, struct sb_dir *v, size_t n,
                    const char *cwd, const char *wd);
void sb_dirs_free(struct sb_dir *v, size_t n);

#endif /* LIBSANDBOX_ISOLATION_H */
