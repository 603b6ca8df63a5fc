/*
 * Public entry points of the sandbox object: argument checks, copies of the
 * configuration, and the status machine PRE -> RDY -> EXE/BLK -> FIN. The
 * work is done below, in core/.
 */
#include "config.h"
#include "api/api.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------ life cycle */

/* The built-in "default" every new sandbox starts with, built once per
 * process and shared by reference: building it rule by rule from its
 * table is most of what sandbox_new() costs (~60-150 us). Sharing is
 * safe because nothing can write into it: a sandbox's policy is
 * reachable by no getter, and the library only reads the policies it
 * runs. Should the one build fail (memory), each sandbox builds its own
 * as before. */
static pthread_once_t default_once = PTHREAD_ONCE_INIT;
static sandbox_policy_t *default_shared;

static void build_default(void)
{
	default_shared = sandbox_policy_builtin("default");
}

static sandbox_policy_t *default_policy(void)
{
	pthread_once(&default_once, build_default);
	return default_shared ? sandbox_policy_ref(default_shared)
	                      : sandbox_policy_builtin("default");
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
	sb_confine_init(&sb->confine);
	sb->mgr.ctl_fd = sb->mgr.sig_fd = sb->mgr.timer_fd = sb->mgr.pidfd = -1;
	atomic_init(&sb->link_wake, -1);
	sb->mgr.tracer_base = -1;
	sb->uid = (uid_t)-1;
	sb->gid = (gid_t)-1;
	sb->umask = SANDBOX_UMASK_DEFAULT;
	sb->box_id = -1;
	sb->first_uid = SANDBOX_BOX_FIRST_UID;
	sb->first_gid = SANDBOX_BOX_FIRST_GID;
	sb->box_count = SANDBOX_BOX_COUNT;
	sb->slot.claim = sb->slot.old_claim = sb->slot.box_id = -1;
	sb->sample_usec = 5000;
	sb->memory_mode_asked = -1;
	for (int i = 0; i < 3; i++) {
		sb->stdio[i].fd = -1;
		sb->streams.fd[i] = -1;
		sb->cap[i].rfd = sb->cap[i].dest_fd = sb->cap[i].out_fd = -1;
		sb->link.stdio_fd[i] = -1;
	}
	for (int q = 0; q < S_QUOTA_COUNT; q++)
		sb->quota[q] = SANDBOX_UNLIMITED;
	pthread_mutex_init(&sb->mgr.lock, NULL);
	sb_verdict_clear(sb);
	if (sb_strv_dup(argv, false, &sb->argv) < 0 ||
	    sb_strv_dup(NULL, false, &sb->envp) < 0)
		goto nomem_sb;
	sb->policy = default_policy();
	if (!sb->policy)
		goto nomem_sb;
	return sb;
nomem_sb:
	sandbox_destroy(sb);
nomem:
	errno = ENOMEM;
	return NULL;
}

SB_EXPORT void sandbox_destroy(sandbox_t *sb)
{
	if (!sb)
		return;
	sb_manager_stop(sb);
	if (atomic_load(&sb->link_wake) >= 0)
		close(atomic_load(&sb->link_wake));
	sb_slot_release(sb);
	sb_spawn_free(sb);
	sb_run_drop_compiled(sb);
	sb_confine_drop(&sb->confine);
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

SB_EXPORT int sandbox_set_argv(sandbox_t *sb, const char *const argv[])
{
	char **v;
	int rc = sb_api_begin_set(sb);
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
	int rc = sb_api_begin_run_set(sb);
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
	int rc = sb_api_begin_run_set(sb);
	if (rc < 0)
		return rc;
	sb->env_inherit = inherit;
	return 0;
}

SB_EXPORT int sandbox_set_workdir(sandbox_t *sb, const char *dir)
{
	int rc = sb_api_begin_set(sb);
	if (rc < 0)
		return rc;
	if (dir && !dir[0])
		return -EINVAL;
	return sb_set_str(&sb->workdir, dir);
}

SB_EXPORT int sandbox_set_chroot(sandbox_t *sb, const char *dir)
{
	int rc = sb_api_begin_set(sb);
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
	int rc = sb_api_begin_set(sb);
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

SB_EXPORT int sandbox_set_umask(sandbox_t *sb, int mask)
{
	int rc = sb_api_begin_run_set(sb);
	if (rc < 0)
		return rc;
	if (mask < -1 || mask > 0777)
		return -EINVAL;
	sb->umask = mask;
	return 0;
}

SB_EXPORT int sandbox_set_box_id(sandbox_t *sb, int id)
{
	int rc = sb_api_begin_set(sb);
	if (rc < 0)
		return rc;
	if (id < -1 || (id >= 0 && (unsigned)id >= sb->box_count))
		return -EINVAL;
	sb->box_id = id;
	return 0;
}

SB_EXPORT int sandbox_set_box_ids(sandbox_t *sb, uid_t first_uid,
                                  gid_t first_gid, unsigned count)
{
	int rc = sb_api_begin_set(sb);
	if (rc < 0)
		return rc;
	/* Never root's ids, and none that wraps around to (uid_t)-1. */
	if (first_uid == 0 || first_gid == 0 || count == 0 ||
	    first_uid > (uid_t)-2 - count || first_gid > (gid_t)-2 - count ||
	    (sb->box_id >= 0 && (unsigned)sb->box_id >= count))
		return -EINVAL;
	sb->first_uid = first_uid;
	sb->first_gid = first_gid;
	sb->box_count = count;
	return 0;
}

SB_EXPORT int sandbox_set_stdio_fd(sandbox_t *sb, int which, int fd)
{
	int rc = sb_api_begin_run_set(sb);
	if (rc < 0)
		return rc;
	if (which < 0 || which > 2 || fd < -2 || (fd == -2 && which != 2) ||
	    (fd >= 0 && fcntl(fd, F_GETFD) < 0))
		return -EINVAL;
	free(sb->stdio[which].path);
	sb->stdio[which].path = NULL;
	sb->stdio[which].fd = fd;
	if (fd >= 0 || fd == SANDBOX_STDIO_STDOUT)
		sb->cap[which].on = false;
	return 0;
}

SB_EXPORT int sandbox_open_file(const char *path, int how, mode_t mode)
{
	return sb_open_file(path, how, mode);
}

SB_EXPORT int sandbox_open_file_as(const char *path, int how, mode_t mode,
                                   uid_t first_uid, gid_t first_gid,
                                   unsigned count)
{
	const struct sb_planters who = { first_uid, first_gid, count };

	if (count && ((uid_t)(first_uid + count - 1) < first_uid ||
	              (gid_t)(first_gid + count - 1) < first_gid))
		return -EINVAL; /* a range that wraps */
	return sb_open_file_as(path, how, mode, &who);
}

SB_EXPORT int sandbox_set_stdio_path(sandbox_t *sb, int which,
                                     const char *path, bool append)
{
	int rc = sb_api_begin_run_set(sb);
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
	int rc = sb_api_begin_run_set(sb);
	if (rc < 0)
		return rc;
	if (q < 0 || q >= S_QUOTA_COUNT || value == 0)
		return -EINVAL;
	/* Time quotas in ms must fit the manager's nanosecond clock. */
	if ((q == S_QUOTA_CPU || q == S_QUOTA_WALLCLOCK) &&
	    value != SANDBOX_UNLIMITED && value > (uint64_t)INT64_MAX / 1000000)
		return -EINVAL;
	if (q == S_QUOTA_TASKS && value != SANDBOX_UNLIMITED && value > INT32_MAX)
		return -EINVAL;
	/* Byte quotas are judged against signed figures. */
	if ((q == S_QUOTA_MEMORY || q == S_QUOTA_DISK) &&
	    value != SANDBOX_UNLIMITED && value > (uint64_t)INT64_MAX)
		return -EINVAL;
	sb->quota[q] = value;
	return 0;
}

SB_EXPORT int sandbox_set_memory_mode(sandbox_t *sb, int mode)
{
	int rc = sb_api_begin_run_set(sb);
	if (rc < 0)
		return rc;
	if (mode != S_MEMORY_VSIZE && mode != S_MEMORY_RSS)
		return -EINVAL;
	sb->memory_mode = sb->memory_mode_asked = mode;
	return 0;
}

SB_EXPORT int sandbox_set_mode(sandbox_t *sb, int mode)
{
	int rc = sb_api_begin_run_set(sb);
	if (rc < 0)
		return rc;
	if (mode != S_MODE_FAST && mode != S_MODE_CLASSIC)
		return -EINVAL;
	sb->mode = mode;
	return 0;
}

SB_EXPORT int sandbox_set_policy(sandbox_t *sb, sandbox_policy_t *p)
{
	int rc = sb_api_begin_set(sb);
	if (rc < 0)
		return rc;
	sandbox_policy_t *np = p ? sandbox_policy_ref(p)
	                         : default_policy();
	if (!np)
		return -ENOMEM;
	sandbox_policy_unref(sb->policy);
	sb->policy = np;
	return 0;
}

SB_EXPORT int sandbox_set_event_hook(sandbox_t *sb, sandbox_event_hook_fn fn,
                                     void *data)
{
	int rc = sb_api_begin_run_set(sb);
	if (rc < 0)
		return rc;
	sb->hook.fn = fn;
	sb->hook.data = fn ? data : NULL;
	return 0;
}

SB_EXPORT int sandbox_set_sample_interval(sandbox_t *sb, unsigned usec)
{
	int rc = sb_api_begin_run_set(sb);
	if (rc < 0)
		return rc;
	if (usec < 100 || usec > 1000000)
		return -EINVAL;
	sb->sample_usec = usec;
	return 0;
}

/* ------------------------------------------------------------ check */

SB_EXPORT int sandbox_check(sandbox_t *sb)
{
	int rc;

	if (!sb)
		return -EINVAL;
	if (sb->status == S_STATUS_EXE || sb->status == S_STATUS_BLK)
		return -EBUSY;
	if (sb->status == S_STATUS_FIN)
		return -EALREADY;
	if ((rc = sb_run_check(sb)) < 0)
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
	sb_verdict_begin(sb);
	sb->failed_step = NULL;
	sb->failed_msg[0] = '\0';
	atomic_store(&sb->kill_reason, SB_KILL_NONE);
	sb->interrupt_ended = false;
	atomic_store(&sb->mem_sample_peak, 0);
	atomic_store(&sb->mem_judged_peak, 0);
	if (sb_run_diag(sb))
		sb_diag_begin_run(sb->diag, sb->mode == S_MODE_CLASSIC);
	sb->status = S_STATUS_EXE;
	rc = sb_run_execute(sb);
	if (rc < 0) {
		/* No verdict: the program could not be judged. */
		sb_verdict_clear(sb);
		sb->status = S_STATUS_RDY;
		if (!sb->failed_step)
			sb->failed_step = sb_step_name(SB_STEP_SUPERVISOR);
		return rc;
	}
	sb->status = S_STATUS_FIN;
	return 0;
}

SB_EXPORT const char *sandbox_failed_step(const sandbox_t *sb)
{
	return sb ? sb->failed_step : NULL;
}

SB_EXPORT const char *sandbox_failed_message(const sandbox_t *sb)
{
	return sb && sb->failed_step && sb->failed_msg[0] ? sb->failed_msg
	                                                  : NULL;
}

SB_EXPORT int sandbox_reset(sandbox_t *sb)
{
	if (!sb)
		return -EINVAL;
	if (sb->status == S_STATUS_EXE || sb->status == S_STATUS_BLK)
		return -EBUSY;
	sb_verdict_clear(sb);
	sb_diag_reset(sb->diag);
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

/* ------------------------------------------------------------ capture */

SB_EXPORT int sandbox_set_capture(sandbox_t *sb, int which, int dest_fd,
                                  sandbox_output_fn fn, void *data)
{
	int rc = sb_api_begin_run_set(sb);
	if (rc < 0)
		return rc;
	if (which < 1 || which > 2 || dest_fd < -1 ||
	    (dest_fd >= 0 && fcntl(dest_fd, F_GETFD) < 0))
		return -EINVAL;
	struct sb_capture *c = &sb->cap[which];
	c->on = dest_fd >= 0 || fn;
	c->dest_fd = dest_fd;
	c->fn = fn;
	c->data = data;
	if (c->on) {
		/* The stream now comes from the capture pipe. */
		sandbox_set_stdio_fd(sb, which, -1);
	}
	return 0;
}

SB_EXPORT int64_t sandbox_captured_bytes(const sandbox_t *sb, int which)
{
	if (!sb || which < 1 || which > 2)
		return -1;
	const struct sb_capture *c = &sb->cap[which];
	return c->active ? c->bytes : c->shared ? 0 : -1;
}

SB_EXPORT int sandbox_set_affinity(sandbox_t *sb, int mode)
{
	int rc = sb_api_begin_run_set(sb);
	if (rc < 0)
		return rc;
	if (mode != S_AFFINITY_AUTO && mode != S_AFFINITY_NONE)
		return -EINVAL;
	sb->affinity = mode;
	return 0;
}

SB_EXPORT int sandbox_set_cpus(sandbox_t *sb, const char *list)
{
	cpu_set_t set;
	int rc = sb_api_begin_run_set(sb);

	if (rc < 0)
		return rc;
	if (!list) {
		sb->has_cpus = false;
		return 0;
	}
	if ((rc = sb_parse_cpulist(list, &set)) < 0)
		return rc;
	sb->cpus = set;
	sb->has_cpus = true;
	return 0;
}

/* ------------------------------------------------------------ signals */

SB_EXPORT int sandbox_interrupt(sandbox_t *sb, int signo)
{
	if (!sb || signo <= 0 || signo >= NSIG)
		return -EINVAL;
	sb_interrupt(sb, signo);
	return 0;
}

SB_EXPORT int sandbox_block_term_signals(void)
{
	sigset_t term;
	sigemptyset(&term);
	for (int i = 0; i < SB_NTERM; i++)
		sigaddset(&term, sb_term_signals[i]);
	int rc = pthread_sigmask(SIG_BLOCK, &term, NULL);
	return rc ? -rc : 0;
}
