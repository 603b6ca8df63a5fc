/*
 * Teardown and robustness: hundreds of runs leak no descriptor, memory,
 * thread or zombie; sandboxes run concurrently in threads; a killed
 * supervisor takes its program with it; a reset run repeats its verdict.
 */
#include "config.h"

#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int count_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	ck_assert_msg(d != NULL, "opendir(%s): %s", path, strerror(errno));
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static int count_fds(void)
{
	return count_dir("/proc/self/fd") - 1; /* minus opendir's own */
}

static int count_threads(void)
{
	return count_dir("/proc/self/task");
}

static long rss_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static void no_children_left(void)
{
	errno = 0;
	ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
}

static void run_hello(bool reuse, sandbox_t **keep)
{
	sandbox_t *sb = reuse && *keep ? *keep : tu_sandbox("hello", NULL);
	int r;

	if (reuse && *keep)
		ck_assert_int_eq(sandbox_reset(sb), 0);
	r = tu_run(sb, NULL);
	ck_assert_result(r, S_RESULT_OK);
	if (reuse)
		*keep = sb;
	else
		sandbox_destroy(sb);
}

START_TEST(many_runs_leak_nothing)
{
	sandbox_t *keep = NULL;
	int fds, threads;
	long rss;

	/* Warm-up: first-use allocations of libc, libseccomp, Check. */
	for (int i = 0; i < 20; i++)
		run_hello(false, NULL);
	fds = count_fds();
	threads = count_threads();
	rss = rss_kb();
	no_children_left();

	/* 250 runs on fresh sandboxes, 250 on one sandbox reset each time. */
	for (int i = 0; i < 250; i++)
		run_hello(false, NULL);
	ck_assert_int_eq(count_threads(), threads);
	for (int i = 0; i < 250; i++)
		run_hello(true, &keep);
	sandbox_destroy(keep);

	ck_assert_msg(count_fds() == fds, "fds: %d before, %d after 500 runs",
	              fds, count_fds());
	ck_assert_msg(count_threads() == threads,
	              "threads: %d before, %d after destroy", threads, count_threads());
	ck_assert_msg(!TU_RSS_IS_MEANINGFUL || rss_kb() - rss < 2048,
	              "RSS grew from %ld kB to %ld kB", rss, rss_kb());
	no_children_left();
}
END_TEST

START_TEST(destroy_ends_the_manager_thread)
{
	int threads = count_threads();
	sandbox_t *sb = tu_sandbox("hello", NULL);

	ck_assert_result(tu_run(sb, NULL), S_RESULT_OK);
	ck_assert_int_eq(count_threads(), threads + 1); /* one manager */
	sandbox_destroy(sb);
	ck_assert_int_eq(count_threads(), threads);
}
END_TEST

/* ------------------------------------------------------------ reset */

struct rerun_case {
	const char *prog;
	const char *arg;
	int result;
};

static const struct rerun_case rerun[] = {
	{ "hello", NULL, S_RESULT_OK },
	{ "exit3", NULL, S_RESULT_AT },
	{ "segv", NULL, S_RESULT_RT },
	{ "forbidden", "fork", S_RESULT_RF },
	{ "cpuloop", NULL, S_RESULT_TL },
	{ "malloc_hog", NULL, S_RESULT_ML },
};

START_TEST(reset_reruns_same_verdict)
{
	const struct rerun_case *c = &rerun[_i];
	sandbox_t *sb = tu_sandbox(c->prog, c->arg, NULL);
	sandbox_stat_t first, st;

	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_CPU, 300), 0);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_MEMORY, 64 << 20), 0);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_WALLCLOCK, TU_NET_MS), 0);
	ck_assert_result(tu_run(sb, &first), c->result);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(sandbox_reset(sb), 0);
		ck_assert_msg(tu_run(sb, &st) == c->result, "%s run %d: %s", c->prog,
		              i + 2, RN(st.result));
		ck_assert_int_eq(st.exit_code, first.exit_code);
		ck_assert_int_eq(st.signal, first.signal);
		ck_assert_int_eq(st.tl_limit, first.tl_limit);
		ck_assert_int_eq(st.has_syscall, first.has_syscall);
		if (st.has_syscall)
			ck_assert_int_eq(st.syscall.nr, first.syscall.nr);
	}
	sandbox_destroy(sb);
	no_children_left();
}
END_TEST

/* ------------------------------------------------------------ threads */

struct worker {
	pthread_t thread;
	const char *prog;
	const char *arg;
	int want;
	int got[5];
	int rc[5];
};

static void *worker_main(void *p)
{
	struct worker *w = p;

	for (int i = 0; i < 5; i++) {
		const char *argv[] = { tu_prog(w->prog), w->arg, NULL };
		sandbox_t *sb = sandbox_new(argv);

		w->got[i] = -1;
		w->rc[i] = -1;
		if (sb == NULL)
			continue;
		sandbox_set_stdio_path(sb, 1, "/dev/null", false);
		sandbox_set_quota(sb, S_QUOTA_CPU, 500);
		sandbox_set_quota(sb, S_QUOTA_WALLCLOCK, TU_NET_MS);
		sandbox_set_mode(sb, i % 2 ? S_MODE_CLASSIC : S_MODE_FAST);
		w->rc[i] = sandbox_execute(sb);
		w->got[i] = sandbox_result(sb);
		sandbox_destroy(sb);
	}
	return NULL;
}

START_TEST(parallel_sandboxes_in_threads)
{
	struct worker w[4] = {
		{ .prog = "hello", .want = S_RESULT_OK },
		{ .prog = "cpuloop", .want = S_RESULT_TL },
		{ .prog = "forbidden", .arg = "fork", .want = S_RESULT_RF },
		{ .prog = "exit3", .want = S_RESULT_AT },
	};

	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_create(&w[i].thread, NULL, worker_main, &w[i]), 0);
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_join(w[i].thread, NULL), 0);
	for (int i = 0; i < 4; i++)
		for (int j = 0; j < 5; j++) {
			ck_assert_msg(w[i].rc[j] == 0, "%s run %d: execute %d", w[i].prog,
			              j, w[i].rc[j]);
			ck_assert_msg(w[i].got[j] == w[i].want, "%s run %d: %s, expected %s",
			              w[i].prog, j, RN(w[i].got[j]), RN(w[i].want));
		}
	no_children_left();
}
END_TEST

/* ------------------------------------------------------------ killed supervisor */

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

START_TEST(killed_supervisor_takes_the_program_along)
{
	char *pidfile = tu_tmpfile("sleep.pid");
	pid_t helper, prog = 0;
	long t0;
	int status;

	/* Orphans come back to us, so we can tell "dead" from "zombie". */
	ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0);
	helper = fork();
	ck_assert_int_ge(helper, 0);
	if (helper == 0) {
		const char *argv[] = { tu_prog("sleep"), "pid", NULL };
		sandbox_t *sb = sandbox_new(argv);

		if (sb == NULL || sandbox_set_stdio_path(sb, 1, pidfile, false) != 0)
			_exit(1);
		sandbox_execute(sb);
		_exit(2);
	}

	/* Wait until the program has started and written its pid. */
	const long wait_ms = (long)tu_scale_ms(10000);
	t0 = now_ms();
	while (now_ms() - t0 < wait_ms) {
		char *text = tu_slurp(pidfile);
		if (text != NULL && strchr(text, '\n') != NULL)
			prog = (pid_t)atol(text);
		free(text);
		if (prog > 0)
			break;
		usleep(2000);
	}
	ck_assert_msg(prog > 0, "the sandboxed sleep never reported its pid");
	ck_assert_int_eq(kill(prog, 0), 0);

	kill(helper, SIGKILL);
	ck_assert_int_eq(waitpid(helper, &status, 0), helper);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

	/* Within 100 ms (on an idle host) the program must be gone (reaped
	 * by us as the subreaper, or already gone). */
	t0 = now_ms();
	for (;;) {
		pid_t w = waitpid(prog, &status, WNOHANG);

		if (w == prog || (w < 0 && errno == ECHILD && kill(prog, 0) != 0))
			break;
		long limit = (long)tu_scale_ms(100);
		ck_assert_msg(now_ms() - t0 <= limit,
		              "sandboxed pid %d still alive %ld ms after its supervisor died",
		              (int)prog, limit);
		usleep(1000);
	}
	if (kill(prog, 0) == 0)
		ck_abort_msg("pid %d still exists", (int)prog);
	/* Nothing else was left behind either. */
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	no_children_left();
}
END_TEST

Suite *tu_suite(void)
{
	Suite *s = suite_create("teardown");
	TCase *tc;

	tc = tcase_create("leaks");
	tcase_set_timeout(tc, 3 * TU_TIMEOUT);
	tcase_add_test(tc, many_runs_leak_nothing);
	tcase_add_test(tc, destroy_ends_the_manager_thread);
	suite_add_tcase(s, tc);

	tc = tcase_create("rerun");
	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_loop_test(tc, reset_reruns_same_verdict, 0,
	                    (int)(sizeof(rerun) / sizeof(rerun[0])));
	suite_add_tcase(s, tc);

	tc = tcase_create("concurrency");
	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_test(tc, parallel_sandboxes_in_threads);
	tcase_add_test(tc, killed_supervisor_takes_the_program_along);
	suite_add_tcase(s, tc);
	return s;
}
