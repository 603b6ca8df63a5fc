/*
 * What a callback's answer means, for every kind of event, in one place
 * (the engine asks the layers in order; policy.h). The table decides
 * everything but its TRACE lines; a callback may only make the table
 * stricter, and must answer in a way that fits the event, else BP.
 */
#include "config.h"
#include "policy/policy.h"

static bool good_errno(int e)
{
	return e >= 1 && e <= 4095;
}

static bool good_result(int r)
{
	return r > S_RESULT_PD && r < S_RESULT_COUNT;
}

/* A syscall whose table line is TRACE: the callbacks decide it. */
static void answer_trace(const sandbox_action_t *act, struct sb_decision *d)
{
	switch (act->type) {
	case S_ACTION_CONT:
		d->verb = SB_NEXT;
		break;
	case S_ACTION_KILL:
		d->verb = SB_KILL;
		break;
	case S_ACTION_DENY:
		d->verb = good_errno(act->data) ? SB_DENY : SB_BAD;
		d->data = act->data;
		break;
	case S_ACTION_FINI:
		d->verb = good_result(act->data) ? SB_FINI : SB_BAD;
		d->data = act->data;
		break;
	default:
		d->verb = SB_BAD;
	}
}

/* A syscall the table decided (classic mode shows every syscall): the
 * answer can only be stricter. DENY makes sense only where the table
 * allows; elsewhere it is ignored. */
static void answer_decided(int disp, const sandbox_action_t *act,
                           struct sb_decision *d)
{
	switch (act->type) {
	case S_ACTION_CONT:
		d->verb = SB_NEXT;
		break;
	case S_ACTION_KILL:
		d->verb = SB_KILL;
		break;
	case S_ACTION_DENY:
		if (disp != S_DISP_ALLOW) {
			d->verb = SB_NEXT;
			break;
		}
		d->verb = good_errno(act->data) ? SB_DENY : SB_BAD;
		d->data = act->data;
		break;
	case S_ACTION_FINI:
		d->verb = good_result(act->data) ? SB_FINI : SB_BAD;
		d->data = act->data;
		break;
	default:
		d->verb = SB_BAD;
	}
}

/* A syscall's exit or a signal: carry on, kill, or end the run. */
static void answer_other(const sandbox_action_t *act, struct sb_decision *d)
{
	switch (act->type) {
	case S_ACTION_CONT:
		d->verb = SB_NEXT;
		break;
	case S_ACTION_KILL:
		d->verb = SB_KILL;
		break;
	case S_ACTION_FINI:
		d->verb = good_result(act->data) ? SB_FINI : SB_BAD;
		d->data = act->data;
		break;
	default:
		d->verb = SB_BAD;
	}
}

void sb_answer(int event, int disp, const sandbox_action_t *act,
               struct sb_decision *d)
{
	d->verb = SB_BAD;
	d->data = 0;
	if (event != S_EVENT_SYSCALL)
		answer_other(act, d);
	else if ((disp & ~S_DISP_FLAG_EXIT) == S_DISP_TRACE)
		answer_trace(act, d);
	else
		answer_decided(disp & ~S_DISP_FLAG_EXIT, act, d);
}

void sb_table_decision(int disp, int err, struct sb_decision *d)
{
	d->data = 0;
	switch (disp & ~S_DISP_FLAG_EXIT) {
	case S_DISP_ALLOW:
	case S_DISP_TRACE: /* every callback let it through */
		d->verb = SB_ALLOW;
		break;
	case S_DISP_ERRNO:
		d->verb = SB_DENY;
		d->data = err;
		break;
	default:
		d->verb = SB_KILL;
	}
}

void sb_decision_action(const struct sb_decision *d, sandbox_action_t *act)
{
	act->data = d->data;
	switch (d->verb) {
	case SB_DENY: act->type = S_ACTION_DENY; break;
	case SB_KILL: act->type = S_ACTION_KILL; break;
	case SB_FINI: act->type = S_ACTION_FINI; break;
	case SB_BAD:
		act->type = S_ACTION_FINI;
		act->data = S_RESULT_BP;
		break;
	default:
		act->type = S_ACTION_CONT;
		act->data = 0;
	}
}
