/*
 * Memory verdicts in every phase of a run (issue 12, items 1-4).
 *
 *   - An image over the memory quota (a big global array, or any program
 *     under a tiny quota) makes execve fail after its point of no return;
 *     the kernel kills the process with SIGSEGV before any exec event.
 *     That is ML at once, with the refused request in the report, in both
 *     modes, isolated or not, static and dynamic, 32- and 64-bit. The
 *     rule that tells it from other failures agrees with the kernel to the
 *     page (image_boundary).
 *   - An interruption holds before exec too.
 *   - Stack or memory: over the stack limit is RT SIGSEGV (quota_exceeded
 *     S_QUOTA_STACK), over the memory quota ML, decided by which limit the
 *     growth crossed; by default the stack may use the whole memory quota
 *     (RLIMIT_STACK unlimited, bounded by RLIMIT_AS).
 *   - Both modes agree on allocations whatever rule stops brk/mmap (the
 *     policy's own TRACE rules included).
 *   - The ML report: memory_peak counts the refused request, which is
 *     reported with the call that made it.
 */
#include "config.h"

#include "vutil.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#define MiB ((int64_t)1 << 20)
#define KiB ((int64_t)1 << 10)

static const int modes[] = { S_MODE_FAST, S_MODE_CLASSIC };

/* The default policy plus i386 rules, so that sandbox_check() lets a
 * 32-bit program start (the images below never get further than exec). */
static sandbox_policy_t *policy32(void)
{
	static const char *const calls[] = { "brk", "exit_group", "mmap2",
		"write", NULL };
	sandbox_policy_t *p = sandbox_policy_builtin("default");
	ck_assert_ptr_nonnull(p);
	for (size_t i = 0; calls[i]; i++)
		ck_assert_int_eq(sandbox_policy_add_rule_name(p, 1u << S_ABI_I386,
		                 calls[i], S_DISP_ALLOW, 0, NULL, 0), 0);
	return p;
}

/* ------------------------------------------------------------ images */

static const struct image_case {
	const char *prog;
	const char *arg;
	uint64_t quota;
	bool m32;
} images[] = {
	{ "bigbss512_static", NULL, 256 * MiB, false },
	{ "bigbss512", NULL, 256 * MiB, false },
	{ "bigbss100", NULL, 16 * MiB, false },
	{ "vprog_static", "hello", 256 * KiB, false },
	{ "vprog", "hello", 256 * KiB, false },
	{ "vprog_static", "hello", 1, false },
	{ "vprog", "hello", 1, false },
	{ "bigbss512_32s", NULL, 256 * MiB, true },
	{ "bigbss512_32", NULL, 256 * MiB, true },
};
#define NIMAGES (int)(sizeof(images) / sizeof(images[0]))

START_TEST(image_over_quota_is_ml)
{
	const struct image_case *c = &images[_i / 4];
	int mode = modes[_i % 2];
	bool iso = (_i / 2) % 2;
	sandbox_stat_t st;

	if (c->m32) {
#ifndef HAVE_M32_PROGS
		tu_skip("%s: gcc -m32 cannot link here", c->prog);
#endif
	}
	if (iso && !vu_can_isolate())
		tu_skip("%s: namespaces and a box root are not available", c->prog);
	sandbox_t *sb = iso ? tu_box_sandbox(c->prog, c->arg, NULL)
	                    : tu_sandbox(c->prog, c->arg, NULL);
	ck_assert_int_eq(sandbox_set_mode(sb, mode), 0);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_MEMORY, c->quota), 0);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_WALLCLOCK, 20000), 0);
	if (c->m32) {
		sandbox_policy_t *p = policy32();
		ck_assert_int_eq(sandbox_set_policy(sb, p), 0);
		sandbox_policy_unref(p);
	}
	if (iso)
		vu_isolate(sb);
	int64_t t0 = vu_now_us();
	int v = tu_run(sb, &st);
	int64_t took = vu_now_us() - t0;

	ck_assert_msg(v == S_RESULT_ML, "%s %s %s quota %llu: %s", c->prog,
	              tu_mode_name(mode), iso ? "isolated" : "plain",
	              (unsigned long long)c->quota, RN(v));
	ck_assert_int_eq(st.quota_exceeded, S_QUOTA_MEMORY);
	ck_assert_int_eq(st.memory_refused_by, S_MEMREQ_EXEC);
	ck_assert_int_gt(st.memory_refused_bytes, 0);
	ck_assert_msg(st.memory_peak > (int64_t)c->quota,
	              "peak %lld not above the quota %llu", (long long)st.memory_peak,
	              (unsigned long long)c->quota);
	ck_assert_int_ge(st.memory_peak, st.memory_refused_bytes);
	/* What the kernel did: SIGSEGV, no exit status, no output. */
	ck_assert_int_eq(st.signal, SIGSEGV);
	ck_assert_int_eq(st.exit_code, -1);
	ck_assert_int_le(st.output_bytes, 0);
	ck_assert_int_ge(st.cpu_time_us, 0);
	ck_assert_msg(st.wall_time_us >= 0 && st.wall_time_us < 1000000,
	              "wall %lld us", (long long)st.wall_time_us);
	/* The old supervisor spun here until RLIMIT_CPU or forever; the
	 * bound only catches that (times to verdict are in `make bench`). */
	ck_assert_msg(took < 10000000, "verdict after %lld us", (long long)took);
	sandbox_destroy(sb);
}
END_TEST

/* The rule agrees with the kernel at the boundary: with the quota at the
 * peak the image needed, execve succeeds (whatever the program does next
 * is judged at its own syscalls); one page less, and the image is ML. The
 * static program's .bss is its last request, so its peak is the whole
 * image. */
START_TEST(image_boundary)
{
	int mode = modes[_i];
	sandbox_stat_t st;

	sandbox_t *sb = tu_sandbox("bigbss512_static", NULL);
	ck_assert_int_eq(sandbox_set_mode(sb, mode), 0);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_MEMORY, 256 * MiB), 0);
	ck_assert_result(tu_run(sb, &st), S_RESULT_ML);
	ck_assert_int_eq(st.memory_refused_by, S_MEMREQ_EXEC);
	uint64_t image = (uint64_t)st.memory_peak;
	ck_assert_msg(image > 512 * MiB && image < 514 * MiB, "image %llu",
	              (unsigned long long)image);

	ck_assert_int_eq(sandbox_reset(sb), 0);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_MEMORY, image - 4096), 0);
	ck_assert_result(tu_run(sb, &st), S_RESULT_ML);
	ck_assert_int_eq(st.memory_refused_by, S_MEMREQ_EXEC);
	ck_assert_int_eq(st.memory_peak, (int64_t)image);

	ck_assert_int_eq(sandbox_reset(sb), 0);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_MEMORY, image), 0);
	int v = tu_run(sb, &st);
	ck_assert_msg(st.memory_refused_by != S_MEMREQ_EXEC,
	              "the image fits its quota but exec was judged ML (%s)", RN(v));
	ck_assert_int_ne(st.signal, SIGSEGV);
	sandbox_destroy(sb);
}
END_TEST

/* Within the quota the same images run. */
START_TEST(image_within_quota_runs)
{
	int mode = modes[_i];
	sandbox_stat_t st;
	char *out = tu_tmpfile("bss.out");

	sandbox_t *sb = tu_sandbox("bigbss100", NULL);
	ck_assert_int_eq(sandbox_set_mode(sb, mode), 0);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_MEMORY, 256 * MiB), 0);
	ck_assert_int_eq(sandbox_set_stdio_path(sb, 1, out, false), 0);
	ck_assert_result(tu_run(sb, &st), S_RESULT_OK);
	char *text = tu_slurp(out);
	ck_assert_str_eq(text, "bss ok\n");
	ck_assert_int_eq(st.memory_refused_bytes, -1);
	ck_assert_int_eq(st.memory_refused_by, S_MEMREQ_NONE);
	ck_assert_int_gt(st.memory_peak, 100 * MiB);
	ck_assert_int_le(st.memory_peak, 256 * MiB);
	free(text);
	free(out);
	sandbox_destroy(sb);
}
END_TEST

/* Arguments and environment that do not fit in the quota: execve refuses
 * them (E2BIG) before its point of no return. Over the quota, that is ML
 * too, not a set-up error. */
START_TEST(arguments_over_quota_are_ml)
{
	int mode = modes[_i];
	sandbox_stat_t st;
	static char big[20002];

	memset(big, 'x', sizeof(big) - 1);
	big[0] = 'X';
	big[1] = '=';
	const char *env[] = { big, NULL };
	sandbox_t *sb = tu_sandbox("vprog_static", "hello", NULL);
	ck_assert_int_eq(sandbox_set_mode(sb, mode), 0);
	ck_assert_int_eq(sandbox_set_env(sb, env), 0);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_MEMORY, 8 * KiB), 0);
	ck_assert_result(tu_run(sb, &st), S_RESULT_ML);
	ck_assert_int_eq(st.memory_refused_by, S_MEMREQ_EXEC);
	ck_assert_int_ge(st.memory_refused_bytes, 16 * KiB);
	ck_assert_int_gt(st.memory_peak, 20000);
	ck_assert_ptr_null(sandbox_failed_step(sb));
	/* Within the quota the same arguments are fine. */
	ck_assert_int_eq(sandbox_reset(sb), 0);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_MEMORY, 64 * MiB), 0);
	ck_assert_result(tu_run(sb, &st), S_RESULT_OK);
	sandbox_destroy(sb);
}
END_TEST

/* A cgroup memory limit too small for the image: the kernel's OOM killer
 * may end the child during its exec (before any exec event) or just after.
 * Either way it is ML, never an error of sandbox_execute() ("execve:
 * Interrupted system call"). */
START_TEST(cgroup_oom_during_exec_is_ml)
{
	if (!vu_can_cgroup_memory())
		tu_skip("no cgroup memory controller for this caller");
	for (int i = 0; i < 10; i++) {
		sandbox_stat_t st;
		sandbox_t *sb = tu_sandbox("vprog_static", "hello", NULL);
		ck_assert_int_eq(sandbox_set_cgroup_limits(sb, 16 * KiB,
		                 SANDBOX_UNLIMITED, 0), 0);
		int rc = sandbox_execute(sb);
		ck_assert_msg(rc == 0, "run %d: sandbox_execute %d (%s), step %s", i,
		              rc, sandbox_strerror(rc), sandbox_failed_step(sb) ?
		              sandbox_failed_step(sb) : "-");
		ck_assert_int_eq(sandbox_get_stat(sb, &st, sizeof(st)), 0);
		ck_assert_msg(st.result == S_RESULT_ML || st.result == S_RESULT_OK,
		              "run %d: %s", i, RN(st.result));
		if (st.result == S_RESULT_ML)
			ck_assert_int_eq(st.quota_exceeded, S_QUOTA_MEMORY);
		sandbox_destroy(sb);
	}
}
END_TEST

/* ------------------------------------------------------------ stack */

/* Run vprog `what` `mb` under a memory quota and a stack limit (0: none;
 * by_rlimit: sandbox_set_rlimit instead of the quota). */
static int run_stack(int mode, const char *what, const char *mb,
                     uint64_t memory, uint64_t stack, bool by_rlimit,
                     sandbox_stat_t *st, char **out)
{
	char *path = tu_tmpfile("stack.out");
	sandbox_t *sb = tu_sandbox("vprog", what, mb, NULL);
	ck_assert_int_eq(sandbox_set_mode(sb, mode), 0);
	ck_assert_int_eq(sandbox_set_stdio_path(sb, 1, path, false), 0);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_WALLCLOCK, 30000), 0);
	if (memory)
		ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_MEMORY, memory), 0);
	if (stack && by_rlimit)
		ck_assert_int_eq(sandbox_set_rlimit(sb, RLIMIT_STACK, stack), 0);
	else if (stack)
		ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_STACK, stack), 0);
	int v = tu_run(sb, st);
	if (out)
		*out = tu_slurp(path);
	free(path);
	sandbox_destroy(sb);
	return v;
}

/* Over the stack limit, well within the memory quota: a stack overflow,
 * RT SIGSEGV, whether the limit is the stack quota or an rlimit. */
START_TEST(stack_over_its_limit_is_rt)
{
	int mode = modes[_i % 2];
	bool by_rlimit = _i / 2;
	sandbox_stat_t st;

	int v = run_stack(mode, "recurse", "100", 256 * MiB, 32 * MiB, by_rlimit,
	                  &st, NULL);
	ck_assert_msg(v == S_RESULT_RT, "%s: %s (peak %lld)", tu_mode_name(mode),
	              RN(v), (long long)st.memory_peak);
	ck_assert_int_eq(st.signal, SIGSEGV);
	ck_assert_int_eq(st.quota_exceeded, S_QUOTA_STACK);
	ck_assert_int_eq(st.memory_refused_by, S_MEMREQ_NONE);
	ck_assert_int_eq(st.memory_refused_bytes, -1);
	ck_assert_msg(st.memory_peak > 32 * MiB && st.memory_peak < 64 * MiB,
	              "peak %lld", (long long)st.memory_peak);
	/* An array on the stack past an 8 MiB limit, too. */
	v = run_stack(mode, "stack", "12", 64 * MiB, 8 * MiB, by_rlimit, &st, NULL);
	ck_assert_result(v, S_RESULT_RT);
	ck_assert_int_eq(st.quota_exceeded, S_QUOTA_STACK);
}
END_TEST

/* Over the memory quota on the stack: ML, with the growth as the refused
 * request, also when a stack limit is crossed by the same growth. */
START_TEST(stack_over_memory_is_ml)
{
	int mode = modes[_i % 2];
	uint64_t stack = _i / 2 ? 8 * MiB : 0;
	sandbox_stat_t st;

	int v = run_stack(mode, "stack", "80", 64 * MiB, stack, false, &st, NULL);
	ck_assert_msg(v == S_RESULT_ML, "%s: %s", tu_mode_name(mode), RN(v));
	ck_assert_int_eq(st.quota_exceeded, S_QUOTA_MEMORY);
	ck_assert_int_eq(st.memory_refused_by, S_MEMREQ_STACK);
	ck_assert_int_ge(st.memory_refused_bytes, 79 * MiB);
	ck_assert_int_gt(st.memory_peak, 64 * MiB);
	if (stack)
		return;
	/* Recursion that runs into the memory quota. */
	v = run_stack(mode, "recurse", "100", 64 * MiB, 0, false, &st, NULL);
	ck_assert_result(v, S_RESULT_ML);
	ck_assert_int_eq(st.memory_refused_by, S_MEMREQ_STACK);
	ck_assert_int_gt(st.memory_peak, 64 * MiB);
	ck_assert_int_le(st.memory_peak - st.memory_refused_bytes, 64 * MiB);
}
END_TEST

/* By default the stack may use the memory quota: deep recursion and big
 * local arrays work within it (judges' single-threaded programs), and
 * RLIMIT_STACK is unlimited, so glibc gives threads 2 MiB stacks, not
 * stacks as large as the quota. Judger's stack test: an 80 MiB local
 * array is RT under a 32 MiB stack and OK under 128 MiB. */
START_TEST(stack_default_and_judger)
{
	int mode = modes[_i];
	sandbox_stat_t st;
	char *out;

	ck_assert_result(run_stack(mode, "recurse", "100", 256 * MiB, 0, false,
	                           &st, &out), S_RESULT_OK);
	ck_assert_str_eq(out, "recursed\n");
	free(out);
	ck_assert_result(run_stack(mode, "stacklimit", NULL, 256 * MiB, 0, false,
	                           &st, &out), S_RESULT_OK);
	ck_assert_str_eq(out, "unlimited\n");
	free(out);
	ck_assert_result(run_stack(mode, "stacklimit", NULL, 256 * MiB, 16 * MiB,
	                           false, &st, &out), S_RESULT_OK);
	ck_assert_str_eq(out, "16777216\n");
	free(out);
	ck_assert_result(run_stack(mode, "stacklimit", NULL, 256 * MiB, 16 * MiB,
	                           true, &st, &out), S_RESULT_OK);
	ck_assert_str_eq(out, "16777216\n");
	free(out);

	ck_assert_result(run_stack(mode, "bigstack", NULL, 256 * MiB, 32 * MiB,
	                           false, &st, &out), S_RESULT_RT);
	ck_assert_int_eq(st.quota_exceeded, S_QUOTA_STACK);
	free(out);
	ck_assert_result(run_stack(mode, "bigstack", NULL, 256 * MiB, 128 * MiB,
	                           false, &st, &out), S_RESULT_OK);
	ck_assert_str_eq(out, "big stack");
	free(out);
}
END_TEST

/* ------------------------------------------------------------ allocations */

static void allow_cb(const sandbox_event_t *ev, sandbox_action_t *act,
                     void *data)
{
	(void)ev;
	(void)data;
	act->type = S_ACTION_CONT;
}

/* The default policy with the memory syscalls traced by the policy
 * itself (an auditing judge's module), or the built-in unrestricted. */
static sandbox_policy_t *tracing_policy(int which)
{
	if (which == 1)
		return sandbox_policy_builtin("unrestricted");
	sandbox_policy_t *p = sandbox_policy_builtin("default");
	ck_assert_ptr_nonnull(p);
	static const char *const calls[] = { "brk", "mmap", "mremap", NULL };
	for (size_t i = 0; calls[i]; i++)
		ck_assert_int_eq(sandbox_policy_add_rule_name(p, 1u << S_ABI_X86_64,
		                 calls[i], S_DISP_TRACE, 0, NULL, 0), 0);
	ck_assert_int_eq(sandbox_policy_set_callback(p, allow_cb, NULL, NULL), 0);
	return p;
}

static const struct alloc_case {
	const char *prog, *what, *arg, *call;
} allocs[] = {
	{ "vprog", "malloc", "512", "mmap" },        /* one big block */
	{ "vprog", "grow", "200", NULL },           /* 1 MiB at a time */
	{ "vprog_static", "malloc", "512", "mmap" },
	{ "vprog", "mmap", "512", "mmap" },
};
#define NALLOCS (int)(sizeof(allocs) / sizeof(allocs[0]))

/* Whatever stops brk/mmap -- the filter's own watch, the policy's TRACE
 * rule, classic mode -- an allocation over the quota is ML in both modes,
 * and the report names the call and the request: memory_peak is the
 * address space with the request (above the quota), vm_peak what the
 * kernel let the program have (not above it). */
START_TEST(allocation_over_quota_both_modes)
{
	const struct alloc_case *c = &allocs[_i / 6];
	int mode = modes[_i % 2];
	int pol = (_i / 2) % 3; /* 0 default, 1 unrestricted, 2 traced */
	sandbox_stat_t st;
	char name[32];

	sandbox_t *sb = tu_sandbox(c->prog, c->what, c->arg, NULL);
	ck_assert_int_eq(sandbox_set_mode(sb, mode), 0);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_MEMORY, 64 * MiB), 0);
	if (pol == 1) { /* its log of every call: not in the test log */
		int null = open("/dev/null", O_WRONLY);
		ck_assert_int_eq(dup2(null, STDERR_FILENO), STDERR_FILENO);
		close(null);
	}
	if (pol) {
		sandbox_policy_t *p = tracing_policy(pol);
		ck_assert_int_eq(sandbox_set_policy(sb, p), 0);
		sandbox_policy_unref(p);
	}
	int v = tu_run(sb, &st);
	ck_assert_msg(v == S_RESULT_ML, "%s %s %s, %s mode, policy %d: %s "
	              "(exit %d signal %d)", c->prog, c->what, c->arg,
	              tu_mode_name(mode), pol, RN(v), st.exit_code, st.signal);
	ck_assert_int_eq(st.quota_exceeded, S_QUOTA_MEMORY);
	ck_assert_int_eq(st.memory_refused_by, S_MEMREQ_SYSCALL);
	ck_assert(st.has_syscall);
	sandbox_syscall_name(st.syscall.abi, st.syscall.nr, name, sizeof(name));
	if (c->call)
		ck_assert_str_eq(name, c->call);
	else
		ck_assert_msg(!strcmp(name, "brk") || !strcmp(name, "mmap"),
		              "refused by %s", name);
	if (!strcmp(c->what, "malloc") || !strcmp(c->what, "mmap"))
		ck_assert_int_ge(st.memory_refused_bytes, 512 * MiB);
	else
		ck_assert_int_gt(st.memory_refused_bytes, 0);
	ck_assert_int_gt(st.memory_peak, 64 * MiB);
	ck_assert_int_le(st.vm_peak, 64 * MiB);
	ck_assert_int_le(st.memory_peak - st.memory_refused_bytes, st.vm_peak);
	sandbox_destroy(sb);
}
END_TEST

/* Without a single refused request the report says so: RSS sampling. */
START_TEST(rss_ml_has_no_request)
{
	sandbox_stat_t st;
	sandbox_t *sb = tu_sandbox("vprog", "grow", "200", NULL);
	ck_assert_int_eq(sandbox_set_memory_mode(sb, S_MEMORY_RSS), 0);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_MEMORY, 32 * MiB), 0);
	ck_assert_result(tu_run(sb, &st), S_RESULT_ML);
	ck_assert_int_eq(st.memory_refused_by, S_MEMREQ_NONE);
	ck_assert_int_eq(st.memory_refused_bytes, -1);
	ck_assert_int_gt(st.memory_peak, 32 * MiB);
	sandbox_destroy(sb);
}
END_TEST

/* ------------------------------------------------------------ CLI */

/* sandbox-run says what crossed the quota: the JSON report has the
 * request, the summary line names it. */
START_TEST(cli_reports_the_request)
{
	struct vu_cli r;
	char *v;

	vu_cli_run(&r, NULL, "--memory=256M", PROGS_DIR "/vprog", "malloc",
	           "512", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_str_eq((v = vu_json(r.report, "result")), "\"ML\"");
	free(v);
	ck_assert_int_ge(vu_json_int(r.report, "memory_refused_bytes"), 512 * MiB);
	ck_assert_str_eq((v = vu_json(r.report, "memory_refused_by")), "\"syscall\"");
	free(v);
	ck_assert_int_gt(vu_json_int(r.report, "memory_peak_bytes"), 256 * MiB);
	ck_assert_msg(strstr(r.err, "mmap of 512.0MiB refused") &&
	              strstr(r.err, "quota 256.0MiB"), "summary: %s", r.err);
	vu_cli_free(&r);

	vu_cli_run(&r, NULL, "--memory=256M", PROGS_DIR "/bigbss512_static", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_str_eq((v = vu_json(r.report, "memory_refused_by")), "\"exec\"");
	free(v);
	ck_assert_msg(strstr(r.err, "image and stack need 512."), "summary: %s", r.err);
	vu_cli_free(&r);

	vu_cli_run(&r, NULL, "--memory=64M", "--stack=8M", PROGS_DIR "/vprog",
	           "recurse", "100", NULL);
	ck_assert_str_eq((v = vu_json(r.report, "result")), "\"RT\"");
	free(v);
	ck_assert_int_eq(vu_json_int(r.report, "stack_bytes"), 8 * MiB);
	ck_assert_str_eq((v = vu_json(r.report, "memory_refused_bytes")), "null");
	free(v);
	ck_assert_msg(strstr(r.err, "stack overflow"), "summary: %s", r.err);
	vu_cli_free(&r);
}
END_TEST

/* ------------------------------------------------------------ phases */

/* An interruption that arrives before exec (here: before the run even
 * starts) ends the run there: IE, and the program never runs. */
START_TEST(interrupt_before_exec)
{
	int mode = modes[_i];
	sandbox_stat_t st;
	char *mark = tu_tmpfile("ran");

	unlink(mark);
	sandbox_t *sb = tu_sandbox("vprog_static", "touch", "ran", NULL);
	ck_assert_int_eq(sandbox_set_workdir(sb, tu_tmpdir()), 0);
	ck_assert_int_eq(sandbox_set_mode(sb, mode), 0);
	ck_assert_int_eq(sandbox_interrupt(sb, SIGTERM), 0);
	ck_assert_result(tu_run(sb, &st), S_RESULT_IE);
	ck_assert_int_eq(st.interrupted, SIGTERM);
	ck_assert_msg(access(mark, F_OK) != 0, "the program ran");
	ck_assert_int_eq(st.wall_time_us, 0);
	/* The next run (after reset) is not interrupted. */
	ck_assert_int_eq(sandbox_reset(sb), 0);
	ck_assert_result(tu_run(sb, &st), S_RESULT_OK);
	ck_assert_int_eq(access(mark, F_OK), 0);
	free(mark);
	sandbox_destroy(sb);
}
END_TEST

/* An interruption at any moment of the start (here: as soon as the status
 * says the run is executing, which is around fork and the first stop) is
 * a verdict, IE, never an error of sandbox_execute() from a ptrace call
 * that found the child gone. */
struct starter {
	sandbox_t *sb;
	atomic_bool stop;
	int64_t delay_us;
};

static void *interrupt_at_start(void *arg)
{
	struct starter *st = arg;
	while (!atomic_load(&st->stop)) {
		if (sandbox_status(st->sb) == S_STATUS_EXE) {
			int64_t t = vu_now_us() + st->delay_us;
			while (vu_now_us() < t)
				;
			sandbox_interrupt(st->sb, SIGINT);
			break;
		}
	}
	return NULL;
}

START_TEST(interrupt_during_start_is_a_verdict)
{
	int mode = modes[_i];
	for (int i = 0; i < 200; i++) {
		sandbox_stat_t st;
		struct starter start;
		pthread_t th;

		start.sb = tu_sandbox("vprog_static", "sleep", NULL);
		atomic_init(&start.stop, false);
		start.delay_us = (i * 37) % 1500; /* across fork, first stop, exec */
		ck_assert_int_eq(sandbox_set_mode(start.sb, mode), 0);
		ck_assert_int_eq(sandbox_set_quota(start.sb, S_QUOTA_WALLCLOCK,
		                                   30000), 0);
		ck_assert_int_eq(pthread_create(&th, NULL, interrupt_at_start,
		                                &start), 0);
		int rc = sandbox_execute(start.sb);
		atomic_store(&start.stop, true);
		pthread_join(th, NULL);
		ck_assert_msg(rc == 0, "run %d: sandbox_execute %d (%s), step %s", i,
		              rc, sandbox_strerror(rc),
		              sandbox_failed_step(start.sb) ?
		              sandbox_failed_step(start.sb) : "-");
		ck_assert_int_eq(sandbox_get_stat(start.sb, &st, sizeof(st)), 0);
		ck_assert_result(st.result, S_RESULT_IE);
		ck_assert_int_eq(st.interrupted, SIGINT);
		sandbox_destroy(start.sb);
	}
}
END_TEST

Suite *tu_suite(void)
{
	Suite *s = suite_create("exec_memory");
	TCase *tc = tcase_create("image");
	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_loop_test(tc, image_over_quota_is_ml, 0, NIMAGES * 4);
	tcase_add_loop_test(tc, image_boundary, 0, 2);
	tcase_add_loop_test(tc, image_within_quota_runs, 0, 2);
	tcase_add_loop_test(tc, arguments_over_quota_are_ml, 0, 2);
	tcase_add_test(tc, cgroup_oom_during_exec_is_ml);
	suite_add_tcase(s, tc);

	tc = tcase_create("stack");
	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_loop_test(tc, stack_over_its_limit_is_rt, 0, 4);
	tcase_add_loop_test(tc, stack_over_memory_is_ml, 0, 4);
	tcase_add_loop_test(tc, stack_default_and_judger, 0, 2);
	suite_add_tcase(s, tc);

	tc = tcase_create("allocations");
	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_loop_test(tc, allocation_over_quota_both_modes, 0, NALLOCS * 6);
	tcase_add_test(tc, rss_ml_has_no_request);
	tcase_add_test(tc, cli_reports_the_request);
	suite_add_tcase(s, tc);

	tc = tcase_create("phases");
	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_loop_test(tc, interrupt_before_exec, 0, 2);
	tcase_add_loop_test(tc, interrupt_during_start_is_a_verdict, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}
