/*
 * "node": a JavaScript program on Node.js (Debian 12: 18; also 20), run as
 * `node main.js`, for judges accepting JavaScript. Node starts a thread
 * pool (libuv) and V8's platform threads before the script runs.
 *
 * What it allows, and why
 *   - everything "threads" allows (the judge policy with thread creation,
 *     read-only opens, no processes, no exec);
 *   - libuv's event loop on descriptors the program already has:
 *     epoll_create1, epoll_ctl, epoll_pwait, epoll_wait, eventfd2, pipe2,
 *     ioctl FIONBIO and FIOCLEX; getdents64, sysinfo, capget (it reads its
 *     own capabilities), statx;
 *   - pkey_alloc: fails with ENOSYS (V8 asks for a memory protection key
 *     and does without one).
 *
 * Memory: judged on the resident set (RSS): V8 reserves its heap cages
 * (gigabytes of address space) up front.
 *
 * What it refuses
 *   - RF: processes (child_process), execve after the first, sockets,
 *     and everything "default" refuses;
 *   - ENOSYS: clone3 (glibc then uses clone), pkey_alloc, io_uring_setup
 *     (libuv then uses its thread pool);
 *   - EACCES: any write open.
 *
 * Files: no file rules yet (the runtime's trees are not declared): reads
 * go as far as the user's permissions, and every write open fails in the
 * seccomp filter, as "threads" says.
 */
#include "config.h"
#include "builtin.h"

#include <errno.h>
#include <sys/ioctl.h>

int sb_policy_node(sandbox_policy_t *p)
{
	static const char *const allowed[] = {
		"epoll_create1", "epoll_ctl", "epoll_pwait", "epoll_wait",
		"eventfd2", "pipe2", "getdents64", "sysinfo", "capget", "statx",
		NULL
	};
	static const char *const nosys[] = { "pkey_alloc", "io_uring_setup",
	                                     NULL };
	static const unsigned long ioctls[] = { FIONBIO, FIOCLEX };
	int rc;

	if ((rc = sb_policy_threads(p)) < 0 ||
	    (rc = sandbox_policy_confine_files(p, false)) < 0 ||
	    (rc = sb_policy_allow_names(p, allowed, NULL)) < 0 ||
	    (rc = sb_policy_names(p, nosys, S_DISP_ERRNO, ENOSYS)) < 0)
		return rc;
	for (size_t i = 0; i < SB_ARRAY_SIZE(ioctls); i++)
		if ((rc = sb_policy_cond1(p, "ioctl", S_DISP_ALLOW, 0, 1, S_CMP_EQ,
		                          ioctls[i], 0)) < 0)
			return rc;
	return sandbox_policy_set_memory_mode(p, S_MEMORY_RSS);
}
