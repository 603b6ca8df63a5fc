/*
 * What a child does between fork and exec that several layers share (the
 * engine's child, the isolation layer's namespace steps): report a failed
 * step, set an rlimit, empty the capability bounding set. Async-signal-
 * safe: system calls only, no allocation, no locks.
 */
#include "config.h"
#include "util/util.h"

#include <errno.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

_Noreturn void sb_child_fail(int errfd, int err, int step)
{
	struct sb_child_error e;

	memset(&e, 0, sizeof(e));
	e.err = err ? err : EINVAL;
	e.step = step;
	/* One write below PIPE_BUF into a pipe is never short. */
	while (write(errfd, &e, sizeof(e)) < 0 && errno == EINTR)
		;
	_exit(127);
}

static rlim_t rlim_of(uint64_t v)
{
	return v == SANDBOX_UNLIMITED ? RLIM_INFINITY : (rlim_t)v;
}

int sb_setrlimit(int res, uint64_t soft, uint64_t hard, bool clamp)
{
	struct rlimit rl = { .rlim_cur = rlim_of(soft), .rlim_max = rlim_of(hard) };
	struct rlimit cur;

	if (setrlimit(res, &rl) == 0)
		return 0;
	if (errno != EPERM || !clamp || getrlimit(res, &cur) < 0)
		return -errno;
	/* Not allowed to raise the hard limit: keep the lower one. */
	if (rl.rlim_max > cur.rlim_max)
		rl.rlim_max = cur.rlim_max;
	if (rl.rlim_cur > rl.rlim_max)
		rl.rlim_cur = rl.rlim_max;
	return setrlimit(res, &rl) == 0 ? 0 : -errno;
}

int sb_drop_bounding_set(void)
{
	/* Up to the last capability this kernel has (READ says EINVAL). */
	for (int cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EPERM)
			return -errno;
	return 0;
}
