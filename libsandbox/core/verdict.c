/*
 * The verdict: the one place that writes the result of a run. Other parts
 * report facts to it -- a verdict reached during the run (the tracer at a
 * syscall or a signal, the output copier past the quota), a supervisor
 * error, the wait status and figures at the end, what the run's isolation
 * saw -- and it alone decides, by a fixed precedence (sb_verdict()).
 */
#include "config.h"
#include "core/core.h"

#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>

static void set_quota_result(sandbox_t *sb, int result, int quota)
{
	sb->stat.result = result;
	sb->stat.quota_exceeded = quota;
}

void sb_verdict_clear(sandbox_t *sb)
{
	sandbox_stat_t *st = &sb->stat;

	memset(st, 0, sizeof(*st));
	st->result = S_RESULT_PD;
	st->exit_code = -1;
	st->quota_exceeded = -1;
	st->cpu_time_us = st->user_time_us = st->sys_time_us = -1;
	st->wall_time_us = st->memory_peak = st->vm_peak = st->rss_peak = -1;
	st->minor_faults = st->major_faults = st->output_bytes = -1;
	st->cpu = -1;
	st->csw_voluntary = st->csw_forced = -1;
	st->memory_refused_bytes = -1;
	st->memory_refused_by = S_MEMREQ_NONE;
	sb->refused_peak = -1;
	sb->stack_overflow = false;
	sb->delivered_sig = 0;
	sb->setup_killed = false;
	st->box_id = -1;
	st->uid = st->gid = -1;
	st->supervisor_cpu_us = -1;
	st->tasks_quota = -1;
	st->cpu_charged_us = -1;
}

/* The si_code of the killing signal, when the tracer delivered it. */
static void note_signal_code(sandbox_t *sb)
{
	sandbox_stat_t *st = &sb->stat;

	st->has_signal_code = st->signal > 0 && st->signal == sb->delivered_sig;
	st->signal_code = st->has_signal_code ? sb->delivered_code : 0;
}

void sb_verdict_begin(sandbox_t *sb)
{
	sb_verdict_clear(sb);
	sb->stat.mode = sb->mode;
	sb->stat.memory_mode = sb->memory_mode;
	/* The task quota asked for, else the default cap of a policy that
	 * lets the program create tasks (a thread or fork bomb ends RF at
	 * once, never flooding the tracer until the wall quota). */
	uint64_t tasks = sb->quota[S_QUOTA_TASKS];
	if (tasks == SANDBOX_UNLIMITED &&
	    (sb->compiled.tasks & (SB_TASKS_THREADS | SB_TASKS_PROCESSES)))
		tasks = SANDBOX_DEFAULT_TASKS;
	sb->stat.tasks_quota = tasks == SANDBOX_UNLIMITED ? -1 : (int64_t)tasks;
}

bool sb_verdict_during(sandbox_t *sb, int result, int quota)
{
	if (sb->stat.result != S_RESULT_PD)
		return false;
	if (quota >= 0)
		set_quota_result(sb, result, quota);
	else
		sb->stat.result = result;
	return true;
}

void sb_verdict_output_relayed(sandbox_t *sb)
{
	switch (sb->stat.result) {
	case S_RESULT_OK: case S_RESULT_AT: case S_RESULT_RT: case S_RESULT_TL:
		set_quota_result(sb, S_RESULT_OL, S_QUOTA_DISK);
		sb->stat.tl_limit = S_TL_NONE;
		return;
	default:
		return;
	}
}

void sb_verdict_internal(sandbox_t *sb)
{
	sb->stat.result = S_RESULT_IE;
}

/* Did the interruption (its kill was sent: SB_KILL_INTERRUPT) end the
 * run? Yes when its kill ended the program -- an end by SIGKILL -- or
 * when it ended the run whatever the program did (interrupt_ended: before
 * exec; the captured output cut short). A program that had ended on its
 * own before the kill reached it -- exited, or killed by a signal of its
 * own -- is judged by that end, as if no interruption had come: the
 * kernel decides which came first, not which supervisor thread looked
 * first (py17: an interruption racing the program's exit was IE or OK
 * by that race; sandbox.h, sandbox_interrupt). */
static bool interruption_ended(const sandbox_t *sb, int wstatus)
{
	return sb->interrupt_ended ||
	       (WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGKILL);
}

/* Decide the result once the program is gone. Precedence: an interruption
 * of the supervisor; a verdict the run already reached (RF, BP, ML found at
 * a syscall, OL at SIGXFSZ, a policy FINI); then quotas judged on the
 * final figures (memory, output, CPU, wall); then how the program ended. */
int sb_verdict(sandbox_t *sb, int wstatus, const struct sb_proc_exit *px,
               bool have_px)
{
	sandbox_stat_t *st = &sb->stat;
	int reason = atomic_load(&sb->kill_reason);

	/* What the CPU quota charges: the program's time and the tracer's
	 * for it (stat.cpu_charged_us, the figure reports judge by). */
	if (st->cpu_time_us >= 0)
		st->cpu_charged_us = st->cpu_time_us + (st->supervisor_cpu_us > 0
		                                        ? st->supervisor_cpu_us : 0);
	if (WIFEXITED(wstatus)) {
		st->exit_code = WEXITSTATUS(wstatus);
		st->signal = 0;
	} else if (WIFSIGNALED(wstatus)) {
		st->exit_code = -1;
		st->signal = WTERMSIG(wstatus);
		note_signal_code(sb);
	}
	if (reason == SB_KILL_INTERRUPT && interruption_ended(sb, wstatus)) {
		st->interrupted = atomic_load(&sb->interrupt_sig);
		st->result = S_RESULT_IE;
		return 0;
	}
	if (st->result != S_RESULT_PD)
		return 0;

	uint64_t mq = sb->quota[S_QUOTA_MEMORY];
	if (reason == SB_KILL_MEMORY ||
	    (mq != SANDBOX_UNLIMITED && st->memory_peak > (int64_t)mq)) {
		set_quota_result(sb, S_RESULT_ML, S_QUOTA_MEMORY);
		return 0;
	}
	uint64_t dq = sb->quota[S_QUOTA_DISK];
	if (reason == SB_KILL_OUTPUT ||
	    (dq != SANDBOX_UNLIMITED &&
	     sb->stream_bytes > (int64_t)dq)) {
		/* stdout and stderr count together, captured or files */
		set_quota_result(sb, S_RESULT_OL, S_QUOTA_DISK);
		return 0;
	}
	if (have_px && (px->sig_pending & (1ULL << (SIGXFSZ - 1))) &&
	    sb->quota[S_QUOTA_DISK] != SANDBOX_UNLIMITED) {
		set_quota_result(sb, S_RESULT_OL, S_QUOTA_DISK);
		return 0;
	}
	uint64_t cq = sb->quota[S_QUOTA_CPU];
	if (reason == SB_KILL_CPU ||
	    (cq != SANDBOX_UNLIMITED && st->cpu_charged_us > (int64_t)(cq * 1000))) {
		set_quota_result(sb, S_RESULT_TL, S_QUOTA_CPU);
		st->tl_limit = S_TL_CPU;
		return 0;
	}
	uint64_t wq = sb->quota[S_QUOTA_WALLCLOCK];
	if (reason == SB_KILL_WALL ||
	    (wq != SANDBOX_UNLIMITED && st->wall_time_us > (int64_t)(wq * 1000))) {
		set_quota_result(sb, S_RESULT_TL, S_QUOTA_WALLCLOCK);
		st->tl_limit = S_TL_WALL;
		return 0;
	}
	if (WIFSIGNALED(wstatus)) {
		/* SIGXCPU / SIGKILL at the RLIMIT_CPU backstop is a CPU TL. */
		if ((st->signal == SIGXCPU || st->signal == SIGKILL) &&
		    cq != SANDBOX_UNLIMITED && st->cpu_time_us >= (int64_t)(cq * 1000)) {
			set_quota_result(sb, S_RESULT_TL, S_QUOTA_CPU);
			st->tl_limit = S_TL_CPU;
		} else if (st->signal == SIGXFSZ &&
		           sb->quota[S_QUOTA_DISK] != SANDBOX_UNLIMITED) {
			set_quota_result(sb, S_RESULT_OL, S_QUOTA_DISK);
		} else {
			st->result = S_RESULT_RT;
			/* The stack outgrew its limit (within the memory quota). */
			if (st->signal == SIGSEGV && sb->stack_overflow)
				st->quota_exceeded = S_QUOTA_STACK;
		}
		return 0;
	}
	st->result = st->exit_code == 0 ? S_RESULT_OK : S_RESULT_AT;
	return 0;
}

void sb_verdict_isolation(sandbox_t *sb, const struct sb_iso_facts *f)
{
	sandbox_stat_t *st = &sb->stat;

	if (f->init_signal && st->result == S_RESULT_RT &&
	    st->signal == SIGKILL) {
		st->signal = f->init_signal;
		sb->iso->stat.init_signal = f->init_signal;
		note_signal_code(sb);
	}
	/* An OOM kill in the run's own group is ML, whatever the program
	 * did (it was killed by the kernel, or lost a child). */
	if (f->oom_kills > 0 && (st->result == S_RESULT_RT ||
	                         st->result == S_RESULT_OK ||
	                         st->result == S_RESULT_AT)) {
		st->result = S_RESULT_ML;
		st->quota_exceeded = S_QUOTA_MEMORY;
	}
	/* The box's files took more than the quota that bounds them: OL
	 * (the disk quota) or ML (the memory quota), whatever the program
	 * did when the space ran out. */
	bool judged = st->result == S_RESULT_RT || st->result == S_RESULT_OK ||
	              st->result == S_RESULT_AT;
	if (f->space_over_quota >= 0 && judged) {
		st->result = f->space_over_quota == S_QUOTA_DISK ? S_RESULT_OL
		                                                 : S_RESULT_ML;
		st->quota_exceeded = f->space_over_quota;
		return;
	}
	/* One output budget: the streams and the files it kept there (at
	 * their most) together, not the quota once for each (review-box2
	 * C2). A name removed before the streams grew still counts: the
	 * quota bounds what it wrote, not what was there at one moment. */
	uint64_t dq = sb->quota[S_QUOTA_DISK];
	if (dq != SANDBOX_UNLIMITED && f->space_peak >= 0 && judged &&
	    sb->stream_bytes + f->space_peak > (int64_t)dq)
		set_quota_result(sb, S_RESULT_OL, S_QUOTA_DISK);
}

void sb_verdict_memory_refused(sandbox_t *sb, int by, int64_t bytes,
                               int64_t peak, const sandbox_syscall_t *sc)
{
	sandbox_stat_t *st = &sb->stat;

	if (st->result != S_RESULT_PD)
		return;
	set_quota_result(sb, S_RESULT_ML, S_QUOTA_MEMORY);
	if (sc) {
		st->has_syscall = true;
		st->syscall = *sc;
	}
	st->memory_refused_bytes = bytes;
	st->memory_refused_by = by;
	sb->refused_peak = peak;
}

void sb_verdict_stack_overflow(sandbox_t *sb)
{
	sb->stack_overflow = true;
}
