/*
 * "compute": "minimal" plus memory management, clocks and futex: a
 * number-crunching program that maps memory but touches no file, socket
 * or process.
 *
 * What it allows beyond "minimal", and why
 *   - mmap, munmap, mremap, madvise, mprotect: malloc of large blocks,
 *     anonymous mappings (mapping a file needs a descriptor, and the
 *     profile opens none);
 *   - futex, sched_yield, sched_getaffinity: glibc locks and sysconf();
 *   - clock_gettime, clock_getres, gettimeofday, time, times, getrusage,
 *     nanosleep, clock_nanosleep: timing a computation;
 *   - rt_sigaction, rt_sigprocmask: signal handlers (SIGFPE, SIGSEGV);
 *   - getpid, gettid, uname, sysinfo: harmless identity and facts.
 *
 * Files (file rules, enforced by the kernel): none but the program's own.
 *
 * What it refuses (RF): files (openat/open: see "io-heavy"), sockets,
 * processes and threads, exec, and everything not listed.
 */
#include "config.h"
#include "builtin.h"

static const char *const memory[] = {
	"mmap", "munmap", "mremap", "madvise", "mprotect",
	"futex", "sched_yield", "sched_getaffinity",
	"clock_gettime", "clock_getres", "gettimeofday", "time", "times",
	"getrusage", "nanosleep", "clock_nanosleep",
	"rt_sigaction", "rt_sigprocmask",
	"getpid", "gettid", "uname", "sysinfo",
	NULL
};

/* Shared with "network", which needs memory too. */
int sb_policy_compute(sandbox_policy_t *p)
{
	int rc = sb_policy_minimal_base(p);
	if (rc < 0 || (rc = sb_policy_names(p, memory, S_DISP_ALLOW, 0)) < 0 ||
	    (rc = sb_policy_own_processes(p, memory)) < 0)
		return rc;
	return sandbox_policy_confine_files(p, true);
}
