/*
 * Backtraces at the verdict: RF, fatal signals, a marked syscall; with and
 * without frame pointers, static, stripped, a shared-library frame, and a
 * program that destroyed its stack.
 */
#include "config.h"

#include "testutil.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static sandbox_frame_t frames[SANDBOX_BACKTRACE_MAX];

/* Run prog with argument `how` (default policy, fast mode); returns the
 * verdict and fills frames, n and bi. */
static int run_bt(const char *prog, const char *how, ssize_t *n,
                  sandbox_backtrace_info_t *bi)
{
	sandbox_t *sb = tu_sandbox(prog, how, NULL);
	sandbox_quota_t q = S_QUOTA_WALLCLOCK;
	ck_assert_int_eq(sandbox_set_quota(sb, q, TU_NET_MS), 0);
	int r = tu_run(sb, NULL);
	*n = sandbox_get_backtrace(sb, frames, SANDBOX_BACKTRACE_MAX, sizeof(*frames));
	ck_assert_int_eq(sandbox_get_backtrace_info(sb, bi, sizeof(*bi)), 0);
	ck_assert_int_eq((ssize_t)bi->nframes, *n);
	if (getenv("DIAG_VERBOSE"))
		sandbox_print_backtrace(sb, 2);
	sandbox_destroy(sb);
	return r;
}

/* Do the symbols `want` (NULL-terminated) appear in this order among the
 * frames (other frames may sit between them)? */
static bool in_order(ssize_t n, const char *const *want)
{
	ssize_t i = 0;
	for (; *want; want++) {
		size_t len = strlen(*want);
		/* GCC's clones count: "b.cold", "c.part.0" */
		while (i < n && !(strncmp(frames[i].symbol, *want, len) == 0 &&
		                  (frames[i].symbol[len] == '\0' ||
		                   frames[i].symbol[len] == '.')))
			i++;
		if (i == n)
			return false;
		i++;
	}
	return true;
}

static char *describe(ssize_t n)
{
	static char buf[4096];
	size_t k = 0;
	for (ssize_t i = 0; i < n && k < sizeof(buf) - 200; i++)
		k += (size_t)snprintf(buf + k, sizeof(buf) - k, " [%zd %s+%#llx %s]",
		                      i, frames[i].symbol[0] ? frames[i].symbol : "-",
		                      (unsigned long long)frames[i].offset,
		                      frames[i].module);
	return buf;
}

static const char *const rf_chain[] = { "g", "f", "main", NULL };
static const char *const segv_chain[] = { "c", "b", "a", "main", NULL };
static const char *const progs[] = { "bt_fp", "bt_nofp", "bt_static" };

START_TEST(test_rf_chain)
{
	sandbox_backtrace_info_t bi;
	ssize_t n;
	int r = run_bt(progs[_i], "rf", &n, &bi);
	ck_assert_result(r, S_RESULT_RF);
	ck_assert_uint_eq(bi.reason, S_BT_RF);
	ck_assert_msg(in_order(n, rf_chain), "%s: g f main not found in order:%s",
	              progs[_i], describe(n));
	/* the pc of frame 0 is in the syscall wrapper, below g */
	ck_assert_str_ne(frames[0].symbol, "main");
	ck_assert_msg(bi.elapsed_us < tu_scale_us(1000000), "backtrace took %lld us",
	              (long long)bi.elapsed_us);
	tu_note("%s: RF backtrace of %zd frames in %lld us%s", progs[_i], n,
	        (long long)bi.elapsed_us, bi.frame_pointers ? " (fp)" : "");
}
END_TEST

START_TEST(test_segv_chain)
{
	sandbox_backtrace_info_t bi;
	ssize_t n;
	int r = run_bt(progs[_i], "segv", &n, &bi);
	ck_assert_result(r, S_RESULT_RT);
	ck_assert_uint_eq(bi.reason, S_BT_SIGNAL);
	ck_assert_int_eq(bi.signal, SIGSEGV);
	ck_assert_str_eq(frames[0].symbol, "c");
	ck_assert_msg(in_order(n, segv_chain), "%s: c b a main:%s", progs[_i],
	              describe(n));
}
END_TEST

START_TEST(test_abort)
{
	sandbox_backtrace_info_t bi;
	ssize_t n;
	static const char *const chain[] = { "abort", "b", "a", "main", NULL };
	int r = run_bt("bt_nofp", "abort", &n, &bi);
	ck_assert_result(r, S_RESULT_RT);
	ck_assert_int_eq(bi.signal, SIGABRT);
	ck_assert_msg(in_order(n, chain), "abort b a main:%s", describe(n));
}
END_TEST

/* main -> qsort (libc.so) -> ... -> cmp: a frame in a shared library. */
START_TEST(test_shared_library_frame)
{
	sandbox_backtrace_info_t bi;
	ssize_t n, i, lib = -1, cmp = -1, mn = -1, named = 0;
	run_bt("bt_nofp", "qsort", &n, &bi);
	ck_assert_uint_eq(bi.reason, S_BT_SIGNAL);
	for (i = 0; i < n; i++) {
		if (strcmp(frames[i].symbol, "cmp") == 0 && cmp < 0)
			cmp = i;
		else if (cmp >= 0 && mn < 0 && strstr(frames[i].module, "libc.so")) {
			lib = lib < 0 ? i : lib;
			named += strncmp(frames[i].symbol, "qsort", 5) == 0;
		}
		else if (strcmp(frames[i].symbol, "main") == 0)
			mn = i;
	}
	ck_assert_msg(cmp >= 0 && lib > cmp && mn > lib,
	              "cmp, a libc frame, main:%s", describe(n));
	/* libc.so is stripped of .symtab: its exported symbols (dynsym) */
	ck_assert_msg(named > 0, "no qsort frame in libc:%s", describe(n));
}
END_TEST

/* Stripped: the program's frames are module+offset only, in the right
 * number; libc keeps its dynamic symbols. */
START_TEST(test_stripped)
{
	sandbox_backtrace_info_t bi;
	ssize_t n, mine = 0;
	int r = run_bt("bt_stripped", "rf", &n, &bi);
	ck_assert_result(r, S_RESULT_RF);
	for (ssize_t i = 0; i < n; i++) {
		const char *m = frames[i].module;
		size_t len = strlen(m);
		if (len >= 11 && strcmp(m + len - 11, "bt_stripped") == 0) {
			ck_assert_msg(frames[i].symbol[0] == '\0', "symbol %s in a "
			              "stripped binary", frames[i].symbol);
			ck_assert_msg(frames[i].offset > 0 &&
			              frames[i].offset < 0x100000, "offset %#llx",
			              (unsigned long long)frames[i].offset);
			mine++;
		}
	}
	/* g, f, main and _start at least */
	ck_assert_msg(mine >= 3, "%zd frames in the program:%s", mine,
	              describe(n));
	ck_assert_msg(frames[0].symbol[0] != '\0', "frame 0 (libc) unnamed:%s",
	              describe(n));
}
END_TEST

START_TEST(test_trashed_stack)
{
	static const char *const how[] = { "smash", "rsp" };
	sandbox_backtrace_info_t bi;
	ssize_t n;
	int r = run_bt("trash", how[_i], &n, &bi);
	ck_assert_result(r, _i == 0 ? S_RESULT_RF : S_RESULT_RT);
	ck_assert_uint_eq(bi.reason, _i == 0 ? S_BT_RF : S_BT_SIGNAL);
	ck_assert_msg(n >= 1, "no frame at all");
	ck_assert_msg(strcmp(frames[0].symbol, _i == 0 ? "smash" : "trash_rsp")
	              == 0, "frame 0:%s", describe(n));
	ck_assert_msg(!in_order(n, (const char *const[]){ "main", NULL }),
	              "main found through a destroyed stack:%s", describe(n));
	ck_assert_msg(bi.elapsed_us < tu_scale_us(1000000), "took %lld us",
	              (long long)bi.elapsed_us);
}
END_TEST

/* The program's own unwind info loops forever inside one step of the
 * unwinder: the trace still ends at its time bound and the verdict is
 * the crash (it used to spin until the wall quota, or for ever). */
START_TEST(test_looping_unwind_info)
{
	sandbox_backtrace_info_t bi;
	ssize_t n;
	int r = run_bt("trash", "cfi", &n, &bi);
	ck_assert_result(r, S_RESULT_RT);
	ck_assert_uint_eq(bi.reason, S_BT_SIGNAL);
	ck_assert_msg(n >= 1 && strcmp(frames[0].symbol, "cfi_loop") == 0,
	              "frame 0:%s", describe(n));
	ck_assert_msg(bi.partial, "a cut trace must say it is partial");
	ck_assert_msg(bi.elapsed_us < 1000 * SANDBOX_BACKTRACE_MS + tu_scale_us(50000),
	              "took %lld us", (long long)bi.elapsed_us);
}
END_TEST

/* 300 frames deep: the trace stops at the bound, says so, and is quick. */
START_TEST(test_depth_bound)
{
	sandbox_backtrace_info_t bi;
	ssize_t n;
	int r = run_bt(progs[_i], "deep", &n, &bi);
	ck_assert_result(r, S_RESULT_RF);
	ck_assert_int_eq(n, SANDBOX_BACKTRACE_MAX);
	ck_assert_msg(bi.partial, "a cut trace must say it is partial");
	ck_assert_msg(in_order(n, (const char *const[]){ "deep", "deep", NULL }),
	              "deep frames:%s", describe(4));
	/* Stopped at its time bound, late by at most one step and the wait
	 * for a CPU (50 ms on an idle host). */
	ck_assert_msg(bi.elapsed_us < 1000 * SANDBOX_BACKTRACE_MS + tu_scale_us(50000),
	              "took %lld us", (long long)bi.elapsed_us);
	tu_note("%s: %zd frames (bound) in %lld us", progs[_i], n,
	        (long long)bi.elapsed_us);
}
END_TEST

/* A policy callback marks getppid: backtrace at that stop, run goes on. */
static void mark_getppid(const sandbox_event_t *ev, sandbox_action_t *act,
                         void *data)
{
	char name[32];
	(void)data;
	act->type = S_ACTION_CONT;
	if (ev->type == S_EVENT_SYSCALL &&
	    strcmp(sandbox_syscall_name(ev->syscall.abi, ev->syscall.nr, name,
	                                sizeof(name)), "getppid") == 0)
		act->type |= S_ACTION_FLAG_BACKTRACE;
}

START_TEST(test_marked)
{
	sandbox_policy_t *p = sandbox_policy_builtin("default");
	sandbox_backtrace_info_t bi;
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(sandbox_policy_add_rule_name(p, 1u << S_ABI_X86_64,
	                 "getppid", S_DISP_TRACE, 0, NULL, 0), 0);
	ck_assert_int_eq(sandbox_policy_set_callback(p, mark_getppid, NULL,
	                                             NULL), 0);
	sandbox_t *sb = tu_sandbox("bt_fp", "mark", NULL);
	ck_assert_int_eq(sandbox_set_policy(sb, p), 0);
	sandbox_policy_unref(p);
	ck_assert_result(tu_run(sb, NULL), S_RESULT_OK);
	ssize_t n = sandbox_get_backtrace(sb, frames, SANDBOX_BACKTRACE_MAX, sizeof(*frames));
	ck_assert_int_eq(sandbox_get_backtrace_info(sb, &bi, sizeof(bi)), 0);
	ck_assert_uint_eq(bi.reason, S_BT_MARKED);
	ck_assert_msg(in_order(n, rf_chain), "g f main:%s", describe(n));
	/* reset forgets it */
	ck_assert_int_eq(sandbox_reset(sb), 0);
	ck_assert_int_eq(sandbox_get_backtrace(sb, frames, 4, sizeof(*frames)), 0);
	sandbox_destroy(sb);
}
END_TEST

START_TEST(test_switch_off)
{
	sandbox_backtrace_info_t bi;
	sandbox_t *sb = tu_sandbox("bt_fp", "rf", NULL);
	ck_assert_int_eq(sandbox_set_backtrace(sb, 0x80), -EINVAL);
	ck_assert_int_eq(sandbox_set_backtrace(sb, S_BT_SIGNAL), 0);
	ck_assert_result(tu_run(sb, NULL), S_RESULT_RF);
	ck_assert_int_eq(sandbox_get_backtrace(sb, frames, 4, sizeof(*frames)), 0);
	ck_assert_int_eq(sandbox_get_backtrace_info(sb, &bi, sizeof(bi)), 0);
	ck_assert_uint_eq(bi.reason, 0);
	sandbox_destroy(sb);
}
END_TEST

/* Is a library whose file name starts with `name` mapped in this
 * process? */
static bool mapped(const char *name)
{
	char *maps = tu_slurp("/proc/self/maps");
	bool found = false;
	ck_assert_ptr_nonnull(maps);
	for (char *l = strtok(maps, "\n"); l && !found; l = strtok(NULL, "\n")) {
		const char *base = strrchr(l, '/');
		found = base && strncmp(base + 1, name, strlen(name)) == 0;
	}
	free(maps);
	return found;
}

/* libelf and libunwind are loaded by the first backtrace, not before:
 * a run that takes none (a judge's) maps neither, nor zlib and lzma. */
START_TEST(test_libraries_loaded_when_used)
{
	ssize_t n;
	sandbox_backtrace_info_t bi;
	sandbox_t *sb = tu_sandbox("bt_fp", "segv", NULL);

	ck_assert_int_eq(sandbox_set_backtrace(sb, 0), 0);
	ck_assert_result(tu_run(sb, NULL), S_RESULT_RT);
	sandbox_destroy(sb);
	ck_assert_msg(!mapped("libunwind") && !mapped("libelf") &&
	              !mapped("liblzma"), "diagnostics libraries loaded "
	              "before any backtrace");
	ck_assert_result(run_bt("bt_nofp", "segv", &n, &bi), S_RESULT_RT);
	ck_assert(in_order(n, segv_chain));
	ck_assert_msg(mapped("libunwind-ptrace") && mapped("libelf"),
	              "no libunwind or libelf after a backtrace");
}
END_TEST

Suite *tu_suite(void)
{
	Suite *s = suite_create("diag_backtrace");
	TCase *tc = tcase_create("backtrace");

	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_loop_test(tc, test_rf_chain, 0, 3);
	tcase_add_loop_test(tc, test_segv_chain, 0, 3);
	tcase_add_test(tc, test_abort);
	tcase_add_test(tc, test_shared_library_frame);
	tcase_add_test(tc, test_stripped);
	tcase_add_loop_test(tc, test_trashed_stack, 0, 2);
	tcase_add_test(tc, test_looping_unwind_info);
	tcase_add_loop_test(tc, test_depth_bound, 0, 3);
	tcase_add_test(tc, test_marked);
	tcase_add_test(tc, test_switch_off);
	tcase_add_test(tc, test_libraries_loaded_when_used);
	suite_add_tcase(s, tc);
	return s;
}
