/*
 * main() of the suites that need no host feature (no program is run, so
 * testutil.c's host probe does not apply): run the suite in Check's
 * default mode and map the result to automake's exit codes.
 */
#ifndef LIBSANDBOX_TESTS_CKRUN_H
#define LIBSANDBOX_TESTS_CKRUN_H

#include <check.h>

static inline int ck_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}

#endif
