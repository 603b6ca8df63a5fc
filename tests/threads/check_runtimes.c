/*
 * The built-in policies of multi-threaded runtimes (issue 15): a Java
 * program under "java", a Go program under "go" and a JavaScript program
 * under "node" get the verdicts and
 * figures a C program gets under "default" -- hello is OK with its
 * output, a spinning program is TL on the CPU of all its threads, a
 * program keeping more memory than the quota is ML, starting a process
 * is RF.
 *
 * The programs are tests/threads/progs/Tasks.java, tasks.go (built by
 * make check where configure found javac/java and go) and tasks.js (run
 * where configure found node); elsewhere each test skips, naming the
 * package (a failure under SANDBOX_MUST_WORK).
 */
#include "config.h"
#include "testutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIB (1024 * 1024)

/* A run of argv (NULL-terminated) under built-in `policy`, stdout in a
 * file of its own (*out), the working directory the private temporary
 * one. */
static sandbox_t *rt_sandbox(int mode, const char *policy, char **out,
                             const char *const *argv)
{
	static int seq;
	char name[32];

	sandbox_t *sb = sandbox_new(argv);
	ck_assert_ptr_nonnull(sb);
	snprintf(name, sizeof(name), "rt%d.out", seq++);
	*out = tu_tmpfile(name);
	ck_assert_int_eq(sandbox_set_stdio_path(sb, 1, *out, false), 0);
	ck_assert_int_eq(sandbox_set_stdio_path(sb, 2, "/dev/null", false), 0);
	ck_assert_int_eq(sandbox_set_mode(sb, mode), 0);
	ck_assert_int_eq(sandbox_set_workdir(sb, tu_tmpdir()), 0);
	sandbox_policy_t *p = sandbox_policy_builtin(policy);
	ck_assert_msg(p != NULL, "built-in %s: %s", policy, strerror(errno));
	ck_assert_int_eq(sandbox_set_policy(sb, p), 0);
	sandbox_policy_unref(p);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_WALLCLOCK, TU_NET_MS), 0);
	return sb;
}

static void assert_output(const char *out, const char *want)
{
	char *text = tu_slurp(out);
	ck_assert_msg(text && strcmp(text, want) == 0, "output \"%s\", not \"%s\"",
	              text ? text : "(none)", want);
	free(text);
}

/* ---------------------------------------------------------------- java */

#ifdef JAVA_BIN
#define JAVA_ARGV(heap, ...)                                               \
	((const char *const[]){ JAVA_BIN, "-XX:-UsePerfData", heap, "-cp", \
	                        PROGS_DIR, "Tasks", __VA_ARGS__, NULL })
#define NEED_JAVA() ((void)0)
#else
#define JAVA_ARGV(heap, ...) ((const char *const[]){ "java", NULL })
#define NEED_JAVA()                                                        \
	tu_skip("java policy: javac or java not found when configured "    \
	        "(apt-get install openjdk-17-jdk-headless)")
#endif

/* Hello and four threads summing, in both modes, under a 256 MiB quota
 * judged on RSS (what the policy asks for). */
START_TEST(java_hello_and_threads)
{
	int mode = _i;
	char *out;
	sandbox_stat_t st;

	NEED_JAVA();
	sandbox_t *sb = rt_sandbox(mode, "java", &out,
	                           JAVA_ARGV("-Xmx128m", "hello"));
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_MEMORY, 256 * MIB), 0);
	ck_assert_result(tu_run(sb, &st), S_RESULT_OK);
	ck_assert_int_eq(st.memory_mode, S_MEMORY_RSS);
	assert_output(out, "hello java\n");
	ck_assert_int_ge(st.tasks_created, 4); /* GC, compiler, service */
	ck_assert_int_eq(st.processes, 1);
	tu_note("java hello (%s): %lld ms wall, %lld ms CPU, %lld MiB RSS, "
	        "%lld threads", tu_mode_name(mode),
	        (long long)st.wall_time_us / 1000, (long long)st.cpu_time_us / 1000,
	        (long long)st.memory_peak / MIB, (long long)st.tasks_created);
	sandbox_destroy(sb);

	sb = rt_sandbox(mode, "java", &out, JAVA_ARGV("-Xmx128m", "sum", "4"));
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_MEMORY, 256 * MIB), 0);
	ck_assert_result(tu_run(sb, &st), S_RESULT_OK);
	assert_output(out, "7999998000000\n");
	sandbox_destroy(sb);
}
END_TEST

START_TEST(java_tl)
{
	char *out;
	sandbox_stat_t st;

	NEED_JAVA();
	sandbox_t *sb = rt_sandbox(S_MODE_FAST, "java", &out,
	                           JAVA_ARGV("-Xmx64m", "spin"));
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_CPU, 1000), 0);
	ck_assert_result(tu_run(sb, &st), S_RESULT_TL);
	ck_assert_int_eq(st.tl_limit, S_TL_CPU);
	ck_assert_int_ge(st.cpu_time_us, 1000000);
	sandbox_destroy(sb);
}
END_TEST

/* 400 MiB kept, touched, under a 160 MiB quota (the heap may grow to
 * 1 GiB: the quota, not the JVM, stops it). */
START_TEST(java_ml)
{
	char *out;
	sandbox_stat_t st;

	NEED_JAVA();
	sandbox_t *sb = rt_sandbox(S_MODE_FAST, "java", &out,
	                           JAVA_ARGV("-Xmx1g", "alloc", "400"));
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_MEMORY, 160 * MIB), 0);
	ck_assert_result(tu_run(sb, &st), S_RESULT_ML);
	ck_assert_int_gt(st.memory_peak, 160 * MIB);
	assert_output(out, "");
	sandbox_destroy(sb);

	/* The same program keeping 40 MiB fits. */
	sb = rt_sandbox(S_MODE_FAST, "java", &out,
	                JAVA_ARGV("-Xmx1g", "alloc", "40"));
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_MEMORY, 160 * MIB), 0);
	ck_assert_result(tu_run(sb, &st), S_RESULT_OK);
	assert_output(out, "kept 40\n");
	sandbox_destroy(sb);
}
END_TEST

/* ProcessBuilder: the JVM's spawn (clone without CLONE_THREAD) is RF. */
START_TEST(java_rf)
{
	int mode = _i;
	char *out;
	sandbox_stat_t st;

	NEED_JAVA();
	sandbox_t *sb = rt_sandbox(mode, "java", &out,
	                           JAVA_ARGV("-Xmx64m", "exec"));
	ck_assert_result(tu_run(sb, &st), S_RESULT_RF);
	ck_assert(st.has_syscall);
	char nb[64];
	const char *name = sandbox_syscall_name(S_ABI_X86_64, st.syscall.nr, nb,
	                                        sizeof(nb));
	ck_assert_msg((!strcmp(name, "clone") || !strcmp(name, "vfork") ||
	                       !strcmp(name, "fork")),
	              "RF on %s", name);
	ck_assert_int_eq(st.processes, 1);
	assert_output(out, "");
	sandbox_destroy(sb);
}
END_TEST

/* ------------------------------------------------------------------ go */

#ifdef HAVE_GOTASKS
#define GO_ARGV(...)                                                       \
	((const char *const[]){ PROGS_DIR "/gotasks", __VA_ARGS__, NULL })
#define NEED_GO() ((void)0)
#else
#define GO_ARGV(...) ((const char *const[]){ "gotasks", NULL })
#define NEED_GO()                                                          \
	tu_skip("go policy: go not found when configured "                 \
	        "(apt-get install golang-go)")
#endif

START_TEST(go_hello_and_goroutines)
{
	int mode = _i;
	char *out;
	sandbox_stat_t st;

	NEED_GO();
	sandbox_t *sb = rt_sandbox(mode, "go", &out, GO_ARGV("hello"));
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_MEMORY, 64 * MIB), 0);
	ck_assert_result(tu_run(sb, &st), S_RESULT_OK);
	ck_assert_int_eq(st.memory_mode, S_MEMORY_RSS);
	assert_output(out, "hello go\n");
	ck_assert_int_ge(st.tasks_created, 1);
	tu_note("go hello (%s): %lld ms wall, %lld MiB RSS, %lld threads",
	        tu_mode_name(mode), (long long)st.wall_time_us / 1000,
	        (long long)st.memory_peak / MIB, (long long)st.tasks_created);
	sandbox_destroy(sb);

	sb = rt_sandbox(mode, "go", &out, GO_ARGV("sum", "8"));
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_MEMORY, 64 * MIB), 0);
	ck_assert_result(tu_run(sb, &st), S_RESULT_OK);
	assert_output(out, "31999996000000\n");
	sandbox_destroy(sb);
}
END_TEST

/* Input through the runtime's poller-aware file code. */
START_TEST(go_echo)
{
	char *out, *in = tu_tmpfile("go.in");

	NEED_GO();
	tu_write_file(in, "1 2\n3 4\n");
	sandbox_t *sb = rt_sandbox(_i, "go", &out, GO_ARGV("echo"));
	ck_assert_int_eq(sandbox_set_stdio_path(sb, 0, in, false), 0);
	ck_assert_result(tu_run(sb, NULL), S_RESULT_OK);
	assert_output(out, "1 2\n3 4\n");
	sandbox_destroy(sb);
}
END_TEST

START_TEST(go_tl)
{
	char *out;
	sandbox_stat_t st;

	NEED_GO();
	sandbox_t *sb = rt_sandbox(S_MODE_FAST, "go", &out, GO_ARGV("spin"));
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_CPU, 1000), 0);
	ck_assert_result(tu_run(sb, &st), S_RESULT_TL);
	ck_assert_int_eq(st.tl_limit, S_TL_CPU);
	ck_assert_int_ge(st.cpu_time_us, 1000000);
	sandbox_destroy(sb);
}
END_TEST

/* 200 MiB kept under a 64 MiB quota: ML; 16 MiB fits (under RLIMIT_AS,
 * what vsize mode sets, the runtime's reservations failed far below). */
START_TEST(go_ml)
{
	char *out;
	sandbox_stat_t st;

	NEED_GO();
	sandbox_t *sb = rt_sandbox(S_MODE_FAST, "go", &out,
	                           GO_ARGV("alloc", "200"));
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_MEMORY, 64 * MIB), 0);
	ck_assert_result(tu_run(sb, &st), S_RESULT_ML);
	ck_assert_int_gt(st.memory_peak, 64 * MIB);
	sandbox_destroy(sb);

	sb = rt_sandbox(S_MODE_FAST, "go", &out, GO_ARGV("alloc", "16"));
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_MEMORY, 64 * MIB), 0);
	ck_assert_result(tu_run(sb, &st), S_RESULT_OK);
	assert_output(out, "kept 16\n");
	sandbox_destroy(sb);
}
END_TEST

START_TEST(go_rf)
{
	int mode = _i;
	char *out;
	sandbox_stat_t st;

	NEED_GO();
	sandbox_t *sb = rt_sandbox(mode, "go", &out, GO_ARGV("exec"));
	ck_assert_result(tu_run(sb, &st), S_RESULT_RF);
	ck_assert(st.has_syscall);
	char nb[64];
	const char *name = sandbox_syscall_name(S_ABI_X86_64, st.syscall.nr, nb,
	                                        sizeof(nb));
	ck_assert_msg((!strcmp(name, "clone") || !strcmp(name, "vfork") ||
	                       !strcmp(name, "fork") || !strcmp(name, "pipe2")),
	              "RF on %s", name);
	ck_assert_int_eq(st.processes, 1);
	assert_output(out, "");
	sandbox_destroy(sb);
}
END_TEST

/* ---------------------------------------------------------------- node */

#ifdef NODE_BIN
#define NODE_ARGV(...)                                                     \
	((const char *const[]){ NODE_BIN, TASKS_JS, __VA_ARGS__, NULL })
#define NEED_NODE() ((void)0)
#else
#define NODE_ARGV(...) ((const char *const[]){ "node", NULL })
#define NEED_NODE()                                                        \
	tu_skip("node policy: node not found when configured "             \
	        "(apt-get install nodejs)")
#endif

START_TEST(node_hello_and_workers)
{
	int mode = _i;
	char *out;
	sandbox_stat_t st;

	NEED_NODE();
	sandbox_t *sb = rt_sandbox(mode, "node", &out, NODE_ARGV("hello"));
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_MEMORY, 256 * MIB), 0);
	ck_assert_result(tu_run(sb, &st), S_RESULT_OK);
	ck_assert_int_eq(st.memory_mode, S_MEMORY_RSS);
	assert_output(out, "hello node\n");
	ck_assert_int_ge(st.tasks_created, 4); /* libuv's pool, V8's */
	tu_note("node hello (%s): %lld ms wall, %lld MiB RSS, %lld threads",
	        tu_mode_name(mode), (long long)st.wall_time_us / 1000,
	        (long long)st.memory_peak / MIB, (long long)st.tasks_created);
	sandbox_destroy(sb);

	sb = rt_sandbox(mode, "node", &out, NODE_ARGV("sum", "2"));
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_MEMORY, 256 * MIB), 0);
	ck_assert_result(tu_run(sb, &st), S_RESULT_OK);
	assert_output(out, "1999999000000\n");
	sandbox_destroy(sb);
}
END_TEST

START_TEST(node_tl_ml)
{
	char *out;
	sandbox_stat_t st;

	NEED_NODE();
	sandbox_t *sb = rt_sandbox(S_MODE_FAST, "node", &out, NODE_ARGV("spin"));
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_CPU, 1000), 0);
	ck_assert_result(tu_run(sb, &st), S_RESULT_TL);
	ck_assert_int_eq(st.tl_limit, S_TL_CPU);
	sandbox_destroy(sb);

	sb = rt_sandbox(S_MODE_FAST, "node", &out, NODE_ARGV("alloc", "300"));
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_MEMORY, 128 * MIB), 0);
	ck_assert_result(tu_run(sb, &st), S_RESULT_ML);
	ck_assert_int_gt(st.memory_peak, 128 * MIB);
	assert_output(out, "");
	sandbox_destroy(sb);
}
END_TEST

START_TEST(node_rf)
{
	char *out;
	sandbox_stat_t st;

	NEED_NODE();
	sandbox_t *sb = rt_sandbox(_i, "node", &out, NODE_ARGV("exec"));
	ck_assert_result(tu_run(sb, &st), S_RESULT_RF);
	ck_assert(st.has_syscall);
	ck_assert_int_eq(st.processes, 1);
	assert_output(out, "");
	sandbox_destroy(sb);
}
END_TEST

Suite *tu_suite(void)
{
	Suite *s = suite_create("runtimes");
	TCase *tc = tcase_create("java");

	tcase_set_timeout(tc, TU_TIMEOUT * 2);
	tcase_add_loop_test(tc, java_hello_and_threads, S_MODE_FAST,
	                    S_MODE_CLASSIC + 1);
	tcase_add_test(tc, java_tl);
	tcase_add_test(tc, java_ml);
	tcase_add_loop_test(tc, java_rf, S_MODE_FAST, S_MODE_CLASSIC + 1);
	suite_add_tcase(s, tc);

	tc = tcase_create("go");
	tcase_set_timeout(tc, TU_TIMEOUT * 2);
	tcase_add_loop_test(tc, go_hello_and_goroutines, S_MODE_FAST,
	                    S_MODE_CLASSIC + 1);
	tcase_add_loop_test(tc, go_echo, S_MODE_FAST, S_MODE_CLASSIC + 1);
	tcase_add_test(tc, go_tl);
	tcase_add_test(tc, go_ml);
	tcase_add_loop_test(tc, go_rf, S_MODE_FAST, S_MODE_CLASSIC + 1);
	suite_add_tcase(s, tc);

	tc = tcase_create("node");
	tcase_set_timeout(tc, TU_TIMEOUT * 2);
	tcase_add_loop_test(tc, node_hello_and_workers, S_MODE_FAST,
	                    S_MODE_CLASSIC + 1);
	tcase_add_test(tc, node_tl_ml);
	tcase_add_loop_test(tc, node_rf, S_MODE_FAST, S_MODE_CLASSIC + 1);
	suite_add_tcase(s, tc);
	return s;
}
