/*
 * "python3": CPython 3 (Debian 12: 3.11) running the scripts users write
 * -- without -S, from anywhere, importing the standard library -- for
 * judges accepting Python solutions. Threads run (the usual way around
 * the recursion limit is a thread with a big stack); processes do not.
 *
 * What it allows, and why
 *   - what "default" allows a C program (start-up, I/O on open
 *     descriptors, memory, time, signals to itself -- kill, tgkill and
 *     tkill of its own pid: os.abort(), a C extension's abort() or
 *     assert(), os.kill(os.getpid(), ...) end it RT by that signal, not
 *     RF (verify23 V2) --, exit), plus
 *     getdents64 (the import system lists directories), ioctl FIOCLEX and
 *     FIONCLEX, prlimit64 reading a limit, and the file calls below;
 *   - files (file rules, enforced by the kernel: Landlock, or a private
 *     mount view without it), found by tracing python3 with and without
 *     -S importing math, collections, heapq, bisect, itertools,
 *     functools, re, json, decimal, fractions, random, datetime, string,
 *     statistics, typing, dataclasses:
 *       read:  /usr/lib/python3*, /usr/local/lib/python3* (stdlib,
 *              lib-dynload, dist-packages and their .pth files), what a
 *              compiled program's runtime reads (as "default": the
 *              loader and libraries, locale, zoneinfo, /dev/urandom), the
 *              interpreter itself, and the script: every regular file
 *              named by an argument (read-args), wherever it is;
 *       write: the working directory (and below), which is also
 *              readable: input files and outputs live there; /dev/null;
 *     every other path fails with EACCES, which CPython treats as "not
 *     there" (pyvenv.cfg, zip imports, ~/.local, the user site);
 *   - mkdir, unlink, rename, ... where the file rules allow writing;
 *   - socket: fails with EACCES, never kills: site looks the user up
 *     (pwd, when HOME is unset), glibc asks nscd through a unix socket
 *     first, and falls back to files the rules do not let it read --
 *     the user site is then simply absent. No network either way.
 *
 *   - threads: clone making a thread, as "threads" allows it (threading,
 *     concurrent.futures' ThreadPoolExecutor); like every task, each is
 *     traced from its first instruction and held by the same file rules
 *     and quotas (CPU is the sum over threads); MALLOC_ARENA_MAX=1 in the
 *     environment (unless the caller names it): memory is judged on the
 *     address space, where glibc's 64 MiB arena per thread -- reserved at
 *     a thread's first malloc, kept after it ends -- would count against
 *     the program (4 threads that did a little work, then a 120 MiB
 *     bytearray under --memory=256M: ML with 14 MiB resident), and the
 *     interpreter's lock runs one thread at a time, so one arena costs
 *     nothing;
 *
 * What it refuses
 *   - RF: subprocesses (fork, vfork, clone without CLONE_THREAD, execve
 *     after the interpreter's own exec), the clones "threads" refuses
 *     (a thread with an exit signal, CLONE_VFORK, ...), and everything
 *     "default" refuses;
 *   - ENOSYS: clone3 (glibc then uses clone);
 *   - EACCES: socket, and any file outside the trees above (from the
 *     kernel).
 * Add trees with a policy file: "include python3" then
 * "read-dir /srv/data" or "write-dir /tmp/out".
 */
#include "config.h"
#include "builtin.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <termios.h>
#include <sys/ioctl.h>

static const char *const allowed[] = {
	"read", "write", "readv", "writev", "pread64", "pwrite64", "lseek",
	"close", "dup", "dup2", "dup3", "fsync", "fdatasync", "ftruncate",
	"fadvise64", "fstat", "getdents64", "pipe2",
	/* file calls: allowed here, the file rules decide (kernel) */
	"open", "openat", "stat", "lstat", "newfstatat", "statx", "access",
	"faccessat", "faccessat2", "readlink", "readlinkat", "getcwd",
	"mkdir", "rmdir", "unlink", "unlinkat", "rename", "renameat2",
	"chdir", "fchdir",
	/* memory */
	"brk", "mmap", "munmap", "mremap", "mprotect", "madvise",
	/* start-up */
	"arch_prctl", "set_tid_address", "set_robust_list", "rseq",
	"getrandom", "uname", "sysinfo", "sched_getaffinity", "sched_yield",
	"futex", "getrlimit",
	/* identity, time, signals */
	"getpid", "gettid", "getppid", "getuid", "geteuid", "getgid",
	"getegid", "getgroups", "getpgrp", "clock_gettime", "clock_getres",
	"gettimeofday", "time", "times", "getrusage", "nanosleep",
	"clock_nanosleep", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn",
	"restart_syscall",
	"sigaltstack", "exit", "exit_group",
	NULL
};

static const char *const read_globs[] = {
	"/usr/lib/python3*", "/usr/local/lib/python3*",
	NULL
};

int sb_policy_python3(sandbox_policy_t *p)
{
	static const unsigned long ioctls[] = { TCGETS, TIOCGWINSZ, FIONREAD,
	                                        FIOCLEX, FIONCLEX };
	static const unsigned long fcntls[] = { F_DUPFD, F_DUPFD_CLOEXEC,
	                                        F_GETFD, F_SETFD, F_GETFL,
	                                        F_SETFL };
	int rc;

	if ((rc = sb_policy_allow_names(p, allowed, NULL)) < 0 ||
	    (rc = sb_policy_own_processes(p, allowed)) < 0 ||
	    (rc = sb_policy_self_signals(p)) < 0 ||
	    (rc = sb_policy_cond1(p, "prlimit64", S_DISP_ALLOW, 0, 2, S_CMP_EQ,
	                          0, 0)) < 0 ||
	    (rc = sb_policy_thread_clone(p)) < 0 ||
	    (rc = sandbox_policy_add_rule_name(p, 1u << S_ABI_X86_64, "clone3",
	                                       S_DISP_ERRNO, ENOSYS, NULL, 0)) < 0 ||
	    (rc = sandbox_policy_add_rule_name(p, 1u << S_ABI_X86_64, "socket",
	                                       S_DISP_ERRNO, EACCES, NULL, 0)) < 0)
		return rc;
	for (size_t i = 0; i < SB_ARRAY_SIZE(ioctls); i++)
		if ((rc = sb_policy_cond1(p, "ioctl", S_DISP_ALLOW, 0, 1, S_CMP_EQ,
		                          ioctls[i], 0)) < 0)
			return rc;
	for (size_t i = 0; i < SB_ARRAY_SIZE(fcntls); i++)
		if ((rc = sb_policy_cond1(p, "fcntl", S_DISP_ALLOW, 0, 1, S_CMP_EQ,
		                          fcntls[i], 0)) < 0)
			return rc;
	if ((rc = sandbox_policy_set_env_default(p, "MALLOC_ARENA_MAX=1")) < 0 ||
	    (rc = sandbox_policy_set_env_default(p,
	                                         "PYTHONDONTWRITEBYTECODE=1")) < 0 ||
	    (rc = sandbox_policy_add_file_rule(p, ".", S_FILE_WRITE, NULL,
	                                       0)) < 0 ||
	    (rc = sandbox_policy_add_file_rule(p, SANDBOX_FILE_ARGS, S_FILE_READ,
	                                       NULL, 0)) < 0 ||
	    (rc = sb_policy_runtime_files(p)) < 0)
		return rc;
	return sb_policy_read_globs(p, read_globs);
}
