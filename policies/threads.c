/*
 * "threads": the online-judge policy ("default") for compiled programs
 * that create threads: C++ std::thread, C11 threads, pthreads, OpenMP.
 * Nothing else: no processes, no exec, no sockets.
 *
 * What it allows, and why
 *   - everything "default" allows, except writing files (below);
 *   - clone(2) creating a thread: CLONE_THREAD, CLONE_VM and CLONE_SIGHAND
 *     all set (what pthread_create asks for), and none of what a thread
 *     never needs (an exit signal, CLONE_VFORK, CLONE_PARENT, a new
 *     namespace), decided in the kernel with no stop. Every thread is traced from its first instruction and
 *     judged by this same policy: the tracer follows it whatever the
 *     policy says, clone with CLONE_UNTRACED is RF, and clone3, whose
 *     flags a filter cannot read, fails with ENOSYS (glibc then uses
 *     clone);
 *   - membarrier (some runtimes' thread fences) on top of what "default"
 *     already has for threads: futex, sched_yield, sched_getaffinity
 *     (std::thread::hardware_concurrency), set_robust_list, rseq, madvise
 *     (glibc hands a dead thread's stack back with MADV_DONTNEED), and
 *     tgkill of its own threads (pthread_kill).
 *
 * What it refuses
 *   - RF: clone without CLONE_THREAD (a new process), a thread with an
 *     exit signal, CLONE_VFORK, CLONE_PARENT or a namespace flag, fork,
 *     vfork, execve, and everything "default" refuses;
 *   - ENOSYS: clone3;
 *   - EACCES: opening a file for writing (sb_policy_read_only_opens()).
 *     "default" checks a write open's path in the program's memory while
 *     the caller is stopped; another thread could change it between that
 *     check and the kernel's own read, so a threaded program gets no such
 *     check: the kernel refuses every write open. Judges read stdin and
 *     write stdout; programs with threads keep doing that. Kept now that
 *     the file rules are the kernel's (Landlock or the mount view), for
 *     two reasons: those enforce "write only beneath the working
 *     directory", not "write no file", the promise of the policies with
 *     threads (java, go, node); and a caller that asked for best effort
 *     on a kernel with neither gets no file rules at all, where this
 *     seccomp rule still holds in both modes.
 *
 * Memory: judged on the resident set (RSS). A threaded program's virtual
 * size says little about its use: glibc reserves 64 MiB of address space
 * for the malloc arena of each new thread (up to eight per CPU), so a
 * two-thread sum that uses 3 MiB has a virtual size of 200 MiB. Under a
 * memory quota the stack rlimit is unlimited unless asked, so glibc gives
 * each thread a 2 MiB stack (docs/VERDICTS.md), never one as large as the
 * quota. sandbox_set_memory_mode(S_MEMORY_VSIZE) still judges the
 * virtual size, where an arena the quota refuses is no ML (the program
 * goes on with a shared arena).
 */
#include "config.h"
#include "builtin.h"

#include <sched.h>

int sb_policy_thread_clone(sandbox_policy_t *p)
{
	const unsigned long thread = CLONE_THREAD | CLONE_VM | CLONE_SIGHAND;
	/* What no thread needs, and what makes a thread look like something
	 * else to the tracer and the kernel's own bookkeeping: an exit
	 * signal (CSIGNAL: the kernel ignores it for a thread but reports
	 * the clone as a fork), the creator waiting as for vfork, the
	 * creator's parent as parent, new namespaces. pthread_create (glibc),
	 * Go's runtime, the JVM and Node ask for none of them. */
	const unsigned long never = CSIGNAL | CLONE_VFORK | CLONE_PARENT |
	                            CLONE_NEWNS | CLONE_NEWCGROUP |
	                            CLONE_NEWUTS | CLONE_NEWIPC |
	                            CLONE_NEWUSER | CLONE_NEWPID |
	                            CLONE_NEWNET;

	/* clone keeps its base (RF) unless it makes a plain thread. */
	return sb_policy_cond1(p, "clone", S_DISP_ALLOW, 0, 0, S_CMP_MASKED_EQ,
	                       thread | never, thread);
}

int sb_policy_threads(sandbox_policy_t *p)
{
	static const char *const allowed[] = { "membarrier", NULL };
	int rc;

	if ((rc = sb_policy_default(p)) < 0 ||
	    (rc = sb_policy_allow_names(p, allowed, NULL)) < 0 ||
	    (rc = sb_policy_read_only_opens(p)) < 0 ||
	    (rc = sb_policy_thread_clone(p)) < 0)
		return rc;
	return sandbox_policy_set_memory_mode(p, S_MEMORY_RSS);
}
