/*
 * diag/: backtraces at the verdict, ELF facts before exec, profiles,
 * syscall text. Not installed. Below the engine: these functions get the
 * struct sb_diag and the facts they need (a pid, a path), never a sandbox.
 *
 *   backtrace.c  unwinding the stopped program (libunwind-ptrace, frame
 *                pointers as fallback) and symbolizing with libelf
 *   ehframe.c    a search table for .eh_frame without .eh_frame_hdr
 *                (static programs), so libunwind can use it
 *   elfinfo.c    inspecting argv[0] in sandbox_check()
 *   profile.c    the sb_diag object, syscall counts, the sampled time
 *                series (manager thread)
 *   decode.c     sandbox_format_syscall()
 *
 * Threads: the tracer thread owns the backtrace and the syscall counts;
 * the manager thread owns the time series while a run is going on (it
 * touches it only under mgr.lock with mgr.running set); configuration
 * changes only between runs. The engine allocates its sb_diag in
 * sandbox_check() or at the start of a run, never during one.
 */
#ifndef LIBSANDBOX_DIAG_H
#define LIBSANDBOX_DIAG_H

#include "util/util.h"

#define SB_DIAG_MAX_SAMPLES 4096
#define SB_DIAG_MAX_TASKS 1024
#define SB_DIAG_MSG_MAX 256

/* One syscall's counters. */
struct sb_sysprof {
	uint64_t count;
	uint64_t ns;
};

struct sb_diag {
	/* configuration */
	unsigned bt_when;          /* S_BT_* */
	unsigned prof_interval_us; /* 0: no time series */
	int prof_fd;               /* -1: keep samples in memory only */
	unsigned prof_flags;       /* SANDBOX_PROFILE_* */
	bool prof_syscalls;        /* the hot-path switch */

	/* ELF facts of argv[0] (elfinfo.c) */
	bool have_bin;
	sandbox_binary_info_t bin;
	bool have_msg;
	char msg[SB_DIAG_MSG_MAX];

	/* the last backtrace (backtrace.c) */
	sandbox_backtrace_info_t bt;
	sandbox_frame_t *frames;   /* SANDBOX_BACKTRACE_MAX, from the first */

	/* syscall counts of the run (tracer thread) */
	struct sb_sysprof *sys[S_ABI_COUNT];
	int sys_n[S_ABI_COUNT];
	struct sb_sysprof *cur;    /* the syscall being stopped at */
	int64_t t_stop;            /* ns when the tracer took the stop, or 0 */
	bool all_syscalls;
	/* syscalls per task, each entered when it ends (tracer thread) */
	sandbox_task_count_t *tasks; /* SB_DIAG_MAX_TASKS */
	size_t ntasks;
	uint64_t tasks_dropped;    /* tasks past the table, not listed */

	/* time series (manager thread during a run) */
	int64_t start_ns;          /* exec, CLOCK_MONOTONIC */
	int64_t next_sample_ns;    /* 0: not started */
	sandbox_sample_t *samples;
	size_t nsamples;
	unsigned stride, skipped;  /* keep one sample in `stride` */
	bool header_done;
};

/* profile.c: the object (defaults set; NULL on ENOMEM) */
struct sb_diag *sb_diag_new(void);
void sb_diag_free(struct sb_diag *d);
/* Start of a run (before the manager watches it): clear the results and
 * allocate what the run needs. Never fails (diagnostics that cannot get
 * memory stay off). */
void sb_diag_begin_run(struct sb_diag *d, bool classic);
/* sandbox_reset(): forget the results of the last run (NULL is fine). */
void sb_diag_reset(struct sb_diag *d);

/* elfinfo.c: inspect argv0 as the supervisor sees it (under root, then
 * workdir for a relative path; both may be NULL). abis_allowed has bit
 * (1 << abi) for each ABI whose syscalls the policy can let run.
 * 0, or -ENOEXEC with d->msg set, or -ENOMEM. */
int sb_diag_check(struct sb_diag *d, const char *argv0, const char *root,
                  const char *workdir, unsigned abis_allowed);

/* backtrace.c, tracer thread, program stopped (d may be NULL). */
void sb_diag_backtrace(struct sb_diag *d, pid_t pid, unsigned reason, int sig);
/* At RF (from end_with). */
static inline void sb_diag_on_rf(struct sb_diag *d, pid_t pid)
{
	if (d && (d->bt_when & S_BT_RF))
		sb_diag_backtrace(d, pid, S_BT_RF, 0);
}
/* At a signal-delivery-stop: backtrace when `sig` is fatal to it. */
void sb_diag_on_signal(struct sb_diag *d, pid_t pid, int sig);
/* After a policy callback answered `type` with S_ACTION_FLAG_BACKTRACE:
 * takes the backtrace, returns the type without the flag. */
int sb_diag_on_marked(struct sb_diag *d, pid_t pid, int type);

/* profile.c, tracer thread: a syscall stop was taken (entry or exit), the
 * syscall is `sc` (entry: counted), the program is resumed. */
void sb_diag_sys_stop(struct sb_diag *d);
void sb_diag_sys_entry(struct sb_diag *d, const sandbox_syscall_t *sc);
void sb_diag_sys_resume(struct sb_diag *d);
/* A task of the program ended (or the run did) after `syscalls` syscall
 * entries seen: its line of the per-task profile. */
void sb_diag_task_end(struct sb_diag *d, pid_t tid, pid_t tgid,
                      uint64_t syscalls);
static inline bool sb_diag_profiling(const struct sb_diag *d)
{
	return d && d->prof_syscalls;
}

/* profile.c, manager thread under mgr.lock while running: take a sample
 * of process pid (exec at start_ns) when due; returns the next wake-up
 * (absolute ns), at most `next`. */
int64_t sb_diag_tick(struct sb_diag *d, pid_t pid, int64_t start_ns,
                     int64_t now_ns, int64_t next);

/* decode.c: sandbox_format_syscall(); paths and buffers are read from
 * process mem_pid (<= 0: never). */
size_t sb_diag_format_syscall(const sandbox_event_t *ev, pid_t mem_pid,
                              char *buf, size_t len, int flags);

/* ehframe.c (libelf loaded: sb_libelf()): the {pc_begin, FDE} pairs of e's .eh_frame (ELF virtual
 * addresses as int32, sorted: the .eh_frame_hdr table layout), malloc'ed
 * into *out. Returns the number of pairs (0: none) or -ENOMEM. */
struct Elf;
ssize_t sb_ehframe_table(struct Elf *e, int32_t **out);

/* elfinfo.c: the address-space requests execve makes to load the ELF
 * file open at fd (fs/binfmt_elf.c), in its order, each the number of
 * bytes it adds (pages already mapped by an earlier request not counted):
 * for a position-independent file (ET_DYN), the span of its PT_LOAD
 * segments, reserved at once; for a fixed one (ET_EXEC), each segment's
 * file pages, then its zero-filled tail (.bss). At most max of them.
 * interp (when len > 0) receives PT_INTERP, "" when there is none.
 * Returns the number of requests, or -ENOEXEC (not a loadable ELF file). */
#define SB_ELF_MAX_REQUESTS 32
ssize_t sb_elf_load_requests(int fd, uint64_t *req, size_t max, char *interp,
                             size_t len);
/* elfinfo.c: the interpreter the kernel loads for the file at `path`
 * (host view) into buf: 1 its ELF PT_INTERP, 2 the first word of its #!
 * line, 0 none (static, or not a program), -errno when it cannot be
 * read. */
int sb_diag_interpreter(const char *path, char *buf, size_t len);


#endif /* LIBSANDBOX_DIAG_H */
