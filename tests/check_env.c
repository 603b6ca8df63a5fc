/*
 * What the program finds when it starts: argv, environment (empty by
 * default, an explicit list, or the caller's), working directory and
 * standard streams (paths and descriptors).
 */
#include "config.h"

#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *run_capture(sandbox_t *sb, int want)
{
	char *out = tu_tmpfile("capture.out");
	char *text;

	ck_assert_int_eq(sandbox_set_stdio_path(sb, 1, out, false), 0);
	ck_assert_result(tu_run(sb, NULL), want);
	text = tu_slurp(out);
	ck_assert_ptr_nonnull(text);
	return text;
}

START_TEST(default_environment_is_empty)
{
	sandbox_t *sb = tu_sandbox("showenv", "a b", "", NULL);
	char *text;

	setenv("SANDBOX_TEST_LEAK", "1", 1);
	text = run_capture(sb, S_RESULT_OK);
	ck_assert_msg(strstr(text, "env=") == NULL, "environment not empty:\n%s", text);
	/* argv arrives intact, spaces and empty strings included. */
	ck_assert_msg(strstr(text, "argv[1]=a b\nargv[2]=\nend\n") != NULL, "got:\n%s", text);
	ck_assert_msg(strncmp(text, "argv[0]=", 8) == 0, "got:\n%s", text);
	sandbox_destroy(sb);
}
END_TEST

START_TEST(explicit_environment)
{
	const char *env[] = { "FOO=bar", "EMPTY=", "WITH_EQ=a=b", NULL };
	sandbox_t *sb = tu_sandbox("showenv", NULL);
	char *text;

	setenv("SANDBOX_TEST_LEAK", "1", 1);
	ck_assert_int_eq(sandbox_set_env(sb, env), 0);
	text = run_capture(sb, S_RESULT_OK);
	ck_assert_msg(strstr(text, "env=FOO=bar\nenv=EMPTY=\nenv=WITH_EQ=a=b\nend\n") != NULL,
	              "got:\n%s", text);
	ck_assert_msg(strstr(text, "SANDBOX_TEST_LEAK") == NULL, "caller's env leaked:\n%s", text);
	free(text);

	/* An empty list (or NULL) restores the empty environment. */
	ck_assert_int_eq(sandbox_reset(sb), 0);
	ck_assert_int_eq(sandbox_set_env(sb, NULL), 0);
	text = run_capture(sb, S_RESULT_OK);
	ck_assert_msg(strstr(text, "env=") == NULL, "environment not empty:\n%s", text);
	sandbox_destroy(sb);
}
END_TEST

START_TEST(environment_is_copied)
{
	char entry[32];
	const char *env[] = { entry, NULL };
	sandbox_t *sb = tu_sandbox("showenv", NULL);
	char *text;

	strcpy(entry, "COPIED=yes");
	ck_assert_int_eq(sandbox_set_env(sb, env), 0);
	strcpy(entry, "COPIED=no!");
	text = run_capture(sb, S_RESULT_OK);
	ck_assert_msg(strstr(text, "env=COPIED=yes\n") != NULL, "got:\n%s", text);
	sandbox_destroy(sb);
}
END_TEST

START_TEST(inherited_environment)
{
	sandbox_t *sb = tu_sandbox("showenv", NULL);
	char *text;

	setenv("SANDBOX_TEST_MARK", "inherited value", 1);
	ck_assert_int_eq(sandbox_set_env_inherit(sb, true), 0);
	text = run_capture(sb, S_RESULT_OK);
	ck_assert_msg(strstr(text, "env=SANDBOX_TEST_MARK=inherited value\n") != NULL,
	              "got:\n%s", text);
	free(text);

	/* And off again. */
	ck_assert_int_eq(sandbox_reset(sb), 0);
	ck_assert_int_eq(sandbox_set_env_inherit(sb, false), 0);
	text = run_capture(sb, S_RESULT_OK);
	ck_assert_msg(strstr(text, "SANDBOX_TEST_MARK") == NULL, "got:\n%s", text);
	sandbox_destroy(sb);
}
END_TEST

/* An inherited environment loses its secrets, by the documented rule
 * (sandbox.h, sandbox_set_env_strip): a name containing PASS, PWD,
 * SECRET, TOKEN, KEY, CREDENTIAL, AUTH, PRIVATE, COOKIE, SESSION, JWT,
 * SALT, SIGN, DSN or WEBHOOK in any case, AWS_*, GITHUB_* and PAT as a
 * word, and a value that is a URL with user information (user@ or
 * user:password@) or a secret-named query parameter, a secret-named
 * key=value or "key: value" pair, netrc's "password x", an HTTP
 * authorization value ("Bearer x"). 0.4.0 matched a few
 * upper-case suffixes only: db_password, API_KEYS, HTTP_AUTH_HEADER, PWD
 * and postgres://u:p@host all went through. */
static const struct { const char *name, *value; bool stripped; } secrets[] = {
	{ "DB_PASSWORD", "hunter2", true },
	{ "db_password", "hunter2", true },
	{ "MYSQL_PWD", "hunter2", true },
	{ "PWD", "/home/judge", true },
	{ "DB_PASS", "hunter2", true },
	{ "My_Passwd", "hunter2", true },
	{ "APP_SECRET", "s", true },
	{ "secretKeyBase", "s", true },
	{ "GH_TOKEN", "t", true },
	{ "token", "t", true },
	{ "API_KEY", "k", true },
	{ "API_KEYS", "k1,k2", true },
	{ "KEYRING_PATH", "/x", true },
	{ "AZURE_CREDENTIALS", "{}", true },
	{ "GOOGLE_APPLICATION_CREDENTIAL", "/k.json", true },
	{ "HTTP_AUTH_HEADER", "Basic eA==", true },
	{ "XAUTHORITY", "/home/j/.Xauthority", true },
	{ "SSH_AUTH_SOCK", "/tmp/agent", true },
	{ "AWS_REGION", "eu-west-1", true },
	{ "GITHUB_SHA", "abc", true },
	{ "DATABASE_URL", "postgres://judge:hunter2@db:5432/x", true },
	{ "HTTPS_PROXY", "http://u:p@proxy:3128/", true },
	{ "UPSTREAM", "ftp://anonymous:guest@ftp.example.org", true },
	{ "HOME_PAGE", "https://example.org/a:b@c", false }, /* '@' after the path */
	{ "REPO_URL", "https://github.com/o/r", false },
	{ "USER_URL", "https://judge@example.org/", true }, /* a user, maybe a key */
	{ "SENTRY_LINK", "https://abc123@o1.ingest.sentry.io/1", true },
	{ "DB_LINK", "postgres://db.host/app?user=u&password=hunter2", true },
	{ "SIGNED_LINK", "https://s3.example.org/o?X-Amz-Signature=ab", true },
	{ "SEARCH_URL", "https://example.org/find?q=a&page=2", false },
	/* Credentials in other value shapes (review-box2 C6: all passed on
	 * before): key=value connection strings, "key: value", netrc, HTTP
	 * authorization values. */
	{ "DB_CONN", "host=db user=judge password=hunter2", true },
	{ "CONN_STR", "Server=tcp:db;User ID=sa;Password=hunter2;", true },
	{ "ODBC", "Driver={x};UID=sa;PWD={hunter2}", true },
	{ "CONN_SPACED", "Server=db; Password = hunter2", true },
	{ "MONGO_OPTS", "replicaSet=rs0&authSource=admin", true },
	{ "HEADER", "Authorization: Bearer eyJhbGciOi.x.y", true },
	{ "CONFIG", "api_token: abc123", true },
	{ "NETRC", "machine x login u password hunter2", true },
	{ "BEARER", "Bearer eyJhbGciOi.x.y", true },
	{ "UPSTREAM_HDR", "basic dTpodW50ZXIy", true },
	{ "GH", "token ghp_abc", true },
	{ "LIB_PATH", "/home/u/tokens:/usr/lib", false }, /* ':' then no space */
	{ "SETTINGS", "a=1;b=2 c=3", false },
	{ "MODE", "Basic", false },
	{ "PRINTER", "Digest-A4", false },
	{ "SENTRY_DSN", "x", true },
	{ "SLACK_WEBHOOK", "https://hooks.slack.com/services/T0/B0/X", true },
	{ "JWT", "x", true },
	{ "SESSION_COOKIE", "x", true },
	{ "PRIVATE_PEM", "x", true },
	{ "GH_PAT", "x", true },
	{ "MY_SALT", "x", true },
	{ "COOKIE_SIGNING", "x", true },
	{ "PATH", "/usr/bin:/bin", false },
	{ "PATCH_LEVEL", "3", false },
	{ "MAILTO", "judge@example.org", false },
	{ "LANG", "C.UTF-8", false },
	{ "TZ", "UTC", false },
	{ "SANDBOX_PLAIN", "value", false },
};

START_TEST(inherited_secrets_are_stripped)
{
	sandbox_t *sb = tu_sandbox("showenv", NULL);
	char want[512];

	setenv(secrets[_i].name, secrets[_i].value, 1);
	ck_assert_int_eq(sandbox_set_env_inherit(sb, true), 0);
	char *text = run_capture(sb, S_RESULT_OK);
	snprintf(want, sizeof(want), "env=%s=%s\n", secrets[_i].name,
	         secrets[_i].value);
	ck_assert_msg((strstr(text, want) == NULL) == secrets[_i].stripped,
	              "%s=%s was %s", secrets[_i].name, secrets[_i].value,
	              secrets[_i].stripped ? "passed on" : "stripped");
	free(text);

	/* Named explicitly, a variable is the caller's decision: passed. */
	const char *pass[] = { secrets[_i].name, NULL };
	ck_assert_int_eq(sandbox_reset(sb), 0);
	ck_assert_int_eq(sandbox_set_env_pass(sb, pass), 0);
	text = run_capture(sb, S_RESULT_OK);
	ck_assert_msg(strstr(text, want) != NULL, "%s not passed", want);
	free(text);
	sandbox_destroy(sb);
}
END_TEST

/* Strip patterns of the caller's add to the rule, never replace it. */
START_TEST(strip_patterns_add_to_the_rule)
{
	sandbox_t *sb = tu_sandbox("showenv", NULL);
	const char *pats[] = { "EXTRA_*", NULL };

	setenv("EXTRA_THING", "x", 1);
	setenv("DB_PASSWORD", "hunter2", 1);
	setenv("SANDBOX_PLAIN", "value", 1);
	ck_assert_int_eq(sandbox_set_env_inherit(sb, true), 0);
	ck_assert_int_eq(sandbox_set_env_strip(sb, pats), 0);
	char *text = run_capture(sb, S_RESULT_OK);
	ck_assert_msg(!strstr(text, "EXTRA_THING"), "pattern ignored");
	ck_assert_msg(!strstr(text, "DB_PASSWORD"), "the rule was replaced");
	ck_assert_msg(strstr(text, "env=SANDBOX_PLAIN=value\n"), "%s", text);
	free(text);
	sandbox_destroy(sb);
}
END_TEST

START_TEST(workdir_applies)
{
	sandbox_t *sb = tu_sandbox("pwd", NULL);
	char real[PATH_MAX], want[PATH_MAX + 2];
	char *text;

	ck_assert_ptr_nonnull(realpath(tu_tmpdir(), real));
	snprintf(want, sizeof(want), "%s\n", real);
	ck_assert_int_eq(sandbox_set_workdir(sb, tu_tmpdir()), 0);
	text = run_capture(sb, S_RESULT_OK);
	ck_assert_str_eq(text, want);
	free(text);

	ck_assert_int_eq(sandbox_reset(sb), 0);
	ck_assert_int_eq(sandbox_set_workdir(sb, "/"), 0);
	text = run_capture(sb, S_RESULT_OK);
	ck_assert_str_eq(text, "/\n");
	sandbox_destroy(sb);
}
END_TEST

START_TEST(missing_workdir_is_an_error)
{
	sandbox_t *sb = tu_sandbox("pwd", NULL);
	int rc;

	ck_assert_int_eq(sandbox_set_workdir(sb, "/nonexistent/dir"), 0);
	rc = sandbox_execute(sb);
	ck_assert_msg(rc == -ENOENT, "execute: %d (%s)", rc, sandbox_strerror(rc));
	ck_assert_int_eq(sandbox_result(sb), S_RESULT_PD);
	sandbox_destroy(sb);
}
END_TEST

START_TEST(stdio_paths)
{
	char *in = tu_tmpfile("in.txt");
	char *out = tu_tmpfile("out.txt");
	sandbox_t *sb = tu_sandbox("double", NULL);
	char *text;

	tu_write_file(in, "21\n");
	ck_assert_int_eq(sandbox_set_stdio_path(sb, 0, in, false), 0);
	ck_assert_int_eq(sandbox_set_stdio_path(sb, 1, out, false), 0);
	ck_assert_result(tu_run(sb, NULL), S_RESULT_OK);
	text = tu_slurp(out);
	ck_assert_ptr_nonnull(text);
	ck_assert_str_eq(text, "42\n");
	free(text);

	/* Truncated on the next run, appended when asked. */
	tu_write_file(in, "5\n");
	ck_assert_int_eq(sandbox_reset(sb), 0);
	ck_assert_result(tu_run(sb, NULL), S_RESULT_OK);
	text = tu_slurp(out);
	ck_assert_str_eq(text, "10\n");
	free(text);
	ck_assert_int_eq(sandbox_reset(sb), 0);
	ck_assert_int_eq(sandbox_set_stdio_path(sb, 1, out, true), 0);
	ck_assert_result(tu_run(sb, NULL), S_RESULT_OK);
	text = tu_slurp(out);
	ck_assert_str_eq(text, "10\n10\n");
	free(text);
	sandbox_destroy(sb);
}
END_TEST

START_TEST(stderr_path)
{
	char *err = tu_tmpfile("err.txt");
	sandbox_t *sb = tu_sandbox("double", NULL);
	char *text;

	/* Empty stdin: double exits 1 without output. */
	ck_assert_int_eq(sandbox_set_stdio_path(sb, 0, "/dev/null", false), 0);
	ck_assert_int_eq(sandbox_set_stdio_path(sb, 2, err, false), 0);
	ck_assert_result(tu_run(sb, NULL), S_RESULT_AT);
	text = tu_slurp(err);
	ck_assert_ptr_nonnull(text); /* created even though nothing was written */
	ck_assert_str_eq(text, "");
	sandbox_destroy(sb);
}
END_TEST

START_TEST(stdio_fds_are_not_taken_over)
{
	char *in = tu_tmpfile("fdin.txt");
	char *out = tu_tmpfile("fdout.txt");
	sandbox_t *sb = tu_sandbox("double", NULL);
	int ifd, ofd;
	char *text;

	tu_write_file(in, "-4\n");
	ifd = open(in, O_RDONLY | O_CLOEXEC);
	ofd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_int_ge(ifd, 0);
	ck_assert_int_ge(ofd, 0);
	ck_assert_int_eq(sandbox_set_stdio_fd(sb, 0, ifd), 0);
	ck_assert_int_eq(sandbox_set_stdio_fd(sb, 1, ofd), 0);
	ck_assert_result(tu_run(sb, NULL), S_RESULT_OK);
	sandbox_destroy(sb);
	text = tu_slurp(out);
	ck_assert_str_eq(text, "-8\n");
	/* Still ours, still open. */
	ck_assert_int_ne(fcntl(ifd, F_GETFD), -1);
	ck_assert_int_eq(write(ofd, "x", 1), 1);
	close(ifd);
	close(ofd);
}
END_TEST

START_TEST(caller_fds_do_not_leak_into_the_program)
{
	/* A descriptor the caller opened without O_CLOEXEC must not reach the
	 * program: it starts with exactly 0, 1 and 2. */
	int leak = open("/dev/null", O_RDONLY); /* no O_CLOEXEC on purpose */
	sandbox_t *sb = tu_sandbox("showfds", NULL);
	char *text;

	ck_assert_int_ge(leak, 3);
	ck_assert_int_eq(sandbox_set_stdio_path(sb, 0, "/dev/null", false), 0);
	text = run_capture(sb, S_RESULT_OK);
	ck_assert_str_eq(text, "0 1 2\n");
	sandbox_destroy(sb);
	close(leak);
}
END_TEST

Suite *tu_suite(void)
{
	Suite *s = suite_create("env");
	TCase *tc;

	tc = tcase_create("environment");
	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_test(tc, default_environment_is_empty);
	tcase_add_test(tc, explicit_environment);
	tcase_add_test(tc, environment_is_copied);
	tcase_add_test(tc, inherited_environment);
	tcase_add_loop_test(tc, inherited_secrets_are_stripped, 0,
	                    (int)(sizeof(secrets) / sizeof(secrets[0])));
	tcase_add_test(tc, strip_patterns_add_to_the_rule);
	suite_add_tcase(s, tc);

	tc = tcase_create("workdir");
	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_test(tc, workdir_applies);
	tcase_add_test(tc, missing_workdir_is_an_error);
	suite_add_tcase(s, tc);

	tc = tcase_create("stdio");
	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_test(tc, stdio_paths);
	tcase_add_test(tc, stderr_path);
	tcase_add_test(tc, stdio_fds_are_not_taken_over);
	tcase_add_test(tc, caller_fds_do_not_leak_into_the_program);
	suite_add_tcase(s, tc);
	return s;
}
