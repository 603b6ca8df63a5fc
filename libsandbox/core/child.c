/*
 * The child between fork() and execve(). Only async-signal-safe calls: the
 * parent may have other threads, so no malloc, no stdio, no locks. All
 * inputs were prepared by the parent (opened fds, environment array,
 * compiled filter).
 *
 * Order: die with the parent; become traceable; streams; close every other
 * fd; signals back to default; working directory and chroot; credentials;
 * drop every capability; rlimits; stop so the tracer can set its options; no_new_privs and the
 * seccomp filter; execve. A failing step writes {errno, step} to the
 * close-on-exec error pipe and exits 127.
 */
#include "config.h"
#include "core/core.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <unistd.h>

static _Noreturn void fail(const struct sb_child_plan *plan, const char *step)
{
	sb_child_fail(plan->errfd, errno, step);
}

/* Put the prepared descriptors on 0, 1, 2. Sources are first moved above
 * every target so that dup2() never clobbers one still needed. */
static void setup_stdio(const struct sb_child_plan *plan)
{
	static const char *const names[3] = { "stdin", "stdout", "stderr" };
	int tmp[3];

	for (int i = 0; i < 3; i++) {
		tmp[i] = -1;
		if (plan->stdio_fd[i] < 0)
			continue;
		tmp[i] = fcntl(plan->stdio_fd[i], F_DUPFD_CLOEXEC, 3);
		if (tmp[i] < 0)
			fail(plan, names[i]);
	}
	for (int i = 0; i < 3; i++) {
		if (tmp[i] >= 0 && dup2(tmp[i], i) < 0)
			fail(plan, names[i]);
		/* An inherited stream may have been close-on-exec in the
		 * parent; the program must still get it. */
		if (tmp[i] < 0) {
			int fl = fcntl(i, F_GETFD);
			if (fl >= 0 && (fl & FD_CLOEXEC))
				(void)fcntl(i, F_SETFD, fl & ~FD_CLOEXEC);
		}
	}
}

static void close_other_fds(const struct sb_child_plan *plan)
{
	int keep = plan->errfd;
	/* close_range(2) exists since Linux 5.9. */
	if (keep > 3 && syscall(SYS_close_range, 3, keep - 1, 0) < 0)
		fail(plan, "close_range");
	if (syscall(SYS_close_range, keep + 1, ~0U, 0) < 0)
		fail(plan, "close_range");
}

static void reset_signals(const struct sb_child_plan *plan)
{
	struct sigaction sa;
	sigset_t none;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (int s = 1; s < NSIG; s++) {
		if (s == SIGKILL || s == SIGSTOP)
			continue;
		(void)sigaction(s, &sa, NULL); /* EINVAL for glibc's own: fine */
	}
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) < 0)
		fail(plan, "sigprocmask");
}

static void setup_fs(const struct sb_child_plan *plan)
{
	const sandbox_t *sb = plan->sb;
	if (sb->chroot_dir) {
		if (chdir(sb->chroot_dir) < 0 || chroot(".") < 0)
			fail(plan, "chroot");
		if (!sb->workdir && chdir("/") < 0)
			fail(plan, "chroot");
	}
	if (sb->workdir && chdir(sb->workdir) < 0)
		fail(plan, "chdir");
}

static void setup_credentials(const struct sb_child_plan *plan)
{
	const sandbox_t *sb = plan->sb;
	if (!sb->set_creds)
		return;
	/* Raw syscalls: glibc's set*id() wrappers signal the parent's other
	 * threads, which a child made by clone(2) (isolation) still believes
	 * it has, and wait for them forever. */
	if (syscall(SYS_setgroups, sb->ngroups, sb->groups) < 0)
		fail(plan, "setgroups");
	if (sb->gid != (gid_t)-1 &&
	    syscall(SYS_setresgid, sb->gid, sb->gid, sb->gid) < 0)
		fail(plan, "setgid");
	if (sb->uid != (uid_t)-1 &&
	    syscall(SYS_setresuid, sb->uid, sb->uid, sb->uid) < 0)
		fail(plan, "setuid");
}

/* Drop every capability, also for a program left at uid 0: empty the
 * bounding set (an exec can never regain one), clear the ambient set, then
 * effective/permitted/inheritable; lock root out of its special cases. */
static void drop_capabilities(const struct sb_child_plan *plan)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[2];

	for (int cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EPERM)
			fail(plan, "capabilities");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 &&
	    errno != EINVAL)
		fail(plan, "capabilities");
	/* Needs CAP_SETPCAP, which a caller without capabilities lacks: then
	 * there is nothing to lock anyway. */
	(void)prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED |
	            SECBIT_NO_SETUID_FIXUP | SECBIT_NO_SETUID_FIXUP_LOCKED, 0, 0, 0);
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capset, &hdr, data) < 0)
		fail(plan, "capabilities");
}

_Noreturn void sb_child_run(const struct sb_child_plan *plan)
{
	errno = 0;
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		fail(plan, "prctl");
	/* The supervisor died before the death signal was armed (we were
	 * reparented). The pid it had before the fork is what counts: taken
	 * here, it could already be the new parent's. In a new PID namespace
	 * the parent is outside it and getppid() is 0. */
	pid_t pp = getppid();
	if (pp != plan->parent && pp != 0)
		_exit(127);
	if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
		fail(plan, "ptrace");
	setup_stdio(plan);
	close_other_fds(plan);
	reset_signals(plan);
	setup_fs(plan);
	setup_credentials(plan);
	if (plan->sb->iso) { /* rlimits of the isolation layer */
		int rc = sb_iso_child_rlimits(plan->sb->iso);
		if (rc < 0) {
			errno = -rc;
			fail(plan, "setrlimit");
		}
	}
	drop_capabilities(plan);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		fail(plan, "no_new_privs");
	sb_quota_apply_rlimits(plan->sb);
	/* The tracer sets its options (EXITKILL, TRACESECCOMP, ...) now. */
	if (raise(SIGSTOP) != 0)
		fail(plan, "raise");
	if (plan->filter.len &&
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &plan->filter) < 0)
		fail(plan, "seccomp");
	execve(plan->sb->argv[0], plan->sb->argv, plan->envp);
	fail(plan, "execve");
}
