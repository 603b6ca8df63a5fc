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

/* CONT: ask the next layer. KILL: RF at a syscall. FINI: needs a result.
 * DENY: only at a syscall entry, with an errno; where the table already
 * refuses the call (ERRNO, KILL) it changes nothing. Anything else: BP. */
void sb_answer(int event, int disp, const sandbox_action_t *act,
               struct sb_decision *d)
{
	int base = disp & ~S_DISP_FLAG_EXIT;

	d->verb = SB_BAD;
	d->data = act->data;
	switch (act->type) {
	case S_ACTION_CONT:
		d->verb = SB_NEXT;
		break;
	case S_ACTION_KILL:
		d->verb = SB_KILL;
		d->data = 0;
		break;
	case S_ACTION_FINI:
		if (good_result(act->data))
			d->verb = SB_FINI;
		break;
	case S_ACTION_DENY:
		if (event != S_EVENT_SYSCALL)
			break;
		if (base != S_DISP_TRACE && base != S_DISP_ALLOW)
			d->verb = SB_NEXT;
		else if (good_errno(act->data))
			d->verb = SB_DENY;
		break;
	default:
		break;
	}
	if (d->verb == SB_NEXT || d->verb == SB_BAD)
		d->data = 0;
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
