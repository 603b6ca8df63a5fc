/*
 * The one verdict of an interaction, from the facts of its two sides (the
 * rule is sandbox.h's "THE VERDICT", the table docs/VERDICTS.md's
 * "Interactive runs"). Pure: no run, no kernel; tests/check_interact_rule
 * drives it case by case.
 *
 *   1. interrupted (either side, or the interaction)             IE
 *   2. the program could not be judged (execute failed)          PD
 *   3. the interactor could not start                            JF
 *   4. the program failed first: not OK, ended before the relay
 *      told it that the interactor had ended                     its own
 *   5. the interactor's status: 0 -> the program's (OK when it
 *      ended well), 7 -> PT (or the program's failure), 1 -> WA,
 *      2, 4, 8 -> PE, anything else (3, a signal, its own
 *      quota or policy) -> JF
 */
#include "config.h"
#include "core/core.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* testlib's exit statuses (testlib.h, on Linux). */
enum {
	TL_OK = 0, TL_WA = 1, TL_PE = 2, TL_FAIL = 3, TL_DIRT = 4,
	TL_POINTS = 7, TL_UNEXPECTED_EOF = 8,
};

/* A run's verdict passes through as the combined one (sandbox.h). */
_Static_assert((int)S_VERDICT_TL == (int)S_RESULT_TL &&
               (int)S_VERDICT_BP == (int)S_RESULT_BP &&
               (int)S_VERDICT_WA == (int)S_RESULT_COUNT,
               "a run's verdict passes through");

static void decide(sandbox_interaction_stat_t *st, int verdict, int by)
{
	st->verdict = verdict;
	st->decided_by = by;
}

void sb_combine(const struct sb_combine_in *in,
                sandbox_interaction_stat_t *st)
{
	int p = in->program_rc == 0 ? in->program->result : S_RESULT_PD;

	if (in->interrupted) {
		decide(st, S_VERDICT_IE, -1);
		return;
	}
	if (in->program_rc < 0) {
		decide(st, S_VERDICT_PD, -1);
		return;
	}
	if (in->interactor_rc < 0) {
		decide(st, S_VERDICT_JF, S_SIDE_INTERACTOR);
		return;
	}
	if (p != S_RESULT_OK && in->program_first) {
		decide(st, p, S_SIDE_PROGRAM);
		return;
	}
	/* The interactor decides: by its exit status when it exited by
	 * itself (its own verdict OK or AT), else it failed. */
	bool exited = in->interactor_result == S_RESULT_OK ||
	              in->interactor_result == S_RESULT_AT;
	switch (exited ? in->interactor_exit_code : -1) {
	case TL_OK:
	case TL_POINTS:
		/* Accepted so far: the program must still end well. */
		if (p != S_RESULT_OK)
			decide(st, p, S_SIDE_PROGRAM);
		else
			decide(st, in->interactor_exit_code == TL_OK
			           ? S_VERDICT_OK : S_VERDICT_PT, S_SIDE_INTERACTOR);
		return;
	case TL_WA:
		decide(st, S_VERDICT_WA, S_SIDE_INTERACTOR);
		return;
	case TL_PE:
	case TL_DIRT:
	case TL_UNEXPECTED_EOF:
		decide(st, S_VERDICT_PE, S_SIDE_INTERACTOR);
		return;
	default: /* TL_FAIL, another status, killed, its own quota */
		decide(st, S_VERDICT_JF, S_SIDE_INTERACTOR);
		return;
	}
}

double sb_combine_points(const char *message)
{
	const char *p = message;
	char *end;

	while (isspace((unsigned char)*p))
		p++;
	if (strncmp(p, "points ", 7) != 0)
		return -1;
	p += 7;
	while (*p == ' ')
		p++;
	/* A plain decimal (testlib prints %.10f, trailing zeros cut, or an
	 * integer): no sign, no exponent, no hex, nothing glued to it. */
	if (!isdigit((unsigned char)*p))
		return -1;
	for (end = (char *)p; isdigit((unsigned char)*end) || *end == '.'; end++)
		;
	if (*end && !isspace((unsigned char)*end))
		return -1;
	char num[64];
	size_t n = (size_t)(end - p);
	if (n >= sizeof(num))
		return -1;
	memcpy(num, p, n);
	num[n] = '\0';
	double v = strtod(num, &end);
	if (*end || !isfinite(v) || v < 0)
		return -1;
	return v;
}
