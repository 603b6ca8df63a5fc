/*
 * The tracer: forks the program and runs the ptrace event loop in the
 * thread that called sandbox_execute().
 *
 * One syscall event, fast mode: the kernel's seccomp filter returns
 * SECCOMP_RET_TRACE(data) -> the program stops with PTRACE_EVENT_SECCOMP ->
 * waitpid() here -> PTRACE_GET_SYSCALL_INFO gives ABI, number, arguments
 * and `data` in one call -> the rule table is evaluated (an array index) ->
 * the callback is asked when the table says TRACE -> the action is applied
 * (resume, fail the call by skipping it with -errno, or kill for RF).
 * Classic mode is the same with PTRACE_SYSCALL stops at every entry/exit.
 */
#include "config.h"
#include "core/core.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define X32_BIT 0x40000000ULL

extern char **environ;

struct run {
	sandbox_t *sb;
	pid_t pid;
	int pidfd;
	int errfd;              /* read end of the setup error pipe */
	bool exec_done;
	bool killed;            /* we sent SIGKILL: just wait for the end */
	bool classic;
	/* the syscall between its entry and exit stops */
	bool want_sysret;       /* deliver S_EVENT_SYSRET to the callback */
	bool watch_mem;         /* check the return for a refused allocation */
	int deny_errno;         /* classic mode: write -errno at the exit */
	sandbox_syscall_t cur;
	bool have_px;
	struct sb_proc_exit px;
	struct timespec t_exec;
};

/* ------------------------------------------------------------ helpers */

static int resume(struct run *r, bool to_exit, int sig)
{
	int req = (r->classic || to_exit) ? PTRACE_SYSCALL : PTRACE_CONT;
	if (sb_diag_profiling(r->sb->diag))
		sb_diag_sys_resume(r->sb->diag);
	if (ptrace(req, r->pid, NULL, (void *)(long)sig) < 0 && errno != ESRCH)
		return -errno;
	return 0;
}

/* Kill the program now (it is usually stopped). The figures are read
 * first: a SIGKILLed program takes no exit stop. */
static void kill_program(struct run *r)
{
	if (r->killed)
		return;
	if (!r->have_px && sb_proc_read_exit(r->pid, &r->px) == 0)
		r->have_px = true;
	r->killed = true;
	if (syscall(SYS_pidfd_send_signal, r->pidfd, SIGKILL, NULL, 0) < 0)
		kill(r->pid, SIGKILL);
}

static void end_with(struct run *r, int result)
{
	if (r->sb->stat.result == S_RESULT_PD) {
		r->sb->stat.result = result;
		if (result == S_RESULT_RF && !r->killed) /* still stopped */
			sb_diag_on_rf(r->sb->diag, r->pid);
	}
	kill_program(r);
}

static int abi_of(const struct __ptrace_syscall_info *si, uint64_t *nr)
{
	if (si->arch == AUDIT_ARCH_I386)
		return S_ABI_I386;
	if (si->arch != AUDIT_ARCH_X86_64)
		return -1;
	if (*nr & X32_BIT) {
		*nr &= ~X32_BIT;
		return S_ABI_X32;
	}
	return S_ABI_X86_64;
}

/* Ask the callback. Returns the action type; BP if it gave none that fits
 * the event. */
static int ask(struct run *r, sandbox_event_t *ev, sandbox_action_t *act)
{
	const sandbox_policy_t *p = r->sb->policy;
	act->type = -1;
	act->data = 0;
	if (!p->fn)
		return -1;
	ev->sandbox = r->sb;
	ev->pid = r->pid;
	r->sb->status = S_STATUS_BLK;
	r->sb->in_callback = true;
	p->fn(ev, act, p->data);
	if (act->type > 0 && (act->type & S_ACTION_FLAG_BACKTRACE))
		act->type = sb_diag_on_marked(r->sb->diag, r->pid, act->type);
	r->sb->in_callback = false;
	r->sb->status = S_STATUS_EXE;
	return act->type;
}

static int set_syscall_result(struct run *r, bool skip, int64_t ret)
{
	struct user_regs_struct regs;
	if (ptrace(PTRACE_GETREGS, r->pid, NULL, &regs) < 0)
		return -errno;
	if (skip)
		regs.orig_rax = (unsigned long long)-1;
	regs.rax = (unsigned long long)ret;
	if (ptrace(PTRACE_SETREGS, r->pid, NULL, &regs) < 0)
		return -errno;
	return 0;
}

static void record_offender(struct run *r)
{
	r->sb->stat.has_syscall = true;
	r->sb->stat.syscall = r->cur;
}

/* ------------------------------------------------------------ syscalls */

static int on_entry(struct run *r, const struct __ptrace_syscall_info *si,
                    const uint64_t *args, uint64_t nr, uint32_t data)
{
	sandbox_t *sb = r->sb;
	int abi = abi_of(si, &nr);
	int err = 0, disp;

	if (!r->exec_done) /* our own execve (and its failure path) */
		return resume(r, false, 0);

	memset(&r->cur, 0, sizeof(r->cur));
	r->cur.abi = abi < 0 ? S_ABI_COUNT : abi;
	r->cur.nr = (long)nr;
	memcpy(r->cur.args, args, sizeof(r->cur.args));
	r->cur.ip = si->instruction_pointer;
	r->want_sysret = r->classic;
	r->watch_mem = data == SB_TRACE_MEM ||
	               (r->classic && sb->memory_mode == S_MEMORY_VSIZE &&
	                sb->quota[S_QUOTA_MEMORY] != SANDBOX_UNLIMITED);
	r->deny_errno = 0;
	sb->stat.syscalls++;
	if (sb_diag_profiling(sb->diag))
		sb_diag_sys_entry(sb->diag, &r->cur);

	if (abi < 0)
		disp = S_DISP_KILL;
	else
		disp = sb_ruleset_eval(sb->policy, &sb->compiled.rules, abi,
		                       (long)nr, args,
		                       sb->iso ? sb_iso_self_pid(sb->iso, r->pid) : r->pid,
		                       &err);
	int base = disp & ~S_DISP_FLAG_EXIT;
	if (disp & S_DISP_FLAG_EXIT)
		r->want_sysret = true;

	if (base == S_DISP_TRACE || r->classic) {
		sandbox_event_t ev = { .type = S_EVENT_SYSCALL, .disposition = base,
		                       .syscall = r->cur };
		sandbox_action_t act;
		int a = ask(r, &ev, &act);
		if (base == S_DISP_TRACE) {
			switch (a) {
			case S_ACTION_CONT: base = S_DISP_ALLOW; break;
			case S_ACTION_KILL: base = S_DISP_KILL; break;
			case S_ACTION_DENY:
				if (act.data < 1 || act.data > 4095)
					goto bad_policy;
				base = S_DISP_ERRNO;
				err = act.data;
				break;
			case S_ACTION_FINI:
				if (act.data <= S_RESULT_PD || act.data >= S_RESULT_COUNT)
					goto bad_policy;
				record_offender(r);
				end_with(r, act.data);
				return 0;
			default:
				goto bad_policy;
			}
		} else {
			/* The table decided; the callback may only be stricter. */
			if (a == S_ACTION_KILL) {
				base = S_DISP_KILL;
			} else if (a == S_ACTION_DENY && base == S_DISP_ALLOW) {
				if (act.data < 1 || act.data > 4095)
					goto bad_policy;
				base = S_DISP_ERRNO;
				err = act.data;
			} else if (a == S_ACTION_FINI) {
				if (act.data <= S_RESULT_PD || act.data >= S_RESULT_COUNT)
					goto bad_policy;
				end_with(r, act.data);
				return 0;
			} else if (a != S_ACTION_CONT && a != S_ACTION_DENY &&
			           sb->policy->fn) {
				goto bad_policy;
			}
		}
	}

	switch (base) {
	case S_DISP_ALLOW:
		return resume(r, r->want_sysret || r->watch_mem, 0);
	case S_DISP_ERRNO:
		r->watch_mem = false;
		if (r->classic) {
			/* Skip now; the kernel writes -ENOSYS, fixed at the exit. */
			r->deny_errno = err;
			if (ptrace(PTRACE_POKEUSER, r->pid,
			           offsetof(struct user_regs_struct, orig_rax),
			           (void *)-1L) < 0)
				return -errno;
			return resume(r, true, 0);
		}
		if (set_syscall_result(r, true, -(int64_t)err) < 0)
			return -errno;
		return resume(r, r->want_sysret, 0);
	default: /* KILL */
		record_offender(r);
		end_with(r, S_RESULT_RF);
		return 0;
	}

bad_policy:
	record_offender(r);
	end_with(r, S_RESULT_BP);
	return 0;
}

/* Was this allocation refused because of the memory quota? */
static bool allocation_refused(struct run *r, int64_t ret, int64_t *need)
{
	char name[16];
	sb_syscall_name(r->cur.abi, r->cur.nr, name, sizeof(name));
	if (strcmp(name, "brk") == 0) {
		/* brk() fails by returning the old break. */
		if (r->cur.args[0] == 0 || (uint64_t)ret >= r->cur.args[0])
			return false;
		*need = (int64_t)(r->cur.args[0] - (uint64_t)ret);
		return true;
	}
	if (ret != -ENOMEM)
		return false;
	if (strcmp(name, "mremap") == 0)
		*need = (int64_t)(r->cur.args[2] - r->cur.args[1]);
	else if (strncmp(name, "mmap", 4) == 0)
		*need = (int64_t)r->cur.args[1];
	else
		return false;
	return true;
}

static int on_exit_stop(struct run *r, const struct __ptrace_syscall_info *si)
{
	sandbox_t *sb = r->sb;
	int64_t ret = si->exit.rval;

	if (!r->exec_done)
		return resume(r, false, 0);
	if (r->deny_errno) {
		ret = -(int64_t)r->deny_errno;
		if (ptrace(PTRACE_POKEUSER, r->pid,
		           offsetof(struct user_regs_struct, rax), (void *)ret) < 0)
			return -errno;
		r->deny_errno = 0;
	}
	if (r->watch_mem) {
		int64_t need = 0;
		r->watch_mem = false;
		if (allocation_refused(r, ret, &need)) {
			int64_t vm = sb_proc_vm_size(r->pid);
			if (vm >= 0 && vm + need > (int64_t)sb->quota[S_QUOTA_MEMORY]) {
				sb->stat.quota_exceeded = S_QUOTA_MEMORY;
				end_with(r, S_RESULT_ML);
				return 0;
			}
		}
	}
	if (r->want_sysret) {
		r->want_sysret = false;
		r->cur.ret = ret;
		sandbox_event_t ev = { .type = S_EVENT_SYSRET,
		                       .disposition = S_DISP_ALLOW,
		                       .syscall = r->cur };
		sandbox_action_t act;
		int a = ask(r, &ev, &act);
		if (a == S_ACTION_KILL) {
			record_offender(r);
			end_with(r, S_RESULT_RF);
			return 0;
		}
		if (a == S_ACTION_FINI && act.data > S_RESULT_PD &&
		    act.data < S_RESULT_COUNT) {
			end_with(r, act.data);
			return 0;
		}
		if (a != S_ACTION_CONT && sb->policy->fn) {
			record_offender(r);
			end_with(r, S_RESULT_BP);
			return 0;
		}
	}
	return resume(r, false, 0);
}

static int on_syscall_stop(struct run *r, uint32_t seccomp_data)
{
	struct __ptrace_syscall_info si;
	long n = ptrace(PTRACE_GET_SYSCALL_INFO, r->pid, sizeof(si), &si);
	if (n < 0)
		return errno == ESRCH ? 0 : -errno;
	r->sb->stat.stops++;
	if (sb_diag_profiling(r->sb->diag))
		sb_diag_sys_stop(r->sb->diag);
	switch (si.op) {
	case PTRACE_SYSCALL_INFO_SECCOMP:
		return on_entry(r, &si, si.seccomp.args, si.seccomp.nr,
		                si.seccomp.ret_data);
	case PTRACE_SYSCALL_INFO_ENTRY:
		return on_entry(r, &si, si.entry.args, si.entry.nr, 0);
	case PTRACE_SYSCALL_INFO_EXIT:
		return on_exit_stop(r, &si);
	default:
		(void)seccomp_data;
		return resume(r, false, 0);
	}
}

/* ------------------------------------------------------------ signals */

static bool is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

static int on_signal(struct run *r, int sig)
{
	sandbox_t *sb = r->sb;
	siginfo_t info;

	r->sb->stat.stops++;
	if (!r->exec_done)
		return resume(r, false, 0); /* nothing of the program's yet */
	/* A sandboxed program cannot stop itself (or be stopped) to sit out
	 * its quotas: stop signals are discarded. */
	if (is_stop_signal(sig))
		return resume(r, false, 0);
	if (sig == SIGXFSZ && sb->quota[S_QUOTA_DISK] != SANDBOX_UNLIMITED) {
		sb->stat.quota_exceeded = S_QUOTA_DISK;
		end_with(r, S_RESULT_OL);
		return 0;
	}
	if (sig == SIGSEGV && sb->quota[S_QUOTA_MEMORY] != SANDBOX_UNLIMITED &&
	    ptrace(PTRACE_GETSIGINFO, r->pid, NULL, &info) == 0 &&
	    info.si_code == SEGV_MAPERR) {
		/* A stack that could not grow because of the quota. */
		int64_t need;
		if (sb_proc_stack_growth(r->pid, (uint64_t)(uintptr_t)info.si_addr,
		                         &need) &&
		    need <= (int64_t)sb->quota[S_QUOTA_MEMORY]) {
			sb->stat.quota_exceeded = S_QUOTA_MEMORY;
			end_with(r, S_RESULT_ML);
			return 0;
		}
	}
	if (sb->policy->fn) {
		sandbox_event_t ev = { .type = S_EVENT_SIGNAL, .data = sig };
		sandbox_action_t act;
		switch (ask(r, &ev, &act)) {
		case S_ACTION_CONT:
			break;
		case S_ACTION_KILL:
			kill_program(r);
			return 0;
		case S_ACTION_FINI:
			if (act.data > S_RESULT_PD && act.data < S_RESULT_COUNT) {
				end_with(r, act.data);
				return 0;
			}
			/* fall through */
		default:
			end_with(r, S_RESULT_BP);
			return 0;
		}
	}
	/* Before a fatal signal is delivered: where did it happen? */
	sb_diag_on_signal(sb->diag, r->pid, sig);
	/* A namespace init would drop this default-fatal signal: do what
	 * the kernel would do to any other process (isolation.c). */
	if (sb->iso && sb_iso_init_fatal(sb->iso, r->pid, sig)) {
		kill_program(r);
		return 0;
	}
	return resume(r, false, sig);
}

/* ------------------------------------------------------------ events */

static void on_exec(struct run *r)
{
	if (r->exec_done)
		return; /* a later execve the policy allowed */
	r->exec_done = true;
	clock_gettime(CLOCK_MONOTONIC, &r->t_exec);
	close(r->errfd);
	r->errfd = -1;
	sb_manager_begin_run(r->sb, r->pid, r->pidfd, &r->t_exec);
}

static int on_stop(struct run *r, int status)
{
	int sig = WSTOPSIG(status);
	int event = (unsigned)status >> 16;

	if (r->killed) /* only the end matters now */
		return resume(r, false, 0);
	if (sig == (SIGTRAP | 0x80))
		return on_syscall_stop(r, 0);
	if (sig == SIGTRAP && event) {
		switch (event) {
		case PTRACE_EVENT_SECCOMP:
			return on_syscall_stop(r, 0);
		case PTRACE_EVENT_EXEC:
			on_exec(r);
			return resume(r, false, 0);
		case PTRACE_EVENT_EXIT:
			if (r->exec_done && sb_proc_read_exit(r->pid, &r->px) == 0)
				r->have_px = true;
			return resume(r, false, 0);
		default:
			return resume(r, false, 0);
		}
	}
	return on_signal(r, sig);
}

/* ------------------------------------------------------------ the run */

static int open_stdio(const sandbox_t *sb, int fds[3])
{
	for (int i = 0; i < 3; i++)
		fds[i] = -1;
	for (int i = 0; i < 3; i++) {
		const struct sb_stdio *s = &sb->stdio[i];
		if (s->path) {
			int fl = i == 0 ? O_RDONLY
			                : O_WRONLY | O_CREAT | (s->append ? O_APPEND : O_TRUNC);
			fds[i] = open(s->path, fl | O_CLOEXEC | O_NOCTTY, 0644);
		} else if (s->fd >= 0) {
			fds[i] = fcntl(s->fd, F_DUPFD_CLOEXEC, 3);
		} else {
			continue;
		}
		if (fds[i] < 0) {
			int e = -errno;
			for (int j = 0; j < i; j++)
				if (fds[j] >= 0)
					close(fds[j]);
			static const char *const step[3] = { "stdin", "stdout", "stderr" };
			((sandbox_t *)sb)->failed_step = step[i];
			return e;
		}
	}
	return 0;
}

static void close_fds(int *fds, int n)
{
	for (int i = 0; i < n; i++)
		if (fds[i] >= 0) {
			close(fds[i]);
			fds[i] = -1;
		}
}

/* The child died before exec: fetch the errno of the failed step. */
static int setup_error(struct run *r)
{
	struct sb_child_error e;
	static char step[sizeof(e.step)];
	ssize_t n;

	do
		n = read(r->errfd, &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(e))
		return -ECHILD;
	/* failed_step must outlive this call: keep one of the known names. */
	static const char *const known[] = { "stdin", "stdout", "stderr",
		"close_range", "sigprocmask", "chroot", "chdir", "setgroups",
		"setgid", "setuid", "no_new_privs", "raise", "seccomp", "execve",
		"prctl", "ptrace", "capabilities", "ns_ids", "sethostname",
		"loopback", "mkdir", "mkfile", "mount", "remount_ro", "symlink",
		"pivot_root", "capbset", "setrlimit", "isolation" };
	(void)step;
	r->sb->failed_step = "setup";
	for (size_t i = 0; i < SB_ARRAY_SIZE(known); i++)
		if (strncmp(e.step, known[i], sizeof(e.step)) == 0)
			r->sb->failed_step = known[i];
	return -e.err;
}

static void fill_usage(sandbox_t *sb, const struct rusage *ru)
{
	sandbox_stat_t *st = &sb->stat;
	st->user_time_us = sb_tv_us(&ru->ru_utime);
	st->sys_time_us = sb_tv_us(&ru->ru_stime);
	st->cpu_time_us = st->user_time_us + st->sys_time_us;
	st->minor_faults = ru->ru_minflt;
	st->major_faults = ru->ru_majflt;
}

static void fill_memory(struct run *r)
{
	sandbox_t *sb = r->sb;
	sandbox_stat_t *st = &sb->stat;
	const struct sb_proc_exit *px = r->have_px ? &r->px
	                              : sb->mgr.have_px ? &sb->mgr.px : NULL;
	if (px) {
		st->vm_peak = px->vm_peak;
		st->rss_peak = px->rss_peak;
		st->output_bytes = px->wchar;
	}
	int64_t sampled = atomic_load(&sb->mem_sample_peak);
	if (sampled > st->rss_peak)
		st->rss_peak = sampled;
	st->memory_peak = sb->memory_mode == S_MEMORY_RSS ? st->rss_peak
	                                                  : st->vm_peak;
}

/* The event loop. Returns 0 with a verdict, or -errno. */
static int trace_loop(struct run *r)
{
	sandbox_t *sb = r->sb;
	struct rusage ru;
	int status, rc = 0;

	for (;;) {
		pid_t w = wait4(r->pid, &status, __WALL, &ru);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			break;
		}
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			struct timespec now;
			clock_gettime(CLOCK_MONOTONIC, &now);
			sb_manager_end_run(sb);
			sb_capture_finish(sb);
			if (!r->exec_done)
				return setup_error(r);
			sb->stat.wall_time_us = sb_ts_diff_us(&now, &r->t_exec);
			fill_usage(sb, &ru);
			fill_memory(r);
			return sb_verdict(sb, status, &r->px, r->have_px);
		}
		if (WIFSTOPPED(status)) {
			rc = on_stop(r, status);
			if (rc < 0) {
				/* Could not drive the program: end it as IE. */
				sb->stat.result = S_RESULT_IE;
				kill_program(r);
			}
		}
	}
	/* wait4 failed (should not happen): make sure nothing is left. */
	kill(r->pid, SIGKILL);
	while (waitpid(r->pid, &status, __WALL) < 0 && errno == EINTR)
		;
	sb_manager_end_run(sb);
	return rc;
}

static int first_stop(struct run *r)
{
	int status, rc;
	pid_t w;

	do
		w = waitpid(r->pid, &status, __WALL);
	while (w < 0 && errno == EINTR);
	if (w < 0)
		return -errno;
	if (!WIFSTOPPED(status)) /* setup failed before the stop */
		return setup_error(r);
	long opts = PTRACE_O_EXITKILL | PTRACE_O_TRACESYSGOOD |
	            PTRACE_O_TRACESECCOMP | PTRACE_O_TRACEEXEC |
	            PTRACE_O_TRACEEXIT;
	if (ptrace(PTRACE_SETOPTIONS, r->pid, NULL, (void *)opts) < 0) {
		int e = -errno;
		kill(r->pid, SIGKILL);
		while (waitpid(r->pid, &status, __WALL) < 0 && errno == EINTR)
			;
		return e;
	}
	/* Before exec: join the run's cgroup (isolation.c). */
	if (r->sb->iso &&
	    (rc = sb_iso_first_stop(r->sb->iso, r->pid, &r->sb->failed_step)) < 0) {
		kill(r->pid, SIGKILL);
		while (waitpid(r->pid, &status, __WALL) < 0 && errno == EINTR)
			;
		return rc;
	}
	/* Suppress the SIGSTOP the child raised. */
	return resume(r, false, 0);
}

int sb_trace_run(sandbox_t *sb)
{
	struct run r = { .sb = sb, .pid = -1, .pidfd = -1, .errfd = -1,
	                 .classic = sb->mode == S_MODE_CLASSIC };
	struct sb_child_plan plan = { .sb = sb, .errfd = -1 };
	struct sb_pin pin = { .changed = false, .claim = -1 };
	int pipefd[2] = { -1, -1 };
	char **envbuf = NULL;
	int rc;

	int capw[3];
	rc = open_stdio(sb, plan.stdio_fd);
	if (rc < 0)
		return rc;
	if ((rc = sb_capture_open(sb, capw)) < 0) {
		close_fds(plan.stdio_fd, 3);
		sb->failed_step = "capture";
		return rc;
	}
	for (int i = 1; i <= 2; i++)
		if (capw[i] >= 0)
			plan.stdio_fd[i] = capw[i]; /* closed after fork below */
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		rc = -errno;
		goto out;
	}
	/* Keep the error pipe off 0..2, which the child overwrites. */
	for (int i = 0; i < 2; i++) {
		if (pipefd[i] < 3) {
			int fd = fcntl(pipefd[i], F_DUPFD_CLOEXEC, 3);
			if (fd < 0) {
				rc = -errno;
				goto out;
			}
			close(pipefd[i]);
			pipefd[i] = fd;
		}
	}
	plan.errfd = pipefd[1];
	plan.envp = sb->envp;
	if (sb->iso || sb->env_inherit) {
		/* pass-through list, secrets stripped (env.c) */
		envbuf = sb_env_build(sb->iso, sb->envp, sb->env_inherit, environ);
		if (!envbuf) {
			rc = -ENOMEM;
			goto out;
		}
		plan.envp = envbuf;
	}
	if (!r.classic)
		plan.filter = sb->compiled.prog;

	/* The child inherits the tracer's (pinned) affinity. */
	if ((rc = sb_pin_begin(sb, &pin)) < 0) {
		sb->failed_step = "cpus";
		goto out;
	}
	r.pid = sb->iso ? sb_iso_spawn(sb->iso, plan.errfd, &sb->failed_step)
	                : fork();
	if (r.pid < 0) {
		rc = -errno;
		goto out;
	}
	if (r.pid == 0)
		sb_child_run(&plan);

	sb->pid = r.pid;
	close(pipefd[1]);
	pipefd[1] = -1;
	r.errfd = pipefd[0];
	pipefd[0] = -1;
	close_fds(plan.stdio_fd, 3);
	r.pidfd = (int)syscall(SYS_pidfd_open, r.pid, 0);

	rc = first_stop(&r); /* on error the child is already reaped */
	if (rc == 0)
		rc = trace_loop(&r);
out:
	close_fds(plan.stdio_fd, 3);
	close_fds(pipefd, 2);
	sb_capture_finish(sb); /* no-op when already drained */
	sb_pin_end(&pin);
	sb_env_free(envbuf);
	if (sb->iso) { /* figures, facts, teardown (isolation.c) */
		struct sb_iso_facts facts;
		sb_iso_finish(sb->iso, &facts);
		if (rc == 0)
			sb_verdict_isolation(sb, &facts);
	}
	if (r.errfd >= 0)
		close(r.errfd);
	if (r.pidfd >= 0)
		close(r.pidfd);
	sb->pid = -1;
	return rc;
}
