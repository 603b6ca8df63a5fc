/*
 * A trusted program started without supervision (an interaction's
 * interactor, when the judge does not want it in a sandbox): no tracer, no
 * policy, no quota -- only what keeps it from outliving or escaping the
 * supervisor's bookkeeping:
 *   - it dies with the thread that started it (PR_SET_PDEATHSIG);
 *   - it leads a process group of its own, so that whatever it starts can
 *     be killed with it;
 *   - it gets exactly the three descriptors it is given, default signal
 *     dispositions and an empty signal mask (the supervisor's blocked
 *     SIGTERM or ignored SIGPIPE are not its).
 * A step that fails before exec comes back as its errno and step over a
 * close-on-exec pipe (util/child.c), as for a sandboxed child.
 */
#include "config.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* The child: never returns. */
static _Noreturn void plain_child(char *const argv[], char *const envp[],
                                  const int fds[3], int errfd, pid_t parent)
{
	struct sigaction sa;
	sigset_t none;
	int tmp[3];

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		sb_child_fail(errfd, errno, SB_STEP_PRCTL);
	if (getppid() != parent)
		_exit(127); /* the supervisor is already gone */
	if (setpgid(0, 0) < 0)
		sb_child_fail(errfd, errno, SB_STEP_SETPGID);
	/* Sources above every target first, so no dup2() clobbers one. */
	for (int i = 0; i < 3; i++)
		if ((tmp[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 3)) < 0)
			sb_child_fail(errfd, errno, SB_STEP_STDIN + i);
	for (int i = 0; i < 3; i++)
		if (dup2(tmp[i], i) < 0)
			sb_child_fail(errfd, errno, SB_STEP_STDIN + i);
	if ((errfd > 3 && syscall(SYS_close_range, 3, errfd - 1, 0) < 0) ||
	    syscall(SYS_close_range, errfd + 1, ~0U, 0) < 0)
		sb_child_fail(errfd, errno, SB_STEP_CLOSE_RANGE);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			(void)sigaction(s, &sa, NULL);
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) < 0)
		sb_child_fail(errfd, errno, SB_STEP_SIGPROCMASK);
	execve(argv[0], argv, envp ? envp : environ);
	sb_child_fail(errfd, errno, SB_STEP_EXECVE);
}

int sb_spawn_plain(char *const argv[], char *const envp[], const int fds[3],
                   struct sb_spawned *out, int *step)
{
	struct sb_child_error e;
	int pipefd[2];
	pid_t parent = getpid();
	ssize_t n;

	*step = SB_STEP_UNKNOWN;
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	/* Keep the error pipe off 0..2, which the child overwrites. */
	for (int i = 0; i < 2; i++) {
		if (pipefd[i] >= 3)
			continue;
		int fd = fcntl(pipefd[i], F_DUPFD_CLOEXEC, 3);
		int err = -errno;
		close(pipefd[i]);
		pipefd[i] = fd;
		if (fd < 0) {
			if (pipefd[1 - i] >= 0)
				close(pipefd[1 - i]);
			return err;
		}
	}
	pid_t pid = fork();
	if (pid < 0) {
		int err = -errno;
		close(pipefd[0]);
		close(pipefd[1]);
		*step = SB_STEP_CLONE;
		return err;
	}
	if (pid == 0)
		plain_child(argv, envp, fds, pipefd[1], parent);
	close(pipefd[1]);
	/* Also from here: whichever of the two runs first, the group exists
	 * before anyone signals it (EACCES once it has exec'd: it has). */
	(void)setpgid(pid, pid);
	do
		n = read(pipefd[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(pipefd[0]);
	if (n == (ssize_t)sizeof(e)) {
		/* It failed before exec and exits 127: reap it. */
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		*step = e.step;
		return -e.err;
	}
	out->pid = pid;
	out->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (out->pidfd < 0) {
		int err = -errno;
		kill(pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		return err;
	}
	return 0;
}
