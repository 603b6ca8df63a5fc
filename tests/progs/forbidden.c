/* Makes one forbidden call, named by argv[1], and nothing else of note.
 * The default policy must kill it there (verdict RF). Should the call
 * return, the program exits 42 (or 43 for a clone3 failure other than
 * ENOSYS) so that a missing kill shows up as AT, never as OK.
 *
 *   fork vfork clone clone3 execve ptrace kill_parent socket io_uring_setup
 *   mount chroot setuid unshare setns bpf perf_event_open keyctl
 *   process_vm_readv personality seccomp int80 x32 unknown
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/perf_event.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef SYS_io_uring_setup
#define SYS_io_uring_setup 425
#endif

static int after_fork(pid_t pid)
{
	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return 42;
}

static long int80_getpid(void)
{
	long ret;

	/* i386 getpid (20) through the 32-bit entry from a 64-bit program. */
	__asm__ volatile("int $0x80"
	                 : "=a"(ret)
	                 : "a"(20L)
	                 : "memory", "r8", "r9", "r10", "r11");
	return ret;
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";

	if (strcmp(what, "fork") == 0)
		return after_fork(fork());
	if (strcmp(what, "vfork") == 0) {
		pid_t pid = vfork();
		if (pid == 0)
			_exit(0);
		return after_fork(pid);
	}
	if (strcmp(what, "clone") == 0)
		return after_fork((pid_t)syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0));
	if (strcmp(what, "clone3") == 0) {
		struct clone_args ca;
		long r;

		memset(&ca, 0, sizeof(ca));
		ca.exit_signal = SIGCHLD;
		r = syscall(SYS_clone3, &ca, sizeof(ca));
		if (r < 0 && errno == ENOSYS)
			return after_fork(fork()); /* as glibc would */
		if (r < 0)
			return 43;
		return after_fork((pid_t)r);
	}
	if (strcmp(what, "execve") == 0) {
		char *const av[] = { (char *)"/bin/true", NULL };
		char *const ev[] = { NULL };
		execve("/bin/true", av, ev);
		return 42;
	}
	if (strcmp(what, "ptrace") == 0) {
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		return 42;
	}
	if (strcmp(what, "kill_parent") == 0) {
		kill(getppid(), SIGKILL);
		return 42;
	}
	if (strcmp(what, "socket") == 0) {
		socket(AF_INET, SOCK_STREAM, 0);
		return 42;
	}
	if (strcmp(what, "io_uring_setup") == 0) {
		char params[120];
		memset(params, 0, sizeof(params));
		syscall(SYS_io_uring_setup, 1, params);
		return 42;
	}
	if (strcmp(what, "mount") == 0) {
		/* A target that does not exist: harmless should it ever run. */
		mount("none", "/nonexistent-sandbox-test", "tmpfs", 0, NULL);
		return 42;
	}
	if (strcmp(what, "chroot") == 0) {
		(void)!chroot("/");
		return 42;
	}
	if (strcmp(what, "setuid") == 0) {
		(void)!setuid(0);
		(void)!setuid(1000);
		return 42;
	}
	if (strcmp(what, "unshare") == 0) {
		unshare(CLONE_NEWUTS);
		return 42;
	}
	if (strcmp(what, "setns") == 0) {
		setns(0, 0);
		return 42;
	}
	if (strcmp(what, "bpf") == 0) {
		char attr[128];
		memset(attr, 0, sizeof(attr));
		syscall(SYS_bpf, 0, attr, sizeof(attr));
		return 42;
	}
	if (strcmp(what, "perf_event_open") == 0) {
		struct perf_event_attr pa;
		memset(&pa, 0, sizeof(pa));
		pa.size = sizeof(pa);
		pa.type = PERF_TYPE_SOFTWARE;
		pa.config = PERF_COUNT_SW_CPU_CLOCK;
		syscall(SYS_perf_event_open, &pa, 0, -1, -1, 0);
		return 42;
	}
	if (strcmp(what, "keyctl") == 0) {
		syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */,
		        -3 /* KEY_SPEC_SESSION_KEYRING */, 0);
		return 42;
	}
	if (strcmp(what, "process_vm_readv") == 0) {
		char buf[8];
		struct iovec local = { buf, sizeof(buf) };
		struct iovec remote = { (void *)0x400000, sizeof(buf) };
		syscall(SYS_process_vm_readv, getppid(), &local, 1, &remote, 1, 0);
		return 42;
	}
	if (strcmp(what, "personality") == 0) {
		personality(ADDR_NO_RANDOMIZE);
		return 42;
	}
	if (strcmp(what, "seccomp") == 0) {
		syscall(SYS_seccomp, 0 /* SECCOMP_SET_MODE_STRICT */, 0, NULL);
		syscall(SYS_exit, 42);
		return 42;
	}
	if (strcmp(what, "int80") == 0) {
		int80_getpid();
		return 42;
	}
	if (strcmp(what, "x32") == 0) {
		syscall(0x40000000L | 39); /* x32 getpid */
		return 42;
	}
	if (strcmp(what, "unknown") == 0) {
		syscall(1000L);
		return 42;
	}
	return 99; /* unknown request: a test bug */
}
