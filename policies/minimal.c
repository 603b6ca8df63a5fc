/*
 * "minimal": exit, read/write on descriptors that are already open, and
 * what a static glibc (2.36) program does before main().
 *
 * What it allows, and why
 *   - read, write, readv, writev, pread64, pwrite64, lseek, close, fstat:
 *     I/O on the descriptors the program was given (0, 1, 2);
 *   - newfstatat with an empty path and AT_EMPTY_PATH only (that is
 *     fstat(): glibc's stdio asks it for the buffer size); a real path is
 *     refused with ENOENT by the callback, which reads it from the
 *     program (it cannot change it meanwhile: the program is single
 *     threaded, every way to create a thread or process is forbidden);
 *   - ioctl TCGETS and TIOCGWINSZ only (isatty(), stdio line buffering);
 *   - start-up: brk (static TLS and malloc), arch_prctl, set_tid_address,
 *     set_robust_list, rseq, getrandom (stack protector / malloc), mprotect
 *     (RELRO), prlimit64 *reading* a limit, rt_sigreturn, and
 *     restart_syscall (the kernel's way back into a sleep that a signal
 *     stopped: under ptrace even an ignored signal stops the program, and
 *     the sleep then goes on through it);
 *   - exit and exit_group;
 *   - files (file rules, enforced by the kernel): none but the program's
 *     own file; it works on the descriptors it was given.
 *
 * What it refuses
 *   - readlink: ENOENT (static start-up reads /proc/self/exe and lives
 *     without it);
 *   - RF: everything else, including mmap (the "compute" profile adds
 *     memory management), open/openat ("io-heavy"), sockets ("network"),
 *     prlimit64 setting a limit, and every i386 and x32 syscall.
 */
#include "config.h"
#include "builtin.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <termios.h>
#include <sys/ioctl.h>

static const char *const allowed[] = {
	"read", "write", "readv", "writev", "pread64", "pwrite64", "lseek",
	"close", "fstat",
	"brk", "arch_prctl", "set_tid_address", "set_robust_list", "rseq",
	"getrandom", "mprotect", "rt_sigreturn", "restart_syscall",
	"exit", "exit_group",
	NULL
};

struct minimal_data {
	long nr_newfstatat;
};

/* newfstatat(fd, "", st, AT_EMPTY_PATH) is fstat(fd): allowed; any real
 * path is refused with ENOENT. Other TRACE'd calls: not ours, kill. */
static void minimal_callback(const sandbox_event_t *ev, sandbox_action_t *act,
                             void *data)
{
	const struct minimal_data *d = data;
	const sandbox_syscall_t *sc = &ev->syscall;
	char path[2];

	act->type = S_ACTION_CONT;
	if (ev->type != S_EVENT_SYSCALL || ev->disposition != S_DISP_TRACE)
		return;
	if (sc->abi != S_ABI_X86_64 || sc->nr != d->nr_newfstatat) {
		act->type = S_ACTION_KILL;
		return;
	}
	if ((sc->args[3] & AT_EMPTY_PATH) &&
	    sandbox_read_string(ev->sandbox, sc->args[1], path, sizeof(path)) == 0)
		return;
	act->type = S_ACTION_DENY;
	act->data = ENOENT;
}

int sb_policy_minimal_base(sandbox_policy_t *p)
{
	struct minimal_data *d;
	int rc;

	if ((rc = sb_policy_allow_names(p, allowed, NULL)) < 0 ||
	    (rc = sb_policy_cond1(p, "prlimit64", S_DISP_ALLOW, 0, 2, S_CMP_EQ,
	                          0, 0)) < 0 ||
	    (rc = sb_policy_cond1(p, "ioctl", S_DISP_ALLOW, 0, 1, S_CMP_EQ,
	                          TCGETS, 0)) < 0 ||
	    (rc = sb_policy_cond1(p, "ioctl", S_DISP_ALLOW, 0, 1, S_CMP_EQ,
	                          TIOCGWINSZ, 0)) < 0 ||
	    (rc = sandbox_policy_add_rule_name(p, 1u << S_ABI_X86_64, "readlink",
	                                       S_DISP_ERRNO, ENOENT, NULL, 0)) < 0 ||
	    (rc = sandbox_policy_add_rule_name(p, 1u << S_ABI_X86_64,
	                                       "newfstatat", S_DISP_TRACE, 0,
	                                       NULL, 0)) < 0)
		return rc;
	if (!(d = calloc(1, sizeof(*d))))
		return -ENOMEM;
	d->nr_newfstatat = sandbox_syscall_number(S_ABI_X86_64, "newfstatat");
	return sandbox_policy_set_callback(p, minimal_callback, d, free);
}

int sb_policy_minimal(sandbox_policy_t *p)
{
	int rc = sb_policy_minimal_base(p);
	if (rc < 0)
		return rc;
	return sandbox_policy_confine_files(p, true);
}
