/*
 * What a policy callback may call about its event: the program's memory
 * (only while the program is stopped for the callback) and the syscall as
 * text.
 */
#include "config.h"
#include "api/api.h"

#include <errno.h>

SB_EXPORT ssize_t sandbox_read_memory(sandbox_t *sb, uint64_t addr, void *buf,
                                      size_t len)
{
	if (!sb || !buf)
		return -EINVAL;
	if (!sb->in_callback || sb->cur_tid <= 0)
		return -ESRCH;
	return sb_mem_read(sb->cur_tid, addr, buf, len);
}

SB_EXPORT ssize_t sandbox_read_string(sandbox_t *sb, uint64_t addr, char *buf,
                                      size_t len)
{
	if (!sb || !buf || len == 0)
		return -EINVAL;
	if (!sb->in_callback || sb->cur_tid <= 0)
		return -ESRCH;
	return sb_mem_read_string(sb->cur_tid, addr, buf, len);
}

SB_EXPORT size_t sandbox_format_syscall(const sandbox_event_t *ev, char *buf,
                                        size_t len, int flags)
{
	const sandbox_t *sb = ev ? ev->sandbox : NULL;
	pid_t mem_pid = sb && sb->in_callback ? sb->cur_tid : -1;

	return sb_diag_format_syscall(ev, mem_pid, buf, len, flags);
}
