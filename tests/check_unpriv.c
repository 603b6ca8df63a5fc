/*
 * The library needs no privilege: the same verdicts as an unprivileged
 * user (uid/gid 65534, no supplementary groups). When the suite runs as
 * root, each test drops its privileges first (Check runs every test in its
 * own forked process, so the drop does not outlive the test).
 */
#include "config.h"

#include "testutil.h"

#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define NOBODY 65534

static const int modes[] = { S_MODE_FAST, S_MODE_CLASSIC };

/* Returns NULL once unprivileged, or why it could not get there. */
static const char *drop_privileges(void)
{
	static char why[200];

	if (getuid() == 0 || geteuid() == 0) {
		if (setgroups(0, NULL) != 0 || setgid(NOBODY) != 0 || setuid(NOBODY) != 0) {
			snprintf(why, sizeof(why), "cannot drop root to uid %d: %s",
			         NOBODY, strerror(errno));
			return why;
		}
		/* A credential change clears "dumpable"; we want to look like
		 * any ordinary user process. */
		prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	}
	if (getuid() == 0 || geteuid() == 0 || setuid(0) == 0)
		return "still privileged after the drop";
	if (access(tu_prog("hello"), X_OK) != 0) {
		snprintf(why, sizeof(why), "uid %d cannot execute %s: %s",
		         (int)getuid(), tu_prog("hello"), strerror(errno));
		return why;
	}
	return NULL;
}

/* tu_suite() already proved the drop works on this host. */
#define DROP_OR_SKIP()                                                 \
	do {                                                           \
		const char *why_ = drop_privileges();                  \
		ck_assert_msg(why_ == NULL, "%s", why_);               \
	} while (0)

START_TEST(unpriv_verdicts)
{
	DROP_OR_SKIP();
	for (int m = 0; m < 2; m++) {
		sandbox_stat_t st;

		ck_assert_result(tu_run_prog(modes[m], &st, "hello", NULL), S_RESULT_OK);
		ck_assert_result(tu_run_prog(modes[m], &st, "hello_static", NULL), S_RESULT_OK);
		ck_assert_result(tu_run_prog(modes[m], &st, "exit3", NULL), S_RESULT_AT);
		ck_assert_int_eq(st.exit_code, 3);
		ck_assert_result(tu_run_prog(modes[m], &st, "segv", NULL), S_RESULT_RT);
		ck_assert_int_eq(st.signal, SIGSEGV);
		ck_assert_result(tu_run_prog(modes[m], &st, "forbidden", "fork", NULL), S_RESULT_RF);
		ck_assert(st.has_syscall);
		ck_assert_result(tu_run_prog(modes[m], &st, "forbidden", "socket", NULL), S_RESULT_RF);
		ck_assert_int_eq(st.syscall.nr, sandbox_syscall_number(S_ABI_X86_64, "socket"));
		ck_assert_result(tu_run_prog(modes[m], &st, "forbidden", "int80", NULL), S_RESULT_RF);
		ck_assert_int_eq(st.syscall.abi, S_ABI_I386);
	}
}
END_TEST

START_TEST(unpriv_quotas)
{
	DROP_OR_SKIP();
	for (int m = 0; m < 2; m++) {
		sandbox_t *sb = tu_sandbox("cpuloop", NULL);
		sandbox_stat_t st;

		ck_assert_int_eq(sandbox_set_mode(sb, modes[m]), 0);
		ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_CPU, 500), 0);
		ck_assert_result(tu_run(sb, &st), S_RESULT_TL);
		ck_assert_int_eq(st.tl_limit, S_TL_CPU);
		/* Late by what the program burns before the manager thread
		 * gets a CPU: 150 ms on an idle host. */
		int64_t charged = st.cpu_time_us + st.supervisor_cpu_us;
		ck_assert_msg(charged >= 500000 &&
		              charged < 500000 + tu_scale_us(150000),
		              "cpu_time_us %lld + supervisor_cpu_us %lld",
		              (long long)st.cpu_time_us,
		              (long long)st.supervisor_cpu_us);
		sandbox_destroy(sb);

		sb = tu_sandbox("sleep", NULL);
		ck_assert_int_eq(sandbox_set_mode(sb, modes[m]), 0);
		ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_WALLCLOCK, 300), 0);
		ck_assert_result(tu_run(sb, &st), S_RESULT_TL);
		ck_assert_int_eq(st.tl_limit, S_TL_WALL);
		sandbox_destroy(sb);

		sb = tu_sandbox("malloc_hog", NULL);
		ck_assert_int_eq(sandbox_set_mode(sb, modes[m]), 0);
		ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_MEMORY, 64 << 20), 0);
		ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_WALLCLOCK, TU_NET_MS), 0);
		ck_assert_result(tu_run(sb, &st), S_RESULT_ML);
		sandbox_destroy(sb);
	}
}
END_TEST

START_TEST(unpriv_credentials_need_privilege)
{
	sandbox_t *sb;
	int rc;

	DROP_OR_SKIP();
	sb = tu_sandbox("hello", NULL);
	ck_assert_int_eq(sandbox_set_credentials(sb, 0, 0, NULL, 0), 0);
	rc = sandbox_execute(sb);
	ck_assert_msg(rc == -EPERM, "execute as uid %d asking for uid 0: %d (%s)",
	              (int)getuid(), rc, sandbox_strerror(rc));
	ck_assert_int_eq(sandbox_result(sb), S_RESULT_PD);
	ck_assert_ptr_nonnull(sandbox_failed_step(sb));
	sandbox_destroy(sb);
}
END_TEST

/* Can this host run us unprivileged at all? Probe in a throw-away child;
 * if not, the whole suite is skipped (exit 77) with the reason. */
static void probe_or_skip(void)
{
	int fd[2], status;
	char why[256] = "";
	pid_t pid;
	ssize_t n;

	if (pipe(fd) != 0 || (pid = fork()) < 0) {
		perror("pipe/fork");
		exit(99);
	}
	if (pid == 0) {
		const char *w = drop_privileges();
		if (w != NULL)
			(void)!write(fd[1], w, strlen(w));
		_exit(0);
	}
	close(fd[1]);
	n = read(fd[0], why, sizeof(why) - 1);
	close(fd[0]);
	waitpid(pid, &status, 0);
	if (n > 0) {
		why[n] = '\0';
		fprintf(stderr, "SKIP: the unprivileged suite cannot run here: %s\n", why);
		exit(tu_must_work() ? 99 : 77);
	}
}

Suite *tu_suite(void)
{
	Suite *s;
	TCase *tc;

	probe_or_skip();
	s = suite_create("unpriv");
	tc = tcase_create("unprivileged");

	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_test(tc, unpriv_verdicts);
	tcase_add_test(tc, unpriv_quotas);
	tcase_add_test(tc, unpriv_credentials_need_privilege);
	suite_add_tcase(s, tc);
	return s;
}
