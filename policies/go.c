/*
 * "go": a statically linked Go program (Debian 12: Go 1.19), for judges
 * accepting Go. The Go runtime is multi-threaded from the start: its
 * scheduler runs goroutines on several threads, its garbage collector on
 * others, and it preempts goroutines with signals.
 *
 * What it allows, and why
 *   - everything "threads" allows (the judge policy with thread creation,
 *     read-only opens, no processes, no exec);
 *   - what the runtime asks for: sigaltstack (a signal stack per thread),
 *     tgkill of its own threads (preemption with SIGURG; "default" allows
 *     signals to itself), getrlimit, sched_getaffinity (GOMAXPROCS),
 *     the network poller that os.File uses for pipes and terminals
 *     (epoll_create1, epoll_ctl, epoll_pwait, epoll_wait, pipe2,
 *     eventfd2: on descriptors the program already has; no socket);
 *   - copy_file_range: fails with ENOSYS, and io.Copy between files
 *     falls back to read and write (which the output quota sees).
 *
 * Memory: judged on the resident set (RSS, as "threads"): the runtime reserves address
 * space for its heap arenas ahead of use, so its virtual size says little
 * about what a program uses (with RLIMIT_AS a 256 MiB quota failed
 * programs using 75 MiB).
 *
 * What it refuses
 *   - RF: processes (fork, vfork, clone without CLONE_THREAD), execve
 *     after the first, sockets, and everything "default" refuses;
 *   - ENOSYS: clone3, copy_file_range;
 *   - EACCES: any write open.
 *
 * Files: those of "threads" (read: a compiled program's runtime and the
 * working directory; write: the working directory, refused at the open by
 * the seccomp filter). A static Go program opens nothing else but
 * /sys/kernel/mm/transparent_hugepage/hpage_pmd_size, whose refusal the
 * runtime takes as "no huge pages".
 */
#include "config.h"
#include "builtin.h"

#include <errno.h>

int sb_policy_go(sandbox_policy_t *p)
{
	static const char *const allowed[] = {
		"sigaltstack", "getrlimit", "sched_getaffinity", "epoll_create1",
		"epoll_ctl", "epoll_pwait", "epoll_wait", "pipe2", "eventfd2",
		NULL
	};
	int rc;

	if ((rc = sb_policy_threads(p)) < 0 ||
	    (rc = sb_policy_allow_names(p, allowed, NULL)) < 0)
		return rc;
	return sandbox_policy_add_rule_name(p, 1u << S_ABI_X86_64,
	                                    "copy_file_range", S_DISP_ERRNO,
	                                    ENOSYS, NULL, 0);
}
