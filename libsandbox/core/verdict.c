/*
 * Quotas: the rlimits that enforce them in the child, and the verdict that
 * turns what was measured into a result.
 */
#include "config.h"
#include "core/core.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>

static void set_limit(int res, uint64_t v)
{
	struct rlimit rl = { .rlim_cur = v, .rlim_max = v };
	(void)setrlimit(res, &rl);
}

/* Runs in the child just before exec: async-signal-safe calls only. */
void sb_quota_apply_rlimits(const sandbox_t *sb)
{
	set_limit(RLIMIT_CORE, 0);
	if (sb->quota[S_QUOTA_CPU] != SANDBOX_UNLIMITED) {
		/* A backstop only: the manager thread enforces the quota to the
		 * millisecond; RLIMIT_CPU (whole seconds) ends a program the
		 * supervisor could not stop, one second after the quota. */
		uint64_t s = (sb->quota[S_QUOTA_CPU] + 999) / 1000 + 1;
		struct rlimit rl = { .rlim_cur = s, .rlim_max = s + 1 };
		(void)setrlimit(RLIMIT_CPU, &rl);
	}
	if (sb->quota[S_QUOTA_MEMORY] != SANDBOX_UNLIMITED) {
		uint64_t m = sb->quota[S_QUOTA_MEMORY];
		if (sb->memory_mode == S_MEMORY_VSIZE)
			set_limit(RLIMIT_AS, m);
		/* The stack may use the whole quota, no more. */
		set_limit(RLIMIT_STACK, m);
	}
	if (sb->quota[S_QUOTA_DISK] != SANDBOX_UNLIMITED)
		set_limit(RLIMIT_FSIZE, sb->quota[S_QUOTA_DISK]);
}

static void set_quota_result(sandbox_t *sb, int result, int quota)
{
	sb->stat.result = result;
	sb->stat.quota_exceeded = quota;
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

	if (WIFEXITED(wstatus)) {
		st->exit_code = WEXITSTATUS(wstatus);
		st->signal = 0;
	} else if (WIFSIGNALED(wstatus)) {
		st->exit_code = -1;
		st->signal = WTERMSIG(wstatus);
	}
	if (reason == SB_KILL_INTERRUPT) {
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
	if (reason == SB_KILL_OUTPUT) {
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
	    (cq != SANDBOX_UNLIMITED && st->cpu_time_us > (int64_t)(cq * 1000))) {
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
