/*
 * "network": "compute" (memory, clocks, futex) plus sockets, for clients
 * and servers under test.
 *
 * What it allows beyond "compute", and why
 *   - socket for AF_INET and AF_INET6 only (no netlink, no packet
 *     sockets: those configure or sniff the host); socket(AF_UNIX) fails
 *     with EACCES: connecting to a unix socket bound to a path is a
 *     permission check on the socket file, which Landlock does not make,
 *     so a program could talk to every 0666 socket of the host (the
 *     journal, the system bus, a judge's own service);
 *   - socketpair: AF_UNIX stream and seqpacket pairs (connected to each
 *     other, they reach nothing else); a datagram pair fails with EACCES
 *     (a unix datagram socket can be connected again, or sendto(), to any
 *     path), AF_INET and AF_INET6 as the kernel answers them;
 *   - connect, bind, listen, accept, accept4, shutdown, get/setsockopt,
 *     getsockname, getpeername, send/recv in every form (sendto, recvfrom,
 *     sendmsg, recvmsg, sendmmsg, recvmmsg);
 *   - waiting: poll, ppoll, select, pselect6, epoll_create1, epoll_ctl,
 *     epoll_wait, epoll_pwait; descriptors: dup, dup2, dup3, pipe2, fcntl
 *     F_GETFL/F_SETFL/F_GETFD/F_SETFD (non-blocking sockets), ioctl
 *     FIONBIO/FIONREAD.
 *   Where to: anywhere the host's network lets it. Give the program its
 *   own network namespace (S_NS_NET: loopback only) to keep it local.
 *   Abstract unix sockets bound outside the sandbox are out of reach
 *   where Landlock scopes them (ABI 6).
 * Files (file rules, enforced by the kernel): none but the program's own
 * (so it binds no unix socket to a path either).
 *
 * What it refuses (RF): files (openat/open), processes and threads, exec,
 * raw/netlink/packet sockets, and everything not listed.
 */
#include "config.h"
#include "builtin.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

static const char *const sockets[] = {
	"connect", "bind", "listen", "accept", "accept4", "shutdown",
	"getsockopt", "setsockopt", "getsockname", "getpeername", "sendto",
	"recvfrom", "sendmsg", "recvmsg", "sendmmsg", "recvmmsg", "poll",
	"ppoll", "select", "pselect6", "epoll_create1", "epoll_ctl",
	"epoll_wait", "epoll_pwait", "dup", "dup2", "dup3", "pipe2",
	NULL
};

int sb_policy_network(sandbox_policy_t *p)
{
	static const int families[] = { AF_INET, AF_INET6 };
	static const int unix_pairs[] = { SOCK_STREAM, SOCK_SEQPACKET };
	static const unsigned long fcntls[] = { F_GETFL, F_SETFL, F_GETFD,
	                                        F_SETFD };
	static const unsigned long ioctls[] = { FIONBIO, FIONREAD };
	int rc = sb_policy_compute(p);

	if (rc < 0 || (rc = sb_policy_names(p, sockets, S_DISP_ALLOW, 0)) < 0)
		return rc;
	for (size_t i = 0; i < SB_ARRAY_SIZE(families); i++)
		if ((rc = sb_policy_cond1(p, "socket", S_DISP_ALLOW, 0, 0, S_CMP_EQ,
		                          (uint64_t)families[i], 0)) < 0 ||
		    (rc = sb_policy_cond1(p, "socketpair", S_DISP_ALLOW, 0, 0,
		                          S_CMP_EQ, (uint64_t)families[i], 0)) < 0)
			return rc;
	/* AF_UNIX: refused, but connected pairs of stream or seqpacket
	 * sockets (the type's low 4 bits; the rest are SOCK_NONBLOCK and
	 * SOCK_CLOEXEC). The first conditional rule that holds decides. */
	for (size_t i = 0; i < SB_ARRAY_SIZE(unix_pairs); i++) {
		sandbox_cond_t pair[2] = {
			{ .arg = 0, .op = S_CMP_EQ, .a = AF_UNIX },
			{ .arg = 1, .op = S_CMP_MASKED_EQ, .a = 0xf,
			  .b = (uint64_t)unix_pairs[i] },
		};
		if ((rc = sandbox_policy_add_rule_name(p, 1u << S_ABI_X86_64,
		                                       "socketpair", S_DISP_ALLOW,
		                                       0, pair, 2)) < 0)
			return rc;
	}
	if ((rc = sb_policy_cond1(p, "socket", S_DISP_ERRNO, EACCES, 0, S_CMP_EQ,
	                          AF_UNIX, 0)) < 0 ||
	    (rc = sb_policy_cond1(p, "socketpair", S_DISP_ERRNO, EACCES, 0,
	                          S_CMP_EQ, AF_UNIX, 0)) < 0)
		return rc;
	for (size_t i = 0; i < SB_ARRAY_SIZE(fcntls); i++)
		if ((rc = sb_policy_cond1(p, "fcntl", S_DISP_ALLOW, 0, 1, S_CMP_EQ,
		                          fcntls[i], 0)) < 0)
			return rc;
	for (size_t i = 0; i < SB_ARRAY_SIZE(ioctls); i++)
		if ((rc = sb_policy_cond1(p, "ioctl", S_DISP_ALLOW, 0, 1, S_CMP_EQ,
		                          ioctls[i], 0)) < 0)
			return rc;
	return 0;
}
