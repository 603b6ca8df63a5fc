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
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define MIB (1024 * 1024)
#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* One runtime: its policy, the command before the program's arguments,
 * what its programs print, the memory a program of nothing uses, and the
 * call its process start is refused at. */
struct runtime {
	const char *policy;
	const char *skip;        /* why it cannot run here, or NULL */
	const char *cmd[8];      /* NULL-terminated */
	const char *hello;       /* output of "hello" */
	int min_threads;         /* threads the runtime starts at least */
	int base_mib;            /* a quota hello fits in easily */
	const char *spawn_call;  /* where "exec" is RF */
};

static const struct runtime runtimes[] = {
	{ "java",
#ifdef JAVA_BIN
	  NULL, { JAVA_BIN, "-XX:-UsePerfData", "-Xmx1g", "-cp", PROGS_DIR,
	          "Tasks", NULL },
#else
	  "javac or java not found when configured "
	  "(apt-get install openjdk-17-jdk-headless)", { NULL },
#endif
	  "hello java\n", 4 /* GC, compilers, service threads */, 256,
	  "clone" },
	{ "go",
#ifdef HAVE_GOTASKS
	  NULL, { PROGS_DIR "/gotasks", NULL },
#else
	  "go not found when configured (apt-get install golang-go)",
	  { NULL },
#endif
	  "hello go\n", 1, 64, "clone" },
	{ "node",
#ifdef NODE_BIN
	  NULL, { NODE_BIN, TASKS_JS, NULL },
#else
	  "node not found when configured (apt-get install nodejs)", { NULL },
#endif
	  "hello node\n", 4 /* libuv's pool, V8's */, 256, "socketpair" },
};
#define NRT ((int)(sizeof(runtimes) / sizeof(runtimes[0])))

/* A run of the runtime's command and then args (NULL-terminated) under its
 * built-in policy, stdout in a file of its own (*out), the working
 * directory the private temporary one. */
static sandbox_t *rt_sandbox(int mode, const struct runtime *rt, char **out,
                             const char *const *args)
{
	static int seq;
	const char *argv[16];
	char name[32];
	size_t n = 0;

	for (const char *const *a = rt->cmd; *a && n < 8; a++)
		argv[n++] = *a;
	for (const char *const *a = args; *a && n < 15; a++)
		argv[n++] = *a;
	argv[n] = NULL;
	sandbox_t *sb = sandbox_new(argv);
	ck_assert_ptr_nonnull(sb);
	snprintf(name, sizeof(name), "rt%d.out", seq++);
	*out = tu_tmpfile(name);
	ck_assert_int_eq(sandbox_set_stdio_path(sb, 1, *out, false), 0);
	ck_assert_int_eq(sandbox_set_stdio_path(sb, 2, "/dev/null", false), 0);
	ck_assert_int_eq(sandbox_set_mode(sb, mode), 0);
	ck_assert_int_eq(sandbox_set_workdir(sb, tu_tmpdir()), 0);
	sandbox_policy_t *p = sandbox_policy_builtin(rt->policy);
	ck_assert_msg(p != NULL, "built-in %s: %s", rt->policy, strerror(errno));
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

/* Hello, and four threads (goroutines, workers) of the language summing, in both modes, under
 * a quota judged on RSS (what the policies ask for). _i: runtime, mode. */
START_TEST(hello_and_threads)
{
	const struct runtime *rt = &runtimes[_i / 2];
	int mode = _i % 2 ? S_MODE_CLASSIC : S_MODE_FAST;
	char *out;
	sandbox_stat_t st;

	if (rt->skip)
		tu_skip("%s policy: %s", rt->policy, rt->skip);
	sandbox_t *sb = rt_sandbox(mode, rt, &out, ARGS("hello"));
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_MEMORY,
	                                   (uint64_t)rt->base_mib * MIB), 0);
	ck_assert_result(tu_run(sb, &st), S_RESULT_OK);
	ck_assert_int_eq(st.memory_mode, S_MEMORY_RSS);
	assert_output(out, rt->hello);
	ck_assert_int_ge(st.tasks_created, rt->min_threads);
	ck_assert_int_eq(st.processes, 1);
	tu_note("%s hello (%s): %lld ms wall, %lld ms CPU, %lld MiB RSS, "
	        "%d threads", rt->policy, tu_mode_name(mode),
	        (long long)st.wall_time_us / 1000,
	        (long long)st.cpu_time_us / 1000,
	        (long long)st.memory_peak / MIB, st.tasks_created);
	sandbox_destroy(sb);

	sb = rt_sandbox(mode, rt, &out, ARGS("sum", "4"));
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_MEMORY,
	                                   (uint64_t)rt->base_mib * MIB), 0);
	ck_assert_result(tu_run(sb, &st), S_RESULT_OK);
	assert_output(out, "7999998000000\n");
	ck_assert_int_ge(st.tasks_created, rt->min_threads); /* goroutines
	                                                     * share threads */
	sandbox_destroy(sb);
}
END_TEST

/* A program spinning (on every CPU, for Go) is TL on the CPU of all its
 * threads. */
START_TEST(tl)
{
	const struct runtime *rt = &runtimes[_i];
	char *out;
	sandbox_stat_t st;

	if (rt->skip)
		tu_skip("%s policy: %s", rt->policy, rt->skip);
	sandbox_t *sb = rt_sandbox(S_MODE_FAST, rt, &out, ARGS("spin"));
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_CPU, 1000), 0);
	ck_assert_result(tu_run(sb, &st), S_RESULT_TL);
	ck_assert_int_eq(st.tl_limit, S_TL_CPU);
	/* Judged on the program's CPU and the tracer's work for it. */
	ck_assert_int_ge(st.cpu_time_us + st.supervisor_cpu_us, 1000000);
	sandbox_destroy(sb);
}
END_TEST

/* 400 MiB kept, touched, is ML under the hello quota (+64 MiB: the
 * runtime's heap may grow to 1 GiB, the quota stops it, not the
 * runtime); 40 MiB fits. */
START_TEST(ml)
{
	const struct runtime *rt = &runtimes[_i];
	const uint64_t quota = (uint64_t)(rt->base_mib + 64) * MIB;
	char *out;
	sandbox_stat_t st;

	if (rt->skip)
		tu_skip("%s policy: %s", rt->policy, rt->skip);
	sandbox_t *sb = rt_sandbox(S_MODE_FAST, rt, &out, ARGS("alloc", "400"));
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_MEMORY, quota), 0);
	ck_assert_result(tu_run(sb, &st), S_RESULT_ML);
	ck_assert_int_gt(st.memory_peak, (int64_t)quota);
	assert_output(out, "");
	sandbox_destroy(sb);

	sb = rt_sandbox(S_MODE_FAST, rt, &out, ARGS("alloc", "40"));
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_MEMORY, quota), 0);
	ck_assert_result(tu_run(sb, &st), S_RESULT_OK);
	assert_output(out, "kept 40\n");
	sandbox_destroy(sb);
}
END_TEST

/* Starting a process (ProcessBuilder, os/exec, child_process) is RF at
 * the call that would start it; no second process ever runs. */
START_TEST(rf)
{
	const struct runtime *rt = &runtimes[_i / 2];
	int mode = _i % 2 ? S_MODE_CLASSIC : S_MODE_FAST;
	char *out, name[64];
	sandbox_stat_t st;

	if (rt->skip)
		tu_skip("%s policy: %s", rt->policy, rt->skip);
	sandbox_t *sb = rt_sandbox(mode, rt, &out, ARGS("exec"));
	ck_assert_result(tu_run(sb, &st), S_RESULT_RF);
	ck_assert(st.has_syscall);
	ck_assert_str_eq(sandbox_syscall_name(S_ABI_X86_64, st.syscall.nr, name,
	                                      sizeof(name)),
	                 rt->spawn_call);
	ck_assert_int_eq(st.processes, 1);
	assert_output(out, "");
	sandbox_destroy(sb);
}
END_TEST

/* Go: input through the runtime's poller-aware file code. */
START_TEST(go_echo)
{
	const struct runtime *rt = &runtimes[1];
	char *out, *in = tu_tmpfile("go.in");

	if (rt->skip)
		tu_skip("%s policy: %s", rt->policy, rt->skip);
	tu_write_file(in, "1 2\n3 4\n");
	sandbox_t *sb = rt_sandbox(_i, rt, &out, ARGS("echo"));
	ck_assert_int_eq(sandbox_set_stdio_path(sb, 0, in, false), 0);
	ck_assert_result(tu_run(sb, NULL), S_RESULT_OK);
	assert_output(out, "1 2\n3 4\n");
	sandbox_destroy(sb);
}
END_TEST

/* Java with the JVM's performance data on (no -XX:-UsePerfData, as the
 * docs' command line), while /tmp/hsperfdata_root holds the file of a JVM
 * that is gone: the JVM tries to lock it at start, which was RF (flock).
 * The directory is a tmpfs of this test's own mount namespace: the host's
 * /tmp stays as it was. */
START_TEST(java_with_stale_perf_data)
{
	const struct runtime *rt = &runtimes[0];
	const char *dir = "/tmp/hsperfdata_root";
	char *out, file[64];
	sandbox_stat_t st;

	if (rt->skip)
		tu_skip("%s policy: %s", rt->policy, rt->skip);
	if (geteuid() != 0 || unshare(CLONE_NEWNS) < 0)
		tu_skip("a mount namespace of its own needs root: %s",
		        strerror(errno));
	ck_assert_int_eq(mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
	ck_assert(mkdir(dir, 0755) == 0 || errno == EEXIST);
	ck_assert_int_eq(mount("stale", dir, "tmpfs", 0, "mode=755"), 0);
	snprintf(file, sizeof(file), "%s/999999", dir); /* above pid_max */
	int fd = open(file, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, 32768), 0);
	close(fd);
	const char *argv[16];
	size_t n = 0;
	for (const char *const *a = rt->cmd; *a; a++)
		if (strcmp(*a, "-XX:-UsePerfData") != 0)
			argv[n++] = *a;
	argv[n++] = "hello";
	argv[n] = NULL;
	for (int mode = S_MODE_FAST; mode <= S_MODE_CLASSIC; mode++) {
		sandbox_t *sb = rt_sandbox(mode, rt, &out, ARGS(NULL));
		ck_assert_int_eq(sandbox_set_argv(sb, argv), 0);
		ck_assert_result(tu_run(sb, &st), S_RESULT_OK);
		assert_output(out, rt->hello);
		sandbox_destroy(sb);
	}
}
END_TEST

Suite *tu_suite(void)
{
	Suite *s = suite_create("runtimes");
	TCase *tc = tcase_create("runtimes");

	tcase_set_timeout(tc, TU_TIMEOUT * 2);
	tcase_add_loop_test(tc, hello_and_threads, 0, 2 * NRT);
	tcase_add_loop_test(tc, tl, 0, NRT);
	tcase_add_loop_test(tc, ml, 0, NRT);
	tcase_add_loop_test(tc, rf, 0, 2 * NRT);
	tcase_add_loop_test(tc, go_echo, S_MODE_FAST, S_MODE_CLASSIC + 1);
	tcase_add_test(tc, java_with_stale_perf_data);
	suite_add_tcase(s, tc);
	return s;
}
