/*
 * What sandbox_check() and sandbox_execute() do below the argument checks
 * and the status machine (api/sandbox.c).
 *   check:   decide how the file rules are enforced and the isolation in
 *            effect, check the program and its ELF facts, compile the
 *            policy for this configuration (cached until the policy or its
 *            options change), build the Landlock ruleset (confine.c);
 *   execute: open the streams, make the capture pipes and the error pipe,
 *            build the environment, pin the CPU, start the child (clone
 *            sharing our memory, spawn.c; or clone into namespaces), hand
 *            it to the tracer, then undo all of it and let isolation
 *            report.
 */
#include "config.h"
#include "core/core.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void sb_run_drop_compiled(sandbox_t *sb)
{
	free(sb->compiled.prog.filter);
	sb->compiled.prog.filter = NULL;
	sb->compiled.prog.len = 0;
	sb_ruleset_free(&sb->compiled.rules);
	sb_policy_effective_free(&sb->compiled.guarded);
	sb->compiled.valid = false;
	sb_policy_unref(sb->compiled.policy);
	sb->compiled.policy = NULL;
}

struct sb_diag *sb_run_diag(sandbox_t *sb)
{
	if (!sb->diag)
		sb->diag = sb_diag_new();
	return sb->diag;
}

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
	/* A box's writable space judged by a quota: what can free it stops
	 * first in fast mode too (its peak decides, isolation/box.c). */
	bool space = sb->iso && sb_iso_watches_space(sb->iso);
	/* Stream files under the output quota: what can shrink one through
	 * a descriptor stops first, so that what they held at their most is
	 * judged (capture.c). A stream the caller captures is no file. */
	bool streams = sb->quota[S_QUOTA_DISK] != SANDBOX_UNLIMITED &&
	               !(sb->cap[1].on && sb->cap[2].on);
	const struct sb_eff_opts eo = {
		.guard_truncate = sb->confine.guard_truncate,
		.guard_special = sb->confine.mode == S_FILES_MOUNT_VIEW,
		/* The program's uid may own files outside its run: its file
		 * rules cannot keep it from their metadata. */
		.guard_owner = sb->confine.mode != S_FILES_NONE &&
		               !sb_ident_applies(sb),
	};
	int rc;

	if (sb->compiled.valid && sb->compiled.policy == sb->policy &&
	    sb->compiled.generation == sb->policy->generation &&
	    sb->compiled.watch_memory == watch &&
	    sb->compiled.watch_space == space &&
	    sb->compiled.watch_streams == streams &&
	    sb->compiled.guard_truncate == eo.guard_truncate &&
	    sb->compiled.guard_special == eo.guard_special &&
	    sb->compiled.guard_owner == eo.guard_owner)
		return 0;
	sb_run_drop_compiled(sb);
	/* The table with its guards (tasks; truncation for an old Landlock):
	 * what the kernel filter is compiled from and both modes judge. */
	struct sb_filter_opts o = { .watch_memory = watch, .watch_space = space,
	                            .watch_streams = streams };
	if ((rc = sb_policy_effective(sb->policy, &eo, &sb->compiled.guarded)) < 0 ||
	    (rc = sb_filter_get(&sb->compiled.guarded.view, &o,
	                        &sb->compiled.prog)) < 0 ||
	    (rc = sb_ruleset_build(&sb->compiled.guarded.view,
	                           &sb->compiled.rules)) < 0) {
		sb_run_drop_compiled(sb);
		return rc;
	}
	sb->compiled.tasks = sb_policy_tasks(sb->policy);
	sb->compiled.valid = true;
	sb->compiled.policy = sb_policy_ref(sb->policy);
	sb->compiled.generation = sb->policy->generation;
	sb->compiled.watch_memory = watch;
	sb->compiled.watch_space = space;
	sb->compiled.watch_streams = streams;
	sb->compiled.guard_truncate = eo.guard_truncate;
	sb->compiled.guard_special = eo.guard_special;
	sb->compiled.guard_owner = eo.guard_owner;
	return 0;
}

/* Bit (1 << abi) for each ABI whose syscalls the policy can let run. */
static unsigned abis_allowed(const sandbox_policy_t *p)
{
	unsigned m = 0;
	for (int abi = 0; abi < S_ABI_COUNT; abi++)
		if (sb_policy_abi_allowed(p, abi))
			m |= 1u << abi;
	return m;
}

int sb_run_check(sandbox_t *sb)
{
	int rc;

	/* The memory mode asked for, else the policy's preference. */
	sb->memory_mode = sb->memory_mode_asked >= 0 ? sb->memory_mode_asked
	                : sb->policy->memory_mode >= 0 ? sb->policy->memory_mode
	                : S_MEMORY_VSIZE;

	/* How the file rules are enforced: a mount view is part of the
	 * isolation the next step checks. */
	if ((rc = sb_confine_plan(sb)) < 0)
		return rc;
	/* Isolation decides what is in effect; with a box root it checks
	 * argv[0] itself, inside the box (isolation.c). */
	if (sb->iso) {
		static const char *const sockets[] = { "socket", NULL };
		const struct sb_iso_prog prog = {
			.argv0 = sb->argv[0], .workdir = sb->workdir,
			.chroot = sb->chroot_dir, .set_creds = sb->set_creds,
			.env_inherit = sb->env_inherit,
			.disk_quota = sb->quota[S_QUOTA_DISK],
			.memory_quota = sb->quota[S_QUOTA_MEMORY],
			.sockets = sb->iso->box &&
			           sb_policy_may_call(sb->policy, sockets),
		};
		if ((rc = sb_iso_check(sb->iso, &prog)) < 0)
			return rc;
	}
	if (rc == 0 && (rc = check_program(sb)) < 0)
		return rc;
	/* ELF facts; refuses what cannot run in the policy (elfinfo.c). */
	if (rc == 0) {
		if (!sb_run_diag(sb))
			return -ENOMEM;
		rc = sb_diag_check(sb->diag, sb->argv[0], sb->chroot_dir,
		                   sb->workdir, abis_allowed(sb->policy));
		if (rc < 0)
			return rc;
	}
	if ((rc = compile_policy(sb)) < 0)
		return rc;
	return sb_confine_build(sb);
}

/* ------------------------------------------------------------ execute */

extern char **environ;

static void close_fds(int *fds, int n)
{
	for (int i = 0; i < n; i++)
		if (fds[i] >= 0) {
			close(fds[i]);
			fds[i] = -1;
		}
}

static bool same_file(int a, int b)
{
	struct stat sa, sb;
	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* Streams given by path: opened as sandbox_open_file() does. stdout and
 * stderr naming one file (any spelling) share one open file description:
 * two would each start at offset 0 and overwrite each other. An
 * interaction's streams (sb->link) replace the configured ones: taken
 * over, they are closed with the others after the fork. */
static int open_stdio(sandbox_t *sb, int fds[3])
{
	struct sb_planters who;
	struct sb_open_batch batch; /* one walk for files of one directory */

	sb_ident_planters(sb, &who);
	sb_open_batch_init(&batch);
	for (int i = 0; i < 3; i++)
		fds[i] = -1;
	for (int i = 0; i < 3; i++) {
		const struct sb_stdio *s = &sb->stdio[i];
		int how = i == 0 ? SANDBOX_OPEN_READ
		        : s->append ? SANDBOX_OPEN_APPEND : SANDBOX_OPEN_WRITE;
		if (sb->link.stdio_fd[i] >= 0) {
			fds[i] = sb->link.stdio_fd[i];
			sb->link.stdio_fd[i] = -1;
			continue;
		} else if (s->path) {
			fds[i] = sb_open_file_in(&batch, s->path, how, 0644, &who);
		} else if (s->fd >= 0) {
			fds[i] = fcntl(s->fd, F_DUPFD_CLOEXEC, 3);
			if (fds[i] < 0)
				fds[i] = -errno;
		} else {
			continue;
		}
		if (fds[i] < 0) {
			int e = fds[i];
			fds[i] = -1;
			close_fds(fds, i);
			sb_open_batch_end(&batch);
			sb->failed_step = sb_step_name(SB_STEP_STDIN + i);
			return e;
		}
	}
	sb_open_batch_end(&batch);
	if (sb->stdio[1].path && sb->stdio[2].path &&
	    same_file(fds[1], fds[2])) {
		close(fds[2]);
		fds[2] = fcntl(fds[1], F_DUPFD_CLOEXEC, 3);
		if (fds[2] < 0) {
			int e = -errno;
			close_fds(fds, 2);
			return e;
		}
	}
	return 0;
}

int sb_run_execute(sandbox_t *sb)
{
	struct sb_child_plan plan = { .sb = sb, .errfd = -1, .parent = getpid(),
	                              .landlock_fd = -1 };
	pid_t pid = -1;
	int pidfd = -1, errfd = -1, wstatus = 0, step = SB_STEP_UNKNOWN;
	struct sb_pin pin = { .changed = false, .claim = -1 };
	struct sb_ident ident = { .box_id = -1 };
	int pipefd[2] = { -1, -1 };
	int stdio[3]; /* ours: the plan's copies stay as they are (spawn.c) */
	char **envbuf = NULL;
	int rc;

	int capw[3];
	struct sb_iso_hidden hidden;
	unsigned linked = 0;

	sb_iso_hidden_init(&hidden);
	for (int i = 0; i < 3; i++)
		if (sb->link.stdio_fd[i] >= 0)
			linked |= 1u << i;
	rc = open_stdio(sb, stdio);
	if (rc < 0)
		return rc;
	bool err_follows = sb_capture_plan(sb, stdio, linked);
	if ((rc = sb_capture_open(sb, capw)) < 0) {
		close_fds(stdio, 3);
		sb->failed_step = sb_step_name(SB_STEP_CAPTURE);
		return rc;
	}
	for (int i = 1; i <= 2; i++)
		if (capw[i] >= 0)
			stdio[i] = capw[i]; /* closed after fork below */
	if ((sb->stdio[2].fd == SANDBOX_STDIO_STDOUT && !sb->cap[2].active) ||
	    err_follows) {
		/* stderr is stdout's description, whatever stdout became. */
		int src = stdio[1] >= 0 ? stdio[1] : STDOUT_FILENO;
		if ((stdio[2] = fcntl(src, F_DUPFD_CLOEXEC, 3)) < 0) {
			rc = -errno;
			sb->failed_step = sb_step_name(SB_STEP_STDERR);
			goto out;
		}
	}
	/* A box's streams name no host path (hidepath.c). */
	if (sb->iso)
		sb_iso_hide_streams(sb->iso, stdio, &hidden);
	/* Non-blocking: it is read only once the child died before its
	 * exec, when whatever it wrote is there -- a copy of its write end
	 * in a child the host program forked meanwhile must not keep that
	 * read waiting. (The child's one small write into the empty pipe
	 * never blocks.) */
	if (pipe2(pipefd, O_CLOEXEC | O_NONBLOCK) < 0) {
		rc = -errno;
		goto out;
	}
	/* Keep the error pipe off 0..2, which the child overwrites. */
	for (int i = 0; i < 2; i++) {
		if (pipefd[i] < 3) {
			int fd = fcntl(pipefd[i], F_DUPFD_CLOEXEC, 3);
			if (fd < 0) {
				rc = -errno;
				goto out;
			}
			close(pipefd[i]);
			pipefd[i] = fd;
		}
	}
	plan.errfd = pipefd[1];
	plan.envp = sb->envp;
	sb_streams_begin(sb, stdio);
	if (sb->iso || sb->env_inherit || sb->policy->env_defaults[0]) {
		/* pass-through list, secrets stripped, the policy's
		 * runtime's own entries (env.c) */
		envbuf = sb_env_build(sb->iso, sb->envp, sb->env_inherit, environ,
		                      sb->policy->env_defaults);
		if (!envbuf) {
			rc = -ENOMEM;
			goto out;
		}
		plan.envp = envbuf;
	}
	if (sb->mode != S_MODE_CLASSIC)
		plan.filter = sb->compiled.prog;
	plan.bset_dropped = sb->iso && sb->iso->drop_caps;
	sb->exec_args_bytes = sb_exec_args_bytes(sb->argv[0], sb->argv,
	                                         plan.envp);
	/* The Landlock ruleset (the check that preceded built or checked
	 * it; one of this run's when the program has its own root). */
	if ((rc = sb_confine_run_begin(sb, &plan.landlock_fd)) < 0) {
		sb->failed_step = sb_step_name(SB_STEP_LANDLOCK);
		goto out;
	}
	sb_confine_stat(sb, &sb->stat);

	/* The child inherits the tracer's (pinned) affinity. */
	if ((rc = sb_pin_begin(sb, &pin)) < 0) {
		sb->failed_step = sb_step_name(SB_STEP_CPUS);
		goto out;
	}
	sb->mgr.pinned_ncpus = pin.ncpus; /* read by sb_manager_begin_run */
	/* The ids of the run: a slot of its own when we are root. */
	if ((rc = sb_ident_begin(sb, &ident)) < 0)
		goto out;
	plan.ident = &ident;
	plan.workdir = sb->workdir;
	if (!plan.workdir && sb->iso && (sb->iso->effective & S_ISO_BOX))
		plan.workdir = "/box";
	if (sb->iso) {
		struct sb_planters who;
		sb_ident_planters(sb, &who);
		sb_iso_set_identity(sb->iso, ident.on, ident.uid, ident.gid, &who);
		sb_iso_set_stdin(sb->iso, stdio[0]);
	}
	/* From here on the plan is the child's: it may share our memory
	 * until its execve (spawn.c), and is read until then. */
	memcpy(plan.stdio_fd, stdio, sizeof(stdio));
	plan.iso_steps = sb->iso && sb_iso_spawn_shared(sb->iso);
	if (sb->iso && !plan.iso_steps) {
		/* Namespaces: the isolation layer's clone, no shared memory. */
		const int keep[] = { stdio[0], stdio[1], stdio[2],
		                     plan.landlock_fd };
		pid = sb_iso_spawn(sb->iso, plan.errfd, keep, 4, &step);
		if (pid == 0) {
			sb_child_run(&plan);
			_exit(127); /* not reached */
		}
	} else if (plan.iso_steps &&
	           (rc = sb_iso_spawn_begin(sb->iso, &step)) < 0) {
		errno = -rc;
		pid = -1;
	} else {
		pid = sb_spawn(sb, &plan, ident.on || sb->set_creds);
		step = SB_STEP_CLONE;
	}
	if (pid != 0 && sb->iso)
		sb_iso_set_stdin(sb->iso, -1); /* closed below */
	if (pid < 0) {
		rc = -errno;
		if (step != SB_STEP_UNKNOWN)
			sb->failed_step = sb_step_name(step);
		if (sb->iso && sb_iso_failed_message(sb->iso))
			snprintf(sb->failed_msg, sizeof(sb->failed_msg), "%s",
			         sb_iso_failed_message(sb->iso));
		goto out;
	}

	sb->pid = pid;
	close(pipefd[1]);
	pipefd[1] = -1;
	errfd = pipefd[0];
	pipefd[0] = -1;
	close_fds(stdio, 3);
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (sb->link.forked)
		sb->link.forked(sb->link.data, pid, pidfd);
	rc = sb_trace(sb, pid, pidfd, &errfd, &wstatus);
out:
	sb_spawn_released(sb); /* the child is reaped */
	sb_iso_hidden_end(&hidden);
	close_fds(stdio, 3);
	close_fds(pipefd, 2);
	sb_streams_end(sb);
	sb_capture_finish(sb); /* no-op when already drained */
	sb_pin_end(&pin);
	sb_confine_run_end(sb);
	sb_env_free(envbuf);
	if (sb->iso) { /* figures, facts, teardown (isolation.c) */
		struct sb_iso_facts facts;
		sb_iso_finish(sb->iso, &facts);
		/* Killed before exec with no step to blame: by the OOM killer
		 * of its cgroup, the program's image did not fit -- ML. */
		if (rc == -EINTR && sb->setup_killed && facts.oom_kills > 0) {
			sb->failed_step = NULL;
			rc = sb_verdict(sb, wstatus, NULL, false);
		}
		if (rc == 0)
			sb_verdict_isolation(sb, &facts);
	}
	if (rc == 0) /* the verdict is final: tell the observers */
		sb_observe_end(sb, pid, wstatus);
	if (errfd >= 0)
		close(errfd);
	if (pidfd >= 0)
		close(pidfd);
	sb->pid = -1;
	return rc;
}
