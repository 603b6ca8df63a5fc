/*
 * "node": a JavaScript program on Node.js (Debian 12: 18; also 20), run as
 * `node main.js`, for judges accepting JavaScript. Node starts a thread
 * pool (libuv) and V8's platform threads before the script runs.
 *
 * What it allows, and why
 *   - everything "threads" allows (the judge policy with thread creation,
 *     read-only opens, no processes, no exec), with its file rules and
 *     Node's trees (Files, below);
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
 * Files (file rules, enforced by the kernel, found by tracing Debian's
 * Node 18 and NodeSource's 20 with strace -f -e trace=%file running
 * hello, readline and fs.readFileSync(0) input, worker threads):
 *   read:  what a compiled program's runtime reads (as "default": the
 *          loader and libraries, libnode and ICU among them),
 *          /usr/share/nodejs (Debian's build loads acorn, cjs-module-lexer
 *          and undici from there at start), OpenSSL's openssl.cnf and the
 *          CA certificates in /etc/ssl/certs (public; never
 *          /etc/ssl/private), the script (read-args: every regular file an
 *          argument names), the working directory;
 *   write: the working directory, /dev/null, /dev/zero -- though every
 *          write open is refused in the seccomp filter (as "threads").
 * Not readable, and Node goes on without them: /proc (/proc/self/maps,
 * /proc/meminfo), the cgroup memory limit under /sys/fs/cgroup.
 */
#include "config.h"
#include "builtin.h"

#include <errno.h>
#include <sys/ioctl.h>

/* What Node reads at start besides the C runtime: Debian's build loads
 * bundled modules (acorn, cjs-module-lexer, undici) from /usr/share/nodejs,
 * and both builds read OpenSSL's configuration and the CA store (public
 * certificates; never /etc/ssl/private). */
static const char *const node_trees[] = {
	"/usr/share/nodejs", "/usr/lib/ssl/openssl.cnf", "/etc/ssl/openssl.cnf",
	"/etc/ssl/certs", NULL
};

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
	    (rc = sb_policy_read_globs(p, node_trees)) < 0 ||
	    (rc = sandbox_policy_add_file_rule(p, SANDBOX_FILE_ARGS, S_FILE_READ,
	                                       NULL, 0)) < 0 ||
	    (rc = sb_policy_allow_names(p, allowed, NULL)) < 0 ||
	    (rc = sb_policy_names(p, nosys, S_DISP_ERRNO, ENOSYS)) < 0)
		return rc;
	for (size_t i = 0; i < SB_ARRAY_SIZE(ioctls); i++)
		if ((rc = sb_policy_cond1(p, "ioctl", S_DISP_ALLOW, 0, 1, S_CMP_EQ,
		                          ioctls[i], 0)) < 0)
			return rc;
	return sandbox_policy_set_memory_mode(p, S_MEMORY_RSS);
}
