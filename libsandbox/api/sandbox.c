/*
 * Public entry points of the sandbox object: argument checks, copies of the
 * configuration, and the status machine PRE -> RDY -> EXE/BLK -> FIN.
 */
#include "config.h"
#include "core/core.h"
#include "isolation/isolation.h"
#include "diag/diag.h"
#include "../policies/builtin.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

/* ------------------------------------------------------------ life cycle */

static void clear_stat(sandbox_stat_t *st)
{
	memset(st, 0, sizeof(*st));
	st->result = S_RESULT_PD;
	st->exit_code = -1;
	st->quota_exceeded = -1;
	st->cpu_time_us = st->user_time_us = st->sys_time_us = -1;
	st->wall_time_us = st->memory_peak = st->vm_peak = st->rss_peak = -1;
	st->minor_faults = st->major_faults = st->output_bytes = -1;
}

SB_EXPORT sandbox_t *sandbox_new(const char *const argv[])
{
	if (!argv || !argv[0] || !argv[0][0]) {
		errno = EINVAL;
		return NULL;
	}
	sandbox_t *sb = calloc(1, sizeof(*sb));
	if (!sb)
		goto nomem;
	sb->pid = -1;
	sb->mgr.ctl_fd = sb->mgr.sig_fd = sb->mgr.pidfd = -1;
	sb->uid = (uid_t)-1;
	sb->gid = (gid_t)-1;
	sb->sample_usec = 5000;
	for (int i = 0; i < 3; i++) {
		sb->stdio[i].fd = -1;
		sb->cap[i].rfd = sb->cap[i].dest_fd = -1;
	}
	for (int q = 0; q < S_QUOTA_COUNT; q++)
		sb->quota[q] = SANDBOX_UNLIMITED;
	pthread_mutex_init(&sb->mgr.lock, NULL);
	clear_stat(&sb->stat);
	if (sb_strv_dup(argv, false, &sb->argv) < 0 ||
	    sb_strv_dup(NULL, false, &sb->envp) < 0)
		goto nomem_sb;
	sb->policy = sandbox_policy_builtin("default");
	if (!sb->policy)
		goto nomem_sb;
	return sb;
nomem_sb:
	sandbox_destroy(sb);
nomem:
	errno = ENOMEM;
	return NULL;
}

static void drop_compiled(sandbox_t *sb)
{
	free(sb->compiled.prog.filter);
	sb->compiled.prog.filter = NULL;
	sb->compiled.prog.len = 0;
	sb_ruleset_free(&sb->compiled.rules);
	sb->compiled.valid = false;
}

SB_EXPORT void sandbox_destroy(sandbox_t *sb)
{
	if (!sb)
		return;
	sb_manager_stop(sb);
	drop_compiled(sb);
	sb_strv_free(sb->argv);
	sb_strv_free(sb->envp);
	free(sb->workdir);
	free(sb->chroot_dir);
	free(sb->groups);
	for (int i = 0; i < 3; i++)
		free(sb->stdio[i].path);
	sandbox_policy_unref(sb->policy);
	sb_iso_free(sb->iso);
	sb_diag_free(sb->diag);
	pthread_mutex_destroy(&sb->mgr.lock);
	free(sb);
}

/* Every setter starts here: configuration may change only when idle, and
 * a change needs a new check. */
static int begin_set(sandbox_t *sb)
{
	if (!sb)
		return -EINVAL;
	if (sb->status == S_STATUS_EXE || sb->status == S_STATUS_BLK)
		return -EBUSY;
	if (sb->status == S_STATUS_RDY)
		sb->status = S_STATUS_PRE;
	return 0;
}

SB_EXPORT int sandbox_set_argv(sandbox_t *sb, const char *const argv[])
{
	char **v;
	int rc = begin_set(sb);
	if (rc < 0)
		return rc;
	if (!argv || !argv[0] || !argv[0][0])
		return -EINVAL;
	if ((rc = sb_strv_dup(argv, false, &v)) < 0)
		return rc;
	sb_strv_free(sb->argv);
	sb->argv = v;
	return 0;
}

SB_EXPORT int sandbox_set_env(sandbox_t *sb, const char *const envp[])
{
	char **v;
	int rc = begin_set(sb);
	if (rc < 0)
		return rc;
	for (size_t i = 0; envp && envp[i]; i++) {
		const char *eq = strchr(envp[i], '=');
		if (!eq || eq == envp[i])
			return -EINVAL;
	}
	if ((rc = sb_strv_dup(envp, false, &v)) < 0)
		return rc;
	sb_strv_free(sb->envp);
	sb->envp = v;
	return 0;
}

SB_EXPORT int sandbox_set_env_inherit(sandbox_t *sb, bool inherit)
{
	int rc = begin_set(sb);
	if (rc < 0)
		return rc;
	sb->env_inherit = inherit;
	return 0;
}

SB_EXPORT int sandbox_set_workdir(sandbox_t *sb, const char *dir)
{
	int rc = begin_set(sb);
	if (rc < 0)
		return rc;
	if (dir && !dir[0])
		return -EINVAL;
	return sb_set_str(&sb->workdir, dir);
}

SB_EXPORT int sandbox_set_chroot(sandbox_t *sb, const char *dir)
{
	int rc = begin_set(sb);
	if (rc < 0)
		return rc;
	if (dir && !dir[0])
		return -EINVAL;
	return sb_set_str(&sb->chroot_dir, dir);
}

SB_EXPORT int sandbox_set_credentials(sandbox_t *sb, uid_t uid, gid_t gid,
                                      const gid_t *groups, size_t ngroups)
{
	gid_t *g = NULL;
	int rc = begin_set(sb);
	if (rc < 0)
		return rc;
	if ((ngroups && !groups) || ngroups > 65536)
		return -EINVAL;
	if (ngroups) {
		if (!(g = malloc(ngroups * sizeof(*g))))
			return -ENOMEM;
		memcpy(g, groups, ngroups * sizeof(*g));
	}
	free(sb->groups);
	sb->groups = g;
	sb->ngroups = ngroups;
	sb->uid = uid;
	sb->gid = gid;
	sb->set_creds = true;
	return 0;
}

SB_EXPORT int sandbox_set_stdio_fd(sandbox_t *sb, int which, int fd)
{
	int rc = begin_set(sb);
	if (rc < 0)
		return rc;
	if (which < 0 || which > 2 || fd < -1 ||
	    (fd >= 0 && fcntl(fd, F_GETFD) < 0))
		return -EINVAL;
	free(sb->stdio[which].path);
	sb->stdio[which].path = NULL;
	sb->stdio[which].fd = fd;
	if (fd >= 0)
		sb->cap[which].on = false;
	return 0;
}

SB_EXPORT int sandbox_set_stdio_path(sandbox_t *sb, int which,
                                     const char *path, bool append)
{
	int rc = begin_set(sb);
	if (rc < 0)
		return rc;
	if (which < 0 || which > 2 || !path || !path[0])
		return -EINVAL;
	if ((rc = sb_set_str(&sb->stdio[which].path, path)) < 0)
		return rc;
	sb->stdio[which].fd = -1;
	sb->stdio[which].append = append;
	sb->cap[which].on = false;
	return 0;
}

SB_EXPORT int sandbox_set_quota(sandbox_t *sb, int q, uint64_t value)
{
	int rc = begin_set(sb);
	if (rc < 0)
		return rc;
	if (q < 0 || q >= S_QUOTA_COUNT || value == 0)
		return -EINVAL;
	/* Time quotas in ms must fit the manager's nanosecond clock. */
	if ((q == S_QUOTA_CPU || q == S_QUOTA_WALLCLOCK) &&
	    value != SANDBOX_UNLIMITED && value > (uint64_t)INT64_MAX / 1000000)
		return -EINVAL;
	sb->quota[q] = value;
	return 0;
}

SB_EXPORT int sandbox_set_memory_mode(sandbox_t *sb, int mode)
{
	int rc = begin_set(sb);
	if (rc < 0)
		return rc;
	if (mode != S_MEMORY_VSIZE && mode != S_MEMORY_RSS)
		return -EINVAL;
	sb->memory_mode = mode;
	return 0;
}

SB_EXPORT int sandbox_set_mode(sandbox_t *sb, int mode)
{
	int rc = begin_set(sb);
	if (rc < 0)
		return rc;
	if (mode != S_MODE_FAST && mode != S_MODE_CLASSIC)
		return -EINVAL;
	sb->mode = mode;
	return 0;
}

SB_EXPORT int sandbox_set_policy(sandbox_t *sb, sandbox_policy_t *p)
{
	int rc = begin_set(sb);
	if (rc < 0)
		return rc;
	sandbox_policy_t *np = p ? sandbox_policy_ref(p)
	                         : sandbox_policy_builtin("default");
	if (!np)
		return -ENOMEM;
	sandbox_policy_unref(sb->policy);
	sb->policy = np;
	return 0;
}

SB_EXPORT int sandbox_set_sample_interval(sandbox_t *sb, unsigned usec)
{
	int rc = begin_set(sb);
	if (rc < 0)
		return rc;
	if (usec < 100 || usec > 1000000)
		return -EINVAL;
	sb->sample_usec = usec;
	return 0;
}

/* ------------------------------------------------------------ check */

/* argv[0] must be an executable regular file (seen through the chroot). */
static int check_program(const sandbox_t *sb)
{
	char *path = NULL;
	const char *p = sb->argv[0];
	struct stat st;
	int rc = 0;

	if (sb->chroot_dir) {
		/* A relative program path is relative to the work directory,
		 * which is itself inside the chroot. */
		const char *wd = (p[0] != '/' && sb->workdir) ? sb->workdir : "";
		size_t n = strlen(sb->chroot_dir) + strlen(wd) + strlen(p) + 3;
		if (!(path = malloc(n)))
			return -ENOMEM;
		snprintf(path, n, "%s/%s/%s", sb->chroot_dir, wd, p);
		p = path;
	} else if (p[0] != '/' && sb->workdir) {
		size_t n = strlen(sb->workdir) + strlen(p) + 2;
		if (!(path = malloc(n)))
			return -ENOMEM;
		snprintf(path, n, "%s/%s", sb->workdir, p);
		p = path;
	}
	if (stat(p, &st) < 0)
		rc = -errno;
	else if (!S_ISREG(st.st_mode))
		rc = S_ISDIR(st.st_mode) ? -EISDIR : -ENOEXEC;
	else if (access(p, X_OK) < 0)
		rc = -errno;
	free(path);
	return rc;
}

/* Compile the policy for this configuration, unless the cache fits. */
static int compile_policy(sandbox_t *sb)
{
	bool watch = sb->memory_mode == S_MEMORY_VSIZE &&
	             sb->quota[S_QUOTA_MEMORY] != SANDBOX_UNLIMITED;
	int rc;

	/* Rules added after path rules go through the path layer too. */
	if ((rc = sb_paths_refresh(sb->policy, NULL, 0)) < 0)
		return rc;
	if (sb->compiled.valid && sb->compiled.policy == sb->policy &&
	    sb->compiled.generation == sb->policy->generation &&
	    sb->compiled.watch_memory == watch)
		return 0;
	drop_compiled(sb);
	struct sb_filter_opts o = { .watch_memory = watch };
	if ((rc = sb_filter_get(sb->policy, &o, &sb->compiled.prog)) < 0)
		return rc;
	if ((rc = sb_ruleset_build(sb->policy, &sb->compiled.rules)) < 0) {
		drop_compiled(sb);
		return rc;
	}
	sb->compiled.valid = true;
	sb->compiled.policy = sb->policy;
	sb->compiled.generation = sb->policy->generation;
	sb->compiled.watch_memory = watch;
	return 0;
}

SB_EXPORT int sandbox_check(sandbox_t *sb)
{
	int rc;

	if (!sb)
		return -EINVAL;
	if (sb->status == S_STATUS_EXE || sb->status == S_STATUS_BLK)
		return -EBUSY;
	if (sb->status == S_STATUS_FIN)
		return -EALREADY;
	/* Isolation decides what is in effect; with a box root it checks
	 * argv[0] itself, inside the box (isolation.c). */
	if ((rc = sb->iso ? sb_iso_check(sb) : 0) < 0)
		return rc;
	if (rc == 0 && (rc = check_program(sb)) < 0)
		return rc;
	/* ELF facts; refuses what cannot run in the policy (elfinfo.c). */
	if (rc == 0 && (rc = sb_diag_check(sb)) < 0)
		return rc;
	if ((rc = compile_policy(sb)) < 0)
		return rc;
	sb->status = S_STATUS_RDY;
	return 0;
}

SB_EXPORT int sandbox_execute(sandbox_t *sb)
{
	int rc;

	if (!sb)
		return -EINVAL;
	if (sb->status == S_STATUS_FIN)
		return -EALREADY;
	if (sb->status == S_STATUS_EXE || sb->status == S_STATUS_BLK)
		return -EBUSY;
	/* Cheap when nothing changed since the last check (cached filter). */
	if ((rc = sandbox_check(sb)) < 0)
		return rc;
	if ((rc = sb_manager_start(sb)) < 0)
		return rc;
	clear_stat(&sb->stat);
	sb->stat.mode = sb->mode;
	sb->stat.memory_mode = sb->memory_mode;
	sb->failed_step = NULL;
	atomic_store(&sb->kill_reason, SB_KILL_NONE);
	atomic_store(&sb->mem_sample_peak, 0);
	sb_diag_begin_run(sb);
	sb->status = S_STATUS_EXE;
	rc = sb_trace_run(sb);
	if (rc < 0) {
		/* No verdict: the program could not be judged. */
		clear_stat(&sb->stat);
		sb->status = S_STATUS_RDY;
		if (!sb->failed_step)
			sb->failed_step = "supervisor";
		return rc;
	}
	sb->status = S_STATUS_FIN;
	return 0;
}

SB_EXPORT const char *sandbox_failed_step(const sandbox_t *sb)
{
	return sb ? sb->failed_step : NULL;
}

SB_EXPORT int sandbox_reset(sandbox_t *sb)
{
	if (!sb)
		return -EINVAL;
	if (sb->status == S_STATUS_EXE || sb->status == S_STATUS_BLK)
		return -EBUSY;
	clear_stat(&sb->stat);
	sb_diag_reset(sb);
	sb->failed_step = NULL;
	atomic_store(&sb->interrupt_sig, 0);
	sb->status = sb->compiled.valid ? S_STATUS_RDY : S_STATUS_PRE;
	return 0;
}

SB_EXPORT int sandbox_status(const sandbox_t *sb)
{
	return sb ? sb->status : -EINVAL;
}

SB_EXPORT int sandbox_result(const sandbox_t *sb)
{
	return sb ? sb->stat.result : -EINVAL;
}

SB_EXPORT int sandbox_get_stat(const sandbox_t *sb, sandbox_stat_t *st,
                               size_t size)
{
	if (!sb || !st || size == 0)
		return -EINVAL;
	memcpy(st, &sb->stat, size < sizeof(*st) ? size : sizeof(*st));
	return 0;
}

/* ------------------------------------------------------------ memory */

SB_EXPORT ssize_t sandbox_read_memory(sandbox_t *sb, uint64_t addr, void *buf,
                                      size_t len)
{
	if (!sb || !buf)
		return -EINVAL;
	if (!sb->in_callback || sb->pid <= 0)
		return -ESRCH;
	if (len == 0)
		return 0;
	struct iovec local = { .iov_base = buf, .iov_len = len };
	struct iovec remote = { .iov_base = (void *)(uintptr_t)addr, .iov_len = len };
	ssize_t n = process_vm_readv(sb->pid, &local, 1, &remote, 1, 0);
	return n < 0 ? -errno : n;
}

SB_EXPORT ssize_t sandbox_read_string(sandbox_t *sb, uint64_t addr, char *buf,
                                      size_t len)
{
	size_t got = 0;

	if (!sb || !buf || len == 0)
		return -EINVAL;
	/* Read page by page so that a string ending just before an unmapped
	 * page is still read completely. */
	while (got < len) {
		size_t page_left = 4096 - ((addr + got) & 4095);
		size_t want = len - got < page_left ? len - got : page_left;
		ssize_t n = sandbox_read_memory(sb, addr + got, buf + got, want);
		if (n <= 0)
			return n < 0 ? n : -EFAULT;
		char *nul = memchr(buf + got, '\0', (size_t)n);
		if (nul)
			return nul - buf;
		got += (size_t)n;
	}
	buf[len - 1] = '\0';
	return -ENAMETOOLONG;
}
