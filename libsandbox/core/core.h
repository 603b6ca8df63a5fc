/*
 * core/: the engine that runs one program and judges it. Not installed.
 *
 *   run.c      what sandbox_check() and sandbox_execute() do below the
 *              argument checks: check the program, compile the policy;
 *              start a run (streams, child, pinning) and end it
 *   tracer.c   the ptrace event loop in the thread calling execute()
 *   tasktab.c  the tracer's table of the program's tasks, by tid
 *   procs.c    the program's processes, shared with the manager: CPU
 *              and memory over all of them, killing all of them
 *   decide.c   one event: the policy's layers in order, then observers
 *   confine.c  how the file rules are enforced (Landlock ruleset built
 *              and cached before fork, or a private mount view)
 *   child.c    the child between its start and execve(), one table of
 *              steps: fds, credentials, rlimits, capabilities, Landlock,
 *              seccomp filter (raw system calls only)
 *   spawn.c    the child started with clone(CLONE_VM) on a stack of its
 *              own (a box's run: the isolation layer's clone)
 *   manager.c  the manager thread: deadlines, sampling, signals
 *   verdict.c  the verdict (the only writer of the result), from facts
 *   exec_image.c  what a failed execve asked of the address space (the
 *              facts behind an ML at exec)
 *   capture.c  library-owned stdout/stderr pipes
 *   affinity.c tracer and program pinned to one CPU per run, one no
 *              other run on the host holds (claims: util/claims.c)
 *   relay.c    an interaction's plumbing: the bytes between the program
 *              and the interactor, who ended first, the idle sample
 *   combine.c  an interaction's one verdict, from both sides' facts
 *   identity.c the ids the program runs as: a run slot of its own when
 *              the supervisor is root (claims: util/claims.c)
 *
 * Below it: policy/ (what is allowed), isolation/ and diag/ (hooks that
 * get their own objects, never the sandbox), util/. Above it: api/, the
 * only files that export symbols.
 */
#ifndef LIBSANDBOX_CORE_H
#define LIBSANDBOX_CORE_H

#include "policy/policy.h"
#include "isolation/isolation.h"
#include "diag/diag.h"

#include <pthread.h>
#include <sys/resource.h>
#include <sched.h>
#include <stdatomic.h>
#include <linux/filter.h>

/* Where a standard stream comes from. */
struct sb_stdio {
	int fd;      /* >= 0: dup this; -1: inherit */
	char *path;  /* or open this */
	bool append;
};

/* What the manager thread reports to the tracer (atomic, set before it
 * kills the program). */
enum {
	SB_KILL_NONE = 0,
	SB_KILL_CPU,
	SB_KILL_WALL,
	SB_KILL_MEMORY,
	SB_KILL_INTERRUPT,
	SB_KILL_OUTPUT,
	SB_KILL_SETUP,     /* the program did not reach exec in time */
};

/* capture.c: one captured stream (stdout or stderr). */
struct sb_capture {
	bool on;
	int dest_fd;            /* -1: no copy */
	sandbox_output_fn fn;
	void *data;
	/* per run */
	bool active;            /* captured this run: on, or implied */
	bool implied;           /* by the output quota (sb_capture_plan): the
	                         * caller's stream; a reader gone is the
	                         * program's EPIPE, as without capture */
	bool shared;            /* [2] only: stderr is written into stdout's
	                         * capture this run (one open file, or
	                         * SANDBOX_STDIO_STDOUT); counted there */
	int own_dest;           /* our descriptor on an implied capture's
	                         * stream, closed at the end; or -1 */
	int dest;               /* this run's destination: dest_fd, own_dest */
	int rfd;                /* read end, nonblocking; -1 when closed */
	int out_fd;             /* where copies are written: dest_fd, or a
	                         * private non-blocking reopening of it */
	bool own_out;           /* out_fd was opened by the library */
	bool is_sock;           /* out_fd is a socket: send(MSG_DONTWAIT) */
	bool can_splice;        /* dest accepts splice(2) */
	bool dest_gone;         /* dest refused for good: count, drop */
	bool reader_gone;       /* ... with EPIPE */
	bool wait_out;          /* copying waits for dest to take more */
	char *buf;              /* CHUNK bytes: read/write path */
	size_t pend_off, pend_len; /* read, not yet written to dest */
	int64_t bytes;
};

/* The signals that end the runs of a supervisor which blocks them
 * (sandbox_block_term_signals): SIGTERM, SIGINT, SIGQUIT, SIGHUP. */
extern const int sb_term_signals[];
#define SB_NTERM 4

struct sb_manager {
	pthread_t thread;
	bool started;
	int ctl_fd;    /* eventfd: wakes the manager (run start/stop/quit) */
	int sig_fd;    /* signalfd for the sb_term_signals blocked, or -1 */
	int timer_fd;  /* timerfd (CLOCK_MONOTONIC): a quiet run's first look
	                * (manager.c), or -1 */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	/* Written by the tracer under lock, read by the manager. */
	bool quit;
	bool running;       /* a run is active (fork to reap): watch it */
	bool exec_seen;     /* the program has been exec'd */
	bool quiet;         /* this run woke the manager neither at its start
	                     * nor at its exec: the timer calls it (manager.c) */
	bool looked;        /* the manager looked at this run before its exec */
	unsigned generation;/* bumps per run and at its exec */
	int pidfd;          /* pidfd of the program for this run */
	pid_t pid;
	struct timespec start;  /* CLOCK_MONOTONIC at fork, then at exec */
	int64_t ncpus;          /* CPUs the program may run on (at least 1) */
	int pinned_ncpus;       /* the tracer thread's CPUs as sb_pin_begin
	                         * left them, or 0: unknown (tracer only) */
	atomic_int cpu_safe;    /* the most tasks running at once the next
	                         * CPU check is early enough for (manager.c);
	                         * the tracer wakes the manager past it */
	clockid_t tracer_clock; /* the tracer thread's CPU clock, and its */
	int64_t tracer_base;    /* reading at exec (-1: no clock) */
	bool acked;             /* manager saw the end of the run */
	/* Figures read by the manager just before it killed the program
	 * (a SIGKILLed program takes no exit stop). */
	bool have_px;
	struct sb_proc_exit px;
};

/* tasktab.c: one task (thread) of the program, as the tracer knows it. */
struct sb_task {
	pid_t tid;
	pid_t tgid;             /* its process (thread group) */
	pid_t self;             /* its process's pid as the program sees it
	                         * (S_ARG_SELF_PID; its PID namespace) */
	bool fresh;             /* attached at its creation: its first stop,
	                         * the SIGSTOP of the attach, is still to come */
	bool entered;           /* what it is (thread or process) is known:
	                         * counted in the figures, a process in procs */
	bool held;              /* first stop seen before its creator's event,
	                         * and /proc could not say whose it is: kept
	                         * stopped until that event (held_status) */
	int held_status;
	bool early;             /* its first stop came before its creator's
	                         * event, which has not come yet */
	bool want_sysret;       /* deliver S_EVENT_SYSRET to the callbacks */
	bool watch_mem;         /* check the return for a refused allocation */
	int deny_errno;         /* classic mode: write -errno at the exit */
	sandbox_syscall_t cur;  /* its syscall between entry and exit */
	uint64_t syscalls;      /* syscall entries seen (per-thread profile) */
};
struct sb_tasks {
	struct sb_task **slot;  /* open addressing by tid; NULL: free */
	size_t cap;             /* a power of 2, or 0 */
	size_t n;
};
void sb_tasks_init(struct sb_tasks *ts);
void sb_tasks_free(struct sb_tasks *ts);
struct sb_task *sb_tasks_find(const struct sb_tasks *ts, pid_t tid);
/* The task tid (added when new, zeroed but for tid and tgid), or NULL
 * (ENOMEM). Pointers to other tasks stay valid. */
struct sb_task *sb_tasks_add(struct sb_tasks *ts, pid_t tid, pid_t tgid);
void sb_tasks_remove(struct sb_tasks *ts, pid_t tid);
/* Iterate: *pos starts at 0; NULL at the end. No removal meanwhile. */
struct sb_task *sb_tasks_next(const struct sb_tasks *ts, size_t *pos);

/* procs.c: one process (thread group) of the program. */
struct sb_proc {
	pid_t pid;              /* its tgid (host view) */
	pid_t parent;           /* the process that created it, 0: the first */
	int pidfd;              /* owned: opened at its creation event; -1
	                         * when no descriptor was left (procs.c) */
	bool owned;             /* false for the first: the run's pidfd */
	bool live;
	bool parent_of;         /* it created a process of its own */
	bool exit_stopped;      /* its main thread's exit stop was taken */
	bool final;             /* the figures below are final */
	int64_t cpu_ns;         /* CPU clock, last reading (or final) */
	int64_t user_us, sys_us;/* at its end, -1 unknown */
	int64_t vm_peak, rss_peak; /* at its exit stop or end, -1 unknown */
};
/* Under mgr.lock while a run is going on (the tracer writes, both read). */
struct sb_procs {
	struct sb_proc *v;
	size_t n, cap, nlive;
	size_t unheld;          /* live ones without a pidfd (procs.c) */
	int64_t sample_rss, sample_vm; /* peaks of the sums sampled, -1 */
};
int sb_procs_begin(struct sb_procs *ps, pid_t pid, int pidfd);
void sb_procs_end(struct sb_procs *ps);
struct sb_proc *sb_procs_find(struct sb_procs *ps, pid_t pid);
/* A process the program created (stopped at its creation): pidfd held,
 * or its pid alone when out of descriptors. */
int sb_procs_add(struct sb_procs *ps, pid_t pid, pid_t parent);
/* Sum of the CPU clocks of every process, live ones read now. */
int64_t sb_procs_cpu_ns(struct sb_procs *ps);
/* A thread (not the main one) of process tgid ended, its end taken: the
 * process's clock is read again (its last figure if it was the last). */
void sb_procs_thread_gone(struct sb_procs *ps, pid_t tgid);
/* SIGKILL every live process (clocks read first). run_pidfd: the
 * first one's. tracer: called by the tracer thread, which alone may
 * kill a process held by its pid only (procs.c). */
void sb_procs_kill(struct sb_procs *ps, int run_pidfd, bool tracer);
/* The main thread of process pid is at its exit stop: its figures (px:
 * its /proc figures when already read, else NULL and they are read). */
void sb_procs_exit_stop(struct sb_procs *ps, pid_t pid,
                        const struct sb_proc_exit *px);
/* Process pid is gone (its leader reported, rusage ru or NULL). */
void sb_procs_gone(struct sb_procs *ps, pid_t pid, const struct rusage *ru);
/* Sums of RSS, of virtual size and of page tables of the live processes,
 * now (and the RSS and size peaks kept). */
void sb_procs_sample(struct sb_procs *ps, int64_t *rss, int64_t *vm,
                     int64_t *pte);
/* confine.c: the file rules of the next runs (decided by the check). */
struct sb_confine_id {
	char *host;
	bool nofollow;          /* lstat: a symbolic link there is not followed */
	bool absent;            /* nothing was there (ENOENT) */
	dev_t dev;
	ino_t ino;
};

struct sb_confine {
	int mode;               /* sandbox_files_t */
	int ll_abi;             /* Landlock ABI used (S_FILES_LANDLOCK) */
	unsigned ll_features;   /* S_LL_* of the ruleset */
	bool guard_truncate;    /* the filter refuses truncation (ABI < 3) */
	int ll_fd;              /* the cached ruleset, -1: none (yet) */
	bool per_run;           /* the program has a root of its own: its
	                         * rules are resolved in it at each run */
	int run_fd;             /* that run's ruleset, -1 */
	/* what the ruleset was built for: it is reused while they hold */
	const sandbox_policy_t *policy;
	unsigned policy_gen, config_gen;
	int built_abi;          /* the Landlock version it was built with */
	bool built_no_net;      /* it forbids sockets (forbids_net) */
	char *wd;               /* the working directory it was built for */
	/* every host path the ruleset was built from -- program,
	 * interpreters, working directory, each path a policy rule resolved
	 * to or found missing -- with what was there: a Landlock rule holds
	 * an inode, so a file replaced (or made) at one of them is a rebuild */
	struct sb_confine_id *id;
	size_t nid, capid;
	bool id_lost;           /* one could not be kept: never reuse */
	char msg[640];          /* why the check failed */
};

/* An interaction (api/interact.c) links one run of a sandbox to its peer:
 * streams that replace the configured ones for that run -- taken over by
 * the run, closed once the child has them (what is left after the run is
 * the interaction's) -- and two calls back: `forked` with the child's pid
 * and pidfd right after the fork (in the tracer thread; the callee dups
 * what it keeps), `wall_kill` from the manager thread just before it
 * kills the program for the wall-clock quota (under mgr.lock). */
struct sb_link {
	int stdio_fd[3];         /* >= 0: this descriptor; -1: as configured */
	void (*forked)(void *data, pid_t pid, int pidfd);
	void (*wall_kill)(void *data);
	void *data;
	/* Set by the relay: what the program wrote on its standard output
	 * passed S_QUOTA_DISK (its manager kills it: OL). */
	atomic_bool output_over;
};

struct sandbox {
	/* configuration */
	char **argv;
	char **envp;
	bool env_inherit;
	char *workdir;
	char *chroot_dir;
	bool set_creds;
	uid_t uid;
	gid_t gid;
	gid_t *groups;
	size_t ngroups;
	int umask;                  /* sandbox_set_umask(), -1: inherit */
	int box_id;                 /* sandbox_set_box_id(), -1: any */
	uid_t first_uid;            /* sandbox_set_box_ids() */
	gid_t first_gid;
	unsigned box_count;
	struct sb_slot {            /* the run slot held (identity.c) */
		int claim;          /* descriptor holding the uid, or -1 */
		int old_claim;      /* 0.4's lock on it, when we could take it */
		int box_id;
		uid_t uid;
		gid_t gid;
	} slot;
	struct sb_stdio stdio[3];
	struct sb_capture cap[3];   /* [1] stdout, [2] stderr; [0] unused */
	bool cap_batch;             /* this run's captures may gather a
	                             * trickle of small writes (capture.c) */
	uint64_t quota[S_QUOTA_COUNT];
	int memory_mode;            /* in effect (set by the check) */
	int memory_mode_asked;      /* sandbox_set_memory_mode(), or -1 */
	int mode;
	unsigned sample_usec;
	int affinity;
	bool has_cpus;              /* sandbox_set_cpus() */
	cpu_set_t cpus;
	sandbox_policy_t *policy;
	struct {                    /* sandbox_set_event_hook() */
		sandbox_event_hook_fn fn;
		void *data;
	} hook;

	unsigned config_gen;        /* bumped by every setter but those
	                             * that no cached plan reads (api.h) */

	/* state */
	int status;
	sandbox_stat_t stat;
	const char *failed_step;
	char failed_msg[320];       /* what the failed step met, or "" */

	/* compiled policy, cached until the policy or its options change */
	struct {
		bool valid;
		/* a reference: while the cache names it, no other policy can
		 * be made at its address (review-stop26 E5) */
		sandbox_policy_t *policy;
		unsigned generation;
		bool watch_memory;
		bool watch_space;
		bool watch_streams;
		bool guard_truncate;
		bool guard_special;
		bool guard_owner;
		struct sock_fprog prog;
		struct sb_effective guarded; /* the table with the task
		                              * guards, as both modes judge */
		struct sb_ruleset rules;     /* of guarded.view */
		unsigned tasks;              /* sb_policy_tasks() */
	} compiled;

	/* per run, owned by the tracer thread */
	pid_t pid;
	void *spawn_stack;       /* the child's stack (spawn.c), or NULL */
	unsigned *spawn_go;      /* the child's handshake word (SB_GO_*), in
	                          * a page shared with it (spawn.c), or NULL */
	int spawn_attach;        /* how sb_spawn's child met its tracer:
	                          * SB_ATTACH_* (spawn.c, tracer.c) */
	bool spawn_dump_held;    /* its child changed ids in our memory and
	                          * has not exec'd or died yet (spawn.c) */
	bool in_callback;
	int64_t stream_bytes;    /* its stdout and stderr together, at the
	                          * end: captured, and added to files */
	struct {                 /* stdout, stderr as regular files the
	                          * program writes itself (capture.c) */
		int fd[3];       /* a descriptor on each, or -1 */
		int64_t size0[3];/* its size when the run started */
		bool watched;    /* any: sampled where one can shrink */
		int64_t peak;    /* what they held together at their most,
		                  * beyond size0, at the samples so far */
	} streams;
	int64_t refused_peak;    /* ML: memory with the refused request, or -1 */
	uint64_t exec_args_bytes;/* what execve copies onto the new stack */
	bool stack_overflow;     /* the stack outgrew RLIMIT_STACK (a fact) */
	int delivered_sig;       /* the last signal delivered to the first
	                          * process, 0 none, and its si_code */
	int delivered_code;
	bool setup_killed;       /* a signal no set-up step reported ended the
	                          * child before exec (-EINTR) */

	/* how the file rules are enforced (confine.c) */
	struct sb_confine confine;
	struct sb_link link;     /* set and cleared by an interaction */
	/* An eventfd an interaction's relay sleeps on, written (with
	 * interrupt_sig set) by every sb_interrupt(): made by the first
	 * interaction, kept until sandbox_destroy(). -1 before. */
	atomic_int link_wake;

	/* isolation (isolation/isolation.h): NULL when none is asked for */
	struct sb_iso *iso;
	/* diagnostics (diag/diag.h): backtraces, ELF facts, profile */
	struct sb_diag *diag;

	/* shared with the manager thread */
	atomic_int kill_reason;  /* SB_KILL_* */
	atomic_int interrupt_sig;
	bool interrupt_ended;    /* (tracer) the interruption ended the run
	                          * whatever the program's end: before exec,
	                          * or it cut the captured output (verdict.c) */
	atomic_llong mem_sample_peak; /* RSS samples, bytes (RSS mode) */
	atomic_llong mem_judged_peak; /* RSS + page tables samples, bytes */
	atomic_llong uncharged_ns; /* tracer CPU not charged to the program:
	                            * observers, backtraces (this run) */
	struct sb_manager mgr;
	/* the program's processes (procs.c), under mgr.lock during a run */
	struct sb_procs procs;
	/* tasks alive now (written by the tracer, read by the manager) */
	atomic_uint ntasks;
	pid_t cur_tid;          /* the task of the event being decided */
	pid_t cur_self;         /* its process's pid in the program's view */
};

/* identity.c: the ids of one run. `on`: the program runs as the
 * sandbox's run slot (struct sb_slot), uid/gid and no supplementary
 * group. */
struct sb_ident {
	bool on;
	int box_id;     /* the slot, -1 when none */
	uid_t uid;      /* the ids the program runs as (host view) */
	gid_t gid;
};
/* Does a run of this sandbox get a slot (root, no credentials)? */
bool sb_ident_applies(const sandbox_t *sb);
/* Before the fork: the run's ids; claims the sandbox's slot when it has
 * none that fits (sandbox_set_box_id's, or the lowest free one) and fills
 * stat.box_id/uid/gid. 0, or -EBUSY (the slot, or every slot, is taken)
 * or another -errno of the claim, with failed_step "box". */
int sb_ident_begin(sandbox_t *sb, struct sb_ident *id);
/* Drop the sandbox's slot (sandbox_destroy). */
void sb_slot_release(sandbox_t *sb);
/* The ids the sandbox's programs may run as, which the files opened
 * around its runs must be safe from (sandbox_open_file_as): the given
 * credentials or user namespace ids, else every slot of its range; count
 * 0 (any id but root's) when the program keeps root's uid. */
void sb_ident_planters(const sandbox_t *sb, struct sb_planters *who);

/* child.c: never returns (it leaves by exit_group or execve). `errfd` is
 * the close-on-exec pipe the parent reads a struct sb_child_error (util.h)
 * from. The child may share the parent's memory (spawn.c): the plan and
 * what it points to stay untouched until the child has exec'd or died. */
struct sb_child_plan {
	const sandbox_t *sb;
	int stdio_fd[3];       /* already opened by the parent, -1: inherit */
	int errfd;
	struct sock_fprog filter; /* .len 0: no filter (classic mode) */
	int landlock_fd;       /* the ruleset to enter, -1: none */
	char *const *envp;
	pid_t parent;          /* the supervisor (getpid() before the fork) */
	bool bset_dropped;     /* the isolation layer emptied the bounding
	                        * set already (in its namespace steps) */
	const struct sb_ident *ident; /* the run's ids (identity.c) */
	const char *workdir;   /* sandbox_set_workdir's, the box's /box, or
	                        * NULL (the caller's) */
	bool iso_steps;        /* the child takes the isolation layer's steps
	                        * (sb_iso_child_shared: no namespace) */
};
void sb_child_run(const struct sb_child_plan *plan);
/* The tracer's options (<sys/ptrace.h>): set on the first task when it
 * is attached, and kept by the kernel on every task it creates. The main
 * thread of a process stops at its exit (figures); threads do not. */
#define SB_TRACE_OPTIONS (PTRACE_O_EXITKILL | PTRACE_O_TRACESYSGOOD | \
                          PTRACE_O_TRACESECCOMP | PTRACE_O_TRACEEXEC | \
                          PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK | \
                          PTRACE_O_TRACEVFORK)
#define SB_LEADER_OPTIONS (SB_TRACE_OPTIONS | PTRACE_O_TRACEEXIT)

/* The values of the handshake word of a child of sb_spawn(): what the
 * child does when it gets there, before its Landlock domain, its filter
 * and its execve. NOT_YET: the tracer has not said (the child waits);
 * WAITING: the child sleeps on the word (futex) until it changes; RUN:
 * seized by the tracer, go on; STOP: seized, stop (SIGSTOP) for the
 * tracer's work at the first stop; TRACEME: the tracer could not seize
 * us: the old way, PTRACE_TRACEME then SIGSTOP; DONE: set by the tracer
 * once its work at that stop is done -- until then a child that stopped
 * stops again (its SIGSTOP may have been discarded: a SIGCONT from
 * elsewhere flushes a pending one). */
enum { SB_GO_NOT_YET, SB_GO_WAITING, SB_GO_RUN, SB_GO_STOP, SB_GO_TRACEME,
       SB_GO_DONE };
/* sb_child_run for a child that meets its tracer at the handshake word
 * `go` instead of by PTRACE_TRACEME (spawn.c). */
void sb_child_run_seized(const struct sb_child_plan *plan,
                         const unsigned *go);

/* spawn.c: start the child of a run without isolation: clone(CLONE_VM)
 * on the sandbox's own stack (made on first use), running
 * sb_child_run_seized(plan) -- the tracer must then attach and answer
 * its handshake (sb_spawn_go; sb_trace does both); `changes_ids`: the child takes other ids (a run slot,
 * credentials), then it shares our memory only when fs.suid_dumpable
 * keeps that memory from its new uid. The child's pid, or -1 with errno.
 * sb_spawn_released: the child has exec'd or died (the tracer at its exec
 * event, the run at its end; again is harmless): our dumpable flag, which
 * its id change cleared, is put back when no other child holds it.
 * sb_spawn_free: the stack and the handshake's page (sandbox_destroy). */
pid_t sb_spawn(sandbox_t *sb, const struct sb_child_plan *plan,
               bool changes_ids);
void sb_spawn_released(sandbox_t *sb);
void sb_spawn_free(sandbox_t *sb);
/* The tracer's answer at the child's handshake: SB_GO_RUN, _STOP or
 * _TRACEME (above). Once per child of sb_spawn. */
void sb_spawn_go(sandbox_t *sb, unsigned how);
/* Probes of the child's steps (docs/PERFORMANCE.md, "The child's
 * life, step by step"): only in a build with -DSB_CHILD_PROBES
 * (`make probes`), never in a normal one. Time stamps (the CPU's time
 * stamp counter, or CLOCK_MONOTONIC in ns where there is none) in the
 * handshake's page, after its word: the supervisor before clone(), after
 * it and after the seize; the child at its entry and after each step of
 * core/child.c's table; the tracer at the exec event and when it lets
 * the program go on. sb_probes() is the page's array (NULL before a
 * first run), sb_probe_names() the child's step names. */
#ifdef SB_CHILD_PROBES
enum { SB_PROBE_CLONE, SB_PROBE_CLONED, SB_PROBE_ATTACHED, SB_PROBE_ENTRY,
       SB_PROBE_EXEC, SB_PROBE_EXEC_DONE, SB_PROBE_STEP0, SB_PROBE_MAX = 48 };
uint64_t sb_probe_now(void);
uint64_t *sb_probes(sandbox_t *sb);
const char *const *sb_probe_names(size_t *n);
#define SB_PROBE(page, i) \
	((page) ? (void)(((uint64_t *)((char *)(page) + 64))[(i)] = \
	                 sb_probe_now()) : (void)0)
#else
#define SB_PROBE(page, i) ((void)0)
#endif

/* sb->spawn_attach: how the child of the run met the tracer thread.
 * NONE: not a child of sb_spawn (the isolation layer's: it asked to be
 * traced, PTRACE_TRACEME, and stops); SEIZED: seized by sb_spawn, its
 * handshake not answered yet (the tracer's first stop answers it);
 * RUNNING: seized, and told to go on (nothing to do before its exec);
 * TRACEME: the seize was refused, the child was told to ask to be
 * traced instead (the isolation layer's way). Read and reset by
 * sb_trace. */
enum { SB_ATTACH_NONE, SB_ATTACH_SEIZED, SB_ATTACH_RUNNING,
       SB_ATTACH_TRACEME };

/* capture.c: pipes made before fork (wfd[i] goes to the child's fd i),
 * copying during the run (manager, under mgr.lock, never blocking),
 * draining at the end (tracer: waits for a slow destination).
 * sb_capture_copy says why it stopped; sb_capture_pollfd gives what the
 * manager waits for next (the pipe, or the destination when it is full). */
enum { SB_CAP_IDLE = 0, SB_CAP_FULL, SB_CAP_EOF, SB_CAP_OVER };
struct pollfd;
/* Which streams are captured this run: those the caller asked for, and,
 * under an output quota, those the quota could not bound as files the
 * program writes (sb_capture_plan takes stdio[i] over for them, -1 then).
 * Returns true when stderr must follow stdout's capture (one stream, one
 * file: the caller's order is kept). Streams whose bit (1 << which) is in
 * `skip` are not captured this run (an interaction owns them). */
bool sb_capture_plan(sandbox_t *sb, int stdio[3], unsigned skip);
/* After a copy that moved `moved` bytes in all: should the manager leave
 * the capture pipes alone for SB_CAP_GATHER_NS (a trickle of small writes
 * from a program nobody answers: capture.c)? */
bool sb_capture_gather(const sandbox_t *sb, int64_t moved);
#define SB_CAP_GATHER_NS 1000000
int sb_capture_open(sandbox_t *sb, int wfd[3]);
int sb_capture_copy(sandbox_t *sb, int which);
void sb_capture_pollfd(const sandbox_t *sb, int which, struct pollfd *p);
void sb_capture_finish(sandbox_t *sb);
int64_t sb_capture_total(const sandbox_t *sb);
/* stdout and stderr as regular files the program writes itself (not
 * captured): begin notes their sizes before the fork (fds: the streams
 * the child gets, -1 for inherited ones); sample measures them where the
 * program may be about to shrink one (the tracer: a truncating call);
 * sb_streams_written says what the program added to them at their most
 * (samples and now); end forgets them. Counted together with the
 * captured bytes against S_QUOTA_DISK. */
void sb_streams_begin(sandbox_t *sb, const int fds[3]);
void sb_streams_sample(sandbox_t *sb);
int64_t sb_streams_written(sandbox_t *sb);
void sb_streams_end(sandbox_t *sb);

/* affinity.c: place the calling (tracer) thread -- and so the child it
 * forks -- for a run: pinned to one CPU it claimed (util/claims.c), or on
 * the CPUs the run may use; undo restores the thread's mask and drops the
 * claim. sb_pin_begin fails (-EINVAL) when the run may use no CPU, and
 * sets sb->stat.cpu. */
struct sb_pin {
	bool changed;      /* the thread's mask was changed: restore saved */
	int claim;         /* descriptor holding the claim on cpu, or -1 */
	int cpu;
	int ncpus;         /* CPUs in the thread's mask now, or 0: unknown */
	cpu_set_t saved;
};
int sb_pin_begin(sandbox_t *sb, struct sb_pin *pin);
void sb_pin_end(struct sb_pin *pin);

/* confine.c. plan: before the isolation check, decide the mode (a mount
 * view is handed to the isolation layer); build: after it, the Landlock
 * ruleset (or the cached one, when still valid: also at every execute).
 * 0, or -errno with confine.msg. stat: the stat fields. */
void sb_confine_init(struct sb_confine *c);
void sb_confine_drop(struct sb_confine *c);
int sb_confine_plan(sandbox_t *sb);
int sb_confine_build(sandbox_t *sb);
void sb_confine_stat(const sandbox_t *sb, sandbox_stat_t *st);
/* A run: the ruleset the child enters (*fd, -1: none), made now when its
 * rules must be resolved in the program's own root -- which first_stop
 * does, through /proc/PID/root, while the child waits in its stop before
 * entering it (for a child seized at its handshake: sb_confine_needs_stop). run_end closes the run's ruleset. */
int sb_confine_run_begin(sandbox_t *sb, int *fd);
int sb_confine_first_stop(sandbox_t *sb, pid_t pid);
/* Must the child of this run stop before entering its ruleset, for
 * sb_confine_first_stop to resolve its rules in its own root? */
bool sb_confine_needs_stop(const sandbox_t *sb);
void sb_confine_run_end(sandbox_t *sb);

/* run.c */
/* sandbox_check() once the status allows it: isolation, the program, its
 * ELF facts, the compiled policy (cached until it changes). */
int sb_run_check(sandbox_t *sb);
/* The sandbox's diagnostics object, allocated on first use (NULL on
 * ENOMEM). */
struct sb_diag *sb_run_diag(sandbox_t *sb);
/* Forget the compiled policy. */
void sb_run_drop_compiled(sandbox_t *sb);

/* Run the program to its end (sandbox_execute() once checked): 0 with a
 * verdict, or -errno with sb->failed_step. */
int sb_run_execute(sandbox_t *sb);

/* tracer.c: from the child's first stop to its end. *errfd is the read
 * end of the set-up error pipe (closed at exec: -1 then). Returns 0 with
 * a verdict and *wstatus, or -errno. */
int sb_trace(sandbox_t *sb, pid_t pid, int pidfd, int *errfd, int *wstatus);

/* decide.c: one event. The entry of a syscall (ev: type, pid, syscall):
 * the policy's layers in order; sets ev->disposition to what the table
 * decided and returns it (with S_DISP_FLAG_EXIT). In classic mode the
 * callbacks see every syscall, else only TRACE lines. */
int sb_decide_entry(sandbox_t *sb, sandbox_event_t *ev, bool classic,
                    struct sb_decision *d);
/* A syscall's exit or a signal: the callbacks (ALLOW when none decides). */
void sb_decide_event(sandbox_t *sb, sandbox_event_t *ev,
                     struct sb_decision *d);
/* Observers (the profile's counts, sandbox_set_event_hook()): the event
 * and what was decided, the program still stopped. */
void sb_observe(sandbox_t *sb, sandbox_event_t *ev,
                const struct sb_decision *d);
/* After the verdict: S_EVENT_QUOTA (a quota decided it), S_EVENT_EXIT. */
void sb_observe_end(sandbox_t *sb, pid_t pid, int wstatus);
/* The supervisor could not drive the program (IE): S_EVENT_ERROR. */
void sb_observe_error(sandbox_t *sb, pid_t pid, int err);

/* exec_image.c: what a failed execve asked of the address space. */
struct sb_exec_need {
	int64_t refused; /* the first request over the quota, 0 when all fit */
	int64_t peak;    /* the address space with that request */
	int64_t total;   /* with every request (the whole image) */
};
/* Bytes execve copies onto the new stack for file, argv and envp. */
uint64_t sb_exec_args_bytes(const char *file, char *const argv[],
                            char *const envp[]);
/* execve failed with E2BIG before its point of no return: were the
 * argument pages (request 1 above) over the quota? */
bool sb_exec_args_refused(uint64_t args_bytes, uint64_t quota,
                          struct sb_exec_need *need);
/* pid is stopped at the SIGSEGV of its failed execve (its new mm names
 * the file). 0 with *need filled, or -errno when a fact needed to decide
 * is unreadable (requests over the quota before it still decide). */
int sb_exec_image_need(pid_t pid, uint64_t args_bytes, uint64_t quota,
                       struct sb_exec_need *need);

/* manager.c */
int sb_manager_start(sandbox_t *sb);
void sb_manager_stop(sandbox_t *sb);
/* From fork: interrupts and a wall-clock bound hold before exec too. */
void sb_manager_begin_run(sandbox_t *sb, pid_t pid, int pidfd,
                          const struct timespec *t_fork);
/* At the exec event: the quotas start counting for the program. */
void sb_manager_exec(sandbox_t *sb, const struct timespec *t_exec);
/* Tracer, before it lets the program go on (its first stop, exec): an
 * interruption already asked for kills it now, not at the manager's next
 * wake-up, so that a program interrupted before exec never runs. */
bool sb_manager_interrupted(sandbox_t *sb);
void sb_manager_end_run(sandbox_t *sb);
/* From another thread (an interaction's relay): the program's relayed
 * standard output passed its output quota; the manager kills it, OL. */
void sb_manager_output_over(sandbox_t *sb);
/* Tracer, at a SIGXCPU of the CPU backstop (RLIMIT_CPU, counted by the
 * kernel in clock ticks): when the exact CPU clocks say the quota is used,
 * the program is killed as the manager would (TL); true then. */
bool sb_manager_cpu_over(sandbox_t *sb);
/* Tracer, as it counts n tasks alive: more of them can run at once than
 * the next CPU check allows for -- the manager checks now (one atomic
 * load otherwise). */
void sb_manager_tasks_grew(sandbox_t *sb, unsigned n);
/* The CPU backstop's RLIMIT_CPU, in seconds, for a CPU quota in ms (child.c
 * sets it, the tracer recognises its SIGXCPU). The kernel counts RLIMIT_CPU
 * in clock ticks: each tick charges a whole tick to the task it finds
 * running, so a program sharing its CPUs with tasks that run between ticks
 * is charged more than it ran (20-50% seen under load): the soft limit is
 * only a tripwire the tracer judges on the exact clocks; the hard one
 * (SIGKILL, for a program that blocks SIGXCPU while the supervisor cannot
 * act) is twice as far. */
static inline uint64_t sb_cpu_backstop_soft(uint64_t quota_ms)
{
	return (quota_ms + 999) / 1000 + 1;
}
static inline uint64_t sb_cpu_backstop_hard(uint64_t quota_ms)
{
	return 2 * sb_cpu_backstop_soft(quota_ms);
}
/* The tracer's CPU time charged to the program since its exec (its
 * stops; not what sb_uncharged_end() set aside), ns; -1 when unknown.
 * Any thread, while the run is on (under mgr.lock for the manager). */
int64_t sb_supervisor_cpu_ns(const sandbox_t *sb);
/* Around work of the tracer that is not done for the program (observers,
 * backtraces): t = sb_uncharged_begin(); ...; sb_uncharged_end(sb, t). */
static inline int64_t sb_uncharged_begin(void)
{
	return sb_thread_cpu_ns();
}
static inline void sb_uncharged_end(sandbox_t *sb, int64_t t0)
{
	atomic_fetch_add(&sb->uncharged_ns, sb_thread_cpu_ns() - t0);
}
void sb_registry_add(sandbox_t *sb);
void sb_registry_remove(sandbox_t *sb);
/* sandbox_interrupt(): async-signal-safe. */
void sb_interrupt(sandbox_t *sb, int signo);

/* verdict.c: the only writer of stat.result (and of what says why:
 * quota_exceeded, tl_limit, exit_code, signal, interrupted). */
/* No verdict, figures unknown (-1): a new sandbox, sandbox_reset(), a run
 * that could not be judged. */
void sb_verdict_clear(sandbox_t *sb);
/* The start of a run. */
void sb_verdict_begin(sandbox_t *sb);
/* A verdict reached during the run (RF, BP, ML, OL, a policy's FINI) and
 * the quota behind it (-1: none). The first one stands: true when this
 * one did. */
bool sb_verdict_during(sandbox_t *sb, int result, int quota);
/* After an interaction, once the relay has read all of it: the program's
 * relayed standard output passed its output quota, but the run ended
 * otherwise (the program exited, or was killed, before its manager could
 * act): OL by the order of the final figures (docs/VERDICTS.md: output
 * before CPU and wall) -- replaces OK, AT, RT and TL, never a verdict
 * reached during the run (RF, BP, ML, OL, IE). */
void sb_verdict_output_relayed(sandbox_t *sb);
/* The supervisor could not drive the program: IE, whatever came before. */
void sb_verdict_internal(sandbox_t *sb);
/* The program is gone: decide from everything reported (precedence in
 * verdict.c). Returns 0. */
int sb_verdict(sandbox_t *sb, int wstatus, const struct sb_proc_exit *px,
               bool have_px);
/* What the run's isolation changes in the verdict (an OOM kill in its
 * cgroup is ML; the emulated signal of a namespace init). */
void sb_verdict_isolation(sandbox_t *sb, const struct sb_iso_facts *f);
/* Fact from the tracer: the memory quota refused one request of `bytes`
 * made by `by` (S_MEMREQ_*; sc: the syscall that made it, or NULL), which
 * would have taken the program to `peak`. The run ends ML; the figures
 * count the request. */
void sb_verdict_memory_refused(sandbox_t *sb, int by, int64_t bytes,
                               int64_t peak, const sandbox_syscall_t *sc);
/* Fact from the tracer: a stack growth within the memory quota failed
 * because the stack would have outgrown its limit. If the program then
 * dies of SIGSEGV, the verdict is RT with quota_exceeded S_QUOTA_STACK. */
void sb_verdict_stack_overflow(sandbox_t *sb);

/* relay.c: an interaction's plumbing, in a thread of its own. Sides are
 * S_SIDE_PROGRAM and S_SIDE_INTERACTOR. sb_relay_new() makes the pipes
 * and gives the children's ends in ends[side][0..2] (stdin, stdout,
 * stderr; the program's stderr is -1): the caller hands them to the runs
 * (sb_link, or a plain child) and closes what they did not take. Then
 * any thread tells the relay about the sides: forked (its pid, at fork),
 * spawn (start a command interactor as a child of the relay's thread --
 * never of the caller's, the program's tracer, whose waits for any of its
 * children would take it -- which the relay reaps and whose group it
 * kills after wall_ms, SANDBOX_UNLIMITED: never; 0 or -errno with the
 * failed SB_STEP_* in *step), done (its run is over:
 * execute returned), stop (end the interactor now: a plain one's group
 * is killed, a sandboxed one's process gets SIGKILL). sample is the
 * program's wall_kill. finish waits for the thread (both sides done) and
 * fills the figures; free releases everything. */
struct sb_relay;
struct sb_relay_stat {
	int64_t read[2];           /* bytes read from the side's stdout */
	int64_t delivered[2];      /* of them, written to the other's stdin */
	bool told[2];              /* the relay gave the side end of file */
	bool ended_before_told[2]; /* it was ending or gone by then */
	int wait[2];               /* SB_WAIT_* at the sample (UNKNOWN: none) */
	bool idle;
	/* an adopted interactor */
	bool reaped;
	int wstatus;
	int64_t cpu_us, wall_us, rss_peak;
	bool deadline_killed, stopped;
	int interrupted;           /* the signal an interruption came with */
	char message[SANDBOX_MESSAGE_MAX];
	int64_t message_bytes;
	int64_t log_bytes;         /* -1: no log */
	bool log_truncated;
};
struct sb_relay_config {
	int log_fd;                /* transcript, or -1 (not taken over) */
	sandbox_t *sb[2];          /* the sides' sandboxes; [1] NULL for a
	                            * plain interactor. An interruption of one
	                            * (its link_wake) interrupts the other and
	                            * stops a plain interactor. */
};
int sb_relay_new(const struct sb_relay_config *cfg, struct sb_relay **out,
                 int ends[2][3]);
int sb_relay_start(struct sb_relay *r);
void sb_relay_forked(struct sb_relay *r, int side, pid_t pid, int pidfd);
int sb_relay_spawn(struct sb_relay *r, char *const argv[],
                   char *const envp[], const int fds[3], uint64_t wall_ms,
                   int *step);
void sb_relay_done(struct sb_relay *r, int side);
void sb_relay_stop(struct sb_relay *r);
void sb_relay_sample(struct sb_relay *r);
void sb_relay_finish(struct sb_relay *r, struct sb_relay_stat *st);
void sb_relay_free(struct sb_relay *r);

/* combine.c: the combined verdict of an interaction. */
struct sb_combine_in {
	int program_rc;            /* sandbox_execute() of the program */
	const sandbox_stat_t *program; /* its figures (when program_rc is 0) */
	bool program_first;        /* it ended before it was told (relay) */
	bool idle;                 /* the relay's sample */
	int interactor_rc;         /* 0, or -errno: it did not start */
	int interactor_result;     /* its run's verdict (S_RESULT_*) */
	int interactor_exit_code;  /* -1 when killed */
	bool interrupted;          /* either side, or the interaction */
};
/* Fills st->verdict and st->decided_by (docs/VERDICTS.md). */
void sb_combine(const struct sb_combine_in *in,
                sandbox_interaction_stat_t *st);
/* testlib's points: the number after "points " at the start of the
 * interactor's message; -1 when there is none. */
double sb_combine_points(const char *message);

#endif /* LIBSANDBOX_CORE_H */
