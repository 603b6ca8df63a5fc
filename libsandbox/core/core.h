/*
 * Internal definitions shared by the files of libsandbox. Not installed.
 *
 * Who does what:
 *   api.c      public entry points: argument checks, status machine
 *   names.c    result/ABI names, syscall names via libseccomp, strerror
 *   child.c    the child between fork() and execve(): fds, rlimits,
 *              credentials, seccomp filter, PTRACE_TRACEME
 *   tracer.c   the ptrace event loop in the thread calling execute()
 *   manager.c  the manager thread: deadlines, sampling, signals
 *   quota.c    turning what was measured into a verdict
 *   procfs.c   the few /proc reads (at exit, and by the sampler)
 *   policy.c   the policy object: rule table and its evaluation
 *   filter.c   compiling a policy into a seccomp-bpf program (libseccomp)
 */
#ifndef LIBSANDBOX_INTERNAL_H
#define LIBSANDBOX_INTERNAL_H

#include "sandbox.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <linux/filter.h>

struct sb_iso;
struct sb_diag;

#define SB_EXPORT __attribute__((visibility("default")))
#define SB_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* seccomp SECCOMP_RET_TRACE data values: what the tracer is asked to do. */
enum {
	SB_TRACE_ASK = 1,      /* TRACE rule: ask the callback */
	SB_TRACE_ASK_EXIT = 2, /* TRACE rule with S_DISP_FLAG_EXIT */
	SB_TRACE_KILL = 3,     /* KILL rule, foreign ABI, unknown number: RF */
	SB_TRACE_MEM = 4,      /* memory syscall under a VSIZE quota: watch
	                        * its return for an allocation refused by
	                        * the quota */
};

/* ----------------------------------------------------------------- strings */

/* Free a NULL-terminated vector of owned strings (NULL is fine). */
void sb_strv_free(char **v);
/* Copy a NULL-terminated vector (NULL in: none). An empty one becomes NULL
 * when empty_is_null, else an empty vector. 0 or -ENOMEM. */
int sb_strv_dup(const char *const *in, bool empty_is_null, char ***out);
/* Replace *dst with a copy of src (NULL clears); *dst is untouched on
 * -ENOMEM. */
int sb_set_str(char **dst, const char *src);

/* ------------------------------------------------------------------ policy */

struct sb_rule {
	int abi;
	long nr;
	int disp;   /* sandbox_disposition_t, maybe | S_DISP_FLAG_EXIT */
	int err;
	unsigned ncond;
	sandbox_cond_t cond[6];
};

struct sandbox_policy {
	atomic_int refs;
	struct sb_rule *rules; /* in the order added; see sandbox.h for who wins */
	size_t nrules, cap;
	unsigned generation;   /* bumped by every change: caches key on it */
	int def_disp[S_ABI_COUNT];
	int def_err[S_ABI_COUNT];
	sandbox_policy_fn fn;
	void *data;
	void (*cleanup)(void *data);
};

/* Compiled form used by the tracer at every stop, so that evaluating a
 * syscall costs an array index, not a search: one slot per syscall number
 * of each ABI, pointing at the first rule of that syscall. */
struct sb_ruleset {
	int nmax[S_ABI_COUNT];      /* table sizes */
	int32_t *base[S_ABI_COUNT]; /* last unconditional rule, or -1 */
	int32_t *first[S_ABI_COUNT];/* first conditional rule after it, or -1 */
	int32_t *next;              /* next conditional rule, or -1 */
};

int sb_ruleset_build(const sandbox_policy_t *p, struct sb_ruleset *rs);
void sb_ruleset_free(struct sb_ruleset *rs);
/* The disposition that applies when no conditional rule matches. */
void sb_ruleset_base(const sandbox_policy_t *p, const struct sb_ruleset *rs,
                     int abi, long nr, int *disp, int *err);
/* Evaluate in user space exactly as the kernel filter would. */
int sb_ruleset_eval(const sandbox_policy_t *p, const struct sb_ruleset *rs,
                    int abi, long nr, const uint64_t args[6], pid_t self,
                    int *err);
/* Does libseccomp know syscall nr of this ABI? */
bool sb_syscall_known(int abi, long nr);
/* Highest syscall number (+1) of an ABI known to libseccomp. */
int sb_abi_nr_limit(int abi);
/* libseccomp architecture token of an ABI. */
uint32_t sb_abi_scmp_arch(int abi);

/* ------------------------------------------------------------------ filter */

/* Options that change how a policy is compiled for one run. */
struct sb_filter_opts {
	bool watch_memory; /* TRACE brk/mmap/mremap at exit (VSIZE quota) */
	pid_t self;        /* unused in the kernel filter (pid unknown before
	                    * fork): S_ARG_SELF_PID rules compile to TRACE */
};

/* Compile p into a BPF program (heap allocated, free with free()). Done in
 * the parent before fork so the child only has to call seccomp(2).
 * Returns 0 or -errno (-EINVAL when libseccomp refuses a rule). */
int sb_filter_compile(const sandbox_policy_t *p,
                      const struct sb_filter_opts *o,
                      struct sock_fprog *out);
/* Same result through a small process-wide cache keyed by the policy's
 * rules and defaults (filter_cache.c): what sandboxes call. */
int sb_filter_get(const sandbox_policy_t *p, const struct sb_filter_opts *o,
                  struct sock_fprog *out);

/* ------------------------------------------------------------------ sandbox */

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
};

/* capture.c: one captured stream (stdout or stderr). */
struct sb_capture {
	bool on;
	int dest_fd;            /* -1: no copy */
	sandbox_output_fn fn;
	void *data;
	/* per run */
	int rfd;                /* read end, nonblocking; -1 when closed */
	int64_t bytes;
	bool can_splice;        /* dest accepts splice(2) */
};

/* procfs.c: figures read at the exit stop */
struct sb_proc_exit {
	int64_t vm_peak, rss_peak, vm_size;
	uint64_t sig_pending; /* SigPnd | ShdPnd bitmask, bit (sig-1) */
	int64_t wchar;
};

struct sb_manager {
	pthread_t thread;
	bool started;
	int ctl_fd;    /* eventfd: wakes the manager (run start/stop/quit) */
	int sig_fd;    /* signalfd for SIGTERM/SIGINT/SIGQUIT, or -1 */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	/* Written by the tracer under lock, read by the manager. */
	bool quit;
	bool running;       /* a run is active: watch it */
	unsigned generation;/* bumps per run */
	int pidfd;          /* pidfd of the program for this run */
	pid_t pid;
	struct timespec start;  /* CLOCK_MONOTONIC at exec */
	bool acked;             /* manager saw the end of the run */
	/* Figures read by the manager just before it killed the program
	 * (a SIGKILLed program takes no exit stop). */
	bool have_px;
	struct sb_proc_exit px;
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
	struct sb_stdio stdio[3];
	struct sb_capture cap[3];   /* [1] stdout, [2] stderr; [0] unused */
	uint64_t quota[S_QUOTA_COUNT];
	int memory_mode;
	int mode;
	unsigned sample_usec;
	int affinity;
	sandbox_policy_t *policy;

	/* state */
	int status;
	sandbox_stat_t stat;
	const char *failed_step;

	/* compiled policy, cached until the policy or its options change */
	struct {
		bool valid;
		const sandbox_policy_t *policy;
		unsigned generation;
		bool watch_memory;
		struct sock_fprog prog;
		struct sb_ruleset rules;
	} compiled;

	/* per run, owned by the tracer thread */
	pid_t pid;
	bool in_callback;

	/* isolation (libsandbox/isolation.h): NULL when none is asked for */
	struct sb_iso *iso;
	/* diagnostics (libsandbox/diag.h): backtraces, ELF facts, profile */
	struct sb_diag *diag;

	/* shared with the manager thread */
	atomic_int kill_reason;  /* SB_KILL_* */
	atomic_int interrupt_sig;
	atomic_llong mem_sample_peak; /* RSS samples, bytes (RSS mode) */
	struct sb_manager mgr;
};

/* child.c: never returns. `errfd` is the close-on-exec pipe the parent
 * reads a struct sb_child_error from. */
struct sb_child_error {
	int err;      /* errno of the failing step */
	char step[24];
};
struct sb_child_plan {
	const sandbox_t *sb;
	int stdio_fd[3];       /* already opened by the parent, -1: inherit */
	int errfd;
	struct sock_fprog filter; /* .len 0: no filter (classic mode) */
	char *const *envp;
};
_Noreturn void sb_child_run(const struct sb_child_plan *plan);

/* capture.c: pipes made before fork (wfd[i] goes to the child's fd i),
 * copying during the run (manager, under mgr.lock), draining at the end
 * (tracer). sb_capture_copy returns false when the quota was exceeded. */
int sb_capture_open(sandbox_t *sb, int wfd[3]);
bool sb_capture_copy(sandbox_t *sb, int which);
void sb_capture_finish(sandbox_t *sb);
int64_t sb_capture_total(const sandbox_t *sb);

/* affinity.c: pin the calling (tracer) thread -- and so the child it
 * forks -- to one CPU for a run; undo restores the thread's mask. */
struct sb_pin {
	bool pinned;
	int cpu;
	cpu_set_t saved;
};
void sb_pin_begin(const sandbox_t *sb, struct sb_pin *pin);
void sb_pin_end(struct sb_pin *pin);

/* tracer.c */
int sb_trace_run(sandbox_t *sb);

/* manager.c */
int sb_manager_start(sandbox_t *sb);
void sb_manager_stop(sandbox_t *sb);
void sb_manager_begin_run(sandbox_t *sb, pid_t pid, int pidfd,
                          const struct timespec *t_exec);
void sb_manager_end_run(sandbox_t *sb);
void sb_registry_add(sandbox_t *sb);
void sb_registry_remove(sandbox_t *sb);

/* procfs.c: figures read at the exit stop (struct sb_proc_exit above) */
int sb_proc_read_exit(pid_t pid, struct sb_proc_exit *out);
int64_t sb_proc_rss(pid_t pid); /* current RSS bytes, or -errno */
int64_t sb_proc_vm_size(pid_t pid);
/* Is addr just below a grows-down mapping ([stack]) so that growing the
 * stack to reach it would need `*need` bytes more? */
bool sb_proc_stack_growth(pid_t pid, uint64_t addr, int64_t *need);

/* quota.c */
void sb_quota_apply_rlimits(const sandbox_t *sb); /* in the child */
int sb_verdict(sandbox_t *sb, int wstatus, const struct sb_proc_exit *px,
               bool have_px);

/* time helpers */
int64_t sb_ts_diff_us(const struct timespec *a, const struct timespec *b);
int64_t sb_tv_us(const struct timeval *tv);

#endif /* LIBSANDBOX_INTERNAL_H */
