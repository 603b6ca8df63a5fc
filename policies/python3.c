/*
 * "python3": CPython 3 (Debian 12: 3.11) running a script that reads its
 * standard library, for judges accepting Python solutions. Single-threaded
 * runtimes only: threads are refused.
 *
 * What it allows, and why
 *   - what "default" allows a C program (start-up, I/O on open
 *     descriptors, memory, time, signals to itself, exit), plus
 *     getdents64 (the import system lists directories), ioctl FIOCLEX and
 *     FIONCLEX, and prlimit64 reading a limit;
 *   - files, through path rules (libsandbox/pathrules.c), checked on every
 *     open/openat/stat/access/readlink/... by reading the path from the
 *     program:
 *       read:  /usr/lib/python3*, /usr/local/lib/python3* (stdlib,
 *              dist-packages), /usr/bin/python3* (the interpreter looks
 *              for itself), /usr/lib/x86_64-linux-gnu, /lib/x86_64-linux-gnu,
 *              /lib64, /etc/ld.so.cache (shared libraries), /usr/lib/locale,
 *              /usr/share/zoneinfo, /etc/localtime, /dev/null, /dev/urandom;
 *       write: the working directory (and below), which is also readable:
 *              the script and its input live there;
 *     every other path fails with EACCES (CPython treats that as "not
 *     there" while it looks for pyvenv.cfg, zip imports and .pyc caches);
 *   - mkdir, unlink, rename, ... in the working directory only.
 *
 * What it refuses
 *   - RF: subprocesses and threads (fork, vfork, clone, execve after the
 *     interpreter's own exec), sockets, and everything "default" refuses;
 *   - ENOSYS: clone3 (glibc then tries clone: RF);
 *   - EACCES: any path outside the directories above, link/symlink.
 * Add directories with a policy file: "include python3" then
 * "read-dir /srv/data" or "write-dir /tmp/out".
 */
#include "config.h"
#include "builtin.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <termios.h>
#include <sys/ioctl.h>

static const char *const allowed[] = {
	"read", "write", "readv", "writev", "pread64", "pwrite64", "lseek",
	"close", "dup", "dup2", "dup3", "fsync", "fdatasync", "ftruncate",
	"fadvise64", "fstat", "getdents64", "pipe2",
	/* path calls: allowed here, checked by the path rules */
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
	"sigaltstack", "exit", "exit_group",
	NULL
};

static const char *const read_globs[] = {
	"/usr/lib/python3*", "/usr/local/lib/python3*", "/usr/bin/python3*",
	"/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/lib64",
	"/etc/ld.so.cache", "/usr/lib/locale", "/usr/share/zoneinfo",
	"/etc/localtime", "/dev/null", "/dev/urandom",
	NULL
};

static int add_read_dirs(sandbox_policy_t *p)
{
	for (const char *const *g = read_globs; *g; g++) {
		glob_t gl;
		int rc = glob(*g, 0, NULL, &gl);
		if (rc == GLOB_NOMATCH)
			continue;
		if (rc != 0)
			return -ENOMEM;
		for (size_t i = 0; i < gl.gl_pathc && rc == 0; i++)
			rc = sandbox_policy_add_path(p, gl.gl_pathv[i], false, NULL, 0);
		globfree(&gl);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int sb_policy_python3(sandbox_policy_t *p)
{
	static const unsigned long ioctls[] = { TCGETS, TIOCGWINSZ, FIONREAD,
	                                        FIOCLEX, FIONCLEX };
	static const unsigned long fcntls[] = { F_DUPFD, F_DUPFD_CLOEXEC,
	                                        F_GETFD, F_SETFD, F_GETFL,
	                                        F_SETFL };
	int rc;

	if ((rc = sb_policy_allow_names(p, allowed, NULL)) < 0 ||
	    (rc = sb_policy_cond1(p, "prlimit64", S_DISP_ALLOW, 0, 2, S_CMP_EQ,
	                          0, 0)) < 0 ||
	    (rc = sandbox_policy_add_rule_name(p, 1u << S_ABI_X86_64, "clone3",
	                                       S_DISP_ERRNO, ENOSYS, NULL, 0)) < 0)
		return rc;
	for (size_t i = 0; i < SB_ARRAY_SIZE(ioctls); i++)
		if ((rc = sb_policy_cond1(p, "ioctl", S_DISP_ALLOW, 0, 1, S_CMP_EQ,
		                          ioctls[i], 0)) < 0)
			return rc;
	for (size_t i = 0; i < SB_ARRAY_SIZE(fcntls); i++)
		if ((rc = sb_policy_cond1(p, "fcntl", S_DISP_ALLOW, 0, 1, S_CMP_EQ,
		                          fcntls[i], 0)) < 0)
			return rc;
	if ((rc = sandbox_policy_add_path(p, ".", true, NULL, 0)) < 0)
		return rc;
	return add_read_dirs(p);
}
