/*
 * The child between its start and execve(). It shares the supervisor's
 * memory until the execve (core/spawn.c: clone(CLONE_VM); a box's run is
 * forked, isolation/isolation.c), so it writes nothing but its own stack:
 * raw system calls only (util/rawsys.h: libc's wrappers write errno into
 * the parent thread's storage), no malloc, no stdio, no locks. All inputs
 * were prepared by the parent and are left alone by it until the child
 * has exec'd or died (opened fds, environment array, compiled filter, the
 * sandbox's configuration).
 *
 * The steps are one table, run in its order (their names are the engine's
 * part of SB_STEPS, util.h). A failing step writes {errno, step} to the
 * close-on-exec error pipe and exits 127: sandbox_execute() returns that
 * errno, sandbox_failed_step() the step's name.
 */
#include "config.h"
#include "core/core.h"
#include "util/rawsys.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/futex.h>
#include <linux/securebits.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The child's state: the plan, and the step being taken (it starts as
 * the table's; a step with several names sets the one that failed). */
struct child {
	const struct sb_child_plan *plan;
	const unsigned *go; /* the handshake word (spawn.c), or NULL: we
	                     * ask to be traced (PTRACE_TRACEME) */
	int step;
	bool bset_dropped; /* by an earlier step (the run slot's) */
	bool bset_unneeded; /* not dropped: the run slot's non-zero uid makes
	                     * it redundant, proved before exec (bset_proof) */
};

/* One step: 0, or -errno. */
typedef int (*child_step_fn)(struct child *c);

/* Die with the supervisor. If it is already gone, just leave. Taken
 * first, and again after the ids change (credentials, run slot): the
 * kernel clears the death signal then, and a supervisor killed before it
 * set PTRACE_O_EXITKILL would leave the program running. */
SB_CHILD_CODE
static int die_with_parent(struct child *c)
{
	long r = sb_rawsys2(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL);
	if (r < 0)
		return (int)r;
	/* The supervisor died before the death signal was armed (we were
	 * reparented). The pid it had before the fork is what counts: taken
	 * here, it could already be the new parent's. In a new PID namespace
	 * the parent is outside it and getppid() is 0. */
	pid_t pp = (pid_t)sb_rawsys0(SYS_getppid);
	if (pp != c->plan->parent && pp != 0)
		sb_raw_exit(127);
	return 0;
}

/* Will the program run as a run slot's non-zero uid (setup_identity, no
 * user namespace)? Then its bounding set need not be emptied
 * (bset_proof). */
SB_CHILD_CODE
static bool slot_not_root(const struct child *c)
{
	const struct sb_ident *id = c->plan->ident;
	const struct sb_iso *iso = c->plan->sb->iso;

	return id && id->on && id->uid != 0 &&
	       (!iso || !(iso->effective & S_NS_USER));
}

/* A run with isolation but no namespace, started by spawn.c: what the
 * isolation layer's child would have done first -- empty the bounding
 * set, all sb_iso_child_shared does: not for a slot's non-zero uid. */
SB_CHILD_CODE
static int isolation_steps(struct child *c)
{
	const struct sb_child_plan *plan = c->plan;

	if (!plan->iso_steps)
		return 0;
	if (slot_not_root(c)) {
		c->bset_unneeded = true;
		return 0;
	}
	return sb_iso_child_shared(plan->sb->iso, &c->step);
}

/* A child of the isolation layer's clone asks to be traced now; one of
 * spawn.c's is seized by the tracer meanwhile (meet_tracer). */
SB_CHILD_CODE
static int become_traceable(struct child *c)
{
	if (c->go)
		return 0;
	return sb_raw_rc(sb_rawsys4(SYS_ptrace, PTRACE_TRACEME, 0, 0, 0));
}

/* Put the prepared descriptors on 0, 1, 2. A source that is itself one
 * of 0..2 is first moved above every target, so that dup2() never
 * clobbers one still needed (nor leaves close-on-exec set on a dup2 onto
 * itself); sources above 2 (the usual case) are used as they are. */
SB_CHILD_CODE
static int setup_stdio(struct child *c)
{
	const struct sb_child_plan *plan = c->plan;
	static const int names[3] = { SB_STEP_STDIN, SB_STEP_STDOUT,
	                              SB_STEP_STDERR };
	bool low = false;
	int tmp[3];

	for (int i = 0; i < 3; i++)
		low |= plan->stdio_fd[i] >= 0 && plan->stdio_fd[i] < 3;
	for (int i = 0; i < 3; i++) {
		tmp[i] = low ? -1 : plan->stdio_fd[i];
		if (!low || plan->stdio_fd[i] < 0)
			continue;
		c->step = names[i];
		long r = sb_rawsys3(SYS_fcntl, plan->stdio_fd[i],
		                    F_DUPFD_CLOEXEC, 3);
		if (r < 0)
			return (int)r;
		tmp[i] = (int)r;
	}
	for (int i = 0; i < 3; i++) {
		c->step = names[i];
		long r;
		if (tmp[i] >= 0 && (r = sb_rawsys2(SYS_dup2, tmp[i], i)) < 0)
			return (int)r;
		/* An inherited stream may have been close-on-exec in the
		 * parent; the program must still get it. */
		if (tmp[i] < 0) {
			long fl = sb_rawsys2(SYS_fcntl, i, F_GETFD);
			if (fl >= 0 && (fl & FD_CLOEXEC))
				(void)sb_rawsys3(SYS_fcntl, i, F_SETFD,
				                 fl & ~FD_CLOEXEC);
		}
	}
	return 0;
}

/* Every fd from 3 up but the error pipe and the Landlock ruleset (both
 * close-on-exec). close_range(2) exists since Linux 5.9. */
SB_CHILD_CODE
static int close_other_fds(struct child *c)
{
	const int keep[2] = { c->plan->errfd, c->plan->landlock_fd };

	return sb_close_fds_except(keep, 2);
}

/* The kernel's struct sigaction (rt_sigaction(2)), not libc's. */
struct k_sigaction {
	void (*handler)(int);
	unsigned long flags;
	void (*restorer)(void);
	unsigned long mask;
};

/* Every disposition back to the default, then no signal blocked (the
 * spawn blocked them all: no handler of the supervisor may run here). */
SB_CHILD_CODE
static int reset_signals(struct child *c)
{
	(void)c;
	struct k_sigaction sa = { .handler = SIG_DFL };
	unsigned long none = 0;

	for (int s = 1; s < NSIG; s++) {
		if (s == SIGKILL || s == SIGSTOP)
			continue;
		(void)sb_rawsys4(SYS_rt_sigaction, s, &sa, NULL, sizeof(none));
	}
	return sb_raw_rc(sb_rawsys4(SYS_rt_sigprocmask, SIG_SETMASK, &none,
	                            NULL, sizeof(none)));
}

SB_CHILD_CODE
static int setup_fs(struct child *c)
{
	const struct sb_child_plan *plan = c->plan;
	const sandbox_t *sb = plan->sb;

	long r;

	if (sb->chroot_dir) {
		if ((r = sb_rawsys1(SYS_chdir, sb->chroot_dir)) < 0 ||
		    (r = sb_rawsys1(SYS_chroot, ".")) < 0)
			return (int)r;
		if (!plan->workdir && (r = sb_rawsys1(SYS_chdir, "/")) < 0)
			return (int)r;
	}
	c->step = SB_STEP_CHDIR;
	if (plan->workdir && (r = sb_rawsys1(SYS_chdir, plan->workdir)) < 0)
		return (int)r;
	if (sb->umask >= 0) /* never the supervisor's (a daemon's 000) */
		(void)sb_rawsys1(SYS_umask, (mode_t)sb->umask);
	return 0;
}

SB_CHILD_CODE
static int setup_credentials(struct child *c)
{
	const struct sb_child_plan *plan = c->plan;
	const sandbox_t *sb = plan->sb;

	long r;

	if (!sb->set_creds)
		return 0;
	/* Raw syscalls: glibc's set*id() wrappers signal the parent's other
	 * threads, which a child made by clone(2) still believes it has, and
	 * wait for them forever. */
	if ((r = sb_rawsys2(SYS_setgroups, sb->ngroups, sb->groups)) < 0)
		return (int)r;
	c->step = SB_STEP_SETGID;
	if (sb->gid != (gid_t)-1 &&
	    (r = sb_rawsys3(SYS_setresgid, sb->gid, sb->gid, sb->gid)) < 0)
		return (int)r;
	c->step = SB_STEP_SETUID;
	if (sb->uid != (uid_t)-1 &&
	    (r = sb_rawsys3(SYS_setresuid, sb->uid, sb->uid, sb->uid)) < 0)
		return (int)r;
	return 0;
}

/* The rlimits asked for with sandbox_set_rlimit(): exactly. */
SB_CHILD_CODE
static int isolation_rlimits(struct child *c)
{
	const sandbox_t *sb = c->plan->sb;

	return sb->iso ? sb_iso_child_rlimits(sb->iso) : 0;
}

/* The run slot's ids (core/identity.c), when the program gets them: the
 * bounding set emptied first (later, without root, it could not be) --
 * unless the slot's uid is not 0: then it is redundant (bset_proof), and
 * emptying it costs a credential commit per capability --, no
 * supplementary group, then gid and uid. In a user namespace the
 * namespace code set them already. Then kill whatever still runs as this
 * uid (what a dead run of the slot may have left): kill(-1) reaches the
 * processes this uid may signal -- its own -- and never the caller. */
SB_CHILD_CODE
static int setup_identity(struct child *c)
{
	const struct sb_ident *id = c->plan->ident;
	const struct sb_iso *iso = c->plan->sb->iso;
	long r;
	int rc;

	if (!id || !id->on)
		return 0;
	if (!iso || !(iso->effective & S_NS_USER)) {
		if (slot_not_root(c))
			c->bset_unneeded = true;
		else if ((rc = sb_drop_bounding_set()) < 0)
			return rc;
		c->bset_dropped = true;
		/* Raw syscalls: see setup_credentials(). */
		if ((r = sb_rawsys2(SYS_setgroups, 0, NULL)) < 0 ||
		    (r = sb_rawsys3(SYS_setresgid, id->gid, id->gid,
		                    id->gid)) < 0 ||
		    (r = sb_rawsys3(SYS_setresuid, id->uid, id->uid,
		                    id->uid)) < 0)
			return (int)r;
	}
	if ((r = sb_rawsys2(SYS_kill, -1, SIGKILL)) < 0 && r != -ESRCH)
		return (int)r;
	return 0;
}

/* Drop every capability, also for a program left at uid 0: empty the
 * bounding set (an exec can never regain one) unless the isolation layer
 * did already, clear the ambient set, then effective/permitted/
 * inheritable; lock root out of its special cases. */
SB_CHILD_CODE
static int drop_capabilities(struct child *c)
{
	const struct sb_child_plan *plan = c->plan;
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[2] = { { 0 }, { 0 } }, now[2];
	long r;
	int rc;

	if (!plan->bset_dropped && !c->bset_dropped &&
	    (rc = sb_drop_bounding_set()) < 0)
		return rc;
	/* Nothing held -- an unprivileged caller's child, or a run slot's
	 * once its uid is not 0 --: nothing to clear. The ambient set is
	 * empty too (the kernel keeps it within permitted and inheritable),
	 * the capset below would commit the same empty sets, and the
	 * securebits need CAP_SETPCAP. One capget instead of three commits. */
	if (sb_rawsys2(SYS_capget, &hdr, now) == 0 &&
	    !(now[0].permitted | now[0].effective | now[0].inheritable |
	      now[1].permitted | now[1].effective | now[1].inheritable))
		return 0;
	r = sb_rawsys5(SYS_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL,
	               0, 0, 0);
	if (r < 0 && r != -EINVAL)
		return (int)r;
	/* Needs CAP_SETPCAP, which a caller without capabilities lacks: then
	 * there is nothing to lock anyway. */
	(void)sb_rawsys2(SYS_prctl, PR_SET_SECUREBITS,
	                 SECBIT_NOROOT | SECBIT_NOROOT_LOCKED |
	                 SECBIT_NO_SETUID_FIXUP | SECBIT_NO_SETUID_FIXUP_LOCKED);
	return sb_raw_rc(sb_rawsys2(SYS_capset, &hdr, data));
}

SB_CHILD_CODE
static int no_new_privs(struct child *c)
{
	(void)c;
	return sb_raw_rc(sb_rawsys5(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0,
	                            0));
}

/* A run slot's bounding set left full (setup_identity): it is redundant
 * only if, from here to the execve (no later step changes credentials),
 * no_new_privs is set, the permitted, effective and inheritable sets are
 * empty (so the ambient set is: the kernel keeps it within permitted and
 * inheritable), and no uid -- real, effective, saved, filesystem -- is 0
 * in our user namespace. Then no execve can gain a capability: under
 * no_new_privs the new permitted set is capped at the old, empty one (a
 * file's capabilities, and root's own, are cut; set-user-ID is ignored),
 * and without CAP_SETPCAP nothing can be added to the inheritable set.
 * A new user namespace gives its creator every capability whatever the
 * set (the kernel starts its bounding set full), so the set guards
 * nothing there either. Checked, not assumed: a run where this does not
 * hold fails at step "capbset" (EPERM), too late for the drop, which
 * needed the root we no longer have. docs/SECURITY.md. */
SB_CHILD_CODE
static int bset_proof(struct child *c)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct d[2] = { { 0 }, { 0 } };
	uid_t ruid = 0, euid = 0, suid = 0;

	if (!c->bset_unneeded)
		return 0;
	if (sb_rawsys5(SYS_prctl, PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1 ||
	    sb_rawsys2(SYS_capget, &hdr, d) < 0 ||
	    sb_rawsys3(SYS_getresuid, &ruid, &euid, &suid) < 0)
		return -EPERM;
	for (int i = 0; i < 2; i++)
		if (d[i].permitted || d[i].effective || d[i].inheritable)
			return -EPERM;
	/* setfsuid(-1) changes nothing and answers the current one. */
	long fsuid = sb_rawsys1(SYS_setfsuid, (uid_t)-1);
	if (ruid == 0 || euid == 0 || suid == 0 || fsuid == 0)
		return -EPERM;
	return 0;
}

/* Descriptors bound the kernel memory no quota sees (pipe buffers, epoll
 * watches, socket buffers): unless the caller chose a nofile limit,
 * SANDBOX_DEFAULT_NOFILE, soft and hard, never above the caller's own
 * hard limit. */
SB_CHILD_CODE
static int default_nofile(const sandbox_t *sb)
{
	struct rlimit cur;
	uint64_t n = SANDBOX_DEFAULT_NOFILE;
	long r;

	if (sb->iso && sb_iso_sets_rlimit(sb->iso, RLIMIT_NOFILE))
		return 0;
	if ((r = sb_rawsys4(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &cur)) < 0)
		return (int)r;
	if (cur.rlim_max < n)
		n = cur.rlim_max;
	int rc = sb_setrlimit(RLIMIT_NOFILE, n, n, true);
	/* The kernel always lets a limit go down; valgrind, which runs this
	 * child until exec, lets only the soft nofile limit change. */
	if (rc == -EPERM)
		rc = sb_setrlimit(RLIMIT_NOFILE, n, cur.rlim_max, false);
	return rc;
}

/* The rlimits that enforce the quotas: never looser than the caller's own
 * hard limits (sb_setrlimit clamps). */
SB_CHILD_CODE
static int quota_rlimits(struct child *c)
{
	const struct sb_child_plan *plan = c->plan;
	const sandbox_t *sb = plan->sb;
	const uint64_t *q = sb->quota;
	int rc;

	if ((rc = sb_setrlimit(RLIMIT_CORE, 0, 0, true)) < 0)
		return rc;
	if (q[S_QUOTA_CPU] != SANDBOX_UNLIMITED) {
		/* A backstop only: the manager thread enforces the quota to the
		 * millisecond on the exact clocks; RLIMIT_CPU (whole seconds, in
		 * clock ticks) is a tripwire the tracer judges (core.h). */
		if ((rc = sb_setrlimit(RLIMIT_CPU,
		                       sb_cpu_backstop_soft(q[S_QUOTA_CPU]),
		                       sb_cpu_backstop_hard(q[S_QUOTA_CPU]),
		                       true)) < 0)
			return rc;
	}
	uint64_t m = q[S_QUOTA_MEMORY], stack = q[S_QUOTA_STACK];
	if (m != SANDBOX_UNLIMITED && sb->memory_mode == S_MEMORY_VSIZE &&
	    (rc = sb_setrlimit(RLIMIT_AS, m, m, true)) < 0)
		return rc;
	/* The stack: its own quota when one is set. Else, under a memory
	 * quota, unlimited unless sandbox_set_rlimit() said otherwise: deep
	 * recursion may use the whole memory quota (what judges expect of a
	 * single-threaded program; RLIMIT_AS or the RSS quota bounds it), and
	 * glibc gives each thread a 2 MiB stack instead of one as large as
	 * RLIMIT_STACK. Without either, the caller's limit is inherited. */
	bool set_stack = stack != SANDBOX_UNLIMITED ||
	                 (m != SANDBOX_UNLIMITED &&
	                  !(sb->iso && sb_iso_sets_rlimit(sb->iso, RLIMIT_STACK)));
	if (set_stack && (rc = sb_setrlimit(RLIMIT_STACK, stack, stack, true)) < 0)
		return rc;
	if (q[S_QUOTA_DISK] != SANDBOX_UNLIMITED &&
	    (rc = sb_setrlimit(RLIMIT_FSIZE, q[S_QUOTA_DISK], q[S_QUOTA_DISK],
	                       true)) < 0)
		return rc;
	return default_nofile(sb);
}

/* Stop for the tracer's work at the first stop: its options (EXITKILL,
 * TRACESECCOMP, ...) when we asked to be traced, the isolation layer's
 * and the file rules' steps. Not raise(): glibc signals the thread id it
 * keeps in thread-local storage, which in a child sharing the
 * supervisor's memory is the supervisor's thread. */
SB_CHILD_CODE
static int stop_self(void)
{
	return sb_raw_rc(sb_rawsys2(SYS_kill, sb_rawsys0(SYS_getpid), SIGSTOP));
}

/* The handshake word's answer (spawn.c): the tracer sets it once it has
 * seized us, or found it could not. Usually set by the time we get here;
 * else we say we sleep on it (the only write of ours outside our stack,
 * into the handshake's own page) and sleep until it changes. A signal
 * only restarts the wait: every one is at its default by now, and one
 * whose default is to end us ends us. */
SB_CHILD_CODE
static unsigned await_tracer(const unsigned *go)
{
	unsigned *w = (unsigned *)go, v, expect = SB_GO_NOT_YET;

	while ((v = __atomic_load_n(w, __ATOMIC_ACQUIRE)) <= SB_GO_WAITING) {
		if (v == SB_GO_NOT_YET &&
		    !__atomic_compare_exchange_n(w, &expect, SB_GO_WAITING, false,
		                                 __ATOMIC_ACQUIRE,
		                                 __ATOMIC_ACQUIRE)) {
			expect = SB_GO_NOT_YET;
			continue; /* answered meanwhile */
		}
		(void)sb_rawsys4(SYS_futex, w, FUTEX_WAIT, SB_GO_WAITING, NULL);
	}
	return v;
}

/* Stop for the tracer until it says its work is done (SB_GO_DONE): a
 * stop signal of ours can be lost -- a SIGCONT sent to us while it is
 * pending discards it, and we would go on to our exec without the
 * tracer's work (an empty Landlock ruleset; a child that asked to be
 * traced, without its options). Then we stop again. */
SB_CHILD_CODE
static int stop_until_done(const unsigned *go)
{
	for (;;) {
		int rc = stop_self();
		if (rc < 0)
			return rc;
		if (__atomic_load_n(go, __ATOMIC_ACQUIRE) == SB_GO_DONE)
			return 0;
	}
}

/* Nothing past this step may run untraced: the filter's
 * SECCOMP_RET_TRACE answers ENOSYS without a tracer, and the execve
 * would start the program unsupervised. */
SB_CHILD_CODE
static int meet_tracer(struct child *c)
{
	if (!c->go)
		return stop_self(); /* traced since become_traceable */
	switch (await_tracer(c->go)) {
	case SB_GO_RUN:
		return 0;
	case SB_GO_STOP:
		return stop_until_done(c->go);
	default: /* SB_GO_TRACEME: the tracer could not seize us */
		c->step = SB_STEP_PTRACE;
		long r = sb_rawsys4(SYS_ptrace, PTRACE_TRACEME, 0, 0, 0);
		if (r < 0)
			return (int)r;
		c->step = SB_STEP_RAISE;
		return stop_until_done(c->go);
	}
}

/* The Landlock domain of the file rules (core/confine.c made the ruleset;
 * when the rules are resolved in our own root, the tracer completed it
 * while we were stopped): from here on, for the program, its threads and
 * its children. */
SB_CHILD_CODE
static int enter_landlock(struct child *c)
{
	int fd = c->plan->landlock_fd, rc;

	if (fd < 0)
		return 0;
	rc = sb_raw_rc(sb_rawsys2(SYS_landlock_restrict_self, fd, 0));
	(void)sb_rawsys1(SYS_close, fd);
	return rc;
}

SB_CHILD_CODE
static int install_filter(struct child *c)
{
	const struct sb_child_plan *plan = c->plan;

	if (!plan->filter.len)
		return 0;
	return sb_raw_rc(sb_rawsys3(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0,
	                            &plan->filter));
}

SB_CHILD_CODE
static int exec_program(struct child *c)
{
	const struct sb_child_plan *plan = c->plan;

	return (int)sb_rawsys3(SYS_execve, plan->sb->argv[0], plan->sb->argv,
	                       plan->envp);
}

#ifdef SB_CHILD_PROBES
#define STEP(id, fn) { id, fn, #fn }
#else
#define STEP(id, fn) { id, fn }
#endif

static const struct {
	int step;
	child_step_fn run;
#ifdef SB_CHILD_PROBES
	const char *name;
#endif
} steps[] = {
	STEP(SB_STEP_PRCTL, die_with_parent),
	STEP(SB_STEP_CAPBSET, isolation_steps),
	STEP(SB_STEP_PTRACE, become_traceable),
	STEP(SB_STEP_STDIN, setup_stdio),          /* stdin, stdout, stderr */
	STEP(SB_STEP_CLOSE_RANGE, close_other_fds),
	STEP(SB_STEP_SIGPROCMASK, reset_signals),
	STEP(SB_STEP_CHROOT, setup_fs),            /* chroot, chdir */
	STEP(SB_STEP_SETGROUPS, setup_credentials), /* setgroups, setgid, setuid */
	STEP(SB_STEP_IDENTITY, setup_identity),    /* the run slot's ids */
	/* A change of ids clears the death signal: arm it again. */
	STEP(SB_STEP_PRCTL, die_with_parent),
	STEP(SB_STEP_SETRLIMIT, isolation_rlimits),
	STEP(SB_STEP_CAPABILITIES, drop_capabilities),
	STEP(SB_STEP_NO_NEW_PRIVS, no_new_privs),
	STEP(SB_STEP_CAPBSET, bset_proof),          /* a slot's, left full */
	STEP(SB_STEP_SETRLIMIT, quota_rlimits),
	STEP(SB_STEP_RAISE, meet_tracer),
	STEP(SB_STEP_LANDLOCK, enter_landlock),
	STEP(SB_STEP_SECCOMP, install_filter),
	STEP(SB_STEP_EXECVE, exec_program),
};

SB_CHILD_CODE
static void child_run(const struct sb_child_plan *plan, const unsigned *go)
{
	struct child c = { .plan = plan, .go = go };

	for (size_t i = 0; i < SB_ARRAY_SIZE(steps); i++) {
		c.step = steps[i].step;
		int rc = steps[i].run(&c);
		SB_PROBE(plan->sb->spawn_go, SB_PROBE_STEP0 + i);
		if (rc < 0) {
			sb_child_report(plan->errfd, -rc, c.step);
			break;
		}
	}
	/* A failed step, or execve returned without an error (cannot
	 * happen). */
	sb_raw_exit(127);
}

SB_CHILD_CODE
void sb_child_run(const struct sb_child_plan *plan)
{
	child_run(plan, NULL);
}

SB_CHILD_CODE
void sb_child_run_seized(const struct sb_child_plan *plan, const unsigned *go)
{
	child_run(plan, go);
}

#ifdef SB_CHILD_PROBES
const char *const *sb_probe_names(size_t *n)
{
	static const char *names[SB_ARRAY_SIZE(steps)];

	_Static_assert(SB_PROBE_STEP0 + SB_ARRAY_SIZE(steps) <= SB_PROBE_MAX,
	               "too many steps for the probes");
	for (size_t i = 0; i < SB_ARRAY_SIZE(steps); i++)
		names[i] = steps[i].name;
	*n = SB_ARRAY_SIZE(steps);
	return names;
}
#endif
