/*
 * "default": the online-judge policy for a compiled C/C++ program.
 *
 * What it allows, and why
 *   - what a static or dynamic glibc (2.36+) program needs to start: brk,
 *     mmap/munmap/mprotect/mremap/madvise, arch_prctl, set_tid_address,
 *     set_robust_list, rseq, getrandom, newfstatat/fstat/statx, access,
 *     readlink, openat of files read-only (shared libraries), prlimit64
 *     reading a limit, uname, sched_getaffinity, futex;
 *   - reading input and writing output: read/write and their vector and
 *     positioned forms, lseek, close, dup, fcntl, a few harmless ioctls
 *     (TCGETS, TIOCGWINSZ, FIONREAD: isatty() and friends), fsync, fcntl
 *     commands on its own descriptors (not F_SETOWN/F_SETSIG: with O_ASYNC
 *     they make the kernel signal another process);
 *   - files opened for writing only in the working directory: a relative
 *     path without a ".." component, relative to the current directory,
 *     whose directories resolve beneath it (a symbolic link leading out
 *     is refused, checked with openat2(RESOLVE_BENEATH) from the
 *     program's /proc/PID/cwd) and whose last component is not a symbolic
 *     link; never when the current directory is "/" (set a working
 *     directory with sandbox_set_workdir()). The callback reads the path
 *     from the program's memory while it is stopped: nothing can change
 *     the path or the directories in between because the program is
 *     single-threaded (every way to create a thread or process is
 *     forbidden) and the policy forbids symlink, link and rename;
 *   - time, signals and sleeping: clock_*, gettimeofday, nanosleep,
 *     rt_sig*, sigaltstack, alarm/setitimer, pause; kill/tgkill/tkill of
 *     itself only (abort() and raise() work);
 *   - the identity calls getpid/gettid/getppid/getuid/... and exit.
 *
 * What it refuses
 *   - RF: fork, vfork, clone, execve/execveat after the first exec,
 *     ptrace, kill of anything but itself, sockets, io_uring, mount,
 *     umount, chroot, pivot_root, set*uid/set*gid, unshare, setns, bpf,
 *     perf_event_open, keyctl, process_vm_readv/writev, personality,
 *     seccomp, prctl, every syscall of the i386 and x32 ABIs, and any
 *     syscall not listed here;
 *   - ENOSYS: clone3. glibc probes clone3 first and falls back to clone
 *     when it gets ENOSYS, so a program creating a thread is still RF (at
 *     the clone), with the real forbidden call reported;
 *   - EPERM: prlimit64/setrlimit that would *set* a limit (solutions that
 *     try to raise their stack limit keep running, within the quota);
 *   - EACCES: opening for writing outside the working directory.
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
	"rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigpending",
	"rt_sigsuspend", "rt_sigtimedwait", "sigaltstack", "pause",
	/* the end */
	"exit", "exit_group",
	NULL
};

/* Open flags that make an open a write (or a creation). */
#define WRITE_FLAGS (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND)

struct default_data {
	long nr_open, nr_openat, nr_creat, nr_prlimit64;
};

/* A path in the working directory: relative, no ".." component. */
static bool in_workdir(const char *path)
{
	if (path[0] == '/' || path[0] == '\0')
		return false;
	for (const char *p = path; *p;) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		if (len == 2 && p[0] == '.' && p[1] == '.')
			return false;
		if (!slash)
			break;
		p = slash + 1;
	}
	return true;
}

/* Does relative `path` (already checked by in_workdir) stay inside the
 * program's current directory on the file system as it is now? Its
 * directories must resolve beneath the directory (no symbolic link or
 * mount crossing leads out) and its last component must not be a
 * symbolic link (an O_CREAT through a dangling link would create the
 * target wherever it points). Never true when the directory is "/". */
static bool stays_in_cwd(pid_t pid, const char *path)
{
	char proc[64], cwd[8];
	const char *base = strrchr(path, '/');
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	struct stat st;
	int cfd = -1, dfd = -1;
	bool ok = false;

	snprintf(proc, sizeof(proc), "/proc/%d/cwd", (int)pid);
	if (readlink(proc, cwd, sizeof(cwd)) == 1 && cwd[0] == '/')
		return false;
	if ((cfd = open(proc, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return false;
	if (base) {
		char dir[4096];
		size_t n = (size_t)(base - path);
		if (n >= sizeof(dir))
			goto out;
		memcpy(dir, path, n);
		dir[n] = '\0';
		dfd = (int)syscall(SYS_openat2, cfd, n ? dir : ".", &how,
		                   sizeof(how));
		if (dfd < 0)
			goto out;
		base++;
	} else {
		dfd = cfd;
		cfd = -1;
		base = path;
	}
	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0)
		ok = !S_ISLNK(st.st_mode);
	else
		ok = errno == ENOENT;
out:
	if (cfd >= 0)
		close(cfd);
	if (dfd >= 0)
		close(dfd);
	return ok;
}

static void default_callback(const sandbox_event_t *ev, sandbox_action_t *act,
                             void *data)
{
	const struct default_data *d = data;
	const sandbox_syscall_t *sc = &ev->syscall;
	char path[4096];
	uint64_t path_arg;

	act->type = S_ACTION_CONT;
	if (ev->type != S_EVENT_SYSCALL || ev->disposition != S_DISP_TRACE ||
	    sc->abi != S_ABI_X86_64)
		return;
	if (sc->nr == d->nr_prlimit64) {
		/* Only reached when it would set a limit. */
		act->type = S_ACTION_DENY;
		act->data = EPERM;
		return;
	}
	if (sc->nr == d->nr_openat) {
		/* A relative path is only in the working directory when it is
		 * resolved from it, not from some other directory fd. */
		if ((int)sc->args[0] != AT_FDCWD)
			goto deny;
		path_arg = sc->args[1];
	} else if (sc->nr == d->nr_open || sc->nr == d->nr_creat) {
		path_arg = sc->args[0];
	} else {
		act->type = S_ACTION_KILL;
		return;
	}
	if (sandbox_read_string(ev->sandbox, path_arg, path, sizeof(path)) < 0 ||
	    !in_workdir(path) || !stays_in_cwd(ev->pid, path))
		goto deny;
	return;
deny:
	act->type = S_ACTION_DENY;
	act->data = EACCES;
}

int sb_policy_default(sandbox_policy_t *p)
{
	const unsigned x64 = 1u << S_ABI_X86_64;
	struct default_data *d;
	int rc;

	if ((rc = sb_policy_allow_names(p, allowed, NULL)) < 0)
		return rc;

	/* open/openat: read-only opens run in the kernel, write opens ask
	 * the callback. */
	sandbox_cond_t ro_openat = { .arg = 2, .op = S_CMP_MASKED_EQ,
	                             .a = WRITE_FLAGS, .b = 0 };
	sandbox_cond_t ro_open = { .arg = 1, .op = S_CMP_MASKED_EQ,
	                           .a = WRITE_FLAGS, .b = 0 };
	if ((rc = sandbox_policy_add_rule_name(p, x64, "openat", S_DISP_TRACE, 0,
	                                       NULL, 0)) < 0 ||
	    (rc = sandbox_policy_add_rule_name(p, x64, "openat", S_DISP_ALLOW, 0,
	                                       &ro_openat, 1)) < 0 ||
	    (rc = sandbox_policy_add_rule_name(p, x64, "open", S_DISP_TRACE, 0,
	                                       NULL, 0)) < 0 ||
	    (rc = sandbox_policy_add_rule_name(p, x64, "open", S_DISP_ALLOW, 0,
	                                       &ro_open, 1)) < 0 ||
	    (rc = sandbox_policy_add_rule_name(p, x64, "creat", S_DISP_TRACE, 0,
	                                       NULL, 0)) < 0)
		return rc;

	/* Reading a limit is fine; setting one is refused with EPERM. */
	sandbox_cond_t get_only = { .arg = 2, .op = S_CMP_EQ, .a = 0 };
	if ((rc = sandbox_policy_add_rule_name(p, x64, "prlimit64", S_DISP_TRACE,
	                                       0, NULL, 0)) < 0 ||
	    (rc = sandbox_policy_add_rule_name(p, x64, "prlimit64", S_DISP_ALLOW,
	                                       0, &get_only, 1)) < 0 ||
	    (rc = sandbox_policy_add_rule_name(p, x64, "setrlimit", S_DISP_ERRNO,
	                                       EPERM, NULL, 0)) < 0)
		return rc;

	/* Signals to itself only: kill(getpid()), tgkill(getpid(), ...). */
	sandbox_cond_t self0 = { .arg = 0 | S_ARG_SELF_PID, .op = S_CMP_EQ };
	if ((rc = sandbox_policy_add_rule_name(p, x64, "kill", S_DISP_ALLOW, 0,
	                                       &self0, 1)) < 0 ||
	    (rc = sandbox_policy_add_rule_name(p, x64, "tgkill", S_DISP_ALLOW, 0,
	                                       &self0, 1)) < 0 ||
	    (rc = sandbox_policy_add_rule_name(p, x64, "tkill", S_DISP_ALLOW, 0,
	                                       &self0, 1)) < 0)
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
		F_OFD_SETLKW, F_GETPIPE_SZ, F_SETPIPE_SZ, F_GET_SEALS,
		F_ADD_SEALS,
	};
	for (size_t i = 0; i < SB_ARRAY_SIZE(fcntls); i++) {
		sandbox_cond_t c = { .arg = 1, .op = S_CMP_EQ, .a = fcntls[i] };
		if ((rc = sandbox_policy_add_rule_name(p, x64, "fcntl", S_DISP_ALLOW,
		                                       0, &c, 1)) < 0)
			return rc;
	}

	/* glibc falls back to clone when clone3 says ENOSYS. */
	if ((rc = sandbox_policy_add_rule_name(p, x64, "clone3", S_DISP_ERRNO,
	                                       ENOSYS, NULL, 0)) < 0)
		return rc;

	if (!(d = calloc(1, sizeof(*d))))
		return -ENOMEM;
	d->nr_open = sandbox_syscall_number(S_ABI_X86_64, "open");
	d->nr_openat = sandbox_syscall_number(S_ABI_X86_64, "openat");
	d->nr_creat = sandbox_syscall_number(S_ABI_X86_64, "creat");
	d->nr_prlimit64 = sandbox_syscall_number(S_ABI_X86_64, "prlimit64");
	return sandbox_policy_set_callback(p, default_callback, d, free);
}
