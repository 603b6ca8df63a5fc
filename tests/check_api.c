/*
 * Lifecycle and bad input, through the public API only: argument checks,
 * error returns without a verdict, the status machine, names and numbers.
 */
#include "config.h"

#include "testutil.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------ creation */

START_TEST(new_rejects_null_and_empty_argv)
{
	const char *empty[] = { NULL };

	errno = 0;
	ck_assert_ptr_null(sandbox_new(NULL));
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_ptr_null(sandbox_new(empty));
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(new_copies_argv)
{
	char prog[512], arg[16];
	const char *argv[] = { prog, arg, NULL };
	char *out = tu_tmpfile("argv.out");
	sandbox_t *sb;
	char *text;

	snprintf(prog, sizeof(prog), "%s", tu_prog("showenv"));
	strcpy(arg, "first");
	sb = sandbox_new(argv);
	ck_assert_ptr_nonnull(sb);
	/* Scribble over the caller's copy: the sandbox must not notice. */
	memset(prog, 'x', 20);
	strcpy(arg, "changed");
	ck_assert_int_eq(sandbox_set_stdio_path(sb, 1, out, false), 0);
	ck_assert_result(tu_run(sb, NULL), S_RESULT_OK);
	text = tu_slurp(out);
	ck_assert_ptr_nonnull(text);
	ck_assert_msg(strstr(text, "argv[1]=first\n") != NULL, "got: %s", text);
	sandbox_destroy(sb);
}
END_TEST

START_TEST(destroy_null_is_fine)
{
	sandbox_destroy(NULL);
}
END_TEST

/* ------------------------------------------------------------ setters */

START_TEST(setters_reject_bad_values)
{
	sandbox_t *sb = tu_sandbox("hello", NULL);
	const char *empty[] = { NULL };
	const char *badenv[] = { "NOEQUALSSIGN", NULL };
	const char *badenv2[] = { "=value", NULL };

	ck_assert_int_eq(sandbox_set_argv(sb, NULL), -EINVAL);
	ck_assert_int_eq(sandbox_set_argv(sb, empty), -EINVAL);
	ck_assert_int_eq(sandbox_set_env(sb, badenv), -EINVAL);
	ck_assert_int_eq(sandbox_set_env(sb, badenv2), -EINVAL);
	ck_assert_int_eq(sandbox_set_quota(sb, -1, 1000), -EINVAL);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_COUNT, 1000), -EINVAL);
	/* Byte quotas a figure can reach (review-stop25 E6: 2^63 was taken,
	 * then judged as negative -- every run ML or OL). */
	for (int q = S_QUOTA_MEMORY; q <= S_QUOTA_DISK; q++) {
		ck_assert_int_eq(sandbox_set_quota(sb, q, (uint64_t)INT64_MAX + 1),
		                 -EINVAL);
		ck_assert_int_eq(sandbox_set_quota(sb, q, UINT64_MAX - 1), -EINVAL);
		ck_assert_int_eq(sandbox_set_quota(sb, q, INT64_MAX), 0);
		ck_assert_int_eq(sandbox_set_quota(sb, q, SANDBOX_UNLIMITED), 0);
	}
	ck_assert_int_eq(sandbox_set_memory_mode(sb, -1), -EINVAL);
	ck_assert_int_eq(sandbox_set_memory_mode(sb, 2), -EINVAL);
	ck_assert_int_eq(sandbox_set_mode(sb, -1), -EINVAL);
	ck_assert_int_eq(sandbox_set_mode(sb, 2), -EINVAL);
	ck_assert_int_eq(sandbox_set_sample_interval(sb, 99), -EINVAL);
	ck_assert_int_eq(sandbox_set_sample_interval(sb, 1000001), -EINVAL);
	ck_assert_int_eq(sandbox_set_sample_interval(sb, 100), 0);
	ck_assert_int_eq(sandbox_set_sample_interval(sb, 1000000), 0);
	ck_assert_int_eq(sandbox_set_stdio_fd(sb, -1, 0), -EINVAL);
	ck_assert_int_eq(sandbox_set_stdio_fd(sb, 3, 0), -EINVAL);
	ck_assert_int_eq(sandbox_set_stdio_path(sb, 3, "/dev/null", false), -EINVAL);
	ck_assert_int_eq(sandbox_set_stdio_path(sb, -1, "/dev/null", false), -EINVAL);
	ck_assert_int_eq(sandbox_set_stdio_fd(sb, 1, -1), 0); /* inherit */
	ck_assert_int_eq(sandbox_set_stdio_path(sb, 1, "/dev/null", false), 0);

	/* A NULL sandbox is refused by every entry point. */
	ck_assert_int_eq(sandbox_set_argv(NULL, empty), -EINVAL);
	ck_assert_int_eq(sandbox_set_env(NULL, NULL), -EINVAL);
	ck_assert_int_eq(sandbox_set_env_inherit(NULL, true), -EINVAL);
	ck_assert_int_eq(sandbox_set_workdir(NULL, "/"), -EINVAL);
	ck_assert_int_eq(sandbox_set_quota(NULL, S_QUOTA_CPU, 1), -EINVAL);
	ck_assert_int_eq(sandbox_set_mode(NULL, S_MODE_FAST), -EINVAL);
	ck_assert_int_eq(sandbox_set_memory_mode(NULL, S_MEMORY_RSS), -EINVAL);
	ck_assert_int_eq(sandbox_set_policy(NULL, NULL), -EINVAL);
	ck_assert_int_eq(sandbox_set_stdio_fd(NULL, 0, -1), -EINVAL);
	ck_assert_int_eq(sandbox_set_sample_interval(NULL, 5000), -EINVAL);
	ck_assert_int_eq(sandbox_check(NULL), -EINVAL);
	ck_assert_int_eq(sandbox_execute(NULL), -EINVAL);
	ck_assert_int_eq(sandbox_reset(NULL), -EINVAL);
	ck_assert_int_eq(sandbox_interrupt(NULL, SIGTERM), -EINVAL);

	/* Every rejected call left the sandbox usable. */
	ck_assert_result(tu_run(sb, NULL), S_RESULT_OK);
	sandbox_destroy(sb);
}
END_TEST

START_TEST(get_stat_rejects_null)
{
	sandbox_t *sb = tu_sandbox("hello", NULL);
	sandbox_stat_t st;

	ck_assert_int_eq(sandbox_get_stat(sb, NULL, sizeof(st)), -EINVAL);
	ck_assert_int_eq(sandbox_get_stat(NULL, &st, sizeof(st)), -EINVAL);
	sandbox_destroy(sb);
}
END_TEST

START_TEST(stats_are_minus_one_before_a_run)
{
	sandbox_t *sb = tu_sandbox("hello", NULL);
	sandbox_stat_t st;

	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(sandbox_get_stat(sb, &st, sizeof(st)), 0);
	ck_assert_int_eq(st.result, S_RESULT_PD);
	ck_assert_int_eq(sandbox_result(sb), S_RESULT_PD);
	ck_assert_int_eq(st.exit_code, -1);
	ck_assert_int_eq(st.cpu_time_us, -1);
	ck_assert_int_eq(st.user_time_us, -1);
	ck_assert_int_eq(st.sys_time_us, -1);
	ck_assert_int_eq(st.wall_time_us, -1);
	ck_assert_int_eq(st.memory_peak, -1);
	ck_assert_int_eq(st.vm_peak, -1);
	ck_assert_int_eq(st.rss_peak, -1);
	ck_assert_int_eq(st.output_bytes, -1);
	ck_assert_int_eq(st.csw_voluntary, -1);
	ck_assert_int_eq(st.csw_forced, -1);
	ck_assert(!st.has_syscall);

	/* Same after a run and a reset: statistics are cleared. */
	ck_assert_result(tu_run(sb, NULL), S_RESULT_OK);
	ck_assert_int_eq(sandbox_reset(sb), 0);
	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(sandbox_get_stat(sb, &st, sizeof(st)), 0);
	ck_assert_int_eq(st.result, S_RESULT_PD);
	ck_assert_int_eq(st.cpu_time_us, -1);
	ck_assert_int_eq(st.wall_time_us, -1);
	ck_assert_int_eq(st.memory_peak, -1);
	sandbox_destroy(sb);
}
END_TEST

/* Context switches (isolate's csw-voluntary / csw-forced): a program that
 * sleeps gives the CPU up at least once; both figures are known. */
START_TEST(context_switches_are_counted)
{
	sandbox_t *sb = tu_sandbox("sleep", NULL);
	sandbox_stat_t st;

	ck_assert_int_eq(sandbox_set_mode(sb, _i), 0);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_WALLCLOCK, 200), 0);
	ck_assert_result(tu_run(sb, &st), S_RESULT_TL);
	ck_assert_int_ge(st.csw_voluntary, 1);
	ck_assert_int_ge(st.csw_forced, 0);
	sandbox_destroy(sb);
}
END_TEST

START_TEST(get_stat_honours_size)
{
	sandbox_t *sb = tu_sandbox("hello", NULL);
	sandbox_stat_t st;
	unsigned char *raw = (unsigned char *)&st;

	ck_assert_result(tu_run(sb, NULL), S_RESULT_OK);
	/* A caller with an older, shorter struct: nothing past `size`. */
	memset(&st, 0x5a, sizeof(st));
	ck_assert_int_eq(sandbox_get_stat(sb, &st, sizeof(int)), 0);
	ck_assert_int_eq(st.result, S_RESULT_OK);
	for (size_t i = sizeof(int); i < sizeof(st); i++)
		ck_assert_msg(raw[i] == 0x5a, "byte %zu written past size", i);
	sandbox_destroy(sb);
}
END_TEST

/* ------------------------------------------------------------ programs that cannot run */

START_TEST(missing_program_is_enoent_without_verdict)
{
	const char *argv[] = { "/nonexistent/sandbox-test-program", NULL };
	sandbox_t *sb = sandbox_new(argv);

	ck_assert_ptr_nonnull(sb);
	ck_assert_int_eq(sandbox_check(sb), -ENOENT);
	ck_assert_int_eq(sandbox_status(sb), S_STATUS_PRE);
	ck_assert_int_eq(sandbox_execute(sb), -ENOENT);
	ck_assert_int_eq(sandbox_result(sb), S_RESULT_PD);
	ck_assert_int_ne(sandbox_status(sb), S_STATUS_FIN);
	sandbox_destroy(sb);
}
END_TEST

START_TEST(non_executable_is_eacces)
{
	char *path = tu_tmpfile("plain.txt");
	const char *argv[] = { path, NULL };
	sandbox_t *sb;

	tu_write_file(path, "#!/bin/sh\nexit 0\n");
	ck_assert_int_eq(chmod(path, 0644), 0);
	sb = sandbox_new(argv);
	ck_assert_ptr_nonnull(sb);
	ck_assert_int_eq(sandbox_check(sb), -EACCES);
	ck_assert_int_eq(sandbox_execute(sb), -EACCES);
	ck_assert_int_eq(sandbox_result(sb), S_RESULT_PD);
	sandbox_destroy(sb);
}
END_TEST

START_TEST(directory_is_eisdir)
{
	const char *argv[] = { tu_tmpdir(), NULL };
	sandbox_t *sb = sandbox_new(argv);

	ck_assert_ptr_nonnull(sb);
	ck_assert_int_eq(sandbox_check(sb), -EISDIR);
	ck_assert_int_eq(sandbox_execute(sb), -EISDIR);
	ck_assert_int_eq(sandbox_result(sb), S_RESULT_PD);
	sandbox_destroy(sb);
}
END_TEST

START_TEST(garbage_executable_is_execve_error)
{
	char *path = tu_tmpfile("garbage");
	const char *argv[] = { path, NULL };
	sandbox_t *sb;
	int rc;

	tu_write_file(path, "\x7f" "ELF this is not really an ELF file\n");
	ck_assert_int_eq(chmod(path, 0755), 0);
	sb = sandbox_new(argv);
	ck_assert_ptr_nonnull(sb);
	/* sandbox_check() may already see that it is no ELF program (it reads
	 * the ELF facts); if it does not, execve() itself fails. */
	rc = sandbox_check(sb);
	ck_assert_msg(rc == 0 || rc == -ENOEXEC, "check: %d (%s)", rc, sandbox_strerror(rc));
	if (rc == 0) {
		rc = sandbox_execute(sb);
		ck_assert_msg(rc == -ENOEXEC, "execute: %d (%s)", rc, sandbox_strerror(rc));
		ck_assert_ptr_nonnull(sandbox_failed_step(sb));
		ck_assert_str_eq(sandbox_failed_step(sb), "execve");
	} else {
		ck_assert_int_eq(sandbox_execute(sb), -ENOEXEC);
	}
	ck_assert_int_eq(sandbox_result(sb), S_RESULT_PD);
	sandbox_destroy(sb);
}
END_TEST

START_TEST(unopenable_stdin_is_an_error)
{
	sandbox_t *sb = tu_sandbox("double", NULL);
	int rc;

	ck_assert_int_eq(sandbox_set_stdio_path(sb, 0, "/nonexistent/input.txt", false), 0);
	rc = sandbox_execute(sb);
	ck_assert_msg(rc == -ENOENT, "execute: %d (%s)", rc, sandbox_strerror(rc));
	ck_assert_int_eq(sandbox_result(sb), S_RESULT_PD);
	ck_assert_ptr_nonnull(sandbox_failed_step(sb));
	sandbox_destroy(sb);
}
END_TEST

START_TEST(unopenable_stdout_is_an_error)
{
	sandbox_t *sb = tu_sandbox("hello", NULL);
	int rc;

	ck_assert_int_eq(sandbox_set_stdio_path(sb, 1, "/nonexistent/dir/out.txt", false), 0);
	rc = sandbox_execute(sb);
	ck_assert_msg(rc < 0, "execute: %d", rc);
	ck_assert_int_eq(sandbox_result(sb), S_RESULT_PD);
	sandbox_destroy(sb);
}
END_TEST

START_TEST(workdir_on_a_file_is_enotdir)
{
	char *file = tu_tmpfile("not-a-dir");
	sandbox_t *sb = tu_sandbox("pwd", NULL);
	int rc;

	tu_write_file(file, "x");
	ck_assert_int_eq(sandbox_set_workdir(sb, file), 0);
	rc = sandbox_execute(sb);
	ck_assert_msg(rc == -ENOTDIR, "execute: %d (%s)", rc, sandbox_strerror(rc));
	ck_assert_int_eq(sandbox_result(sb), S_RESULT_PD);
	ck_assert_ptr_nonnull(sandbox_failed_step(sb));
	sandbox_destroy(sb);
}
END_TEST

/* ------------------------------------------------------------ status machine */

START_TEST(status_transitions)
{
	sandbox_t *sb = tu_sandbox("hello", NULL);

	ck_assert_int_eq(sandbox_status(sb), S_STATUS_PRE);
	ck_assert_int_eq(sandbox_check(sb), 0);
	ck_assert_int_eq(sandbox_status(sb), S_STATUS_RDY);
	/* Changing the configuration after check goes back to PRE. */
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_CPU, 5000), 0);
	ck_assert_int_eq(sandbox_status(sb), S_STATUS_PRE);
	ck_assert_int_eq(sandbox_check(sb), 0);
	ck_assert_int_eq(sandbox_status(sb), S_STATUS_RDY);
	ck_assert_result(tu_run(sb, NULL), S_RESULT_OK);
	ck_assert_int_eq(sandbox_status(sb), S_STATUS_FIN);

	/* Finished: neither check nor execute until reset. */
	ck_assert_int_eq(sandbox_execute(sb), -EALREADY);
	ck_assert_int_eq(sandbox_check(sb), -EALREADY);
	ck_assert_int_eq(sandbox_status(sb), S_STATUS_FIN);
	ck_assert_int_eq(sandbox_result(sb), S_RESULT_OK);

	ck_assert_int_eq(sandbox_reset(sb), 0);
	ck_assert_int_eq(sandbox_status(sb), S_STATUS_RDY);
	ck_assert_int_eq(sandbox_result(sb), S_RESULT_PD);
	ck_assert_result(tu_run(sb, NULL), S_RESULT_OK);
	ck_assert_int_eq(sandbox_status(sb), S_STATUS_FIN);
	sandbox_destroy(sb);
}
END_TEST

START_TEST(execute_without_check_checks)
{
	sandbox_t *sb = tu_sandbox("exit3", NULL);

	ck_assert_int_eq(sandbox_status(sb), S_STATUS_PRE);
	ck_assert_result(tu_run(sb, NULL), S_RESULT_AT);
	sandbox_destroy(sb);
}
END_TEST

struct status_seen {
	int calls;
	int bad;
	int status;
};

static void record_status(const sandbox_event_t *ev, sandbox_action_t *act,
                          void *data)
{
	struct status_seen *s = data;
	int st = sandbox_status(ev->sandbox);

	s->calls++;
	if (st != S_STATUS_BLK && st != S_STATUS_EXE) {
		s->bad++;
		s->status = st;
	}
	act->type = S_ACTION_CONT;
	act->data = 0;
}

START_TEST(status_during_run_is_exe_or_blk)
{
	sandbox_t *sb = tu_sandbox("hello", NULL);
	sandbox_policy_t *p = sandbox_policy_builtin("default");
	struct status_seen seen = { 0, 0, -1 };

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(sandbox_policy_set_callback(p, record_status, &seen, NULL), 0);
	ck_assert_int_eq(sandbox_set_policy(sb, p), 0);
	sandbox_policy_unref(p);
	ck_assert_int_eq(sandbox_set_mode(sb, S_MODE_CLASSIC), 0);
	ck_assert_result(tu_run(sb, NULL), S_RESULT_OK);
	ck_assert_msg(seen.calls > 0, "the callback never ran in classic mode");
	ck_assert_msg(seen.bad == 0, "status %d seen during the run", seen.status);
	sandbox_destroy(sb);
}
END_TEST

/* ------------------------------------------------------------ names */

START_TEST(result_names_and_texts)
{
	static const char *const names[S_RESULT_COUNT] = {
		"PD", "OK", "RF", "ML", "OL", "TL", "RT", "AT", "IE", "BP",
	};

	for (int r = 0; r < S_RESULT_COUNT; r++) {
		const char *t = sandbox_result_text(r);

		ck_assert_str_eq(sandbox_result_name(r), names[r]);
		ck_assert_ptr_nonnull(t);
		ck_assert_msg(strlen(t) > 3, "text of %s: \"%s\"", names[r], t);
		for (int q = 0; q < r; q++)
			ck_assert_msg(strcmp(t, sandbox_result_text(q)) != 0,
			              "%s and %s share their text", names[r], names[q]);
	}
	ck_assert_str_eq(sandbox_result_name(S_RESULT_COUNT), "??");
	ck_assert_str_eq(sandbox_result_name(-1), "??");
	ck_assert_ptr_nonnull(sandbox_result_text(-1));
	ck_assert_ptr_nonnull(sandbox_result_text(S_RESULT_COUNT));
}
END_TEST

START_TEST(abi_names)
{
	ck_assert_str_eq(sandbox_abi_name(S_ABI_X86_64), "x86_64");
	ck_assert_str_eq(sandbox_abi_name(S_ABI_I386), "i386");
	ck_assert_str_eq(sandbox_abi_name(S_ABI_X32), "x32");
	ck_assert_str_eq(sandbox_abi_name(S_ABI_COUNT), "?");
	ck_assert_str_eq(sandbox_abi_name(-1), "?");
}
END_TEST

START_TEST(strerror_texts)
{
	const char *a = sandbox_strerror(-EINVAL);
	const char *b = sandbox_strerror(EINVAL);

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert(strlen(a) > 0);
	ck_assert_str_eq(a, b);
	ck_assert_str_ne(sandbox_strerror(-ENOENT), a);
	ck_assert_ptr_nonnull(sandbox_strerror(-99999));
	ck_assert_ptr_nonnull(sandbox_version());
	ck_assert_str_eq(sandbox_version(), "0.4.0");
}
END_TEST

START_TEST(syscall_numbers_and_names)
{
	char buf[64];

	ck_assert_int_eq(sandbox_syscall_number(S_ABI_X86_64, "openat"), 257);
	ck_assert_int_eq(sandbox_syscall_number(S_ABI_X86_64, "read"), 0);
	ck_assert_int_eq(sandbox_syscall_number(S_ABI_X86_64, "getpid"), 39);
	ck_assert_int_eq(sandbox_syscall_number(S_ABI_I386, "getpid"), 20);
	ck_assert_int_eq(sandbox_syscall_number(S_ABI_I386, "open"), 5);
	/* x32 numbers are the x86_64 ones (the 0x40000000 bit is the ABI). */
	ck_assert_int_eq(sandbox_syscall_number(S_ABI_X32, "getpid") & ~0x40000000L, 39);

	ck_assert_str_eq(sandbox_syscall_name(S_ABI_X86_64, 257, buf, sizeof(buf)), "openat");
	ck_assert_str_eq(sandbox_syscall_name(S_ABI_I386, 20, buf, sizeof(buf)), "getpid");
	ck_assert_str_eq(sandbox_syscall_name(S_ABI_X32, 39, buf, sizeof(buf)), "getpid");
	ck_assert_str_eq(sandbox_syscall_name(S_ABI_X86_64, 1000, buf, sizeof(buf)), "syscall_1000");

	/* Round trip over a few names in every ABI. */
	static const char *const some[] = { "read", "write", "execve", "exit_group", "mmap" };
	for (int abi = 0; abi < S_ABI_COUNT; abi++)
		for (size_t i = 0; i < sizeof(some) / sizeof(some[0]); i++) {
			long nr = sandbox_syscall_number(abi, some[i]);
			ck_assert_msg(nr >= 0, "%s/%s: %ld", sandbox_abi_name(abi), some[i], nr);
			ck_assert_str_eq(sandbox_syscall_name(abi, nr, buf, sizeof(buf)), some[i]);
		}

	/* Truncation: NUL-terminated within len. */
	memset(buf, 'z', sizeof(buf));
	ck_assert_ptr_eq(sandbox_syscall_name(S_ABI_X86_64, 257, buf, 4), buf);
	ck_assert_str_eq(buf, "ope");

	ck_assert_int_eq(sandbox_syscall_number(S_ABI_X86_64, "no_such_syscall"), -ENOENT);
	ck_assert_int_eq(sandbox_syscall_number(S_ABI_X86_64, NULL), -EINVAL);
	ck_assert_int_eq(sandbox_syscall_number(S_ABI_COUNT, "read"), -EINVAL);
	ck_assert_int_eq(sandbox_syscall_number(-1, "read"), -EINVAL);
}
END_TEST

/* "default" plus: fsync() fails with `err` (an unconditional rule: the
 * kernel filter itself answers). */
static sandbox_policy_t *fsync_fails_with(int err)
{
	sandbox_policy_t *p = sandbox_policy_builtin("default");

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(sandbox_policy_add_rule_name(p, 1u << S_ABI_X86_64, "fsync",
	                                              S_DISP_ERRNO, err, NULL, 0), 0);
	return p;
}

/* writefile in a private directory under policy p: its exit code (13 for
 * EACCES, 2 for any other error, 0 when the file was created). */
static int writefile_under(sandbox_t *sb, sandbox_policy_t *p)
{
	sandbox_stat_t st;

	ck_assert_int_eq(sandbox_set_policy(sb, p), 0);
	if (sandbox_status(sb) == S_STATUS_FIN)
		ck_assert_int_eq(sandbox_reset(sb), 0);
	ck_assert_int_eq(sandbox_set_workdir(sb, tu_tmpdir()), 0);
	tu_run(sb, &st);
	return st.exit_code;
}

/* Compiled filters are cached by content: policies that differ in one
 * errno, or a policy changed between runs, never get another's filter;
 * equal content (a fresh policy object) behaves the same. */
START_TEST(compiled_filters_follow_policy_content)
{
	sandbox_t *sb = tu_sandbox("writefile", "cache.txt", NULL);
	sandbox_policy_t *eacces = fsync_fails_with(EACCES);
	sandbox_policy_t *eperm = fsync_fails_with(EPERM);
	sandbox_policy_t *again = fsync_fails_with(EACCES);

	ck_assert_int_eq(sandbox_set_mode(sb, _i), 0);
	ck_assert_int_eq(writefile_under(sb, eacces), 13);
	ck_assert_int_eq(writefile_under(sb, eperm), 2);
	ck_assert_int_eq(writefile_under(sb, again), 13);
	/* Changing the policy in place: the later unconditional rule wins. */
	ck_assert_int_eq(sandbox_policy_add_rule_name(again, 1u << S_ABI_X86_64, "fsync",
	                                              S_DISP_ALLOW, 0, NULL, 0), 0);
	ck_assert_int_eq(writefile_under(sb, again), 0);
	sandbox_policy_unref(eacces);
	sandbox_policy_unref(eperm);
	sandbox_policy_unref(again);
	sandbox_destroy(sb);
}
END_TEST

/* x86_64 allowed but write(2), which gets `disp`: a policy made afresh
 * by the same steps each time (the same size, the same generation). */
static sandbox_policy_t *allow_but_write(int disp)
{
	sandbox_policy_t *p = sandbox_policy_new();

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(sandbox_policy_set_default(p, S_ABI_X86_64,
	                                            S_DISP_ALLOW, 0), 0);
	ck_assert_int_eq(sandbox_policy_add_rule_name(p, 1u << S_ABI_X86_64,
	                                              "write", disp, 0, NULL,
	                                              0), 0);
	return p;
}

/* The compiled policy is never another policy's that lived at the same
 * address (review-stop26 E5): a policy whose only reference the sandbox
 * held is let go, a new one made by the same steps (the allocator hands
 * it the same memory, with the same generation) must be compiled anew.
 * The old cache, keyed on the address and the generation, ran hello's
 * write under the first policy's ALLOW: OK instead of RF. */
START_TEST(compiled_policy_not_an_earlier_one_at_its_address)
{
	sandbox_t *sb = tu_sandbox("hello", NULL);
	sandbox_policy_t *p = allow_but_write(S_DISP_ALLOW);
	sandbox_stat_t st;

	ck_assert_int_eq(sandbox_set_mode(sb, _i), 0);
	ck_assert_int_eq(sandbox_set_policy(sb, p), 0);
	sandbox_policy_unref(p); /* the sandbox holds the only reference */
	ck_assert_result(tu_run(sb, &st), S_RESULT_OK);
	ck_assert_int_eq(sandbox_reset(sb), 0);
	ck_assert_int_eq(sandbox_set_policy(sb, NULL), 0);
	p = allow_but_write(S_DISP_KILL);
	ck_assert_int_eq(sandbox_set_policy(sb, p), 0);
	sandbox_policy_unref(p);
	ck_assert_result(tu_run(sb, &st), S_RESULT_RF);
	sandbox_destroy(sb);
}
END_TEST

static void count_and_allow(const sandbox_event_t *ev, sandbox_action_t *act,
                            void *data)
{
	if (ev->type == S_EVENT_SYSCALL)
		++*(int *)data;
	act->type = S_ACTION_CONT;
}

/* Every ABI's default TRACE (what "unrestricted" asks for): the filter
 * stays small (the default action asks) and every call reaches the
 * callback. */
START_TEST(trace_default_in_every_abi)
{
	sandbox_t *sb = tu_sandbox("hello", NULL);
	sandbox_policy_t *p = sandbox_policy_new();
	int seen = 0;

	ck_assert_ptr_nonnull(p);
	for (int abi = 0; abi < S_ABI_COUNT; abi++)
		ck_assert_int_eq(sandbox_policy_set_default(p, abi, S_DISP_TRACE, 0), 0);
	ck_assert_int_eq(sandbox_policy_set_callback(p, count_and_allow, &seen, NULL), 0);
	ck_assert_int_eq(sandbox_set_policy(sb, p), 0);
	ck_assert_int_eq(sandbox_set_mode(sb, _i), 0);
	ck_assert_int_eq(sandbox_check(sb), 0);
	ck_assert_result(tu_run(sb, NULL), S_RESULT_OK);
	ck_assert_int_gt(seen, 10);
	sandbox_policy_unref(p);
	sandbox_destroy(sb);
}
END_TEST

Suite *tu_suite(void)
{
	Suite *s = suite_create("api");
	TCase *tc;

	tc = tcase_create("create");
	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_test(tc, new_rejects_null_and_empty_argv);
	tcase_add_test(tc, new_copies_argv);
	tcase_add_test(tc, destroy_null_is_fine);
	suite_add_tcase(s, tc);

	tc = tcase_create("setters");
	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_test(tc, setters_reject_bad_values);
	tcase_add_test(tc, get_stat_rejects_null);
	tcase_add_test(tc, stats_are_minus_one_before_a_run);
	tcase_add_test(tc, get_stat_honours_size);
	tcase_add_loop_test(tc, context_switches_are_counted, S_MODE_FAST,
	                    S_MODE_CLASSIC + 1);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_test(tc, missing_program_is_enoent_without_verdict);
	tcase_add_test(tc, non_executable_is_eacces);
	tcase_add_test(tc, directory_is_eisdir);
	tcase_add_test(tc, garbage_executable_is_execve_error);
	tcase_add_test(tc, unopenable_stdin_is_an_error);
	tcase_add_test(tc, unopenable_stdout_is_an_error);
	tcase_add_test(tc, workdir_on_a_file_is_enotdir);
	suite_add_tcase(s, tc);

	tc = tcase_create("status");
	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_test(tc, status_transitions);
	tcase_add_test(tc, execute_without_check_checks);
	tcase_add_test(tc, status_during_run_is_exe_or_blk);
	suite_add_tcase(s, tc);

	tc = tcase_create("filter-cache");
	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_loop_test(tc, compiled_filters_follow_policy_content, S_MODE_FAST,
	                    S_MODE_CLASSIC + 1);
	tcase_add_loop_test(tc, trace_default_in_every_abi, S_MODE_FAST,
	                    S_MODE_CLASSIC + 1);
	tcase_add_loop_test(tc, compiled_policy_not_an_earlier_one_at_its_address,
	                    S_MODE_FAST, S_MODE_CLASSIC + 1);
	suite_add_tcase(s, tc);

	tc = tcase_create("names");
	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_test(tc, result_names_and_texts);
	tcase_add_test(tc, abi_names);
	tcase_add_test(tc, strerror_texts);
	tcase_add_test(tc, syscall_numbers_and_names);
	suite_add_tcase(s, tc);
	return s;
}
