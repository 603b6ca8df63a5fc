/*
 * sandbox-run --batch: the job-line reader (cli/jobs.c), table by table,
 * and the batch options' checks (cli/args.c). Nothing is run: no host
 * feature is needed. The live batch is tests/cli/batch.py.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox.h"
#include "ckrun.h"
#include "args.h"
#include "jobs.h"

/* Lines that are refused, and a word the message must hold. */
static const struct { const char *line, *why; } bad[] = {
	{ "", "'{' expected" },
	{ "[]", "'{' expected" },
	{ "\"x\"", "'{' expected" },
	{ "{", "a string was expected" },
	{ "{\"argv\":[\"a\"]", "',' or '}'" },
	{ "{\"argv\":[\"a\"]} {}", "text after" },
	{ "{\"argv\":[\"a\"]}x", "text after" },
	{ "{\"stdn\":\"a\"}", "unknown key \"stdn\"" },
	{ "{\"id\":1,\"id\":2}", "given twice" },
	{ "{\"argv\":[]}", "a string was expected" },
	{ "{\"argv\":[\"\"]}", "empty program name" },
	{ "{\"argv\":[\"a\",]}", "a string was expected" },
	{ "{\"argv\":\"a\"}", "array of strings" },
	{ "{\"argv\":[1]}", "a string was expected" },
	{ "{\"argv\":[\"a\\u0000b\"]}", "\\u0000" },
	{ "{\"argv\":[\"a\\ud800\"]}", "surrogate" },
	{ "{\"argv\":[\"a\\udc00\"]}", "surrogate" },
	{ "{\"argv\":[\"a\\u12\"]}", "bad \\u escape" },
	{ "{\"argv\":[\"a\\q\"]}", "bad escape" },
	{ "{\"argv\":[\"a\tb\"]}", "control character" },
	{ "{\"argv\":[\"ab", "unterminated" },
	{ "{\"stdin\":\"\"}", "empty file name" },
	{ "{\"stdout\":null}", "a string was expected" },
	{ "{\"cpu_ms\":0}", "must be positive" },
	{ "{\"output_bytes\":0}", "\"output_bytes\" must be positive" },
	{ "{\"cpu_ms\":9223372036855}", "\"cpu_ms\" is too large (at most 9223372036854)" },
	{ "{\"wall_ms\":18446744073709551614}", "\"wall_ms\" is too large (at most" },
	{ "{\"cpu_ms\":-1}", "whole number" },
	{ "{\"wall_ms\":1.5}", "whole number" },
	{ "{\"wall_ms\":1e3}", "whole number" },
	{ "{\"wall_ms\":\"1s\"}", "whole number" },
	{ "{\"memory_bytes\":012}", "leading zero" },
	{ "{\"memory_bytes\":99999999999999999999}", "too large" },
	{ "{\"memory_bytes\":18446744073709551615}", "too large" },
	{ "{\"stack_bytes\":null}", "whole number" },
	{ "{\"stderr_to_stdout\":1}", "true or false" },
	{ "{\"stderr_to_stdout\":true,\"stderr\":\"e\"}", "exclude" },
	{ "{\"id\":[1]}", "string or a whole number" },
	{ "{\"id\":true}", "string or a whole number" },
	{ "{\"argv\":[\"a\"]:}", "',' or '}'" },
	{ "{\"argv\" [\"a\"]}", "':' expected" },
};

START_TEST(test_refused)
{
	struct sr_job job;
	char err[256];
	const char *line = bad[_i].line;
	int rc = sr_job_parse(line, strlen(line), &job, err, sizeof(err));

	ck_assert_msg(rc == -EINVAL, "%s: accepted", line);
	ck_assert_msg(strstr(err, bad[_i].why) != NULL, "%s: message '%s', "
	              "expected '%s'", line, err, bad[_i].why);
	ck_assert_msg(strncmp(err, "column ", 7) == 0, "%s: no column: %s",
	              line, err);
	sr_job_free(&job);
}
END_TEST

START_TEST(test_full_job)
{
	const char *line = " { \"id\" : \"t\\u00e9\\ud83d\\ude00\\n\", \"argv\": [\"./sol\","
		" \"a b\", \"\\\"q\\\\\"], \"stdin\": \"in/1\", \"stdout\": \"o\\/1\","
		" \"stderr\": \"e\", \"cpu_ms\": 1000, \"wall_ms\": 3000,"
		" \"memory_bytes\": 268435456, \"output_bytes\": 1,"
		" \"stack_bytes\": 8388608 }\r";
	struct sr_job job;
	char err[256];

	ck_assert_int_eq(sr_job_parse(line, strlen(line), &job, err,
	                              sizeof(err)), 0);
	ck_assert(job.has_id && !job.id_is_number);
	ck_assert_str_eq(job.id, "t\xc3\xa9\xf0\x9f\x98\x80\n");
	ck_assert_int_eq(job.argc, 3);
	ck_assert_str_eq(job.argv[0], "./sol");
	ck_assert_str_eq(job.argv[1], "a b");
	ck_assert_str_eq(job.argv[2], "\"q\\");
	ck_assert_ptr_null(job.argv[3]);
	ck_assert_str_eq(job.stdio[0], "in/1");
	ck_assert_str_eq(job.stdio[1], "o/1");
	ck_assert_str_eq(job.stdio[2], "e");
	ck_assert(!job.stderr_to_stdout);
	ck_assert_uint_eq(job.cpu_ms, 1000);
	ck_assert_uint_eq(job.wall_ms, 3000);
	ck_assert_uint_eq(job.memory_bytes, 268435456);
	ck_assert_uint_eq(job.output_bytes, 1);
	ck_assert_uint_eq(job.stack_bytes, 8388608);
	sr_job_free(&job);
}
END_TEST

/* What is absent stays "not given"; an integer id; bytes >= 0x80 taken as
 * they are (file names are bytes). */
START_TEST(test_defaults)
{
	const char *line = "{\"id\": 17, \"stdout\": \"\xff\xfe.out\", "
	                   "\"stderr_to_stdout\": true}";
	struct sr_job job;
	char err[256];

	ck_assert_int_eq(sr_job_parse(line, strlen(line), &job, err,
	                              sizeof(err)), 0);
	ck_assert(job.has_id && job.id_is_number);
	ck_assert_str_eq(job.id, "17");
	ck_assert_ptr_null(job.argv);
	ck_assert_ptr_null(job.stdio[0]);
	ck_assert_str_eq(job.stdio[1], "\xff\xfe.out");
	ck_assert(job.stderr_to_stdout);
	ck_assert_uint_eq(job.cpu_ms, SANDBOX_UNLIMITED);
	ck_assert_uint_eq(job.wall_ms, SANDBOX_UNLIMITED);
	ck_assert_uint_eq(job.memory_bytes, SANDBOX_UNLIMITED);
	sr_job_free(&job);
	ck_assert_int_eq(sr_job_parse("{}", 2, &job, err, sizeof(err)), 0);
	ck_assert(!job.has_id);
	sr_job_free(&job);
	/* The longest time quotas the library takes (INT64_MAX ns). */
	line = "{\"cpu_ms\": 9223372036854, \"wall_ms\": 9223372036854}";
	ck_assert_int_eq(sr_job_parse(line, strlen(line), &job, err,
	                              sizeof(err)), 0);
	ck_assert_uint_eq(job.cpu_ms, 9223372036854u);
	sr_job_free(&job);
}
END_TEST

/* A NUL byte inside or outside a string, and hostile sizes. */
START_TEST(test_hostile)
{
	static const char nul_in[] = "{\"argv\":[\"a\0b\"]}";
	static const char nul_out[] = "{\"argv\":[\"a\"]}\0";
	struct sr_job job;
	char err[256];

	ck_assert_int_eq(sr_job_parse(nul_in, sizeof(nul_in) - 1, &job, err,
	                              sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "NUL"));
	sr_job_free(&job);
	ck_assert_int_eq(sr_job_parse(nul_out, sizeof(nul_out) - 1, &job, err,
	                              sizeof(err)), -EINVAL);
	sr_job_free(&job);
	/* A long id is refused; many arguments are fine. */
	size_t n = 2 * SR_JOB_ID_MAX + 64, k = 0;
	char *line = malloc(n);
	k += (size_t)snprintf(line, n, "{\"id\":\"");
	while (k < n - 8)
		line[k++] = 'x';
	memcpy(line + k, "\"}", 3);
	ck_assert_int_eq(sr_job_parse(line, strlen(line), &job, err,
	                              sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "longer than"));
	sr_job_free(&job);
	free(line);
	size_t args = 50000;
	line = malloc(args * 4 + 64);
	k = (size_t)sprintf(line, "{\"argv\":[\"p\"");
	for (size_t i = 0; i < args; i++)
		k += (size_t)sprintf(line + k, ",\"\"");
	memcpy(line + k, "]}", 3);
	ck_assert_int_eq(sr_job_parse(line, strlen(line), &job, err,
	                              sizeof(err)), 0);
	ck_assert_int_eq(job.argc, (int)args + 1);
	sr_job_free(&job);
	free(line);
	/* Deep nesting is no structure a job has: refused at once. */
	char deep[4096];
	memset(deep, '[', sizeof(deep));
	memcpy(deep, "{\"argv\":", 8);
	ck_assert_int_eq(sr_job_parse(deep, sizeof(deep), &job, err,
	                              sizeof(err)), -EINVAL);
	sr_job_free(&job);
}
END_TEST

START_TEST(test_blank)
{
	ck_assert(sr_job_blank("", 0));
	ck_assert(sr_job_blank(" \t\r", 3));
	ck_assert(!sr_job_blank(" {}", 3));
}
END_TEST

/* --batch on the command line: PROGRAM optional, --wall needed, no
 * stream or report option. */
START_TEST(test_options)
{
	static const struct { const char *args[6]; const char *why; } cases[] = {
		{ { "--batch", "--wall=1s" }, NULL },
		{ { "--batch", "--wall=1s", "--", "./sol", "x" }, NULL },
		{ { "--batch" }, "needs --wall" },
		{ { "--batch", "--wall=1s", "--stdout=o" }, "--stdout" },
		{ { "--batch", "--wall=1s", "--stdin=i" }, "--stdin" },
		{ { "--batch", "--wall=1s", "--report=-" }, "--report" },
		{ { "--batch", "--wall=1s", "--meta=m" }, "--meta" },
		{ { "--batch", "--wall=1s", "--trace" }, "--trace" },
		{ { "--batch", "--wall=1s", "--profile=p.csv" }, "--profile" },
		{ { "--batch", "--wall=1s", "--stderr-to-stdout" },
		  "--stderr-to-stdout" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *argv[8] = { "sandbox-run" };
		int argc = 1;
		struct sr_options o;
		char err[512];
		for (int k = 0; k < 6 && cases[i].args[k]; k++)
			argv[argc++] = (char *)cases[i].args[k];
		ck_assert_int_eq(sr_parse_args(argc, argv, &o, err, sizeof(err)), 0);
		ck_assert(o.batch);
		int rc = sr_check_options(&o, 0, err, sizeof(err));
		if (!cases[i].why) {
			ck_assert_msg(rc == 0, "case %zu: %s", i, err);
			continue;
		}
		ck_assert_msg(rc < 0 && strstr(err, cases[i].why), "case %zu: "
		              "rc %d, message '%s'", i, rc, err);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cli_batch");
	TCase *tc = tcase_create("jobs");

	tcase_add_loop_test(tc, test_refused, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_full_job);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_hostile);
	tcase_add_test(tc, test_blank);
	tcase_add_test(tc, test_options);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
