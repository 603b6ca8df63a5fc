/*
 * The combined verdict of an interaction (core/combine.c), case by case,
 * without a kernel: each row is one line of docs/VERDICTS.md's
 * "Interactive runs" table. And testlib's points in the interactor's
 * comment. Linked with the static library to reach the internal calls.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <string.h>

#include "core/core.h"
#include "ckrun.h"

#define P S_SIDE_PROGRAM
#define I S_SIDE_INTERACTOR
#define NOBODY -1

/* Program verdict and whether it failed first; the interactor's end. */
static const struct row {
	int program_rc, program, first;
	int interactor_rc, interactor, exit_code;
	bool interrupted;
	int verdict, by;
} rows[] = {
	/* interrupted: IE whatever else happened */
	{ 0, S_RESULT_OK, 0, 0, S_RESULT_OK, 0, true, S_VERDICT_IE, NOBODY },
	{ 0, S_RESULT_IE, 1, 0, S_RESULT_IE, -1, true, S_VERDICT_IE, NOBODY },
	/* the program could not start: no verdict */
	{ -ENOENT, S_RESULT_PD, 0, 0, S_RESULT_AT, 1, false, S_VERDICT_PD, NOBODY },
	/* the interactor could not start: the judge failed */
	{ 0, S_RESULT_AT, 0, -ENOENT, S_RESULT_PD, -1, false, S_VERDICT_JF, I },
	/* the program failed first: its own verdict, the interactor aside */
	{ 0, S_RESULT_TL, 1, 0, S_RESULT_AT, 1, false, S_VERDICT_TL, P },
	{ 0, S_RESULT_ML, 1, 0, S_RESULT_AT, 2, false, S_VERDICT_ML, P },
	{ 0, S_RESULT_RF, 1, 0, S_RESULT_AT, 3, false, S_VERDICT_RF, P },
	{ 0, S_RESULT_RT, 1, 0, S_RESULT_RT, -1, false, S_VERDICT_RT, P },
	{ 0, S_RESULT_OL, 1, 0, S_RESULT_OK, 0, false, S_VERDICT_OL, P },
	{ 0, S_RESULT_AT, 1, 0, S_RESULT_TL, -1, false, S_VERDICT_AT, P },
	{ 0, S_RESULT_BP, 1, 0, S_RESULT_OK, 0, false, S_VERDICT_BP, P },
	{ 0, S_RESULT_IE, 1, 0, S_RESULT_OK, 0, false, S_VERDICT_IE, P },
	/* the program ended well first: the interactor decides */
	{ 0, S_RESULT_OK, 1, 0, S_RESULT_OK, 0, false, S_VERDICT_OK, I },
	{ 0, S_RESULT_OK, 1, 0, S_RESULT_AT, 1, false, S_VERDICT_WA, I },
	{ 0, S_RESULT_OK, 1, 0, S_RESULT_TL, -1, false, S_VERDICT_JF, I },
	/* the interactor ended first: its status decides ... */
	{ 0, S_RESULT_OK, 0, 0, S_RESULT_OK, 0, false, S_VERDICT_OK, I },
	{ 0, S_RESULT_RT, 0, 0, S_RESULT_AT, 1, false, S_VERDICT_WA, I },
	{ 0, S_RESULT_TL, 0, 0, S_RESULT_AT, 2, false, S_VERDICT_PE, I },
	{ 0, S_RESULT_OK, 0, 0, S_RESULT_AT, 4, false, S_VERDICT_PE, I },
	{ 0, S_RESULT_AT, 0, 0, S_RESULT_AT, 8, false, S_VERDICT_PE, I },
	{ 0, S_RESULT_OK, 0, 0, S_RESULT_AT, 7, false, S_VERDICT_PT, I },
	{ 0, S_RESULT_OK, 0, 0, S_RESULT_AT, 3, false, S_VERDICT_JF, I },
	{ 0, S_RESULT_RT, 0, 0, S_RESULT_AT, 3, false, S_VERDICT_JF, I },
	{ 0, S_RESULT_OK, 0, 0, S_RESULT_AT, 5, false, S_VERDICT_JF, I },
	{ 0, S_RESULT_OK, 0, 0, S_RESULT_AT, 42, false, S_VERDICT_JF, I },
	{ 0, S_RESULT_OK, 0, 0, S_RESULT_RT, -1, false, S_VERDICT_JF, I },
	{ 0, S_RESULT_OK, 0, 0, S_RESULT_TL, -1, false, S_VERDICT_JF, I },
	{ 0, S_RESULT_OK, 0, 0, S_RESULT_ML, -1, false, S_VERDICT_JF, I },
	{ 0, S_RESULT_OK, 0, 0, S_RESULT_RF, -1, false, S_VERDICT_JF, I },
	/* ... unless it accepted (0) or gave points (7) and the program
	 * then failed: the program must also end well */
	{ 0, S_RESULT_RT, 0, 0, S_RESULT_OK, 0, false, S_VERDICT_RT, P },
	{ 0, S_RESULT_TL, 0, 0, S_RESULT_OK, 0, false, S_VERDICT_TL, P },
	{ 0, S_RESULT_AT, 0, 0, S_RESULT_AT, 7, false, S_VERDICT_AT, P },
	/* a sandboxed interactor's status is read only when it exited */
	{ 0, S_RESULT_OK, 0, 0, S_RESULT_OL, 0, false, S_VERDICT_JF, I },
};
#define NROWS (int)(sizeof(rows) / sizeof(rows[0]))

START_TEST(combined_verdict)
{
	const struct row *r = &rows[_i];
	sandbox_stat_t ps = { .result = r->program };
	struct sb_combine_in in = {
		.program_rc = r->program_rc, .program = &ps,
		.program_first = r->first, .interactor_rc = r->interactor_rc,
		.interactor_result = r->interactor,
		.interactor_exit_code = r->exit_code,
		.interrupted = r->interrupted,
	};
	sandbox_interaction_stat_t st;

	memset(&st, 0, sizeof(st));
	sb_combine(&in, &st);
	ck_assert_msg(st.verdict == r->verdict && st.decided_by == r->by,
	              "row %d: %s by %d, expected %s by %d", _i,
	              sandbox_verdict_name(st.verdict), st.decided_by,
	              sandbox_verdict_name(r->verdict), r->by);
}
END_TEST

START_TEST(points)
{
	static const struct { const char *text; double points; } t[] = {
		{ "points 0.5 found it", 0.5 },
		{ "points 12\n", 12 },
		{ "  points 1.25", 1.25 },
		{ "points 0", 0 },
		{ "points 1000000 the most", 1000000 },
		{ "points_info=abc", -1 },
		{ "points -1 no", -1 },
		{ "points 1e3 exponent", -1 },
		{ "points 1.2.3", -1 },
		{ "points 0x10", -1 },
		{ "points 5abc", -1 },
		{ "points ", -1 },
		{ "ok 5", -1 },
		{ "", -1 },
		{ "wrong answer points 5", -1 },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ck_assert_msg(sb_combine_points(t[i].text) == t[i].points,
		              "\"%s\": %g, expected %g", t[i].text,
		              sb_combine_points(t[i].text), t[i].points);
}
END_TEST

/* WA, PE, PT, JF are an interaction's verdicts only: the run results
 * (what a policy may end a run with, what sandbox_result_name() knows)
 * stay the ten of a run; a run's verdict passes through by value. */
START_TEST(result_names)
{
	ck_assert_int_eq(S_RESULT_COUNT, S_RESULT_BP + 1);
	ck_assert_str_eq(sandbox_result_name(S_RESULT_COUNT), "??");
	ck_assert_str_eq(sandbox_verdict_name(S_VERDICT_WA), "WA");
	ck_assert_str_eq(sandbox_verdict_name(S_VERDICT_PE), "PE");
	ck_assert_str_eq(sandbox_verdict_name(S_VERDICT_PT), "PT");
	ck_assert_str_eq(sandbox_verdict_name(S_VERDICT_JF), "JF");
	ck_assert_str_eq(sandbox_verdict_text(S_VERDICT_JF),
	                 "judge failure (the interactor failed)");
	ck_assert_int_eq(S_VERDICT_COUNT, S_VERDICT_JF + 1);
	for (int r = 0; r < S_RESULT_COUNT; r++) {
		ck_assert_str_eq(sandbox_verdict_name(r), sandbox_result_name(r));
		ck_assert_str_eq(sandbox_verdict_text(r), sandbox_result_text(r));
	}
	ck_assert_str_eq(sandbox_verdict_name(S_VERDICT_COUNT), "??");
	ck_assert_str_eq(sandbox_verdict_name(-1), "??");
	ck_assert_str_eq(sandbox_verdict_text(S_VERDICT_COUNT),
	                 "unknown verdict");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("interact_rule");
	TCase *tc = tcase_create("rule");

	tcase_add_loop_test(tc, combined_verdict, 0, NROWS);
	tcase_add_test(tc, points);
	tcase_add_test(tc, result_names);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
