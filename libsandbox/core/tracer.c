/*
 * The tracer: the ptrace event loop in the thread that called
 * sandbox_execute(), from the child's first stop to its end (core/run.c
 * starts and ends the run around it).
 *
 * One syscall event, fast mode: the kernel's seccomp filter returns
 * SECCOMP_RET_TRACE(data) -> the program stops with PTRACE_EVENT_SECCOMP ->
 * wait4() here -> PTRACE_GET_SYSCALL_INFO gives ABI, number, arguments and
 * `data` in one call -> the policy's layers decide (core/decide.c) ->
 * observers see the event and the decision -> the decision is applied
 * (resume, fail the call by skipping it with -errno, or kill for RF).
 * Classic mode is the same with PTRACE_SYSCALL stops at every entry/exit.
 *
 * Every task of the program is followed from its first instruction: the
 * options (PTRACE_O_TRACECLONE | TRACEFORK | TRACEVFORK, EXITKILL, ...)
 * are set once on the first task and the kernel attaches every task it
 * creates with the same options, stopped before its first instruction;
 * its seccomp filter is its creator's. No policy can switch that off, and
 * the filter refuses the two ways a new task could escape the attach
 * (CLONE_UNTRACED, clone3 whose flags a filter cannot read: policy/).
 * What the tracer knows of each task is a struct sb_task found by tid
 * (tasktab.c); what is per process, and shared with the manager, is in
 * sb->procs (procs.c). A task's creation costs two stops: its creator's
 * clone/fork/vfork event and its own first stop (the attach's SIGSTOP),
 * in either order -- a new task whose first stop comes first is placed
 * from /proc (a thread of a process of ours, or a process whose parent
 * is one), else held, stopped, until its creator's event says what it
 * is. Threads take no exit stop; the main thread of each process does
 * (its figures).
 */
#include "config.h"
#include "core/core.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define X32_BIT 0x40000000ULL

struct run {
	sandbox_t *sb;
	pid_t pid;
	int pidfd;
	int errfd;              /* read end of the setup error pipe */
	bool exec_done;
	bool killed;            /* we sent SIGKILL: just wait for the end */
	bool classic;
	bool watch_memory;      /* a VSIZE memory quota: watch brk/mmap/mremap */
	struct sb_tasks tasks;  /* every task of the program, by tid */
	bool many;              /* tasks may exist: wait for any of ours */
	bool have_px;
	struct sb_proc_exit px;
	bool leader_left;       /* the first process's main thread has ended */
	unsigned first_threads; /* entered tasks of the first process but its
	                         * main thread, in the table */
	struct timespec t_exec;
	bool exec_failed;       /* execve failed past its point of no return */
	/* The task quota's last look at /proc (over_task_quota): tasks found
	 * alive then, and tasks added to the table since. */
	uint64_t quota_alive;
	uint64_t added_since;
	bool quota_looked;
	/* Tasks that ended before their creator's event came (early tasks,
	 * oldest first): that event must not enter them again. One per
	 * creator at most, grown as needed up to EARLY_GONE_MAX. */
	pid_t *early_gone;
	unsigned n_early_gone, cap_early_gone;
};

static struct sb_task *task_of(struct run *r, pid_t tid)
{
	return sb_tasks_find(&r->tasks, tid);
}

/* ------------------------------------------------------------ helpers */

static int resume(struct run *r, pid_t tid, bool to_exit, int sig)
{
	int req = (r->classic || to_exit) ? PTRACE_SYSCALL : PTRACE_CONT;
	if (sb_diag_profiling(r->sb->diag))
		sb_diag_sys_resume(r->sb->diag);
	if (ptrace(req, tid, NULL, (void *)(long)sig) < 0 && errno != ESRCH)
		return -errno;
	return 0;
}

/* Kill the program now (it is usually stopped). The figures are read
 * first: a SIGKILLed program takes no exit stop. */
static void kill_program(struct run *r)
{
	/* Whatever happened before, every task of ours is waited for until
	 * none is left (one the table does not know may hold the first
	 * process's end back). */
	r->many = true;
	if (r->killed)
		return;
	if (!r->have_px && sb_proc_read_exit(r->pid, &r->px) == 0)
		r->have_px = true;
	r->killed = true;
	pthread_mutex_lock(&r->sb->mgr.lock);
	sb_procs_kill(&r->sb->procs, r->pidfd, true);
	pthread_mutex_unlock(&r->sb->mgr.lock);
	/* Tasks held at their first stop, whose creator's event never came:
	 * stopped and traced by us, so their tid cannot be reused. */
	size_t pos = 0;
	for (struct sb_task *t; (t = sb_tasks_next(&r->tasks, &pos));)
		if (t->held)
			kill(t->tid, SIGKILL);
}

/* A verdict reached during the run (the first one stands), then the end.
 * t: the task that reached it (its backtrace), NULL: none in particular. */
static void end_with(struct run *r, const struct sb_task *t, int result,
                     int quota)
{
	if (sb_verdict_during(r->sb, result, quota) && result == S_RESULT_RF &&
	    !r->killed) { /* still stopped: where was it? */
		int64_t t0 = sb_uncharged_begin();
		sb_diag_on_rf(r->sb->diag, t ? t->tid : r->pid);
		sb_uncharged_end(r->sb, t0);
	}
	kill_program(r);
}

/* The run ends at this syscall: it is the one the statistics name. */
static void end_at_syscall(struct run *r, const struct sb_task *t, int result)
{
	if (r->sb->stat.result == S_RESULT_PD) {
		r->sb->stat.has_syscall = true;
		r->sb->stat.syscall = t->cur;
		r->sb->stat.syscall_tid = t->tid;
	}
	end_with(r, t, result, -1);
}

/* Apply a decision that ends the run (KILL at a syscall is RF, BAD is
 * BP); false when the decision lets the task go on. */
static bool ends_run(struct run *r, const struct sb_task *t,
                     const struct sb_decision *d)
{
	switch (d->verb) {
	case SB_KILL: end_at_syscall(r, t, S_RESULT_RF); return true;
	case SB_FINI: end_at_syscall(r, t, d->data); return true;
	case SB_BAD: end_at_syscall(r, t, S_RESULT_BP); return true;
	default: return false;
	}
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

static sandbox_event_t event_of(struct run *r, int type,
                                const struct sb_task *t)
{
	sandbox_event_t ev = { .type = type, .sandbox = r->sb, .pid = t->tid,
	                       .tgid = t->tgid };
	r->sb->cur_tid = t->tid;
	r->sb->cur_self = t->self;
	return ev;
}

/* ------------------------------------------------------------ syscalls */

/* A request on a stopped task failed with err. ESRCH: it is no longer
 * in its stop -- killed meanwhile (by a callback, the manager, the OOM
 * killer) -- so there is nothing to answer; wait4 reports its end and the
 * verdict comes from that. Anything else is an error of ours. */
static int gone_or_error(int err)
{
	return err == ESRCH ? 0 : -err;
}

/* Fail the syscall at its entry with errno err. */
static int deny(struct run *r, struct sb_task *t, int err)
{
	struct user_regs_struct regs;

	t->watch_mem = false;
	if (r->classic) {
		/* Skip now; the kernel writes -ENOSYS, fixed at the exit. */
		t->deny_errno = err;
		if (ptrace(PTRACE_POKEUSER, t->tid,
		           offsetof(struct user_regs_struct, orig_rax),
		           (void *)-1L) < 0)
			return gone_or_error(errno);
		return resume(r, t->tid, true, 0);
	}
	if (ptrace(PTRACE_GETREGS, t->tid, NULL, &regs) < 0)
		return gone_or_error(errno);
	regs.orig_rax = (unsigned long long)-1;
	regs.rax = (unsigned long long)-(int64_t)err;
	if (ptrace(PTRACE_SETREGS, t->tid, NULL, &regs) < 0)
		return gone_or_error(errno);
	return resume(r, t->tid, t->want_sysret, 0);
}

static void begin_syscall(struct run *r, struct sb_task *t,
                          const struct __ptrace_syscall_info *si,
                          const uint64_t *args, uint64_t nr)
{
	int abi = abi_of(si, &nr);

	memset(&t->cur, 0, sizeof(t->cur));
	t->cur.abi = abi < 0 ? S_ABI_COUNT : abi;
	t->cur.nr = (long)nr;
	memcpy(t->cur.args, args, sizeof(t->cur.args));
	/* An i386 call runs on the low 32 bits of its registers: rules,
	 * callbacks and figures see those, whatever a 64-bit program left in
	 * the high halves (review-stop24 D1). */
	if (abi == S_ABI_I386)
		for (size_t i = 0; i < 6; i++)
			t->cur.args[i] &= 0xffffffffu;
	t->cur.ip = si->instruction_pointer;
	t->want_sysret = r->classic;
	/* Whatever made the call stop (the filter's MEM data, a TRACE rule,
	 * classic mode), a memory syscall under a VSIZE quota is watched. */
	t->watch_mem = r->watch_memory && sb_memory_syscall(abi, (long)nr);
	/* The stream files before a call that may shrink one (capture.c);
	 * a path's truncation (an open, truncate) when it stops. */
	if (r->sb->streams.watched && sb_space_syscall(abi, (long)nr))
		sb_streams_sample(r->sb);
	t->deny_errno = 0;
	t->syscalls++;
	r->sb->stat.syscalls++;
}

static int on_entry(struct run *r, struct sb_task *t,
                    const struct __ptrace_syscall_info *si,
                    const uint64_t *args, uint64_t nr)
{
	struct sb_decision d;

	if (!r->exec_done) /* our own execve (and its failure path) */
		return resume(r, t->tid, false, 0);
	begin_syscall(r, t, si, args, nr);
	sandbox_event_t ev = event_of(r, S_EVENT_SYSCALL, t);
	ev.syscall = t->cur;
	int disp = sb_decide_entry(r->sb, &ev, r->classic, &d);
	if (disp & S_DISP_FLAG_EXIT)
		t->want_sysret = true;
	sb_observe(r->sb, &ev, &d);
	if (ends_run(r, t, &d))
		return 0;
	if (d.verb == SB_DENY)
		return deny(r, t, d.data);
	return resume(r, t->tid, t->want_sysret || t->watch_mem, 0);
}

/* Was this allocation refused? *need: the bytes it asked for. A refused
 * mmap of inaccessible, unreserved memory (PROT_NONE, MAP_NORESERVE) is
 * no allocation: it only asks for address space, which is what glibc's
 * malloc does for each new thread's arena (128 MiB, then 64 MiB, falling
 * back to a shared arena when refused) and what runtimes do for heaps
 * they may never use. Whatever later makes that space usable and is
 * refused is judged then. */
static bool allocation_refused(const struct sb_task *t, int64_t ret,
                               int64_t *need)
{
	const uint64_t *a = t->cur.args;

	switch (sb_memory_syscall(t->cur.abi, t->cur.nr)) {
	case SB_MEMSYS_BRK: /* fails by returning the old break */
		if (a[0] == 0 || (uint64_t)ret >= a[0])
			return false;
		*need = (int64_t)(a[0] - (uint64_t)ret);
		return true;
	case SB_MEMSYS_MMAP:
	case SB_MEMSYS_MMAP2:
		*need = (int64_t)a[1];
		if (a[2] == PROT_NONE && (a[3] & MAP_NORESERVE))
			return false;
		return ret == -ENOMEM;
	case SB_MEMSYS_MREMAP:
		*need = a[2] > a[1] ? (int64_t)(a[2] - a[1]) : 0;
		return ret == -ENOMEM && *need > 0;
	default:
		return false;
	}
}

/* A refused allocation that would have crossed the memory quota: ML,
 * with the call, the request and the peak it would have made. */
static bool over_memory_quota(struct run *r, const struct sb_task *t,
                              int64_t ret)
{
	int64_t need = 0;

	if (!allocation_refused(t, ret, &need))
		return false;
	int64_t vm = sb_proc_vm_size(t->tid);
	if (vm < 0 || vm + need <= (int64_t)r->sb->quota[S_QUOTA_MEMORY])
		return false;
	sandbox_syscall_t sc = t->cur;
	sc.ret = ret;
	if (r->sb->stat.result == S_RESULT_PD)
		r->sb->stat.syscall_tid = t->tid;
	sb_verdict_memory_refused(r->sb, S_MEMREQ_SYSCALL, need, vm + need, &sc);
	return true;
}

static int on_exit_stop(struct run *r, struct sb_task *t,
                        const struct __ptrace_syscall_info *si)
{
	int64_t ret = si->exit.rval;
	struct sb_decision d;

	if (!r->exec_done)
		return resume(r, t->tid, false, 0);
	if (t->deny_errno) {
		ret = -(int64_t)t->deny_errno;
		if (ptrace(PTRACE_POKEUSER, t->tid,
		           offsetof(struct user_regs_struct, rax), (void *)ret) < 0)
			return gone_or_error(errno);
		t->deny_errno = 0;
	}
	if (t->watch_mem) {
		t->watch_mem = false;
		if (over_memory_quota(r, t, ret)) {
			end_with(r, t, S_RESULT_ML, S_QUOTA_MEMORY);
			return 0;
		}
	}
	if (t->want_sysret) {
		t->want_sysret = false;
		t->cur.ret = ret;
		sandbox_event_t ev = event_of(r, S_EVENT_SYSRET, t);
		ev.disposition = S_DISP_ALLOW;
		ev.syscall = t->cur;
		sb_decide_event(r->sb, &ev, &d);
		sb_observe(r->sb, &ev, &d);
		if (ends_run(r, t, &d))
			return 0;
	}
	return resume(r, t->tid, false, 0);
}

static int on_syscall_stop(struct run *r, struct sb_task *t)
{
	struct __ptrace_syscall_info si;
	long n = ptrace(PTRACE_GET_SYSCALL_INFO, t->tid, sizeof(si), &si);
	if (n < 0)
		return errno == ESRCH ? 0 : -errno;
	r->sb->stat.stops++;
	if (sb_diag_profiling(r->sb->diag))
		sb_diag_sys_stop(r->sb->diag);
	switch (si.op) {
	case PTRACE_SYSCALL_INFO_SECCOMP:
		return on_entry(r, t, &si, si.seccomp.args, si.seccomp.nr);
	case PTRACE_SYSCALL_INFO_ENTRY:
		return on_entry(r, t, &si, si.entry.args, si.entry.nr);
	case PTRACE_SYSCALL_INFO_EXIT:
		return on_exit_stop(r, t, &si);
	default:
		return resume(r, t->tid, false, 0);
	}
}

/* ------------------------------------------------------------ signals */

static bool is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

/* How far below the stack pointer an access still grows the stack (the
 * kernel's old test: enter/pusha reach 64 KiB + 32 words below). Further
 * down, a fault under [stack] is a stray pointer, not a stack. */
#define STACK_SLACK (65536 + 32 * 8)

/* A SIGSEGV where the stack could not grow: the fault is below [stack],
 * above the mapping before it, near the stack pointer. Which limit was
 * crossed? The memory quota is judged first: growth that takes the
 * program above it is ML (reported with the growth as the refused
 * request), whatever the stack limit says. Growth within the quota but
 * past the stack limit (RLIMIT_STACK, read from /proc) is a stack
 * overflow: the signal is delivered, the verdict is RT SIGSEGV with
 * quota_exceeded S_QUOTA_STACK. True when it is ML. */
static bool judge_stack_fault(struct run *r, pid_t tid, int sig)
{
	sandbox_t *sb = r->sb;
	struct user_regs_struct regs;
	siginfo_t info;
	int64_t grow, size;
	uint64_t limit, q = sb->quota[S_QUOTA_MEMORY];

	if (sig != SIGSEGV ||
	    ptrace(PTRACE_GETSIGINFO, tid, NULL, &info) < 0 ||
	    info.si_code != SEGV_MAPERR ||
	    ptrace(PTRACE_GETREGS, tid, NULL, &regs) < 0)
		return false;
	uint64_t addr = (uint64_t)(uintptr_t)info.si_addr;
	if (addr + STACK_SLACK < regs.rsp ||
	    !sb_proc_stack_growth(tid, addr, &grow, &size))
		return false;
	if (q != SANDBOX_UNLIMITED) {
		int64_t now = sb->memory_mode == S_MEMORY_RSS ? sb_proc_rss(tid)
		                                              : sb_proc_vm_size(tid);
		if (now >= 0 && now + grow > (int64_t)q) {
			sb_verdict_memory_refused(sb, S_MEMREQ_STACK, grow, now + grow,
			                          NULL);
			return true;
		}
	}
	if (sb_proc_limit(tid, "Max stack size", &limit) == 0 &&
	    (uint64_t)size > limit)
		sb_verdict_stack_overflow(sb);
	return false;
}

/* A SIGXCPU of the CPU backstop: sent by the kernel (SI_KERNEL) to a
 * process whose tick-counted CPU time (the clock RLIMIT_CPU is checked
 * on: user + system in ticks) has passed the backstop's soft limit. A
 * program that set a lower limit of its own gets its signal before that.
 * A signal of the program's own making (sigqueue to itself may say
 * SI_KERNEL) has not passed it either. */
static bool is_cpu_backstop(struct run *r, pid_t tid, pid_t tgid, int sig)
{
	uint64_t q = r->sb->quota[S_QUOTA_CPU];
	/* The process's CPUCLOCK_PROF clock (linux/posix-timers.h):
	 * clock_getcpuclockid() gives the exact one. */
	clockid_t prof = (clockid_t)(~(unsigned)tgid << 3);
	struct timespec ts;
	siginfo_t info;

	if (sig != SIGXCPU || q == SANDBOX_UNLIMITED || tgid <= 0 ||
	    ptrace(PTRACE_GETSIGINFO, tid, NULL, &info) < 0 ||
	    info.si_code != SI_KERNEL || clock_gettime(prof, &ts) != 0)
		return false;
	return ts.tv_sec >= (time_t)sb_cpu_backstop_soft(q);
}

/* What the supervisor decides about a signal before any callback: stop
 * signals that would stop the program are discarded (it cannot sit out
 * its quotas stopped) -- SIGSTOP always, SIGTSTP, SIGTTIN and SIGTTOU
 * unless the program catches or ignores them, when they are ordinary
 * signals and go on to the callbacks like any other;
 * SIGXFSZ under a disk quota is OL, a stack that could not grow within
 * the memory quota is ML. SB_NEXT: the callbacks decide. Returns the
 * quota that decided, or -1. */
static int signal_rules(struct run *r, pid_t tid, pid_t tgid, int sig,
                        struct sb_decision *d)
{
	d->verb = SB_NEXT;
	d->data = 0;
	if (is_stop_signal(sig) &&
	    (sig == SIGSTOP ||
	     sb_proc_sig_action(tid, sig) <= SB_SIG_DEFAULT)) {
		d->verb = SB_DENY;
	} else if (is_cpu_backstop(r, tid, tgid, sig)) {
		/* Ticks over-count a program whose CPUs are shared: the quota
		 * is judged on the exact clocks. Used: TL now, as the manager
		 * would kill it; else the signal is discarded (the kernel sends
		 * another after each further second). */
		d->verb = sb_manager_cpu_over(r->sb) ? SB_KILL : SB_DENY;
		return d->verb == SB_KILL ? S_QUOTA_CPU : -1;
	} else if (sig == SIGXFSZ &&
	           r->sb->quota[S_QUOTA_DISK] != SANDBOX_UNLIMITED) {
		d->verb = SB_FINI;
		d->data = S_RESULT_OL;
		return S_QUOTA_DISK;
	} else if (judge_stack_fault(r, tid, sig)) {
		d->verb = SB_FINI;
		d->data = S_RESULT_ML;
		return S_QUOTA_MEMORY;
	}
	return -1;
}

/* Signals whose default action is to do nothing. */
static bool is_ignored_signal(int sig)
{
	return sig == SIGCHLD || sig == SIGCONT || sig == SIGURG ||
	       sig == SIGWINCH;
}

/* The kernel's SIGSEGV of an execve that failed after its point of no
 * return: was the image over the memory quota (exec_image.c)? */
static void judge_failed_exec(struct run *r, pid_t tid)
{
	sandbox_t *sb = r->sb;
	uint64_t quota = sb->quota[S_QUOTA_MEMORY];
	struct sb_exec_need need;

	if (sb->memory_mode != S_MEMORY_VSIZE || quota == SANDBOX_UNLIMITED)
		return;
	if (sb_exec_image_need(tid, sb->exec_args_bytes, quota, &need) == 0 &&
	    need.refused > 0)
		sb_verdict_memory_refused(sb, S_MEMREQ_EXEC, need.refused,
		                          need.peak, NULL);
}

/* A signal before the exec event: there is no program yet, only our
 * set-up (child.c) or its execve, so nothing is delivered, and nothing is
 * resumed that would stop here again. Signals that do nothing by default
 * and stop signals are dropped. SIGSEGV from the kernel (SI_KERNEL) is
 * execve failing after its point of no return: the old image is gone, the
 * new one could not be built; it is judged (ML when the image was over
 * the quota, else RT SIGSEGV) and the process killed. Any other signal
 * ends the set-up: killed, an error of sandbox_execute(). */
static int on_setup_signal(struct run *r, pid_t tid, int sig)
{
	siginfo_t info;

	if (is_ignored_signal(sig) || is_stop_signal(sig))
		return resume(r, tid, false, 0);
	if (sig == SIGSEGV &&
	    ptrace(PTRACE_GETSIGINFO, tid, NULL, &info) == 0 &&
	    info.si_code == SI_KERNEL) {
		r->exec_failed = true;
		clock_gettime(CLOCK_MONOTONIC, &r->t_exec);
		judge_failed_exec(r, tid);
	}
	kill_program(r);
	return 0;
}

/* The first stop of a task attached at its creation (not a signal of the
 * program's): the attach's SIGSTOP (a program we asked to be traced), or
 * the PTRACE_EVENT_STOP of a seized one's. A thread takes no exit stop:
 * two stops per thread in all. A new process's main thread does (its
 * figures), whatever its creator had: a process forked by a thread
 * inherits the thread's options. */
static int on_task_first_stop(struct run *r, struct sb_task *t)
{
	t->fresh = false;
	long opts = t->tid != t->tgid ? SB_TRACE_OPTIONS : SB_LEADER_OPTIONS;
	if (t->tid != r->pid &&
	    ptrace(PTRACE_SETOPTIONS, t->tid, NULL, (void *)opts) < 0 &&
	    errno != ESRCH)
		return -errno;
	return resume(r, t->tid, false, 0);
}

/* A PTRACE_EVENT_STOP of a seized task: its first stop, or a group-stop
 * (a stop signal reached its default action after all: its disposition
 * changed between our look and the delivery; or it was stopped before we
 * seized it). A program cannot sit out its quotas stopped: it goes on,
 * as after a stop signal we discard. */
static int on_event_stop(struct run *r, struct sb_task *t)
{
	r->sb->stat.stops++;
	if (t->fresh)
		return on_task_first_stop(r, t);
	return resume(r, t->tid, false, 0);
}

static int on_signal(struct run *r, struct sb_task *t, int sig)
{
	sandbox_t *sb = r->sb;
	struct sb_decision d;

	sb->stat.stops++;
	if (!r->exec_done)
		return on_setup_signal(r, t->tid, sig);
	if (t->fresh && sig == SIGSTOP) /* the attach's own SIGSTOP */
		return on_task_first_stop(r, t);
	sandbox_event_t ev = event_of(r, S_EVENT_SIGNAL, t);
	siginfo_t info;
	ev.data = sig;
	if (ptrace(PTRACE_GETSIGINFO, t->tid, NULL, &info) == 0)
		ev.sig_code = info.si_code;
	int quota = signal_rules(r, t->tid, t->tgid, sig, &d);
	if (d.verb == SB_NEXT)
		sb_decide_event(sb, &ev, &d);
	sb_observe(sb, &ev, &d);
	switch (d.verb) {
	case SB_DENY: /* discarded */
		return resume(r, t->tid, false, 0);
	case SB_KILL:
		kill_program(r);
		return 0;
	case SB_FINI:
		end_with(r, t, d.data, quota);
		return 0;
	case SB_BAD:
		end_with(r, t, S_RESULT_BP, -1);
		return 0;
	default:
		break;
	}
	if (t->tgid == r->pid) {
		sb->delivered_sig = sig;
		sb->delivered_code = ev.sig_code;
	}
	/* Before a fatal signal is delivered: where did it happen? (The
	 * supervisor's own business: not charged to the program.) */
	if (sb->diag && (sb->diag->bt_when & S_BT_SIGNAL)) {
		int64_t t0 = sb_uncharged_begin();
		sb_diag_on_signal(sb->diag, t->tid, sig);
		sb_uncharged_end(sb, t0);
	}
	/* A namespace init would drop this default-fatal signal: do what
	 * the kernel would do to any other process (isolation.c). Only the
	 * first process is the init. */
	if (sb->iso && t->tgid == r->pid && sb_iso_init_fatal(sb->iso, t->tid, sig)) {
		kill_program(r);
		return 0;
	}
	return resume(r, t->tid, false, sig);
}

/* ------------------------------------------------------------ tasks */

static bool task_ended(const struct sb_task *t);

/* Up to how many tasks a new peak is checked against /proc (one read per
 * task): a larger count is taken as it is (above the task quota it is
 * checked anyway, over_task_quota). */
#define PEAK_CHECK_MAX 64

/* The tasks alive, if more than `peak`: the count of the table less the
 * tasks that have ended, their end not yet taken (task_ended); stops
 * reading as soon as the count cannot pass peak. The tasks in `live` (0:
 * none) are alive now, known without reading /proc: a creator at its
 * event stop, a new task before its first instruction. */
static unsigned alive_above(struct run *r, unsigned n, unsigned peak,
                            const pid_t live[2])
{
	size_t pos = 0;
	struct sb_task *t;

	while (n > peak && (t = sb_tasks_next(&r->tasks, &pos)))
		if (t->tid != live[0] && t->tid != live[1] && task_ended(t))
			n--;
	return n;
}

/* One task more or less in the table. The peak is what was alive at
 * once: a joined thread's end wakes its joiner before the tracer is told,
 * so the next thread's creation can come first, and a count that only
 * went up and down with the events said 12 under a quota of 4. */
static void count_task(struct run *r, int delta, const pid_t live[2])
{
	sandbox_t *sb = r->sb;
	unsigned n = (unsigned)atomic_load(&sb->ntasks) + (unsigned)delta;
	unsigned peak = (unsigned)sb->stat.tasks_peak;

	atomic_store(&sb->ntasks, n);
	if (delta > 0) {
		r->added_since += (uint64_t)delta;
		sb_manager_tasks_grew(sb, n);
	}
	if (delta <= 0 || n <= peak)
		return;
	if (n <= PEAK_CHECK_MAX)
		n = alive_above(r, n, peak, live);
	if (n > peak)
		sb->stat.tasks_peak = (int)n;
}

/* A task of ours is gone (its end reported, or the exec of another thread
 * of its process took its place). */
/* Room for more early tasks: doubled from 64 up to EARLY_GONE_MAX (more
 * creators than that at once lose their oldest entries), kept as is when
 * memory is short. Each creator has at most one event to come: with 64
 * entries, 100 threads each making short threads brought ghosts back
 * (review-a8check K1). */
#define EARLY_GONE_MAX 65536u
static void grow_early_gone(struct run *r)
{
	unsigned cap = r->cap_early_gone ? 2 * r->cap_early_gone : 64;
	pid_t *p;

	if (cap > EARLY_GONE_MAX ||
	    !(p = realloc(r->early_gone, cap * sizeof(pid_t))))
		return;
	r->early_gone = p;
	r->cap_early_gone = cap;
}

static void forget_task(struct run *r, struct sb_task *t)
{
	if (sb_diag_profiling(r->sb->diag))
		sb_diag_task_end(r->sb->diag, t->tid, t->tgid, t->syscalls);
	if (t->entered && t->tgid == r->pid && t->tid != r->pid)
		r->first_threads--;
	if (t->early) {
		if (r->n_early_gone == r->cap_early_gone)
			grow_early_gone(r);
		if (r->n_early_gone == r->cap_early_gone && r->n_early_gone)
			/* Full: the oldest, whose creator may never say. */
			memmove(r->early_gone, r->early_gone + 1,
			        --r->n_early_gone * sizeof(pid_t));
		if (r->n_early_gone < r->cap_early_gone)
			r->early_gone[r->n_early_gone++] = t->tid;
	}
	sb_tasks_remove(&r->tasks, t->tid);
	count_task(r, -1, (const pid_t[2]){ 0, 0 });
}

/* Did task tid end before its creator's event (forget_task)? Then the
 * event is about a task already gone: forgotten here. */
static bool early_gone(struct run *r, pid_t tid)
{
	for (unsigned i = 0; i < r->n_early_gone; i++)
		if (r->early_gone[i] == tid) {
			memmove(r->early_gone + i, r->early_gone + i + 1,
			        (--r->n_early_gone - i) * sizeof(pid_t));
			return true;
		}
	return false;
}

/* Has task t ended, its end not yet taken by us? A thread's end wakes its
 * joiner (the kernel clears its tid) before the tracer is told: the
 * program may then make the next thread while the tracer still counts
 * the last one. Such a task is exiting (PF_EXITING, set before the kernel
 * clears the tid), a zombie, or gone (util/procfs.c; its own /proc entry,
 * which a thread has too, unlisted, and a task whose creator's event has
 * not come). What cannot be read is counted as alive. */
static bool task_ended(const struct sb_task *t)
{
	return sb_proc_task_ending(t->tid) == 1;
}

/* The tasks alive now, when the count says one too many for the task
 * quota: the ends the tracer has not taken yet do not count (only then:
 * one read per task). */
static uint64_t live_tasks(struct run *r)
{
	size_t pos = 0;
	uint64_t alive = 0;
	struct sb_task *t;

	while ((t = sb_tasks_next(&r->tasks, &pos)))
		if (!task_ended(t))
			alive++;
	return alive;
}

/* Are more tasks alive than the task quota allows (the one asked for,
 * or the policy's default: stat.tasks_quota)? Checked whenever the count
 * grows -- at a creation event, and at the first stop of a task whose
 * creator's event has not come (held: a flooded tracer takes hundreds
 * of those before their creators' events). Only a count past the quota
 * looks at the tasks: the ends not taken yet do not count, and then no
 * more than the quota was ever alive (more would have ended the run), so
 * the peak is corrected to what is alive. */
static bool over_task_quota(struct run *r)
{
	sandbox_stat_t *st = &r->sb->stat;
	int64_t quota = st->tasks_quota;

	if (quota <= 0 || r->tasks.n <= (uint64_t)quota)
		return false;
	uint64_t cap = (uint64_t)quota;
	/* No more can be alive than were at the last look plus the tasks
	 * added since (ends only take away): while that bound is within the
	 * quota, /proc is not read again. Without it, a table holding many
	 * ends not taken yet -- a thread-churning program outrunning a
	 * loaded tracer -- was read whole at every new task, which slowed
	 * the tracer further until the wall quota (review-stop23 A8). */
	if (r->quota_looked && r->quota_alive + r->added_since <= cap) {
		if ((uint64_t)st->tasks_peak > cap)
			st->tasks_peak = (int)cap;
		return false;
	}
	uint64_t alive = live_tasks(r);
	r->quota_looked = true;
	r->quota_alive = alive;
	r->added_since = 0;
	/* Past the quota: the newest task never runs (its caller ends the
	 * run RF; it is stopped before its first instruction, and killed)
	 * -- only it: each task added was checked -- so the quota's worth
	 * of others were alive, and that is the peak (review-a8check K3:
	 * it said quota + 1; sandbox.h). */
	if (alive > cap) {
		st->tasks_peak = (int)cap;
		return true;
	}
	uint64_t peak = (uint64_t)st->tasks_peak;
	if (peak > cap)
		peak = cap;
	st->tasks_peak = (int)(alive > peak ? alive : peak);
	return false;
}

/* The task stopped at the creation event that made task tid, if any
 * (its event message names tid); only asked when the run ends for the
 * task quota. */
static struct sb_task *creator_of(struct run *r, pid_t tid)
{
	size_t pos = 0;
	unsigned long msg;
	struct sb_task *t;

	while ((t = sb_tasks_next(&r->tasks, &pos)))
		if (t->tid != tid && !t->held &&
		    ptrace(PTRACE_GETEVENTMSG, t->tid, NULL, &msg) == 0 &&
		    (pid_t)msg == tid)
			return t;
	return NULL;
}

/* The thread group and parent process of task tid, from
 * /proc/TID/status (a thread's tid has an entry too, unlisted; a task we
 * trace keeps it until we take its end). 0, or -1 when unreadable. */
static int proc_ids(pid_t tid, pid_t *tgid, pid_t *ppid)
{
	char path[64], buf[512];
	const char *g, *pp;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if (!(g = strstr(buf, "\nTgid:")) || !(pp = strstr(buf, "\nPPid:")))
		return -1;
	*tgid = (pid_t)strtol(g + 6, NULL, 10);
	*ppid = (pid_t)strtol(pp + 6, NULL, 10);
	return *tgid > 0 ? 0 : -1;
}

/* Is the new task tid a thread (CLONE_THREAD)? Decided from the task,
 * never from the kind of event: the kernel reports a clone with
 * CLONE_VFORK as a vfork and one asking for SIGCHLD as a fork, thread or
 * not. The creator's x86_64 clone flags say it with no /proc read; for
 * any other call, the new task's Tgid. */
static bool new_is_thread(pid_t creator, pid_t tid)
{
	struct user_regs_struct regs;
	pid_t tgid, ppid;

	if (ptrace(PTRACE_GETREGS, creator, NULL, &regs) == 0 &&
	    regs.cs == 0x33) {
		if (regs.orig_rax == SYS_clone)
			return (regs.rdi & CLONE_THREAD) != 0;
		if (regs.orig_rax == SYS_fork || regs.orig_rax == SYS_vfork)
			return false;
	}
	return proc_ids(tid, &tgid, &ppid) == 0 && tgid != tid;
}

/* The creation call as stat.syscall, for the task quota's RF. */
static void creation_call(struct run *r, const struct sb_task *t)
{
	struct user_regs_struct regs;
	sandbox_stat_t *st = &r->sb->stat;

	if (st->result != S_RESULT_PD)
		return;
	st->syscall_tid = t->tid;
	if (ptrace(PTRACE_GETREGS, t->tid, NULL, &regs) < 0)
		return;
	memset(&st->syscall, 0, sizeof(st->syscall));
	st->syscall.abi = regs.cs == 0x23 ? S_ABI_I386
	                : (regs.orig_rax & X32_BIT) ? S_ABI_X32 : S_ABI_X86_64;
	st->syscall.nr = (long)(regs.orig_rax & ~X32_BIT);
	uint64_t a[6] = { regs.rdi, regs.rsi, regs.rdx, regs.r10, regs.r8,
	                  regs.r9 };
	memcpy(st->syscall.args, a, sizeof(a));
	st->syscall.ip = regs.rip;
	st->has_syscall = true;
}

static int on_stop(struct run *r, struct sb_task *t, int status);

/* The first stop of a task attached at its creation: the attach's
 * SIGSTOP, or, a seized program's task, its PTRACE_EVENT_STOP. Anything
 * else before it is the stop of a task being killed (its
 * PTRACE_EVENT_EXIT): such a stop is never held. */
static bool is_first_stop(int status)
{
	unsigned event = (unsigned)status >> 16;

	return (WSTOPSIG(status) == SIGSTOP && event == 0) ||
	       event == PTRACE_EVENT_STOP;
}

/* The new task c is a thread of process tgid, or (tgid == c->tid) a
 * process made by process parent: say so in the table and the figures,
 * and hold a process by a pidfd (procs.c). */
static int enter_task(struct run *r, struct sb_task *c, pid_t tgid,
                      pid_t parent)
{
	sandbox_t *sb = r->sb;
	int rc;

	c->entered = true;
	c->tgid = tgid;
	if (tgid == r->pid && c->tid != r->pid)
		r->first_threads++;
	sb->stat.tasks_created++;
	if (tgid != c->tid) {
		const struct sb_task *p = task_of(r, tgid);
		c->self = p ? p->self : 0;
		return 0;
	}
	/* Without a PID namespace the program sees host pids (as the first
	 * process's self is set the same way when the run starts). */
	c->self = sb->iso ? sb_iso_self_pid(sb->iso, c->tid, r->pid) : c->tid;
	sb->stat.processes++;
	pthread_mutex_lock(&sb->mgr.lock);
	rc = sb_procs_add(&sb->procs, c->tid, parent);
	pthread_mutex_unlock(&sb->mgr.lock);
	return rc == -ESRCH ? 0 : rc;
}

/* Task t made a task (its PTRACE_EVENT_CLONE, FORK or VFORK stop). The
 * new one is stopped before its first instruction: counted against the
 * task quota, entered in the table (a process also in sb->procs), and,
 * if its own first stop came first, released. From here on the loop
 * waits for every task of ours, whatever fails below. */
static int on_new_task(struct run *r, struct sb_task *t)
{
	unsigned long msg;
	int rc;

	r->many = true;
	if (ptrace(PTRACE_GETEVENTMSG, t->tid, NULL, &msg) < 0)
		return gone_or_error(errno);
	pid_t tid = (pid_t)msg;
	struct sb_task *c = task_of(r, tid);
	if (c)
		c->early = false;
	if (c && c->entered) /* entered at its own first stop already */
		return resume(r, t->tid, false, 0);
	/* Entered at its own first stop, ended and reaped before this event:
	 * an entry made now would stay for good (review-stop23 A8: a
	 * thread-churning program left thousands, and tasks_created counted
	 * such a task twice). */
	if (!c && early_gone(r, tid))
		return resume(r, t->tid, false, 0);
	bool thread = new_is_thread(t->tid, tid);
	if (!c) {
		if (!(c = sb_tasks_add(&r->tasks, tid, 0)))
			return -ENOMEM;
		c->fresh = true;
		/* Both alive: t at its event stop, c not yet run. */
		count_task(r, +1, (const pid_t[2]){ t->tid, tid });
	}
	if ((rc = enter_task(r, c, thread ? t->tgid : tid, t->tgid)) < 0)
		return rc;
	if (over_task_quota(r)) {
		/* One too many: it never runs (stopped, and killed). */
		creation_call(r, t);
		end_with(r, t, S_RESULT_RF, S_QUOTA_TASKS);
		return 0;
	}
	if ((rc = resume(r, t->tid, false, 0)) < 0)
		return rc;
	if (c->held) { /* its first stop is waiting: take it now */
		c->held = false;
		return on_stop(r, c, c->held_status);
	}
	return 0;
}

/* The first stop of task t came before its creator's event: whose is it?
 * /proc says (Tgid, PPid): a thread of a live process of ours, or a
 * process whose parent is one. Then it is entered now and runs, and the
 * creator's event, if it ever comes, finds it entered: a creator killed
 * between making it and its event stop (another thread's execve, a group
 * exit) takes no event stop, and the task once stayed held, stopped, for
 * good. 1 entered, 0 not ours to say (held until its creator's event),
 * or -errno. */
static int enter_from_proc(struct run *r, struct sb_task *t)
{
	const struct sb_proc *p;
	pid_t tgid, ppid;
	int rc;

	if (proc_ids(t->tid, &tgid, &ppid) < 0)
		return 0;
	p = sb_procs_find(&r->sb->procs, tgid != t->tid ? tgid : ppid);
	if (!p || !p->live)
		return 0;
	if ((rc = enter_task(r, t, tgid, ppid)) < 0)
		return rc;
	return 1;
}

/* A stop of a tid we do not know: a new task whose creator's event has
 * not been taken yet, or a task left by an earlier run of this thread
 * whose creator was killed before its event. A new task of ours is
 * entered from /proc and goes on; one that cannot be placed is kept
 * stopped until its creator's event (killed at the end of the run). */
static int on_unknown_stop(struct run *r, pid_t tid, int status)
{
	struct sb_task *t;
	int rc;

	if (r->killed) {
		kill(tid, SIGKILL);
		return resume(r, tid, false, 0); /* to its end */
	}
	if (!(t = sb_tasks_add(&r->tasks, tid, 0)))
		return -ENOMEM;
	t->fresh = true;
	t->early = true;
	/* Alive at its first stop (one killed before it is read). */
	count_task(r, +1, (const pid_t[2]){ is_first_stop(status) ? tid : 0, 0 });
	if (!is_first_stop(status)) /* killed before its first stop */
		return resume(r, tid, false, 0);
	if ((rc = enter_from_proc(r, t)) < 0)
		return rc;
	if (rc == 0) {
		t->held = true;
		t->held_status = status;
	}
	if (r->exec_done && over_task_quota(r)) {
		/* One too many, before its creator's event: the creator's
		 * call is the one named (the new task's registers hold a
		 * copy of it, should the creator not be found). It stays
		 * stopped, and is killed. */
		struct sb_task *c = creator_of(r, tid);
		creation_call(r, c ? c : t);
		end_with(r, c ? c : t, S_RESULT_RF, S_QUOTA_TASKS);
		return 0;
	}
	return t->held ? 0 : on_stop(r, t, status);
}

/* Every other thread of t's process: an execve returns only once the
 * kernel has ended them all (de_thread), and none stops again -- their
 * ends, if still to be reported, are of tids we no longer know. One
 * pass: listed first (the table moves when an entry is removed). */
static void forget_other_threads(struct run *r, const struct sb_task *t)
{
	size_t pos = 0, n = 0;
	struct sb_task *o;
	pid_t *gone;

	if (r->tasks.n < 2 ||
	    !(gone = malloc(r->tasks.n * sizeof(*gone))))
		return; /* no others; or left to their end reports */
	while ((o = sb_tasks_next(&r->tasks, &pos)))
		if (o->tgid == t->tgid && o->tid != t->tid)
			gone[n++] = o->tid;
	for (size_t i = 0; i < n; i++)
		if ((o = task_of(r, gone[i])))
			forget_task(r, o);
	free(gone);
}

/* execve succeeded in task t. Only the first is the program's start. A
 * thread that is not its process's main thread takes the main thread's
 * tid (the kernel's de_thread): its former tid is in the event message,
 * its state moves to the main thread's entry, which t already is. Our
 * child's own execve, the run's only task (our code makes no thread),
 * was the main thread's: nothing to ask. */
static void on_exec(struct run *r, struct sb_task *t)
{
	unsigned long former = (unsigned long)t->tid;

	if ((r->exec_done || r->tasks.n > 1) &&
	    ptrace(PTRACE_GETEVENTMSG, t->tid, NULL, &former) == 0 &&
	    (pid_t)former != t->tid) {
		struct sb_task *f = task_of(r, (pid_t)former);
		if (f) {
			t->cur = f->cur;
			t->want_sysret = f->want_sysret;
			t->watch_mem = f->watch_mem;
			t->deny_errno = f->deny_errno;
			t->syscalls += f->syscalls;
			f->syscalls = 0;
			forget_task(r, f);
		}
		/* It was a thread: it is the main thread now. */
		(void)ptrace(PTRACE_SETOPTIONS, t->tid, NULL,
		             (void *)(long)SB_LEADER_OPTIONS);
	}
	forget_other_threads(r, t);
	t->fresh = false;
	if (r->exec_done)
		return; /* a later execve the policy allowed */
	r->exec_done = true;
	sb_spawn_released(r->sb); /* our memory is ours alone again */
	clock_gettime(CLOCK_MONOTONIC, &r->t_exec);
	close(r->errfd);
	r->errfd = -1;
	sb_manager_exec(r->sb, &r->t_exec);
}

static int on_ptrace_event(struct run *r, struct sb_task *t, int event)
{
	switch (event) {
	case PTRACE_EVENT_SECCOMP:
		return on_syscall_stop(r, t);
	case PTRACE_EVENT_CLONE:
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
		r->sb->stat.stops++;
		return on_new_task(r, t);
	case PTRACE_EVENT_EXEC:
		SB_PROBE(r->exec_done ? NULL : r->sb->spawn_go, SB_PROBE_EXEC);
		on_exec(r, t);
		if (sb_manager_interrupted(r->sb)) {
			r->killed = true;
			return 0;
		}
		SB_PROBE(r->sb->spawn_go, SB_PROBE_EXEC_DONE);
		break;
	case PTRACE_EVENT_EXIT:
		if (t->tid != t->tgid || !r->exec_done)
			break;
		if (t->tid == r->pid && sb_proc_read_exit(r->pid, &r->px) == 0)
			r->have_px = true;
		r->leader_left = r->leader_left || t->tid == r->pid;
		/* The first process's figures were just read: not twice. */
		pthread_mutex_lock(&r->sb->mgr.lock);
		sb_procs_exit_stop(&r->sb->procs, t->tid,
		                   t->tid == r->pid && r->have_px ? &r->px : NULL);
		pthread_mutex_unlock(&r->sb->mgr.lock);
		break;
	default:
		break;
	}
	return resume(r, t->tid, false, 0);
}

static int on_stop(struct run *r, struct sb_task *t, int status)
{
	int sig = WSTOPSIG(status);
	int event = (unsigned)status >> 16;

	/* Every stop looks at the box's writable space (isolation/box.c):
	 * its peak, not its end, judges the program's files. In classic mode
	 * every syscall stops; in fast mode, where the space is judged by a
	 * quota, every call that can free it does (sb_space_syscall), and
	 * each process's exit (before its files close). */
	if (r->sb->iso)
		sb_iso_space_sample(r->sb->iso);
	if (r->killed) { /* only the end matters now */
		if (t->held)
			kill(t->tid, SIGKILL);
		t->held = false;
		return resume(r, t->tid, false, 0);
	}
	if (t->held) {
		/* Its creator's event is still to come. A second stop of a
		 * held task is its exit stop (killed before its first
		 * instruction: a group exit, another thread's execve, the
		 * manager's kill): it must go on to its end, or the group's
		 * end and the execve wait for it forever. */
		if (!is_first_stop(status))
			t->held = false;
		else
			return 0;
		return resume(r, t->tid, false, 0);
	}
	if (event == PTRACE_EVENT_STOP)
		return on_event_stop(r, t);
	if (sig == (SIGTRAP | 0x80))
		return on_syscall_stop(r, t);
	if (sig == SIGTRAP && event)
		return on_ptrace_event(r, t, event);
	return on_signal(r, t, sig);
}

/* ------------------------------------------------------------ the end */

/* The record of the set-up step that failed, if the child wrote one:
 * true with *rc = -errno of the step, *step the step. */
static bool read_setup_error(sandbox_t *sb, int errfd, int *rc, int *step)
{
	struct sb_child_error e;
	ssize_t n;

	do
		n = read(errfd, &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(e))
		return false;
	sb->failed_step = sb_step_name(e.step);
	*rc = -e.err;
	*step = e.step;
	return true;
}

static void fill_usage(sandbox_t *sb, const struct rusage *ru)
{
	sandbox_stat_t *st = &sb->stat;
	st->user_time_us = sb_tv_us(&ru->ru_utime);
	st->sys_time_us = sb_tv_us(&ru->ru_stime);
	st->cpu_time_us = st->user_time_us + st->sys_time_us;
	st->minor_faults = ru->ru_minflt;
	st->major_faults = ru->ru_majflt;
	st->csw_voluntary = ru->ru_nvcsw;
	st->csw_forced = ru->ru_nivcsw;
}

/* A run of several processes: CPU is the sum of each one's own (procs.c),
 * and the peaks are the largest of each process's and of the sums the
 * manager sampled. The first one's rusage also counts the children it
 * waited for, so it is not used. */
static void fill_processes(sandbox_t *sb)
{
	sandbox_stat_t *st = &sb->stat;
	const struct sb_procs *ps = &sb->procs;
	int64_t cpu = 0, user = 0, sys = 0;

	for (size_t i = 0; i < ps->n; i++) {
		const struct sb_proc *p = &ps->v[i];
		if (p->cpu_ns > 0)
			cpu += p->cpu_ns;
		if (p->user_us > 0)
			user += p->user_us;
		if (p->sys_us > 0)
			sys += p->sys_us;
		if (p->vm_peak > st->vm_peak)
			st->vm_peak = p->vm_peak;
		if (p->rss_peak > st->rss_peak)
			st->rss_peak = p->rss_peak;
	}
	st->cpu_time_us = cpu / 1000;
	st->user_time_us = user;
	st->sys_time_us = sys;
	if (ps->sample_vm > st->vm_peak)
		st->vm_peak = ps->sample_vm;
	if (ps->sample_rss > st->rss_peak)
		st->rss_peak = ps->sample_rss;
}

/* RSS mode's figure: resident memory plus page tables (sampled, and at
 * the exit stop), never below the resident high-water mark. */
static int64_t rss_mode_peak(sandbox_t *sb, const struct sb_proc_exit *px)
{
	int64_t peak = sb->stat.rss_peak;
	int64_t sampled = atomic_load(&sb->mem_judged_peak);
	if (sampled > peak)
		peak = sampled;
	if (px && px->rss >= 0) {
		int64_t at_exit = px->rss + (px->pte > 0 ? px->pte : 0);
		if (at_exit > peak)
			peak = at_exit;
	}
	return peak;
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
	if (sb->procs.n > 1)
		fill_processes(sb);
	st->memory_peak = sb->memory_mode == S_MEMORY_RSS ? rss_mode_peak(sb, px)
	                                                  : st->vm_peak;
	/* A refused request counts: it is what the program needed. */
	if (sb->refused_peak > st->memory_peak)
		st->memory_peak = sb->refused_peak;
}

/* execve returned E2BIG: the argument and environment strings did not fit
 * in the memory quota (exec_image.c)? Then that is the verdict. */
static bool args_over_quota(struct run *r, int err, int step)
{
	sandbox_t *sb = r->sb;
	uint64_t quota = sb->quota[S_QUOTA_MEMORY];
	struct sb_exec_need need;

	if (err != -E2BIG || step != SB_STEP_EXECVE ||
	    sb->memory_mode != S_MEMORY_VSIZE || quota == SANDBOX_UNLIMITED ||
	    !sb_exec_args_refused(sb->exec_args_bytes, quota, &need))
		return false;
	sb_verdict_memory_refused(sb, S_MEMREQ_EXEC, need.refused, need.peak,
	                          NULL);
	sb->failed_step = NULL;
	return true;
}

/* The child is gone without an exec event. Its set-up failed (the errno
 * of the step: no verdict); or its execve failed after the point of no
 * return (a verdict on the program: ML when the image was over the
 * quota, else RT SIGSEGV -- the kernel's signal, which our SIGKILL only
 * hurried; *wstatus says so); or an interruption ended it (IE); or it
 * missed the wall-clock bound of the set-up (-ETIMEDOUT); or a signal no
 * step reported ended it (-EINTR). */
static int end_before_exec(struct run *r, const struct rusage *ru,
                           int *wstatus)
{
	sandbox_t *sb = r->sb;
	int reason = atomic_load(&sb->kill_reason);
	int rc, step;

	if (read_setup_error(sb, r->errfd, &rc, &step) &&
	    !args_over_quota(r, rc, step))
		return rc;
	if (r->exec_failed || reason == SB_KILL_INTERRUPT ||
	    sb->stat.result == S_RESULT_ML) {
		/* Before exec the program never ran: nothing of its own
		 * ended it. */
		sb->interrupt_ended = reason == SB_KILL_INTERRUPT;
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		sb->stat.wall_time_us = r->exec_failed
		                        ? sb_ts_diff_us(&now, &r->t_exec) : 0;
		if (r->exec_failed)
			*wstatus = W_EXITCODE(0, SIGSEGV);
		fill_usage(sb, ru);
		fill_memory(r);
		return sb_verdict(sb, *wstatus, &r->px, r->have_px);
	}
	sb->failed_step = sb_step_name(SB_STEP_EXECVE);
	if (reason == SB_KILL_SETUP)
		return -ETIMEDOUT;
	if (!WIFSIGNALED(*wstatus))
		return -ECHILD;
	/* The figures, in case the run's cgroup says who killed it (run.c). */
	sb->setup_killed = true;
	sb->stat.wall_time_us = 0;
	fill_usage(sb, ru);
	fill_memory(r);
	return -EINTR;
}

/* The program is gone (its first process ended at *end): figures, then
 * the verdict. *wstatus: how it ended. */
static int on_end(struct run *r, const struct rusage *ru, int *wstatus,
                  const struct timespec *end)
{
	sandbox_t *sb = r->sb;

	if (r->exec_done) /* before draining the output: the program is gone */
		sb->stat.supervisor_cpu_us = sb_supervisor_cpu_ns(sb) / 1000;
	sb_manager_end_run(sb);
	sb_capture_finish(sb);
	sb->stream_bytes = sb_capture_total(sb) + sb_streams_written(sb);
	if (!r->exec_done)
		return end_before_exec(r, ru, wstatus);
	sb->stat.wall_time_us = sb_ts_diff_us(end, &r->t_exec);
	fill_usage(sb, ru);
	fill_memory(r);
	return sb_verdict(sb, *wstatus, &r->px, r->have_px);
}

static void reap_status(pid_t pid, int *status, struct rusage *ru)
{
	kill(pid, SIGKILL);
	while (wait4(pid, status, __WALL, ru) < 0 && errno == EINTR)
		;
}

static void reap(pid_t pid)
{
	struct rusage ru;
	int status;
	reap_status(pid, &status, &ru);
}

/* The end of task w was reported (not the first process: the run's end). */
static void on_task_end(struct run *r, pid_t w, const struct rusage *ru)
{
	struct sb_task *t = task_of(r, w);

	if (!t)
		return; /* not ours (a child the host forked from this thread) */
	/* The first process goes on after its main thread's exit stop (it
	 * called pthread_exit): what its threads wrote since is read through
	 * the zombie main thread when the last of them ends -- then it is
	 * all (once, not at every thread's end: a Java or Go program's
	 * threads all end after the main thread's exit stop). */
	if (r->leader_left && r->have_px && t->tgid == r->pid &&
	    t->tid != r->pid && t->entered && r->first_threads == 1) {
		int64_t wrote = sb_proc_wchar(r->pid);
		if (wrote > r->px.wchar)
			r->px.wchar = wrote;
	}
	if (t->tgid == t->tid || r->sb->procs.n > 1) {
		/* A process's end; or a thread's, in a run of several
		 * processes, whose figures are their clocks (procs.c). */
		pthread_mutex_lock(&r->sb->mgr.lock);
		if (t->tgid == t->tid)
			sb_procs_gone(&r->sb->procs, w, ru);
		else
			sb_procs_thread_gone(&r->sb->procs, t->tgid);
		pthread_mutex_unlock(&r->sb->mgr.lock);
	}
	forget_task(r, t);
}

/* A task stopped while everything is being killed (its first stop, its
 * exit stop -- the kernel stops a killed task there too -- or any other):
 * killed, and let go on to its end. */
static void stop_to_end(pid_t tid)
{
	kill(tid, SIGKILL);
	(void)ptrace(PTRACE_CONT, tid, NULL, NULL);
}

/* Entries whose task no longer exists at all (not even as a zombie we
 * have to reap): nothing will report them, so they are forgotten here
 * rather than waited for. One pass: the vanished are listed first (the
 * table moves when an entry is removed), then forgotten. */
static void forget_vanished(struct run *r)
{
	pid_t *gone = malloc(r->tasks.n * sizeof(*gone) + 1);
	size_t pos = 0, n = 0;
	struct sb_task *t;

	if (!gone)
		return; /* tried again at the next idle wait */
	while ((t = sb_tasks_next(&r->tasks, &pos))) {
		long rc = t->tgid > 0 ? syscall(SYS_tgkill, t->tgid, t->tid, 0)
		                      : kill(t->tid, 0);
		if (rc < 0 && errno == ESRCH)
			gone[n++] = t->tid;
	}
	for (size_t i = 0; i < n; i++)
		if ((t = task_of(r, gone[i])))
			forget_task(r, t);
	free(gone);
}

/* Our tracees the table does not know: every process of the host whose
 * TracerPid is this thread (/proc: a few milliseconds, only at the end of
 * a run that made processes). Each is killed and waited for. */
static void end_strays(struct run *r)
{
	char path[64], buf[1024];
	pid_t self = (pid_t)syscall(SYS_gettid);
	struct dirent *e;
	int status;
	DIR *d;

	(void)r;
	if (!(d = opendir("/proc")))
		return;
	while ((e = readdir(d))) {
		pid_t pid = (pid_t)strtol(e->d_name, NULL, 10);
		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		const char *t = strstr(buf, "\nTracerPid:");
		if (!t || (pid_t)strtol(t + 11, NULL, 10) != self)
			continue;
		stop_to_end(pid);
		while (wait4(pid, &status, __WALL, NULL) == pid &&
		       WIFSTOPPED(status))
			stop_to_end(pid);
	}
	closedir(d);
}

/* The first process is gone: no task may outlive it. Kill every process
 * left and take every end, so nothing stays behind as our tracee. A task
 * the kernel made just as its creator was killed, whose first stop has
 * not come yet, is never lost either: it can run no instruction before
 * that stop, and a later wait of this thread (or the supervisor's exit,
 * PTRACE_O_EXITKILL) kills it. */
static void end_every_task(struct run *r)
{
	struct rusage ru;
	int status;
	pid_t w;

	if (r->tasks.n == 0)
		goto strays;
	r->killed = false; /* kill what is left, even after an earlier kill */
	kill_program(r);
	while (r->tasks.n > 0) {
		/* Ends already reported first; the table is checked for
		 * vanished tasks only when none is (a check costs a signal
		 * per task: once per wait, a fork bomb's thousands of tasks
		 * took minutes to end). */
		w = wait4(-1, &status, __WALL | __WNOTHREAD | WNOHANG, &ru);
		if (w == 0) {
			forget_vanished(r);
			if (r->tasks.n == 0)
				break;
			w = wait4(-1, &status, __WALL | __WNOTHREAD, &ru);
		}
		if (w < 0) {
			if (errno == EINTR)
				continue;
			break; /* ECHILD: none left */
		}
		if (WIFEXITED(status) || WIFSIGNALED(status))
			on_task_end(r, w, &ru);
		else
			stop_to_end(w);
	}
	/* Processes whose creator was killed between making them and its
	 * event: attached to us, stopped (or about to stop) before their
	 * first instruction, never reported. Only a run that made processes
	 * can have them. */
strays:
	if (r->sb->procs.n > 1)
		end_strays(r);
}

/* The event loop. Returns 0 with a verdict (*wstatus: how the program
 * ended), or -errno. Under a policy that lets the program create tasks it
 * waits for any task of this thread (__WNOTHREAD: never a task of another
 * sandbox's tracer thread); under others for the first one, until a task
 * appears anyway. */
static int trace_loop(struct run *r, int *wstatus)
{
	struct rusage ru;
	int status, rc = 0;

	for (;;) {
		pid_t w = wait4(r->many ? -1 : r->pid, &status,
		                __WALL | __WNOTHREAD, &ru);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			break;
		}
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			if (w != r->pid) {
				on_task_end(r, w, &ru);
				continue;
			}
			struct timespec end;
			clock_gettime(CLOCK_MONOTONIC, &end);
			*wstatus = status;
			struct sb_task *t = task_of(r, w);
			if (t)
				forget_task(r, t);
			pthread_mutex_lock(&r->sb->mgr.lock);
			sb_procs_gone(&r->sb->procs, w, &ru);
			pthread_mutex_unlock(&r->sb->mgr.lock);
			end_every_task(r);
			return on_end(r, &ru, wstatus, &end);
		}
		if (!WIFSTOPPED(status))
			continue;
		/* The manager killed the program: the processes held by their
		 * pid alone are the tracer's to kill (procs.c). */
		if (r->sb->procs.unheld && !r->killed &&
		    atomic_load(&r->sb->kill_reason) != SB_KILL_NONE)
			kill_program(r);
		struct sb_task *t = task_of(r, w);
		rc = t ? on_stop(r, t, status) : on_unknown_stop(r, w, status);
		if (rc < 0) {
			/* Could not drive the program: end it as IE. */
			sb_verdict_internal(r->sb);
			sb_observe_error(r->sb, r->pid, -rc);
			kill_program(r);
		}
	}
	/* wait4 failed (should not happen): make sure nothing is left. */
	end_every_task(r);
	reap(r->pid);
	sb_manager_end_run(r->sb);
	return rc;
}

/* The supervisor's work before the program's exec, with the child held
 * (stopped, or waiting at its handshake): join the run's cgroup
 * (isolation.c), resolve the file rules in the program's own root
 * (confine.c). 0: go on; 1: the run is over (interrupted: the manager
 * killed the child); -errno with the failed step set. */
static int first_stop_work(struct run *r)
{
	int step = SB_STEP_UNKNOWN, rc;

	if (r->sb->iso && (rc = sb_iso_first_stop(r->sb->iso, r->pid, &step)) < 0) {
		r->sb->failed_step = sb_step_name(step);
		if (sb_iso_failed_message(r->sb->iso))
			snprintf(r->sb->failed_msg, sizeof(r->sb->failed_msg), "%s",
			         sb_iso_failed_message(r->sb->iso));
		return rc;
	}
	if ((rc = sb_confine_first_stop(r->sb, r->pid)) < 0) {
		r->sb->failed_step = sb_step_name(SB_STEP_LANDLOCK);
		return rc;
	}
	if (sb_manager_interrupted(r->sb)) {
		r->killed = true;
		return 1;
	}
	return 0;
}

/* The set-up could not go on (rc, its step set): killed meanwhile (an
 * interruption, the set-up's bound), the end of the run says what
 * happened, not the ptrace call that found it gone. Returns as
 * first_stop(). */
static int first_stop_failed(struct run *r, int rc, int *wstatus)
{
	struct timespec end;
	struct rusage ru;
	int status;

	if (atomic_load(&r->sb->kill_reason) != SB_KILL_NONE) {
		reap_status(r->pid, &status, &ru);
		*wstatus = status;
		clock_gettime(CLOCK_MONOTONIC, &end);
		rc = on_end(r, &ru, wstatus, &end);
		return rc < 0 ? rc : 1;
	}
	reap(r->pid);
	return rc;
}

/* A child of sb_spawn(), seized there and waiting at its handshake
 * (child.c, meet_tracer), for the work before its exec: when the file
 * rules must be resolved in its own root, which it enters on its way to
 * the handshake, it stops there for it (SB_GO_STOP); the isolation
 * layer's work in a run without namespaces or cgroups
 * (sb_iso_spawn_shared) needs nothing of the child but that it has not
 * exec'd yet: done now, then it goes on. -1: wait for its stop; else as
 * first_stop(). */
static int answer_seized(struct run *r, int *wstatus)
{
	int rc;

	if (sb_confine_needs_stop(r->sb)) {
		sb_spawn_go(r->sb, SB_GO_STOP);
		return -1;
	}
	rc = first_stop_work(r);
	if (rc < 0)
		return first_stop_failed(r, rc, wstatus);
	if (rc == 0)
		sb_spawn_go(r->sb, SB_GO_RUN);
	return 0; /* or interrupted: the manager's SIGKILL ends it */
}

/* Is this stop the child's own, at its checkpoint (child.c, stop_self:
 * kill(getpid(), SIGSTOP))? Only a signal-delivery-stop of SIGSTOP sent
 * by kill() (SI_USER) whose sender is the child itself: si_pid is its
 * pid in its own PID namespace, `self`. Nobody else can make one: the
 * kernel fills si_code and si_pid of a kill(), and a signal another
 * process queues with its own siginfo (rt_sigqueueinfo) must have a
 * negative si_code; a process outside the child's namespace is 0 there.
 * A signal sent to the child before it got there (blocked until its
 * reset_signals, then delivered), or a SIGSTOP of somebody else's, is not
 * it: the child may not even be in its own root yet. docs/SECURITY.md. */
static bool is_own_stop(pid_t pid, pid_t self, int status)
{
	siginfo_t info;

	return ((unsigned)status >> 16) == 0 && WSTOPSIG(status) == SIGSTOP &&
	       ptrace(PTRACE_GETSIGINFO, pid, NULL, &info) == 0 &&
	       info.si_code == SI_USER && info.si_pid == self;
}

/* A stop of the child before its own: what on_setup_signal does with a
 * signal before the exec -- a signal that does nothing by default or a
 * stop signal is dropped, any other ends the set-up (the child is killed:
 * the next wait sees its end) --, and a group-stop (a seized child's
 * PTRACE_EVENT_STOP; one that asked to be traced has no siginfo there) is
 * let go on. Plain PTRACE_CONT: the child takes no syscall stop before
 * its checkpoint (and one that asked to be traced has no options yet). */
static int before_own_stop(struct run *r, int status)
{
	int sig = WSTOPSIG(status);
	siginfo_t info;

	r->sb->stat.stops++;
	if (((unsigned)status >> 16) == 0 &&
	    ptrace(PTRACE_GETSIGINFO, r->pid, NULL, &info) == 0 &&
	    !is_ignored_signal(sig) && !is_stop_signal(sig)) {
		kill_program(r);
		return 0;
	}
	if (ptrace(PTRACE_CONT, r->pid, NULL, NULL) < 0 && errno != ESRCH)
		return -errno;
	return 0;
}

/* 0: the child is traced and running, or stopped with r->killed; 1: it
 * is gone with a verdict (*wstatus); or -errno, the child reaped.
 * `attach`: how it met us (SB_ATTACH_*, core.h); `self`: its pid in its
 * own PID namespace. */
static int first_stop(struct run *r, int attach, pid_t self, int *wstatus)
{
	bool seized = attach == SB_ATTACH_SEIZED;
	struct timespec end;
	struct rusage ru;
	int status, rc;
	pid_t w;

	if (attach == SB_ATTACH_RUNNING)
		return 0; /* nothing to do before its exec (spawn.c) */
	if (seized && (rc = answer_seized(r, wstatus)) >= 0)
		return rc;
	for (;;) {
		do
			w = wait4(r->pid, &status, __WALL, &ru);
		while (w < 0 && errno == EINTR);
		if (w < 0)
			return -errno;
		if (!WIFSTOPPED(status)) { /* set-up failed or killed first */
			*wstatus = status;
			clock_gettime(CLOCK_MONOTONIC, &end);
			rc = on_end(r, &ru, wstatus, &end);
			return rc < 0 ? rc : 1;
		}
		if (is_own_stop(r->pid, self, status))
			break;
		if ((rc = before_own_stop(r, status)) < 0)
			return first_stop_failed(r, rc, wstatus);
	}
	if (!seized && ptrace(PTRACE_SETOPTIONS, r->pid, NULL,
	                      (void *)(long)SB_LEADER_OPTIONS) < 0)
		return first_stop_failed(r, -errno, wstatus);
	if ((rc = first_stop_work(r)) < 0)
		return first_stop_failed(r, rc, wstatus);
	if (rc > 0)
		return 0; /* the SIGSTOP the child raised stays: it is killed */
	/* A child of sb_spawn stops until told the work is done (child.c,
	 * stop_until_done). */
	if (attach != SB_ATTACH_NONE)
		sb_spawn_go(r->sb, SB_GO_DONE);
	/* Suppress the SIGSTOP the child raised. */
	return resume(r, r->pid, false, 0);
}

int sb_trace(sandbox_t *sb, pid_t pid, int pidfd, int *errfd, int *wstatus)
{
	struct run r = {
		.sb = sb, .pid = pid, .pidfd = pidfd, .errfd = *errfd,
		.classic = sb->mode == S_MODE_CLASSIC,
		.watch_memory = sb->memory_mode == S_MEMORY_VSIZE &&
		                sb->quota[S_QUOTA_MEMORY] != SANDBOX_UNLIMITED,
		/* A policy that lets the program create tasks: any of ours
		 * from the start. A creator killed inside clone takes no
		 * event stop, so its new task may never be announced; a wait
		 * for the first process alone then never ends (its zombie is
		 * not reported while that task, in its exit stop, waits to
		 * be resumed). */
		.many = (sb->compiled.tasks &
		         (SB_TASKS_THREADS | SB_TASKS_PROCESSES)) != 0,
	};
	struct sb_task *main;
	int attach = sb->spawn_attach; /* this child's (spawn.c) */
	int rc;

	sb->spawn_attach = SB_ATTACH_NONE;
	sb_tasks_init(&r.tasks);
	atomic_store(&sb->ntasks, 0);
	sb->stat.tasks_peak = sb->stat.tasks_created = 0;
	sb->stat.processes = 1;
	pthread_mutex_lock(&sb->mgr.lock);
	rc = sb_procs_begin(&sb->procs, pid, pidfd);
	pthread_mutex_unlock(&sb->mgr.lock);
	if (rc < 0 || !(main = sb_tasks_add(&r.tasks, pid, pid))) {
		reap(pid);
		return rc < 0 ? rc : -ENOMEM;
	}
	main->self = sb->iso ? sb_iso_self_pid(sb->iso, pid, pid) : pid;
	count_task(&r, +1, (const pid_t[2]){ pid, 0 }); /* just made */
	/* Interrupts and the wall-clock bound hold from fork on. */
	struct timespec t_fork;
	clock_gettime(CLOCK_MONOTONIC, &t_fork);
	sb_manager_begin_run(sb, pid, pidfd, &t_fork);
	rc = first_stop(&r, attach, main->self, wstatus); /* unless 0, the child is reaped */
	if (rc == 0)
		rc = trace_loop(&r, wstatus);
	else if (rc == 1)
		rc = 0;
	sb_manager_end_run(sb);
	/* Tasks never reported (a run that ended on an error): the profile
	 * still counts their syscalls. */
	size_t pos = 0;
	for (struct sb_task *t; (t = sb_tasks_next(&r.tasks, &pos));)
		if (sb_diag_profiling(sb->diag))
			sb_diag_task_end(sb->diag, t->tid, t->tgid, t->syscalls);
	sb_tasks_free(&r.tasks);
	free(r.early_gone);
	pthread_mutex_lock(&sb->mgr.lock);
	sb_procs_end(&sb->procs);
	pthread_mutex_unlock(&sb->mgr.lock);
	*errfd = r.errfd; /* closed at exec */
	return rc;
}
