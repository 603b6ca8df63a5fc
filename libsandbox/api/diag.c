/*
 * The public side of diagnostics: when backtraces are taken and what a
 * profile records (setters), and what the last run left (getters). The
 * work is in diag/.
 */
#include "config.h"
#include "api/api.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Configuration may change only between runs. */
static int begin_diag_set(sandbox_t *sb, struct sb_diag **d)
{
	int rc = sb_api_begin_set(sb);
	if (rc < 0)
		return rc;
	if (!(*d = sb_run_diag(sb)))
		return -ENOMEM;
	return 0;
}

SB_EXPORT int sandbox_set_backtrace(sandbox_t *sb, unsigned when)
{
	struct sb_diag *d;
	int rc = begin_diag_set(sb, &d);
	if (rc < 0)
		return rc;
	if (when & ~S_BT_DEFAULT)
		return -EINVAL;
	d->bt_when = when;
	return 0;
}

SB_EXPORT int sandbox_set_profile(sandbox_t *sb, unsigned interval_us, int fd,
                                  unsigned flags)
{
	const unsigned fmt = SANDBOX_PROFILE_CSV | SANDBOX_PROFILE_JSONL;
	struct sb_diag *d;
	int rc = begin_diag_set(sb, &d);
	if (rc < 0)
		return rc;
	if (flags & ~(fmt | SANDBOX_PROFILE_SYSCALLS))
		return -EINVAL;
	if (interval_us && (interval_us < 1000 || interval_us > 1000000))
		return -EINVAL;
	if (fd >= 0 && ((flags & fmt) == 0 || (flags & fmt) == fmt ||
	                fcntl(fd, F_GETFD) < 0))
		return -EINVAL;
	if (fd < -1)
		return -EINVAL;
	d->prof_interval_us = interval_us;
	d->prof_fd = interval_us ? fd : -1;
	d->prof_flags = flags;
	return 0;
}

/* Element i of a caller's array whose elements are `size` bytes: the
 * library's element (lib_size bytes), cut to the caller's size or padded
 * with zeros (a caller built against an older or newer sandbox.h). */
static void put_elem(void *out, size_t size, size_t i, const void *elem,
                     size_t lib_size)
{
	char *dst = (char *)out + i * size;

	memcpy(dst, elem, size < lib_size ? size : lib_size);
	if (size > lib_size)
		memset(dst + lib_size, 0, size - lib_size);
}

static void put_array(void *out, size_t size, const void *in,
                      size_t lib_size, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put_elem(out, size, i, (const char *)in + i * lib_size, lib_size);
}

/* The array arguments: out may be NULL (and size anything) when max is 0. */
static bool bad_array(const void *out, size_t max, size_t size)
{
	return max && (!out || !size);
}

SB_EXPORT ssize_t sandbox_get_syscall_counts(const sandbox_t *sb,
                                             sandbox_syscall_count_t *out,
                                             size_t max, size_t size,
                                             bool *all_syscalls)
{
	size_t n = 0;

	if (!sb || bad_array(out, max, size))
		return -EINVAL;
	const struct sb_diag *d = sb->diag;
	if (all_syscalls)
		*all_syscalls = d ? d->all_syscalls : sb->mode == S_MODE_CLASSIC;
	if (!d)
		return 0;
	for (int a = 0; a < S_ABI_COUNT; a++) {
		for (int nr = 0; d->sys[a] && nr < d->sys_n[a]; nr++) {
			const struct sb_sysprof *p = &d->sys[a][nr];
			if (!p->count)
				continue;
			if (n < max) {
				sandbox_syscall_count_t o;
				memset(&o, 0, sizeof(o));
				o.abi = a;
				o.nr = nr;
				sb_syscall_name(a, nr, o.name, sizeof(o.name));
				o.count = p->count;
				o.stopped_ns = p->ns;
				put_elem(out, size, n, &o, sizeof(o));
			}
			n++;
		}
	}
	return (ssize_t)n;
}

SB_EXPORT ssize_t sandbox_get_task_counts(const sandbox_t *sb,
                                          sandbox_task_count_t *out,
                                          size_t max, size_t size)
{
	if (!sb || bad_array(out, max, size))
		return -EINVAL;
	const struct sb_diag *d = sb->diag;
	size_t n = d ? d->ntasks : 0;
	for (size_t i = 0; i < n && i < max; i++)
		put_elem(out, size, i, &d->tasks[i], sizeof(d->tasks[i]));
	return (ssize_t)n;
}

SB_EXPORT ssize_t sandbox_get_samples(const sandbox_t *sb,
                                      sandbox_sample_t *out, size_t max,
                                      size_t size)
{
	if (!sb || bad_array(out, max, size))
		return -EINVAL;
	if (!sb->diag || sb->status == S_STATUS_EXE || sb->status == S_STATUS_BLK)
		return 0;
	size_t n = sb->diag->nsamples;
	put_array(out, size, sb->diag->samples, sizeof(*out), n < max ? n : max);
	return (ssize_t)n;
}


SB_EXPORT int sandbox_get_backtrace_info(const sandbox_t *sb,
                                         sandbox_backtrace_info_t *bi,
                                         size_t size)
{
	sandbox_backtrace_info_t none = { .reason = 0 };

	if (!sb || !bi || size == 0)
		return -EINVAL;
	const sandbox_backtrace_info_t *src = sb->diag ? &sb->diag->bt : &none;
	memcpy(bi, src, size < sizeof(*bi) ? size : sizeof(*bi));
	return 0;
}

SB_EXPORT ssize_t sandbox_get_backtrace(const sandbox_t *sb,
                                        sandbox_frame_t *out, size_t max,
                                        size_t size)
{
	if (!sb || bad_array(out, max, size))
		return -EINVAL;
	if (!sb->diag || !sb->diag->bt.reason)
		return 0;
	size_t n = sb->diag->bt.nframes;
	put_array(out, size, sb->diag->frames, sizeof(*out), n < max ? n : max);
	return (ssize_t)n;
}

SB_EXPORT int sandbox_print_backtrace(const sandbox_t *sb, int fd)
{
	char line[512];

	if (!sb || fd < 0)
		return -EINVAL;
	if (!sb->diag || !sb->diag->bt.reason)
		return 0;
	for (size_t i = 0; i < sb->diag->bt.nframes; i++) {
		const sandbox_frame_t *f = &sb->diag->frames[i];
		int n;
		if (f->symbol[0])
			n = snprintf(line, sizeof(line), "#%zu 0x%016" PRIx64
			             " in %s+0x%" PRIx64 " (%s)\n", i, f->pc,
			             f->symbol, f->offset, f->module);
		else
			n = snprintf(line, sizeof(line), "#%zu 0x%016" PRIx64
			             " in %s+0x%" PRIx64 "\n", i, f->pc, f->module,
			             f->offset);
		int rc = sb_write_all(fd, line, n < (int)sizeof(line)
		                                     ? (size_t)n : sizeof(line) - 1);
		if (rc < 0)
			return rc;
	}
	return 0;
}

SB_EXPORT int sandbox_get_binary_info(const sandbox_t *sb,
                                      sandbox_binary_info_t *bi, size_t size)
{
	if (!sb || !bi || size == 0)
		return -EINVAL;
	if (!sb->diag || !sb->diag->have_bin)
		return -ENODATA;
	memcpy(bi, &sb->diag->bin, size < sizeof(*bi) ? size : sizeof(*bi));
	return 0;
}

SB_EXPORT const char *sandbox_check_message(const sandbox_t *sb)
{
	if (sb && sb->confine.msg[0])
		return sb->confine.msg;
	if (!sb || !sb->diag || !sb->diag->have_msg)
		return NULL;
	return sb->diag->msg;
}

SB_EXPORT size_t sandbox_filter_note(const sandbox_t *sb, char *buf, size_t len)
{
	struct sb_filter_sent sent[8];
	char name[64];
	size_t n = 0;
	int k;

	if (len)
		buf[0] = '\0';
	if (!sb || !sb->compiled.valid ||
	    (k = sb_filter_sent(&sb->compiled.prog, sent, 8)) <= 0)
		return 0;
#define OUT(...) \
	n += (size_t)snprintf(n < len ? buf + n : NULL, n < len ? len - n : 0, \
	                      __VA_ARGS__)
	OUT("the kernel filter libseccomp compiled disagreed with the policy "
	    "on");
	for (int i = 0; i < k && i < 8; i++) {
		const char *sep = i ? "," : "";
		if (sent[i].abi < 0)
			OUT("%s every other architecture", sep);
		else if (sent[i].nr < 0)
			OUT("%s every %s syscall", sep, sandbox_abi_name(sent[i].abi));
		else
			OUT("%s %s (%s)", sep, sb_syscall_name(sent[i].abi, sent[i].nr,
			                                        name, sizeof(name)),
			    sandbox_abi_name(sent[i].abi));
	}
	OUT("%s: the tracer decides %s by the policy's table (a stop at every "
	    "call, in every mode)", k > 8 ? ", ..." : "", k > 1 ? "them" : "it");
#undef OUT
	return n;
}
