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
 * package (a failure under SANDBOX_MUST_WORK). Tasks.class is copied into
 * each run's working directory (-cp .), as a judge runs a submission: the
 * "java" policy reads no class path outside it.
 */
#include "config.h"
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MIB (1024 * 1024)
#define SB_N(a) (sizeof(a) / sizeof((a)[0]))
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
	  NULL, { JAVA_BIN, "-XX:-UsePerfData", "-Xmx1g", "-cp", ".", "Tasks",
	          NULL },
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

/* Copy the Java program's class into dir (a judge's working directory),
 * readable by every uid (a root supervisor runs it as a run slot's). */
static void stage_program(const struct runtime *rt, const char *dir)
{
	char to[4096], buf[65536];
	ssize_t n;

	if (strcmp(rt->policy, "java") != 0 || rt->skip)
		return;
	snprintf(to, sizeof(to), "%s/Tasks.class", dir);
	int in = open(PROGS_DIR "/Tasks.class", O_RDONLY | O_CLOEXEC);
	int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_msg(in >= 0 && out >= 0, "copy Tasks.class to %s: %s", dir,
	              strerror(errno));
	while ((n = read(in, buf, sizeof(buf))) > 0)
		ck_assert_int_eq(write(out, buf, (size_t)n), n);
	ck_assert_int_eq(n, 0);
	close(in);
	ck_assert_int_eq(fchmod(out, 0644), 0);
	close(out);
}

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
	stage_program(rt, tu_tmpdir());
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
	ck_assert_int_eq(st.tasks_quota, SANDBOX_DEFAULT_TASKS); /* held */
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

/* The files a submission may read (issue 13, review F12): under its
 * runtime's policy a program reads its working directory and the
 * runtime's trees, and nothing else -- not /etc/shadow, not a file of the
 * judge's beside the working directory (0644 or root's 0600), not by "..",
 * not through a symbolic link planted in its directory, not the
 * supervisor's /proc/PID/environ -- in both modes, run by root (as a run
 * slot's uid) and by an unprivileged caller. The paths come on stdin:
 * files named by arguments are the program's to read (read-args). 0.4's java and node policies
 * had no file rules: the 0644 file was read. _i: runtime, mode, caller. */
#define NOBODY 65534
START_TEST(files_held)
{
	const struct runtime *rt = &runtimes[_i / 4];
	int mode = _i % 2 ? S_MODE_CLASSIC : S_MODE_FAST;
	bool nobody = (_i / 2) % 2;
	char base[2048], work[2560], outside[2560], pub[4096], sec[4096],
	     environ_path[64], inside[4096], lnk[4096], want[16384], outf[4096],
	     list[16384], inf[4096];
	int status;

	if (rt->skip)
		tu_skip("%s policy: %s", rt->policy, rt->skip);
	if (nobody && geteuid() != 0)
		tu_skip("needs root to become nobody");
	snprintf(base, sizeof(base), "%s/held%d", tu_tmpdir(), _i);
	ck_assert_int_eq(mkdir(base, 0755), 0);
	snprintf(work, sizeof(work), "%s/work", base);
	snprintf(outside, sizeof(outside), "%s/outside", base);
	tu_mkdir_shared(work);
	ck_assert_int_eq(mkdir(outside, 0755), 0);
	snprintf(pub, sizeof(pub), "%s/public", outside);
	snprintf(sec, sizeof(sec), "%s/secret", outside);
	snprintf(inside, sizeof(inside), "%s/inside", work);
	snprintf(lnk, sizeof(lnk), "%s/lnk", work);
	tu_write_file(pub, "PUBLICDATA\n");
	tu_write_file(sec, "SECRETDATA\n");
	ck_assert_int_eq(chmod(sec, 0600), 0);
	tu_write_file(inside, "INSIDEDATA\n");
	ck_assert_int_eq(symlink(outside, lnk), 0);
	snprintf(environ_path, sizeof(environ_path), "/proc/%d/environ",
	         (int)getpid());
	snprintf(outf, sizeof(outf), "%s/out", base);
	stage_program(rt, work);
	const char *paths[] = { "/etc/shadow", pub, sec, "../outside/public",
	                        "lnk/public", "lnk/secret", environ_path };
	const char *argv[24];
	size_t n = 0;
	for (const char *const *a = rt->cmd; *a; a++)
		argv[n++] = *a;
	argv[n++] = "read";
	argv[n] = NULL;
	want[0] = list[0] = '\0';
	for (size_t i = 0; i < SB_N(paths); i++) {
		snprintf(want + strlen(want), sizeof(want) - strlen(want),
		         "held %s\n", paths[i]);
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
		         "%s\n", paths[i]);
	}
	snprintf(want + strlen(want), sizeof(want) - strlen(want),
	         "read inside: INSIDEDATA\n");
	snprintf(list + strlen(list), sizeof(list) - strlen(list), "inside\n");
	snprintf(inf, sizeof(inf), "%s/in", base);
	tu_write_file(inf, list);
	tu_write_file(outf, "");
	ck_assert_int_eq(chmod(outf, 0666), 0);

	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (nobody && (setgroups(0, NULL) < 0 ||
		               setresgid(NOBODY, NOBODY, NOBODY) < 0 ||
		               setresuid(NOBODY, NOBODY, NOBODY) < 0 ||
		               prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0))
			_exit(90);
		sandbox_t *sb = sandbox_new(argv);
		sandbox_policy_t *p = sandbox_policy_builtin(rt->policy);
		if (!sb || !p || sandbox_set_policy(sb, p) < 0 ||
		    sandbox_set_mode(sb, mode) < 0 ||
		    sandbox_set_workdir(sb, work) < 0 ||
		    sandbox_set_stdio_path(sb, 0, inf, false) < 0 ||
		    sandbox_set_stdio_path(sb, 1, outf, false) < 0 ||
		    sandbox_set_stdio_path(sb, 2, "/dev/null", false) < 0 ||
		    sandbox_set_quota(sb, S_QUOTA_WALLCLOCK, TU_NET_MS) < 0)
			_exit(91);
		int rc = sandbox_execute(sb);
		if (rc < 0) {
			fprintf(stderr, "execute: %s: %s\n", sandbox_strerror(rc),
			        sandbox_check_message(sb) ?
			        sandbox_check_message(sb) : "");
			_exit(92);
		}
		sandbox_stat_t st;
		sandbox_get_stat(sb, &st, sizeof(st));
		if (st.result != S_RESULT_OK)
			fprintf(stderr, "verdict %s\n", RN(st.result));
		_exit(st.result == S_RESULT_OK ? 0 : 93);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	              "%s (%s, %s): status %#x", rt->policy, tu_mode_name(mode),
	              nobody ? "nobody" : "root", status);
	char *got = tu_slurp(outf);
	ck_assert_msg(got && strcmp(got, want) == 0,
	              "%s (%s, %s) printed:\n%s", rt->policy, tu_mode_name(mode),
	              nobody ? "nobody" : "root", got ? got : "(nothing)");
	free(got);
}
END_TEST

/* Reading input the ways submissions do: Java's Scanner and
 * BufferedReader on stdin, java.nio's Files.readAllLines and
 * Files.newBufferedReader on the input file (named relative to the
 * working directory, where a judge puts it) and stdin's FileChannel,
 * Node's readline and fs.readFileSync(0); OK with the sum, in both modes.
 * The three java.nio readers were RF (socketpair: the JDK's file
 * dispatcher makes one when it starts). _i: case x mode. */
#define NREADERS 7
START_TEST(stdin_readers)
{
	static const struct { int rt; const char *how, *file; } cases[NREADERS] = {
		{ 0, "scanner", NULL }, { 0, "reader", NULL },
		{ 0, "nio-lines", "sum.in" }, { 0, "nio-reader", "sum.in" },
		{ 0, "nio-channel", NULL },
		{ 2, "readline", NULL }, { 2, "fd0", NULL },
	};
	const struct runtime *rt = &runtimes[cases[_i / 2].rt];
	int mode = _i % 2 ? S_MODE_CLASSIC : S_MODE_FAST;
	char *out, *in = tu_tmpfile("sum.in");
	sandbox_stat_t st;

	if (rt->skip)
		tu_skip("%s policy: %s", rt->policy, rt->skip);
	tu_write_file(in, "3\n1 2\n39\n");
	ck_assert_int_eq(chmod(in, 0644), 0); /* a run slot's uid reads it */
	sandbox_t *sb = rt_sandbox(mode, rt, &out,
	                           cases[_i / 2].file
	                               ? ARGS(cases[_i / 2].how, cases[_i / 2].file)
	                               : ARGS(cases[_i / 2].how));
	ck_assert_int_eq(sandbox_set_stdio_path(sb, 0, in, false), 0);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_MEMORY,
	                                   (uint64_t)rt->base_mib * MIB), 0);
	int v = tu_run(sb, &st);
	char name[64] = "(none)";
	if (st.has_syscall)
		sandbox_syscall_name(st.syscall.abi, st.syscall.nr, name,
		                     sizeof(name));
	ck_assert_msg(v == S_RESULT_OK, "%s %s (%s): %s, syscall %s",
	              rt->policy, cases[_i / 2].how, tu_mode_name(mode), RN(v),
	              name);
	assert_output(out, "42\n");
	sandbox_destroy(sb);
}
END_TEST

/* argv under the python3 built-in: mode, stdout to `out`, a memory
 * quota, the working directory the suite's own. */
static sandbox_t *python3_sandbox(const char *const argv[], int mode,
                                  const char *out, uint64_t memory)
{
	sandbox_t *sb = sandbox_new(argv);
	ck_assert_ptr_nonnull(sb);
	sandbox_policy_t *p = sandbox_policy_builtin("python3");
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(sandbox_set_policy(sb, p), 0);
	sandbox_policy_unref(p);
	ck_assert_int_eq(sandbox_set_mode(sb, mode), 0);
	ck_assert_int_eq(sandbox_set_workdir(sb, tu_tmpdir()), 0);
	ck_assert_int_eq(sandbox_set_stdio_path(sb, 1, out, false), 0);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_MEMORY, memory), 0);
	return sb;
}

/* python3 stays judged on the virtual size (docs/POLICIES.md): CPython
 * reserves little it does not use, so the kernel refuses the request that
 * passes the quota (ML at that mmap, exact and deterministic), and eight
 * threads -- whose malloc arenas the quota refuses, which glibc survives
 * -- still fit in 64 MiB. _i: mode. */
START_TEST(python3_judged_on_vsize)
{
	char *big = tu_tmpfile("big.py"), *thr = tu_tmpfile("thr.py");
	char *out = tu_tmpfile("py.out");
	sandbox_stat_t st;

	if (access("/usr/bin/python3", X_OK) < 0)
		tu_skip("no /usr/bin/python3 (apt-get install python3)");
	tu_write_file(big, "x = bytearray(300 << 20)\nprint(len(x))\n");
	tu_write_file(thr, "import threading\n"
	              "t = [threading.Thread(target=print) for i in range(8)]\n"
	              "for a in t: a.start()\nfor a in t: a.join()\n"
	              "print('joined')\n");
	const char *const scripts[] = { big, thr };
	const uint64_t quotas[] = { 256u * MIB, 64u * MIB };
	for (int k = 0; k < 2; k++) {
		const char *argv[] = { "/usr/bin/python3", scripts[k], NULL };
		sandbox_t *sb = python3_sandbox(argv, _i, out, quotas[k]);
		ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_WALLCLOCK, TU_NET_MS),
		                 0);
		ck_assert_result(tu_run(sb, &st), k == 0 ? S_RESULT_ML : S_RESULT_OK);
		ck_assert_int_eq(st.memory_mode, S_MEMORY_VSIZE);
		if (k == 1)
			assert_output(out, "\n\n\n\n\n\n\n\njoined\n");
		sandbox_destroy(sb);
	}
}
END_TEST

/* python3 puts MALLOC_ARENA_MAX=1 in the program's environment: four
 * threads that did a little work, then a 120 MiB bytearray in the main
 * thread, fit in 256 MiB of address space (each thread's own 64 MiB arena
 * made that ML with 14 MiB resident); a caller's own value wins. _i: mode
 * x (policy's value, caller's value). */
START_TEST(python3_threads_share_one_arena)
{
	const int mode = _i / 2, caller = _i % 2;
	char *py = tu_tmpfile("arena.py"), *out = tu_tmpfile("arena.out");
	const char *const caller_env[] = { "MALLOC_ARENA_MAX=8", NULL };
	sandbox_stat_t st;

	if (access("/usr/bin/python3", X_OK) < 0)
		tu_skip("no /usr/bin/python3 (apt-get install python3)");
	tu_write_file(py, "import os, sys, threading\n"
	              "print(os.environ.get('MALLOC_ARENA_MAX'))\n"
	              "k = int(sys.argv[1])\n"
	              "b = threading.Barrier(k + 1)\n"
	              "def work():\n"
	              "    x = [bytes(100) * 10 for i in range(2000)]\n"
	              "    b.wait()\n"
	              "t = [threading.Thread(target=work) for i in range(k)]\n"
	              "for a in t: a.start()\n"
	              "b.wait()\n"
	              "for a in t: a.join()\n"
	              "x = bytearray(120 << 20)\n"
	              "print(len(x) >> 20)\n");
	const char *argv[] = { "/usr/bin/python3", py, caller ? "0" : "4",
	                       NULL };
	sandbox_t *sb = python3_sandbox(argv, mode, out, 256u * MIB);
	if (caller)
		ck_assert_int_eq(sandbox_set_env(sb, caller_env), 0);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_TASKS, 16), 0);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_WALLCLOCK, TU_NET_MS), 0);
	ck_assert_result(tu_run(sb, &st), S_RESULT_OK);
	assert_output(out, caller ? "8\n120\n" : "1\n120\n");
	sandbox_destroy(sb);
}
END_TEST

/* python3 puts PYTHONDONTWRITEBYTECODE=1 in the program's environment:
 * a submission of two files wrote its module's __pycache__ into the
 * working directory, and in a box those 4 KiB count in the one output
 * budget -- 100 bytes printed under --output=1M was OL (verify23 V7). */
START_TEST(python3_writes_no_bytecode)
{
	char *py = tu_tmpfile("pycmain.py"), *mod = tu_tmpfile("pycmod.py");
	char *out = tu_tmpfile("pyc.out"), *cache = tu_tmpfile("__pycache__");
	sandbox_stat_t st;

	if (access("/usr/bin/python3", X_OK) < 0)
		tu_skip("no /usr/bin/python3 (apt-get install python3)");
	tu_write_file(mod, "def add(a, b):\n    return a + b\n");
	tu_write_file(py, "import os, pycmod\n"
	              "print(os.environ.get('PYTHONDONTWRITEBYTECODE'),"
	              " pycmod.add(1, 2))\n");
	const char *argv[] = { "/usr/bin/python3", py, NULL };
	sandbox_t *sb = python3_sandbox(argv, _i, out, 256u * MIB);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_WALLCLOCK, TU_NET_MS), 0);
	ck_assert_result(tu_run(sb, &st), S_RESULT_OK);
	assert_output(out, "1 3\n");
	ck_assert_msg(access(cache, F_OK) < 0 && errno == ENOENT,
	              "%s was written", cache);
	sandbox_destroy(sb);
}
END_TEST

/* python3 lets a script signal itself, as "default" lets a C program:
 * os.abort() (a C extension's abort() or assert() too: tgkill of its own
 * pid) and os.kill(os.getpid(), ...) end it RT by that signal, from the
 * main thread or another; python3 allowed none of kill, tgkill and tkill,
 * so they were RF (verify23 V2). Another pid keeps the base: RF (a pid
 * above pid_max, which no process can have). _i: mode. */
START_TEST(python3_signals_itself)
{
	static const struct {
		const char *script;
		int result, sig;
	} c[] = {
		{ "import os\nos.abort()\n", S_RESULT_RT, SIGABRT },
		{ "import os, signal\nos.kill(os.getpid(), signal.SIGTERM)\n",
		  S_RESULT_RT, SIGTERM },
		{ "import os, threading\n"
		  "t = threading.Thread(target=os.abort)\nt.start()\nt.join()\n",
		  S_RESULT_RT, SIGABRT },
		{ "import os, signal\nos.kill(4194305, signal.SIGTERM)\n",
		  S_RESULT_RF, 0 },
	};
	char *py = tu_tmpfile("selfsig.py"), *out = tu_tmpfile("selfsig.out");
	sandbox_stat_t st;

	if (access("/usr/bin/python3", X_OK) < 0)
		tu_skip("no /usr/bin/python3 (apt-get install python3)");
	for (size_t k = 0; k < sizeof(c) / sizeof(c[0]); k++) {
		tu_write_file(py, c[k].script);
		const char *argv[] = { "/usr/bin/python3", py, NULL };
		sandbox_t *sb = python3_sandbox(argv, _i, out, 256u * MIB);
		ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_WALLCLOCK, TU_NET_MS),
		                 0);
		int v = tu_run(sb, &st);
		ck_assert_msg(v == c[k].result && (!c[k].sig || st.signal == c[k].sig),
		              "%s: %s, signal %d (syscall %ld)", c[k].script, RN(v),
		              st.signal, st.has_syscall ? st.syscall.nr : -1L);
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
	tcase_add_loop_test(tc, files_held, 0, 4 * NRT);
	tcase_add_loop_test(tc, stdin_readers, 0, 2 * NREADERS);
	tcase_add_loop_test(tc, python3_judged_on_vsize, S_MODE_FAST,
	                    S_MODE_CLASSIC + 1);
	tcase_add_loop_test(tc, python3_writes_no_bytecode, S_MODE_FAST,
	                    S_MODE_CLASSIC + 1);
	tcase_add_loop_test(tc, python3_signals_itself, S_MODE_FAST,
	                    S_MODE_CLASSIC + 1);
	tcase_add_loop_test(tc, python3_threads_share_one_arena,
	                    2 * S_MODE_FAST, 2 * (S_MODE_CLASSIC + 1));
	suite_add_tcase(s, tc);
	return s;
}
