/*
 * What a child does between fork and exec that several layers share (the
 * engine's child, the isolation layer's namespace steps): report a failed
 * step, set an rlimit, empty the capability bounding set, close what it
 * inherited. Async-signal-
 * safe: system calls only, no allocation, no locks -- and raw ones
 * (rawsys.h), which write no errno: the engine's child shares the
 * supervisor's memory until its execve (core/spawn.c).
 */
#include "config.h"
#include "util/util.h"
#include "util/rawsys.h"

#include <errno.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

SB_CHILD_CODE
void sb_child_report(int errfd, int err, int step)
{
	struct sb_child_error e = { .err = err ? err : EINVAL, .step = step };

	/* One write below PIPE_BUF into a pipe is never short. */
	while (sb_rawsys3(SYS_write, errfd, &e, sizeof(e)) == -EINTR)
		;
}

SB_CHILD_CODE
_Noreturn void sb_child_fail(int errfd, int err, int step)
{
	sb_child_report(errfd, err, step);
	sb_raw_exit(127);
	__builtin_unreachable();
}

SB_CHILD_CODE
static rlim_t rlim_of(uint64_t v)
{
	return v == SANDBOX_UNLIMITED ? RLIM_INFINITY : (rlim_t)v;
}

SB_CHILD_CODE
int sb_setrlimit(int res, uint64_t soft, uint64_t hard, bool clamp)
{
	struct rlimit rl = { .rlim_cur = rlim_of(soft), .rlim_max = rlim_of(hard) };
	struct rlimit cur;
	long r;

	if ((r = sb_rawsys4(SYS_prlimit64, 0, res, &rl, NULL)) == 0)
		return 0;
	if (r != -EPERM || !clamp)
		return (int)r;
	if ((r = sb_rawsys4(SYS_prlimit64, 0, res, NULL, &cur)) < 0)
		return (int)r;
	/* Not allowed to raise the hard limit: keep the lower one. */
	if (rl.rlim_max > cur.rlim_max)
		rl.rlim_max = cur.rlim_max;
	if (rl.rlim_cur > rl.rlim_max)
		rl.rlim_cur = rl.rlim_max;
	return sb_raw_rc(sb_rawsys4(SYS_prlimit64, 0, res, &rl, NULL));
}

SB_CHILD_CODE
int sb_drop_bounding_set(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct d[2] = { { 0 }, { 0 } };
	long in;

	/* A DROP needs CAP_SETPCAP in our effective set (the kernel asks
	 * ns_capable() in our own user namespace: that bit, and an LSM that
	 * may still say no); without it every DROP is EPERM and drops
	 * nothing. An unprivileged caller: one capget instead of a READ and
	 * a refused DROP per capability (~80 system calls, ~11 us). */
	if (sb_rawsys2(SYS_capget, &hdr, d) == 0 &&
	    !(d[CAP_TO_INDEX(CAP_SETPCAP)].effective & CAP_TO_MASK(CAP_SETPCAP)))
		return 0;
	/* Up to the last capability this kernel has (READ says EINVAL); a
	 * DROP only for those still in the set: each one makes and commits
	 * new credentials, and after a first pass (or if refused, EPERM)
	 * there is nothing left to drop. */
	for (int cap = 0;
	     (in = sb_rawsys2(SYS_prctl, PR_CAPBSET_READ, cap)) >= 0; cap++) {
		long r = in ? sb_rawsys2(SYS_prctl, PR_CAPBSET_DROP, cap) : 0;
		if (r < 0 && r != -EPERM)
			return (int)r;
	}
	return 0;
}

SB_CHILD_CODE
int sb_close_fds_except(const int *keep, size_t n)
{
	unsigned from = 3;
	long r;

	/* Ascending, at most a handful: pick the next one above `from`. */
	for (;;) {
		unsigned next = ~0U;
		for (size_t i = 0; i < n; i++)
			if (keep[i] >= (int)from && (unsigned)keep[i] < next)
				next = (unsigned)keep[i];
		if (next == ~0U)
			break;
		if (next > from &&
		    (r = sb_rawsys3(SYS_close_range, from, next - 1, 0)) < 0)
			return (int)r;
		from = next + 1;
	}
	return sb_raw_rc(sb_rawsys3(SYS_close_range, from, ~0U, 0));
}
