/*
 * ELF inspection in sandbox_check(): the facts of static, dynamic and
 * 32-bit programs and of #! scripts, and what is refused before anything
 * runs (not ELF, truncated ELF, an ABI the policy kills outright).
 */
#include "config.h"

#include "testutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A sandbox for an absolute path (not a test program name). */
static sandbox_t *sandbox_path(const char *path)
{
	const char *argv[] = { path, NULL };
	sandbox_t *sb = sandbox_new(argv);
	ck_assert_ptr_nonnull(sb);
	ck_assert_int_eq(sandbox_set_stdio_path(sb, 1, "/dev/null", false), 0);
	ck_assert_int_eq(sandbox_set_stdio_path(sb, 2, "/dev/null", false), 0);
	return sb;
}

static char *write_exec(const char *name, const void *data, size_t len)
{
	char *path = tu_tmpfile(name);
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(path, 0755), 0);
	return path;
}

static void check_info(sandbox_t *sb, sandbox_binary_info_t *bi)
{
	memset(bi, 0x5a, sizeof(*bi));
	ck_assert_int_eq(sandbox_get_binary_info(sb, bi, sizeof(*bi)), 0);
}

START_TEST(test_not_checked)
{
	sandbox_binary_info_t bi;
	sandbox_t *sb = tu_sandbox("bt_fp", NULL);
	ck_assert_int_eq(sandbox_get_binary_info(sb, &bi, sizeof(bi)), -ENODATA);
	ck_assert_int_eq(sandbox_get_binary_info(sb, NULL, sizeof(bi)), -EINVAL);
	ck_assert_ptr_null(sandbox_check_message(sb));
	sandbox_destroy(sb);
}
END_TEST

START_TEST(test_dynamic)
{
	sandbox_binary_info_t bi;
	sandbox_t *sb = tu_sandbox("bt_fp", "open", NULL);
	ck_assert_int_eq(sandbox_check(sb), 0);
	ck_assert_ptr_null(sandbox_check_message(sb));
	check_info(sb, &bi);
	ck_assert_int_eq(bi.elf_class, 64);
	ck_assert_int_eq(bi.machine, 62);
	ck_assert_int_eq(bi.abi, S_ABI_X86_64);
	ck_assert(!bi.is_static);
	ck_assert(!bi.is_script);
	ck_assert_msg(strstr(bi.interpreter, "ld-linux-x86-64.so") != NULL,
	              "interpreter %s", bi.interpreter);
	/* a shorter copy is allowed (older callers' struct) */
	int cls = 0;
	ck_assert_int_eq(sandbox_get_binary_info(sb, (void *)&cls, sizeof(cls)),
	                 0);
	ck_assert_int_eq(cls, 64);
	int r = tu_run(sb, NULL);
	ck_assert_result(r, S_RESULT_OK);
	sandbox_destroy(sb);
}
END_TEST

START_TEST(test_static)
{
	sandbox_binary_info_t bi;
	sandbox_t *sb = tu_sandbox("bt_static", "open", NULL);
	ck_assert_int_eq(sandbox_check(sb), 0);
	check_info(sb, &bi);
	ck_assert_int_eq(bi.elf_class, 64);
	ck_assert_int_eq(bi.abi, S_ABI_X86_64);
	ck_assert(bi.is_static);
	ck_assert_str_eq(bi.interpreter, "");
	int r = tu_run(sb, NULL);
	ck_assert_result(r, S_RESULT_OK);
	sandbox_destroy(sb);
}
END_TEST

START_TEST(test_not_elf)
{
	static const char text[] = "this is not a program\n";
	char *path = write_exec("text", text, sizeof(text) - 1);
	sandbox_t *sb = sandbox_path(path);
	ck_assert_int_eq(sandbox_check(sb), -ENOEXEC);
	ck_assert_int_eq(sandbox_status(sb), S_STATUS_PRE);
	const char *msg = sandbox_check_message(sb);
	ck_assert_ptr_nonnull(msg);
	ck_assert_msg(strstr(msg, "not an ELF") != NULL, "message: %s", msg);
	ck_assert_msg(strstr(msg, path) != NULL, "message names the file: %s",
	              msg);
	ck_assert_msg(strchr(msg, '\n') == NULL, "one line: %s", msg);
	/* the execute that was never allowed does not run */
	ck_assert_int_ne(sandbox_execute(sb), 0);
	sandbox_destroy(sb);
	free(path);
}
END_TEST

/* The first `keep` bytes of a real program. */
START_TEST(test_truncated)
{
	static const size_t keeps[] = { 40, 300, 4096 };
	char *whole = tu_slurp(tu_prog("bt_fp"));
	struct stat st;
	ck_assert_int_eq(stat(tu_prog("bt_fp"), &st), 0);
	ck_assert_ptr_nonnull(whole);
	ck_assert_uint_gt((size_t)st.st_size, keeps[_i]);
	char name[32];
	snprintf(name, sizeof(name), "trunc%zu", keeps[_i]);
	char *path = write_exec(name, whole, keeps[_i]);
	sandbox_t *sb = sandbox_path(path);
	ck_assert_int_eq(sandbox_check(sb), -ENOEXEC);
	const char *msg = sandbox_check_message(sb);
	ck_assert_ptr_nonnull(msg);
	ck_assert_msg(strstr(msg, "truncated") != NULL, "%zu bytes: %s",
	              keeps[_i], msg);
	sandbox_destroy(sb);
	free(path);
	free(whole);
}
END_TEST

START_TEST(test_script)
{
	static const char script[] = "#!/bin/sh -e\necho hi\n";
	sandbox_binary_info_t bi;
	char *path = write_exec("script.sh", script, sizeof(script) - 1);
	sandbox_t *sb = sandbox_path(path);
	ck_assert_int_eq(sandbox_check(sb), 0);
	check_info(sb, &bi);
	ck_assert(bi.is_script);
	ck_assert_str_eq(bi.interpreter, "/bin/sh -e");
	/* the other facts are the interpreter's */
	ck_assert_int_eq(bi.elf_class, 64);
	ck_assert_int_eq(bi.abi, S_ABI_X86_64);
	int r = tu_run(sb, NULL);
	ck_assert_result(r, S_RESULT_OK);
	sandbox_destroy(sb);
	free(path);
}
END_TEST

START_TEST(test_script_bad)
{
	static const char empty[] = "#!   \nexit 0\n";
	static const char missing[] = "#!/nonexistent/interpreter\n";
	sandbox_binary_info_t bi;

	char *path = write_exec("empty.sh", empty, sizeof(empty) - 1);
	sandbox_t *sb = sandbox_path(path);
	ck_assert_int_eq(sandbox_check(sb), -ENOEXEC);
	ck_assert_msg(strstr(sandbox_check_message(sb), "no interpreter") != NULL,
	              "%s", sandbox_check_message(sb));
	sandbox_destroy(sb);
	free(path);

	/* A missing interpreter is execve's to report (ENOENT), at execute */
	path = write_exec("missing.sh", missing, sizeof(missing) - 1);
	sb = sandbox_path(path);
	ck_assert_int_eq(sandbox_check(sb), 0);
	check_info(sb, &bi);
	ck_assert(bi.is_script);
	ck_assert_str_eq(bi.interpreter, "/nonexistent/interpreter");
	ck_assert_int_eq(bi.abi, -1);
	ck_assert_int_eq(sandbox_execute(sb), -ENOENT);
	sandbox_destroy(sb);
	free(path);
}
END_TEST

START_TEST(test_i386)
{
#ifdef HAVE_HELLO32
	sandbox_binary_info_t bi;
	sandbox_t *sb = tu_sandbox("hello32", NULL);

	/* the default policy kills every i386 syscall: refused up front */
	ck_assert_int_eq(sandbox_check(sb), -ENOEXEC);
	const char *msg = sandbox_check_message(sb);
	ck_assert_msg(msg && strstr(msg, "i386") != NULL, "message: %s",
	              msg ? msg : "(none)");
	check_info(sb, &bi);
	ck_assert_int_eq(bi.elf_class, 32);
	ck_assert_int_eq(bi.machine, 3);
	ck_assert_int_eq(bi.abi, S_ABI_I386);
	ck_assert(!bi.is_static);
	ck_assert_msg(strstr(bi.interpreter, "ld-linux.so.2") != NULL, "%s",
	              bi.interpreter);

	/* A policy with i386 rules lets it run: what a dynamic i386 hello
	 * world calls. (statx, rseq and prlimit64 are left out: the engine
	 * cannot compile i386 rules for them yet, sandbox_check() says
	 * -EINVAL; the program then ends RF at one of them, in i386.) */
	static const char *const calls[] = { "brk", "mmap2", "mprotect",
		"munmap", "fstat64", "openat", "close", "read", "write",
		"access", "ugetrlimit", "set_tid_address", "set_thread_area",
		"set_robust_list", "exit_group", "readlink", "uname", NULL };
	sandbox_policy_t *p = sandbox_policy_builtin("default");
	sandbox_stat_t st;
	ck_assert_ptr_nonnull(p);
	for (const char *const *c = calls; *c; c++)
		ck_assert_int_eq(sandbox_policy_add_rule_name(p, 1u << S_ABI_I386,
		                 *c, S_DISP_ALLOW, 0, NULL, 0), 0);
	ck_assert_int_eq(sandbox_set_policy(sb, p), 0);
	sandbox_policy_unref(p);
	ck_assert_int_eq(sandbox_check(sb), 0);
	ck_assert_ptr_null(sandbox_check_message(sb));
	int r = tu_run(sb, &st);
	ck_assert_msg(r == S_RESULT_OK ||
	              (r == S_RESULT_RF && st.has_syscall &&
	               st.syscall.abi == S_ABI_I386),
	              "verdict %s: it did not run as an i386 program", RN(r));
	if (r == S_RESULT_RF) {
		char name[32];
		tu_note("hello32 ran in i386, RF at %s", sandbox_syscall_name(
		        S_ABI_I386, st.syscall.nr, name, sizeof(name)));
	}
	sandbox_destroy(sb);
#else
	tu_skip("no 32-bit program: gcc -m32 cannot link here (install "
	        "gcc-multilib) -- i386 ELF checks skipped");
#endif
}
END_TEST

Suite *tu_suite(void)
{
	Suite *s = suite_create("diag_elf");
	TCase *tc = tcase_create("elf");

	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_test(tc, test_not_checked);
	tcase_add_test(tc, test_dynamic);
	tcase_add_test(tc, test_static);
	tcase_add_test(tc, test_not_elf);
	tcase_add_loop_test(tc, test_truncated, 0, 3);
	tcase_add_test(tc, test_script);
	tcase_add_test(tc, test_script_bad);
	tcase_add_test(tc, test_i386);
	suite_add_tcase(s, tc);
	return s;
}
