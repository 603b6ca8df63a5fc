/*
 * "default": the online-judge policy for a compiled C/C++ program.
 *
 * What it allows, and why
 *   - what a static or dynamic glibc (2.36+) program needs to start: brk,
 *     mmap/munmap/mprotect/mremap/madvise, arch_prctl, set_tid_address,
 *     set_robust_list, rseq, getrandom, newfstatat/fstat/statx, access,
 *     readlink, open/openat/creat, prlimit64 reading a limit, uname,
 *     sched_getaffinity, futex;
 *   - reading input and writing output: read/write and their vector and
 *     positioned forms, lseek, close, dup, fcntl, a few harmless ioctls
 *     (TCGETS, TIOCGWINSZ, FIONREAD: isatty() and friends), fsync, fcntl
 *     commands on its own descriptors (not F_SETOWN/F_SETSIG: with O_ASYNC
 *     they make the kernel signal another process);
 *   - files (the file rules, enforced by the kernel -- Landlock, or a
 *     private mount view on a kernel without it; docs/SECURITY.md): read
 *     what a compiled program needs and nothing more -- the dynamic
 *     loader's cache and library directories, locale and time-zone data,
 *     /sys/devices/system/cpu/{online,possible}, /dev/urandom, the program
 *     itself and its ELF interpreter (found by tracing C and C++ programs,
 *     policies/helpers.c) -- and read and write only beneath its working
 *     directory, plus /dev/null and /dev/zero. The opens themselves run in
 *     the kernel without a stop: whatever path string, symbolic link,
 *     "..", /proc/self/fd or descriptor the program uses, the kernel
 *     checks the file it reaches. Set a working directory of the
 *     program's own (sandbox_set_workdir()): never "/" or the judge's;
 *   - time, signals and sleeping: clock_*, gettimeofday, nanosleep,
 *     rt_sig*, sigaltstack, alarm/setitimer, pause; kill/tgkill/tkill of
 *     itself only (abort() and raise() work); the clocks are the fixed
 *     ones and its own CPU clocks (another process's CPU clock: EINVAL,
 *     as for no such clock -- the kernel checks nothing for a process
 *     clock, and a run without a box shares the host's pids);
 *   - the identity calls getpid/gettid/getppid/getuid/... and exit;
 *     getsid/getpgid of itself only (another pid: ESRCH, as for no such
 *     process: they told every process of the host apart);
 *   - what glibc's user lookup (getpwuid) needs to find that a run slot's
 *     uid has no name: socket(AF_UNIX) fails with EACCES (nscd's socket:
 *     glibc then reads /etc/passwd), prctl(PR_CAPBSET_READ) reads the
 *     program's own empty bounding set (nss-systemd's probe).
 *
 * What it refuses
 *   - RF: fork, vfork, clone, execve/execveat after the first exec,
 *     ptrace, kill of anything but itself, sockets (but AF_UNIX: EACCES),
 *     io_uring, mount, umount, chroot, pivot_root, set*uid/set*gid,
 *     unshare, setns, bpf, perf_event_open, keyctl,
 *     process_vm_readv/writev, personality,
 *     seccomp, prctl (but PR_CAPBSET_READ), link, symlink, rename, mkdir,
 *     unlink, every syscall of the i386 and x32 ABIs, and any syscall not
 *     listed here;
 *   - ENOSYS: clone3. glibc probes clone3 first and falls back to clone
 *     when it gets ENOSYS, so a program creating a thread is still RF (at
 *     the clone), with the real forbidden call reported;
 *   - EPERM: prlimit64/setrlimit that would *set* a limit (solutions that
 *     try to raise their stack limit keep running, within the quota);
 *   - EACCES (from the kernel): opening a file outside the trees above,
 *     or for writing outside the working directory.
 */
#include "config.h"
#include "builtin.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <linux/openat2.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

static const char *const allowed[] = {
	/* I/O on open descriptors */
	"read", "write", "readv", "writev", "pread64", "pwrite64", "lseek",
	"close", "dup", "dup2", "dup3", "fsync", "fdatasync",
	"ftruncate", "fadvise64",
	/* file metadata */
	"fstat", "newfstatat", "stat", "lstat", "statx", "access",
	"faccessat", "faccessat2", "readlink", "readlinkat", "getcwd",
	/* memory */
	"brk", "mmap", "munmap", "mremap", "mprotect", "madvise",
	/* process start-up */
	"arch_prctl", "set_tid_address", "set_robust_list", "rseq",
	"getrandom", "uname", "sysinfo", "sched_getaffinity", "sched_yield",
	"futex", "getrlimit",
	/* identity */
	"getpid", "gettid", "getppid", "getuid", "geteuid", "getgid",
	"getegid", "getgroups", "getpgrp", "getpgid", "getsid",
	/* time */
	"clock_gettime", "clock_getres", "gettimeofday", "time", "times",
	"getrusage", "nanosleep", "clock_nanosleep", "alarm", "setitimer",
	"getitimer",
	/* signals */
	"rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "restart_syscall",
	"rt_sigpending",
	"rt_sigsuspend", "rt_sigtimedwait", "sigaltstack", "pause",
	/* the end */
	"exit", "exit_group",
	NULL
};

static const char *const opens[] = { "open", "openat", "creat", NULL };

int sb_policy_default(sandbox_policy_t *p)
{
	const unsigned x64 = 1u << S_ABI_X86_64;
	int rc;

	if ((rc = sb_policy_allow_names(p, allowed, NULL)) < 0 ||
	    (rc = sb_policy_own_processes(p, allowed)) < 0)
		return rc;

	/* A C or C++ program that looks its user up (a run slot's uid has
	 * no name) gets "no such user", as on the host. */
	if ((rc = sb_policy_user_lookup(p)) < 0)
		return rc;

	/* Files: the opens run in the kernel, the file rules decide. */
	if ((rc = sb_policy_names(p, opens, S_DISP_ALLOW, 0)) < 0 ||
	    (rc = sb_policy_runtime_files(p)) < 0 ||
	    (rc = sandbox_policy_add_file_rule(p, ".", S_FILE_WRITE, NULL,
	                                       0)) < 0)
		return rc;

	/* Reading a limit is fine; setting one is refused with EPERM. */
	sandbox_cond_t get_only = { .arg = 2, .op = S_CMP_EQ, .a = 0 };
	if ((rc = sandbox_policy_add_rule_name(p, x64, "prlimit64", S_DISP_ERRNO,
	                                       EPERM, NULL, 0)) < 0 ||
	    (rc = sandbox_policy_add_rule_name(p, x64, "prlimit64", S_DISP_ALLOW,
	                                       0, &get_only, 1)) < 0 ||
	    (rc = sandbox_policy_add_rule_name(p, x64, "setrlimit", S_DISP_ERRNO,
	                                       EPERM, NULL, 0)) < 0)
		return rc;

	/* Signals to itself only: kill(getpid()), tgkill(getpid(), ...). */
	if ((rc = sb_policy_self_signals(p)) < 0)
		return rc;

	/* Terminal queries only (isatty); never TIOCSTI and friends. */
	static const unsigned long ioctls[] = { TCGETS, TIOCGWINSZ, FIONREAD };
	for (size_t i = 0; i < SB_ARRAY_SIZE(ioctls); i++) {
		sandbox_cond_t c = { .arg = 1, .op = S_CMP_EQ, .a = ioctls[i] };
		if ((rc = sandbox_policy_add_rule_name(p, x64, "ioctl", S_DISP_ALLOW,
		                                       0, &c, 1)) < 0)
			return rc;
	}

	/* fcntl on its own descriptors; never F_SETOWN/F_SETOWN_EX/F_SETSIG
	 * (with O_ASYNC they make the kernel signal another process, e.g.
	 * the supervisor), leases or directory notifications. */
	static const unsigned long fcntls[] = {
		F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL, F_SETFL,
		F_GETLK, F_SETLK, F_SETLKW, F_OFD_GETLK, F_OFD_SETLK,
		F_OFD_SETLKW, F_GETPIPE_SZ, F_GET_SEALS, F_ADD_SEALS,
	};
	for (size_t i = 0; i < SB_ARRAY_SIZE(fcntls); i++) {
		sandbox_cond_t c = { .arg = 1, .op = S_CMP_EQ, .a = fcntls[i] };
		if ((rc = sandbox_policy_add_rule_name(p, x64, "fcntl", S_DISP_ALLOW,
		                                       0, &c, 1)) < 0)
			return rc;
	}
	/* A pipe's buffer is kernel memory no memory quota sees: it may
	 * shrink, or grow back to the kernel's default 64 KiB, no further
	 * (EPERM, as past the kernel's own per-user limit). 1 MiB pipes made
	 * 141 MiB under --memory=16M. */
	/* (arg2 <= 65536 written as two exact tests: the filter compiler
	 * puts a <= in the kernel only when it is the syscall's one rule.) */
	sandbox_cond_t setpipe[2] = {
		{ .arg = 1, .op = S_CMP_EQ, .a = F_SETPIPE_SZ },
		{ .arg = 2, .op = S_CMP_MASKED_EQ, .a = ~(uint64_t)0xffff, .b = 0 },
	};
	sandbox_cond_t setpipe64k[2] = {
		{ .arg = 1, .op = S_CMP_EQ, .a = F_SETPIPE_SZ },
		{ .arg = 2, .op = S_CMP_EQ, .a = 65536 },
	};
	if ((rc = sandbox_policy_add_rule_name(p, x64, "fcntl", S_DISP_ALLOW, 0,
	                                       setpipe, 2)) < 0 ||
	    (rc = sandbox_policy_add_rule_name(p, x64, "fcntl", S_DISP_ALLOW, 0,
	                                       setpipe64k, 2)) < 0 ||
	    (rc = sandbox_policy_add_rule_name(p, x64, "fcntl", S_DISP_ERRNO,
	                                       EPERM, setpipe, 1)) < 0)
		return rc;

	/* glibc falls back to clone when clone3 says ENOSYS. */
	if ((rc = sandbox_policy_add_rule_name(p, x64, "clone3", S_DISP_ERRNO,
	                                       ENOSYS, NULL, 0)) < 0)
		return rc;

	return 0;
}
