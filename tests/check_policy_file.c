/*
 * The policy-file parser: valid files (tests/policyfiles/good/NAME.pol) load,
 * explain and judge as written; every malformed file of
 * tests/policyfiles/bad/ fails with exactly the message of its .err
 * sidecar ("NAME:LINE:COLUMN: message"); file-level errors.
 */
#include "config.h"

#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int modes_of(int i)
{
	return i ? S_MODE_CLASSIC : S_MODE_FAST;
}

static char *pf(const char *rel)
{
	char *p;
	if (asprintf(&p, "%s/%s", POLICYFILES_DIR, rel) < 0)
		ck_abort_msg("out of memory");
	return p;
}

static sandbox_policy_t *load_good(const char *name)
{
	char err[512] = "", *path = pf(name);
	sandbox_policy_t *p = sandbox_policy_load_file(path, err, sizeof(err));

	ck_assert_msg(p != NULL, "%s: %s", name, err);
	free(path);
	return p;
}

static char *explain(const sandbox_policy_t *p)
{
	char *path = tu_tmpfile("explain.txt");
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(sandbox_policy_explain(p, fd), 0);
	close(fd);
	return tu_slurp(path);
}

static int run(sandbox_policy_t *p, int mode, sandbox_stat_t *st,
               const char *op1, const char *op2)
{
	const char *argv[] = { tu_prog("polprog"), op1, op2, NULL };
	sandbox_t *sb;
	int r;

	ck_assert_ptr_nonnull(sb = sandbox_new(argv));
	ck_assert_int_eq(sandbox_set_stdio_path(sb, 1, "/dev/null", false), 0);
	ck_assert_int_eq(sandbox_set_workdir(sb, tu_tmpdir()), 0);
	ck_assert_int_eq(sandbox_set_mode(sb, mode), 0);
	ck_assert_int_eq(sandbox_set_policy(sb, p), 0);
	r = tu_run(sb, st);
	sandbox_destroy(sb);
	return r;
}

/* ------------------------------------------------------------ good */

START_TEST(good_scratch)
{
	sandbox_policy_t *p = load_good("good/scratch.pol");
	char *text = explain(p);
	sandbox_stat_t st;

	ck_assert_msg(strstr(text, "# ABI x86_64: default kill") &&
	              strstr(text, "x86_64 getpid               trace+exit\n") &&
	              strstr(text, "x86_64 readlink             errno(ENOENT)\n") &&
	              strstr(text, "x86_64 kill                 allow if arg0 == "
	                     "self && (arg1 & 0xffffffff) == 0; else kill\n") &&
	              strstr(text, "x86_64 ioctl                allow if (arg1 & "
	                     "0xffff) == 0x5401; else kill\n") &&
	              strstr(text, "x86_64 prlimit64            allow if arg2 == "
	                     "0; else kill\n"), "%s", text);
	ck_assert_result(run(p, modes_of(_i), &st, "write", NULL), S_RESULT_OK);
	/* getpid is "trace+exit" and there is no callback: bad policy. */
	ck_assert_result(run(p, modes_of(_i), &st, "write", "getpid"),
	                 S_RESULT_BP);
	ck_assert_result(run(p, modes_of(_i), &st, "write", "mmap"), S_RESULT_RF);
	sandbox_policy_unref(p);
	free(text);
}
END_TEST

START_TEST(good_tighten)
{
	sandbox_policy_t *p = load_good("good/tighten.pol");
	sandbox_stat_t st;
	int r;

	ck_assert_result(run(p, modes_of(_i), &st, "write", "mmap"), S_RESULT_OK);
	r = run(p, modes_of(_i), &st, "write", "getpid");
	ck_assert_msg(r == S_RESULT_AT && st.exit_code == 125, "%s exit %d",
	              RN(r), st.exit_code);
	sandbox_policy_unref(p);
}
END_TEST

/* "memory-mode rss": the policy's preference, used by a sandbox that sets
 * none, said by explain; a sandbox's own mode wins. */
START_TEST(good_memory_mode)
{
	sandbox_policy_t *p = load_good("good/memory.pol");
	char *text = explain(p);
	sandbox_stat_t st;

	ck_assert_int_eq(sandbox_policy_memory_mode(p), S_MEMORY_RSS);
	ck_assert_msg(strstr(text, "# memory quota judged on: resident memory"),
	              "%s", text);
	sandbox_t *sb = tu_sandbox("polprog", "write", "mmap", NULL);
	ck_assert_int_eq(sandbox_set_policy(sb, p), 0);
	ck_assert_result(tu_run(sb, &st), S_RESULT_OK);
	ck_assert_int_eq(st.memory_mode, S_MEMORY_RSS);
	ck_assert_int_eq(sandbox_reset(sb), 0);
	ck_assert_int_eq(sandbox_set_memory_mode(sb, S_MEMORY_VSIZE), 0);
	ck_assert_result(tu_run(sb, &st), S_RESULT_OK);
	ck_assert_int_eq(st.memory_mode, S_MEMORY_VSIZE);
	sandbox_destroy(sb);
	ck_assert_int_eq(sandbox_policy_set_memory_mode(p, 7), -EINVAL);
	sandbox_policy_unref(p);
}
END_TEST

/* sandbox_policy_set_env_default: NAME=VALUE entries, the same name
 * replaced, at most SANDBOX_POLICY_ENV_MAX names, said by explain. */
START_TEST(env_defaults)
{
	sandbox_policy_t *p = sandbox_policy_new();
	char entry[32];

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(sandbox_policy_set_env_default(NULL, "A=1"), -EINVAL);
	ck_assert_int_eq(sandbox_policy_set_env_default(p, NULL), -EINVAL);
	ck_assert_int_eq(sandbox_policy_set_env_default(p, "A"), -EINVAL);
	ck_assert_int_eq(sandbox_policy_set_env_default(p, "=1"), -EINVAL);
	for (int i = 0; i < SANDBOX_POLICY_ENV_MAX; i++) {
		snprintf(entry, sizeof(entry), "V%d=%d", i, i);
		ck_assert_int_eq(sandbox_policy_set_env_default(p, entry), 0);
	}
	ck_assert_int_eq(sandbox_policy_set_env_default(p, "W=1"), -ENOSPC);
	ck_assert_int_eq(sandbox_policy_set_env_default(p, "V1=one"), 0);
	char *text = explain(p);
	ck_assert_msg(strstr(text, "# environment: V1=one unless") &&
	              !strstr(text, "V1=1 ") && strstr(text, "V7=7") &&
	              !strstr(text, "W=1"), "%s", text);
	sandbox_policy_unref(p);
}
END_TEST

START_TEST(good_paths)
{
	sandbox_policy_t *p = load_good("good/paths.pol");
	char *out = tu_tmpfile("out"), *text = explain(p), *op;
	sandbox_stat_t st;
	int r;

	ck_assert_msg(strstr(text, "#   read-dir  /usr/share\n") &&
	              strstr(text, "#   write-dir out  (relative to the "
	                     "program's working directory)\n"), "%s", text);
	tu_mkdir_shared(out);
	ck_assert_result(run(p, modes_of(_i), &st, "create:out/x.txt",
	                     "open:out/x.txt"), S_RESULT_OK);
	/* "openat allow" came after the path rules: they still apply. */
	tu_write_file(tu_tmpfile("in.txt"), "x\n");
	ck_assert_int_ge(asprintf(&op, "open:%s", tu_tmpfile("in.txt")), 0);
	r = run(p, modes_of(_i), &st, "write", op);
	ck_assert_msg(r == S_RESULT_AT && tu_file_refused(st.exit_code), "%s exit %d",
	              RN(r), st.exit_code);
	r = run(p, modes_of(_i), &st, "write", "open:out/../in.txt");
	ck_assert_msg(r == S_RESULT_AT && tu_file_refused(st.exit_code), "%s exit %d",
	              RN(r), st.exit_code);
	r = run(p, modes_of(_i), &st, "create:/usr/share/x", NULL);
	ck_assert_msg(r == S_RESULT_AT && tu_file_refused(st.exit_code), "%s exit %d",
	              RN(r), st.exit_code);
	sandbox_policy_unref(p);
	free(text);
}
END_TEST

/* The file-rule statements: what explain shows of them, and that "files
 * unconfined" removes them all. */
START_TEST(file_rule_statements)
{
	static const char text[] = "include minimal\n"
		"read-dir /usr/share optional\n"
		"exec-file /bin/true\n"
		"read-args\n"
		"write-dir out\n";
	static const char none[] = "include default\nfiles unconfined\n";
	static const char empty[] = "include unrestricted\nfiles confined\n";
	char err[256] = "", *t;
	sandbox_policy_t *p = sandbox_policy_parse(text, strlen(text), "f", err,
	                                           sizeof(err));

	ck_assert_msg(p != NULL, "%s", err);
	t = explain(p);
	ck_assert_msg(strstr(t, "#   read-dir  /usr/share  optional\n") &&
	              strstr(t, "#   exec-file /bin/true\n") &&
	              strstr(t, "#   read-args") &&
	              strstr(t, "#   write-dir out  (relative to the program's "
	                     "working directory)\n"), "%s", t);
	free(t);
	sandbox_policy_unref(p);
	ck_assert_ptr_nonnull(p = sandbox_policy_parse(none, strlen(none), "n",
	                                               err, sizeof(err)));
	t = explain(p);
	ck_assert_msg(strstr(t, "# file rules: none") != NULL, "%s", t);
	free(t);
	sandbox_policy_unref(p);
	ck_assert_ptr_nonnull(p = sandbox_policy_parse(empty, strlen(empty), "e",
	                                               err, sizeof(err)));
	t = explain(p);
	ck_assert_msg(strstr(t, "# file rules (enforced by the kernel") &&
	              strstr(t, "the program's own file"), "%s", t);
	free(t);
	sandbox_policy_unref(p);
}
END_TEST

START_TEST(text_forms)
{
	static const char text[] =
		"\t# leading comment\r\n"
		"getpid   allow # trailing comment\n"
		"write deny 5\n"
		"read deny EIO\n"
		"dup allow arg0 >= 0x10 && arg0 < 021 && arg1 != -1\n"
		"default deny EPERM";                 /* no final newline */
	char err[256] = "";
	sandbox_policy_t *p = sandbox_policy_parse(text, strlen(text), "t", err,
	                                           sizeof(err));
	uint64_t args[6] = { 0 };
	int e = 0;
	long nr;

	ck_assert_msg(p != NULL, "%s", err);
	nr = sandbox_syscall_number(S_ABI_X86_64, "write");
	ck_assert_int_eq(sandbox_policy_evaluate(p, S_ABI_X86_64, nr, args, 1, &e),
	                 S_DISP_ERRNO);
	ck_assert_int_eq(e, 5);
	nr = sandbox_syscall_number(S_ABI_X86_64, "read");
	ck_assert_int_eq(sandbox_policy_evaluate(p, S_ABI_X86_64, nr, args, 1, &e),
	                 S_DISP_ERRNO);
	ck_assert_int_eq(e, EIO);
	nr = sandbox_syscall_number(S_ABI_X86_64, "dup");
	args[0] = 0x10;
	ck_assert_int_eq(sandbox_policy_evaluate(p, S_ABI_X86_64, nr, args, 1, &e),
	                 S_DISP_ALLOW);
	args[0] = 0x11; /* 021 is octal: 17 */
	ck_assert_int_eq(sandbox_policy_evaluate(p, S_ABI_X86_64, nr, args, 1, &e),
	                 S_DISP_ERRNO);
	ck_assert_int_eq(e, EPERM); /* the default */
	nr = sandbox_syscall_number(S_ABI_X86_64, "getpid");
	ck_assert_int_eq(sandbox_policy_evaluate(p, S_ABI_X86_64, nr, args, 1, &e),
	                 S_DISP_ALLOW);
	sandbox_policy_unref(p);
	/* empty text: an empty policy */
	ck_assert_ptr_nonnull(p = sandbox_policy_parse("", 0, "e", err,
	                                               sizeof(err)));
	sandbox_policy_unref(p);
}
END_TEST

/* ------------------------------------------------------------ bad */

START_TEST(bad_corpus)
{
	char *dir = pf("bad");
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort), checked = 0;

	ck_assert_int_gt(n, 0);
	for (int i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		size_t len = strlen(name);
		char *path, *want, *text, err[512];
		sandbox_policy_t *p;

		if (len < 5 || strcmp(name + len - 4, ".pol") != 0)
			continue;
		ck_assert_int_ge(asprintf(&path, "%s/%s", dir, name), 0);
		ck_assert_ptr_nonnull(text = tu_slurp(path));
		path[strlen(path) - 4] = '\0';
		strcat(path, ".err");
		ck_assert_msg((want = tu_slurp(path)) != NULL, "no %s", path);
		want[strcspn(want, "\n")] = '\0';
		memset(err, 0, sizeof(err));
		errno = 0;
		p = sandbox_policy_parse(text, strlen(text), name, err, sizeof(err));
		ck_assert_msg(p == NULL, "%s parsed", name);
		ck_assert_msg(errno != 0, "%s: errno not set", name);
		ck_assert_msg(strcmp(err, want) == 0, "%s:\n got: %s\nwant: %s", name,
		              err, want);
		checked++;
		free(text);
		free(want);
		free(path);
	}
	ck_assert_int_ge(checked, 25);
}
END_TEST

START_TEST(unknown_names_errno)
{
	char err[256];

	errno = 0;
	ck_assert_ptr_null(sandbox_policy_parse("nosuch allow", 12, "x", err,
	                                        sizeof(err)));
	ck_assert_int_eq(errno, ENOENT);
	errno = 0;
	ck_assert_ptr_null(sandbox_policy_parse("getpid alow", 11, "x", err,
	                                        sizeof(err)));
	ck_assert_int_eq(errno, EINVAL);
	/* the text is not NUL-terminated: len decides */
	ck_assert_ptr_nonnull(sandbox_policy_parse("getpid allowXXX", 12, "x",
	                                           err, sizeof(err)));
	/* a tiny message buffer is still terminated */
	ck_assert_ptr_null(sandbox_policy_parse("nosuch allow", 12, "x", err, 4));
	ck_assert_str_eq(err, "x:1");
}
END_TEST

START_TEST(file_errors)
{
	char err[512];
	const char *tmp = tu_tmpdir();
	char *want;

	errno = 0;
	ck_assert_ptr_null(sandbox_policy_load_file("/nonexistent/p.pol", err,
	                                            sizeof(err)));
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_str_eq(err, "/nonexistent/p.pol: No such file or directory");
	errno = 0;
	ck_assert_ptr_null(sandbox_policy_load_file(tmp, err, sizeof(err)));
	ck_assert_int_eq(errno, EISDIR);
	ck_assert_int_ge(asprintf(&want, "%s: Is a directory", tmp), 0);
	ck_assert_str_eq(err, want);
	/* via sandbox_policy_load: a path with a '/' is a file */
	ck_assert_ptr_null(sandbox_policy_load("./nonexistent", err, sizeof(err)));
	ck_assert_str_eq(err, "./nonexistent: No such file or directory");
	free(want);
}
END_TEST

/* A FIFO nobody writes is refused at once, as a file and as a module,
 * not waited on (review-stop24 D4: the open blocked for good); a file
 * whose size says nothing (/proc) gives its read error, not an empty
 * policy that kills every call. */
START_TEST(fifo_and_proc_files_refused)
{
	char err[512], *fifo;

	ck_assert_int_ge(asprintf(&fifo, "%s/p.pol", tu_tmpdir()), 0);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	alarm(20); /* the old code never returned */
	errno = 0;
	ck_assert_ptr_null(sandbox_policy_load_file(fifo, err, sizeof(err)));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
	ck_assert_ptr_null(sandbox_policy_load(fifo, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
	free(fifo);
	ck_assert_int_ge(asprintf(&fifo, "%s/m.so", tu_tmpdir()), 0);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	errno = 0;
	ck_assert_ptr_null(sandbox_policy_load_module(fifo, NULL, err,
	                                              sizeof(err)));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
	alarm(0);
	free(fifo);

	errno = 0;
	ck_assert_ptr_null(sandbox_policy_load_file("/proc/self/mem", err,
	                                            sizeof(err)));
	ck_assert_int_eq(errno, EIO);
}
END_TEST

Suite *tu_suite(void)
{
	Suite *s = suite_create("policy_file");
	TCase *tc = tcase_create("good");

	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_loop_test(tc, good_scratch, 0, 2);
	tcase_add_loop_test(tc, good_tighten, 0, 2);
	tcase_add_loop_test(tc, good_paths, 0, 2);
	tcase_add_test(tc, good_memory_mode);
	tcase_add_test(tc, env_defaults);
	tcase_add_test(tc, text_forms);
	tcase_add_test(tc, file_rule_statements);
	suite_add_tcase(s, tc);

	tc = tcase_create("bad");
	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_test(tc, bad_corpus);
	tcase_add_test(tc, unknown_names_errno);
	tcase_add_test(tc, file_errors);
	tcase_add_test(tc, fifo_and_proc_files_refused);
	suite_add_tcase(s, tc);
	return s;
}
