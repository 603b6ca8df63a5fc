/*
 * Loadable policy modules: the sample module (samples/module_readonly.c)
 * end to end, a module with state and hooks, and the modules that must be
 * refused with a clear message and no crash: another ABI version, no
 * entry symbol, an undefined symbol, no init, an init that refuses, an
 * init that sets a callback itself. Test modules: tests/modules/NAME.c.
 */
#include "config.h"

#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *module(const char *name)
{
	char *p;
	if (asprintf(&p, "%s/%s.so", MODULES_DIR, name) < 0)
		ck_abort_msg("out of memory");
	return p;
}

static char *sample(void)
{
	return strdup(SAMPLES_DIR "/module_readonly.so");
}

/* Load must fail with errno `e` and exactly the message `want` (with the
 * module path in front). */
static void refused(const char *name, const char *arg, int e, const char *want)
{
	char *path = module(name), err[512] = "", full[1024];
	sandbox_policy_t *p;

	errno = 0;
	p = sandbox_policy_load_module(path, arg, err, sizeof(err));
	ck_assert_msg(p == NULL, "%s loaded", name);
	ck_assert_msg(errno == e, "%s: errno %d (%s), want %d", name, errno,
	              strerror(errno), e);
	snprintf(full, sizeof(full), "%s: %s", path, want);
	ck_assert_str_eq(err, full);
	free(path);
}

START_TEST(bad_abi)
{
	char want[256];
	snprintf(want, sizeof(want), "built for policy ABI %u, this libsandbox "
	         "has ABI %u: rebuild the module", SANDBOX_POLICY_ABI + 41,
	         SANDBOX_POLICY_ABI);
	refused("bad_abi", NULL, EPROTO, want);
}
END_TEST

START_TEST(missing_entry_symbol)
{
	refused("no_symbol", NULL, ENOEXEC, "no symbol \"sandbox_policy_module\": "
	        "not a libsandbox policy module");
}
END_TEST

START_TEST(undefined_symbol)
{
	char *path = module("undefined"), err[512] = "";

	errno = 0;
	ck_assert_ptr_null(sandbox_policy_load_module(path, NULL, err,
	                                               sizeof(err)));
	ck_assert_int_eq(errno, ENOEXEC);
	ck_assert_msg(strstr(err, ": cannot load: ") != NULL &&
	              strstr(err, "tm_this_symbol_does_not_exist") != NULL,
	              "%s", err);
	free(path);
}
END_TEST

START_TEST(no_init_refuse_own_callback)
{
	char *mark = tu_tmpfile("own_callback.mark"), *text;

	refused("no_init", NULL, ENOEXEC, "module \"no-init\" has no init function");
	refused("refuse", NULL, EDOM, "module \"refuse\" refused to start: "
	        "Numerical argument out of domain");
	refused("own_callback", mark, EINVAL, "module \"own-callback\" set a "
	        "callback itself: declare it in .callback/.cleanup instead");
	ck_assert_ptr_nonnull(text = tu_slurp(mark));
	ck_assert_str_eq(text, "cleanup\n"); /* exactly once */
	free(text);
}
END_TEST

START_TEST(not_a_file)
{
	char err[512] = "";

	errno = 0;
	ck_assert_ptr_null(sandbox_policy_load_module("/nonexistent/x.so", NULL,
	                                              err, sizeof(err)));
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_str_eq(err, "/nonexistent/x.so: No such file or directory");
	/* A policy file is not a module. */
	char *pol = tu_tmpfile("text.so");
	tu_write_file(pol, "getpid allow\n");
	errno = 0;
	ck_assert_ptr_null(sandbox_policy_load_module(pol, NULL, err, sizeof(err)));
	ck_assert_int_eq(errno, ENOEXEC);
	ck_assert_msg(strstr(err, "cannot load") != NULL, "%s", err);
}
END_TEST

/* State, callback, cleanup: counter denies the third getpid. */
START_TEST(counter_state_and_hooks)
{
	char *path = module("counter"), *out = tu_tmpfile("counter.out"), *text;
	char err[512] = "";
	const char *argv[] = { tu_prog("polprog"), "getpid", "getpid", "getpid",
	                       NULL };
	sandbox_policy_t *p = sandbox_policy_load_module(path, out, err,
	                                                 sizeof(err));
	sandbox_stat_t st;
	sandbox_t *sb;

	ck_assert_msg(p != NULL, "%s", err);
	ck_assert_ptr_nonnull(sb = sandbox_new(argv));
	ck_assert_int_eq(sandbox_set_mode(sb, _i ? S_MODE_CLASSIC : S_MODE_FAST), 0);
	ck_assert_int_eq(sandbox_set_policy(sb, p), 0);
	sandbox_policy_unref(p); /* the sandbox holds it now */
	ck_assert_result(tu_run(sb, &st), S_RESULT_AT);
	ck_assert_int_eq(st.exit_code, 125); /* getpid() returned -EPERM */
	ck_assert_int_eq(access(out, F_OK), -1); /* not freed yet */
	sandbox_destroy(sb); /* last reference: cleanup, then dlclose */
	ck_assert_ptr_nonnull(text = tu_slurp(out));
	ck_assert_str_eq(text, "3\n");
	free(text);
	free(path);
}
END_TEST

/* The sample: reads under DIR only, no writes, counts syscalls. */
static int run_sample(const char *arg, const char *op, int mode,
                      sandbox_stat_t *st)
{
	char *path = sample(), err[512] = "", spec[4096];
	const char *argv[] = { tu_prog("polprog"), "write", op, NULL };
	sandbox_policy_t *p;
	sandbox_t *sb;
	int r;

	snprintf(spec, sizeof(spec), "%s:%s", path, arg);
	p = sandbox_policy_load(spec, err, sizeof(err));
	ck_assert_msg(p != NULL, "%s", err);
	ck_assert_ptr_nonnull(sb = sandbox_new(argv));
	ck_assert_int_eq(sandbox_set_stdio_path(sb, 1, "/dev/null", false), 0);
	ck_assert_int_eq(sandbox_set_mode(sb, mode), 0);
	ck_assert_int_eq(sandbox_set_policy(sb, p), 0);
	r = tu_run(sb, st);
	sandbox_destroy(sb);
	sandbox_policy_unref(p);
	free(path);
	return r;
}

START_TEST(sample_readonly)
{
	int mode = _i ? S_MODE_CLASSIC : S_MODE_FAST;
	char *dir = tu_tmpfile("ro"), *file, *counts = tu_tmpfile("counts.txt");
	char *arg, *op, *text;
	sandbox_stat_t st;
	int r;

	mkdir(dir, 0755);
	file = tu_tmpfile("ro/data.txt");
	tu_write_file(file, "data\n");
	ck_assert_int_ge(asprintf(&arg, "%s:%s", dir, counts), 0);

	ck_assert_int_ge(asprintf(&op, "open:%s", file), 0);
	r = run_sample(arg, op, mode, &st);
	ck_assert_msg(r == S_RESULT_OK, "read under DIR: %s exit %d", RN(r),
	              st.exit_code);
	ck_assert_ptr_nonnull(text = tu_slurp(counts));
	ck_assert_msg(strstr(text, "openat 1\n") && strstr(text, "write 1\n") &&
	              strstr(text, "exit_group 1\n"), "counts:\n%s", text);

	ck_assert_int_ge(asprintf(&op, "open:%s", tu_tmpfile("in.txt")), 0);
	tu_write_file(tu_tmpfile("in.txt"), "outside\n");
	r = run_sample(arg, op, mode, &st);
	ck_assert_msg(r == S_RESULT_AT && tu_file_refused(st.exit_code),
	              "read outside: %s exit %d", RN(r), st.exit_code);

	ck_assert_int_ge(asprintf(&op, "create:%s/new.txt", dir), 0);
	r = run_sample(arg, op, mode, &st);
	ck_assert_msg(r == S_RESULT_AT && tu_file_refused(st.exit_code),
	              "write under DIR: %s exit %d", RN(r), st.exit_code);

	r = run_sample(arg, "fork", mode, &st);
	ck_assert_result(r, S_RESULT_RF);

	/* explain names the module and shows the path rules */
	char err[512];
	char *spec, *ex = tu_tmpfile("explain.txt");
	ck_assert_int_ge(asprintf(&spec, "%s:%s", SAMPLES_DIR "/module_readonly.so",
	                          dir), 0);
	sandbox_policy_t *p = sandbox_policy_load(spec, err, sizeof(err));
	ck_assert_msg(p != NULL, "%s", err);
	int fd = open(ex, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_eq(sandbox_policy_explain(p, fd), 0);
	close(fd);
	text = tu_slurp(ex);
	ck_assert_msg(strstr(text, "# loaded from module " SAMPLES_DIR
	                     "/module_readonly.so") != NULL, "%s", text);
	ck_assert_msg(strstr(text, "read-dir  ") != NULL, "%s", text);
	ck_assert_msg(strstr(text, "x86_64 clone ") != NULL, "%s", text);
	sandbox_policy_unref(p);
}
END_TEST

START_TEST(sample_needs_dir)
{
	char err[512] = "";

	errno = 0;
	ck_assert_ptr_null(sandbox_policy_load(SAMPLES_DIR "/module_readonly.so",
	                                       err, sizeof(err)));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_msg(strstr(err, "module \"readonly\" refused to start") != NULL,
	              "%s", err);
}
END_TEST

Suite *tu_suite(void)
{
	Suite *s = suite_create("policy_module");
	TCase *tc = tcase_create("refused");

	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_test(tc, bad_abi);
	tcase_add_test(tc, missing_entry_symbol);
	tcase_add_test(tc, undefined_symbol);
	tcase_add_test(tc, no_init_refuse_own_callback);
	tcase_add_test(tc, not_a_file);
	suite_add_tcase(s, tc);

	tc = tcase_create("loaded");
	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_loop_test(tc, counter_state_and_hooks, 0, 2);
	tcase_add_loop_test(tc, sample_readonly, 0, 2);
	tcase_add_test(tc, sample_needs_dir);
	suite_add_tcase(s, tc);
	return s;
}
