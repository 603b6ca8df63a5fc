/*
 * Deciding one event: the policy's layers in their order (policy.h), then
 * the observers, which see the event and the decision without deciding.
 * The tracer applies what is decided here; the verdict module
 * (verdict.c) turns what ended the run into a result.
 *
 *   syscall entry: 1. the rule table (the compiled lookup, exactly what the
 *                     kernel filter does; 2., the file rules, are the
 *                     kernel's: core/confine.c), then, for a
 *                     TRACE line (or any syscall in classic mode),
 *                     3. the module's callback, 4. the user's callback:
 *                     the first callback that does not answer CONT
 *                     decides; a TRACE line no callback decides is
 *                     allowed, one with no callback at all is BP.
 *   syscall exit, signal: the callbacks, in the same order.
 *
 * A callback runs while the program is stopped: the sandbox is then
 * S_STATUS_BLK and sandbox_read_memory() works.
 */
#include "config.h"
#include "core/core.h"

#include <signal.h>
#include <sys/wait.h>

static void call(sandbox_t *sb, sandbox_policy_fn fn, void *data,
                 sandbox_event_t *ev, sandbox_action_t *act)
{
	act->type = -1;
	act->data = 0;
	ev->sandbox = sb;
	sb->cur_tid = ev->pid; /* whose memory sandbox_read_memory() reads */
	sb->status = S_STATUS_BLK;
	sb->in_callback = true;
	fn(ev, act, data);
	if (act->type > 0 && (act->type & S_ACTION_FLAG_BACKTRACE)) {
		int64_t t0 = sb_uncharged_begin(); /* not work for the program */
		act->type = sb_diag_on_marked(sb->diag, ev->pid, act->type);
		sb_uncharged_end(sb, t0);
	}
	sb->in_callback = false;
	sb->status = S_STATUS_EXE;
}

/* Layers 3 and 4. True when one of them decided (*d); false when every
 * callback answered CONT, or there is none (*asked counts them). */
static bool ask_callbacks(sandbox_t *sb, sandbox_event_t *ev, int disp,
                          struct sb_decision *d, int *asked)
{
	for (int i = 0; i < SB_POLICY_NCALLBACKS; i++) {
		const struct sb_callback *cb = sb_policy_callback(sb->policy, i);
		sandbox_action_t act;

		if (!cb->fn)
			continue;
		(*asked)++;
		call(sb, cb->fn, cb->data, ev, &act);
		sb_answer(ev->type, disp, &act, d);
		if (d->verb != SB_NEXT)
			return true;
	}
	return false;
}

int sb_decide_entry(sandbox_t *sb, sandbox_event_t *ev, bool classic,
                    struct sb_decision *d)
{
	const sandbox_syscall_t *sc = &ev->syscall;
	pid_t self = sb->cur_self; /* the task's process, as it sees itself */
	int err = 0, disp = S_DISP_KILL, asked = 0;

	if (sc->abi >= 0 && sc->abi < S_ABI_COUNT) /* else a foreign ABI */
		disp = sb_ruleset_eval(&sb->compiled.guarded.view,
		                       &sb->compiled.rules, sc->abi,
		                       sc->nr, sc->args, self, &err);
	int base = disp & ~S_DISP_FLAG_EXIT;
	ev->disposition = base;
	if ((base == S_DISP_TRACE || classic) &&
	    ask_callbacks(sb, ev, base, d, &asked))
		return disp;
	if (base == S_DISP_TRACE && !asked) {
		d->verb = SB_BAD; /* a TRACE line and nobody to decide it */
		d->data = 0;
		return disp;
	}
	sb_table_decision(disp, err, d);
	return disp;
}

void sb_decide_event(sandbox_t *sb, sandbox_event_t *ev,
                     struct sb_decision *d)
{
	int asked = 0;

	if (!ask_callbacks(sb, ev, S_DISP_ALLOW, d, &asked)) {
		d->verb = SB_ALLOW;
		d->data = 0;
	}
}

/* ------------------------------------------------------------ observers */

static void notify(sandbox_t *sb, sandbox_event_t *ev,
                   const struct sb_decision *d, bool stopped)
{
	sandbox_action_t act;

	if (!sb->hook.fn)
		return;
	/* Observing is the host's business: not charged to the program. */
	int64_t t0 = sb_uncharged_begin();
	sb_decision_action(d, &act);
	ev->sandbox = sb;
	if (stopped)
		sb->cur_tid = ev->pid;
	sb->in_callback = stopped; /* the program's memory can be read */
	sb->hook.fn(ev, &act, sb->hook.data);
	sb->in_callback = false;
	sb_uncharged_end(sb, t0);
}

void sb_observe(sandbox_t *sb, sandbox_event_t *ev,
                const struct sb_decision *d)
{
	/* The profile counts every syscall the tracer sees. */
	if (ev->type == S_EVENT_SYSCALL && sb_diag_profiling(sb->diag))
		sb_diag_sys_entry(sb->diag, &ev->syscall);
	notify(sb, ev, d, true);
}

void sb_observe_end(sandbox_t *sb, pid_t pid, int wstatus)
{
	const sandbox_stat_t *st = &sb->stat;
	struct sb_decision d = { SB_ALLOW, 0 };
	sandbox_event_t ev = { .type = S_EVENT_QUOTA, .pid = pid };

	if (!sb->hook.fn)
		return;
	if (st->quota_exceeded >= 0 &&
	    (st->result == S_RESULT_ML || st->result == S_RESULT_OL ||
	     st->result == S_RESULT_TL)) {
		ev.data = st->quota_exceeded;
		notify(sb, &ev, &d, false);
	}
	ev.type = S_EVENT_EXIT;
	ev.data = wstatus;
	notify(sb, &ev, &d, false);
}

void sb_observe_error(sandbox_t *sb, pid_t pid, int err)
{
	struct sb_decision d = { SB_FINI, S_RESULT_IE };
	sandbox_event_t ev = { .type = S_EVENT_ERROR, .pid = pid, .data = err };

	notify(sb, &ev, &d, false);
}
