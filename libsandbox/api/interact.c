/*
 * Public entry points of interactive judging (sandbox.h, "Interactive
 * judging"): the interaction object, and one run of a program wired to an
 * interactor. The plumbing is core/relay.c, the verdict core/combine.c;
 * this file checks the arguments, starts the two sides -- the program in
 * the calling thread (its tracer), a sandboxed interactor in a thread of
 * its own (its tracer), a command interactor as a plain child of the
 * relay's thread (util/spawn.c) -- waits for both, and puts the figures together.
 */
#include "config.h"
#include "api/api.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct sandbox_interaction {
	sandbox_t *isb;        /* a sandboxed interactor, or NULL */
	char **argv, **envp;   /* a command interactor (envp NULL: inherit) */
	uint64_t wall_ms;
	int log_fd;
	bool running;
	const char *failed_step;
	sandbox_interaction_stat_t stat;
};

/* ------------------------------------------------------------ the object */

static void clear_stat(sandbox_interaction_stat_t *st)
{
	memset(st, 0, sizeof(*st));
	st->verdict = S_VERDICT_PD;
	st->decided_by = -1;
	st->interactor_result = S_RESULT_PD;
	st->interactor_exit_code = -1;
	st->interactor_cpu_time_us = st->interactor_wall_time_us = -1;
	st->interactor_memory_peak = -1;
	st->points = -1;
	st->message_bytes = -1;
	st->to_interactor_bytes = st->to_interactor_discarded = -1;
	st->to_program_bytes = st->to_program_discarded = -1;
	st->log_bytes = -1;
}

SB_EXPORT sandbox_interaction_t *sandbox_interaction_new(void)
{
	sandbox_interaction_t *ia = calloc(1, sizeof(*ia));
	if (!ia) {
		errno = ENOMEM;
		return NULL;
	}
	ia->log_fd = -1;
	ia->wall_ms = SANDBOX_UNLIMITED;
	clear_stat(&ia->stat);
	return ia;
}

SB_EXPORT void sandbox_interaction_destroy(sandbox_interaction_t *ia)
{
	if (!ia)
		return;
	sb_strv_free(ia->argv);
	sb_strv_free(ia->envp);
	free(ia);
}

SB_EXPORT int sandbox_interaction_set_interactor(sandbox_interaction_t *ia,
                                                 sandbox_t *isb)
{
	if (!ia || !isb)
		return -EINVAL;
	if (ia->running)
		return -EBUSY;
	sb_strv_free(ia->argv);
	sb_strv_free(ia->envp);
	ia->argv = ia->envp = NULL;
	ia->isb = isb;
	return 0;
}

SB_EXPORT int sandbox_interaction_set_command(sandbox_interaction_t *ia,
                                              const char *const argv[],
                                              const char *const envp[],
                                              uint64_t wall_ms)
{
	char **a = NULL, **e = NULL;

	if (!ia || !argv || !argv[0] || !argv[0][0] || wall_ms == 0)
		return -EINVAL;
	if (ia->running)
		return -EBUSY;
	if (sb_strv_dup(argv, false, &a) < 0 ||
	    (envp && sb_strv_dup(envp, false, &e) < 0)) {
		sb_strv_free(a);
		return -ENOMEM;
	}
	sb_strv_free(ia->argv);
	sb_strv_free(ia->envp);
	ia->argv = a;
	ia->envp = e;
	ia->wall_ms = wall_ms;
	ia->isb = NULL;
	return 0;
}

SB_EXPORT int sandbox_interaction_set_log(sandbox_interaction_t *ia, int fd)
{
	if (!ia || fd < -1 || (fd >= 0 && fcntl(fd, F_GETFD) < 0))
		return -EINVAL;
	if (ia->running)
		return -EBUSY;
	ia->log_fd = fd;
	return 0;
}

SB_EXPORT const char *sandbox_interaction_failed_step(
	const sandbox_interaction_t *ia)
{
	return ia ? ia->failed_step : NULL;
}

SB_EXPORT int sandbox_interaction_get_stat(const sandbox_interaction_t *ia,
                                           sandbox_interaction_stat_t *st,
                                           size_t size)
{
	if (!ia || !st || size == 0)
		return -EINVAL;
	memcpy(st, &ia->stat, size < sizeof(*st) ? size : sizeof(*st));
	return 0;
}

/* ------------------------------------------------------------ one run */

/* What a run shares with its threads and the relay's calls back. */
struct run {
	sandbox_interaction_t *ia;
	sandbox_t *program;
	struct sb_relay *relay;
	int ends[2][3];          /* the children's ends (relay.c) */
	pthread_t thread;        /* a sandboxed interactor's */
	bool thread_started;
	int interactor_rc;
	int program_rc;
};

static void program_forked(void *data, pid_t pid, int pidfd)
{
	struct run *r = data;
	sb_relay_forked(r->relay, S_SIDE_PROGRAM, pid, pidfd);
}

static void interactor_forked(void *data, pid_t pid, int pidfd)
{
	struct run *r = data;
	sb_relay_forked(r->relay, S_SIDE_INTERACTOR, pid, pidfd);
}

static void program_wall_kill(void *data)
{
	struct run *r = data;
	sb_relay_sample(r->relay);
}

/* Hand a side's ends to its sandbox for one run. */
static void link_sandbox(sandbox_t *sb, struct run *r, int side,
                         void (*forked)(void *, pid_t, int))
{
	for (int i = 0; i < 3; i++) {
		sb->link.stdio_fd[i] = r->ends[side][i];
		r->ends[side][i] = -1;
	}
	sb->link.forked = forked;
	sb->link.wall_kill = side == S_SIDE_PROGRAM ? program_wall_kill : NULL;
	sb->link.data = r;
	atomic_store(&sb->link.output_over, false);
}

/* After the run: close what it did not take, forget the link. */
static void unlink_sandbox(sandbox_t *sb)
{
	for (int i = 0; i < 3; i++) {
		if (sb->link.stdio_fd[i] >= 0)
			close(sb->link.stdio_fd[i]);
		sb->link.stdio_fd[i] = -1;
	}
	sb->link.forked = NULL;
	sb->link.wall_kill = NULL;
	sb->link.data = NULL;
	atomic_store(&sb->link.output_over, false);
}

static void *interactor_main(void *arg)
{
	struct run *r = arg;
	r->interactor_rc = sandbox_execute(r->ia->isb);
	unlink_sandbox(r->ia->isb);
	sb_relay_done(r->relay, S_SIDE_INTERACTOR);
	return NULL;
}

/* Start the interactor: its thread, or the plain child. */
static int start_interactor(struct run *r)
{
	sandbox_interaction_t *ia = r->ia;
	int rc, step;

	if (ia->isb) {
		link_sandbox(ia->isb, r, S_SIDE_INTERACTOR, interactor_forked);
		/* The caller's signal mask: the thread's sandbox listens to the
		 * supervisor signals the caller blocks, as any sandbox does. */
		rc = pthread_create(&r->thread, NULL, interactor_main, r);
		if (rc != 0) {
			unlink_sandbox(ia->isb);
			return -rc;
		}
		r->thread_started = true;
		return 0;
	}
	/* From the relay's thread: a child of ours would be our tracer's. */
	rc = sb_relay_spawn(r->relay, ia->argv, ia->envp,
	                    r->ends[S_SIDE_INTERACTOR], ia->wall_ms, &step);
	if (rc < 0) {
		ia->failed_step = sb_step_name(step != SB_STEP_UNKNOWN
		                               ? step : SB_STEP_SUPERVISOR);
		return rc;
	}
	for (int i = 0; i < 3; i++) {
		close(r->ends[S_SIDE_INTERACTOR][i]);
		r->ends[S_SIDE_INTERACTOR][i] = -1;
	}
	return 0;
}

/* The interactor's end, for the figures: its sandbox's, or the plain
 * child's wait status. */
static void interactor_figures(struct run *r, const struct sb_relay_stat *rs,
                               sandbox_interaction_stat_t *st)
{
	sandbox_interaction_t *ia = r->ia;

	st->interactor_error = r->interactor_rc < 0 ? r->interactor_rc : 0;
	if (ia->isb) {
		const sandbox_stat_t *is = &ia->isb->stat;
		if (r->interactor_rc < 0)
			return;
		st->interactor_result = is->result;
		st->interactor_exit_code = is->signal ? -1 : is->exit_code;
		st->interactor_signal = is->signal;
		st->interactor_cpu_time_us = is->cpu_time_us;
		st->interactor_wall_time_us = is->wall_time_us;
		st->interactor_memory_peak = is->rss_peak;
		return;
	}
	if (!rs->reaped)
		return;
	int ws = rs->wstatus;
	if (WIFEXITED(ws)) {
		st->interactor_exit_code = WEXITSTATUS(ws);
		st->interactor_result = WEXITSTATUS(ws) ? S_RESULT_AT : S_RESULT_OK;
	} else if (WIFSIGNALED(ws)) {
		st->interactor_signal = WTERMSIG(ws);
		st->interactor_result = S_RESULT_RT;
	}
	if (rs->deadline_killed)
		st->interactor_result = S_RESULT_TL;
	if (rs->stopped)
		st->interactor_result = S_RESULT_IE;
	st->interactor_cpu_time_us = rs->cpu_us;
	st->interactor_wall_time_us = rs->wall_us;
	st->interactor_memory_peak = rs->rss_peak;
}

/* Everything known after both sides ended. */
static void put_together(struct run *r, const struct sb_relay_stat *rs)
{
	sandbox_interaction_stat_t *st = &r->ia->stat;
	const sandbox_stat_t *ps = &r->program->stat;
	sandbox_t *isb = r->ia->isb;

	uint64_t oq = r->program->quota[S_QUOTA_DISK];
	if (r->program_rc == 0 && oq != SANDBOX_UNLIMITED &&
	    rs->read[S_SIDE_PROGRAM] > (int64_t)oq)
		sb_verdict_output_relayed(r->program);
	interactor_figures(r, rs, st);
	st->program_first = rs->ended_before_told[S_SIDE_PROGRAM] ||
	                    !rs->told[S_SIDE_PROGRAM];
	st->idle = rs->idle;
	st->program_wait = rs->wait[S_SIDE_PROGRAM];
	st->interactor_wait = rs->wait[S_SIDE_INTERACTOR];
	memcpy(st->message, rs->message, sizeof(st->message));
	st->message_bytes = rs->message_bytes;
	st->points = sb_combine_points(st->message);
	st->to_interactor_bytes = rs->delivered[S_SIDE_PROGRAM];
	st->to_interactor_discarded = rs->read[S_SIDE_PROGRAM] -
	                              rs->delivered[S_SIDE_PROGRAM];
	st->to_program_bytes = rs->delivered[S_SIDE_INTERACTOR];
	st->to_program_discarded = rs->read[S_SIDE_INTERACTOR] -
	                           rs->delivered[S_SIDE_INTERACTOR];
	st->log_bytes = rs->log_bytes;
	st->log_truncated = rs->log_truncated;

	struct sb_combine_in in = {
		.program_rc = r->program_rc,
		.program = ps,
		.program_first = st->program_first,
		.idle = st->idle,
		.interactor_rc = r->interactor_rc,
		.interactor_result = st->interactor_result,
		.interactor_exit_code = st->interactor_exit_code,
		/* stopped: by an interruption, or because the program could
		 * not start (no verdict either way: PD wins then). */
		.interrupted = rs->interrupted ||
		               (rs->stopped && r->program_rc == 0) ||
		               (r->program_rc == 0 && ps->interrupted) ||
		               (isb && r->interactor_rc == 0 &&
		                isb->stat.interrupted),
	};
	sb_combine(&in, st);
	if (st->verdict != S_VERDICT_PT)
		st->points = -1;
}

/* Both sandboxes can start: checked, neither running nor finished. */
static int check_sides(sandbox_interaction_t *ia, sandbox_t *program)
{
	sandbox_t *sbs[2] = { program, ia->isb };
	int rc;

	for (int i = 0; i < 2; i++) {
		sandbox_t *sb = sbs[i];
		if (!sb)
			continue;
		if (sb->status == S_STATUS_EXE || sb->status == S_STATUS_BLK)
			return -EBUSY;
		if (sb->status == S_STATUS_FIN)
			return -EALREADY;
		if ((rc = sandbox_check(sb)) < 0)
			return rc;
	}
	return 0;
}

SB_EXPORT int sandbox_interaction_run(sandbox_interaction_t *ia,
                                      sandbox_t *program)
{
	struct run r = { .ia = ia, .program = program };
	struct sb_relay_stat rs;
	int rc;

	if (!ia || !program || (!ia->isb && !ia->argv) || ia->isb == program)
		return -EINVAL;
	if (ia->running)
		return -EBUSY;
	clear_stat(&ia->stat);
	ia->failed_step = NULL;
	if ((rc = check_sides(ia, program)) < 0)
		return rc;
	const struct sb_relay_config cfg = {
		.log_fd = ia->log_fd, .sb = { program, ia->isb },
	};
	if ((rc = sb_relay_new(&cfg, &r.relay, r.ends)) < 0)
		return rc;
	ia->running = true;
	if ((rc = sb_relay_start(r.relay)) < 0 ||
	    (rc = start_interactor(&r)) < 0)
		goto fail;

	link_sandbox(program, &r, S_SIDE_PROGRAM, program_forked);
	r.program_rc = sandbox_execute(program);
	unlink_sandbox(program);
	/* The program could not start: there is no verdict to wait for, and
	 * the interactor may never end by itself. */
	if (r.program_rc < 0)
		sb_relay_stop(r.relay);
	sb_relay_done(r.relay, S_SIDE_PROGRAM);
	if (r.thread_started)
		pthread_join(r.thread, NULL);
	sb_relay_finish(r.relay, &rs);
	put_together(&r, &rs);
	sb_relay_free(r.relay);
	ia->running = false;
	return r.program_rc < 0 ? r.program_rc : 0;
fail:
	/* Nothing ran: the relay thread (if any) is told both sides are
	 * done and stops. */
	sb_relay_done(r.relay, S_SIDE_PROGRAM);
	sb_relay_done(r.relay, S_SIDE_INTERACTOR);
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 3; j++)
			if (r.ends[i][j] >= 0)
				close(r.ends[i][j]);
	sb_relay_free(r.relay);
	ia->running = false;
	return rc;
}
