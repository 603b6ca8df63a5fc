/*
 * Diagnostics: backtraces at the verdict, ELF facts before exec, profiles,
 * syscall text. Not installed.
 *
 *   backtrace.c  unwinding the stopped program (libunwind-ptrace, frame
 *                pointers as fallback) and symbolizing with libelf
 *   ehframe.c    a search table for .eh_frame without .eh_frame_hdr
 *                (static programs), so libunwind can use it
 *   elfinfo.c    inspecting argv[0] in sandbox_check()
 *   profile.c    the sb_diag object, syscall counts, the sampled time
 *                series (manager thread) and its SVG picture
 *   decode.c     sandbox_format_syscall()
 *
 * Threads: the tracer thread owns the backtrace and the syscall counts;
 * the manager thread owns the time series while a run is going on (it
 * touches it only under mgr.lock with mgr.running set); configuration
 * changes only between runs. sb->diag is allocated by sandbox_check() or
 * at the start of a run, never during one.
 */
#ifndef LIBSANDBOX_DIAG_H
#define LIBSANDBOX_DIAG_H

#include "core/core.h"

#define SB_DIAG_MAX_SAMPLES 4096
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

	/* time series (manager thread during a run) */
	int64_t start_ns;          /* exec, CLOCK_MONOTONIC */
	int64_t next_sample_ns;    /* 0: not started */
	sandbox_sample_t *samples;
	size_t nsamples;
	unsigned stride, skipped;  /* keep one sample in `stride` */
	bool header_done;
};

/* profile.c: the object */
struct sb_diag *sb_diag_get(sandbox_t *sb); /* allocate on first use */
void sb_diag_free(struct sb_diag *d);
/* Start of a run (before the manager watches it): clear the results and
 * allocate what the run needs. Never fails (diagnostics that cannot get
 * memory stay off). */
void sb_diag_begin_run(sandbox_t *sb);
/* sandbox_reset(): forget the results of the last run. */
void sb_diag_reset(sandbox_t *sb);

/* elfinfo.c: inspect argv[0] (resolved like check_program in api.c).
 * 0, or -ENOEXEC with sb->diag->msg set, or -ENOMEM. */
int sb_diag_check(sandbox_t *sb);

/* backtrace.c, tracer thread, program stopped. */
void sb_diag_backtrace(sandbox_t *sb, pid_t pid, unsigned reason, int sig);
/* At RF (from end_with). */
static inline void sb_diag_on_rf(sandbox_t *sb, pid_t pid)
{
	if (sb->diag && (sb->diag->bt_when & S_BT_RF))
		sb_diag_backtrace(sb, pid, S_BT_RF, 0);
}
/* At a signal-delivery-stop: backtrace when `sig` is fatal to it. */
void sb_diag_on_signal(sandbox_t *sb, pid_t pid, int sig);
/* After a policy callback answered `type` with S_ACTION_FLAG_BACKTRACE:
 * takes the backtrace, returns the type without the flag. */
int sb_diag_on_marked(sandbox_t *sb, pid_t pid, int type);

/* profile.c, tracer thread: a syscall stop was taken (entry or exit), the
 * syscall is `sc` (entry: counted), the program is resumed. */
void sb_diag_sys_stop(sandbox_t *sb);
void sb_diag_sys_entry(sandbox_t *sb, const sandbox_syscall_t *sc);
void sb_diag_sys_resume(sandbox_t *sb);
static inline bool sb_diag_profiling(const sandbox_t *sb)
{
	return sb->diag && sb->diag->prof_syscalls;
}

/* profile.c, manager thread under mgr.lock while running: take a sample
 * when due; returns the next wake-up (absolute ns), at most `next`. */
int64_t sb_diag_tick(sandbox_t *sb, int64_t now_ns, int64_t next);

/* ehframe.c: the {pc_begin, FDE} pairs of e's .eh_frame (ELF virtual
 * addresses as int32, sorted: the .eh_frame_hdr table layout), malloc'ed
 * into *out. Returns the number of pairs (0: none) or -ENOMEM. */
struct Elf;
ssize_t sb_ehframe_table(struct Elf *e, int32_t **out);

/* shared helpers */
bool sb_elf_ready(void); /* elf_version() done once; false: no libelf */
int64_t sb_diag_now_ns(void);
/* Write all of buf to fd (EINTR and short writes handled). 0 or -errno. */
int sb_diag_write_all(int fd, const char *buf, size_t len);

#endif /* LIBSANDBOX_DIAG_H */
